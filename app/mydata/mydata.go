// Package mydata is a person's own data: the download of everything they made or that
// is about them, and the deletion of their account.
//
// The export is a zip of JSON files, one per kind of row (store.ExportFiles), with the
// files they uploaded under files/. It is written straight to the response, row by
// row and file by file, so its size never sits in memory.
//
// Deleting an account is asked for with the password (or by an admin) and waits a
// grace period (-deletion-grace, 14 days by default); the person is signed out
// everywhere, and signing in again during the grace period cancels the deletion
// (auth.SignIn; the sign-in page says so). Then the background job (State.Janitor)
// removes the account. What users of a school's social platform expect then, and
// what happens:
//
//   - the person's own things go: profile and its entries, posts with their media,
//     comments, likes, hand-ins with their files, quiz attempts and answers,
//     enrollments, notifications they received and those they caused (a like or a
//     comment of theirs no longer notifies anyone), sessions and tokens;
//   - conversations keep what the person said to others, as the original's chat
//     soft-delete did: their messages stay, signed "Deleted user", and a group they
//     owned passes to its longest-standing member;
//   - other people's records keep their shape without the name: an appointment they
//     booked stays in the instructor's list and a contact message in the admins' inbox,
//     both as "Deleted user" with no address; grades they gave, subjects they taught
//     and quizzes they wrote stay with no author (the schema's SET NULL);
//   - search finds nothing of them (the FTS rows go with the rows), and every cached
//     view that shows names moves on (auth.PeopleNamespace, the feed's heads, the
//     anonymous pages).
//
// Text others wrote that mentions them ("@name" in someone else's post) is that
// person's and stays as written; it no longer links anywhere.
package mydata

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"eplatform/app/audit"
	"eplatform/app/auth"
	"eplatform/app/feed"
	"eplatform/app/limit"
	"eplatform/app/media"
	"eplatform/app/notify"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// Rules are the rate limits of the two actions.
type Rules struct {
	Export limit.Rule // downloads, per person asking (an admin's own bucket for theirs)
	Delete limit.Rule // deletion requests and cancellations, per person asking
}

// Service implements exports and account deletion.
type Service struct {
	DB      *store.DB
	Auth    *auth.Service
	Feed    *feed.Service
	Notify  *notify.Service
	Media   media.Store
	Limiter limit.Limiter
	Rules   Rules
	// Grace is how long a requested deletion waits (-deletion-grace).
	Grace time.Duration
	Log   *slog.Logger
	Now   func() time.Time
	// Removed, when set, is told after an account was removed (the web layer moves
	// its anonymous pages on: a public profile must not outlive its account).
	Removed func(ctx context.Context, userID int64)
}

// Status is the state of an account's deletion.
type Status struct {
	UserID    int64
	Scheduled bool
	DeleteAt  time.Time // when Scheduled
	// ByAdmin says an admin, not the owner, asked for it.
	ByAdmin bool
	// Deleted says the account is gone (an admin's immediate deletion).
	Deleted bool
}

// mayAct allows the person themself and admins.
func mayAct(by store.User, userID int64) bool { return by.ID == userID || auth.IsAdmin(by) }

func (s *Service) allow(ctx context.Context, rule limit.Rule, by store.User) error {
	return limit.Check(ctx, s.Limiter, rule, limit.UserKey(by.ID))
}

// target loads the user by asks about: themself, or anyone for an admin (404 for a
// missing one, 403 for anyone else's).
func (s *Service) target(ctx context.Context, by store.User, userID int64) (store.User, error) {
	if !mayAct(by, userID) {
		return store.User{}, problem.ErrForbidden
	}
	return s.DB.UserByID(ctx, userID)
}

// StartExport checks that by may download userID's data now (themself or an admin;
// rate limited) and returns whose it is. WriteExport then writes it.
func (s *Service) StartExport(ctx context.Context, by store.User, userID int64) (store.User, error) {
	u, err := s.target(ctx, by, userID)
	if err != nil {
		return u, err
	}
	return u, s.allow(ctx, s.Rules.Export, by)
}

