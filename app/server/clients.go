package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"eplatform/app/api"
	"eplatform/app/limit"
)

// clientCap limits the requests one client address may have in progress at once, as
// nginx's limit_conn does. It counts requests rather than TCP connections, for three
// reasons: behind a proxy every TCP connection comes from the proxy, while a request
// carries the client's address (believed only from -trusted-proxies); a school behind
// one NAT address holds many idle keep-alive connections (browsers keep up to six per
// site) that cost nothing; and a refused request can be told why, with a 429 and
// Retry-After, where a refused connection is only a reset. A WebSocket stops counting
// once it is upgraded: open tabs are capped per user by the hub. A connection that has
// not finished its headers does not count either; ReadHeaderTimeout ends it.
type clientCap struct {
	max    int
	ip     limit.ClientIP
	refuse func(w http.ResponseWriter, r *http.Request)

	mu       sync.Mutex
	inFlight map[string]int
}

func (cc *clientCap) acquire(key string) bool {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.inFlight[key] >= cc.max {
		return false
	}
	cc.inFlight[key]++
	return true
}

func (cc *clientCap) release(key string) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.inFlight[key]--; cc.inFlight[key] <= 0 {
		delete(cc.inFlight, key)
	}
}

func (cc *clientCap) middleware(next http.Handler) http.Handler {
	if cc.max <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := limit.IPKey(cc.ip.Addr(r))
		if key == "" { // not a TCP peer (a Unix socket): nothing to tell clients apart by
			next.ServeHTTP(w, r)
			return
		}
		if !cc.acquire(key) {
			w.Header().Set("Connection", "close")
			cc.refuse(w, r)
			return
		}
		var once sync.Once
		release := func() { once.Do(func() { cc.release(key) }) }
		defer release()
		next.ServeHTTP(&hijackRelease{ResponseWriter: w, release: release}, r)
	})
}

// hijackRelease gives a request's slot back when its connection is taken over by a
// WebSocket, whose handler runs as long as the tab stays open.
type hijackRelease struct {
	http.ResponseWriter
	release func()
}

// Hijack releases first: taking the connection over flushes the 101 answer, and the
// client may open its next socket before Hijack has returned.
func (h *hijackRelease) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h.release()
	return http.NewResponseController(h.ResponseWriter).Hijack()
}

func (h *hijackRelease) Unwrap() http.ResponseWriter { return h.ResponseWriter }

// bodyRate cuts off request bodies that arrive slower than a minimum rate: after a
// grace period, a body must have delivered at least rate bytes for every second
// since the request began. The connection's read deadline is moved forward as bytes
// arrive, so a 200 MB video on a slow but steady link has all the time it needs, while
// a body trickled at 1 byte/s is cut after about the grace period instead of holding
// the connection for the server's whole read timeout.
type bodyRate struct {
	rate  int64 // bytes per second
	grace time.Duration
	// refuse answers a cut body (408); nothing has been written when it is called.
	refuse func(w http.ResponseWriter, r *http.Request)
}

// errBodyTooSlow is what reading a cut body returns. It also matches context.Canceled:
// to a handler a client too slow to be served is a client that went away, which every
// handler already answers quietly, without logging an error (httpx.ClientGone); the
// middleware then answers 408 in its place.
var errBodyTooSlow = bodyTooSlow{}

type bodyTooSlow struct{}

func (bodyTooSlow) Error() string { return "request body arrived too slowly" }

func (bodyTooSlow) Is(target error) bool {
	return target == context.Canceled || target == os.ErrDeadlineExceeded
}

func (br bodyRate) middleware(next http.Handler) http.Handler {
	if br.rate <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithCancelCause(r.Context())
		defer cancel(nil)
		body := &rateBody{ReadCloser: r.Body, rc: http.NewResponseController(w), br: br, start: time.Now(), cancel: cancel}
		if body.extend() != nil {
			// The connection has no deadlines (not a TCP connection): nothing to do.
			next.ServeHTTP(w, r)
			return
		}
		r = r.WithContext(ctx)
		r.Body = body
		cw := &cutWriter{ResponseWriter: w, body: body}
		next.ServeHTTP(cw, r)
		// A body the handler left unread keeps its deadline: the server discards it
		// afterwards, and a trickle must not hold the connection then either.
		if body.cut.Load() && !cw.wrote {
			w.Header().Set("Connection", "close")
			br.refuse(w, r)
		}
	})
}

type rateBody struct {
	io.ReadCloser
	rc     *http.ResponseController
	br     bodyRate
	start  time.Time
	read   int64
	cut    atomic.Bool
	cancel context.CancelCauseFunc
}

func (b *rateBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.read += int64(n)
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		b.cut.Store(true)
		b.cancel(errBodyTooSlow)
		return n, errBodyTooSlow
	}
	switch {
	case err == io.EOF:
		// The body is complete. The server now reads ahead in the background to notice
		// a client hanging up, and a deadline left behind would cut the request short
		// (cancelling its context) while the handler is still working.
		_ = b.rc.SetReadDeadline(time.Time{}) // only fails on a connection already closed
	case n > 0:
		_ = b.extend() // only fails on a connection already closed
	}
	return n, err
}

// extend sets the read deadline to the moment the body falls below the rate.
func (b *rateBody) extend() error {
	rate := b.br.rate
	earned := time.Duration(b.read/rate)*time.Second + time.Duration(b.read%rate)*time.Second/time.Duration(rate)
	return b.rc.SetReadDeadline(b.start.Add(b.br.grace + earned))
}

// cutWriter drops what the handler answers once its body was cut, so that the
// middleware's 408 is what the client gets.
type cutWriter struct {
	http.ResponseWriter
	body  *rateBody
	wrote bool
}

func (w *cutWriter) WriteHeader(code int) {
	if w.body.cut.Load() && !w.wrote {
		return
	}
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *cutWriter) Write(b []byte) (int, error) {
	if w.body.cut.Load() && !w.wrote {
		return len(b), nil
	}
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *cutWriter) FlushError() error {
	if w.body.cut.Load() && !w.wrote {
		return nil
	}
	w.wrote = true
	return http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *cutWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// isAPI reports whether r is for the JSON API, which answers errors as {"detail": …}.
func isAPI(r *http.Request) bool {
	for _, p := range api.Prefixes {
		if strings.HasPrefix(r.URL.Path, p) {
			return true
		}
	}
	return false
}
