package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/audit"
	"eplatform/app/desk"
	"eplatform/app/learn"
	"eplatform/app/problem"
	"eplatform/app/store"
)

var ctx = context.Background()

// one returns the only entry of action, failing unless there is exactly one.
func one(t *testing.T, app *apptest.App, action string) store.AuditEntry {
	t.Helper()
	list := app.AuditEntries(action)
	if len(list) != 1 {
		t.Fatalf("%s: %d entries, want 1: %+v", action, len(list), list)
	}
	return list[0]
}

// snap decodes a stored snapshot.
func snap(t *testing.T, s string) map[string]any {
	t.Helper()
	if s == "" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("snapshot %q: %v", s, err)
	}
	return m
}

func want(t *testing.T, what string, got map[string]any, key string, v any) {
	t.Helper()
	if g, _ := json.Marshal(got[key]); string(g) != mustJSON(v) {
		t.Errorf("%s[%s] = %s, want %s (all: %v)", what, key, g, mustJSON(v), got)
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestAccountActionsAreRecorded(t *testing.T) {
	app := apptest.StartRelaxed(t)
	root := app.Account("root", "admin")
	stud := app.Account("stud", "student")
	a := app.State.Auth

	if _, err := a.ChangeRole(ctx, root, stud.ID, "instructor"); err != nil {
		t.Fatal(err)
	}
	e := one(t, app, audit.UserRole)
	if e.ActorID != root.ID || e.ActorName != "root" || e.TargetKind != audit.KindUser || e.TargetID != stud.ID || e.TargetLabel != "stud" {
		t.Errorf("role entry: %+v", e)
	}
	want(t, "before", snap(t, e.Before), "user_type", "student")
	want(t, "after", snap(t, e.After), "user_type", "instructor")
	if !e.At.Equal(app.Clock.Now()) {
		t.Errorf("entry at %v, clock %v", e.At, app.Clock.Now())
	}
	// The same role again changes nothing and records nothing.
	if _, err := a.ChangeRole(ctx, root, stud.ID, "instructor"); err != nil {
		t.Fatal(err)
	}
	one(t, app, audit.UserRole)

	if _, err := a.ChangeActive(ctx, root, stud.ID, false); err != nil {
		t.Fatal(err)
	}
	e = one(t, app, audit.UserDeactivate)
	want(t, "before", snap(t, e.Before), "is_active", true)
	want(t, "after", snap(t, e.After), "is_active", false)
	if _, err := a.MailReset(ctx, root, stud.ID); err == nil {
		t.Fatal("a reset for an inactive account was sent")
	}
	if n := len(app.AuditEntries(audit.UserPasswordReset)); n != 0 {
		t.Fatalf("a refused reset was recorded (%d)", n)
	}
	if _, err := a.ChangeActive(ctx, root, stud.ID, true); err != nil {
		t.Fatal(err)
	}
	one(t, app, audit.UserActivate)
	if _, err := a.MailReset(ctx, root, stud.ID); err != nil {
		t.Fatal(err)
	}
	e = one(t, app, audit.UserPasswordReset)
	want(t, "after", snap(t, e.After), "email", "stud@example.com")

	// The command line acts without an actor.
	if err := a.SetRole(ctx, stud.ID, "student"); err != nil {
		t.Fatal(err)
	}
	if e := app.AuditEntries(audit.UserRole)[0]; e.ActorID != 0 || e.ActorName != audit.CommandLine {
		t.Errorf("command-line role change: %+v", e)
	}
	if e := app.AuditEntries(audit.UserCreate); len(e) != 2 || e[0].TargetLabel != "stud" || e[0].ActorName != audit.CommandLine {
		t.Errorf("accounts made on the command line: %+v", e)
	}
}

// Refused actions leave no entry: the wrong role, acting on oneself, a bad value.
func TestRefusalsAreNotRecorded(t *testing.T) {
	app := apptest.StartRelaxed(t)
	root := app.Account("root", "admin")
	teach := app.Account("teach", "instructor")
	stud := app.Account("stud", "student")
	other := app.Account("other", "student")
	a := app.State.Auth
	before := len(app.AuditEntries(""))
	for _, by := range []store.User{stud, teach} {
		if _, err := a.ChangeRole(ctx, by, other.ID, "admin"); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("%s changed a role: %v", by.Username, err)
		}
		if _, err := a.ChangeActive(ctx, by, other.ID, false); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("%s deactivated: %v", by.Username, err)
		}
		if _, err := a.MailReset(ctx, by, other.ID); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("%s mailed a reset: %v", by.Username, err)
		}
		if _, err := app.State.Desk.SaveFAQ(ctx, by, 0, desk.FAQInput{Question: "Q?", Answer: "A", Active: true}); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("%s saved a FAQ: %v", by.Username, err)
		}
		if err := app.State.Desk.BackupDownloaded(ctx, by, "x.zip"); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("%s downloaded a backup: %v", by.Username, err)
		}
	}
	if _, err := a.ChangeRole(ctx, root, root.ID, "student"); err == nil {
		t.Error("an admin demoted themself")
	}
	if _, err := a.ChangeRole(ctx, root, other.ID, "pope"); err == nil {
		t.Error("an unknown role was given")
	}
	if _, err := app.State.Desk.SaveFAQ(ctx, root, 0, desk.FAQInput{Question: "", Answer: "A"}); err == nil {
		t.Error("an empty question was saved")
	}
	post, err := app.State.Feed.CreatePost(ctx, stud, "mine", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.State.Feed.DeletePost(ctx, other, post.ID); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("another student deleted a post: %v", err)
	}
	if got := len(app.AuditEntries("")); got != before {
		t.Fatalf("refusals wrote %d entries", got-before)
	}
}

