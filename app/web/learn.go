package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"eplatform/app/coursework"
	"eplatform/app/learn"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/views"
)

// SubjectsPageSize is how many subjects a list page shows.
const SubjectsPageSize = 24

// pageNumber reads ?page=N (1 when missing or bad).
func pageNumber(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 || n > 100000 {
		return 1
	}
	return n
}

func (h *Web) subjectsPage(w http.ResponseWriter, r *http.Request) {
	h.renderSubjects(w, r, "all")
}

func (h *Web) mySubjectsPage(w http.ResponseWriter, r *http.Request) {
	h.renderSubjects(w, r, "my")
}

func (h *Web) renderSubjects(w http.ResponseWriter, r *http.Request, tab string) {
	u, _ := identity(r.Context())
	page := pageNumber(r)
	rows, total, err := h.st.Learn.List(r.Context(), u, learn.ListQuery{Mine: tab == "my",
		Offset: (page - 1) * SubjectsPageSize, Limit: SubjectsPageSize})
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if len(rows) == 0 && page > 1 {
		http.Redirect(w, r, r.URL.Path, http.StatusFound) // past the last page: back to the first
		return
	}
	d := views.SubjectsData{Tab: tab, Total: total, CanCreate: learn.CanCreateSubject(u), Page: page,
		Pages: max(1, (total+SubjectsPageSize-1)/SubjectsPageSize)}
	for _, row := range rows {
		d.Subjects = append(d.Subjects, subjectCard(row.Subject, row.IsEnrolled, u))
	}
	base := r.URL.Path
	if page > 1 {
		d.PrevURL = base + "?page=" + strconv.Itoa(page-1)
	}
	if page < d.Pages {
		d.NextURL = base + "?page=" + strconv.Itoa(page+1)
	}
	title := "Subjects"
	if tab == "my" {
		title = "My subjects"
	}
	h.render(w, r, http.StatusOK, views.SubjectsPage(h.page(w, r, title, "subjects"), d))
}

// subjectByCode loads the subject named by the {code} path segment for the viewer
// (without its materials: the subject page reads coursework.SubjectPage).
func (h *Web) subjectByCode(w http.ResponseWriter, r *http.Request) (learn.Page, bool) {
	u, _ := identity(r.Context())
	p, err := h.st.Learn.SubjectByCode(r.Context(), u, learn.CodeFromSegment(r.PathValue("code")), false)
	if err != nil {
		h.fail(w, r, err, "")
		return learn.Page{}, false
	}
	return p, true
}

func (h *Web) subjectPage(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	sp, err := h.st.Coursework.SubjectPage(r.Context(), u, learn.CodeFromSegment(r.PathValue("code")))
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	d := h.subjectPageData(r.Context(), sp, u)
	if sp.Version == "" { // nothing kept (the cache failed): render it whole
		h.render(w, r, http.StatusOK, views.SubjectPage(h.page(w, r, sp.Subject.Name, "subjects"), d))
		return
	}
	h.cachedSubjectPage(w, r, u, sp.Version, d)
}

// subjectPageData is the subject page's view for its viewer.
func (h *Web) subjectPageData(ctx context.Context, sp coursework.SubjectPage, u store.User) views.SubjectPageData {
	s := sp.Subject
	id := strconv.FormatInt(s.ID, 10)
	base := learn.SubjectURL(s.Code)
	d := views.SubjectPageData{
		Subject: subjectCard(s, sp.Enrolled, u), CanSeeMaterials: sp.CanSeeMaterials,
		Materials: materialItems(ctx, sp.Page, h.st.Now()),
		EnrollURL: "/home/subjects/" + id + "/enroll/", UnenrollURL: "/home/subjects/" + id + "/unenroll/",
		EditURL: base + "edit/", AddMaterialURL: base + "materials/new/", OrderURL: "/api/subjects/" + id + "/materials/order/",
	}
	if sp.CanSeeMaterials {
		d.Coursework = courseworkData(ctx, sp.Overview, s, h.st.Now())
	}
	return d
}

