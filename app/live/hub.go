package live

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Defaults and limits of a Hub.
const (
	DefaultPingInterval = 25 * time.Second
	DefaultSendBuffer   = 64
	// DefaultMaxSocketsPerUser is how many sockets (tabs) one user may hold on one
	// process. Twenty tabs of the site is already a lot for a person; the cap is there
	// so that a script or a runaway page cannot make one account hold thousands.
	DefaultMaxSocketsPerUser = 20
	// ReadLimit is the largest client frame accepted; a bigger one closes the socket
	// with 1009 (message too big).
	ReadLimit = 64 << 10

	// writeTimeout bounds one frame's write; a peer that takes longer is gone or too
	// slow, and the socket is closed.
	writeTimeout = 10 * time.Second
	// readyTimeout is how long an upgrade waits for Run to subscribe before 503.
	readyTimeout = 10 * time.Second
	// disconnectTimeout bounds the OnDisconnect hooks, which run after the socket's
	// own context has ended.
	disconnectTimeout = 10 * time.Second
)

// StatusTooManyTabs closes a user's oldest socket when a new one takes them over
// [Options].MaxSocketsPerUser. It is in the range RFC 6455 leaves to applications,
// so the page can tell it from 1008 (too slow, session ended) and stay closed
// instead of reconnecting and closing another tab in turn.
const StatusTooManyTabs websocket.StatusCode = 4008

// controlDisconnect marks a broker message that closes sockets instead of carrying a
// frame. Frames are JSON objects, so a leading NUL cannot be one.
var controlDisconnect = []byte("\x00disconnect")

// Options configure a Hub. The zero value is usable.
type Options struct {
	// Log receives connection errors and handler failures (slog.Default() when nil).
	Log *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// AllowedOrigins are host patterns (path.Match syntax, e.g. "127.0.0.1:8080" or
	// "*.example.com") a browser's Origin may have besides the request's own Host,
	// which is always allowed. A request without Origin (not a browser) is allowed; one
	// with a foreign Origin is refused with 403.
	AllowedOrigins []string
	// PingInterval is how often the server pings each socket; a peer that has not
	// answered by the next ping is closed. Default DefaultPingInterval.
	PingInterval time.Duration
	// SendBuffer is how many frames may wait for one socket; a socket whose buffer is
	// full is closed with 1008 "too slow". Default DefaultSendBuffer.
	SendBuffer int
	// MaxSocketsPerUser caps a user's sockets on this process; when a new one is
	// accepted beyond it, the user's oldest is closed with StatusTooManyTabs ("too many
	// open tabs"). Default DefaultMaxSocketsPerUser.
	MaxSocketsPerUser int
}

// Handler handles one client→server frame type. data is the whole frame, a JSON
// object whose "type" selected the handler. Frames of one socket are handled one at a
// time, in order, on the socket's reading goroutine, so a handler should be quick.
//
// A returned error is answered with an error frame and the socket stays open: use
// ClientError for a message safe to show; any other error is logged and the client
// gets a generic message.
type Handler func(ctx context.Context, c *Client, data json.RawMessage) error

// Hub serves the WebSocket endpoint and delivers frames from the Broker to the sockets
// of this process.
type Hub struct {
	broker       Broker
	log          *slog.Logger
	now          func() time.Time
	origins      []string
	pingInterval time.Duration
	sendBuffer   int
	maxPerUser   int

	hooksMu      sync.RWMutex
	handlers     map[string]Handler
	onConnect    []func(context.Context, *Client)
	onDisconnect []func(context.Context, *Client, bool)

	running atomic.Bool
	ready   chan struct{} // closed once Run has subscribed
	done    chan struct{} // closed when Run starts shutting down

	mu      sync.RWMutex
	closed  bool
	clients map[int64]map[*Client]struct{}
	sockets int
	seq     uint64         // counts registrations, so that the oldest socket is known
	conns   sync.WaitGroup // ServeHTTP calls that registered a client
}