// An entry is part of its action's transaction: when the transaction rolls back, the
// entry goes with it.
func TestEntryRollsBackWithItsAction(t *testing.T) {
	app := apptest.StartRelaxed(t)
	root := app.Account("root", "admin")
	stud := app.Account("stud", "student")
	boom := errors.New("a later step failed")
	err := app.State.DB.WithTx(ctx, func(tx *store.Queries) error {
		if err := tx.SetUserType(ctx, stud.ID, "admin"); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{At: app.Clock.Now(), Actor: root, Action: audit.UserRole, Target: audit.User(stud)}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if n := len(app.AuditEntries(audit.UserRole)); n != 0 {
		t.Fatalf("%d entries outlived their rolled-back action", n)
	}
	if u, _ := app.State.DB.UserByID(ctx, stud.ID); u.UserType != "student" {
		t.Fatalf("the action was not rolled back: %s", u.UserType)
	}
}

func TestModerationSubjectsAndDeskAreRecorded(t *testing.T) {
	app := apptest.StartRelaxed(t)
	root := app.Account("root", "admin")
	teach := app.Account("teach", "instructor")
	teach2 := app.Account("teach2", "instructor")
	stud := app.Account("stud", "student")
	f := app.State.Feed

	// Deleting one's own post or comment is no moderation.
	own, _ := f.CreatePost(ctx, stud, "my own", nil)
	if err := f.DeletePost(ctx, stud, own.ID); err != nil {
		t.Fatal(err)
	}
	post, _ := f.CreatePost(ctx, stud, "=HYPERLINK(\"http://evil\") buy now", nil)
	c, _, err := f.AddComment(ctx, stud, post.ID, "a comment to moderate")
	if err != nil {
		t.Fatal(err)
	}
	mine, _, _ := f.AddComment(ctx, stud, post.ID, "mine")
	if _, err := f.DeleteComment(ctx, stud, mine.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.DeleteComment(ctx, root, c.ID); err != nil {
		t.Fatal(err)
	}
	e := one(t, app, audit.CommentDelete)
	if e.TargetID != c.ID || e.ActorName != "root" {
		t.Errorf("comment entry: %+v", e)
	}
	want(t, "before", snap(t, e.Before), "content", "a comment to moderate")
	want(t, "before", snap(t, e.Before), "post", post.ID)
	if err := f.DeletePost(ctx, root, post.ID); err != nil {
		t.Fatal(err)
	}
	e = one(t, app, audit.PostDelete)
	want(t, "before", snap(t, e.Before), "author", "stud")
	if e.After != "" || e.TargetLabel != "stud: =HYPERLINK(\"http://evil\") buy now" {
		t.Errorf("post entry: %+v", e)
	}

	// A subject: a new owner, then deletion.
	subj, err := app.State.Learn.CreateSubject(ctx, teach, learn.SubjectInput{Name: learn.Str("Computing"), Code: learn.Str("CS1")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.State.Learn.UpdateSubject(ctx, teach, subj.ID, learn.SubjectInput{Name: learn.Str("Computing 1")}); err != nil {
		t.Fatal(err)
	}
	if n := len(app.AuditEntries(audit.SubjectUpdate)); n != 0 {
		t.Fatalf("a rename was recorded as an owner change (%d)", n)
	}
	if _, err := app.State.Learn.UpdateSubject(ctx, root, subj.ID, learn.SubjectInput{InstructorID: &teach2.ID}); err != nil {
		t.Fatal(err)
	}
	e = one(t, app, audit.SubjectUpdate)
	want(t, "before", snap(t, e.Before), "instructor", "teach")
	want(t, "after", snap(t, e.After), "instructor", "teach2")
	if err := app.State.Learn.DeleteSubject(ctx, teach, subj.ID); err == nil {
		t.Fatal("the former instructor deleted the subject")
	}
	if err := app.State.Learn.DeleteSubject(ctx, root, subj.ID); err != nil {
		t.Fatal(err)
	}
	e = one(t, app, audit.SubjectDelete)
	want(t, "before", snap(t, e.Before), "code", "CS1")
	want(t, "before", snap(t, e.Before), "instructor", "teach2")

	// FAQ and backups.
	d := app.State.Desk
	faq, err := d.SaveFAQ(ctx, root, 0, desk.FAQInput{Question: "Where?", Answer: "Here", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.SaveFAQ(ctx, root, faq.ID, desk.FAQInput{Question: "Where exactly?", Answer: "Here", Active: false}); err != nil {
		t.Fatal(err)
	}
	e = one(t, app, audit.FAQUpdate)
	want(t, "before", snap(t, e.Before), "question", "Where?")
	want(t, "after", snap(t, e.After), "is_active", false)
	if err := d.DeleteFAQ(ctx, root, faq.ID); err != nil {
		t.Fatal(err)
	}
	one(t, app, audit.FAQCreate)
	want(t, "before", snap(t, one(t, app, audit.FAQDelete).Before), "question", "Where exactly?")
	if err := d.BackupDownloaded(ctx, root, "eplatform-x.zip"); err != nil {
		t.Fatal(err)
	}
	if e := one(t, app, audit.BackupDownload); e.TargetLabel != "eplatform-x.zip" || e.TargetID != 0 {
		t.Errorf("backup entry: %+v", e)
	}
}

func TestFiltersAndPaging(t *testing.T) {
	app := apptest.StartRelaxed(t)
	root := app.Account("root", "admin")
	stud := app.Account("stud", "student")
	d := app.State.Desk
	for i := range 5 {
		app.Clock.Advance(24 * time.Hour)
		active := i%2 == 1
		if _, err := app.State.Auth.ChangeActive(ctx, root, stud.ID, active); err != nil {
			t.Fatal(err)
		}
	}
	q, err := audit.ParseQuery(map[string][]string{"actor": {"ROOT"}, "target_kind": {"user"}, "page_size": {"2"}})
	if err != nil {
		t.Fatal(err)
	}
	var seen []int64
	for {
		page, err := d.AuditLog(ctx, root, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page {
			seen = append(seen, e.ID)
		}
		if len(page) < q.Limit {
			break
		}
		q.BeforeID = page[len(page)-1].ID
	}
	if len(seen) != 5 {
		t.Fatalf("keyset pages gave %d entries, want 5: %v", len(seen), seen)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] >= seen[i-1] {
			t.Fatalf("not newest first: %v", seen)
		}
	}
	// A day range: the clock started 2026-11-25, so days 26..30 hold one entry each,
	// deactivations on 26, 28 and 30; a bare until date includes its day.
	q, _ = audit.ParseQuery(map[string][]string{"since": {"2026-11-27"}, "until": {"2026-11-28"}, "action": {audit.UserDeactivate}})
	if list, _ := d.AuditLog(ctx, root, q); len(list) != 1 || list[0].At.Day() != 28 {
		t.Errorf("days 27-28: %+v, want the deactivation of the 28th", list)
	}
	q.Action = audit.UserActivate
	if list, _ := d.AuditLog(ctx, root, q); len(list) != 1 || list[0].At.Day() != 27 {
		t.Errorf("days 27-28: %+v, want the activation of the 27th", list)
	}
	for _, bad := range []map[string][]string{{"action": {"user.nope"}}, {"target_kind": {"planet"}}, {"since": {"yesterday"}},
		{"since": {"2026-12-01"}, "until": {"2026-11-01"}}, {"before": {"-3"}}, {"page_size": {"0"}}} {
		if _, err := audit.ParseQuery(bad); err == nil {
			t.Errorf("%v was accepted", bad)
		}
	}
	if _, err := d.AuditLog(ctx, stud, store.AuditQuery{}); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("a student read the log: %v", err)
	}
}

// Pruning deletes what is older than -audit-keep at the (fake) clock's now.
func TestPruning(t *testing.T) {
	app := apptest.Start(t, apptest.Options{Args: append([]string{"-audit-keep", "30d"}, apptest.RelaxedLimits...)})
	root := app.Account("root", "admin")
	stud := app.Account("stud", "student")
	p := app.State.AuditPruner
	if p.Keep != 30*24*time.Hour {
		t.Fatalf("-audit-keep 30d gave %v", p.Keep)
	}
	if _, err := app.State.Auth.ChangeActive(ctx, root, stud.ID, false); err != nil {
		t.Fatal(err)
	}
	app.Clock.Advance(20 * 24 * time.Hour)
	if _, err := app.State.Auth.ChangeActive(ctx, root, stud.ID, true); err != nil {
		t.Fatal(err)
	}
	if n, err := p.Prune(ctx); err != nil || n != 0 {
		t.Fatalf("day 20 pruned %d (%v)", n, err)
	}
	app.Clock.Advance(11 * 24 * time.Hour) // day 31: the deactivation (and the accounts) are 31 days old
	n, err := p.Prune(ctx)
	if err != nil || n != 3 {
		t.Fatalf("day 31 pruned %d, want 3 (two accounts made, one deactivation): %v", n, err)
	}
	left := app.AuditEntries("")
	if len(left) != 1 || left[0].Action != audit.UserActivate {
		t.Fatalf("left: %+v", left)
	}
	// Keep 0 keeps everything.
	p.Keep = 0
	app.Clock.Advance(10000 * 24 * time.Hour)
	if n, _ := p.Prune(ctx); n != 0 || len(app.AuditEntries("")) != 1 {
		t.Fatal("-audit-keep 0 pruned")
	}
}
