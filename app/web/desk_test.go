package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/store"
	"eplatform/app/text"
)

func userID(t *testing.T, app *apptest.App, username string) int64 {
	t.Helper()
	u, err := app.State.DB.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// startDesk starts an app with every limit relaxed, the desk's included.
func startDesk(t *testing.T) *apptest.App {
	t.Helper()
	return apptest.Start(t, apptest.Options{Args: []string{"-limits",
		apptest.RelaxedLimits[1] + ",contact=100000/1m,appointment=100000/1m"}})
}

func bookForm(instructor int64, date, clock string) url.Values {
	return url.Values{"instructor": {strconv.FormatInt(instructor, 10)}, "appointment_date": {date},
		"appointment_time": {clock}, "appointment_type": {"office_hours"}, "message": {"About the exam"}}
}

func TestContactStoredAndMailed(t *testing.T) {
	t.Parallel()
	app := startDesk(t)
	app.User("root", "admin")
	anon := app.Client()
	if r := anon.Get("/home/contact/"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `action="/home/contact/"`) {
		t.Fatalf("contact page: %d", r.StatusCode)
	}
	// Invalid: errors shown, nothing stored.
	r := anon.PostForm("/home/contact/", url.Values{"name": {"Ann"}, "email": {"nope"}, "subject": {""}, "message": {"Hi"}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "This field is required.") {
		t.Fatalf("invalid contact: %d", r.StatusCode)
	}
	r = anon.PostForm("/home/contact/", url.Values{"name": {"Ann"}, "email": {"ann@example.org"}, "subject": {"Exam dates"}, "message": {"When is the exam?"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("contact: %d %s", r.StatusCode, r.Body)
	}
	list, err := app.State.DB.ListContacts(context.Background(), true, 10)
	if err != nil || len(list) != 1 || list[0].Subject != "Exam dates" || list[0].UserID != 0 {
		t.Fatalf("stored contacts: %+v %v", list, err)
	}
	mails, _ := app.State.DB.RecentMail(context.Background(), 0, 10)
	found := false
	for _, m := range mails {
		if m.To == "root@example.com" && strings.Contains(m.Subject, "Exam dates") && strings.Contains(m.Body, "When is the exam?") {
			found = true
		}
	}
	if !found {
		t.Errorf("no contact mail to the admin in the outbox: %+v", mails)
	}
}

func TestContactRateLimit(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, apptest.Options{Args: []string{"-limits", "contact=2/1h"}})
	c := app.Client()
	form := url.Values{"name": {"Ann"}, "email": {"ann@example.org"}, "subject": {"S"}, "message": {"M"}}
	for i := 0; i < 2; i++ {
		if r := c.PostForm("/home/contact/", form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("contact %d: %d", i, r.StatusCode)
		}
	}
	if r := c.PostForm("/home/contact/", form); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("third contact: %d, want 429", r.StatusCode)
	}
}

func TestFAQCategoryFilter(t *testing.T) {
	t.Parallel()
	app := startDesk(t)
	admin := app.User("root", "admin")
	for _, f := range []url.Values{
		{"question": {"How do I enrol?"}, "answer": {"Open a subject."}, "category": {"Subjects"}, "position": {"0"}, "is_active": {"true"}},
		{"question": {"How do I reset my password?"}, "answer": {"Use the link."}, "category": {"Account"}, "position": {"0"}, "is_active": {"true"}},
		{"question": {"Hidden one?"}, "answer": {"Hidden."}, "category": {"Account"}, "position": {"1"}, "is_active": {"false"}},
	} {
		if r := admin.PostForm("/admin/faq/", f); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("add faq: %d %s", r.StatusCode, r.Body)
		}
	}
	r := app.Client().Get("/home/contact/")
	if !strings.Contains(r.Body, "How do I enrol?") || !strings.Contains(r.Body, "How do I reset my password?") || strings.Contains(r.Body, "Hidden one?") {
		t.Errorf("all FAQs: wrong entries")
	}
	if !strings.Contains(r.Body, "<details") {
		t.Errorf("FAQ is not an accordion of <details>")
	}
	r = app.Client().Get("/home/contact/?category=Account")
	if strings.Contains(r.Body, "How do I enrol?") || !strings.Contains(r.Body, "How do I reset my password?") {
		t.Errorf("category filter does not filter")
	}
}

func TestAppointmentRules(t *testing.T) {
	t.Parallel()
	app := startDesk(t) // clock: Wednesday 2026-11-25 12:00 UTC
	student := app.User("stud", "student")
	prof := app.User("prof", "instructor")
	app.User("gone", "instructor")
	profID, goneID := userID(t, app, "prof"), userID(t, app, "gone")
	studID := userID(t, app, "stud")
	if err := app.State.Auth.SetActive(context.Background(), goneID, false); err != nil {
		t.Fatal(err)
	}
	page := student.Get("/home/contact/")
	if !strings.Contains(page.Body, `value="`+strconv.FormatInt(profID, 10)+`"`) || strings.Contains(page.Body, "@gone") {
		t.Errorf("the instructor list should hold prof and not the inactive one")
	}
	bad := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"past day", bookForm(profID, "2026-11-24", "10:00"), "cannot be in the past"},
		{"saturday", bookForm(profID, "2026-11-28", "10:00"), "weekends"},
		{"sunday", bookForm(profID, "2026-11-29", "10:00"), "weekends"},
		{"08:59", bookForm(profID, "2026-11-26", "08:59"), "between 09:00 and 17:00"},
		{"17:01", bookForm(profID, "2026-11-26", "17:01"), "between 09:00 and 17:00"},
		{"today gone by", bookForm(profID, "2026-11-25", "11:30"), "already passed"},
		{"inactive instructor", bookForm(goneID, "2026-11-26", "10:00"), "listed instructors"},
		{"a student as instructor", bookForm(studID, "2026-11-26", "10:00"), "yourself"},
		{"no instructor", bookForm(0, "2026-11-26", "10:00"), "Choose an instructor"},
	}
	for _, c := range bad {
		r := student.PostForm("/home/contact/appointment/", c.form)
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, c.field) {
			t.Errorf("%s: %d, want 400 with %q", c.name, r.StatusCode, c.field)
		}
	}
	// A student who names another student is refused too.
	app.User("other", "student")
	if r := student.PostForm("/home/contact/appointment/", bookForm(userID(t, app, "other"), "2026-11-26", "10:00")); r.StatusCode != http.StatusBadRequest {
		t.Errorf("student as instructor: %d", r.StatusCode)
	}
	// An instructor cannot book themself.
	if r := prof.PostForm("/home/contact/appointment/", bookForm(profID, "2026-11-26", "10:00")); r.StatusCode != http.StatusBadRequest {
		t.Errorf("self booking: %d", r.StatusCode)
	}
	for _, ok := range []struct{ date, clock string }{{"2026-11-25", "12:30"}, {"2026-11-26", "09:00"}, {"2026-11-27", "17:00"}} {
		if r := student.PostForm("/home/contact/appointment/", bookForm(profID, ok.date, ok.clock)); r.StatusCode != http.StatusSeeOther {
			t.Errorf("%s %s: %d", ok.date, ok.clock, r.StatusCode)
		}
	}
	// The slot is taken now, for anyone.
	other := app.User("other2", "student")
	if r := other.PostForm("/home/contact/appointment/", bookForm(profID, "2026-11-26", "09:00")); r.StatusCode != http.StatusBadRequest ||
		!strings.Contains(r.Body, "already has an appointment") {
		t.Errorf("double booking: %d", r.StatusCode)
	}
	list, _ := app.State.DB.ListAppointments(context.Background(), store.AppointmentQuery{Party: profID})
	if len(list) != 3 || list[0].InstructorID != profID || list[0].UserID != studID || list[0].Status != "pending" {
		t.Fatalf("stored: %+v", list)
	}
	// The clock moves to Friday 17:30: Friday 17:00 is past now.
	app.Clock.Set(time.Date(2026, 11, 27, 17, 30, 0, 0, time.UTC))
	if r := student.PostForm("/home/contact/appointment/", bookForm(profID, "2026-11-27", "17:00")); r.StatusCode != http.StatusBadRequest {
		t.Errorf("after the clock moved: %d", r.StatusCode)
	}
	// The instructor was notified of each request.
	n, _ := app.State.DB.CountUnread(context.Background(), profID)
	if n != 3 {
		t.Errorf("instructor notifications: %d, want 3", n)
	}
}

