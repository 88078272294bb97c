package quiz

import (
	"context"
	"strconv"
	"strings"
	"unicode"

	"eplatform/app/form"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
)

// AcceptedFeedback is the feedback of a short answer accepted automatically.
const AcceptedFeedback = "Accepted automatically: it matches a model answer."

// Matches reports whether a short answer matches one of a question's model answers,
// ignoring case and spacing: "Go FMT" matches "gofmt" and " quick sort" "Quicksort".
// Punctuation counts: "3.14" does not match "314".
func Matches(answer string, models []store.Answer) bool {
	a := squeeze(answer)
	if a == "" {
		return false
	}
	for _, m := range models {
		if strings.EqualFold(a, squeeze(m.Text)) {
			return true
		}
	}
	return false
}

// squeeze drops every white-space character.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// autoAccept gives full marks, inside the transaction that finishes an attempt, to its
// short answers that match a model answer of a question accepting them
// automatically: they never reach the grading queue. The caller sums the score.
func (s *Service) autoAccept(ctx context.Context, tx *store.Queries, att store.Attempt) error {
	qs, err := tx.QuestionsOfQuiz(ctx, att.QuizID)
	if err != nil {
		return err
	}
	var auto []store.Question
	for _, q := range qs {
		if q.Kind == ShortAnswer && q.AutoAccept {
			auto = append(auto, q)
		}
	}
	if len(auto) == 0 {
		return nil
	}
	saved, err := tx.AnswersOfAttempt(ctx, att.ID)
	if err != nil {
		return err
	}
	for _, q := range auto {
		sa, ok := saved[q.ID]
		if ok && sa.NeedsGrading && sa.TextAnswer != nil && Matches(*sa.TextAnswer, q.Answers) {
			if err := tx.AcceptAnswer(ctx, att.ID, q.ID, q.Marks, AcceptedFeedback, s.Now()); err != nil {
				return err
			}
		}
	}
	return nil
}

// acceptWaiting applies a question's automatic acceptance to the answers already
// waiting in the queue (the option was just turned on): each matching one gets full
// marks, its attempt's score follows and its taker is told, as if grader had graded it.
func (s *Service) acceptWaiting(ctx context.Context, tx *store.Queries, grader int64, a Access, q store.Question) ([]note, error) {
	given, err := tx.AnswersToQuestion(ctx, q.ID, 100000)
	if err != nil {
		return nil, err
	}
	var notes []note
	for _, g := range given {
		if !g.NeedsGrading || !Matches(g.Text, q.Answers) {
			continue
		}
		if err := tx.AcceptAnswer(ctx, g.AttemptID, q.ID, q.Marks, AcceptedFeedback, s.Now()); err != nil {
			return nil, err
		}
		_, n, err := s.rescore(ctx, tx, grader, a, g.AttemptID)
		if err != nil {
			return nil, err
		}
		if n.id != 0 {
			notes = append(notes, n)
		}
	}
	return notes, nil
}

// QuestionGrading is one short-answer question with every finished attempt's answer to
// it: those waiting for a grade first, then the graded ones (to regrade).
type QuestionGrading struct {
	Access
	Question store.Question
	Answers  []store.GivenAnswer
	Pending  int
}

// QuestionAnswers returns a short-answer question of a quiz the viewer manages with
// every answer given to it.
func (s *Service) QuestionAnswers(ctx context.Context, viewer store.User, questionID int64) (QuestionGrading, error) {
	q, a, err := s.Question(ctx, viewer, questionID)
	if err != nil {
		return QuestionGrading{}, err
	}
	if q.Kind != ShortAnswer {
		return QuestionGrading{}, ErrNotGradable
	}
	given, err := s.DB.AnswersToQuestion(ctx, questionID, 2000)
	if err != nil {
		return QuestionGrading{}, err
	}
	out := QuestionGrading{Access: a, Question: q, Answers: given}
	for _, g := range given {
		if g.NeedsGrading {
			out.Pending++
		}
	}
	return out, nil
}

// GradeIn is one row of a question graded across attempts: Marks nil leaves the
// answer as it is (a row left blank).
type GradeIn struct {
	AttemptID int64
	Marks     *int
	Feedback  string
}

// GradeQuestion grades one question across attempts in one go: every row with marks
// is graded (or regraded) as Grade would, and the attempts' scores follow. A row
// with feedback but no marks, marks out of range or bad feedback refuses the whole
// set (a problem.Fields naming marks_{attempt} or feedback_{attempt}), and nothing is
// stored. It returns how many answers were graded.
func (s *Service) GradeQuestion(ctx context.Context, viewer store.User, questionID int64, rows []GradeIn) (int, error) {
	var notes []note
	graded := 0
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		notes, graded = nil, 0
		q, err := tx.QuestionByID(ctx, questionID)
		if err != nil {
			return err
		}
		a, err := managedQuiz(ctx, tx, viewer, q.QuizID)
		if err != nil {
			return err
		}
		if q.Kind != ShortAnswer {
			return ErrNotGradable
		}
		errs := form.Errors{}
		for i, r := range rows {
			id := text.Itoa(r.AttemptID)
			rows[i].Feedback = text.Check(errs, "feedback_"+id, r.Feedback, false, MaxText)
			switch {
			case r.Marks == nil && rows[i].Feedback != "":
				errs.Add("marks_"+id, "Enter the marks that go with this feedback.")
			case r.Marks != nil && (*r.Marks < 0 || *r.Marks > q.Marks):
				errs.Add("marks_"+id, "Marks must be between 0 and "+strconv.Itoa(q.Marks)+".")
			}
		}
		if len(errs) > 0 {
			return problem.Fields(errs)
		}
		for _, r := range rows {
			if r.Marks == nil {
				continue
			}
			cur, err := tx.AttemptByID(ctx, r.AttemptID)
			if err != nil || cur.QuizID != q.QuizID {
				return ErrNotGradable
			}
			_, n, err := s.gradeOne(ctx, tx, viewer, a, cur, q, *r.Marks, r.Feedback)
			if err != nil {
				return err
			}
			if n.id != 0 {
				notes = append(notes, n)
			}
			graded++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	s.deliver(ctx, notes)
	return graded, nil
}