// FileName is the download's name, e.g. eplatform-data-alice-20261207.zip.
func (s *Service) FileName(u store.User) string {
	return "eplatform-data-" + u.Username + "-" + s.Now().UTC().Format("20060102") + ".zip"
}

// exportReadme opens every archive.
const exportReadme = `Your data from E-Platform

Each .json file holds one kind of record: account.json and profile.json one object,
the others a list (empty when you have none). Times are UTC (RFC 3339). Files you
uploaded (your picture, post media, project pictures, attachments you sent in chat,
hand-ins) are under files/, and the record that holds one names it in its file field.
Messages of others, their comments and their hand-ins are theirs and are not included;
conversations.json lists the conversations you are in with their titles.
`

// WriteExport writes u's data to w as a zip. An error after the first byte leaves a
// truncated archive, which no unzip tool takes for a whole one.
func (s *Service) WriteExport(ctx context.Context, u store.User, w io.Writer) error {
	zw := zip.NewWriter(w)
	modified := s.Now().UTC()
	entry := func(name string, method uint16) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: modified})
	}
	readme, err := entry("README.txt", zip.Deflate)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(readme, exportReadme); err != nil {
		return err
	}
	type stored struct{ path, name string }
	var files []stored
	taken := map[string]bool{}
	for _, f := range store.ExportFiles {
		out, err := entry(f.Name, zip.Deflate)
		if err != nil {
			return err
		}
		bw := bufio.NewWriter(out)
		n := 0
		if !f.Single {
			bw.WriteString("[")
		}
		err = s.DB.ExportRows(ctx, f, u.ID, func(row map[string]any) error {
			if f.File != "" {
				if p, ok := row[f.File].(string); ok && p != "" {
					name := archiveName(f, row, p, taken)
					files = append(files, stored{p, name})
					row[f.File] = name
				}
			}
			raw, err := json.MarshalIndent(row, "  ", "  ")
			if err != nil {
				return err
			}
			switch {
			case f.Single && n > 0:
				return nil
			case f.Single:
			case n > 0:
				bw.WriteString(",\n  ")
			default:
				bw.WriteString("\n  ")
			}
			n++
			_, err = bw.Write(raw)
			return err
		})
		if err != nil {
			return err
		}
		switch {
		case f.Single && n == 0:
			bw.WriteString("null")
		case !f.Single && n > 0:
			bw.WriteString("\n]")
		case !f.Single:
			bw.WriteString("]")
		}
		bw.WriteString("\n")
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	for _, f := range files {
		if err := s.copyFile(ctx, entry, f.path, f.name); err != nil {
			return err
		}
	}
	return zw.Close()
}

// copyFile adds one stored file, as it is (media is compressed already). A file
// missing from the media folder is logged and left out rather than failing the
// whole download.
func (s *Service) copyFile(ctx context.Context, entry func(string, uint16) (io.Writer, error), rel, name string) error {
	src, err := s.Media.Open(rel)
	if err != nil {
		s.Log.WarnContext(ctx, "export: a stored file is missing", "path", rel, "err", err)
		return nil
	}
	defer src.Close()
	out, err := entry(name, zip.Store)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, src)
	return err
}

// archiveName places a stored file under files/<kind>/, named by its row and the
// uploader's name, e.g. files/posts/12-holiday.jpg.
func archiveName(f store.ExportFile, row map[string]any, stored string, taken map[string]bool) string {
	kind := strings.TrimSuffix(f.Name, ".json")
	name := path.Base(stored)
	if f.FileName != "" {
		if n, ok := row[f.FileName].(string); ok && n != "" {
			name = n
		}
	}
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < ' ' {
			return '_'
		}
		return r
	}, name)
	if id, ok := row["id"].(int64); ok {
		name = fmt.Sprint(id) + "-" + name
	}
	out := "files/" + kind + "/" + name
	for i := 2; taken[out]; i++ {
		out = "files/" + kind + "/" + fmt.Sprint(i) + "-" + name
	}
	taken[out] = true
	return out
}

