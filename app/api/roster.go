package api

import (
	"net/http"
	"strconv"
	"strings"

	"eplatform/app/form"
	"eplatform/app/limit"
	"eplatform/app/roster"
)

type importRowJSON struct {
	Line           int         `json:"line"`
	Username       string      `json:"username"`
	Email          string      `json:"email"`
	FirstName      string      `json:"first_name"`
	LastName       string      `json:"last_name"`
	UserType       string      `json:"user_type"`
	Birthdate      *string     `json:"birthdate"`
	Subjects       []string    `json:"subjects"`
	Errors         form.Errors `json:"errors"`
	ID             *int64      `json:"id"`
	SetPasswordURL *string     `json:"set_password_url"`
}

type importReportJSON struct {
	DryRun   bool            `json:"dry_run"`
	Imported bool            `json:"imported"`
	Created  int             `json:"created"`
	Errors   int             `json:"errors"`
	Mailed   bool            `json:"mailed"`
	Rows     []importRowJSON `json:"rows"`
}

func toImportReport(rep roster.Report, dryRun bool) importReportJSON {
	out := importReportJSON{DryRun: dryRun, Imported: rep.Imported, Created: rep.Created(), Errors: rep.Bad, Mailed: rep.Mailed,
		Rows: make([]importRowJSON, len(rep.Rows))}
	if !rep.Imported {
		out.Created = 0
		if dryRun {
			out.Created = rep.Created()
		}
	}
	for i, row := range rep.Rows {
		j := importRowJSON{Line: row.Line, Username: row.Username, Email: row.Email, FirstName: row.FirstName,
			LastName: row.LastName, UserType: row.UserType, Subjects: row.Subjects, Errors: row.Errors}
		if row.Birthdate != "" {
			j.Birthdate = &row.Birthdate
		}
		if j.Subjects == nil {
			j.Subjects = []string{}
		}
		if row.ID != 0 {
			j.ID, j.SetPasswordURL = &row.ID, &row.Link
		}
		out.Rows[i] = j
	}
	return out
}

// importUsers is POST /api/admin/users/import/. A list with bad rows is a 400 in the
// API's shape, messages by field, the field being "line N: column"; a dry run answers
// 200 with every row and its errors instead.
func (a *API) importUsers(w http.ResponseWriter, r *http.Request) {
	dryRun := false
	if v := r.URL.Query().Get("dry_run"); v != "" {
		b, ok := parseBool(v)
		if !ok || b == nil {
			fieldErrors(w, form.Errors{"dry_run": {"Must be a valid boolean."}})
			return
		}
		dryRun = *b
	}
	data, err := roster.ReadRequest(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := limit.Check(r.Context(), a.st.Limiter, a.st.Limits.ClassList, limit.UserKey(viewer(r).ID)); err != nil {
		a.fail(w, r, err)
		return
	}
	if dryRun {
		rep, err := a.st.Roster.Preview(r.Context(), viewer(r), data)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, toImportReport(rep, true))
		return
	}
	rep, err := a.st.Roster.Import(r.Context(), viewer(r), data)
	if rep.Bad > 0 {
		errs := form.Errors{form.NonField: {roster.ErrRows(rep).Error()}}
		for _, row := range rep.Rows {
			for field, msgs := range row.Errors {
				errs["line "+strconv.Itoa(row.Line)+": "+field] = msgs
			}
		}
		fieldErrors(w, errs)
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toImportReport(rep, false))
}

type enrollLineJSON struct {
	Entry    string  `json:"entry"`
	Username *string `json:"username"`
	Outcome  string  `json:"outcome"`
}

// enrollList is POST /api/subjects/{id}/enroll_list/: users is a list of usernames or
// emails, as a JSON array or as text (one a line, or comma separated).
func (a *API) enrollList(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	var entries []string
	switch v := f.m["users"].(type) {
	case nil:
	case string:
		entries = roster.SplitList(v)
	case []any:
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				fieldErrors(w, form.Errors{"users": {"Must be a list of usernames or emails."}})
				return
			}
			entries = append(entries, s)
		}
		entries = roster.SplitList(strings.Join(entries, "\n"))
	default:
		fieldErrors(w, form.Errors{"users": {"Must be a list of usernames or emails."}})
		return
	}
	if err := limit.Check(r.Context(), a.st.Limiter, a.st.Limits.ClassList, limit.UserKey(viewer(r).ID)); err != nil {
		a.fail(w, r, err)
		return
	}
	res, err := a.st.Roster.EnrollList(r.Context(), viewer(r), id, entries)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	lines := make([]enrollLineJSON, len(res.Lines))
	for i, l := range res.Lines {
		lines[i] = enrollLineJSON{Entry: l.Entry, Outcome: l.Outcome}
		if l.Username != "" {
			lines[i].Username = &l.Username
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"subject": res.Subject.ID, "enrolled": res.Enrolled,
		"students_count": res.StudentsCount, "results": lines})
}
