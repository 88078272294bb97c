package desk_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/desk"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// The desk's rules, called as the handlers call them, on a real database. The clock
// starts on Wednesday 2026-11-25 at 12:00 UTC.

var ctx = context.Background()

func start(t *testing.T) (*apptest.App, *desk.Service) {
	t.Helper()
	app := apptest.Start(t, apptest.Options{Args: []string{"-limits",
		apptest.RelaxedLimits[1] + ",contact=100000/1m,appointment=100000/1m"}})
	return app, app.State.Desk
}

func unread(t *testing.T, app *apptest.App, u store.User) int {
	t.Helper()
	n, err := app.State.DB.CountUnread(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestContact(t *testing.T) {
	app, s := start(t)
	root := app.Account("root", "admin")
	app.Account("root2", "admin")
	ok := desk.ContactInput{Name: "Ann", Email: "ann@example.org", Subject: "Exam dates", Message: "When is the exam?\r\nThanks"}
	with := func(f func(*desk.ContactInput)) desk.ContactInput { in := ok; f(&in); return in }
	for _, tc := range []struct {
		name       string
		in         desk.ContactInput
		field, msg string
	}{
		{"no name", with(func(in *desk.ContactInput) { in.Name = " " }), "name", "required"},
		{"NUL name", with(func(in *desk.ContactInput) { in.Name = "\x00Ann" }), "name", "U+0000"},
		{"two-line name", with(func(in *desk.ContactInput) { in.Name = "Ann\nBob" }), "name", "one line"},
		{"long name", with(func(in *desk.ContactInput) { in.Name = strings.Repeat("é", 101) }), "name", "no more than 100"},
		{"email", with(func(in *desk.ContactInput) { in.Email = "ann" }), "email", "valid email"},
		{"no subject", with(func(in *desk.ContactInput) { in.Subject = "" }), "subject", "required"},
		{"escape in subject", with(func(in *desk.ContactInput) { in.Subject = "Hi \x1b[31m" }), "subject", "U+001B"},
		{"NUL message", with(func(in *desk.ContactInput) { in.Message = "\x00" }), "message", "U+0000"},
		{"long message", with(func(in *desk.ContactInput) { in.Message = strings.Repeat("x", 5001) }), "message", "5000"},
		{"invalid UTF-8", with(func(in *desk.ContactInput) { in.Message = "a\xffb" }), "message", "UTF-8"},
	} {
		_, err := s.Contact(ctx, store.User{}, tc.in)
		apptest.WantField(t, tc.name, err, tc.field, tc.msg)
	}
	if n, _ := app.State.DB.CountOpenContacts(ctx); n != 0 {
		t.Fatalf("refused messages stored: %d", n)
	}
	c, err := s.Contact(ctx, store.User{}, ok)
	if err != nil || c.ID == 0 || c.Message != "When is the exam?\nThanks" || c.UserID != 0 {
		t.Fatalf("contact: %+v %v", c, err)
	}
	// Each active admin gets a copy in the outbox.
	mails, _ := app.State.DB.RecentMail(ctx, 0, 10)
	if len(mails) != 2 || !strings.Contains(mails[0].Subject, "Exam dates") || !strings.Contains(mails[0].Body, "When is the exam?") {
		t.Fatalf("mails: %+v", mails)
	}
	// The inbox is the admins'; marking handled too.
	ada := app.Account("ada", "student")
	if _, err := s.Contacts(ctx, ada, true); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("a student reads the inbox: %v", err)
	}
	if err := s.MarkHandled(ctx, ada, c.ID); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("a student marks handled: %v", err)
	}
	if err := s.MarkHandled(ctx, root, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkHandled(ctx, root, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown message: %v", err)
	}
	open, _ := s.Contacts(ctx, root, true)
	all, _ := s.Contacts(ctx, root, false)
	if len(open) != 0 || len(all) != 1 || all[0].HandledAt.IsZero() {
		t.Errorf("open %v, all %v", open, all)
	}
}

func TestFAQ(t *testing.T) {
	app, s := start(t)
	root := app.Account("root", "admin")
	ada := app.Account("ada", "student")
	if _, err := s.SaveFAQ(ctx, ada, 0, desk.FAQInput{Question: "Q?", Answer: "A"}); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("a student writes the FAQ: %v", err)
	}
	for _, tc := range []struct {
		name       string
		in         desk.FAQInput
		field, msg string
	}{
		{"no question", desk.FAQInput{Answer: "A"}, "question", "required"},
		{"NUL answer", desk.FAQInput{Question: "Q?", Answer: "\x00"}, "answer", "U+0000"},
		{"two-line category", desk.FAQInput{Question: "Q?", Answer: "A", Category: "a\nb"}, "category", "one line"},
		{"negative position", desk.FAQInput{Question: "Q?", Answer: "A", Position: -1}, "position", "greater than or equal to 0"},
	} {
		_, err := s.SaveFAQ(ctx, root, 0, tc.in)
		apptest.WantField(t, tc.name, err, tc.field, tc.msg)
	}
	a, err := s.SaveFAQ(ctx, root, 0, desk.FAQInput{Question: " How do I enrol? ", Answer: "Press Enrol.", Category: "Subjects", Position: 2, Active: true})
	if err != nil || a.Question != "How do I enrol?" || !a.IsActive {
		t.Fatalf("create: %+v %v", a, err)
	}
	b, err := s.SaveFAQ(ctx, root, 0, desk.FAQInput{Question: "Hidden?", Answer: "Yes.", Category: "Other", Active: false})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveFAQ(ctx, root, 999999, desk.FAQInput{Question: "Q?", Answer: "A"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update a missing entry: %v", err)
	}
	if a, err = s.SaveFAQ(ctx, root, a.ID, desk.FAQInput{Question: "How do I enrol?", Answer: "Open a subject.", Category: "Subjects", Position: 1, Active: true}); err != nil || a.Answer != "Open a subject." {
		t.Fatalf("update: %+v %v", a, err)
	}
	// Visitors see the active entries and their categories; admins see all.
	public, _ := s.FAQs(ctx, "")
	cats, _ := s.FAQCategories(ctx)
	inCat, _ := s.FAQs(ctx, "Other")
	all, err := s.AllFAQs(ctx, root)
	if len(public) != 1 || len(cats) != 1 || cats[0] != "Subjects" || len(inCat) != 0 || err != nil || len(all) != 2 {
		t.Errorf("public %v, categories %v, hidden category %v, all %v %v", public, cats, inCat, all, err)
	}
	if got, err := s.FAQ(ctx, root, b.ID); err != nil || got.Question != "Hidden?" {
		t.Errorf("one entry: %+v %v", got, err)
	}
	if _, err := s.FAQ(ctx, ada, b.ID); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("a student reads a hidden entry: %v", err)
	}
	if _, err := s.AllFAQs(ctx, ada); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("a student lists every entry: %v", err)
	}
	if err := s.DeleteFAQ(ctx, ada, a.ID); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("a student deletes: %v", err)
	}
	if err := s.DeleteFAQ(ctx, root, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteFAQ(ctx, root, a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
}

func book(instructor store.User, date, clock string) desk.BookInput {
	return desk.BookInput{InstructorID: instructor.ID, Name: "Ann", Email: "ann@example.org", Date: date, Time: clock, Message: "About the exam"}
}

func TestBook(t *testing.T) {
	app, s := start(t)
	stud := app.Account("stud", "student")
	prof := app.Account("prof", "instructor")
	other := app.Account("other", "student")
	gone := app.Account("gone", "instructor")
	if err := app.State.Auth.SetActive(ctx, gone.ID, false); err != nil {
		t.Fatal(err)
	}
	ins, err := s.Instructors(ctx)
	if err != nil || len(ins) != 1 || ins[0].ID != prof.ID {
		t.Fatalf("instructors: %v %v", ins, err)
	}
	with := func(f func(*desk.BookInput)) desk.BookInput {
		in := book(prof, "2026-11-26", "10:00")
		f(&in)
		return in
	}
	for _, tc := range []struct {
		name       string
		by         store.User
		in         desk.BookInput
		field, msg string
	}{
		{"no instructor", stud, with(func(in *desk.BookInput) { in.InstructorID = 0 }), "instructor", "Choose an instructor"},
		{"a student as instructor", stud, with(func(in *desk.BookInput) { in.InstructorID = other.ID }), "instructor", "listed instructors"},
		{"an inactive instructor", stud, with(func(in *desk.BookInput) { in.InstructorID = gone.ID }), "instructor", "listed instructors"},
		{"an unknown instructor", stud, with(func(in *desk.BookInput) { in.InstructorID = 999999 }), "instructor", "listed instructors"},
		{"oneself", prof, with(func(in *desk.BookInput) {}), "instructor", "yourself"},
		{"weekend", stud, with(func(in *desk.BookInput) { in.Date = "2026-11-28" }), "appointment_date", "weekends"},
		{"night", stud, with(func(in *desk.BookInput) { in.Time = "22:00" }), "appointment_time", "09:00 and 17:00"},
		{"past", stud, with(func(in *desk.BookInput) { in.Date = "2026-11-24" }), "appointment_date", "past"},
		{"unknown type", stud, with(func(in *desk.BookInput) { in.Type = "tea_party" }), "appointment_type", "valid choice"},
		{"NUL message", stud, with(func(in *desk.BookInput) { in.Message = "\x00" }), "message", "U+0000"},
		{"NUL phone", stud, with(func(in *desk.BookInput) { in.Phone = "\x00123" }), "phone", "U+0000"},
		{"long phone", stud, with(func(in *desk.BookInput) { in.Phone = strings.Repeat("1", 21) }), "phone", "20"},
		{"no name", stud, with(func(in *desk.BookInput) { in.Name = "" }), "name", "required"},
		{"email", stud, with(func(in *desk.BookInput) { in.Email = "x" }), "email", "valid email"},
	} {
		_, err := s.Book(ctx, tc.by, tc.in)
		apptest.WantField(t, tc.name, err, tc.field, tc.msg)
	}
	a, err := s.Book(ctx, stud, with(func(in *desk.BookInput) { in.Date, in.Time = " 2026-11-26 ", "10:00 " }))
	if err != nil || a.Status != "pending" || a.Type != "office_hours" || a.UserID != stud.ID || a.InstructorName == "" {
		t.Fatalf("book: %+v %v", a, err)
	}
	if unread(t, app, prof) != 1 {
		t.Error("the instructor was not notified")
	}
	// The slot is taken now, for anyone; anonymous bookings are fine elsewhere.
	_, err = s.Book(ctx, other, book(prof, "2026-11-26", "10:00"))
	apptest.WantField(t, "taken slot", err, "appointment_time", "already has an appointment")
	anon, err := s.Book(ctx, store.User{}, book(prof, "2026-11-26", "11:00"))
	if err != nil || anon.UserID != 0 {
		t.Fatalf("anonymous: %+v %v", anon, err)
	}
	// Ten people race for one slot: exactly one gets it.
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, lost := 0, 0
	for range 10 {
		wg.Go(func() {
			_, err := s.Book(ctx, store.User{}, book(prof, "2026-11-27", "15:00"))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case problem.Is(err, problem.KindInvalid):
				lost++
			default:
				t.Errorf("racing booking: %v", err)
			}
		})
	}
	wg.Wait()
	if won != 1 || lost != 9 {
		t.Errorf("%d won and %d lost the slot, want 1 and 9", won, lost)
	}
}

