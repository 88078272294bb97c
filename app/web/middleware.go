package web

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"eplatform/app/httpx"
	"eplatform/app/metrics"
	"eplatform/app/store"
)

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Chain applies middleware so that the first one listed is the outermost.
func Chain(h http.Handler, mw ...Middleware) http.Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// RequestID returns the request's id ("" outside a request).
func RequestID(ctx context.Context) string { return httpx.RequestID(ctx) }

// RequestIDs gives every request an id (see httpx.RequestIDs).
func RequestIDs(next http.Handler) http.Handler { return httpx.RequestIDs(next) }

// statusWriter remembers the status code and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach Flush and Hijack (WebSocket upgrades).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Observe logs every request with its id, status, duration and number of SQL
// statements, records it in the metrics, and turns a panic into a 500 page.
func Observe(log *slog.Logger, m *metrics.Metrics, onPanic http.HandlerFunc) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ctx, queries := store.WithQueryCounter(r.Context())
			route := new(string)
			ctx = context.WithValue(ctx, routeKey{}, route)
			r = r.WithContext(ctx)
			sw := &statusWriter{ResponseWriter: w}
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					log.ErrorContext(ctx, "panic", "id", RequestID(ctx), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
					if sw.status == 0 {
						onPanic(sw, r)
					}
				}
				d := time.Since(start)
				status := sw.status
				if status == 0 {
					status = http.StatusOK
				}
				pattern := r.Pattern
				if *route != "" {
					pattern = *route
				}
				m.Observe(pattern, r.Method, status, d)
				level := slog.LevelInfo
				if status >= 500 {
					level = slog.LevelError
				}
				log.Log(ctx, level, "request", "id", RequestID(ctx), "method", r.Method, "path", r.URL.Path,
					"status", status, "bytes", sw.bytes, "ms", float64(d.Microseconds())/1000, "queries", queries.Count())
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

type routeKey struct{}

// Route tells Observe which ServeMux pattern served the request. The mux sets Pattern
// on the request it is handed, and middleware between Observe and the mux may replace
// the request (to add the signed-in user to its context), so Observe cannot see it on
// its own copy. Route goes right in front of the mux.
func Route(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p, ok := r.Context().Value(routeKey{}).(*string); ok {
				*p = r.Pattern
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows only our own scripts, styles and images: no inline
// script, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self'; " +
	"frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"

// SecurityHeaders sets the headers every response carries.
func SecurityHeaders(hsts bool) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", contentSecurityPolicy)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
			if hsts {
				h.Set("Strict-Transport-Security", "max-age=31536000")
			}
			next.ServeHTTP(w, r)
		})
	}
}

func acceptsGzip(r *http.Request) bool { return httpx.Accepts(r, "gzip") }

var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed); return w }} // a valid level

// Gzip compresses text responses (HTML, JSON, CSS, JS, SVG) of at least 1 KiB for
// clients that accept it. Already-encoded responses (static assets) and WebSocket
// upgrades pass through untouched.
func Gzip(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A range answer is a slice of the file's bytes; compressing it would hand the
		// client a slice of something else.
		if !acceptsGzip(r) || r.Header.Get("Upgrade") != "" || r.Method == http.MethodHead || r.Header.Get("Range") != "" {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Accept-Encoding")
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.close()
		next.ServeHTTP(gw, r)
	})
}

const gzipMinSize = 1024

type gzipWriter struct {
	http.ResponseWriter
	zw      *gzip.Writer
	buf     []byte // held until we know whether the body is worth compressing
	status  int
	decided bool
}

func compressible(h http.Header) bool {
	if h.Get("Content-Encoding") != "" {
		return false
	}
	ct := h.Get("Content-Type")
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json") ||
		strings.Contains(ct, "javascript") || strings.Contains(ct, "svg")
}

func (g *gzipWriter) WriteHeader(code int) {
	if g.status == 0 {
		g.status = code
	}
	// Bodiless and streaming-free statuses are decided at once.
	if code < 200 || code == http.StatusNoContent || code == http.StatusNotModified {
		g.decide(false)
	}
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.decided {
		g.buf = append(g.buf, b...)
		if len(g.buf) < gzipMinSize {
			return len(b), nil
		}
		g.decide(true)
		return len(b), g.flushBuf()
	}
	if g.zw != nil {
		return g.zw.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

// decide commits to compressing or not, once; big says the body is large enough to
// be worth it.
func (g *gzipWriter) decide(big bool) {
	if g.decided {
		return
	}
	g.decided = true
	if g.Header().Get("Content-Type") == "" && len(g.buf) > 0 {
		g.Header().Set("Content-Type", http.DetectContentType(g.buf))
	}
	if big && compressible(g.Header()) {
		g.Header().Set("Content-Encoding", "gzip")
		g.Header().Del("Content-Length")
		g.zw = gzipPool.Get().(*gzip.Writer)
		g.zw.Reset(g.ResponseWriter)
	}
	if g.status != 0 {
		g.ResponseWriter.WriteHeader(g.status)
	}
}

func (g *gzipWriter) flushBuf() error {
	buf := g.buf
	g.buf = nil
	if len(buf) == 0 {
		return nil
	}
	if g.zw != nil {
		_, err := g.zw.Write(buf)
		return err
	}
	_, err := g.ResponseWriter.Write(buf)
	return err
}

// Flush sends what is buffered (used by streaming responses such as progress pages).
func (g *gzipWriter) Flush() {
	if !g.decided {
		g.decide(true)
		_ = g.flushBuf() // the status is sent; a failed write means the client left
	}
	if g.zw != nil {
		_ = g.zw.Flush() // the status is sent; a failed write means the client left
	}
	http.NewResponseController(g.ResponseWriter).Flush()
}

// Hijack is not supported through gzip; upgrades bypass this writer.
func (g *gzipWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, errors.New("web: hijack through gzip writer")
}

func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

func (g *gzipWriter) close() {
	if !g.decided {
		g.decide(len(g.buf) >= gzipMinSize)
		_ = g.flushBuf() // the status is sent; a failed write means the client left
	}
	if g.zw != nil {
		_ = g.zw.Close() // the status is sent; a failed write means the client left
		g.zw.Reset(io.Discard)
		gzipPool.Put(g.zw)
		g.zw = nil
	}
}
