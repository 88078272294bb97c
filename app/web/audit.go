package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"eplatform/app/audit"
	"eplatform/app/media"
	"eplatform/app/store"
	"eplatform/app/zone"
	"eplatform/views"
)

// adminAudit is /admin/audit/: one page of the log, newest first, with the filters of
// the query (audit.ParseQuery) and a link to the next (older) page.
func (h *Web) adminAudit(w http.ResponseWriter, r *http.Request) {
	me, _ := identity(r.Context())
	v := r.URL.Query()
	d := views.AuditPageData{Actor: v.Get("actor"), Action: v.Get("action"), TargetKind: v.Get("target_kind"),
		Since: v.Get("since"), Until: v.Get("until"), Actions: audit.Actions, Kinds: audit.Kinds,
		Keep: h.st.Config.AuditKeepText()}
	q, err := audit.ParseQuery(v)
	var list []store.AuditEntry
	if err == nil {
		q.Limit++ // one more tells whether there is a next page
		list, err = h.st.Desk.AuditLog(r.Context(), me, q)
		q.Limit--
	}
	if fields, ok := invalidFields(r, err); ok {
		d.Errors = views.FormErrors(fields)
		h.render(w, r, http.StatusBadRequest, views.AdminAudit(h.page(w, r, "Audit log · Admin", "admin"), d))
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if len(list) > q.Limit {
		list = list[:q.Limit]
		next := filterQuery(v)
		next.Set("before", strconv.FormatInt(list[len(list)-1].ID, 10))
		d.Next = "/admin/audit/?" + next.Encode()
	}
	for _, e := range list {
		d.Rows = append(d.Rows, auditRow(r.Context(), e))
	}
	csvQuery := filterQuery(v)
	csvQuery.Del("before") // the export is everything the filters select
	d.CSV = "/admin/audit/audit.csv?" + csvQuery.Encode()
	h.render(w, r, http.StatusOK, views.AdminAudit(h.page(w, r, "Audit log · Admin", "admin"), d))
}

// filterQuery keeps the query's filters that are set (links stay short).
func filterQuery(v url.Values) url.Values {
	out := url.Values{}
	for _, k := range []string{"actor", "action", "target_kind", "target_id", "since", "until", "before"} {
		if s := v.Get(k); s != "" {
			out.Set(k, s)
		}
	}
	return out
}

func auditTarget(e store.AuditEntry) string {
	if e.TargetID == 0 {
		return e.TargetKind
	}
	return e.TargetKind + " #" + strconv.FormatInt(e.TargetID, 10)
}

func auditRow(ctx context.Context, e store.AuditEntry) views.AuditRow {
	actor, handle := e.ActorName, ""
	if e.ActorFullName != "" {
		actor, handle = e.ActorFullName, "@"+e.ActorName
	}
	return views.AuditRow{ID: e.ID, When: zone.In(ctx, e.At).Format("2006-01-02 15:04:05 MST"), Actor: actor, ActorHandle: handle, Action: e.Action,
		Target: auditTarget(e), Label: e.TargetLabel, Before: e.Before, After: e.After, RequestID: e.RequestID, Client: e.Client}
}

// auditExportMax bounds one export; a narrower date range gets the rest.
const auditExportMax = 100_000

// adminAuditCSV exports every entry the filters select (at most auditExportMax),
// newest first, read page by page. Every cell goes through csvSafe like the
// gradebook's: labels and snapshots hold text people typed, which may start with "=".
func (h *Web) adminAuditCSV(w http.ResponseWriter, r *http.Request) {
	me, _ := identity(r.Context())
	q, err := audit.ParseQuery(r.URL.Query())
	if err != nil {
		h.fail(w, r, err, "/admin/audit/")
		return
	}
	q.Limit = 1000
	first, err := h.st.Desk.AuditLog(r.Context(), me, q)
	if err != nil {
		h.fail(w, r, err, "/admin/audit/")
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	media.SetDisposition(w, "attachment", "audit-"+h.st.Now().UTC().Format("20060102-150405")+".csv")
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	write := func(rec []string) bool {
		for i := range rec {
			rec[i] = csvSafe(rec[i])
		}
		return cw.Write(rec) == nil
	}
	ok := write([]string{"id", "time", "actor_id", "actor", "action", "target_kind", "target_id", "target_label",
		"before", "after", "request_id", "client"})
	for page, n := first, 0; ok && len(page) > 0 && n < auditExportMax; {
		for _, e := range page {
			if ok = write([]string{strconv.FormatInt(e.ID, 10), e.At.Format(time.RFC3339), strconv.FormatInt(e.ActorID, 10),
				e.ActorName, e.Action, e.TargetKind, strconv.FormatInt(e.TargetID, 10), e.TargetLabel, e.Before, e.After,
				e.RequestID, e.Client}); !ok {
				break
			}
		}
		n += len(page)
		if !ok || len(page) < q.Limit {
			break
		}
		q.BeforeID = page[len(page)-1].ID
		if page, err = h.st.Desk.AuditLog(r.Context(), me, q); err != nil {
			h.st.Log.ErrorContext(r.Context(), "audit export", "err", err)
			break
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		h.st.Log.WarnContext(r.Context(), "audit export cut off", "err", err)
	}
}
