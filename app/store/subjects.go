package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// Subject is a row of subjects with its instructor (nil when it has none).
type Subject struct {
	ID            int64
	Name          string
	Code          string
	Description   string
	Icon          string
	IsActive      bool
	Instructor    *UserMini
	CreatedBy     int64 // 0 when the author's account is gone
	StudentsCount int   // active enrollments, kept in step by Enroll and Unenroll
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// SubjectRow is a subject as one viewer sees it in a list: whether they are enrolled.
type SubjectRow struct {
	Subject
	IsEnrolled bool
}

// subjectColumns select a subject with its instructor (LEFT JOIN users u).
const subjectColumns = `s.id, s.name, s.code, s.description, s.icon, s.is_active, coalesce(s.created_by, 0),
	s.students_count, s.created_at, s.updated_at,
	coalesce(u.id, 0), coalesce(u.username, ''), coalesce(u.first_name, ''), coalesce(u.last_name, ''),
	coalesce(u.user_type, ''), coalesce(u.profile_picture, '')`

const subjectFrom = ` FROM subjects s LEFT JOIN users u ON u.id = s.instructor_id`

func subjectScanArgs(s *Subject, in *UserMini, created, updated *int64) []any {
	return []any{&s.ID, &s.Name, &s.Code, &s.Description, &s.Icon, &s.IsActive, &s.CreatedBy,
		&s.StudentsCount, created, updated,
		&in.ID, &in.Username, &in.FirstName, &in.LastName, &in.UserType, &in.ProfilePicture}
}

func (s *Subject) finish(in UserMini, created, updated int64) {
	if in.ID != 0 {
		s.Instructor = &in
	}
	s.CreatedAt, s.UpdatedAt = FromMillis(created), FromMillis(updated)
}

func scanSubject(row interface{ Scan(...any) error }) (Subject, error) {
	var s Subject
	var in UserMini
	var created, updated int64
	if err := row.Scan(subjectScanArgs(&s, &in, &created, &updated)...); err != nil {
		return Subject{}, scanOne(err)
	}
	s.finish(in, created, updated)
	return s, nil
}

// NewSubject is what InsertSubject writes.
type NewSubject struct {
	Name, Code, Description, Icon string
	IsActive                      bool
	InstructorID, CreatedBy       int64 // 0 = none
	Now                           time.Time
}

// InsertSubject creates a subject. A code taken in any letter case gives a
// *ConflictError on subjects.code.
func (s *Queries) InsertSubject(ctx context.Context, n NewSubject) (int64, error) {
	id, err := s.insertID(ctx, `INSERT INTO subjects (name, code, description, icon, is_active, instructor_id, created_by,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.Name, n.Code, n.Description, n.Icon, n.IsActive, orNull(n.InstructorID), orNull(n.CreatedBy),
		millis(n.Now), millis(n.Now))
	if err != nil {
		return 0, wrapf(err, "store: insert subject")
	}
	return id, nil
}

// SubjectByID returns a subject with its instructor.
func (s *Queries) SubjectByID(ctx context.Context, id int64) (Subject, error) {
	return scanSubject(s.queryRow(ctx, `SELECT `+subjectColumns+subjectFrom+` WHERE s.id = ?`, id))
}

// SubjectByCode returns the subject with that code, in any letter case (the column is
// COLLATE NOCASE).
func (s *Queries) SubjectByCode(ctx context.Context, code string) (Subject, error) {
	return scanSubject(s.queryRow(ctx, `SELECT `+subjectColumns+subjectFrom+` WHERE s.code = ?`, code))
}

// SubjectUpdate is the new state of a subject's editable fields.
type SubjectUpdate struct {
	Name, Code, Description, Icon string
	IsActive                      bool
	InstructorID                  int64 // 0 = none
}

// UpdateSubject rewrites a subject's editable fields. A code taken by another subject
// gives a *ConflictError on subjects.code.
func (s *Queries) UpdateSubject(ctx context.Context, id int64, u SubjectUpdate, now time.Time) error {
	err := s.updateOne(ctx, `UPDATE subjects SET name = ?, code = ?, description = ?, icon = ?, is_active = ?,
		instructor_id = ?, updated_at = max(?, created_at) WHERE id = ?`,
		u.Name, u.Code, u.Description, u.Icon, u.IsActive, orNull(u.InstructorID), millis(now), id)
	return wrapf(err, "store: update subject")
}

// RetargetEnrollmentNotifications points the enrollment notifications of a subject at
// its page under a new code, so their links keep working after a rename.
func (s *Queries) RetargetEnrollmentNotifications(ctx context.Context, subjectID int64, url string) error {
	_, err := s.exec(ctx, `UPDATE notifications SET url = ? WHERE subject_id = ? AND type = 'enrollment'`, url, subjectID)
	return wrapf(err, "store: retarget enrollment notifications")
}

// UnreadRecipientsOfSubject lists who has unread notifications about a subject, so
// their counts can be refreshed when the subject and its notifications go.
func (s *Queries) UnreadRecipientsOfSubject(ctx context.Context, subjectID int64) ([]int64, error) {
	set, err := s.idSet(ctx, `SELECT DISTINCT recipient_id FROM notifications WHERE is_read = 0 AND (subject_id = ?1
		OR submission_id IN (SELECT x.id FROM submissions x JOIN subject_materials m ON m.id = x.material_id
			WHERE m.subject_id = ?1))`, subjectID)
	if err != nil {
		return nil, err
	}
	out := make([]int64, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	return out, nil
}

// DeleteSubject removes a subject; its materials, enrollments, quizzes and
// notifications cascade.
func (s *Queries) DeleteSubject(ctx context.Context, id int64) error {
	return s.updateOne(ctx, `DELETE FROM subjects WHERE id = ?`, id)
}

// SubjectQuery selects subjects for one viewer.
type SubjectQuery struct {
	ViewerID int64
	// All includes inactive subjects (admins); otherwise an inactive subject is listed
	// only for its instructor.
	All bool
	// Mine keeps the subjects the viewer is actively enrolled in or teaches.
	Mine bool
	// Search is an FTS5 query (made safe by the caller) over name, code and description.
	Search        string
	Offset, Limit int
}

func (q SubjectQuery) where(pg bool) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a ...any) { conds = append(conds, cond); args = append(args, a...) }
	if !q.All {
		add("(s.is_active = 1 OR s.instructor_id = ?)", q.ViewerID)
	}
	if q.Mine {
		add(`(s.instructor_id = ? OR EXISTS (SELECT 1 FROM subject_enrollments m
			WHERE m.subject_id = s.id AND m.student_id = ? AND m.is_active = 1))`, q.ViewerID, q.ViewerID)
	}
	if q.Search != "" {
		if pg {
			add("s.search_vector @@ to_tsquery('ep_search', ?)", pgTSQuery(q.Search))
		} else {
			add("s.id IN (SELECT rowid FROM subjects_fts WHERE subjects_fts MATCH ?)", q.Search)
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListSubjects returns the subjects q selects, by name, each with its instructor and
// whether the viewer is enrolled — one query whatever the page size.
func (s *Queries) ListSubjects(ctx context.Context, q SubjectQuery) ([]SubjectRow, error) {
	where, args := q.where(s.pg)
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	rows, err := s.query(ctx, `SELECT `+subjectColumns+`, e.student_id IS NOT NULL`+subjectFrom+`
		LEFT JOIN subject_enrollments e ON e.subject_id = s.id AND e.student_id = ? AND e.is_active = 1`+
		where+` ORDER BY s.name COLLATE NOCASE, s.id LIMIT ? OFFSET ?`,
		append(append([]any{q.ViewerID}, args...), limit, q.Offset)...)
	if err != nil {
		return nil, wrapf(err, "store: list subjects")
	}
	defer rows.Close()
	var out []SubjectRow
	for rows.Next() {
		var r SubjectRow
		var in UserMini
		var created, updated int64
		if err := rows.Scan(append(subjectScanArgs(&r.Subject, &in, &created, &updated), &r.IsEnrolled)...); err != nil {
			return nil, err
		}
		r.finish(in, created, updated)
		out = append(out, r)
	}
	return out, rows.Err()
}

// CountSubjects counts what ListSubjects selects.
func (s *Queries) CountSubjects(ctx context.Context, q SubjectQuery) (int, error) {
	where, args := q.where(s.pg)
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM subjects s`+where, args...).Scan(&n)
	return n, translate(err)
}

// IsEnrolled reports whether a user is actively enrolled in a subject.
func (s *Queries) IsEnrolled(ctx context.Context, subjectID, userID int64) (bool, error) {
	var active bool
	err := s.queryRow(ctx, `SELECT is_active FROM subject_enrollments WHERE subject_id = ? AND student_id = ?`,
		subjectID, userID).Scan(&active)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return active, translate(err)
}

// Enrollment outcomes.
const (
	Enrolled        = "enrolled"         // a first enrollment
	ReEnrolled      = "re-enrolled"      // an inactive enrollment reactivated
	AlreadyEnrolled = "already enrolled" // nothing changed
)

// Enroll enrolls a student, reactivating an earlier enrollment (unenrolling is a soft
// delete), and keeps students_count in step (call inside WithTx). It returns what
// happened and the subject's new count.
func (s *Queries) Enroll(ctx context.Context, subjectID, studentID int64, now time.Time) (outcome string, count int, err error) {
	var active bool
	err = s.queryRow(ctx, `SELECT is_active FROM subject_enrollments WHERE subject_id = ? AND student_id = ?`,
		subjectID, studentID).Scan(&active)
	switch {
	case err == sql.ErrNoRows:
		outcome = Enrolled
		_, err = s.exec(ctx, `INSERT INTO subject_enrollments (subject_id, student_id, is_active, enrolled_at)
			VALUES (?, ?, 1, ?)`, subjectID, studentID, millis(now))
	case err != nil:
		return "", 0, wrapf(err, "store: enrollment")
	case active:
		err = s.queryRow(ctx, `SELECT students_count FROM subjects WHERE id = ?`, subjectID).Scan(&count)
		return AlreadyEnrolled, count, scanOne(err)
	default:
		outcome = ReEnrolled
		err = s.updateOne(ctx, `UPDATE subject_enrollments SET is_active = 1, enrolled_at = ?, unenrolled_at = NULL
			WHERE subject_id = ? AND student_id = ? AND is_active = 0`, millis(now), subjectID, studentID)
	}
	if err != nil {
		return "", 0, wrapf(err, "store: enroll")
	}
	err = s.queryRow(ctx, `UPDATE subjects SET students_count = students_count + 1 WHERE id = ? RETURNING students_count`,
		subjectID).Scan(&count)
	return outcome, count, scanOne(err)
}

// Unenroll ends a student's active enrollment (a soft delete) and keeps
// students_count in step (call inside WithTx). changed is false when the student was
// not enrolled.
func (s *Queries) Unenroll(ctx context.Context, subjectID, studentID int64, now time.Time) (changed bool, count int, err error) {
	res, err := s.exec(ctx, `UPDATE subject_enrollments SET is_active = 0, unenrolled_at = ?
		WHERE subject_id = ? AND student_id = ? AND is_active = 1`, millis(now), subjectID, studentID)
	if err != nil {
		return false, 0, wrapf(err, "store: unenroll")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, 0, err
	}
	delta := 0
	if n > 0 {
		delta = -1
	}
	err = s.queryRow(ctx, `UPDATE subjects SET students_count = students_count + ? WHERE id = ? RETURNING students_count`,
		delta, subjectID).Scan(&count)
	return n > 0, count, scanOne(err)
}

// CountActiveEnrollments counts a subject's active enrollments from the rows (tests
// compare it with the maintained students_count).
func (s *Queries) CountActiveEnrollments(ctx context.Context, subjectID int64) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM subject_enrollments WHERE subject_id = ? AND is_active = 1`, subjectID).Scan(&n)
	return n, translate(err)
}

// Teacher is a user who may be put in charge of a subject.
type Teacher = UserMini

// Teachers lists the active instructors and admins by username, for the admin's
// instructor picker.
func (s *Queries) Teachers(ctx context.Context, limit int) ([]Teacher, error) {
	return s.userMinis(ctx, "teachers", `SELECT `+userMiniColumns+` FROM users u
		WHERE u.is_active = 1 AND u.user_type IN ('instructor', 'admin') ORDER BY u.username LIMIT ?`, limit)
}