func TestAppointmentChanges(t *testing.T) {
	app, s := start(t)
	stud := app.Account("stud", "student")
	prof := app.Account("prof", "instructor")
	intruder := app.Account("intruder", "student")
	root := app.Account("root", "admin")
	a, err := s.Book(ctx, stud, book(prof, "2026-11-26", "10:00"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Change(ctx, prof, a.ID, "bogus"); err == nil {
		t.Fatal("an unknown action passed")
	} else {
		apptest.WantField(t, "unknown action", err, "action", "approve, reject, complete, cancel")
	}
	if _, err := s.Change(ctx, intruder, a.ID, desk.ActionApprove); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a stranger: %v", err)
	}
	if _, err := s.Change(ctx, root, a.ID, desk.ActionApprove); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("an admin who is no party: %v", err)
	}
	if _, err := s.Change(ctx, stud, a.ID, desk.ActionApprove); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("the requester approves: %v", err)
	}
	if _, err := s.Change(ctx, prof, a.ID, desk.ActionComplete); !errors.Is(err, desk.ErrTransition) {
		t.Errorf("complete a pending one: %v", err)
	}
	if got, err := s.Get(ctx, root, a.ID); err != nil || got.ID != a.ID {
		t.Errorf("an admin sees it: %v", err)
	}
	if _, err := s.Get(ctx, intruder, a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a stranger sees it: %v", err)
	}
	// Approve and reject race: exactly one wins, the other finds the state changed.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, action := range []string{desk.ActionApprove, desk.ActionReject} {
		wg.Go(func() { _, errs[i] = s.Change(ctx, prof, a.ID, action) })
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("approve and reject both won or both lost: %v", errs)
	}
	for _, err := range errs {
		if err != nil && !errors.Is(err, desk.ErrTransition) {
			t.Errorf("the loser: %v", err)
		}
	}
	if unread(t, app, stud) != 1 {
		t.Errorf("the requester has %d notifications, want 1", unread(t, app, stud))
	}
	// Filters of the lists: unknown statuses are refused.
	_, err = s.Mine(ctx, stud, "bogus")
	apptest.WantField(t, "unknown status", err, "status", "valid choice")
	_, err = s.AllAppointments(ctx, root, "bogus")
	apptest.WantField(t, "unknown status (admin)", err, "status", "valid choice")
	if _, err := s.AllAppointments(ctx, stud, ""); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("a student lists every appointment: %v", err)
	}
	mine, _ := s.Mine(ctx, stud, "")
	pending, _ := s.Mine(ctx, prof, "pending")
	all, _ := s.AllAppointments(ctx, root, "")
	if len(mine) != 1 || len(pending) != 0 || len(all) != 1 {
		t.Errorf("mine %d, pending %d, all %d", len(mine), len(pending), len(all))
	}
	// The whole life of another: approve, the requester cancels; an anonymous request
	// is rejected without anyone to notify on the site.
	b, _ := s.Book(ctx, stud, book(prof, "2026-11-26", "11:00"))
	if b, err = s.Change(ctx, prof, b.ID, desk.ActionApprove); err != nil || b.Status != "approved" {
		t.Fatalf("approve: %+v %v", b, err)
	}
	if b, err = s.Change(ctx, stud, b.ID, desk.ActionCancel); err != nil || b.Status != "cancelled" {
		t.Fatalf("cancel: %+v %v", b, err)
	}
	if got := desk.Actions(stud, b); got != nil {
		t.Errorf("actions on a cancelled appointment: %v", got)
	}
	anon, _ := s.Book(ctx, store.User{}, book(prof, "2026-11-26", "12:00"))
	before := unread(t, app, prof)
	if anon, err = s.Change(ctx, prof, anon.ID, desk.ActionReject); err != nil || anon.Status != "rejected" {
		t.Fatalf("reject an anonymous request: %+v %v", anon, err)
	}
	if unread(t, app, prof) != before {
		t.Error("the instructor was notified of their own action")
	}
	if !desk.CanSee(root, anon) || desk.CanSee(store.User{}, anon) {
		t.Error("CanSee")
	}
}

