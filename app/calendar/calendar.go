// Package calendar gathers a person's dated things — assignments due and quizzes
// closing in the subjects they take or teach, and their appointments — into a month
// page and an iCalendar feed (RFC 5545) at a secret, revocable per-person address.
//
// Who sees what follows app/learn: a subject's instructor sees its dates, an active
// student of an active subject sees those of its active materials and quizzes; an
// appointment is seen by who asked for it and who is asked. The feed's secret is
// shown once when made and stored hashed (auth.NewSecret); making a new one revokes
// the old, and turning the feed off revokes it without a new one.
package calendar

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"eplatform/app/auth"
	"eplatform/app/problem"
	"eplatform/app/quiz"
	"eplatform/app/store"
)

// Event kinds.
const (
	Assignment  = "assignment"
	Quiz        = "quiz"
	Appointment = "appointment"
)

// Event is one dated thing on a person's calendar. A deadline (an assignment due, a
// quiz closing) has no End; an appointment lasts AppointmentLength.
type Event struct {
	Kind      string
	UID       string // stable across feeds: kind, id and the site
	Title     string
	Detail    string // the subject, or who the appointment is with
	URL       string // a path on the site
	Start     time.Time
	End       time.Time // zero for a deadline
	Tentative bool      // an appointment not yet approved
}

// AppointmentLength is how long an appointment is shown to last (bookings are a start
// time only).
const AppointmentLength = 30 * time.Minute

// Service reads calendars and manages the feed links.
type Service struct {
	DB  *store.DB
	Now func() time.Time
	// Location is where appointment dates and times are read (desk.Service.Location;
	// UTC when nil).
	Location *time.Location
}

// ErrNoFeed is the answer to a feed address that is not (or no longer) anyone's.
var ErrNoFeed = store.ErrNotFound

// Range limits: a page shows one month; the feed the recent past and the year ahead.
const (
	FeedPast   = 60 * 24 * time.Hour
	FeedAhead  = 400 * 24 * time.Hour
	maxPerKind = 1000
)

// Month is a month page's events, by start time.
type Month struct {
	First  time.Time // the month's first day, 00:00 where the viewer is (ParseMonth)
	Events []Event
}

// ParseMonth reads "2006-01" (a page's ?month=); "" is now's month. The month is the
// one of now's location: pass now in the viewer's zone (app/zone), and the month runs
// from their first midnight to their last, so an event late on the last evening UTC
// is on the next month's page in Tokyo. Anything else, or a year outside 2000–2100,
// is a problem.Field of "month".
func ParseMonth(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location()), nil
	}
	t, err := time.ParseInLocation("2006-01", s, now.Location())
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, problem.Field("month", "Choose a month as YYYY-MM, between 2000 and 2100.")
	}
	return t, nil
}

// Month returns the viewer's events of the month starting at first.
func (s *Service) Month(ctx context.Context, viewer store.User, first time.Time) (Month, error) {
	evs, err := s.events(ctx, viewer.ID, first, first.AddDate(0, 1, 0))
	return Month{First: first, Events: evs}, err
}

// events lists a person's events starting in [from, to), in order.
func (s *Service) events(ctx context.Context, userID int64, from, to time.Time) ([]Event, error) {
	var out []Event
	due, err := s.DB.CalendarAssignments(ctx, userID, from, to, maxPerKind)
	if err != nil {
		return nil, err
	}
	for _, d := range due {
		out = append(out, Event{Kind: Assignment, UID: "assignment-" + text(d.ID), Title: "Due: " + d.Title,
			Detail: d.SubjectName, URL: "/home/materials/" + text(d.ID) + "/", Start: d.DueAt})
	}
	quizzes, err := s.DB.CalendarQuizzes(ctx, userID, from, to, maxPerKind)
	if err != nil {
		return nil, err
	}
	for _, d := range quizzes {
		out = append(out, Event{Kind: Quiz, UID: "quiz-" + text(d.ID), Title: "Quiz closes: " + d.Title,
			Detail: d.SubjectName, URL: quiz.QuizURL(d.ID), Start: d.DueAt})
	}
	loc := s.Location
	if loc == nil {
		loc = time.UTC
	}
	// Appointment dates are days where the desk is: take a day more on each side, then
	// keep those whose time falls in the range.
	apps, err := s.DB.AppointmentsBetween(ctx, userID, from.In(loc).AddDate(0, 0, -1).Format(time.DateOnly),
		to.In(loc).AddDate(0, 0, 1).Format(time.DateOnly), maxPerKind)
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		start, err := time.ParseInLocation("2006-01-02 15:04", a.Date+" "+a.Time, loc)
		if err != nil || start.Before(from) || !start.Before(to) {
			continue
		}
		with := a.InstructorName
		if a.InstructorID == userID {
			with = a.Name
		}
		out = append(out, Event{Kind: Appointment, UID: "appointment-" + text(a.ID), Title: "Appointment with " + with,
			Detail: appointmentType(a.Type), URL: "/home/appointments/", Start: start.UTC(),
			End: start.Add(AppointmentLength).UTC(), Tentative: a.Status == "pending"})
	}
	slices.SortStableFunc(out, func(a, b Event) int { return a.Start.Compare(b.Start) })
	return out, nil
}

// appointmentType is "Office hours" for office_hours.
func appointmentType(t string) string {
	if t == "" {
		return ""
	}
	return strings.ToUpper(t[:1]) + strings.ReplaceAll(t[1:], "_", " ")
}

func text(id int64) string { return strconv.FormatInt(id, 10) }

// ---- the feed ------------------------------------------------------------------------

// FeedPath is the address of a feed secret.
func FeedPath(secret string) string { return "/calendar/" + secret + ".ics" }

// NewLink makes a new feed secret for the viewer, revoking any earlier one, and
// returns it: this is the only time it can be shown.
func (s *Service) NewLink(ctx context.Context, viewer store.User) (string, error) {
	secret, hash := auth.NewSecret()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		return tx.SetCalendarFeed(ctx, viewer.ID, hash, s.Now())
	})
	return secret, err
}

// RevokeLink turns the viewer's feed off.
func (s *Service) RevokeLink(ctx context.Context, viewer store.User) error {
	return s.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.DeleteCalendarFeed(ctx, viewer.ID) })
}

// LinkSince tells when the viewer's current feed secret was made (zero: no feed).
func (s *Service) LinkSince(ctx context.Context, viewer store.User) (time.Time, error) {
	return s.DB.CalendarFeedSince(ctx, viewer.ID)
}

// Feed returns the events of the feed whose secret is given, from FeedPast ago to
// FeedAhead from now, with whose they are. An unknown secret, or an inactive
// account's, is ErrNoFeed.
func (s *Service) Feed(ctx context.Context, secret string) (store.User, []Event, error) {
	if len(secret) < 20 || len(secret) > 100 {
		return store.User{}, nil, ErrNoFeed
	}
	id, err := s.DB.CalendarFeedUser(ctx, auth.HashSecret(secret))
	if err != nil {
		return store.User{}, nil, err
	}
	u, err := s.DB.UserByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && !u.IsActive {
		return store.User{}, nil, ErrNoFeed
	}
	if err != nil {
		return store.User{}, nil, err
	}
	now := s.Now()
	evs, err := s.events(ctx, u.ID, now.Add(-FeedPast), now.Add(FeedAhead))
	return u, evs, err
}
