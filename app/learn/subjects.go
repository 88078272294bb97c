package learn

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"eplatform/app/audit"
	"eplatform/app/auth"
	"eplatform/app/form"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
)

// Field limits of a subject (the schema's CHECKs).
const (
	MaxSubjectName = 100
	MaxCode        = 20
	MaxDescription = 5000
)

var codeRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// SubjectInput is a subject as submitted. A nil field keeps the current value (PATCH);
// on creation it takes the default.
type SubjectInput struct {
	Name, Code, Description, Icon *string
	IsActive                      *bool
	// InstructorID puts someone in charge (admins only); 0 leaves the subject without
	// an instructor.
	InstructorID *int64
}

// Str is a helper for building inputs: a pointer to s.
func Str(s string) *string { return &s }

// mergeSubject applies in to cur (the current subject, or the defaults) and validates
// the result, returning the fields to store or a problem.Fields naming each bad field.
func (s *Service) mergeSubject(ctx context.Context, viewer store.User, cur store.SubjectUpdate, in SubjectInput) (store.SubjectUpdate, error) {
	errs := form.Errors{}
	out := cur
	if in.Name != nil {
		out.Name = *in.Name
	}
	out.Name = text.Check(errs, "name", out.Name, true, MaxSubjectName)
	if in.Code != nil {
		out.Code = *in.Code
	}
	out.Code = text.Check(errs, "code", out.Code, true, 0)
	if !errs.Has("code") && (text.Len(out.Code) > MaxCode || !codeRE.MatchString(out.Code)) {
		errs.Add("code", "Use 1–20 letters, digits, hyphens or underscores: the code is part of the subject's address.")
	}
	if in.Description != nil {
		out.Description = *in.Description
	}
	out.Description = text.Check(errs, "description", out.Description, false, MaxDescription)
	if in.Icon != nil {
		out.Icon = strings.TrimSpace(*in.Icon)
		if out.Icon == "" {
			out.Icon = DefaultIcon
		}
		if !ValidIcon(out.Icon) {
			errs.Add("icon", "Choose one of the offered icons.")
		}
	}
	if in.IsActive != nil {
		out.IsActive = *in.IsActive
	}
	if in.InstructorID != nil && *in.InstructorID != cur.InstructorID {
		switch id := *in.InstructorID; {
		case !CanChooseInstructor(viewer):
			errs.Add("instructor", "Only an admin can choose the instructor.")
		case id != 0:
			u, err := s.DB.UserByID(ctx, id)
			if errors.Is(err, store.ErrNotFound) || (err == nil && !auth.IsInstructor(u)) {
				errs.Add("instructor", "Choose an active instructor or admin.")
			} else if err != nil {
				return out, err
			}
			out.InstructorID = id
		default:
			out.InstructorID = 0
		}
	}
	if len(errs) > 0 {
		return out, problem.Fields(errs)
	}
	return out, nil
}

// codeConflict turns a taken code into the code field's message.
func codeConflict(err error) error {
	var ce *store.ConflictError
	if errors.As(err, &ce) && strings.Contains(ce.Constraint, "code") {
		return problem.Field("code", "A subject with this code already exists (codes ignore letter case).")
	}
	return err
}

// CreateSubject creates a subject taught by its author, unless an admin puts another
// instructor in charge.
//
// Invalid input is a problem.Fields naming each bad field (a taken code included).
func (s *Service) CreateSubject(ctx context.Context, viewer store.User, in SubjectInput) (store.Subject, error) {
	if !CanCreateSubject(viewer) {
		return store.Subject{}, problem.ErrForbidden
	}
	if in.Name == nil {
		in.Name = Str("")
	}
	if in.Code == nil {
		in.Code = Str("")
	}
	base := store.SubjectUpdate{Icon: DefaultIcon, IsActive: true, InstructorID: viewer.ID}
	fields, err := s.mergeSubject(ctx, viewer, base, in)
	if err != nil {
		return store.Subject{}, err
	}
	var subj store.Subject
	now := s.Now()
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		id, err := tx.InsertSubject(ctx, store.NewSubject{Name: fields.Name, Code: fields.Code, Description: fields.Description,
			Icon: fields.Icon, IsActive: fields.IsActive, InstructorID: fields.InstructorID, CreatedBy: viewer.ID, Now: now})
		if err != nil {
			return err
		}
		subj, err = tx.SubjectByID(ctx, id)
		return err
	})
	if err != nil {
		return store.Subject{}, codeConflict(err)
	}
	return subj, nil
}

