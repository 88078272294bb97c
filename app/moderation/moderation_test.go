package moderation_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/moderation"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// The rules of reports and blocks, called as the handlers call them, on a running app
// with a real database.

type world struct {
	app                       *apptest.App
	m                         *moderation.Service
	ann, bob, cat, admin, dan store.User
	post                      store.Post
	comment                   store.Comment
}

func setup(t *testing.T) *world {
	t.Helper()
	app := apptest.StartRelaxed(t)
	w := &world{app: app, m: app.State.Moderation,
		ann: app.Account("ann", "student"), bob: app.Account("bob", "student"), cat: app.Account("cat", "student"),
		dan: app.Account("dan", "instructor"), admin: app.Account("root", "admin")}
	ctx := context.Background()
	var err error
	if w.post, err = app.State.Feed.CreatePost(ctx, w.ann, "A rude post", nil); err != nil {
		t.Fatal(err)
	}
	if w.comment, _, err = app.State.Feed.AddComment(ctx, w.ann, w.post.ID, "A rude comment"); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) report(t *testing.T, by store.User, kind string, id int64, reason string) store.Report {
	t.Helper()
	r, err := w.m.Report(context.Background(), by, moderation.ReportInput{ItemType: kind, ItemID: id, Reason: reason, Note: "see this"})
	if err != nil {
		t.Fatalf("%s reports %s %d: %v", by.Username, kind, id, err)
	}
	return r
}

func TestReportsAreGroupedPerItem(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	first := w.report(t, w.bob, "post", w.post.ID, "spam")
	w.report(t, w.cat, "post", w.post.ID, "harassment")
	w.report(t, w.dan, "post", w.post.ID, "spam")
	w.report(t, w.bob, "comment", w.comment.ID, "hate")

	groups, n, err := w.m.Queue(ctx, w.admin, 20, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || len(groups) != 2 {
		t.Fatalf("queue: %d items (%d listed), want 2", n, len(groups))
	}
	g := groups[0] // the longest waiting first
	if g.Item.ItemType != "post" || len(g.Reports) != 3 || g.ReportID() != first.ID || g.Post == nil || g.Post.Content != "A rude post" {
		t.Fatalf("first group: %+v", g)
	}
	reasons := g.Reasons()
	if len(reasons) != 2 || reasons[0].Value != "spam" || reasons[0].N != 2 || reasons[1].Value != "harassment" || reasons[1].N != 1 {
		t.Errorf("reasons: %+v", reasons)
	}
	c := groups[1]
	if c.Item.ItemType != "comment" || c.Comment == nil || c.Post == nil || c.Post.ID != w.post.ID || len(c.Reports) != 1 {
		t.Errorf("comment group: %+v", c)
	}
	if _, _, err := w.m.Queue(ctx, w.dan, 20, 0); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("an instructor reads the queue: %v", err)
	}
}

func TestOneOpenReportPerReporterAndItem(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	r := w.report(t, w.bob, "post", w.post.ID, "spam")
	_, err := w.m.Report(ctx, w.bob, moderation.ReportInput{ItemType: "post", ItemID: w.post.ID, Reason: "hate"})
	apptest.WantKind(t, "a second report of the same post", err, problem.KindConflict)
	if p, _ := problem.As(err); p == nil || !strings.Contains(p.Message, "already reported") {
		t.Errorf("the refusal says: %v", err)
	}
	// Once handled, the same person may report it again (it may have got worse).
	if _, err := w.m.Act(ctx, w.admin, r.ID, "dismiss"); err != nil {
		t.Fatal(err)
	}
	w.report(t, w.bob, "post", w.post.ID, "spam")
	mine, n, err := w.m.MyReports(ctx, w.bob, 10, 0)
	if err != nil || n != 2 || mine[1].Status != "dismissed" || mine[0].Status != "open" {
		t.Errorf("bob's reports: %d %+v %v", n, mine, err)
	}
}

