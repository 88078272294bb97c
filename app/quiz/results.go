package quiz

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"eplatform/app/audit"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
)

// ---- results -----------------------------------------------------------------------

// Item is one question of a finished attempt as its results show it.
type Item struct {
	Question store.Question
	Answer   *store.AttemptAnswer // nil: not answered
	Selected string               // the chosen option's text, or the short answer
	Correct  []string             // the correct options, or the model answers
	Marks    int                  // awarded (0 while pending)
	Pending  bool                 // a short answer waiting for a grade
}

// Result is a finished attempt with every question.
type Result struct {
	Access
	Attempt store.Attempt
	Taker   store.User
	Items   []Item
	Passed  bool
	Percent int
}

// Results returns a finished attempt's results to its taker or to the quiz's managers.
// An attempt past its deadline is finished first; one still running gives
// ErrNotFinished.
func (s *Service) Results(ctx context.Context, viewer store.User, id int64) (Result, error) {
	att, a, err := s.Attempt(ctx, viewer, id)
	if err != nil {
		return Result{}, err
	}
	if att.Status == store.InProgress && !s.Now().Before(att.DeadlineAt) {
		if err := s.expire(ctx, id); err != nil {
			return Result{}, err
		}
		if att, err = s.DB.AttemptByID(ctx, id); err != nil {
			return Result{}, err
		}
	}
	if att.Status == store.InProgress {
		return Result{}, ErrNotFinished
	}
	taker, err := s.DB.UserByID(ctx, att.UserID)
	if err != nil {
		return Result{}, err
	}
	qs, err := s.DB.QuestionsOfQuiz(ctx, att.QuizID)
	if err != nil {
		return Result{}, err
	}
	saved, err := s.DB.AnswersOfAttempt(ctx, id)
	if err != nil {
		return Result{}, err
	}
	r := Result{Access: a, Attempt: att, Taker: taker, Passed: Passed(att, a.Quiz.PassingPercent), Percent: Percent(att)}
	for _, q := range Order(att.Seed, a.Quiz.IsRandomized, qs) {
		it := Item{Question: q}
		if sa, ok := saved[q.ID]; ok {
			it.Answer = &sa
			it.Pending = sa.NeedsGrading
			if sa.MarksAwarded != nil {
				it.Marks = *sa.MarksAwarded
			}
			if sa.TextAnswer != nil {
				it.Selected = *sa.TextAnswer
			}
		}
		for _, opt := range q.Answers {
			if it.Answer != nil && opt.ID == it.Answer.SelectedAnswerID {
				it.Selected = opt.Text
			}
			if opt.IsCorrect {
				it.Correct = append(it.Correct, opt.Text)
			}
		}
		r.Items = append(r.Items, it)
	}
	return r, nil
}

// Attempt returns an attempt with its quiz, for its taker (while they may take the
// quiz) and the quiz's managers; anyone else gets ErrNotFound.
func (s *Service) Attempt(ctx context.Context, viewer store.User, id int64) (store.Attempt, Access, error) {
	att, err := s.DB.AttemptByID(ctx, id)
	if err != nil {
		return store.Attempt{}, Access{}, err
	}
	a, err := access(ctx, s.DB.Queries, viewer, att.QuizID)
	if errors.Is(err, ErrNotEnrolled) {
		err = ErrNotFound // whose attempt it is stays unknown
	}
	if err != nil {
		return store.Attempt{}, Access{}, err
	}
	if !a.Manage && att.UserID != viewer.ID {
		return store.Attempt{}, Access{}, ErrNotFound
	}
	return att, a, nil
}

// ---- grading -----------------------------------------------------------------------

// Queue is a quiz's grading queue, with its short-answer questions (their model
// answers shown beside each answer, and how many of each wait).
type Queue struct {
	Access
	Pending   []store.PendingAnswer
	Questions []QuestionQueue // the quiz's short-answer questions, in order
}

// QuestionQueue is a short-answer question and how many of its answers wait.
type QuestionQueue struct {
	Question store.Question
	Pending  int
}

// Question returns the queue's question of that id (the zero Question if none).
func (q Queue) Question(id int64) store.Question {
	for _, qq := range q.Questions {
		if qq.Question.ID == id {
			return qq.Question
		}
	}
	return store.Question{}
}

