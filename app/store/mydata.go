package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// A person's own data: the export of everything they made or that is about them, and
// the removal of their account (see app/mydata for what is kept for others and why).

// AccountDeletion is a row of account_deletions: a deletion asked for and not yet done.
type AccountDeletion struct {
	UserID      int64
	RequestedBy int64 // 0 when that account is gone
	RequestedAt time.Time
	DeleteAt    time.Time
}

// ScheduleDeletion records that userID is to be deleted at deleteAt; asking again
// replaces the earlier request.
func (s *Queries) ScheduleDeletion(ctx context.Context, userID, by int64, now, deleteAt time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO account_deletions (user_id, requested_by, requested_at, delete_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET requested_by = excluded.requested_by,
			requested_at = excluded.requested_at, delete_at = excluded.delete_at`,
		userID, by, millis(now), millis(deleteAt))
	return wrapf(err, "store: schedule account deletion")
}

// CancelDeletion removes userID's scheduled deletion and tells whether there was one.
func (s *Queries) CancelDeletion(ctx context.Context, userID int64) (bool, error) {
	res, err := s.exec(ctx, `DELETE FROM account_deletions WHERE user_id = ?`, userID)
	if err != nil {
		return false, wrapf(err, "store: cancel account deletion")
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// DeletionOf returns userID's scheduled deletion, ErrNotFound when there is none.
func (s *Queries) DeletionOf(ctx context.Context, userID int64) (AccountDeletion, error) {
	var d AccountDeletion
	var by sql.NullInt64
	var at, due int64
	err := s.queryRow(ctx, `SELECT user_id, requested_by, requested_at, delete_at FROM account_deletions WHERE user_id = ?`, userID).
		Scan(&d.UserID, &by, &at, &due)
	if err != nil {
		return AccountDeletion{}, scanOne(err)
	}
	d.RequestedBy, d.RequestedAt, d.DeleteAt = by.Int64, FromMillis(at), FromMillis(due)
	return d, nil
}

// DueDeletions lists at most limit accounts whose deletion is due at now, oldest first.
func (s *Queries) DueDeletions(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	rows, err := s.query(ctx, `SELECT user_id FROM account_deletions WHERE delete_at <= ? ORDER BY delete_at LIMIT ?`, millis(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// CountActiveAdmins counts the active admin accounts.
func (s *Queries) CountActiveAdmins(ctx context.Context) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM users WHERE user_type = 'admin' AND is_active = 1`).Scan(&n)
	return n, err
}

// Removal is what removing an account changed beyond its own rows, for the caller to
// tell caches and open tabs after the commit.
type Removal struct {
	// Files are the stored files that were the account's alone (picture, post media,
	// project pictures, hand-ins), to delete from the media folder.
	Files []string
	// Posts are other people's posts that lost the account's likes or comments.
	Posts []int64
	// Recipients are the people who lost notifications the account caused, read or
	// not (their unread counts and kept notification pages move on).
	Recipients []int64
}

// RemoveAccount deletes an account for good (call inside WithTx). Its own rows go by
// the schema's cascades (posts, comments, likes, profile, hand-ins, attempts,
// enrollments, notifications it received or caused); the counters others see are
// corrected first; what others keep is anonymised: the messages it sent stay with no
// sender ("Deleted user"), appointments and contact messages lose its name and
// address, a group it owned passes to its longest-standing member.
func (s *Queries) RemoveAccount(ctx context.Context, userID int64) (Removal, error) {
	var r Removal
	var err error
	if r.Files, err = s.texts(ctx, `
		SELECT profile_picture FROM users WHERE id = ?1 AND profile_picture <> ''
		UNION ALL SELECT media_path FROM posts WHERE user_id = ?1 AND media_path IS NOT NULL
		UNION ALL SELECT image_path FROM profile_projects WHERE user_id = ?1 AND image_path IS NOT NULL
		UNION ALL SELECT file_path FROM submissions WHERE student_id = ?1 AND file_path IS NOT NULL`, userID); err != nil {
		return r, err
	}
	if r.Recipients, err = s.ids(ctx, `SELECT DISTINCT recipient_id FROM notifications
		WHERE recipient_id <> ?1 AND (sender_id = ?1
			OR post_id IN (SELECT id FROM posts WHERE user_id = ?1)
			OR comment_id IN (SELECT id FROM comments WHERE user_id = ?1))`, userID); err != nil {
		return r, err
	}
	liked, err := s.ids(ctx, `UPDATE posts SET likes_count = likes_count - 1, version = version + 1
		WHERE user_id <> ?1 AND id IN (SELECT post_id FROM post_likes WHERE user_id = ?1) RETURNING id`, userID)
	if err != nil {
		return r, err
	}
	commented, err := s.ids(ctx, `UPDATE posts SET version = version + 1,
			comments_count = comments_count - (SELECT count(*) FROM comments c WHERE c.post_id = posts.id AND c.user_id = ?1)
		WHERE user_id <> ?1 AND id IN (SELECT post_id FROM comments WHERE user_id = ?1) RETURNING id`, userID)
	if err != nil {
		return r, err
	}
	r.Posts = append(liked, commented...)
	steps := []string{
		`UPDATE subjects SET students_count = students_count - 1
			WHERE id IN (SELECT subject_id FROM subject_enrollments WHERE student_id = ?1 AND is_active = 1)`,
		`UPDATE conversation_participants SET role = 'owner'
			WHERE (conversation_id, user_id) IN (
				SELECT cp.conversation_id, (SELECT o.user_id FROM conversation_participants o
					WHERE o.conversation_id = cp.conversation_id AND o.user_id <> ?1 AND o.left_at IS NULL
					ORDER BY o.joined_at, o.user_id LIMIT 1)
				FROM conversation_participants cp WHERE cp.user_id = ?1 AND cp.role = 'owner' AND cp.left_at IS NULL)`,
		`UPDATE appointments SET name = 'Deleted user', email = 'deleted@invalid', phone = '' WHERE user_id = ?1`,
		`UPDATE contact_messages SET name = 'Deleted user', email = 'deleted@invalid' WHERE user_id = ?1`,
	}
	for _, q := range steps {
		if _, err := s.exec(ctx, q, userID); err != nil {
			return r, wrapf(err, "store: remove account")
		}
	}
	return r, s.updateOne(ctx, `DELETE FROM users WHERE id = ?`, userID)
}

