package notify

import (
	"context"
	"strconv"
	"sync"
	"time"

	"eplatform/app/cache"
	"eplatform/app/store"
)

// A notifications page is read by its owner only, but often: every visit of the page
// and every open of the bell. The rows are kept in this process under a key that names
// the versions they depend on — the recipient's own (moved on by every change to their
// notifications: a new one, a read, a recount after a cascade), and the shared ones the
// previews and senders are read from (DependsOn: post and comment text, people's names)
// — so a change on any process is seen by the next read on every process. Cascades the
// services do not recount (a quiz or an appointment deleted) are bounded by pageLife,
// as the unread count's are by its life.

// pageLife bounds how long a kept page may miss a deletion by cascade.
const pageLife = 5 * time.Minute

// pagesBudget bounds what this process keeps of notification pages.
const pagesBudget = 4 << 20

func listNamespace(userID int64) string { return "notifications:" + strconv.FormatInt(userID, 10) }

type pages struct {
	once sync.Once
	kept *cache.Local[[]store.Notification]
	err  error
}

// changed orphans what is kept of a user's notifications: their unread count and pages.
func (s *Service) changed(ctx context.Context, userID int64) {
	s.forgetUnread(ctx, userID)
	if s.Cache == nil {
		return
	}
	if err := s.Cache.Bump(ctx, listNamespace(userID)); err != nil && s.Log != nil {
		s.Log.WarnContext(ctx, "bump a user's notifications' version", "user", userID, "err", err)
	}
}

// Page is List for the pages people open — newest first, all or unread only, by
// keyset — kept in this process between changes.
func (s *Service) Page(ctx context.Context, q store.NotificationQuery) ([]store.Notification, error) {
	if s.Cache == nil || q.Type != "" || q.Search != "" || !q.From.IsZero() || !q.To.IsZero() || q.OrderBy != "" || q.Ascending || q.Offset != 0 {
		return s.List(ctx, q)
	}
	s.pages.once.Do(func() { s.pages.kept, s.pages.err = cache.NewLocal[[]store.Notification](pagesBudget, 8<<10) })
	if s.pages.err != nil {
		return s.List(ctx, q)
	}
	key := make([]byte, 0, 96)
	key = strconv.AppendInt(key, q.RecipientID, 10)
	for _, ns := range append([]string{listNamespace(q.RecipientID)}, s.DependsOn...) {
		v, err := s.Cache.Version(ctx, ns)
		if err != nil {
			return s.List(ctx, q)
		}
		key = strconv.AppendUint(append(key, ':'), v, 10)
	}
	if q.Unread != nil {
		key = strconv.AppendBool(append(key, '|'), *q.Unread)
	}
	key = strconv.AppendInt(append(key, '|'), q.After.At.UnixMilli(), 10)
	key = strconv.AppendInt(append(key, '.'), q.After.ID, 10)
	key = strconv.AppendInt(append(key, '|'), int64(q.Limit), 10)
	if list, ok := s.pages.kept.Get(string(key)); ok {
		return list, nil
	}
	list, err := s.List(ctx, q)
	if err != nil {
		return nil, err
	}
	cost := int64(len(key))
	for _, n := range list {
		cost += int64(160 + len(n.Text) + len(n.URL) + len(n.Preview))
	}
	s.pages.kept.Set(string(key), list, cost, pageLife)
	return list, nil
}
