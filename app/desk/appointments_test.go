package desk

import (
	"slices"
	"strings"
	"testing"
	"time"

	"eplatform/app/store"
)

func TestCheckSlot(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) // a Wednesday, noon
	cases := []struct {
		date, time string
		field      string // "" when valid
	}{
		{"2026-11-26", "09:00", ""},
		{"2026-11-26", "17:00", ""},
		{"2026-11-26", "08:59", "appointment_time"},
		{"2026-11-26", "17:01", "appointment_time"},
		{"2026-11-28", "10:00", "appointment_date"}, // Saturday
		{"2026-11-29", "10:00", "appointment_date"}, // Sunday
		{"2026-11-24", "10:00", "appointment_date"}, // yesterday
		{"2026-11-25", "11:59", "appointment_time"}, // today, gone by
		{"2026-11-25", "12:00", "appointment_time"}, // today, now
		{"2026-11-25", "12:01", ""},                 // today, still ahead
		{"2026-02-30", "10:00", "appointment_date"},
		{"2026-11-26", "9:00", "appointment_time"},
		{"2026-11-26", "25:00", "appointment_time"},
		{"", "", "appointment_date"},
	}
	for _, c := range cases {
		errs := CheckSlot(c.date, c.time, now, time.UTC)
		if c.field == "" && len(errs) > 0 {
			t.Errorf("%s %s: unexpected errors %v", c.date, c.time, errs)
		}
		if c.field != "" && !errs.Has(c.field) {
			t.Errorf("%s %s: want an error on %s, got %v", c.date, c.time, c.field, errs)
		}
	}
}

func TestActions(t *testing.T) {
	t.Parallel()
	req := store.User{ID: 1}
	ins := store.User{ID: 2}
	other := store.User{ID: 3}
	want := map[string]map[int64][]string{
		"pending":   {1: {"cancel"}, 2: {"approve", "reject"}, 3: nil},
		"approved":  {1: {"cancel"}, 2: {"complete", "cancel"}, 3: nil},
		"rejected":  {1: nil, 2: nil, 3: nil},
		"completed": {1: nil, 2: nil, 3: nil},
		"cancelled": {1: nil, 2: nil, 3: nil},
	}
	for status, byUser := range want {
		a := store.Appointment{UserID: 1, InstructorID: 2, Status: status}
		for _, u := range []store.User{req, ins, other} {
			if got := Actions(u, a); !slices.Equal(got, byUser[u.ID]) {
				t.Errorf("%s, user %d: actions %v, want %v", status, u.ID, got, byUser[u.ID])
			}
		}
	}
	// An anonymous requester (user_id NULL) cannot act; the zero viewer never can.
	if got := Actions(store.User{}, store.Appointment{InstructorID: 2, Status: "pending"}); got != nil {
		t.Errorf("anonymous viewer: %v", got)
	}
}

func TestReportWrite(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	empty := Report{GeneratedAt: now}.Write("general")
	for _, want := range []string{"not finished a quiz", "not enrolled", "no assignment is due", "no posts or comments"} {
		if !strings.Contains(empty, want) {
			t.Errorf("empty report lacks %q:\n%s", want, empty)
		}
	}
	full := Report{GeneratedAt: now,
		Subjects:  []store.StudyScore{{Label: "Algebra", Got: 3, Max: 10}, {Label: "Biology", Got: 9, Max: 10}},
		Questions: []store.StudyScore{{Label: "What is 2+2?", Subject: "Algebra", Got: 0, Max: 2}},
		Unopened:  []store.StudyItem{{Title: "Week 1 notes", Subject: "Algebra", Kind: "document"}}, UnopenedN: 1,
		Deadlines: []store.StudyItem{{Title: "Homework 1", Subject: "Algebra", DueAt: now.Add(50 * time.Hour)}},
		Activity:  store.Activity{Posts: 2, Comments: 1, Enrolled: 1, Attempts: 3},
	}
	text := full.Write("general")
	for _, want := range []string{"Algebra: 30% (3 of 10 marks), your weakest area", "Biology: 90%", "\"What is 2+2?\" (Algebra): 0 of 2",
		"1 not opened yet", "Week 1 notes", "Homework 1 (Algebra): due", "in 2 day(s)", "2 post(s) and 1 comment(s)"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	if full.Write("general") != text {
		t.Error("the text is not deterministic")
	}
	if q := full.Write("quiz"); strings.Contains(q, "Deadlines") || !strings.Contains(q, "Algebra") {
		t.Errorf("quiz feedback: %s", q)
	}
}
