package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/store"
)

const (
	learnPDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
	learnMP4 = "\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
)

// subjectForm posts the subject form (no JS).
func subjectFormPost(c *apptest.Client, path, name, code string, extra ...string) *apptest.Response {
	v := url.Values{"name": {name}, "code": {code}, "description": {"About " + name}, "icon": {"science"}, "is_active": {"1"}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return c.PostForm(path, v)
}

// materialPost posts the material form as a browser does: multipart, the file last.
func materialPost(c *apptest.Client, path string, fields map[string]string, fileName, data string) *apptest.Response {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, k := range []string{"type", "title", "description", "external_url", "due_at", "is_active", "remove_file"} {
		if v, ok := fields[k]; ok {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", fileName) // an empty part when no file is chosen
	fw.Write([]byte(data))
	mw.Close()
	return c.Do("POST", path, &b, http.Header{"Content-Type": {mw.FormDataContentType()}})
}

var materialIDRE = regexp.MustCompile(`#material-(\d+)`)

func materialID(t *testing.T, r *apptest.Response) string {
	t.Helper()
	m := materialIDRE.FindStringSubmatch(r.Header.Get("Location"))
	if r.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("material not created: %d %s %s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	return m[1]
}

type learnSite struct {
	app                         *apptest.App
	clients                     map[string]*apptest.Client
	sid, s2id, iid              int64
	doc, link, hidden, inactive string // material ids
	docFile, inactiveFile       string // file URLs
}

var learnWho = []string{"anon", "stud", "other", "teach", "teach2", "admin"}

func newLearnSite(t *testing.T) *learnSite {
	t.Helper()
	app := apptest.StartRelaxed(t)
	s := &learnSite{app: app, clients: map[string]*apptest.Client{"anon": app.Client()}}
	for _, u := range []struct{ name, role string }{{"stud", "student"}, {"other", "student"}, {"teach", "instructor"},
		{"teach2", "instructor"}, {"admin", "admin"}} {
		s.clients[u.name] = app.User(u.name, u.role)
	}
	teach := s.clients["teach"]
	for _, code := range []string{"CS101", "CS102", "OLD1"} {
		if r := subjectFormPost(teach, "/home/subjects/new/", "Subject "+code, code); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("create %s: %d %s", code, r.StatusCode, r.Body)
		}
	}
	subjectFormPost(s.clients["teach2"], "/home/subjects/new/", "Biology", "BIO1")
	ctx := context.Background()
	for code, dst := range map[string]*int64{"CS101": &s.sid, "CS102": &s.s2id, "OLD1": &s.iid} {
		subj, err := app.State.DB.SubjectByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		*dst = subj.ID
	}
	s.doc = materialID(t, materialPost(teach, "/home/subjects/CS101/materials/new/", map[string]string{"type": "document", "title": "Syllabus", "is_active": "1"}, "syllabus.pdf", learnPDF))
	s.link = materialID(t, materialPost(teach, "/home/subjects/CS101/materials/new/", map[string]string{"type": "link", "title": "Go docs", "external_url": "https://go.dev/doc/", "is_active": "1"}, "", ""))
	s.hidden = materialID(t, materialPost(teach, "/home/subjects/CS101/materials/new/", map[string]string{"type": "link", "title": "Draft", "external_url": "https://example.com/"}, "", ""))
	s.inactive = materialID(t, materialPost(teach, "/home/subjects/OLD1/materials/new/", map[string]string{"type": "document", "title": "Old", "is_active": "1"}, "old.pdf", learnPDF))
	subjectFormPost(teach, "/home/subjects/OLD1/edit/", "Subject OLD1", "OLD1", "is_active", "")
	s.docFile = s.fileURL(t, s.doc)
	s.inactiveFile = s.fileURL(t, s.inactive)
	if r := s.clients["stud"].PostForm(fmt.Sprintf("/home/subjects/%d/enroll/", s.sid), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("enroll: %d", r.StatusCode)
	}
	return s
}

func (s *learnSite) fileURL(t *testing.T, id string) string {
	t.Helper()
	var n int64
	fmt.Sscan(id, &n)
	m, err := s.app.State.DB.MaterialByID(context.Background(), n)
	if err != nil || m.File == nil {
		t.Fatalf("material %s: %v", id, err)
	}
	return "/media/material/" + id + "/" + filepath.Base(m.File.Path)
}

// TestLearnPagesPermissionMatrix checks every learn page, form and file URL for every
// kind of visitor (anonymous, student enrolled / not enrolled, the subject's
// instructor, another instructor, an admin).
func TestLearnPagesPermissionMatrix(t *testing.T) {
	t.Parallel()
	s := newLearnSite(t)
	id := func(n int64) string { return fmt.Sprint(n) }
	type row struct {
		method string
		path   string
		form   func(who string) url.Values
		want   [6]int // anon, stud, other, teach, teach2, admin
	}
	none := func(string) url.Values { return url.Values{} }
	// Throwaway materials for the callers allowed to delete one.
	throwaway := map[string]string{}
	for _, who := range []string{"teach", "admin"} {
		throwaway[who] = materialID(t, materialPost(s.clients["teach"], "/home/subjects/CS102/materials/new/",
			map[string]string{"type": "link", "title": "tmp", "external_url": "https://example.com/"}, "", ""))
	}
	rows := []row{
		{"GET", "/home/subjects/", nil, [6]int{302, 200, 200, 200, 200, 200}},
		{"GET", "/home/subjects/my/", nil, [6]int{302, 200, 200, 200, 200, 200}},
		{"GET", "/home/subjects/?page=2", nil, [6]int{302, 302, 302, 302, 302, 302}}, // past the last page
		{"GET", "/home/subjects/new/", nil, [6]int{302, 403, 403, 200, 200, 200}},
		{"GET", "/home/subjects/CS101/", nil, [6]int{302, 200, 200, 200, 200, 200}},
		{"GET", "/home/subjects/cs101/", nil, [6]int{302, 200, 200, 200, 200, 200}},
		{"GET", "/home/subjects/OLD1/", nil, [6]int{302, 404, 404, 200, 404, 200}},
		{"GET", "/home/subjects/NOPE/", nil, [6]int{302, 404, 404, 404, 404, 404}},
		{"GET", "/home/subjects/CS101/edit/", nil, [6]int{302, 403, 403, 200, 403, 200}},
		{"GET", "/home/subjects/OLD1/edit/", nil, [6]int{302, 404, 404, 200, 404, 200}},
		{"GET", "/home/subjects/CS101/materials/new/", nil, [6]int{302, 403, 403, 200, 403, 200}},
		{"GET", "/home/materials/" + s.doc + "/", nil, [6]int{302, 200, 403, 200, 403, 200}},
		{"GET", "/home/materials/" + s.hidden + "/", nil, [6]int{302, 404, 404, 200, 404, 200}},
		{"GET", "/home/materials/" + s.inactive + "/", nil, [6]int{302, 404, 404, 200, 404, 200}},
		{"GET", "/home/materials/999999/", nil, [6]int{302, 404, 404, 404, 404, 404}},
		{"GET", "/home/materials/" + s.link + "/open/", nil, [6]int{302, 303, 403, 303, 403, 303}},
		{"GET", "/home/materials/" + s.doc + "/edit/", nil, [6]int{302, 403, 403, 200, 403, 200}},
		{"GET", s.docFile, nil, [6]int{302, 200, 403, 200, 403, 200}},
		{"HEAD", s.docFile, nil, [6]int{302, 200, 403, 200, 403, 200}},
		{"GET", s.inactiveFile, nil, [6]int{302, 404, 404, 200, 404, 200}},
		{"GET", s.docFile + "x", nil, [6]int{302, 404, 403, 404, 403, 404}},
		{"GET", "/media/material/" + s.link + "/x.pdf", nil, [6]int{302, 404, 403, 404, 403, 404}},
		{"POST", "/home/subjects/new/", func(who string) url.Values {
			return url.Values{"name": {"By " + who}, "code": {"BY-" + who}, "is_active": {"1"}}
		}, [6]int{302, 403, 403, 303, 303, 303}},
		{"POST", "/home/subjects/CS101/edit/", func(string) url.Values {
			return url.Values{"name": {"Programming"}, "code": {"CS101"}, "icon": {"code"}, "is_active": {"1"}}
		}, [6]int{302, 403, 403, 303, 403, 303}},
		{"POST", "/home/subjects/OLD1/edit/", func(string) url.Values {
			return url.Values{"name": {"Old"}, "code": {"OLD1"}}
		}, [6]int{302, 404, 404, 303, 404, 303}},
		{"POST", "/home/subjects/CS102/delete/", none, [6]int{302, 403, 403, 0, 403, 0}},
		{"POST", "/home/subjects/" + id(s.s2id) + "/enroll/", none, [6]int{302, 303, 303, 303, 303, 303}},
		{"POST", "/home/subjects/" + id(s.s2id) + "/unenroll/", none, [6]int{302, 303, 303, 303, 303, 303}},
		{"POST", "/home/subjects/" + id(s.iid) + "/enroll/", none, [6]int{302, 404, 404, 303, 404, 303}},
		{"POST", "/home/subjects/999999/enroll/", none, [6]int{302, 404, 404, 404, 404, 404}},
		{"POST", "/home/subjects/CS101/materials/new/", func(who string) url.Values {
			return url.Values{"type": {"link"}, "title": {"by " + who}, "external_url": {"https://example.org/"}, "is_active": {"1"}}
		}, [6]int{302, 403, 403, 303, 403, 303}},
		{"POST", "/home/materials/" + s.link + "/move/", func(string) url.Values { return url.Values{"direction": {"up"}} },
			[6]int{302, 403, 403, 303, 403, 303}},
		{"POST", "/home/materials/" + s.link + "/edit/", func(string) url.Values {
			return url.Values{"type": {"link"}, "title": {"Go docs"}, "external_url": {"https://go.dev/doc/"}, "is_active": {"1"}}
		}, [6]int{302, 403, 403, 303, 403, 303}},
		{"POST", "/home/materials/" + s.hidden + "/edit/", func(string) url.Values {
			return url.Values{"type": {"link"}, "title": {"Draft"}, "external_url": {"https://example.com/"}}
		}, [6]int{302, 404, 404, 303, 404, 303}},
	}
	for _, rw := range rows {
		for i, who := range learnWho {
			want := rw.want[i]
			if want == 0 {
				continue
			}
			c := s.clients[who]
			var r *apptest.Response
			if rw.method == "POST" {
				r = c.PostForm(rw.path, rw.form(who))
			} else {
				r = c.Do(rw.method, rw.path, nil, nil)
			}
			if r.StatusCode != want {
				t.Errorf("%s %s as %s: %d, want %d", rw.method, rw.path, who, r.StatusCode, want)
			}
		}
	}
	// Deleting: forbidden above for others, allowed for the instructor and an admin.
	for _, who := range []string{"stud", "other", "teach2"} {
		if r := s.clients[who].PostForm("/home/materials/"+throwaway["teach"]+"/delete/", nil); r.StatusCode != 403 {
			t.Errorf("delete material as %s: %d", who, r.StatusCode)
		}
	}
	for _, who := range []string{"teach", "admin"} {
		if r := s.clients[who].PostForm("/home/materials/"+throwaway[who]+"/delete/", nil); r.StatusCode != 303 {
			t.Errorf("delete material as %s: %d", who, r.StatusCode)
		}
		code := "DEL-" + who
		subjectFormPost(s.clients["teach"], "/home/subjects/new/", "Doomed", code)
		if r := s.clients[who].PostForm("/home/subjects/"+code+"/delete/", nil); r.StatusCode != 303 {
			t.Errorf("delete subject as %s: %d", who, r.StatusCode)
		}
	}
	// The subject page shows the materials only to those who may see them, and the
	// hidden one only to its managers.
	for _, tc := range []struct {
		who            string
		docs, hidden   bool
		enroll, manage bool
	}{
		{"stud", true, false, false, false},
		{"other", false, false, true, false},
		{"teach", true, true, false, true},
		{"teach2", false, false, true, false},
		{"admin", true, true, true, true}, // admins may enroll like anyone
	} {
		body := s.clients[tc.who].Get("/home/subjects/CS101/").Body
		has := func(sub string) bool { return strings.Contains(body, sub) }
		if has("Syllabus") != tc.docs || has(s.docFile) != tc.docs || has("Enrollment required") == tc.docs {
			t.Errorf("%s: materials shown %v, want %v", tc.who, has("Syllabus"), tc.docs)
		}
		if has(">Draft<") != tc.hidden {
			t.Errorf("%s: hidden material shown %v", tc.who, has(">Draft<"))
		}
		if has("/enroll/") != tc.enroll || has("/home/subjects/CS101/edit/") != tc.manage {
			t.Errorf("%s: enroll form %v, edit link %v", tc.who, has("/enroll/"), has("/home/subjects/CS101/edit/"))
		}
	}
	// The inactive subject is listed for its instructor and admins only.
	for who, want := range map[string]bool{"stud": false, "other": false, "teach": true, "teach2": false, "admin": true} {
		if got := strings.Contains(s.clients[who].Get("/home/subjects/").Body, `class="subject-code">OLD1<`); got != want {
			t.Errorf("%s sees the inactive subject in the list: %v", who, got)
		}
	}
}

// TestLearnFilesAndViews: a student's download is the exact file, named, as an
// attachment, with range requests; it counts as a view, like the material page.
func TestLearnFilesAndViews(t *testing.T) {
	t.Parallel()
	s := newLearnSite(t)
	stud := s.clients["stud"]
	r := stud.Get(s.docFile)
	if r.Body != learnPDF || r.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(r.Header.Get("Content-Disposition"), "syllabus.pdf") {
		t.Errorf("download: %q %q %q", r.Body, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
	}
	part := stud.Do("GET", s.docFile, nil, http.Header{"Range": {"bytes=5-7"}})
	if part.StatusCode != http.StatusPartialContent || part.Body != learnPDF[5:8] {
		t.Errorf("range: %d %q", part.StatusCode, part.Body)
	}
	stud.Get("/home/materials/" + s.doc + "/")
	u, _ := s.app.State.DB.UserByUsername(context.Background(), "stud")
	views, _ := s.app.State.DB.MaterialViewsOf(context.Background(), s.sid, u.ID)
	var docID int64
	fmt.Sscan(s.doc, &docID)
	if v := views[docID]; v.Count != 2 { // the download and the page; the range request is a continuation
		t.Errorf("views of the document: %+v", views)
	}
	// The instructor's own visits are not counted; the page tells who opened what.
	s.clients["teach"].Get(s.docFile)
	if viewers, _ := s.app.State.DB.MaterialViewers(context.Background(), s.sid); viewers[docID] != 1 {
		t.Errorf("viewers: %v", viewers)
	}
	if !strings.Contains(s.clients["teach"].Get("/home/subjects/CS101/").Body, "Opened by 1 person") {
		t.Error("the instructor does not see who opened the document")
	}
	// Leaving the subject closes the file at once (no cached copy is served).
	stud.PostForm(fmt.Sprintf("/home/subjects/%d/unenroll/", s.sid), nil)
	if r := stud.Get(s.docFile); r.StatusCode != 403 {
		t.Errorf("file after unenrolling: %d", r.StatusCode)
	}
	// A video plays in place: inline, with ranges.
	teach := s.clients["teach"]
	vid := materialID(t, materialPost(teach, "/home/subjects/CS101/materials/new/", map[string]string{"type": "video", "title": "Lecture 1", "is_active": "1"}, "lecture.mp4", learnMP4+strings.Repeat("\x00", 4000)))
	vurl := s.fileURL(t, vid)
	r = teach.Do("GET", vurl, nil, http.Header{"Range": {"bytes=0-99"}})
	if r.StatusCode != 206 || r.Header.Get("Content-Type") != "video/mp4" || r.Header.Get("Content-Disposition") != "" || len(r.Body) != 100 {
		t.Errorf("video range: %d %q %q %d", r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"), len(r.Body))
	}
	if page := teach.Get("/home/materials/" + vid + "/"); !strings.Contains(page.Body, `<video src="`+vurl+`"`) {
		t.Error("the material page does not play the video")
	}
	// A link opens through a redirect that records the view.
	s.clients["stud"].PostForm(fmt.Sprintf("/home/subjects/%d/enroll/", s.sid), nil)
	if r := stud.Get("/home/materials/" + s.link + "/open/"); r.StatusCode != 303 || r.Header.Get("Location") != "https://go.dev/doc/" {
		t.Errorf("open link: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
}

// TestLearnFormsBadInput: refused subjects and materials say why, next to the field,
// and leave nothing behind — no row, no file.
func TestLearnFormsBadInput(t *testing.T) {
	t.Parallel()
	s := newLearnSite(t)
	teach := s.clients["teach"]
	ctx := context.Background()
	nSubjects := func() int {
		n, _ := s.app.State.DB.CountSubjects(ctx, store.SubjectQuery{All: true})
		return n
	}
	before := nSubjects()
	for _, tc := range []struct{ name, code, msg string }{
		{"Dup", "cs101", "already exists"},
		{"Spaces", "CS 101", "letters, digits"},
		{"Slash", "a/b", "letters, digits"},
		{"Unicode", "ÄRGER", "letters, digits"},
		{"Long", strings.Repeat("X", 21), "letters, digits"},
		{"", "EMPTY1", "may not be blank"},
		{"\x00Name", "NUL1", "control character U+0000"},
		{"Name", "\x00NUL2", "control character U+0000"},
	} {
		r := subjectFormPost(teach, "/home/subjects/new/", tc.name, tc.code)
		if r.StatusCode != 200 || !strings.Contains(r.Body, tc.msg) || !strings.Contains(r.Body, `aria-invalid="true"`) {
			t.Errorf("subject %q/%q: %d, message %q missing", tc.name, tc.code, r.StatusCode, tc.msg)
		}
	}
	if r := subjectFormPost(teach, "/home/subjects/new/", "Icon", "ICON1", "icon", "rocket"); !strings.Contains(r.Body, "offered icons") {
		t.Errorf("bad icon accepted: %d", r.StatusCode)
	}
	if n := nSubjects(); n != before {
		t.Errorf("refused subjects were stored: %d → %d", before, n)
	}
	// Pages answer HTML whoever asks (scripts use the API): the form again.
	h := http.Header{"Accept": {"application/json"}, "Content-Type": {"application/x-www-form-urlencoded"}}
	if r := teach.Do("POST", "/home/subjects/new/", strings.NewReader("name=x&code=CS101"), h); r.StatusCode != 200 ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(r.Body, "already exists") {
		t.Errorf("JSON duplicate: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}

	files := func() int {
		entries, _ := os.ReadDir(filepath.Join(s.app.Config.MediaDir(), "materials"))
		return len(entries)
	}
	mats := func() int {
		list, _ := s.app.State.DB.MaterialsOfSubject(ctx, s.sid, true)
		return len(list)
	}
	fBefore, mBefore := files(), mats()
	for _, tc := range []struct {
		name   string
		fields map[string]string
		file   string
		data   string
		status int
		msg    string
	}{
		{"exe named pdf", map[string]string{"type": "document", "title": "x"}, "a.pdf", "MZ\x90\x00\x03", 200, "not accepted"},
		{"html named md", map[string]string{"type": "document", "title": "x"}, "a.md", "<script>\x00</script>", 200, "not accepted"},
		{"oversize", map[string]string{"type": "document", "title": "x"}, "big.pdf", "%PDF-" + strings.Repeat("x", 25<<20), 413, "at most 25 MB"},
		{"document without file", map[string]string{"type": "document", "title": "x"}, "", "", 200, "Upload the document"},
		{"bad due", map[string]string{"type": "assignment", "title": "x", "due_at": "31/12/2027"}, "", "", 200, "valid date"},
		{"past due", map[string]string{"type": "assignment", "title": "x", "due_at": "2025-01-01T09:00"}, "", "", 200, "in the past"},
		{"due on a link", map[string]string{"type": "link", "title": "x", "external_url": "https://a.example/", "due_at": "2027-01-01T09:00"}, "", "", 200, "Only assignments"},
		{"bad url", map[string]string{"type": "link", "title": "x", "external_url": "ftp://files.example/"}, "", "", 200, "http://"},
		{"good file, no title", map[string]string{"type": "document", "title": ""}, "a.pdf", learnPDF, 200, "may not be blank"},
	} {
		r := materialPost(teach, "/home/subjects/CS101/materials/new/", tc.fields, tc.file, tc.data)
		if r.StatusCode != tc.status || !strings.Contains(r.Body, tc.msg) {
			t.Errorf("%s: %d, message %q missing", tc.name, r.StatusCode, tc.msg)
		}
	}
	if f, m := files(), mats(); f != fBefore || m != mBefore {
		t.Errorf("refused materials left files %d → %d, rows %d → %d", fBefore, f, mBefore, m)
	}
	// Editing: replacing the file removes the old one; a failed edit keeps everything.
	old := s.fileURL(t, s.doc)
	if r := materialPost(teach, "/home/materials/"+s.doc+"/edit/", map[string]string{"type": "document", "title": "Syllabus v2", "is_active": "1"}, "v2.pdf", learnPDF+"%v2"); r.StatusCode != 303 {
		t.Fatalf("replace file: %d %s", r.StatusCode, r.Body)
	}
	if nu := s.fileURL(t, s.doc); nu == old || files() != fBefore {
		t.Errorf("replacing the file: %s → %s, %d files (want %d)", old, nu, files(), fBefore)
	}
	if r := materialPost(teach, "/home/materials/"+s.doc+"/edit/", map[string]string{"type": "document", "title": "", "is_active": "1"}, "v3.pdf", learnPDF); r.StatusCode != 200 || files() != fBefore {
		t.Errorf("failed edit: %d, %d files", r.StatusCode, files())
	}
}

// TestLearnEnrollmentByForms: enroll, unenroll and re-enroll without JS, the count on
// the page in step, and the instructor notified once, with a link that works.
func TestLearnEnrollmentByForms(t *testing.T) {
	t.Parallel()
	s := newLearnSite(t)
	other := s.clients["other"]
	path := fmt.Sprintf("/home/subjects/%d/", s.sid)
	count := func() string {
		m := regexp.MustCompile(`data-students-count="\d+">(\d+)<`).FindStringSubmatch(other.Get("/home/subjects/CS101/").Body)
		if m == nil {
			t.Fatal("no student count on the page")
		}
		return m[1]
	}
	if c := count(); c != "1" {
		t.Errorf("count before: %s", c)
	}
	for i, step := range []struct{ verb, flash, count string }{
		{"enroll", "You are enrolled", "2"},
		{"enroll", "already enrolled", "2"},
		{"unenroll", "You left", "1"},
		{"unenroll", "not enrolled", "1"},
		{"enroll", "Welcome back", "2"},
	} {
		r := other.PostForm(path+step.verb+"/", nil)
		if r.StatusCode != 303 || r.Header.Get("Location") != "/home/subjects/CS101/" {
			t.Fatalf("step %d %s: %d %s", i, step.verb, r.StatusCode, r.Header.Get("Location"))
		}
		page := other.Get("/home/subjects/CS101/").Body
		if !strings.Contains(page, step.flash) {
			t.Errorf("step %d %s: flash %q missing", i, step.verb, step.flash)
		}
		if c := count(); c != step.count {
			t.Errorf("step %d %s: count %s, want %s", i, step.verb, c, step.count)
		}
	}
	if !strings.Contains(other.Get("/home/subjects/my/").Body, "Subject CS101") {
		t.Error("my subjects lacks the enrolled subject")
	}
	notes := s.clients["teach"].Get("/home/notifications/").Body
	if n := strings.Count(notes, "Other Tester enrolled in Subject CS101"); n != 1 {
		t.Errorf("%d enrollment notifications for other, want 1", n)
	}
	if !strings.Contains(notes, `href="/home/subjects/CS101/"`) {
		t.Error("the notification does not link to the subject")
	}
	// The instructor cannot enroll in their own subject; a closed subject takes nobody.
	r := s.clients["teach"].PostForm(path+"enroll/", nil)
	if r.StatusCode != 303 || !strings.Contains(s.clients["teach"].Get("/home/subjects/CS101/").Body, "You teach this subject") {
		t.Errorf("own subject: %d", r.StatusCode)
	}
	r = s.clients["admin"].PostForm(fmt.Sprintf("/home/subjects/%d/enroll/", s.iid), nil)
	if r.StatusCode != 303 || r.Header.Get("Location") != "/home/subjects/OLD1/" ||
		!strings.Contains(s.clients["admin"].Get("/home/subjects/OLD1/").Body, "not open for enrollment") {
		t.Errorf("closed subject: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
}

// TestLearnReservedCodes: subjects whose codes are "my" and "new" have pages, while
// /home/subjects/my/ and /new/ stay the list and the form.
func TestLearnReservedCodes(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	teach := app.User("teach", "instructor")
	for _, code := range []string{"my", "new", "New"} {
		r := subjectFormPost(teach, "/home/subjects/new/", "Subject "+code, code)
		if code == "New" {
			if r.StatusCode != 200 || !strings.Contains(r.Body, "already exists") {
				t.Errorf("New after new: %d", r.StatusCode)
			}
			continue
		}
		if r.StatusCode != 303 || r.Header.Get("Location") != "/home/subjects/~"+code+"/" {
			t.Fatalf("create %s: %d %s", code, r.StatusCode, r.Header.Get("Location"))
		}
		page := teach.Get("/home/subjects/~" + code + "/")
		if page.StatusCode != 200 || !strings.Contains(page.Body, "<h1>Subject "+code+"</h1>") {
			t.Errorf("page of %s: %d", code, page.StatusCode)
		}
		if r := teach.Get("/home/subjects/~" + code + "/edit/"); r.StatusCode != 200 {
			t.Errorf("edit page of %s: %d", code, r.StatusCode)
		}
		if r := materialPost(teach, "/home/subjects/~"+code+"/materials/new/", map[string]string{"type": "link", "title": "L", "external_url": "https://a.example/", "is_active": "1"}, "", ""); r.StatusCode != 303 {
			t.Errorf("material of %s: %d", code, r.StatusCode)
		}
	}
	if r := teach.Get("/home/subjects/my/"); r.StatusCode != 200 || !strings.Contains(r.Body, "My subjects") || !strings.Contains(r.Body, `href="/home/subjects/~my/"`) {
		t.Errorf("my subjects page: %d", r.StatusCode)
	}
	if r := teach.Get("/home/subjects/new/"); r.StatusCode != 200 || !strings.Contains(r.Body, "Create subject") {
		t.Errorf("new subject form: %d", r.StatusCode)
	}
}

// TestSubjectsPageQueriesBounded serves /home/subjects/ with 3 and with 20 subjects
// and counts the statements of the whole request: they must not grow with the page.
func TestSubjectsPageQueriesBounded(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	teach := app.User("teach", "instructor")
	stud := app.User("stud", "student")
	cookie := ""
	for _, ck := range stud.Jar.Cookies(mustURL(t, app.URL)) {
		cookie = ck.Name + "=" + ck.Value
	}
	measure := func(path string) int {
		ctx, qc := store.WithQueryCounter(context.Background())
		req := httptest.NewRequestWithContext(ctx, "GET", path, nil)
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		app.Server.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		return qc.Count()
	}
	mk := func(from, to int) {
		for i := from; i < to; i++ {
			code := fmt.Sprintf("S%02d", i)
			subjectFormPost(teach, "/home/subjects/new/", "Subject "+code, code)
			s, _ := app.State.DB.SubjectByCode(context.Background(), code)
			if i%2 == 0 {
				stud.PostForm(fmt.Sprintf("/home/subjects/%d/enroll/", s.ID), nil)
			}
			materialPost(teach, "/home/subjects/"+code+"/materials/new/", map[string]string{"type": "link", "title": "L", "external_url": "https://a.example/", "is_active": "1"}, "", "")
		}
	}
	mk(0, 3)
	measure("/home/subjects/")
	measure("/home/subjects/S00/") // the subject page is kept after its first reading (TestSubjectPageQueries)
	few, fewMine, fewPage := measure("/home/subjects/"), measure("/home/subjects/my/"), measure("/home/subjects/S00/")
	mk(3, 20)
	measure("/home/subjects/")
	measure("/home/subjects/S00/")
	many, manyMine, manyPage := measure("/home/subjects/"), measure("/home/subjects/my/"), measure("/home/subjects/S00/")
	if few != many || many > 8 || fewMine != manyMine || fewPage != manyPage {
		t.Errorf("/home/subjects/: %d then %d statements; my: %d then %d; subject page %d then %d",
			few, many, fewMine, manyMine, fewPage, manyPage)
	}
	t.Logf("/home/subjects/: %d statements; /my/: %d; a subject page: %d", many, manyMine, manyPage)
}

// TestOverdueMaterialIsNotNew: an unopened assignment is badged "New" until its due
// date passes; then the red due badge, saying "Overdue", alone says what matters.
func TestOverdueMaterialIsNotNew(t *testing.T) {
	t.Parallel()
	s := newLearnSite(t)
	due := s.app.Clock.Now().Add(2 * time.Hour).UTC().Format("2006-01-02T15:04")
	id := materialID(t, materialPost(s.clients["teach"], "/home/subjects/CS101/materials/new/",
		map[string]string{"type": "assignment", "title": "Essay", "due_at": due, "is_active": "1"}, "", ""))
	item := func() string {
		t.Helper()
		body := s.clients["stud"].Get("/home/subjects/CS101/").Body
		i := strings.Index(body, `id="material-`+id+`"`)
		if i < 0 {
			t.Fatalf("material %s is not on the subject page", id)
		}
		body = body[i:]
		if j := strings.Index(body, "</li>"); j > 0 {
			body = body[:j]
		}
		return body
	}
	if got := item(); !strings.Contains(got, ">New<") || strings.Contains(got, "badge--danger") || strings.Contains(got, "Overdue") {
		t.Errorf("before its due date: want New and no red badge in %s", got)
	}
	s.app.Clock.Advance(3 * time.Hour)
	if got := item(); strings.Contains(got, ">New<") || !strings.Contains(got, "badge--danger") || !strings.Contains(got, "Overdue") {
		t.Errorf("past its due date: want the red Overdue badge and no New in %s", got)
	}
}
