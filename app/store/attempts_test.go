package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestAttemptsStore: totals follow the questions; one open attempt per person and quiz
// (the partial unique index); finishing is once only; choices are scored against the
// answers' correctness; a short answer waits for a grade until graded.
func TestAttemptsStore(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	u := learnUsers(t, db, "teach", "sam")
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var quizID, mcq, short, right, wrong int64
	err := db.WithTx(ctx, func(tx *Queries) error {
		sid, err := tx.InsertSubject(ctx, NewSubject{Name: "S", Code: "S1", Icon: "school", IsActive: true, InstructorID: u["teach"], CreatedBy: u["teach"], Now: now})
		if err != nil {
			return err
		}
		if quizID, err = tx.InsertQuiz(ctx, sid, u["teach"], QuizFields{Title: "Q", TimeLimitMinutes: 10, PassingPercent: 60, IsActive: true}, now); err != nil {
			return err
		}
		if mcq, err = tx.InsertQuestion(ctx, quizID, QuestionFields{Kind: "mcq", Text: "?", Marks: 2},
			[]AnswerFields{{Text: "a"}, {Text: "b", IsCorrect: true}}, now); err != nil {
			return err
		}
		if short, err = tx.InsertQuestion(ctx, quizID, QuestionFields{Kind: "short_answer", Text: "?", Marks: 3}, nil, now); err != nil {
			return err
		}
		return tx.RecountQuiz(ctx, quizID, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	q, _ := db.QuizByID(ctx, quizID)
	if q.TotalMarks != 5 || q.QuestionCount != 2 {
		t.Fatalf("totals %+v", q)
	}
	qs, _ := db.QuestionsOfQuiz(ctx, quizID)
	for _, a := range qs[0].Answers {
		if a.IsCorrect {
			right = a.ID
		} else {
			wrong = a.ID
		}
	}
	na := NewAttempt{QuizID: quizID, UserID: u["sam"], Number: 1, StartedAt: now, Deadline: now.Add(10 * time.Minute), MaxScore: 5, Seed: 7}
	var aid int64
	if err := db.WithTx(ctx, func(tx *Queries) (err error) { aid, err = tx.InsertAttempt(ctx, na); return err }); err != nil {
		t.Fatal(err)
	}
	na.Number = 2
	if err := db.WithTx(ctx, func(tx *Queries) error { _, err := tx.InsertAttempt(ctx, na); return err }); !errors.Is(err, ErrConflict) {
		t.Fatalf("second open attempt: %v", err)
	}
	text := "merge sort"
	zero := 0
	err = db.WithTx(ctx, func(tx *Queries) error {
		if err := tx.SaveAnswer(ctx, aid, mcq, wrong, nil, &zero, false, now); err != nil {
			return err
		}
		// The option's id is replaced by the right one (an upsert, not a second row).
		if err := tx.SaveAnswer(ctx, aid, mcq, right, nil, &zero, false, now); err != nil {
			return err
		}
		if err := tx.SaveAnswer(ctx, aid, short, 0, &text, nil, false, now); err != nil {
			return err
		}
		if err := tx.RescoreChoices(ctx, aid); err != nil {
			return err
		}
		if err := tx.MarkForGrading(ctx, aid); err != nil {
			return err
		}
		score, pending, err := tx.SumAttempt(ctx, aid)
		if err != nil || score != 2 || pending != 1 {
			t.Errorf("sum %d %d %v", score, pending, err)
		}
		ok, err := tx.FinishAttempt(ctx, aid, Completed, now.Add(time.Minute), score, pending)
		if err != nil || !ok {
			t.Errorf("finish %v %v", ok, err)
		}
		ok, err = tx.FinishAttempt(ctx, aid, TimedOut, now.Add(time.Minute), 99, 0)
		if err != nil || ok {
			t.Errorf("finished twice %v %v", ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := db.AttemptByID(ctx, aid)
	if a.Status != Completed || a.Score != 2 || a.PendingCount != 1 {
		t.Fatalf("attempt %+v", a)
	}
	queue, _ := db.GradingQueue(ctx, quizID, 10)
	if len(queue) != 1 || queue[0].Text != text {
		t.Fatalf("queue %+v", queue)
	}
	// A new attempt may start once the first is finished.
	if err := db.WithTx(ctx, func(tx *Queries) error { _, err := tx.InsertAttempt(ctx, na); return err }); err != nil {
		t.Fatalf("attempt 2: %v", err)
	}
	err = db.WithTx(ctx, func(tx *Queries) error {
		if err := tx.GradeAnswer(ctx, aid, short, 3, "good", u["teach"], now); err != nil {
			return err
		}
		score, pending, err := tx.SumAttempt(ctx, aid)
		if err != nil {
			return err
		}
		return tx.SetAttemptScore(ctx, aid, score, pending)
	})
	if err != nil {
		t.Fatal(err)
	}
	a, _ = db.AttemptByID(ctx, aid)
	if a.Score != 5 || a.PendingCount != 0 {
		t.Fatalf("graded %+v", a)
	}
	if expired, _ := db.ExpiredAttempts(ctx, now.Add(11*time.Minute), 10); len(expired) != 1 {
		t.Fatalf("expired %v", expired)
	}
}
