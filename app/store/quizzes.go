package store

import (
	"context"
	"database/sql"
	"time"
)

// Quiz is a row of quizzes. TotalMarks and QuestionCount are kept in step with its
// questions by RecountQuiz in the same transaction as every question write.
type Quiz struct {
	ID               int64
	SubjectID        int64
	CreatedBy        int64 // 0 when the author's account is gone
	Title            string
	Description      string
	TimeLimitMinutes int
	PassingPercent   int
	MaxAttempts      int // 0 = unlimited
	IsRandomized     bool
	IsActive         bool
	TotalMarks       int
	QuestionCount    int
	DueAt            time.Time // zero: no due date
	CreatedAt        time.Time
	UpdatedAt        time.Time
	GradeBy          string // best | last: the finished attempt the gradebook counts
}

// QuizFields are the editable fields of a quiz.
type QuizFields struct {
	Title            string
	Description      string
	TimeLimitMinutes int
	PassingPercent   int
	MaxAttempts      int
	IsRandomized     bool
	IsActive         bool
	DueAt            time.Time // zero: none
	GradeBy          string    // best | last; "" stores the default, best
}

func (f QuizFields) gradeBy() string {
	if f.GradeBy == "" {
		return "best"
	}
	return f.GradeBy
}

// Question is a row of quiz_questions with its answers in order.
type Question struct {
	ID          int64
	QuizID      int64
	Kind        string // mcq | true_false | short_answer
	Text        string
	Marks       int
	Explanation string
	ImagePath   string // under the media root, "" without an image
	Position    int
	AutoAccept  bool // short answers matching a model answer get full marks at submit
	Answers     []Answer
}

// Answer is a row of quiz_answers (for short answers, the model answers).
type Answer struct {
	ID         int64
	QuestionID int64
	Text       string
	IsCorrect  bool
	Position   int
}

// QuestionFields are the editable fields of a question.
type QuestionFields struct {
	Kind        string
	Text        string
	Marks       int
	Explanation string
	AutoAccept  bool
}

// AnswerFields is one answer as edited inline: ID 0 adds it, a known ID updates it.
type AnswerFields struct {
	ID        int64
	Text      string
	IsCorrect bool
}

const quizColumns = `id, subject_id, coalesce(created_by, 0), title, description, time_limit_minutes,
	passing_percent, max_attempts, is_randomized, is_active, total_marks, question_count, created_at, updated_at,
	coalesce(due_at, 0), grade_by`

func (q *Quiz) scanArgs(created, updated, due *int64) []any {
	return []any{&q.ID, &q.SubjectID, &q.CreatedBy, &q.Title, &q.Description, &q.TimeLimitMinutes,
		&q.PassingPercent, &q.MaxAttempts, &q.IsRandomized, &q.IsActive, &q.TotalMarks, &q.QuestionCount,
		created, updated, due, &q.GradeBy}
}

func (q *Quiz) times(created, updated, due int64) {
	q.CreatedAt, q.UpdatedAt = FromMillis(created), FromMillis(updated)
	if due != 0 {
		q.DueAt = FromMillis(due)
	}
}

func scanQuiz(row interface{ Scan(...any) error }) (Quiz, error) {
	var q Quiz
	var created, updated, due int64
	if err := row.Scan(q.scanArgs(&created, &updated, &due)...); err != nil {
		return Quiz{}, scanOne(err)
	}
	q.times(created, updated, due)
	return q, nil
}

// orNullTime is a time column's value: NULL for the zero time.
func orNullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return millis(t)
}