// UpdateSubject edits a subject its viewer manages. Renaming the code moves the
// enrollment notifications' links along.
func (s *Service) UpdateSubject(ctx context.Context, viewer store.User, id int64, in SubjectInput) (store.Subject, error) {
	cur, err := s.DB.SubjectByID(ctx, id)
	if err != nil {
		return store.Subject{}, err
	}
	if !CanSee(viewer, cur) {
		return store.Subject{}, ErrNotFound
	}
	if !CanManage(viewer, cur) {
		return store.Subject{}, problem.ErrForbidden
	}
	base := store.SubjectUpdate{Name: cur.Name, Code: cur.Code, Description: cur.Description, Icon: cur.Icon, IsActive: cur.IsActive}
	if cur.Instructor != nil {
		base.InstructorID = cur.Instructor.ID
	}
	fields, err := s.mergeSubject(ctx, viewer, base, in)
	if err != nil {
		return store.Subject{}, err
	}
	var subj store.Subject
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		if err := tx.UpdateSubject(ctx, id, fields, s.Now()); err != nil {
			return err
		}
		if fields.Code != cur.Code {
			if err := tx.RetargetEnrollmentNotifications(ctx, id, SubjectURL(fields.Code)); err != nil {
				return err
			}
		}
		if subj, err = tx.SubjectByID(ctx, id); err != nil {
			return err
		}
		if fields.InstructorID == base.InstructorID {
			return nil
		}
		// A new owner: who manages the subject, its materials and grades changed.
		return audit.Record(ctx, tx, audit.Entry{At: s.Now(), Actor: viewer, Action: audit.SubjectUpdate,
			Target: subjectTarget(subj), Before: instructorOf(cur), After: instructorOf(subj)})
	})
	if err != nil {
		return store.Subject{}, codeConflict(err)
	}
	s.changed(ctx, id)
	if fields.Code != cur.Code {
		Bump(ctx, s.Cache, s.Log, CodesNamespace)
	}
	return subj, nil
}

// DeleteSubject removes a subject with its materials (and their files), students'
// hand-ins (and theirs), enrollments and notifications.
func (s *Service) DeleteSubject(ctx context.Context, viewer store.User, id int64) error {
	var files []string
	var affected []int64
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		cur, err := tx.SubjectByID(ctx, id)
		if err != nil {
			return err
		}
		if !CanSee(viewer, cur) {
			return ErrNotFound
		}
		if !CanManage(viewer, cur) {
			return problem.ErrForbidden
		}
		if files, err = tx.MaterialFilesOfSubject(ctx, id); err != nil {
			return err
		}
		handIns, err := tx.SubmissionFilesOfSubject(ctx, id)
		if err != nil {
			return err
		}
		files = append(files, handIns...)
		if affected, err = tx.UnreadRecipientsOfSubject(ctx, id); err != nil {
			return err
		}
		if err := tx.DeleteSubject(ctx, id); err != nil {
			return err
		}
		before := instructorOf(cur)
		before["name"], before["code"], before["files"] = cur.Name, cur.Code, len(files)
		return audit.Record(ctx, tx, audit.Entry{At: s.Now(), Actor: viewer, Action: audit.SubjectDelete,
			Target: subjectTarget(cur), Before: before})
	})
	if err != nil {
		return err
	}
	s.changed(ctx, id)
	Bump(ctx, s.Cache, s.Log, CodesNamespace)
	for _, f := range files {
		s.removeFile(ctx, f)
	}
	if s.Notify != nil {
		s.Notify.Recount(ctx, affected) // its notifications went with it
	}
	return nil
}

func subjectTarget(subj store.Subject) audit.Target {
	return audit.Target{Kind: audit.KindSubject, ID: subj.ID, Label: subj.Code + " " + subj.Name}
}

// instructorOf is the audit snapshot of a subject's owner.
func instructorOf(subj store.Subject) map[string]any {
	if subj.Instructor == nil {
		return map[string]any{"instructor": nil}
	}
	return map[string]any{"instructor": subj.Instructor.Username, "instructor_id": subj.Instructor.ID}
}

// ListQuery selects subjects for a viewer.
type ListQuery struct {
	Mine          bool   // enrolled in or teaching
	Search        string // an FTS5 query made safe by the caller
	Offset, Limit int
}

// List returns a page of the subjects the viewer may see, with the enrolled flag and
// instructor of each, and the total: two queries whatever the page size.
func (s *Service) List(ctx context.Context, viewer store.User, q ListQuery) ([]store.SubjectRow, int, error) {
	sq := store.SubjectQuery{ViewerID: viewer.ID, All: auth.IsAdmin(viewer), Mine: q.Mine, Search: q.Search,
		Offset: q.Offset, Limit: q.Limit}
	n, err := s.DB.CountSubjects(ctx, sq)
	if err != nil {
		return nil, 0, err
	}
	if n == 0 || q.Offset >= n {
		return nil, n, nil
	}
	rows, err := s.DB.ListSubjects(ctx, sq)
	return rows, n, err
}

// Page is a subject as its viewer sees it.
type Page struct {
	Subject         store.Subject
	Enrolled        bool
	CanManage       bool
	CanSeeMaterials bool
	// Materials in the instructor's order (hidden ones for managers too); nil unless
	// CanSeeMaterials.
	Materials []store.Material
	// Opened holds the viewer's own views (students); Viewers how many people opened
	// each material (managers).
	Opened  map[int64]store.MaterialView
	Viewers map[int64]int
}

// SubjectByCode is the subject page's data: at most four queries.
func (s *Service) SubjectByCode(ctx context.Context, viewer store.User, code string, withMaterials bool) (Page, error) {
	subj, err := s.DB.SubjectByCode(ctx, code)
	if err != nil {
		return Page{}, err
	}
	return s.page(ctx, viewer, subj, withMaterials)
}

