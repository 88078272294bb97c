package quiz_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/learn"
	"eplatform/app/problem"
	"eplatform/app/quiz"
	"eplatform/app/store"
	"eplatform/app/testutil"
)

var ctx = context.Background()

// world is a subject CS1 taught by teach with stud enrolled, other not, teach2 teaching
// another subject, and admin; and a quiz of the three kinds (mcq 2, true/false 1,
// short answer 3 marks: total 6).
type world struct {
	app                                 *apptest.App
	svc                                 *quiz.Service
	stud, other, teach, teach2, admin   store.User
	subj                                store.Subject
	qz                                  store.Quiz
	mcq, tf, short                      store.Question
	mcqRight, mcqWrong, tfTrue, tfFalse int64
}

func newWorld(t *testing.T) *world {
	t.Helper()
	app := apptest.StartRelaxed(t)
	w := &world{app: app, svc: app.State.Quiz}
	w.stud = app.Account("stud", "student")
	w.other = app.Account("other", "student")
	w.teach = app.Account("teach", "instructor")
	w.teach2 = app.Account("teach2", "instructor")
	w.admin = app.Account("admin", "admin")
	var err error
	w.subj, err = app.State.Learn.CreateSubject(ctx, w.teach, learn.SubjectInput{Name: learn.Str("Computing"), Code: learn.Str("CS1")})
	if err != nil || w.subj.ID == 0 {
		t.Fatalf("subject: %v", err)
	}
	if _, err := app.State.Learn.CreateSubject(ctx, w.teach2, learn.SubjectInput{Name: learn.Str("Maths"), Code: learn.Str("MA1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := app.State.Learn.Enroll(ctx, w.stud, w.subj.ID); err != nil {
		t.Fatal(err)
	}
	title := "Basics"
	limit := 10
	qz, err := w.svc.CreateQuiz(ctx, w.teach, w.subj.ID, quiz.QuizInput{Title: &title, TimeLimitMinutes: &limit})
	if err != nil {
		t.Fatalf("quiz: %v", err)
	}
	w.mcq = w.addQ(t, quiz.QuestionInput{Kind: quiz.MCQ, Text: "2+2?", Marks: 2, Explanation: "Arithmetic",
		Answers: []store.AnswerFields{{Text: "3"}, {Text: "4", IsCorrect: true}, {Text: "5"}}})
	w.tf = w.addQ(t, quiz.QuestionInput{Kind: quiz.TrueFalse, Text: "Go is compiled", Marks: 1, Correct: true})
	w.short = w.addQ(t, quiz.QuestionInput{Kind: quiz.ShortAnswer, Text: "Name a sorting algorithm", Marks: 3,
		Answers: []store.AnswerFields{{Text: "Quicksort"}}})
	for _, a := range w.mcq.Answers {
		if a.IsCorrect {
			w.mcqRight = a.ID
		} else {
			w.mcqWrong = a.ID
		}
	}
	for _, a := range w.tf.Answers {
		if a.Text == "True" {
			w.tfTrue = a.ID
		} else {
			w.tfFalse = a.ID
		}
	}
	if w.qz, err = app.State.DB.QuizByID(ctx, qz.ID); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) addQ(t *testing.T, in quiz.QuestionInput) store.Question {
	t.Helper()
	q, err := w.svc.AddQuestion(ctx, w.teach, w.qzID(t), in)
	if err != nil {
		t.Fatalf("question: %v", err)
	}
	return q
}

func (w *world) qzID(t *testing.T) int64 {
	if w.qz.ID != 0 {
		return w.qz.ID
	}
	qs, err := w.app.State.DB.QuizzesOfSubject(ctx, w.subj.ID)
	if err != nil || len(qs) == 0 {
		t.Fatal("no quiz", err)
	}
	w.qz = qs[0]
	return w.qz.ID
}

func str(s string) *string { return &s }

func TestTotalsAndValidation(t *testing.T) {
	w := newWorld(t)
	if w.qz.TotalMarks != 6 || w.qz.QuestionCount != 3 || w.qz.PassingPercent != 60 || w.qz.TimeLimitMinutes != 10 {
		t.Fatalf("totals: %+v", w.qz)
	}
	if len(w.tf.Answers) != 2 || w.tf.Answers[0].Text != "True" || !w.tf.Answers[0].IsCorrect || w.tf.Answers[1].IsCorrect {
		t.Fatalf("true/false answers: %+v", w.tf.Answers)
	}
	// Edit marks: totals follow; delete: they follow again.
	if _, err := w.svc.UpdateQuestion(ctx, w.teach, w.mcq.ID, quiz.QuestionInput{Kind: quiz.MCQ, Text: "2+2?", Marks: 4,
		Answers: []store.AnswerFields{{ID: w.mcqWrong, Text: "3"}, {ID: w.mcqRight, Text: "4", IsCorrect: true}}}); err != nil {
		t.Fatal(err)
	}
	q, _ := w.app.State.DB.QuizByID(ctx, w.qz.ID)
	if q.TotalMarks != 8 {
		t.Fatalf("total after edit = %d", q.TotalMarks)
	}
	got, _ := w.app.State.DB.QuestionByID(ctx, w.mcq.ID)
	if len(got.Answers) != 2 || got.Answers[1].ID != w.mcqRight {
		t.Fatalf("answers kept by id: %+v", got.Answers)
	}
	bad := []quiz.QuestionInput{
		{Kind: quiz.MCQ, Text: "x", Marks: 0, Answers: []store.AnswerFields{{Text: "a", IsCorrect: true}, {Text: "b"}}},
		{Kind: quiz.MCQ, Text: "x", Marks: 1, Answers: []store.AnswerFields{{Text: "a", IsCorrect: true}}},
		{Kind: quiz.MCQ, Text: "x", Marks: 1, Answers: []store.AnswerFields{{Text: "a"}, {Text: "b"}}},
		{Kind: "essay", Text: "x", Marks: 1},
		{Kind: quiz.ShortAnswer, Text: " ", Marks: 1},
	}
	for i, in := range bad {
		if _, err := w.svc.AddQuestion(ctx, w.teach, w.qz.ID, in); !problem.Is(err, problem.KindInvalid) {
			t.Errorf("bad question %d: %v", i, err)
		}
	}
	for _, n := range []int{0, 241} {
		_, err := w.svc.UpdateQuiz(ctx, w.teach, w.qz.ID, quiz.QuizInput{TimeLimitMinutes: &n})
		if p, ok := problem.As(err); !ok || !p.Fields.Has("time_limit_minutes") {
			t.Errorf("time limit %d: %v", n, err)
		}
	}
	if _, err := w.svc.DeleteQuestion(ctx, w.teach, w.mcq.ID); err != nil {
		t.Fatal(err)
	}
	q, _ = w.app.State.DB.QuizByID(ctx, w.qz.ID)
	if q.TotalMarks != 4 || q.QuestionCount != 2 {
		t.Fatalf("after delete: %+v", q)
	}
}

func TestPermissions(t *testing.T) {
	w := newWorld(t)
	title := "T"
	cases := []struct {
		who              store.User
		create, see      error
		start            error
		analytics, grade error
	}{
		{w.stud, problem.ErrForbidden, nil, nil, problem.ErrForbidden, problem.ErrForbidden},
		{w.other, problem.ErrForbidden, quiz.ErrNotEnrolled, quiz.ErrNotEnrolled, problem.ErrForbidden, problem.ErrForbidden},
		{w.teach, nil, nil, quiz.ErrOwnQuiz, nil, nil},
		{w.teach2, problem.ErrForbidden, quiz.ErrNotEnrolled, quiz.ErrNotEnrolled, problem.ErrForbidden, problem.ErrForbidden},
		{w.admin, nil, nil, quiz.ErrOwnQuiz, nil, nil},
	}
	for _, c := range cases {
		_, err := w.svc.CreateQuiz(ctx, c.who, w.subj.ID, quiz.QuizInput{Title: &title})
		if !errors.Is(err, c.create) {
			t.Errorf("%s create: %v", c.who.Username, err)
		}
		if _, err := w.svc.Quiz(ctx, c.who, w.qz.ID); !errors.Is(err, c.see) {
			t.Errorf("%s see: %v", c.who.Username, err)
		}
		if _, _, err := w.svc.Start(ctx, c.who, w.qz.ID); !errors.Is(err, c.start) {
			t.Errorf("%s start: %v", c.who.Username, err)
		}
		if _, err := w.svc.Analytics(ctx, c.who, w.qz.ID); !errors.Is(err, c.analytics) {
			t.Errorf("%s analytics: %v", c.who.Username, err)
		}
		if _, err := w.svc.GradingQueue(ctx, c.who, w.qz.ID); !errors.Is(err, c.grade) {
			t.Errorf("%s grading: %v", c.who.Username, err)
		}
	}
	// Another student cannot see or touch stud's attempt.
	att, _, _ := w.svc.Start(ctx, w.stud, w.qz.ID)
	if _, err := w.svc.Save(ctx, w.other, att.ID, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other saves stud's attempt: %v", err)
	}
	if _, _, err := w.svc.Submit(ctx, w.teach, att.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("teacher submits stud's attempt: %v", err)
	}
}

func TestScoringEveryKind(t *testing.T) {
	w := newWorld(t)
	att, resumed, err := w.svc.Start(ctx, w.stud, w.qz.ID)
	if err != nil || resumed || att.MaxScore != 6 {
		t.Fatalf("start: %+v %v %v", att, resumed, err)
	}
	// Resume returns the same attempt.
	again, resumed, err := w.svc.Start(ctx, w.stud, w.qz.ID)
	if err != nil || !resumed || again.ID != att.ID {
		t.Fatalf("resume: %+v %v %v", again, resumed, err)
	}
	// Scored on every save: wrong then right.
	s, err := w.svc.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: w.mcq.ID, AnswerID: w.mcqWrong}})
	if err != nil || s.Attempt.Score != 0 {
		t.Fatalf("wrong: %+v %v", s, err)
	}
	s, err = w.svc.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: w.mcq.ID, AnswerID: w.mcqRight},
		{QuestionID: w.tf.ID, AnswerID: w.tfTrue}, {QuestionID: w.short.ID, Text: str("Merge sort")}})
	if err != nil || s.Attempt.Score != 3 {
		t.Fatalf("right: %+v %v", s, err)
	}
	// An answer of another question is refused.
	if _, err := w.svc.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: w.tf.ID, AnswerID: w.mcqRight}}); !errors.Is(err, quiz.ErrBadAnswer) {
		t.Fatalf("foreign answer: %v", err)
	}
	done, already, err := w.svc.Submit(ctx, w.stud, att.ID)
	if err != nil || already || done.Status != store.Completed || done.Score != 3 || done.PendingCount != 1 {
		t.Fatalf("submit: %+v %v %v", done, already, err)
	}
	if quiz.Passed(done, 60) {
		t.Fatal("passed while a short answer is pending")
	}
	// The owner is notified once.
	n, _ := w.app.State.DB.CountUnread(ctx, w.teach.ID)
	if n != 2 { // enrollment + quiz_completed
		t.Fatalf("teacher unread = %d", n)
	}
	q, err := w.svc.GradingQueue(ctx, w.teach, w.qz.ID)
	if err != nil || len(q.Pending) != 1 || q.Pending[0].Text != "Merge sort" {
		t.Fatalf("queue: %+v %v", q, err)
	}
	if _, err := w.svc.Grade(ctx, w.teach, att.ID, w.short.ID, 4, ""); !errors.Is(err, quiz.ErrBadMarks) {
		t.Fatalf("marks above max: %v", err)
	}
	g, err := w.svc.Grade(ctx, w.teach, att.ID, w.short.ID, 2, "Fine")
	if err != nil || g.Score != 5 || g.PendingCount != 0 || !quiz.Passed(g, 60) {
		t.Fatalf("graded: %+v %v", g, err)
	}
	// A regrade replaces the marks (not added twice) and refreshes the one notification.
	g, err = w.svc.Grade(ctx, w.teach, att.ID, w.short.ID, 0, "Not quite")
	if err != nil || g.Score != 3 || quiz.Passed(g, 60) {
		t.Fatalf("regraded: %+v %v", g, err)
	}
	if n, _ := w.app.State.DB.CountUnread(ctx, w.stud.ID); n != 1 {
		t.Fatalf("student unread = %d", n)
	}
	r, err := w.svc.Results(ctx, w.stud, att.ID)
	if err != nil || len(r.Items) != 3 {
		t.Fatalf("results: %v", err)
	}
	for _, it := range r.Items {
		switch it.Question.ID {
		case w.mcq.ID:
			if it.Selected != "4" || it.Marks != 2 || !reflect.DeepEqual(it.Correct, []string{"4"}) {
				t.Errorf("mcq item %+v", it)
			}
		case w.tf.ID:
			if it.Selected != "True" || it.Marks != 1 {
				t.Errorf("tf item %+v", it)
			}
		case w.short.ID:
			if it.Selected != "Merge sort" || it.Marks != 0 || it.Answer.Feedback != "Not quite" || it.Correct[0] != "Quicksort" {
				t.Errorf("short item %+v", it)
			}
		}
	}
	if _, err := w.svc.Results(ctx, w.other, att.ID); err == nil {
		t.Error("another student sees the results")
	}
	// Scoring at submit follows the answers' current correctness; an empty short answer is 0, not pending.
	att2, _, _ := w.svc.Start(ctx, w.stud, w.qz.ID)
	w.svc.Save(ctx, w.stud, att2.ID, []quiz.AnswerIn{{QuestionID: w.tf.ID, AnswerID: w.tfFalse}})
	if _, err := w.svc.UpdateQuestion(ctx, w.teach, w.tf.ID, quiz.QuestionInput{Kind: quiz.TrueFalse, Text: "Go is compiled", Marks: 1, Correct: false}); err != nil {
		t.Fatal(err)
	}
	done2, _, _ := w.svc.Submit(ctx, w.stud, att2.ID)
	if done2.Score != 1 || done2.PendingCount != 0 || done2.Number != 2 {
		t.Fatalf("rescored at submit: %+v", done2)
	}
	st, err := w.svc.Analytics(ctx, w.teach, w.qz.ID)
	if err != nil || st.Count != 2 || st.Median != (50+100.0/6)/2 || st.PassRate != 0 {
		t.Fatalf("analytics: %+v %v", st, err)
	}
}

