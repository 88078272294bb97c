package store

import (
	"context"
	"database/sql"
	"time"
)

// Attempt statuses.
const (
	InProgress = "in_progress"
	Completed  = "completed"
	TimedOut   = "timed_out"
)

// Attempt is a row of quiz_attempts, with its taker when read by a list.
type Attempt struct {
	ID            int64
	QuizID        int64
	UserID        int64
	User          UserMini // filled by AttemptsOfQuiz and GradingQueue
	Number        int
	Status        string
	StartedAt     time.Time
	DeadlineAt    time.Time
	FinishedAt    time.Time // zero while in progress
	Score         int
	MaxScore      int
	PendingCount  int
	Seed          int64
	AnsweredCount int // filled by AttemptsOfQuiz
}

// AttemptAnswer is a row of attempt_answers. MarksAwarded is nil until scored.
type AttemptAnswer struct {
	QuestionID       int64
	SelectedAnswerID int64 // 0: none
	TextAnswer       *string
	MarksAwarded     *int
	NeedsGrading     bool
	AnsweredAt       time.Time
	GradedAt         time.Time
	GradedBy         int64
	Feedback         string
}

// NewAttempt is what InsertAttempt writes.
type NewAttempt struct {
	QuizID, UserID      int64
	Number              int
	StartedAt, Deadline time.Time
	MaxScore            int
	Seed                int64
}

const attemptColumns = `a.id, a.quiz_id, a.user_id, a.attempt_number, a.status, a.started_at, a.deadline_at,
	coalesce(a.finished_at, 0), a.score, a.max_score, a.pending_count, a.seed`

func attemptArgs(a *Attempt, started, deadline, finished *int64) []any {
	return []any{&a.ID, &a.QuizID, &a.UserID, &a.Number, &a.Status, started, deadline, finished,
		&a.Score, &a.MaxScore, &a.PendingCount, &a.Seed}
}

func (a *Attempt) finish(started, deadline, finished int64) {
	a.StartedAt, a.DeadlineAt = FromMillis(started), FromMillis(deadline)
	if finished != 0 {
		a.FinishedAt = FromMillis(finished)
	}
}

func scanAttempt(row interface{ Scan(...any) error }) (Attempt, error) {
	var a Attempt
	var started, deadline, finished int64
	if err := row.Scan(attemptArgs(&a, &started, &deadline, &finished)...); err != nil {
		return Attempt{}, scanOne(err)
	}
	a.finish(started, deadline, finished)
	return a, nil
}

// AttemptByID returns an attempt or ErrNotFound.
func (s *Queries) AttemptByID(ctx context.Context, id int64) (Attempt, error) {
	return scanAttempt(s.queryRow(ctx, `SELECT `+attemptColumns+` FROM quiz_attempts a WHERE a.id = ?`, id))
}

// OpenAttempt returns a user's in-progress attempt at a quiz, or ErrNotFound.
func (s *Queries) OpenAttempt(ctx context.Context, quizID, userID int64) (Attempt, error) {
	return scanAttempt(s.queryRow(ctx, `SELECT `+attemptColumns+` FROM quiz_attempts a
		WHERE a.quiz_id = ? AND a.user_id = ? AND a.status = 'in_progress'`, quizID, userID))
}

