package web

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"eplatform/app/form"
	"eplatform/app/learn"
	"eplatform/app/problem"
	"eplatform/app/roster"
	"eplatform/app/store"
	"eplatform/views"
)

// Class lists: the admin's import (upload → dry-run preview → confirm) and a subject's
// enroll-a-list page for its instructor. The preview sends the checked text back with
// the confirm button, so nothing is kept on the server between the two steps; the
// import checks it all again.

func (h *Web) registerRoster(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/import/{$}", h.requireAdmin(h.adminImportForm))
	mux.HandleFunc("POST /admin/import/{$}", h.requireAdmin(h.adminImportPreview))
	mux.HandleFunc("POST /admin/import/confirm/{$}", h.requireAdmin(h.adminImport))
	mux.HandleFunc("GET /home/subjects/{code}/enroll-list/{$}", h.requireLogin(h.enrollListForm))
	mux.HandleFunc("POST /home/subjects/{code}/enroll-list/{$}", h.requireLogin(h.enrollList))
}

func (h *Web) renderImport(w http.ResponseWriter, r *http.Request, d views.ImportData) {
	h.render(w, r, http.StatusOK, views.AdminImport(h.page(w, r, "Import · Admin", "admin"), d))
}

func (h *Web) adminImportForm(w http.ResponseWriter, r *http.Request) {
	h.renderImport(w, r, views.ImportData{Stage: "upload"})
}

// readClassList reads the upload and spends the class-list rate limit; a problem of
// the file as a whole is shown on the upload form, anything else answered.
func (h *Web) readClassList(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	data, err := roster.ReadRequest(w, r)
	if err == nil && !h.allow(w, r, h.st.Limits.ClassList) {
		return nil, false
	}
	if !h.fileProblem(w, r, err) {
		return nil, false
	}
	return data, true
}

// fileProblem shows a refusal of the file as a whole on the upload form and returns
// false; other errors are answered by fail. nil returns true.
func (h *Web) fileProblem(w http.ResponseWriter, r *http.Request, err error) bool {
	if err == nil {
		return true
	}
	if fields, ok := invalidFields(r, err); ok && len(fields["file"]) > 0 {
		h.renderImport(w, r, views.ImportData{Stage: "upload", Errors: fields["file"]})
		return false
	}
	h.fail(w, r, err, "")
	return false
}

func (h *Web) adminImportPreview(w http.ResponseWriter, r *http.Request) {
	data, ok := h.readClassList(w, r)
	if !ok {
		return
	}
	me, _ := identity(r.Context())
	rep, err := h.st.Roster.Preview(r.Context(), me, data)
	if !h.fileProblem(w, r, err) {
		return
	}
	h.renderImport(w, r, views.ImportData{Stage: "preview", Rows: importRows(rep), Bad: rep.Bad, CSV: string(data)})
}

func (h *Web) adminImport(w http.ResponseWriter, r *http.Request) {
	data, ok := h.readClassList(w, r)
	if !ok {
		return
	}
	me, _ := identity(r.Context())
	rep, err := h.st.Roster.Import(r.Context(), me, data)
	if rep.Bad > 0 {
		// Taken meanwhile (another admin, a signup): the preview again, with the errors.
		h.renderImport(w, r, views.ImportData{Stage: "preview", Rows: importRows(rep), Bad: rep.Bad, CSV: string(data)})
		return
	}
	if !h.fileProblem(w, r, err) {
		return
	}
	h.renderImport(w, r, views.ImportData{Stage: "done", Rows: importRows(rep), Mailed: rep.Mailed, MailErrors: rep.MailErrors})
}

func importRows(rep roster.Report) []views.ImportRow {
	out := make([]views.ImportRow, len(rep.Rows))
	for i, row := range rep.Rows {
		v := views.ImportRow{Line: row.Line, Username: row.Username, Email: row.Email,
			Name: strings.TrimSpace(row.FirstName + " " + row.LastName), Role: row.UserType, Birthdate: row.Birthdate,
			Subjects: strings.Join(row.Subjects, " "), Created: row.ID != 0}
		for _, field := range slices.Sorted(maps.Keys(row.Errors)) {
			name := field + ": "
			if field == form.NonField {
				name = ""
			}
			for _, m := range row.Errors[field] {
				v.Errors = append(v.Errors, name+m)
			}
		}
		out[i] = v
	}
	return out
}

func enrollListData(s store.Subject) views.EnrollListData {
	base := learn.SubjectURL(s.Code)
	return views.EnrollListData{SubjectName: s.Name, SubjectURL: base, Action: base + "enroll-list/"}
}

func (h *Web) enrollListForm(w http.ResponseWriter, r *http.Request) {
	s, ok := h.managedSubject(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, views.EnrollListPage(h.page(w, r, "Enrol students · "+s.Name, "subjects"), enrollListData(s)))
}

func (h *Web) enrollList(w http.ResponseWriter, r *http.Request) {
	s, ok := h.managedSubject(w, r)
	if !ok || !h.allow(w, r, h.st.Limits.ClassList) || !h.parseForm(w, r, 3*roster.MaxBytes) {
		return
	}
	u, _ := identity(r.Context())
	d := enrollListData(s)
	d.Text = r.PostFormValue("users")
	res, err := h.st.Roster.EnrollList(r.Context(), u, s.ID, roster.SplitList(d.Text))
	if fields, ok := invalidFields(r, err); ok {
		d.Errors = fields["users"]
		h.render(w, r, http.StatusOK, views.EnrollListPage(h.page(w, r, "Enrol students · "+s.Name, "subjects"), d))
		return
	}
	if problem.Is(err, problem.KindTooLarge) {
		d.Errors = []string{err.Error()}
		h.render(w, r, http.StatusRequestEntityTooLarge, views.EnrollListPage(h.page(w, r, "Enrol students · "+s.Name, "subjects"), d))
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	d.Done, d.Enrolled, d.StudentsCount, d.Text = true, res.Enrolled, res.StudentsCount, ""
	for _, l := range res.Lines {
		d.Lines = append(d.Lines, views.EnrollLine{Entry: l.Entry, Username: l.Username, Outcome: l.Outcome})
	}
	h.render(w, r, http.StatusOK, views.EnrollListPage(h.page(w, r, "Enrol students · "+s.Name, "subjects"), d))
}
