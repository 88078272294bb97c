package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/learn"
	"eplatform/app/roster"
)

const webClassList = "username,email,first_name,last_name,user_type,birthdate,subjects\n" +
	"ada,ada@example.com,Ada,Lovelace,student,2005-03-04,CS1\n" +
	"alan,alan@example.com,Alan,Turing,student,2004-06-23,\n"

func uploadCSV(c *apptest.Client, path, data string) *apptest.Response {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "class.csv")
	fw.Write([]byte(data))
	mw.Close()
	return c.Do("POST", path, &buf, http.Header{"Content-Type": {mw.FormDataContentType()}})
}

// The admin's import: upload → preview (nothing written) → confirm → the accounts.
func TestAdminImportPages(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	admin := app.User("root", "admin")
	teach := app.Account("teach", "instructor")
	if _, err := app.State.Learn.CreateSubject(context.Background(), teach, learn.SubjectInput{Name: learn.Str("Computing"), Code: learn.Str("CS1")}); err != nil {
		t.Fatal(err)
	}
	if r := admin.Get("/admin/import/"); r.StatusCode != 200 || !strings.Contains(r.Body, `href="/admin/import/" aria-current`) {
		t.Fatalf("form: %d", r.StatusCode)
	}
	r := uploadCSV(admin, "/admin/import/", webClassList)
	if r.StatusCode != 200 || !strings.Contains(r.Body, "2 accounts would be created") || !strings.Contains(r.Body, `name="csv"`) {
		t.Fatalf("preview: %d %s", r.StatusCode, r.Body)
	}
	if _, err := app.State.DB.UserByUsername(context.Background(), "ada"); err == nil {
		t.Fatal("the preview wrote")
	}
	// Bad rows: their errors, and no import button.
	r = uploadCSV(admin, "/admin/import/", webClassList+"ADA,nope,<b>X</b>,Y,student,2012-01-01,NOPE\n")
	if r.StatusCode != 200 || !strings.Contains(r.Body, "1 of 3 rows have errors") || strings.Contains(r.Body, "/admin/import/confirm/") ||
		!strings.Contains(r.Body, "email: Enter a valid email address.") || !strings.Contains(r.Body, "username: The same username as line 2.") ||
		strings.Contains(r.Body, "<b>X</b>") {
		t.Fatalf("bad rows: %s", r.Body)
	}
	// A file problem is shown on the upload form; a pasted list works too.
	if r := uploadCSV(admin, "/admin/import/", "name,mail\n"); r.StatusCode != 200 || !strings.Contains(r.Body, "unknown column") {
		t.Errorf("bad header: %d", r.StatusCode)
	}
	if r := uploadCSV(admin, "/admin/import/", webClassList+strings.Repeat("#", roster.MaxBytes)); r.StatusCode != 413 {
		t.Errorf("over 1 MB: %d", r.StatusCode)
	}
	if r := admin.PostForm("/admin/import/", url.Values{"csv": {webClassList}}); !strings.Contains(r.Body, "2 accounts would be created") {
		t.Errorf("pasted: %d", r.StatusCode)
	}
	r = admin.PostForm("/admin/import/confirm/", url.Values{"csv": {webClassList}})
	if r.StatusCode != 200 || !strings.Contains(r.Body, "2 accounts were created") || !strings.Contains(r.Body, "outbox") {
		t.Fatalf("import: %d %s", r.StatusCode, r.Body)
	}
	if _, err := app.State.DB.UserByUsername(context.Background(), "alan"); err != nil {
		t.Fatal(err)
	}
	if r := admin.Get("/admin/outbox/"); !strings.Contains(r.Body, "Your E-Platform account") || !strings.Contains(r.Body, "ada@example.com") {
		t.Error("the invitations are not in the outbox")
	}
	// Confirming the same list again: everything taken, nothing imported.
	r = admin.PostForm("/admin/import/confirm/", url.Values{"csv": {webClassList}})
	if !strings.Contains(r.Body, "2 of 2 rows have errors") {
		t.Errorf("again: %s", r.Body)
	}
}