func TestTiming(t *testing.T) {
	w := newWorld(t)
	att, _, err := w.svc.Start(ctx, w.stud, w.qz.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := att.DeadlineAt.Sub(att.StartedAt); got != 10*time.Minute {
		t.Fatalf("deadline after %v", got)
	}
	w.app.Clock.Advance(9*time.Minute + 59*time.Second)
	if _, err := w.svc.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: w.mcq.ID, AnswerID: w.mcqRight}}); err != nil {
		t.Fatalf("save before deadline: %v", err)
	}
	w.app.Clock.Advance(time.Second)
	if _, err := w.svc.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: w.tf.ID, AnswerID: w.tfTrue}}); !errors.Is(err, quiz.ErrTimeUp) {
		t.Fatalf("save at deadline: %v", err)
	}
	got, _ := w.app.State.DB.AttemptByID(ctx, att.ID)
	if got.Status != store.TimedOut || got.Score != 2 || !got.FinishedAt.Equal(got.DeadlineAt) {
		t.Fatalf("timed out: %+v", got)
	}
	if _, err := w.svc.Save(ctx, w.stud, att.ID, nil); !errors.Is(err, quiz.ErrFinished) {
		t.Fatalf("save after finish: %v", err)
	}
	// The sweeper finishes an abandoned attempt.
	att2, _, _ := w.svc.Start(ctx, w.stud, w.qz.ID)
	w.app.Clock.Advance(11 * time.Minute)
	if n, err := w.svc.Sweep(ctx); err != nil || n != 1 {
		t.Fatalf("sweep: %d %v", n, err)
	}
	got, _ = w.app.State.DB.AttemptByID(ctx, att2.ID)
	if got.Status != store.TimedOut {
		t.Fatalf("swept: %+v", got)
	}
	// The next request finishes an expired attempt too (start then gives a new one).
	att3, _, _ := w.svc.Start(ctx, w.stud, w.qz.ID)
	w.app.Clock.Advance(time.Hour)
	att4, resumed, err := w.svc.Start(ctx, w.stud, w.qz.ID)
	if err != nil || resumed || att4.ID == att3.ID || att4.Number != 4 {
		t.Fatalf("start after expiry: %+v %v %v", att4, resumed, err)
	}
	got, _ = w.app.State.DB.AttemptByID(ctx, att3.ID)
	if got.Status != store.TimedOut {
		t.Fatalf("expired on next request: %+v", got)
	}
	// Attempts limit.
	two := 4
	w.svc.UpdateQuiz(ctx, w.teach, w.qz.ID, quiz.QuizInput{MaxAttempts: &two})
	w.svc.Submit(ctx, w.stud, att4.ID)
	if _, _, err := w.svc.Start(ctx, w.stud, w.qz.ID); !errors.Is(err, quiz.ErrNoAttemptsLeft) {
		t.Fatalf("over the limit: %v", err)
	}
}

