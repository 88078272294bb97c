// Package desk is the help desk: the contact form, the FAQ, appointment booking with
// its rules and status machine, and the local learning assistant. Notifications are
// inserted in the write transaction and delivered after the commit (see notify).
package desk

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"eplatform/app/audit"
	"eplatform/app/auth"
	"eplatform/app/form"
	"eplatform/app/mail"
	"eplatform/app/notify"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
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

// field checks a text field by the one rule for user text (text.Field), recording a
// message under its name; it returns the value to store. A blank required field says
// "required", as the desk's forms always have.
func field(errs form.Errors, name, v string, required bool, max int) string {
	v, msg := text.Field(v, required, max)
	if msg != "" && required && strings.TrimSpace(v) == "" {
		msg = "This field is required."
	}
	if msg != "" {
		errs.Add(name, msg)
	}
	return v
}

// oneLine checks a field that must fit on one line (names, subjects, phone numbers).
func oneLine(errs form.Errors, name, v string, required bool, max int) string {
	v = field(errs, name, v, required, max)
	if !errs.Has(name) && strings.ContainsAny(v, "\t\n") {
		errs.Add(name, "Enter this on one line.")
	}
	return v
}

// ContactInput is the contact form.
type ContactInput struct {
	Name, Email, Subject, Message string
}

// Contact stores a contact message and mails it to the admins (the outbox keeps it;
// SMTP delivers it when configured). Invalid input is a problem.Fields.
func (s *Service) Contact(ctx context.Context, viewer store.User, in ContactInput) (store.ContactMessage, error) {
	errs := form.Errors{}
	c := store.ContactMessage{
		UserID:    viewer.ID,
		Name:      oneLine(errs, "name", in.Name, true, 100),
		Email:     auth.NormalizeEmail(in.Email),
		Subject:   oneLine(errs, "subject", in.Subject, true, 200),
		Message:   field(errs, "message", in.Message, true, 5000),
		CreatedAt: s.Now(),
	}
	if m := auth.CheckEmail(c.Email); m != "" {
		errs.Add("email", m)
	}
	if len(errs) > 0 {
		return store.ContactMessage{}, problem.Fields(errs)
	}
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		var err error
		c.ID, err = tx.InsertContact(ctx, c)
		return err
	})
	if err != nil {
		return store.ContactMessage{}, err
	}
	admins, err := s.DB.ActiveAdminEmails(ctx)
	if err != nil {
		// The message is stored and in the admin inbox; only the mail copy is missing.
		s.Log.ErrorContext(ctx, "contact mail: list admins", "err", err)
		return c, nil
	}
	body := "A new contact message arrived on E-Platform.\n\nFrom: " + c.Name + " <" + c.Email + ">\nSubject: " +
		c.Subject + "\n\n" + c.Message + "\n\nAnswer it from the admin inbox: /admin/contact/\n"
	for _, to := range admins {
		if err := s.Mail.Send(ctx, to, "[Contact] "+c.Subject, body); err != nil {
			s.Log.WarnContext(ctx, "contact mail", "to", to, "err", err)
		}
	}
	return c, nil
}

// FAQs returns the FAQ entries the contact page and the API show: the active ones,
// of one category when category is not "".
func (s *Service) FAQs(ctx context.Context, category string) ([]store.FAQ, error) {
	return s.DB.ListFAQs(ctx, true, category)
}

// FAQCategories returns the categories of the active FAQ entries.
func (s *Service) FAQCategories(ctx context.Context) ([]string, error) {
	return s.DB.FAQCategories(ctx)
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
		Question: oneLine(errs, "question", in.Question, true, 255),
		Answer:   field(errs, "answer", in.Answer, true, 5000),
		Category: oneLine(errs, "category", in.Category, false, 100),
		Position: in.Position,
		IsActive: in.Active,
	}
	if f.Position < 0 {
		errs.Add("position", "Ensure this value is greater than or equal to 0.")
	}
	return f, errs
}

// SaveFAQ creates (id 0) or updates a FAQ entry; admins only. Invalid input is a
// problem.Fields, an unknown id ErrNotFound.
func (s *Service) SaveFAQ(ctx context.Context, by store.User, id int64, in FAQInput) (store.FAQ, error) {
	if !auth.IsAdmin(by) {
		return store.FAQ{}, problem.ErrForbidden
	}
	f, errs := checkFAQ(in)
	if len(errs) > 0 {
		return store.FAQ{}, problem.Fields(errs)
	}
	now := s.Now()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		if id == 0 {
			f.CreatedAt = now
			var err error
			if id, err = tx.InsertFAQ(ctx, f); err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Entry{At: now, Actor: by, Action: audit.FAQCreate,
				Target: faqTarget(id, f.Question), After: faqSnapshot(f)})
		}
		cur, err := tx.FAQByID(ctx, id)
		if err != nil {
			return err
		}
		f.ID, f.UpdatedAt = id, now
		if err := tx.UpdateFAQ(ctx, f); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, Actor: by, Action: audit.FAQUpdate,
			Target: faqTarget(id, f.Question), Before: faqSnapshot(cur), After: faqSnapshot(f)})
	})
	if err != nil {
		return store.FAQ{}, err
	}
	return s.DB.FAQByID(ctx, id)
}

// DeleteFAQ removes a FAQ entry; admins only.
func (s *Service) DeleteFAQ(ctx context.Context, by store.User, id int64) error {
	if !auth.IsAdmin(by) {
		return problem.ErrForbidden
	}
	return s.DB.WithTx(ctx, func(tx *store.Queries) error {
		cur, err := tx.FAQByID(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteFAQ(ctx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.Now(), Actor: by, Action: audit.FAQDelete,
			Target: faqTarget(id, cur.Question), Before: faqSnapshot(cur)})
	})
}

func faqTarget(id int64, question string) audit.Target {
	return audit.Target{Kind: audit.KindFAQ, ID: id, Label: question}
}

// faqSnapshot is the audit snapshot of a FAQ entry (the answer's start only).
func faqSnapshot(f store.FAQ) map[string]any {
	answer := f.Answer
	if r := []rune(answer); len(r) > 300 {
		answer = string(r[:300]) + "…"
	}
	return map[string]any{"question": f.Question, "answer": answer, "category": f.Category, "position": f.Position, "is_active": f.IsActive}
}

// MarkHandled marks a contact message handled; admins only.
func (s *Service) MarkHandled(ctx context.Context, by store.User, id int64) error {
	if !auth.IsAdmin(by) {
		return problem.ErrForbidden
	}
	return s.DB.WithTx(ctx, func(tx *store.Queries) error {
		if err := tx.MarkContactHandled(ctx, id, s.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.Now(), Actor: by, Action: audit.ContactHandled,
			Target: audit.Target{Kind: audit.KindContact, ID: id}, After: map[string]any{"handled": true}})
	})
}