func TestAppointmentStatusMachine(t *testing.T) {
	t.Parallel()
	app := startDesk(t)
	student := app.User("stud", "student")
	prof := app.User("prof", "instructor")
	intruder := app.User("intruder", "student")
	admin := app.User("root", "admin")
	profID, studID := userID(t, app, "prof"), userID(t, app, "stud")
	book := func() int64 {
		// A page answers no JSON of its own: Accept: application/json gets the page flow.
		r := student.Do("POST", "/home/contact/appointment/", strings.NewReader(bookForm(profID, "2026-11-26", "10:00").Encode()),
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/home/appointments/" {
			t.Fatalf("book: %d %s", r.StatusCode, r.Body)
		}
		list, err := app.State.DB.ListAppointments(context.Background(), store.AppointmentQuery{Party: studID})
		if err != nil || len(list) == 0 {
			t.Fatalf("booked appointments: %v %v", list, err)
		}
		newest := list[0]
		for _, a := range list {
			if a.ID > newest.ID {
				newest = a
			}
		}
		return newest.ID
	}
	act := func(c *apptest.Client, id int64, action string) int {
		return c.PostForm("/home/appointments/"+strconv.FormatInt(id, 10)+"/"+action+"/", nil).StatusCode
	}
	a := book()
	for _, c := range []struct {
		who    *apptest.Client
		action string
		want   int
	}{
		{student, "approve", http.StatusForbidden},
		{intruder, "approve", http.StatusNotFound},
		{admin, "approve", http.StatusForbidden},
		{prof, "complete", http.StatusConflict},
		{prof, "bogus", http.StatusBadRequest}, // an unknown action names the field
		{prof, "approve", http.StatusSeeOther},
		{prof, "reject", http.StatusConflict},
		{student, "complete", http.StatusForbidden},
		{prof, "complete", http.StatusSeeOther},
		{student, "cancel", http.StatusConflict},
	} {
		if got := act(c.who, a, c.action); got != c.want {
			t.Errorf("%s on appointment: %d, want %d", c.action, got, c.want)
		}
	}
	b := book()
	if got := act(student, b, "cancel"); got != http.StatusSeeOther {
		t.Errorf("requester cancel pending: %d", got)
	}
	c := book()
	if got := act(prof, c, "reject"); got != http.StatusSeeOther {
		t.Errorf("reject: %d", got)
	}
	d := book()
	act(prof, d, "approve")
	if got := act(student, d, "cancel"); got != http.StatusSeeOther {
		t.Errorf("requester cancel approved: %d", got)
	}
	want := map[int64]string{a: "completed", b: "cancelled", c: "rejected", d: "cancelled"}
	for id, status := range want {
		got, _ := app.State.DB.AppointmentByID(context.Background(), id)
		if got.Status != status {
			t.Errorf("appointment %d: %s, want %s", id, got.Status, status)
		}
	}
	// The requester was told of approve, complete, reject and approve (4); the instructor of
	// four requests and two cancellations (6).
	if n, _ := app.State.DB.CountUnread(context.Background(), studID); n != 4 {
		t.Errorf("requester notifications: %d, want 4", n)
	}
	if n, _ := app.State.DB.CountUnread(context.Background(), profID); n != 6 {
		t.Errorf("instructor notifications: %d, want 6", n)
	}
	page := prof.Get("/home/appointments/")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Requested by") {
		t.Errorf("instructor list: %d", page.StatusCode)
	}
	if r := app.Client().Get("/home/appointments/"); r.StatusCode != http.StatusFound {
		t.Errorf("anonymous appointments page: %d", r.StatusCode)
	}
}

