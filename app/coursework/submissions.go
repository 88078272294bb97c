package coursework

import (
	"context"
	"strconv"
	"time"

	"eplatform/app/audit"
	"eplatform/app/learn"
	"eplatform/app/media"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
)

// Window says whether the viewer may hand an assignment in now.
type Window struct {
	Open bool // a hand-in (or a new version of one) is taken now
	Late bool // it would be marked late
	// Refusal is why not, when !Open (nil when Open).
	Refusal *problem.Error
}

// window applies the hand-in rules (see the package doc) to a student's current
// hand-in (nil: none yet) at now.
func window(a Assignment, cur *store.Submission, now time.Time) Window {
	switch {
	case a.Manage:
		return Window{Refusal: ErrManagers}
	case !a.Student:
		return Window{Refusal: learn.ErrNotEnrolled}
	case cur != nil && cur.Marks != nil:
		return Window{Refusal: ErrGraded}
	}
	due := a.Material.DueAt
	if due.IsZero() || !now.After(due) {
		return Window{Open: true}
	}
	switch {
	case cur != nil:
		return Window{Refusal: ErrLocked}
	case a.Material.LatePolicy == learn.LateRefuse:
		return Window{Refusal: ErrRefusedLate}
	}
	return Window{Open: true, Late: true}
}

// HandInStatus is the status of a student's hand-in (nil: none) at now.
func HandInStatus(m store.Material, x *store.Submission, now time.Time) string {
	switch {
	case x == nil && !m.DueAt.IsZero() && now.After(m.DueAt):
		return Missing
	case x == nil:
		return NotSubmitted
	case x.Marks != nil:
		return Graded
	case x.IsLate:
		return Late
	}
	return Submitted
}

// Desk is an assignment as its viewer sees it on its page: for a student their own
// hand-in and whether they may hand in now; for its managers the class's counts.
type Desk struct {
	Assignment
	Mine   *store.Submission // students: their hand-in, nil when none
	Status string            // students: HandInStatus
	Window Window
	Counts Counts // managers
}

// Desk returns an assignment's hand-in side for the viewer (see Desk).
func (s *Service) Desk(ctx context.Context, viewer store.User, materialID int64) (Desk, error) {
	a, err := assignment(ctx, s.DB.Queries, viewer, materialID)
	if err != nil {
		return Desk{}, err
	}
	d := Desk{Assignment: a}
	now := s.Now()
	if a.Manage {
		r, err := s.roster(ctx, a, now)
		if err != nil {
			return Desk{}, err
		}
		d.Counts = r.Counts
		d.Window = window(a, nil, now)
		return d, nil
	}
	if d.Mine, err = orNone(s.DB.SubmissionOf(ctx, materialID, viewer.ID)); err != nil {
		return Desk{}, err
	}
	d.Status = HandInStatus(a.Material, d.Mine, now)
	d.Window = window(a, d.Mine, now)
	return d, nil
}

// SubmitInput is a hand-in as submitted.
type SubmitInput struct {
	Text string
	// File is a new upload, already stored (media.ReadSubmissionForm / SaveSubmission);
	// the service keeps it or removes it.
	File *media.MaterialFile
	// RemoveFile drops the current file when handing in again without a new one.
	RemoveFile bool
}

// SubmitResult is what handing in did.
type SubmitResult struct {
	Submission store.Submission
	Created    bool // the first hand-in; otherwise a new version replaced the last
}