// Permission matrix of the class-list pages: a student, another student, the
// subject's instructor, another instructor, an admin and an anonymous visitor.
func TestRosterPagesPermissions(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	clients := map[string]*apptest.Client{
		"stud": app.User("stud", "student"), "other": app.User("other", "student"),
		"teach": app.User("teach", "instructor"), "teach2": app.User("teach2", "instructor"),
		"root": app.User("root", "admin"), "anon": app.Client(),
	}
	teach, _ := app.State.DB.UserByUsername(context.Background(), "teach")
	s, err := app.State.Learn.CreateSubject(context.Background(), teach, learn.SubjectInput{Name: learn.Str("Computing"), Code: learn.Str("CS1")})
	if err != nil {
		t.Fatal(err)
	}
	base := learn.SubjectURL(s.Code)
	type want map[string]int
	cases := []struct {
		method, path string
		body         url.Values
		want         want
	}{
		{"GET", "/admin/import/", nil, want{"stud": 403, "other": 403, "teach": 403, "teach2": 403, "root": 200, "anon": 302}},
		{"POST", "/admin/import/", url.Values{"csv": {webClassList}}, want{"stud": 403, "other": 403, "teach": 403, "teach2": 403, "root": 200, "anon": 302}},
		{"POST", "/admin/import/confirm/", url.Values{"csv": {"username,email,first_name,last_name,user_type,birthdate\nnew1,new1@example.com,N,O,instructor,\n"}},
			want{"stud": 403, "other": 403, "teach": 403, "teach2": 403, "root": 200, "anon": 302}},
		{"GET", base + "enroll-list/", nil, want{"stud": 403, "other": 403, "teach": 200, "teach2": 403, "root": 200, "anon": 302}},
		{"POST", base + "enroll-list/", url.Values{"users": {"stud"}}, want{"stud": 403, "other": 403, "teach": 200, "teach2": 403, "root": 200, "anon": 302}},
		{"GET", "/home/subjects/NOPE/enroll-list/", nil, want{"stud": 404, "other": 404, "teach": 404, "teach2": 404, "root": 404, "anon": 302}},
	}
	for _, tc := range cases {
		for _, who := range []string{"stud", "other", "teach", "teach2", "root", "anon"} {
			var r *apptest.Response
			if tc.method == "GET" {
				r = clients[who].Get(tc.path)
			} else {
				r = clients[who].PostForm(tc.path, tc.body)
			}
			if r.StatusCode != tc.want[who] {
				t.Errorf("%s %s as %s: %d, want %d", tc.method, tc.path, who, r.StatusCode, tc.want[who])
			}
		}
	}
	if n, _ := app.State.DB.CountUsers(context.Background()); n != 6 {
		t.Errorf("%d users: only the admin's import may add one", n)
	}
}

func TestEnrollListPage(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	teach := app.User("teach", "instructor")
	app.Account("stud", "student")
	app.Account("other", "student")
	app.Account("prof2", "instructor")
	tu, _ := app.State.DB.UserByUsername(context.Background(), "teach")
	s, err := app.State.Learn.CreateSubject(context.Background(), tu, learn.SubjectInput{Name: learn.Str("Computing"), Code: learn.Str("CS1")})
	if err != nil {
		t.Fatal(err)
	}
	base := learn.SubjectURL(s.Code)
	if r := teach.Get(base); !strings.Contains(r.Body, base+"enroll-list/") {
		t.Error("the subject page does not link the enrollment list")
	}
	r := teach.PostForm(base+"enroll-list/", url.Values{"users": {"stud\r\nother@example.com, ghost\nprof2\nstud"}})
	for _, want := range []string{`data-entry="stud"`, `data-outcome="enrolled"`, `data-outcome="unknown"`, `data-outcome="not a student"`,
		"2 enrolled; the subject has 2 students."} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("no %q in %d %s", want, r.StatusCode, r.Body)
		}
	}
	r = teach.PostForm(base+"enroll-list/", url.Values{"users": {"stud"}})
	if !strings.Contains(r.Body, `data-outcome="already enrolled"`) {
		t.Errorf("again: %s", r.Body)
	}
	if r := teach.PostForm(base+"enroll-list/", url.Values{"users": {"  \n "}}); r.StatusCode != 200 || !strings.Contains(r.Body, "at least one") {
		t.Errorf("empty: %d", r.StatusCode)
	}
	if r := teach.PostForm(base+"enroll-list/", url.Values{"users": {manyNames(roster.MaxListLines + 1)}}); r.StatusCode != 413 {
		t.Errorf("too many: %d", r.StatusCode)
	}
}

func manyNames(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("user" + strconv.Itoa(i) + "\n")
	}
	return b.String()
}
