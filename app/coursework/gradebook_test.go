package coursework_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/coursework"
	"eplatform/app/learn"
	"eplatform/app/problem"
	"eplatform/app/quiz"
	"eplatform/app/store"
)

// tfQuiz adds a quiz of n true/false questions ("True" is right) of marks each, and a
// short answer of short marks when short > 0.
func (w *world) tfQuiz(title, gradeBy string, n, marks, short int) store.Quiz {
	w.t.Helper()
	qz, err := w.app.State.Quiz.CreateQuiz(ctx, w.teach, w.subj.ID, quiz.QuizInput{Title: &title, GradeBy: &gradeBy})
	if err != nil {
		w.t.Fatal(err)
	}
	for i := range n {
		if _, err := w.app.State.Quiz.AddQuestion(ctx, w.teach, qz.ID, quiz.QuestionInput{Kind: quiz.TrueFalse,
			Text: title + " statement " + string(rune('A'+i)), Marks: marks, Correct: true}); err != nil {
			w.t.Fatal(err)
		}
	}
	if short > 0 {
		if _, err := w.app.State.Quiz.AddQuestion(ctx, w.teach, qz.ID, quiz.QuestionInput{Kind: quiz.ShortAnswer,
			Text: "Explain.", Marks: short}); err != nil {
			w.t.Fatal(err)
		}
	}
	return qz
}

