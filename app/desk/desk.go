// Package desk is the help desk: the contact form, the FAQ, appointment booking with
// its rules and status machine, and the local learning assistant. Notifications are
// inserted in the write transaction and delivered after the commit (see notify).
package desk

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"eplatform/app/auth"
	"eplatform/app/form"
	"eplatform/app/mail"
	"eplatform/app/notify"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// Service holds the desk's dependencies.
type Service struct {
	DB     *store.DB
	Notify *notify.Service
	Mail   *mail.Mailer
	Log    *slog.Logger
	Now    func() time.Time
	// Location is where appointment dates and office hours are read (UTC when nil).
	Location *time.Location
}

// ErrTransition is returned for a status change the appointment's state does not allow.
var ErrTransition = problem.Conflict("That change is not possible in the appointment's current state.")

func (s *Service) loc() *time.Location {
	if s.Location != nil {
		return s.Location
	}
	return time.UTC
}

func (s *Service) deliver(ctx context.Context, ids, recipients []int64) {
	if s.Notify != nil && len(ids) > 0 {
		s.Notify.Deliver(ctx, ids, recipients)
	}
}

// text checks a required (or optional) text field's length in characters.
func text(errs form.Errors, field, v string, required bool, max int) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && required:
		errs.Add(field, "This field is required.")
	case utf8.RuneCountInString(v) > max:
		errs.Add(field, "Ensure this field has no more than "+strconv.Itoa(max)+" characters.")
	}
	return v
}

// ContactInput is the contact form.
type ContactInput struct {
	Name, Email, Subject, Message string
}

// Contact stores a contact message and mails it to the admins (the outbox keeps it;
// SMTP delivers it when configured).
func (s *Service) Contact(ctx context.Context, viewer store.User, in ContactInput) (store.ContactMessage, form.Errors, error) {
	errs := form.Errors{}
	c := store.ContactMessage{
		UserID:    viewer.ID,
		Name:      text(errs, "name", in.Name, true, 100),
		Email:     auth.NormalizeEmail(in.Email),
		Subject:   text(errs, "subject", in.Subject, true, 200),
		Message:   text(errs, "message", in.Message, true, 5000),
		CreatedAt: s.Now(),
	}
	if m := auth.CheckEmail(c.Email); m != "" {
		errs.Add("email", m)
	}
	if len(errs) > 0 {
		return store.ContactMessage{}, errs, nil
	}
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		var err error
		c.ID, err = tx.InsertContact(ctx, c)
		return err
	})
	if err != nil {
		return store.ContactMessage{}, nil, err
	}
	admins, err := s.DB.ActiveAdminEmails(ctx)
	if err != nil {
		return c, nil, err
	}
	body := "A new contact message arrived on E-Platform.\n\nFrom: " + c.Name + " <" + c.Email + ">\nSubject: " +
		c.Subject + "\n\n" + c.Message + "\n\nAnswer it from the admin inbox: /admin/contact/\n"
	for _, to := range admins {
		if err := s.Mail.Send(ctx, to, "[Contact] "+c.Subject, body); err != nil && s.Log != nil {
			s.Log.WarnContext(ctx, "contact mail", "to", to, "err", err)
		}
	}
	return c, nil, nil
}

// FAQInput is the admin's FAQ form.
type FAQInput struct {
	Question, Answer, Category string
	Position                   int
	Active                     bool
}

func checkFAQ(in FAQInput) (store.FAQ, form.Errors) {
	errs := form.Errors{}
	f := store.FAQ{
		Question: text(errs, "question", in.Question, true, 255),
		Answer:   text(errs, "answer", in.Answer, true, 5000),
		Category: text(errs, "category", in.Category, false, 100),
		Position: in.Position,
		IsActive: in.Active,
	}
	if f.Position < 0 {
		errs.Add("position", "Ensure this value is greater than or equal to 0.")
	}
	return f, errs
}

// SaveFAQ creates (id 0) or updates a FAQ entry.
func (s *Service) SaveFAQ(ctx context.Context, id int64, in FAQInput) (store.FAQ, form.Errors, error) {
	f, errs := checkFAQ(in)
	if len(errs) > 0 {
		return store.FAQ{}, errs, nil
	}
	now := s.Now()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		if id == 0 {
			f.CreatedAt = now
			var err error
			id, err = tx.InsertFAQ(ctx, f)
			return err
		}
		f.ID, f.UpdatedAt = id, now
		return tx.UpdateFAQ(ctx, f)
	})
	if err != nil {
		return store.FAQ{}, nil, err
	}
	f, err = s.DB.FAQByID(ctx, id)
	return f, nil, err
}

// DeleteFAQ removes a FAQ entry.
func (s *Service) DeleteFAQ(ctx context.Context, id int64) error {
	return s.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.DeleteFAQ(ctx, id) })
}

// MarkHandled marks a contact message handled.
func (s *Service) MarkHandled(ctx context.Context, id int64) error {
	return s.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.MarkContactHandled(ctx, id, s.Now()) })
}
