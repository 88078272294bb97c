package quiz_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/problem"
	"eplatform/app/quiz"
	"eplatform/app/store"
)

func TestMatches(t *testing.T) {
	models := []store.Answer{{Text: "Quicksort"}, {Text: "go fmt"}, {Text: "3.14"}}
	for answer, want := range map[string]bool{
		"quicksort": true, "  QUICK sort ": true, "Quick\tSort\n": true, "gofmt": true, "GO  FMT": true,
		"quicksorts": false, "quick-sort": false, "314": false, "3.14": true, "": false, "   ": false,
		"ＱＵＩＣＫＳＯＲＴ": false, // full-width letters are other characters
	} {
		if got := quiz.Matches(answer, models); got != want {
			t.Errorf("Matches(%q) = %v, want %v", answer, got, want)
		}
	}
	if quiz.Matches("anything", nil) {
		t.Error("matched without model answers")
	}
}

// submitShort has who start the quiz, answer the short question with answer, and
// submit; it returns the finished attempt.
func (w *world) submitShort(t *testing.T, who store.User, answer string) store.Attempt {
	t.Helper()
	att, _, err := w.svc.Start(ctx, who, w.qz.ID)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	if _, err := w.svc.Save(ctx, who, att.ID, []quiz.AnswerIn{{QuestionID: w.short.ID, Text: &answer},
		{QuestionID: w.mcq.ID, AnswerID: w.mcqRight}}); err != nil {
		t.Fatalf("save: %v", err)
	}
	done, _, err := w.svc.Submit(ctx, who, att.ID)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return done
}

func (w *world) setAuto(t *testing.T, on bool, models ...string) {
	t.Helper()
	var answers []store.AnswerFields
	for _, m := range models {
		answers = append(answers, store.AnswerFields{Text: m})
	}
	q, err := w.svc.UpdateQuestion(ctx, w.teach, w.short.ID, quiz.QuestionInput{Kind: quiz.ShortAnswer,
		Text: w.short.Text, Marks: 3, Answers: answers, AutoAccept: on})
	if err != nil || q.AutoAccept != on {
		t.Fatalf("auto accept %v: %+v %v", on, q, err)
	}
	w.short = q
}

// TestAutoAcceptAtSubmit: a short answer matching a model answer of a question that
// accepts them gets full marks when the attempt is submitted and never waits for a
// grade; one that does not match waits as before, and so does a match to a question
// without the option.
func TestAutoAcceptAtSubmit(t *testing.T) {
	w := newWorld(t)
	if _, err := w.app.State.Learn.Enroll(ctx, w.other, w.subj.ID); err != nil {
		t.Fatal(err)
	}
	w.setAuto(t, true, "Quicksort", "merge sort")
	got := w.submitShort(t, w.stud, "  MergeSort ")
	if got.PendingCount != 0 || got.Score != 5 || !quiz.Passed(got, 60) {
		t.Fatalf("matching answer: %+v", got)
	}
	saved, _ := w.app.State.DB.AnswersOfAttempt(ctx, got.ID)
	if a := saved[w.short.ID]; a.MarksAwarded == nil || *a.MarksAwarded != 3 || a.NeedsGrading ||
		a.Feedback != quiz.AcceptedFeedback || a.GradedBy != 0 || a.GradedAt.IsZero() {
		t.Fatalf("accepted answer row: %+v", a)
	}
	other := w.submitShort(t, w.other, "bubble sort")
	if other.PendingCount != 1 || other.Score != 2 {
		t.Fatalf("non-matching answer: %+v", other)
	}
	q, err := w.svc.GradingQueue(ctx, w.teach, w.qz.ID)
	if err != nil || len(q.Pending) != 1 || q.Pending[0].AttemptID != other.ID {
		t.Fatalf("queue holds only the non-matching answer: %+v %v", q.Pending, err)
	}
	if len(q.Questions) != 1 || q.Questions[0].Pending != 1 || len(q.Question(w.short.ID).Answers) != 2 {
		t.Fatalf("queue's questions: %+v", q.Questions)
	}

	// Without the option, a match waits for a person.
	w.setAuto(t, false, "Quicksort")
	again := w.submitShort(t, w.stud, "quicksort")
	if again.PendingCount != 1 {
		t.Fatalf("match without auto accept: %+v", again)
	}
	// Only short answers take the option.
	q2, err := w.svc.UpdateQuestion(ctx, w.teach, w.mcq.ID, quiz.QuestionInput{Kind: quiz.MCQ, Text: "2+2?", Marks: 2,
		AutoAccept: true, Answers: []store.AnswerFields{{ID: w.mcqWrong, Text: "3"}, {ID: w.mcqRight, Text: "4", IsCorrect: true}}})
	if err != nil || q2.AutoAccept {
		t.Fatalf("auto accept on a choice: %+v %v", q2.AutoAccept, err)
	}
}

