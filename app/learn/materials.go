package learn

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"eplatform/app/form"
	"eplatform/app/media"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
)

// Material kinds.
const (
	Document   = "document"
	Video      = "video"
	Link       = "link"
	Assignment = "assignment"
)

// Kinds lists the material kinds with their labels, in the order forms offer them.
var Kinds = []struct{ Name, Label string }{
	{Document, "Document"},
	{Video, "Video"},
	{Link, "External link"},
	{Assignment, "Assignment"},
}

// Field limits of a material.
const (
	MaxTitle = 200
	MaxURL   = 2000
)

// MaterialInput is a material as submitted. A nil field keeps the current value
// (PATCH); on creation it takes the default ("" / none, visible).
type MaterialInput struct {
	Kind, Title, Description *string
	// ExternalURL: "" removes it.
	ExternalURL *string
	// Due is a date and time: RFC 3339, or "YYYY-MM-DDTHH:MM" / "YYYY-MM-DD" taken as
	// UTC (a bare date means the end of that day); "" removes it.
	Due      *string
	IsActive *bool
	// File is a new upload, already stored (media.ReadMaterialForm); the service keeps
	// it or removes it. RemoveFile drops the current file.
	File       *media.MaterialFile
	RemoveFile bool
	// Assignments only (other kinds keep the defaults): the marks a hand-in is graded
	// out of (1–1000, default 100), and what happens to a hand-in after the due date:
	// LateAccept (taken, marked late; the default) or LateRefuse.
	MaxMarks   *int
	LatePolicy *string
}

// Late policies of an assignment (MaterialInput.LatePolicy).
const (
	LateAccept = "accept"
	LateRefuse = "refuse"
)

// Limits of an assignment's maximum mark; DefaultMaxMarks is a new assignment's.
const (
	MaxMaxMarks     = 1000
	DefaultMaxMarks = 100
)

// ParseDue reads a due date (see MaterialInput.Due).
func ParseDue(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.Add(24*time.Hour - time.Minute), true
	}
	return time.Time{}, false
}

