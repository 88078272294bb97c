package api_test

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/desk"
	"eplatform/app/store"
)

// roles in the order the contract calls them: those who may not use an operation
// come before those who may, so a deletion by its owner does not hide the refusals.
var roles = []string{"anon", "other", "teach2", "stud", "teach", "admin"}

// world is the seeded site the contract test calls: who is who and the ids of the
// rows every path names.
type world struct {
	t       *testing.T
	app     *apptest.App
	client  *apptest.Client
	tokens  map[string]string
	ids     map[string]int64
	refresh string // a login of its own, for /api/auth/refresh/
}

// missingID names no row of any table.
const missingID = "987654321"

func seedWorld(t *testing.T, app *apptest.App) *world {
	t.Helper()
	w := &world{t: t, app: app, client: app.Client(), tokens: map[string]string{"anon": ""}, ids: map[string]int64{}}
	var admin store.User
	for _, u := range []struct{ name, role string }{{"stud", "student"}, {"other", "student"}, {"teach", "instructor"},
		{"teach2", "instructor"}, {"admin", "admin"}, {"victim", "student"}} {
		acc := app.Account(u.name, u.role)
		if u.role == "admin" {
			admin = acc
		}
		w.ids[u.name] = acc.ID
		w.tokens[u.name], _ = app.Token(u.name)
	}
	_, w.refresh = app.Token("stud")

	// The feed: a post of the student's with a comment of the instructor's, which
	// notifies the student.
	w.ids["post"] = w.create(t, "stud", "POST", "/api/posts/", map[string]any{"content": "Hello @teach, the contract test was here"})
	w.ids["comment"] = w.create(t, "teach", "POST", "/api/posts/"+w.id("post")+"/comments/", map[string]any{"content": "Welcome"})
	var notes struct{ Results []struct{ ID int64 } }
	w.call(t, "stud", "GET", "/api/notifications/", nil, &notes)
	if len(notes.Results) == 0 {
		t.Fatal("the comment notified nobody")
	}
	w.ids["notification"] = notes.Results[0].ID

	// Chat: a direct conversation with a message, and a group the student owns.
	w.ids["direct"] = w.create(t, "stud", "POST", "/api/chat/conversations/start/", map[string]any{"user_id": w.ids["teach"], "message": "Hi"})
	w.ids["message"] = w.create(t, "stud", "POST", "/api/chat/conversations/"+w.id("direct")+"/add_message/", map[string]any{"content": "Are you there?"})
	w.ids["group"] = w.create(t, "stud", "POST", "/api/chat/groups/", map[string]any{"title": "Study group", "user_ids": []int64{w.ids["teach"], w.ids["other"]}})

	// Learning: the instructor's subject with the student enrolled, a material, a quiz
	// the student took (one attempt finished with a short answer to grade, one open),
	// and a second quiz nobody takes, whose questions can change.
	w.ids["subject"] = w.create(t, "teach", "POST", "/api/subjects/", map[string]any{"name": "Computing", "code": "CS1"})
	w.call(t, "stud", "POST", "/api/subjects/"+w.id("subject")+"/enroll/", nil, nil)
	w.ids["material"] = w.create(t, "teach", "POST", "/api/subjects/"+w.id("subject")+"/materials/",
		map[string]any{"type": "link", "title": "Reading", "external_url": "https://example.org/reading"})
	w.ids["assignment"] = w.create(t, "teach", "POST", "/api/subjects/"+w.id("subject")+"/materials/",
		map[string]any{"type": "assignment", "title": "Essay", "max_marks": 20})
	w.ids["submission"] = w.create(t, "stud", "POST", "/api/materials/"+w.id("assignment")+"/submission/", map[string]any{"text": "My essay."})
	w.ids["quiz"] = w.create(t, "teach", "POST", "/api/subjects/"+w.id("subject")+"/quizzes/", map[string]any{"title": "Quiz one"})
	var mcq struct {
		ID      int64
		Answers []struct {
			ID   int64
			Text string
		}
	}
	w.call(t, "teach", "POST", "/api/quizzes/"+w.id("quiz")+"/questions/", mcqBody(), &mcq)
	w.ids["mcq"] = mcq.ID
	for _, a := range mcq.Answers {
		if a.Text == "Four" {
			w.ids["right"] = a.ID
		}
	}
	w.ids["short"] = w.create(t, "teach", "POST", "/api/quizzes/"+w.id("quiz")+"/questions/",
		map[string]any{"kind": "short_answer", "text": "Name a prime", "marks": 2, "answers": []map[string]any{{"text": "Two"}}})
	w.ids["attempt"] = w.attempt(t)
	w.call(t, "stud", "POST", "/api/attempts/"+w.id("attempt")+"/answers/", map[string]any{"answers": []map[string]any{
		{"question": w.ids["mcq"], "answer_id": w.ids["right"]}, {"question": w.ids["short"], "text": "Seven"}}}, nil)
	w.call(t, "stud", "POST", "/api/attempts/"+w.id("attempt")+"/submit/", nil, nil)
	w.ids["attempt_open"] = w.attempt(t)
	w.ids["quiz2"] = w.create(t, "teach", "POST", "/api/subjects/"+w.id("subject")+"/quizzes/", map[string]any{"title": "Quiz two"})
	w.ids["question2"] = w.create(t, "teach", "POST", "/api/quizzes/"+w.id("quiz2")+"/questions/", mcqBody())

	// The desk: an appointment with the instructor tomorrow (the test clock stands on
	// Wednesday 2026-11-25), and an FAQ entry.
	w.ids["appointment"] = w.create(t, "stud", "POST", "/api/appointments/", map[string]any{
		"instructor": w.ids["teach"], "appointment_date": "2026-11-26", "appointment_time": "10:00"})
	if _, err := app.State.Desk.SaveFAQ(context.Background(), admin, 0, desk.FAQInput{Question: "How do I enroll?",
		Answer: "Open the subject.", Category: "general", Active: true}); err != nil {
		t.Fatal(err)
	}

	// People: two education entries and a project of the student's.
	w.create(t, "stud", "POST", "/api/profile/education/", map[string]any{"institution": "First School", "degree": "A levels"})
	w.ids["education"] = w.create(t, "stud", "POST", "/api/profile/education/", map[string]any{"institution": "Uni", "degree": "BSc",
		"start_date": "2024-09-01"})
	w.ids["project"] = w.create(t, "stud", "POST", "/api/profile/projects/", map[string]any{"title": "Robot", "description": "A line follower"})

	// Moderation: the victim's report of the student's post.
	w.ids["report"] = w.create(t, "victim", "POST", "/api/reports/", map[string]any{"item_type": "post", "item_id": w.ids["post"], "reason": "spam"})
	return w
}

