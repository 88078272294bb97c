package web

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"eplatform/app/form"
	"eplatform/app/learn"
	"eplatform/app/limit"
	"eplatform/app/media"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/views"
)

// readMaterialForm reads the material form — multipart with the file streamed to disk,
// or urlencoded without one — into the rules' input (the whole form is sent every
// time, so a missing field is an empty one). A refused upload becomes the file
// field's error (with the status 413 when it was too large); ok is false when the
// response was written.
func (h *Web) readMaterialForm(w http.ResponseWriter, r *http.Request) (in learn.MaterialInput, d views.MaterialFormData, errs form.Errors, status int, ok bool) {
	u, _ := identity(r.Context())
	status = http.StatusOK
	r.Body = http.MaxBytesReader(w, r.Body, media.MaxMaterialBody)
	values, file, err := h.st.Media.ReadMaterialForm(r, "file", func() error {
		return limit.Check(r.Context(), h.st.Limiter, h.st.Limits.Upload, limit.UserKey(u.ID))
	})
	ue, refused := media.IsUploadError(err)
	switch {
	case errors.Is(err, media.ErrNotMultipart):
		if !h.parseForm(w, r, formLimit) {
			return in, d, nil, 0, false
		}
		values = r.PostForm
	case refused:
		// Shown next to the field like any other form error; too large is a 413.
		errs = form.Errors{"file": {ue.Message}}
		if ue.Kind == problem.KindTooLarge {
			status = http.StatusRequestEntityTooLarge
		}
	case err != nil:
		h.fail(w, r, err, "")
		return in, d, nil, 0, false
	}
	if values == nil {
		values = url.Values{}
	}
	active := values.Get("is_active") != ""
	in = learn.MaterialInput{
		Kind: learn.Str(values.Get("type")), Title: learn.Str(values.Get("title")),
		Description: learn.Str(values.Get("description")), ExternalURL: learn.Str(values.Get("external_url")),
		Due: learn.Str(values.Get("due_at")), IsActive: &active, File: file,
		RemoveFile: values.Get("remove_file") != "",
	}
	d = views.MaterialFormData{Kind: values.Get("type"), Title: values.Get("title"), Description: values.Get("description"),
		ExternalURL: values.Get("external_url"), Due: values.Get("due_at"), Active: active}
	return in, d, errs, status, true
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

// materialFormFailed answers a material form with errors: JSON for scripts, else the
// form again with the messages.
func (h *Web) materialFormFailed(w http.ResponseWriter, r *http.Request, status int, s store.Subject, d views.MaterialFormData, errs form.Errors) {
	if wantsJSON(r) {
		if status == http.StatusOK {
			status = http.StatusBadRequest
		}
		msg := "Please correct the errors."
		for _, field := range []string{"file", "type", "title", "external_url", "due_at", "description"} {
			if len(errs[field]) > 0 {
				msg = errs[field][0]
				break
			}
		}
		writeJSON(w, status, map[string]any{"errors": errs, "message": msg})
		return
	}
	d.Errors = formErrors(errs)
	h.showMaterialForm(w, r, status, s, d)
}

func (h *Web) newMaterialForm(w http.ResponseWriter, r *http.Request) {
	s, ok := h.managedSubject(w, r)
	if !ok {
		return
	}
	base := learn.SubjectURL(s.Code)
	h.showMaterialForm(w, r, http.StatusOK, s, views.MaterialFormData{Action: base + "materials/new/", CancelURL: base,
		Kind: learn.Document, Active: true})
}

func (h *Web) createMaterial(w http.ResponseWriter, r *http.Request) {
	s, ok := h.managedSubject(w, r)
	if !ok || !h.allow(w, r, h.st.Limits.Post) {
		return
	}
	in, d, errs, status, ok := h.readMaterialForm(w, r)
	if !ok {
		return
	}
	base := learn.SubjectURL(s.Code)
	d.Action, d.CancelURL = base+"materials/new/", base
	if len(errs) > 0 {
		h.materialFormFailed(w, r, status, s, d, errs)
		return
	}
	u, _ := identity(r.Context())
	m, errs, err := h.st.Learn.AddMaterial(r.Context(), u, s.ID, in)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if len(errs) > 0 {
		h.materialFormFailed(w, r, http.StatusOK, s, d, errs)
		return
	}
	target := base + "#material-" + strconv.FormatInt(m.ID, 10)
	if wantsJSON(r) {
		writeJSON(w, http.StatusCreated, map[string]any{"id": m.ID, "url": target})
		return
	}
	h.flash(w, r, "success", "“"+m.Title+"” is added.")
	http.Redirect(w, r, target, http.StatusSeeOther)
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

func editMaterialOf(a learn.Access) views.MaterialFormData {
	id := strconv.FormatInt(a.Material.ID, 10)
	d := views.MaterialFormData{Editing: true, Action: "/home/materials/" + id + "/edit/",
		CancelURL: learn.SubjectURL(a.Subject.Code) + "#material-" + id, DeleteURL: "/home/materials/" + id + "/delete/"}
	if a.Material.File != nil {
		item := materialItem(a.Material, a.Material.UpdatedAt)
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
	d := editMaterialOf(a)
	d.Kind, d.Title, d.Description, d.ExternalURL, d.Due, d.Active = m.Kind, m.Title, m.Description, m.ExternalURL, dueInput(m.DueAt), m.IsActive
	h.showMaterialForm(w, r, http.StatusOK, a.Subject, d)
}

func (h *Web) updateMaterial(w http.ResponseWriter, r *http.Request) {
	a, ok := h.managedMaterial(w, r)
	if !ok || !h.allow(w, r, h.st.Limits.Post) {
		return
	}
	in, d, errs, status, ok := h.readMaterialForm(w, r)
	if !ok {
		return
	}
	e := editMaterialOf(a)
	d.Editing, d.Action, d.CancelURL, d.DeleteURL, d.CurrentFile = true, e.Action, e.CancelURL, e.DeleteURL, e.CurrentFile
	if len(errs) > 0 {
		h.materialFormFailed(w, r, status, a.Subject, d, errs)
		return
	}
	u, _ := identity(r.Context())
	m, errs, err := h.st.Learn.UpdateMaterial(r.Context(), u, a.Material.ID, in)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if len(errs) > 0 {
		h.materialFormFailed(w, r, http.StatusOK, a.Subject, d, errs)
		return
	}
	target := learn.SubjectURL(a.Subject.Code) + "#material-" + strconv.FormatInt(m.ID, 10)
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"id": m.ID, "url": target})
		return
	}
	h.flash(w, r, "success", "“"+m.Title+"” is saved.")
	http.Redirect(w, r, target, http.StatusSeeOther)
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
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"deleted": true})
		return
	}
	h.flash(w, r, "success", "The material is deleted.")
	http.Redirect(w, r, learn.SubjectURL(s.Code)+"#materials-title", http.StatusSeeOther)
}

