package browsertest

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

// TestAppointmentBookApprove: a student books an appointment with a chosen instructor;
// the instructor's bell counts up live, the instructor approves on "My appointments"
// (without a reload), and the student's bell counts up live.
func TestAppointmentBookApprove(t *testing.T) {
	app := apptest.Start(t, apptest.Options{Args: []string{"-limits",
		apptest.RelaxedLimits[1] + ",contact=100000/1m,appointment=100000/1m"}})
	app.User("stud", "student")
	app.User("prof", "instructor")
	prof, err := app.State.DB.UserByUsername(context.Background(), "prof")
	if err != nil {
		t.Fatal(err)
	}

	s := New(t)
	logIn(t, s, app, "stud")
	p := New(t)
	logIn(t, p, app, "prof")
	for _, br := range []*Browser{s, p} {
		br.WaitJS(`document.documentElement.dataset.live === "open"`)
	}

	// The student books (the fake clock says Wednesday 2026-11-25 12:00 UTC).
	s.Navigate(app.URL + "/home/contact/")
	s.SetValue("#id_book_instructor", strconv.FormatInt(prof.ID, 10))
	s.SetValue("#id_book_date", "2026-11-26")
	s.SetValue("#id_book_time", "10:00")
	s.SetValue("#id_book_message", "Questions about the exam")
	s.Submit("form[data-desk-book]")
	if !strings.HasSuffix(s.Location(), "/home/appointments/") {
		t.Fatalf("after booking the student is at %s", s.Location())
	}
	s.WaitVisible("[data-appointment] [data-status]")
	if got := strings.TrimSpace(s.Text("[data-appointment] [data-status]")); got != "pending" {
		t.Errorf("status %q, want pending", got)
	}
	s.WaitJS(`document.documentElement.dataset.live === "open"`)

	// The instructor's bell counts up without a reload.
	p.WaitVisible(".bell__button [data-unread-badge]")
	p.Navigate(app.URL + "/home/appointments/")
	p.WaitVisible("[data-appointment] button[data-action=approve]")
	// A marker on the page shows the card changed in place (desk.js's fragment
	// request), not by the form's fallback post reloading the page.
	p.Eval(`window.stayedOnPage = true`, nil)
	p.Click("[data-appointment] button[data-action=approve]")
	p.WaitJS(`(document.querySelector("[data-appointment] [data-status]") || {}).textContent === "approved"`)
	var stayed bool
	p.Eval(`window.stayedOnPage === true && !!document.querySelector("[data-appointment] button[data-action=complete]")`, &stayed)
	if !stayed {
		t.Error("approving reloaded the page or left no complete button")
	}
	p.Screenshot("instructor-approved")

	// The student is told live: the bell counts up and the list shows the new status
	// without a reload.
	s.WaitVisible(".bell__button [data-unread-badge]")
	s.WaitJS(`(document.querySelector("[data-appointment] [data-status]") || {}).textContent === "approved"`)
	s.Screenshot("student-notified")
	// The student may still cancel an approved appointment.
	if !s.Visible("[data-appointment] button[data-action=cancel]") {
		t.Error("no cancel button for the requester")
	}
	// A refused action shows the server's message (the API's error JSON) and leaves
	// the card: a stale "complete" form on the instructor's page, sent after the
	// student cancelled.
	s.Eval(`window.stayedOnPage = true`, nil)
	s.Click("[data-appointment] button[data-action=cancel]")
	s.WaitJS(`(document.querySelector("[data-appointment] [data-status]") || {}).textContent === "cancelled"`)
	s.Eval(`window.stayedOnPage === true`, &stayed)
	if !stayed {
		t.Error("cancelling reloaded the page")
	}
	p.WaitJS(`(document.querySelector("[data-appointment] [data-status]") || {}).textContent === "cancelled"`)
	p.AllowConsoleErrors("409 (Conflict)")
	p.Eval(`window.alert = function (m) { window.lastAlert = m; }`, nil)
	p.Eval(`(function () {
		var card = document.querySelector("[data-appointment]"), f = document.createElement("form");
		f.method = "post";
		f.action = "/home/appointments/" + card.getAttribute("data-appointment") + "/complete/";
		card.appendChild(f);
		f.requestSubmit();
		return true;
	})()`, new(bool))
	p.WaitJS(`typeof window.lastAlert === "string"`)
	var msg string
	p.Eval(`window.lastAlert`, &msg)
	if !strings.Contains(msg, "not possible") {
		t.Errorf("message for a refused change: %q", msg)
	}
}

// TestDeskPages opens the contact page (FAQ accordion without JavaScript's help), the
// assistant and the admin system page, each without console errors.
func TestDeskPages(t *testing.T) {
	app := apptest.Start(t, apptest.Options{Args: []string{"-limits",
		apptest.RelaxedLimits[1] + ",contact=100000/1m,appointment=100000/1m"}})
	app.User("prof", "instructor")
	app.User("root", "admin")
	admin := app.Client()
	admin.LogIn("root", apptest.Password)
	admin.PostForm("/admin/faq/", map[string][]string{"question": {"How do I enrol?"}, "answer": {"Open a subject and press Enrol."}, "category": {"Subjects"}})

	b := New(t)
	b.Navigate(app.URL + "/home/contact/")
	b.Click("#faq details summary")
	b.WaitVisible("#faq .accordion__answer")
	b.Screenshot("contact-anonymous")

	logIn(t, b, app, "root")
	b.Navigate(app.URL + "/ai/")
	b.Submit("form[action='/ai/']")
	b.WaitVisible("[data-feedback]")
	b.Screenshot("assistant")
	b.Navigate(app.URL + "/admin/system/")
	b.WaitVisible("[data-stat=db]")
	b.Screenshot("admin-system")
	b.Navigate(app.URL + "/admin/users/")
	b.Screenshot("admin-users")
}
