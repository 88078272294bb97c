package web

import (
	"archive/zip"
	"encoding/csv"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"

	"eplatform/app/coursework"
	"eplatform/app/form"
	"eplatform/app/learn"
	"eplatform/app/media"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/views"
)

// ---- an assignment's page --------------------------------------------------------------

// handInFragment answers the fragment-only route: an assignment's hand-in part as the
// viewer sees it now (coursework.js fetches it when a grade arrives).
func (h *Web) handInFragment(w http.ResponseWriter, r *http.Request) {
	id, ok := h.learnID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	d, err := h.st.Coursework.Desk(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.renderFragment(w, r, http.StatusOK, views.HandInPanel(views.Page{Viewer: viewerOf(u), Asset: h.assets.URL}, *handInPanel(r.Context(), d, h.st.Now())))
}

// readHandIn reads the hand-in form (see readUpload).
func (h *Web) readHandIn(w http.ResponseWriter, r *http.Request) (in coursework.SubmitInput, text string, refused error, ok bool) {
	values, file, refused, ok := h.readUpload(w, r, media.MaxSubmissionBody, h.st.Media.ReadSubmissionForm)
	if !ok {
		return in, "", nil, false
	}
	in = coursework.SubmitInput{Text: values.Get("text"), File: file, RemoveFile: values.Get("remove_file") != ""}
	return in, values.Get("text"), refused, true
}

// submitHandIn hands an assignment in (again). Refused fields show on the assignment's
// page with the form as sent; a closed hand-in (due date passed, graded) is flashed.
func (h *Web) submitHandIn(w http.ResponseWriter, r *http.Request) {
	id, ok := h.learnID(w, r)
	if !ok || !h.allow(w, r, h.st.Limits.Post) {
		return
	}
	u, _ := identity(r.Context())
	back := learn.MaterialURL(id) + "#hand-in"
	// Refuse before reading a (possibly large) upload; the rules check again as they
	// store it.
	desk, err := h.st.Coursework.Desk(r.Context(), u, id)
	if err == nil && !desk.Window.Open {
		err = desk.Window.Refusal
	}
	if err != nil {
		h.fail(w, r, err, back)
		return
	}
	in, text, err, ok := h.readHandIn(w, r)
	if !ok {
		return
	}
	var res coursework.SubmitResult
	if err == nil {
		res, err = h.st.Coursework.Submit(r.Context(), u, id, in)
	}
	if err != nil {
		p, isProblem := problem.As(err)
		if isProblem && len(p.Fields) > 0 && (p.Kind == problem.KindInvalid || p.Kind == problem.KindTooLarge) {
			status := http.StatusBadRequest
			if p.Kind == problem.KindTooLarge {
				status = http.StatusRequestEntityTooLarge
			}
			h.materialPageWith(w, r, status, id, text, p.Fields)
			return
		}
		h.fail(w, r, err, back)
		return
	}
	msg := "Handed in. You can change it until the due date."
	switch {
	case !res.Created:
		msg = "Your new version is handed in."
	case res.Submission.IsLate:
		msg = "Handed in, marked late."
	}
	h.flash(w, r, "success", msg)
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// materialPageWith renders an assignment's page with the hand-in form as sent and its
// errors.
func (h *Web) materialPageWith(w http.ResponseWriter, r *http.Request, status int, id int64, text string, errs form.Errors) {
	u, _ := identity(r.Context())
	a, err := h.st.Learn.OpenMaterial(r.Context(), u, id, false)
	var d views.MaterialPageData
	if err == nil {
		d, err = h.materialPageData(r, a)
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if d.HandIn != nil {
		d.HandIn.Text, d.HandIn.Errors = text, formErrors(errs)
	}
	h.render(w, r, status, views.MaterialPage(h.page(w, r, a.Material.Title, "subjects"), d))
}

// materialPageData is a material's page for the viewer, with an assignment's hand-in
// part.
func (h *Web) materialPageData(r *http.Request, a learn.Access) (views.MaterialPageData, error) {
	u, _ := identity(r.Context())
	now := h.st.Now()
	d := views.MaterialPageData{Subject: subjectCard(a.Subject, false, u), Material: materialItem(r.Context(), a.Material, now),
		CanManage: a.CanManage}
	if a.Material.Kind != learn.Assignment {
		return d, nil
	}
	desk, err := h.st.Coursework.Desk(r.Context(), u, a.Material.ID)
	if err != nil {
		return d, err
	}
	d.HandIn = handInPanel(r.Context(), desk, now)
	return d, nil
}

// ---- the instructor's side -------------------------------------------------------------

func (h *Web) handInsPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.learnID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	ro, err := h.st.Coursework.HandIns(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	now := h.st.Now()
	d := views.HandInsPageData{Subject: subjectCard(ro.Subject, false, u), Material: materialItem(r.Context(), ro.Material, now),
		MaxMarks: ro.Material.MaxMarks, LateRule: lateRule(ro.Material), Counts: handInCounts(ro.Counts),
		ZipURL: zipURL(id), GradebookURL: coursework.GradebookURL(ro.Subject.Code)}
	for _, row := range ro.Rows {
		v := views.HandInRow{Student: person(row.Student), Status: row.Status, StatusLabel: coursework.StatusLabel(row.Status),
			Enrolled: row.Enrolled}
		if row.Submission != nil {
			item := handInItem(r.Context(), *row.Submission, ro.Material, now)
			v.HandIn = &item
		}
		d.Rows = append(d.Rows, v)
	}
	h.render(w, r, http.StatusOK, views.HandInsPage(h.page(w, r, "Hand-ins · "+ro.Material.Title, "subjects"), d))
}

// downloadHandIns streams every hand-in of an assignment as one ZIP: a folder per
// student with their file and, when they wrote some, their text. Files are copied from
// the disk as the archive is written, never held in memory.
func (h *Web) downloadHandIns(w http.ResponseWriter, r *http.Request) {
	id, ok := h.learnID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	a, subs, err := h.st.Coursework.Files(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/zip")
	hd.Set("Cache-Control", "private, no-store")
	media.SetDisposition(w, "attachment", a.Subject.Code+"-"+strconv.FormatInt(id, 10)+"-hand-ins.zip")
	zw := zip.NewWriter(w)
	// The status is sent: a failure now is a client gone mid-download or a file lost
	// from the disk, worth a line in the log.
	for _, x := range subs {
		if err := addHandIn(zw, h.st.Media, x); err != nil {
			h.st.Log.WarnContext(r.Context(), "hand-ins download", "submission", x.ID, "err", err)
			if httpErr := r.Context().Err(); httpErr != nil {
				return
			}
		}
	}
	if err := zw.Close(); err != nil {
		h.st.Log.WarnContext(r.Context(), "hand-ins download cut off", "material", id, "err", err)
	}
}

// addHandIn writes one hand-in into the archive.
func addHandIn(zw *zip.Writer, st media.Store, x store.Submission) error {
	dir := zipName(x.Student.Username) + "/"
	mod := x.SubmittedAt
	if x.Text != "" {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: dir + "text.txt", Method: zip.Deflate, Modified: mod})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, x.Text+"\n"); err != nil {
			return err
		}
	}
	if x.File == nil {
		return nil
	}
	src, err := st.Open(x.File.Path)
	if err != nil {
		return err
	}
	defer src.Close()
	name := zipName(x.File.Name)
	if name == "text.txt" {
		name = "file.txt"
	}
	method := zip.Store // documents are mostly compressed already
	if strings.HasPrefix(x.File.ContentType, "text/") {
		method = zip.Deflate
	}
	f, err := zw.CreateHeader(&zip.FileHeader{Name: dir + name, Method: method, Modified: mod})
	if err != nil {
		return err
	}
	_, err = io.Copy(f, src)
	return err
}

// zipName makes a name safe as one part of a path in an archive: no separators, no
// "..", nothing empty.
func zipName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < 32 {
			return '_'
		}
		return r
	}, s)
	s = strings.Trim(s, ". ")
	if s == "" {
		return "file"
	}
	return s
}

