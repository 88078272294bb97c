package api

import (
	"net/http"
	"strings"

	"eplatform/app/coursework"
	"eplatform/app/learn"
	"eplatform/app/media"
	"eplatform/app/notify"
	"eplatform/app/store"
)

// SubmissionJSON is the API's Submission (a hand-in).
type SubmissionJSON struct {
	ID               int64           `json:"id"`
	Assignment       int64           `json:"assignment"`
	Student          notify.UserMini `json:"student"`
	Text             string          `json:"text"`
	FileURL          *string         `json:"file_url"`
	FileName         *string         `json:"file_name"`
	FileSize         *int64          `json:"file_size"`
	ContentType      *string         `json:"content_type"`
	IsLate           bool            `json:"is_late"`
	Versions         int             `json:"versions"`
	FirstSubmittedAt string          `json:"first_submitted_at"`
	SubmittedAt      string          `json:"submitted_at"`
	Status           string          `json:"status"`
	Marks            *int            `json:"marks"`
	MaxMarks         int             `json:"max_marks"`
	Feedback         string          `json:"feedback"`
	GradedAt         *string         `json:"graded_at"`
	URL              string          `json:"url"`
	// History is every grade given, newest first: for the subject's managers (null for
	// the student).
	History *[]GradeJSON `json:"history"`
}

// GradeJSON is one grade in a hand-in's history.
type GradeJSON struct {
	Marks    int              `json:"marks"`
	MaxMarks int              `json:"max_marks"`
	Feedback string           `json:"feedback"`
	GradedBy *notify.UserMini `json:"graded_by"`
	GradedAt string           `json:"graded_at"`
}

// HandInCountsJSON are an assignment's hand-ins among its enrolled students.
type HandInCountsJSON struct {
	Students  int `json:"students"`
	Submitted int `json:"submitted"`
	Late      int `json:"late"`
	Graded    int `json:"graded"`
	ToGrade   int `json:"to_grade"`
	Missing   int `json:"missing"`
	Waiting   int `json:"not_yet_due"`
}

// HandInDeskJSON is an assignment's hand-in side for the caller.
type HandInDeskJSON struct {
	Assignment MaterialJSON      `json:"assignment"`
	Status     *string           `json:"status"` // students
	CanSubmit  bool              `json:"can_submit"`
	Late       bool              `json:"late"`
	Refusal    *string           `json:"refusal"`
	Submission *SubmissionJSON   `json:"submission"`
	Counts     *HandInCountsJSON `json:"counts"` // managers
}

// HandInRowJSON is one student of an assignment's roster.
type HandInRowJSON struct {
	Student    notify.UserMini `json:"student"`
	Status     string          `json:"status"`
	Enrolled   bool            `json:"enrolled"`
	Submission *SubmissionJSON `json:"submission"`
}

func (a *API) submissionJSON(x store.Submission, m store.Material, student store.UserMini) SubmissionJSON {
	out := SubmissionJSON{ID: x.ID, Assignment: x.MaterialID, Student: notify.Mini(student), Text: x.Text, IsLate: x.IsLate,
		Versions: x.Versions, FirstSubmittedAt: iso(x.FirstSubmittedAt), SubmittedAt: iso(x.SubmittedAt),
		Status: coursework.HandInStatus(m, &x, a.st.Now()), Marks: x.Marks, MaxMarks: m.MaxMarks, Feedback: x.Feedback,
		URL: a.st.Config.BaseURL + coursework.SubmissionURL(x.ID)}
	if f := x.File; f != nil {
		u, name, size, ct := a.st.Config.BaseURL+media.SubmissionFileURL(x.ID, f.Path), f.Name, f.Size, f.ContentType
		out.FileURL, out.FileName, out.FileSize, out.ContentType = &u, &name, &size, &ct
	}
	if x.Marks != nil {
		g := iso(x.GradedAt)
		out.GradedAt = &g
	}
	return out
}

func countsJSON(c coursework.Counts) *HandInCountsJSON {
	return &HandInCountsJSON{Students: c.Students, Submitted: c.Submitted, Late: c.Late, Graded: c.Graded,
		ToGrade: c.ToGrade, Missing: c.Missing, Waiting: c.Waiting}
}

func miniOf(u store.User) store.UserMini {
	return store.UserMini{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName, UserType: u.UserType}
}

func (a *API) handInDesk(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	v := viewer(r)
	d, err := a.st.Coursework.Desk(r.Context(), v, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.deskJSON(d, v))
}

