package browsertest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

const learnSyllabus = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

// TestLearnSubjectWithMaterials: an instructor creates a subject, uploads a document
// to it and adds a link, and reorders them with the arrow buttons (in place) and by
// drag and drop; a student enrolls (the instructor's bell and student count follow
// live), sees the materials and downloads the document; a student who did not
// enroll sees neither and cannot fetch the file.
func TestLearnSubjectWithMaterials(t *testing.T) {
	app := apptest.StartRelaxed(t)
	app.User("tina", "instructor")
	app.User("sam", "student")
	app.User("nora", "student")
	pdf := filepath.Join(t.TempDir(), "syllabus.pdf")
	if err := os.WriteFile(pdf, []byte(learnSyllabus), 0o644); err != nil {
		t.Fatal(err)
	}

	// The instructor creates the subject from the UI.
	teacher := New(t)
	logIn(t, teacher, app, "tina")
	teacher.Navigate(app.URL + "/home/subjects/")
	teacher.ClickAndWait("a[href='/home/subjects/new/']")
	teacher.SetValue("#id_name", "Introduction to Go")
	teacher.SetValue("#id_code", "GO101")
	teacher.SetValue("#id_description", "Types, functions, slices, maps and goroutines.")
	teacher.Click("label.icon-picker__option[title='Code']")
	teacher.Submit("form[action='/home/subjects/new/']")
	if got := teacher.Text(".subject-hero h1"); got != "Introduction to Go" {
		t.Fatalf("subject page title %q", got)
	}
	teacher.WaitJS(`document.documentElement.dataset.live === "open"`)

	// A document, uploaded through the form (with the progress bar: a fragment
	// request), then a link. Without a title the upload is refused and the form stays
	// with the reason; with one the subject's page shows it, and the form's message.
	teacher.AllowConsoleErrors("status of 400")
	teacher.ClickAndWait(".materials-section__head a[href='/home/subjects/GO101/materials/new/']")
	teacher.UploadFile("#id_file", pdf)
	teacher.Click("form[data-material-form] button[type=submit]")
	teacher.WaitVisible(".toast--error")
	if got := teacher.Text(".toast--error .toast__msg"); !strings.Contains(got, "may not be blank") || !strings.HasSuffix(teacher.Location(), "/materials/new/") {
		t.Fatalf("upload without a title: %q at %s", got, teacher.Location())
	}
	teacher.SetValue("#id_title", "Course syllabus")
	teacher.Click("form[data-material-form] button[type=submit]")
	teacher.WaitVisible(".materials .material--document")
	teacher.WaitVisible(".toast--success")
	if got := teacher.Text(".toast--success .toast__msg"); !strings.Contains(got, "Course syllabus” is added") || !strings.Contains(teacher.Location(), "#material-") {
		t.Fatalf("after the upload: %q at %s", got, teacher.Location())
	}
	teacher.ClickAndWait(".materials-section__head a[href='/home/subjects/GO101/materials/new/']")
	teacher.SetValue("#id_type", "link")
	teacher.WaitNotVisible("#id_file")
	teacher.SetValue("#id_title", "The Go Tour")
	teacher.SetValue("#id_external_url", "https://go.dev/tour/")
	teacher.Submit("form[data-material-form]")
	teacher.WaitVisible(".materials .material--link")
	// The link moves above the document in place (no reload), and stays there.
	teacher.Click(".material--link input[name=direction][value=up] + button")
	teacher.WaitJS(`document.querySelector(".materials > li").classList.contains("material--link")`)
	teacher.WaitJS(`document.querySelector(".material--link input[value=up] + button").disabled`)
	teacher.Screenshot("teacher-subject")
	teacher.Reload()
	teacher.WaitJS(`document.querySelector(".materials > li").classList.contains("material--link")`)
	// Drag and drop (the events a drag by the handle fires) puts the document first again.
	teacher.Eval(`(() => {
		const doc = document.querySelector(".material--document"), link = document.querySelector(".material--link");
		const dt = new DataTransfer(), r = link.getBoundingClientRect();
		doc.querySelector("[data-drag-handle]").dispatchEvent(new MouseEvent("mousedown", {bubbles: true}));
		doc.dispatchEvent(new DragEvent("dragstart", {bubbles: true, dataTransfer: dt}));
		link.dispatchEvent(new DragEvent("dragover", {bubbles: true, cancelable: true, dataTransfer: dt, clientY: r.top + 2}));
		link.dispatchEvent(new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: dt}));
		doc.dispatchEvent(new DragEvent("dragend", {bubbles: true, dataTransfer: dt}));
	})()`, nil)
	teacher.WaitJS(`document.querySelector(".materials > li").classList.contains("material--document")`)
	teacher.WaitJS(`document.querySelector(".material--document input[value=up] + button").disabled`)
	teacher.WaitFor(func() bool {
		var first bool
		teacher.Eval(`fetch(location.href).then(r => r.text()).then(t => t.indexOf("material--document") < t.indexOf("material--link"))`, &first)
		return first
	})

	// The student finds it, sees it is closed, enrolls.
	student := New(t)
	logIn(t, student, app, "sam")
	student.Navigate(app.URL + "/home/subjects/")
	student.ClickAndWait(".subject-card a[href='/home/subjects/GO101/']")
	student.WaitVisible(".enroll-required")
	if student.Visible(".materials") {
		t.Fatal("materials are shown before enrolling")
	}
	student.Submit(".enroll-required form")
	student.WaitVisible(".materials .material--document")
	if got := student.Text(".subject-hero [data-students-count]"); got != "1" {
		t.Errorf("student count %q after enrolling", got)
	}
	student.Screenshot("student-enrolled")

	// The instructor hears of it live, and the count on their page follows.
	teacher.WaitVisible(".bell__button [data-unread-badge]")
	teacher.WaitJS(`document.querySelector(".subject-hero [data-students-count]").textContent.trim() === "1"`)

	// The student downloads the document with their session.
	href := student.Attr(".material--document a[data-download]", "href")
	if !strings.HasPrefix(href, "/media/material/") {
		t.Fatalf("download link %q", href)
	}
	var got struct {
		Status      int
		Type, Body  string
		Disposition string
	}
	student.Eval(`fetch(`+jsString(href)+`).then(async r => ({status: r.status, type: r.headers.get("content-type"),
		disposition: r.headers.get("content-disposition"), body: await r.text()}))`, &got)
	if got.Status != 200 || got.Type != "application/pdf" || got.Body != learnSyllabus || !strings.Contains(got.Disposition, "syllabus.pdf") {
		t.Errorf("download: %+v", got)
	}

	// Another student, not enrolled: no materials on the page, and no file.
	outsider := New(t)
	outsider.AllowConsoleErrors("status of 403")
	logIn(t, outsider, app, "nora")
	outsider.Navigate(app.URL + "/home/subjects/GO101/")
	outsider.WaitVisible(".enroll-required")
	if outsider.Visible(".materials") {
		t.Error("the outsider sees the materials")
	}
	var status int
	outsider.Eval(`fetch(`+jsString(href)+`).then(r => r.status)`, &status)
	if status != 403 {
		t.Errorf("outsider download: %d", status)
	}
	outsider.Screenshot("outsider")
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
