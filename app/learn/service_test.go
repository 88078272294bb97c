package learn_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/learn"
	"eplatform/app/media"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// The learning rules, called as the handlers call them, on a real database.

var ctx = context.Background()

const pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

type world struct {
	app                             *apptest.App
	svc                             *learn.Service
	teach, teach2, stud, other, adm store.User
	subj                            store.Subject
}

func newWorld(t *testing.T) *world {
	t.Helper()
	app := apptest.StartRelaxed(t)
	w := &world{app: app, svc: app.State.Learn,
		teach: app.Account("teach", "instructor"), teach2: app.Account("teach2", "instructor"),
		stud: app.Account("stud", "student"), other: app.Account("other", "student"), adm: app.Account("root", "admin")}
	var err error
	if w.subj, err = w.svc.CreateSubject(ctx, w.teach, learn.SubjectInput{Name: learn.Str("Computing"), Code: learn.Str("CS1"),
		Description: learn.Str("Programs")}); err != nil {
		t.Fatal(err)
	}
	return w
}

// upload stores a file as the material form would.
func (w *world) upload(t *testing.T, name, data string) *media.MaterialFile {
	t.Helper()
	f, err := w.app.State.Media.SaveMaterial(name, strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return &f
}

func (w *world) exists(path string) bool {
	_, err := os.Stat(filepath.Join(w.app.State.Media.Root, path))
	return err == nil
}

func (w *world) unread(t *testing.T, u store.User) int {
	t.Helper()
	n, err := w.app.State.Notify.Unread(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSubjectValidation(t *testing.T) {
	w := newWorld(t)
	before, _, err := w.svc.List(ctx, w.adm, learn.ListQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name           string
		in             learn.SubjectInput
		field, message string
	}{
		{"blank name", learn.SubjectInput{Name: learn.Str(" \n"), Code: learn.Str("A1")}, "name", "may not be blank"},
		{"NUL name", learn.SubjectInput{Name: learn.Str("\x00Go"), Code: learn.Str("A1")}, "name", "control character U+0000"},
		{"long name", learn.SubjectInput{Name: learn.Str(strings.Repeat("é", learn.MaxSubjectName+1)), Code: learn.Str("A1")}, "name", "no more than 100 characters"},
		{"no code", learn.SubjectInput{Name: learn.Str("Go")}, "code", "may not be blank"},
		{"NUL code", learn.SubjectInput{Name: learn.Str("Go"), Code: learn.Str("A\x001")}, "code", "control character U+0000"},
		{"spaced code", learn.SubjectInput{Name: learn.Str("Go"), Code: learn.Str("A 1")}, "code", "letters, digits"},
		{"long code", learn.SubjectInput{Name: learn.Str("Go"), Code: learn.Str(strings.Repeat("A", 21))}, "code", "letters, digits"},
		{"taken code", learn.SubjectInput{Name: learn.Str("Go"), Code: learn.Str("cs1")}, "code", "already exists"},
		{"escape in description", learn.SubjectInput{Name: learn.Str("Go"), Code: learn.Str("A1"), Description: learn.Str("a\x1bb")}, "description", "U+001B"},
		{"long description", learn.SubjectInput{Name: learn.Str("Go"), Code: learn.Str("A1"), Description: learn.Str(strings.Repeat("x", learn.MaxDescription+1))}, "description", "no more than 5000"},
		{"unknown icon", learn.SubjectInput{Name: learn.Str("Go"), Code: learn.Str("A1"), Icon: learn.Str("rocket")}, "icon", "offered icons"},
		{"instructor by an instructor", learn.SubjectInput{Name: learn.Str("Go"), Code: learn.Str("A1"), InstructorID: &w.teach2.ID}, "instructor", "Only an admin"},
	} {
		_, err := w.svc.CreateSubject(ctx, w.teach, tc.in)
		apptest.WantField(t, tc.name, err, tc.field, tc.message)
	}
	after, _, err := w.svc.List(ctx, w.adm, learn.ListQuery{Limit: 100})
	if err != nil || len(after) != len(before) {
		t.Fatalf("refused subjects were written: %d → %d (%v)", len(before), len(after), err)
	}
	// Students do not create subjects, whatever they send.
	_, err = w.svc.CreateSubject(ctx, w.stud, learn.SubjectInput{Name: learn.Str("\x00")})
	apptest.WantKind(t, "student creates", err, problem.KindForbidden)
	// Exactly the limits, counted in characters; line endings normalised; an empty icon
	// is the default one.
	s, err := w.svc.CreateSubject(ctx, w.teach, learn.SubjectInput{Name: learn.Str(strings.Repeat("é", learn.MaxSubjectName)),
		Code: learn.Str(" " + strings.Repeat("Z", learn.MaxCode) + " "), Description: learn.Str("one\r\ntwo"), Icon: learn.Str("")})
	if err != nil || s.Code != strings.Repeat("Z", 20) || s.Description != "one\ntwo" || s.Icon != learn.DefaultIcon {
		t.Fatalf("a subject at the limits: %+v %v", s, err)
	}
	// An admin puts an instructor in charge; a student or nobody-known is refused.
	for _, tc := range []struct {
		id  int64
		err bool
	}{{w.teach2.ID, false}, {w.stud.ID, true}, {99999, true}, {0, false}} {
		id := tc.id
		s, err := w.svc.CreateSubject(ctx, w.adm, learn.SubjectInput{Name: learn.Str("Chosen"), Code: learn.Str("CH" + strings.Repeat("X", int(id%7))), InstructorID: &id})
		switch {
		case tc.err:
			apptest.WantField(t, "instructor", err, "instructor", "active instructor")
		case err != nil:
			t.Errorf("instructor %d: %v", id, err)
		case id == 0 && s.Instructor != nil, id != 0 && (s.Instructor == nil || s.Instructor.ID != id):
			t.Errorf("instructor %d: %+v", id, s.Instructor)
		}
	}
}

func TestSubjectUpdateAndDelete(t *testing.T) {
	w := newWorld(t)
	if _, err := w.svc.Enroll(ctx, w.stud, w.subj.ID); err != nil {
		t.Fatal(err)
	}
	// Who may edit: its instructor and admins; another instructor is refused, and a
	// closed subject is hidden from those who may not manage it.
	_, err := w.svc.UpdateSubject(ctx, w.teach2, w.subj.ID, learn.SubjectInput{Name: learn.Str("Mine now")})
	apptest.WantKind(t, "another instructor edits", err, problem.KindForbidden)
	_, err = w.svc.UpdateSubject(ctx, w.teach, w.subj.ID, learn.SubjectInput{Name: learn.Str("\x00")})
	apptest.WantField(t, "NUL name on edit", err, "name", "U+0000")
	// A PATCH keeps what it does not name; renaming the code moves the enrollment
	// notification's link along.
	no := false
	s, err := w.svc.UpdateSubject(ctx, w.adm, w.subj.ID, learn.SubjectInput{Code: learn.Str("CS2"), IsActive: &no})
	if err != nil || s.Code != "CS2" || s.Name != "Computing" || s.Description != "Programs" || s.IsActive {
		t.Fatalf("patch: %+v %v", s, err)
	}
	notes, err := w.app.State.Notify.List(ctx, store.NotificationQuery{RecipientID: w.teach.ID, Limit: 10})
	if err != nil || len(notes) != 1 || notes[0].URL != "/home/subjects/CS2/" {
		t.Fatalf("enrollment notification after the rename: %+v %v", notes, err)
	}
	_, err = w.svc.UpdateSubject(ctx, w.other, w.subj.ID, learn.SubjectInput{Name: learn.Str("x")})
	apptest.WantKind(t, "a student edits a closed subject", err, problem.KindNotFound)
	_, err = w.svc.UpdateSubject(ctx, w.teach, 99999, learn.SubjectInput{})
	apptest.WantKind(t, "no such subject", err, problem.KindNotFound)
	other, err := w.svc.CreateSubject(ctx, w.teach2, learn.SubjectInput{Name: learn.Str("Maths"), Code: learn.Str("MA1")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.UpdateSubject(ctx, w.teach, other.ID, learn.SubjectInput{Code: learn.Str("CS2")})
	apptest.WantKind(t, "edit of another's subject", err, problem.KindForbidden)
	_, err = w.svc.UpdateSubject(ctx, w.teach2, other.ID, learn.SubjectInput{Code: learn.Str("cs2")})
	apptest.WantField(t, "rename to a taken code", err, "code", "already exists")

	// Deleting takes the materials' files and the unread notifications with it.
	f := w.upload(t, "notes.pdf", pdf)
	if _, err := w.svc.AddMaterial(ctx, w.teach, w.subj.ID, learn.MaterialInput{Kind: learn.Str(learn.Document), Title: learn.Str("Notes"), File: f}); err != nil {
		t.Fatal(err)
	}
	apptest.WantKind(t, "student deletes", w.svc.DeleteSubject(ctx, w.stud, w.subj.ID), problem.KindNotFound)
	apptest.WantKind(t, "another instructor deletes", w.svc.DeleteSubject(ctx, w.teach2, w.subj.ID), problem.KindNotFound)
	apptest.WantKind(t, "another instructor deletes an open one", w.svc.DeleteSubject(ctx, w.teach, other.ID), problem.KindForbidden)
	if n := w.unread(t, w.teach); n != 1 {
		t.Fatalf("unread before delete: %d", n)
	}
	if err := w.svc.DeleteSubject(ctx, w.teach, w.subj.ID); err != nil {
		t.Fatal(err)
	}
	if w.exists(f.Path) || w.unread(t, w.teach) != 0 {
		t.Errorf("after delete: file kept %v, unread %d", w.exists(f.Path), w.unread(t, w.teach))
	}
	if _, err := w.svc.SubjectByID(ctx, w.teach, w.subj.ID, false); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted subject still there: %v", err)
	}
}

func TestListAndPages(t *testing.T) {
	w := newWorld(t)
	closed := false
	old, err := w.svc.CreateSubject(ctx, w.teach, learn.SubjectInput{Name: learn.Str("Old"), Code: learn.Str("OLD1"), IsActive: &closed})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Enroll(ctx, w.stud, w.subj.ID); err != nil {
		t.Fatal(err)
	}
	codes := func(u store.User, q learn.ListQuery) ([]string, int) {
		t.Helper()
		q.Limit = 10
		rows, n, err := w.svc.List(ctx, u, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			out = append(out, r.Subject.Code)
		}
		slices.Sort(out)
		return out, n
	}
	for _, tc := range []struct {
		who  store.User
		q    learn.ListQuery
		want []string
	}{
		{w.stud, learn.ListQuery{}, []string{"CS1"}},
		{w.stud, learn.ListQuery{Mine: true}, []string{"CS1"}},
		{w.other, learn.ListQuery{Mine: true}, nil},
		{w.teach, learn.ListQuery{}, []string{"CS1", "OLD1"}},
		{w.teach2, learn.ListQuery{}, []string{"CS1"}},
		{w.adm, learn.ListQuery{}, []string{"CS1", "OLD1"}},
	} {
		if got, n := codes(tc.who, tc.q); !slices.Equal(got, tc.want) || n != len(tc.want) {
			t.Errorf("%s %+v: %v (%d), want %v", tc.who.Username, tc.q, got, n, tc.want)
		}
	}
	if got, n := codes(w.teach, learn.ListQuery{Offset: 5}); got != nil || n != 2 {
		t.Errorf("past the last page: %v %d", got, n)
	}
	// The page: its managers and active students see the materials (managers the
	// hidden ones too, and how many opened each; students what they opened).
	hidden := false
	visible, err := w.svc.AddMaterial(ctx, w.teach, w.subj.ID, learn.MaterialInput{Kind: learn.Str(learn.Link), Title: learn.Str("Tour"), ExternalURL: learn.Str("https://go.dev/tour/")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.AddMaterial(ctx, w.teach, w.subj.ID, learn.MaterialInput{Kind: learn.Str(learn.Assignment), Title: learn.Str("Draft"), IsActive: &hidden}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.OpenMaterial(ctx, w.stud, visible.ID, true); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		who           store.User
		materials     int
		manage, see   bool
		opened, views bool
	}{
		{w.stud, 1, false, true, true, false},
		{w.other, 0, false, false, false, false},
		{w.teach, 2, true, true, false, true},
		{w.adm, 2, true, true, false, true},
	} {
		p, err := w.svc.SubjectByCode(ctx, tc.who, "cs1", true)
		if err != nil || len(p.Materials) != tc.materials || p.CanManage != tc.manage || p.CanSeeMaterials != tc.see ||
			(p.Opened[visible.ID].Count == 1) != tc.opened || (p.Viewers[visible.ID] == 1) != tc.views {
			t.Errorf("%s: %+v %v", tc.who.Username, p, err)
		}
	}
	_, err = w.svc.SubjectByCode(ctx, w.stud, "OLD1", false)
	apptest.WantKind(t, "a closed subject for a student", err, problem.KindNotFound)
	if p, err := w.svc.SubjectByID(ctx, w.teach, old.ID, true); err != nil || p.Materials == nil {
		t.Errorf("an empty subject's materials are an empty list: %+v %v", p.Materials, err)
	}
	if _, err := w.svc.MaterialsOf(ctx, w.other, w.subj.ID); !errors.Is(err, learn.ErrNotEnrolled) {
		t.Errorf("materials for a student not enrolled: %v", err)
	}
	if p, err := w.svc.MaterialsOf(ctx, w.stud, w.subj.ID); err != nil || len(p.Materials) != 1 {
		t.Errorf("materials for the enrolled student: %v", err)
	}
	teachers, err := w.svc.Teachers(ctx)
	if err != nil || len(teachers) != 3 { // two instructors and the admin
		t.Errorf("teachers: %v %v", teachers, err)
	}
}

func TestMaterialValidation(t *testing.T) {
	w := newWorld(t)
	past := w.app.Clock.Now().Add(-time.Hour).Format(time.RFC3339)
	future := w.app.Clock.Now().Add(48 * time.Hour).Format(time.RFC3339)
	for _, tc := range []struct {
		name           string
		in             learn.MaterialInput
		file           [2]string // name, data of an upload
		field, message string
	}{
		{"unknown kind", learn.MaterialInput{Kind: learn.Str("essay"), Title: learn.Str("T")}, [2]string{}, "type", "Choose document, video, link or assignment"},
		{"no kind", learn.MaterialInput{Title: learn.Str("T")}, [2]string{}, "type", "Choose"},
		{"NUL title", learn.MaterialInput{Kind: learn.Str(learn.Assignment), Title: learn.Str("\x00T")}, [2]string{}, "title", "U+0000"},
		{"long title", learn.MaterialInput{Kind: learn.Str(learn.Assignment), Title: learn.Str(strings.Repeat("é", learn.MaxTitle+1))}, [2]string{}, "title", "no more than 200"},
		{"C1 in description", learn.MaterialInput{Kind: learn.Str(learn.Assignment), Title: learn.Str("T"), Description: learn.Str("\u0085")}, [2]string{}, "description", "U+0085"},
		{"NUL in address", learn.MaterialInput{Kind: learn.Str(learn.Link), Title: learn.Str("T"), ExternalURL: learn.Str("https://go.dev/\x00")}, [2]string{}, "external_url", "U+0000"},
		{"ftp address", learn.MaterialInput{Kind: learn.Str(learn.Link), Title: learn.Str("T"), ExternalURL: learn.Str("ftp://go.dev/")}, [2]string{}, "external_url", "http://"},
		{"long address", learn.MaterialInput{Kind: learn.Str(learn.Link), Title: learn.Str("T"), ExternalURL: learn.Str("https://go.dev/" + strings.Repeat("a", learn.MaxURL))}, [2]string{}, "external_url", "2000"},
		{"link without address", learn.MaterialInput{Kind: learn.Str(learn.Link), Title: learn.Str("T")}, [2]string{}, "external_url", "web address"},
		{"link with a file", learn.MaterialInput{Kind: learn.Str(learn.Link), Title: learn.Str("T"), ExternalURL: learn.Str("https://go.dev/")}, [2]string{"a.pdf", pdf}, "file", "A link has no file"},
		{"document without file", learn.MaterialInput{Kind: learn.Str(learn.Document), Title: learn.Str("T")}, [2]string{}, "file", "Upload the document"},
		{"document with an address", learn.MaterialInput{Kind: learn.Str(learn.Document), Title: learn.Str("T"), ExternalURL: learn.Str("https://go.dev/")}, [2]string{"a.pdf", pdf}, "external_url", "link material"},
		{"video without file or link", learn.MaterialInput{Kind: learn.Str(learn.Video), Title: learn.Str("T")}, [2]string{}, "file", "video file or give a link"},
		{"video that is a PDF", learn.MaterialInput{Kind: learn.Str(learn.Video), Title: learn.Str("T")}, [2]string{"a.pdf", pdf}, "file", "MP4"},
		{"bad due date", learn.MaterialInput{Kind: learn.Str(learn.Assignment), Title: learn.Str("T"), Due: learn.Str("tomorrow\x00")}, [2]string{}, "due_at", "valid date"},
		{"due in the past", learn.MaterialInput{Kind: learn.Str(learn.Assignment), Title: learn.Str("T"), Due: learn.Str(past)}, [2]string{}, "due_at", "in the past"},
		{"due in 2200", learn.MaterialInput{Kind: learn.Str(learn.Assignment), Title: learn.Str("T"), Due: learn.Str("2200-01-01")}, [2]string{}, "due_at", "2000 and 2100"},
		{"due on a link", learn.MaterialInput{Kind: learn.Str(learn.Link), Title: learn.Str("T"), ExternalURL: learn.Str("https://go.dev/"), Due: learn.Str(future)}, [2]string{}, "due_at", "Only assignments"},
	} {
		in := tc.in
		if tc.file[0] != "" {
			in.File = w.upload(t, tc.file[0], tc.file[1])
		}
		_, err := w.svc.AddMaterial(ctx, w.teach, w.subj.ID, in)
		apptest.WantField(t, tc.name, err, tc.field, tc.message)
		if in.File != nil && w.exists(in.File.Path) {
			t.Errorf("%s: the refused upload was kept", tc.name)
		}
	}
	p, err := w.svc.SubjectByID(ctx, w.teach, w.subj.ID, true)
	if err != nil || len(p.Materials) != 0 {
		t.Fatalf("refused materials were written: %d %v", len(p.Materials), err)
	}
	// Only the subject's managers add materials; a stranger's upload is not kept.
	f := w.upload(t, "a.pdf", pdf)
	_, err = w.svc.AddMaterial(ctx, w.teach2, w.subj.ID, learn.MaterialInput{Kind: learn.Str(learn.Document), Title: learn.Str("T"), File: f})
	apptest.WantKind(t, "another instructor adds", err, problem.KindForbidden)
	if w.exists(f.Path) {
		t.Error("a refused stranger's upload was kept")
	}
	// Valid ones of each kind; an address's scheme is stored in lower case.
	m, err := w.svc.AddMaterial(ctx, w.teach, w.subj.ID, learn.MaterialInput{Kind: learn.Str(learn.Assignment), Title: learn.Str("Essay"), Due: learn.Str("2027-01-15")})
	if err != nil || m.DueAt.Format(time.RFC3339) != "2027-01-15T23:59:00Z" {
		t.Fatalf("assignment: %+v %v", m, err)
	}
	if m, err := w.svc.AddMaterial(ctx, w.teach, w.subj.ID, learn.MaterialInput{Kind: learn.Str(learn.Video), Title: learn.Str("Talk"), ExternalURL: learn.Str("HTTPS://youtu.be/x")}); err != nil || m.ExternalURL != "https://youtu.be/x" {
		t.Fatalf("linked video: %+v %v", m, err)
	}
}

func TestMaterialEdits(t *testing.T) {
	w := newWorld(t)
	first := w.upload(t, "v1.pdf", pdf)
	m, err := w.svc.AddMaterial(ctx, w.teach, w.subj.ID, learn.MaterialInput{Kind: learn.Str(learn.Document), Title: learn.Str("Notes"), File: first})
	if err != nil {
		t.Fatal(err)
	}
	// A refused edit keeps everything and drops its own upload.
	second := w.upload(t, "v2.pdf", pdf+"%v2")
	_, err = w.svc.UpdateMaterial(ctx, w.teach, m.ID, learn.MaterialInput{Title: learn.Str("\x00"), File: second})
	apptest.WantField(t, "NUL title on edit", err, "title", "U+0000")
	if !w.exists(first.Path) || w.exists(second.Path) {
		t.Fatalf("after a refused edit: first kept %v, second kept %v", w.exists(first.Path), w.exists(second.Path))
	}
	// Replacing the file removes the old one after the commit.
	second = w.upload(t, "v2.pdf", pdf+"%v2")
	got, err := w.svc.UpdateMaterial(ctx, w.teach, m.ID, learn.MaterialInput{File: second})
	if err != nil || got.File == nil || got.File.Path != second.Path || w.exists(first.Path) || got.Title != "Notes" {
		t.Fatalf("replace: %+v %v (old file kept: %v)", got, err, w.exists(first.Path))
	}
	// Turning it into a link drops the file; into an assignment without a file keeps none.
	got, err = w.svc.UpdateMaterial(ctx, w.teach, m.ID, learn.MaterialInput{Kind: learn.Str(learn.Link), ExternalURL: learn.Str("https://go.dev/")})
	if err != nil || got.File != nil || w.exists(second.Path) {
		t.Fatalf("to a link: %+v %v", got, err)
	}
	// A document dropping its address quietly when it gets a file again.
	third := w.upload(t, "v3.pdf", pdf+"%v3")
	got, err = w.svc.UpdateMaterial(ctx, w.teach, m.ID, learn.MaterialInput{Kind: learn.Str(learn.Document), File: third})
	if err != nil || got.ExternalURL != "" || got.File == nil {
		t.Fatalf("back to a document: %+v %v", got, err)
	}
	// Removing the file of a document is refused; of an assignment it is fine.
	_, err = w.svc.UpdateMaterial(ctx, w.teach, m.ID, learn.MaterialInput{RemoveFile: true})
	apptest.WantField(t, "a document without its file", err, "file", "Upload the document")
	got, err = w.svc.UpdateMaterial(ctx, w.teach, m.ID, learn.MaterialInput{Kind: learn.Str(learn.Assignment), RemoveFile: true})
	if err != nil || got.File != nil || w.exists(third.Path) {
		t.Fatalf("assignment without its file: %+v %v", got, err)
	}
	// A due date already past may stay when another field changes, not be set anew.
	due := w.app.Clock.Now().Add(time.Hour).Format(time.RFC3339)
	if _, err := w.svc.UpdateMaterial(ctx, w.teach, m.ID, learn.MaterialInput{Due: learn.Str(due)}); err != nil {
		t.Fatal(err)
	}
	w.app.Clock.Advance(2 * time.Hour)
	if _, err := w.svc.UpdateMaterial(ctx, w.teach, m.ID, learn.MaterialInput{Title: learn.Str("Essay"), Due: learn.Str(due)}); err != nil {
		t.Errorf("keeping a past due date: %v", err)
	}
	// Becoming a link drops a due date that was not sent.
	if got, err := w.svc.UpdateMaterial(ctx, w.teach, m.ID, learn.MaterialInput{Kind: learn.Str(learn.Link), ExternalURL: learn.Str("https://go.dev/")}); err != nil || !got.DueAt.IsZero() {
		t.Errorf("a link keeps no due date: %+v %v", got, err)
	}
	_, err = w.svc.UpdateMaterial(ctx, w.stud, m.ID, learn.MaterialInput{})
	apptest.WantKind(t, "a student edits", err, problem.KindForbidden)
	_, err = w.svc.UpdateMaterial(ctx, w.teach, 99999, learn.MaterialInput{})
	apptest.WantKind(t, "no such material", err, problem.KindNotFound)
	// Delete: the subject comes back; strangers are refused.
	_, err = w.svc.DeleteMaterial(ctx, w.teach2, m.ID)
	apptest.WantKind(t, "another instructor deletes", err, problem.KindForbidden)
	if s, err := w.svc.DeleteMaterial(ctx, w.adm, m.ID); err != nil || s.ID != w.subj.ID {
		t.Fatalf("delete: %+v %v", s, err)
	}
	_, err = w.svc.DeleteMaterial(ctx, w.adm, m.ID)
	apptest.WantKind(t, "delete twice", err, problem.KindNotFound)
}

func TestMaterialOrder(t *testing.T) {
	w := newWorld(t)
	var ids []int64
	for _, title := range []string{"A", "B", "C"} {
		m, err := w.svc.AddMaterial(ctx, w.teach, w.subj.ID, learn.MaterialInput{Kind: learn.Str(learn.Assignment), Title: learn.Str(title)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	order := func() string {
		t.Helper()
		p, err := w.svc.SubjectByID(ctx, w.teach, w.subj.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		var s string
		for _, m := range p.Materials {
			s += m.Title
		}
		return s
	}
	steps := []struct {
		do   func() error
		want string
	}{
		{func() error { _, err := w.svc.MoveMaterial(ctx, w.teach, ids[2], -1); return err }, "ACB"},
		{func() error { _, err := w.svc.MoveMaterial(ctx, w.teach, ids[0], -1); return err }, "ACB"}, // already first
		{func() error { _, err := w.svc.MoveMaterialTo(ctx, w.teach, ids[0], 99); return err }, "CBA"},
		{func() error { return w.svc.ReorderMaterials(ctx, w.adm, w.subj.ID, []int64{ids[1], ids[0], ids[2]}) }, "BAC"},
	}
	for i, st := range steps {
		if err := st.do(); err != nil || order() != st.want {
			t.Fatalf("step %d: %s %v, want %s", i, order(), err, st.want)
		}
	}
	for _, bad := range [][]int64{{ids[0], ids[1]}, {ids[0], ids[1], ids[1]}, {ids[0], ids[1], 99999}, nil} {
		apptest.WantField(t, "order", w.svc.ReorderMaterials(ctx, w.teach, w.subj.ID, bad), "order", "exactly once")
	}
	apptest.WantKind(t, "a student reorders", w.svc.ReorderMaterials(ctx, w.stud, w.subj.ID, ids), problem.KindForbidden)
	_, err := w.svc.MoveMaterial(ctx, w.stud, ids[0], 1)
	apptest.WantKind(t, "a student moves", err, problem.KindForbidden)
	if order() != "BAC" {
		t.Errorf("refused orders changed it: %s", order())
	}
}

func TestOpenMaterial(t *testing.T) {
	w := newWorld(t)
	m, err := w.svc.AddMaterial(ctx, w.teach, w.subj.ID, learn.MaterialInput{Kind: learn.Str(learn.Link), Title: learn.Str("Tour"), ExternalURL: learn.Str("https://go.dev/tour/")})
	if err != nil {
		t.Fatal(err)
	}
	no := false
	hidden, err := w.svc.AddMaterial(ctx, w.teach, w.subj.ID, learn.MaterialInput{Kind: learn.Str(learn.Assignment), Title: learn.Str("Draft"), IsActive: &no})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.OpenMaterial(ctx, w.stud, m.ID, true)
	if !errors.Is(err, learn.ErrNotEnrolled) {
		t.Errorf("before enrolling: %v", err)
	}
	if _, err := w.svc.Enroll(ctx, w.stud, w.subj.ID); err != nil {
		t.Fatal(err)
	}
	if a, err := w.svc.OpenMaterial(ctx, w.stud, m.ID, true); err != nil || a.CanManage || a.Subject.ID != w.subj.ID {
		t.Fatalf("enrolled: %+v %v", a, err)
	}
	_, err = w.svc.OpenMaterial(ctx, w.stud, hidden.ID, true)
	apptest.WantKind(t, "a hidden material", err, problem.KindNotFound)
	if a, err := w.svc.OpenMaterial(ctx, w.teach, hidden.ID, true); err != nil || !a.CanManage {
		t.Errorf("its instructor opens the hidden one: %v", err)
	}
	_, err = w.svc.OpenMaterial(ctx, w.stud, 99999, true)
	apptest.WantKind(t, "no such material", err, problem.KindNotFound)
	p, err := w.svc.SubjectByID(ctx, w.teach, w.subj.ID, true)
	if err != nil || p.Viewers[m.ID] != 1 || p.Viewers[hidden.ID] != 0 {
		t.Errorf("views recorded: %v %v (managers' opening is not a view)", p.Viewers, err)
	}
}

func TestEnrollment(t *testing.T) {
	w := newWorld(t)
	for i, step := range []struct {
		enroll  bool
		outcome string
		count   int
		changed bool
	}{
		{true, store.Enrolled, 1, true},
		{true, store.AlreadyEnrolled, 1, false},
		{false, "", 0, true},
		{false, "", 0, false},
		{true, store.ReEnrolled, 1, true},
	} {
		if step.enroll {
			res, err := w.svc.Enroll(ctx, w.stud, w.subj.ID)
			if err != nil || res.Outcome != step.outcome || res.StudentsCount != step.count || res.Subject.StudentsCount != step.count {
				t.Fatalf("step %d: %+v %v", i, res, err)
			}
			continue
		}
		s, changed, err := w.svc.Unenroll(ctx, w.stud, w.subj.ID)
		if err != nil || changed != step.changed || s.StudentsCount != step.count {
			t.Fatalf("step %d: %+v %v %v", i, s, changed, err)
		}
	}
	// The instructor heard once, of the first enrollment.
	notes, err := w.app.State.Notify.List(ctx, store.NotificationQuery{RecipientID: w.teach.ID, Limit: 10})
	if err != nil || len(notes) != 1 || notes[0].Type != "enrollment" || notes[0].Text != "stud enrolled in Computing" {
		t.Fatalf("notifications: %+v %v", notes, err)
	}
	_, err = w.svc.Enroll(ctx, w.teach, w.subj.ID)
	if !errors.Is(err, learn.ErrOwnSubject) {
		t.Errorf("own subject: %v", err)
	}
	_, err = w.svc.Enroll(ctx, w.stud, 99999)
	apptest.WantKind(t, "no such subject", err, problem.KindNotFound)
	// Closed: hidden from students, refused to those who still see it; a student
	// enrolled before may still leave.
	no := false
	if _, err := w.svc.UpdateSubject(ctx, w.teach, w.subj.ID, learn.SubjectInput{IsActive: &no}); err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.Enroll(ctx, w.other, w.subj.ID)
	apptest.WantKind(t, "a closed subject, for a student", err, problem.KindNotFound)
	if _, err = w.svc.Enroll(ctx, w.adm, w.subj.ID); !errors.Is(err, learn.ErrClosed) {
		t.Errorf("a closed subject, for an admin: %v", err)
	}
	if _, changed, err := w.svc.Unenroll(ctx, w.stud, w.subj.ID); err != nil || !changed {
		t.Errorf("leaving a closed subject: %v %v", changed, err)
	}
	_, _, err = w.svc.Unenroll(ctx, w.other, w.subj.ID)
	apptest.WantKind(t, "leaving a closed subject one never joined", err, problem.KindNotFound)
}

func TestConcurrentEnrollment(t *testing.T) {
	w := newWorld(t)
	students := []store.User{w.stud, w.other}
	for i := range 6 {
		students = append(students, w.app.Account("s"+string(rune('a'+i)), "student"))
	}
	// Every student clicks Enroll three times at once.
	var wg sync.WaitGroup
	var mu sync.Mutex
	firsts := map[int64]int{}
	for _, s := range students {
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := w.svc.Enroll(ctx, s, w.subj.ID)
				if err != nil {
					t.Error(err)
					return
				}
				if res.Outcome == store.Enrolled {
					mu.Lock()
					firsts[s.ID]++
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	for _, s := range students {
		if firsts[s.ID] != 1 {
			t.Errorf("%s enrolled %d times", s.Username, firsts[s.ID])
		}
	}
	p, err := w.svc.SubjectByID(ctx, w.teach, w.subj.ID, false)
	if err != nil || p.Subject.StudentsCount != len(students) {
		t.Fatalf("students count %d, want %d (%v)", p.Subject.StudentsCount, len(students), err)
	}
	if n := w.unread(t, w.teach); n != len(students) {
		t.Errorf("the instructor was notified %d times, want %d", n, len(students))
	}
}

func TestLabelsAndIcons(t *testing.T) {
	if learn.IconOf("rocket") != learn.DefaultIcon || learn.IconOf("code") != "code" || !learn.ValidIcon("science") {
		t.Error("icons")
	}
	if learn.KindLabel(learn.Link) != "External link" || learn.KindLabel("essay") != "essay" || learn.ValidKind("essay") || !learn.ValidKind(learn.Video) {
		t.Error("kinds")
	}
	if learn.MaterialURL(7) != "/home/materials/7/" {
		t.Error("material URL")
	}
}