func TestReportInputIsChecked(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	in := func(kind string, id int64, reason, note string) error {
		_, err := w.m.Report(ctx, w.bob, moderation.ReportInput{ItemType: kind, ItemID: id, Reason: reason, Note: note})
		return err
	}
	apptest.WantField(t, "an unknown type", in("user", w.post.ID, "spam", ""), "item_type", "Choose")
	apptest.WantField(t, "an unknown reason", in("post", w.post.ID, "boring", ""), "reason", "Choose")
	apptest.WantField(t, "other without a note", in("post", w.post.ID, "other", " "), "note", "Say what")
	apptest.WantField(t, "a control character", in("post", w.post.ID, "spam", "a\x00b"), "note", "")
	apptest.WantField(t, "a long note", in("post", w.post.ID, "spam", strings.Repeat("x", moderation.MaxNote+1)), "note", "")
	apptest.WantKind(t, "a missing post", in("post", 987654, "spam", ""), problem.KindNotFound)
	_, err := w.m.Report(ctx, w.ann, moderation.ReportInput{ItemType: "post", ItemID: w.post.ID, Reason: "spam"})
	apptest.WantKind(t, "one's own post", err, problem.KindInvalid)

	// A message only members can see: a stranger's report is a 404.
	start, err := w.app.State.Chat.StartDirect(ctx, w.ann, w.cat.ID, "hello cat")
	if err != nil {
		t.Fatal(err)
	}
	apptest.WantKind(t, "a stranger reports a message", in("message", start.Message.ID, "spam", ""), problem.KindNotFound)
	if _, err := w.m.Report(ctx, w.cat, moderation.ReportInput{ItemType: "message", ItemID: start.Message.ID, Reason: "spam"}); err != nil {
		t.Errorf("a member reports a message: %v", err)
	}
}

func TestActionsCloseReportsWithTheirEffect(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	db := w.app.State.DB

	// delete: the post goes and its reports are closed as deleted, together.
	r := w.report(t, w.bob, "post", w.post.ID, "spam")
	w.report(t, w.cat, "post", w.post.ID, "spam")
	out, err := w.m.Act(ctx, w.admin, r.ID, "delete")
	if err != nil || out.Status != "deleted" || len(out.Reporters) != 2 {
		t.Fatalf("delete: %+v %v", out, err)
	}
	if _, err := db.PostByID(ctx, w.post.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the post is still there: %v", err)
	}
	if got, _ := db.ReportByID(ctx, r.ID); got.Status != "deleted" || got.Closed.IsZero() {
		t.Errorf("report after delete: %+v", got)
	}
	_, err = w.m.Act(ctx, w.admin, r.ID, "resolve")
	apptest.WantKind(t, "acting on handled reports", err, problem.KindConflict)

	// deactivate: the author's account ends with the reports.
	p2, err := w.app.State.Feed.CreatePost(ctx, w.cat, "Another", nil)
	if err != nil {
		t.Fatal(err)
	}
	r2 := w.report(t, w.bob, "post", p2.ID, "harassment")
	_, err = w.m.Act(ctx, w.admin, r2.ID, "explode")
	apptest.WantField(t, "an unknown action", err, "action", "Choose")
	_, err = w.m.Act(ctx, w.dan, r2.ID, "resolve")
	apptest.WantKind(t, "an instructor acts", err, problem.KindForbidden)
	if _, err := w.m.Act(ctx, w.admin, r2.ID, "deactivate"); err != nil {
		t.Fatal(err)
	}
	if u, _ := db.UserByID(ctx, w.cat.ID); u.IsActive {
		t.Error("the author is still active")
	}
	if got, _ := db.ReportByID(ctx, r2.ID); got.Status != "deactivated" {
		t.Errorf("report after deactivate: %+v", got)
	}

	// A deleted message: blanked by the admin, who is no member.
	start, err := w.app.State.Chat.StartDirect(ctx, w.ann, w.bob.ID, "nasty words")
	if err != nil {
		t.Fatal(err)
	}
	r3 := w.report(t, w.bob, "message", start.Message.ID, "harassment")
	groups, _, err := w.m.Queue(ctx, w.admin, 20, 0)
	if err != nil || len(groups) != 1 || len(groups[0].Messages) != 1 || groups[0].Conversation == nil {
		t.Fatalf("the message in context: %+v %v", groups, err)
	}
	if _, err := w.m.Act(ctx, w.admin, r3.ID, "delete"); err != nil {
		t.Fatal(err)
	}
	if m, _ := db.MessageByID(ctx, start.Message.ID); !m.IsDeleted || m.Content != "" {
		t.Errorf("message after delete: %+v", m)
	}
}