// checkURL accepts an absolute http(s) URL with a host (s is already trimmed and
// free of control characters).
func checkURL(s string) (string, string) {
	if text.Len(s) > MaxURL {
		return "", "Ensure the address has no more than 2000 characters."
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(s, " \t\r\n") {
		return "", "Enter a full web address starting with http:// or https://."
	}
	// The schema checks the lower-case prefix.
	return strings.ToLower(u.Scheme) + s[len(u.Scheme):], ""
}

// ValidKind reports whether kind is one of Kinds.
func ValidKind(kind string) bool {
	return slices.ContainsFunc(Kinds, func(k struct{ Name, Label string }) bool { return k.Name == kind })
}

// mergeMaterial applies in to cur and validates the result. It reports which stored
// file the result no longer uses (to remove after the commit), and the fields' errors.
func (s *Service) mergeMaterial(cur store.MaterialFields, in MaterialInput, creating bool) (store.MaterialFields, string, form.Errors) {
	errs := form.Errors{}
	out := cur
	if in.Kind != nil {
		out.Kind = strings.TrimSpace(*in.Kind)
	}
	if !ValidKind(out.Kind) {
		errs.Add("type", "Choose document, video, link or assignment.")
	}
	if in.Title != nil {
		out.Title = *in.Title
	}
	out.Title = text.Check(errs, "title", out.Title, true, MaxTitle)
	if in.Description != nil {
		out.Description = *in.Description
	}
	out.Description = text.Check(errs, "description", out.Description, false, MaxDescription)
	if in.IsActive != nil {
		out.IsActive = *in.IsActive
	}

	urlGiven := false
	if in.ExternalURL != nil {
		out.ExternalURL = ""
		if v := text.Check(errs, "external_url", *in.ExternalURL, false, 0); v != "" && !errs.Has("external_url") {
			u, msg := checkURL(v)
			if msg != "" {
				errs.Add("external_url", msg)
			}
			out.ExternalURL, urlGiven = u, true
		}
	}
	if in.Due != nil {
		// A date, not text: the parser refuses anything else, control characters too.
		v := strings.TrimSpace(*in.Due)
		if v == "" {
			out.DueAt = time.Time{}
		} else if t, ok := ParseDue(v); !ok {
			errs.Add("due_at", "Enter a valid date and time, e.g. 2026-12-01T17:00 (UTC) or 2026-12-01T17:00:00Z.")
		} else if t.Year() < 2000 || t.Year() > 2100 {
			errs.Add("due_at", "Enter a due date between the years 2000 and 2100.")
		} else {
			t = t.Truncate(time.Minute)
			if (creating || !t.Equal(cur.DueAt)) && t.Before(s.Now()) {
				errs.Add("due_at", "The due date is in the past.")
			}
			out.DueAt = t
		}
	}

	// The file: a new upload replaces the current one; a kind without files drops it.
	var dropped string
	old := cur.File
	if in.File != nil {
		out.File = &store.Media{Kind: in.File.Class, Path: in.File.Path, Name: in.File.Name, Size: in.File.Size, ContentType: in.File.ContentType}
	} else if in.RemoveFile {
		out.File = nil
	}
	switch out.Kind {
	case Document:
		switch {
		case out.File == nil:
			errs.Add("file", "Upload the document: "+documentHelp+".")
		case out.File.Kind != media.Document:
			errs.Add("file", "A document must be "+documentHelp+"; upload videos as a video material.")
		}
		if out.ExternalURL != "" {
			if urlGiven {
				errs.Add("external_url", "A document is an uploaded file; add web addresses as a link material.")
			} else {
				out.ExternalURL = ""
			}
		}
	case Video:
		switch {
		case in.File != nil:
			if in.File.Class != media.Video {
				errs.Add("file", "A video must be an MP4, WebM, Ogg or MOV file up to 200 MB.")
			}
			if urlGiven {
				errs.Add("external_url", "Give either a video file or a video link, not both.")
			}
			out.ExternalURL = ""
		case urlGiven:
			out.File = nil // a link replaces the uploaded file
		case out.File != nil && out.File.Kind != media.Video:
			errs.Add("file", "A video must be an MP4, WebM, Ogg or MOV file up to 200 MB.")
		}
		if out.File == nil && out.ExternalURL == "" {
			errs.Add("file", "Upload a video file or give a link to it.")
		}
	case Link:
		if in.File != nil {
			errs.Add("file", "A link has no file; choose document or video to upload one.")
		}
		out.File = nil
		if out.ExternalURL == "" && !errs.Has("external_url") {
			errs.Add("external_url", "Enter the web address of the link.")
		}
	case Assignment:
		if out.File != nil && out.File.Kind != media.Document {
			errs.Add("file", "An assignment's file must be "+documentHelp+".")
		}
	}
	if in.MaxMarks != nil {
		out.MaxMarks = *in.MaxMarks
	}
	if in.LatePolicy != nil {
		out.LatePolicy = strings.TrimSpace(*in.LatePolicy)
	}
	if out.Kind == Assignment {
		if out.MaxMarks < 1 || out.MaxMarks > MaxMaxMarks {
			errs.Add("max_marks", "Enter a maximum mark between 1 and 1000.")
		}
		if out.LatePolicy != LateAccept && out.LatePolicy != LateRefuse {
			errs.Add("late_policy", "Choose accept or refuse.")
		}
	} else {
		// The form sends these for every kind; they mean nothing for the others.
		out.MaxMarks, out.LatePolicy = DefaultMaxMarks, LateAccept
	}
	if !out.DueAt.IsZero() && out.Kind != Assignment {
		if in.Due != nil {
			errs.Add("due_at", "Only assignments have a due date.")
		} else {
			out.DueAt = time.Time{}
		}
	}
	if old != nil && (out.File == nil || out.File.Path != old.Path) {
		dropped = old.Path
	}
	return out, dropped, errs
}

const documentHelp = "a PDF, Word, Excel, PowerPoint, OpenDocument, Markdown, text, CSV, TeX or ZIP file up to 25 MB"

// managed loads a subject the viewer manages: ErrNotFound when they may not see it,
// problem.ErrForbidden when they may see but not manage it.
func managed(ctx context.Context, q *store.Queries, viewer store.User, subjectID int64) (store.Subject, error) {
	subj, err := q.SubjectByID(ctx, subjectID)
	if err != nil {
		return store.Subject{}, err
	}
	if !CanSee(viewer, subj) {
		return store.Subject{}, ErrNotFound
	}
	if !CanManage(viewer, subj) {
		return store.Subject{}, problem.ErrForbidden
	}
	return subj, nil
}

// AddMaterial adds a material at the end of a subject's list. An upload in in.File is
// kept only if the material is stored. Invalid input is a problem.Fields.
func (s *Service) AddMaterial(ctx context.Context, viewer store.User, subjectID int64, in MaterialInput) (store.Material, error) {
	keep := false
	defer func() {
		if !keep && in.File != nil {
			s.removeFile(ctx, in.File.Path)
		}
	}()
	if _, err := managed(ctx, s.DB.Queries, viewer, subjectID); err != nil {
		return store.Material{}, err
	}
	if in.Kind == nil {
		in.Kind = Str("")
	}
	if in.Title == nil {
		in.Title = Str("")
	}
	fields, _, errs := s.mergeMaterial(store.MaterialFields{IsActive: true, MaxMarks: DefaultMaxMarks, LatePolicy: LateAccept}, in, true)
	if len(errs) > 0 {
		return store.Material{}, problem.Fields(errs)
	}
	var m store.Material
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		if _, err := managed(ctx, tx, viewer, subjectID); err != nil {
			return err
		}
		id, err := tx.InsertMaterial(ctx, subjectID, fields, s.Now())
		if err != nil {
			return err
		}
		m, err = tx.MaterialByID(ctx, id)
		return err
	})
	if err != nil {
		return store.Material{}, err
	}
	keep = true
	s.changed(ctx, subjectID)
	return m, nil
}