func mcqBody() map[string]any {
	return map[string]any{"kind": "mcq", "text": "Two and two?", "marks": 1, "answers": []map[string]any{
		{"text": "Four", "is_correct": true}, {"text": "Five"}}}
}

func (w *world) id(name string) string { return strconv.FormatInt(w.ids[name], 10) }

func (w *world) attempt(t *testing.T) int64 {
	t.Helper()
	var sheet struct{ Attempt struct{ ID int64 } }
	w.call(t, "stud", "POST", "/api/quizzes/"+w.id("quiz")+"/attempts/", nil, &sheet)
	return sheet.Attempt.ID
}

// call sends a JSON request as role and decodes a 2xx answer into out; anything else
// stops the test, since later calls need what it makes.
func (w *world) call(t *testing.T, role, method, path string, body, out any) {
	t.Helper()
	if body == nil {
		body = ""
	}
	r := w.client.JSON(method, path, body, w.tokens[role])
	if r.StatusCode/100 != 2 {
		t.Fatalf("seed: %s %s as %s: %d %s", method, path, role, r.StatusCode, r.Body)
	}
	if out != nil {
		r.JSON(t, out)
	}
}

// create sends a JSON request and returns the id in its answer.
func (w *world) create(t *testing.T, role, method, path string, body any) int64 {
	t.Helper()
	var out struct{ ID int64 }
	w.call(t, role, method, path, body, &out)
	if out.ID == 0 {
		t.Fatalf("seed: %s %s answered no id", method, path)
	}
	return out.ID
}

