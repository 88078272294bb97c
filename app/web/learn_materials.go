package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"eplatform/app/learn"
	"eplatform/app/limit"
	"eplatform/app/media"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/views"
)

// readMaterialForm reads the material form — multipart with the file streamed to disk,
// or urlencoded without one — into the rules' input (the whole form is sent every
// time, so a missing field is an empty one). A refused upload is returned as the file
// field's problem (413 when it was too large), for the form to show; ok is false when
// the response was written.
func (h *Web) readMaterialForm(w http.ResponseWriter, r *http.Request) (in learn.MaterialInput, d views.MaterialFormData, refused error, ok bool) {
	values, file, refused, ok := h.readUpload(w, r, media.MaxMaterialBody, h.st.Media.ReadMaterialForm)
	if !ok {
		return in, d, nil, false
	}
	active := values.Get("is_active") != ""
	in = learn.MaterialInput{
		Kind: learn.Str(values.Get("type")), Title: learn.Str(values.Get("title")),
		Description: learn.Str(values.Get("description")), ExternalURL: learn.Str(values.Get("external_url")),
		Due: learn.Str(dueFromForm(r.Context(), values.Get("due_at"))), IsActive: &active, File: file,
		RemoveFile: values.Get("remove_file") != "",
	}
	if values.Has("max_marks") {
		n, err := strconv.Atoi(strings.TrimSpace(values.Get("max_marks")))
		if err != nil {
			// Not a whole number reads as 0, which the rules refuse for an assignment
			// (and ignore for the other kinds, whose form hides the field).
			n = 0
		}
		in.MaxMarks = &n
	}
	if values.Has("late_policy") {
		in.LatePolicy = learn.Str(values.Get("late_policy"))
	}
	d = views.MaterialFormData{Kind: values.Get("type"), Title: values.Get("title"), Description: values.Get("description"),
		ExternalURL: values.Get("external_url"), Due: values.Get("due_at"), Active: active,
		MaxMarks: values.Get("max_marks"), LatePolicy: values.Get("late_policy")}
	return in, d, refused, true
}

// uploadReader is media's ReadMaterialForm or ReadSubmissionForm.
type uploadReader func(r *http.Request, fileField string, onFile func() error) (url.Values, *media.MaterialFile, error)