// Submit hands an assignment in for the viewer, or hands it in again (see the package
// doc for when). A new file replaces the current one, which is removed after the
// commit; without a new file the current one stays unless in.RemoveFile. Text and
// file may not both be empty.
func (s *Service) Submit(ctx context.Context, viewer store.User, materialID int64, in SubmitInput) (SubmitResult, error) {
	keep := false
	defer func() {
		if !keep && in.File != nil {
			s.removeFile(ctx, in.File.Path)
		}
	}()
	body, badText := text.Field(in.Text, false, MaxText)
	var res SubmitResult
	var dropped string
	now := s.Now()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		res, dropped = SubmitResult{}, ""
		a, err := assignment(ctx, tx, viewer, materialID)
		if err != nil {
			return err
		}
		cur, err := orNone(tx.SubmissionOf(ctx, materialID, viewer.ID))
		if err != nil {
			return err
		}
		w := window(a, cur, now)
		if !w.Open {
			return w.Refusal
		}
		// Told only to who may hand in.
		if badText != "" {
			return problem.Field("text", badText)
		}
		if in.File != nil && in.File.Class != media.Document {
			return problem.Field("file", "Hand in "+media.SubmissionTypesHelp+".")
		}
		var file *store.Media
		switch {
		case in.File != nil:
			file = &store.Media{Kind: media.Document, Path: in.File.Path, Name: in.File.Name, Size: in.File.Size,
				ContentType: in.File.ContentType}
		case cur != nil && !in.RemoveFile:
			file = cur.File
		}
		if file == nil && body == "" {
			return ErrEmpty
		}
		f := store.SubmissionFields{Text: body, File: file, IsLate: w.Late}
		id := int64(0)
		if cur == nil {
			if id, err = tx.InsertSubmission(ctx, materialID, viewer.ID, f, now); err != nil {
				return err
			}
			res.Created = true
		} else {
			id = cur.ID
			if err := tx.ReplaceSubmission(ctx, id, f, now); err != nil {
				return err
			}
			if cur.File != nil && (file == nil || file.Path != cur.File.Path) {
				dropped = cur.File.Path
			}
		}
		res.Submission, err = tx.SubmissionByID(ctx, id)
		return err
	})
	if err != nil {
		return SubmitResult{}, err
	}
	keep = true
	s.removeFile(ctx, dropped)
	return res, nil
}

// Detail is a hand-in as its page shows it.
type Detail struct {
	Assignment
	Submission store.Submission
	Student    store.UserMini
	Status     string
	// History lists every grade given, newest first (managers only; nil for the student).
	History []store.SubmissionGrade
}

// Submission returns a hand-in for its student or the subject's managers.
func (s *Service) Submission(ctx context.Context, viewer store.User, id int64) (Detail, error) {
	x, a, err := handIn(ctx, s.DB.Queries, viewer, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Assignment: a, Submission: x, Status: HandInStatus(a.Material, &x, s.Now())}
	student, err := s.DB.UserByID(ctx, x.StudentID)
	if err != nil {
		return Detail{}, err
	}
	d.Student = store.UserMini{ID: student.ID, Username: student.Username, FirstName: student.FirstName,
		LastName: student.LastName, UserType: student.UserType, ProfilePicture: student.ProfilePicture}
	if a.Manage {
		if d.History, err = s.DB.GradesOfSubmission(ctx, id); err != nil {
			return Detail{}, err
		}
		if d.History == nil {
			d.History = []store.SubmissionGrade{}
		}
	}
	return d, nil
}

// File returns a hand-in with a file, for its student or the subject's managers;
// ErrNotFound when it has no file.
func (s *Service) File(ctx context.Context, viewer store.User, id int64) (store.Submission, error) {
	x, _, err := handIn(ctx, s.DB.Queries, viewer, id)
	if err == nil && x.File == nil {
		err = ErrNotFound
	}
	return x, err
}

// GradeInput is a grade as entered.
type GradeInput struct {
	Marks    *int // required: nil is the marks field's error, never 0
	Feedback string
}

// Grade sets a hand-in's marks (0 to the assignment's maximum) and feedback; a regrade
// replaces the current grade and both stay in the history. The student is notified,
// live: one notification per hand-in, made unread again by a regrade.
func (s *Service) Grade(ctx context.Context, viewer store.User, id int64, in GradeInput) (store.Submission, error) {
	feedback, badFeedback := text.Field(in.Feedback, false, MaxFeedback)
	var x store.Submission
	var nid int64
	now := s.Now()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		nid = 0
		cur, a, err := handIn(ctx, tx, viewer, id)
		if err != nil {
			return err
		}
		if !a.Manage {
			return problem.ErrForbidden
		}
		top := a.Material.MaxMarks
		switch {
		case in.Marks == nil:
			return problem.Field("marks", "Enter the marks, from 0 to "+strconv.Itoa(top)+".")
		case *in.Marks < 0 || *in.Marks > top:
			return problem.Field("marks", "Marks must be a whole number from 0 to "+strconv.Itoa(top)+".")
		case badFeedback != "":
			return problem.Field("feedback", badFeedback)
		}
		if err := tx.GradeSubmission(ctx, id, *in.Marks, top, feedback, viewer.ID, now); err != nil {
			return err
		}
		if cur.StudentID != viewer.ID {
			verb := "graded"
			if cur.Marks != nil {
				verb = "regraded"
			}
			// A title has at most 200 characters: the text stays within the column's 1000.
			msg := "Your hand-in for “" + a.Material.Title + "” was " + verb + ": " + strconv.Itoa(*in.Marks) + "/" + strconv.Itoa(top)
			if nid, err = tx.UpsertSubmissionNotification(ctx, id, store.NewNotification{RecipientID: cur.StudentID,
				SenderID: viewer.ID, Text: msg, URL: learn.MaterialURL(a.Material.ID), Now: now}); err != nil {
				return err
			}
		}
		if x, err = tx.SubmissionByID(ctx, id); err != nil {
			return err
		}
		student, err := tx.UserByID(ctx, cur.StudentID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, Actor: viewer, Action: audit.SubmissionGrade,
			Target: audit.Target{Kind: audit.KindSubmission, ID: id, Label: a.Material.Title + " · " + student.Username},
			Before: gradeSnapshot(cur, top), After: gradeSnapshot(x, top)})
	})
	if err != nil {
		return store.Submission{}, err
	}
	if nid != 0 && s.Notify != nil {
		s.Notify.Deliver(ctx, []int64{nid}, []int64{x.StudentID})
	}
	return x, nil
}

