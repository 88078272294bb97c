package web

import (
	"net/http"

	"eplatform/app/limit"
	"eplatform/app/notify"
	"eplatform/app/problem"
	"eplatform/views"
)

// registerNotifyPrefs adds the notification settings page and the digest's
// unsubscribe link, which works without signing in.
func (h *Web) registerNotifyPrefs(mux *http.ServeMux) {
	mux.HandleFunc("GET /home/me/notifications/{$}", h.requireLogin(h.notificationSettings))
	mux.HandleFunc("POST /home/me/notifications/{$}", h.requireLogin(h.saveNotificationSettings))
	mux.HandleFunc("GET "+notify.UnsubscribePath+"{$}", h.unsubscribeForm)
	mux.HandleFunc("POST "+notify.UnsubscribePath+"{$}", h.unsubscribe)
}

var choiceLabels = map[string]string{notify.Live: "Live", notify.Digest: "Live + email digest", notify.Off: "Off"}
var frequencyLabels = map[string]string{notify.Daily: "Daily", notify.Weekly: "Weekly", notify.Never: "Never"}

func (h *Web) notificationSettings(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	p, err := h.st.Notify.Preferences(r.Context(), u.ID)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.renderNotificationSettings(w, r, http.StatusOK, p, nil)
}

func (h *Web) renderNotificationSettings(w http.ResponseWriter, r *http.Request, status int, p notify.Preferences, errs views.FormErrors) {
	d := views.NotificationSettingsData{Frequency: p.DigestFrequency, Errors: errs}
	for _, k := range notify.Kinds {
		d.Kinds = append(d.Kinds, views.NotificationKindRow{Name: k.Name, Label: k.Label, Choice: p.Kinds[k.Name]})
	}
	for _, c := range notify.Choices {
		d.Choices = append(d.Choices, views.Choice{Value: c, Label: choiceLabels[c]})
	}
	for _, f := range notify.Frequencies {
		d.Frequencies = append(d.Frequencies, views.Choice{Value: f, Label: frequencyLabels[f]})
	}
	h.render(w, r, status, views.NotificationSettingsPage(h.page(w, r, "Notification settings", "notifications"), d))
}

func (h *Web) saveNotificationSettings(w http.ResponseWriter, r *http.Request) {
	if !h.allow(w, r, h.st.Limits.NotifyPrefs) || !h.parseForm(w, r, formLimit) {
		return
	}
	u, _ := identity(r.Context())
	// The form sends every kind; a kind left out keeps its choice.
	in := notify.PreferencesUpdate{Kinds: map[string]string{}}
	for _, k := range notify.Kinds {
		if v, ok := r.PostForm["kind_"+k.Name]; ok && len(v) > 0 {
			in.Kinds[k.Name] = v[0]
		}
	}
	if v, ok := r.PostForm["digest_frequency"]; ok && len(v) > 0 {
		in.DigestFrequency = &v[0]
	}
	_, err := h.st.Notify.SetPreferences(r.Context(), u.ID, in)
	if fields, ok := invalidFields(r, err); ok {
		current, err := h.st.Notify.Preferences(r.Context(), u.ID)
		if err != nil {
			h.fail(w, r, err, "")
			return
		}
		h.renderNotificationSettings(w, r, http.StatusBadRequest, current, formErrors(fields))
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "Your notification settings are saved.")
	http.Redirect(w, r, "/home/me/notifications/", http.StatusSeeOther)
}

// unsubscribeForm shows the link's button without acting: mail scanners open links.
// A forged or voided link is a 404 like any unknown address.
func (h *Web) unsubscribeForm(w http.ResponseWriter, r *http.Request) {
	t := r.URL.Query().Get("t")
	if !h.st.Notify.UnsubscribeValid(r.Context(), t) {
		h.fail(w, r, problem.NotFound("This unsubscribe link is not valid."), "")
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer") // the token must not leak to other sites
	h.render(w, r, http.StatusOK, views.UnsubscribePage(h.page(w, r, "Unsubscribe", ""),
		views.UnsubscribeData{Action: notify.UnsubscribePath + "?t=" + t}))
}

// unsubscribe is the one-click POST (RFC 8058: mail programs post
// "List-Unsubscribe=One-Click" to the link; so does the page's button). Limited per
// address, since it needs no sign-in.
func (h *Web) unsubscribe(w http.ResponseWriter, r *http.Request) {
	if err := limit.Check(r.Context(), h.st.Limiter, h.st.Limits.NotifyPrefs, limit.IPKey(h.st.ClientIP.Addr(r))); err != nil {
		h.fail(w, r, err, "")
		return
	}
	if !h.parseForm(w, r, 4<<10) {
		return
	}
	if err := h.st.Notify.Unsubscribe(r.Context(), r.URL.Query().Get("t")); err != nil {
		h.fail(w, r, err, "")
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.render(w, r, http.StatusOK, views.UnsubscribePage(h.page(w, r, "Unsubscribed", ""), views.UnsubscribeData{Done: true}))
}
