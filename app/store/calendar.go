package store

import (
	"context"
	"database/sql"
	"time"
)

// DueItem is a dated thing of a subject on a person's calendar: an assignment due or
// a quiz closing.
type DueItem struct {
	ID          int64
	Title       string
	SubjectName string
	SubjectCode string
	DueAt       time.Time
	Teaching    bool // the person teaches the subject
}

// The subjects whose dates a person's calendar shows: those they teach, and the active
// ones they are actively enrolled in (then only the active materials and quizzes).
// x is the material or quiz.
const calendarSubjects = `(s.instructor_id = ?1 OR (s.is_active = 1 AND x.is_active = 1 AND EXISTS (
	SELECT 1 FROM subject_enrollments e WHERE e.subject_id = s.id AND e.student_id = ?1 AND e.is_active = 1)))`

// CalendarAssignments lists the assignments of a person's subjects due in [from, to),
// soonest first (at most limit).
func (s *Queries) CalendarAssignments(ctx context.Context, userID int64, from, to time.Time, limit int) ([]DueItem, error) {
	return s.dueItems(ctx, `SELECT x.id, x.title, s.name, s.code, x.due_at, s.instructor_id IS ?1
		FROM subject_materials x JOIN subjects s ON s.id = x.subject_id
		WHERE x.kind = 'assignment' AND x.due_at >= ?2 AND x.due_at < ?3 AND `+calendarSubjects+`
		ORDER BY x.due_at, x.id LIMIT ?4`, userID, millis(from), millis(to), limit)
}

// CalendarQuizzes lists the quizzes of a person's subjects closing in [from, to),
// soonest first (at most limit).
func (s *Queries) CalendarQuizzes(ctx context.Context, userID int64, from, to time.Time, limit int) ([]DueItem, error) {
	return s.dueItems(ctx, `SELECT x.id, x.title, s.name, s.code, x.due_at, s.instructor_id IS ?1
		FROM quizzes x JOIN subjects s ON s.id = x.subject_id
		WHERE x.due_at >= ?2 AND x.due_at < ?3 AND `+calendarSubjects+`
		ORDER BY x.due_at, x.id LIMIT ?4`, userID, millis(from), millis(to), limit)
}

func (s *Queries) dueItems(ctx context.Context, query string, args ...any) ([]DueItem, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, wrapf(err, "store: calendar items")
	}
	defer rows.Close()
	var out []DueItem
	for rows.Next() {
		var d DueItem
		var due int64
		if err := rows.Scan(&d.ID, &d.Title, &d.SubjectName, &d.SubjectCode, &due, &d.Teaching); err != nil {
			return nil, translate(err)
		}
		d.DueAt = FromMillis(due)
		out = append(out, d)
	}
	return out, translate(rows.Err())
}

// AppointmentsBetween lists the appointments a person asked for or is asked for, on
// dates from..to (YYYY-MM-DD, inclusive), that still stand (pending, approved or
// completed), soonest first.
func (s *Queries) AppointmentsBetween(ctx context.Context, userID int64, from, to string, limit int) ([]Appointment, error) {
	rows, err := s.query(ctx, `SELECT `+appointmentColumns+appointmentFrom+`
		WHERE (a.user_id = ?1 OR a.instructor_id = ?1) AND a.appointment_date BETWEEN ?2 AND ?3
			AND a.status IN ('pending', 'approved', 'completed')
		ORDER BY a.appointment_date, a.appointment_time, a.id LIMIT ?4`, userID, from, to, limit)
	if err != nil {
		return nil, wrapf(err, "store: appointments between")
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
	return out, translate(rows.Err())
}

// SetCalendarFeed makes hash the person's calendar feed secret, replacing (and so
// revoking) the one before.
func (s *Queries) SetCalendarFeed(ctx context.Context, userID int64, hash []byte, now time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
		userID, hash, millis(now))
	return wrapf(err, "store: set calendar feed")
}

// DeleteCalendarFeed revokes the person's calendar feed secret (none is no error).
func (s *Queries) DeleteCalendarFeed(ctx context.Context, userID int64) error {
	_, err := s.exec(ctx, `DELETE FROM calendar_feeds WHERE user_id = ?`, userID)
	return wrapf(err, "store: delete calendar feed")
}

// CalendarFeedUser returns whose feed secret hash is, or ErrNotFound.
func (s *Queries) CalendarFeedUser(ctx context.Context, hash []byte) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `SELECT user_id FROM calendar_feeds WHERE token_hash = ?`, hash).Scan(&id)
	return id, scanOne(err)
}

// CalendarFeedSince returns when the person's feed secret was made (zero: they have none).
func (s *Queries) CalendarFeedSince(ctx context.Context, userID int64) (time.Time, error) {
	var at int64
	err := s.queryRow(ctx, `SELECT created_at FROM calendar_feeds WHERE user_id = ?`, userID).Scan(&at)
	if err == sql.ErrNoRows {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, translate(err)
	}
	return FromMillis(at), nil
}