// readUpload reads a form with at most one file, in the field "file": multipart with
// the file streamed to disk by read (within maxBody, spending the upload rate limit),
// or urlencoded without one. A refused upload is returned as the file field's problem
// (413 when it was too large) with the fields read before it, for the form to show;
// ok is false when the response was written.
func (h *Web) readUpload(w http.ResponseWriter, r *http.Request, maxBody int64, read uploadReader) (values url.Values, file *media.MaterialFile, refused error, ok bool) {
	u, _ := identity(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	values, file, err := read(r, "file", func() error {
		return limit.Check(r.Context(), h.st.Limiter, h.st.Limits.Upload, limit.UserKey(u.ID))
	})
	ue, isUpload := media.IsUploadError(err)
	switch {
	case errors.Is(err, media.ErrNotMultipart):
		if !h.parseForm(w, r, formLimit) {
			return nil, nil, nil, false
		}
		values = r.PostForm
	case isUpload:
		refused = ue.WithField("file")
	case err != nil:
		h.fail(w, r, err, "")
		return nil, nil, nil, false
	}
	if values == nil {
		values = url.Values{}
	}
	return values, file, refused, true
}

// showMaterialForm renders the material form for subject s.
func (h *Web) showMaterialForm(w http.ResponseWriter, r *http.Request, status int, s store.Subject, d views.MaterialFormData) {
	u, _ := identity(r.Context())
	d.Subject = subjectCard(s, false, u)
	d.Kinds = kindOptions()
	if d.Kind == "" {
		d.Kind = learn.Document
	}
	title := "Add material"
	if d.Editing {
		title = "Edit material"
	}
	h.render(w, r, status, views.MaterialFormPage(h.page(w, r, title+" · "+s.Name, "subjects"), d))
}

// materialFormFailed answers a refused material form: the form again with the fields'
// messages (with 413 when the file was too large), or, for a fragment request or any
// other refusal, the one error writer.
func (h *Web) materialFormFailed(w http.ResponseWriter, r *http.Request, err error, s store.Subject, d views.MaterialFormData) {
	if fields, ok := invalidFields(r, err); ok {
		d.Errors = formErrors(fields)
		h.showMaterialForm(w, r, http.StatusOK, s, d)
		return
	}
	if p, ok := problem.As(err); ok && p.Kind == problem.KindTooLarge && len(p.Fields) > 0 && !wantsFragment(r) {
		d.Errors = formErrors(p.Fields)
		h.showMaterialForm(w, r, http.StatusRequestEntityTooLarge, s, d)
		return
	}
	h.fail(w, r, err, "")
}

// materialRowFragment answers a script's material form with the material as its
// subject's page lists it; the script then goes to that page.
func (h *Web) materialRowFragment(w http.ResponseWriter, r *http.Request, status int, s store.Subject, m store.Material) {
	u, _ := identity(r.Context())
	h.renderFragment(w, r, status, views.MaterialRow(views.Page{Viewer: viewerOf(u), Asset: h.assets.URL},
		subjectCard(s, false, u), materialItem(r.Context(), m, h.st.Now())))
}

func (h *Web) newMaterialForm(w http.ResponseWriter, r *http.Request) {
	s, ok := h.managedSubject(w, r)
	if !ok {
		return
	}
	base := learn.SubjectURL(s.Code)
	h.showMaterialForm(w, r, http.StatusOK, s, views.MaterialFormData{Action: base + "materials/new/", CancelURL: base,
		Kind: learn.Document, Active: true, MaxMarks: strconv.Itoa(learn.DefaultMaxMarks), LatePolicy: learn.LateAccept})
}

func (h *Web) createMaterial(w http.ResponseWriter, r *http.Request) {
	s, ok := h.managedSubject(w, r)
	if !ok || !h.allow(w, r, h.st.Limits.Post) {
		return
	}
	in, d, err, ok := h.readMaterialForm(w, r)
	if !ok {
		return
	}
	base := learn.SubjectURL(s.Code)
	d.Action, d.CancelURL = base+"materials/new/", base
	var m store.Material
	if err == nil {
		u, _ := identity(r.Context())
		m, err = h.st.Learn.AddMaterial(r.Context(), u, s.ID, in)
	}
	if err != nil {
		h.materialFormFailed(w, r, err, s, d)
		return
	}
	h.flash(w, r, "success", "“"+m.Title+"” is added.")
	if wantsFragment(r) {
		h.materialRowFragment(w, r, http.StatusCreated, s, m)
		return
	}
	http.Redirect(w, r, base+"#material-"+strconv.FormatInt(m.ID, 10), http.StatusSeeOther)
}

// managedMaterial loads the {id} material and its subject for their managers.
func (h *Web) managedMaterial(w http.ResponseWriter, r *http.Request) (learn.Access, bool) {
	id, ok := h.learnID(w, r)
	if !ok {
		return learn.Access{}, false
	}
	u, _ := identity(r.Context())
	a, err := h.st.Learn.OpenMaterial(r.Context(), u, id, false)
	if err == nil && !a.CanManage {
		err = problem.ErrForbidden
	}
	if err != nil {
		h.fail(w, r, err, "")
		return learn.Access{}, false
	}
	return a, true
}

func editMaterialOf(ctx context.Context, a learn.Access) views.MaterialFormData {
	id := strconv.FormatInt(a.Material.ID, 10)
	d := views.MaterialFormData{Editing: true, Action: "/home/materials/" + id + "/edit/",
		CancelURL: learn.SubjectURL(a.Subject.Code) + "#material-" + id, DeleteURL: "/home/materials/" + id + "/delete/"}
	if a.Material.File != nil {
		item := materialItem(ctx, a.Material, a.Material.UpdatedAt)
		d.CurrentFile = &item
	}
	return d
}

func (h *Web) editMaterialForm(w http.ResponseWriter, r *http.Request) {
	a, ok := h.managedMaterial(w, r)
	if !ok {
		return
	}
	m := a.Material
	d := editMaterialOf(r.Context(), a)
	d.Kind, d.Title, d.Description, d.ExternalURL, d.Due, d.Active = m.Kind, m.Title, m.Description, m.ExternalURL, dueInput(r.Context(), m.DueAt), m.IsActive
	d.MaxMarks, d.LatePolicy = strconv.Itoa(m.MaxMarks), m.LatePolicy
	h.showMaterialForm(w, r, http.StatusOK, a.Subject, d)
}

func (h *Web) updateMaterial(w http.ResponseWriter, r *http.Request) {
	a, ok := h.managedMaterial(w, r)
	if !ok || !h.allow(w, r, h.st.Limits.Post) {
		return
	}
	in, d, err, ok := h.readMaterialForm(w, r)
	if !ok {
		return
	}
	e := editMaterialOf(r.Context(), a)
	d.Editing, d.Action, d.CancelURL, d.DeleteURL, d.CurrentFile = true, e.Action, e.CancelURL, e.DeleteURL, e.CurrentFile
	var m store.Material
	if err == nil {
		u, _ := identity(r.Context())
		m, err = h.st.Learn.UpdateMaterial(r.Context(), u, a.Material.ID, in)
	}
	if err != nil {
		h.materialFormFailed(w, r, err, a.Subject, d)
		return
	}
	h.flash(w, r, "success", "“"+m.Title+"” is saved.")
	if wantsFragment(r) {
		h.materialRowFragment(w, r, http.StatusOK, a.Subject, m)
		return
	}
	http.Redirect(w, r, learn.SubjectURL(a.Subject.Code)+"#material-"+strconv.FormatInt(m.ID, 10), http.StatusSeeOther)
}

func (h *Web) deleteMaterial(w http.ResponseWriter, r *http.Request) {
	id, ok := h.learnID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	s, err := h.st.Learn.DeleteMaterial(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "The material is deleted.")
	http.Redirect(w, r, learn.SubjectURL(s.Code)+"#materials-title", http.StatusSeeOther)
}

// moveDelta reads the direction field of a move form: up or down.
func moveDelta(r *http.Request) (int, error) {
	switch r.PostForm.Get("direction") {
	case "up":
		return -1, nil
	case "down":
		return 1, nil
	}
	return 0, problem.Field("direction", "Choose up or down.")
}

// moveMaterial is the reorder of the arrow buttons (learn.js moves in place and saves
// the whole order through the API instead).
func (h *Web) moveMaterial(w http.ResponseWriter, r *http.Request) {
	id, ok := h.learnID(w, r)
	if !ok || !h.parseForm(w, r, formLimit) {
		return
	}
	delta, err := moveDelta(r)
	var s store.Subject
	if err == nil {
		u, _ := identity(r.Context())
		s, err = h.st.Learn.MoveMaterial(r.Context(), u, id, delta)
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	http.Redirect(w, r, learn.SubjectURL(s.Code)+"#material-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// openMaterial checks the viewer may see the {id} material, recording the view of a
// student when record is set.
func (h *Web) openMaterial(w http.ResponseWriter, r *http.Request, record bool) (learn.Access, bool) {
	id, ok := h.learnID(w, r)
	if !ok {
		return learn.Access{}, false
	}
	u, _ := identity(r.Context())
	a, err := h.st.Learn.OpenMaterial(r.Context(), u, id, record)
	if err != nil {
		h.fail(w, r, err, "")
		return learn.Access{}, false
	}
	return a, true
}

func (h *Web) materialPage(w http.ResponseWriter, r *http.Request) {
	a, ok := h.openMaterial(w, r, true)
	if !ok {
		return
	}
	d, err := h.materialPageData(r, a)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.render(w, r, http.StatusOK, views.MaterialPage(h.page(w, r, a.Material.Title, "subjects"), d))
}

// openMaterialLink records the view and sends the browser on to the material's link.
func (h *Web) openMaterialLink(w http.ResponseWriter, r *http.Request) {
	a, ok := h.openMaterial(w, r, true)
	if !ok {
		return
	}
	if a.Material.ExternalURL == "" {
		http.Redirect(w, r, learn.MaterialURL(a.Material.ID), http.StatusSeeOther)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, a.Material.ExternalURL, http.StatusSeeOther)
}

// serveMaterialFile serves a material's file to those who may see the material (its
// subject's students, instructor and admins) and no one else: the URL names the
// material, and the file must be its own. Documents download under their real name;
// videos play in place with range requests. A download, or the first request of a
// video, counts as a view.
func (h *Web) serveMaterialFile(w http.ResponseWriter, r *http.Request) {
	rng := r.Header.Get("Range")
	record := r.Method == http.MethodGet && (rng == "" || strings.HasPrefix(rng, "bytes=0-"))
	a, ok := h.openMaterial(w, r, record)
	if !ok {
		return
	}
	f := a.Material.File
	if f == nil || path.Base(f.Path) != r.PathValue("name") {
		h.notFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", f.ContentType)
	hd.Set("Cache-Control", "private, no-cache") // revalidated, so a lost enrollment takes effect at once
	if f.Kind != media.Video {
		media.SetDisposition(w, "attachment", f.Name)
	}
	if h.st.Media.ServeFile(w, r, f.Path) != nil {
		hd.Del("Content-Disposition")
		hd.Del("Cache-Control")
		h.notFound(w, r)
	}
}
