package store

import (
	"database/sql"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// TestSchemaCheck loads schema.sql into an empty database and checks that it is sound:
// integrity, foreign keys, the FTS triggers, a sample of CHECK constraints and the
// de-duplication indexes, and that the hot queries use the indexes meant for them.
func TestSchemaCheck(t *testing.T) {
	ddl, err := os.ReadFile("../../schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "s.db")+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(string(ddl)); err != nil {
		t.Fatalf("schema.sql: %v", err)
	}

	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	reject := func(why, q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err == nil {
			t.Errorf("%s: accepted: %s %v", why, q, args)
		}
	}
	ids := func(q string, args ...any) []int64 {
		t.Helper()
		rows, err := db.Query(q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		out := []int64{}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out = append(out, id)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	want := func(what string, got []int64, w ...int64) {
		t.Helper()
		if w == nil {
			w = []int64{}
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%s = %v, want %v", what, got, w)
		}
	}

	// --- users FTS ---------------------------------------------------------------------
	const addUser = `INSERT INTO users (id, username, email, password_hash, first_name, last_name,
		user_type, date_joined) VALUES (?, ?, ?, 'x', ?, ?, ?, 0)`
	exec(addUser, 1, "alice", "alice@example.com", "Alice", "Smith", "student")
	exec(addUser, 2, "bob", "bob@example.com", "Bob", "Jones", "instructor")
	exec(addUser, 3, "carol", "carol@example.com", "Carol", "Müller", "admin")
	users := `SELECT rowid FROM users_fts WHERE users_fts MATCH ? ORDER BY rowid`
	want("alice", ids(users, "alice"), 1)
	want("prefix al*", ids(users, "al*"), 1)
	want("diacritics", ids(users, "muller"), 3)
	exec(`UPDATE users SET first_name = 'Alicia' WHERE id = 1`)
	want("new name", ids(users, "alicia"), 1)
	want("old name", ids(users, "first_name:alice"))
	exec(`UPDATE users SET last_seen_at = 5, last_login = 5 WHERE id = 1`) // must not touch the index
	want("after presence update", ids(users, "alicia"), 1)
	exec(`DELETE FROM users WHERE id = 3`)
	want("deleted user", ids(users, "muller"))

	// --- posts FTS ---------------------------------------------------------------------
	exec(`INSERT INTO posts (id, user_id, content, created_at, updated_at) VALUES (1, 1, 'Hello café world', 1, 1)`)
	exec(`INSERT INTO posts (id, user_id, content, created_at, updated_at) VALUES (2, 2, 'Second post about sqlite', 2, 2)`)
	posts := `SELECT rowid FROM posts_fts WHERE posts_fts MATCH ? ORDER BY rowid`
	want("cafe", ids(posts, "cafe"), 1)
	want("prefix sq*", ids(posts, "sq*"), 2)
	exec(`UPDATE posts SET likes_count = 1 WHERE id = 1`)
	exec(`UPDATE posts SET content = 'Goodbye world', updated_at = 3 WHERE id = 1`)
	want("old post text", ids(posts, "cafe"))
	want("new post text", ids(posts, "goodbye"), 1)
	want("both", ids(posts, "world OR sqlite"), 1, 2)
	exec(`DELETE FROM posts WHERE id = 2`)
	want("deleted post", ids(posts, "sqlite"))

	// --- subjects FTS ------------------------------------------------------------------
	exec(`INSERT INTO subjects (id, name, code, description, instructor_id, created_by, created_at, updated_at)
		VALUES (1, 'Databases', 'CS-101', 'Relational théory', 2, 2, 0, 0)`)
	subjects := `SELECT rowid FROM subjects_fts WHERE subjects_fts MATCH ? ORDER BY rowid`
	want("subject name", ids(subjects, "databases"), 1)
	want("subject description", ids(subjects, "theory"), 1)
	exec(`UPDATE subjects SET students_count = 3 WHERE id = 1`)
	exec(`UPDATE subjects SET name = 'Data Systems' WHERE id = 1`)
	want("old subject name", ids(subjects, "databases"))
	want("new subject name", ids(subjects, "systems"), 1)
	exec(`INSERT INTO subjects (id, name, code, created_at, updated_at) VALUES (2, 'Gone', 'GONE', 0, 0)`)
	exec(`DELETE FROM subjects WHERE id = 2`)
	want("deleted subject", ids(subjects, "gone"))
	reject("duplicate code (case-insensitive)", `INSERT INTO subjects (name, code, created_at, updated_at) VALUES ('x', 'cs-101', 0, 0)`)
	reject("code with a slash", `INSERT INTO subjects (name, code, created_at, updated_at) VALUES ('x', 'a/b', 0, 0)`)

	// FTS5 integrity against the content tables.
	for _, f := range []string{"posts_fts", "users_fts", "subjects_fts"} {
		exec(`INSERT INTO ` + f + ` (` + f + `, rank) VALUES ('integrity-check', 1)`)
	}

	// --- CHECK constraints ---------------------------------------------------------------
	reject("empty post", `INSERT INTO posts (user_id, content, created_at, updated_at) VALUES (1, '', 0, 0)`)
	reject("post over 5000", `INSERT INTO posts (user_id, content, created_at, updated_at) VALUES (1, ?, 0, 0)`, strings.Repeat("é", 5001))
	exec(`INSERT INTO posts (user_id, content, created_at, updated_at) VALUES (1, ?, 0, 0)`, strings.Repeat("é", 5000))
	reject("bad media kind", `INSERT INTO posts (user_id, content, media_kind, media_path, media_name, media_size, media_content_type, created_at, updated_at)
		VALUES (1, 'x', 'audio', 'p', 'n', 1, 't', 0, 0)`)
	reject("half a media item", `INSERT INTO posts (user_id, content, media_kind, created_at, updated_at) VALUES (1, 'x', 'image', 0, 0)`)
	reject("negative likes", `UPDATE posts SET likes_count = -1 WHERE id = 1`)
	reject("bad notification type", `INSERT INTO notifications (recipient_id, sender_id, type, url, created_at) VALUES (1, 2, 'poke', '/home/', 0)`)
	reject("self notification", `INSERT INTO notifications (recipient_id, sender_id, type, post_id, url, created_at) VALUES (1, 1, 'like', 1, '/home/post/1/', 0)`)
	reject("off-site url", `INSERT INTO notifications (recipient_id, sender_id, type, post_id, url, created_at) VALUES (1, 2, 'like', 1, 'https://evil/', 0)`)
	reject("like without post", `INSERT INTO notifications (recipient_id, sender_id, type, url, created_at) VALUES (1, 2, 'like', '/home/', 0)`)
	reject("bad is_read", `INSERT INTO notifications (recipient_id, sender_id, type, post_id, url, is_read, created_at) VALUES (1, 2, 'like', 1, '/home/post/1/', 2, 0)`)

	const addAppt = `INSERT INTO appointments (instructor_id, user_id, name, email, appointment_date, appointment_time, type, created_at, updated_at)
		VALUES (2, 1, 'Alice', 'a@example.com', ?, ?, ?, 0, 0)`
	exec(addAppt, "2026-11-25", "09:00", "office_hours") // a Wednesday
	exec(addAppt, "2026-11-27", "17:00", "other")        // a Friday
	reject("Saturday", addAppt, "2026-11-28", "10:00", "office_hours")
	reject("Sunday", addAppt, "2026-11-29", "10:00", "office_hours")
	reject("18:00", addAppt, "2026-11-25", "18:00", "office_hours")
	reject("08:59", addAppt, "2026-11-25", "08:59", "office_hours")
	reject("time not HH:MM", addAppt, "2026-11-25", "9:30", "office_hours")
	reject("bad date", addAppt, "2026-02-30", "10:00", "office_hours")
	reject("bad appointment type", addAppt, "2026-11-25", "10:00", "party")
	reject("bad status", `UPDATE appointments SET status = 'done' WHERE id = 1`)

	exec(`INSERT INTO quizzes (id, subject_id, created_by, title, created_at, updated_at) VALUES (1, 1, 2, 'Q', 0, 0)`)
	reject("time limit 0", `UPDATE quizzes SET time_limit_minutes = 0 WHERE id = 1`)
	reject("time limit 241", `UPDATE quizzes SET time_limit_minutes = 241 WHERE id = 1`)
	reject("passing 101", `UPDATE quizzes SET passing_percent = 101 WHERE id = 1`)
	reject("bad question kind", `INSERT INTO quiz_questions (quiz_id, kind, text, created_at, updated_at) VALUES (1, 'essay', 'x', 0, 0)`)
	reject("bad privacy", `INSERT INTO profiles (user_id, bio_privacy, created_at, updated_at) VALUES (1, 'friends', 0, 0)`)
	reject("javascript website", `INSERT INTO profiles (user_id, website, created_at, updated_at) VALUES (1, 'javascript:alert(1)', 0, 0)`)
	exec(`INSERT INTO profiles (user_id, created_at, updated_at) VALUES (1, 0, 0)`)
	var emailPrivacy, bioPrivacy string
	if err := db.QueryRow(`SELECT email_privacy, bio_privacy FROM profiles WHERE user_id = 1`).Scan(&emailPrivacy, &bioPrivacy); err != nil {
		t.Fatal(err)
	}
	if emailPrivacy != "private" || bioPrivacy != "public" {
		t.Errorf("privacy defaults: email %q bio %q", emailPrivacy, bioPrivacy)
	}
	exec(`INSERT INTO profile_skills (user_id, name, created_at, updated_at) VALUES (1, 'Go', 0, 0)`)
	reject("duplicate skill, other case", `INSERT INTO profile_skills (user_id, name, created_at, updated_at) VALUES (1, 'GO', 0, 0)`)
	reject("proficiency 6", `INSERT INTO profile_skills (user_id, name, proficiency, created_at, updated_at) VALUES (1, 'Rust', 6, 0, 0)`)
	reject("end before start", `INSERT INTO profile_education (user_id, institution, degree, start_date, end_date, created_at, updated_at)
		VALUES (1, 'U', 'BSc', '2020-09-01', '2019-06-30', 0, 0)`)
	reject("bad date format", `INSERT INTO profile_education (user_id, institution, degree, start_date, created_at, updated_at)
		VALUES (1, 'U', 'BSc', '2020-9-1', 0, 0)`)

	// --- de-duplication and race guards ----------------------------------------------------
	exec(`INSERT INTO notifications (recipient_id, sender_id, type, post_id, url, created_at) VALUES (1, 2, 'like', 1, '/home/post/1/', 0)`)
	reject("second like notification", `INSERT INTO notifications (recipient_id, sender_id, type, post_id, url, created_at) VALUES (1, 2, 'like', 1, '/home/post/1/', 1)`)
	exec(`INSERT INTO comments (id, post_id, user_id, content, created_at, updated_at) VALUES (1, 1, 2, 'hi @alice', 0, 0)`)
	exec(`INSERT INTO notifications (recipient_id, sender_id, type, post_id, comment_id, url, created_at) VALUES (1, 2, 'comment', 1, 1, '/home/post/1/#comment-1', 0)`)
	reject("owner mentioned in a comment on their post", `INSERT INTO notifications (recipient_id, sender_id, type, post_id, comment_id, url, created_at)
		VALUES (1, 2, 'mention', 1, 1, '/home/post/1/#comment-1', 0)`)
	exec(`INSERT INTO notifications (recipient_id, sender_id, type, post_id, url, created_at) VALUES (2, 1, 'mention', 1, '/home/post/1/', 0)`)
	reject("second post mention", `INSERT INTO notifications (recipient_id, sender_id, type, post_id, url, created_at) VALUES (2, 1, 'mention', 1, '/home/post/1/', 0)`)

	exec(`INSERT INTO quiz_attempts (quiz_id, user_id, attempt_number, started_at, deadline_at, seed) VALUES (1, 1, 1, 0, 60000, 42)`)
	reject("second open attempt", `INSERT INTO quiz_attempts (quiz_id, user_id, attempt_number, started_at, deadline_at, seed) VALUES (1, 1, 2, 0, 60000, 43)`)
	reject("finished without finished_at", `UPDATE quiz_attempts SET status = 'completed' WHERE id = 1`)
	reject("bad attempt status", `UPDATE quiz_attempts SET status = 'abandoned', finished_at = 1 WHERE id = 1`)

	exec(`INSERT INTO conversations (id, kind, direct_key, created_by, created_at, updated_at) VALUES (1, 'direct', '1:2', 1, 0, 0)`)
	reject("second direct conversation", `INSERT INTO conversations (kind, direct_key, created_at, updated_at) VALUES ('direct', '1:2', 0, 0)`)
	reject("group without title", `INSERT INTO conversations (kind, created_at, updated_at) VALUES ('group', 0, 0)`)
	exec(`INSERT INTO conversation_participants (conversation_id, user_id, joined_at) VALUES (1, 1, 0), (1, 2, 0)`)
	exec(`INSERT INTO messages (id, conversation_id, sender_id, content, created_at) VALUES (1, 1, 1, 'hi', 0)`)
	reject("empty message", `INSERT INTO messages (conversation_id, sender_id, content, created_at) VALUES (1, 1, '', 0)`)
	reject("bad delivery status", `UPDATE messages SET delivery_status = 'failed' WHERE id = 1`)
	reject("deleted but content kept", `UPDATE messages SET is_deleted = 1, deleted_at = 1 WHERE id = 1`)
	exec(`UPDATE messages SET is_deleted = 1, deleted_at = 1, content = '' WHERE id = 1`)
	reject("bad file type", `INSERT INTO messages (conversation_id, sender_id, file_path, file_name, file_size, file_type, file_content_type, created_at)
		VALUES (1, 1, 'p', 'n', 1, 'zip', 'application/zip', 0)`)

	// Cascades and SET NULL keep history and never dangle.
	exec(`DELETE FROM users WHERE id = 2`)
	var creator sql.NullInt64
	if err := db.QueryRow(`SELECT created_by FROM quizzes WHERE id = 1`).Scan(&creator); err != nil {
		t.Fatal(err)
	}
	if creator.Valid {
		t.Errorf("quiz creator not SET NULL: %v", creator)
	}
	want("appointments of a removed instructor", ids(`SELECT id FROM appointments`))

	// --- query plans ------------------------------------------------------------------------
	plans := []struct{ q, index string }{
		{`SELECT id FROM posts WHERE (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT 20`, "posts_created"},
		{`SELECT id FROM posts WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT 5`, "posts_user"},
		{`SELECT id FROM comments WHERE post_id = ? ORDER BY created_at DESC, id DESC`, "comments_post"},
		{`SELECT count(*) FROM notifications WHERE recipient_id = ? AND is_read = 0`, "notifications_unread"},
		{`SELECT id FROM notifications WHERE recipient_id = ? ORDER BY created_at DESC, id DESC LIMIT 20`, "notifications_recipient"},
		{`SELECT id FROM messages WHERE conversation_id = ? AND id < ? ORDER BY id DESC LIMIT 50`, "messages_conversation"},
		{`SELECT count(*) FROM messages WHERE conversation_id = ? AND is_deleted = 0 AND id > ? AND sender_id IS NOT ?`, "messages_live"},
		{`SELECT id FROM messages WHERE conversation_id = ? AND delivery_status = 'pending' ORDER BY id`, "messages_pending"},
		{`SELECT id FROM quiz_attempts WHERE status = 'in_progress' AND deadline_at <= ? ORDER BY deadline_at`, "quiz_attempts_deadline"},
		{`SELECT id FROM quiz_attempts WHERE quiz_id = ? AND user_id = ? AND status = 'in_progress'`, "quiz_attempts_open"},
		{`SELECT id FROM attempt_answers WHERE question_id = ? AND needs_grading = 1`, "attempt_answers_to_grade"},
		{`SELECT subject_id FROM subject_enrollments WHERE student_id = ? AND is_active = 1`, "subject_enrollments_active"},
		{`SELECT id FROM appointments WHERE instructor_id = ? AND status = 'pending' ORDER BY appointment_date, appointment_time`, "appointments_pending"},
	}
	for _, p := range plans {
		args := make([]any, strings.Count(p.q, "?"))
		for i := range args {
			args[i] = i + 1
		}
		rows, err := db.Query(`EXPLAIN QUERY PLAN `+p.q, args...)
		if err != nil {
			t.Fatalf("%s: %v", p.q, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		joined := strings.Join(plan, "; ")
		if !strings.Contains(joined, p.index) || strings.Contains(joined, "TEMP B-TREE") {
			t.Errorf("plan of %s\n  = %s\n  want index %s and no temp b-tree", p.q, joined, p.index)
		}
	}

	// --- whole-database checks ---------------------------------------------------------------
	var ok string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check: %q %v", ok, err)
	}
	fk, err := db.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	for fk.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var idx int
		if err := fk.Scan(&table, &rowid, &parent, &idx); err != nil {
			t.Fatal(err)
		}
		t.Errorf("foreign_key_check: %s row %v -> %s", table, rowid, parent)
	}
	fk.Close()

	// Every foreign key column is the left edge of an index (partial allowed), so no
	// cascade scans a table.
	tables := ids(`SELECT rowid FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE '%_fts_%'`)
	for _, rid := range tables {
		var name string
		if err := db.QueryRow(`SELECT name FROM sqlite_schema WHERE rowid = ?`, rid).Scan(&name); err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query(`SELECT f."from" FROM pragma_foreign_key_list(?) f`, name)
		if err != nil {
			t.Fatal(err)
		}
		var cols []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, c)
		}
		rows.Close()
		for _, c := range cols {
			var n int
			err := db.QueryRow(`SELECT count(*) FROM pragma_index_list(?) il
				WHERE (SELECT name FROM pragma_index_info(il.name) WHERE seqno = 0) = ?`, name, c).Scan(&n)
			if err != nil {
				t.Fatal(err)
			}
			var rowidAlias int // an INTEGER PRIMARY KEY is the table's own key
			err = db.QueryRow(`SELECT count(*) FROM pragma_table_info(?) WHERE name = ? AND pk = 1
				AND upper(type) = 'INTEGER' AND (SELECT count(*) FROM pragma_table_info(?) WHERE pk > 0) = 1`,
				name, c, name).Scan(&rowidAlias)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 && rowidAlias == 0 {
				t.Errorf("foreign key %s.%s has no index", name, c)
			}
		}
	}
}
