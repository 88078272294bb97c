// Package roster brings class lists in: accounts made in bulk from a CSV file (the
// admin page, the API and `eplatform user import`), each with a set-password link,
// and an instructor's list of usernames or emails enrolled into a subject.
//
// An import is all or nothing. Every row is checked first (the same rules as signing
// up, plus duplicates within the file), and one bad row refuses the whole file with
// every row's errors; a good file is written in one immediate transaction (accounts,
// their invitation tokens, their enrollments), so a failure halfway leaves nothing.
// The invitation mails go out after the commit: a mail that could not be queued is
// reported, and the admin sends a new link from the users page.
//
// Enrolling a list is reported line by line instead: the known students are enrolled
// together in one transaction and every other line says why it was skipped (unknown,
// not a student), because a typo in one name should not keep thirty students out.
package roster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"eplatform/app/auth"
	"eplatform/app/cache"
	"eplatform/app/form"
	"eplatform/app/learn"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// Service implements class lists.
type Service struct {
	DB    *store.DB
	Cache cache.Cache // the versions of kept subject pages (learn.SubjectNamespace); nil: none kept
	Auth  *auth.Service
	Log   *slog.Logger
	Now   func() time.Time
}

// Report is what an import found or did.
type Report struct {
	Rows []Row
	// Bad counts the rows with errors; an import writes nothing unless it is 0.
	Bad int
	// Imported is true once the accounts exist.
	Imported bool
	// Mailed is true when the links went out over SMTP (else they wait in the outbox).
	Mailed bool
	// MailErrors name the accounts whose invitation could not be queued.
	MailErrors []string
}

// Created is the number of accounts an import made or would make.
func (r Report) Created() int { return len(r.Rows) - r.Bad }

// Preview checks a class list without writing anything (the dry run): every row with
// its errors. Only admins may.
func (s *Service) Preview(ctx context.Context, by store.User, data []byte) (Report, error) {
	if !auth.IsAdmin(by) {
		return Report{}, problem.ErrForbidden
	}
	return s.Check(ctx, data)
}

// Import checks a class list and, when every row is good, creates the accounts, their
// invitations and enrollments in one transaction, then mails the links. A list with
// bad rows is refused with the report (every row's errors) and ErrRows; nothing is
// written. Only admins may.
func (s *Service) Import(ctx context.Context, by store.User, data []byte) (Report, error) {
	if !auth.IsAdmin(by) {
		return Report{}, problem.ErrForbidden
	}
	return s.ImportAsOwner(ctx, data)
}

// ImportAsOwner is Import for `eplatform user import`: whoever runs the binary owns
// the site.
func (s *Service) ImportAsOwner(ctx context.Context, data []byte) (Report, error) {
	rep, err := s.Check(ctx, data)
	if err != nil {
		return rep, err
	}
	if rep.Bad > 0 {
		return rep, ErrRows(rep)
	}
	if err := s.write(ctx, &rep); err != nil {
		return rep, err
	}
	s.Auth.PeopleChanged(ctx)
	rep.Imported, rep.Mailed = true, s.Auth.Mail.Configured()
	for _, row := range rep.Rows {
		u := store.User{ID: row.ID, Username: row.Username, Email: row.Email, FirstName: row.FirstName}
		if err := s.Auth.MailInvite(ctx, u, row.Link); err != nil {
			s.Log.ErrorContext(ctx, "invitation mail", "user", row.Username, "err", err)
			rep.MailErrors = append(rep.MailErrors, row.Username)
		}
	}
	return rep, nil
}

// ErrRows is the refusal of a list with bad rows: nothing was imported.
func ErrRows(rep Report) error {
	return problem.Invalid(fmt.Sprintf("%d of %d rows have errors; nothing was imported. Correct them and upload the file again.",
		rep.Bad, len(rep.Rows)))
}

// errRace ends the write transaction when a row became taken after the check.
var errRace = errors.New("roster: taken meanwhile")

