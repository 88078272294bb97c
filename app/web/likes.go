package web

import (
	"net/http"
	"strconv"

	"eplatform/app/feed"
	"eplatform/views"
)

// likersPage is GET /home/post/{id}/likes/: who liked a post, newest first, a keyset
// page per ?before=MILLIS-USERID.
func (h *Web) likersPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	after := parseCursor(r.URL.Query().Get("before"))
	page, err := h.st.Feed.Likers(r.Context(), id, after, feed.LikersPageSize)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	now := h.st.Now()
	author := person(page.Post.Author)
	d := views.LikersData{PostID: id, Author: author.Name, Count: page.Post.LikesCount, First: after.IsZero()}
	for _, l := range page.People {
		d.People = append(d.People, views.Liker{Person: person(l.User), ISO: l.LikedAt.UTC().Format("2006-01-02T15:04:05Z"), Ago: ago(r.Context(), l.LikedAt, now)})
	}
	if !page.Next.IsZero() {
		d.NextURL = "/home/post/" + strconv.FormatInt(id, 10) + "/likes/?before=" + cursorParam(page.Next)
	}
	h.render(w, r, http.StatusOK, views.LikersPage(h.page(w, r, "Who liked "+author.Name+"’s post", "home"), d))
}