// contractIDs names the seeded row of each path id: the longest matching prefix of
// the path template wins.
var contractIDs = []struct{ prefix, row string }{
	{"/api/posts/{id}/", "post"},
	{"/api/comments/{id}/", "comment"},
	{"/api/notifications/{id}/", "notification"},
	{"/api/chat/conversations/{id}/", "group"},
	{"/api/chat/conversations/{id}/add_message/", "direct"},
	{"/api/chat/conversations/{id}/members/{user_id}/", "other"},
	{"/api/chat/users/{id}/", "teach"},
	{"/api/chat/messages/{id}/", "message"},
	{"/api/subjects/{id}/", "subject"},
	{"/api/materials/{id}/", "material"},
	{"/api/materials/{id}/submission/", "assignment"},
	{"/api/materials/{id}/submissions/", "assignment"},
	{"/api/submissions/{id}/", "submission"},
	{"/api/quizzes/{id}/", "quiz"},
	{"/api/quizzes/{id}/questions/", "quiz2"},
	{"/api/questions/{id}/", "question2"},
	{"/api/attempts/{id}/", "attempt"},
	{"/api/attempts/{id}/answers/", "attempt_open"},
	{"/api/attempts/{id}/submit/", "attempt_open"},
	{"/api/appointments/{id}/", "appointment"},
	{"/api/admin/users/{id}/", "victim"},
	{"/api/profile/projects/{id}/", "project"},
	{"/api/profile/{kind}/{id}/", "education"},
	{"/api/blocks/{id}/", "victim"},
	{"/api/admin/reports/{id}/", "report"},
}

var pathParamRE = regexp.MustCompile(`\{([a-z_]+)\}`)

// realPath fills the path's parameters with seeded rows, or with missing ones.
func (w *world) realPath(t *testing.T, path string, missing bool) string {
	t.Helper()
	return pathParamRE.ReplaceAllStringFunc(path, func(m string) string {
		name := strings.Trim(m, "{}")
		switch name {
		case "username":
			if missing {
				return "nobody-at-all"
			}
			return "stud"
		case "kind":
			if missing {
				return "no-such-kind"
			}
			return "education"
		}
		if missing {
			return missingID
		}
		// The row this parameter stands for: the longest prefix of the path whose last
		// parameter it is.
		best, row := -1, ""
		for _, c := range contractIDs {
			params := pathParamRE.FindAllString(c.prefix, -1)
			if strings.HasPrefix(path, c.prefix) && len(params) > 0 && params[len(params)-1] == m && len(c.prefix) > best {
				best, row = len(c.prefix), c.row
			}
		}
		if row == "" {
			t.Fatalf("no seeded row for %s in %s: add one to contractIDs", m, path)
		}
		return w.id(row)
	})
}

