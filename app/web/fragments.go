package web

import (
	"net/http"
	"slices"

	"github.com/a-h/templ"
)

// Page scripts talk to the server in exactly two ways:
//
//   - the documented JSON API (/api/…, described by /api/openapi.json) for data and
//     actions, and
//   - the HTML fragments listed in FragmentRoutes: a GET or form POST sent with the
//     header "X-Fragment: 1" is answered with the piece of page that changed (a post
//     card, a comment, a page of messages) instead of the whole page or a redirect.
//
// A fragment request that fails is answered with the API's error JSON
// ({"detail": …} or {"field": [...]}, with the status of its kind), so a script reads
// every error the same way. Pages never answer JSON of their own.
//
// FragmentRoutes is that list: a route answers fragments only if its ServeMux pattern is
// here (elsewhere the header is ignored and the whole page comes back), and a test
// requests each one.
var FragmentRoutes = []string{
	// Pages that answer with their list only, for "Load more" and live updates.
	"GET /home/{$}",                   // the next page of the feed
	"GET /home/notifications/{$}",     // the next page of notifications
	"GET /chat/conversation/{id}/{$}", // older messages of a conversation
	// Forms whose answer, to a script, is the piece they created or changed.
	"POST /home/{$}",                   // a new post: its card (201)
	"POST /home/post/{id}/edit/{$}",    // an edited post: its card
	"POST /home/post/{id}/comment/{$}", // a new comment (201)
	"POST /home/comment/{id}/edit/{$}", // an edited comment
	// chat.js: a message sent or edited in place, answered with its bubble.
	"POST /chat/conversation/{id}/send/{$}", // 201
	"POST /chat/message/{id}/edit/{$}",
	// The material form, sent by learn.js to show upload progress: the material's row
	// of its subject's page (the script then goes to that page).
	"POST /home/subjects/{code}/materials/new/{$}", // a new material (201)
	"POST /home/materials/{id}/edit/{$}",           // an edited material
	// desk.js: an appointment after approve, reject, complete or cancel: its card.
	"POST /home/appointments/{id}/{action}/{$}",
	// Pieces that exist only as fragments (a live event names them; the script fetches).
	"GET /home/post/{id}/card/{$}",         // one post card
	"GET /home/comment/{id}/{$}",           // one comment
	"GET /chat/conversation/{id}/item/{$}", // one line of the conversation list
	"GET /chat/message/{id}/{$}",           // one message
	// coursework.js: an assignment's hand-in part, again when the student's grade arrives.
	"GET /home/materials/{id}/submission/{$}",
}

// fragmentHeader marks a request for a fragment.
const fragmentHeader = "X-Fragment"

// wantsFragment reports whether r asks for a fragment of a listed route.
func wantsFragment(r *http.Request) bool {
	return r.Header.Get(fragmentHeader) == "1" && slices.Contains(FragmentRoutes, r.Pattern)
}

// renderFragment answers a fragment request with c.
func (h *Web) renderFragment(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	w.Header().Set("Vary", "X-Fragment")
	h.render(w, r, status, c)
}
