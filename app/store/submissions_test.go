package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestCourseworkMigrationKeepsData upgrades a database made by the release before
// coursework (every migration up to 0004, with rows in the tables 0005 rebuilds or
// extends) and checks that the rows survive, with the new columns' defaults, and that
// the new notification type is accepted.
func TestCourseworkMigrationKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	before := -1
	for i, m := range ms {
		if m.name == "0006_coursework.sql" {
			before = i
		}
	}
	if before < 0 {
		t.Fatal("no coursework migration")
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	for _, m := range ms[:before] {
		if _, err := raw.Exec(m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
	}
	for _, q := range []string{
		"PRAGMA user_version = " + strconv.Itoa(before),
		`INSERT INTO users (id, username, email, password_hash, first_name, last_name, user_type, date_joined)
			VALUES (1, 'tina', 'tina@example.com', 'x', 'Tina', 'T', 'instructor', 0),
			       (2, 'sam', 'sam@example.com', 'x', 'Sam', 'S', 'student', 0)`,
		`INSERT INTO subjects (id, name, code, instructor_id, created_by, created_at, updated_at) VALUES (1, 'Go', 'GO1', 1, 1, 0, 0)`,
		`INSERT INTO subject_materials (id, subject_id, kind, title, due_at, created_at, updated_at)
			VALUES (1, 1, 'assignment', 'Essay', 5000, 0, 0)`,
		`INSERT INTO quizzes (id, subject_id, created_by, title, created_at, updated_at) VALUES (1, 1, 1, 'Q', 0, 0)`,
		`INSERT INTO notifications (id, recipient_id, sender_id, type, text, url, is_read, subject_id, created_at)
			VALUES (7, 1, 2, 'enrollment', 'sam enrolled in Go', '/home/subjects/GO1/', 1, 1, 42)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	db, err := Open(ctx, Options{Path: path}) // migrations only
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, err := db.NotificationByID(ctx, 1, 7)
	if err != nil || n.Type != "enrollment" || n.Text != "sam enrolled in Go" || !n.IsRead || n.CreatedAt.UnixMilli() != 42 {
		t.Fatalf("notification after the upgrade: %+v %v", n, err)
	}
	m, err := db.MaterialByID(ctx, 1)
	if err != nil || m.MaxMarks != 100 || m.LatePolicy != "accept" || m.DueAt.UnixMilli() != 5000 {
		t.Fatalf("assignment after the upgrade: %+v %v", m, err)
	}
	q, err := db.QuizByID(ctx, 1)
	if err != nil || q.GradeBy != "best" {
		t.Fatalf("quiz after the upgrade: %+v %v", q, err)
	}
	var sub int64
	err = db.WithTx(ctx, func(tx *Queries) error {
		if sub, err = tx.InsertSubmission(ctx, 1, 2, SubmissionFields{Text: "Mine"}, time.UnixMilli(6000)); err != nil {
			return err
		}
		if err := tx.GradeSubmission(ctx, sub, 70, 100, "Good", 1, time.UnixMilli(7000)); err != nil {
			return err
		}
		_, err := tx.UpsertSubmissionNotification(ctx, sub, NewNotification{RecipientID: 2, SenderID: 1,
			Text: "graded", URL: "/home/materials/1/", Now: time.UnixMilli(7000)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := db.CountUnread(ctx, 2); err != nil || c != 1 {
		t.Errorf("unread after a grade: %d %v", c, err)
	}
	var problems int
	if err := db.writer.QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&problems); err != nil || problems != 0 {
		t.Errorf("foreign key check: %d %v", problems, err)
	}
}

// TestSubmissionChecks: the schema refuses a hand-in with nothing in it, half a file,
// a grade without its time, and a second hand-in by the same student; a regrade with
// ReplaceSubmission is refused once graded.
func TestSubmissionChecks(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	for _, q := range []string{
		`INSERT INTO users (id, username, email, password_hash, first_name, last_name, user_type, date_joined)
			VALUES (1, 'tina', 'tina@example.com', 'x', 'Tina', 'T', 'instructor', 0),
			       (2, 'sam', 'sam@example.com', 'x', 'Sam', 'S', 'student', 0)`,
		`INSERT INTO subjects (id, name, code, instructor_id, created_by, created_at, updated_at) VALUES (1, 'Go', 'GO1', 1, 1, 0, 0)`,
		`INSERT INTO subject_materials (id, subject_id, kind, title, created_at, updated_at) VALUES (1, 1, 'assignment', 'Essay', 0, 0)`,
	} {
		if _, err := db.writer.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	now := time.UnixMilli(1000)
	insert := func(f SubmissionFields) error {
		return db.WithTx(ctx, func(tx *Queries) error {
			_, err := tx.InsertSubmission(ctx, 1, 2, f, now)
			return err
		})
	}
	if err := insert(SubmissionFields{}); err == nil {
		t.Error("an empty hand-in was stored")
	}
	if err := insert(SubmissionFields{File: &Media{Path: "submissions/a.pdf", Name: "a.pdf", Size: 9, ContentType: "application/pdf"}}); err != nil {
		t.Fatalf("a file without text: %v", err)
	}
	for _, bad := range []string{
		`INSERT INTO submissions (material_id, student_id, text, file_path, first_submitted_at, submitted_at) VALUES (1, 1, '', 'x', 0, 0)`,
		`INSERT INTO submissions (material_id, student_id, text, marks, first_submitted_at, submitted_at) VALUES (1, 1, 'a', 3, 0, 0)`,
		`INSERT INTO submissions (material_id, student_id, text, first_submitted_at, submitted_at) VALUES (1, 1, 'a', 5, 4)`,
		`INSERT INTO submissions (material_id, student_id, text, first_submitted_at, submitted_at) VALUES (1, 2, 'again', 0, 0)`,
	} {
		if _, err := db.writer.Exec(bad); err == nil {
			t.Errorf("accepted: %s", bad)
		}
	}
	x, err := db.SubmissionOf(ctx, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	err = db.WithTx(ctx, func(tx *Queries) error {
		if err := tx.GradeSubmission(ctx, x.ID, 5, 100, "", 1, now); err != nil {
			return err
		}
		return tx.ReplaceSubmission(ctx, x.ID, SubmissionFields{Text: "late change"}, now)
	})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("replacing a graded hand-in: %v", err)
	}
}