// write creates the accounts in one transaction. A username or email taken between
// the check and the write (another admin, a signup) rolls everything back and is that
// row's error.
func (s *Service) write(ctx context.Context, rep *Report) error {
	now := s.Now()
	codes := map[string]int64{}
	var enrolled []string // the versions the enrollments move on
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		enrolled = nil
		for i := range rep.Rows {
			row := &rep.Rows[i]
			id, err := tx.CreateUser(ctx, store.NewUser{
				Username: row.Username, Email: row.Email, PasswordHash: auth.UnusablePassword,
				FirstName: row.FirstName, LastName: row.LastName, UserType: row.UserType,
				Birthdate: row.Birthdate, Now: now,
			})
			var conflict *store.ConflictError
			if errors.As(err, &conflict) {
				field := strings.TrimPrefix(conflict.Constraint, "users.")
				row.Errors.Add(field, "A user with that "+field+" already exists.")
				return errRace
			}
			if err != nil {
				return err
			}
			row.ID = id
			if row.Link, err = s.Auth.InviteTx(ctx, tx, id, now); err != nil {
				return err
			}
			for _, code := range row.Subjects {
				sid, ok := codes[strings.ToLower(code)]
				if !ok {
					subj, err := tx.SubjectByCode(ctx, code)
					if err != nil {
						return err // checked before; a subject deleted meanwhile ends it all
					}
					sid = subj.ID
					codes[strings.ToLower(code)] = sid
				}
				if _, _, err := tx.Enroll(ctx, sid, id, now); err != nil {
					return err
				}
				// A new account has nothing kept of its own yet: only the subject's count moves.
				enrolled = append(enrolled, learn.SubjectNamespace(sid))
			}
		}
		return nil
	})
	if err == nil {
		slices.Sort(enrolled) // many rows enrol into the same few subjects
		learn.Bump(ctx, s.Cache, s.Log, slices.Compact(enrolled)...)
	}
	if errors.Is(err, errRace) {
		rep.Bad = 0
		for i := range rep.Rows {
			rep.Rows[i].ID, rep.Rows[i].Link = 0, ""
			if len(rep.Rows[i].Errors) > 0 {
				rep.Bad++
			}
		}
		return ErrRows(*rep)
	}
	if err != nil {
		for i := range rep.Rows {
			rep.Rows[i].ID, rep.Rows[i].Link = 0, ""
		}
	}
	return err
}

// Check parses the file and checks every row against the signup rules, the database
// and the rest of the file; it writes nothing (Preview for admins, the command's
// -dry-run).
func (s *Service) Check(ctx context.Context, data []byte) (Report, error) {
	rows, err := Parse(data)
	if err != nil {
		return Report{}, err
	}
	now := s.Now()
	usernames, emails := map[string]int{}, map[string]int{}
	subjects := map[string]bool{} // lower-case code → exists
	for i := range rows {
		row := &rows[i]
		e := row.Errors
		if m := auth.CheckUsername(row.Username); m != "" {
			e.Add("username", m)
		} else if first, dup := usernames[strings.ToLower(row.Username)]; dup {
			e.Add("username", fmt.Sprintf("The same username as line %d.", first))
		} else {
			usernames[strings.ToLower(row.Username)] = row.Line
			taken, err := s.DB.UsernameTaken(ctx, row.Username)
			if err != nil {
				return Report{}, err
			}
			if taken {
				e.Add("username", "A user with that username already exists.")
			}
		}
		row.Email = auth.NormalizeEmail(row.Email)
		if m := auth.CheckEmail(row.Email); m != "" {
			e.Add("email", m)
		} else if first, dup := emails[strings.ToLower(row.Email)]; dup {
			e.Add("email", fmt.Sprintf("The same email as line %d.", first))
		} else {
			emails[strings.ToLower(row.Email)] = row.Line
			taken, err := s.DB.EmailTaken(ctx, row.Email, 0)
			if err != nil {
				return Report{}, err
			}
			if taken {
				e.Add("email", "A user with that email already exists.")
			}
		}
		checkName(e, "first_name", row.FirstName)
		checkName(e, "last_name", row.LastName)
		switch {
		case row.UserType == "":
			e.Add("user_type", "This field is required.")
		case !auth.ValidRole(row.UserType):
			e.Add("user_type", auth.RoleChoice)
		}
		// Staff may come without a birthdate, as with `eplatform user create`.
		if row.UserType == auth.Student || row.Birthdate != "" {
			if m := auth.CheckBirthdate(row.Birthdate, row.UserType, now); m != "" {
				e.Add("birthdate", m)
			}
		}
		if len(row.Subjects) > 0 && row.UserType != auth.Student && auth.ValidRole(row.UserType) {
			e.Add("subjects", "Only students are enrolled in subjects.")
		}
		for _, code := range row.Subjects {
			k := strings.ToLower(code)
			ok, seen := subjects[k]
			if !seen {
				_, err := s.DB.SubjectByCode(ctx, code)
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					return Report{}, err
				}
				ok = err == nil
				subjects[k] = ok
			}
			if !ok {
				e.Add("subjects", fmt.Sprintf("Unknown subject code %q.", truncate(code, 30)))
			}
		}
	}
	rep := Report{Rows: rows}
	for _, row := range rows {
		if len(row.Errors) > 0 {
			rep.Bad++
		}
	}
	return rep, nil
}

