package api_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/learn"
	"eplatform/app/store"
)

// courseworkAPI is a subject CS1 taught by tina, with sam and nora enrolled and an
// assignment "Essay" (out of 20, due in two days); ivan teaches elsewhere, root is an
// admin. Each has an API token.
type courseworkAPI struct {
	app     *apptest.App
	c       *apptest.Client
	tok     map[string]string
	subj    store.Subject
	essay   store.Material
	teacher store.User
}

func newCourseworkAPI(t *testing.T) *courseworkAPI {
	t.Helper()
	app := apptest.StartRelaxed(t)
	w := &courseworkAPI{app: app, c: app.Client(), tok: map[string]string{}}
	roles := map[string]string{"tina": "instructor", "sam": "student", "nora": "student", "ivan": "instructor", "root": "admin"}
	users := map[string]store.User{}
	for name, role := range roles {
		users[name] = app.Account(name, role)
		w.tok[name], _ = app.Token(name)
	}
	ctx := context.Background()
	w.teacher = users["tina"]
	var err error
	if w.subj, err = app.State.Learn.CreateSubject(ctx, w.teacher, learn.SubjectInput{Name: learn.Str("Computing"), Code: learn.Str("CS1")}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"sam", "nora"} {
		if _, err := app.State.Learn.Enroll(ctx, users[name], w.subj.ID); err != nil {
			t.Fatal(err)
		}
	}
	// Made through the API, as a client would.
	r := w.c.JSON("POST", "/api/subjects/"+strconv.FormatInt(w.subj.ID, 10)+"/materials/", map[string]any{
		"type": "assignment", "title": "Essay", "max_marks": 20, "late_policy": "accept",
		"due_at": app.Clock.Now().Add(48 * time.Hour).Format(time.RFC3339)}, w.tok["tina"])
	var m struct {
		ID         int64
		MaxMarks   int    `json:"max_marks"`
		LatePolicy string `json:"late_policy"`
	}
	r.JSON(t, &m)
	if r.StatusCode != 201 || m.MaxMarks != 20 || m.LatePolicy != "accept" {
		t.Fatalf("assignment: %d %s", r.StatusCode, r.Body)
	}
	if w.essay, err = app.State.DB.MaterialByID(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	return w
}

type submissionOut struct {
	ID       int64
	Text     string
	FileURL  *string `json:"file_url"`
	IsLate   bool    `json:"is_late"`
	Versions int
	Status   string
	Marks    *int
	MaxMarks int `json:"max_marks"`
	Feedback string
	Student  struct{ Username string }
	History  *[]struct {
		Marks    int
		GradedBy *struct{ Username string } `json:"graded_by"`
	}
}

func (w *courseworkAPI) url(format string) string {
	return strings.ReplaceAll(format, "{m}", strconv.FormatInt(w.essay.ID, 10))
}

func handInMultipart(text, name, data string) (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("text", text)
	if name != "" {
		f, _ := mw.CreateFormFile("file", name)
		f.Write([]byte(data))
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

func TestCourseworkAPI(t *testing.T) {
	w := newCourseworkAPI(t)
	body, ct := handInMultipart("See the file.", "essay.pdf", learnPDF)
	r := w.c.Do("POST", w.url("/api/materials/{m}/submission/"), body, http.Header{"Content-Type": {ct}, "Authorization": {"Bearer " + w.tok["sam"]}})
	var x submissionOut
	r.JSON(t, &x)
	if r.StatusCode != 201 || x.FileURL == nil || x.Status != "submitted" || x.Versions != 1 || x.MaxMarks != 20 || x.Student.Username != "sam" || x.History != nil {
		t.Fatalf("hand in: %d %s", r.StatusCode, r.Body)
	}
	// Again, as JSON: a new version keeps the file.
	r = w.c.JSON("POST", w.url("/api/materials/{m}/submission/"), map[string]any{"text": "Second thoughts."}, w.tok["sam"])
	r.JSON(t, &x)
	if r.StatusCode != 200 || x.Versions != 2 || x.Text != "Second thoughts." || x.FileURL == nil {
		t.Fatalf("again: %d %s", r.StatusCode, r.Body)
	}
	// Bad input names its field.
	for _, bad := range []struct {
		body  any
		field string
	}{
		{map[string]any{"text": 5}, "text"},
		{map[string]any{"text": "", "remove_file": true}, "text"},
		{map[string]any{"text": "x", "file": "data:..."}, "file"},
		{map[string]any{"text": "bad\u0000"}, "text"},
	} {
		r := w.c.JSON("POST", w.url("/api/materials/{m}/submission/"), bad.body, w.tok["sam"])
		if r.StatusCode != 400 || !strings.Contains(r.Body, `"`+bad.field+`"`) {
			t.Errorf("%v: %d %s", bad.body, r.StatusCode, r.Body)
		}
	}
	body, ct = handInMultipart("", "tool.exe", "MZ"+strings.Repeat("\x00", 600))
	r = w.c.Do("POST", w.url("/api/materials/{m}/submission/"), body, http.Header{"Content-Type": {ct}, "Authorization": {"Bearer " + w.tok["nora"]}})
	if r.StatusCode != 400 || !strings.Contains(r.Body, `"file"`) {
		t.Errorf("an .exe: %d %s", r.StatusCode, r.Body)
	}

	// Grading: marks are required, never defaulted.
	sub := strconv.FormatInt(x.ID, 10)
	for _, bad := range []any{map[string]any{}, map[string]any{"marks": nil}, map[string]any{"marks": 21}, map[string]any{"marks": -1},
		map[string]any{"marks": "ten"}, map[string]any{"marks": 2.5}} {
		if r := w.c.JSON("POST", "/api/submissions/"+sub+"/grade/", bad, w.tok["tina"]); r.StatusCode != 400 || !strings.Contains(r.Body, `"marks"`) {
			t.Errorf("grade %v: %d %s", bad, r.StatusCode, r.Body)
		}
	}
	r = w.c.JSON("POST", "/api/submissions/"+sub+"/grade/", map[string]any{"marks": 14, "feedback": "Good."}, w.tok["tina"])
	r.JSON(t, &x)
	if r.StatusCode != 200 || x.Marks == nil || *x.Marks != 14 || x.Status != "graded" || x.History == nil || len(*x.History) != 1 {
		t.Fatalf("grade: %d %s", r.StatusCode, r.Body)
	}
	r = w.c.JSON("POST", "/api/submissions/"+sub+"/grade/", map[string]any{"marks": 18}, w.tok["root"])
	r.JSON(t, &x)
	if x.History == nil || len(*x.History) != 2 || (*x.History)[0].Marks != 18 || (*x.History)[0].GradedBy.Username != "root" || x.Feedback != "" {
		t.Fatalf("regrade: %s", r.Body)
	}
	// The student sees the grade (without the history), and is notified.
	r = w.c.JSON("GET", "/api/submissions/"+sub+"/", nil, w.tok["sam"])
	x = submissionOut{}
	r.JSON(t, &x)
	if r.StatusCode != 200 || *x.Marks != 18 || x.History != nil {
		t.Errorf("the student's view: %s", r.Body)
	}
	r = w.c.JSON("GET", "/api/notifications/?type=assignment_graded", nil, w.tok["sam"])
	if !strings.Contains(r.Body, `"notification_type":"assignment_graded"`) || !strings.Contains(r.Body, `"count":1`) {
		t.Errorf("notifications: %s", r.Body)
	}
	// Graded: closed.
	if r := w.c.JSON("POST", w.url("/api/materials/{m}/submission/"), map[string]any{"text": "Too late now"}, w.tok["sam"]); r.StatusCode != 409 {
		t.Errorf("changing a graded hand-in: %d %s", r.StatusCode, r.Body)
	}

	// The gradebook: sam 18/20 = 90.0 %, nora nothing counted yet.
	r = w.c.JSON("GET", "/api/subjects/"+strconv.FormatInt(w.subj.ID, 10)+"/gradebook/", nil, w.tok["tina"])
	var g struct {
		Columns []struct {
			Kind, Title string
			MaxMarks    int      `json:"max_marks"`
			Average     *float64 `json:"average_percent"`
		}
		Rows []struct {
			Student struct{ Username string }
			Cells   []struct {
				Status string
				Score  *int
			}
			Earned  int
			Current *float64 `json:"current_percent"`
			Overall *float64 `json:"overall_percent"`
		}
		Histogram []int
	}
	r.JSON(t, &g)
	if r.StatusCode != 200 || len(g.Columns) != 1 || g.Columns[0].Title != "Essay" || len(g.Rows) != 2 || len(g.Histogram) != 10 {
		t.Fatalf("gradebook: %d %s", r.StatusCode, r.Body)
	}
	for _, row := range g.Rows {
		switch row.Student.Username {
		case "sam":
			if row.Earned != 18 || row.Current == nil || *row.Current != 90 || row.Cells[0].Status != "graded" || *row.Cells[0].Score != 18 {
				t.Errorf("sam's row: %+v", row)
			}
		case "nora":
			if row.Current != nil || row.Overall == nil || *row.Overall != 0 || row.Cells[0].Status != "not_submitted" || row.Cells[0].Score != nil {
				t.Errorf("nora's row: %+v", row)
			}
		}
	}
	r = w.c.JSON("GET", "/api/grades/", nil, w.tok["sam"])
	if r.StatusCode != 200 || !strings.Contains(r.Body, `"current_percent":90`) || !strings.Contains(r.Body, `"code":"CS1"`) {
		t.Errorf("sam's grades: %s", r.Body)
	}
	r = w.c.JSON("GET", w.url("/api/materials/{m}/submissions/"), nil, w.tok["tina"])
	if r.StatusCode != 200 || !strings.Contains(r.Body, `"count":2`) || !strings.Contains(r.Body, `"submitted":1`) || !strings.Contains(r.Body, `"not_yet_due":1`) {
		t.Errorf("roster: %s", r.Body)
	}
}

// TestCourseworkAPIPermissions is the permission matrix of every coursework endpoint:
// the student who handed in, another student of the subject, its instructor, another
// instructor, an admin, and an anonymous caller (401).
func TestCourseworkAPIPermissions(t *testing.T) {
	w := newCourseworkAPI(t)
	for _, name := range []string{"sam", "nora"} {
		if r := w.c.JSON("POST", w.url("/api/materials/{m}/submission/"), map[string]any{"text": name + "'s answer"}, w.tok[name]); r.StatusCode != 201 {
			t.Fatalf("%s hands in: %d %s", name, r.StatusCode, r.Body)
		}
	}
	subs, err := w.app.State.DB.SubmissionsOfMaterial(context.Background(), w.essay.ID)
	if err != nil || len(subs) != 2 {
		t.Fatalf("hand-ins: %v %v", subs, err)
	}
	var sam store.Submission
	for _, s := range subs {
		if s.Student.Username == "sam" {
			sam = s
		}
	}
	sub := strconv.FormatInt(sam.ID, 10)
	subj := strconv.FormatInt(w.subj.ID, 10)
	type want struct{ sam, nora, tina, ivan, root int }
	cases := []struct {
		method, path string
		body         any
		want         want
	}{
		{"GET", w.url("/api/materials/{m}/submission/"), nil, want{200, 200, 200, 403, 200}},
		{"POST", w.url("/api/materials/{m}/submission/"), map[string]any{"text": "again"}, want{200, 200, 403, 403, 403}},
		{"GET", w.url("/api/materials/{m}/submissions/"), nil, want{403, 403, 200, 403, 200}},
		{"GET", "/api/submissions/" + sub + "/", nil, want{200, 404, 200, 404, 200}},
		{"GET", "/api/subjects/" + subj + "/gradebook/", nil, want{403, 403, 200, 403, 200}},
		{"GET", "/api/grades/", nil, want{200, 200, 200, 200, 200}},
		{"POST", "/api/submissions/" + sub + "/grade/", map[string]any{"marks": 10}, want{403, 404, 200, 404, 200}},
	}
	for _, tc := range cases {
		for _, who := range []struct {
			name   string
			status int
		}{{"sam", tc.want.sam}, {"nora", tc.want.nora}, {"tina", tc.want.tina}, {"ivan", tc.want.ivan}, {"root", tc.want.root}, {"", 401}} {
			r := w.c.JSON(tc.method, tc.path, tc.body, w.tok[who.name])
			if r.StatusCode != who.status {
				t.Errorf("%s %s as %q: %d, want %d (%s)", tc.method, tc.path, who.name, r.StatusCode, who.status, r.Body)
			}
			if who.name == "nora" && strings.Contains(r.Body, "sam's answer") {
				t.Errorf("%s %s shows sam's hand-in to nora", tc.method, tc.path)
			}
		}
	}
	// A missing or malformed id is a 404, never a 500.
	for _, p := range []string{"/api/submissions/999/", "/api/submissions/abc/", "/api/materials/999/submission/", "/api/subjects/999/gradebook/"} {
		if r := w.c.JSON("GET", p, nil, w.tok["root"]); r.StatusCode != 404 {
			t.Errorf("%s: %d", p, r.StatusCode)
		}
	}
}
