package quiz_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/problem"
	"eplatform/app/quiz"
	"eplatform/app/store"
)

func TestTextRules(t *testing.T) {
	w := newWorld(t)
	long := strings.Repeat("é", quiz.MaxText+1)
	for _, tc := range []struct {
		name           string
		in             quiz.QuizInput
		field, message string
	}{
		{"NUL title", quiz.QuizInput{Title: str("\x00Quiz")}, "title", "U+0000"},
		{"blank title", quiz.QuizInput{Title: str(" \t")}, "title", "may not be blank"},
		{"long title", quiz.QuizInput{Title: str(strings.Repeat("é", quiz.MaxTitle+1))}, "title", "no more than 200"},
		{"escape in description", quiz.QuizInput{Title: str("Q"), Description: str("\x1b[1m")}, "description", "U+001B"},
		{"long description", quiz.QuizInput{Title: str("Q"), Description: &long}, "description", "no more than 5000"},
	} {
		_, err := w.svc.CreateQuiz(ctx, w.teach, w.subj.ID, tc.in)
		apptest.WantField(t, "create: "+tc.name, err, tc.field, tc.message)
		_, err = w.svc.UpdateQuiz(ctx, w.teach, w.qz.ID, tc.in)
		apptest.WantField(t, "update: "+tc.name, err, tc.field, tc.message)
	}
	answers := make([]store.AnswerFields, quiz.MaxAnswers+1)
	for i := range answers {
		answers[i] = store.AnswerFields{Text: "a" + strings.Repeat("b", i), IsCorrect: i == 0}
	}
	for _, tc := range []struct {
		name           string
		in             quiz.QuestionInput
		field, message string
	}{
		{"unknown kind", quiz.QuestionInput{Kind: "essay", Text: "Why?", Marks: 1}, "kind", "Choose mcq, true_false or short_answer"},
		{"NUL text", quiz.QuestionInput{Kind: quiz.TrueFalse, Text: "\x00Go?", Marks: 1}, "text", "U+0000"},
		{"long text", quiz.QuestionInput{Kind: quiz.TrueFalse, Text: long, Marks: 1}, "text", "no more than 5000"},
		{"C1 in explanation", quiz.QuestionInput{Kind: quiz.TrueFalse, Text: "Go?", Marks: 1, Explanation: "\u009b"}, "explanation", "U+009B"},
		{"marks 0", quiz.QuestionInput{Kind: quiz.TrueFalse, Text: "Go?", Marks: 0}, "marks", "between 1 and 1000"},
		{"NUL answer", quiz.QuestionInput{Kind: quiz.MCQ, Text: "Go?", Marks: 1, Answers: []store.AnswerFields{{Text: "yes", IsCorrect: true}, {Text: "n\x00o"}}}, "answers", "Answer 2: Remove the control character U+0000"},
		{"long answer", quiz.QuestionInput{Kind: quiz.ShortAnswer, Text: "Go?", Marks: 1, Answers: []store.AnswerFields{{Text: strings.Repeat("x", quiz.MaxAnswer+1)}}}, "answers", "no more than 1000"},
		{"51 answers", quiz.QuestionInput{Kind: quiz.MCQ, Text: "Go?", Marks: 1, Answers: answers}, "answers", "at most 50 answers"},
		{"two correct", quiz.QuestionInput{Kind: quiz.MCQ, Text: "Go?", Marks: 1, Answers: []store.AnswerFields{{Text: "a", IsCorrect: true}, {Text: "b", IsCorrect: true}}}, "answers", "exactly one"},
	} {
		_, err := w.svc.AddQuestion(ctx, w.teach, w.qz.ID, tc.in)
		apptest.WantField(t, "add: "+tc.name, err, tc.field, tc.message)
		_, err = w.svc.UpdateQuestion(ctx, w.teach, w.mcq.ID, tc.in)
		apptest.WantField(t, "update: "+tc.name, err, tc.field, tc.message)
	}
	// A stranger learns nothing from a bad form: 404 or 403 first.
	_, err := w.svc.CreateQuiz(ctx, w.teach2, w.subj.ID, quiz.QuizInput{Title: str("\x00")})
	apptest.WantKind(t, "stranger's bad quiz", err, problem.KindForbidden)
	_, err = w.svc.AddQuestion(ctx, w.stud, w.qz.ID, quiz.QuestionInput{Kind: "essay"})
	apptest.WantKind(t, "student's bad question", err, problem.KindForbidden)
	// Nothing of the refused writes is stored.
	v, err := w.svc.Quiz(ctx, w.teach, w.qz.ID)
	if err != nil || len(v.Questions) != 3 || v.Quiz.Title != "Basics" || v.Questions[0].Text != "2+2?" {
		t.Fatalf("after refusals: %+v %v", v.Quiz, err)
	}
	// The limits count characters; line endings are normalised; blank answer rows are
	// dropped, their text trimmed.
	exact := strings.Repeat("é", quiz.MaxText-2) + "\r\nx"
	q, err := w.svc.AddQuestion(ctx, w.teach, w.qz.ID, quiz.QuestionInput{Kind: quiz.MCQ, Text: exact, Marks: 1,
		Answers: []store.AnswerFields{{Text: "  yes  ", IsCorrect: true}, {Text: " "}, {Text: "no"}}})
	if err != nil || strings.Contains(q.Text, "\r") || len(q.Answers) != 2 || q.Answers[0].Text != "yes" {
		t.Fatalf("a question at the limit: %+v %v", q.Answers, err)
	}

	// Short answers and grading feedback follow the rule too; a refused save stores
	// nothing of what came with it.
	att, _, err := w.svc.Start(ctx, w.stud, w.qz.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: w.mcq.ID, AnswerID: w.mcqRight}, {QuestionID: w.short.ID, Text: str("\x00sort")}})
	apptest.WantField(t, "NUL short answer", err, "answers", "U+0000")
	_, err = w.svc.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: w.short.ID, Text: &long}})
	apptest.WantField(t, "long short answer", err, "answers", "no more than 5000")
	sh, err := w.svc.Sheet(ctx, w.stud, att.ID)
	if err != nil || len(sh.Saved) != 0 {
		t.Fatalf("refused saves stored %d answers (%v)", len(sh.Saved), err)
	}
	// A choice with text, or text for a choice, is not an answer of that question.
	_, err = w.svc.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: w.mcq.ID, Text: str("4")}})
	apptest.WantField(t, "text for a choice", err, "answers", "does not belong")
	_, err = w.svc.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: w.short.ID, AnswerID: w.mcqRight}})
	apptest.WantField(t, "a choice for a short answer", err, "answers", "does not belong")
	_, err = w.svc.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: 99999, AnswerID: 1}})
	apptest.WantField(t, "another quiz's question", err, "answers", "does not belong")
	// Saved, then cleared: a blank short answer and answer 0 remove them.
	saved, err := w.svc.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: w.mcq.ID, AnswerID: w.mcqRight}, {QuestionID: w.short.ID, Text: str(" Heap sort ")}})
	if err != nil || saved.Count != 2 || saved.Attempt.Score != 2 || saved.Quiz.ID != w.qz.ID {
		t.Fatalf("save: %+v %v", saved, err)
	}
	if sh, _ := w.svc.Sheet(ctx, w.stud, att.ID); *sh.Saved[w.short.ID].TextAnswer != "Heap sort" {
		t.Errorf("short answer stored as %q", *sh.Saved[w.short.ID].TextAnswer)
	}
	if saved, err = w.svc.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: w.mcq.ID}, {QuestionID: w.short.ID, Text: str("  ")}}); err != nil || saved.Attempt.Score != 0 {
		t.Fatalf("clearing: %+v %v", saved, err)
	}
	if _, err := w.svc.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: w.short.ID, Text: str("Heap sort")}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.svc.Submit(ctx, w.stud, att.ID); err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.Grade(ctx, w.teach, att.ID, w.short.ID, 1, "Good\x00")
	apptest.WantField(t, "NUL feedback", err, "feedback", "U+0000")
	_, err = w.svc.Grade(ctx, w.stud, att.ID, w.short.ID, 1, "\x00")
	apptest.WantKind(t, "the student grades themself", err, problem.KindForbidden)
	_, err = w.svc.Grade(ctx, w.teach, att.ID, w.mcq.ID, 1, "")
	if !errors.Is(err, quiz.ErrNotGradable) {
		t.Errorf("grading a choice: %v", err)
	}
	g, err := w.svc.Grade(ctx, w.teach, att.ID, w.short.ID, 3, "  Good  ")
	if err != nil || g.Score != 3 {
		t.Fatalf("grade: %+v %v", g, err)
	}
	r, err := w.svc.Results(ctx, w.teach, att.ID)
	if err != nil || r.Items[2].Answer.Feedback != "Good" {
		t.Fatalf("feedback stored as %q (%v)", r.Items[2].Answer.Feedback, err)
	}
}

