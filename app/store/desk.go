package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// The help desk: contact messages, FAQ entries, appointments, the learning assistant's
// stored feedback and the few admin-area reads that belong to no other part.

// ContactMessage is a row of contact_messages.
type ContactMessage struct {
	ID                            int64
	UserID                        int64 // 0 when sent anonymously or the account is gone
	Name, Email, Subject, Message string
	IsRead                        bool
	HandledAt                     time.Time // zero while open
	CreatedAt                     time.Time
}

// InsertContact stores a contact message.
func (s *Queries) InsertContact(ctx context.Context, c ContactMessage) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `INSERT INTO contact_messages (user_id, name, email, subject, message, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		orNull(c.UserID), c.Name, c.Email, c.Subject, c.Message, millis(c.CreatedAt)).Scan(&id)
	return id, wrapf(translate(err), "store: insert contact")
}

// ListContacts returns contact messages, newest first; openOnly leaves out handled ones.
func (s *Queries) ListContacts(ctx context.Context, openOnly bool, limit int) ([]ContactMessage, error) {
	q := `SELECT id, coalesce(user_id, 0), name, email, subject, message, is_read, handled_at, created_at
		FROM contact_messages`
	if openOnly {
		q += ` WHERE handled_at IS NULL`
	}
	q += ` ORDER BY created_at DESC, id DESC LIMIT ?`
	rows, err := s.query(ctx, q, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ContactMessage
	for rows.Next() {
		var c ContactMessage
		var handled sql.NullInt64
		var created int64
		if err := rows.Scan(&c.ID, &c.UserID, &c.Name, &c.Email, &c.Subject, &c.Message, &c.IsRead, &handled, &created); err != nil {
			return nil, err
		}
		if handled.Valid {
			c.HandledAt = FromMillis(handled.Int64)
		}
		c.CreatedAt = FromMillis(created)
		out = append(out, c)
	}
	return out, rows.Err()
}

// CountOpenContacts is the number of contact messages not handled yet.
func (s *Queries) CountOpenContacts(ctx context.Context) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM contact_messages WHERE handled_at IS NULL`).Scan(&n)
	return n, translate(err)
}

// MarkContactHandled marks a contact message read and handled (again: the first time wins).
func (s *Queries) MarkContactHandled(ctx context.Context, id int64, now time.Time) error {
	return s.updateOne(ctx, `UPDATE contact_messages SET is_read = 1, handled_at = coalesce(handled_at, ?)
		WHERE id = ?`, millis(now), id)
}

// FAQ is a row of faqs.
type FAQ struct {
	ID                         int64
	Question, Answer, Category string
	Position                   int
	IsActive                   bool
	CreatedAt, UpdatedAt       time.Time
}

const faqColumns = `id, question, answer, category, position, is_active, created_at, updated_at`

func scanFAQ(row interface{ Scan(...any) error }) (FAQ, error) {
	var f FAQ
	var c, u int64
	if err := row.Scan(&f.ID, &f.Question, &f.Answer, &f.Category, &f.Position, &f.IsActive, &c, &u); err != nil {
		return FAQ{}, scanOne(err)
	}
	f.CreatedAt, f.UpdatedAt = FromMillis(c), FromMillis(u)
	return f, nil
}

