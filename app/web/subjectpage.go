package web

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"eplatform/app/frag"
	"eplatform/app/store"
	"eplatform/views"
)

// cachedSubjectPage serves a subject's page from fragments (app/frag), like the feed:
// the viewer's shell with three slots — the head, the quizzes and assignments, the
// materials — each a fragment kept per version of the subject (coursework.SubjectPage's
// Version: the subject's own version and the people version) and per viewer variant.
//
// A fragment's key names the version, the viewer's flags (enrolled, teaching, may
// manage, may see the materials) and a checksum of the view it renders as this viewer
// sees it (opened or new, overdue or not, a student's status and score, a manager's
// figures): students in the same state share a rendering, and a rendering follows its
// data even if moving a version failed (the data kept in process expires). Nothing
// time-relative is in one: due dates are absolute, and "overdue" is in the rows the
// checksum covers, so passing a due date makes a new key.
func (h *Web) cachedSubjectPage(w http.ResponseWriter, r *http.Request, u store.User, version string, d views.SubjectPageData) {
	ctx := r.Context()
	fp := views.Page{Viewer: viewerOf(u), Asset: h.assets.URL, Cached: true}
	flags := string([]byte{bit(d.Subject.Enrolled), bit(d.Subject.Teaching), bit(d.Subject.CanManage), bit(d.CanSeeMaterials)})
	a := h.newAssembly(r, u)
	part := func(name, variant string, c templ.Component) bool {
		key := "subject:" + version + ":" + name + ":" + flags + ":" + variant + zoneKey(ctx) // due dates are in the viewer's zone
		f, err := h.st.Fragments.Get(key, func() ([]byte, error) { return renderBytes(ctx, c) })
		if err != nil {
			h.serverError(w, r, err)
			return false
		}
		a.cards, a.keys = append(a.cards, f), append(a.keys, key)
		a.etag.add(key)
		return true
	}
	if !part("head", checksum(headView(d)), views.SubjectHero(fp, d)) {
		return
	}
	// Slot 1 is left empty (nil) when the page has no coursework section.
	if d.Coursework != nil {
		if !part("coursework", checksum(*d.Coursework), views.SubjectCoursework(fp, *d.Coursework)) {
			return
		}
	} else {
		a.cards, a.keys = append(a.cards, frag.Cut(nil)), append(a.keys, "")
	}
	if !part("materials", checksum(d.Materials), views.SubjectMaterials(fp, d)) {
		return
	}

	p := h.page(w, r, d.Subject.Name, "subjects")
	shape := views.SubjectPageData{Subject: d.Subject, Slots: true}
	if d.Coursework != nil {
		shape.Coursework = &views.CourseworkData{}
	}
	// The shell shows the subject's code, name and description and whether the
	// coursework's assets are linked.
	extra := version + "|" + string(bit(d.Coursework != nil)) + "|" + checksum([]string{d.Subject.Code, d.Subject.Name, d.Subject.Description})
	shell, err := h.shell(ctx, p, "subject", false, extra, func(p views.Page) templ.Component { return views.SubjectPage(p, shape) })
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	a.etag.add(shell.key)
	a.resp.Add(shell.frag, a.fill)
	frag.Serve(w, r, http.StatusOK, "text/html; charset=utf-8", "no-store", a.resp.Pieces(), a.etag.etag())
}

// headView is what the page's head shows, as plain values for its checksum.
func headView(d views.SubjectPageData) []any {
	c := d.Subject
	var in views.Person
	if c.Instructor != nil {
		in = *c.Instructor
	}
	c.Instructor = nil
	return []any{c, in}
}

func bit(b bool) byte {
	if b {
		return '1'
	}
	return '0'
}

// checksum names a view's rows in a fragment key. The rows are plain values (strings,
// numbers, flags; no pointers), so their printed form is everything they show.
func checksum(v any) string {
	f := fnv.New64a()
	fmt.Fprintf(f, "%v", v)
	return strconv.FormatUint(f.Sum64(), 36)
}