// subjectForm reads the subject form (urlencoded); the whole form is sent every time.
// An instructor that is not a user id is the instructor field's error.
func subjectForm(f url.Values, canChoose bool) (learn.SubjectInput, views.SubjectFormData, error) {
	active := f.Get("is_active") != ""
	in := learn.SubjectInput{Name: learn.Str(f.Get("name")), Code: learn.Str(f.Get("code")),
		Description: learn.Str(f.Get("description")), Icon: learn.Str(f.Get("icon")), IsActive: &active}
	d := views.SubjectFormData{Name: f.Get("name"), Code: f.Get("code"), Description: f.Get("description"),
		Icon: f.Get("icon"), Active: active, Instructor: f.Get("instructor")}
	if canChoose && f.Has("instructor") {
		var id int64 // "" is nobody, like "0"
		if v := f.Get("instructor"); v != "" {
			var err error
			if id, err = strconv.ParseInt(v, 10, 64); err != nil {
				return in, d, problem.Field("instructor", "Choose an active instructor or admin.")
			}
		}
		in.InstructorID = &id
	}
	return in, d, nil
}

// showSubjectForm renders the form, with the pickers filled in.
func (h *Web) showSubjectForm(w http.ResponseWriter, r *http.Request, status int, d views.SubjectFormData) {
	u, _ := identity(r.Context())
	d.Icons = iconOptions()
	if d.Icon == "" {
		d.Icon = learn.DefaultIcon
	}
	if d.CanChooseInstructor = learn.CanChooseInstructor(u); d.CanChooseInstructor {
		teachers, err := h.st.Learn.Teachers(r.Context())
		if err != nil {
			h.fail(w, r, err, "")
			return
		}
		d.Teachers = []views.Option{{Value: "0", Label: "Nobody yet"}}
		for _, t := range teachers {
			d.Teachers = append(d.Teachers, views.Option{Value: strconv.FormatInt(t.ID, 10), Label: t.DisplayName() + " (@" + t.Username + ")"})
		}
	}
	title := "New subject"
	if d.Editing {
		title = "Edit " + d.SubjectName
	}
	h.render(w, r, status, views.SubjectFormPage(h.page(w, r, title, "subjects"), d))
}

func (h *Web) newSubjectForm(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	if !learn.CanCreateSubject(u) {
		h.fail(w, r, problem.ErrForbidden, "")
		return
	}
	h.showSubjectForm(w, r, http.StatusOK, views.SubjectFormData{Action: "/home/subjects/new/", CancelURL: "/home/subjects/",
		Icon: learn.DefaultIcon, Active: true, Instructor: strconv.FormatInt(u.ID, 10)})
}