// SubjectByID is SubjectByCode by id (the API).
func (s *Service) SubjectByID(ctx context.Context, viewer store.User, id int64, withMaterials bool) (Page, error) {
	subj, err := s.DB.SubjectByID(ctx, id)
	if err != nil {
		return Page{}, err
	}
	return s.page(ctx, viewer, subj, withMaterials)
}

func (s *Service) page(ctx context.Context, viewer store.User, subj store.Subject, withMaterials bool) (Page, error) {
	if !CanSee(viewer, subj) {
		return Page{}, ErrNotFound
	}
	p := Page{Subject: subj, CanManage: CanManage(viewer, subj)}
	var err error
	if p.Enrolled, err = s.DB.IsEnrolled(ctx, subj.ID, viewer.ID); err != nil {
		return Page{}, err
	}
	p.CanSeeMaterials = CanSeeMaterials(viewer, subj, p.Enrolled)
	if !withMaterials || !p.CanSeeMaterials {
		return p, nil
	}
	if p.Materials, err = s.DB.MaterialsOfSubject(ctx, subj.ID, p.CanManage); err != nil {
		return Page{}, err
	}
	if p.Materials == nil {
		p.Materials = []store.Material{}
	}
	if p.CanManage {
		p.Viewers, err = s.DB.MaterialViewers(ctx, subj.ID)
	} else {
		p.Opened, err = s.DB.MaterialViewsOf(ctx, subj.ID, viewer.ID)
	}
	if err != nil {
		return Page{}, err
	}
	return p, nil
}

// EnrollResult is what enrolling did.
type EnrollResult struct {
	Subject       store.Subject
	Outcome       string // store.Enrolled, store.ReEnrolled or store.AlreadyEnrolled
	StudentsCount int
}

// Enroll enrolls the viewer in an active subject (any role may, except its
// instructor), re-enrolling after an unenrollment. The instructor is notified of a
// student's first enrollment only (the schema's unique index keeps it once), live.
func (s *Service) Enroll(ctx context.Context, viewer store.User, subjectID int64) (EnrollResult, error) {
	var res EnrollResult
	var nid int64
	var notified bool
	now := s.Now()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		nid, notified = 0, false
		subj, err := tx.SubjectByID(ctx, subjectID)
		if err != nil {
			return err
		}
		if !CanSee(viewer, subj) {
			return ErrNotFound
		}
		if !subj.IsActive {
			return ErrClosed
		}
		if subj.Instructor != nil && subj.Instructor.ID == viewer.ID {
			return ErrOwnSubject
		}
		res.Subject = subj
		res.Outcome, res.StudentsCount, err = tx.Enroll(ctx, subjectID, viewer.ID, now)
		if err != nil || res.Outcome == store.AlreadyEnrolled || subj.Instructor == nil {
			return err
		}
		nid, notified, err = tx.InsertNotification(ctx, store.NewNotification{
			RecipientID: subj.Instructor.ID, SenderID: viewer.ID, Type: "enrollment", SubjectID: subjectID,
			Text: viewer.Username + " enrolled in " + subj.Name, URL: SubjectURL(subj.Code), Now: now})
		return err
	})
	if err != nil {
		return EnrollResult{}, err
	}
	res.Subject.StudentsCount = res.StudentsCount
	if res.Outcome != store.AlreadyEnrolled {
		s.changed(ctx, subjectID, viewer.ID)
	}
	if notified && s.Notify != nil {
		s.Notify.Deliver(ctx, []int64{nid}, []int64{res.Subject.Instructor.ID})
	}
	if res.Outcome != store.AlreadyEnrolled {
		s.broadcast(ctx, map[string]any{"type": "subject_stats", "subject_id": subjectID, "students_count": res.StudentsCount})
	}
	return res, nil
}

// Unenroll ends the viewer's enrollment (a soft delete: enrolling again reactivates
// it). changed is false when they were not enrolled.
func (s *Service) Unenroll(ctx context.Context, viewer store.User, subjectID int64) (subj store.Subject, changed bool, err error) {
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		subj, err = tx.SubjectByID(ctx, subjectID)
		if err != nil {
			return err
		}
		if !CanSee(viewer, subj) {
			// A student may still leave a subject that was closed after they joined.
			if ok, err := tx.IsEnrolled(ctx, subjectID, viewer.ID); err != nil || !ok {
				if err == nil {
					err = ErrNotFound
				}
				return err
			}
		}
		changed, subj.StudentsCount, err = tx.Unenroll(ctx, subjectID, viewer.ID, s.Now())
		return err
	})
	if err != nil {
		return store.Subject{}, false, err
	}
	if changed {
		s.changed(ctx, subjectID, viewer.ID)
		s.broadcast(ctx, map[string]any{"type": "subject_stats", "subject_id": subjectID, "students_count": subj.StudentsCount})
	}
	return subj, changed, nil
}

// Teachers are who an admin may put in charge of a subject.
func (s *Service) Teachers(ctx context.Context) ([]store.UserMini, error) {
	return s.DB.Teachers(ctx, 500)
}
