package live

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/coder/websocket"

	"eplatform/app/auth"
)

// Patterns returns the ServeMux patterns to mount the hub on: the original's three
// socket paths, with and without the trailing slash. The {user_id} wildcard is what
// ServeHTTP checks against the caller.
func Patterns() []string {
	return []string{
		"GET /ws/{$}", "GET /ws",
		"GET /ws/chat/{$}", "GET /ws/chat",
		"GET /ws/notifications/{user_id}/{$}", "GET /ws/notifications/{user_id}",
	}
}

// ServeHTTP upgrades an authenticated request to a WebSocket and serves it until it
// closes. Mount it on Patterns(): a {user_id} path value must be the caller's own id.
// Whatever the path, a socket carries only its own user's frames.
//
// Refusals happen before the upgrade, as plain HTTP: 401 without an identity, 403 for
// another user's stream or a foreign Origin, 503 while the hub is not running.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, ok := auth.FromContext(r.Context())
	if !ok || id.User.ID == 0 || !id.User.IsActive {
		writeDetail(w, http.StatusUnauthorized, "Authentication credentials were not provided.")
		return
	}
	// The original let anyone read anyone's notification stream.
	if want := r.PathValue("user_id"); want != "" {
		if n, err := strconv.ParseInt(want, 10, 64); err != nil || n != id.User.ID {
			writeDetail(w, http.StatusForbidden, "You may only open your own notification stream.")
			return
		}
	}

	ready := time.NewTimer(readyTimeout)
	defer ready.Stop()
	select {
	case <-h.ready:
	case <-h.done:
	case <-ready.C:
	case <-r.Context().Done():
		return
	}
	if !isClosed(h.ready) {
		unavailable(w)
		return
	}

	// Register before the handshake completes, so that a client whose socket is open
	// receives everything sent from then on; frames wait in the buffer meanwhile.
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context())) // no upstream cancellation
	defer cancel()
	c := &Client{
		hub:         h,
		id:          id,
		connectedAt: h.now(),
		ctx:         ctx,
		cancel:      cancel,
		send:        make(chan []byte, h.sendBuffer),
		stop:        make(chan struct{}),
		writerDone:  make(chan struct{}),
	}
	if !h.add(c) {
		unavailable(w)
		return
	}
	defer h.conns.Done()

	// The server's read and write timeouts are meant for requests; left on the
	// connection they would cut every socket after a few minutes.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})  // only fails on a connection already closed
	_ = rc.SetWriteDeadline(time.Time{}) // only fails on a connection already closed

	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: h.origins})
	if err != nil {
		// Accept has answered (403 for a foreign Origin, 426 for a plain GET).
		h.remove(c)
		h.log.DebugContext(r.Context(), "live: upgrade refused", "user", id.User.ID, "err", err)
		return
	}
	conn.SetReadLimit(ReadLimit)
	c.conn = conn
	go c.writeLoop()
	h.admit(c)

	onConnect, onDisconnect := h.hooks()
	for _, fn := range onConnect {
		h.safely(ctx, c, "connect hook", func() error { fn(ctx, c); return nil })
	}
	h.readLoop(c)

	c.kick(websocket.StatusNormalClosure, "")
	<-c.writerDone
	h.remove(c)
	last := h.lastForUser(c)
	hookCtx, cancelHooks := context.WithTimeout(context.WithoutCancel(ctx), disconnectTimeout)
	defer cancelHooks()
	for _, fn := range onDisconnect {
		h.safely(hookCtx, c, "disconnect hook", func() error { fn(hookCtx, c, last); return nil })
	}
}

func unavailable(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "5")
	writeDetail(w, http.StatusServiceUnavailable, "Live updates are unavailable; try again shortly.")
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// readLoop handles the client's frames in order until the socket closes.
func (h *Hub) readLoop(c *Client) {
	for {
		typ, data, err := c.conn.Read(c.ctx)
		if err != nil {
			if status := websocket.CloseStatus(err); status == -1 && c.ctx.Err() == nil {
				h.log.Debug("live: read failed", "user", c.UserID(), "err", err)
			}
			return
		}
		if typ != websocket.MessageText {
			c.sendError(msgInvalidFormat)
			continue
		}
		h.handleFrame(c, data)
	}
}

func (h *Hub) handleFrame(c *Client, data []byte) {
	frameType, problem := parseFrame(data)
	if problem != "" {
		c.sendError(problem)
		return
	}
	if frameType == "ping" {
		_ = c.Send(typeOnly{Type: "pong"}) // a client too slow for it is being dropped
		return
	}
	fn := h.handler(frameType)
	if fn == nil {
		c.sendError(unknownType(frameType))
		return
	}
	h.safely(c.ctx, c, frameType, func() error { return fn(c.ctx, c, json.RawMessage(data)) })
}

// safely runs fn, turning a returned error or a panic into an error frame (and a log
// line unless the error is a ClientError). A broken feature must not take the socket,
// let alone the process, down with it.
func (h *Hub) safely(ctx context.Context, c *Client, what string, fn func() error) {
	var err error
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
			}
		}()
		err = fn()
	}()
	if err == nil {
		return
	}
	msg, safe := clientMessage(err)
	if !safe {
		h.log.ErrorContext(ctx, "live: handler failed", "frame", what, "user", c.UserID(), "err", err)
	}
	c.sendError(msg)
}

func writeDetail(w http.ResponseWriter, code int, detail string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"detail": detail}) // the status is sent; the client may have left
}
