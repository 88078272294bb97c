package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/learn"
	"eplatform/app/store"
)

// Files for material uploads, recognised by their first bytes.
var (
	learnPDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
	learnMP4 = "\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + strings.Repeat("\x00", 600)
)

func learnDOCX(t testing.TB, mainPart string) string {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", mainPart} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w, "<xml>%s</xml>", name)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

type subjectOut struct {
	ID            int64
	Code, Name    string
	IsActive      bool `json:"is_active"`
	IsEnrolled    bool `json:"is_enrolled"`
	StudentsCount int  `json:"students_count"`
	CanManage     bool `json:"can_manage"`
	Instructor    *struct{ Username string }
	Materials     *[]materialOut
	CanView       bool `json:"can_view_materials"`
}

type materialOut struct {
	ID          int64
	Subject     int64
	Type, Title string
	FileURL     *string `json:"file_url"`
	FileName    *string `json:"file_name"`
	ContentType *string `json:"content_type"`
	ExternalURL *string `json:"external_url"`
	DueAt       *string `json:"due_at"`
	Position    int
	IsActive    bool `json:"is_active"`
}

// learnMultipart builds a material upload body.
func learnMultipart(fields map[string]string, fileName, data string) (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileName != "" {
		w, _ := mw.CreateFormFile("file", fileName)
		w.Write([]byte(data))
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

func learnUpload(c *apptest.Client, token string, subjectID int64, fields map[string]string, fileName, data string) *apptest.Response {
	body, ct := learnMultipart(fields, fileName, data)
	h := http.Header{"Content-Type": {ct}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return c.Do("POST", fmt.Sprintf("/api/subjects/%d/materials/", subjectID), body, h)
}

func mkSubject(t *testing.T, c *apptest.Client, token, code string) subjectOut {
	t.Helper()
	r := c.JSON("POST", "/api/subjects/", map[string]any{"name": "Subject " + code, "code": code, "description": "About " + code, "icon": "code"}, token)
	if r.StatusCode != 201 {
		t.Fatalf("create subject %s: %d %s", code, r.StatusCode, r.Body)
	}
	var s subjectOut
	r.JSON(t, &s)
	return s
}

func mkMaterial(t *testing.T, c *apptest.Client, token string, subjectID int64, body map[string]any) materialOut {
	t.Helper()
	r := c.JSON("POST", fmt.Sprintf("/api/subjects/%d/materials/", subjectID), body, token)
	if r.StatusCode != 201 {
		t.Fatalf("create material %v: %d %s", body, r.StatusCode, r.Body)
	}
	var m materialOut
	r.JSON(t, &m)
	return m
}

// learnWorld is a subject S taught by "teach" with a document, a link and a hidden
// material, "stud" enrolled in it, "other" not, "teach2" teaching another subject,
// an admin, and an inactive subject I of "teach".
type learnWorld struct {
	app                  *apptest.App
	c                    *apptest.Client
	tokens               map[string]string
	S, S2, I             subjectOut
	doc, link, hidden    materialOut
	inactiveDoc          materialOut
	docURL, inactiveFile string
}

var learnActors = []string{"anon", "stud", "other", "teach", "teach2", "admin"}

func newLearnWorld(t *testing.T) *learnWorld {
	t.Helper()
	app := apptest.StartRelaxed(t)
	w := &learnWorld{app: app, c: app.Client(), tokens: map[string]string{"anon": ""}}
	for _, u := range []struct{ name, role string }{{"stud", "student"}, {"other", "student"}, {"teach", "instructor"},
		{"teach2", "instructor"}, {"admin", "admin"}} {
		app.User(u.name, u.role)
		w.tokens[u.name], _ = app.Token(u.name)
	}
	teach := w.tokens["teach"]
	w.S = mkSubject(t, w.c, teach, "CS101")
	w.S2 = mkSubject(t, w.c, teach, "CS102")
	mkSubject(t, w.c, w.tokens["teach2"], "BIO1")
	w.I = mkSubject(t, w.c, teach, "OLD1")
	r := learnUpload(w.c, teach, w.S.ID, map[string]string{"type": "document", "title": "Syllabus"}, "syllabus.pdf", learnPDF)
	if r.StatusCode != 201 {
		t.Fatalf("upload: %d %s", r.StatusCode, r.Body)
	}
	r.JSON(t, &w.doc)
	w.docURL = strings.TrimPrefix(*w.doc.FileURL, app.URL)
	w.link = mkMaterial(t, w.c, teach, w.S.ID, map[string]any{"type": "link", "title": "Docs", "external_url": "https://go.dev/doc/"})
	w.hidden = mkMaterial(t, w.c, teach, w.S.ID, map[string]any{"type": "link", "title": "Draft", "external_url": "https://example.com/", "is_active": false})
	r = learnUpload(w.c, teach, w.I.ID, map[string]string{"type": "document", "title": "Old notes"}, "old.pdf", learnPDF)
	r.JSON(t, &w.inactiveDoc)
	w.inactiveFile = strings.TrimPrefix(*w.inactiveDoc.FileURL, app.URL)
	if r := w.c.JSON("PATCH", fmt.Sprintf("/api/subjects/%d/", w.I.ID), map[string]any{"is_active": false}, teach); r.StatusCode != 200 {
		t.Fatalf("deactivate: %d %s", r.StatusCode, r.Body)
	}
	if r := w.c.JSON("POST", fmt.Sprintf("/api/subjects/%d/enroll/", w.S.ID), nil, w.tokens["stud"]); r.StatusCode != 200 {
		t.Fatalf("enroll: %d %s", r.StatusCode, r.Body)
	}
	return w
}

// TestLearnAPIPermissionMatrix checks every learn endpoint (and the file URL with a
// bearer token) for every kind of caller.
func TestLearnAPIPermissionMatrix(t *testing.T) {
	t.Parallel()
	w := newLearnWorld(t)
	id := func(n int64) string { return fmt.Sprint(n) }
	// Throwaway materials for the callers allowed to delete.
	throwaway := map[string]int64{}
	for _, who := range []string{"teach", "admin"} {
		throwaway[who] = mkMaterial(t, w.c, w.tokens["teach"], w.S.ID, map[string]any{"type": "link", "title": "tmp " + who, "external_url": "https://example.com/" + who}).ID
	}
	spare := mkSubject(t, w.c, w.tokens["teach"], "SPARE")
	type row struct {
		method string
		path   func(who string) string
		body   func(who string) any
		want   [6]int // anon, stud, other, teach, teach2, admin
	}
	fixed := func(p string) func(string) string { return func(string) string { return p } }
	S, I, S2 := id(w.S.ID), id(w.I.ID), id(w.S2.ID)
	rows := []row{
		{"GET", fixed("/api/subjects/"), nil, [6]int{401, 200, 200, 200, 200, 200}},
		{"GET", fixed("/api/subjects/?mine=true"), nil, [6]int{401, 200, 200, 200, 200, 200}},
		{"POST", fixed("/api/subjects/"), func(who string) any { return map[string]any{"name": "New " + who, "code": "NEW-" + who} },
			[6]int{401, 403, 403, 201, 201, 201}},
		{"GET", fixed("/api/subjects/" + S + "/"), nil, [6]int{401, 200, 200, 200, 200, 200}},
		{"GET", fixed("/api/subjects/" + I + "/"), nil, [6]int{401, 404, 404, 200, 404, 200}},
		{"GET", fixed("/api/subjects/999999/"), nil, [6]int{401, 404, 404, 404, 404, 404}},
		{"PUT", fixed("/api/subjects/" + S + "/"), func(string) any { return map[string]any{"name": "Programming", "code": "CS101"} },
			[6]int{401, 403, 403, 200, 403, 200}},
		{"PATCH", fixed("/api/subjects/" + S + "/"), func(string) any { return map[string]any{"description": "Updated"} },
			[6]int{401, 403, 403, 200, 403, 200}},
		{"PATCH", fixed("/api/subjects/" + I + "/"), func(string) any { return map[string]any{"description": "Updated"} },
			[6]int{401, 404, 404, 200, 404, 200}},
		{"DELETE", fixed("/api/subjects/" + id(spare.ID) + "/"), nil, [6]int{401, 403, 403, 0, 403, 0}},
		{"POST", fixed("/api/subjects/" + S2 + "/enroll/"), nil, [6]int{401, 200, 200, 400, 200, 200}},
		{"POST", fixed("/api/subjects/" + S2 + "/unenroll/"), nil, [6]int{401, 200, 200, 200, 200, 200}},
		{"POST", fixed("/api/subjects/" + I + "/enroll/"), nil, [6]int{401, 404, 404, 400, 404, 400}},
		{"POST", fixed("/api/subjects/" + I + "/unenroll/"), nil, [6]int{401, 404, 404, 200, 404, 200}},
		{"GET", fixed("/api/subjects/" + S + "/materials/"), nil, [6]int{401, 200, 403, 200, 403, 200}},
		{"GET", fixed("/api/subjects/" + I + "/materials/"), nil, [6]int{401, 404, 404, 200, 404, 200}},
		{"POST", fixed("/api/subjects/" + S + "/materials/"), func(who string) any {
			return map[string]any{"type": "link", "title": "Link by " + who, "external_url": "https://example.org/"}
		}, [6]int{401, 403, 403, 201, 403, 201}},
		{"POST", fixed("/api/subjects/" + S2 + "/materials/order/"), func(string) any { return map[string]any{"order": []int64{}} },
			[6]int{401, 403, 403, 200, 403, 200}},
		{"GET", fixed("/api/materials/" + id(w.doc.ID) + "/"), nil, [6]int{401, 200, 403, 200, 403, 200}},
		{"GET", fixed("/api/materials/" + id(w.hidden.ID) + "/"), nil, [6]int{401, 404, 404, 200, 404, 200}},
		{"GET", fixed("/api/materials/" + id(w.inactiveDoc.ID) + "/"), nil, [6]int{401, 404, 404, 200, 404, 200}},
		{"PATCH", fixed("/api/materials/" + id(w.link.ID) + "/"), func(string) any { return map[string]any{"description": "read this"} },
			[6]int{401, 403, 403, 200, 403, 200}},
		{"DELETE", func(who string) string {
			if n := throwaway[who]; n != 0 {
				return "/api/materials/" + id(n) + "/"
			}
			return "/api/materials/" + id(w.link.ID) + "/"
		}, nil, [6]int{401, 403, 403, 204, 403, 204}},
		// The file URL answers bearer tokens too; anonymous callers are sent to log in.
		{"GET", fixed(w.docURL), nil, [6]int{302, 200, 403, 200, 403, 200}},
		{"GET", fixed(w.inactiveFile), nil, [6]int{302, 404, 404, 200, 404, 200}},
		{"GET", fixed(w.docURL + "x"), nil, [6]int{302, 404, 403, 404, 403, 404}},
	}
	for _, rw := range rows {
		for i, who := range learnActors {
			want := rw.want[i]
			if want == 0 {
				continue
			}
			var body any
			if rw.body != nil {
				body = rw.body(who)
			}
			path := rw.path(who)
			r := w.c.JSON(rw.method, path, body, w.tokens[who])
			if r.StatusCode != want {
				t.Errorf("%s %s as %s: %d, want %d (%s)", rw.method, path, who, r.StatusCode, want, r.Body)
			}
		}
	}
	// Materials show in the subject only for those who may see them.
	for i, who := range learnActors[1:] {
		var s subjectOut
		w.c.JSON("GET", "/api/subjects/"+S+"/", nil, w.tokens[who]).JSON(t, &s)
		allowed := []bool{true, false, true, false, true}[i]
		if (s.Materials != nil) != allowed || s.CanView != allowed {
			t.Errorf("%s: materials shown %v, want %v", who, s.Materials != nil, allowed)
		}
		if allowed {
			hiddenShown := false
			for _, m := range *s.Materials {
				hiddenShown = hiddenShown || m.ID == w.hidden.ID
			}
			if hiddenShown != (who != "stud") {
				t.Errorf("%s: hidden material shown %v", who, hiddenShown)
			}
		}
	}
	// The deletion allowed to the instructor and the admin.
	for _, who := range []string{"teach", "admin"} {
		s := mkSubject(t, w.c, w.tokens["teach"], "DEL-"+who)
		if r := w.c.JSON("DELETE", "/api/subjects/"+id(s.ID)+"/", nil, w.tokens[who]); r.StatusCode != 204 {
			t.Errorf("delete subject as %s: %d", who, r.StatusCode)
		}
	}
}

func TestLearnAPIBadInput(t *testing.T) {
	t.Parallel()
	w := newLearnWorld(t)
	teach := w.tokens["teach"]
	ctx := context.Background()
	countSubjects := func() int {
		n, err := w.app.State.DB.CountSubjects(ctx, store.SubjectQuery{All: true})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := countSubjects()
	for _, tc := range []struct {
		body  any
		field string
	}{
		{map[string]any{"name": "Dup", "code": "cs101"}, "code"}, // taken in another case
		{map[string]any{"name": "Bad", "code": "CS 101"}, "code"},
		{map[string]any{"name": "Bad", "code": "my/subject"}, "code"},
		{map[string]any{"name": "Bad", "code": "../x"}, "code"},
		{map[string]any{"name": "Bad", "code": strings.Repeat("A", 21)}, "code"},
		{map[string]any{"name": "Bad", "code": ""}, "code"},
		{map[string]any{"name": "Bad"}, "code"},
		{map[string]any{"name": "  ", "code": "OK1"}, "name"},
		{map[string]any{"name": strings.Repeat("n", 101), "code": "OK2"}, "name"},
		{map[string]any{"name": "Icon", "code": "OK3", "icon": "rocket"}, "icon"},
		{map[string]any{"name": "Active", "code": "OK4", "is_active": "maybe"}, "is_active"},
		{map[string]any{"name": 12, "code": "OK5"}, "name"},
		{map[string]any{"name": "Mine", "code": "OK6", "instructor_id": 1}, "instructor"},
	} {
		r := w.c.JSON("POST", "/api/subjects/", tc.body, teach)
		var errs map[string][]string
		if r.StatusCode == 400 {
			r.JSON(t, &errs)
		}
		if r.StatusCode != 400 || len(errs[tc.field]) == 0 {
			t.Errorf("%v: %d %s, want 400 on %s", tc.body, r.StatusCode, r.Body, tc.field)
		}
	}
	if r := w.c.JSON("POST", "/api/subjects/", `{"name": "x", "code": `, teach); r.StatusCode != 400 {
		t.Errorf("broken JSON: %d", r.StatusCode)
	}
	if n := countSubjects(); n != before {
		t.Errorf("refused subjects were created: %d → %d", before, n)
	}
	// Renaming onto another subject's code, in any case, is refused too.
	if r := w.c.JSON("PATCH", fmt.Sprintf("/api/subjects/%d/", w.S2.ID), map[string]any{"code": "Cs101"}, teach); r.StatusCode != 400 || !strings.Contains(r.Body, "code") {
		t.Errorf("rename to a taken code: %d %s", r.StatusCode, r.Body)
	}
	// A code that spells a page name is fine: its page is reachable.
	my := mkSubject(t, w.c, teach, "my")
	if my.Code != "my" {
		t.Errorf("code my: %+v", my)
	}

	materials := func() int {
		list, err := w.app.State.DB.MaterialsOfSubject(ctx, w.S.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	files := func() int {
		entries, _ := os.ReadDir(filepath.Join(w.app.Config.MediaDir(), "materials"))
		return len(entries)
	}
	mBefore, fBefore := materials(), files()
	docx := learnDOCX(t, "word/document.xml")
	for _, tc := range []struct {
		name     string
		fields   map[string]string
		file     string
		data     string
		status   int
		errField string
	}{
		{"exe as pdf", map[string]string{"type": "document", "title": "x"}, "notes.pdf", "MZ\x90\x00 an executable", 400, "file"},
		{"html as txt", map[string]string{"type": "document", "title": "x"}, "page.txt", "<html>\x00<script>", 400, "file"},
		{"binary md", map[string]string{"type": "document", "title": "x"}, "notes.md", "hello \xff\xfe world", 400, "file"},
		{"bad utf8 later", map[string]string{"type": "document", "title": "x"}, "notes.md", strings.Repeat("a", 2000) + "\xff", 400, "file"},
		{"zip not docx", map[string]string{"type": "document", "title": "x"}, "sheet.xlsx", docx, 400, "file"},
		{"broken zip", map[string]string{"type": "document", "title": "x"}, "a.zip", "PK\x03\x04 broken", 400, "file"},
		{"video as document", map[string]string{"type": "document", "title": "x"}, "clip.mp4", learnMP4, 400, "file"},
		{"pdf as video", map[string]string{"type": "video", "title": "x"}, "clip.mp4", learnPDF, 400, "file"},
		{"document without file", map[string]string{"type": "document", "title": "x"}, "", "", 400, "file"},
		{"empty file", map[string]string{"type": "document", "title": "x"}, "empty.pdf", "", 400, "file"},
		{"oversize document", map[string]string{"type": "document", "title": "x"}, "big.pdf", "%PDF-1.4\n" + strings.Repeat("x", 25<<20), 413, ""},
		{"no title", map[string]string{"type": "document"}, "a.pdf", learnPDF, 400, "title"},
		{"bad kind", map[string]string{"type": "podcast", "title": "x"}, "a.pdf", learnPDF, 400, "type"},
		{"due on a document", map[string]string{"type": "document", "title": "x", "due_at": "2027-01-01T10:00"}, "a.pdf", learnPDF, 400, "due_at"},
		{"bad due", map[string]string{"type": "assignment", "title": "x", "due_at": "next friday"}, "a.pdf", learnPDF, 400, "due_at"},
		{"past due", map[string]string{"type": "assignment", "title": "x", "due_at": "2020-01-01T10:00"}, "", "", 400, "due_at"},
		{"far due", map[string]string{"type": "assignment", "title": "x", "due_at": "3000-01-01T10:00"}, "", "", 400, "due_at"},
		{"bad link", map[string]string{"type": "link", "title": "x", "external_url": "javascript:alert(1)"}, "", "", 400, "external_url"},
		{"link without url", map[string]string{"type": "link", "title": "x"}, "", "", 400, "external_url"},
		{"link with file", map[string]string{"type": "link", "title": "x", "external_url": "https://a.example/"}, "a.pdf", learnPDF, 400, "file"},
		{"video file and url", map[string]string{"type": "video", "title": "x", "external_url": "https://a.example/"}, "a.mp4", learnMP4, 400, "external_url"},
		{"two files", map[string]string{"type": "document", "title": "x"}, "two", "", 400, "file"},
	} {
		var r *apptest.Response
		if tc.file == "two" {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			mw.WriteField("type", "document")
			mw.WriteField("title", "x")
			for _, n := range []string{"a.pdf", "b.pdf"} {
				fw, _ := mw.CreateFormFile("file", n)
				fw.Write([]byte(learnPDF))
			}
			mw.Close()
			r = w.c.Do("POST", fmt.Sprintf("/api/subjects/%d/materials/", w.S.ID), &b, http.Header{"Content-Type": {mw.FormDataContentType()}, "Authorization": {"Bearer " + teach}})
		} else {
			r = learnUpload(w.c, teach, w.S.ID, tc.fields, tc.file, tc.data)
		}
		if r.StatusCode != tc.status || (tc.errField != "" && !strings.Contains(r.Body, `"`+tc.errField+`"`)) {
			t.Errorf("%s: %d %s, want %d on %q", tc.name, r.StatusCode, r.Body, tc.status, tc.errField)
		}
	}
	if m, f := materials(), files(); m != mBefore || f != fBefore {
		t.Errorf("refused uploads left materials %d → %d, files %d → %d", mBefore, m, fBefore, f)
	}
	// Good uploads of every kind.
	for _, tc := range []struct {
		fields map[string]string
		file   string
		data   string
		ctype  string
	}{
		{map[string]string{"type": "document", "title": "Word"}, "essay.docx", docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{map[string]string{"type": "document", "title": "Notes"}, "notes.md", "# Week 1\nSlices — and maps.\n", "text/markdown; charset=utf-8"},
		{map[string]string{"type": "document", "title": "Bundle"}, "code.zip", learnDOCX(t, "main.go"), "application/zip"},
		{map[string]string{"type": "video", "title": "Lecture"}, "lecture.mp4", learnMP4, "video/mp4"},
		{map[string]string{"type": "assignment", "title": "Homework", "due_at": "2027-01-15T17:00:00Z"}, "hw.pdf", learnPDF, "application/pdf"},
	} {
		r := learnUpload(w.c, teach, w.S.ID, tc.fields, tc.file, tc.data)
		var m materialOut
		if r.StatusCode == 201 {
			r.JSON(t, &m)
		}
		if r.StatusCode != 201 || m.ContentType == nil || *m.ContentType != tc.ctype {
			t.Errorf("%s: %d %s", tc.file, r.StatusCode, r.Body)
		}
	}
	// A linked video and an assignment without a file are JSON.
	mkMaterial(t, w.c, teach, w.S.ID, map[string]any{"type": "video", "title": "Talk", "external_url": "https://videos.example/talk"})
	a := mkMaterial(t, w.c, teach, w.S.ID, map[string]any{"type": "assignment", "title": "Essay", "due_at": "2027-02-01"})
	if a.DueAt == nil || *a.DueAt != "2027-02-01T23:59:00Z" {
		t.Errorf("a bare due date is the end of the day: %v", a.DueAt)
	}
	// Changing an assignment to a link needs its due date dropped.
	if r := w.c.JSON("PATCH", fmt.Sprintf("/api/materials/%d/", a.ID), map[string]any{"type": "link", "external_url": "https://a.example/"}, teach); r.StatusCode != 200 {
		t.Errorf("assignment → link: %d %s", r.StatusCode, r.Body)
	}
	if r := w.c.JSON("PATCH", fmt.Sprintf("/api/materials/%d/", a.ID), map[string]any{"due_at": "2027-03-01"}, teach); r.StatusCode != 400 || !strings.Contains(r.Body, "due_at") {
		t.Errorf("due date on a link: %d %s", r.StatusCode, r.Body)
	}
	if r := w.c.JSON("POST", fmt.Sprintf("/api/subjects/%d/materials/order/", w.S.ID), map[string]any{"order": []int64{w.doc.ID}}, teach); r.StatusCode != 400 {
		t.Errorf("partial order: %d %s", r.StatusCode, r.Body)
	}
}

// TestLearnAPIEnrollmentCounts: students_count follows enroll, unenroll and
// re-enroll exactly, also under concurrency, and the instructor hears of each
// student once, live.
func TestLearnAPIEnrollmentCounts(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	app.User("teach", "instructor")
	teach, _ := app.Token("teach")
	c := app.Client()
	s := mkSubject(t, c, teach, "MATH1")
	ctx := context.Background()
	check := func(when string, want int) {
		t.Helper()
		var out subjectOut
		c.JSON("GET", fmt.Sprintf("/api/subjects/%d/", s.ID), nil, teach).JSON(t, &out)
		rows, err := app.State.DB.CountActiveEnrollments(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if out.StudentsCount != want || rows != want {
			t.Errorf("%s: students_count %d, active rows %d, want %d", when, out.StudentsCount, rows, want)
		}
	}
	var tokens []string
	for i := range 8 {
		name := fmt.Sprintf("s%d", i)
		app.User(name, "student")
		tok, _ := app.Token(name)
		tokens = append(tokens, tok)
	}
	post := func(tok, verb string) EnrollOut {
		r := c.JSON("POST", fmt.Sprintf("/api/subjects/%d/%s/", s.ID, verb), nil, tok)
		var out EnrollOut
		r.JSON(t, &out)
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d %s", verb, r.StatusCode, r.Body)
		}
		return out
	}
	if o := post(tokens[0], "enroll"); o.Outcome != "enrolled" || o.StudentsCount != 1 {
		t.Errorf("enroll: %+v", o)
	}
	if o := post(tokens[0], "enroll"); o.Outcome != "already enrolled" || o.StudentsCount != 1 {
		t.Errorf("enroll twice: %+v", o)
	}
	if o := post(tokens[0], "unenroll"); o.Outcome != "unenrolled" || o.StudentsCount != 0 || o.IsEnrolled {
		t.Errorf("unenroll: %+v", o)
	}
	if o := post(tokens[0], "unenroll"); o.Outcome != "not enrolled" || o.StudentsCount != 0 {
		t.Errorf("unenroll twice: %+v", o)
	}
	if o := post(tokens[0], "enroll"); o.Outcome != "re-enrolled" || o.StudentsCount != 1 {
		t.Errorf("re-enroll: %+v", o)
	}
	check("after re-enroll", 1)
	// Everyone at once, twice, with leaving in between: the count never drifts.
	var wg sync.WaitGroup
	for round := range 3 {
		for _, tok := range tokens {
			wg.Add(2)
			go func() { defer wg.Done(); c.JSON("POST", fmt.Sprintf("/api/subjects/%d/enroll/", s.ID), nil, tok) }()
			go func() { defer wg.Done(); c.JSON("POST", fmt.Sprintf("/api/subjects/%d/enroll/", s.ID), nil, tok) }()
		}
		wg.Wait()
		check(fmt.Sprintf("round %d, all enrolled", round), len(tokens))
		for _, tok := range tokens[:3] {
			wg.Add(1)
			go func() { defer wg.Done(); c.JSON("POST", fmt.Sprintf("/api/subjects/%d/unenroll/", s.ID), nil, tok) }()
		}
		wg.Wait()
		check(fmt.Sprintf("round %d, three left", round), len(tokens)-3)
	}
	// One enrollment notification per student, whatever they did.
	if n := countType(notifications(t, app, "teach"), "enrollment"); n != len(tokens) {
		t.Errorf("%d enrollment notifications, want %d", n, len(tokens))
	}
	for _, n := range notifications(t, app, "teach") {
		if n.URL != "/home/subjects/MATH1/" {
			t.Errorf("notification url %q", n.URL)
		}
	}
	// Renaming the code moves the notifications' links along.
	if r := c.JSON("PATCH", fmt.Sprintf("/api/subjects/%d/", s.ID), map[string]any{"code": "MATH-101"}, teach); r.StatusCode != 200 {
		t.Fatalf("rename: %d %s", r.StatusCode, r.Body)
	}
	for _, n := range notifications(t, app, "teach") {
		if n.URL != "/home/subjects/MATH-101/" {
			t.Errorf("notification url after rename %q", n.URL)
		}
	}
}

// EnrollOut is the enroll answer.
type EnrollOut struct {
	Status        string
	Outcome       string
	IsEnrolled    bool `json:"is_enrolled"`
	StudentsCount int  `json:"students_count"`
}

// TestLearnAPIQueriesBounded: the subject list costs the same statements for 3 and
// 30 subjects.
func TestLearnAPIQueriesBounded(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	app.User("teach", "instructor")
	app.User("stud", "student")
	teach, _ := app.Token("teach")
	stud, _ := app.Token("stud")
	c := app.Client()
	viewer, _ := app.State.DB.UserByUsername(context.Background(), "stud")
	mk := func(from, to int) {
		for i := from; i < to; i++ {
			s := mkSubject(t, c, teach, fmt.Sprintf("Q%d", i))
			if i%2 == 0 {
				c.JSON("POST", fmt.Sprintf("/api/subjects/%d/enroll/", s.ID), nil, stud)
			}
		}
	}
	count := func(limit int) int {
		qctx, qc := store.WithQueryCounter(context.Background())
		rows, n, err := app.State.Learn.List(qctx, viewer, learn.ListQuery{Limit: limit})
		if err != nil || len(rows) != min(limit, n) {
			t.Fatalf("list: %v %d of %d", err, len(rows), n)
		}
		return qc.Count()
	}
	mk(0, 3)
	small := count(3)
	mk(3, 30)
	large := count(30)
	if small != large || large > 2 {
		t.Errorf("subject list: %d statements for 3 subjects, %d for 30; want equal, at most 2", small, large)
	}
	t.Logf("subject list: %d statements", large)
}