// GradingQueue lists the short answers of a quiz the viewer manages waiting for marks.
func (s *Service) GradingQueue(ctx context.Context, viewer store.User, quizID int64) (Queue, error) {
	a, err := managedQuiz(ctx, s.DB.Queries, viewer, quizID)
	if err != nil {
		return Queue{}, err
	}
	p, err := s.DB.GradingQueue(ctx, quizID, 500)
	if err != nil {
		return Queue{}, err
	}
	qs, err := s.DB.QuestionsOfQuiz(ctx, quizID)
	if err != nil {
		return Queue{}, err
	}
	per, err := s.DB.PendingByQuestion(ctx, quizID)
	if err != nil {
		return Queue{}, err
	}
	out := Queue{Access: a, Pending: p}
	for _, q := range qs {
		if q.Kind == ShortAnswer {
			out.Questions = append(out.Questions, QuestionQueue{Question: q, Pending: per[q.ID]})
		}
	}
	return out, nil
}

// MarksFrom reads the marks typed in a grading form: blank is ErrNoMarks (never 0),
// anything but a whole number ErrBadMarks.
func MarksFrom(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ErrNoMarks
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, ErrBadMarks
	}
	return n, nil
}

// Grade gives marks (0..the question's marks) and feedback to a short answer of a
// finished attempt; the attempt's score and pending count follow in the same
// transaction and the student is notified. A regrade replaces the marks.
func (s *Service) Grade(ctx context.Context, viewer store.User, attemptID, questionID int64, marks int, feedback string) (store.Attempt, error) {
	feedback, badFeedback := text.Field(feedback, false, MaxText)
	var att store.Attempt
	var n note
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		cur, err := tx.AttemptByID(ctx, attemptID)
		if err != nil {
			return err
		}
		a, err := managedQuiz(ctx, tx, viewer, cur.QuizID)
		if err != nil {
			return err
		}
		if badFeedback != "" {
			return problem.Field("feedback", badFeedback)
		}
		q, err := tx.QuestionByID(ctx, questionID)
		if err != nil {
			return err
		}
		att, n, err = s.gradeOne(ctx, tx, viewer, a, cur, q, marks, feedback)
		return err
	})
	if err != nil {
		return store.Attempt{}, err
	}
	if n.id != 0 {
		s.deliver(ctx, []note{n})
	}
	return att, nil
}

// gradeOne records marks and feedback for one short answer inside tx, then the
// attempt's score, and tells its taker (unless they graded themselves, an admin
// taking their own quiz). It returns the attempt as it now stands.
func (s *Service) gradeOne(ctx context.Context, tx *store.Queries, viewer store.User, a Access, cur store.Attempt,
	q store.Question, marks int, feedback string) (store.Attempt, note, error) {
	if cur.Status == store.InProgress || q.QuizID != cur.QuizID || q.Kind != ShortAnswer {
		return store.Attempt{}, note{}, ErrNotGradable
	}
	if marks < 0 || marks > q.Marks {
		return store.Attempt{}, note{}, ErrBadMarks
	}
	now := s.Now()
	saved, err := tx.AnswersOfAttempt(ctx, cur.ID)
	if err != nil {
		return store.Attempt{}, note{}, err
	}
	prev := saved[q.ID]
	if err := tx.GradeAnswer(ctx, cur.ID, q.ID, marks, feedback, viewer.ID, now); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return store.Attempt{}, note{}, ErrNotGradable
		}
		return store.Attempt{}, note{}, err
	}
	att, n, err := s.rescore(ctx, tx, viewer.ID, a, cur.ID)
	if err != nil {
		return att, n, err
	}
	taker, err := tx.UserByID(ctx, cur.UserID)
	if err != nil {
		return att, n, err
	}
	before := map[string]any{"question": q.ID, "marks": prev.MarksAwarded, "feedback": prev.Feedback, "score": cur.Score, "pending": cur.PendingCount}
	after := map[string]any{"question": q.ID, "marks": marks, "feedback": feedback, "score": att.Score, "pending": att.PendingCount}
	err = audit.Record(ctx, tx, audit.Entry{At: now, Actor: viewer, Action: audit.AnswerGrade, Before: before, After: after,
		Target: audit.Target{Kind: audit.KindAttempt, ID: cur.ID,
			Label: a.Quiz.Title + " · " + taker.Username + " · attempt " + strconv.Itoa(cur.Number)}})
	return att, n, err
}

