package api

import (
	"net/http"
	"strconv"
	"time"

	"eplatform/app/audit"
	"eplatform/app/store"
)

// auditEntryJSON is an audit entry; before and after are the stored JSON objects
// (null when there was nothing to show).
type auditEntryJSON struct {
	ID          int64   `json:"id"`
	CreatedAt   string  `json:"created_at"`
	ActorID     *int64  `json:"actor_id"`
	Actor       string  `json:"actor"`
	Action      string  `json:"action"`
	TargetKind  string  `json:"target_kind"`
	TargetID    *int64  `json:"target_id"`
	TargetLabel string  `json:"target_label"`
	Before      rawJSON `json:"before"`
	After       rawJSON `json:"after"`
	RequestID   string  `json:"request_id"`
	Client      string  `json:"client"`
}

// rawJSON is a stored JSON text written as it is, "" as null.
type rawJSON string

func (j rawJSON) MarshalJSON() ([]byte, error) {
	if j == "" {
		return []byte("null"), nil
	}
	return []byte(j), nil
}

func optID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func toAuditEntry(e store.AuditEntry) auditEntryJSON {
	return auditEntryJSON{ID: e.ID, CreatedAt: e.At.Format(time.RFC3339Nano), ActorID: optID(e.ActorID), Actor: e.ActorName,
		Action: e.Action, TargetKind: e.TargetKind, TargetID: optID(e.TargetID), TargetLabel: e.TargetLabel,
		Before: rawJSON(e.Before), After: rawJSON(e.After), RequestID: e.RequestID, Client: e.Client}
}

// auditPage is a keyset page: next continues after the last entry (null at the end).
type auditPage struct {
	Next    *string          `json:"next"`
	Results []auditEntryJSON `json:"results"`
}

func (a *API) adminAudit(w http.ResponseWriter, r *http.Request) {
	q, err := audit.ParseQuery(r.URL.Query())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	q.Limit++ // one more tells whether there is a next page
	list, err := a.st.Desk.AuditLog(r.Context(), viewer(r), q)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	q.Limit--
	out := auditPage{Results: make([]auditEntryJSON, 0, len(list))}
	if len(list) > q.Limit {
		list = list[:q.Limit]
		v := r.URL.Query()
		v.Set("before", strconv.FormatInt(list[len(list)-1].ID, 10))
		next := a.st.Config.BaseURL + r.URL.Path + "?" + v.Encode()
		out.Next = &next
	}
	for _, e := range list {
		out.Results = append(out.Results, toAuditEntry(e))
	}
	writeJSON(w, http.StatusOK, out)
}
