package web_test

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/store"
)

// A subject's page is assembled from kept parts and fragments (coursework.SubjectPage,
// web/subjectpage.go): these tests hold it to what a page computed afresh would show,
// after every kind of write that changes it, for every kind of viewer.

// subjectBody reads a subject page as a browser asks for it (gzip, decompressed here).
func subjectBody(t *testing.T, c *apptest.Client, code string) string {
	t.Helper()
	r := c.Do("GET", "/home/subjects/"+code+"/", nil, http.Header{"Accept-Encoding": {"gzip, deflate, br, zstd"}})
	if r.StatusCode == http.StatusNotFound {
		return "404"
	}
	if r.StatusCode != http.StatusOK {
		t.Fatalf("subject page %s: %d", code, r.StatusCode)
	}
	return gunzipBody(t, r)
}

func gunzipBody(t *testing.T, r *apptest.Response) string {
	t.Helper()
	if r.Header.Get("Content-Encoding") != "gzip" {
		return r.Body
	}
	zr, err := gzip.NewReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("the assembled gzip does not decompress: %v", err)
	}
	return string(b)
}

// mainPart is a page from its main content on, for failure messages.
func mainPart(page string) string {
	if i := strings.Index(page, `<div class="page page--narrow learn">`); i >= 0 {
		return page[i:]
	}
	return page
}

// studentsCount is the count the page's head shows.
func studentsCount(page string) string {
	m := regexp.MustCompile(`data-students-count="\d+">(\d+)<`).FindStringSubmatch(page)
	if m == nil {
		return "?"
	}
	return m[1]
}

type subjectWorld struct {
	app                    *apptest.App
	teach, stud, other     *apptest.Client
	root, prof             *apptest.Client
	subject                store.Subject
	teachUser, profUser    store.User
	base                   string // the page's path
	enrollURL, unenrollURL string
}

func newSubjectWorld(t *testing.T) *subjectWorld {
	t.Helper()
	app := apptest.StartRelaxed(t)
	w := &subjectWorld{app: app, teach: app.User("teach", "instructor"), stud: app.User("stud", "student"),
		other: app.User("other", "student"), root: app.User("root", "admin"), prof: app.User("prof", "instructor")}
	if r := subjectFormPost(w.teach, "/home/subjects/new/", "Computing", "CS1"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create subject: %d", r.StatusCode)
	}
	ctx := context.Background()
	var err error
	if w.subject, err = app.State.DB.SubjectByCode(ctx, "CS1"); err != nil {
		t.Fatal(err)
	}
	w.teachUser, _ = app.State.DB.UserByUsername(ctx, "teach")
	w.profUser, _ = app.State.DB.UserByUsername(ctx, "prof")
	w.base = "/home/subjects/CS1/"
	w.enrollURL = fmt.Sprintf("/home/subjects/%d/enroll/", w.subject.ID)
	w.unenrollURL = fmt.Sprintf("/home/subjects/%d/unenroll/", w.subject.ID)
	if r := w.stud.PostForm(w.enrollURL, nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("enroll: %d", r.StatusCode)
	}
	return w
}

func (w *subjectWorld) quizForm(title, active string) url.Values {
	return url.Values{"title": {title}, "time_limit_minutes": {"10"}, "passing_percent": {"60"}, "max_attempts": {"0"}, "is_active": {active}}
}

