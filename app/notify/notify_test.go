package notify_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/auth"
	"eplatform/app/notify"
	"eplatform/app/people"
	"eplatform/app/store"
)

// The notification rules the feed, learning, quizzes and appointments rely on, called
// directly: unread counts that follow every change, read marks that touch only one's
// own, and the JSON the API and the socket send.

func TestUnreadCountFollowsEveryChange(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	ada, bob := app.Account("ada", "student"), app.Account("bob", "student")
	n := app.State.Notify
	unread := func() int {
		t.Helper()
		c, err := n.Unread(ctx, ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if unread() != 0 {
		t.Fatal("a new user has unread notifications")
	}
	post, err := app.State.Feed.CreatePost(ctx, ada, "hello", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Many people comment at once: the cached count ends right (each Deliver forgets it,
	// and a count loaded during a change is never kept past it).
	var wg sync.WaitGroup
	for i := range 8 {
		u := app.Account("u"+string(rune('a'+i)), "student")
		wg.Go(func() {
			if _, _, err := app.State.Feed.AddComment(ctx, u, post.ID, "hi"); err != nil {
				t.Error(err)
			}
			unread() // read while others write, as pages do
		})
	}
	wg.Wait()
	if got := unread(); got != 8 {
		t.Fatalf("unread after 8 comments = %d", got)
	}
	list, err := n.List(ctx, store.NotificationQuery{RecipientID: ada.ID, Limit: 100})
	if err != nil || len(list) != 8 {
		t.Fatalf("List: %d, %v", len(list), err)
	}
	// One read, then all; another person's notification is not found, and nothing moves.
	if left, err := n.MarkRead(ctx, ada.ID, list[0].ID); err != nil || left != 7 || unread() != 7 {
		t.Fatalf("MarkRead: %d %v", left, err)
	}
	if _, err := n.MarkRead(ctx, bob.ID, list[1].ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("bob marks ada's notification: %v", err)
	}
	if _, err := n.Get(ctx, bob.ID, list[1].ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("bob reads ada's notification: %v", err)
	}
	if changed, err := n.MarkAllRead(ctx, ada.ID); err != nil || changed != 7 || unread() != 0 {
		t.Fatalf("MarkAllRead: %d %v, unread %d", changed, err, unread())
	}
	if c, err := n.Count(ctx, store.NotificationQuery{RecipientID: ada.ID}); err != nil || c != 8 {
		t.Fatalf("Count: %d %v", c, err)
	}
	// Deleting the post takes its notifications and their unread counts with it.
	if _, err := app.State.Feed.CreatePost(ctx, bob, "@ada look", nil); err != nil {
		t.Fatal(err)
	}
	if unread() != 1 {
		t.Fatal("a mention did not count")
	}
}

func TestFrameAndJSON(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	ada, bob := app.Account("ada", "student"), app.Account("bob", "student")
	if _, err := app.State.Feed.CreatePost(ctx, bob, "hey @ada", nil); err != nil {
		t.Fatal(err)
	}
	f, err := app.State.Notify.UnreadFrame(ctx, ada.ID)
	if err != nil || f["type"] != "unread_count" || f["count"] != 1 {
		t.Fatalf("frame %v %v", f, err)
	}
	list, err := app.State.Notify.List(ctx, store.NotificationQuery{RecipientID: ada.ID, Limit: 10})
	if err != nil || len(list) != 1 {
		t.Fatal(err)
	}
	j := notify.ToJSON(list[0], store.UserMini{ID: ada.ID, Username: ada.Username})
	if j.Type != "mention" || j.Sender == nil || j.Sender.Username != "bob" || j.Recipient.Username != "ada" || j.IsRead || j.URL == "" {
		t.Fatalf("JSON %+v", j)
	}
}

// TestPageFollowsEveryChange: the kept notifications page is never stale — a new
// notification, a read mark, an edited comment (the preview), a renamed sender and a
// deleted post (its notifications go by cascade) each show at the next read, and the
// unread filter is kept apart from the whole list.
func TestPageFollowsEveryChange(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	ada, bob := app.Account("ada", "student"), app.Account("bob", "student")
	n := app.State.Notify
	unread := true
	page := func(onlyUnread bool) []store.Notification {
		t.Helper()
		q := store.NotificationQuery{RecipientID: ada.ID, Limit: 31}
		if onlyUnread {
			q.Unread = &unread
		}
		list, err := n.Page(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		want, err := n.List(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != len(want) {
			t.Fatalf("kept page has %d rows, the database %d", len(list), len(want))
		}
		for i := range list {
			if list[i].ID != want[i].ID || list[i].IsRead != want[i].IsRead || list[i].Preview != want[i].Preview ||
				(list[i].Sender == nil) != (want[i].Sender == nil) || (list[i].Sender != nil && *list[i].Sender != *want[i].Sender) {
				t.Fatalf("kept row %d = %+v, the database has %+v", i, list[i], want[i])
			}
		}
		return list
	}
	if len(page(false)) != 0 || len(page(true)) != 0 {
		t.Fatal("a new user has notifications")
	}
	post, err := app.State.Feed.CreatePost(ctx, ada, "hello", nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := app.State.Feed.AddComment(ctx, bob, post.ID, "first words")
	if err != nil {
		t.Fatal(err)
	}
	if got := page(false); len(got) != 1 || got[0].Preview != "first words" {
		t.Fatalf("after a comment: %+v", got)
	}
	page(true)
	if _, err := app.State.Feed.UpdateComment(ctx, bob, c.ID, "second thoughts"); err != nil {
		t.Fatal(err)
	}
	if got := page(false); got[0].Preview != "second thoughts" {
		t.Fatalf("preview after an edit: %q", got[0].Preview)
	}
	if _, err := n.MarkRead(ctx, ada.ID, page(false)[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := page(true); len(got) != 0 {
		t.Fatalf("unread page after reading: %d rows", len(got))
	}
	first, last := "Robert", "Builder"
	if err := app.State.People.Update(ctx, bob, people.ProfileInput{Account: auth.AccountUpdate{FirstName: &first, LastName: &last}}); err != nil {
		t.Fatal(err)
	}
	if got := page(false); got[0].Sender == nil || got[0].Sender.FirstName != "Robert" {
		t.Fatalf("sender after a rename: %+v", got[0].Sender)
	}
	if err := app.State.Feed.DeletePost(ctx, ada, post.ID); err != nil {
		t.Fatal(err)
	}
	if got := page(false); len(got) != 0 {
		t.Fatalf("after the post went: %d rows", len(got))
	}
}
