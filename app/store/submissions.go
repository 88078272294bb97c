package store

import (
	"context"
	"database/sql"
	"time"
)

// Submission is a row of submissions: a student's hand-in for an assignment, with its
// current grade.
type Submission struct {
	ID         int64
	MaterialID int64
	StudentID  int64
	Student    UserMini // filled by SubmissionsOfMaterial
	Text       string
	File       *Media // Kind "document"; nil without a file
	IsLate     bool
	Versions   int // hand-ins so far (the first and each replacement)
	// FirstSubmittedAt is the first hand-in, SubmittedAt the latest.
	FirstSubmittedAt time.Time
	SubmittedAt      time.Time
	Marks            *int // nil until graded
	Feedback         string
	GradedAt         time.Time
	GradedBy         int64 // 0 when not graded or the grader's account is gone
}

// SubmissionFields are what a hand-in writes.
type SubmissionFields struct {
	Text   string
	File   *Media // nil: none
	IsLate bool
}

const submissionColumns = `x.id, x.material_id, x.student_id, x.text, x.file_path, x.file_name, x.file_size,
	x.file_content_type, x.is_late, x.versions, x.first_submitted_at, x.submitted_at, x.marks, x.feedback,
	coalesce(x.graded_at, 0), coalesce(x.graded_by, 0)`

func submissionArgs(x *Submission, path, name, ctype *sql.NullString, size, marks *sql.NullInt64, first, last, graded *int64) []any {
	return []any{&x.ID, &x.MaterialID, &x.StudentID, &x.Text, path, name, size, ctype, &x.IsLate, &x.Versions,
		first, last, marks, &x.Feedback, graded, &x.GradedBy}
}

func scanSubmission(row interface{ Scan(...any) error }, extra ...any) (Submission, error) {
	var x Submission
	var path, name, ctype sql.NullString
	var size, marks sql.NullInt64
	var first, last, graded int64
	if err := row.Scan(append(submissionArgs(&x, &path, &name, &ctype, &size, &marks, &first, &last, &graded), extra...)...); err != nil {
		return Submission{}, scanOne(err)
	}
	if path.Valid {
		x.File = &Media{Kind: "document", Path: path.String, Name: name.String, Size: size.Int64, ContentType: ctype.String}
	}
	if marks.Valid {
		m := int(marks.Int64)
		x.Marks = &m
	}
	x.FirstSubmittedAt, x.SubmittedAt = FromMillis(first), FromMillis(last)
	if graded != 0 {
		x.GradedAt = FromMillis(graded)
	}
	return x, nil
}

func (f SubmissionFields) fileArgs() []any {
	if m := f.File; m != nil {
		return []any{m.Path, m.Name, m.Size, m.ContentType}
	}
	return []any{nil, nil, nil, nil}
}

// SubmissionByID returns a hand-in or ErrNotFound.
func (s *Queries) SubmissionByID(ctx context.Context, id int64) (Submission, error) {
	return scanSubmission(s.queryRow(ctx, `SELECT `+submissionColumns+` FROM submissions x WHERE x.id = ?`, id))
}

// SubmissionOf returns a student's hand-in for an assignment, or ErrNotFound.
func (s *Queries) SubmissionOf(ctx context.Context, materialID, studentID int64) (Submission, error) {
	return scanSubmission(s.queryRow(ctx, `SELECT `+submissionColumns+` FROM submissions x
		WHERE x.material_id = ? AND x.student_id = ?`, materialID, studentID))
}

