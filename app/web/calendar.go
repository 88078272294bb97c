package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"eplatform/app/calendar"
	"eplatform/app/zone"
	"eplatform/views"
)

// registerCalendar adds the calendar: the viewer's month page, its feed link (made,
// shown once, revoked) and the feed itself, which calendar apps fetch without a
// session: its secret address is the key.
func (h *Web) registerCalendar(mux *http.ServeMux) {
	mux.HandleFunc("GET /home/calendar/{$}", h.requireLogin(h.calendarPage))
	mux.HandleFunc("POST /home/calendar/link/{$}", h.requireLogin(h.newCalendarLink))
	mux.HandleFunc("POST /home/calendar/link/delete/{$}", h.requireLogin(h.revokeCalendarLink))
	mux.HandleFunc("GET /calendar/{file}", h.calendarFeed)
}

const calendarURL = "/home/calendar/"

func (h *Web) calendarPage(w http.ResponseWriter, r *http.Request) {
	h.showCalendar(w, r, "")
}

// showCalendar renders the month of ?month= (this month by default); newLink is a feed
// secret just made, shown this once.
func (h *Web) showCalendar(w http.ResponseWriter, r *http.Request, newLink string) {
	u, _ := identity(r.Context())
	// The month, its days and the events' times are the viewer's (app/zone); the feed
	// below stays UTC, as iCalendar readers put each event in their own zone.
	now := zone.In(r.Context(), h.st.Now())
	first, err := calendar.ParseMonth(r.URL.Query().Get("month"), now)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	m, err := h.st.Calendar.Month(r.Context(), u, first)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	since, err := h.st.Calendar.LinkSince(r.Context(), u)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	month := func(t time.Time) string { return calendarURL + "?month=" + t.Format("2006-01") }
	d := views.CalendarData{Month: first.Format("January 2006"), Zone: zone.Label(r.Context()), PrevURL: month(first.AddDate(0, -1, 0)),
		NextURL: month(first.AddDate(0, 1, 0)), TodayURL: calendarURL, Count: len(m.Events),
		LinkURL: calendarURL + "link/", RevokeURL: calendarURL + "link/delete/"}
	if !since.IsZero() {
		d.FeedSince = since.In(now.Location()).Format("Jan 2, 2006")
	}
	if newLink != "" {
		d.NewFeed = h.st.Config.BaseURL + calendar.FeedPath(newLink)
		if u, err := url.Parse(d.NewFeed); err == nil {
			u.Scheme = "webcal"
			d.NewWebcal = u.String()
		}
	}
	d.Days = monthGrid(first, now, m.Events)
	h.render(w, r, http.StatusOK, views.CalendarPage(h.page(w, r, "Calendar", "calendar"), d))
}

// monthGrid lays out whole weeks, Monday first, around the month starting at first,
// each day with its events. Days are those of first's location (the viewer's zone):
// an event is on the day, and at the time, it happens where the viewer is.
func monthGrid(first, now time.Time, events []calendar.Event) []views.CalendarDay {
	loc := first.Location()
	now = now.In(loc)
	start := first.AddDate(0, 0, -((int(first.Weekday()) + 6) % 7))
	end := first.AddDate(0, 1, 0)
	end = end.AddDate(0, 0, (7-(int(end.Weekday())+6)%7)%7)
	byDay := map[string][]views.CalendarEvent{}
	for _, e := range events {
		start := e.Start.In(loc)
		day := start.Format(time.DateOnly)
		byDay[day] = append(byDay[day], views.CalendarEvent{Time: start.Format("15:04"), ISO: isoTime(e.Start),
			Full: start.Format(zone.FullLayout), Title: e.Title,
			Detail: e.Detail, URL: e.URL, Kind: e.Kind, Tentative: e.Tentative})
	}
	today := now.Format(time.DateOnly)
	var out []views.CalendarDay
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		key := d.Format(time.DateOnly)
		out = append(out, views.CalendarDay{Date: key, Label: d.Format("Mon 2 Jan"), Day: d.Day(),
			InMonth: d.Month() == first.Month(), Today: key == today, Events: byDay[key]})
	}
	return out
}

func (h *Web) newCalendarLink(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	secret, err := h.st.Calendar.NewLink(r.Context(), u)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	// Shown in this answer only (never stored in the clear, never in a redirect's URL).
	h.showCalendar(w, r, secret)
}

func (h *Web) revokeCalendarLink(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	if err := h.st.Calendar.RevokeLink(r.Context(), u); err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "Calendar link turned off: calendar apps using it no longer get your dates.")
	http.Redirect(w, r, calendarURL, http.StatusSeeOther)
}

// calendarFeed is /calendar/{secret}.ics: the iCalendar stream of the secret's owner.
func (h *Web) calendarFeed(w http.ResponseWriter, r *http.Request) {
	secret, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		h.notFound(w, r)
		return
	}
	u, events, err := h.st.Calendar.Feed(r.Context(), secret)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	host := h.st.Config.BaseURL
	if pu, err := url.Parse(host); err == nil && pu.Host != "" {
		host = pu.Hostname()
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="eplatform.ics"`)
	w.Header().Set("Cache-Control", "private, no-cache")
	w.Header().Set("Referrer-Policy", "no-referrer")
	ics := calendar.ICS{Name: "E-Platform — " + u.DisplayName(), Host: host,
		BaseURL: h.st.Config.BaseURL, Stamp: h.st.Now(), Events: events}
	// The status is sent once the first bytes go: a failed write is a client gone.
	if err := calendar.WriteICS(w, ics); err != nil {
		h.st.Log.WarnContext(r.Context(), "calendar feed cut off", "user", u.ID, "err", err)
	}
}