func (a *API) deskJSON(d coursework.Desk, v store.User) HandInDeskJSON {
	out := HandInDeskJSON{Assignment: a.materialJSON(d.Material), CanSubmit: d.Window.Open, Late: d.Window.Late}
	if d.Window.Refusal != nil {
		msg := d.Window.Refusal.Message
		out.Refusal = &msg
	}
	if d.Manage {
		out.Counts = countsJSON(d.Counts)
		return out
	}
	status := d.Status
	out.Status = &status
	if d.Mine != nil {
		x := a.submissionJSON(*d.Mine, d.Material, miniOf(v))
		out.Submission = &x
	}
	return out
}

// handIn hands an assignment in (again): multipart with an optional file (streamed to
// disk) and text, or JSON / urlencoded with text only. 201 for the first hand-in, 200
// for a new version.
func (a *API) handIn(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Post) {
		return
	}
	v := viewer(r)
	// Refuse before reading a (possibly large) upload.
	d, err := a.st.Coursework.Desk(r.Context(), v, id)
	if err == nil && !d.Window.Open {
		err = d.Window.Refusal
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in coursework.SubmitInput
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		values, file, ok := a.readUpload(w, r, media.MaxSubmissionBody, a.st.Media.ReadSubmissionForm)
		if !ok {
			return
		}
		rm, _ := parseBool(values.Get("remove_file"))
		in = coursework.SubmitInput{Text: values.Get("text"), File: file, RemoveFile: rm != nil && *rm}
	} else {
		f, ok := readFields(w, r)
		if !ok {
			return
		}
		if f.has("file") && f.m["file"] != nil {
			f.errs.Add("file", "Send files as multipart/form-data.")
		}
		in.Text = f.str("text")
		if rm := learnBool(f, "remove_file"); rm != nil {
			in.RemoveFile = *rm
		}
		if errs := f.typeErrors(); errs != nil {
			fieldErrors(w, errs)
			return
		}
	}
	res, err := a.st.Coursework.Submit(r.Context(), v, id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
	}
	writeJSON(w, status, a.submissionJSON(res.Submission, d.Material, miniOf(v)))
}

func (a *API) handInList(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	pg, errs := readPaging(r, maxPageSize)
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	ro, err := a.st.Coursework.HandIns(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []HandInRowJSON{}
	for i := pg.offset(); i < len(ro.Rows) && i < pg.offset()+pg.Size; i++ {
		row := ro.Rows[i]
		j := HandInRowJSON{Student: notify.Mini(row.Student), Status: row.Status, Enrolled: row.Enrolled}
		if row.Submission != nil {
			x := a.submissionJSON(*row.Submission, ro.Material, row.Student)
			j.Submission = &x
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, struct {
		listPage
		Counts *HandInCountsJSON `json:"counts"`
	}{a.newListPage(r, pg, len(ro.Rows), out), countsJSON(ro.Counts)})
}

func (a *API) detailJSON(d coursework.Detail) SubmissionJSON {
	out := a.submissionJSON(d.Submission, d.Material, d.Student)
	if d.History != nil {
		list := make([]GradeJSON, len(d.History))
		for i, g := range d.History {
			list[i] = GradeJSON{Marks: g.Marks, MaxMarks: g.MaxMarks, Feedback: g.Feedback, GradedAt: iso(g.GradedAt)}
			if g.GradedBy != nil {
				m := notify.Mini(*g.GradedBy)
				list[i].GradedBy = &m
			}
		}
		out.History = &list
	}
	return out
}

func (a *API) getSubmission(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	d, err := a.st.Coursework.Submission(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.detailJSON(d))
}

// gradeSubmission grades a hand-in: marks (required, 0..the maximum) and feedback.
func (a *API) gradeSubmission(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Quiz) {
		return
	}
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	var in coursework.GradeInput
	if f.m["marks"] != nil { // absent or null: the rules say the marks are required
		if n := learnInt(f, "marks"); n != nil {
			m := int(min(max(*n, -1), 1<<30))
			in.Marks = &m
		}
	}
	in.Feedback = f.str("feedback")
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return
	}
	v := viewer(r)
	if _, err := a.st.Coursework.Grade(r.Context(), v, id, in); err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.st.Coursework.Submission(r.Context(), v, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.detailJSON(d))
}

// ---- gradebook ---------------------------------------------------------------------