// gradeSnapshot is the audit snapshot of a hand-in's grade (marks nil: not graded).
func gradeSnapshot(x store.Submission, top int) map[string]any {
	return map[string]any{"marks": x.Marks, "max_marks": top, "feedback": x.Feedback}
}

// ---- the instructor's view ---------------------------------------------------------

// Counts are an assignment's hand-ins among its enrolled students.
type Counts struct {
	Students  int // actively enrolled
	Submitted int // handed in (late ones too), by enrolled students
	Late      int // of those, after the due date
	Graded    int
	ToGrade   int // handed in, not graded yet
	Missing   int // enrolled, nothing handed in, the due date passed
	Waiting   int // enrolled, nothing handed in, the due date ahead (or none)
}

// RosterRow is one student of an assignment's roster.
type RosterRow struct {
	Student    store.UserMini
	Submission *store.Submission // nil: nothing handed in
	Status     string
	// Enrolled is false for a hand-in by someone who has since left the subject: it
	// stays visible and gradable, but is not counted.
	Enrolled bool
}

// Roster is an assignment's hand-ins, one row per enrolled student (and per former
// student who handed in), by name.
type Roster struct {
	Assignment
	Rows   []RosterRow
	Counts Counts
}

// HandIns lists an assignment's hand-ins for its managers.
func (s *Service) HandIns(ctx context.Context, viewer store.User, materialID int64) (Roster, error) {
	a, err := managedAssignment(ctx, s.DB.Queries, viewer, materialID)
	if err != nil {
		return Roster{}, err
	}
	return s.roster(ctx, a, s.Now())
}

func (s *Service) roster(ctx context.Context, a Assignment, now time.Time) (Roster, error) {
	students, err := s.DB.Roster(ctx, a.Subject.ID)
	if err != nil {
		return Roster{}, err
	}
	subs, err := s.DB.SubmissionsOfMaterial(ctx, a.Material.ID)
	if err != nil {
		return Roster{}, err
	}
	by := make(map[int64]*store.Submission, len(subs))
	for i := range subs {
		by[subs[i].StudentID] = &subs[i]
	}
	r := Roster{Assignment: a, Counts: Counts{Students: len(students)}}
	enrolled := make(map[int64]bool, len(students))
	for _, u := range students {
		enrolled[u.ID] = true
		x := by[u.ID]
		row := RosterRow{Student: u, Submission: x, Status: HandInStatus(a.Material, x, now), Enrolled: true}
		switch row.Status {
		case Missing:
			r.Counts.Missing++
		case NotSubmitted:
			r.Counts.Waiting++
		case Graded:
			r.Counts.Submitted++
			r.Counts.Graded++
		case Late:
			r.Counts.Submitted++
			r.Counts.ToGrade++
		case Submitted:
			r.Counts.Submitted++
			r.Counts.ToGrade++
		}
		if x != nil && x.IsLate {
			r.Counts.Late++
		}
		r.Rows = append(r.Rows, row)
	}
	for i := range subs {
		if x := &subs[i]; !enrolled[x.StudentID] {
			r.Rows = append(r.Rows, RosterRow{Student: x.Student, Submission: x, Status: HandInStatus(a.Material, x, now)})
		}
	}
	return r, nil
}

// Files returns an assignment's hand-ins for its managers, for a download of them all.
func (s *Service) Files(ctx context.Context, viewer store.User, materialID int64) (Assignment, []store.Submission, error) {
	a, err := managedAssignment(ctx, s.DB.Queries, viewer, materialID)
	if err != nil {
		return Assignment{}, nil, err
	}
	subs, err := s.DB.SubmissionsOfMaterial(ctx, materialID)
	return a, subs, err
}
