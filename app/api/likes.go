package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"eplatform/app/feed"
	"eplatform/app/notify"
	"eplatform/app/store"
)

// LikerJSON is one person who liked a post.
type LikerJSON struct {
	User        notify.UserMini `json:"user"`
	DisplayName string          `json:"display_name"`
	LikedAt     string          `json:"liked_at"`
}

// postLikers is GET /api/posts/{id}/likes/: who liked the post, newest like first, in
// the list shape with a keyset cursor (?before= from the next link) instead of page
// numbers, so a page stays right while likes come and go. count is every like.
func (a *API) postLikers(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	pg, errs := readPaging(r, feed.LikersPageSize)
	var after store.Cursor
	if v := q.Get("before"); v != "" {
		c, ok := parseLikerCursor(v)
		if !ok {
			errs["before"] = []string{"Use the cursor of the next link."}
		}
		after = c
	}
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	page, err := a.st.Feed.Likers(r.Context(), id, after, pg.Size)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	results := make([]LikerJSON, 0, len(page.People))
	for _, l := range page.People {
		m := notify.Mini(l.User)
		results = append(results, LikerJSON{User: m, DisplayName: l.User.DisplayName(), LikedAt: iso(l.LikedAt)})
	}
	out := listPage{Count: page.Post.LikesCount, Results: results}
	if !page.Next.IsZero() {
		q.Set("before", strconv.FormatInt(page.Next.At.UnixMilli(), 10)+"-"+strconv.FormatInt(page.Next.ID, 10))
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		s := a.st.Config.BaseURL + u.String()
		out.Next = &s
	}
	writeJSON(w, http.StatusOK, out)
}

// parseLikerCursor reads MILLIS-USERID.
func parseLikerCursor(v string) (store.Cursor, bool) {
	at, id, ok := strings.Cut(v, "-")
	ms, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || n <= 0 || ms < 0 {
		return store.Cursor{}, false
	}
	return store.Cursor{At: time.UnixMilli(ms), ID: n}, true
}

// apiRoot is GET /api/: the API's sections (the original's DRF root listed its
// resources), each with where it starts and what it covers, and the full document.
func (a *API) apiRoot(w http.ResponseWriter, r *http.Request) {
	base := a.st.Config.BaseURL
	sections := []map[string]string{}
	for _, t := range tags {
		m, ok := t.(map[string]any)
		if !ok {
			continue
		}
		name, _ := m["name"].(string)
		desc, _ := m["description"].(string)
		sections = append(sections, map[string]string{"name": name, "description": desc, "url": base + sectionStart(a.routes, name)})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"name": "E-Platform API", "openapi": base + "/api/openapi.json", "sections": sections,
		// The original root's three links, kept for its clients.
		"posts": base + "/api/posts/", "comments": base + "/api/comments/", "notifications": base + "/api/notifications/",
	})
}

// sectionStart is the first GET path of a tag without a path parameter (its list),
// else its first path.
func sectionStart(routes []route, tag string) string {
	first := ""
	for _, rt := range routes {
		if rt.Tag != tag {
			continue
		}
		if first == "" {
			first = rt.Path
		}
		if rt.Method == "GET" && !strings.Contains(rt.Path, "{") {
			return rt.Path
		}
	}
	return first
}