func TestListsAndViews(t *testing.T) {
	w := newWorld(t)
	no := false
	hidden, err := w.svc.CreateQuiz(ctx, w.teach, w.subj.ID, quiz.QuizInput{Title: str("Draft"), IsActive: &no})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		who          store.User
		n            int
		manage, take bool
		err          error
	}{
		{w.teach, 2, true, false, nil},
		{w.admin, 2, true, false, nil},
		{w.stud, 1, false, true, nil},
		{w.other, 0, false, false, quiz.ErrNotEnrolled},
		{w.teach2, 0, false, false, quiz.ErrNotEnrolled},
	} {
		sq, err := w.svc.QuizzesOfCode(ctx, tc.who, "cs1")
		if !errors.Is(err, tc.err) || len(sq.Quizzes) != tc.n || sq.Manage != tc.manage || sq.Take != tc.take {
			t.Errorf("%s: %d quizzes, manage %v take %v, %v", tc.who.Username, len(sq.Quizzes), sq.Manage, sq.Take, err)
		}
	}
	if _, err := w.svc.QuizzesOfCode(ctx, w.stud, "NOPE"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no such subject: %v", err)
	}
	_, err = w.svc.Quiz(ctx, w.stud, hidden.ID)
	apptest.WantKind(t, "a hidden quiz for a student", err, problem.KindNotFound)
	for who, want := range map[store.User]int{w.stud: 1, w.teach: 2, w.admin: 2, w.other: 0} {
		if rows, err := w.svc.Mine(ctx, who); err != nil || len(rows) != want {
			t.Errorf("%s's quizzes: %d %v, want %d", who.Username, len(rows), err, want)
		}
	}
	// A student's view: attempts left, the open attempt; a manager's: the questions,
	// the grading queue, the running attempts.
	two := 2
	if _, err := w.svc.UpdateQuiz(ctx, w.teach, w.qz.ID, quiz.QuizInput{MaxAttempts: &two}); err != nil {
		t.Fatal(err)
	}
	att, _, err := w.svc.Start(ctx, w.stud, w.qz.ID)
	if err != nil {
		t.Fatal(err)
	}
	v, err := w.svc.Quiz(ctx, w.stud, w.qz.ID)
	if err != nil || v.AttemptsLeft != 1 || v.Open == nil || v.Open.ID != att.ID || v.Questions != nil {
		t.Fatalf("student's view: %+v %v", v, err)
	}
	v, err = w.svc.Quiz(ctx, w.teach, w.qz.ID)
	if err != nil || len(v.Questions) != 3 || v.OpenAttempts != 1 || !v.OpenUntil.Equal(att.DeadlineAt) || v.Pending != 0 {
		t.Fatalf("manager's view: %+v %v", v, err)
	}
	if _, err := w.svc.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: w.short.ID, Text: str("Merge sort")}}); err != nil {
		t.Fatal(err)
	}
	// The student's view finishes an attempt past its deadline.
	w.app.Clock.Advance(11 * time.Minute)
	v, err = w.svc.Quiz(ctx, w.stud, w.qz.ID)
	if err != nil || v.Open != nil || len(v.Attempts) != 1 || v.Attempts[0].Status != store.TimedOut {
		t.Fatalf("after the deadline: %+v %v", v.Attempts, err)
	}
	if v, err := w.svc.Quiz(ctx, w.teach, w.qz.ID); err != nil || v.Pending != 1 || v.OpenAttempts != 0 {
		t.Fatalf("manager after the deadline: pending %d, open %d, %v", v.Pending, v.OpenAttempts, err)
	}
	// Attempt: the taker and the managers, nobody else.
	for who, want := range map[store.User]error{w.stud: nil, w.teach: nil, w.admin: nil, w.other: store.ErrNotFound, w.teach2: store.ErrNotFound} {
		if got, a, err := w.svc.Attempt(ctx, who, att.ID); !errors.Is(err, want) || (err == nil && (got.ID != att.ID || a.Quiz.ID != w.qz.ID)) {
			t.Errorf("%s reads the attempt: %v", who.Username, err)
		}
	}
	// Managed: the quiz's managers only (others see the open subject: 403; a hidden
	// quiz is not there for them: 404).
	for _, who := range []store.User{w.stud, w.teach2, w.other} {
		_, err := w.svc.Managed(ctx, who, w.qz.ID)
		apptest.WantKind(t, who.Username+" manages", err, problem.KindForbidden)
		_, err = w.svc.Managed(ctx, who, hidden.ID)
		apptest.WantKind(t, who.Username+" manages a hidden quiz", err, problem.KindNotFound)
	}
	if a, err := w.svc.Managed(ctx, w.admin, w.qz.ID); err != nil || !a.Manage {
		t.Errorf("admin manages: %v", err)
	}
}

