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
// A fragment's key names everything in it that is not under the version: the head's
// the viewer's flags (enrolled, teaching, may manage, may see the materials); the two
// lists' a checksum of their rows as this viewer sees them (opened or new, overdue or
// not, a student's status and score, a manager's figures). Students in the same state
// share a rendering; nothing time-relative is in one (due dates are absolute, and
// "overdue" is in the rows the checksum covers, so passing a due date makes a new key).
func (h *Web) cachedSubjectPage(w http.ResponseWriter, r *http.Request, u store.User, version string, d views.SubjectPageData) {
	ctx := r.Context()
	fp := views.Page{Viewer: viewerOf(u), Asset: h.assets.URL, Cached: true}
	flags := string([]byte{bit(d.Subject.Enrolled), bit(d.Subject.Teaching), bit(d.Subject.CanManage), bit(d.CanSeeMaterials)})
	a := h.newAssembly(r, u)
	part := func(name, variant string, c templ.Component) bool {
		key := "subject:" + version + ":" + name + ":" + flags + ":" + variant
		f, err := h.st.Fragments.Get(key, func() ([]byte, error) { return renderBytes(ctx, c) })
		if err != nil {
			h.serverError(w, r, err)
			return false
		}
		a.cards, a.keys = append(a.cards, f), append(a.keys, key)
		a.etag.add(key)
		return true
	}
	if !part("head", "", views.SubjectHero(fp, d)) {
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
	// The shell shows the subject's name and description (under the version) and
	// whether the coursework's assets are linked.
	extra := version + "|" + string(bit(d.Coursework != nil))
	shell, err := h.shell(ctx, p, "subject", false, extra, func(p views.Page) templ.Component { return views.SubjectPage(p, shape) })
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	a.etag.add(shell.key)
	a.resp.Add(shell.frag, a.fill)
	frag.Serve(w, r, http.StatusOK, "text/html; charset=utf-8", "no-store", a.resp.Pieces(), a.etag.etag())
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
