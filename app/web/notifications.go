package web

import (
	"hash/crc32"
	"net/http"
	"strconv"

	"eplatform/app/auth"
	"eplatform/app/frag"
	"eplatform/app/store"
	"eplatform/views"

	"github.com/a-h/templ"
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
	list, err := h.st.Notify.Page(r.Context(), q)
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
	// The rows come from fragments kept per notification, read state and people
	// version (app/frag); the page around them is the viewer's shell.
	ctx := r.Context()
	people, err := h.st.Cache.Version(ctx, auth.PeopleNamespace)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	a := h.newAssembly(r, u)
	for _, n := range list {
		// The preview quotes the post or comment as it is now: its checksum is in the key.
		key := "notif:" + strconv.FormatInt(n.ID, 10) + "." + strconv.FormatBool(n.IsRead) + "." + strconv.FormatUint(people, 10) +
			"." + strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(n.Preview))), 36) + zoneKey(ctx)
		f, err := h.st.Fragments.Get(key, func() ([]byte, error) {
			v := h.notificationView(ctx, n)
			v.CreatedAgo = absTime(ctx, n.CreatedAt)
			return renderBytes(ctx, views.NotificationItem(views.Page{Viewer: viewerOf(u), Asset: h.assets.URL, Cached: true}, v))
		})
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		a.cards, a.keys = append(a.cards, f), append(a.keys, key)
		a.etag.add(key)
	}
	d.ItemSlots = len(a.cards)
	p := h.page(w, r, "Notifications", "notifications")
	d.UnreadCount = p.Unread
	shape := filter + "|" + strconv.Itoa(d.ItemSlots) + "|" + d.NextURL
	shell, err := h.shell(ctx, p, "notifications", wantsFragment(r), shape, func(p views.Page) templ.Component {
		if wantsFragment(r) {
			return views.NotificationsFragment(p, d)
		}
		return views.NotificationsPage(p, d)
	})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	a.etag.add(shell.key)
	a.resp.Add(shell.frag, a.fill)
	if wantsFragment(r) {
		w.Header().Set("Vary", "X-Fragment")
	}
	frag.Serve(w, r, http.StatusOK, "text/html; charset=utf-8", "no-store", a.resp.Pieces(), a.etag.etag())
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