func TestConcurrentSubmits(t *testing.T) {
	w := newWorld(t)
	att, _, _ := w.svc.Start(ctx, w.stud, w.qz.ID)
	w.svc.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: w.mcq.ID, AnswerID: w.mcqRight}, {QuestionID: w.tf.ID, AnswerID: w.tfTrue}})
	var wg sync.WaitGroup
	var mu sync.Mutex
	firsts := 0
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, already, err := w.svc.Submit(ctx, w.stud, att.ID)
			if err != nil {
				t.Error(err)
				return
			}
			if a.Score != 3 {
				t.Errorf("score %d", a.Score)
			}
			if !already {
				mu.Lock()
				firsts++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firsts != 1 {
		t.Fatalf("%d submits counted", firsts)
	}
	if n, _ := w.app.State.DB.CountUnread(ctx, w.teach.ID); n != 2 {
		t.Fatalf("teacher notified %d times", n-1)
	}
	// Two tabs starting at once get one attempt.
	ids := make([]int64, 10)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, _, err := w.svc.Start(ctx, w.stud, w.qz.ID)
			if err != nil {
				t.Error(err)
			}
			ids[i] = a.ID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("several attempts started: %v", ids)
		}
	}
}

func TestOrderStableWithinAttempt(t *testing.T) {
	var qs []store.Question
	for i := range 8 {
		q := store.Question{ID: int64(i + 1), Kind: quiz.MCQ}
		for j := range 5 {
			q.Answers = append(q.Answers, store.Answer{ID: int64(100*i + j)})
		}
		qs = append(qs, q)
	}
	orig := make([]store.Question, len(qs))
	copy(orig, qs)
	a := quiz.Order(42, true, qs)
	b := quiz.Order(42, true, qs)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different order")
	}
	if !reflect.DeepEqual(qs, orig) {
		t.Fatal("input modified")
	}
	differs := false
	for seed := int64(1); seed < 20 && !differs; seed++ {
		differs = !reflect.DeepEqual(quiz.Order(seed, true, qs), a)
	}
	if !differs {
		t.Fatal("seed does not change the order")
	}
	if !reflect.DeepEqual(quiz.Order(42, false, qs), qs) {
		t.Fatal("non-randomised quiz reordered")
	}
	seen := map[int64]bool{}
	for _, q := range a {
		seen[q.ID] = true
		if len(q.Answers) != 5 {
			t.Fatal("answers lost")
		}
	}
	if len(seen) != 8 {
		t.Fatal("not a permutation")
	}
}