// LastAttemptNumber is the highest attempt number of a user at a quiz (0: none).
func (s *Queries) LastAttemptNumber(ctx context.Context, quizID, userID int64) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT coalesce(max(attempt_number), 0) FROM quiz_attempts WHERE quiz_id = ? AND user_id = ?`,
		quizID, userID).Scan(&n)
	return n, translate(err)
}

// InsertAttempt starts an attempt. A second open attempt of the same person at the
// same quiz, or a second attempt with the same number, is an ErrConflict.
func (s *Queries) InsertAttempt(ctx context.Context, n NewAttempt) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `INSERT INTO quiz_attempts (quiz_id, user_id, attempt_number, status, started_at,
			deadline_at, max_score, seed) VALUES (?, ?, ?, 'in_progress', ?, ?, ?, ?) RETURNING id`,
		n.QuizID, n.UserID, n.Number, millis(n.StartedAt), millis(n.Deadline), n.MaxScore, n.Seed).Scan(&id)
	if err != nil {
		return 0, wrapf(err, "store: insert attempt")
	}
	return id, nil
}

// AttemptsOfUser lists a user's attempts at a quiz, newest first.
func (s *Queries) AttemptsOfUser(ctx context.Context, quizID, userID int64) ([]Attempt, error) {
	rows, err := s.query(ctx, `SELECT `+attemptColumns+` FROM quiz_attempts a WHERE a.quiz_id = ? AND a.user_id = ?
		ORDER BY a.attempt_number DESC LIMIT 200`, quizID, userID)
	if err != nil {
		return nil, wrapf(err, "store: attempts of user")
	}
	defer rows.Close()
	var out []Attempt
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, translate(rows.Err())
}

// AttemptsOfQuiz lists every finished attempt of a quiz with its taker, oldest first
// (for analytics and the CSV export; at most limit).
func (s *Queries) AttemptsOfQuiz(ctx context.Context, quizID int64, limit int) ([]Attempt, error) {
	rows, err := s.query(ctx, `SELECT `+attemptColumns+`, u.username, u.first_name, u.last_name, u.user_type,
			(SELECT count(*) FROM attempt_answers x WHERE x.attempt_id = a.id
				AND (x.selected_answer_id IS NOT NULL OR coalesce(x.text_answer, '') <> ''))
		FROM quiz_attempts a JOIN users u ON u.id = a.user_id
		WHERE a.quiz_id = ? AND a.status <> 'in_progress' ORDER BY a.finished_at, a.id LIMIT ?`, quizID, limit)
	if err != nil {
		return nil, wrapf(err, "store: attempts of quiz")
	}
	defer rows.Close()
	var out []Attempt
	for rows.Next() {
		var a Attempt
		var started, deadline, finished int64
		args := append(attemptArgs(&a, &started, &deadline, &finished),
			&a.User.Username, &a.User.FirstName, &a.User.LastName, &a.User.UserType, &a.AnsweredCount)
		if err := rows.Scan(args...); err != nil {
			return nil, translate(err)
		}
		a.User.ID = a.UserID
		a.finish(started, deadline, finished)
		out = append(out, a)
	}
	return out, translate(rows.Err())
}

// AnswersOfAttempt returns an attempt's saved answers by question id.
func (s *Queries) AnswersOfAttempt(ctx context.Context, attemptID int64) (map[int64]AttemptAnswer, error) {
	rows, err := s.query(ctx, `SELECT question_id, coalesce(selected_answer_id, 0), text_answer, marks_awarded,
			needs_grading, answered_at, coalesce(graded_at, 0), coalesce(graded_by, 0), feedback
		FROM attempt_answers WHERE attempt_id = ?`, attemptID)
	if err != nil {
		return nil, wrapf(err, "store: attempt answers")
	}
	defer rows.Close()
	out := map[int64]AttemptAnswer{}
	for rows.Next() {
		var a AttemptAnswer
		var text sql.NullString
		var marks sql.NullInt64
		var answered, graded int64
		if err := rows.Scan(&a.QuestionID, &a.SelectedAnswerID, &text, &marks, &a.NeedsGrading, &answered,
			&graded, &a.GradedBy, &a.Feedback); err != nil {
			return nil, translate(err)
		}
		if text.Valid {
			a.TextAnswer = &text.String
		}
		if marks.Valid {
			m := int(marks.Int64)
			a.MarksAwarded = &m
		}
		a.AnsweredAt = FromMillis(answered)
		if graded != 0 {
			a.GradedAt = FromMillis(graded)
		}
		out[a.QuestionID] = a
	}
	return out, translate(rows.Err())
}

// SaveAnswer writes (or replaces) one answer of an attempt. marks is nil while the
// answer is not scored (a short answer before the instructor grades it).
func (s *Queries) SaveAnswer(ctx context.Context, attemptID, questionID, selected int64, text *string, marks *int, needsGrading bool, now time.Time) error {
	var t, m any
	if text != nil {
		t = *text
	}
	if marks != nil {
		m = *marks
	}
	_, err := s.exec(ctx, `INSERT INTO attempt_answers (attempt_id, question_id, selected_answer_id, text_answer,
			marks_awarded, needs_grading, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (attempt_id, question_id) DO UPDATE SET selected_answer_id = excluded.selected_answer_id,
			text_answer = excluded.text_answer, marks_awarded = excluded.marks_awarded,
			needs_grading = excluded.needs_grading, answered_at = excluded.answered_at`,
		attemptID, questionID, orNull(selected), t, m, needsGrading, millis(now))
	return wrapf(err, "store: save answer")
}

// MarkForGrading flags an attempt's non-empty short answers as waiting for a grade and
// scores its empty ones 0 (at the end of the attempt).
func (s *Queries) MarkForGrading(ctx context.Context, attemptID int64) error {
	_, err := s.exec(ctx, `UPDATE attempt_answers SET
			needs_grading = CASE WHEN coalesce(trim(text_answer), '') <> '' THEN 1 ELSE 0 END,
			marks_awarded = CASE WHEN coalesce(trim(text_answer), '') <> '' THEN NULL ELSE 0 END
		WHERE attempt_id = ? AND marks_awarded IS NULL AND graded_at IS NULL
			AND question_id IN (SELECT id FROM quiz_questions WHERE kind = 'short_answer')`, attemptID)
	return wrapf(err, "store: mark for grading")
}

// OpenAttemptsEnd returns how many attempts at a quiz are in progress and the latest
// of their deadlines (zero when none).
func (s *Queries) OpenAttemptsEnd(ctx context.Context, quizID int64) (int, time.Time, error) {
	var n int
	var last int64
	err := s.queryRow(ctx, `SELECT count(*), coalesce(max(deadline_at), 0) FROM quiz_attempts
		WHERE quiz_id = ? AND status = 'in_progress'`, quizID).Scan(&n, &last)
	if err != nil || n == 0 {
		return n, time.Time{}, translate(err)
	}
	return n, time.UnixMilli(last), nil
}

// SumAttempt is the score (marks awarded) and the number of answers waiting for a grade.
func (s *Queries) SumAttempt(ctx context.Context, attemptID int64) (score, pending int, err error) {
	err = s.queryRow(ctx, `SELECT coalesce(sum(marks_awarded), 0), coalesce(sum(needs_grading), 0)
		FROM attempt_answers WHERE attempt_id = ?`, attemptID).Scan(&score, &pending)
	return score, pending, translate(err)
}

// SetAttemptScore updates an attempt's running score (and pending count, 0 while in progress).
func (s *Queries) SetAttemptScore(ctx context.Context, attemptID int64, score, pending int) error {
	_, err := s.exec(ctx, `UPDATE quiz_attempts SET score = ?, pending_count = ? WHERE id = ?`, score, pending, attemptID)
	return wrapf(err, "store: set score")
}

// FinishAttempt ends an in-progress attempt; ok is false when it had already ended
// (another tab, request or the sweeper got there first), and nothing changed.
func (s *Queries) FinishAttempt(ctx context.Context, attemptID int64, status string, at time.Time, score, pending int) (ok bool, err error) {
	res, err := s.exec(ctx, `UPDATE quiz_attempts SET status = ?, finished_at = max(?, started_at), score = ?, pending_count = ?
		WHERE id = ? AND status = 'in_progress'`, status, millis(at), score, pending, attemptID)
	if err != nil {
		return false, wrapf(err, "store: finish attempt")
	}
	n, err := res.RowsAffected()
	return n == 1, wrapf(err, "store: finish attempt")
}

// ExpiredAttempts lists open attempts whose deadline has passed (the sweeper's work).
func (s *Queries) ExpiredAttempts(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	rows, err := s.query(ctx, `SELECT id FROM quiz_attempts WHERE status = 'in_progress' AND deadline_at <= ?
		ORDER BY deadline_at LIMIT ?`, millis(now), limit)
	if err != nil {
		return nil, wrapf(err, "store: expired attempts")
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, translate(err)
		}
		out = append(out, id)
	}
	return out, translate(rows.Err())
}

// GradeAnswer records the instructor's marks and feedback for a short answer of a
// finished attempt (a regrade replaces them). ErrNotFound if there is no such answer.
func (s *Queries) GradeAnswer(ctx context.Context, attemptID, questionID int64, marks int, feedback string, by int64, now time.Time) error {
	res, err := s.exec(ctx, `UPDATE attempt_answers SET marks_awarded = ?, feedback = ?, needs_grading = 0,
			graded_at = ?, graded_by = ?
		WHERE attempt_id = ? AND question_id = ?`, marks, feedback, millis(now), orNull(by), attemptID, questionID)
	return affectedOne(res, err, "store: grade answer")
}

// PendingAnswer is a short answer waiting in a quiz's grading queue.
type PendingAnswer struct {
	AttemptID  int64
	User       UserMini
	QuestionID int64
	Question   string
	Marks      int
	Text       string
	FinishedAt time.Time
}

// GradingQueue lists a quiz's short answers waiting for a grade, oldest attempt first.
func (s *Queries) GradingQueue(ctx context.Context, quizID int64, limit int) ([]PendingAnswer, error) {
	rows, err := s.query(ctx, `SELECT a.id, u.id, u.username, u.first_name, u.last_name, u.user_type,
			q.id, q.text, q.marks, coalesce(x.text_answer, ''), a.finished_at
		FROM quiz_attempts a
		JOIN attempt_answers x ON x.attempt_id = a.id AND x.needs_grading = 1
		JOIN quiz_questions q ON q.id = x.question_id
		JOIN users u ON u.id = a.user_id
		WHERE a.quiz_id = ? AND a.pending_count > 0
		ORDER BY a.finished_at, a.id, q.position, q.id LIMIT ?`, quizID, limit)
	if err != nil {
		return nil, wrapf(err, "store: grading queue")
	}
	defer rows.Close()
	var out []PendingAnswer
	for rows.Next() {
		var p PendingAnswer
		var fin int64
		if err := rows.Scan(&p.AttemptID, &p.User.ID, &p.User.Username, &p.User.FirstName, &p.User.LastName,
			&p.User.UserType, &p.QuestionID, &p.Question, &p.Marks, &p.Text, &fin); err != nil {
			return nil, translate(err)
		}
		p.FinishedAt = FromMillis(fin)
		out = append(out, p)
	}
	return out, translate(rows.Err())
}

// QuestionStat is how a question fared over a quiz's finished attempts.
type QuestionStat struct {
	QuestionID int64
	Answered   int // scored answers
	Correct    int // answers awarded full marks
}

// QuestionStats counts, per question, the scored answers of finished attempts and
// those awarded full marks.
func (s *Queries) QuestionStats(ctx context.Context, quizID int64) (map[int64]QuestionStat, error) {
	rows, err := s.query(ctx, `SELECT q.id, count(x.marks_awarded), coalesce(sum(x.marks_awarded >= q.marks), 0)
		FROM quiz_questions q
		JOIN attempt_answers x ON x.question_id = q.id
		JOIN quiz_attempts a ON a.id = x.attempt_id AND a.status <> 'in_progress'
		WHERE q.quiz_id = ? GROUP BY q.id`, quizID)
	if err != nil {
		return nil, wrapf(err, "store: question stats")
	}
	defer rows.Close()
	out := map[int64]QuestionStat{}
	for rows.Next() {
		var st QuestionStat
		if err := rows.Scan(&st.QuestionID, &st.Answered, &st.Correct); err != nil {
			return nil, translate(err)
		}
		out[st.QuestionID] = st
	}
	return out, translate(rows.Err())
}

// DeleteAttemptAnswer clears a saved answer (the student unselected it).
func (s *Queries) DeleteAttemptAnswer(ctx context.Context, attemptID, questionID int64) error {
	_, err := s.exec(ctx, `DELETE FROM attempt_answers WHERE attempt_id = ? AND question_id = ?`, attemptID, questionID)
	return wrapf(err, "store: delete attempt answer")
}

// RescoreChoices scores an attempt's multiple-choice and true/false answers against
// the answers' current correctness: full marks for a correct option, else 0.
func (s *Queries) RescoreChoices(ctx context.Context, attemptID int64) error {
	_, err := s.exec(ctx, `UPDATE attempt_answers SET needs_grading = 0, marks_awarded = (
			SELECT CASE WHEN coalesce((SELECT o.is_correct FROM quiz_answers o
				WHERE o.id = attempt_answers.selected_answer_id AND o.question_id = q.id), 0) = 1
				THEN q.marks ELSE 0 END
			FROM quiz_questions q WHERE q.id = attempt_answers.question_id)
		WHERE attempt_id = ? AND question_id IN (SELECT id FROM quiz_questions WHERE kind IN ('mcq', 'true_false'))`,
		attemptID)
	return wrapf(err, "store: rescore")
}

// UpsertGradedNotification tells a student their attempt was graded: one notification
// per attempt, refreshed (and unread again) on a regrade. The id is 0 when the student
// turned quiz_graded off (see wantedGuard).
func (s *Queries) UpsertGradedNotification(ctx context.Context, n NewNotification) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `INSERT INTO notifications (recipient_id, sender_id, type, text, url, attempt_id, created_at)
		SELECT ?, ?, 'quiz_graded', ?, ?, ?, ?`+wantedGuard+`
		ON CONFLICT (attempt_id, type) WHERE attempt_id IS NOT NULL
		DO UPDATE SET text = excluded.text, sender_id = excluded.sender_id, is_read = 0, created_at = excluded.created_at
		RETURNING id`, n.RecipientID, orNull(n.SenderID), n.Text, n.URL, n.AttemptID, millis(n.Now),
		n.RecipientID, "quiz_graded").Scan(&id)
	if err == sql.ErrNoRows { // the guard chose nothing to insert
		return 0, nil
	}
	return id, wrapf(err, "store: graded notification")
}

// AcceptAnswer gives full marks to a short answer waiting for a grade (one matching a
// model answer of a question that accepts those automatically), with feedback saying
// why; graded_by stays NULL: nobody graded it. It does nothing to an answer that is
// not waiting.
func (s *Queries) AcceptAnswer(ctx context.Context, attemptID, questionID int64, marks int, feedback string, now time.Time) error {
	_, err := s.exec(ctx, `UPDATE attempt_answers SET marks_awarded = ?, needs_grading = 0, graded_at = ?, feedback = ?
		WHERE attempt_id = ? AND question_id = ? AND needs_grading = 1`, marks, millis(now), feedback, attemptID, questionID)
	return wrapf(err, "store: accept answer")
}

// GivenAnswer is one attempt's answer to a question, for grading a question across
// every attempt.
type GivenAnswer struct {
	AttemptID    int64
	Number       int // the attempt's number
	User         UserMini
	Text         string
	MarksAwarded *int // nil while waiting for a grade
	NeedsGrading bool
	Feedback     string
	GradedAt     time.Time // zero when never graded (or scored automatically)
	GradedBy     int64     // 0 when graded automatically, or the grader's account is gone
	FinishedAt   time.Time
}

// AnswersToQuestion lists the answers of finished attempts to a question: those
// waiting for a grade first, then the graded ones, oldest attempt first in each.
func (s *Queries) AnswersToQuestion(ctx context.Context, questionID int64, limit int) ([]GivenAnswer, error) {
	rows, err := s.query(ctx, `SELECT a.id, a.attempt_number, `+userMiniColumns+`, coalesce(x.text_answer, ''),
			x.marks_awarded, x.needs_grading, x.feedback, coalesce(x.graded_at, 0), coalesce(x.graded_by, 0), a.finished_at
		FROM attempt_answers x
		JOIN quiz_attempts a ON a.id = x.attempt_id AND a.status <> 'in_progress'
		JOIN users u ON u.id = a.user_id
		WHERE x.question_id = ?
		ORDER BY x.needs_grading DESC, a.finished_at, a.id LIMIT ?`, questionID, limit)
	if err != nil {
		return nil, wrapf(err, "store: answers to question")
	}
	defer rows.Close()
	var out []GivenAnswer
	for rows.Next() {
		var g GivenAnswer
		var marks sql.NullInt64
		var graded, finished int64
		args := append([]any{&g.AttemptID, &g.Number}, g.User.scanArgs()...)
		args = append(args, &g.Text, &marks, &g.NeedsGrading, &g.Feedback, &graded, &g.GradedBy, &finished)
		if err := rows.Scan(args...); err != nil {
			return nil, translate(err)
		}
		if marks.Valid {
			m := int(marks.Int64)
			g.MarksAwarded = &m
		}
		if graded != 0 {
			g.GradedAt = FromMillis(graded)
		}
		g.FinishedAt = FromMillis(finished)
		out = append(out, g)
	}
	return out, translate(rows.Err())
}

// PendingByQuestion counts a quiz's short answers waiting for a grade, per question.
func (s *Queries) PendingByQuestion(ctx context.Context, quizID int64) (map[int64]int, error) {
	rows, err := s.query(ctx, `SELECT x.question_id, count(*) FROM attempt_answers x
		JOIN quiz_questions q ON q.id = x.question_id
		WHERE q.quiz_id = ? AND x.needs_grading = 1 GROUP BY x.question_id`, quizID)
	if err != nil {
		return nil, wrapf(err, "store: pending by question")
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, translate(err)
		}
		out[id] = n
	}
	return out, translate(rows.Err())
}

// AttemptsByUser lists a person's attempts at every quiz, newest first (at most limit).
func (s *Queries) AttemptsByUser(ctx context.Context, userID int64, limit int) ([]Attempt, error) {
	rows, err := s.query(ctx, `SELECT `+attemptColumns+` FROM quiz_attempts a WHERE a.user_id = ?
		ORDER BY a.started_at DESC, a.id DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, wrapf(err, "store: attempts by user")
	}
	defer rows.Close()
	var out []Attempt
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, translate(rows.Err())
}

// QuizCounts are the attempts of a quiz its builder sees at a glance.
type QuizCounts struct {
	Finished, Open, Pending int // finished attempts, running ones, answers waiting for a grade
}

// CountsOfQuizzes returns the attempt counts of the given quizzes.
func (s *Queries) CountsOfQuizzes(ctx context.Context, ids []int64) (map[int64]QuizCounts, error) {
	out := map[int64]QuizCounts{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.query(ctx, `SELECT quiz_id, coalesce(sum(status <> 'in_progress'), 0), coalesce(sum(status = 'in_progress'), 0),
			coalesce(sum(pending_count), 0)
		FROM quiz_attempts WHERE quiz_id IN (SELECT value FROM json_each(?)) GROUP BY quiz_id`, jsonIDs(ids))
	if err != nil {
		return nil, wrapf(err, "store: counts of quizzes")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c QuizCounts
		if err := rows.Scan(&id, &c.Finished, &c.Open, &c.Pending); err != nil {
			return nil, translate(err)
		}
		out[id] = c
	}
	return out, translate(rows.Err())
}
