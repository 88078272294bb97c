package store

import (
	"eplatform/app/problem"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNotFound is returned when a row the caller asked for does not exist. It is the
// domain's 404 as it is: callers that hide a row the viewer may not see return it too.
var ErrNotFound = problem.NotFound("Not found.")

// ErrConflict is returned when a write breaks a UNIQUE or PRIMARY KEY constraint.
var ErrConflict = errors.New("store: conflict")

// ConflictError names the constraint that a write broke, e.g. "users.email", so the
// caller can tell the user which field is taken.
type ConflictError struct {
	Constraint string
	err        error
}

func (e *ConflictError) Error() string { return "store: conflict on " + e.Constraint }

// Is makes errors.Is(err, ErrConflict) true for every ConflictError.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

func (e *ConflictError) Unwrap() error { return e.err }

// translate maps driver errors to the package's typed errors.
func translate(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return translatePg(err, pe)
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		// The message reads "... UNIQUE constraint failed: users.email (2067)".
		msg := se.Error()
		constraint := ""
		if i := strings.LastIndex(msg, "failed: "); i >= 0 {
			constraint = msg[i+len("failed: "):]
			if j := strings.Index(constraint, " ("); j >= 0 {
				constraint = constraint[:j]
			}
		}
		return &ConflictError{Constraint: constraint, err: err}
	}
	return err
}

// isBusy reports whether err is SQLITE_BUSY or SQLITE_LOCKED in any variant.
func isBusy(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	primary := se.Code() & 0xff
	return primary == sqlite3.SQLITE_BUSY || primary == sqlite3.SQLITE_LOCKED
}

func wrapf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, translate(err))...)
}
