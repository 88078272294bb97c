// Package notify stores notifications and delivers them live. Domain services insert
// notifications inside their write transaction (store.InsertNotification, whose unique
// indexes drop duplicates) and call Deliver with the new ids after the commit — never
// inside the transaction — so a reader never sees a frame for a row that was rolled
// back.
package notify

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"eplatform/app/cache"
	"eplatform/app/store"
)

// Publisher sends frames to users' open sockets (live.Hub).
type Publisher interface {
	Send(ctx context.Context, users []int64, v any) error
	Broadcast(ctx context.Context, v any) error
}

// Service reads and delivers notifications.
type Service struct {
	DB    *store.DB
	Cache cache.Cache
	Pub   Publisher // nil: no live delivery (CLI, some tests)
	Log   *slog.Logger
	// BaseURL makes absolute links where a client needs them (not used in frames).
	BaseURL string
	// MessagesUnread, when set, gives the unread chat messages that unread_count
	// frames carry beside the notification count.
	MessagesUnread func(ctx context.Context, userID int64) (int, error)
	// DependsOn names the Cache versions that notification rows are read from beside
	// the recipient's own: post and comment text (previews) and people (senders).
	DependsOn []string

	pages pages
}

// UserMini is the API's short user.
type UserMini struct {
	ID        int64  `json:"id"`
	Username  string `json:"username"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	UserType  string `json:"user_type"`
	// DisplayName is how the person is named on the site (store.UserMini.DisplayName):
	// added beside the original fields so clients need not rebuild it.
	DisplayName string `json:"display_name"`
}

// Mini converts a store user.
func Mini(u store.UserMini) UserMini {
	return UserMini{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName, UserType: u.UserType,
		DisplayName: u.DisplayName()}
}

// JSON is the API's Notification.
type JSON struct {
	ID        int64     `json:"id"`
	Recipient UserMini  `json:"recipient"`
	Sender    *UserMini `json:"sender"`
	Type      string    `json:"notification_type"`
	Text      string    `json:"text"`
	// DisplayText is Text with the sender named as the site names them (DisplayText).
	DisplayText string `json:"display_text"`
	IsRead      bool   `json:"is_read"`
	CreatedAt   string `json:"created_at"`
	Post        *int64 `json:"post"`
	Comment     *int64 `json:"comment"`
	URL         string `json:"url"`
	Preview     string `json:"preview"`
}

// ToJSON shapes a notification for the API and the socket.
func ToJSON(n store.Notification, recipient store.UserMini) JSON {
	out := JSON{ID: n.ID, Recipient: Mini(recipient), Type: n.Type, Text: n.Text, DisplayText: DisplayText(n), IsRead: n.IsRead,
		CreatedAt: n.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), URL: n.URL, Preview: n.Preview}
	if n.Sender != nil {
		s := Mini(*n.Sender)
		out.Sender = &s
	}
	if n.PostID != 0 {
		id := n.PostID
		out.Post = &id
	}
	if n.CommentID != 0 {
		id := n.CommentID
		out.Comment = &id
	}
	return out
}

// DisplayText is what a person reads of a notification. Rows keep the text written when
// they were made, which begins with the sender's username (the original's wording,
// still the API's text); shown, that username becomes the sender's display name as it
// is now, so a rename reaches old notifications too.
func DisplayText(n store.Notification) string {
	if n.Sender == nil {
		return n.Text
	}
	if rest, ok := strings.CutPrefix(n.Text, n.Sender.Username+" "); ok {
		return n.Sender.DisplayName() + " " + rest
	}
	return n.Text
}

func unreadKey(userID int64) string { return "unread:" + strconv.FormatInt(userID, 10) }

// forgetUnread orphans a user's cached unread count after a change. A cache that cannot
// forget serves the old count for up to its life, so it is logged.
func (s *Service) forgetUnread(ctx context.Context, userID int64) {
	if err := cache.Forget(ctx, s.Cache, unreadKey(userID)); err != nil && s.Log != nil {
		s.Log.WarnContext(ctx, "forget an unread count", "user", userID, "err", err)
	}
}

// Unread returns the user's unread count through the cache.
func (s *Service) Unread(ctx context.Context, userID int64) (int, error) {
	return cache.Load(ctx, s.Cache, unreadKey(userID), 5*time.Minute, func(ctx context.Context) (int, error) {
		return s.DB.CountUnread(ctx, userID)
	})
}

// Deliver pushes freshly committed notifications to their recipients' sockets, each
// followed by the new unread count.
func (s *Service) Deliver(ctx context.Context, ids []int64, recipients []int64) {
	for i, id := range ids {
		rcpt := recipients[i]
		s.changed(ctx, rcpt)
		if s.Pub == nil {
			continue
		}
		n, err := s.DB.NotificationByID(ctx, rcpt, id)
		if err != nil {
			continue // deleted in the meantime (its post went away): nothing to say
		}
		u, err := s.DB.UserByID(ctx, rcpt)
		if err != nil {
			continue
		}
		s.send(ctx, rcpt, map[string]any{"type": "notification", "notification": ToJSON(n, miniOf(u))})
		s.PushUnread(ctx, rcpt)
	}
}

// PushUnread sends a user's current unread count to every tab of theirs.
func (s *Service) PushUnread(ctx context.Context, userID int64) {
	if s.Pub == nil {
		return
	}
	if f, err := s.UnreadFrame(ctx, userID); err == nil {
		s.send(ctx, userID, f)
	}
}

// UnreadFrame is the unread_count frame of a user: unread notifications and, when
// MessagesUnread is set, unread chat messages.
func (s *Service) UnreadFrame(ctx context.Context, userID int64) (map[string]any, error) {
	n, err := s.Unread(ctx, userID)
	if err != nil {
		return nil, err
	}
	messages := 0
	if s.MessagesUnread != nil {
		var err error
		if messages, err = s.MessagesUnread(ctx, userID); err != nil && s.Log != nil {
			s.Log.WarnContext(ctx, "count unread messages", "user", userID, "err", err)
		}
	}
	return map[string]any{"type": "unread_count", "count": n, "messages_unread": messages}, nil
}

func (s *Service) send(ctx context.Context, userID int64, v any) {
	if err := s.Pub.Send(ctx, []int64{userID}, v); err != nil && s.Log != nil {
		s.Log.WarnContext(ctx, "live delivery failed", "user", userID, "err", err)
	}
}

func miniOf(u store.User) store.UserMini {
	return store.UserMini{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName, UserType: u.UserType, ProfilePicture: u.ProfilePicture}
}

// MarkRead marks one notification read; another person's is store.ErrNotFound.
func (s *Service) MarkRead(ctx context.Context, userID, id int64) (int, error) {
	if err := s.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.MarkNotificationRead(ctx, userID, id) }); err != nil {
		return 0, err
	}
	return s.afterRead(ctx, userID)
}

// MarkAllRead marks all of a user's notifications read and returns how many changed.
func (s *Service) MarkAllRead(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		var err error
		n, err = tx.MarkAllNotificationsRead(ctx, userID)
		return err
	})
	if err != nil {
		return 0, err
	}
	_, err = s.afterRead(ctx, userID)
	return n, err
}

// afterRead refreshes the cached count and tells the user's other tabs.
func (s *Service) afterRead(ctx context.Context, userID int64) (int, error) {
	s.changed(ctx, userID)
	s.PushUnread(ctx, userID)
	return s.Unread(ctx, userID)
}

// Recount refreshes the unread counts of users whose notifications were deleted by
// cascade (their post or comment went away) and tells their open tabs.
func (s *Service) Recount(ctx context.Context, userIDs []int64) {
	for _, id := range userIDs {
		s.changed(ctx, id)
		s.PushUnread(ctx, id)
	}
}

// List returns the recipient's notifications that q selects (q.RecipientID must be
// the viewer: nobody lists another person's notifications).
func (s *Service) List(ctx context.Context, q store.NotificationQuery) ([]store.Notification, error) {
	return s.DB.ListNotifications(ctx, q)
}

// Count is how many notifications q selects.
func (s *Service) Count(ctx context.Context, q store.NotificationQuery) (int, error) {
	return s.DB.CountNotifications(ctx, q)
}

// Get returns one of the recipient's notifications; another person's is ErrNotFound.
func (s *Service) Get(ctx context.Context, recipientID, id int64) (store.Notification, error) {
	return s.DB.NotificationByID(ctx, recipientID, id)
}