// contractBodies are valid request bodies, by operation; role is the caller (bodies
// that must differ per caller use it). An operation with a request body and no entry
// here is sent {}.
var contractBodies = map[string]func(w *world, role string) any{
	"PUT /api/notifications/preferences/": func(w *world, role string) any {
		return map[string]any{"kinds": map[string]any{"like": "off"}, "digest_frequency": "weekly"}
	},
	"POST /api/materials/{id}/submission/": func(w *world, role string) any { return map[string]any{"text": "A second version."} },
	"POST /api/submissions/{id}/grade/":    func(w *world, role string) any { return map[string]any{"marks": 15, "feedback": "Well argued."} },
	"POST /api/auth/register/": func(w *world, role string) any {
		return map[string]any{"username": "newbie", "email": "newbie@example.com", "password": "correct-Horse-7",
			"password2": "correct-Horse-7", "first_name": "New", "last_name": "Bie", "birthdate": "2005-03-04"}
	},
	"POST /api/auth/login/": func(w *world, role string) any {
		return map[string]any{"username": "stud", "password": apptest.Password}
	},
	"POST /api/auth/refresh/": func(w *world, role string) any { return map[string]any{"refresh": w.refresh} },
	"POST /api/auth/logout/":  func(w *world, role string) any { return map[string]any{} },
	"PUT /api/auth/profile/": func(w *world, role string) any {
		return map[string]any{"email": role + "@example.com", "first_name": "Same", "last_name": "Tester", "birthdate": "2005-03-04"}
	},
	"PATCH /api/auth/profile/": func(w *world, role string) any {
		return map[string]any{"first_name": "Patched", "time_zone": "Asia/Tokyo"}
	},
	"POST /api/auth/profile/upload-picture/": func(w *world, role string) any {
		return picture{field: "profile_picture", name: "me.png", contentType: "image/png"}
	},

	"POST /api/posts/":               func(w *world, role string) any { return map[string]any{"content": "Another post"} },
	"PUT /api/posts/{id}/":           func(w *world, role string) any { return map[string]any{"content": "Edited with @other"} },
	"PATCH /api/posts/{id}/":         func(w *world, role string) any { return map[string]any{"content": "Edited again"} },
	"POST /api/posts/{id}/comments/": func(w *world, role string) any { return map[string]any{"content": "A comment"} },
	"POST /api/comments/":            func(w *world, role string) any { return map[string]any{"post": w.ids["post"], "content": "Another"} },
	"PUT /api/comments/{id}/":        func(w *world, role string) any { return map[string]any{"content": "Edited comment"} },
	"PATCH /api/comments/{id}/":      func(w *world, role string) any { return map[string]any{"content": "Edited comment again"} },
	"POST /api/chat/groups/": func(w *world, role string) any {
		return map[string]any{"title": "Group", "user_ids": []int64{w.ids["stud"]}}
	},
	"PUT /api/chat/messages/{id}/edit/": func(w *world, role string) any { return map[string]any{"content": "Edited message"} },
	"POST /api/chat/conversations/start/": func(w *world, role string) any {
		return map[string]any{"user_id": w.ids["teach"], "message": "Hello"}
	},
	"POST /api/chat/conversations/{id}/add_message/": func(w *world, role string) any { return map[string]any{"content": "Another message"} },
	"POST /api/chat/conversations/{id}/members/": func(w *world, role string) any {
		return map[string]any{"user_ids": []int64{w.ids["teach2"]}}
	},

	"POST /api/subjects/": func(w *world, role string) any {
		return map[string]any{"name": "Contract " + role, "code": "CT-" + role}
	},
	"PUT /api/subjects/{id}/":   func(w *world, role string) any { return map[string]any{"name": "Computing", "code": "CS1"} },
	"PATCH /api/subjects/{id}/": func(w *world, role string) any { return map[string]any{"description": "All about computers"} },
	"POST /api/subjects/{id}/materials/": func(w *world, role string) any {
		return map[string]any{"type": "link", "title": "More reading", "external_url": "https://example.org/more"}
	},
	"POST /api/subjects/{id}/materials/order/": func(w *world, role string) any {
		var list struct{ Results []struct{ ID int64 } }
		w.call(w.t, "teach", "GET", "/api/subjects/"+w.id("subject")+"/materials/?page_size=100", nil, &list)
		var ids []int64
		for i := len(list.Results) - 1; i >= 0; i-- {
			ids = append(ids, list.Results[i].ID)
		}
		return map[string]any{"order": ids}
	},
	"PATCH /api/materials/{id}/": func(w *world, role string) any { return map[string]any{"title": "Reading, edited"} },

	"POST /api/subjects/{id}/quizzes/": func(w *world, role string) any { return map[string]any{"title": "Quiz by " + role} },
	"PATCH /api/quizzes/{id}/":         func(w *world, role string) any { return map[string]any{"title": "Quiz one"} },
	"POST /api/quizzes/{id}/questions/": func(w *world, role string) any {
		return map[string]any{"kind": "true_false", "text": "The sky is blue", "correct": true}
	},
	"POST /api/quizzes/{id}/questions/order/": func(w *world, role string) any {
		var q struct{ Questions []struct{ ID int64 } }
		w.call(w.t, "teach", "GET", "/api/quizzes/"+w.id("quiz2")+"/", nil, &q)
		var ids []int64
		for i := len(q.Questions) - 1; i >= 0; i-- {
			ids = append(ids, q.Questions[i].ID)
		}
		return map[string]any{"ids": ids}
	},
	"PUT /api/questions/{id}/": func(w *world, role string) any { return mcqBody() },
	"PUT /api/questions/{id}/image/": func(w *world, role string) any {
		return picture{field: "image", name: "q.png", contentType: "image/png"}
	},
	"POST /api/attempts/{id}/answers/": func(w *world, role string) any {
		return map[string]any{"answers": []map[string]any{{"question": w.ids["mcq"], "answer_id": w.ids["right"]}}}
	},
	"POST /api/attempts/{id}/grade/": func(w *world, role string) any {
		return map[string]any{"question": w.ids["short"], "marks": 1, "feedback": "Seven is prime, but the model answer was two."}
	},

	"POST /api/contact/": func(w *world, role string) any {
		return map[string]any{"name": "Visitor", "email": "visitor@example.com", "subject": "Hello", "message": "A question."}
	},
	"POST /api/appointments/": func(w *world, role string) any {
		return map[string]any{"instructor": w.ids["teach"], "appointment_date": "2026-11-27", "appointment_time": "11:00"}
	},
	"POST /api/appointments/{id}/status/": func(w *world, role string) any { return map[string]any{"action": "approve"} },
	"POST /api/ai/feedback-request/":      func(w *world, role string) any { return map[string]any{"type": "general"} },
	"POST /api/admin/users/{id}/role/":    func(w *world, role string) any { return map[string]any{"user_type": "instructor"} },
	"POST /api/admin/users/{id}/active/":  func(w *world, role string) any { return map[string]any{"is_active": false} },
	// Only "other" confirms with the right password, which signs them out everywhere;
	// they sign in again at the next role's call (which cancels the deletion), for the
	// probes that follow. The others' passwords are refused with a 400.
	"POST /api/me/delete/": func(w *world, role string) any {
		switch role {
		case "other":
			return map[string]any{"password": apptest.Password}
		case "teach2":
			w.tokens["other"], _ = w.app.Token("other")
		}
		return map[string]any{"password": "not-" + apptest.Password}
	},
	"POST /api/admin/users/{id}/delete/": func(w *world, role string) any { return map[string]any{"now": false} },
	"PATCH /api/profile/": func(w *world, role string) any {
		return map[string]any{"bio": "Learning Go", "privacy_settings": map[string]any{"bio": "public"}}
	},
	"POST /api/profile/{kind}/":           func(w *world, role string) any { return map[string]any{"institution": "College", "degree": "MSc"} },
	"PUT /api/profile/{kind}/{id}/":       func(w *world, role string) any { return map[string]any{"institution": "Uni", "degree": "BSc"} },
	"PATCH /api/profile/{kind}/{id}/":     func(w *world, role string) any { return map[string]any{"field_of_study": "Physics"} },
	"POST /api/profile/{kind}/{id}/move/": func(w *world, role string) any { return map[string]any{"direction": "up"} },
	"POST /api/reports/": func(w *world, role string) any {
		if role == "stud" { // not one's own post
			return map[string]any{"item_type": "comment", "item_id": w.ids["comment"], "reason": "harassment"}
		}
		return map[string]any{"item_type": "post", "item_id": w.ids["post"], "reason": "other", "note": "Off topic"}
	},
	"POST /api/blocks/":                    func(w *world, role string) any { return map[string]any{"user_id": w.ids["victim"]} },
	"POST /api/admin/reports/{id}/action/": func(w *world, role string) any { return map[string]any{"action": "resolve"} },
	"POST /api/profile/projects/{id}/image/": func(w *world, role string) any {
		return picture{field: "image", name: "robot.png", contentType: "image/png"}
	},
	"POST /api/admin/users/import/": func(w *world, role string) any {
		return csvBody("username,email,first_name,last_name,user_type,birthdate,subjects\n" +
			"imported-" + role + ",imported-" + role + "@example.com,Imported,Person,student,2005-03-04,CS1\n")
	},
	"POST /api/subjects/{id}/enroll_list/": func(w *world, role string) any {
		return map[string]any{"users": []string{"stud", "nobody-at-all"}}
	},
}

