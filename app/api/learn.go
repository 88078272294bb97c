package api

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"eplatform/app/form"
	"eplatform/app/learn"
	"eplatform/app/limit"
	"eplatform/app/media"
	"eplatform/app/notify"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
)

// SubjectJSON is the API's Subject.
type SubjectJSON struct {
	ID            int64            `json:"id"`
	Code          string           `json:"code"`
	Name          string           `json:"name"`
	Description   string           `json:"description"`
	Icon          string           `json:"icon"`
	IconName      string           `json:"icon_name"` // the original's field name
	IsActive      bool             `json:"is_active"`
	IsEnrolled    bool             `json:"is_enrolled"`
	StudentsCount int              `json:"students_count"`
	Instructor    *notify.UserMini `json:"instructor"`
	CanManage     bool             `json:"can_manage"`
	URL           string           `json:"url"`
	CreatedAt     string           `json:"created_at"`
	UpdatedAt     string           `json:"updated_at"`
}

// SubjectDetailJSON adds the materials, for those who may see them (null otherwise).
type SubjectDetailJSON struct {
	SubjectJSON
	CanViewMaterials bool            `json:"can_view_materials"`
	Materials        *[]MaterialJSON `json:"materials"`
}

// MaterialJSON is the API's Material.
type MaterialJSON struct {
	ID          int64   `json:"id"`
	Subject     int64   `json:"subject"`
	Type        string  `json:"type"`
	Title       string  `json:"title"`
	Description string  `json:"description"`
	FileURL     *string `json:"file_url"`
	FileName    *string `json:"file_name"`
	FileSize    *int64  `json:"file_size"`
	ContentType *string `json:"content_type"`
	ExternalURL *string `json:"external_url"`
	DueAt       *string `json:"due_at"`
	Position    int     `json:"position"`
	IsActive    bool    `json:"is_active"`
	MaxMarks    int     `json:"max_marks"`
	LatePolicy  string  `json:"late_policy"`
	URL         string  `json:"url"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

func (a *API) subjectJSON(s store.Subject, enrolled bool, v store.User) SubjectJSON {
	out := SubjectJSON{ID: s.ID, Code: s.Code, Name: s.Name, Description: s.Description, Icon: learn.IconOf(s.Icon),
		IconName: learn.IconOf(s.Icon), IsActive: s.IsActive, IsEnrolled: enrolled, StudentsCount: s.StudentsCount,
		CanManage: learn.CanManage(v, s), URL: a.st.Config.BaseURL + learn.SubjectURL(s.Code),
		CreatedAt: iso(s.CreatedAt), UpdatedAt: iso(s.UpdatedAt)}
	if s.Instructor != nil {
		m := notify.Mini(*s.Instructor)
		out.Instructor = &m
	}
	return out
}

func (a *API) materialJSON(m store.Material) MaterialJSON {
	out := MaterialJSON{ID: m.ID, Subject: m.SubjectID, Type: m.Kind, Title: m.Title, Description: m.Description,
		Position: m.Position, IsActive: m.IsActive, MaxMarks: m.MaxMarks, LatePolicy: m.LatePolicy,
		URL:       a.st.Config.BaseURL + learn.MaterialURL(m.ID),
		CreatedAt: iso(m.CreatedAt), UpdatedAt: iso(m.UpdatedAt)}
	if f := m.File; f != nil {
		u, name, size, ct := a.st.Config.BaseURL+media.MaterialFileURL(m.ID, f.Path), f.Name, f.Size, f.ContentType
		out.FileURL, out.FileName, out.FileSize, out.ContentType = &u, &name, &size, &ct
	}
	if m.ExternalURL != "" {
		u := m.ExternalURL
		out.ExternalURL = &u
	}
	if !m.DueAt.IsZero() {
		d := iso(m.DueAt)
		out.DueAt = &d
	}
	return out
}

// learnBool reads a boolean field: JSON true/false, or "true"/"false"/"1"/"0"/"on"
// from a form. nil when absent.
func learnBool(f *fields, name string) *bool {
	switch v := f.m[name].(type) {
	case nil:
		if f.has(name) {
			f.errs.Add(name, "Must be true or false.")
		}
		return nil
	case bool:
		return &v
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "1", "on", "yes":
			b := true
			return &b
		case "false", "0", "off", "no", "":
			b := false
			return &b
		}
	}
	f.errs.Add(name, "Must be true or false.")
	return nil
}

// learnInt reads an integer field (JSON number or numeric string); null reads as 0.
func learnInt(f *fields, name string) *int64 {
	if !f.has(name) {
		return nil
	}
	var n int64
	switch v := f.m[name].(type) {
	case nil:
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			f.errs.Add(name, "A valid integer is required.")
			return nil
		}
		n = int64(v)
	case string:
		var err error
		if n, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
			f.errs.Add(name, "A valid integer is required.")
			return nil
		}
	default:
		f.errs.Add(name, "A valid integer is required.")
		return nil
	}
	return &n
}

// learnStr reads an optional string field: nil when absent; null reads as "".
func learnStr(f *fields, name string) *string {
	if !f.has(name) {
		return nil
	}
	s := f.str(name)
	return &s
}

func (a *API) listSubjects(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pg, errs := readPaging(r, defaultPageSize)
	lq := learn.ListQuery{Offset: pg.offset(), Limit: pg.Size}
	mine, ok := parseBool(q.Get("mine"))
	if !ok {
		errs["mine"] = []string{"Must be true or false."}
	}
	lq.Mine = mine != nil && *mine
	empty := false
	if s := strings.TrimSpace(q.Get("search")); s != "" {
		lq.Search = text.FTSQuery(s)
		empty = lq.Search == "" // only punctuation: nothing matches
	}
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	v := viewer(r)
	out := []SubjectJSON{}
	count := 0
	if !empty {
		rows, n, err := a.st.Learn.List(r.Context(), v, lq)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		count = n
		for _, row := range rows {
			out = append(out, a.subjectJSON(row.Subject, row.IsEnrolled, v))
		}
	}
	writeJSON(w, http.StatusOK, a.newListPage(r, pg, count, out))
}

// subjectInput reads a subject body; required names fields a PUT or POST must have.
func subjectInput(w http.ResponseWriter, r *http.Request, required bool) (learn.SubjectInput, bool) {
	f, ok := readFields(w, r)
	if !ok {
		return learn.SubjectInput{}, false
	}
	in := learn.SubjectInput{Name: learnStr(f, "name"), Code: learnStr(f, "code"), Description: learnStr(f, "description"),
		Icon: learnStr(f, "icon"), IsActive: learnBool(f, "is_active"), InstructorID: learnInt(f, "instructor_id")}
	if in.Icon == nil {
		in.Icon = learnStr(f, "icon_name")
	}
	errs := f.merge(nil)
	if required {
		for _, name := range []string{"name", "code"} {
			if !f.has(name) && !errs.Has(name) {
				errs.Add(name, "This field is required.")
			}
		}
	}
	if len(errs) > 0 {
		fieldErrors(w, errs)
		return learn.SubjectInput{}, false
	}
	return in, true
}

func (a *API) createSubject(w http.ResponseWriter, r *http.Request) {
	v := viewer(r)
	if !learn.CanCreateSubject(v) {
		a.fail(w, r, problem.ErrForbidden)
		return
	}
	if a.limited(w, r, a.st.Limits.Post) {
		return
	}
	in, ok := subjectInput(w, r, true)
	if !ok {
		return
	}
	s, err := a.st.Learn.CreateSubject(r.Context(), v, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, a.subjectJSON(s, false, v))
}

func (a *API) getSubject(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	v := viewer(r)
	p, err := a.st.Learn.SubjectByID(r.Context(), v, id, true)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := SubjectDetailJSON{SubjectJSON: a.subjectJSON(p.Subject, p.Enrolled, v), CanViewMaterials: p.CanSeeMaterials}
	if p.CanSeeMaterials {
		list := make([]MaterialJSON, len(p.Materials))
		for i, m := range p.Materials {
			list[i] = a.materialJSON(m)
		}
		out.Materials = &list
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) updateSubject(w http.ResponseWriter, r *http.Request, required bool) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Post) {
		return
	}
	in, ok := subjectInput(w, r, required)
	if !ok {
		return
	}
	v := viewer(r)
	if _, err := a.st.Learn.UpdateSubject(r.Context(), v, id, in); err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.st.Learn.SubjectByID(r.Context(), v, id, false)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.subjectJSON(p.Subject, p.Enrolled, v))
}

func (a *API) putSubject(w http.ResponseWriter, r *http.Request)   { a.updateSubject(w, r, true) }
func (a *API) patchSubject(w http.ResponseWriter, r *http.Request) { a.updateSubject(w, r, false) }

func (a *API) deleteSubject(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if err := a.st.Learn.DeleteSubject(r.Context(), viewer(r), id); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// EnrollJSON is the answer to enroll and unenroll.
type EnrollJSON struct {
	Status        string `json:"status"`
	Outcome       string `json:"outcome"` // enrolled, re-enrolled, already enrolled, unenrolled, not enrolled
	Message       string `json:"message"`
	IsEnrolled    bool   `json:"is_enrolled"`
	StudentsCount int    `json:"students_count"`
}

func (a *API) enrollSubject(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Enroll) {
		return
	}
	res, err := a.st.Learn.Enroll(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	msg := "Successfully enrolled in " + res.Subject.Name + "."
	switch res.Outcome {
	case store.ReEnrolled:
		msg = "Successfully re-enrolled in " + res.Subject.Name + "."
	case store.AlreadyEnrolled:
		msg = "You are already enrolled in " + res.Subject.Name + "."
	}
	writeJSON(w, http.StatusOK, EnrollJSON{Status: "success", Outcome: res.Outcome, Message: msg, IsEnrolled: true, StudentsCount: res.StudentsCount})
}

func (a *API) unenrollSubject(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Enroll) {
		return
	}
	s, changed, err := a.st.Learn.Unenroll(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := EnrollJSON{Status: "success", Outcome: "unenrolled", Message: "Successfully unenrolled from " + s.Name + ".", StudentsCount: s.StudentsCount}
	if !changed {
		out.Outcome, out.Message = "not enrolled", "You are not enrolled in "+s.Name+"."
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) listMaterials(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	pg, errs := readPaging(r, defaultPageSize)
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	p, err := a.st.Learn.MaterialsOf(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []MaterialJSON{}
	for i := pg.offset(); i < len(p.Materials) && i < pg.offset()+pg.Size; i++ {
		out = append(out, a.materialJSON(p.Materials[i]))
	}
	writeJSON(w, http.StatusOK, a.newListPage(r, pg, len(p.Materials), out))
}

// materialInput reads a material body: multipart (the file streamed to disk as it
// arrives) or JSON / urlencoded without a file. Absent fields stay nil (PATCH).
func (a *API) materialInput(w http.ResponseWriter, r *http.Request) (learn.MaterialInput, *int64, bool) {
	var in learn.MaterialInput
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		values, file, ok := a.readUpload(w, r, media.MaxMaterialBody, a.st.Media.ReadMaterialForm)
		if !ok {
			return in, nil, false
		}
		f := &fields{m: map[string]any{}, errs: form.Errors{}}
		for k, v := range values {
			f.m[k] = v[0]
		}
		in, pos, ok := materialFields(w, f)
		if !ok {
			if file != nil {
				a.removeUpload(r, file.Path)
			}
			return in, nil, false
		}
		in.File = file
		return in, pos, true
	}
	f, ok := readFields(w, r)
	if !ok {
		return in, nil, false
	}
	if f.has("file") && f.m["file"] != nil {
		f.errs.Add("file", "Send files as multipart/form-data.")
	}
	return materialFields(w, f)
}

// readUpload reads a multipart body with at most one file, in the field "file",
// streamed to disk by read (media's ReadMaterialForm or ReadSubmissionForm) within
// maxBody, spending the upload rate limit. It answers a refusal itself (the file
// field's 400, 413, 429) and returns false then.
func (a *API) readUpload(w http.ResponseWriter, r *http.Request, maxBody int64,
	read func(*http.Request, string, func() error) (url.Values, *media.MaterialFile, error)) (url.Values, *media.MaterialFile, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	values, file, err := read(r, "file", func() error {
		return limit.Check(r.Context(), a.st.Limiter, a.st.Limits.Upload, limit.UserKey(viewer(r).ID))
	})
	if ue, ok := media.IsUploadError(err); ok && ue.Kind == problem.KindInvalid {
		err = ue.WithField("file")
	}
	if errors.Is(err, media.ErrNotMultipart) {
		detail(w, http.StatusBadRequest, "The multipart body could not be read.")
		return nil, nil, false
	}
	if err != nil {
		a.fail(w, r, err)
		return nil, nil, false
	}
	return values, file, true
}

func materialFields(w http.ResponseWriter, f *fields) (learn.MaterialInput, *int64, bool) {
	in := learn.MaterialInput{Kind: learnStr(f, "type"), Title: learnStr(f, "title"), Description: learnStr(f, "description"),
		ExternalURL: learnStr(f, "external_url"), Due: learnStr(f, "due_at"), IsActive: learnBool(f, "is_active")}
	if in.Kind == nil {
		in.Kind = learnStr(f, "material_type")
	}
	if rm := learnBool(f, "remove_file"); rm != nil {
		in.RemoveFile = *rm
	}
	pos := learnInt(f, "position")
	if pos != nil && *pos < 0 {
		f.errs.Add("position", "Must be 0 or more.")
	}
	if n := learnInt(f, "max_marks"); n != nil {
		m := int(min(max(*n, -1), learn.MaxMaxMarks+1)) // out of range either way: the rules say so
		in.MaxMarks = &m
	}
	in.LatePolicy = learnStr(f, "late_policy")
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return in, nil, false
	}
	return in, pos, true
}

func (a *API) createMaterial(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Post) {
		return
	}
	v := viewer(r)
	// Refuse before reading a (possibly large) upload.
	if _, err := a.managedSubject(r, v, id); err != nil {
		a.fail(w, r, err)
		return
	}
	in, _, ok := a.materialInput(w, r)
	if !ok {
		return
	}
	m, err := a.st.Learn.AddMaterial(r.Context(), v, id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, a.materialJSON(m))
}

// managedSubject checks the viewer manages the subject (404 unseen, 403 not theirs).
func (a *API) managedSubject(r *http.Request, v store.User, id int64) (learn.Page, error) {
	p, err := a.st.Learn.SubjectByID(r.Context(), v, id, false)
	if err == nil && !p.CanManage {
		err = problem.ErrForbidden
	}
	return p, err
}

func (a *API) orderMaterials(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	var ids []int64
	list, isList := f.m["order"].([]any)
	if !isList {
		fieldErrors(w, form.Errors{"order": {"A list of material ids is required."}})
		return
	}
	for _, x := range list {
		n, isNum := x.(float64)
		if !isNum || n != math.Trunc(n) {
			fieldErrors(w, form.Errors{"order": {"A list of material ids is required."}})
			return
		}
		ids = append(ids, int64(n))
	}
	if err := a.st.Learn.ReorderMaterials(r.Context(), viewer(r), id, ids); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"order": ids})
}

func (a *API) getMaterial(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	acc, err := a.st.Learn.OpenMaterial(r.Context(), viewer(r), id, true)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.materialJSON(acc.Material))
}

func (a *API) patchMaterial(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Post) {
		return
	}
	v := viewer(r)
	acc, err := a.st.Learn.OpenMaterial(r.Context(), v, id, false)
	if err == nil && !acc.CanManage {
		err = problem.ErrForbidden
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	in, pos, ok := a.materialInput(w, r)
	if !ok {
		return
	}
	m, err := a.st.Learn.UpdateMaterial(r.Context(), v, id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if pos != nil {
		if _, err := a.st.Learn.MoveMaterialTo(r.Context(), v, id, int(min(*pos, 1<<30))); err != nil {
			a.fail(w, r, err)
			return
		}
		moved, err := a.st.Learn.OpenMaterial(r.Context(), v, id, false) // its new position
		if err != nil {
			a.fail(w, r, err)
			return
		}
		m = moved.Material
	}
	writeJSON(w, http.StatusOK, a.materialJSON(m))
}

func (a *API) deleteMaterial(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if _, err := a.st.Learn.DeleteMaterial(r.Context(), viewer(r), id); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// removeUpload deletes a stored upload whose request was refused; a file that cannot
// be removed only wastes space, so it is logged rather than answered.
func (a *API) removeUpload(r *http.Request, path string) {
	if err := a.st.Media.Remove(path); err != nil {
		a.st.Log.WarnContext(r.Context(), "remove refused upload", "path", path, "err", err)
	}
}

// learnIconNames are the subject icons, for the OpenAPI enum.
func learnIconNames() []string {
	out := make([]string, len(learn.Icons))
	for i, ic := range learn.Icons {
		out[i] = ic.Name
	}
	return out
}