// TestAutoAcceptWaiting: turning the option on accepts the matching answers already
// waiting, their scores follow and their takers are told; others keep waiting.
func TestAutoAcceptWaiting(t *testing.T) {
	w := newWorld(t)
	if _, err := w.app.State.Learn.Enroll(ctx, w.other, w.subj.ID); err != nil {
		t.Fatal(err)
	}
	a := w.submitShort(t, w.stud, "QUICK SORT")
	b := w.submitShort(t, w.other, "heap sort")
	if a.PendingCount != 1 || b.PendingCount != 1 {
		t.Fatalf("both wait: %+v %+v", a, b)
	}
	before, _ := w.app.State.DB.CountUnread(ctx, w.stud.ID)
	w.setAuto(t, true, "Quicksort")
	a, _ = w.app.State.DB.AttemptByID(ctx, a.ID)
	b, _ = w.app.State.DB.AttemptByID(ctx, b.ID)
	if a.PendingCount != 0 || a.Score != 5 || b.PendingCount != 1 || b.Score != 2 {
		t.Fatalf("after turning it on: %+v %+v", a, b)
	}
	if n, _ := w.app.State.DB.CountUnread(ctx, w.stud.ID); n != before+1 {
		t.Fatalf("the student is told: unread %d → %d", before, n)
	}
}