// submissionPage shows a hand-in to its student or the subject's managers.
func (h *Web) submissionPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.learnID(w, r)
	if !ok {
		return
	}
	h.showSubmission(w, r, http.StatusOK, id, "", "", nil)
}

func (h *Web) showSubmission(w http.ResponseWriter, r *http.Request, status int, id int64, marks, feedback string, errs form.Errors) {
	u, _ := identity(r.Context())
	d, err := h.st.Coursework.Submission(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	now := h.st.Now()
	v := views.SubmissionPageData{Subject: subjectCard(d.Subject, false, u), Material: materialItem(r.Context(), d.Material, now),
		Student: person(d.Student), HandIn: handInItem(r.Context(), d.Submission, d.Material, now), Manage: d.Manage,
		BackURL: learn.MaterialURL(d.Material.ID) + "#hand-in", BackText: d.Material.Title,
		GradeAction: coursework.SubmissionURL(id) + "grade/", Marks: marks, Feedback: feedback, Errors: formErrors(errs)}
	if d.Manage {
		v.BackURL, v.BackText = coursework.HandInsURL(d.Material.ID)+"#hand-in-"+strconv.FormatInt(id, 10), "Hand-ins"
		if errs == nil {
			v.Feedback = d.Submission.Feedback // a regrade starts from the feedback given; the marks start empty
		}
		for _, g := range d.History {
			by := "a former account"
			if g.GradedBy != nil {
				by = person(*g.GradedBy).Name
			}
			v.History = append(v.History, views.GradeHistoryItem{Marks: g.Marks, MaxMarks: g.MaxMarks, Feedback: g.Feedback,
				By: by, At: isoTime(g.GradedAt), AtText: dueText(r.Context(), g.GradedAt)})
		}
	}
	h.render(w, r, status, views.SubmissionPage(h.page(w, r, d.Material.Title+" · "+person(d.Student).Name, "subjects"), v))
}

// gradeSubmission saves a grade. The marks are required: an empty field is its error,
// never a 0.
func (h *Web) gradeSubmission(w http.ResponseWriter, r *http.Request) {
	id, ok := h.learnID(w, r)
	if !ok || !h.allow(w, r, h.st.Limits.Quiz) || !h.parseForm(w, r, formLimit) {
		return
	}
	u, _ := identity(r.Context())
	raw, feedback := strings.TrimSpace(r.PostForm.Get("marks")), r.PostForm.Get("feedback")
	in := coursework.GradeInput{Feedback: feedback}
	var err error
	if raw != "" {
		n, convErr := strconv.Atoi(raw)
		if convErr != nil {
			err = problem.Field("marks", "Enter the marks as a whole number.")
		}
		in.Marks = &n
	}
	var x store.Submission
	if err == nil {
		x, err = h.st.Coursework.Grade(r.Context(), u, id, in)
	}
	if fields, ok := invalidFields(r, err); ok {
		h.showSubmission(w, r, http.StatusBadRequest, id, r.PostForm.Get("marks"), feedback, fields)
		return
	}
	if err != nil {
		h.fail(w, r, err, coursework.SubmissionURL(id))
		return
	}
	h.flash(w, r, "success", "Graded: "+strconv.Itoa(*x.Marks)+" marks. The student is notified.")
	http.Redirect(w, r, coursework.HandInsURL(x.MaterialID)+"#hand-in-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// serveSubmissionFile serves a hand-in's file to its student and the subject's
// managers, and to no one else: the URL names the hand-in, and the file must be its own.
func (h *Web) serveSubmissionFile(w http.ResponseWriter, r *http.Request) {
	id, ok := h.learnID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	x, err := h.st.Coursework.File(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if path.Base(x.File.Path) != r.PathValue("name") {
		h.notFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", x.File.ContentType)
	hd.Set("Cache-Control", "private, no-cache") // revalidated, so lost access takes effect at once
	media.SetDisposition(w, "attachment", x.File.Name)
	if h.st.Media.ServeFile(w, r, x.File.Path) != nil {
		hd.Del("Content-Disposition")
		hd.Del("Cache-Control")
		h.notFound(w, r)
	}
}

// ---- gradebook and grades --------------------------------------------------------------

func (h *Web) gradebook(w http.ResponseWriter, r *http.Request) (coursework.Gradebook, bool) {
	u, _ := identity(r.Context())
	g, err := h.st.Coursework.GradebookByCode(r.Context(), u, learn.CodeFromSegment(r.PathValue("code")))
	if err != nil {
		h.fail(w, r, err, "")
		return g, false
	}
	return g, true
}

func (h *Web) gradebookPage(w http.ResponseWriter, r *http.Request) {
	g, ok := h.gradebook(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	d := views.GradebookPageData{Subject: subjectCard(g.Subject, false, u), Columns: gradeColumns(r.Context(), g.Columns),
		CSVURL: learn.SubjectURL(g.Subject.Code) + "gradebook.csv", Histogram: histogram(g), Average: g.Average.String()}
	for _, row := range g.Rows {
		d.Rows = append(d.Rows, gradeRow(row))
	}
	h.render(w, r, http.StatusOK, views.GradebookPage(h.page(w, r, "Gradebook · "+g.Subject.Name, "subjects"), d))
}

// gradebookCSV exports the gradebook. Every cell goes through csvSafe (as the quiz
// export does): names and titles are typed by people and may start with "=".
func (h *Web) gradebookCSV(w http.ResponseWriter, r *http.Request) {
	g, ok := h.gradebook(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	media.SetDisposition(w, "attachment", "gradebook-"+g.Subject.Code+".csv")
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	for _, rec := range g.Records() {
		for i := range rec {
			rec[i] = csvSafe(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			break
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		h.st.Log.WarnContext(r.Context(), "gradebook export cut off", "subject", g.Subject.ID, "err", err)
	}
}

// gradesPage is the viewer's own grades in every subject they take.
func (h *Web) gradesPage(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	list, err := h.st.Coursework.MyGrades(r.Context(), u)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	d := views.GradesPageData{}
	for _, s := range list {
		d.Subjects = append(d.Subjects, views.SubjectGradesItem{Subject: subjectCard(s.Subject, true, u),
			Columns: gradeColumns(r.Context(), s.Columns), Row: gradeRow(s.Row)})
	}
	h.render(w, r, http.StatusOK, views.GradesPage(h.page(w, r, "Grades", "grades"), d))
}