func TestOrderAndDelete(t *testing.T) {
	w := newWorld(t)
	order := func() []int64 {
		t.Helper()
		v, err := w.svc.Quiz(ctx, w.teach, w.qz.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, q := range v.Questions {
			ids = append(ids, q.ID)
		}
		return ids
	}
	if _, err := w.svc.MoveQuestion(ctx, w.teach, w.short.ID, -1); err != nil {
		t.Fatal(err)
	}
	if got := order(); got[1] != w.short.ID {
		t.Fatalf("moved up: %v", got)
	}
	if _, err := w.svc.MoveQuestion(ctx, w.teach, w.mcq.ID, -1); err != nil || order()[0] != w.mcq.ID {
		t.Fatalf("the first stays first: %v %v", order(), err)
	}
	_, err := w.svc.MoveQuestion(ctx, w.stud, w.mcq.ID, 1)
	apptest.WantKind(t, "a student moves", err, problem.KindForbidden)
	for _, bad := range [][]int64{{w.mcq.ID, w.tf.ID}, {w.mcq.ID, w.tf.ID, w.tf.ID}, {w.mcq.ID, w.tf.ID, 99999}} {
		apptest.WantField(t, "order", w.svc.OrderQuestions(ctx, w.teach, w.qz.ID, bad), "ids", "exactly once")
	}
	apptest.WantKind(t, "a student orders", w.svc.OrderQuestions(ctx, w.stud, w.qz.ID, []int64{w.tf.ID, w.short.ID, w.mcq.ID}), problem.KindForbidden)
	if err := w.svc.OrderQuestions(ctx, w.admin, w.qz.ID, []int64{w.tf.ID, w.short.ID, w.mcq.ID}); err != nil {
		t.Fatal(err)
	}
	if got := order(); got[0] != w.tf.ID || got[2] != w.mcq.ID {
		t.Fatalf("ordered: %v", got)
	}
	q, a, err := w.svc.Question(ctx, w.teach, w.tf.ID)
	if err != nil || q.ID != w.tf.ID || a.Quiz.ID != w.qz.ID {
		t.Fatalf("question: %v", err)
	}
	_, _, err = w.svc.Question(ctx, w.stud, w.tf.ID)
	apptest.WantKind(t, "a student reads a question with its answers", err, problem.KindForbidden)

	// Deleting the quiz takes its questions, attempts and images; only its managers may.
	if _, _, err := w.svc.Start(ctx, w.stud, w.qz.ID); err != nil {
		t.Fatal(err)
	}
	q, err = w.svc.SetQuestionImage(ctx, w.teach, w.mcq.ID, pngOf(t, 30, 20))
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.DeleteQuiz(ctx, w.stud, w.qz.ID)
	apptest.WantKind(t, "a student deletes", err, problem.KindForbidden)
	subj, err := w.svc.DeleteQuiz(ctx, w.teach, w.qz.ID)
	if err != nil || subj.ID != w.subj.ID {
		t.Fatalf("delete: %+v %v", subj, err)
	}
	if _, err := os.Stat(filepath.Join(w.app.State.Media.Root, q.ImagePath)); !os.IsNotExist(err) {
		t.Errorf("the image outlived its quiz: %v", err)
	}
	_, err = w.svc.Quiz(ctx, w.teach, w.qz.ID)
	apptest.WantKind(t, "a deleted quiz", err, problem.KindNotFound)
}

func pngOf(t *testing.T, wd, ht int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, wd, ht))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestQuestionImages(t *testing.T) {
	w := newWorld(t)
	file := func(q store.Question) string { return filepath.Join(w.app.State.Media.Root, q.ImagePath) }
	if quiz.ImageURL(w.mcq) != "" {
		t.Error("an image URL without an image")
	}
	_, err := w.svc.SetQuestionImage(ctx, w.teach, w.mcq.ID, []byte("GIF89a not really"))
	apptest.WantKind(t, "not a picture", err, problem.KindInvalid)
	_, err = w.svc.SetQuestionImage(ctx, w.stud, w.mcq.ID, pngOf(t, 10, 10))
	apptest.WantKind(t, "a student sets an image", err, problem.KindForbidden)
	first, err := w.svc.SetQuestionImage(ctx, w.teach, w.mcq.ID, pngOf(t, 40, 30))
	if err != nil || first.ImagePath == "" || quiz.ImageURL(first) == "" {
		t.Fatalf("set: %+v %v", first, err)
	}
	// Served to the quiz's managers and takers only.
	for who, want := range map[store.User]error{w.teach: nil, w.admin: nil, w.stud: nil, w.other: quiz.ErrNotEnrolled, w.teach2: quiz.ErrNotEnrolled} {
		if path, err := w.svc.QuestionImage(ctx, who, w.mcq.ID); !errors.Is(err, want) || (err == nil && path != first.ImagePath) {
			t.Errorf("%s reads the image: %q %v", who.Username, path, err)
		}
	}
	if _, err := w.svc.QuestionImage(ctx, w.stud, w.tf.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a question without an image: %v", err)
	}
	// Replacing removes the old file; removing removes the new one.
	second, err := w.svc.SetQuestionImage(ctx, w.teach, w.mcq.ID, pngOf(t, 20, 20))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file(first)); !os.IsNotExist(err) {
		t.Error("the replaced image was kept")
	}
	if q, err := w.svc.SetQuestionImage(ctx, w.teach, w.mcq.ID, nil); err != nil || q.ImagePath != "" {
		t.Fatalf("remove: %+v %v", q, err)
	}
	if _, err := os.Stat(file(second)); !os.IsNotExist(err) {
		t.Error("the removed image was kept")
	}
	// Deleting a question takes its image.
	third, err := w.svc.SetQuestionImage(ctx, w.teach, w.tf.ID, pngOf(t, 20, 20))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.DeleteQuestion(ctx, w.teach, w.tf.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file(third)); !os.IsNotExist(err) {
		t.Error("a deleted question's image was kept")
	}
}