// TestGradeQuestionAcrossAttempts: one question graded across every attempt in one
// form; rows left blank stay as they are; a bad row refuses the whole set; a
// regrade replaces the marks.
func TestGradeQuestionAcrossAttempts(t *testing.T) {
	w := newWorld(t)
	if _, err := w.app.State.Learn.Enroll(ctx, w.other, w.subj.ID); err != nil {
		t.Fatal(err)
	}
	a := w.submitShort(t, w.stud, "Merge sort")
	b := w.submitShort(t, w.other, "Bogosort")
	c := w.submitShort(t, w.stud, "Timsort") // the student's second attempt

	g, err := w.svc.QuestionAnswers(ctx, w.teach, w.short.ID)
	if err != nil || len(g.Answers) != 3 || g.Pending != 3 {
		t.Fatalf("answers to the question: %+v %v", g, err)
	}
	if g.Answers[0].User.Username != "stud" || g.Answers[1].User.Username != "other" || g.Answers[0].Text != "Merge sort" {
		t.Fatalf("answers in attempt order with their takers: %+v", g.Answers)
	}
	two, zero, four := 2, 0, 4
	// Refusals store nothing: marks above the question's, feedback without marks.
	for name, rows := range map[string][]quiz.GradeIn{
		"marks above":          {{AttemptID: a.ID, Marks: &two}, {AttemptID: b.ID, Marks: &four}},
		"feedback, no marks":   {{AttemptID: a.ID, Marks: &two}, {AttemptID: b.ID, Feedback: "Why?"}},
		"control in feedback":  {{AttemptID: a.ID, Marks: &two, Feedback: "ok\x00"}},
		"negative marks first": {{AttemptID: a.ID, Marks: ptrInt(-1)}, {AttemptID: b.ID, Marks: &two}},
	} {
		_, err := w.svc.GradeQuestion(ctx, w.teach, w.short.ID, rows)
		p, ok := problem.As(err)
		if !ok || p.Kind != problem.KindInvalid || len(p.Fields) == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	if g, _ := w.svc.QuestionAnswers(ctx, w.teach, w.short.ID); g.Pending != 3 {
		t.Fatalf("refused sets stored something: %d pending", g.Pending)
	}
	_, err = w.svc.GradeQuestion(ctx, w.teach, w.short.ID, []quiz.GradeIn{{AttemptID: a.ID, Marks: &four}})
	apptest.WantField(t, "marks above, by row", err, "marks_"+itoa(a.ID), "between 0 and 3")

	// Two graded, one left blank.
	n, err := w.svc.GradeQuestion(ctx, w.teach, w.short.ID, []quiz.GradeIn{
		{AttemptID: a.ID, Marks: &two, Feedback: " Half right "}, {AttemptID: b.ID, Marks: &zero}, {AttemptID: c.ID}})
	if err != nil || n != 2 {
		t.Fatalf("graded %d: %v", n, err)
	}
	a, _ = w.app.State.DB.AttemptByID(ctx, a.ID)
	b, _ = w.app.State.DB.AttemptByID(ctx, b.ID)
	c, _ = w.app.State.DB.AttemptByID(ctx, c.ID)
	if a.Score != 4 || a.PendingCount != 0 || b.Score != 2 || b.PendingCount != 0 || c.PendingCount != 1 {
		t.Fatalf("scores after grading: %+v %+v %+v", a, b, c)
	}
	saved, _ := w.app.State.DB.AnswersOfAttempt(ctx, a.ID)
	if f := saved[w.short.ID]; f.Feedback != "Half right" || f.GradedBy != w.teach.ID {
		t.Fatalf("graded row: %+v", f)
	}
	// The blank row's answer still waits, listed first.
	if g, _ := w.svc.QuestionAnswers(ctx, w.teach, w.short.ID); g.Pending != 1 || g.Answers[0].AttemptID != c.ID {
		t.Fatalf("after grading: %+v", g)
	}
	// A regrade replaces the marks: the score is not counted twice.
	three := 3
	if _, err := w.svc.GradeQuestion(ctx, w.teach, w.short.ID, []quiz.GradeIn{{AttemptID: a.ID, Marks: &three}}); err != nil {
		t.Fatal(err)
	}
	if a, _ = w.app.State.DB.AttemptByID(ctx, a.ID); a.Score != 5 {
		t.Fatalf("regraded score %d, want 5", a.Score)
	}
	if n, _ := w.app.State.DB.CountUnread(ctx, w.other.ID); n != 1 {
		t.Fatalf("the other student is told once: %d", n)
	}

	// Only the quiz's managers; only short answers; only this quiz's attempts.
	_, err = w.svc.GradeQuestion(ctx, w.teach2, w.short.ID, []quiz.GradeIn{{AttemptID: a.ID, Marks: &two}})
	apptest.WantKind(t, "another instructor", err, problem.KindForbidden)
	_, err = w.svc.GradeQuestion(ctx, w.stud, w.short.ID, []quiz.GradeIn{{AttemptID: a.ID, Marks: &two}})
	apptest.WantKind(t, "a student", err, problem.KindForbidden)
	if _, err := w.svc.GradeQuestion(ctx, w.teach, w.mcq.ID, nil); !errors.Is(err, quiz.ErrNotGradable) {
		t.Fatalf("a choice question: %v", err)
	}
	if _, err := w.svc.QuestionAnswers(ctx, w.teach, w.tf.ID); !errors.Is(err, quiz.ErrNotGradable) {
		t.Fatalf("answers to a choice question: %v", err)
	}
	if _, err := w.svc.GradeQuestion(ctx, w.admin, w.short.ID, []quiz.GradeIn{{AttemptID: 999999, Marks: &two}}); !errors.Is(err, quiz.ErrNotGradable) {
		t.Fatalf("an unknown attempt: %v", err)
	}
	if _, err := w.svc.GradeQuestion(ctx, w.admin, 999999, nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an unknown question: %v", err)
	}
}

// TestRegradeAndMarksRequired: a grade is never assumed — blank marks are refused —
// and a regrade replaces the marks of a single answer.
func TestRegradeAndMarksRequired(t *testing.T) {
	w := newWorld(t)
	for in, want := range map[string]error{"": quiz.ErrNoMarks, "  ": quiz.ErrNoMarks, "two": quiz.ErrBadMarks, "1.5": quiz.ErrBadMarks} {
		if _, err := quiz.MarksFrom(in); !errors.Is(err, want) {
			t.Errorf("MarksFrom(%q) = %v, want %v", in, err, want)
		}
	}
	if n, err := quiz.MarksFrom(" 0 "); err != nil || n != 0 {
		t.Errorf("MarksFrom(0) = %d, %v", n, err)
	}
	att := w.submitShort(t, w.stud, "Radix sort")
	for _, marks := range []int{3, 1, 0} {
		g, err := w.svc.Grade(ctx, w.teach, att.ID, w.short.ID, marks, "")
		if err != nil || g.Score != 2+marks || g.PendingCount != 0 {
			t.Fatalf("grade %d: %+v %v", marks, g, err)
		}
	}
	g, _ := w.svc.QuestionAnswers(ctx, w.teach, w.short.ID)
	if len(g.Answers) != 1 || g.Answers[0].MarksAwarded == nil || *g.Answers[0].MarksAwarded != 0 {
		t.Fatalf("after regrades: %+v", g.Answers)
	}
}

// TestDueDate: no attempt starts after a quiz's due date and none runs past it; the
// date may not be set in the past.
func TestDueDate(t *testing.T) {
	w := newWorld(t)
	now := w.app.Clock.Now()
	past := now.Add(-time.Hour).UTC().Format("2006-01-02T15:04")
	_, err := w.svc.UpdateQuiz(ctx, w.teach, w.qz.ID, quiz.QuizInput{Due: &past})
	apptest.WantField(t, "due in the past", err, "due_at", "in the past")
	bad := "next friday"
	_, err = w.svc.UpdateQuiz(ctx, w.teach, w.qz.ID, quiz.QuizInput{Due: &bad})
	apptest.WantField(t, "due not a date", err, "due_at", "valid date")

	due := now.Add(5 * time.Minute).UTC().Truncate(time.Minute).Add(time.Minute)
	in := due.Format(time.RFC3339)
	qz, err := w.svc.UpdateQuiz(ctx, w.teach, w.qz.ID, quiz.QuizInput{Due: &in})
	if err != nil || !qz.DueAt.Equal(due) {
		t.Fatalf("due: %v %v", qz.DueAt, err)
	}
	// The 10-minute attempt ends at the due date.
	att, _, err := w.svc.Start(ctx, w.stud, w.qz.ID)
	if err != nil || !att.DeadlineAt.Equal(due) {
		t.Fatalf("deadline %v, want %v (%v)", att.DeadlineAt, due, err)
	}
	// Editing other settings keeps a due date that has passed since.
	w.app.Clock.Set(due.Add(time.Minute))
	title := "Renamed"
	if qz, err = w.svc.UpdateQuiz(ctx, w.teach, w.qz.ID, quiz.QuizInput{Title: &title}); err != nil || !qz.DueAt.Equal(due) {
		t.Fatalf("rename after the due date: %v %v", qz.DueAt, err)
	}
	// The open attempt is finished when the quiz is looked at; no new one starts.
	if _, err := w.svc.Quiz(ctx, w.stud, w.qz.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.svc.Start(ctx, w.stud, w.qz.ID); !errors.Is(err, quiz.ErrClosed) {
		t.Fatalf("start after the due date: %v", err)
	}
	atts, _ := w.app.State.DB.AttemptsOfUser(ctx, w.qz.ID, w.stud.ID)
	if len(atts) != 1 || atts[0].Status != store.TimedOut {
		t.Fatalf("attempts: %+v", atts)
	}
	p := quiz.ProgressOf(qz, atts, w.app.Clock.Now())
	if p.State != quiz.FailedIt || p.Action != quiz.ActResults {
		t.Fatalf("progress after closing: %+v", p)
	}
	if p := quiz.ProgressOf(qz, nil, w.app.Clock.Now()); p.State != quiz.Closed || p.Action != "" {
		t.Fatalf("never attempted, closed: %+v", p)
	}
	// Clearing the date opens it again.
	empty := ""
	if qz, err = w.svc.UpdateQuiz(ctx, w.teach, w.qz.ID, quiz.QuizInput{Due: &empty}); err != nil || !qz.DueAt.IsZero() {
		t.Fatalf("clear: %v %v", qz.DueAt, err)
	}
}

func TestProgressOf(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	q := store.Quiz{ID: 1, PassingPercent: 50, MaxAttempts: 2, QuestionCount: 3, IsActive: true}
	fin := func(n, score, max, pending int) store.Attempt {
		return store.Attempt{ID: int64(n), Number: n, Status: store.Completed, Score: score, MaxScore: max, PendingCount: pending}
	}
	open := store.Attempt{ID: 9, Number: 2, Status: store.InProgress}
	for _, tc := range []struct {
		name          string
		q             store.Quiz
		atts          []store.Attempt
		state, action string
		best          int64
		left          int
	}{
		{"new", q, nil, quiz.NotStarted, quiz.ActStart, 0, 2},
		{"running", q, []store.Attempt{fin(1, 1, 4, 0), open}, quiz.Running, quiz.ActContinue, 1, 0},
		{"failed, one left", q, []store.Attempt{fin(1, 1, 4, 0)}, quiz.FailedIt, quiz.ActRetake, 1, 1},
		{"best of two", q, []store.Attempt{fin(1, 3, 4, 0), fin(2, 1, 4, 0)}, quiz.PassedIt, quiz.ActResults, 1, 0},
		{"best is the later tie", q, []store.Attempt{fin(1, 2, 4, 0), fin(2, 2, 4, 0)}, quiz.PassedIt, quiz.ActResults, 2, 0},
		{"waiting for a grade", q, []store.Attempt{fin(1, 4, 4, 1)}, quiz.Pending, quiz.ActRetake, 1, 1},
		{"no questions", store.Quiz{ID: 1, IsActive: true}, nil, quiz.NotStarted, "", 0, -1},
		{"unlimited", store.Quiz{ID: 1, QuestionCount: 1, IsActive: true, PassingPercent: 50}, []store.Attempt{fin(1, 0, 1, 0)}, quiz.FailedIt, quiz.ActRetake, 1, -1},
		{"closed", store.Quiz{ID: 1, QuestionCount: 1, IsActive: true, DueAt: now}, nil, quiz.Closed, "", 0, -1},
	} {
		p := quiz.ProgressOf(tc.q, tc.atts, now)
		var best int64
		if p.Best != nil {
			best = p.Best.ID
		}
		if p.State != tc.state || p.Action != tc.action || best != tc.best || p.Left != tc.left {
			t.Errorf("%s: %+v (best %d)", tc.name, p, best)
		}
	}
}

func ptrInt(n int) *int { return &n }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