// moveMaterial is the no-JS reorder: direction=up or down.
func (h *Web) moveMaterial(w http.ResponseWriter, r *http.Request) {
	id, ok := h.learnID(w, r)
	if !ok || !h.parseForm(w, r, formLimit) {
		return
	}
	delta := 0
	switch r.PostForm.Get("direction") {
	case "up":
		delta = -1
	case "down":
		delta = 1
	default:
		h.errorPage(w, r, http.StatusBadRequest, "", "Move a material up or down.")
		return
	}
	u, _ := identity(r.Context())
	s, err := h.st.Learn.MoveMaterial(r.Context(), u, id, delta)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"moved": true})
		return
	}
	http.Redirect(w, r, learn.SubjectURL(s.Code)+"#material-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// orderMaterials is the drag and drop reorder: the subject's material ids in their new
// order, as JSON {"order": [3, 1, 2]} or a form field order=3,1,2.
func (h *Web) orderMaterials(w http.ResponseWriter, r *http.Request) {
	s, ok := h.managedSubject(w, r)
	if !ok {
		return
	}
	var ids []int64
	bad := false
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/json" {
		var body struct {
			Order []int64 `json:"order"`
		}
		dec := json.NewDecoder(io.LimitReader(r.Body, formLimit))
		bad = dec.Decode(&body) != nil
		ids = body.Order
	} else {
		if !h.parseForm(w, r, formLimit) {
			return
		}
		for _, part := range strings.Split(r.PostForm.Get("order"), ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			if err != nil {
				bad = true
				break
			}
			ids = append(ids, n)
		}
	}
	u, _ := identity(r.Context())
	var err error = learn.ErrBadOrder
	if !bad {
		err = h.st.Learn.ReorderMaterials(r.Context(), u, s.ID, ids)
	}
	if err != nil {
		h.fail(w, r, err, learn.SubjectURL(s.Code))
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"order": ids})
		return
	}
	http.Redirect(w, r, learn.SubjectURL(s.Code)+"#materials-title", http.StatusSeeOther)
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
	u, _ := identity(r.Context())
	d := views.MaterialPageData{Subject: subjectCard(a.Subject, false, u), Material: materialItem(a.Material, h.st.Now()),
		CanManage: a.CanManage}
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