func (s *Queries) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func (s *Queries) texts(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ExportFile is one JSON file of a person's data export: the rows of one query about
// them (?1 is their id).
type ExportFile struct {
	Name   string // the file's name in the archive, e.g. posts.json
	Single bool   // one object (account, profile; null when missing) rather than a list
	// File names the column holding a stored file's path (replaced in the JSON by the
	// file's place in the archive) and FileName the uploader's name for it.
	File, FileName string
	query          string
}

// ExportFiles are the files of an export: what the person made and what is about
// them, never another person's content (their messages, comments, hand-ins).
var ExportFiles = []ExportFile{
	{Name: "account.json", Single: true, File: "profile_picture", query: `SELECT id, username, email, first_name, last_name,
		user_type, birthdate, profile_picture, is_active, date_joined, last_login, last_seen_at FROM users WHERE id = ?1`},
	{Name: "profile.json", Single: true, query: `SELECT * FROM profiles WHERE user_id = ?1`},
	{Name: "profile_education.json", query: `SELECT * FROM profile_education WHERE user_id = ?1 ORDER BY position, id`},
	{Name: "profile_experience.json", query: `SELECT * FROM profile_experience WHERE user_id = ?1 ORDER BY position, id`},
	{Name: "profile_skills.json", query: `SELECT * FROM profile_skills WHERE user_id = ?1 ORDER BY position, id`},
	{Name: "profile_projects.json", File: "image_path", query: `SELECT * FROM profile_projects WHERE user_id = ?1 ORDER BY position, id`},
	{Name: "profile_certifications.json", query: `SELECT * FROM profile_certifications WHERE user_id = ?1 ORDER BY position, id`},
	{Name: "posts.json", File: "media_path", FileName: "media_name", query: `SELECT id, content, media_kind, media_path, media_name,
		media_size, media_content_type, likes_count, comments_count, created_at, updated_at FROM posts WHERE user_id = ?1 ORDER BY id`},
	{Name: "comments.json", query: `SELECT id, post_id, content, created_at, updated_at FROM comments WHERE user_id = ?1 ORDER BY id`},
	{Name: "likes.json", query: `SELECT post_id, created_at FROM post_likes WHERE user_id = ?1 ORDER BY created_at, post_id`},
	{Name: "conversations.json", query: `SELECT c.id, c.kind, c.title, p.role, p.joined_at, p.left_at
		FROM conversation_participants p JOIN conversations c ON c.id = p.conversation_id WHERE p.user_id = ?1 ORDER BY c.id`},
	{Name: "messages_sent.json", File: "file_path", FileName: "file_name", query: `SELECT id, conversation_id, content, created_at,
		is_edited, edited_at, is_deleted, deleted_at, file_path, file_name, file_size, file_type, file_content_type
		FROM messages WHERE sender_id = ?1 ORDER BY id`},
	{Name: "enrollments.json", query: `SELECT s.code AS subject_code, s.name AS subject_name, e.is_active, e.enrolled_at, e.unenrolled_at
		FROM subject_enrollments e JOIN subjects s ON s.id = e.subject_id WHERE e.student_id = ?1 ORDER BY e.enrolled_at`},
	{Name: "submissions.json", File: "file_path", FileName: "file_name", query: `SELECT sub.id, s.code AS subject_code,
		m.title AS assignment, sub.text, sub.file_path, sub.file_name, sub.file_size, sub.file_content_type, sub.is_late,
		sub.versions, sub.first_submitted_at, sub.submitted_at, sub.marks, sub.feedback, sub.graded_at
		FROM submissions sub JOIN subject_materials m ON m.id = sub.material_id JOIN subjects s ON s.id = m.subject_id
		WHERE sub.student_id = ?1 ORDER BY sub.id`},
	{Name: "submission_grades.json", query: `SELECT g.submission_id, g.marks, g.max_marks, g.feedback, g.graded_at
		FROM submission_grades g JOIN submissions sub ON sub.id = g.submission_id WHERE sub.student_id = ?1 ORDER BY g.id`},
	{Name: "quiz_attempts.json", query: `SELECT a.id, s.code AS subject_code, q.title AS quiz, a.attempt_number, a.status,
		a.started_at, a.deadline_at, a.finished_at, a.score, a.max_score, a.pending_count
		FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id JOIN subjects s ON s.id = q.subject_id
		WHERE a.user_id = ?1 ORDER BY a.id`},
	{Name: "quiz_answers.json", query: `SELECT aa.attempt_id, qq.text AS question, qa.text AS selected_answer, aa.text_answer,
		aa.marks_awarded, aa.needs_grading, aa.answered_at, aa.graded_at, aa.feedback
		FROM attempt_answers aa JOIN quiz_attempts a ON a.id = aa.attempt_id JOIN quiz_questions qq ON qq.id = aa.question_id
		LEFT JOIN quiz_answers qa ON qa.id = aa.selected_answer_id WHERE a.user_id = ?1 ORDER BY aa.attempt_id, qq.position, aa.id`},
	{Name: "notifications.json", query: `SELECT id, type, text, url, is_read, created_at FROM notifications
		WHERE recipient_id = ?1 ORDER BY id`},
	// Bookings they asked for in full; those made with them (instructors) without the
	// requester's contact details, which are the requester's.
	{Name: "appointments.json", query: `SELECT a.id, i.username AS instructor, a.name, a.email, a.phone, a.appointment_date,
		a.appointment_time, a.type, a.message, a.status, a.created_at, a.updated_at
		FROM appointments a JOIN users i ON i.id = a.instructor_id WHERE a.user_id = ?1 ORDER BY a.id`},
	{Name: "appointments_with_you.json", query: `SELECT id, appointment_date, appointment_time, type, status, created_at
		FROM appointments WHERE instructor_id = ?1 ORDER BY id`},
	{Name: "contact_messages.json", query: `SELECT id, name, email, subject, message, created_at FROM contact_messages
		WHERE user_id = ?1 ORDER BY id`},
	{Name: "material_views.json", query: `SELECT s.code AS subject_code, m.title AS material, v.first_viewed_at,
		v.last_viewed_at, v.view_count FROM material_views v JOIN subject_materials m ON m.id = v.material_id
		JOIN subjects s ON s.id = m.subject_id WHERE v.user_id = ?1 ORDER BY v.first_viewed_at`},
	{Name: "assistant_feedback.json", query: `SELECT kind, feedback, created_at FROM ai_feedback WHERE user_id = ?1 ORDER BY id`},
	{Name: "subjects_taught.json", query: `SELECT id, code, name, description, is_active, created_at FROM subjects
		WHERE instructor_id = ?1 OR created_by = ?1 ORDER BY id`},
	{Name: "quizzes_created.json", query: `SELECT id, title, description, created_at FROM quizzes WHERE created_by = ?1 ORDER BY id`},
	{Name: "sessions.json", query: `SELECT user_agent, ip, created_at, last_seen_at, expires_at FROM sessions
		WHERE user_id = ?1 ORDER BY created_at`},
}

// ExportRows calls each with every row of f for userID, one at a time (the export is
// streamed, never held whole), keyed by column name. Instants become RFC 3339 text
// and 0/1 flags booleans.
func (db *DB) ExportRows(ctx context.Context, f ExportFile, userID int64, each func(row map[string]any) error) error {
	rows, err := db.query(ctx, f.query, userID)
	if err != nil {
		return wrapf(err, "store: export "+f.Name)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		row := make(map[string]any, len(cols))
		for i, c := range cols {
			row[c] = exportValue(c, vals[i])
		}
		if err := each(row); err != nil {
			return err
		}
	}
	return rows.Err()
}

// exportValue turns a stored value into what a person can read: instants (the *_at
// columns, date_joined, last_login) as RFC 3339, flags (is_*) as booleans.
func exportValue(col string, v any) any {
	switch x := v.(type) {
	case int64:
		if strings.HasSuffix(col, "_at") || col == "date_joined" || col == "last_login" {
			return FromMillis(x).Format(time.RFC3339Nano)
		}
		if strings.HasPrefix(col, "is_") || col == "needs_grading" || col == "remember" {
			return x != 0
		}
	case []byte:
		return string(x)
	}
	return v
}

// ScheduledDeletions returns when each account waiting to be deleted goes (the admin
// users page marks them); there are few at any time.
func (s *Queries) ScheduledDeletions(ctx context.Context) (map[int64]time.Time, error) {
	rows, err := s.query(ctx, `SELECT user_id, delete_at FROM account_deletions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var id, at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		out[id] = FromMillis(at)
	}
	return out, rows.Err()
}
