package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/coursework"
	"eplatform/app/learn"
	"eplatform/app/store"
)

const handInPDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

// classroom is a subject CS1 taught by tina with sam and nora enrolled, an assignment
// "Essay" (out of 20, due in two days), and the people of every permission case: ivan
// teaches elsewhere, root is an admin.
type classroom struct {
	app                         *apptest.App
	tina, sam, nora, ivan, root *apptest.Client
	anon                        *apptest.Client
	subj                        store.Subject
	essay                       store.Material
	teacher, student, classmate store.User
	samHandIn, noraHandIn       store.Submission
}

func newClassroom(t *testing.T) *classroom {
	t.Helper()
	app := apptest.StartRelaxed(t)
	c := &classroom{app: app, tina: app.User("tina", "instructor"), sam: app.User("sam", "student"),
		nora: app.User("nora", "student"), ivan: app.User("ivan", "instructor"), root: app.User("root", "admin"), anon: app.Client()}
	ctx := context.Background()
	db := app.State.DB
	c.teacher, _ = db.UserByUsername(ctx, "tina")
	c.student, _ = db.UserByUsername(ctx, "sam")
	c.classmate, _ = db.UserByUsername(ctx, "nora")
	var err error
	if c.subj, err = app.State.Learn.CreateSubject(ctx, c.teacher, learn.SubjectInput{Name: learn.Str("Computing"), Code: learn.Str("CS1")}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.User{c.student, c.classmate} {
		if _, err := app.State.Learn.Enroll(ctx, u, c.subj.ID); err != nil {
			t.Fatal(err)
		}
	}
	maxMarks := 20
	if c.essay, err = app.State.Learn.AddMaterial(ctx, c.teacher, c.subj.ID, learn.MaterialInput{Kind: learn.Str(learn.Assignment),
		Title: learn.Str("Essay"), MaxMarks: &maxMarks, Due: learn.Str(app.Clock.Now().Add(48 * time.Hour).Format(time.RFC3339))}); err != nil {
		t.Fatal(err)
	}
	return c
}

// handIn posts the hand-in form as a browser does: multipart, with a file when name
// is not "".
func handIn(t *testing.T, c *apptest.Client, path, text, name, data string) *apptest.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("text", text); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("file", name) // an empty part when no file is chosen
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(fw, data); err != nil {
		t.Fatal(err)
	}
	mw.Close()
	return c.Do("POST", path, &buf, http.Header{"Content-Type": {mw.FormDataContentType()}})
}

func (c *classroom) handInURL() string { return learn.MaterialURL(c.essay.ID) + "submit/" }

// submitBoth has sam hand in a PDF and nora a text, through the form.
func (c *classroom) submitBoth(t *testing.T) {
	t.Helper()
	if r := handIn(t, c.sam, c.handInURL(), "Sam's essay, see the PDF.", "essay.pdf", handInPDF); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sam hands in: %d %.300s", r.StatusCode, r.Body)
	}
	if r := handIn(t, c.nora, c.handInURL(), "Nora's private answer.", "", ""); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("nora hands in: %d %.300s", r.StatusCode, r.Body)
	}
	ctx := context.Background()
	var err error
	if c.samHandIn, err = c.app.State.DB.SubmissionOf(ctx, c.essay.ID, c.student.ID); err != nil || c.samHandIn.File == nil {
		t.Fatalf("sam's hand-in: %+v %v", c.samHandIn, err)
	}
	if c.noraHandIn, err = c.app.State.DB.SubmissionOf(ctx, c.essay.ID, c.classmate.ID); err != nil {
		t.Fatal(err)
	}
}

