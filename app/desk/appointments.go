package desk

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"eplatform/app/auth"
	"eplatform/app/form"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// Appointment types, as in the reference.
var AppointmentTypes = []struct{ Value, Label string }{
	{"office_hours", "Office hours"},
	{"project_discussion", "Project discussion"},
	{"academic_advice", "Academic advice"},
	{"course_related", "Course related"},
	{"other", "Other"},
}

// Office hours: bookings start between OpensAt and ClosesAt inclusive, Monday to Friday.
const (
	OpensAt  = "09:00"
	ClosesAt = "17:00"
)

// BookInput is the booking form.
type BookInput struct {
	InstructorID int64
	Name, Email  string
	Phone        string
	Date, Time   string // YYYY-MM-DD, HH:MM
	Type         string
	Message      string
}

// CheckSlot applies the date rules at now: a real date, Monday to Friday, 09:00–17:00,
// and not in the past (today's slots that have gone by included).
func CheckSlot(date, clock string, now time.Time, loc *time.Location) form.Errors {
	errs := form.Errors{}
	d, err := time.ParseInLocation("2006-01-02", date, loc)
	if err != nil {
		errs.Add("appointment_date", "Enter a valid date (YYYY-MM-DD).")
	}
	t, err2 := time.Parse("15:04", clock)
	if err2 != nil || len(clock) != 5 {
		errs.Add("appointment_time", "Enter a valid time (HH:MM).")
	}
	if len(errs) > 0 {
		return errs
	}
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		errs.Add("appointment_date", "Appointments are not available on weekends.")
	}
	if clock < OpensAt || clock > ClosesAt {
		errs.Add("appointment_time", "Appointments are available between 09:00 and 17:00.")
	}
	at := time.Date(d.Year(), d.Month(), d.Day(), t.Hour(), t.Minute(), 0, 0, loc)
	today := now.In(loc)
	switch {
	case d.Before(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)):
		errs.Add("appointment_date", "Appointment date cannot be in the past.")
	case !at.After(now):
		errs.Add("appointment_time", "That time has already passed today.")
	}
	return errs
}

// Instructors returns the active instructors one can book.
func (s *Service) Instructors(ctx context.Context) ([]store.UserMini, error) {
	return s.DB.ActiveInstructors(ctx)
}

// Book validates and stores a pending appointment and notifies the instructor.
// requester is the zero User for an anonymous booking. Invalid input (a taken slot
// included) is a problem.Fields.
func (s *Service) Book(ctx context.Context, requester store.User, in BookInput) (store.Appointment, error) {
	now := s.Now()
	in.Date, in.Time = strings.TrimSpace(in.Date), strings.TrimSpace(in.Time)
	errs := CheckSlot(in.Date, in.Time, now, s.loc())
	a := store.Appointment{
		UserID: requester.ID, InstructorID: in.InstructorID,
		Name:      oneLine(errs, "name", in.Name, true, 100),
		Email:     auth.NormalizeEmail(in.Email),
		Phone:     oneLine(errs, "phone", in.Phone, false, 20),
		Date:      in.Date,
		Time:      in.Time,
		Type:      in.Type,
		Message:   field(errs, "message", in.Message, false, 2000),
		CreatedAt: now,
	}
	if a.Type == "" {
		a.Type = "office_hours"
	}
	if !validType(a.Type) {
		errs.Add("appointment_type", "Select a valid choice.")
	}
	if m := auth.CheckEmail(a.Email); m != "" {
		errs.Add("email", m)
	}
	switch {
	case in.InstructorID == 0:
		errs.Add("instructor", "Choose an instructor.")
	case in.InstructorID == requester.ID:
		errs.Add("instructor", "You cannot book an appointment with yourself.")
	default:
		ins, err := s.DB.UserByID(ctx, in.InstructorID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && (ins.UserType != "instructor" || !ins.IsActive)) {
			errs.Add("instructor", "Choose one of the listed instructors.")
		} else if err != nil {
			return store.Appointment{}, err
		}
	}
	if len(errs) > 0 {
		return store.Appointment{}, problem.Fields(errs)
	}
	var ids, rcpts []int64
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		// Checked in the write transaction, so two requests cannot both take the slot.
		taken, err := tx.SlotTaken(ctx, a.InstructorID, a.Date, a.Time)
		if err != nil {
			return err
		}
		if taken {
			errs.Add("appointment_time", "The instructor already has an appointment at that time. Please choose another.")
			return nil
		}
		if a.ID, err = tx.InsertAppointment(ctx, a); err != nil {
			return err
		}
		nid, ok, err := tx.InsertNotification(ctx, store.NewNotification{
			RecipientID: a.InstructorID, SenderID: requester.ID, Type: "appointment",
			Text: a.Name + " requested an appointment on " + a.Date + " at " + a.Time + ".",
			URL:  "/home/appointments/", AppointmentID: a.ID, Now: now,
		})
		if ok {
			ids, rcpts = append(ids, nid), append(rcpts, a.InstructorID)
		}
		return err
	})
	if err != nil {
		return store.Appointment{}, err
	}
	if len(errs) > 0 {
		return store.Appointment{}, problem.Fields(errs)
	}
	s.deliver(ctx, ids, rcpts)
	return s.DB.AppointmentByID(ctx, a.ID)
}

