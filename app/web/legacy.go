package web

import (
	"net/http"
	"strings"

	"eplatform/app/httpx"
	"eplatform/views"
)

// registerLegacy serves the original's addresses that have no page of their own here
// (bookmarks, links in old mails, old scripts): each leads to its new place with
// moved(), or, for the few whose meaning changed, to a page that explains. The quiz
// addresses are in quiz_legacy.go. TestOriginalURLsWork walks the whole list.
func (h *Web) registerLegacy(mux *http.ServeMux) {
	mux.HandleFunc("GET /logout/{$}", h.logoutPage)
	mux.HandleFunc("POST /home/post/create/{$}", moved(fixed("/home/")))
	mux.HandleFunc("GET /home/post/{id}/comments/{$}", moved(func(r *http.Request) string { return "/home/post/" + r.PathValue("id") + "/#comments" }))
	mux.HandleFunc("GET /home/post/{id}/likes/{$}", h.requireLogin(h.likersPage))

	// The original's JSON under /home/api/ is the documented API now.
	mux.HandleFunc("GET /home/api/notifications/{$}", moved(fixed("/api/notifications/")))
	mux.HandleFunc("GET /home/api/notifications/count/{$}", moved(fixed("/api/notifications/unread_count/")))
	mux.HandleFunc("POST /home/api/notifications/mark-read/{$}", moved(fixed("/api/notifications/mark_all_read/")))
	mux.HandleFunc("POST /home/api/notifications/mark-read/{id}/{$}", moved(func(r *http.Request) string { return "/api/notifications/" + r.PathValue("id") + "/mark_read/" }))
	mux.HandleFunc("GET /home/api/users/search/{$}", moved(fixed("/api/users/search/")))
	mux.HandleFunc("GET /home/api/users/suggestions/{$}", moved(fixed("/api/search/suggest/")))
	mux.HandleFunc("GET /home/search/suggestions/{$}", moved(fixed("/api/search/suggest/")))
	mux.HandleFunc("GET /home/api/subjects/{$}", moved(fixed("/api/subjects/")))
	mux.HandleFunc("GET /home/api/subjects/{id}/{$}", moved(func(r *http.Request) string { return "/api/subjects/" + r.PathValue("id") + "/" }))

	// The original's reorder and mark endpoints always failed (they called a removed
	// Django method) and took lists no new endpoint takes in one call: say where the
	// work is done now instead of pretending.
	gone := func(msg string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			httpx.WriteJSON(w, http.StatusGone, map[string]string{"status": "error", "message": msg})
		}
	}
	mux.HandleFunc("POST /home/api/questions/reorder/{$}", gone("Reorder questions with POST /api/quizzes/{id}/questions/order/ (or the arrows on the quiz page)."))
	mux.HandleFunc("POST /home/api/answers/reorder/{$}", gone("Answers are ordered in the question's form: PUT /api/questions/{id}/."))
	mux.HandleFunc("POST /home/api/answers/{id}/mark/{$}", gone("Mark answers with POST /api/attempts/{id}/grade/ (or the quiz's grading page)."))
}

// fixed is a moved() target that does not depend on the request.
func fixed(path string) func(*http.Request) string {
	return func(*http.Request) string { return path }
}

// moved answers with a permanent redirect to to(r), keeping the query: 301 for GET
// and HEAD, 308 (method and body kept) for the others.
func moved(to func(*http.Request) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		target := to(r)
		if r.URL.RawQuery != "" {
			path, frag, found := strings.Cut(target, "#")
			target = path + "?" + r.URL.RawQuery
			if found {
				target += "#" + frag
			}
		}
		status := http.StatusPermanentRedirect
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			status = http.StatusMovedPermanently
		}
		http.Redirect(w, r, target, status)
	}
}

// logoutPage is GET /logout/: the original signed out on a GET, which any image tag
// on another site could trigger; here it asks, and the button posts.
func (h *Web) logoutPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := identity(r.Context()); !ok {
		http.Redirect(w, r, "/login/", http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, views.LogoutPage(h.page(w, r, "Sign out", "")))
}