func (h *Web) createSubject(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	if !learn.CanCreateSubject(u) {
		h.fail(w, r, problem.ErrForbidden, "")
		return
	}
	if !h.allow(w, r, h.st.Limits.Post) || !h.parseForm(w, r, formLimit) {
		return
	}
	in, d, err := subjectForm(r.PostForm, learn.CanChooseInstructor(u))
	var s store.Subject
	if err == nil {
		s, err = h.st.Learn.CreateSubject(r.Context(), u, in)
	}
	if fields, ok := invalidFields(r, err); ok {
		d.Action, d.CancelURL, d.Errors = "/home/subjects/new/", "/home/subjects/", formErrors(fields)
		h.showSubjectForm(w, r, http.StatusOK, d)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", s.Name+" is created. Add its first materials.")
	http.Redirect(w, r, learn.SubjectURL(s.Code), http.StatusSeeOther)
}

// managedSubject loads the {code} subject for its managers: 404 when the viewer may
// not see it, 403 when they may see but not manage it.
func (h *Web) managedSubject(w http.ResponseWriter, r *http.Request) (store.Subject, bool) {
	p, ok := h.subjectByCode(w, r)
	if !ok {
		return store.Subject{}, false
	}
	if !p.CanManage {
		h.fail(w, r, problem.ErrForbidden, "")
		return store.Subject{}, false
	}
	return p.Subject, true
}

func editFormOf(s store.Subject) views.SubjectFormData {
	base := learn.SubjectURL(s.Code)
	return views.SubjectFormData{Editing: true, SubjectName: s.Name, Action: base + "edit/", CancelURL: base,
		DeleteURL: base + "delete/"}
}

func (h *Web) editSubjectForm(w http.ResponseWriter, r *http.Request) {
	s, ok := h.managedSubject(w, r)
	if !ok {
		return
	}
	d := editFormOf(s)
	d.Name, d.Code, d.Description, d.Icon, d.Active = s.Name, s.Code, s.Description, learn.IconOf(s.Icon), s.IsActive
	d.Instructor = "0"
	if s.Instructor != nil {
		d.Instructor = strconv.FormatInt(s.Instructor.ID, 10)
	}
	h.showSubjectForm(w, r, http.StatusOK, d)
}

func (h *Web) updateSubject(w http.ResponseWriter, r *http.Request) {
	cur, ok := h.managedSubject(w, r)
	if !ok || !h.allow(w, r, h.st.Limits.Post) || !h.parseForm(w, r, formLimit) {
		return
	}
	u, _ := identity(r.Context())
	in, d, err := subjectForm(r.PostForm, learn.CanChooseInstructor(u))
	var s store.Subject
	if err == nil {
		s, err = h.st.Learn.UpdateSubject(r.Context(), u, cur.ID, in)
	}
	if fields, ok := invalidFields(r, err); ok {
		e := editFormOf(cur)
		d.Editing, d.SubjectName, d.Action, d.CancelURL, d.DeleteURL = true, e.SubjectName, e.Action, e.CancelURL, e.DeleteURL
		d.Errors = formErrors(fields)
		h.showSubjectForm(w, r, http.StatusOK, d)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "The subject is saved.")
	http.Redirect(w, r, learn.SubjectURL(s.Code), http.StatusSeeOther)
}

func (h *Web) deleteSubject(w http.ResponseWriter, r *http.Request) {
	s, ok := h.managedSubject(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	if err := h.st.Learn.DeleteSubject(r.Context(), u, s.ID); err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", s.Name+" is deleted.")
	http.Redirect(w, r, "/home/subjects/", http.StatusSeeOther)
}

// failEnrollment answers a refused enrollment: back on the subject's page with the
// reason, or on the list when the viewer may not see the subject.
func (h *Web) failEnrollment(w http.ResponseWriter, r *http.Request, u store.User, id int64, err error) {
	back := "/home/subjects/"
	p, lookup := h.st.Learn.SubjectByID(r.Context(), u, id, false)
	switch {
	case lookup == nil:
		back = learn.SubjectURL(p.Subject.Code)
	case !problem.Is(lookup, problem.KindNotFound):
		err = lookup // the database failed: that is the answer now
	}
	h.fail(w, r, err, back)
}

func (h *Web) enroll(w http.ResponseWriter, r *http.Request) {
	id, ok := h.learnID(w, r)
	if !ok || !h.allow(w, r, h.st.Limits.Enroll) {
		return
	}
	u, _ := identity(r.Context())
	res, err := h.st.Learn.Enroll(r.Context(), u, id)
	if err != nil {
		h.failEnrollment(w, r, u, id, err)
		return
	}
	msg := "You are enrolled in " + res.Subject.Name + "."
	switch res.Outcome {
	case store.ReEnrolled:
		msg = "Welcome back: you are enrolled in " + res.Subject.Name + " again."
	case store.AlreadyEnrolled:
		msg = "You are already enrolled in " + res.Subject.Name + "."
	}
	kind := "success"
	if res.Outcome == store.AlreadyEnrolled {
		kind = "info"
	}
	h.flash(w, r, kind, msg)
	http.Redirect(w, r, learn.SubjectURL(res.Subject.Code), http.StatusSeeOther)
}

func (h *Web) unenroll(w http.ResponseWriter, r *http.Request) {
	id, ok := h.learnID(w, r)
	if !ok || !h.allow(w, r, h.st.Limits.Enroll) {
		return
	}
	u, _ := identity(r.Context())
	s, changed, err := h.st.Learn.Unenroll(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	msg, kind := "You left "+s.Name+". You can enroll again at any time.", "success"
	if !changed {
		msg, kind = "You are not enrolled in "+s.Name+".", "warning"
	}
	h.flash(w, r, kind, msg)
	target := "/home/subjects/"
	if learn.CanSee(u, s) {
		target = learn.SubjectURL(s.Code)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// learnID reads a numeric {id}; anything else is a 404.
func (h *Web) learnID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, store.ErrNotFound, "")
		return 0, false
	}
	return id, true
}
