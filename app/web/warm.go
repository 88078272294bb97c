package web

import (
	"context"
	"time"

	"eplatform/app/store"
)

// Cache warming. At start the newest feed pages' cards are rendered in the variant most
// viewers get (not liked, nothing of theirs on it), so the first readers after a deploy
// do not pay for them; after every change to a post its card is rendered again in that
// variant in the background, so the next reader finds it kept.

// warmPages is how many feed pages are rendered at start.
const warmPages = 3

// everyone stands for a viewer who is neither the author of a post nor an admin: the
// variant most viewers get. No user has id -1.
var everyone = store.User{ID: -1, Username: "~", UserType: "student"}

// StartWarming renders the hot cards now and follows changes until ctx ends; the
// channel closes when the first pages are warm. Changed posts are queued; when the queue
// is full (a burst of writes) the extra ones are left for the next reader, who renders
// them as before.
func (h *Web) StartWarming(ctx context.Context) <-chan struct{} {
	warmed := make(chan struct{})
	changed := make(chan int64, 256)
	h.st.Feed.Changed = func(postID int64) {
		select {
		case changed <- postID:
		default:
		}
	}
	go func() {
		h.warmFeed(ctx)
		close(warmed)
		for {
			select {
			case <-ctx.Done():
				return
			case id := <-changed:
				h.warmPost(ctx, id)
			}
		}
	}()
	return warmed
}

func (h *Web) warmFeed(ctx context.Context) {
	start := time.Now()
	cursor, cards := store.Cursor{}, 0
	for range warmPages {
		heads, next, err := h.st.Feed.Heads(ctx, cursor, FeedPageSize)
		if err != nil {
			h.st.Log.WarnContext(ctx, "warm the feed", "err", err)
			return
		}
		var keys []string
		if _, err := h.feedCards(ctx, everyone, heads, &keys); err != nil {
			h.st.Log.WarnContext(ctx, "warm the feed", "err", err)
			return
		}
		cards += len(keys)
		if next.IsZero() {
			break
		}
		cursor = next
	}
	h.st.Log.InfoContext(ctx, "warmed the feed", "cards", cards, "took", time.Since(start).Round(time.Millisecond))
}

func (h *Web) warmPost(ctx context.Context, id int64) {
	hd, err := h.st.Feed.Head(ctx, id)
	if err != nil {
		return // deleted meanwhile: nothing to warm
	}
	var keys []string
	if _, err := h.feedCards(ctx, everyone, []store.PostHead{hd}, &keys); err != nil {
		h.st.Log.WarnContext(ctx, "warm a card", "post", id, "err", err)
	}
}