// TestCourseworkPagesPermissions is the permission matrix of every coursework page:
// the student who handed in, another student of the subject, its instructor, another
// instructor, an admin, and an anonymous visitor (sent to log in).
func TestCourseworkPagesPermissions(t *testing.T) {
	c := newClassroom(t)
	c.submitBoth(t)
	m := strconv.FormatInt(c.essay.ID, 10)
	sub := strconv.FormatInt(c.samHandIn.ID, 10)
	file := "/media/submission/" + sub + "/" + path.Base(c.samHandIn.File.Path)
	grade := url.Values{"marks": {"15"}, "feedback": {"Good."}}
	type want struct{ sam, nora, tina, ivan, root int }
	cases := []struct {
		method, path string
		form         url.Values
		want         want
		private      bool // the body must not show sam's hand-in to those who may not see it
	}{
		{"GET", "/home/materials/" + m + "/", nil, want{200, 200, 200, 403, 200}, true},
		{"GET", "/home/materials/" + m + "/submission/", nil, want{200, 200, 200, 403, 200}, true},
		{"POST", "/home/materials/" + m + "/submit/", url.Values{"text": {"Again"}}, want{303, 303, 403, 403, 403}, false},
		{"GET", "/home/materials/" + m + "/submissions/", nil, want{403, 403, 200, 403, 200}, false},
		{"GET", "/home/materials/" + m + "/submissions.zip", nil, want{403, 403, 200, 403, 200}, false},
		{"GET", "/home/submissions/" + sub + "/", nil, want{200, 404, 200, 404, 200}, false},
		{"GET", file, nil, want{200, 404, 200, 404, 200}, false},
		{"GET", "/home/subjects/CS1/", nil, want{200, 200, 200, 200, 200}, true},
		{"GET", "/home/subjects/CS1/gradebook/", nil, want{403, 403, 200, 403, 200}, false},
		{"GET", "/home/subjects/CS1/gradebook.csv", nil, want{403, 403, 200, 403, 200}, false},
		{"GET", "/home/grades/", nil, want{200, 200, 200, 200, 200}, true},
		// Last: grading closes sam's hand-in.
		{"POST", "/home/submissions/" + sub + "/grade/", grade, want{403, 404, 303, 404, 303}, false},
	}
	for _, tc := range cases {
		for _, who := range []struct {
			name   string
			client *apptest.Client
			status int
		}{{"sam", c.sam, tc.want.sam}, {"nora", c.nora, tc.want.nora}, {"tina", c.tina, tc.want.tina},
			{"ivan", c.ivan, tc.want.ivan}, {"root", c.root, tc.want.root}, {"anonymous", c.anon, http.StatusFound}} {
			var r *apptest.Response
			if tc.method == "POST" {
				r = who.client.PostForm(tc.path, tc.form)
			} else {
				r = who.client.Get(tc.path)
			}
			if r.StatusCode != who.status {
				t.Errorf("%s %s as %s: %d, want %d", tc.method, tc.path, who.name, r.StatusCode, who.status)
				continue
			}
			if who.client == c.anon && !strings.HasPrefix(r.Header.Get("Location"), "/login/?next=") {
				t.Errorf("%s %s anonymous: sent to %q", tc.method, tc.path, r.Header.Get("Location"))
			}
			if tc.private && who.client != c.sam && who.client != c.tina && who.client != c.root &&
				strings.Contains(r.Body, "Sam&#39;s essay") {
				t.Errorf("%s %s shows sam's hand-in to %s", tc.method, tc.path, who.name)
			}
			if tc.private && who.client == c.sam && strings.Contains(r.Body, "Nora&#39;s private answer") {
				t.Errorf("%s %s shows nora's hand-in to sam", tc.method, tc.path)
			}
		}
	}
}