func TestAssistant(t *testing.T) {
	t.Parallel()
	app := startDesk(t)
	student := app.User("stud", "student")
	if r := app.Client().Get("/ai/api/feedback/"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous feedback: %d", r.StatusCode)
	}
	r := student.Get("/ai/api/feedback/42/?type=quiz")
	var out struct {
		Status, SubmissionID, FeedbackType, Feedback string
	}
	out2 := map[string]any{}
	r.JSON(t, &out2)
	out.Status, _ = out2["status"].(string)
	out.SubmissionID, _ = out2["submission_id"].(string)
	out.FeedbackType, _ = out2["feedback_type"].(string)
	out.Feedback, _ = out2["feedback"].(string)
	if r.StatusCode != 200 || out.Status != "success" || out.SubmissionID != "42" || out.FeedbackType != "quiz" ||
		!strings.Contains(out.Feedback, "not finished a quiz") {
		t.Fatalf("feedback: %d %s", r.StatusCode, r.Body)
	}
	// With data: an enrolled subject with an unopened material and a post.
	ctx := context.Background()
	prof := app.User("prof", "instructor")
	_ = prof
	profID, studID := userID(t, app, "prof"), userID(t, app, "stud")
	now := app.Clock.Now().UnixMilli()
	db := app.State.DB
	err := execAll(db,
		`INSERT INTO subjects (id, name, code, instructor_id, created_at, updated_at) VALUES (900, 'Algebra', 'ALG1', `+text.Itoa(profID)+`, `+text.Itoa(now)+`, `+text.Itoa(now)+`)`,
		`INSERT INTO subject_enrollments (subject_id, student_id, enrolled_at) VALUES (900, `+text.Itoa(studID)+`, `+text.Itoa(now)+`)`,
		`INSERT INTO subject_materials (subject_id, kind, title, external_url, created_at, updated_at) VALUES (900, 'link', 'Week 1 reading', 'https://example.org/', `+text.Itoa(now)+`, `+text.Itoa(now)+`)`,
		`INSERT INTO subject_materials (subject_id, kind, title, due_at, created_at, updated_at) VALUES (900, 'assignment', 'Homework 1', `+text.Itoa(now+3*86400000)+`, `+text.Itoa(now)+`, `+text.Itoa(now)+`)`,
	)
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	ms := func(d int64) string { return text.Itoa(now + d) }
	err = execAll(db,
		`INSERT INTO quizzes (id, subject_id, title, created_at, updated_at) VALUES (70, 900, 'Fractions', `+ms(0)+`, `+ms(0)+`)`,
		`INSERT INTO quiz_questions (id, quiz_id, text, marks, created_at, updated_at) VALUES (701, 70, 'What is 1/2 + 1/4?', 2, `+ms(0)+`, `+ms(0)+`)`,
		`INSERT INTO quiz_questions (id, quiz_id, text, marks, created_at, updated_at) VALUES (702, 70, 'Simplify 2/4', 1, `+ms(0)+`, `+ms(0)+`)`,
		`INSERT INTO quiz_attempts (id, quiz_id, user_id, attempt_number, status, started_at, deadline_at, finished_at, score, max_score, seed)
			VALUES (80, 70, `+text.Itoa(studID)+`, 1, 'completed', `+ms(-7200000)+`, `+ms(-3600000)+`, `+ms(-5400000)+`, 1, 3, 1)`,
		`INSERT INTO attempt_answers (attempt_id, question_id, marks_awarded, answered_at) VALUES (80, 701, 0, `+ms(-6000000)+`)`,
		`INSERT INTO attempt_answers (attempt_id, question_id, marks_awarded, answered_at) VALUES (80, 702, 1, `+ms(-6000000)+`)`,
	)
	if err != nil {
		t.Fatalf("quiz fixture: %v", err)
	}
	student.PostForm("/home/", url.Values{"content": {"Studying algebra today"}})
	r = student.Get("/ai/api/feedback/80/?type=quiz")
	out2 = map[string]any{}
	r.JSON(t, &out2)
	qf, _ := out2["feedback"].(string)
	for _, want := range []string{`Attempt 1 of "Fractions" (Algebra): 1 of 3 marks, 33%`, `"What is 1/2 + 1/4?": 0 of 2 marks`,
		"Algebra: 33% (1 of 3 marks), your weakest area"} {
		if !strings.Contains(qf, want) {
			t.Errorf("quiz feedback lacks %q:\n%s", want, qf)
		}
	}
	// Another user's attempt id says nothing about that attempt.
	app.User("other", "student")
	other := app.Client()
	other.LogIn("other", apptest.Password)
	if r := other.Get("/ai/api/feedback/80/?type=quiz"); strings.Contains(r.Body, "Fractions") {
		t.Errorf("another user's attempt leaks: %s", r.Body)
	}
	r = student.JSON("POST", "/ai/api/feedback-request/", map[string]any{"type": "general", "submission_id": 7}, "")
	out2 = map[string]any{}
	r.JSON(t, &out2)
	fb, _ := out2["feedback"].(string)
	for _, want := range []string{"Week 1 reading (Algebra", "Homework 1 (Algebra): due", "in 3 day(s)", "1 post(s)"} {
		if !strings.Contains(fb, want) {
			t.Errorf("feedback lacks %q:\n%s", want, fb)
		}
	}
	// The feedback request is protected against cross-site posts.
	cross := student.Do("POST", "/ai/api/feedback-request/", strings.NewReader(`{"type":"quiz"}`),
		http.Header{"Content-Type": {"application/json"}, "Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}})
	if cross.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site feedback request: %d, want 403", cross.StatusCode)
	}
	if bad := student.JSON("POST", "/ai/api/feedback-request/", "{not json", ""); bad.StatusCode != 400 || !strings.Contains(bad.Body, `"status":"error"`) {
		t.Errorf("bad JSON: %d %s", bad.StatusCode, bad.Body)
	}
	page := student.Get("/ai/")
	if page.StatusCode != 200 || !strings.Contains(page.Body, "Week 1 reading") || !strings.Contains(page.Body, "not finished a quiz") {
		t.Errorf("the page does not show the history: %d", page.StatusCode)
	}
	if r := student.PostForm("/ai/", url.Values{"type": {"assignment"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("POST /ai/: %d", r.StatusCode)
	}
	if h, _ := db.ListAIFeedback(ctx, studID, 10); len(h) != 4 {
		t.Errorf("stored feedback: %d, want 4", len(h))
	}
}

// execAll writes fixture rows the app's services have no way to write.
func execAll(db *store.DB, stmts ...string) error {
	for _, s := range stmts {
		if _, err := db.Raw().Exec(s); err != nil {
			return err
		}
	}
	return nil
}

func TestAnonymousBooking(t *testing.T) {
	t.Parallel()
	app := startDesk(t)
	app.User("prof", "instructor")
	admin := app.User("root", "admin")
	profID := userID(t, app, "prof")
	anon := app.Client()
	form := bookForm(profID, "2026-11-26", "11:00")
	if r := anon.PostForm("/home/contact/appointment/", form); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "This field is required.") {
		t.Errorf("anonymous without name and email: %d", r.StatusCode)
	}
	form.Set("name", "Visitor")
	form.Set("email", "visitor@example.org")
	form.Set("phone", "+1 555 0100")
	if r := anon.PostForm("/home/contact/appointment/", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymous booking: %d", r.StatusCode)
	}
	list, _ := app.State.DB.ListAppointments(context.Background(), store.AppointmentQuery{Party: profID})
	if len(list) != 1 || list[0].UserID != 0 || list[0].Email != "visitor@example.org" {
		t.Fatalf("stored: %+v", list)
	}
	if n, _ := app.State.DB.CountUnread(context.Background(), profID); n != 1 {
		t.Errorf("instructor not notified of the anonymous request: %d", n)
	}
	// The instructor can approve it; nobody on the site is told (there is no account).
	prof := app.Client()
	prof.LogIn("prof", apptest.Password)
	if r := prof.PostForm("/home/appointments/"+text.Itoa(list[0].ID)+"/approve/", nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("approve anonymous: %d", r.StatusCode)
	}
	if r := admin.Get("/admin/appointments/"); !strings.Contains(r.Body, "visitor@example.org") || !strings.Contains(r.Body, "approved") {
		t.Error("admin overview lacks the appointment")
	}
}

// TestAppointmentActionFragment: a script sends an action with X-Fragment: 1 and gets
// the appointment's card back; a refusal is the API's error JSON with the status of its
// kind (409 for a change the state does not allow, 400 naming action for an unknown
// one); unknown status filters and control characters are 400s naming the field.
func TestAppointmentActionFragment(t *testing.T) {
	t.Parallel()
	app := startDesk(t)
	student := app.User("stud", "student")
	prof := app.User("prof", "instructor")
	admin := app.User("root", "admin")
	profID := userID(t, app, "prof")
	if r := student.PostForm("/home/contact/appointment/", bookForm(profID, "2026-11-26", "10:00")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("book: %d", r.StatusCode)
	}
	list, err := app.State.DB.ListAppointments(context.Background(), store.AppointmentQuery{Party: profID})
	if err != nil || len(list) != 1 {
		t.Fatalf("booked: %v %v", list, err)
	}
	id := strconv.FormatInt(list[0].ID, 10)
	fragment := func(c *apptest.Client, action string) *apptest.Response {
		return c.Do("POST", "/home/appointments/"+id+"/"+action+"/", nil, http.Header{"X-Fragment": {"1"}})
	}
	r := fragment(prof, "approve")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") ||
		strings.Contains(r.Body, "<html") || !strings.Contains(r.Body, `id="appointment-`+id+`"`) ||
		!strings.Contains(r.Body, ">approved<") || !strings.Contains(r.Body, `data-action="complete"`) {
		t.Fatalf("approve as a fragment: %d %s\n%s", r.StatusCode, r.Header.Get("Content-Type"), r.Body)
	}
	var body map[string]any
	r = fragment(prof, "reject")
	if r.StatusCode != http.StatusConflict || json.Unmarshal([]byte(r.Body), &body) != nil || body["detail"] == nil {
		t.Errorf("refused change as a fragment: %d %s", r.StatusCode, r.Body)
	}
	body = nil
	r = fragment(prof, "bogus")
	if r.StatusCode != http.StatusBadRequest || json.Unmarshal([]byte(r.Body), &body) != nil || body["action"] == nil {
		t.Errorf("unknown action as a fragment: %d %s", r.StatusCode, r.Body)
	}
	// Without the header the page flow: a redirect, or the error page.
	if r := prof.PostForm("/home/appointments/"+id+"/bogus/", nil); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "approve, reject, complete, cancel") {
		t.Errorf("unknown action on the page: %d", r.StatusCode)
	}
	if r := admin.Get("/admin/appointments/?status=bogus"); r.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown status filter: %d", r.StatusCode)
	}
	if r := admin.Get("/admin/appointments/?status=approved"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "2026-11-26") {
		t.Errorf("status filter: %d", r.StatusCode)
	}
	// Control characters in the forms: 400 with the field named, nothing stored.
	r = student.PostForm("/home/contact/appointment/", func() url.Values {
		f := bookForm(profID, "2026-11-27", "10:00")
		f.Set("message", "\x00About the exam")
		return f
	}())
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "U+0000") {
		t.Errorf("booking with NUL: %d", r.StatusCode)
	}
	for _, name := range []string{"name", "subject", "message"} {
		f := url.Values{"name": {"Ann"}, "email": {"ann@example.org"}, "subject": {"S"}, "message": {"M"}}
		f.Set(name, "\x00"+f.Get(name))
		if r := app.Client().PostForm("/home/contact/", f); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "U+0000") {
			t.Errorf("contact %s with NUL: %d", name, r.StatusCode)
		}
	}
	if r := admin.PostForm("/admin/faq/", url.Values{"question": {"\x00Q?"}, "answer": {"A"}}); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "U+0000") {
		t.Errorf("FAQ with NUL: %d", r.StatusCode)
	}
	if r := admin.PostForm("/admin/faq/", url.Values{"question": {"Q?"}, "answer": {"A"}, "is_active": {"maybe"}}); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "true or false") {
		t.Errorf("FAQ with an unknown is_active: %d", r.StatusCode)
	}
	if r := student.Get("/ai/api/feedback/?type=horoscope"); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, `"type"`) {
		t.Errorf("unknown feedback type: %d %s", r.StatusCode, r.Body)
	}
	if n, _ := app.State.DB.CountOpenContacts(context.Background()); n != 0 {
		t.Errorf("%d refused contact messages stored", n)
	}
}