// csvBody is a text/csv body (a class list).
type csvBody string

// picture is a multipart body with one picture.
type picture struct{ field, name, contentType string }

// bodyFor encodes the operation's valid body for role.
func (w *world) bodyFor(t *testing.T, op *operation, role string) (contentType string, body []byte) {
	t.Helper()
	mk, ok := contractBodies[op.key]
	if !ok {
		if !op.hasBody {
			return "", nil
		}
		return "application/json", []byte("{}")
	}
	switch b := mk(w, role).(type) {
	case csvBody:
		return "text/csv", []byte(b)
	case picture:
		buf, ct := multipartBody(t, b.field, b.name, b.contentType, pngBytes(t, 40, 30))
		return ct, buf.Bytes()
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		return "application/json", raw
	}
}

// exercise calls one operation in every way the contract checks.
func (w *world) exercise(t *testing.T, c *contract, op *operation) {
	t.Helper()
	hasIDs := pathParamRE.MatchString(op.path)
	for _, role := range roles {
		ct, body := w.bodyFor(t, op, role)
		rq := request{role: role, path: w.realPath(t, op.path, false), contentType: ct, body: body}
		c.check(t, op, role+" (seeded ids)", w.send(t, op, rq))
	}
	if hasIDs {
		for _, role := range []string{"stud", "teach", "admin"} {
			ct, body := w.bodyFor(t, op, role)
			rq := request{role: role, path: w.realPath(t, op.path, true), contentType: ct, body: body}
			c.check(t, op, role+" (missing ids)", w.send(t, op, rq))
		}
	}
	role := op.okRole
	if role == "" {
		role = "stud"
	}
	path := w.realPath(t, op.path, false)
	for _, p := range op.query {
		name := p["name"].(string)
		schema := p["schema"].(map[string]any)
		r := w.send(t, op, request{role: role, path: path, query: url.Values{name: {exampleValue(schema)}}})
		c.check(t, op, role+" ?"+name+"="+exampleValue(schema), r)
		if r.StatusCode == 400 {
			t.Errorf("%s: the valid ?%s=%s is refused: %s", op.key, name, exampleValue(schema), r.Body)
		}
		bad := invalidValue(schema)
		if bad == "" {
			continue
		}
		r = w.send(t, op, request{role: role, path: path, query: url.Values{name: {bad}}})
		c.check(t, op, role+" ?"+name+"="+bad, r)
		if r.StatusCode != 400 {
			t.Errorf("%s: ?%s=%s, which the document does not allow, answers %d instead of 400", op.key, name, bad, r.StatusCode)
		}
	}
	if op.hasBody {
		probes := []struct {
			what, contentType string
			body              []byte
		}{
			{"with an empty object", "application/json", []byte("{}")},
			{"with a text/plain body", "text/plain", []byte("hello")},
			{"with a body over 1 MB", "application/json", []byte(`{"content": "` + strings.Repeat("a", 1<<20+10) + `"}`)},
			{"with broken JSON", "application/json", []byte(`{"content": `)},
		}
		for _, p := range probes {
			r := w.send(t, op, request{role: role, path: path, contentType: p.contentType, body: p.body})
			c.check(t, op, role+" "+p.what, r)
			// What API.md promises for any body: another media type is a 415, a
			// JSON body over 1 MB a 413.
			want := map[string]int{"with a text/plain body": 415, "with a body over 1 MB": 413}[p.what]
			if want == 413 && !op.readsJSON {
				want = 415
			}
			if want != 0 && r.StatusCode != want {
				t.Errorf("%s as %s %s: %d, want %d: %.200s", op.key, role, p.what, r.StatusCode, want, r.Body)
			}
		}
	}
}