func TestHandInThroughTheForm(t *testing.T) {
	c := newClassroom(t)
	page := c.sam.Get(learn.MaterialURL(c.essay.ID))
	if !strings.Contains(page.Body, `data-hand-in-form`) || !strings.Contains(page.Body, "Not started") {
		t.Fatalf("the assignment page has no hand-in form:\n%.2000s", page.Body)
	}
	// A file that is no document: the form again, with the reason, and nothing stored.
	r := handIn(t, c.sam, c.handInURL(), "text", "virus.exe", "MZ\x90\x00"+strings.Repeat("\x00", 600))
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "This file type is not accepted") ||
		!strings.Contains(r.Body, ">text</textarea>") {
		t.Fatalf("an .exe: %d\n%.3000s", r.StatusCode, r.Body)
	}
	// Over 25 MB: 413, and nothing stored.
	big := "%PDF-1.4\n" + strings.Repeat("x", 25<<20)
	if r := handIn(t, c.sam, c.handInURL(), "", "big.pdf", big); r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("a 25 MB file: %d %.300s", r.StatusCode, r.Body)
	}
	// Nothing at all: the text field's message.
	if r := handIn(t, c.sam, c.handInURL(), "  ", "", ""); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "Write your answer or attach a file") {
		t.Fatalf("an empty hand-in: %d", r.StatusCode)
	}
	if _, err := c.app.State.DB.SubmissionOf(context.Background(), c.essay.ID, c.student.ID); err == nil {
		t.Fatal("a refused hand-in was stored")
	}
	c.submitBoth(t)
	page = c.sam.Get(learn.MaterialURL(c.essay.ID))
	fileURL := "/media/submission/" + strconv.FormatInt(c.samHandIn.ID, 10) + "/" + path.Base(c.samHandIn.File.Path)
	if !strings.Contains(page.Body, fileURL) || !strings.Contains(page.Body, "Hand in again") || !strings.Contains(page.Body, ">Submitted<") {
		t.Fatalf("after handing in:\n%.3000s", page.Body)
	}
	f := c.sam.Get(fileURL)
	if f.Body != handInPDF || f.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(f.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("the file: %q %v", f.Body, f.Header)
	}
	// The file URL names the hand-in: another hand-in's id with this name is not found.
	other := "/media/submission/" + strconv.FormatInt(c.noraHandIn.ID, 10) + "/" + path.Base(c.samHandIn.File.Path)
	if r := c.tina.Get(other); r.StatusCode != http.StatusNotFound {
		t.Errorf("a name under another hand-in: %d", r.StatusCode)
	}

	// The instructor's list and the ZIP of them all.
	list := c.tina.Get(coursework.HandInsURL(c.essay.ID))
	for _, want := range []string{`data-count="submitted">2<`, `data-count="to-grade">2<`, `data-student="sam"`, `data-student="nora"`} {
		if !strings.Contains(list.Body, want) {
			t.Errorf("the hand-ins page lacks %s", want)
		}
	}
	z := c.tina.Get(learn.MaterialURL(c.essay.ID) + "submissions.zip")
	zr, err := zip.NewReader(strings.NewReader(z.Body), int64(len(z.Body)))
	if err != nil || z.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("zip: %v %v", err, z.Header)
	}
	got := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		got[f.Name] = string(b)
	}
	if len(got) != 3 || got["sam/essay.pdf"] != handInPDF || got["sam/text.txt"] != "Sam's essay, see the PDF.\n" ||
		got["nora/text.txt"] != "Nora's private answer.\n" {
		t.Errorf("zip entries: %v", slices.Sorted(maps.Keys(got)))
	}
}