// The effects run in one transaction with the closing of the reports: when the second
// half fails, the first is undone.
func TestActionsAreAtomic(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	db := w.app.State.DB
	boom := errors.New("boom")
	fail := func(tx *store.Queries) error { return boom }
	if err := w.app.State.Feed.DeletePostWith(ctx, w.admin, w.post.ID, fail); !errors.Is(err, boom) {
		t.Fatalf("delete post: %v", err)
	}
	if _, err := db.PostByID(ctx, w.post.ID); err != nil {
		t.Errorf("the post went although its reports stayed open: %v", err)
	}
	if _, err := w.app.State.Feed.DeleteCommentWith(ctx, w.admin, w.comment.ID, fail); !errors.Is(err, boom) {
		t.Fatalf("delete comment: %v", err)
	}
	if _, err := db.CommentByID(ctx, w.comment.ID); err != nil {
		t.Errorf("the comment went: %v", err)
	}
	if _, err := w.app.State.Auth.ChangeActiveWith(ctx, w.admin, w.ann.ID, false, fail); !errors.Is(err, boom) {
		t.Fatalf("deactivate: %v", err)
	}
	if u, _ := db.UserByID(ctx, w.ann.ID); !u.IsActive {
		t.Error("the author was deactivated")
	}
	start, err := w.app.State.Chat.StartDirect(ctx, w.ann, w.bob.ID, "hi")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.app.State.Chat.ModeratorDelete(ctx, w.admin, start.Message.ID, fail); !errors.Is(err, boom) {
		t.Fatalf("delete message: %v", err)
	}
	if m, _ := db.MessageByID(ctx, start.Message.ID); m.IsDeleted {
		t.Error("the message was blanked")
	}
	if _, err := w.app.State.Chat.ModeratorDelete(ctx, w.bob, start.Message.ID, nil); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("a member deletes another's message as a moderator: %v", err)
	}
}

func TestBlockedPersonCannotMessage(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	chat := w.app.State.Chat
	// A conversation from before the block.
	before, err := chat.StartDirect(ctx, w.bob, w.ann.ID, "hi ann")
	if err != nil {
		t.Fatal(err)
	}
	group, err := chat.CreateGroup(ctx, w.ann, "Study", []int64{w.bob.ID, w.cat.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.m.Block(ctx, w.ann, w.bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.m.Block(ctx, w.ann, w.bob.ID); err != nil {
		t.Errorf("blocking twice: %v", err)
	}
	wantRefusal := func(what string, err error, says string) {
		t.Helper()
		p, ok := problem.As(err)
		if !ok || p.Kind != problem.KindForbidden || !strings.Contains(p.Message, says) {
			t.Errorf("%s: %v, want a 403 saying %q", what, err, says)
		}
	}
	_, err = chat.Send(ctx, w.bob, before.ConversationID, "are you there?", nil, "")
	wantRefusal("bob writes in the old conversation", err, "they have blocked you")
	_, err = chat.StartDirect(ctx, w.bob, w.ann.ID, "")
	wantRefusal("bob starts a conversation", err, "they have blocked you")
	_, err = chat.Send(ctx, w.ann, before.ConversationID, "go away", nil, "")
	wantRefusal("ann writes to whom she blocked", err, "Unblock them")
	// Groups are unchanged.
	if _, err := chat.Send(ctx, w.bob, group, "hello group", nil, ""); err != nil {
		t.Errorf("bob writes in a group with ann: %v", err)
	}
	// Others are unaffected, and unblocking lifts it.
	if _, err := chat.StartDirect(ctx, w.cat, w.ann.ID, "hi"); err != nil {
		t.Errorf("cat writes to ann: %v", err)
	}
	if _, err := w.m.Unblock(ctx, w.ann, w.bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := chat.Send(ctx, w.bob, before.ConversationID, "thanks", nil, ""); err != nil {
		t.Errorf("after unblock: %v", err)
	}
	_, err = w.m.Block(ctx, w.ann, w.ann.ID)
	apptest.WantField(t, "blocking oneself", err, "user_id", "yourself")
	_, err = w.m.Block(ctx, w.ann, 987654)
	apptest.WantKind(t, "blocking nobody", err, problem.KindNotFound)
}

func TestMentionByBlockedPersonNotifiesNobody(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	feed, notify := w.app.State.Feed, w.app.State.Notify
	unread := func() int {
		t.Helper()
		n, err := notify.Unread(ctx, w.ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	base := unread()
	if _, err := w.m.Block(ctx, w.ann, w.bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := feed.CreatePost(ctx, w.bob, "Hey @ann look", nil); err != nil {
		t.Fatal(err)
	}
	other, err := feed.CreatePost(ctx, w.cat, "A post by cat", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := feed.AddComment(ctx, w.bob, other.ID, "@ann see this"); err != nil {
		t.Fatal(err)
	}
	if n := unread(); n != base {
		t.Errorf("ann has %d unread notifications after bob's mentions, want %d", n, base)
	}
	// Cat, not blocked, still reaches her.
	if _, err := feed.CreatePost(ctx, w.cat, "Hi @ann", nil); err != nil {
		t.Fatal(err)
	}
	if n := unread(); n != base+1 {
		t.Errorf("ann has %d unread after cat's mention, want %d", n, base+1)
	}
}
