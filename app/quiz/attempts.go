package quiz

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
)

// ---- starting ----------------------------------------------------------------------

// Start starts an attempt at a quiz, or resumes the viewer's open one (resumed true).
// An open attempt past its deadline is first finished as timed_out. The schema's
// unique index on open attempts makes two tabs starting at once resume the same one.
func (s *Service) Start(ctx context.Context, viewer store.User, quizID int64) (att store.Attempt, resumed bool, err error) {
	var notes []note
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		notes, resumed = nil, false
		a, err := access(ctx, tx, viewer, quizID)
		if err != nil {
			return err
		}
		if a.Manage {
			return ErrOwnQuiz
		}
		now := s.Now()
		open, err := tx.OpenAttempt(ctx, quizID, viewer.ID)
		switch {
		case err == nil && now.Before(open.DeadlineAt):
			att, resumed = open, true
			return nil
		case err == nil:
			n, err := s.finish(ctx, tx, open, a, store.TimedOut)
			if err != nil {
				return err
			}
			notes = append(notes, n...)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		if a.Quiz.QuestionCount == 0 {
			return ErrNoQuestions
		}
		if !a.Quiz.DueAt.IsZero() && !now.Before(a.Quiz.DueAt) {
			return ErrClosed
		}
		last, err := tx.LastAttemptNumber(ctx, quizID, viewer.ID)
		if err != nil {
			return err
		}
		if a.Quiz.MaxAttempts > 0 && last >= a.Quiz.MaxAttempts {
			return ErrNoAttemptsLeft
		}
		id, err := tx.InsertAttempt(ctx, store.NewAttempt{QuizID: quizID, UserID: viewer.ID, Number: last + 1,
			StartedAt: now, Deadline: Deadline(a.Quiz, now), MaxScore: a.Quiz.TotalMarks, Seed: rand.Int64()})
		if errors.Is(err, store.ErrConflict) {
			// Another request opened one in between: resume it.
			if att, err = tx.OpenAttempt(ctx, quizID, viewer.ID); err != nil {
				return err
			}
			resumed = true
			return nil
		}
		if err != nil {
			return err
		}
		att, err = tx.AttemptByID(ctx, id)
		return err
	})
	if err != nil {
		return store.Attempt{}, false, err
	}
	s.deliver(ctx, notes)
	return att, resumed, nil
}

// Deadline is when an attempt started at now must end: after the quiz's time limit,
// or at its due date if that comes first (an exam closes for everyone at once).
func Deadline(q store.Quiz, now time.Time) time.Time {
	d := now.Add(time.Duration(q.TimeLimitMinutes) * time.Minute)
	if !q.DueAt.IsZero() && q.DueAt.Before(d) {
		d = q.DueAt
	}
	return d
}

// ---- taking ------------------------------------------------------------------------

// Sheet is an attempt as its taker sees it: the questions in the attempt's order (the
// answers' correctness must not be shown while in progress) and the saved answers.
type Sheet struct {
	Access
	Attempt   store.Attempt
	Questions []store.Question
	Saved     map[int64]store.AttemptAnswer
}

// ownAttempt loads an attempt of the viewer with the quiz's access.
func ownAttempt(ctx context.Context, q *store.Queries, viewer store.User, id int64) (store.Attempt, Access, error) {
	att, err := q.AttemptByID(ctx, id)
	if err != nil {
		return store.Attempt{}, Access{}, err
	}
	if att.UserID != viewer.ID {
		return store.Attempt{}, Access{}, ErrNotFound
	}
	a, err := access(ctx, q, viewer, att.QuizID)
	if err != nil {
		return store.Attempt{}, Access{}, err
	}
	return att, a, nil
}

// Sheet returns the viewer's attempt for taking it. An attempt past its deadline is
// finished first (the returned attempt then is no longer in progress: show results).
func (s *Service) Sheet(ctx context.Context, viewer store.User, id int64) (Sheet, error) {
	att, a, err := ownAttempt(ctx, s.DB.Queries, viewer, id)
	if err != nil {
		return Sheet{}, err
	}
	if att.Status == store.InProgress && !s.Now().Before(att.DeadlineAt) {
		if err := s.expire(ctx, id); err != nil {
			return Sheet{}, err
		}
		if att, err = s.DB.AttemptByID(ctx, id); err != nil {
			return Sheet{}, err
		}
	}
	qs, err := s.DB.QuestionsOfQuiz(ctx, att.QuizID)
	if err != nil {
		return Sheet{}, err
	}
	saved, err := s.DB.AnswersOfAttempt(ctx, id)
	if err != nil {
		return Sheet{}, err
	}
	return Sheet{Access: a, Attempt: att, Questions: Order(att.Seed, a.Quiz.IsRandomized, qs), Saved: saved}, nil
}

