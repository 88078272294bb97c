package feed_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"strings"
	"sync"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/feed"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// The feed's rules, called as the handlers call them, on a real database.

func setup(t *testing.T) (*apptest.App, *feed.Service, store.User, store.User, store.User) {
	t.Helper()
	app := apptest.StartRelaxed(t)
	return app, app.State.Feed, app.Account("ada", "student"), app.Account("bob", "student"), app.Account("root", "admin")
}

// notes returns the recipient's notifications as "type:sender" strings, oldest first.
func notes(t *testing.T, app *apptest.App, rcpt store.User) []string {
	t.Helper()
	list, err := app.State.Notify.List(context.Background(), store.NotificationQuery{RecipientID: rcpt.ID, Limit: 100, OrderBy: "created_at", Ascending: true})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range list {
		out = append(out, n.Type+":"+n.Sender.Username)
	}
	return out
}

func wantKind(t *testing.T, what string, err error, k problem.Kind) *problem.Error {
	t.Helper()
	p, ok := problem.As(err)
	if !ok || p.Kind != k {
		t.Fatalf("%s: got %v, want a %v problem", what, err, k)
	}
	return p
}

func TestCreatePostValidatesContent(t *testing.T) {
	_, s, ada, _, _ := setup(t)
	ctx := context.Background()
	for _, tc := range []struct{ name, content, msg string }{
		{"blank", "  \n ", "This field may not be blank."},
		{"too long", strings.Repeat("é", feed.MaxContent+1), "no more than 5000 characters"},
		{"NUL first", "\x00x", "control character U+0000"},
		{"escape", "red \x1b[31m", "control character U+001B"},
		{"invalid UTF-8", "a\xffb", "not valid UTF-8"},
	} {
		_, err := s.CreatePost(ctx, ada, tc.content, nil)
		p := wantKind(t, tc.name, err, problem.KindInvalid)
		if got := strings.Join(p.Fields["content"], " "); !strings.Contains(got, tc.msg) {
			t.Errorf("%s: content error %q, want %q", tc.name, got, tc.msg)
		}
	}
	// Exactly MaxContent characters, counted as characters, not bytes; CRLF kept as lines.
	post, err := s.CreatePost(ctx, ada, strings.Repeat("é", feed.MaxContent-2)+"\r\nx", nil)
	if err != nil || strings.Contains(post.Content, "\r") {
		t.Fatalf("a post of exactly the limit: %v %q", err, post.Content[len(post.Content)-3:])
	}
	page, err := s.Feed(ctx, ada, store.Cursor{}, 10)
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("only the valid post was written: %d items, %v", len(page.Items), err)
	}
}

func TestCreatePostMedia(t *testing.T) {
	app, s, ada, _, _ := setup(t)
	ctx := context.Background()
	var img bytes.Buffer
	png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 4, 4)))

	post, err := s.CreatePost(ctx, ada, "a picture", &feed.Upload{Field: "image", Name: "dot.png", Data: img.Bytes()})
	if err != nil || post.Media == nil || post.Media.Kind != "image" || post.Media.ContentType != "image/png" {
		t.Fatalf("image post: %+v %v", post.Media, err)
	}
	if f, err := app.State.Media.Open(post.Media.Path); err != nil {
		t.Fatalf("the file is stored: %v", err)
	} else {
		f.Close()
	}
	// A text file named .png is refused by its content, as the image field's error.
	_, err = s.CreatePost(ctx, ada, "fake", &feed.Upload{Field: "image", Name: "x.png", Data: []byte("hello, not an image")})
	if p := wantKind(t, "fake image", err, problem.KindInvalid); !p.Fields.Has("image") {
		t.Fatalf("fake image: %+v", p.Fields)
	}
	// Over the limit is a 413, not a field error.
	big := make([]byte, 5<<20+1)
	copy(big, img.Bytes())
	_, err = s.CreatePost(ctx, ada, "huge", &feed.Upload{Field: "image", Name: "big.png", Data: big})
	wantKind(t, "too large", err, problem.KindTooLarge)

	// Deleting the post removes its file.
	if err := s.DeletePost(ctx, ada, post.ID); err != nil {
		t.Fatal(err)
	}
	if f, err := app.State.Media.Open(post.Media.Path); err == nil {
		f.Close()
		t.Fatal("the deleted post's file is still there")
	}
}