func TestGradeFormMarksRequired(t *testing.T) {
	c := newClassroom(t)
	c.submitBoth(t)
	gradeURL := coursework.SubmissionURL(c.samHandIn.ID) + "grade/"
	form := c.tina.Get(coursework.SubmissionURL(c.samHandIn.ID))
	tag := regexp.MustCompile(`<input[^>]*name="marks"[^>]*>`).FindString(form.Body)
	if tag == "" || regexp.MustCompile(`value="[^"]+"`).MatchString(tag) || !strings.Contains(tag, "required") {
		t.Fatalf("the marks field is missing, pre-filled or optional: %s", tag)
	}
	for _, bad := range []struct{ marks, msg string }{{"", "Enter the marks, from 0 to 20"}, {"abc", "whole number"}, {"21", "from 0 to 20"}} {
		r := c.tina.PostForm(gradeURL, url.Values{"marks": {bad.marks}, "feedback": {"Kept as typed"}})
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, bad.msg) || !strings.Contains(r.Body, "Kept as typed") {
			t.Errorf("marks %q: %d", bad.marks, r.StatusCode)
		}
	}
	if x, _ := c.app.State.DB.SubmissionByID(context.Background(), c.samHandIn.ID); x.Marks != nil {
		t.Fatal("a refused grade was stored")
	}
	if r := c.tina.PostForm(gradeURL, url.Values{"marks": {"12"}, "feedback": {"Fine."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("grade: %d", r.StatusCode)
	}
	if r := c.root.PostForm(gradeURL, url.Values{"marks": {"16"}, "feedback": {"Regraded."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("regrade: %d", r.StatusCode)
	}
	page := c.tina.Get(coursework.SubmissionURL(c.samHandIn.ID))
	if !strings.Contains(page.Body, "Grade history") || !strings.Contains(page.Body, "16 / 20") || !strings.Contains(page.Body, "12 / 20") {
		t.Errorf("history not shown")
	}
	// The student sees the grade on the assignment's page, and can no longer change it.
	mine := c.sam.Get(learn.MaterialURL(c.essay.ID))
	if !strings.Contains(mine.Body, `data-score>16 / 20<`) || !strings.Contains(mine.Body, "Regraded.") || strings.Contains(mine.Body, "data-hand-in-form") {
		t.Errorf("the student's page after grading:\n%.3000s", mine.Body)
	}
	if r := handIn(t, c.sam, c.handInURL(), "changed", "", ""); r.StatusCode != http.StatusSeeOther || !strings.HasSuffix(r.Header.Get("Location"), "#hand-in") {
		t.Errorf("changing a graded hand-in: %d", r.StatusCode) // refused with a flash on the page
	}
	if x, _ := c.app.State.DB.SubmissionByID(context.Background(), c.samHandIn.ID); x.Text == "changed" {
		t.Error("a graded hand-in was changed")
	}
}

// TestGradebookCSVIsSafe: names and titles typed as spreadsheet formulas come out of
// the export as text.
func TestGradebookCSVIsSafe(t *testing.T) {
	c := newClassroom(t)
	ctx := context.Background()
	if err := c.app.State.DB.WithTx(ctx, func(tx *store.Queries) error {
		return tx.UpdateUser(ctx, c.student.ID, store.UserUpdate{Email: c.student.Email, FirstName: `=HYPERLINK("http://evil/")`,
			LastName: "+1-1", Birthdate: c.student.Birthdate})
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.app.State.Learn.UpdateMaterial(ctx, c.teacher, c.essay.ID, learn.MaterialInput{Title: learn.Str("@SUM(A1:A9)")}); err != nil {
		t.Fatal(err)
	}
	c.submitBoth(t)
	r := c.tina.Get("/home/subjects/CS1/gradebook.csv")
	if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %v", r.StatusCode, r.Header)
	}
	recs, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
	}
	if !strings.Contains(r.Body, `'=HYPERLINK(""http://evil/"")`) || !strings.Contains(r.Body, "'@SUM(A1:A9) (/20)") || !strings.Contains(r.Body, "'+1-1") {
		t.Errorf("export:\n%s", r.Body)
	}
}

// TestGradebookPages: the instructor's gradebook and the student's grades show the
// same numbers, and the subject page lists the assignment with the student's status and
// the right button.
func TestGradebookPages(t *testing.T) {
	c := newClassroom(t)
	c.submitBoth(t)
	if r := c.tina.PostForm(coursework.SubmissionURL(c.samHandIn.ID)+"grade/", url.Values{"marks": {"15"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatal(r.StatusCode)
	}
	g := c.tina.Get("/home/subjects/CS1/gradebook/")
	row := regexp.MustCompile(`(?s)<tr data-student="sam">.*?</tr>`).FindString(g.Body)
	if !strings.Contains(row, `data-current>75.0 %<`) || !strings.Contains(row, ">15</a>") || !strings.Contains(g.Body, `data-class-average>75.0 %<`) {
		t.Errorf("gradebook row for sam: %s", row)
	}
	mine := c.sam.Get("/home/grades/")
	if !strings.Contains(mine.Body, `data-current>75.0 %<`) || !strings.Contains(mine.Body, `data-subject="CS1"`) {
		t.Errorf("sam's grades:\n%.3000s", mine.Body)
	}
	if !strings.Contains(mine.Body, `href="/home/grades/"`) {
		t.Error("no Grades entry in a student's navigation")
	}
	if strings.Contains(c.tina.Get("/home/grades/").Body, `class="site-nav__link" href="/home/grades/"`) {
		t.Error("a Grades entry in an instructor's navigation")
	}
	subject := c.nora.Get("/home/subjects/CS1/")
	item := regexp.MustCompile(`(?s)<li class="coursework-item".*?</li>`).FindString(subject.Body)
	if !strings.Contains(item, ">Submitted<") || !strings.Contains(item, ">Edit hand-in<") {
		t.Errorf("nora's item on the subject page: %s", item)
	}
	item = regexp.MustCompile(`(?s)<li class="coursework-item".*?</li>`).FindString(c.sam.Get("/home/subjects/CS1/").Body)
	if !strings.Contains(item, ">Graded<") || !strings.Contains(item, "15 / 20") || !strings.Contains(item, ">View<") {
		t.Errorf("sam's item on the subject page: %s", item)
	}
	item = regexp.MustCompile(`(?s)<li class="coursework-item".*?</li>`).FindString(c.tina.Get("/home/subjects/CS1/").Body)
	if !strings.Contains(item, "2 done") || !strings.Contains(item, "1 to grade") || !strings.Contains(item, ">Hand-ins<") {
		t.Errorf("tina's item on the subject page: %s", item)
	}
}
