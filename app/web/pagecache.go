package web

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"eplatform/app/auth"
	"eplatform/app/frag"
)

// The pages anonymous visitors see — sign in, sign up, password reset, contact and FAQ,
// public profiles — are kept whole and served from memory, compressed once.
//
// Only a request that cannot be anyone's is served or stored: GET or HEAD, no session
// cookie, no Authorization header, nobody signed in, and an answer that is a plain 200
// without cookies. So a signed-in page can never be stored, nor a stored page reach a
// signed-in person. (The original's cache served one user's feed to everyone.)
//
// Correctness across writes: every successful write anywhere moves the anonymous-pages
// version on (a namespace version in the data cache, shared with Redis between
// processes), and the version is part of every key: no write is followed by an old
// anonymous page. Writes are rare next to reads, so this coarse rule costs little.

// AnonPagesNamespace is the cache namespace of the anonymous pages.
const AnonPagesNamespace = "anon-pages"

// anonPagePrefixes are the paths whose anonymous answers are kept.
var anonPagePrefixes = []string{"/login/", "/signup/", "/password_reset/", "/home/contact/", "/home/profile/"}

// anonPageTTL bounds how long a kept page lives even without a write (its times).
const anonPageTTL = time.Minute

// AnonymousPages serves and keeps anonymous pages; it sits after the middleware that
// identifies the caller.
func (h *Web) AnonymousPages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isWrite(r.Method) {
			rec := &statusOnly{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			if rec.status < 400 {
				h.anonChanged(r.Context())
			}
			return
		}
		if !h.anonCacheable(r) {
			next.ServeHTTP(w, r)
			return
		}
		version, err := h.st.Cache.Version(r.Context(), AnonPagesNamespace)
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		key := "page:" + strconv.FormatUint(version, 10) + ":" + r.URL.RequestURI()
		if p, ok := h.st.Pages.Get(key); ok {
			frag.Serve(w, r, p.Status, p.ContentType, "no-store", p.Pieces, p.ETag)
			return
		}
		rec := &pageRecorder{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(r.Context()))
		if rec.status != http.StatusOK || len(rec.header.Values("Set-Cookie")) > 0 ||
			!strings.HasPrefix(rec.header.Get("Content-Type"), "text/html") || rec.header.Get("Content-Encoding") != "" {
			rec.replay(w)
			return
		}
		piece := frag.Make(rec.body.Bytes())
		p := &frag.Page{Status: rec.status, ContentType: rec.header.Get("Content-Type"), Pieces: []*frag.Piece{piece},
			ETag: `"a` + strconv.FormatUint(uint64(piece.CRC), 36) + "-" + strconv.Itoa(len(piece.Raw)) + `"`}
		h.st.Pages.Set(key, p, int64(p.Size()+len(key)), anonPageTTL)
		for _, k := range []string{"Content-Security-Policy", "X-Frame-Options"} {
			if v := rec.header.Get(k); v != "" {
				w.Header().Set(k, v)
			}
		}
		frag.Serve(w, r, p.Status, p.ContentType, "no-store", p.Pieces, p.ETag)
	})
}

func isWrite(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// anonCacheable tells whether r is an anonymous read of a kept kind of page.
func (h *Web) anonCacheable(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead || r.Header.Get("Authorization") != "" {
		return false
	}
	if _, err := r.Cookie(auth.SessionName); err == nil {
		return false
	}
	if _, signedIn := auth.FromContext(r.Context()); signedIn {
		return false
	}
	for _, p := range anonPagePrefixes {
		if strings.HasPrefix(r.URL.Path, p) {
			return true
		}
	}
	return false
}

func (h *Web) anonChanged(ctx context.Context) {
	if err := h.st.Cache.Bump(ctx, AnonPagesNamespace); err != nil {
		h.st.Log.ErrorContext(ctx, "bump the anonymous pages' version", "err", err)
	}
}

// statusOnly remembers the status of a response it passes through.
type statusOnly struct {
	http.ResponseWriter
	status int
}

func (s *statusOnly) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusOnly) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusOnly) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// pageRecorder holds a whole answer to keep or replay it.
type pageRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (p *pageRecorder) Header() http.Header { return p.header }

func (p *pageRecorder) WriteHeader(code int) {
	if !p.wrote {
		p.status, p.wrote = code, true
	}
}

func (p *pageRecorder) Write(b []byte) (int, error) {
	p.wrote = true
	return p.body.Write(b)
}

func (p *pageRecorder) replay(w http.ResponseWriter) {
	for k, v := range p.header {
		w.Header()[k] = v
	}
	w.WriteHeader(p.status)
	_, _ = w.Write(p.body.Bytes()) // the status is sent; a failed write means the client left
}