// rescore sums an attempt's marks after a grade and tells its taker (from grader, 0
// when the rules graded it).
func (s *Service) rescore(ctx context.Context, tx *store.Queries, grader int64, a Access, attemptID int64) (store.Attempt, note, error) {
	score, pending, err := tx.SumAttempt(ctx, attemptID)
	if err != nil {
		return store.Attempt{}, note{}, err
	}
	if err := tx.SetAttemptScore(ctx, attemptID, score, pending); err != nil {
		return store.Attempt{}, note{}, err
	}
	att, err := tx.AttemptByID(ctx, attemptID)
	if err != nil || att.UserID == grader {
		return att, note{}, err
	}
	text := "Your answers to " + a.Quiz.Title + " were graded"
	if pending == 0 {
		text += ": " + strconv.Itoa(score) + "/" + strconv.Itoa(att.MaxScore)
	}
	id, err := tx.UpsertGradedNotification(ctx, store.NewNotification{RecipientID: att.UserID, SenderID: grader,
		Text: truncate(text, 1000), URL: ResultsURL(attemptID), AttemptID: attemptID, Now: s.Now()})
	return att, note{id, att.UserID}, err
}

// ---- analytics ---------------------------------------------------------------------

// QuestionRate is the share of finished attempts that got a question fully right.
type QuestionRate struct {
	Question store.Question
	Correct  int
	Percent  int
}

// Stats are a quiz's analytics over its finished attempts.
type Stats struct {
	Access
	Attempts    []store.Attempt
	Count       int
	Average     float64 // percent
	Median      float64 // percent
	PassRate    int     // percent of attempts that passed
	Histogram   [10]int // attempts by percentage: 0–9, 10–19, …, 90–100
	Questions   []QuestionRate
	AverageTime time.Duration
}

// Analytics computes a quiz's analytics for its managers.
func (s *Service) Analytics(ctx context.Context, viewer store.User, quizID int64) (Stats, error) {
	a, err := managedQuiz(ctx, s.DB.Queries, viewer, quizID)
	if err != nil {
		return Stats{}, err
	}
	atts, err := s.DB.AttemptsOfQuiz(ctx, quizID, 100000)
	if err != nil {
		return Stats{}, err
	}
	qs, err := s.DB.QuestionsOfQuiz(ctx, quizID)
	if err != nil {
		return Stats{}, err
	}
	per, err := s.DB.QuestionStats(ctx, quizID)
	if err != nil {
		return Stats{}, err
	}
	return Compute(a, atts, qs, per), nil
}

// Compute derives the analytics from the finished attempts and per-question counts.
func Compute(a Access, atts []store.Attempt, qs []store.Question, per map[int64]store.QuestionStat) Stats {
	st := Stats{Access: a, Attempts: atts, Count: len(atts)}
	if len(atts) > 0 {
		pcts := make([]float64, len(atts))
		sum, passed := 0.0, 0
		var total time.Duration
		for i, at := range atts {
			p := 0.0
			if at.MaxScore > 0 {
				p = float64(at.Score) * 100 / float64(at.MaxScore)
			}
			pcts[i] = p
			sum += p
			if Passed(at, a.Quiz.PassingPercent) {
				passed++
			}
			st.Histogram[min(int(p)/10, 9)]++
			total += at.FinishedAt.Sub(at.StartedAt)
		}
		st.Average = sum / float64(len(atts))
		slices.Sort(pcts)
		if m := len(pcts) / 2; len(pcts)%2 == 1 {
			st.Median = pcts[m]
		} else {
			st.Median = (pcts[m-1] + pcts[m]) / 2
		}
		st.PassRate = passed * 100 / len(atts)
		st.AverageTime = total / time.Duration(len(atts))
	}
	for _, q := range qs {
		r := QuestionRate{Question: q, Correct: per[q.ID].Correct}
		if len(atts) > 0 {
			r.Percent = r.Correct * 100 / len(atts)
		}
		st.Questions = append(st.Questions, r)
	}
	return st
}