// ListFAQs returns FAQ entries by position and question (as the reference orders them); activeOnly hides inactive
// ones and category, when set, keeps one category.
func (s *Queries) ListFAQs(ctx context.Context, activeOnly bool, category string) ([]FAQ, error) {
	q := `SELECT ` + faqColumns + ` FROM faqs WHERE 1 = 1`
	var args []any
	if activeOnly {
		q += ` AND is_active = 1`
	}
	if category != "" {
		q += ` AND category = ?`
		args = append(args, category)
	}
	q += ` ORDER BY position, question, id`
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FAQ
	for rows.Next() {
		f, err := scanFAQ(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// FAQCategories returns the distinct non-empty categories of active entries.
func (s *Queries) FAQCategories(ctx context.Context) ([]string, error) {
	rows, err := s.query(ctx, `SELECT DISTINCT category FROM faqs WHERE is_active = 1 AND category <> '' ORDER BY category`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FAQByID returns one FAQ entry.
func (s *Queries) FAQByID(ctx context.Context, id int64) (FAQ, error) {
	return scanFAQ(s.queryRow(ctx, `SELECT `+faqColumns+` FROM faqs WHERE id = ?`, id))
}

// InsertFAQ stores a FAQ entry (CreatedAt is used for both timestamps).
func (s *Queries) InsertFAQ(ctx context.Context, f FAQ) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `INSERT INTO faqs (question, answer, category, position, is_active, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, f.Question, f.Answer, f.Category, f.Position, f.IsActive,
		millis(f.CreatedAt), millis(f.CreatedAt)).Scan(&id)
	return id, wrapf(translate(err), "store: insert faq")
}

// UpdateFAQ rewrites a FAQ entry's fields (UpdatedAt from f).
func (s *Queries) UpdateFAQ(ctx context.Context, f FAQ) error {
	return s.updateOne(ctx, `UPDATE faqs SET question = ?, answer = ?, category = ?, position = ?, is_active = ?,
		updated_at = ? WHERE id = ?`, f.Question, f.Answer, f.Category, f.Position, f.IsActive, millis(f.UpdatedAt), f.ID)
}

// DeleteFAQ removes a FAQ entry.
func (s *Queries) DeleteFAQ(ctx context.Context, id int64) error {
	return s.updateOne(ctx, `DELETE FROM faqs WHERE id = ?`, id)
}

// Appointment is a row of appointments with the names of both sides.
type Appointment struct {
	ID           int64
	UserID       int64 // 0: anonymous, or the requester's account is gone
	InstructorID int64
	Name, Email  string
	Phone        string
	Date, Time   string // YYYY-MM-DD, HH:MM
	Type         string
	Message      string
	Status       string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// Joined for display.
	InstructorUsername, InstructorName string
	RequesterUsername                  string
}

const appointmentColumns = `a.id, coalesce(a.user_id, 0), a.instructor_id, a.name, a.email, a.phone,
	a.appointment_date, a.appointment_time, a.type, a.message, a.status, a.created_at, a.updated_at,
	i.username, trim(i.first_name || ' ' || i.last_name), coalesce(r.username, '')`

const appointmentFrom = ` FROM appointments a JOIN users i ON i.id = a.instructor_id
	LEFT JOIN users r ON r.id = a.user_id`

func scanAppointment(row interface{ Scan(...any) error }) (Appointment, error) {
	var a Appointment
	var c, u int64
	err := row.Scan(&a.ID, &a.UserID, &a.InstructorID, &a.Name, &a.Email, &a.Phone, &a.Date, &a.Time, &a.Type,
		&a.Message, &a.Status, &c, &u, &a.InstructorUsername, &a.InstructorName, &a.RequesterUsername)
	if err != nil {
		return Appointment{}, scanOne(err)
	}
	a.CreatedAt, a.UpdatedAt = FromMillis(c), FromMillis(u)
	if a.InstructorName == "" {
		a.InstructorName = a.InstructorUsername
	}
	return a, nil
}

// InsertAppointment stores a pending appointment.
func (s *Queries) InsertAppointment(ctx context.Context, a Appointment) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `INSERT INTO appointments (user_id, instructor_id, name, email, phone, appointment_date,
			appointment_time, type, message, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id`,
		orNull(a.UserID), a.InstructorID, a.Name, a.Email, a.Phone, a.Date, a.Time, a.Type, a.Message,
		millis(a.CreatedAt), millis(a.CreatedAt)).Scan(&id)
	return id, wrapf(translate(err), "store: insert appointment")
}

// AppointmentByID returns one appointment.
func (s *Queries) AppointmentByID(ctx context.Context, id int64) (Appointment, error) {
	return scanAppointment(s.queryRow(ctx, `SELECT `+appointmentColumns+appointmentFrom+` WHERE a.id = ?`, id))
}

// AppointmentQuery selects appointments: those a user requested or is asked for
// (Party), or all when Party is 0; Status keeps one status.
type AppointmentQuery struct {
	Party  int64
	Status string
	Limit  int
}

// ListAppointments returns appointments, soonest date first.
func (s *Queries) ListAppointments(ctx context.Context, q AppointmentQuery) ([]Appointment, error) {
	query := `SELECT ` + appointmentColumns + appointmentFrom + ` WHERE 1 = 1`
	var args []any
	if q.Party != 0 {
		query += ` AND (a.user_id = ? OR a.instructor_id = ?)`
		args = append(args, q.Party, q.Party)
	}
	if q.Status != "" {
		query += ` AND a.status = ?`
		args = append(args, q.Status)
	}
	if q.Limit <= 0 {
		q.Limit = 200
	}
	query += ` ORDER BY a.appointment_date DESC, a.appointment_time DESC, a.id DESC LIMIT ?`
	args = append(args, q.Limit)
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Appointment
	for rows.Next() {
		a, err := scanAppointment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetAppointmentStatus moves an appointment from status from to status to; ErrNotFound
// when it is not (or no longer) in from, so two racing changes cannot both win.
func (s *Queries) SetAppointmentStatus(ctx context.Context, id int64, from, to string, now time.Time) error {
	return s.updateOne(ctx, `UPDATE appointments SET status = ?, updated_at = ? WHERE id = ? AND status = ?`,
		to, millis(now), id, from)
}

// ActiveInstructors returns the active instructors by name.
func (s *Queries) ActiveInstructors(ctx context.Context) ([]UserMini, error) {
	return s.userMinis(ctx, "active instructors", `SELECT `+userMiniColumns+` FROM users u
		WHERE u.user_type = 'instructor' AND u.is_active = 1 ORDER BY u.first_name, u.last_name, u.username LIMIT 500`)
}

// AIFeedback is a row of ai_feedback.
type AIFeedback struct {
	ID           int64
	UserID       int64
	Kind         string
	SubmissionID string
	Feedback     string
	CreatedAt    time.Time
}

// InsertAIFeedback stores a piece of assistant feedback.
func (s *Queries) InsertAIFeedback(ctx context.Context, f AIFeedback) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `INSERT INTO ai_feedback (user_id, kind, submission_id, feedback, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, f.UserID, f.Kind, f.SubmissionID, f.Feedback, millis(f.CreatedAt)).Scan(&id)
	return id, wrapf(translate(err), "store: insert ai feedback")
}

// ListAIFeedback returns a user's stored feedback, newest first.
func (s *Queries) ListAIFeedback(ctx context.Context, userID int64, limit int) ([]AIFeedback, error) {
	rows, err := s.query(ctx, `SELECT id, user_id, kind, submission_id, feedback, created_at FROM ai_feedback
		WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AIFeedback
	for rows.Next() {
		var f AIFeedback
		var c int64
		if err := rows.Scan(&f.ID, &f.UserID, &f.Kind, &f.SubmissionID, &f.Feedback, &c); err != nil {
			return nil, err
		}
		f.CreatedAt = FromMillis(c)
		out = append(out, f)
	}
	return out, rows.Err()
}

// StudyScore is a user's result on one subject or question.
type StudyScore struct {
	ID      int64
	Label   string // subject name or question text
	Subject string // the question's subject (questions only)
	Got     int
	Max     int
}

// SubjectScores sums a user's finished quiz attempts per subject, weakest ratio first.
func (s *Queries) SubjectScores(ctx context.Context, userID int64, limit int) ([]StudyScore, error) {
	return s.scores(ctx, `SELECT s.id, s.name, '', sum(a.score), sum(a.max_score)
		FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id JOIN subjects s ON s.id = q.subject_id
		WHERE a.user_id = ? AND a.status <> 'in_progress' AND a.max_score > 0
		GROUP BY s.id ORDER BY 1.0 * sum(a.score) / sum(a.max_score), s.name LIMIT ?`, userID, limit)
}

// WeakQuestions returns the graded questions a user lost the most marks on.
func (s *Queries) WeakQuestions(ctx context.Context, userID int64, limit int) ([]StudyScore, error) {
	return s.scores(ctx, `SELECT qq.id, qq.text, s.name, sum(coalesce(aa.marks_awarded, 0)), sum(qq.marks)
		FROM attempt_answers aa JOIN quiz_attempts a ON a.id = aa.attempt_id
		JOIN quiz_questions qq ON qq.id = aa.question_id JOIN quizzes q ON q.id = qq.quiz_id
		JOIN subjects s ON s.id = q.subject_id
		WHERE a.user_id = ? AND a.status <> 'in_progress' AND aa.needs_grading = 0
		GROUP BY qq.id, s.id HAVING sum(coalesce(aa.marks_awarded, 0)) < sum(qq.marks)
		ORDER BY 1.0 * sum(coalesce(aa.marks_awarded, 0)) / sum(qq.marks), qq.id LIMIT ?`, userID, limit)
}

func (s *Queries) scores(ctx context.Context, query string, args ...any) ([]StudyScore, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StudyScore
	for rows.Next() {
		var sc StudyScore
		if err := rows.Scan(&sc.ID, &sc.Label, &sc.Subject, &sc.Got, &sc.Max); err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// StudyItem is a material named for the assistant.
type StudyItem struct {
	ID, SubjectID  int64
	Title, Subject string
	Kind           string
	DueAt          time.Time // zero when none
}

// UnopenedMaterials returns active materials of the user's enrolled subjects that the
// user never opened, and how many there are in all.
func (s *Queries) UnopenedMaterials(ctx context.Context, userID int64, limit int) ([]StudyItem, int, error) {
	const from = ` FROM subject_materials m JOIN subjects s ON s.id = m.subject_id
		JOIN subject_enrollments e ON e.subject_id = m.subject_id AND e.student_id = ? AND e.is_active = 1
		WHERE m.is_active = 1 AND s.is_active = 1
		AND NOT EXISTS (SELECT 1 FROM material_views v WHERE v.material_id = m.id AND v.user_id = ?)`
	var total int
	if err := s.queryRow(ctx, `SELECT count(*)`+from, userID, userID).Scan(&total); err != nil {
		return nil, 0, translate(err)
	}
	items, err := s.studyItems(ctx, `SELECT m.id, m.subject_id, m.title, s.name, m.kind, m.due_at`+from+
		` ORDER BY m.created_at, m.id LIMIT ?`, userID, userID, limit)
	return items, total, err
}

// UpcomingAssignments returns assignments of the user's enrolled subjects due between
// from and to, soonest first.
func (s *Queries) UpcomingAssignments(ctx context.Context, userID int64, from, to time.Time, limit int) ([]StudyItem, error) {
	return s.studyItems(ctx, `SELECT m.id, m.subject_id, m.title, s.name, m.kind, m.due_at
		FROM subject_materials m JOIN subjects s ON s.id = m.subject_id
		JOIN subject_enrollments e ON e.subject_id = m.subject_id AND e.student_id = ? AND e.is_active = 1
		WHERE m.kind = 'assignment' AND m.is_active = 1 AND s.is_active = 1 AND m.due_at >= ? AND m.due_at < ?
		ORDER BY m.due_at, m.id LIMIT ?`, userID, millis(from), millis(to), limit)
}

func (s *Queries) studyItems(ctx context.Context, query string, args ...any) ([]StudyItem, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StudyItem
	for rows.Next() {
		var it StudyItem
		var due sql.NullInt64
		if err := rows.Scan(&it.ID, &it.SubjectID, &it.Title, &it.Subject, &it.Kind, &due); err != nil {
			return nil, err
		}
		if due.Valid {
			it.DueAt = FromMillis(due.Int64)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// Activity counts a user's posts and comments since a time, and their enrollments.
type Activity struct {
	Posts, Comments, Enrolled, Attempts int
}

// UserActivity returns what a user did since since.
func (s *Queries) UserActivity(ctx context.Context, userID int64, since time.Time) (Activity, error) {
	var a Activity
	err := s.queryRow(ctx, `SELECT
		(SELECT count(*) FROM posts WHERE user_id = ? AND created_at >= ?),
		(SELECT count(*) FROM comments WHERE user_id = ? AND created_at >= ?),
		(SELECT count(*) FROM subject_enrollments WHERE student_id = ? AND is_active = 1),
		(SELECT count(*) FROM quiz_attempts WHERE user_id = ? AND status <> 'in_progress')`,
		userID, millis(since), userID, millis(since), userID, userID).Scan(&a.Posts, &a.Comments, &a.Enrolled, &a.Attempts)
	return a, translate(err)
}

// SearchUsers finds users by username, name or email prefix (all users when q is
// empty), newest first, for the admin area.
func (s *Queries) SearchUsers(ctx context.Context, q string, limit int) ([]User, error) {
	q = strings.TrimSpace(q)
	query := `SELECT ` + userColumns + ` FROM users`
	var args []any
	if q != "" {
		p := likeEscape(q) + "%"
		query += ` WHERE username LIKE ? ESCAPE '\' OR email LIKE ? ESCAPE '\' OR first_name LIKE ? ESCAPE '\'
			OR last_name LIKE ? ESCAPE '\'`
		args = append(args, p, p, p, p)
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ModItem is a recent post or comment for moderation.
type ModItem struct {
	ID, PostID int64
	Author     string // username
	AuthorName string // first and last name ("" when none)
	Content    string
	CreatedAt  time.Time
}

// RecentPostsForModeration returns the newest posts.
func (s *Queries) RecentPostsForModeration(ctx context.Context, limit int) ([]ModItem, error) {
	return s.modItems(ctx, `SELECT p.id, p.id, u.username, trim(u.first_name || ' ' || u.last_name), substr(p.content, 1, 300), p.created_at
		FROM posts p JOIN users u ON u.id = p.user_id ORDER BY p.created_at DESC, p.id DESC LIMIT ?`, limit)
}

// RecentCommentsForModeration returns the newest comments.
func (s *Queries) RecentCommentsForModeration(ctx context.Context, limit int) ([]ModItem, error) {
	return s.modItems(ctx, `SELECT c.id, c.post_id, u.username, trim(u.first_name || ' ' || u.last_name), substr(c.content, 1, 300), c.created_at
		FROM comments c JOIN users u ON u.id = c.user_id ORDER BY c.created_at DESC, c.id DESC LIMIT ?`, limit)
}

func (s *Queries) modItems(ctx context.Context, query string, args ...any) ([]ModItem, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ModItem
	for rows.Next() {
		var m ModItem
		var c int64
		if err := rows.Scan(&m.ID, &m.PostID, &m.Author, &m.AuthorName, &m.Content, &c); err != nil {
			return nil, err
		}
		m.CreatedAt = FromMillis(c)
		out = append(out, m)
	}
	return out, rows.Err()
}

// AdminSubject is a subject in the admin list.
type AdminSubject struct {
	ID         int64
	Name, Code string
	IsActive   bool
	Instructor string
	Students   int
}

// AdminSubjects lists every subject.
func (s *Queries) AdminSubjects(ctx context.Context, limit int) ([]AdminSubject, error) {
	rows, err := s.query(ctx, `SELECT s.id, s.name, s.code, s.is_active, coalesce(u.username, ''), s.students_count
		FROM subjects s LEFT JOIN users u ON u.id = s.instructor_id ORDER BY s.name, s.id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AdminSubject
	for rows.Next() {
		var r AdminSubject
		if err := rows.Scan(&r.ID, &r.Name, &r.Code, &r.IsActive, &r.Instructor, &r.Students); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ActiveAdminEmails returns the addresses of the active admins.
func (s *Queries) ActiveAdminEmails(ctx context.Context) ([]string, error) {
	rows, err := s.query(ctx, `SELECT email FROM users WHERE user_type = 'admin' AND is_active = 1 ORDER BY id LIMIT 50`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AttemptResult is one finished attempt of the user's, for quiz feedback.
type AttemptResult struct {
	ID, QuizID    int64
	Quiz, Subject string
	Number        int
	Status        string
	Score, Max    int
	Pending       int
	Missed        []StudyScore // questions that lost marks, most lost first
}

// AttemptForFeedback returns a finished attempt of userID (ErrNotFound for another
// person's, an unfinished or a missing one).
func (s *Queries) AttemptForFeedback(ctx context.Context, userID, attemptID int64) (AttemptResult, error) {
	var a AttemptResult
	err := s.queryRow(ctx, `SELECT a.id, q.id, q.title, s.name, a.attempt_number, a.status, a.score, a.max_score, a.pending_count
		FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id JOIN subjects s ON s.id = q.subject_id
		WHERE a.id = ? AND a.user_id = ? AND a.status <> 'in_progress'`, attemptID, userID).
		Scan(&a.ID, &a.QuizID, &a.Quiz, &a.Subject, &a.Number, &a.Status, &a.Score, &a.Max, &a.Pending)
	if err != nil {
		return a, scanOne(err)
	}
	a.Missed, err = s.scores(ctx, `SELECT qq.id, qq.text, '', coalesce(aa.marks_awarded, 0), qq.marks
		FROM quiz_questions qq LEFT JOIN attempt_answers aa ON aa.question_id = qq.id AND aa.attempt_id = ?
		WHERE qq.quiz_id = ? AND coalesce(aa.needs_grading, 0) = 0 AND coalesce(aa.marks_awarded, 0) < qq.marks
		ORDER BY qq.marks - coalesce(aa.marks_awarded, 0) DESC, qq.position, qq.id LIMIT 5`, a.ID, a.QuizID)
	return a, err
}

// SlotTaken tells whether the instructor already has a pending or approved
// appointment at that date and time.
func (s *Queries) SlotTaken(ctx context.Context, instructorID int64, date, clock string) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM appointments WHERE instructor_id = ? AND appointment_date = ?
		AND appointment_time = ? AND status IN ('pending', 'approved')`, instructorID, date, clock).Scan(&n)
	return n > 0, translate(err)
}
