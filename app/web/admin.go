package web

import (
	"net/http"

	"eplatform/app/auth"
	"eplatform/views"
)

// requireAdmin lets only admins through: anonymous visitors go to the login page,
// everyone else gets 403.
func (h *Web) requireAdmin(next http.HandlerFunc) http.HandlerFunc {
	return h.requireLogin(func(w http.ResponseWriter, r *http.Request) {
		if u, _ := identity(r.Context()); !auth.IsAdmin(u) {
			h.forbidden(w, r)
			return
		}
		next(w, r)
	})
}

// adminHome shows the mail outbox (newest 50).
func (h *Web) adminHome(w http.ResponseWriter, r *http.Request) {
	me, _ := identity(r.Context())
	mails, err := h.st.Desk.Outbox(r.Context(), me, 50)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	rows := make([]views.OutboxMail, len(mails))
	for i, m := range mails {
		row := views.OutboxMail{To: m.To, Subject: m.Subject, Body: m.Body, Created: m.CreatedAt.Format("2006-01-02 15:04 UTC")}
		switch {
		case !m.SentAt.IsZero():
			row.Status = "sent"
		case m.Error != "":
			row.Status, row.Failed = "failed: "+m.Error, true
		default:
			row.Status = "in outbox"
		}
		rows[i] = row
	}
	h.render(w, r, http.StatusOK, views.AdminHome(h.page(w, r, "Admin", "admin"), rows, h.st.Mail.Configured()))
}