// NewHub returns a hub publishing and subscribing through b. Nothing is delivered
// until Run is called.
func NewHub(b Broker, o Options) *Hub {
	h := &Hub{
		broker:       b,
		log:          o.Log,
		now:          o.Now,
		origins:      slices.Clone(o.AllowedOrigins),
		pingInterval: o.PingInterval,
		sendBuffer:   o.SendBuffer,
		maxPerUser:   o.MaxSocketsPerUser,
		handlers:     map[string]Handler{},
		ready:        make(chan struct{}),
		done:         make(chan struct{}),
		clients:      map[int64]map[*Client]struct{}{},
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.pingInterval <= 0 {
		h.pingInterval = DefaultPingInterval
	}
	if h.sendBuffer <= 0 {
		h.sendBuffer = DefaultSendBuffer
	}
	if h.maxPerUser <= 0 {
		h.maxPerUser = DefaultMaxSocketsPerUser
	}
	return h
}

// Run subscribes to the broker (retrying while it is unreachable) and delivers its
// frames to local sockets until ctx ends. Then it closes every socket with 1001 (going
// away), refuses new ones with 503 and returns once their OnDisconnect hooks have run,
// so the caller may close the database afterwards. It returns an error only if called
// twice or if the broker was closed.
func (h *Hub) Run(ctx context.Context) error {
	if !h.running.CompareAndSwap(false, true) {
		return errors.New("live: Hub.Run called twice")
	}
	defer h.shutdown()
	backoff := 100 * time.Millisecond
	for {
		err := h.broker.Subscribe(ctx, h.deliver)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, ErrClosed) {
			return fmt.Errorf("live: subscribe: %w", err)
		}
		h.log.Error("live: subscribe to broker; retrying", "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
	close(h.ready)
	<-ctx.Done()
	return nil
}

func (h *Hub) shutdown() {
	h.mu.Lock()
	h.closed = true
	var all []*Client
	for _, tabs := range h.clients {
		for c := range tabs {
			all = append(all, c)
		}
	}
	h.mu.Unlock()
	close(h.done)
	for _, c := range all {
		c.kick(websocket.StatusGoingAway, "server shutting down")
	}
	h.conns.Wait()
}

// Send publishes v, encoded as JSON, to every open socket of users on every process.
// An error means the broker failed; the frame is then lost, which features tolerate
// because clients recover from the database when they reconnect.
func (h *Hub) Send(ctx context.Context, users []int64, v any) error {
	users = uniqueUsers(users)
	if len(users) == 0 {
		return nil
	}
	frame, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("live: encode frame: %w", err)
	}
	return h.broker.Publish(ctx, Target{Users: users}, frame)
}

// Broadcast publishes v, encoded as JSON, to every open socket on every process.
func (h *Hub) Broadcast(ctx context.Context, v any) error {
	frame, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("live: encode frame: %w", err)
	}
	return h.broker.Publish(ctx, Target{All: true}, frame)
}

// Disconnect closes every open socket of users on every process with 1008 "session
// ended". Call it when a user logs out everywhere, changes password or is deactivated:
// a socket authenticated by the old session would otherwise keep receiving. The client
// reconnects and is refused with 401 if it no longer has a valid session.
func (h *Hub) Disconnect(ctx context.Context, users []int64) error {
	users = uniqueUsers(users)
	if len(users) == 0 {
		return nil
	}
	return h.broker.Publish(ctx, Target{Users: users}, controlDisconnect)
}

func uniqueUsers(users []int64) []int64 {
	users = slices.Clone(users)
	slices.Sort(users)
	return slices.Compact(users)
}

// Handle registers fn for client frames of type frameType. It panics on an empty or
// duplicate type and on "ping", which the hub answers itself.
func (h *Hub) Handle(frameType string, fn Handler) {
	if frameType == "" || frameType == "ping" || fn == nil {
		panic(fmt.Sprintf("live: cannot register a handler for %q", frameType))
	}
	h.hooksMu.Lock()
	defer h.hooksMu.Unlock()
	if _, dup := h.handlers[frameType]; dup {
		panic(fmt.Sprintf("live: a handler for %q is already registered", frameType))
	}
	h.handlers[frameType] = fn
}

// OnConnect adds fn to the functions called, in registration order, when a socket has
// been accepted and registered (so Send already reaches it) and before its frames are
// read: send the unread count, deliver pending chat messages, mark the user online.
func (h *Hub) OnConnect(fn func(ctx context.Context, c *Client)) {
	h.hooksMu.Lock()
	defer h.hooksMu.Unlock()
	h.onConnect = append(h.onConnect, fn)
}

