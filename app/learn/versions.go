package learn

import (
	"context"
	"log/slog"
	"strconv"

	"eplatform/app/cache"
)

// A subject's page is kept between changes (coursework.Service.SubjectPage): what every
// viewer sees of it alike under the subject's version, what it shows of one viewer —
// whether they are enrolled, which materials they opened — under the version of that
// viewer in that subject. The versions live in the shared Cache, so a write on any
// process moves them for every process; every write that changes what they cover moves
// them on right after it commits (a reader that loaded the old rows in between keeps
// them under the old version, which no one asks for again).

// CodesNamespace is the version of which subject each code names: moved by a change of
// a code and by a deletion.
const CodesNamespace = "subject-codes"

// SubjectNamespace is the version of what a subject's page shows every viewer alike:
// the subject and its instructor, its students count, its materials, its quizzes.
// Names and pictures are under auth.PeopleNamespace.
func SubjectNamespace(subjectID int64) string {
	return "subject:" + strconv.FormatInt(subjectID, 10)
}

// ViewerNamespace is the version of what a subject's page shows of one viewer: their
// enrollment and the materials they opened.
func ViewerNamespace(subjectID, userID int64) string {
	return "subject:" + strconv.FormatInt(subjectID, 10) + ":viewer:" + strconv.FormatInt(userID, 10)
}

// Bump moves namespaces on after a committed write. A cache that fails is logged: the
// write stands, and the subject's page may lag until the next write that moves its
// version, or until the data kept in process expires (coursework.keptTTL).
func Bump(ctx context.Context, c cache.Cache, log *slog.Logger, namespaces ...string) {
	if c == nil {
		return
	}
	for _, ns := range namespaces {
		if err := c.Bump(ctx, ns); err != nil && log != nil {
			log.WarnContext(ctx, "move a subject page's version on", "namespace", ns, "err", err)
		}
	}
}

// changed moves the subject's shared version on, and the viewers' own versions.
func (s *Service) changed(ctx context.Context, subjectID int64, viewers ...int64) {
	ns := []string{SubjectNamespace(subjectID)}
	for _, v := range viewers {
		ns = append(ns, ViewerNamespace(subjectID, v))
	}
	Bump(ctx, s.Cache, s.Log, ns...)
}