func TestAssistantFeedback(t *testing.T) {
	app, s := start(t)
	stud := app.Account("stud", "student")
	for _, tc := range []struct{ kind, sub, field, msg string }{
		{"horoscope", "", "type", "general, assignment, quiz"},
		{"quiz", "\x00", "submission_id", "U+0000"},
	} {
		_, err := s.Feedback(ctx, stud, tc.kind, tc.sub)
		apptest.WantField(t, tc.kind, err, tc.field, tc.msg)
	}
	f, err := s.Feedback(ctx, stud, "", strings.Repeat("é", 60))
	if err != nil || f.Kind != "general" || len([]rune(f.SubmissionID)) != 50 || !strings.Contains(f.Feedback, "not finished a quiz") {
		t.Fatalf("general feedback: %+v %v", f, err)
	}
	// A quiz id that is not the user's says nothing about it.
	q, err := s.Feedback(ctx, stud, "quiz", "12345")
	if err != nil || q.Kind != "quiz" || strings.Contains(q.Feedback, "Attempt") {
		t.Fatalf("quiz feedback: %+v %v", q, err)
	}
	if _, err := s.Feedback(ctx, stud, "assignment", ""); err != nil {
		t.Fatal(err)
	}
	hist, err := s.History(ctx, stud.ID, 10)
	if err != nil || len(hist) != 3 || hist[0].Kind != "assignment" {
		t.Fatalf("history: %+v %v", hist, err)
	}
}

