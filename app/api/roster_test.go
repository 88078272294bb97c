package api_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/learn"
	"eplatform/app/roster"
	"eplatform/app/store"
)

// rosterAPI is a subject CS1 taught by tina; ivan teaches elsewhere; sam and nora are
// students; root is an admin. Each has an API token.
type rosterAPI struct {
	app  *apptest.App
	c    *apptest.Client
	tok  map[string]string
	subj store.Subject
}

func newRosterAPI(t *testing.T) *rosterAPI {
	t.Helper()
	app := apptest.StartRelaxed(t)
	w := &rosterAPI{app: app, c: app.Client(), tok: map[string]string{}}
	users := map[string]store.User{}
	for name, role := range map[string]string{"tina": "instructor", "sam": "student", "nora": "student", "ivan": "instructor", "root": "admin"} {
		users[name] = app.Account(name, role)
		w.tok[name], _ = app.Token(name)
	}
	var err error
	if w.subj, err = app.State.Learn.CreateSubject(context.Background(), users["tina"], learn.SubjectInput{Name: learn.Str("Computing"), Code: learn.Str("CS1")}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *rosterAPI) csv(path, body, who string) *apptest.Response {
	h := http.Header{"Content-Type": {"text/csv; charset=utf-8"}}
	if who != "" {
		h.Set("Authorization", "Bearer "+w.tok[who])
	}
	return w.c.Do("POST", path, strings.NewReader(body), h)
}

const classList = "username,email,first_name,last_name,user_type,birthdate,subjects\r\n" +
	"ada,ada@example.com,Ada,Lovelace,student,2005-03-04,CS1\r\n" +
	"alan,alan@example.com,Alan,Turing,student,2004-06-23,\r\n"

func TestUserImportAPI(t *testing.T) {
	w := newRosterAPI(t)
	// A dry run answers what would happen and writes nothing.
	r := w.csv("/api/admin/users/import/?dry_run=1", classList, "root")
	var rep struct {
		DryRun          bool `json:"dry_run"`
		Imported        bool
		Created, Errors int
		Rows            []struct {
			Line           int
			Username       string
			Subjects       []string
			Errors         map[string][]string
			ID             *int64
			SetPasswordURL *string `json:"set_password_url"`
		}
	}
	r.JSON(t, &rep)
	if r.StatusCode != 200 || !rep.DryRun || rep.Imported || rep.Created != 2 || len(rep.Rows) != 2 || rep.Rows[0].ID != nil || rep.Rows[0].Subjects[0] != "CS1" {
		t.Fatalf("dry run: %d %s", r.StatusCode, r.Body)
	}
	if _, err := w.app.State.DB.UserByUsername(context.Background(), "ada"); err == nil {
		t.Fatal("the dry run wrote")
	}
	// Bad rows: a 400 with messages by line and column; nothing written.
	bad := classList + "ADA,nope,X,Y,student,2012-01-01,NOPE\r\n"
	r = w.csv("/api/admin/users/import/", bad, "root")
	var errs map[string][]string
	r.JSON(t, &errs)
	if r.StatusCode != 400 || !strings.Contains(errs["non_field_errors"][0], "1 of 3 rows") || len(errs["line 4: username"]) != 1 ||
		len(errs["line 4: email"]) != 1 || len(errs["line 4: birthdate"]) != 1 || len(errs["line 4: subjects"]) != 1 {
		t.Fatalf("bad rows: %d %s", r.StatusCode, r.Body)
	}
	if _, err := w.app.State.DB.UserByUsername(context.Background(), "ada"); err == nil {
		t.Fatal("a refused list wrote")
	}
	// The dry run of a bad list is a 200 with the rows' errors.
	r = w.csv("/api/admin/users/import/?dry_run=true", bad, "root")
	r.JSON(t, &rep)
	if r.StatusCode != 200 || rep.Errors != 1 || len(rep.Rows[2].Errors["email"]) != 1 {
		t.Fatalf("dry run of bad rows: %d %s", r.StatusCode, r.Body)
	}
	// Multipart with the file: created, each with a link; ada is enrolled.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "class.csv")
	fw.Write([]byte(classList))
	mw.Close()
	r = w.c.Do("POST", "/api/admin/users/import/", &buf, http.Header{"Content-Type": {mw.FormDataContentType()}, "Authorization": {"Bearer " + w.tok["root"]}})
	r.JSON(t, &rep)
	if r.StatusCode != 201 || !rep.Imported || rep.Created != 2 || rep.Rows[0].ID == nil || rep.Rows[0].SetPasswordURL == nil ||
		!strings.Contains(*rep.Rows[0].SetPasswordURL, "/reset/") {
		t.Fatalf("import: %d %s", r.StatusCode, r.Body)
	}
	ada, err := w.app.State.DB.UserByUsername(context.Background(), "ada")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := w.app.State.DB.IsEnrolled(context.Background(), w.subj.ID, ada.ID); !ok {
		t.Error("ada is not enrolled")
	}
	// The link lets ada choose a password on the reset page.
	if page := w.c.Get(strings.TrimPrefix(*rep.Rows[0].SetPasswordURL, w.app.URL)); page.StatusCode != 200 {
		t.Errorf("the link: %d", page.StatusCode)
	}
	// Bad bodies: the wrong media type, a bad flag, too large, a file error.
	if r := w.c.JSON("POST", "/api/admin/users/import/", map[string]any{"csv": classList}, w.tok["root"]); r.StatusCode != 415 {
		t.Errorf("JSON: %d %s", r.StatusCode, r.Body)
	}
	if r := w.csv("/api/admin/users/import/?dry_run=maybe", classList, "root"); r.StatusCode != 400 || !strings.Contains(r.Body, "dry_run") {
		t.Errorf("dry_run=maybe: %d %s", r.StatusCode, r.Body)
	}
	if r := w.csv("/api/admin/users/import/", classList+strings.Repeat("#", roster.MaxBytes), "root"); r.StatusCode != 413 {
		t.Errorf("over 1 MB: %d", r.StatusCode)
	}
	if r := w.csv("/api/admin/users/import/?dry_run=1", "name,mail\n", "root"); r.StatusCode != 400 || !strings.Contains(r.Body, `"file"`) {
		t.Errorf("bad header: %d %s", r.StatusCode, r.Body)
	}
}

func TestEnrollListAPI(t *testing.T) {
	w := newRosterAPI(t)
	path := "/api/subjects/" + strconv.FormatInt(w.subj.ID, 10) + "/enroll_list/"
	r := w.c.JSON("POST", path, map[string]any{"users": "sam\nnora@example.com, ghost\nivan"}, w.tok["tina"])
	var res struct {
		Enrolled      int
		StudentsCount int `json:"students_count"`
		Results       []struct{ Entry, Outcome string }
	}
	r.JSON(t, &res)
	if r.StatusCode != 200 || res.Enrolled != 2 || res.StudentsCount != 2 || len(res.Results) != 4 ||
		res.Results[2].Outcome != "unknown" || res.Results[3].Outcome != "not a student" {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	r = w.c.JSON("POST", path, map[string]any{"users": []string{"sam"}}, w.tok["root"])
	r.JSON(t, &res)
	if r.StatusCode != 200 || res.Results[0].Outcome != "already enrolled" {
		t.Fatalf("again: %d %s", r.StatusCode, r.Body)
	}
	for _, body := range []any{map[string]any{}, map[string]any{"users": 5}, map[string]any{"users": []any{1}}} {
		if r := w.c.JSON("POST", path, body, w.tok["tina"]); r.StatusCode != 400 || !strings.Contains(r.Body, "users") {
			t.Errorf("%v: %d %s", body, r.StatusCode, r.Body)
		}
	}
}

// TestRosterAPIPermissions is the permission matrix of the class-list endpoints: a
// student, another student, the subject's instructor, another instructor, an admin,
// and an anonymous caller (401).
func TestRosterAPIPermissions(t *testing.T) {
	w := newRosterAPI(t)
	subj := strconv.FormatInt(w.subj.ID, 10)
	type want struct{ sam, nora, tina, ivan, root, anon int }
	for _, tc := range []struct {
		path string
		csv  bool
		body any
		want want
	}{
		{"/api/admin/users/import/?dry_run=1", true, nil, want{403, 403, 403, 403, 200, 401}},
		{"/api/admin/users/import/", true, nil, want{403, 403, 403, 403, 201, 401}},
		{"/api/subjects/" + subj + "/enroll_list/", false, map[string]any{"users": []string{"sam"}}, want{403, 403, 200, 403, 200, 401}},
		{"/api/subjects/999/enroll_list/", false, map[string]any{"users": []string{"sam"}}, want{404, 404, 404, 404, 404, 401}},
	} {
		for _, who := range []struct {
			name   string
			status int
		}{{"sam", tc.want.sam}, {"nora", tc.want.nora}, {"tina", tc.want.tina}, {"ivan", tc.want.ivan}, {"root", tc.want.root}, {"", tc.want.anon}} {
			var r *apptest.Response
			if tc.csv {
				r = w.csv(tc.path, "username,email,first_name,last_name,user_type,birthdate\nu-"+who.name+",u-"+who.name+"@example.com,U,V,instructor,\n", who.name)
			} else {
				r = w.c.JSON("POST", tc.path, tc.body, w.tok[who.name])
			}
			if r.StatusCode != who.status {
				t.Errorf("POST %s as %q: %d, want %d (%s)", tc.path, who.name, r.StatusCode, who.status, r.Body)
			}
		}
	}
	if n, _ := w.app.State.DB.CountUsers(context.Background()); n != 6 {
		t.Errorf("%d users: only the admin's import may add one", n)
	}
}