// ServeExport answers u's data as a zip download, for the page and the API alike
// (call StartExport first). Past the first byte a failure can only be logged: the
// client is left with a truncated archive, which no unzip tool takes for a whole one.
func (s *Service) ServeExport(w http.ResponseWriter, r *http.Request, u store.User) {
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Cache-Control", "no-store")
	media.SetDisposition(w, "attachment", s.FileName(u))
	if err := s.WriteExport(r.Context(), u, w); err != nil {
		s.Log.WarnContext(r.Context(), "data export cut short", "user", u.ID, "err", err)
	}
}

// StatusOf tells whether userID's account is waiting to be deleted (themself or an
// admin).
func (s *Service) StatusOf(ctx context.Context, by store.User, userID int64) (Status, error) {
	if _, err := s.target(ctx, by, userID); err != nil {
		return Status{}, err
	}
	return s.status(ctx, userID)
}

func (s *Service) status(ctx context.Context, userID int64) (Status, error) {
	d, err := s.DB.DeletionOf(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return Status{UserID: userID}, nil
	}
	if err != nil {
		return Status{}, err
	}
	return Status{UserID: userID, Scheduled: true, DeleteAt: d.DeleteAt, ByAdmin: d.RequestedBy != userID}, nil
}

// RequestDeletion schedules the deletion of the caller's own account after the grace
// period, confirmed with their password, and signs them out everywhere. The only
// active admin cannot leave the site without an admin.
func (s *Service) RequestDeletion(ctx context.Context, me store.User, password string) (Status, error) {
	if err := s.allow(ctx, s.Rules.Delete, me); err != nil {
		return Status{}, err
	}
	if password == "" {
		return Status{}, problem.Field("password", "Enter your password to confirm.")
	}
	u, err := s.DB.UserByID(ctx, me.ID) // the password as stored now, not as cached
	if err != nil {
		return Status{}, err
	}
	if ok, _, err := auth.CheckPassword(u.PasswordHash, password, s.Auth.Params); err != nil || !ok {
		return Status{}, problem.Field("password", "That is not your password.")
	}
	if err := s.keepAnAdmin(ctx, u); err != nil {
		return Status{}, err
	}
	return s.schedule(ctx, u, me)
}

// keepAnAdmin refuses to remove the last active admin.
func (s *Service) keepAnAdmin(ctx context.Context, u store.User) error {
	if u.UserType != auth.Admin || !u.IsActive {
		return nil
	}
	n, err := s.DB.CountActiveAdmins(ctx)
	if err != nil {
		return err
	}
	if n <= 1 {
		return problem.Conflict("This is the only admin account: make someone else an admin first.")
	}
	return nil
}

func (s *Service) schedule(ctx context.Context, u, by store.User) (Status, error) {
	now := s.Now()
	at := now.Add(s.Grace)
	if err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		if err := tx.ScheduleDeletion(ctx, u.ID, by.ID, now, at); err != nil || by.ID == u.ID {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, Actor: by, Action: audit.UserDelete, Target: audit.User(u),
			After: map[string]any{"deleted_at": at.UTC().Format(time.RFC3339), "grace": true}})
	}); err != nil {
		return Status{}, err
	}
	// Signed out everywhere: the next sign-in is the owner coming back, which cancels.
	if err := s.Auth.EndAllSessions(ctx, u.ID); err != nil {
		return Status{}, err
	}
	s.Log.InfoContext(ctx, "account deletion scheduled", "user", u.ID, "by", by.ID, "at", at)
	return s.status(ctx, u.ID)
}

// CancelDeletion cancels userID's scheduled deletion (themself or an admin); without
// one it changes nothing. It answers the state afterwards.
func (s *Service) CancelDeletion(ctx context.Context, by store.User, userID int64) (Status, error) {
	if _, err := s.target(ctx, by, userID); err != nil {
		return Status{}, err
	}
	if err := s.allow(ctx, s.Rules.Delete, by); err != nil {
		return Status{}, err
	}
	if err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		_, err := tx.CancelDeletion(ctx, userID)
		return err
	}); err != nil {
		return Status{}, err
	}
	return Status{UserID: userID}, nil
}

