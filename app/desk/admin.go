package desk

import (
	"context"

	"eplatform/app/audit"
	"eplatform/app/auth"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// The admin area's reads (the account actions are auth's). Each is for admins only;
// the pages check it too, the rule lives here.

func admin(by store.User) error {
	if !auth.IsAdmin(by) {
		return problem.ErrForbidden
	}
	return nil
}

// Outbox lists the newest mails of the outbox (at most limit).
func (s *Service) Outbox(ctx context.Context, by store.User, limit int) ([]store.Mail, error) {
	if err := admin(by); err != nil {
		return nil, err
	}
	return s.DB.RecentMail(ctx, 0, limit)
}

// ModerationQueue lists the newest posts and comments (at most limit of each).
func (s *Service) ModerationQueue(ctx context.Context, by store.User, limit int) (posts, comments []store.ModItem, err error) {
	if err := admin(by); err != nil {
		return nil, nil, err
	}
	if posts, err = s.DB.RecentPostsForModeration(ctx, limit); err != nil {
		return nil, nil, err
	}
	comments, err = s.DB.RecentCommentsForModeration(ctx, limit)
	return posts, comments, err
}

// Subjects lists every subject with its instructor and number of students.
func (s *Service) Subjects(ctx context.Context, by store.User) ([]store.AdminSubject, error) {
	if err := admin(by); err != nil {
		return nil, err
	}
	return s.DB.AdminSubjects(ctx, 500)
}

// AllFAQs lists every FAQ entry, hidden ones included.
func (s *Service) AllFAQs(ctx context.Context, by store.User) ([]store.FAQ, error) {
	if err := admin(by); err != nil {
		return nil, err
	}
	return s.DB.ListFAQs(ctx, false, "")
}

// FAQ returns one FAQ entry, hidden or not.
func (s *Service) FAQ(ctx context.Context, by store.User, id int64) (store.FAQ, error) {
	if err := admin(by); err != nil {
		return store.FAQ{}, err
	}
	return s.DB.FAQByID(ctx, id)
}

// Contacts lists the contact inbox, newest first: the open messages only, or all.
func (s *Service) Contacts(ctx context.Context, by store.User, openOnly bool) ([]store.ContactMessage, error) {
	if err := admin(by); err != nil {
		return nil, err
	}
	return s.DB.ListContacts(ctx, openOnly, 200)
}

// AllAppointments lists everyone's appointments, of one status when status is not ""
// (an unknown status is a problem naming status).
func (s *Service) AllAppointments(ctx context.Context, by store.User, status string) ([]store.Appointment, error) {
	if err := admin(by); err != nil {
		return nil, err
	}
	if err := checkStatus(status); err != nil {
		return nil, err
	}
	return s.DB.ListAppointments(ctx, store.AppointmentQuery{Status: status, Limit: 200})
}

// Counts are the system page's figures from the database.
type Counts struct {
	Users, OpenContacts int
	// DatabaseBytes is the size of the database file and its write-ahead log.
	DatabaseBytes int64
}

// SiteCounts gathers the system page's figures from the database.
func (s *Service) SiteCounts(ctx context.Context, by store.User) (Counts, error) {
	var c Counts
	if err := admin(by); err != nil {
		return c, err
	}
	var err error
	if c.Users, err = s.DB.CountUsers(ctx); err != nil {
		return c, err
	}
	if c.OpenContacts, err = s.DB.CountOpenContacts(ctx); err != nil {
		return c, err
	}
	c.DatabaseBytes, err = s.DB.Size(ctx)
	return c, err
}

// AuditLog lists audit entries newest first; admins only. Filters that cannot exist
// (audit.Check) are a problem naming the field, not an empty list.
func (s *Service) AuditLog(ctx context.Context, by store.User, q store.AuditQuery) ([]store.AuditEntry, error) {
	if err := admin(by); err != nil {
		return nil, err
	}
	if errs := audit.Check(q); len(errs) > 0 {
		return nil, problem.Fields(errs)
	}
	return s.DB.ListAudit(ctx, q)
}

// BackupDownloaded records that by is downloading a full backup (file). It is
// written before the first byte goes out: a download that then fails was still an
// attempt to take everything away, and is recorded as one.
func (s *Service) BackupDownloaded(ctx context.Context, by store.User, file string) error {
	if err := admin(by); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(tx *store.Queries) error {
		return audit.Record(ctx, tx, audit.Entry{At: s.Now(), Actor: by, Action: audit.BackupDownload,
			Target: audit.Target{Kind: audit.KindBackup, Label: file}})
	})
}