// InsertSubmission stores a student's first hand-in for an assignment; a second one
// for the same pair is a *ConflictError.
func (s *Queries) InsertSubmission(ctx context.Context, materialID, studentID int64, f SubmissionFields, now time.Time) (int64, error) {
	args := append([]any{materialID, studentID, f.Text}, f.fileArgs()...)
	args = append(args, f.IsLate, millis(now), millis(now))
	var id int64
	err := s.queryRow(ctx, `INSERT INTO submissions (material_id, student_id, text, file_path, file_name, file_size,
			file_content_type, is_late, first_submitted_at, submitted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, args...).Scan(&id)
	if err != nil {
		return 0, wrapf(err, "store: insert submission")
	}
	return id, nil
}

// ReplaceSubmission writes a new version of an ungraded hand-in: its text, file and
// lateness, one more version, the latest hand-in time. ErrNotFound when it is gone or
// was graded meanwhile.
func (s *Queries) ReplaceSubmission(ctx context.Context, id int64, f SubmissionFields, now time.Time) error {
	args := append([]any{f.Text}, f.fileArgs()...)
	args = append(args, f.IsLate, millis(now), id)
	return wrapf(s.updateOne(ctx, `UPDATE submissions SET text = ?, file_path = ?, file_name = ?, file_size = ?,
			file_content_type = ?, is_late = ?, versions = versions + 1, submitted_at = max(?, first_submitted_at)
		WHERE id = ? AND marks IS NULL`, args...), "store: replace submission")
}

// SubmissionsOfMaterial lists an assignment's hand-ins with their students, by
// student name.
func (s *Queries) SubmissionsOfMaterial(ctx context.Context, materialID int64) ([]Submission, error) {
	rows, err := s.query(ctx, `SELECT `+submissionColumns+`, `+userMiniColumns+`
		FROM submissions x JOIN users u ON u.id = x.student_id
		WHERE x.material_id = ? ORDER BY u.last_name COLLATE NOCASE, u.first_name COLLATE NOCASE, u.username`, materialID)
	if err != nil {
		return nil, wrapf(err, "store: submissions of material")
	}
	defer rows.Close()
	var out []Submission
	for rows.Next() {
		var u UserMini
		x, err := scanSubmission(rows, &u.ID, &u.Username, &u.FirstName, &u.LastName, &u.UserType, &u.ProfilePicture)
		if err != nil {
			return nil, err
		}
		x.Student = u
		out = append(out, x)
	}
	return out, translate(rows.Err())
}

// HandInsOf counts an assignment's hand-ins and the highest marks one was given (0
// when none is graded).
func (s *Queries) HandInsOf(ctx context.Context, materialID int64) (n, topMarks int, err error) {
	err = s.queryRow(ctx, `SELECT count(*), coalesce(max(marks), 0) FROM submissions WHERE material_id = ?`,
		materialID).Scan(&n, &topMarks)
	return n, topMarks, translate(err)
}

// Roster lists a subject's actively enrolled people, by name.
func (s *Queries) Roster(ctx context.Context, subjectID int64) ([]UserMini, error) {
	return s.userMinis(ctx, "roster", `SELECT `+userMiniColumns+` FROM subject_enrollments e
		JOIN users u ON u.id = e.student_id
		WHERE e.subject_id = ? AND e.is_active = 1
		ORDER BY u.last_name COLLATE NOCASE, u.first_name COLLATE NOCASE, u.username`, subjectID)
}

// GradeSubmission sets a hand-in's current grade and adds it to the grade history, in
// one write (call inside WithTx). maxMarks is the assignment's maximum at the time.
func (s *Queries) GradeSubmission(ctx context.Context, id int64, marks, maxMarks int, feedback string, by int64, now time.Time) error {
	if err := s.updateOne(ctx, `UPDATE submissions SET marks = ?, feedback = ?, graded_at = ?, graded_by = ?
		WHERE id = ?`, marks, feedback, millis(now), orNull(by), id); err != nil {
		return wrapf(err, "store: grade submission")
	}
	_, err := s.exec(ctx, `INSERT INTO submission_grades (submission_id, marks, max_marks, feedback, graded_by, graded_at)
		VALUES (?, ?, ?, ?, ?, ?)`, id, marks, maxMarks, feedback, orNull(by), millis(now))
	return wrapf(err, "store: grade history")
}

// SubmissionGrade is one grading of a hand-in.
type SubmissionGrade struct {
	Marks, MaxMarks int
	Feedback        string
	GradedBy        *UserMini // nil when the grader's account is gone
	GradedAt        time.Time
}

// GradesOfSubmission lists every grade a hand-in was given, newest first.
func (s *Queries) GradesOfSubmission(ctx context.Context, id int64) ([]SubmissionGrade, error) {
	rows, err := s.query(ctx, `SELECT g.marks, g.max_marks, g.feedback, g.graded_at,
			coalesce(u.id, 0), coalesce(u.username, ''), coalesce(u.first_name, ''), coalesce(u.last_name, ''),
			coalesce(u.user_type, ''), coalesce(u.profile_picture, '')
		FROM submission_grades g LEFT JOIN users u ON u.id = g.graded_by
		WHERE g.submission_id = ? ORDER BY g.graded_at DESC, g.id DESC`, id)
	if err != nil {
		return nil, wrapf(err, "store: grades of submission")
	}
	defer rows.Close()
	var out []SubmissionGrade
	for rows.Next() {
		var g SubmissionGrade
		var u UserMini
		var at int64
		if err := rows.Scan(&g.Marks, &g.MaxMarks, &g.Feedback, &at, &u.ID, &u.Username, &u.FirstName, &u.LastName,
			&u.UserType, &u.ProfilePicture); err != nil {
			return nil, translate(err)
		}
		if u.ID != 0 {
			g.GradedBy = &u
		}
		g.GradedAt = FromMillis(at)
		out = append(out, g)
	}
	return out, translate(rows.Err())
}

// UpsertSubmissionNotification tells a student their hand-in was graded: one
// notification per hand-in, refreshed (and unread again) by a regrade. The id is 0
// when the student turned assignment_graded off (see wantedGuard).
func (s *Queries) UpsertSubmissionNotification(ctx context.Context, submissionID int64, n NewNotification) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `INSERT INTO notifications (recipient_id, sender_id, type, text, url, submission_id, created_at)
		SELECT ?, ?, 'assignment_graded', ?, ?, ?, ?`+wantedGuard+`
		ON CONFLICT (submission_id) WHERE submission_id IS NOT NULL
		DO UPDATE SET text = excluded.text, sender_id = excluded.sender_id, url = excluded.url, is_read = 0,
			created_at = excluded.created_at
		RETURNING id`, n.RecipientID, orNull(n.SenderID), n.Text, n.URL, submissionID, millis(n.Now),
		n.RecipientID, "assignment_graded").Scan(&id)
	if err == sql.ErrNoRows { // the guard chose nothing to insert
		return 0, nil
	}
	return id, wrapf(err, "store: assignment graded notification")
}

// SubmissionFilesOfMaterial lists the stored files of an assignment's hand-ins, to
// remove after the assignment is deleted.
func (s *Queries) SubmissionFilesOfMaterial(ctx context.Context, materialID int64) ([]string, error) {
	return s.stringList(ctx, "submission files", `SELECT file_path FROM submissions
		WHERE material_id = ? AND file_path IS NOT NULL`, materialID)
}

// SubmissionFilesOfSubject lists the stored files of every hand-in of a subject.
func (s *Queries) SubmissionFilesOfSubject(ctx context.Context, subjectID int64) ([]string, error) {
	return s.stringList(ctx, "submission files", `SELECT x.file_path FROM submissions x
		JOIN subject_materials m ON m.id = x.material_id
		WHERE m.subject_id = ? AND x.file_path IS NOT NULL`, subjectID)
}

// UnreadSubmissionRecipients lists who has an unread notification about a hand-in of
// an assignment, so their counts can be refreshed when it goes.
func (s *Queries) UnreadSubmissionRecipients(ctx context.Context, materialID int64) ([]int64, error) {
	set, err := s.idSet(ctx, `SELECT DISTINCT n.recipient_id FROM notifications n
		JOIN submissions x ON x.id = n.submission_id
		WHERE x.material_id = ? AND n.is_read = 0`, materialID)
	if err != nil {
		return nil, wrapf(err, "store: unread submission recipients")
	}
	out := make([]int64, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	return out, nil
}

func (s *Queries) stringList(ctx context.Context, what, query string, args ...any) ([]string, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, wrapf(err, "store: %s", what)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, translate(err)
		}
		out = append(out, v)
	}
	return out, translate(rows.Err())
}

// ---- gradebook reads ----------------------------------------------------------------

// Mark is a hand-in as the gradebook counts it (without its text and file).
type Mark struct {
	SubmissionID, MaterialID, StudentID int64
	IsLate                              bool
	SubmittedAt                         time.Time
	Marks                               *int // nil: not graded
}

// MarksOfSubject lists the hand-ins for a subject's assignments, of one student when
// studentID is not 0.
func (s *Queries) MarksOfSubject(ctx context.Context, subjectID, studentID int64) ([]Mark, error) {
	rows, err := s.query(ctx, `SELECT x.id, x.material_id, x.student_id, x.is_late, x.submitted_at, x.marks
		FROM submissions x JOIN subject_materials m ON m.id = x.material_id
		WHERE m.subject_id = ?1 AND (?2 = 0 OR x.student_id = ?2)`, subjectID, studentID)
	if err != nil {
		return nil, wrapf(err, "store: marks of subject")
	}
	defer rows.Close()
	var out []Mark
	for rows.Next() {
		var m Mark
		var at int64
		var marks sql.NullInt64
		if err := rows.Scan(&m.SubmissionID, &m.MaterialID, &m.StudentID, &m.IsLate, &at, &marks); err != nil {
			return nil, translate(err)
		}
		m.SubmittedAt = FromMillis(at)
		if marks.Valid {
			v := int(marks.Int64)
			m.Marks = &v
		}
		out = append(out, m)
	}
	return out, translate(rows.Err())
}

// AttemptsOfSubject lists the attempts (open and finished) at a subject's quizzes, of
// one student when studentID is not 0, in attempt order.
func (s *Queries) AttemptsOfSubject(ctx context.Context, subjectID, studentID int64) ([]Attempt, error) {
	rows, err := s.query(ctx, `SELECT `+attemptColumns+` FROM quiz_attempts a JOIN quizzes z ON z.id = a.quiz_id
		WHERE z.subject_id = ?1 AND (?2 = 0 OR a.user_id = ?2)
		ORDER BY a.quiz_id, a.user_id, a.attempt_number`, subjectID, studentID)
	if err != nil {
		return nil, wrapf(err, "store: attempts of subject")
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

// EnrolledSubjects lists the active subjects a person is actively enrolled in, by name.
func (s *Queries) EnrolledSubjects(ctx context.Context, userID int64) ([]Subject, error) {
	rows, err := s.query(ctx, `SELECT `+subjectColumns+subjectFrom+`
		JOIN subject_enrollments e ON e.subject_id = s.id AND e.student_id = ? AND e.is_active = 1
		WHERE s.is_active = 1 ORDER BY s.name COLLATE NOCASE, s.id`, userID)
	if err != nil {
		return nil, wrapf(err, "store: enrolled subjects")
	}
	defer rows.Close()
	var out []Subject
	for rows.Next() {
		subj, err := scanSubject(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, subj)
	}
	return out, translate(rows.Err())
}