func fieldsOf(m store.Material) store.MaterialFields {
	return store.MaterialFields{Kind: m.Kind, Title: m.Title, Description: m.Description, File: m.File,
		ExternalURL: m.ExternalURL, DueAt: m.DueAt, IsActive: m.IsActive, MaxMarks: m.MaxMarks, LatePolicy: m.LatePolicy}
}

// UpdateMaterial edits a material of a subject the viewer manages. A replaced or
// dropped file is removed after the commit; a new upload is kept only on success.
// Invalid input is a problem.Fields.
func (s *Service) UpdateMaterial(ctx context.Context, viewer store.User, id int64, in MaterialInput) (store.Material, error) {
	keep := false
	defer func() {
		if !keep && in.File != nil {
			s.removeFile(ctx, in.File.Path)
		}
	}()
	cur, err := s.DB.MaterialByID(ctx, id)
	if err != nil {
		return store.Material{}, err
	}
	if _, err := managed(ctx, s.DB.Queries, viewer, cur.SubjectID); err != nil {
		return store.Material{}, err
	}
	fields, dropped, errs := s.mergeMaterial(fieldsOf(cur), in, false)
	if len(errs) > 0 {
		return store.Material{}, problem.Fields(errs)
	}
	var m store.Material
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		now, err := tx.MaterialByID(ctx, id)
		if err != nil {
			return err
		}
		// Another edit in between changed the file: do not remove what it stored.
		if (now.File == nil) != (cur.File == nil) || (now.File != nil && now.File.Path != cur.File.Path) {
			return ErrConflictingEdit
		}
		if err := keepsHandIns(ctx, tx, now, fields); err != nil {
			return err
		}
		if err := tx.UpdateMaterial(ctx, id, fields, s.Now()); err != nil {
			return err
		}
		m, err = tx.MaterialByID(ctx, id)
		return err
	})
	if err != nil {
		return store.Material{}, err
	}
	keep = true
	s.changed(ctx, m.SubjectID)
	s.removeFile(ctx, dropped)
	return m, nil
}

// keepsHandIns refuses an edit of an assignment that would strand its hand-ins: making
// it another kind, or a maximum mark below marks already awarded.
func keepsHandIns(ctx context.Context, tx *store.Queries, cur store.Material, next store.MaterialFields) error {
	if cur.Kind != Assignment {
		return nil
	}
	n, top, err := tx.HandInsOf(ctx, cur.ID)
	if err != nil || n == 0 {
		return err
	}
	if next.Kind != Assignment {
		return problem.Field("type", "Students have handed this assignment in, so it stays an assignment.")
	}
	if next.MaxMarks < top {
		return problem.Field("max_marks", "A hand-in was given "+strconv.Itoa(top)+" marks: the maximum cannot be lower.")
	}
	return nil
}

// ErrConflictingEdit is returned when a material's file changed during an edit (409).
var ErrConflictingEdit = problem.Conflict("The material was changed at the same time; reload the page and try again.")

// DeleteMaterial removes a material and its file; it returns its subject.
//
// An assignment's hand-ins go with it: their files are removed too, and the students
// whose unread grade notifications went are told their new count.
func (s *Service) DeleteMaterial(ctx context.Context, viewer store.User, id int64) (store.Subject, error) {
	var subj store.Subject
	var files []string
	var affected []int64
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		m, err := tx.MaterialByID(ctx, id)
		if err != nil {
			return err
		}
		if subj, err = managed(ctx, tx, viewer, m.SubjectID); err != nil {
			return err
		}
		if files, err = tx.SubmissionFilesOfMaterial(ctx, id); err != nil {
			return err
		}
		if m.File != nil {
			files = append(files, m.File.Path)
		}
		if affected, err = tx.UnreadSubmissionRecipients(ctx, id); err != nil {
			return err
		}
		return tx.DeleteMaterial(ctx, id)
	})
	if err != nil {
		return store.Subject{}, err
	}
	s.changed(ctx, subj.ID)
	for _, f := range files {
		s.removeFile(ctx, f)
	}
	if s.Notify != nil && len(affected) > 0 {
		s.Notify.Recount(ctx, affected)
	}
	return subj, nil
}