// OnDisconnect adds fn to the functions called after a socket has closed.
// lastForUser reports that the user has no other open socket on this process. ctx is
// not the socket's (which has ended) but carries its values and a short timeout.
func (h *Hub) OnDisconnect(fn func(ctx context.Context, c *Client, lastForUser bool)) {
	h.hooksMu.Lock()
	defer h.hooksMu.Unlock()
	h.onDisconnect = append(h.onDisconnect, fn)
}

func (h *Hub) handler(frameType string) Handler {
	h.hooksMu.RLock()
	defer h.hooksMu.RUnlock()
	return h.handlers[frameType]
}

func (h *Hub) hooks() ([]func(context.Context, *Client), []func(context.Context, *Client, bool)) {
	h.hooksMu.RLock()
	defer h.hooksMu.RUnlock()
	return h.onConnect, h.onDisconnect
}

// Online reports whether userID has an open socket on this process. Presence across
// processes belongs in the database (or Redis), kept by the OnConnect/OnDisconnect
// hooks.
func (h *Hub) Online(userID int64) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.clients[userID]) > 0
}

// Sockets returns the number of open sockets on this process.
func (h *Hub) Sockets() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.sockets
}

// Users returns the number of distinct users with an open socket on this process.
func (h *Hub) Users() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.clients)
}

// deliver is the broker subscriber: it queues frame on each local socket of t without
// ever blocking; a socket whose queue is full is dropped (Client.enqueue).
func (h *Hub) deliver(t Target, frame []byte) {
	if len(frame) > 0 && frame[0] == 0 {
		if string(frame) == string(controlDisconnect) {
			h.forEach(t, func(c *Client) { c.kick(websocket.StatusPolicyViolation, "session ended") })
		}
		return
	}
	h.forEach(t, func(c *Client) { _ = c.enqueue(frame) }) // a client too slow for it is being dropped
}

func (h *Hub) forEach(t Target, fn func(*Client)) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if t.All {
		for _, tabs := range h.clients {
			for c := range tabs {
				fn(c)
			}
		}
		return
	}
	for _, id := range t.Users {
		for c := range h.clients[id] {
			fn(c)
		}
	}
}

// add registers c and counts it in h.conns; it fails once the hub is shutting down.
func (h *Hub) add(c *Client) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.conns.Add(1)
	tabs := h.clients[c.id.User.ID]
	if tabs == nil {
		tabs = map[*Client]struct{}{}
		h.clients[c.id.User.ID] = tabs
	}
	c.first = len(tabs) == 0
	h.seq++
	c.seq = h.seq
	tabs[c] = struct{}{}
	h.sockets++
	return true
}

// admit counts c, whose handshake has succeeded, against its user's cap and closes
// the user's oldest sockets beyond it. Only accepted sockets count, so a refused
// upgrade (a foreign Origin) can never close a tab. The new socket is registered
// before the old ones are closed, so the user never looks offline in between: their
// OnDisconnect hooks see lastForUser false.
func (h *Hub) admit(c *Client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c.accepted = true
	var open []*Client
	for other := range h.clients[c.id.User.ID] {
		if other.accepted && !isClosed(other.stop) {
			open = append(open, other)
		}
	}
	if len(open) <= h.maxPerUser {
		return
	}
	slices.SortFunc(open, func(a, b *Client) int { return cmp.Compare(a.seq, b.seq) })
	for _, old := range open[:len(open)-h.maxPerUser] {
		old.kick(StatusTooManyTabs, "too many open tabs")
	}
}

// remove unregisters c. Only the first call has an effect; it records whether c was
// the user's last socket here.
func (h *Hub) remove(c *Client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c.removed {
		return
	}
	c.removed = true
	tabs := h.clients[c.id.User.ID]
	delete(tabs, c)
	if len(tabs) == 0 {
		delete(h.clients, c.id.User.ID)
	}
	c.last = len(tabs) == 0
	h.sockets--
}

// lastForUser reports what remove recorded.
func (h *Hub) lastForUser(c *Client) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return c.last
}

// OnlineUsers lists the users with an open socket on this process.
func (h *Hub) OnlineUsers() []int64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]int64, 0, len(h.clients))
	for id := range h.clients {
		out = append(out, id)
	}
	return out
}