// InsertQuiz adds a quiz to a subject.
func (s *Queries) InsertQuiz(ctx context.Context, subjectID, createdBy int64, f QuizFields, now time.Time) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `INSERT INTO quizzes (subject_id, created_by, title, description, time_limit_minutes,
			passing_percent, max_attempts, is_randomized, is_active, due_at, grade_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		subjectID, orNull(createdBy), f.Title, f.Description, f.TimeLimitMinutes, f.PassingPercent, f.MaxAttempts,
		f.IsRandomized, f.IsActive, orNullTime(f.DueAt), f.gradeBy(), millis(now), millis(now)).Scan(&id)
	if err != nil {
		return 0, wrapf(err, "store: insert quiz")
	}
	return id, nil
}

// QuizByID returns a quiz or ErrNotFound.
func (s *Queries) QuizByID(ctx context.Context, id int64) (Quiz, error) {
	return scanQuiz(s.queryRow(ctx, `SELECT `+quizColumns+` FROM quizzes WHERE id = ?`, id))
}

// QuizzesOfSubject lists a subject's quizzes, oldest first (at most 500).
func (s *Queries) QuizzesOfSubject(ctx context.Context, subjectID int64) ([]Quiz, error) {
	rows, err := s.query(ctx, `SELECT `+quizColumns+` FROM quizzes WHERE subject_id = ?
		ORDER BY created_at, id LIMIT 500`, subjectID)
	if err != nil {
		return nil, wrapf(err, "store: quizzes of subject")
	}
	defer rows.Close()
	var out []Quiz
	for rows.Next() {
		q, err := scanQuiz(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, translate(rows.Err())
}

// UpdateQuiz writes a quiz's editable fields.
func (s *Queries) UpdateQuiz(ctx context.Context, id int64, f QuizFields, now time.Time) error {
	res, err := s.exec(ctx, `UPDATE quizzes SET title = ?, description = ?, time_limit_minutes = ?,
		passing_percent = ?, max_attempts = ?, is_randomized = ?, is_active = ?, due_at = ?, grade_by = ?, updated_at = ? WHERE id = ?`,
		f.Title, f.Description, f.TimeLimitMinutes, f.PassingPercent, f.MaxAttempts, f.IsRandomized, f.IsActive,
		orNullTime(f.DueAt), f.gradeBy(), millis(now), id)
	return affectedOne(res, err, "store: update quiz")
}

// DeleteQuiz removes a quiz with its questions and attempts.
func (s *Queries) DeleteQuiz(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM quizzes WHERE id = ?`, id)
	return affectedOne(res, err, "store: delete quiz")
}

