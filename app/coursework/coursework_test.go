package coursework_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/coursework"
	"eplatform/app/learn"
	"eplatform/app/media"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// The coursework rules, called as the handlers call them, on a real database.

var ctx = context.Background()

const pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

type world struct {
	t                                     *testing.T
	app                                   *apptest.App
	svc                                   *coursework.Service
	teach, teach2, stud, other, out, root store.User
	subj                                  store.Subject
}

// newWorld: teach runs CS1 with stud and other enrolled; out is a student who is not;
// teach2 teaches something else; root is an admin.
func newWorld(t *testing.T) *world {
	t.Helper()
	app := apptest.StartRelaxed(t)
	w := &world{t: t, app: app, svc: app.State.Coursework,
		teach: app.Account("teach", "instructor"), teach2: app.Account("teach2", "instructor"),
		stud: app.Account("stud", "student"), other: app.Account("other", "student"),
		out: app.Account("out", "student"), root: app.Account("root", "admin")}
	var err error
	if w.subj, err = app.State.Learn.CreateSubject(ctx, w.teach, learn.SubjectInput{Name: learn.Str("Computing"), Code: learn.Str("CS1")}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.User{w.stud, w.other} {
		if _, err := app.State.Learn.Enroll(ctx, u, w.subj.ID); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// assignment adds an assignment due after due (0: no due date) with a late policy
// and a maximum mark.
func (w *world) assignment(title string, due time.Duration, late string, maxMarks int) store.Material {
	w.t.Helper()
	in := learn.MaterialInput{Kind: learn.Str(learn.Assignment), Title: learn.Str(title), LatePolicy: &late, MaxMarks: &maxMarks}
	if due != 0 {
		in.Due = learn.Str(w.app.Clock.Now().Add(due).Format(time.RFC3339))
	}
	m, err := w.app.State.Learn.AddMaterial(ctx, w.teach, w.subj.ID, in)
	if err != nil {
		w.t.Fatal(err)
	}
	return m
}

// upload stores a hand-in file as the form would.
func (w *world) upload(name, data string) *media.MaterialFile {
	w.t.Helper()
	f, err := w.app.State.Media.SaveSubmission(name, strings.NewReader(data))
	if err != nil {
		w.t.Fatal(err)
	}
	return &f
}

func (w *world) exists(rel string) bool {
	_, err := os.Stat(filepath.Join(w.app.State.Media.Root, rel))
	return err == nil
}

func (w *world) submit(u store.User, m store.Material, in coursework.SubmitInput) coursework.SubmitResult {
	w.t.Helper()
	res, err := w.svc.Submit(ctx, u, m.ID, in)
	if err != nil {
		w.t.Fatalf("%s hands in %q: %v", u.Username, m.Title, err)
	}
	return res
}

func (w *world) grade(u store.User, id int64, marks int, feedback string) store.Submission {
	w.t.Helper()
	x, err := w.svc.Grade(ctx, u, id, coursework.GradeInput{Marks: &marks, Feedback: feedback})
	if err != nil {
		w.t.Fatalf("grade %d: %v", id, err)
	}
	return x
}

func TestHandInUntilTheDueDate(t *testing.T) {
	w := newWorld(t)
	m := w.assignment("Essay", 48*time.Hour, learn.LateAccept, 20)

	first := w.submit(w.stud, m, coursework.SubmitInput{Text: "  My first draft.\r\nSecond line.  "})
	if !first.Created || first.Submission.Text != "My first draft.\nSecond line." || first.Submission.Versions != 1 ||
		first.Submission.IsLate || first.Submission.File != nil {
		t.Fatalf("first hand-in: %+v", first)
	}
	// Again with a file: a new version of the same hand-in.
	f1 := w.upload("essay.pdf", pdf)
	w.app.Clock.Advance(time.Hour)
	second := w.submit(w.stud, m, coursework.SubmitInput{Text: "See the PDF.", File: f1})
	if second.Created || second.Submission.ID != first.Submission.ID || second.Submission.Versions != 2 ||
		second.Submission.File == nil || second.Submission.File.Path != f1.Path ||
		!second.Submission.SubmittedAt.After(second.Submission.FirstSubmittedAt) {
		t.Fatalf("second hand-in: %+v", second)
	}
	// Without a new file the current one stays; a new file replaces it and the old one
	// is removed from the disk.
	third := w.submit(w.stud, m, coursework.SubmitInput{Text: "Same PDF, new words."})
	if third.Submission.File == nil || third.Submission.File.Path != f1.Path || third.Submission.Text != "Same PDF, new words." {
		t.Fatalf("third hand-in kept the file? %+v", third.Submission)
	}
	f2 := w.upload("essay-v2.md", "# Essay\n\nFinal version.\n")
	w.submit(w.stud, m, coursework.SubmitInput{File: f2})
	if w.exists(f1.Path) || !w.exists(f2.Path) {
		t.Errorf("old file kept %v, new file there %v", w.exists(f1.Path), w.exists(f2.Path))
	}
	// Removing the file with no text leaves nothing: refused, and nothing changes.
	_, err := w.svc.Submit(ctx, w.stud, m.ID, coursework.SubmitInput{RemoveFile: true})
	apptest.WantField(t, "empty hand-in", err, "text", "Write your answer or attach a file")
	if !w.exists(f2.Path) {
		t.Error("a refused hand-in removed the current file")
	}
	x, err := w.app.State.DB.SubmissionOf(ctx, m.ID, w.stud.ID)
	if err != nil || x.Versions != 4 || x.File == nil {
		t.Fatalf("after the refusal: %+v %v", x, err)
	}

	// The due date passes: the hand-in is locked; a first one is taken, marked late,
	// and then locked too.
	w.app.Clock.Advance(48 * time.Hour)
	f3 := w.upload("late.pdf", pdf)
	_, err = w.svc.Submit(ctx, w.stud, m.ID, coursework.SubmitInput{Text: "One more change", File: f3})
	if !errors.Is(err, coursework.ErrLocked) {
		t.Fatalf("change after the due date: %v", err)
	}
	if w.exists(f3.Path) {
		t.Error("the refused upload stayed on the disk")
	}
	late := w.submit(w.other, m, coursework.SubmitInput{Text: "Sorry, I am late."})
	if !late.Created || !late.Submission.IsLate {
		t.Fatalf("late hand-in: %+v", late.Submission)
	}
	if _, err := w.svc.Submit(ctx, w.other, m.ID, coursework.SubmitInput{Text: "And again"}); !errors.Is(err, coursework.ErrLocked) {
		t.Errorf("replacing a late hand-in: %v", err)
	}
}

func TestLatePolicyRefuse(t *testing.T) {
	w := newWorld(t)
	m := w.assignment("Lab report", time.Hour, learn.LateRefuse, 10)
	w.submit(w.stud, m, coursework.SubmitInput{Text: "On time."})
	w.app.Clock.Advance(time.Hour) // exactly the due date: still on time
	w.submit(w.stud, m, coursework.SubmitInput{Text: "On time, just."})
	w.app.Clock.Advance(time.Second)
	f := w.upload("late.pdf", pdf)
	_, err := w.svc.Submit(ctx, w.other, m.ID, coursework.SubmitInput{File: f})
	if !errors.Is(err, coursework.ErrRefusedLate) || problem.KindOf(err) != problem.KindConflict {
		t.Fatalf("late hand-in to a refusing assignment: %v", err)
	}
	if w.exists(f.Path) {
		t.Error("the refused upload stayed on the disk")
	}
	d, err := w.svc.Desk(ctx, w.other, m.ID)
	if err != nil || d.Status != coursework.Missing || d.Window.Open || d.Window.Refusal != coursework.ErrRefusedLate {
		t.Errorf("the late student's desk: %+v %v", d, err)
	}
	// Without a due date there is no late: hand in again at any time.
	open := w.assignment("Reading notes", 0, learn.LateRefuse, 10)
	w.submit(w.other, open, coursework.SubmitInput{Text: "Notes"})
	w.app.Clock.Advance(1000 * time.Hour)
	if res := w.submit(w.other, open, coursework.SubmitInput{Text: "More notes"}); res.Submission.IsLate || res.Submission.Versions != 2 {
		t.Errorf("no due date: %+v", res.Submission)
	}
}

func TestWhoHandsIn(t *testing.T) {
	w := newWorld(t)
	m := w.assignment("Essay", 48*time.Hour, learn.LateAccept, 20)
	cases := []struct {
		who  store.User
		kind problem.Kind
	}{
		{w.teach, problem.KindForbidden}, // manages it
		{w.root, problem.KindForbidden},  // manages it
		{w.out, problem.KindForbidden},   // not enrolled
		{w.teach2, problem.KindForbidden},
	}
	for _, c := range cases {
		_, err := w.svc.Submit(ctx, c.who, m.ID, coursework.SubmitInput{Text: "x"})
		apptest.WantKind(t, c.who.Username+" hands in", err, c.kind)
	}
	// Bad input is told only to who may hand in.
	_, err := w.svc.Submit(ctx, w.out, m.ID, coursework.SubmitInput{Text: "bad\x00"})
	apptest.WantKind(t, "outsider with bad text", err, problem.KindForbidden)
	_, err = w.svc.Submit(ctx, w.stud, m.ID, coursework.SubmitInput{Text: "bad\x00"})
	apptest.WantField(t, "control character", err, "text", "control character")
	_, err = w.svc.Submit(ctx, w.stud, m.ID, coursework.SubmitInput{Text: strings.Repeat("é", coursework.MaxText+1)})
	apptest.WantField(t, "too long", err, "text", "no more than 20000")
	// A video is no hand-in (SaveSubmission refuses it by its first bytes).
	_, err = w.app.State.Media.SaveSubmission("talk.mp4", strings.NewReader("\x00\x00\x00\x18ftypmp42"+strings.Repeat("x", 600)))
	apptest.WantKind(t, "video hand-in", err, problem.KindInvalid)

	// A hidden assignment, another kind of material, a missing one: not found.
	hidden, err := w.app.State.Learn.UpdateMaterial(ctx, w.teach, m.ID, learn.MaterialInput{IsActive: new(bool)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.Submit(ctx, w.stud, hidden.ID, coursework.SubmitInput{Text: "x"})
	apptest.WantKind(t, "hidden assignment", err, problem.KindNotFound)
	link, err := w.app.State.Learn.AddMaterial(ctx, w.teach, w.subj.ID, learn.MaterialInput{Kind: learn.Str(learn.Link),
		Title: learn.Str("Tour"), ExternalURL: learn.Str("https://go.dev/tour/")})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{link.ID, 9999} {
		_, err = w.svc.Submit(ctx, w.stud, id, coursework.SubmitInput{Text: "x"})
		apptest.WantKind(t, "not an assignment", err, problem.KindNotFound)
	}
}

func TestHandInVisibility(t *testing.T) {
	w := newWorld(t)
	m := w.assignment("Essay", 48*time.Hour, learn.LateAccept, 20)
	f := w.upload("essay.pdf", pdf)
	x := w.submit(w.stud, m, coursework.SubmitInput{Text: "Mine", File: f}).Submission
	w.submit(w.other, m, coursework.SubmitInput{Text: "Theirs"})

	for _, c := range []struct {
		who     store.User
		see     bool
		history bool
	}{
		{w.stud, true, false}, {w.teach, true, true}, {w.root, true, true},
		{w.other, false, false}, {w.out, false, false}, {w.teach2, false, false},
	} {
		d, err := w.svc.Submission(ctx, c.who, x.ID)
		_, ferr := w.svc.File(ctx, c.who, x.ID)
		if !c.see {
			apptest.WantKind(t, c.who.Username+" opens the hand-in", err, problem.KindNotFound)
			apptest.WantKind(t, c.who.Username+" fetches the file", ferr, problem.KindNotFound)
			continue
		}
		if err != nil || ferr != nil || d.Submission.Text != "Mine" || d.Student.ID != w.stud.ID || (d.History != nil) != c.history {
			t.Errorf("%s: %+v %v %v", c.who.Username, d, err, ferr)
		}
	}
	// The roster is the managers'.
	for _, u := range []store.User{w.stud, w.teach2} {
		_, err := w.svc.HandIns(ctx, u, m.ID)
		apptest.WantKind(t, u.Username+" lists the hand-ins", err, problem.KindForbidden)
	}
	_, err := w.svc.HandIns(ctx, w.out, m.ID)
	apptest.WantKind(t, "outsider lists the hand-ins", err, problem.KindForbidden)

	// A student who leaves the subject no longer sees their hand-in (and is told why);
	// the instructor still has it, listed apart from the enrolled.
	if _, _, err := w.app.State.Learn.Unenroll(ctx, w.stud, w.subj.ID); err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.Submission(ctx, w.stud, x.ID)
	apptest.WantKind(t, "after leaving", err, problem.KindForbidden)
	r, err := w.svc.HandIns(ctx, w.teach, m.ID)
	if err != nil || len(r.Rows) != 2 || r.Counts.Students != 1 || r.Counts.Submitted != 1 || r.Rows[1].Enrolled ||
		r.Rows[1].Student.ID != w.stud.ID {
		t.Fatalf("roster after leaving: %+v %v", r, err)
	}
}

func TestGradeKeepsHistoryAndNotifies(t *testing.T) {
	w := newWorld(t)
	m := w.assignment("Essay", 48*time.Hour, learn.LateAccept, 20)
	x := w.submit(w.stud, m, coursework.SubmitInput{Text: "Mine"}).Submission

	bad := []struct {
		marks *int
		field string
		msg   string
	}{
		{nil, "marks", "Enter the marks, from 0 to 20"},
		{ptr(-1), "marks", "from 0 to 20"},
		{ptr(21), "marks", "from 0 to 20"},
	}
	for _, b := range bad {
		_, err := w.svc.Grade(ctx, w.teach, x.ID, coursework.GradeInput{Marks: b.marks})
		apptest.WantField(t, "bad marks", err, b.field, b.msg)
	}
	_, err := w.svc.Grade(ctx, w.teach, x.ID, coursework.GradeInput{Marks: ptr(5), Feedback: "bad\x01"})
	apptest.WantField(t, "bad feedback", err, "feedback", "control character")
	_, err = w.svc.Grade(ctx, w.stud, x.ID, coursework.GradeInput{Marks: ptr(20)})
	apptest.WantKind(t, "the student grades themself", err, problem.KindForbidden)
	_, err = w.svc.Grade(ctx, w.other, x.ID, coursework.GradeInput{Marks: ptr(0)})
	apptest.WantKind(t, "another student grades", err, problem.KindNotFound)
	if n, _ := w.app.State.DB.CountUnread(ctx, w.stud.ID); n != 0 {
		t.Fatalf("refused grades notified: %d", n)
	}

	g := w.grade(w.teach, x.ID, 0, "Not what was asked.") // 0 is a grade, typed on purpose
	if g.Marks == nil || *g.Marks != 0 || g.GradedBy != w.teach.ID {
		t.Fatalf("graded: %+v", g)
	}
	list, err := w.app.State.Notify.List(ctx, store.NotificationQuery{RecipientID: w.stud.ID, Limit: 10})
	if err != nil || len(list) != 1 || list[0].Type != "assignment_graded" || list[0].URL != learn.MaterialURL(m.ID) ||
		list[0].Text != "Your hand-in for “Essay” was graded: 0/20" {
		t.Fatalf("notification: %+v %v", list, err)
	}
	if _, err := w.app.State.Notify.MarkRead(ctx, w.stud.ID, list[0].ID); err != nil {
		t.Fatal(err)
	}
	w.app.Clock.Advance(time.Minute)
	w.grade(w.root, x.ID, 17, "Regraded after a second reading.")
	list, _ = w.app.State.Notify.List(ctx, store.NotificationQuery{RecipientID: w.stud.ID, Limit: 10})
	if len(list) != 1 || list[0].IsRead || list[0].Text != "Your hand-in for “Essay” was regraded: 17/20" {
		t.Fatalf("after the regrade: %+v", list)
	}
	d, err := w.svc.Submission(ctx, w.teach, x.ID)
	if err != nil || len(d.History) != 2 || d.History[0].Marks != 17 || d.History[1].Marks != 0 ||
		d.History[1].Feedback != "Not what was asked." || d.History[0].GradedBy == nil || d.History[0].GradedBy.ID != w.root.ID ||
		d.History[0].MaxMarks != 20 || *d.Submission.Marks != 17 || d.Status != coursework.Graded {
		t.Fatalf("history: %+v %v", d, err)
	}
	// Graded: the student can no longer change it, even before the due date.
	if _, err := w.svc.Submit(ctx, w.stud, m.ID, coursework.SubmitInput{Text: "Better now"}); !errors.Is(err, coursework.ErrGraded) {
		t.Errorf("changing a graded hand-in: %v", err)
	}
	// The maximum cannot drop below a grade given, nor the assignment change kind.
	_, err = w.app.State.Learn.UpdateMaterial(ctx, w.teach, m.ID, learn.MaterialInput{MaxMarks: ptr(10)})
	apptest.WantField(t, "lower maximum", err, "max_marks", "17 marks")
	_, err = w.app.State.Learn.UpdateMaterial(ctx, w.teach, m.ID, learn.MaterialInput{Kind: learn.Str(learn.Link),
		ExternalURL: learn.Str("https://example.com/")})
	apptest.WantField(t, "other kind", err, "type", "stays an assignment")
	if _, err := w.app.State.Learn.UpdateMaterial(ctx, w.teach, m.ID, learn.MaterialInput{MaxMarks: ptr(17)}); err != nil {
		t.Errorf("maximum equal to the top grade: %v", err)
	}
}

func TestDeletingTakesTheHandIns(t *testing.T) {
	w := newWorld(t)
	m := w.assignment("Essay", 48*time.Hour, learn.LateAccept, 20)
	f := w.upload("essay.pdf", pdf)
	x := w.submit(w.stud, m, coursework.SubmitInput{File: f}).Submission
	w.grade(w.teach, x.ID, 12, "")
	if n, _ := w.app.State.Notify.Unread(ctx, w.stud.ID); n != 1 {
		t.Fatalf("unread before: %d", n)
	}
	if _, err := w.app.State.Learn.DeleteMaterial(ctx, w.teach, m.ID); err != nil {
		t.Fatal(err)
	}
	if w.exists(f.Path) {
		t.Error("the hand-in's file outlived its assignment")
	}
	if n, _ := w.app.State.Notify.Unread(ctx, w.stud.ID); n != 0 {
		t.Errorf("unread after: %d", n)
	}
	// And with the whole subject.
	m2 := w.assignment("Second", 48*time.Hour, learn.LateAccept, 20)
	f2 := w.upload("second.pdf", pdf)
	w.submit(w.stud, m2, coursework.SubmitInput{File: f2})
	if err := w.app.State.Learn.DeleteSubject(ctx, w.teach, w.subj.ID); err != nil {
		t.Fatal(err)
	}
	if w.exists(f2.Path) {
		t.Error("the hand-in's file outlived its subject")
	}
}

func ptr[T any](v T) *T { return &v }
