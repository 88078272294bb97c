package coursework

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"eplatform/app/cache"
	"eplatform/app/learn"
	"eplatform/app/media"
	"eplatform/app/notify"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// Service implements hand-ins, grading and the gradebook.
type Service struct {
	DB     *store.DB
	Cache  cache.Cache     // the versions of kept subject pages (subjectpage.go); nil: none kept
	Notify *notify.Service // nil: notifications are stored but not delivered live
	Media  media.Store
	Log    *slog.Logger
	Now    func() time.Time

	keep subjectKeep
}

// Refusals of the coursework rules, each with its kind.
var (
	ErrNotFound    = store.ErrNotFound
	ErrManagers    = problem.Forbidden("You teach this subject: students hand in its assignments, and you grade them.")
	ErrEmpty       = problem.Field("text", "Write your answer or attach a file.")
	ErrGraded      = problem.Conflict("Your hand-in has been graded, so it can no longer be changed.")
	ErrLocked      = problem.Conflict("The due date has passed: your hand-in can no longer be changed.")
	ErrRefusedLate = problem.Conflict("The due date has passed and this assignment does not accept late hand-ins.")
)

// Field limits of a hand-in (the schema's CHECKs).
const (
	MaxText     = 20000
	MaxFeedback = 5000
)

// Statuses of a gradebook cell, a hand-in or a quiz for one student.
const (
	// Assignments.
	NotSubmitted = "not_submitted" // nothing handed in, and the due date (if any) is ahead
	Missing      = "missing"       // nothing handed in, and the due date has passed: counts 0
	Submitted    = "submitted"     // handed in on time, not graded yet
	Late         = "late"          // handed in after the due date, not graded yet
	// Quizzes.
	NotStarted = "not_started" // no attempt
	InProgress = "in_progress" // an attempt is open and none is finished
	Pending    = "pending"     // the counted attempt has answers waiting for a grade
	// Both.
	Graded = "graded"
)

// StatusLabel names a status for people.
func StatusLabel(status string) string {
	switch status {
	case NotSubmitted, NotStarted:
		return "Not started"
	case Missing:
		return "Missing"
	case Submitted:
		return "Submitted"
	case Late:
		return "Late"
	case InProgress:
		return "In progress"
	case Pending:
		return "Waiting for grading"
	case Graded:
		return "Graded"
	}
	return status
}

// URLs.
func SubmissionURL(id int64) string      { return "/home/submissions/" + strconv.FormatInt(id, 10) + "/" }
func HandInsURL(materialID int64) string { return learn.MaterialURL(materialID) + "submissions/" }
func GradebookURL(code string) string    { return learn.SubjectURL(code) + "gradebook/" }

// GradesURL is a student's own grades across their subjects.
const GradesURL = "/home/grades/"

// ---- access ------------------------------------------------------------------------

// Assignment is an assignment opened by a viewer allowed to see it.
type Assignment struct {
	Material store.Material
	Subject  store.Subject
	Manage   bool // the subject's instructor or an admin: sees every hand-in, grades
	Student  bool // an active student of the active subject: hands in
}

// assignment opens an assignment for the viewer: ErrNotFound when it is no assignment
// or they may not see it, learn.ErrNotEnrolled when they only lack the enrollment.
func assignment(ctx context.Context, q *store.Queries, viewer store.User, materialID int64) (Assignment, error) {
	m, err := q.MaterialByID(ctx, materialID)
	if err != nil {
		return Assignment{}, err
	}
	if m.Kind != learn.Assignment {
		return Assignment{}, ErrNotFound
	}
	subj, err := q.SubjectByID(ctx, m.SubjectID)
	if err != nil {
		return Assignment{}, err
	}
	a := Assignment{Material: m, Subject: subj, Manage: learn.CanManage(viewer, subj)}
	if a.Manage {
		return a, nil
	}
	if !learn.CanSee(viewer, subj) || !m.IsActive {
		return Assignment{}, ErrNotFound
	}
	enrolled, err := q.IsEnrolled(ctx, subj.ID, viewer.ID)
	if err != nil {
		return Assignment{}, err
	}
	if !learn.CanSeeMaterials(viewer, subj, enrolled) {
		return Assignment{}, learn.ErrNotEnrolled
	}
	a.Student = true
	return a, nil
}

// managedAssignment opens an assignment its viewer manages (403 for its students).
func managedAssignment(ctx context.Context, q *store.Queries, viewer store.User, materialID int64) (Assignment, error) {
	a, err := assignment(ctx, q, viewer, materialID)
	if err == nil && !a.Manage {
		err = problem.ErrForbidden
	}
	return a, err
}

// handIn opens a hand-in for its student or the subject's managers; to anyone else it
// does not exist (ErrNotFound). Its student is told the real reason they cannot see it
// (no longer enrolled, say).
func handIn(ctx context.Context, q *store.Queries, viewer store.User, id int64) (store.Submission, Assignment, error) {
	x, err := q.SubmissionByID(ctx, id)
	if err != nil {
		return store.Submission{}, Assignment{}, err
	}
	a, err := assignment(ctx, q, viewer, x.MaterialID)
	own := x.StudentID == viewer.ID
	switch {
	case err == nil && (a.Manage || own):
		return x, a, nil
	case own && err != nil:
		return store.Submission{}, Assignment{}, err
	case err != nil && !problem.Is(err, problem.KindNotFound) && !problem.Is(err, problem.KindForbidden):
		return store.Submission{}, Assignment{}, err // the database failed
	}
	return store.Submission{}, Assignment{}, ErrNotFound
}

// subjectFor loads a subject the viewer may see and tells whether they manage it and
// are its active student.
func subjectFor(ctx context.Context, q *store.Queries, viewer store.User, subj store.Subject) (manage, student bool, err error) {
	if !learn.CanSee(viewer, subj) {
		return false, false, ErrNotFound
	}
	if learn.CanManage(viewer, subj) {
		return true, false, nil
	}
	enrolled, err := q.IsEnrolled(ctx, subj.ID, viewer.ID)
	if err != nil {
		return false, false, err
	}
	return false, learn.CanSeeMaterials(viewer, subj, enrolled), nil
}

// removeFile deletes a stored upload the rules no longer use; a failure only wastes
// space, so it is logged.
func (s *Service) removeFile(ctx context.Context, rel string) {
	if rel == "" {
		return
	}
	if err := s.Media.Remove(rel); err != nil && s.Log != nil {
		s.Log.WarnContext(ctx, "remove hand-in file", "path", rel, "err", err)
	}
}

// orNone turns ErrNotFound into a nil submission.
func orNone(x store.Submission, err error) (*store.Submission, error) {
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &x, nil
}
