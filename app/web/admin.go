package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"eplatform/app/desk"

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

// adminOutbox shows the mail outbox (newest 50).
func (h *Web) adminOutbox(w http.ResponseWriter, r *http.Request) {
	me, _ := identity(r.Context())
	mails, err := h.st.Desk.Outbox(r.Context(), me, 50)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	rows := make([]views.OutboxMail, len(mails))
	for i, m := range mails {
		row := views.OutboxMail{To: m.To, Subject: m.Subject, Body: m.Body, Created: stamp(r.Context(), m.CreatedAt)}
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
	h.render(w, r, http.StatusOK, views.AdminHome(h.page(w, r, "Outbox · Admin", "admin"), rows, h.st.Mail.Configured()))
}

// roleLabels are the dashboard's names of the roles, in its order.
var roleLabels = []views.RoleCount{{Role: "student", Label: "Students"}, {Role: "instructor", Label: "Instructors"}, {Role: "admin", Label: "Admins"}}

// adminHome is the admin area's landing page: people by role, sign-ups this week,
// posts and messages per day as bar charts, storage and health.
func (h *Web) adminHome(w http.ResponseWriter, r *http.Request) {
	me, _ := identity(r.Context())
	dash, err := h.st.Desk.Dashboard(r.Context(), me)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	sys, err := h.SystemStats(r)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	d := views.AdminDashboard{
		Inactive: dash.Inactive, SignUps: dash.SignUps, Days: desk.DashboardDays,
		DatabaseSize: sys.DatabaseSize, MediaSize: sys.MediaSize, Version: h.st.Version,
		Uptime:       uptime(h.st.Now().Sub(h.st.Started)),
		CacheHitRate: sys.CacheHitRate, CacheHits: sys.CacheHits, CacheMisses: sys.CacheMisses,
		Sockets: sys.Sockets, OpenContacts: sys.OpenContacts,
	}
	if d.Version == "" {
		d.Version = "development build"
	}
	for _, rc := range roleLabels {
		rc.Count = dash.Roles[rc.Role]
		d.Roles = append(d.Roles, rc)
	}
	d.Posts, d.PostsTotal = dayChart("Posts per day", dash.Posts)
	d.Messages, d.MessageTotal = dayChart("Chat messages per day", dash.Messages)
	h.render(w, r, http.StatusOK, views.AdminDashboardPage(h.page(w, r, "Admin", "admin"), d))
}

// dayChart draws a count per day with barChart: a date under the first bar and every
// seventh after it (30 would not fit a phone), the count above the days that have one.
func dayChart(title string, days []desk.Day) (views.Chart, int) {
	vals := make([]chartValue, len(days))
	total := 0
	for i, d := range days {
		total += d.Count
		v := chartValue{value: d.Count, title: d.Date.Format("Mon Jan 2") + ": " + strconv.Itoa(d.Count)}
		if i%7 == 0 {
			v.label = d.Date.Format("Jan 2")
		}
		if d.Count > 0 {
			v.text = strconv.Itoa(d.Count)
		}
		vals[i] = v
	}
	return barChart(title, vals, 0), total
}

// uptime is a duration as people say it: "3 d 4 h", "2 h 5 min", "12 min".
func uptime(d time.Duration) string {
	d = max(d, 0)
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%d d %d h", int(d.Hours())/24, int(d.Hours())%24)
	case d >= time.Hour:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	default:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
}
