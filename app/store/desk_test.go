package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The schema's CHECKs back the desk's rules: weekdays, office hours, requester ≠
// instructor; SetAppointmentStatus only moves from the expected status.
func TestAppointmentChecksAndStatus(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := context.Background()
	stud, prof := mustCreateUser(t, db, "stud"), mustCreateUser(t, db, "prof")
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	insert := func(user, instructor int64, date, clock string) (int64, error) {
		var id int64
		err := db.WithTx(ctx, func(tx *Queries) error {
			var err error
			id, err = tx.InsertAppointment(ctx, Appointment{UserID: user, InstructorID: instructor, Name: "S", Email: "s@example.com",
				Date: date, Time: clock, Type: "office_hours", CreatedAt: now})
			return err
		})
		return id, err
	}
	for _, bad := range []struct{ date, clock string }{{"2026-11-28", "10:00"}, {"2026-11-26", "08:59"}, {"2026-11-26", "17:01"}, {"2026-13-01", "10:00"}} {
		if _, err := insert(stud, prof, bad.date, bad.clock); err == nil {
			t.Errorf("%s %s accepted", bad.date, bad.clock)
		}
	}
	if _, err := insert(prof, prof, "2026-11-26", "10:00"); err == nil {
		t.Error("requester = instructor accepted")
	}
	id, err := insert(stud, prof, "2026-11-26", "10:00")
	if err != nil {
		t.Fatal(err)
	}
	anon, err := insert(0, prof, "2026-11-27", "09:00")
	if err != nil {
		t.Fatal(err)
	}
	set := func(from, to string) error {
		return db.WithTx(ctx, func(tx *Queries) error { return tx.SetAppointmentStatus(ctx, id, from, to, now) })
	}
	if err := set("approved", "completed"); !errors.Is(err, ErrNotFound) {
		t.Errorf("from the wrong status: %v", err)
	}
	if err := set("pending", "approved"); err != nil {
		t.Fatal(err)
	}
	a, err := db.AppointmentByID(ctx, id)
	if err != nil || a.Status != "approved" || a.InstructorUsername != "prof" || a.RequesterUsername != "stud" {
		t.Errorf("read back: %+v %v", a, err)
	}
	mine, _ := db.ListAppointments(ctx, AppointmentQuery{Party: stud})
	theirs, _ := db.ListAppointments(ctx, AppointmentQuery{Party: prof})
	if len(mine) != 1 || len(theirs) != 2 {
		t.Errorf("lists: %d %d", len(mine), len(theirs))
	}
	if a, _ := db.AppointmentByID(ctx, anon); a.UserID != 0 {
		t.Errorf("anonymous requester: %d", a.UserID)
	}
}

func TestContactsAndFAQs(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var cid int64
	err := db.WithTx(ctx, func(tx *Queries) error {
		var err error
		if cid, err = tx.InsertContact(ctx, ContactMessage{Name: "A", Email: "a@example.com", Subject: "S", Message: "M", CreatedAt: now}); err != nil {
			return err
		}
		for _, f := range []FAQ{{Question: "Q1", Answer: "A", Category: "B", IsActive: true, CreatedAt: now},
			{Question: "Q2", Answer: "A", Category: "A", IsActive: true, CreatedAt: now},
			{Question: "Q3", Answer: "A", Category: "A", IsActive: false, CreatedAt: now}} {
			if _, err := tx.InsertFAQ(ctx, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountOpenContacts(ctx); n != 1 {
		t.Errorf("open contacts: %d", n)
	}
	if err := db.WithTx(ctx, func(tx *Queries) error { return tx.MarkContactHandled(ctx, cid, now) }); err != nil {
		t.Fatal(err)
	}
	if open, _ := db.ListContacts(ctx, true, 10); len(open) != 0 {
		t.Errorf("open after handled: %v", open)
	}
	if all, _ := db.ListContacts(ctx, false, 10); len(all) != 1 || all[0].HandledAt.IsZero() || !all[0].IsRead {
		t.Errorf("all: %+v", all)
	}
	active, _ := db.ListFAQs(ctx, true, "")
	if len(active) != 2 || active[0].Question != "Q1" {
		t.Errorf("active FAQs in (position, question) order: %+v", active)
	}
	if cats, _ := db.FAQCategories(ctx); len(cats) != 2 || cats[0] != "A" {
		t.Errorf("categories: %v", cats)
	}
	if a, _ := db.ListFAQs(ctx, false, "A"); len(a) != 2 {
		t.Errorf("category A with inactive: %d", len(a))
	}
}
