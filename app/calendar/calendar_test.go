package calendar_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/auth"
	"eplatform/app/calendar"
	"eplatform/app/desk"
	"eplatform/app/learn"
	"eplatform/app/quiz"
	"eplatform/app/store"
)

var ctx = context.Background()

// site is a subject taught by teach with stud enrolled (other is not): an assignment
// due, a quiz closing, a hidden quiz closing, and stud's appointment with teach.
type site struct {
	app                       *apptest.App
	svc                       *calendar.Service
	stud, other, teach, admin store.User
	due, closes, appt         time.Time
}

// weekdayAfter is the first Monday-to-Friday day at least days after t.
func weekdayAfter(t time.Time, days int) time.Time {
	d := t.AddDate(0, 0, days)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

func newSite(t *testing.T) *site {
	t.Helper()
	app := apptest.StartRelaxed(t)
	s := &site{app: app, svc: app.State.Calendar, stud: app.Account("stud", "student"), other: app.Account("other", "student"),
		teach: app.Account("teach", "instructor"), admin: app.Account("admin", "admin")}
	subj, err := app.State.Learn.CreateSubject(ctx, s.teach, learn.SubjectInput{Name: learn.Str("Computing, basics; 1"), Code: learn.Str("CS1")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.State.Learn.Enroll(ctx, s.stud, subj.ID); err != nil {
		t.Fatal(err)
	}
	now := app.Clock.Now().UTC()
	s.due = now.Add(72 * time.Hour).Truncate(time.Minute)
	if _, err := app.State.Learn.AddMaterial(ctx, s.teach, subj.ID, learn.MaterialInput{Kind: learn.Str(learn.Assignment),
		Title: learn.Str("Essay, with a comma"), Due: learn.Str(s.due.Format(time.RFC3339))}); err != nil {
		t.Fatal(err)
	}
	s.closes = now.Add(48 * time.Hour).Truncate(time.Minute)
	for _, hidden := range []bool{false, true} {
		title, due, active := "Midterm", s.closes.Format(time.RFC3339), !hidden
		if hidden {
			title = "Draft quiz"
		}
		if _, err := app.State.Quiz.CreateQuiz(ctx, s.teach, subj.ID, quiz.QuizInput{Title: &title, Due: &due, IsActive: &active}); err != nil {
			t.Fatal(err)
		}
	}
	day := weekdayAfter(now, 2)
	s.appt = time.Date(day.Year(), day.Month(), day.Day(), 10, 30, 0, 0, time.UTC)
	if _, err := app.State.Desk.Book(ctx, s.stud, desk.BookInput{InstructorID: s.teach.ID, Name: "Stud Ent",
		Email: "stud@example.com", Date: s.appt.Format(time.DateOnly), Time: "10:30"}); err != nil {
		t.Fatalf("book: %v", err)
	}
	return s
}

func titles(evs []calendar.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Title)
	}
	return out
}

func TestWhoSeesWhat(t *testing.T) {
	s := newSite(t)
	now := s.app.Clock.Now()
	month := func(u store.User, at time.Time) []calendar.Event {
		t.Helper()
		var out []calendar.Event
		// The events may straddle a month end: read both months.
		for _, m := range []time.Time{at, at.AddDate(0, 1, 0)} {
			first, err := calendar.ParseMonth(m.Format("2006-01"), now)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.svc.Month(ctx, u, first)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, got.Events...)
		}
		return out
	}
	stud := strings.Join(titles(month(s.stud, now)), " | ")
	for _, want := range []string{"Due: Essay, with a comma", "Quiz closes: Midterm", "Appointment with Teach"} {
		if !strings.Contains(stud, want) {
			t.Errorf("student's calendar lacks %q: %s", want, stud)
		}
	}
	if strings.Contains(stud, "Draft quiz") {
		t.Errorf("a hidden quiz shows to a student: %s", stud)
	}
	teach := strings.Join(titles(month(s.teach, now)), " | ")
	for _, want := range []string{"Due: Essay", "Quiz closes: Midterm", "Quiz closes: Draft quiz", "Appointment with Stud Ent"} {
		if !strings.Contains(teach, want) {
			t.Errorf("teacher's calendar lacks %q: %s", want, teach)
		}
	}
	if got := month(s.other, now); len(got) != 0 {
		t.Errorf("someone not enrolled sees %v", titles(got))
	}
	if got := month(s.admin, now); len(got) != 0 {
		t.Errorf("an admin's calendar is their own, not every subject's: %v", titles(got))
	}
	// In order, with the appointment pending (tentative) for half an hour.
	evs := month(s.stud, now)
	for i := 1; i < len(evs); i++ {
		if evs[i].Start.Before(evs[i-1].Start) {
			t.Errorf("out of order: %v", titles(evs))
		}
	}
	for _, e := range evs {
		if e.Kind == calendar.Appointment && (!e.Start.Equal(s.appt) || e.End.Sub(e.Start) != calendar.AppointmentLength || !e.Tentative) {
			t.Errorf("appointment %+v, want at %v", e, s.appt)
		}
	}
	// A month without anything.
	first, _ := calendar.ParseMonth(now.AddDate(0, -3, 0).Format("2006-01"), now)
	if m, err := s.svc.Month(ctx, s.stud, first); err != nil || len(m.Events) != 0 {
		t.Errorf("three months ago: %v %v", titles(m.Events), err)
	}
	for _, bad := range []string{"2026-13", "26-01", "1999-12", "2026-01-01", "next"} {
		if _, err := calendar.ParseMonth(bad, now); err == nil {
			t.Errorf("ParseMonth(%q) accepted", bad)
		}
	}
}