// AnswerIn is one answer being saved: AnswerID for a choice (0 clears it), Text for a
// short answer (nil or blank clears it).
type AnswerIn struct {
	QuestionID int64
	AnswerID   int64
	Text       *string
}

// Saved is the outcome of a save: the attempt with its running score, and its quiz.
type Saved struct {
	Attempt store.Attempt
	Quiz    store.Quiz
	Count   int
}

// Save stores answers of the viewer's open attempt and rescores its choices. After
// the deadline nothing is stored: the attempt is finished as timed_out and ErrTimeUp
// returned; a finished attempt gives ErrFinished. A short answer breaking the rule
// for text is a problem.Field of "answers", and nothing of the save is stored.
func (s *Service) Save(ctx context.Context, viewer store.User, id int64, answers []AnswerIn) (Saved, error) {
	var out Saved
	var notes []note
	timeUp := false
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		notes, timeUp = nil, false
		att, a, err := ownAttempt(ctx, tx, viewer, id)
		if err != nil {
			return err
		}
		if att.Status != store.InProgress {
			return ErrFinished
		}
		now := s.Now()
		if !now.Before(att.DeadlineAt) {
			timeUp = true
			notes, err = s.finish(ctx, tx, att, a, store.TimedOut)
			return err
		}
		qs, err := tx.QuestionsOfQuiz(ctx, att.QuizID)
		if err != nil {
			return err
		}
		byID := map[int64]store.Question{}
		for _, q := range qs {
			byID[q.ID] = q
		}
		for _, in := range answers {
			q, ok := byID[in.QuestionID]
			if !ok {
				return ErrBadAnswer
			}
			if err := saveOne(ctx, tx, id, q, in, now); err != nil {
				return err
			}
		}
		score, _, err := tx.SumAttempt(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.SetAttemptScore(ctx, id, score, 0); err != nil {
			return err
		}
		out.Count, out.Quiz = len(answers), a.Quiz
		out.Attempt, err = tx.AttemptByID(ctx, id)
		return err
	})
	if err != nil {
		return Saved{}, err
	}
	s.deliver(ctx, notes)
	if timeUp {
		return Saved{}, ErrTimeUp
	}
	return out, nil
}

func saveOne(ctx context.Context, tx *store.Queries, attemptID int64, q store.Question, in AnswerIn, now time.Time) error {
	if q.Kind == ShortAnswer {
		if in.AnswerID != 0 {
			return ErrBadAnswer
		}
		t := ""
		if in.Text != nil {
			var msg string
			if t, msg = text.Field(*in.Text, false, MaxText); msg != "" {
				return problem.Field("answers", msg)
			}
		}
		if t == "" {
			return tx.DeleteAttemptAnswer(ctx, attemptID, q.ID)
		}
		return tx.SaveAnswer(ctx, attemptID, q.ID, 0, &t, nil, false, now)
	}
	if in.Text != nil && strings.TrimSpace(*in.Text) != "" {
		return ErrBadAnswer
	}
	if in.AnswerID == 0 {
		return tx.DeleteAttemptAnswer(ctx, attemptID, q.ID)
	}
	for _, opt := range q.Answers {
		if opt.ID == in.AnswerID {
			marks := 0
			if opt.IsCorrect {
				marks = q.Marks
			}
			return tx.SaveAnswer(ctx, attemptID, q.ID, opt.ID, nil, &marks, false, now)
		}
	}
	return ErrBadAnswer
}

// Submit finishes the viewer's attempt: completed before the deadline, timed_out
// after it. already is true when it had been finished before (another tab, a double
// click, the sweeper): nothing is counted twice.
func (s *Service) Submit(ctx context.Context, viewer store.User, id int64) (att store.Attempt, already bool, err error) {
	var notes []note
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		notes, already = nil, false
		cur, a, err := ownAttempt(ctx, tx, viewer, id)
		if err != nil {
			return err
		}
		if cur.Status != store.InProgress {
			already = true
			att = cur
			return nil
		}
		status := store.Completed
		if !s.Now().Before(cur.DeadlineAt) {
			status = store.TimedOut
		}
		if notes, err = s.finish(ctx, tx, cur, a, status); err != nil {
			return err
		}
		att, err = tx.AttemptByID(ctx, id)
		return err
	})
	if err != nil {
		return store.Attempt{}, false, err
	}
	s.deliver(ctx, notes)
	return att, already, nil
}