// MoveMaterial moves a material one place up (delta -1) or down (+1), or to an
// index with MoveMaterialTo; moving past either end leaves it there.
func (s *Service) MoveMaterial(ctx context.Context, viewer store.User, id int64, delta int) (store.Subject, error) {
	return s.moveMaterial(ctx, viewer, id, func(i, n int) int { return i + delta })
}

// MoveMaterialTo puts a material at position index (0 = first) of its subject.
func (s *Service) MoveMaterialTo(ctx context.Context, viewer store.User, id int64, index int) (store.Subject, error) {
	return s.moveMaterial(ctx, viewer, id, func(int, int) int { return index })
}

func (s *Service) moveMaterial(ctx context.Context, viewer store.User, id int64, target func(i, n int) int) (store.Subject, error) {
	var subj store.Subject
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		m, err := tx.MaterialByID(ctx, id)
		if err != nil {
			return err
		}
		if subj, err = managed(ctx, tx, viewer, m.SubjectID); err != nil {
			return err
		}
		ids, err := tx.MaterialIDsOfSubject(ctx, m.SubjectID)
		if err != nil {
			return err
		}
		i := slices.Index(ids, id)
		j := min(max(target(i, len(ids)), 0), len(ids)-1)
		if i < 0 || i == j {
			return nil
		}
		ids = slices.Delete(ids, i, i+1)
		ids = slices.Insert(ids, j, id)
		return tx.SetMaterialOrder(ctx, m.SubjectID, ids, s.Now())
	})
	if err == nil {
		s.changed(ctx, subj.ID)
	}
	return subj, err
}

// ReorderMaterials sets the order of a subject's materials (drag and drop); ids must
// list every material of the subject once.
func (s *Service) ReorderMaterials(ctx context.Context, viewer store.User, subjectID int64, ids []int64) error {
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		if _, err := managed(ctx, tx, viewer, subjectID); err != nil {
			return err
		}
		have, err := tx.MaterialIDsOfSubject(ctx, subjectID)
		if err != nil {
			return err
		}
		a, b := slices.Clone(have), slices.Clone(ids)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			return ErrBadOrder
		}
		return tx.SetMaterialOrder(ctx, subjectID, ids, s.Now())
	})
	if err == nil {
		s.changed(ctx, subjectID)
	}
	return err
}

// Access is a material opened by a viewer allowed to see it.
type Access struct {
	Material  store.Material
	Subject   store.Subject
	CanManage bool
}

// OpenMaterial checks that the viewer may see a material — its subject's managers,
// or an active student of the active subject for a visible material — and, with
// record, notes the view of a student. Others get ErrNotFound when they may not see
// the subject or the material, ErrNotEnrolled when they only lack the enrollment.
func (s *Service) OpenMaterial(ctx context.Context, viewer store.User, id int64, record bool) (Access, error) {
	m, err := s.DB.MaterialByID(ctx, id)
	if err != nil {
		return Access{}, err
	}
	subj, err := s.DB.SubjectByID(ctx, m.SubjectID)
	if err != nil {
		return Access{}, err
	}
	a := Access{Material: m, Subject: subj, CanManage: CanManage(viewer, subj)}
	if a.CanManage {
		return a, nil
	}
	if !CanSee(viewer, subj) || !m.IsActive {
		return Access{}, ErrNotFound
	}
	enrolled, err := s.DB.IsEnrolled(ctx, subj.ID, viewer.ID)
	if err != nil {
		return Access{}, err
	}
	if !CanSeeMaterials(viewer, subj, enrolled) {
		return Access{}, ErrNotEnrolled
	}
	if record {
		if err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
			return tx.RecordMaterialView(ctx, id, viewer.ID, s.Now())
		}); err != nil {
			return Access{}, err
		}
		Bump(ctx, s.Cache, s.Log, ViewerNamespace(subj.ID, viewer.ID)) // its "New" badge goes
	}
	return a, nil
}

// MaterialsOf lists a subject's materials for a viewer allowed to see them.
func (s *Service) MaterialsOf(ctx context.Context, viewer store.User, subjectID int64) (Page, error) {
	p, err := s.SubjectByID(ctx, viewer, subjectID, true)
	if err != nil {
		return Page{}, err
	}
	if !p.CanSeeMaterials {
		return Page{}, ErrNotEnrolled
	}
	return p, nil
}

// KindLabel is a kind's label.
func KindLabel(kind string) string {
	for _, k := range Kinds {
		if k.Name == kind {
			return k.Label
		}
	}
	return kind
}