// TestFeedLink: the feed answers its secret only, stored hashed; a new link revokes
// the old; turning it off revokes it; a deactivated account's feed is gone.
func TestFeedLink(t *testing.T) {
	s := newSite(t)
	if since, err := s.svc.LinkSince(ctx, s.stud); err != nil || !since.IsZero() {
		t.Fatalf("no link yet: %v %v", since, err)
	}
	first, err := s.svc.NewLink(ctx, s.stud)
	if err != nil || len(first) < 40 {
		t.Fatalf("link %q %v", first, err)
	}
	// Stored hashed: read through a connection of our own (the store offers no raw reads).
	conn := s.app.State.DB.Raw()
	var stored []byte
	if err := conn.QueryRow(`SELECT token_hash FROM calendar_feeds WHERE user_id = ?`, s.stud.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stored, auth.HashSecret(first)) || bytes.Contains(stored, []byte(first)) {
		t.Fatalf("stored %x", stored)
	}
	u, evs, err := s.svc.Feed(ctx, first)
	if err != nil || u.ID != s.stud.ID || len(evs) != 3 {
		t.Fatalf("feed: %v %v %v", u.Username, titles(evs), err)
	}
	second, err := s.svc.NewLink(ctx, s.stud)
	if err != nil || second == first {
		t.Fatal("a new link", err)
	}
	if _, _, err := s.svc.Feed(ctx, first); !errors.Is(err, calendar.ErrNoFeed) {
		t.Fatalf("the old link still works: %v", err)
	}
	if _, _, err := s.svc.Feed(ctx, second); err != nil {
		t.Fatalf("the new link: %v", err)
	}
	for _, bad := range []string{"", "short", strings.Repeat("x", 43), strings.Repeat("y", 200), second + "x"} {
		if _, _, err := s.svc.Feed(ctx, bad); !errors.Is(err, calendar.ErrNoFeed) {
			t.Errorf("feed %q: %v", bad, err)
		}
	}
	if err := s.svc.RevokeLink(ctx, s.stud); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.svc.Feed(ctx, second); !errors.Is(err, calendar.ErrNoFeed) {
		t.Fatalf("a revoked link: %v", err)
	}
	// Another person's link is theirs alone.
	tl, err := s.svc.NewLink(ctx, s.teach)
	if err != nil {
		t.Fatal(err)
	}
	if u, _, err := s.svc.Feed(ctx, tl); err != nil || u.ID != s.teach.ID {
		t.Fatalf("teacher's feed: %v %v", u.Username, err)
	}
	// The feed of a deactivated account answers nothing.
	if err := s.app.State.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.SetUserActive(ctx, s.teach.ID, false) }); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.svc.Feed(ctx, tl); !errors.Is(err, calendar.ErrNoFeed) {
		t.Fatalf("a deactivated account's feed: %v", err)
	}
}

// TestFeedParses: the feed of a real calendar passes the strict reader.
func TestFeedParses(t *testing.T) {
	s := newSite(t)
	secret, err := s.svc.NewLink(ctx, s.teach)
	if err != nil {
		t.Fatal(err)
	}
	u, evs, err := s.svc.Feed(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := calendar.WriteICS(&buf, calendar.ICS{Name: "E-Platform — " + u.Username, Host: "example.org",
		BaseURL: "https://example.org", Stamp: s.app.Clock.Now(), Events: evs}); err != nil {
		t.Fatal(err)
	}
	cal, err := parseICS(buf.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if len(cal.Comps) != 4 {
		t.Fatalf("%d events", len(cal.Comps))
	}
	var summaries []string
	for _, ev := range cal.Comps {
		summaries = append(summaries, ev.all("SUMMARY")[0].Value+" / "+ev.all("DESCRIPTION")[0].Value)
	}
	got := strings.Join(summaries, " | ")
	if !strings.Contains(got, "Due: Essay, with a comma / Computing, basics; 1") {
		t.Errorf("summaries: %s", got)
	}
}