func TestSweeperGoroutine(t *testing.T) {
	w := newWorld(t)
	att, _, _ := w.svc.Start(ctx, w.stud, w.qz.ID)
	sw := &quiz.Service{DB: w.app.State.DB, Now: w.app.Clock.Now}
	// Each sweep may take as long as the interval; 5 ms was too short for a loaded
	// machine under -race, where every sweep timed out and none finished.
	sw.StartSweeper(100 * time.Millisecond)
	defer sw.Close()
	w.app.Clock.Advance(10 * time.Minute)
	var got store.Attempt
	testutil.Eventually(t, 10*time.Second, func() bool {
		got, _ = w.app.State.DB.AttemptByID(ctx, att.ID)
		return got.Status == store.TimedOut
	}, "the sweeper times out the attempt; last seen %+v", &got)
	sw.Close()
	sw.Close() // idempotent
}

func TestRandomizedAttemptStable(t *testing.T) {
	w := newWorld(t)
	yes := true
	if _, err := w.svc.UpdateQuiz(ctx, w.teach, w.qz.ID, quiz.QuizInput{IsRandomized: &yes}); err != nil {
		t.Fatal(err)
	}
	att, _, _ := w.svc.Start(ctx, w.stud, w.qz.ID)
	a, err := w.svc.Sheet(ctx, w.stud, att.ID)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		b, _ := w.svc.Sheet(ctx, w.stud, att.ID)
		if !reflect.DeepEqual(a.Questions, b.Questions) {
			t.Fatal("order changed within the attempt")
		}
	}
	r, _, _ := w.svc.Start(ctx, w.stud, w.qz.ID) // resume: same seed
	if r.Seed != att.Seed {
		t.Fatal("seed changed on resume")
	}
	w.svc.Submit(ctx, w.stud, att.ID)
	res, err := w.svc.Results(ctx, w.stud, att.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range res.Items {
		if it.Question.ID != a.Questions[i].ID {
			t.Fatal("results not in the attempt's order")
		}
	}
}