// note is a notification to deliver after the commit.
type note struct{ id, recipient int64 }

func (s *Service) deliver(ctx context.Context, notes []note) {
	if s.Notify == nil || len(notes) == 0 {
		return
	}
	ids, rcpts := make([]int64, len(notes)), make([]int64, len(notes))
	for i, n := range notes {
		ids[i], rcpts[i] = n.id, n.recipient
	}
	s.Notify.Deliver(ctx, ids, rcpts)
}

// finish ends an open attempt inside tx: choices rescored, short answers queued for
// grading, the score summed once, the owner notified. A timed-out attempt finishes at
// its deadline.
func (s *Service) finish(ctx context.Context, tx *store.Queries, att store.Attempt, a Access, status string) ([]note, error) {
	if err := tx.RescoreChoices(ctx, att.ID); err != nil {
		return nil, err
	}
	if err := tx.MarkForGrading(ctx, att.ID); err != nil {
		return nil, err
	}
	if err := s.autoAccept(ctx, tx, att); err != nil {
		return nil, err
	}
	score, pending, err := tx.SumAttempt(ctx, att.ID)
	if err != nil {
		return nil, err
	}
	at := s.Now()
	if status == store.TimedOut && at.After(att.DeadlineAt) {
		at = att.DeadlineAt
	}
	ok, err := tx.FinishAttempt(ctx, att.ID, status, at, score, pending)
	if err != nil || !ok {
		return nil, err
	}
	owner := a.Quiz.CreatedBy
	if owner == 0 && a.Subject.Instructor != nil {
		owner = a.Subject.Instructor.ID
	}
	if owner == 0 || owner == att.UserID {
		return nil, nil
	}
	taker, err := tx.UserByID(ctx, att.UserID)
	if err != nil {
		return nil, err
	}
	text := taker.Username + " completed " + a.Quiz.Title
	if status == store.TimedOut {
		text = taker.Username + " ran out of time on " + a.Quiz.Title
	}
	if pending > 0 {
		text += " (short answers to grade)"
	}
	url := ResultsURL(att.ID)
	nid, inserted, err := tx.InsertNotification(ctx, store.NewNotification{RecipientID: owner, SenderID: att.UserID,
		Type: "quiz_completed", Text: truncate(text, 1000), URL: url, AttemptID: att.ID, Now: s.Now()})
	if err != nil || !inserted {
		return nil, err
	}
	return []note{{nid, owner}}, nil
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// expire finishes one attempt as timed_out if it is still open and past its deadline.
func (s *Service) expire(ctx context.Context, id int64) error {
	var notes []note
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		notes = nil
		att, err := tx.AttemptByID(ctx, id)
		if err != nil {
			return err
		}
		if att.Status != store.InProgress || s.Now().Before(att.DeadlineAt) {
			return nil
		}
		qz, err := tx.QuizByID(ctx, att.QuizID)
		if err != nil {
			return err
		}
		subj, err := tx.SubjectByID(ctx, qz.SubjectID)
		if err != nil {
			return err
		}
		notes, err = s.finish(ctx, tx, att, Access{Quiz: qz, Subject: subj}, store.TimedOut)
		return err
	})
	if err == nil {
		s.deliver(ctx, notes)
	}
	return err
}

// expireOpen finishes a user's open attempt at a quiz if its deadline has passed.
func (s *Service) expireOpen(ctx context.Context, quizID, userID int64) error {
	att, err := s.DB.OpenAttempt(ctx, quizID, userID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if s.Now().Before(att.DeadlineAt) {
		return nil
	}
	return s.expire(ctx, att.ID)
}

// Sweep finishes every open attempt past its deadline; it returns how many.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	n := 0
	for {
		ids, err := s.DB.ExpiredAttempts(ctx, s.Now(), 100)
		if err != nil {
			return n, err
		}
		for _, id := range ids {
			if err := s.expire(ctx, id); err != nil {
				return n, err
			}
			n++
		}
		if len(ids) < 100 {
			return n, nil
		}
	}
}

// StartSweeper runs Sweep every interval in a goroutine until Close is called or the
// database is closed (the State shutting down).
func (s *Service) StartSweeper(interval time.Duration) {
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(s.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), interval)
			_, err := s.Sweep(ctx)
			cancel()
			if isClosed(err) {
				return
			}
			if err != nil && s.Log != nil {
				s.Log.Warn("quiz sweeper", "err", err)
			}
		}
	}()
}

// Close stops the sweeper and waits for it.
func (s *Service) Close() {
	if s.stop == nil {
		return
	}
	s.stopOnce.Do(func() { close(s.stop) })
	<-s.done
}
