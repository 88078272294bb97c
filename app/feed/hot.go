package feed

import (
	"context"
	"hash/fnv"
	"slices"
	"strconv"
	"sync"

	"eplatform/app/cache"
	"eplatform/app/store"
)

// The two reads every feed page makes — which posts, in which versions, are on it, and
// what the viewer did to them — are kept in this process, typed (no encoding), under
// keys that carry versions kept in the shared Cache: the heads under one version that
// every change to a card moves on, each viewer's marks under a version of their own that
// their likes and comments move on. A change on any process is therefore seen by the
// next read on every process (with a Redis cache), and nothing kept is ever stale.

// HeadsNamespace is the version of the feed's heads: every change to what a card shows
// (a post or comment written, edited or deleted, a like) moves it on.
const HeadsNamespace = "feed-heads"

// marksNamespace is the version of one viewer's marks.
func marksNamespace(userID int64) string { return "feed-marks:" + strconv.FormatInt(userID, 10) }

// hotBudget bounds what this process keeps of heads and marks.
const hotBudget = 8 << 20

type marks struct {
	liked    map[int64]bool
	comments map[int64][]int64
}

type hot struct {
	once  sync.Once
	heads *cache.Local[[]store.PostHead]
	marks *cache.Local[marks]
	err   error
}

func (s *Service) hotReads() (*hot, error) {
	s.hot.once.Do(func() {
		if s.hot.heads, s.hot.err = cache.NewLocal[[]store.PostHead](hotBudget/2, 2<<10); s.hot.err != nil {
			return
		}
		s.hot.marks, s.hot.err = cache.NewLocal[marks](hotBudget/2, 512)
	})
	return &s.hot, s.hot.err
}

// changedHeads moves the heads' version on after a change to any card.
func (s *Service) changedHeads(ctx context.Context) {
	if s.Cache == nil {
		return
	}
	if err := s.Cache.Bump(ctx, HeadsNamespace); err != nil && s.Log != nil {
		s.Log.WarnContext(ctx, "bump the feed heads' version", "err", err)
	}
}

// changedMarks moves a viewer's marks' version on after they liked, unliked, commented
// or lost a comment.
func (s *Service) changedMarks(ctx context.Context, userID int64) {
	if s.Cache == nil {
		return
	}
	if err := s.Cache.Bump(ctx, marksNamespace(userID)); err != nil && s.Log != nil {
		s.Log.WarnContext(ctx, "bump a viewer's marks' version", "user", userID, "err", err)
	}
}

// cachedHeads returns the heads load reads (a page by cursor or by offset), kept under
// the heads' version; where names the page. With read replicas what is kept is read
// from the primary (store.PrimaryReads): a replica may not yet have the change that
// moved the version on.
func (s *Service) cachedHeads(ctx context.Context, where string, load func(context.Context) ([]store.PostHead, error)) ([]store.PostHead, error) {
	h, err := s.hotReads()
	if err != nil || s.Cache == nil {
		return load(ctx)
	}
	v, err := s.Cache.Version(ctx, HeadsNamespace)
	if err != nil {
		return load(ctx)
	}
	key := strconv.FormatUint(v, 10) + ":" + where
	if heads, ok := h.heads.Get(key); ok {
		return heads, nil
	}
	heads, err := load(store.PrimaryReads(ctx))
	if err == nil {
		h.heads.Set(key, heads, int64(len(heads)*40+len(key)), 0)
	}
	return heads, err
}

func (s *Service) cachedMarks(ctx context.Context, viewerID int64, ids []int64) (map[int64]bool, map[int64][]int64, error) {
	h, err := s.hotReads()
	if err != nil || s.Cache == nil {
		return s.DB.ViewerMarks(ctx, viewerID, ids)
	}
	v, err := s.Cache.Version(ctx, marksNamespace(viewerID))
	if err != nil {
		return s.DB.ViewerMarks(ctx, viewerID, ids)
	}
	f := fnv.New64a()
	for _, id := range ids {
		f.Write(strconv.AppendInt(nil, id, 10))
		f.Write([]byte{','})
	}
	key := strconv.FormatInt(viewerID, 10) + ":" + strconv.FormatUint(v, 10) + ":" + strconv.FormatUint(f.Sum64(), 36)
	if m, ok := h.marks.Get(key); ok {
		return m.liked, m.comments, nil
	}
	liked, comments, err := s.DB.ViewerMarks(store.PrimaryReads(ctx), viewerID, ids)
	if err == nil {
		h.marks.Set(key, marks{liked, comments}, int64(64+len(liked)*16+len(comments)*32+len(key)), 0)
	}
	return liked, comments, err
}

// Hidden returns the authors whose posts and comments the viewer's feed leaves out:
// the people the viewer blocked. It is kept with the viewer's marks, under their
// version, which blocking and unblocking move on (BlocksChanged), so a cached feed
// never shows someone just blocked.
func (s *Service) Hidden(ctx context.Context, viewerID int64) (map[int64]bool, error) {
	if viewerID == 0 {
		return nil, nil
	}
	h, err := s.hotReads()
	if err != nil || s.Cache == nil {
		return s.DB.BlockedIDs(ctx, viewerID)
	}
	v, err := s.Cache.Version(ctx, marksNamespace(viewerID))
	if err != nil {
		return s.DB.BlockedIDs(ctx, viewerID)
	}
	key := "hidden:" + strconv.FormatInt(viewerID, 10) + ":" + strconv.FormatUint(v, 10)
	if m, ok := h.marks.Get(key); ok {
		return m.liked, nil
	}
	hidden, err := s.DB.BlockedIDs(ctx, viewerID)
	if err == nil {
		h.marks.Set(key, marks{liked: hidden}, int64(64+len(hidden)*16+len(key)), 0)
	}
	return hidden, err
}

// BlocksChanged moves the viewer's marks on after they blocked or unblocked someone.
func (s *Service) BlocksChanged(ctx context.Context, viewerID int64) { s.changedMarks(ctx, viewerID) }

// HiddenKey is a short name of a hidden set for the keys of cached views that leave
// those authors out ("" when nothing is hidden, so most viewers share their cards).
func HiddenKey(hidden map[int64]bool) string {
	if len(hidden) == 0 {
		return ""
	}
	ids := make([]int64, 0, len(hidden))
	for id := range hidden {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	f := fnv.New64a()
	for _, id := range ids {
		f.Write(strconv.AppendInt(nil, id, 10))
		f.Write([]byte{','})
	}
	return "h" + strconv.FormatUint(f.Sum64(), 36)
}

// WithoutHidden leaves out of items the posts and the comments of hidden authors.
func WithoutHidden(items []Item, hidden map[int64]bool) []Item {
	if len(hidden) == 0 {
		return items
	}
	out := items[:0:0]
	for _, it := range items {
		if hidden[it.Post.Author.ID] {
			continue
		}
		out = append(out, it.WithoutHidden(hidden))
	}
	return out
}

// WithoutHidden is the item without the comments of hidden authors.
func (it Item) WithoutHidden(hidden map[int64]bool) Item {
	if len(hidden) == 0 {
		return it
	}
	var cs []store.Comment
	for _, c := range it.Comments {
		if !hidden[c.Author.ID] {
			cs = append(cs, c)
		}
	}
	it.Comments = cs
	return it
}