func affectedOne(res sql.Result, err error, what string) error {
	if err != nil {
		return wrapf(err, "%s", what)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapf(err, "%s", what)
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}

// RecountQuiz sets a quiz's total_marks and question_count from its questions (call in
// the transaction that changed them).
func (s *Queries) RecountQuiz(ctx context.Context, quizID int64, now time.Time) error {
	_, err := s.exec(ctx, `UPDATE quizzes SET
		total_marks = (SELECT coalesce(sum(marks), 0) FROM quiz_questions WHERE quiz_id = quizzes.id),
		question_count = (SELECT count(*) FROM quiz_questions WHERE quiz_id = quizzes.id),
		updated_at = ? WHERE id = ?`, millis(now), quizID)
	return wrapf(err, "store: recount quiz")
}

const questionColumns = `id, quiz_id, kind, text, marks, explanation, coalesce(image_path, ''), position, auto_accept`

func scanQuestion(row interface{ Scan(...any) error }) (Question, error) {
	var q Question
	err := row.Scan(&q.ID, &q.QuizID, &q.Kind, &q.Text, &q.Marks, &q.Explanation, &q.ImagePath, &q.Position, &q.AutoAccept)
	return q, scanOne(err)
}

// QuestionByID returns a question with its answers, or ErrNotFound.
func (s *Queries) QuestionByID(ctx context.Context, id int64) (Question, error) {
	q, err := scanQuestion(s.queryRow(ctx, `SELECT `+questionColumns+` FROM quiz_questions WHERE id = ?`, id))
	if err != nil {
		return Question{}, err
	}
	all, err := s.answersOf(ctx, `WHERE question_id = ?`, id)
	if err != nil {
		return Question{}, err
	}
	q.Answers = all[id]
	return q, nil
}

// QuestionsOfQuiz returns a quiz's questions in order, each with its answers in order.
func (s *Queries) QuestionsOfQuiz(ctx context.Context, quizID int64) ([]Question, error) {
	rows, err := s.query(ctx, `SELECT `+questionColumns+` FROM quiz_questions WHERE quiz_id = ?
		ORDER BY position, id`, quizID)
	if err != nil {
		return nil, wrapf(err, "store: questions")
	}
	var out []Question
	for rows.Next() {
		q, err := scanQuestion(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	answers, err := s.answersOf(ctx, `WHERE question_id IN (SELECT id FROM quiz_questions WHERE quiz_id = ?)`, quizID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Answers = answers[out[i].ID]
	}
	return out, nil
}

func (s *Queries) answersOf(ctx context.Context, where string, arg int64) (map[int64][]Answer, error) {
	rows, err := s.query(ctx, `SELECT id, question_id, text, is_correct, position FROM quiz_answers `+where+`
		ORDER BY question_id, position, id`, arg)
	if err != nil {
		return nil, wrapf(err, "store: answers")
	}
	defer rows.Close()
	out := map[int64][]Answer{}
	for rows.Next() {
		var a Answer
		if err := rows.Scan(&a.ID, &a.QuestionID, &a.Text, &a.IsCorrect, &a.Position); err != nil {
			return nil, translate(err)
		}
		out[a.QuestionID] = append(out[a.QuestionID], a)
	}
	return out, translate(rows.Err())
}

// InsertQuestion adds a question at the end of a quiz with its answers (call
// RecountQuiz in the same transaction).
func (s *Queries) InsertQuestion(ctx context.Context, quizID int64, f QuestionFields, answers []AnswerFields, now time.Time) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `INSERT INTO quiz_questions (quiz_id, kind, text, marks, explanation, auto_accept, position,
			created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, (SELECT coalesce(max(position) + 1, 0) FROM quiz_questions WHERE quiz_id = ?), ?, ?)
		RETURNING id`, quizID, f.Kind, f.Text, f.Marks, f.Explanation, f.AutoAccept, quizID, millis(now), millis(now)).Scan(&id)
	if err != nil {
		return 0, wrapf(err, "store: insert question")
	}
	return id, s.SetAnswers(ctx, id, answers)
}

// UpdateQuestion writes a question's fields and its answers (see SetAnswers).
func (s *Queries) UpdateQuestion(ctx context.Context, id int64, f QuestionFields, answers []AnswerFields, now time.Time) error {
	res, err := s.exec(ctx, `UPDATE quiz_questions SET kind = ?, text = ?, marks = ?, explanation = ?, auto_accept = ?,
			updated_at = ? WHERE id = ?`, f.Kind, f.Text, f.Marks, f.Explanation, f.AutoAccept, millis(now), id)
	if err := affectedOne(res, err, "store: update question"); err != nil {
		return err
	}
	return s.SetAnswers(ctx, id, answers)
}

// SetAnswers makes a question's answers exactly answers, in that order: known ids are
// updated (their saved selections stay), others inserted, missing ones deleted.
func (s *Queries) SetAnswers(ctx context.Context, questionID int64, answers []AnswerFields) error {
	keep := map[int64]bool{}
	for _, a := range answers {
		if a.ID != 0 {
			keep[a.ID] = true
		}
	}
	cur, err := s.answersOf(ctx, `WHERE question_id = ?`, questionID)
	if err != nil {
		return err
	}
	for _, a := range cur[questionID] {
		if !keep[a.ID] {
			if _, err := s.exec(ctx, `DELETE FROM quiz_answers WHERE id = ?`, a.ID); err != nil {
				return wrapf(err, "store: delete answer")
			}
		}
	}
	for i, a := range answers {
		if a.ID != 0 {
			res, err := s.exec(ctx, `UPDATE quiz_answers SET text = ?, is_correct = ?, position = ?
				WHERE id = ? AND question_id = ?`, a.Text, a.IsCorrect, i, a.ID, questionID)
			if err := affectedOne(res, err, "store: update answer"); err != nil {
				return err
			}
			continue
		}
		if _, err := s.exec(ctx, `INSERT INTO quiz_answers (question_id, text, is_correct, position) VALUES (?, ?, ?, ?)`,
			questionID, a.Text, a.IsCorrect, i); err != nil {
			return wrapf(err, "store: insert answer")
		}
	}
	return nil
}

// DeleteQuestion removes a question (call RecountQuiz in the same transaction).
func (s *Queries) DeleteQuestion(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM quiz_questions WHERE id = ?`, id)
	return affectedOne(res, err, "store: delete question")
}

// SetQuestionPositions numbers a quiz's questions in the order of ids.
func (s *Queries) SetQuestionPositions(ctx context.Context, quizID int64, ids []int64) error {
	for i, id := range ids {
		if _, err := s.exec(ctx, `UPDATE quiz_questions SET position = ? WHERE id = ? AND quiz_id = ?`, i, id, quizID); err != nil {
			return wrapf(err, "store: order questions")
		}
	}
	return nil
}

// QuizRow is a quiz with its subject, for the list of a person's quizzes.
type QuizRow struct {
	Quiz
	SubjectName, SubjectCode string
	Teaching                 bool // the person manages the quiz: the subject's instructor, or an admin
}

// QuizzesForUser lists the quizzes of the subjects a person teaches (all of them) or
// is actively enrolled in (active quizzes of active subjects), newest first.
//
// With all (an admin, who manages every quiz) it lists every quiz, each as taught.
func (s *Queries) QuizzesForUser(ctx context.Context, userID int64, all bool, limit int) ([]QuizRow, error) {
	rows, err := s.query(ctx, `SELECT z.id, z.subject_id, coalesce(z.created_by, 0), z.title, z.description, z.time_limit_minutes,
		z.passing_percent, z.max_attempts, z.is_randomized, z.is_active, z.total_marks, z.question_count, z.created_at,
		z.updated_at, coalesce(z.due_at, 0), z.grade_by, s.name, s.code, ?1 = 1 OR s.instructor_id IS ?2
		FROM quizzes z JOIN subjects s ON s.id = z.subject_id
		WHERE ?1 = 1 OR s.instructor_id = ?2
			OR (z.is_active = 1 AND s.is_active = 1 AND EXISTS (SELECT 1 FROM subject_enrollments e
				WHERE e.subject_id = s.id AND e.student_id = ?2 AND e.is_active = 1))
		ORDER BY z.created_at DESC, z.id DESC LIMIT ?3`, all, userID, limit)
	if err != nil {
		return nil, wrapf(err, "store: quizzes for user")
	}
	return scanQuizRows(rows)
}

func scanQuizRows(rows *sql.Rows) ([]QuizRow, error) {
	defer rows.Close()
	var out []QuizRow
	for rows.Next() {
		var r QuizRow
		var created, updated, due int64
		args := append(r.scanArgs(&created, &updated, &due), &r.SubjectName, &r.SubjectCode, &r.Teaching)
		if err := rows.Scan(args...); err != nil {
			return nil, translate(err)
		}
		r.times(created, updated, due)
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// QuizzesCreatedBy lists the quizzes a person wrote, newest first, each with its
// subject (they manage it while they teach the subject, or are an admin).
func (s *Queries) QuizzesCreatedBy(ctx context.Context, userID int64, admin bool, limit int) ([]QuizRow, error) {
	rows, err := s.query(ctx, `SELECT z.id, z.subject_id, coalesce(z.created_by, 0), z.title, z.description, z.time_limit_minutes,
		z.passing_percent, z.max_attempts, z.is_randomized, z.is_active, z.total_marks, z.question_count, z.created_at,
		z.updated_at, coalesce(z.due_at, 0), z.grade_by, s.name, s.code, ?2 = 1 OR s.instructor_id IS ?1
		FROM quizzes z JOIN subjects s ON s.id = z.subject_id
		WHERE z.created_by = ?1
		ORDER BY z.created_at DESC, z.id DESC LIMIT ?3`, userID, admin, limit)
	if err != nil {
		return nil, wrapf(err, "store: quizzes created by")
	}
	return scanQuizRows(rows)
}

// SetQuestionImage sets (or, with "", clears) a question's image path.
func (s *Queries) SetQuestionImage(ctx context.Context, id int64, path string) error {
	var p any
	if path != "" {
		p = path
	}
	res, err := s.exec(ctx, `UPDATE quiz_questions SET image_path = ? WHERE id = ?`, p, id)
	return affectedOne(res, err, "store: question image")
}

// QuizImagePaths lists the image files of a quiz's questions (to remove with the quiz).
func (s *Queries) QuizImagePaths(ctx context.Context, quizID int64) ([]string, error) {
	rows, err := s.query(ctx, `SELECT image_path FROM quiz_questions WHERE quiz_id = ? AND image_path IS NOT NULL`, quizID)
	if err != nil {
		return nil, wrapf(err, "store: quiz images")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, translate(err)
		}
		out = append(out, p)
	}
	return out, translate(rows.Err())
}
