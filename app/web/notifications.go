package web

import (
	"net/http"

	"eplatform/app/store"
	"eplatform/views"
)

// NotificationsPageSize is how many notifications a page lists.
const NotificationsPageSize = 30

func (h *Web) notificationsPage(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	filter := "all"
	q := store.NotificationQuery{RecipientID: u.ID, Limit: NotificationsPageSize + 1, After: parseCursor(r.URL.Query().Get("before"))}
	if r.URL.Query().Get("filter") == "unread" {
		filter = "unread"
		unread := true
		q.Unread = &unread
	}
	list, err := h.st.Notify.List(r.Context(), q)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	d := views.NotificationsData{Filter: filter}
	if len(list) > NotificationsPageSize {
		list = list[:NotificationsPageSize]
		last := list[len(list)-1]
		d.NextURL = "/home/notifications/?filter=" + filter + "&before=" + cursorParam(store.Cursor{At: last.CreatedAt, ID: last.ID})
	}
	for _, n := range list {
		d.Items = append(d.Items, h.notificationView(n))
	}
	p := h.page(w, r, "Notifications", "notifications")
	d.UnreadCount = p.Unread
	if wantsFragment(r) {
		h.renderFragment(w, r, http.StatusOK, views.NotificationsFragment(p, d))
		return
	}
	h.render(w, r, http.StatusOK, views.NotificationsPage(p, d))
}

func (h *Web) markNotificationRead(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	if _, err := h.st.Notify.MarkRead(r.Context(), u.ID, id); err != nil {
		h.fail(w, r, err, "")
		return
	}
	http.Redirect(w, r, "/home/notifications/", http.StatusSeeOther)
}

func (h *Web) markAllNotificationsRead(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	n, err := h.st.Notify.MarkAllRead(r.Context(), u.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if n > 0 {
		h.flash(w, r, "success", "All notifications are marked as read.")
	}
	http.Redirect(w, r, "/home/notifications/", http.StatusSeeOther)
}
