package server

import (
	"net/http"

	"eplatform/app/auth"
	"eplatform/app/store"
)

// With PostgreSQL read replicas, reads go to a replica unless the reader has just
// written (store/replicas.go). These two middlewares sit around identify: the first
// starts the request's store.Consistency and sends identification's reads (session,
// token, user) to the primary — a session or token made a moment ago must not be
// missed on a lagging replica, which would sign the person out — and the second binds
// the Consistency to the signed-in user, so their reads see their writes from any
// process; requests other than GET and HEAD read from the primary throughout. Without
// replicas both are left out of the chain.

// readYourWrites comes before identify.
func (s *Server) readYourWrites(next http.Handler) http.Handler {
	if len(s.st.DB.Replicas()) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, c := s.st.DB.ReadYourWrites(r.Context())
		c.Primary(true)
		r = r.WithContext(ctx)
		// Loaded here (identify finds it in the request's registry) so that the
		// session a handler signs someone into is the one read below.
		sess, err := s.sessions.Get(r, auth.SessionName)
		next.ServeHTTP(w, r)
		// A request that signed someone in (or up) wrote as nobody: its writes are
		// remembered for the person, whose next request may land on another process.
		if err == nil && c.Wrote() {
			c.Adopt(ctx, auth.UserID(sess))
		}
	})
}

// bindReads comes after identify.
func (s *Server) bindReads(next http.Handler) http.Handler {
	if len(s.st.DB.Replicas()) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := store.ConsistencyOf(r.Context())
		if id, ok := auth.FromContext(r.Context()); ok {
			c.Bind(id.User.ID)
		}
		// Only pages and API reads (GET, HEAD) use the replicas. A request that changes
		// something decides on what it reads — a password at sign-in, a permission,
		// a row that must exist — and must not decide on a replica's older state.
		c.Primary(r.Method != http.MethodGet && r.Method != http.MethodHead)
		next.ServeHTTP(w, r)
	})
}