// checkName applies the account's name rule and refuses what a spreadsheet would run
// as a formula: a name is shown in exports and pages, and nobody's name starts so.
func checkName(e form.Errors, field, v string) {
	if m := auth.CheckName(v); m != "" {
		e.Add(field, m)
		return
	}
	if strings.ContainsRune("=+-@", rune(v[0])) {
		e.Add(field, "A name cannot start with = + - or @ (a spreadsheet formula).")
	}
}

// Outcomes of enrolling one line of a list.
const (
	Enrolled        = "enrolled"
	AlreadyEnrolled = "already enrolled"
	Unknown         = "unknown"
	NotStudent      = "not a student"
)

// MaxListLines bounds one enrollment list.
const MaxListLines = MaxRows

// ListLine is the outcome of one line of an enrollment list.
type ListLine struct {
	Entry    string // as written (trimmed)
	Username string // the account it named; "" when unknown
	Outcome  string // Enrolled, AlreadyEnrolled, Unknown or NotStudent
}

// ListResult is what enrolling a list did.
type ListResult struct {
	Subject       store.Subject
	Lines         []ListLine
	Enrolled      int
	StudentsCount int
}

// SplitList splits a list of usernames or emails: one a line, or separated by commas
// or semicolons; blank entries dropped, each entry once (whatever its letter case).
func SplitList(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ';' }) {
		v = strings.TrimSpace(v)
		if k := strings.ToLower(v); v != "" && !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

// EnrollList enrolls the students a list names (usernames or emails) into a subject
// its instructor or an admin manages; a subject the caller may not see is not found,
// one they may see but not manage forbidden. Unknown entries and people who are not
// students are skipped and reported; the rest are enrolled in one transaction.
func (s *Service) EnrollList(ctx context.Context, by store.User, subjectID int64, entries []string) (ListResult, error) {
	if len(entries) == 0 {
		return ListResult{}, problem.Field("users", "Enter at least one username or email.")
	}
	if len(entries) > MaxListLines {
		return ListResult{}, problem.TooLarge(fmt.Sprintf("At most %d people at a time.", MaxListLines))
	}
	var res ListResult
	var enrolled []string // the versions the enrollments move on
	now := s.Now()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		res = ListResult{}
		enrolled = []string{learn.SubjectNamespace(subjectID)}
		subj, err := tx.SubjectByID(ctx, subjectID)
		if err != nil {
			return err
		}
		if !learn.CanSee(by, subj) {
			return store.ErrNotFound
		}
		if !learn.CanManage(by, subj) {
			return problem.ErrForbidden
		}
		res.Subject, res.StudentsCount = subj, subj.StudentsCount
		for _, entry := range entries {
			line := ListLine{Entry: entry, Outcome: Unknown}
			var u store.User
			if strings.Contains(entry, "@") {
				u, err = tx.UserByEmail(ctx, entry)
			} else {
				u, err = tx.UserByUsername(ctx, entry)
			}
			switch {
			case errors.Is(err, store.ErrNotFound):
			case err != nil:
				return err
			case u.UserType != auth.Student:
				line.Username, line.Outcome = u.Username, NotStudent
			default:
				line.Username = u.Username
				outcome, count, err := tx.Enroll(ctx, subjectID, u.ID, now)
				if err != nil {
					return err
				}
				line.Outcome = Enrolled
				if outcome == store.AlreadyEnrolled {
					line.Outcome = AlreadyEnrolled
				} else {
					res.Enrolled++
					enrolled = append(enrolled, learn.ViewerNamespace(subjectID, u.ID))
				}
				res.StudentsCount = count
			}
			res.Lines = append(res.Lines, line)
		}
		return nil
	})
	if err != nil {
		return ListResult{}, err
	}
	learn.Bump(ctx, s.Cache, s.Log, enrolled...)
	res.Subject.StudentsCount = res.StudentsCount
	return res, nil
}