func TestAdminReads(t *testing.T) {
	app, s := start(t)
	root := app.Account("root", "admin")
	ada := app.Account("ada", "student")
	if _, err := app.State.Feed.CreatePost(ctx, ada, "Spam spam", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Contact(ctx, ada, desk.ContactInput{Name: "Ada", Email: "ada@example.com", Subject: "S", Message: "M"}); err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func(store.User) error{
		"outbox":     func(u store.User) error { _, err := s.Outbox(ctx, u, 10); return err },
		"moderation": func(u store.User) error { _, _, err := s.ModerationQueue(ctx, u, 10); return err },
		"subjects":   func(u store.User) error { _, err := s.Subjects(ctx, u); return err },
		"counts":     func(u store.User) error { _, err := s.SiteCounts(ctx, u); return err },
	} {
		if err := call(ada); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("a student reads the %s: %v", name, err)
		}
		if err := call(root); err != nil {
			t.Errorf("the admin reads the %s: %v", name, err)
		}
	}
	mails, _ := s.Outbox(ctx, root, 10)
	posts, comments, _ := s.ModerationQueue(ctx, root, 10)
	counts, _ := s.SiteCounts(ctx, root)
	if len(mails) != 1 || len(posts) != 1 || len(comments) != 0 || counts.Users != 2 || counts.OpenContacts != 1 || counts.DatabaseBytes == 0 {
		t.Errorf("mails %d, posts %d, comments %d, counts %+v", len(mails), len(posts), len(comments), counts)
	}
}

func TestAnalyse(t *testing.T) {
	app, s := start(t)
	stud := app.Account("stud", "student")
	r, err := s.Analyse(ctx, stud.ID)
	if err != nil || !r.GeneratedAt.Equal(app.Clock.Now()) || r.Activity.Enrolled != 0 {
		t.Fatalf("report: %+v %v", r, err)
	}
}
