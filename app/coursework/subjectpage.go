package coursework

import (
	"context"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"eplatform/app/auth"
	"eplatform/app/cache"
	"eplatform/app/learn"
	"eplatform/app/store"
)

// A subject's page is read from three parts kept in this process under versions kept in
// the shared Cache (learn/versions.go), so nothing kept is ever stale, only unused, and
// a write on any process is seen by the next read on every process:
//
//   - which subject a code names, under learn.CodesNamespace;
//   - what every viewer sees alike — the subject, its instructor and students count,
//     its materials, its quizzes and assignments as columns — under the subject's
//     version and the people version (names, pictures, deleted accounts), loaded once
//     however many ask at once;
//   - what it shows of the viewer — enrolled or not, the materials they opened — under
//     their version in the subject.
//
// What changes without a write to the subject — a student's attempts and hand-ins, the
// class's figures and who opened what for its managers — is read per request with
// indexed queries: two for a student (none while the subject has no quizzes or
// assignments), four for a manager, none for anyone else.

// SubjectPage is a subject's page as one viewer sees it: the subject with its
// materials, and its quizzes and assignments (Overview).
type SubjectPage struct {
	learn.Page
	Overview Overview
	// Version names what the page shows every viewer alike ("" when nothing is kept):
	// kept renderings of it carry it in their keys.
	Version string
}

// keptTTL bounds how long a kept part is used: versions are moved by every write, so
// this only matters if moving one failed (the cache was unreachable at that moment).
const keptTTL = 10 * time.Minute

type sharedSubject struct {
	subject   store.Subject
	materials []store.Material // every one, hidden ones too, in the instructor's order
	columns   []Column         // the active quizzes and visible assignments
}

type viewerMarks struct {
	enrolled bool
	opened   map[int64]store.MaterialView // nil unless enrolled
}

type subjectKeep struct {
	once    sync.Once
	err     error
	ids     *cache.Local[int64]
	shared  *cache.Local[*sharedSubject]
	viewers *cache.Local[viewerMarks]
	flight  singleflight.Group
}

func (s *Service) kept() (*subjectKeep, error) {
	k := &s.keep
	k.once.Do(func() {
		if k.ids, k.err = cache.NewLocal[int64](1<<20, 64); k.err != nil {
			return
		}
		if k.shared, k.err = cache.NewLocal[*sharedSubject](8<<20, 8<<10); k.err != nil {
			return
		}
		k.viewers, k.err = cache.NewLocal[viewerMarks](4<<20, 256)
	})
	return k, k.err
}

// SubjectPage returns the subject with that code as the viewer's page shows it;
// ErrNotFound when there is none or the viewer may not see it.
func (s *Service) SubjectPage(ctx context.Context, viewer store.User, code string) (SubjectPage, error) {
	sh, version, err := s.sharedSubject(ctx, code)
	if err != nil {
		return SubjectPage{}, err
	}
	subj := sh.subject
	if !learn.CanSee(viewer, subj) {
		return SubjectPage{}, ErrNotFound
	}
	mine, err := s.viewerMarks(ctx, subj.ID, viewer.ID)
	if err != nil {
		return SubjectPage{}, err
	}
	p := learn.Page{Subject: subj, Enrolled: mine.enrolled, CanManage: learn.CanManage(viewer, subj)}
	p.CanSeeMaterials = learn.CanSeeMaterials(viewer, subj, p.Enrolled)
	out := SubjectPage{Version: version}
	if !p.CanSeeMaterials {
		out.Page = p
		return out, nil
	}
	p.Materials = make([]store.Material, 0, len(sh.materials))
	for _, m := range sh.materials {
		if m.IsActive || p.CanManage {
			p.Materials = append(p.Materials, m)
		}
	}
	if p.CanManage {
		if p.Viewers, err = s.DB.MaterialViewers(ctx, subj.ID); err != nil {
			return SubjectPage{}, err
		}
		var students []store.UserMini
		if len(sh.columns) > 0 {
			if students, err = s.DB.Roster(ctx, subj.ID); err != nil {
				return SubjectPage{}, err
			}
		}
		g, err := s.grade(ctx, subj, sh.columns, students, 0)
		if err != nil {
			return SubjectPage{}, err
		}
		out.Overview = Overview{Manage: true, Columns: g.Columns}
	} else {
		p.Opened = mine.opened
		g, err := s.grade(ctx, subj, sh.columns, []store.UserMini{mini(viewer)}, viewer.ID)
		if err != nil {
			return SubjectPage{}, err
		}
		out.Overview = Overview{Student: true, Columns: g.Columns, Row: &g.Rows[0]}
	}
	out.Page = p
	return out, nil
}

