// Package learn holds the rules of subjects, materials and enrollment (and, later,
// quizzes): who may see, create, edit and enroll; what a valid subject or material is;
// the enrollment notification; and the bounded reads of a subject list and a subject
// page. Both the web and the api packages call it; handlers stay thin.
//
// Visibility, in one place:
//   - a subject is visible to everyone signed in while active; an inactive one only to
//     its instructor and admins (others get ErrNotFound);
//   - a subject is managed (edited, deleted, its materials added, edited, ordered) by
//     its instructor and by admins; instructors create subjects, students do not;
//   - materials are visible and downloadable only to the subject's active students,
//     its instructor and admins; hidden materials only to the last two.
package learn

import (
	"context"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"eplatform/app/auth"
	"eplatform/app/cache"
	"eplatform/app/media"
	"eplatform/app/notify"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// Refusals the learning rules give, each with its kind.
var (
	ErrNotFound    = store.ErrNotFound
	ErrNotEnrolled = problem.Forbidden("Enroll in this subject to see its materials.")
	ErrClosed      = problem.Invalid("This subject is not open for enrollment.")
	ErrOwnSubject  = problem.Invalid("You teach this subject, so you cannot enroll in it.")
	ErrBadOrder    = problem.Field("order", "The order must list every material of the subject exactly once.")
)

// Service implements subjects, materials and enrollment.
type Service struct {
	DB     *store.DB
	Cache  cache.Cache // the versions of kept subject pages (versions.go); nil: none kept
	Notify *notify.Service
	Pub    notify.Publisher // nil: no live events
	Media  media.Store
	Log    *slog.Logger
	Now    func() time.Time
}

// ---- permissions -------------------------------------------------------------------

// CanCreateSubject: instructors and admins.
func CanCreateSubject(u store.User) bool { return auth.IsInstructor(u) }

// CanManage: the subject's instructor (while still an instructor) and admins.
func CanManage(u store.User, s store.Subject) bool {
	if auth.IsAdmin(u) {
		return true
	}
	return auth.IsInstructor(u) && s.Instructor != nil && s.Instructor.ID == u.ID
}

// CanSee: an active subject, or one the viewer manages.
func CanSee(u store.User, s store.Subject) bool { return s.IsActive || CanManage(u, s) }

// CanSeeMaterials: the managers, and active students of an active subject.
func CanSeeMaterials(u store.User, s store.Subject, enrolled bool) bool {
	return CanManage(u, s) || (s.IsActive && enrolled)
}

// CanChooseInstructor: only admins put someone else in charge of a subject.
func CanChooseInstructor(u store.User) bool { return auth.IsAdmin(u) }

// ---- icons -------------------------------------------------------------------------

// DefaultIcon is the icon of a subject that names none (or an unknown one).
const DefaultIcon = "school"

// Icons is the fixed set a subject's icon is chosen from, with labels. The names are
// those of the original's Material icons, so existing data keeps its meaning.
var Icons = []struct{ Name, Label string }{
	{"school", "Graduation cap"},
	{"menu_book", "Book"},
	{"code", "Code"},
	{"functions", "Maths"},
	{"calculate", "Calculator"},
	{"science", "Science"},
	{"biotech", "Biology"},
	{"psychology", "Psychology"},
	{"history_edu", "History"},
	{"language", "Languages"},
	{"analytics", "Analytics"},
	{"bar_chart", "Statistics"},
	{"account_tree", "Algorithms"},
	{"palette", "Art"},
}

// ValidIcon reports whether name is in Icons.
func ValidIcon(name string) bool {
	for _, i := range Icons {
		if i.Name == name {
			return true
		}
	}
	return false
}

// IconOf is a subject's icon for display: its own when known, else DefaultIcon.
func IconOf(name string) string {
	if ValidIcon(name) {
		return name
	}
	return DefaultIcon
}

// ---- URLs --------------------------------------------------------------------------

// reserved are the words after /home/subjects/ that name pages rather than subjects.
var reserved = []string{"my", "new"}

// SubjectURL is a subject's page. Codes are URL-safe by the schema's CHECK; a code
// that spells a reserved page name (/home/subjects/my/, /new/) is written with a
// leading "~" — never part of a code — so such a subject stays reachable.
func SubjectURL(code string) string {
	return "/home/subjects/" + CodeSegment(code) + "/"
}

// CodeSegment is the path segment of a subject code (see SubjectURL).
func CodeSegment(code string) string {
	for _, r := range reserved {
		if strings.EqualFold(code, r) {
			return "~" + code
		}
	}
	return url.PathEscape(code)
}

// CodeFromSegment reverses CodeSegment: "~my" and "my" both name the code "my".
func CodeFromSegment(seg string) string { return strings.TrimPrefix(seg, "~") }

// MaterialURL is a material's page (it records the view).
func MaterialURL(id int64) string { return "/home/materials/" + strconv.FormatInt(id, 10) + "/" }

// ---- live --------------------------------------------------------------------------

func (s *Service) broadcast(ctx context.Context, v any) {
	if s.Pub == nil {
		return
	}
	if err := s.Pub.Broadcast(ctx, v); err != nil && s.Log != nil {
		s.Log.WarnContext(ctx, "live broadcast failed", "err", err)
	}
}

func (s *Service) removeFile(ctx context.Context, rel string) {
	if rel == "" {
		return
	}
	if err := s.Media.Remove(rel); err != nil && s.Log != nil {
		s.Log.WarnContext(ctx, "remove material file", "path", rel, "err", err)
	}
}