// TestCachedSubjectPageSeesEveryWrite: after each write that changes a subject's page,
// the next reading by the writer and by another viewer shows it (one process).
func TestCachedSubjectPageSeesEveryWrite(t *testing.T) {
	w := newSubjectWorld(t)
	ctx := context.Background()
	page := func(c *apptest.Client) string { return subjectBody(t, c, "CS1") }
	for _, c := range []*apptest.Client{w.teach, w.stud, w.other, w.root} {
		page(c) // every variant kept before the writes
	}
	// step writes as a, then reads as a and as b; check sees both pages.
	step := func(what string, a, b *apptest.Client, write func(), check func(pa, pb string) bool) {
		t.Helper()
		write()
		pa, pb := page(a), page(b)
		if !check(pa, pb) {
			t.Fatalf("after %s the subject page shows:\nwriter: %.3000s\nreader: %.3000s", what, mainPart(pa), mainPart(pb))
		}
	}
	has := strings.Contains
	step("a subject edit", w.teach, w.stud, func() {
		subjectFormPost(w.teach, w.base+"edit/", "Computing Two", "CS1", "description", "Now with pointers")
	}, func(a, b string) bool {
		return has(a, "<h1>Computing Two</h1>") && has(b, "<h1>Computing Two</h1>") && has(b, "Now with pointers")
	})
	var first, second string
	step("a material added", w.teach, w.stud, func() {
		first = materialID(t, materialPost(w.teach, w.base+"materials/new/", map[string]string{"type": "link", "title": "Go tour", "external_url": "https://go.dev/tour/", "is_active": "1"}, "", ""))
		second = materialID(t, materialPost(w.teach, w.base+"materials/new/", map[string]string{"type": "link", "title": "Effective Go", "external_url": "https://go.dev/doc/effective_go", "is_active": "1"}, "", ""))
	}, func(a, b string) bool {
		return has(a, "Go tour") && has(b, "Go tour") && has(b, "Effective Go")
	})
	step("a material edit", w.teach, w.stud, func() {
		materialPost(w.teach, "/home/materials/"+first+"/edit/", map[string]string{"type": "link", "title": "Tour of Go", "external_url": "https://go.dev/tour/", "is_active": "1"}, "", "")
	}, func(a, b string) bool { return has(a, "Tour of Go") && has(b, "Tour of Go") && !has(b, "Go tour") })
	step("a material moved", w.teach, w.stud, func() {
		w.teach.PostForm("/home/materials/"+second+"/move/", url.Values{"direction": {"up"}})
	}, func(a, b string) bool {
		return strings.Index(a, "Effective Go") < strings.Index(a, "Tour of Go") && strings.Index(b, "Effective Go") < strings.Index(b, "Tour of Go")
	})
	step("a material hidden", w.teach, w.stud, func() {
		materialPost(w.teach, "/home/materials/"+first+"/edit/", map[string]string{"type": "link", "title": "Tour of Go", "external_url": "https://go.dev/tour/"}, "", "")
	}, func(a, b string) bool {
		return has(a, "Tour of Go") && has(a, "Hidden from students") && !has(b, "Tour of Go")
	})
	step("a material deleted", w.teach, w.stud, func() {
		w.teach.PostForm("/home/materials/"+first+"/delete/", nil)
	}, func(a, b string) bool { return !has(a, "Tour of Go") && has(b, "Effective Go") })
	step("a student opening a material", w.stud, w.other, func() {
		w.stud.Get("/home/materials/" + second + "/")
	}, func(a, b string) bool {
		// Stud's "New" badge goes; the teacher's count of who opened it moves on.
		return !has(a, ">New<") && has(page(w.teach), "Opened by 1 person")
	})
	var essay string
	step("an assignment added", w.teach, w.stud, func() {
		essay = materialID(t, materialPost(w.teach, w.base+"materials/new/", map[string]string{"type": "assignment", "title": "Essay one", "is_active": "1"}, "", ""))
	}, func(a, b string) bool {
		return has(a, "coursework-item") && has(b, ">Essay one</a></h3>") && has(b, "Hand in")
	})
	step("an assignment edited", w.teach, w.stud, func() {
		materialPost(w.teach, "/home/materials/"+essay+"/edit/", map[string]string{"type": "assignment", "title": "Essay two", "is_active": "1"}, "", "")
	}, func(a, b string) bool {
		return has(a, ">Essay two</a></h3>") && has(b, ">Essay two</a></h3>") && !has(b, "Essay one")
	})
	step("an assignment deleted", w.teach, w.stud, func() {
		w.teach.PostForm("/home/materials/"+essay+"/delete/", nil)
	}, func(a, b string) bool { return !has(a, "Essay two") && !has(b, "Essay two") })
	var quizID string
	step("a quiz created unpublished", w.teach, w.stud, func() {
		r := w.teach.PostForm(w.base+"quizzes/", w.quizForm("Pointers quiz", ""))
		m := quizIDRE.FindStringSubmatch(r.Header.Get("Location"))
		if m == nil {
			t.Fatalf("create quiz: %d %s", r.StatusCode, r.Body)
		}
		quizID = m[1]
	}, func(a, b string) bool { return !has(a, "Pointers quiz") && !has(b, "Pointers quiz") })
	step("a quiz published", w.teach, w.stud, func() {
		w.teach.PostForm("/home/quizzes/"+quizID+"/edit/", w.quizForm("Pointers quiz", "1"))
	}, func(a, b string) bool { return has(a, "Pointers quiz") && has(b, "Pointers quiz") && has(b, ">Start<") })
	step("a quiz renamed", w.teach, w.stud, func() {
		w.teach.PostForm("/home/quizzes/"+quizID+"/edit/", w.quizForm("Slices quiz", "1"))
	}, func(a, b string) bool {
		return has(a, "Slices quiz") && has(b, "Slices quiz") && !has(b, "Pointers quiz")
	})
	step("a question added", w.teach, w.stud, func() {
		if r := w.teach.PostForm("/home/quizzes/"+quizID+"/questions/", url.Values{"kind": {"true_false"}, "text": {"Go is compiled"},
			"marks": {"4"}, "tf_correct": {"true"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("add question: %d", r.StatusCode)
		}
	}, func(a, b string) bool {
		// The quiz's total marks are kept with the subject: its columns must be reloaded.
		sp, err := w.app.State.Coursework.SubjectPage(ctx, w.teachUser, "CS1")
		return err == nil && len(sp.Overview.Columns) == 1 && sp.Overview.Columns[0].MaxMarks == 4
	})
	step("a quiz deleted", w.teach, w.stud, func() {
		w.teach.PostForm("/home/quizzes/"+quizID+"/delete/", nil)
	}, func(a, b string) bool { return !has(a, "Slices quiz") && !has(b, "Slices quiz") })
	step("an enrollment", w.other, w.teach, func() {
		w.other.PostForm(w.enrollURL, nil)
	}, func(a, b string) bool {
		return has(a, "Unenroll") && has(a, "Effective Go") && studentsCount(a) == "2" && studentsCount(b) == "2"
	})
	step("an unenrollment", w.other, w.teach, func() {
		w.other.PostForm(w.unenrollURL, nil)
	}, func(a, b string) bool {
		return !has(a, "Unenroll") && has(a, "Enrollment required") && studentsCount(a) == "1" && studentsCount(b) == "1"
	})
	step("an enrollment list", w.teach, w.other, func() {
		w.teach.PostForm(w.base+"enroll-list/", url.Values{"users": {"other"}})
	}, func(a, b string) bool { return studentsCount(a) == "2" && has(b, "Unenroll") && has(b, "Effective Go") })
	step("an import enrolling a new account", w.root, w.teach, func() {
		root, _ := w.app.State.DB.UserByUsername(ctx, "root")
		if _, err := w.app.State.Roster.Import(ctx, root, []byte("username,email,first_name,last_name,user_type,birthdate,subjects\n"+
			"ada,ada@example.com,Ada,Lovelace,student,2005-03-04,CS1\n")); err != nil {
			t.Fatal(err)
		}
	}, func(a, b string) bool { return studentsCount(a) == "3" && studentsCount(b) == "3" })
	step("a new name", w.teach, w.stud, func() {
		if r := w.teach.PostForm("/home/me/edit/", url.Values{"first_name": {"Grace"}, "last_name": {"Hopper"}, "email": {"teach@example.com"}}); r.StatusCode >= 400 {
			t.Fatalf("profile edit: %d", r.StatusCode)
		}
	}, func(a, b string) bool { return has(a, "Grace Hopper") && has(b, "Grace Hopper") })
	step("a new instructor", w.root, w.teach, func() {
		subjectFormPost(w.root, w.base+"edit/", "Computing Two", "CS1", "instructor", fmt.Sprint(w.profUser.ID))
	}, func(a, b string) bool {
		// The old instructor no longer manages it (it shows as to any visitor); the new one does.
		p := page(w.prof)
		return !has(a, "Grace Hopper") && !has(b, "Edit subject") && has(b, "Enrollment required") &&
			has(p, "Edit subject") && has(page(w.stud), "prof")
	})
	step("a new code", w.root, w.stud, func() {
		subjectFormPost(w.root, w.base+"edit/", "Computing Two", "CS2")
	}, func(a, b string) bool {
		return a == "404" && b == "404" && has(subjectBody(t, w.stud, "CS2"), "Computing Two")
	})
	w.base = "/home/subjects/CS2/"
	step("a deletion", w.root, w.stud, func() {
		w.root.PostForm(w.base+"delete/", nil)
	}, func(a, b string) bool {
		return subjectBody(t, w.root, "CS2") == "404" && subjectBody(t, w.stud, "CS2") == "404"
	})
}

// TestCachedSubjectPageVariantsStayWithTheirViewers: the subject's instructor, an
// enrolled student, another enrolled student in another state, a visitor not enrolled
// and an admin each get their own page, read twice (the second time from fragments).
func TestCachedSubjectPageVariantsStayWithTheirViewers(t *testing.T) {
	w := newSubjectWorld(t)
	second := w.app.User("second", "student")
	second.PostForm(w.enrollURL, nil)
	doc := materialID(t, materialPost(w.teach, w.base+"materials/new/", map[string]string{"type": "link", "title": "Reading list", "external_url": "https://go.dev/", "is_active": "1"}, "", ""))
	r := w.teach.PostForm(w.base+"quizzes/", w.quizForm("Warm-up quiz", "1"))
	quizID := quizIDRE.FindStringSubmatch(r.Header.Get("Location"))[1]
	w.teach.PostForm("/home/quizzes/"+quizID+"/questions/", url.Values{"kind": {"true_false"}, "text": {"Go is compiled"}, "marks": {"1"}, "tf_correct": {"true"}})
	w.stud.Get("/home/materials/" + doc + "/")              // stud opened it; second did not
	w.stud.PostForm("/home/quizzes/"+quizID+"/start/", nil) // stud has an attempt in progress
	has := strings.Contains
	for round := range 2 {
		teach, stud, sec, other, root := subjectBody(t, w.teach, "CS1"), subjectBody(t, w.stud, "CS1"), subjectBody(t, second, "CS1"),
			subjectBody(t, w.other, "CS1"), subjectBody(t, w.root, "CS1")
		fail := func(what string) { t.Helper(); t.Fatalf("round %d: %s", round, what) }
		if !has(teach, "Edit subject") || !has(root, "Edit subject") || has(stud, "Edit subject") || has(sec, "Edit subject") || has(other, "Edit subject") {
			fail("Edit subject is for the instructor and admins only")
		}
		if !has(teach, "Opened by 1 person") || has(stud, "Opened by") || has(other, "Opened by") {
			fail("the class's figures are for managers only")
		}
		if !has(stud, "Unenroll") || !has(sec, "Unenroll") || has(other, "Unenroll") || has(teach, "Unenroll") {
			fail("Unenroll is for the enrolled")
		}
		if !has(other, "Enrollment required") || has(other, "Reading list") || has(other, "Warm-up quiz") || !has(other, "data-enroll-btn") {
			fail("a visitor not enrolled sees the materials or no Enroll button")
		}
		if has(stud, ">New<") || !has(sec, ">New<") {
			fail("a student's opened materials leaked to another")
		}
		if !has(stud, ">Continue<") || has(sec, ">Continue<") || !has(sec, ">Start<") || !has(stud, "In progress") || has(sec, "In progress") {
			fail("a student's quiz status leaked to another")
		}
		if !has(teach, "1 done") && !has(teach, "0 done") || has(stud, " done<") {
			fail("the coursework figures are for managers only")
		}
	}
	// Every way of asking gets the same page: gzip assembled from fragments, plain, HEAD.
	plain := w.stud.Do("GET", "/home/subjects/CS1/", nil, http.Header{"Accept-Encoding": {"identity"}})
	if plain.Header.Get("Content-Encoding") != "" || plain.Body != subjectBody(t, w.stud, "CS1") {
		t.Fatal("the gzip and plain subject pages differ")
	}
	head := w.stud.Do("HEAD", "/home/subjects/CS1/", nil, http.Header{"Accept-Encoding": {"gzip"}})
	if head.StatusCode != 200 || head.Body != "" || head.Header.Get("Content-Length") == "" {
		t.Fatalf("HEAD: %d %q", head.StatusCode, head.Body)
	}
	etag := plain.Header.Get("ETag")
	if r := w.stud.Do("GET", "/home/subjects/CS1/", nil, http.Header{"If-None-Match": {etag}}); r.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d", r.StatusCode)
	}
	if r := second.Do("GET", "/home/subjects/CS1/", nil, http.Header{"If-None-Match": {etag}}); r.StatusCode != http.StatusOK {
		t.Fatalf("another viewer's ETag matched: %d", r.StatusCode)
	}
}

// TestSubjectPageQueries: a kept subject page runs at most two statements for a
// student (their attempts and hand-ins), four for its instructor (the class's figures),
// none for a visitor — whatever the number of materials.
func TestSubjectPageQueries(t *testing.T) {
	w := newSubjectWorld(t)
	w.other.Get("/home/subjects/CS1/")
	r := w.teach.PostForm(w.base+"quizzes/", w.quizForm("Quiz", "1"))
	if quizIDRE.FindStringSubmatch(r.Header.Get("Location")) == nil {
		t.Fatalf("quiz: %d", r.StatusCode)
	}
	materialPost(w.teach, w.base+"materials/new/", map[string]string{"type": "assignment", "title": "Essay", "is_active": "1"}, "", "")
	measure := func(c *apptest.Client) int {
		cookie := ""
		for _, ck := range c.Jar.Cookies(mustURL(t, w.app.URL)) {
			cookie = ck.Name + "=" + ck.Value
		}
		ctx, qc := store.WithQueryCounter(context.Background())
		req := httptest.NewRequestWithContext(ctx, "GET", "/home/subjects/CS1/", nil)
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		w.app.Server.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("subject page: %d", rec.Code)
		}
		return qc.Count()
	}
	addMaterials := func(n int) {
		for i := range n {
			materialPost(w.teach, w.base+"materials/new/", map[string]string{"type": "link", "title": fmt.Sprint("Link ", i), "external_url": "https://go.dev/", "is_active": "1"}, "", "")
		}
	}
	counts := func() (stud, teach, other int) {
		// The first readings after the writes load the kept parts, and take the writer's
		// flash messages (a session write, then a session read on the next request).
		for range 2 {
			measure(w.stud)
			measure(w.teach)
			measure(w.other)
		}
		return measure(w.stud), measure(w.teach), measure(w.other)
	}
	addMaterials(3)
	s1, t1, o1 := counts()
	addMaterials(20)
	s2, t2, o2 := counts()
	if s1 != s2 || t1 != t2 || o1 != o2 || s2 > 2 || t2 > 4 || o2 > 0 {
		t.Errorf("kept subject page statements: student %d then %d, instructor %d then %d, visitor %d then %d", s1, s2, t1, t2, o1, o2)
	}
	t.Logf("a kept subject page: %d statements for a student, %d for its instructor, %d for a visitor", s2, t2, o2)
}
