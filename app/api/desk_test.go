package api_test

import (
	"context"
	"encoding/json"
	"maps"
	"strconv"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/store"
)

func startDesk(t *testing.T) *apptest.App {
	t.Helper()
	return apptest.Start(t, apptest.Options{Args: []string{"-limits",
		apptest.RelaxedLimits[1] + ",contact=100000/1m,appointment=100000/1m"}})
}

// deskParties starts a desk app with a student, an instructor and an admin, and
// returns a client, their access tokens and the student and instructor.
func deskParties(t *testing.T) (app *apptest.App, c *apptest.Client, stud, prof, root string, studUser, profUser store.User) {
	t.Helper()
	app = startDesk(t)
	studUser, profUser = app.Account("stud", "student"), app.Account("prof", "instructor")
	app.Account("root", "admin")
	stud, _ = app.Token("stud")
	prof, _ = app.Token("prof")
	root, _ = app.Token("root")
	return app, app.Client(), stud, prof, root, studUser, profUser
}

func TestDeskAPI(t *testing.T) {
	t.Parallel()
	_, c, stud, prof, root, studUser, profUser := deskParties(t)

	// Contact: anonymous allowed, validation as field errors.
	if r := c.JSON("POST", "/api/contact/", map[string]string{"name": "Ann"}, ""); r.StatusCode != 400 || !strings.Contains(r.Body, `"email"`) {
		t.Errorf("invalid contact: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("POST", "/api/contact/", map[string]string{"name": "Ann", "email": "ann@example.org", "subject": "Hi", "message": "Hello"}, ""); r.StatusCode != 201 {
		t.Errorf("contact: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("GET", "/api/faq/", nil, ""); r.StatusCode != 200 || !strings.Contains(r.Body, `"results":[]`) {
		t.Errorf("faq: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("GET", "/api/appointments/instructors/", nil, ""); !strings.Contains(r.Body, `"username":"prof"`) {
		t.Errorf("instructors: %s", r.Body)
	}
	// Appointments.
	if r := c.JSON("POST", "/api/appointments/", map[string]any{}, ""); r.StatusCode != 401 {
		t.Errorf("anonymous booking via API: %d", r.StatusCode)
	}
	bad := map[string]any{"instructor": profUser.ID, "appointment_date": "2026-11-28", "appointment_time": "10:00"}
	if r := c.JSON("POST", "/api/appointments/", bad, stud); r.StatusCode != 400 || !strings.Contains(r.Body, "weekends") {
		t.Errorf("weekend: %d %s", r.StatusCode, r.Body)
	}
	good := map[string]any{"instructor": profUser.ID, "appointment_date": "2026-11-26", "appointment_time": "10:00", "message": "Exam"}
	r := c.JSON("POST", "/api/appointments/", good, stud)
	var ap struct {
		ID      int64
		User    *int64
		Status  string
		Actions []string
	}
	r.JSON(t, &ap)
	if r.StatusCode != 201 || ap.Status != "pending" || ap.User == nil || *ap.User != studUser.ID || len(ap.Actions) != 1 || ap.Actions[0] != "cancel" {
		t.Fatalf("book: %d %s", r.StatusCode, r.Body)
	}
	path := "/api/appointments/" + strconv.FormatInt(ap.ID, 10) + "/"
	if r := c.JSON("GET", path, nil, root); r.StatusCode != 200 {
		t.Errorf("admin sees the appointment: %d", r.StatusCode)
	}
	if r := c.JSON("POST", path+"status/", map[string]string{"status": "approved"}, stud); r.StatusCode != 403 {
		t.Errorf("requester approves: %d", r.StatusCode)
	}
	if r := c.JSON("POST", path+"status/", map[string]string{"status": "completed"}, prof); r.StatusCode != 409 {
		t.Errorf("complete a pending one: %d", r.StatusCode)
	}
	if r := c.JSON("POST", path+"status/", map[string]string{"status": "bogus"}, prof); r.StatusCode != 400 {
		t.Errorf("bogus status: %d", r.StatusCode)
	}
	if r := c.JSON("POST", path+"status/", map[string]string{"status": "approved"}, prof); r.StatusCode != 200 || !strings.Contains(r.Body, `"status":"approved"`) {
		t.Errorf("approve: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("GET", "/api/appointments/", nil, stud); !strings.Contains(r.Body, `"count":1`) || !strings.Contains(r.Body, `"status":"approved"`) {
		t.Errorf("list: %s", r.Body)
	}
	// Assistant.
	r = c.JSON("GET", "/api/ai/feedback/?type=quiz&submission_id=5", nil, stud)
	if r.StatusCode != 200 || !strings.Contains(r.Body, `"feedback_type":"quiz"`) || !strings.Contains(r.Body, `"submission_id":"5"`) {
		t.Errorf("feedback: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("POST", "/api/ai/feedback-request/", map[string]any{"type": "assignment", "submission_id": 9}, stud); !strings.Contains(r.Body, `"submission_id":"9"`) {
		t.Errorf("feedback request: %s", r.Body)
	}
	if r := c.JSON("GET", "/api/ai/feedback/history/", nil, stud); !strings.Contains(r.Body, `"count":2`) {
		t.Errorf("history: %s", r.Body)
	}
	// Admin user actions.
	sid := strconv.FormatInt(studUser.ID, 10)
	for _, tok := range []string{stud, prof} {
		if r := c.JSON("GET", "/api/admin/users/", nil, tok); r.StatusCode != 403 {
			t.Errorf("non-admin list users: %d", r.StatusCode)
		}
		if r := c.JSON("POST", "/api/admin/users/"+sid+"/role/", map[string]string{"user_type": "admin"}, tok); r.StatusCode != 403 {
			t.Errorf("non-admin role: %d", r.StatusCode)
		}
	}
	if r := c.JSON("GET", "/api/admin/users/", nil, ""); r.StatusCode != 401 {
		t.Errorf("anonymous admin: %d", r.StatusCode)
	}
	if r := c.JSON("GET", "/api/admin/users/?q=stu", nil, root); !strings.Contains(r.Body, `"count":1`) {
		t.Errorf("search: %s", r.Body)
	}
	if r := c.JSON("POST", "/api/admin/users/"+sid+"/role/", map[string]string{"user_type": "instructor"}, root); !strings.Contains(r.Body, `"user_type":"instructor"`) {
		t.Errorf("role: %s", r.Body)
	}
	if r := c.JSON("POST", "/api/admin/users/"+sid+"/password-reset/", nil, root); r.StatusCode != 200 {
		t.Errorf("reset: %d", r.StatusCode)
	}
	if r := c.JSON("POST", "/api/admin/users/"+sid+"/active/", map[string]bool{"is_active": false}, root); !strings.Contains(r.Body, `"is_active":false`) {
		t.Errorf("deactivate: %s", r.Body)
	}
	if r := c.JSON("GET", "/api/appointments/", nil, stud); r.StatusCode != 401 {
		t.Errorf("token survives deactivation: %d", r.StatusCode)
	}
}

// TestDeskAPIBadInput: unknown enum values and control characters are a 400 naming the
// field, never a 409 or a 500, and nothing is written.
func TestDeskAPIBadInput(t *testing.T) {
	t.Parallel()
	app, c, stud, prof, root, studUser, profUser := deskParties(t)
	field := func(r *apptest.Response, name string) bool {
		var out map[string][]string
		return r.StatusCode == 400 && json.Unmarshal([]byte(r.Body), &out) == nil && len(out[name]) > 0
	}
	contact := map[string]string{"name": "Ann", "email": "ann@example.org", "subject": "Hi", "message": "Hello"}
	for _, name := range []string{"name", "subject", "message"} {
		body := maps.Clone(contact)
		body[name] = "\x00" + body[name]
		if r := c.JSON("POST", "/api/contact/", body, ""); !field(r, name) {
			t.Errorf("contact %s with NUL: %d %s", name, r.StatusCode, r.Body)
		}
	}
	book := map[string]any{"instructor": profUser.ID, "appointment_date": "2026-11-26", "appointment_time": "10:00"}
	for name, v := range map[string]any{"message": "\x00Exam", "phone": "\x0012345", "appointment_type": "tea_party", "name": "\x00Ann"} {
		body := maps.Clone(book)
		body[name] = v
		if r := c.JSON("POST", "/api/appointments/", body, stud); !field(r, name) {
			t.Errorf("booking with %s %q: %d %s", name, v, r.StatusCode, r.Body)
		}
	}
	r := c.JSON("POST", "/api/appointments/", book, stud)
	var ap struct{ ID int64 }
	r.JSON(t, &ap)
	path := "/api/appointments/" + strconv.FormatInt(ap.ID, 10) + "/"
	if r := c.JSON("POST", path+"status/", map[string]string{"action": "bogus"}, prof); !field(r, "action") {
		t.Errorf("unknown action: %d %s, want 400 naming action", r.StatusCode, r.Body)
	}
	if r := c.JSON("POST", path+"status/", map[string]string{"status": "bogus"}, prof); !field(r, "status") {
		t.Errorf("unknown status: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("GET", "/api/appointments/?status=bogus", nil, stud); !field(r, "status") {
		t.Errorf("unknown status filter: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("GET", "/api/ai/feedback/?type=horoscope", nil, stud); !field(r, "type") {
		t.Errorf("unknown feedback type: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("POST", "/api/ai/feedback-request/", map[string]any{"submission_id": "\x00"}, stud); !field(r, "submission_id") {
		t.Errorf("feedback submission id with NUL: %d %s", r.StatusCode, r.Body)
	}
	sid := strconv.FormatInt(studUser.ID, 10)
	if r := c.JSON("POST", "/api/admin/users/"+sid+"/role/", map[string]string{"user_type": "emperor"}, root); !field(r, "user_type") {
		t.Errorf("unknown role: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("POST", "/api/admin/users/"+sid+"/active/", map[string]string{"is_active": "maybe"}, root); !field(r, "is_active") {
		t.Errorf("unknown is_active: %d %s", r.StatusCode, r.Body)
	}
	me, _ := app.State.DB.UserByUsername(context.Background(), "root")
	if r := c.JSON("POST", "/api/admin/users/"+strconv.FormatInt(me.ID, 10)+"/role/", map[string]string{"user_type": "student"}, root); r.StatusCode != 400 {
		t.Errorf("an admin demoting themself: %d %s", r.StatusCode, r.Body)
	}
	if list, _ := app.State.DB.ListContacts(context.Background(), false, 10); len(list) != 0 {
		t.Errorf("refused contacts were stored: %v", list)
	}
	if u, _ := app.State.DB.UserByUsername(context.Background(), "stud"); u.UserType != "student" || !u.IsActive {
		t.Errorf("a refused admin action changed the user: %+v", u)
	}
}