func TestWhoMayEditAndDelete(t *testing.T) {
	_, s, ada, bob, root := setup(t)
	ctx := context.Background()
	post, err := s.CreatePost(ctx, ada, "ada's post", nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := s.AddComment(ctx, bob, post.ID, "bob's comment")
	if err != nil {
		t.Fatal(err)
	}
	// Only the author edits, admins included.
	for _, u := range []store.User{bob, root} {
		_, err := s.UpdatePost(ctx, u, post.ID, "taken over")
		wantKind(t, "edit by "+u.Username, err, problem.KindForbidden)
		_, err = s.UpdateComment(ctx, u, c.ID, "taken over")
		if u.ID != bob.ID {
			wantKind(t, "comment edit by "+u.Username, err, problem.KindForbidden)
		}
	}
	if _, err := s.UpdateComment(ctx, ada, c.ID, "the post owner may not edit it"); !errors.Is(err, problem.ErrForbidden) {
		t.Fatalf("post owner edits a comment: %v", err)
	}
	// The comment goes by its author, the post's owner or an admin; nobody else.
	carl := store.User{ID: -1, Username: "nobody"}
	if _, err := s.DeleteComment(ctx, carl, c.ID); !errors.Is(err, problem.ErrForbidden) {
		t.Fatalf("stranger deletes a comment: %v", err)
	}
	if _, err := s.DeleteComment(ctx, ada, c.ID); err != nil {
		t.Fatalf("post owner deletes a comment: %v", err)
	}
	if _, err := s.DeleteComment(ctx, ada, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
	// Posts: the author or an admin.
	if err := s.DeletePost(ctx, bob, post.ID); !errors.Is(err, problem.ErrForbidden) {
		t.Fatalf("bob deletes ada's post: %v", err)
	}
	if err := s.DeletePost(ctx, root, post.ID); err != nil {
		t.Fatalf("an admin moderates: %v", err)
	}
	if _, err := s.UpdatePost(ctx, ada, post.ID, "gone"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("editing a deleted post: %v", err)
	}
	if _, _, err := s.AddComment(ctx, bob, post.ID, "late"); problem.KindOf(err) != problem.KindNotFound {
		t.Fatalf("commenting on a deleted post: %v", err)
	}
}

func TestNotificationRules(t *testing.T) {
	app, s, ada, bob, _ := setup(t)
	ctx := context.Background()
	carl := app.Account("carl", "student")

	post, err := s.CreatePost(ctx, ada, "hello @bob and @BOB and @ada and @nobody", nil)
	if err != nil {
		t.Fatal(err)
	}
	// One mention notification per person, never for oneself or unknown names.
	if got := notes(t, app, bob); strings.Join(got, ",") != "mention:ada" {
		t.Fatalf("bob after the post: %v", got)
	}
	if got := notes(t, app, ada); len(got) != 0 {
		t.Fatalf("ada notified of her own post: %v", got)
	}
	// An edit notifies only the newly mentioned.
	if _, err := s.UpdatePost(ctx, ada, post.ID, "hello @bob and now @carl"); err != nil {
		t.Fatal(err)
	}
	if got := notes(t, app, bob); len(got) != 1 {
		t.Fatalf("bob notified again by the edit: %v", got)
	}
	if got := notes(t, app, carl); strings.Join(got, ",") != "mention:ada" {
		t.Fatalf("carl after the edit: %v", got)
	}
	// Likes: one notification per (liker, post), even after unlike and like again.
	for range 3 {
		if _, _, err := s.ToggleLike(ctx, bob, post.ID); err != nil {
			t.Fatal(err)
		}
	}
	liked, count, err := s.ToggleLike(ctx, ada, post.ID) // her own like: no notification
	if err != nil || !liked || count != 2 {
		t.Fatalf("ada likes her post: %v %d %v", liked, count, err)
	}
	// The owner mentioned in a comment on her own post gets the comment notification only.
	if _, _, err := s.AddComment(ctx, carl, post.ID, "nice, @ada — cc @bob"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(notes(t, app, ada), ","); got != "like:bob,comment:carl" {
		t.Fatalf("ada: %s", got)
	}
	if got := strings.Join(notes(t, app, bob), ","); got != "mention:ada,mention:carl" {
		t.Fatalf("bob: %s", got)
	}
	n, err := app.State.Notify.Unread(ctx, ada.ID)
	if err != nil || n != 2 {
		t.Fatalf("ada's unread count = %d, %v", n, err)
	}
}

func TestConcurrentLikesCountOnce(t *testing.T) {
	app, s, ada, _, _ := setup(t)
	ctx := context.Background()
	post, err := s.CreatePost(ctx, ada, "like me", nil)
	if err != nil {
		t.Fatal(err)
	}
	var likers []store.User
	for _, name := range []string{"u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"} {
		likers = append(likers, app.Account(name, "student"))
	}
	var wg sync.WaitGroup
	for _, u := range likers {
		wg.Go(func() {
			if _, _, err := s.ToggleLike(ctx, u, post.ID); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	item, _, err := s.Post(ctx, ada, post.ID)
	if err != nil || item.Post.LikesCount != len(likers) {
		t.Fatalf("likes = %d, want %d (%v)", item.Post.LikesCount, len(likers), err)
	}
	if got := notes(t, app, ada); len(got) != len(likers) {
		t.Fatalf("%d like notifications, want %d", len(got), len(likers))
	}
}

func TestFeedPagesByKeyset(t *testing.T) {
	app, s, ada, bob, _ := setup(t)
	ctx := context.Background()
	var ids []int64
	for i := range 7 {
		p, err := s.CreatePost(ctx, ada, "post "+string(rune('a'+i))+" for @bob", nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
		app.Clock.Advance(1) // equal times are ordered by id
	}
	if _, _, err := s.AddComment(ctx, bob, ids[6], "first"); err != nil {
		t.Fatal(err)
	}
	var seen []int64
	cur := store.Cursor{}
	for pages := 0; ; pages++ {
		page, err := s.Feed(ctx, bob, cur, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			seen = append(seen, it.Post.ID)
		}
		if pages == 0 && (len(page.Items[0].Comments) != 1 || page.Known["bob"].ID != bob.ID) {
			t.Fatalf("first page: comments %v, known %v", page.Items[0].Comments, page.Known)
		}
		if page.Next.IsZero() {
			break
		}
		cur = page.Next
	}
	if len(seen) != 7 || seen[0] != ids[6] || seen[6] != ids[0] {
		t.Fatalf("pages gave %v, want every post newest first", seen)
	}
	// The API's list counts through the maintained counter when unfiltered.
	items, _, count, err := s.Posts(ctx, bob, store.PostQuery{Limit: 2})
	if err != nil || count != 7 || len(items) != 2 {
		t.Fatalf("Posts: %d items, count %d, %v", len(items), count, err)
	}
	if id, found, err := s.AuthorID(ctx, "ADA"); err != nil || !found || id != ada.ID {
		t.Fatalf("AuthorID(ADA) = %d %v %v", id, found, err)
	}
	if _, found, err := s.AuthorID(ctx, "nobody"); err != nil || found {
		t.Fatalf("AuthorID(nobody) = %v %v", found, err)
	}
}