// TestRunningAttemptsLockMarks: while someone answers, questions cannot be added,
// removed or re-marked (their maximum was fixed at start); wording can change.
func TestRunningAttemptsLockMarks(t *testing.T) {
	w := newWorld(t)
	att, _, err := w.svc.Start(ctx, w.stud, w.qz.ID)
	if err != nil {
		t.Fatal(err)
	}
	locked := func(what string, err error) {
		t.Helper()
		p, ok := problem.As(err)
		if !ok || p.Kind != problem.KindConflict || !errors.Is(err, quiz.ErrAttemptsOpen) || !strings.Contains(p.Message, "1 student is taking this quiz") {
			t.Errorf("%s: %v", what, err)
		}
	}
	_, err = w.svc.AddQuestion(ctx, w.teach, w.qz.ID, quiz.QuestionInput{Kind: quiz.TrueFalse, Text: "New?", Marks: 1})
	locked("add", err)
	_, err = w.svc.DeleteQuestion(ctx, w.teach, w.tf.ID)
	locked("delete", err)
	_, err = w.svc.UpdateQuestion(ctx, w.teach, w.tf.ID, quiz.QuestionInput{Kind: quiz.TrueFalse, Text: "Go is compiled", Marks: 5, Correct: true})
	locked("re-mark", err)
	if _, err := w.svc.UpdateQuestion(ctx, w.teach, w.tf.ID, quiz.QuestionInput{Kind: quiz.TrueFalse, Text: "Go is a compiled language", Marks: 1, Correct: true}); err != nil {
		t.Errorf("rewording: %v", err)
	}
	if got := quiz.OpenAttemptsNotice(2, att.DeadlineAt); !strings.HasPrefix(got, "2 students are taking") || quiz.OpenAttemptsNotice(0, att.DeadlineAt) != "" {
		t.Errorf("notice: %q", got)
	}
	// When the attempt ends, the lock goes.
	if _, _, err := w.svc.Submit(ctx, w.stud, att.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.AddQuestion(ctx, w.teach, w.qz.ID, quiz.QuestionInput{Kind: quiz.TrueFalse, Text: "New?", Marks: 1}); err != nil {
		t.Errorf("add after the attempt: %v", err)
	}
}

func TestSheetAndResultsAfterDeadline(t *testing.T) {
	w := newWorld(t)
	att, _, err := w.svc.Start(ctx, w.stud, w.qz.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Results(ctx, w.stud, att.ID); !errors.Is(err, quiz.ErrNotFinished) {
		t.Errorf("results of a running attempt: %v", err)
	}
	if _, err := w.svc.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: w.tf.ID, AnswerID: w.tfTrue}}); err != nil {
		t.Fatal(err)
	}
	sh, err := w.svc.Sheet(ctx, w.stud, att.ID)
	if err != nil || sh.Attempt.Status != store.InProgress || len(sh.Questions) != 3 || len(sh.Saved) != 1 {
		t.Fatalf("sheet: %+v %v", sh.Attempt, err)
	}
	_, err = w.svc.Sheet(ctx, w.other, att.ID)
	apptest.WantKind(t, "another student's sheet", err, problem.KindNotFound)
	w.app.Clock.Advance(10 * time.Minute)
	// Opening the sheet after the deadline finishes the attempt; so do the results.
	sh, err = w.svc.Sheet(ctx, w.stud, att.ID)
	if err != nil || sh.Attempt.Status != store.TimedOut || sh.Attempt.Score != 1 {
		t.Fatalf("sheet after the deadline: %+v %v", sh.Attempt, err)
	}
	att2, _, err := w.svc.Start(ctx, w.stud, w.qz.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.app.Clock.Advance(10 * time.Minute)
	r, err := w.svc.Results(ctx, w.teach, att2.ID)
	if err != nil || r.Attempt.Status != store.TimedOut || r.Taker.ID != w.stud.ID {
		t.Fatalf("results after the deadline: %+v %v", r.Attempt, err)
	}
	// The owner heard of each, once.
	notes, err := w.app.State.Notify.List(ctx, store.NotificationQuery{RecipientID: w.teach.ID, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	timedOut := 0
	for _, n := range notes {
		if n.Type == "quiz_completed" && strings.Contains(n.Text, "ran out of time") {
			timedOut++
		}
	}
	if timedOut != 2 {
		t.Errorf("%d time-up notifications, want 2", timedOut)
	}
}

func TestLabelsAndURLs(t *testing.T) {
	for kind, want := range map[string]string{quiz.MCQ: "Multiple choice", quiz.TrueFalse: "True / false", quiz.ShortAnswer: "Short answer", "essay": "essay"} {
		if got := quiz.KindLabel(kind); got != want {
			t.Errorf("KindLabel(%s) = %q", kind, got)
		}
	}
	if !quiz.ValidKind(quiz.MCQ) || quiz.ValidKind("essay") {
		t.Error("ValidKind")
	}
	if quiz.QuizURL(3) != "/home/quizzes/3/" || quiz.GradingURL(3) != "/home/quizzes/3/grading/" || quiz.ResultsURL(4) != "/home/attempts/4/results/" {
		t.Error("URLs")
	}
	if quiz.Percent(store.Attempt{}) != 0 || quiz.Percent(store.Attempt{Score: 1, MaxScore: 3}) != 33 {
		t.Error("Percent")
	}
	if !quiz.Passed(store.Attempt{Status: store.Completed}, 0) || quiz.Passed(store.Attempt{Status: store.Completed}, 1) {
		t.Error("Passed with no marks")
	}
}
