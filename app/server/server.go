// Package server assembles the HTTP handler from the web and api packages and the
// middleware, and runs it with a graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"eplatform/app/api"
	"eplatform/app/audit"
	"eplatform/app/auth"
	"eplatform/app/httpx"
	"eplatform/app/limit"
	"eplatform/app/live"
	"eplatform/app/media"
	"eplatform/app/metrics"
	"eplatform/app/state"
	"eplatform/app/store"
	"eplatform/app/web"
	"eplatform/app/zone"
)

// Server is the whole site as one http.Handler.
type Server struct {
	st       *state.State
	handler  http.Handler
	sessions *auth.SessionStore
	Web      *web.Web
	API      *api.API
	Metrics  *metrics.Metrics
}

// New wires the routes and middleware.
func New(st *state.State) (*Server, error) {
	sessions := st.Auth.NewSessionStore(st.Config.SecureCookies())
	m := metrics.New(st.DB, st.Cache, st.Fragments, st.Pages, st.Limiter)
	w, err := web.New(st, sessions)
	if err != nil {
		return nil, err
	}
	a := api.New(st, sessions)
	s := &Server{st: st, sessions: sessions, Web: w, API: a, Metrics: m}

	mux := http.NewServeMux()
	w.Register(mux)
	apiLimited := limit.Middleware(st.Limiter, st.Limits.API, s.apiKey, nil)(a)
	for _, p := range api.Prefixes {
		mux.Handle(p, apiLimited)
	}
	for _, p := range live.Patterns() {
		mux.Handle(p, st.Hub)
	}
	m.Gauges.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "eplatform_ws_sockets", Help: "Open WebSocket connections on this process."},
			func() float64 { return float64(st.Hub.Sockets()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "eplatform_ws_users", Help: "Users with an open WebSocket on this process."},
			func() float64 { return float64(st.Hub.Users()) }))
	if st.Config.MetricsAddr == "" { // else only the separate listener serves them
		mux.Handle("GET /metrics", requireMetricsToken(st.Config.MetricsToken, m.Handler()))
	}
	mux.HandleFunc("GET /media/profile_pictures/{name}", s.servePicture)
	mux.HandleFunc("GET /media/post/{id}/{name}", s.servePostMedia)

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if isAPI(r) {
			api.CrossOriginDenied(rw, r)
			return
		}
		w.CrossOriginDenied(rw, r)
	}))
	busy := &clientCap{max: st.Config.ConnsPerClient, ip: st.ClientIP, inFlight: map[string]int{},
		refuse: func(rw http.ResponseWriter, r *http.Request) {
			d := limit.Decision{RetryAfter: time.Second}
			limit.SetRetryAfter(rw, d)
			if isAPI(r) {
				httpx.Detail(rw, http.StatusTooManyRequests, "Too many requests in progress from your address. Try again in a second.")
				return
			}
			w.Refuse429(rw, r, d)
		}}
	slow := bodyRate{rate: int64(st.Config.MinBodyRate) << 10, grace: st.Config.BodyGrace,
		refuse: func(rw http.ResponseWriter, r *http.Request) {
			msg := "The request body arrived too slowly and was cut off. Check your connection and try again."
			if isAPI(r) {
				httpx.Detail(rw, http.StatusRequestTimeout, msg)
				return
			}
			http.Error(rw, msg, http.StatusRequestTimeout)
		}}

	s.handler = web.Chain(mux,
		web.RequestIDs,
		web.Observe(st.Log, m, w.PanicPage),
		web.SecurityHeaders(st.Config.SecureCookies()),
		busy.middleware,
		slow.middleware,
		web.Gzip,
		csrf.Handler,
		s.readYourWrites, // read replicas (consistency.go); absent without
		s.identify,
		s.bindReads,
		s.auditClient,
		s.requireTwoFactor,
		w.AnonymousPages,
		web.Route,
	)
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// identify puts the caller's identity in the request context: a bearer token
// (Authorization header, or ?access_token= for WebSockets, which cannot send headers)
// or else the session cookie. Inactive users are anonymous. The user's time zone
// goes in too (app/zone): every time a page shows is in it.
func (s *Server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A token or session that is no good makes the request anonymous; one that could
		// not be looked up (the database or cache failed, the client went away) stops it
		// with a server error (499 for a client gone): going on as anonymous would do
		// an anonymous write in a signed-in person's stead, or tell an API client 401
		// so that it drops its tokens.
		ctx := r.Context()
		if tok := bearer(r); tok != "" {
			a, err := s.st.Auth.UserForAccessToken(ctx, tok)
			switch {
			case err == nil:
				r = r.WithContext(zone.With(auth.WithIdentity(ctx, auth.Identity{User: a.User, TokenFamily: a.Family}), a.User.TimeZone))
			case !errors.Is(err, auth.ErrInvalidToken):
				httpx.ServerError(w, r, s.st.Log, fmt.Errorf("look up the access token: %w", err))
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if _, err := r.Cookie(auth.SessionName); err == nil {
			sess, err := s.sessions.Get(r, auth.SessionName)
			if err != nil {
				httpx.ServerError(w, r, s.st.Log, fmt.Errorf("load the session: %w", err))
				return
			}
			if uid := auth.UserID(sess); uid != 0 {
				u, err := s.st.Auth.UserByID(ctx, uid)
				switch {
				case err == nil && u.IsActive:
					r = r.WithContext(zone.With(auth.WithIdentity(ctx, auth.Identity{User: u}), u.TimeZone))
				case err != nil && !errors.Is(err, store.ErrNotFound):
					httpx.ServerError(w, r, s.st.Log, fmt.Errorf("load the session's user: %w", err))
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// auditClient notes the client's address for the audit entries the request records.
func (s *Server) auditClient(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := s.st.ClientIP.Addr(r); a.IsValid() {
			r = r.WithContext(audit.WithClient(r.Context(), a.String()))
		}
		next.ServeHTTP(w, r)
	})
}

func bearer(r *http.Request) string {
	if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	if p := r.URL.Path; p == "/ws" || strings.HasPrefix(p, "/ws/") {
		return r.URL.Query().Get("access_token")
	}
	return ""
}

// apiKey is the API rate-limit key: the user when signed in, else the client address.
func (s *Server) apiKey(r *http.Request) string {
	if id, ok := auth.FromContext(r.Context()); ok {
		return limit.UserKey(id.User.ID)
	}
	return "ip:" + limit.IPKey(s.st.ClientIP.Addr(r))
}

// servePicture serves profile pictures, which are public like a name (they appear next
// to posts and in search).
func (s *Server) servePicture(w http.ResponseWriter, r *http.Request) {
	// Names are random and never reused, so the file may be cached for long.
	w.Header().Set("Cache-Control", "public, max-age=604800")
	if s.st.Media.ServeFile(w, r, "profile_pictures/"+r.PathValue("name")) != nil {
		w.Header().Del("Cache-Control")
		http.NotFound(w, r)
	}
}

// servePostMedia serves a post's file to signed-in users. The URL names the post, and
// the file must be that post's: a missing, foreign or made-up name is a 404, and
// nothing outside the media root can be reached. Documents are downloads under their
// real name; images and videos play inline (ServeContent answers range requests).
func (s *Server) servePostMedia(w http.ResponseWriter, r *http.Request) {
	if _, ok := auth.FromContext(r.Context()); !ok {
		http.NotFound(w, r)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	post, err := s.st.DB.PostByID(r.Context(), id)
	if err != nil || post.Media == nil || post.Media.Path != "posts/"+r.PathValue("name") {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", post.Media.ContentType)
	h.Set("Cache-Control", "private, max-age=86400")
	if post.Media.Kind == media.Document {
		media.SetDisposition(w, "attachment", post.Media.Name)
	}
	if s.st.Media.ServeFile(w, r, post.Media.Path) != nil {
		h.Del("Content-Disposition")
		http.NotFound(w, r)
	}
}

// Run serves on addr until ctx is cancelled, then stops accepting connections and
// waits up to 20 s for in-flight requests.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	s.Web.StartWarming(ctx) // in the background; serving starts at once
	// Bodies are bounded by their rate (-min-body-rate), which lets a large upload on a
	// slow link finish; a fixed read timeout is the fallback when that is turned off.
	var readTimeout time.Duration
	if s.st.Config.MinBodyRate == 0 {
		readTimeout = 5 * time.Minute
	}
	return serve(ctx, ln, &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       readTimeout,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	})
}

// serve runs srv on ln until ctx is cancelled, then shuts it down gracefully.
func serve(ctx context.Context, ln net.Listener, srv *http.Server) error {
	srv.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}