// attempt takes a quiz as u, answering the first right questions right, the other
// true/false ones wrong and a short answer (left for grading); finish false leaves it
// open.
func (w *world) attempt(u store.User, qz store.Quiz, right int, finish bool) store.Attempt {
	w.t.Helper()
	att, _, err := w.app.State.Quiz.Start(ctx, u, qz.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	qs, err := w.app.State.DB.QuestionsOfQuiz(ctx, qz.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	var answers []quiz.AnswerIn
	k := 0
	for _, q := range qs {
		if q.Kind == quiz.ShortAnswer {
			answers = append(answers, quiz.AnswerIn{QuestionID: q.ID, Text: learn.Str("Because.")})
			continue
		}
		pick := q.Answers[1].ID // False: wrong
		if k < right {
			pick = q.Answers[0].ID
		}
		k++
		answers = append(answers, quiz.AnswerIn{QuestionID: q.ID, AnswerID: pick})
	}
	if _, err := w.app.State.Quiz.Save(ctx, u, att.ID, answers); err != nil {
		w.t.Fatal(err)
	}
	if finish {
		if att, _, err = w.app.State.Quiz.Submit(ctx, u, att.ID); err != nil {
			w.t.Fatal(err)
		}
	}
	return att
}

// TestGradebookArithmetic checks a class's gradebook against numbers worked out by
// hand (in the comments).
func TestGradebookArithmetic(t *testing.T) {
	w := newWorld(t)
	third := w.app.Account("third", "student")
	if _, err := w.app.State.Learn.Enroll(ctx, third, w.subj.ID); err != nil {
		t.Fatal(err)
	}
	s1, s2, s3 := w.stud, w.other, third // rows by last name "Tester", then first name: Other, Stud, Third

	// Columns, oldest first:
	//   A quiz, best attempt, 5 × 2 = 10 marks;   B quiz, last attempt, 5 × 1 = 5 marks;
	//   C quiz, 1 + a short answer of 3 = 4 marks; X assignment /20, due in 2 days;
	//   Y assignment /10, no due date.
	a := w.tfQuiz("A", quiz.GradeBest, 5, 2, 0)
	w.app.Clock.Advance(time.Minute)
	b := w.tfQuiz("B", quiz.GradeLast, 5, 1, 0)
	w.app.Clock.Advance(time.Minute)
	c := w.tfQuiz("C", quiz.GradeBest, 1, 1, 3)
	w.app.Clock.Advance(time.Minute)
	x := w.assignment("X", 48*time.Hour, learn.LateAccept, 20)
	w.app.Clock.Advance(time.Minute)
	y := w.assignment("Y", 0, learn.LateAccept, 10)
	hidden := w.tfQuiz("Hidden", quiz.GradeBest, 1, 1, 0)
	if _, err := w.app.State.Quiz.UpdateQuiz(ctx, w.teach, hidden.ID, quiz.QuizInput{IsActive: new(bool)}); err != nil {
		t.Fatal(err)
	}

	w.attempt(s1, a, 3, true) // 6/10
	w.attempt(s1, a, 4, true) // 8/10: best
	w.attempt(s2, a, 5, true) // 10/10: best
	w.attempt(s2, a, 2, true) // 4/10
	w.attempt(s1, b, 5, true) // 5/5
	w.attempt(s1, b, 2, true) // 2/5: last
	w.attempt(s2, b, 1, true) // 1/5
	w.attempt(s3, b, 4, false)
	w.attempt(s1, c, 1, true) // 1 so far, the short answer waits: pending, not counted

	x1 := w.submit(s1, x, coursework.SubmitInput{Text: "x1"}).Submission
	w.submit(s1, y, coursework.SubmitInput{Text: "y1"}) // not graded
	y2 := w.submit(s2, y, coursework.SubmitInput{Text: "y2"}).Submission
	w.app.Clock.Advance(72 * time.Hour) // X is past due: s2 hands in late, s3 never
	x2 := w.submit(s2, x, coursework.SubmitInput{Text: "x2"}).Submission
	w.grade(w.teach, x1.ID, 15, "")
	w.grade(w.teach, x2.ID, 10, "Late, and thin.")
	w.grade(w.teach, y2.ID, 7, "")

	g, err := w.svc.Gradebook(ctx, w.teach, w.subj.ID)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, col := range g.Columns {
		titles = append(titles, col.Title)
	}
	if !slices.Equal(titles, []string{"A", "B", "C", "X", "Y"}) {
		t.Fatalf("columns %v", titles)
	}
	if len(g.Rows) != 3 || g.Rows[0].Student.ID != s2.ID || g.Rows[1].Student.ID != s1.ID || g.Rows[2].Student.ID != s3.ID {
		t.Fatalf("rows: %+v", g.Rows)
	}
	type cellWant struct {
		status       string
		score, max   int
		counted      bool
		late         bool
		attemptsUsed int
	}
	check := func(who string, r coursework.Row, cells []cellWant, earned, countedMax, possible int, current, overall string) {
		t.Helper()
		for i, want := range cells {
			got := r.Cells[i]
			if got.Status != want.status || got.Score != want.score || got.Max != want.max || got.Counted != want.counted ||
				got.Late != want.late || got.Attempts != want.attemptsUsed {
				t.Errorf("%s, %s: got %+v, want %+v", who, titles[i], got, want)
			}
		}
		if r.Earned != earned || r.CountedMax != countedMax || r.Possible != possible ||
			r.Current.String() != current || r.Overall.String() != overall {
			t.Errorf("%s totals: %d/%d of %d, %s %% and %s %%; want %d/%d of %d, %s %% and %s %%", who,
				r.Earned, r.CountedMax, r.Possible, r.Current, r.Overall, earned, countedMax, possible, current, overall)
		}
	}
	// s1: 8 + 2 + 15 = 25 of 10 + 5 + 20 = 35 → 71.43 → 71.4 %; of all 49 → 51.02 → 51.0 %.
	check("s1", g.Rows[1], []cellWant{
		{coursework.Graded, 8, 10, true, false, 2}, {coursework.Graded, 2, 5, true, false, 2},
		{coursework.Pending, 1, 4, false, false, 1}, {coursework.Graded, 15, 20, true, false, 0},
		{coursework.Submitted, 0, 10, false, false, 0},
	}, 25, 35, 49, "71.4", "51.0")
	// s2: 10 + 1 + 10 + 7 = 28 of 10 + 5 + 20 + 10 = 45 → 62.22 → 62.2 %; of 49 → 57.14 → 57.1 %.
	check("s2", g.Rows[0], []cellWant{
		{coursework.Graded, 10, 10, true, false, 2}, {coursework.Graded, 1, 5, true, false, 1},
		{coursework.NotStarted, 0, 4, false, false, 0}, {coursework.Graded, 10, 20, true, true, 0},
		{coursework.Graded, 7, 10, true, false, 0},
	}, 28, 45, 49, "62.2", "57.1")
	// s3: only the missing X counts, 0 of 20 → 0.0 %; of 49 → 0.0 %.
	check("s3", g.Rows[2], []cellWant{
		{coursework.NotStarted, 0, 10, false, false, 0}, {coursework.InProgress, 0, 5, false, false, 1},
		{coursework.NotStarted, 0, 4, false, false, 0}, {coursework.Missing, 0, 20, true, false, 0},
		{coursework.NotSubmitted, 0, 10, false, false, 0},
	}, 0, 20, 49, "0.0", "0.0")

	// The columns' figures: A 18/20 = 90 %; B 3/10 = 30 %; C nothing counted; X 25/60 =
	// 41.67 → 41.7 %; Y 7/10 = 70 %.
	wantCols := []struct {
		done, toGrade, missing int
		average                string
	}{{2, 0, 0, "90.0"}, {2, 0, 0, "30.0"}, {1, 1, 0, ""}, {2, 0, 1, "41.7"}, {2, 1, 0, "70.0"}}
	for i, want := range wantCols {
		col := g.Columns[i]
		if col.Done != want.done || col.ToGrade != want.toGrade || col.Missing != want.missing || col.Average.String() != want.average {
			t.Errorf("column %s: %+v, want %+v", col.Title, col, want)
		}
	}
	// Histogram: 0.0 in the first bar, 62.2 in the 7th, 71.4 in the 8th; the class
	// average of 0.0, 62.2 and 71.4 is 133.6 / 3 = 44.53 → 44.5 %.
	if g.Histogram != [10]int{1, 0, 0, 0, 0, 0, 1, 1, 0, 0} || g.Average.String() != "44.5" {
		t.Errorf("histogram %v, average %s", g.Histogram, g.Average)
	}

	// The student's own grades and the subject page say the same.
	mine, err := w.svc.MyGrades(ctx, s1)
	if err != nil || len(mine) != 1 || mine[0].Row.Earned != 25 || mine[0].Row.Current.String() != "71.4" || len(mine[0].Columns) != 5 {
		t.Fatalf("s1's grades: %+v %v", mine, err)
	}
	o, err := w.svc.Overview(ctx, s3, w.subj)
	if err != nil || !o.Student || o.Manage || o.Row == nil || o.Row.Cells[1].Status != coursework.InProgress || o.Row.Cells[1].OpenAttemptID == 0 {
		t.Fatalf("s3's overview: %+v %v", o, err)
	}
	o, err = w.svc.Overview(ctx, w.teach, w.subj)
	if err != nil || !o.Manage || o.Row != nil || len(o.Columns) != 5 || o.Columns[3].Missing != 1 {
		t.Fatalf("the instructor's overview: %+v %v", o, err)
	}
	o, err = w.svc.Overview(ctx, w.out, w.subj)
	if err != nil || o.Manage || o.Student || o.Columns != nil {
		t.Fatalf("an outsider's overview: %+v %v", o, err)
	}

	// A switches to the last attempt: s2's 4/10 counts instead of 10/10:
	// 4 + 1 + 10 + 7 = 22 of 45 → 48.89 → 48.9 %.
	if _, err := w.app.State.Quiz.UpdateQuiz(ctx, w.teach, a.ID, quiz.QuizInput{GradeBy: learn.Str(quiz.GradeLast)}); err != nil {
		t.Fatal(err)
	}
	g, err = w.svc.Gradebook(ctx, w.teach, w.subj.ID)
	if err != nil || g.Rows[0].Cells[0].Score != 4 || g.Rows[0].Earned != 22 || g.Rows[0].Current.String() != "48.9" {
		t.Fatalf("with the last attempt: %+v %v", g.Rows[0], err)
	}
	_, err = w.app.State.Quiz.UpdateQuiz(ctx, w.teach, a.ID, quiz.QuizInput{GradeBy: learn.Str("worst")})
	apptest.WantField(t, "unknown rule", err, "grade_by", "best or last")

	// The export: a header, then each student with their counted scores.
	recs := g.Records()
	if got := strings.Join(recs[0], "|"); got != "username|first_name|last_name|A (/10)|B (/5)|C (/4)|X (/20)|Y (/10)|earned|counted_max|possible|current_percent|overall_percent" {
		t.Errorf("header %q", got)
	}
	if got := strings.Join(recs[3], "|"); got != "third|Third|Tester||||missing||0|20|49|0.0|0.0" {
		t.Errorf("s3's record %q", got)
	}

	// Who reads the gradebook: the subject's managers.
	for _, c := range []struct {
		who  store.User
		kind problem.Kind
	}{{s1, problem.KindForbidden}, {w.out, problem.KindForbidden}, {w.teach2, problem.KindForbidden}} {
		_, err := w.svc.Gradebook(ctx, c.who, w.subj.ID)
		apptest.WantKind(t, c.who.Username+" reads the gradebook", err, c.kind)
	}
	if _, err := w.svc.Gradebook(ctx, w.root, w.subj.ID); err != nil {
		t.Errorf("admin: %v", err)
	}
	_, err = w.svc.Gradebook(ctx, w.teach, 9999)
	apptest.WantKind(t, "no such subject", err, problem.KindNotFound)
}

func TestPercentRounding(t *testing.T) {
	for _, c := range []struct {
		n, d int
		want string
	}{{1, 8, "12.5"}, {2, 3, "66.7"}, {1, 3, "33.3"}, {1, 16, "6.3"}, {0, 7, "0.0"}, {7, 7, "100.0"}, {1, 0, ""}, {999, 1000, "99.9"}, {9995, 10000, "100.0"}} {
		if got := coursework.PercentOf(c.n, c.d).String(); got != c.want {
			t.Errorf("%d/%d = %q, want %q", c.n, c.d, got, c.want)
		}
	}
}