func validType(t string) bool {
	for _, o := range AppointmentTypes {
		if o.Value == t {
			return true
		}
	}
	return false
}

// Actions a party may take, by name, with the status they lead to.
const (
	ActionApprove  = "approve"
	ActionReject   = "reject"
	ActionComplete = "complete"
	ActionCancel   = "cancel"
)

// transitions is the status machine: from status → action → (to status, who may).
var transitions = map[string]map[string]struct {
	to                    string
	requester, instructor bool
}{
	"pending": {
		ActionApprove: {"approved", false, true},
		ActionReject:  {"rejected", false, true},
		ActionCancel:  {"cancelled", true, false},
	},
	"approved": {
		ActionComplete: {"completed", false, true},
		ActionCancel:   {"cancelled", true, true},
	},
}

// Actions returns what viewer may do with a now.
func Actions(viewer store.User, a store.Appointment) []string {
	var out []string
	for _, name := range actions {
		if t, ok := transitions[a.Status][name]; ok && allowed(viewer, a, t.requester, t.instructor) {
			out = append(out, name)
		}
	}
	return out
}

func allowed(viewer store.User, a store.Appointment, requester, instructor bool) bool {
	if viewer.ID == 0 {
		return false
	}
	return (requester && a.UserID == viewer.ID) || (instructor && a.InstructorID == viewer.ID)
}

// CanSee tells whether viewer is a party to a (admins see every appointment).
func CanSee(viewer store.User, a store.Appointment) bool {
	return viewer.ID != 0 && (a.UserID == viewer.ID || a.InstructorID == viewer.ID || auth.IsAdmin(viewer))
}

// Get returns an appointment the viewer may see (ErrNotFound otherwise).
func (s *Service) Get(ctx context.Context, viewer store.User, id int64) (store.Appointment, error) {
	a, err := s.DB.AppointmentByID(ctx, id)
	if err != nil {
		return a, err
	}
	if !CanSee(viewer, a) {
		return store.Appointment{}, store.ErrNotFound
	}
	return a, nil
}

// Statuses of an appointment, in the order of its life.
var Statuses = []string{"pending", "approved", "rejected", "completed", "cancelled"}

// checkStatus refuses a status filter that is not one of Statuses ("" means all).
func checkStatus(status string) error {
	if status != "" && !slices.Contains(Statuses, status) {
		return problem.Field("status", "Select a valid choice: "+strings.Join(Statuses, ", ")+".")
	}
	return nil
}

// Mine returns the appointments the viewer requested or is asked for, of one status
// when status is not "" (an unknown status is a problem naming status).
func (s *Service) Mine(ctx context.Context, viewer store.User, status string) ([]store.Appointment, error) {
	if err := checkStatus(status); err != nil {
		return nil, err
	}
	return s.DB.ListAppointments(ctx, store.AppointmentQuery{Party: viewer.ID, Status: status, Limit: 200})
}

// actions lists every action, in the order the cards show them.
var actions = []string{ActionApprove, ActionReject, ActionComplete, ActionCancel}

// Change applies an action and notifies the other side. An unknown action is a
// problem naming action; one the appointment's state does not allow ErrTransition.
func (s *Service) Change(ctx context.Context, viewer store.User, id int64, action string) (store.Appointment, error) {
	if !slices.Contains(actions, action) {
		return store.Appointment{}, problem.Field("action", "Select a valid choice: "+strings.Join(actions, ", ")+".")
	}
	a, err := s.Get(ctx, viewer, id)
	if err != nil {
		return a, err
	}
	if a.UserID != viewer.ID && a.InstructorID != viewer.ID {
		return store.Appointment{}, problem.ErrForbidden // an admin who is no party
	}
	t, ok := transitions[a.Status][action]
	if !ok {
		return store.Appointment{}, ErrTransition
	}
	if !allowed(viewer, a, t.requester, t.instructor) {
		return store.Appointment{}, problem.ErrForbidden
	}
	now := s.Now()
	other := a.InstructorID
	if viewer.ID == a.InstructorID {
		other = a.UserID // 0 for an anonymous requester: nobody to notify on the site
	}
	var ids, rcpts []int64
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		if err := tx.SetAppointmentStatus(ctx, a.ID, a.Status, t.to, now); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return ErrTransition // someone else changed it first
			}
			return err
		}
		if other == 0 {
			return nil
		}
		nid, ok, err := tx.InsertNotification(ctx, store.NewNotification{
			RecipientID: other, SenderID: viewer.ID, Type: "appointment",
			Text: "The appointment on " + a.Date + " at " + a.Time + " is now " + t.to + ".",
			URL:  "/home/appointments/", AppointmentID: a.ID, Now: now,
		})
		if ok {
			ids, rcpts = append(ids, nid), append(rcpts, other)
		}
		return err
	})
	if err != nil {
		return store.Appointment{}, err
	}
	s.deliver(ctx, ids, rcpts)
	return s.DB.AppointmentByID(ctx, a.ID)
}
