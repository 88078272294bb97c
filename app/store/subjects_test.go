package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func learnUsers(t *testing.T, db *DB, names ...string) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	ctx := context.Background()
	for _, n := range names {
		role := "student"
		if n[0] == 't' {
			role = "instructor"
		}
		err := db.WithTx(ctx, func(tx *Queries) error {
			id, err := tx.CreateUser(ctx, NewUser{Username: n, Email: n + "@example.com", PasswordHash: "x", UserType: role, Now: time.Now()})
			ids[n] = id
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

func TestSubjectsCodesAndList(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	u := learnUsers(t, db, "teach", "tara", "sam")
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	insert := func(name, code string, active bool, teacher int64) (int64, error) {
		var id int64
		err := db.WithTx(ctx, func(tx *Queries) error {
			var err error
			id, err = tx.InsertSubject(ctx, NewSubject{Name: name, Code: code, Icon: "school", IsActive: active, InstructorID: teacher, CreatedBy: teacher, Now: now})
			return err
		})
		return id, err
	}
	a, err := insert("Algebra", "MATH1", true, u["teach"])
	if err != nil {
		t.Fatal(err)
	}
	var ce *ConflictError
	if _, err := insert("Again", "math1", true, u["teach"]); !errors.As(err, &ce) || ce.Constraint != "subjects.code" {
		t.Fatalf("duplicate code in another case: %v", err)
	}
	if _, err := insert("Bad", "a b", true, u["teach"]); err == nil {
		t.Fatal("the schema accepted a code with a space")
	}
	hidden, _ := insert("Biology", "BIO1", false, u["teach"])
	other, _ := insert("Chemistry", "CHEM1", true, u["tara"])
	if s, err := db.SubjectByCode(ctx, "math1"); err != nil || s.ID != a || s.Instructor == nil || s.Instructor.Username != "teach" {
		t.Fatalf("by code, any case: %+v %v", s, err)
	}
	if _, err := db.SubjectByCode(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing code: %v", err)
	}
	if err := db.WithTx(ctx, func(tx *Queries) error { _, _, err := tx.Enroll(ctx, other, u["sam"], now); return err }); err != nil {
		t.Fatal(err)
	}
	list := func(q SubjectQuery) []int64 {
		rows, err := db.ListSubjects(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		n, err := db.CountSubjects(ctx, q)
		if err != nil || n != len(rows) {
			t.Fatalf("count %d for %d rows: %v", n, len(rows), err)
		}
		var ids []int64
		for _, r := range rows {
			ids = append(ids, r.ID)
			if r.IsEnrolled != (r.ID == other && q.ViewerID == u["sam"]) {
				t.Errorf("subject %d enrolled flag %v for viewer %d", r.ID, r.IsEnrolled, q.ViewerID)
			}
		}
		return ids
	}
	eq := func(got []int64, want ...int64) bool {
		if len(got) != len(want) {
			return false
		}
		for i := range got {
			if got[i] != want[i] {
				return false
			}
		}
		return true
	}
	if got := list(SubjectQuery{ViewerID: u["sam"]}); !eq(got, a, other) {
		t.Errorf("student sees %v", got)
	}
	if got := list(SubjectQuery{ViewerID: u["teach"]}); !eq(got, a, hidden, other) {
		t.Errorf("instructor sees %v (their inactive one included)", got)
	}
	if got := list(SubjectQuery{ViewerID: u["tara"], All: true}); !eq(got, a, hidden, other) {
		t.Errorf("all: %v", got)
	}
	if got := list(SubjectQuery{ViewerID: u["sam"], Mine: true}); !eq(got, other) {
		t.Errorf("sam's: %v", got)
	}
	if got := list(SubjectQuery{ViewerID: u["teach"], Mine: true}); !eq(got, a, hidden) {
		t.Errorf("teach's: %v", got)
	}
	if got := list(SubjectQuery{ViewerID: u["sam"], Search: "chem*"}); !eq(got, other) {
		t.Errorf("search: %v", got)
	}
}

func TestEnrollKeepsCount(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	u := learnUsers(t, db, "teach", "sam", "kim")
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var sid int64
	db.WithTx(ctx, func(tx *Queries) error {
		var err error
		sid, err = tx.InsertSubject(ctx, NewSubject{Name: "S", Code: "S1", Icon: "school", IsActive: true, InstructorID: u["teach"], Now: now})
		return err
	})
	step := func(f func(tx *Queries) (string, int, error), wantOutcome string, wantCount int) {
		t.Helper()
		var outcome string
		var count int
		if err := db.WithTx(ctx, func(tx *Queries) error {
			var err error
			outcome, count, err = f(tx)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		rows, _ := db.CountActiveEnrollments(ctx, sid)
		s, _ := db.SubjectByID(ctx, sid)
		if outcome != wantOutcome || count != wantCount || rows != wantCount || s.StudentsCount != wantCount {
			t.Errorf("%s: got %s, count %d (rows %d, column %d), want %d", wantOutcome, outcome, count, rows, s.StudentsCount, wantCount)
		}
	}
	enroll := func(who string) func(tx *Queries) (string, int, error) {
		return func(tx *Queries) (string, int, error) { return tx.Enroll(ctx, sid, u[who], now) }
	}
	unenroll := func(who string) func(tx *Queries) (string, int, error) {
		return func(tx *Queries) (string, int, error) {
			changed, n, err := tx.Unenroll(ctx, sid, u[who], now.Add(time.Hour))
			return map[bool]string{true: "left", false: "not enrolled"}[changed], n, err
		}
	}
	step(enroll("sam"), Enrolled, 1)
	step(enroll("sam"), AlreadyEnrolled, 1)
	step(enroll("kim"), Enrolled, 2)
	step(unenroll("sam"), "left", 1)
	step(unenroll("sam"), "not enrolled", 1)
	step(enroll("sam"), ReEnrolled, 2)
	if ok, _ := db.IsEnrolled(ctx, sid, u["sam"]); !ok {
		t.Error("sam is not enrolled after re-enrolling")
	}
	if ok, _ := db.IsEnrolled(ctx, sid, u["teach"]); ok {
		t.Error("teach is enrolled")
	}
}
