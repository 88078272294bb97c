package api

import (
	"net/http"

	"eplatform/app/mydata"
)

// A person's data: the zip download and account deletion, for themself and, under
// /api/admin/users/{id}/, for admins. The rules are app/mydata's.

// Deletion is the answer about an account's deletion.
type Deletion struct {
	UserID    int64   `json:"user_id"`
	Scheduled bool    `json:"scheduled"`
	DeleteAt  *string `json:"delete_at"`
	Deleted   bool    `json:"deleted"`
}

func toDeletion(s mydata.Status) Deletion {
	out := Deletion{UserID: s.UserID, Scheduled: s.Scheduled, Deleted: s.Deleted}
	if s.Scheduled {
		at := iso(s.DeleteAt)
		out.DeleteAt = &at
	}
	return out
}

func (a *API) exportMine(w http.ResponseWriter, r *http.Request) {
	a.export(w, r, viewer(r).ID)
}

func (a *API) adminExport(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	a.export(w, r, id)
}

func (a *API) export(w http.ResponseWriter, r *http.Request, userID int64) {
	u, err := a.st.MyData.StartExport(r.Context(), viewer(r), userID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.st.MyData.ServeExport(w, r, u)
}

func (a *API) deletionStatus(w http.ResponseWriter, r *http.Request) {
	st, err := a.st.MyData.StatusOf(r.Context(), viewer(r), viewer(r).ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toDeletion(st))
}

func (a *API) deleteMine(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	password := f.str("password")
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return
	}
	st, err := a.st.MyData.RequestDeletion(r.Context(), viewer(r), password)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, toDeletion(st))
}

func (a *API) cancelMine(w http.ResponseWriter, r *http.Request) {
	st, err := a.st.MyData.CancelDeletion(r.Context(), viewer(r), viewer(r).ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toDeletion(st))
}

func (a *API) adminDeleteUser(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	now := learnBool(f, "now")
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return
	}
	st, err := a.st.MyData.AdminDelete(r.Context(), viewer(r), id, now != nil && *now)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	status := http.StatusAccepted
	if st.Deleted {
		status = http.StatusOK
	}
	writeJSON(w, status, toDeletion(st))
}

func (a *API) adminCancelDeletion(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if _, err := a.st.Auth.User(r.Context(), viewer(r), id); err != nil {
		a.fail(w, r, err)
		return
	}
	st, err := a.st.MyData.CancelDeletion(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toDeletion(st))
}