// GradeColumnJSON is a quiz or an assignment of a gradebook.
type GradeColumnJSON struct {
	Kind           string   `json:"kind"`
	ID             int64    `json:"id"`
	Title          string   `json:"title"`
	MaxMarks       int      `json:"max_marks"`
	DueAt          *string  `json:"due_at"`
	GradeBy        *string  `json:"grade_by"`
	LatePolicy     *string  `json:"late_policy"`
	URL            string   `json:"url"`
	Done           int      `json:"done"`
	ToGrade        int      `json:"to_grade"`
	Missing        int      `json:"missing"`
	AveragePercent *float64 `json:"average_percent"`
}

// GradeCellJSON is one student's result in one column.
type GradeCellJSON struct {
	Status     string `json:"status"`
	Score      *int   `json:"score"`
	MaxMarks   int    `json:"max_marks"`
	Counted    bool   `json:"counted"`
	IsLate     bool   `json:"is_late"`
	Attempt    *int64 `json:"attempt"`
	Submission *int64 `json:"submission"`
}

// GradeRowJSON is one student's line of a gradebook.
type GradeRowJSON struct {
	Student        notify.UserMini `json:"student"`
	Cells          []GradeCellJSON `json:"cells"`
	Earned         int             `json:"earned"`
	CountedMax     int             `json:"counted_max"`
	Possible       int             `json:"possible"`
	CurrentPercent *float64        `json:"current_percent"`
	OverallPercent *float64        `json:"overall_percent"`
}

// SubjectRefJSON names a subject.
type SubjectRefJSON struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

func percentJSON(p coursework.Percent) *float64 {
	if !p.Valid {
		return nil
	}
	f := p.Float()
	return &f
}

func (a *API) subjectRef(s store.Subject) SubjectRefJSON {
	return SubjectRefJSON{ID: s.ID, Code: s.Code, Name: s.Name, URL: a.st.Config.BaseURL + learn.SubjectURL(s.Code)}
}

func (a *API) columnsJSON(cols []coursework.Column) []GradeColumnJSON {
	out := make([]GradeColumnJSON, len(cols))
	for i, c := range cols {
		j := GradeColumnJSON{Kind: c.Kind, ID: c.ID, Title: c.Title, MaxMarks: c.MaxMarks, URL: a.st.Config.BaseURL + c.URL(),
			Done: c.Done, ToGrade: c.ToGrade, Missing: c.Missing, AveragePercent: percentJSON(c.Average)}
		if !c.Due.IsZero() {
			d := iso(c.Due)
			j.DueAt = &d
		}
		if c.Kind == coursework.QuizColumn {
			g := c.GradeBy
			j.GradeBy = &g
		} else {
			l := c.LatePolicy
			j.LatePolicy = &l
		}
		out[i] = j
	}
	return out
}

func rowJSON(r coursework.Row) GradeRowJSON {
	out := GradeRowJSON{Student: notify.Mini(r.Student), Cells: make([]GradeCellJSON, len(r.Cells)), Earned: r.Earned,
		CountedMax: r.CountedMax, Possible: r.Possible, CurrentPercent: percentJSON(r.Current), OverallPercent: percentJSON(r.Overall)}
	for i, c := range r.Cells {
		j := GradeCellJSON{Status: c.Status, MaxMarks: c.Max, Counted: c.Counted, IsLate: c.Late}
		if c.Counted || c.Status == coursework.Pending {
			s := c.Score
			j.Score = &s
		}
		if c.AttemptID != 0 {
			id := c.AttemptID
			j.Attempt = &id
		}
		if c.SubmissionID != 0 {
			id := c.SubmissionID
			j.Submission = &id
		}
		out.Cells[i] = j
	}
	return out
}

func (a *API) gradebook(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	g, err := a.st.Coursework.Gradebook(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rows := make([]GradeRowJSON, len(g.Rows))
	for i, row := range g.Rows {
		rows[i] = rowJSON(row)
	}
	writeJSON(w, http.StatusOK, map[string]any{"subject": a.subjectRef(g.Subject), "columns": a.columnsJSON(g.Columns),
		"rows": rows, "histogram": g.Histogram, "average_percent": percentJSON(g.Average)})
}

func (a *API) myGrades(w http.ResponseWriter, r *http.Request) {
	list, err := a.st.Coursework.MyGrades(r.Context(), viewer(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]map[string]any, len(list))
	for i, s := range list {
		out[i] = map[string]any{"subject": a.subjectRef(s.Subject), "columns": a.columnsJSON(s.Columns), "row": rowJSON(s.Row)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"subjects": out})
}
