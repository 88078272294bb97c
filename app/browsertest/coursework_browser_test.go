package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/learn"
)

// TestHandInGradeLive: a student hands a file in on the assignment's page (the
// subject page's button leads there); the instructor finds it in the hand-ins list and
// grades it — the marks field starts empty and is required — while the student's page
// stays open: it shows the grade and the feedback by itself, through the live
// notification. The gradebook then shows the numbers.
func TestHandInGradeLive(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	tina, sam := app.Account("tina", "instructor"), app.Account("sam", "student")
	subj, err := app.State.Learn.CreateSubject(ctx, tina, learn.SubjectInput{Name: learn.Str("Introduction to Go"), Code: learn.Str("GO101")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.State.Learn.Enroll(ctx, sam, subj.ID); err != nil {
		t.Fatal(err)
	}
	maxMarks := 20
	essay, err := app.State.Learn.AddMaterial(ctx, tina, subj.ID, learn.MaterialInput{Kind: learn.Str(learn.Assignment),
		Title: learn.Str("Essay on goroutines"), Description: learn.Str("Two pages, as a PDF."), MaxMarks: &maxMarks,
		Due: learn.Str(app.Clock.Now().Add(72 * time.Hour).Format(time.RFC3339))})
	if err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(t.TempDir(), "goroutines.pdf")
	if err := os.WriteFile(pdf, []byte(learnSyllabus), 0o644); err != nil {
		t.Fatal(err)
	}

	student := New(t)
	logIn(t, student, app, "sam")
	student.Navigate(app.URL + "/home/subjects/GO101/")
	if got := student.Text(".coursework-item [data-status]"); got != "Not started" {
		t.Fatalf("status on the subject page %q", got)
	}
	student.ClickAndWait(".coursework-item [data-action]")
	student.SetValue("#id_text", "My essay is attached.")
	student.UploadFile("#id_file", pdf)
	student.Submit("form[data-hand-in-form]")
	student.WaitVisible(".toast--success")
	if got := student.Text("#hand-in [data-status]"); got != "Submitted" {
		t.Fatalf("status after handing in %q", got)
	}
	if got := student.Text("#hand-in .doc__name"); got != "goroutines.pdf" {
		t.Fatalf("the file shown %q", got)
	}
	student.Screenshot("hand-in-student")
	student.WaitJS(`document.documentElement.dataset.live === "open"`)
	if student.Visible("#hand-in [data-grade]") {
		t.Fatal("a grade before grading")
	}

	// The instructor grades it from the list; the marks field starts empty.
	teacher := New(t)
	logIn(t, teacher, app, "tina")
	teacher.Navigate(app.URL + learn.MaterialURL(essay.ID))
	teacher.ClickAndWait("#hand-in a[href$='/submissions/']")
	if got := teacher.Text("[data-count=submitted]"); got != "1" {
		t.Fatalf("handed in %q", got)
	}
	teacher.ClickAndWait("tr[data-student=sam] a.btn")
	if v := teacher.Attr("#id_marks", "value"); v != "" {
		t.Fatalf("the marks field starts at %q", v)
	}
	var valid bool
	teacher.Eval(`document.querySelector("#id_marks").checkValidity()`, &valid)
	if valid {
		t.Fatal("an empty marks field is valid")
	}
	teacher.SetValue("#id_marks", "17")
	teacher.SetValue("#id_feedback", "Clear and correct. Mind the data race in section 2.")
	teacher.Submit("form[data-grade-form]")
	teacher.WaitVisible(".toast--success")
	teacher.Screenshot("hand-ins-teacher")

	// The student's page, still open, shows the grade without a reload.
	student.WaitJS(`(document.querySelector("#hand-in [data-score]") || {}).textContent === "17 / 20"`)
	if got := student.Text("#hand-in [data-feedback]"); !strings.Contains(got, "Mind the data race") {
		t.Fatalf("feedback %q", got)
	}
	if got := student.Text("#hand-in [data-status]"); got != "Graded" {
		t.Fatalf("status after grading %q", got)
	}
	if student.Visible("form[data-hand-in-form]") {
		t.Error("a graded hand-in can still be handed in again")
	}
	student.Screenshot("hand-in-graded")
	student.Navigate(app.URL + "/home/subjects/GO101/")
	if got := student.Text(".coursework-item"); !strings.Contains(got, "Graded") || !strings.Contains(got, "17 / 20") || !strings.Contains(got, "View") {
		t.Fatalf("the subject page's item after grading %q", got)
	}
	student.Screenshot("subject-coursework")

	teacher.Navigate(app.URL + "/home/subjects/GO101/gradebook/")
	if got := teacher.Text("tr[data-student=sam] [data-current]"); got != "85.0 %" {
		t.Fatalf("gradebook current %q", got)
	}
	teacher.Screenshot("gradebook")
}