// AdminDelete is an admin deleting another account: after the grace period like the
// owner's own request (the owner signing in still cancels it), or now, for good.
func (s *Service) AdminDelete(ctx context.Context, by store.User, userID int64, now bool) (Status, error) {
	if !auth.IsAdmin(by) {
		return Status{}, problem.ErrForbidden
	}
	u, err := s.DB.UserByID(ctx, userID)
	if err != nil {
		return Status{}, err
	}
	if u.ID == by.ID {
		return Status{}, problem.Invalid("Delete your own account from your data page, with your password.")
	}
	if err := s.allow(ctx, s.Rules.Delete, by); err != nil {
		return Status{}, err
	}
	if err := s.keepAnAdmin(ctx, u); err != nil {
		return Status{}, err
	}
	if !now {
		return s.schedule(ctx, u, by)
	}
	record := func(tx *store.Queries) error {
		return audit.Record(ctx, tx, audit.Entry{At: s.Now(), Actor: by, Action: audit.UserDelete, Target: audit.User(u),
			After: map[string]any{"deleted_at": s.Now().UTC().Format(time.RFC3339), "grace": false}})
	}
	if err := s.remove(ctx, u.ID, record); err != nil {
		return Status{}, err
	}
	return Status{UserID: u.ID, Deleted: true}, nil
}

// Remove deletes an account for good now (see the package comment for what stays),
// then tells every cache and open tab.
func (s *Service) Remove(ctx context.Context, userID int64) error { return s.remove(ctx, userID, nil) }

// remove is Remove that also runs also (when not nil) in the removal's transaction:
// an admin's deletion is recorded in the audit log with it.
func (s *Service) remove(ctx context.Context, userID int64, also func(tx *store.Queries) error) error {
	// First, so no session or token of theirs is served from a cache afterwards.
	if err := s.Auth.EndAllSessions(ctx, userID); err != nil {
		return err
	}
	var r store.Removal
	err := s.DB.WithTx(ctx, func(tx *store.Queries) (err error) {
		if r, err = tx.RemoveAccount(ctx, userID); err != nil || also == nil {
			return err
		}
		return also(tx)
	})
	if err != nil {
		return err
	}
	for _, f := range r.Files {
		if err := s.Media.Remove(f); err != nil {
			s.Log.WarnContext(ctx, "remove a deleted account's file", "path", f, "err", err)
		}
	}
	s.Auth.ForgetUser(ctx, userID) // the people version: names and pictures everywhere
	if s.Feed != nil {
		s.Feed.AccountRemoved(ctx, userID, r.Posts)
	}
	if s.Notify != nil {
		s.Notify.Recount(ctx, r.Recipients)
	}
	if s.Removed != nil {
		s.Removed(ctx, userID)
	}
	s.Log.InfoContext(ctx, "account deleted", "user", userID, "files", len(r.Files))
	return nil
}

// RemoveDue removes the accounts whose grace period is over, a batch at a time, and
// returns how many. The background job calls it; an account that fails is logged and
// tried again next time.
func (s *Service) RemoveDue(ctx context.Context) (int, error) {
	ids, err := s.DB.DueDeletions(ctx, s.Now(), 100)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		if err := s.Remove(ctx, id); err != nil {
			s.Log.ErrorContext(ctx, "remove an account whose deletion is due", "user", id, "err", err)
			continue
		}
		n++
	}
	return n, nil
}

// Scheduled returns when each account waiting to be deleted goes, for admins.
func (s *Service) Scheduled(ctx context.Context, by store.User) (map[int64]time.Time, error) {
	if !auth.IsAdmin(by) {
		return nil, problem.ErrForbidden
	}
	return s.DB.ScheduledDeletions(ctx)
}
