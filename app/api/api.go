package api

import (
	"net/http"
	"strings"

	"eplatform/app/auth"
	"eplatform/app/httpx"
	"eplatform/app/limit"
	"eplatform/app/state"
)

// API is the JSON side of the site.
type API struct {
	st       *state.State
	sessions *auth.SessionStore
	mux      *http.ServeMux
	routes   []route
}

// route is one endpoint: the ServeMux registration and its OpenAPI entry.
type route struct {
	Method, Path string // Path as in API.md, e.g. /api/auth/login/
	Summary      string
	Tag          string
	Auth         bool   // 401 for anonymous callers
	Body         string // request schema name ("" for none)
	Response     string // response schema name ("" for none)
	Status       int    // success status
	Handler      http.HandlerFunc
}

// New builds the API and its routes.
func New(st *state.State, sessions *auth.SessionStore) *API {
	a := &API{st: st, sessions: sessions, mux: http.NewServeMux()}
	a.routes = append(a.authRoutes(), a.feedRoutes()...)
	a.routes = append(a.routes, a.chatRoutes()...)
	a.routes = append(a.routes, a.learnRoutes()...)
	a.routes = append(a.routes, a.peopleRoutes()...)
	a.routes = append(a.routes, a.quizRoutes()...)
	a.routes = append(a.routes, a.courseworkRoutes()...)
	a.routes = append(a.routes, a.deskRoutes()...)
	a.routes = append(a.routes, a.rosterRoutes()...)
	a.routes = append(a.routes, a.moderationRoutes()...)
	a.routes = append(a.routes, a.myDataRoutes()...)
	a.routes = append(a.routes, a.twoFactorRoutes()...)
	a.routes = append(a.routes, a.notifyPrefRoutes()...)
	a.routes = append(a.routes, route{Method: "GET", Path: "/api/", Summary: "The API's sections", Tag: "meta", Response: "APIRoot", Status: 200, Handler: a.apiRoot})
	a.routes = append(a.routes, route{Method: "GET", Path: "/api/openapi.json", Summary: "This document", Tag: "meta", Response: "OpenAPIDocument", Status: 200, Handler: a.openAPI})
	for _, rt := range a.routes {
		h := rt.Handler
		if rt.Auth {
			h = a.requireAuth(h)
		}
		// A pattern ending in a slash would match every path below it too
		// (GET /api/auth/profile/anything); {$} makes it exact.
		pattern := rt.Path
		if strings.HasSuffix(pattern, "/") {
			pattern += "{$}"
		}
		a.mux.HandleFunc(rt.Method+" "+pattern, h)
	}
	return a
}

// Routes lists every registered endpoint as "METHOD /path", in registration order;
// the OpenAPI test checks each one is documented.
func (a *API) Routes() []string {
	out := make([]string, len(a.routes))
	for i, rt := range a.routes {
		out[i] = rt.Method + " " + rt.Path
	}
	return out
}

// CrossOriginDenied is the JSON response when http.CrossOriginProtection refuses a
// cross-site request to the API.
func CrossOriginDenied(w http.ResponseWriter, r *http.Request) {
	detail(w, http.StatusForbidden, "Cross-site request refused.")
}

// Prefixes are the URL prefixes the API answers under. The chat API also answers
// under /chat/api/, as the original's did (ServeHTTP maps it to /api/chat/).
var Prefixes = []string{"/api/", "/chat/api/"}

// ServeHTTP routes an API request. Paths are answered with or without the trailing
// slash (no redirect, which would turn a POST into a GET in many clients), and
// unknown paths and methods get JSON errors instead of the mux's plain text.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/chat/api/"); ok {
		r.URL.Path, r.URL.RawPath = "/api/chat/"+rest, ""
	}
	if !strings.HasSuffix(r.URL.Path, "/") && !strings.HasSuffix(r.URL.Path, ".json") {
		r.URL.Path += "/"
		r.URL.RawPath = ""
	}
	if _, pattern := a.mux.Handler(r); pattern == "" {
		a.unrouted(w, r)
		return
	}
	a.mux.ServeHTTP(w, r)
}

// unrouted answers 405 with Allow when the path exists for other methods, else 404.
func (a *API) unrouted(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := a.mux.Handler(probe); p != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) == 0 {
		detail(w, http.StatusNotFound, "Not found.")
		return
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	detail(w, http.StatusMethodNotAllowed, `Method "`+r.Method+`" not allowed.`)
}

// requireAuth answers 401 for anonymous callers.
func (a *API) requireAuth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, ok := auth.FromContext(r.Context()); !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
			detail(w, http.StatusUnauthorized, "Authentication credentials were not provided or are not valid.")
			return
		}
		next(w, r)
	}
}

// fail is the API's one error writer (httpx.WriteError): a refusal of the rules is
// answered with its kind's status and message, anything else is a logged 500.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	httpx.WriteError(w, r, a.st.Log, err)
}

// clientKey is the rate-limit key of the caller's address.
func (a *API) clientKey(r *http.Request) string { return limit.IPKey(a.st.ClientIP.Addr(r)) }

// tooMany answers 429 with Retry-After.
func tooMany(w http.ResponseWriter, d limit.Decision) {
	limit.SetRetryAfter(w, d)
	detail(w, http.StatusTooManyRequests, limit.Message(d))
}