// sharedSubject returns what the page of the subject with code shows every viewer, and
// the versions it was kept under.
func (s *Service) sharedSubject(ctx context.Context, code string) (*sharedSubject, string, error) {
	// Without the versions (no cache, or it failed) the page comes from the database:
	// the cache is never the truth.
	direct := func() (*sharedSubject, string, error) {
		subj, err := s.DB.SubjectByCode(ctx, code)
		if err != nil {
			return nil, "", err
		}
		sh, err := s.loadShared(ctx, subj.ID)
		return sh, "", err
	}
	k, err := s.kept()
	if err != nil || s.Cache == nil {
		return direct()
	}
	codes, err := s.Cache.Version(ctx, learn.CodesNamespace)
	if err != nil {
		return direct()
	}
	// The code as asked (not folded: SQLite folds ASCII letters only), under the version
	// that edits and deletions of subjects move on.
	idKey := strconv.FormatUint(codes, 10) + ":" + code
	id, ok := k.ids.Get(idKey)
	if !ok {
		subj, err := s.DB.SubjectByCode(store.PrimaryReads(ctx), code) // an unknown code is not kept: a new subject may take it
		if err != nil {
			return nil, "", err
		}
		id = subj.ID
		k.ids.Set(idKey, id, int64(len(idKey)+32), keptTTL)
	}
	version, err := s.Cache.Version(ctx, learn.SubjectNamespace(id))
	if err != nil {
		return direct()
	}
	people, err := s.Cache.Version(ctx, auth.PeopleNamespace)
	if err != nil {
		return direct()
	}
	key := strconv.FormatInt(id, 10) + "." + strconv.FormatUint(version, 10) + "." + strconv.FormatUint(people, 10)
	if sh, ok := k.shared.Get(key); ok {
		return sh, key, nil
	}
	v, err, _ := k.flight.Do(key, func() (any, error) {
		if sh, ok := k.shared.Get(key); ok { // another request loaded it meanwhile
			return sh, nil
		}
		// The load is shared: one caller leaving must not fail the others.
		sh, err := s.loadShared(store.PrimaryReads(context.WithoutCancel(ctx)), id) // kept: from the primary
		if err != nil {
			return nil, err
		}
		k.shared.Set(key, sh, sh.cost(), keptTTL)
		return sh, nil
	})
	if err != nil {
		return nil, "", err
	}
	return v.(*sharedSubject), key, nil
}

// loadShared reads what every viewer of a subject's page sees: three queries.
func (s *Service) loadShared(ctx context.Context, id int64) (*sharedSubject, error) {
	subj, err := s.DB.SubjectByID(ctx, id)
	if err != nil {
		return nil, err
	}
	materials, err := s.DB.MaterialsOfSubject(ctx, id, true)
	if err != nil {
		return nil, err
	}
	quizzes, err := s.DB.QuizzesOfSubject(ctx, id)
	if err != nil {
		return nil, err
	}
	return &sharedSubject{subject: subj, materials: materials, columns: columns(quizzes, materials)}, nil
}

func (sh *sharedSubject) cost() int64 {
	n := 512 + len(sh.subject.Name) + len(sh.subject.Description) + 160*len(sh.columns)
	for _, m := range sh.materials {
		n += 256 + len(m.Title) + len(m.Description) + len(m.ExternalURL)
	}
	return int64(n)
}

// viewerMarks returns what a subject's page shows of the viewer: whether they are
// enrolled and, if so, the materials they opened.
func (s *Service) viewerMarks(ctx context.Context, subjectID, userID int64) (viewerMarks, error) {
	load := func() (viewerMarks, error) {
		var m viewerMarks
		var err error
		if m.enrolled, err = s.DB.IsEnrolled(ctx, subjectID, userID); err != nil || !m.enrolled {
			return m, err
		}
		m.opened, err = s.DB.MaterialViewsOf(ctx, subjectID, userID)
		return m, err
	}
	k, err := s.kept()
	if err != nil || s.Cache == nil {
		return load()
	}
	v, err := s.Cache.Version(ctx, learn.ViewerNamespace(subjectID, userID))
	if err != nil {
		return load()
	}
	key := strconv.FormatInt(subjectID, 10) + ":" + strconv.FormatInt(userID, 10) + ":" + strconv.FormatUint(v, 10)
	if m, ok := k.viewers.Get(key); ok {
		return m, nil
	}
	// What is kept is read from the primary: a lagging replica must not be kept under
	// the new version (store.PrimaryReads; nothing on SQLite).
	ctx = store.PrimaryReads(ctx)
	m, err := load()
	if err == nil {
		k.viewers.Set(key, m, int64(96+len(key)+48*len(m.opened)), keptTTL)
	}
	return m, err
}
