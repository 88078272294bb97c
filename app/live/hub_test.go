package live_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"eplatform/app/auth"
	"eplatform/app/internal/redistest"
	"eplatform/app/live"
	"eplatform/app/store"
)

// userHeader names the user a test request is made as; the test server turns it into
// an identity the way the real server's identify middleware does.
const userHeader = "X-Test-User"

type testHub struct {
	*live.Hub
	srv *httptest.Server
}

type hubConfig struct {
	broker  live.Broker
	opts    live.Options
	setup   func(h *live.Hub)
	timeout time.Duration // the http.Server's Read/WriteTimeout, 0 for none
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// startHub runs a hub behind a test server that routes /ws/, /ws/chat/ and
// /ws/notifications/{user_id}/ to it, as the real server does.
func startHub(t *testing.T, cfg hubConfig) *testHub {
	t.Helper()
	if cfg.broker == nil {
		b := live.NewMemoryBroker()
		t.Cleanup(func() { _ = b.Close() })
		cfg.broker = b
	}
	if cfg.opts.Log == nil {
		cfg.opts.Log = quietLog()
	}
	h := live.NewHub(cfg.broker, cfg.opts)
	if cfg.setup != nil {
		cfg.setup(h)
	}

	mux := http.NewServeMux()
	for _, p := range live.Patterns() {
		mux.Handle(p, h)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get(userHeader); v != "" {
			id, _ := strconv.ParseInt(v, 10, 64)
			r = r.WithContext(auth.WithIdentity(r.Context(), auth.Identity{User: store.User{ID: id, IsActive: true}}))
		}
		mux.ServeHTTP(w, r)
	}))
	srv.Config.ReadTimeout = cfg.timeout
	srv.Config.WriteTimeout = cfg.timeout
	srv.Start()
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("Run did not return after its context ended")
		}
	})
	return &testHub{Hub: h, srv: srv}
}

func (th *testHub) url(path string) string {
	return "ws" + strings.TrimPrefix(th.srv.URL, "http") + path
}

// dial opens a socket as user (0 for anonymous) with extra headers.
func (th *testHub) dial(t *testing.T, path string, user int64, header http.Header) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	if header == nil {
		header = http.Header{}
	}
	if user != 0 {
		header.Set(userHeader, strconv.FormatInt(user, 10))
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, th.url(path), &websocket.DialOptions{HTTPHeader: header})
	if c != nil {
		c.SetReadLimit(1 << 20)
		t.Cleanup(func() { _ = c.CloseNow() })
	}
	return c, resp, err
}

// connectCountingPings opens a socket as user that reports every ping it receives
// from the server (and answers, as long as it is being read). The hub's pings are its
// own clock: waiting for n of them waits n ping intervals, without a sleep that
// guesses how long the server needs.
func (th *testHub) connectCountingPings(t *testing.T, user int64) (*websocket.Conn, <-chan struct{}) {
	t.Helper()
	pings := make(chan struct{}, 100)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, th.url("/ws/"), &websocket.DialOptions{
		HTTPHeader: http.Header{userHeader: {strconv.FormatInt(user, 10)}},
		OnPingReceived: func(context.Context, []byte) bool {
			select {
			case pings <- struct{}{}:
			default:
			}
			return true
		},
	})
	if err != nil {
		t.Fatalf("dial as user %d: %v", user, err)
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	return c, pings
}

// awaitPings waits for n pings on a channel from connectCountingPings.
func awaitPings(t *testing.T, pings <-chan struct{}, n int) {
	t.Helper()
	for i := range n {
		select {
		case <-pings:
		case <-time.After(10 * time.Second):
			t.Fatalf("received %d pings, want %d", i, n)
		}
	}
}

func (th *testHub) connect(t *testing.T, user int64) *websocket.Conn {
	t.Helper()
	c, _, err := th.dial(t, "/ws/", user, nil)
	if err != nil {
		t.Fatalf("dial as user %d: %v", user, err)
	}
	return c
}

type frame map[string]any

func send(t *testing.T, c *websocket.Conn, v any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := wsjson.Write(ctx, c, v); err != nil {
		t.Fatalf("write: %v", err)
	}
}

func sendRaw(t *testing.T, c *websocket.Conn, data string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte(data)); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// read returns the next frame. A read that times out closes the socket (coder/websocket
// does that), so tests never use a timeout to show that nothing arrives: they send a
// marker and check that it is the next frame instead.
func read(t *testing.T, c *websocket.Conn) frame {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	var f frame
	if err := wsjson.Read(ctx, c, &f); err != nil {
		t.Fatalf("read: %v", err)
	}
	return f
}

func expectType(t *testing.T, c *websocket.Conn, typ string) frame {
	t.Helper()
	f := read(t, c)
	if f["type"] != typ {
		t.Fatalf("got frame %v, want type %q", f, typ)
	}
	return f
}

func expectError(t *testing.T, c *websocket.Conn, message string) {
	t.Helper()
	f := expectType(t, c, "error")
	if f["message"] != message {
		t.Fatalf("error message = %q, want %q", f["message"], message)
	}
}

// pingPong shows the socket is open and that nothing else was queued before the pong.
func pingPong(t *testing.T, c *websocket.Conn) {
	t.Helper()
	send(t, c, frame{"type": "ping"})
	expectType(t, c, "pong")
}

// readClose reads until the server closes and returns the close status.
func readClose(t *testing.T, c *websocket.Conn) websocket.StatusCode {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for {
		_, _, err := c.Read(ctx)
		if err != nil {
			return websocket.CloseStatus(err)
		}
	}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRefusedBeforeUpgrade(t *testing.T) {
	t.Parallel()
	th := startHub(t, hubConfig{opts: live.Options{AllowedOrigins: []string{"app.example:8080"}}})
	origin := func(o string) http.Header { return http.Header{"Origin": {o}} }
	tests := []struct {
		name   string
		path   string
		user   int64
		header http.Header
		status int
	}{
		{"anonymous", "/ws/", 0, nil, http.StatusUnauthorized},
		{"anonymous chat", "/ws/chat/", 0, nil, http.StatusUnauthorized},
		{"anonymous notifications", "/ws/notifications/1/", 0, nil, http.StatusUnauthorized},
		{"another user's notifications", "/ws/notifications/2/", 1, nil, http.StatusForbidden},
		{"another user's notifications without slash", "/ws/notifications/2", 1, nil, http.StatusForbidden},
		{"own id with junk", "/ws/notifications/1x/", 1, nil, http.StatusForbidden},
		{"unknown path", "/ws/other/", 1, nil, http.StatusNotFound},
		{"non-numeric user id", "/ws/notifications/me/", 1, nil, http.StatusForbidden},
		{"foreign origin", "/ws/", 1, origin("https://evil.example"), http.StatusForbidden},
		{"origin with our host on another port", "/ws/", 1, origin("http://app.example:9999"), http.StatusForbidden},
		{"null origin", "/ws/", 1, origin("null"), http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, resp, err := th.dial(t, tt.path, tt.user, tt.header)
			if err == nil {
				c.CloseNow()
				t.Fatal("upgrade succeeded")
			}
			if resp == nil || resp.StatusCode != tt.status {
				t.Fatalf("response %v, %v; want status %d", resp, err, tt.status)
			}
		})
	}
	if th.Sockets() != 0 {
		t.Errorf("Sockets() = %d after refusals", th.Sockets())
	}
}

func TestAccepted(t *testing.T) {
	t.Parallel()
	th := startHub(t, hubConfig{opts: live.Options{AllowedOrigins: []string{"app.example:8080"}}})
	own := "http://" + strings.TrimPrefix(th.srv.URL, "http://")
	tests := []struct {
		name   string
		path   string
		header http.Header
	}{
		{"ws", "/ws/", nil},
		{"chat", "/ws/chat/", nil},
		{"own notifications", "/ws/notifications/1/", nil},
		{"without slashes", "/ws", nil},
		{"chat without slash", "/ws/chat", nil},
		{"own notifications without slash", "/ws/notifications/1", nil},
		{"own origin", "/ws/", http.Header{"Origin": {own}}},
		{"allowed origin", "/ws/", http.Header{"Origin": {"https://app.example:8080"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, err := th.dial(t, tt.path, 1, tt.header)
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			pingPong(t, c)
			c.Close(websocket.StatusNormalClosure, "")
		})
	}
}

func TestBadFramesKeepSocketOpen(t *testing.T) {
	t.Parallel()
	th := startHub(t, hubConfig{})
	c := th.connect(t, 1)
	long := "<script>" + strings.Repeat("x", 100)
	tests := []struct{ frame, message string }{
		{`not json`, "Invalid message format. Please send valid JSON."},
		{`{"type":"ping"`, "Invalid message format. Please send valid JSON."},
		{`["ping"]`, "Invalid message format. Please send valid JSON."},
		{`null`, "Invalid message format. Please send valid JSON."},
		{`"ping"`, "Invalid message format. Please send valid JSON."},
		{`{}`, "Message type is required."},
		{`{"conversation_id":1}`, "Message type is required."},
		{`{"type":""}`, "Message type is required."},
		{`{"type":5}`, "Message type is required."},
		{`{"type":null}`, "Message type is required."},
		{`{"type":"nope"}`, "Unknown message type: nope"},
		{`{"type":"` + long + `"}`, "Unknown message type: &lt;script&gt;" + strings.Repeat("x", 42)},
		{`{"type":"a\nb\u0000"}`, "Unknown message type: a?b?"},
	}
	for _, tt := range tests {
		sendRaw(t, c, tt.frame)
		expectError(t, c, tt.message)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageBinary, []byte(`{"type":"ping"}`)); err != nil {
		t.Fatal(err)
	}
	expectError(t, c, "Invalid message format. Please send valid JSON.")
	pingPong(t, c)
}

func TestReadLimit(t *testing.T) {
	t.Parallel()
	th := startHub(t, hubConfig{})

	// Exactly the limit is accepted.
	c := th.connect(t, 1)
	pad := strings.Repeat("a", live.ReadLimit-len(`{"type":"big","pad":""}`))
	sendRaw(t, c, `{"type":"big","pad":"`+pad+`"}`)
	expectError(t, c, "Unknown message type: big")

	// One byte more closes the socket with 1009.
	sendRaw(t, c, `{"type":"big","pad":"`+pad+`a"}`)
	if status := readClose(t, c); status != websocket.StatusMessageTooBig {
		t.Fatalf("close status = %v, want 1009", status)
	}
	eventually(t, "the socket to be unregistered", func() bool { return th.Sockets() == 0 })
}

func TestHandlers(t *testing.T) {
	t.Parallel()
	var logged syncBuffer
	th := startHub(t, hubConfig{
		opts: live.Options{Log: slog.New(slog.NewTextHandler(&logged, nil))},
		setup: func(h *live.Hub) {
			h.Handle("echo", func(ctx context.Context, c *live.Client, data json.RawMessage) error {
				var in struct {
					Text string `json:"text"`
				}
				if err := json.Unmarshal(data, &in); err != nil {
					return live.ClientError("text must be a string")
				}
				id, ok := auth.FromContext(ctx)
				if !ok || id.User.ID != c.UserID() || c.Context() != ctx {
					return errors.New("the handler's context lacks the identity")
				}
				return c.Send(frame{"type": "echo", "text": in.Text, "user": c.UserID()})
			})
			h.Handle("forbidden", func(context.Context, *live.Client, json.RawMessage) error {
				return fmt.Errorf("checking: %w", live.ClientError("Conversation not found."))
			})
			h.Handle("broken", func(context.Context, *live.Client, json.RawMessage) error {
				return errors.New("database is locked: secret detail")
			})
			h.Handle("panics", func(context.Context, *live.Client, json.RawMessage) error {
				panic("boom")
			})
		},
	})
	c := th.connect(t, 7)

	send(t, c, frame{"type": "echo", "text": "hi"})
	if f := expectType(t, c, "echo"); f["text"] != "hi" || f["user"] != 7.0 {
		t.Fatalf("echo = %v", f)
	}
	send(t, c, frame{"type": "echo", "text": 5})
	expectError(t, c, "text must be a string")
	send(t, c, frame{"type": "forbidden"})
	expectError(t, c, "Conversation not found.")
	send(t, c, frame{"type": "broken"})
	expectError(t, c, "An error occurred while processing your message.")
	send(t, c, frame{"type": "panics"})
	expectError(t, c, "An error occurred while processing your message.")
	pingPong(t, c)

	if log := logged.String(); !strings.Contains(log, "secret detail") || !strings.Contains(log, "boom") {
		t.Errorf("internal errors were not logged: %s", log)
	}
	if strings.Contains(logged.String(), "Conversation not found") {
		t.Error("a ClientError was logged as a failure")
	}
}

func TestHandleRejectsDuplicatesAndPing(t *testing.T) {
	t.Parallel()
	h := live.NewHub(live.NewMemoryBroker(), live.Options{})
	noop := func(context.Context, *live.Client, json.RawMessage) error { return nil }
	h.Handle("x", noop)
	for _, typ := range []string{"x", "ping", ""} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Handle(%q) did not panic", typ)
				}
			}()
			h.Handle(typ, noop)
		}()
	}
}

func TestSendReachesEveryTabOfTheUsers(t *testing.T) {
	t.Parallel()
	th := startHub(t, hubConfig{})
	a1, a2, b := th.connect(t, 1), th.connect(t, 1), th.connect(t, 2)
	c3 := th.connect(t, 3)

	if err := th.Send(t.Context(), []int64{1, 1}, frame{"type": "notification", "n": 1}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*websocket.Conn{a1, a2} {
		if f := expectType(t, c, "notification"); f["n"] != 1.0 {
			t.Fatalf("frame = %v", f)
		}
		pingPong(t, c) // sent once, not twice for the repeated id
	}
	// B and user 3 got nothing: the ping's pong is their next frame.
	pingPong(t, b)

	if err := th.Send(t.Context(), []int64{2, 3, 99}, frame{"type": "unread_count", "count": 4}); err != nil {
		t.Fatal(err)
	}
	expectType(t, b, "unread_count")
	expectType(t, c3, "unread_count")
	pingPong(t, a1)

	if err := th.Send(t.Context(), nil, frame{"type": "nobody"}); err != nil {
		t.Fatal(err)
	}
	if err := th.Send(t.Context(), []int64{1}, func() {}); err == nil {
		t.Error("Send of an unencodable value succeeded")
	}
}

func TestBroadcastReachesEveryone(t *testing.T) {
	t.Parallel()
	th := startHub(t, hubConfig{})
	conns := []*websocket.Conn{th.connect(t, 1), th.connect(t, 1), th.connect(t, 2), th.connect(t, 3)}
	if err := th.Broadcast(t.Context(), frame{"type": "user_status", "user_id": 9, "status": true}); err != nil {
		t.Fatal(err)
	}
	for _, c := range conns {
		expectType(t, c, "user_status")
	}
}

func TestConnectDisconnectHooksAndOnline(t *testing.T) {
	t.Parallel()
	type event struct {
		user         int64
		first, last  bool
		online       bool
		disconnected bool
	}
	events := make(chan event, 10)
	th := startHub(t, hubConfig{setup: func(h *live.Hub) {
		h.OnConnect(func(ctx context.Context, c *live.Client) {
			events <- event{user: c.UserID(), first: c.FirstForUser(), online: h.Online(c.UserID())}
			// Frames sent while connecting arrive before anything else.
			_ = c.Send(frame{"type": "unread_count", "count": 3})
		})
		h.OnDisconnect(func(ctx context.Context, c *live.Client, last bool) {
			if ctx.Err() != nil {
				t.Error("OnDisconnect got an ended context")
			}
			events <- event{user: c.UserID(), last: last, online: h.Online(c.UserID()), disconnected: true}
		})
	}})
	next := func() event {
		t.Helper()
		select {
		case e := <-events:
			return e
		case <-time.After(5 * time.Second):
			t.Fatal("no hook call")
			return event{}
		}
	}

	if th.Online(1) || th.Sockets() != 0 {
		t.Fatal("online before connecting")
	}
	tab1 := th.connect(t, 1)
	if e := next(); e != (event{user: 1, first: true, online: true}) {
		t.Fatalf("first connect: %+v", e)
	}
	expectType(t, tab1, "unread_count")
	tab2 := th.connect(t, 1)
	if e := next(); e != (event{user: 1, first: false, online: true}) {
		t.Fatalf("second connect: %+v", e)
	}
	if !th.Online(1) || th.Online(2) || th.Sockets() != 2 || th.Users() != 1 {
		t.Fatalf("Online(1)=%v Online(2)=%v Sockets=%d Users=%d", th.Online(1), th.Online(2), th.Sockets(), th.Users())
	}

	tab1.Close(websocket.StatusNormalClosure, "")
	if e := next(); e != (event{user: 1, last: false, online: true, disconnected: true}) {
		t.Fatalf("first tab closed: %+v", e)
	}
	if !th.Online(1) || th.Sockets() != 1 {
		t.Fatal("offline with a tab still open")
	}
	tab2.Close(websocket.StatusNormalClosure, "")
	if e := next(); e != (event{user: 1, last: true, online: false, disconnected: true}) {
		t.Fatalf("last tab closed: %+v", e)
	}
	if th.Online(1) || th.Sockets() != 0 || th.Users() != 0 {
		t.Fatal("still online after closing every tab")
	}
}

// A client that stops reading fills its buffer and is dropped with 1008, while a
// client that keeps up goes on receiving.
func TestSlowClientDropped(t *testing.T) {
	t.Parallel()
	th := startHub(t, hubConfig{opts: live.Options{SendBuffer: 8}})
	slow := th.connect(t, 1)
	fast := th.connect(t, 2)

	var fastGot sync.WaitGroup
	received := make(chan frame, 1000)
	fastGot.Go(func() {
		for {
			var f frame
			if err := wsjson.Read(context.Background(), fast, &f); err != nil {
				return
			}
			received <- f
		}
	})

	// Paced so that the writer keeps up until the loopback socket's buffers (a few
	// megabytes) are full and it blocks; then the eight-frame queue overflows.
	big := strings.Repeat("x", 32<<10)
	sent := 0
	for th.Online(1) {
		if sent == 10_000 {
			t.Fatal("the slow client was never dropped")
		}
		if err := th.Send(t.Context(), []int64{1}, frame{"type": "bulk", "pad": big}); err != nil {
			t.Fatal(err)
		}
		sent++
		time.Sleep(100 * time.Microsecond)
		if sent%50 == 0 {
			if err := th.Send(t.Context(), []int64{2}, frame{"type": "tick", "n": sent}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := th.Send(t.Context(), []int64{2}, frame{"type": "tick", "n": "last"}); err != nil {
		t.Fatal(err)
	}
	for waiting := true; waiting; {
		select {
		case f := <-received:
			waiting = f["n"] != "last"
		case <-time.After(5 * time.Second):
			t.Fatal("the client that keeps up stopped receiving")
		}
	}
	if !th.Online(2) {
		t.Fatal("the client that keeps up was dropped too")
	}

	// The slow client finds the close reason once it reads what was already sent.
	if status := readClose(t, slow); status != websocket.StatusPolicyViolation {
		t.Fatalf("slow client closed with %v, want 1008", status)
	}
	fast.CloseNow()
	fastGot.Wait()
}

// A peer that answers no pings is closed.
func TestDeadPeerClosed(t *testing.T) {
	t.Parallel()
	th := startHub(t, hubConfig{opts: live.Options{PingInterval: 100 * time.Millisecond}})
	dead := th.connect(t, 1) // never reads, so never answers a ping
	_ = dead
	alive, pings := th.connectCountingPings(t, 2)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_ = alive.CloseRead(ctx) // reads (and answers pings) in the background

	eventually(t, "the dead peer to be closed", func() bool { return !th.Online(1) })
	// A peer is closed when its pong has not come by the next ping, so a third ping
	// means the first two were answered in time and accepted.
	awaitPings(t, pings, 3)
	if !th.Online(2) {
		t.Fatal("a peer answering pings was closed")
	}
}

// The real server has read and write timeouts of a few minutes; they must not apply
// to sockets.
func TestServerTimeoutsDoNotCutSockets(t *testing.T) {
	t.Parallel()
	const timeout = 200 * time.Millisecond
	th := startHub(t, hubConfig{timeout: timeout, opts: live.Options{PingInterval: timeout / 2}})
	c, pings := th.connectCountingPings(t, 1)
	frames := make(chan frame, 1)
	go func() {
		defer close(frames)
		for {
			var f frame
			if wsjson.Read(t.Context(), c, &f) != nil {
				return
			}
			frames <- f
		}
	}()
	// Seven pings take at least six intervals, three times the server's timeouts: each
	// one was written past the write timeout and its pong read past the read timeout.
	awaitPings(t, pings, 7)
	send(t, c, frame{"type": "ping"})
	select {
	case f := <-frames:
		if f["type"] != "pong" {
			t.Fatalf("got %v, want a pong", f)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no pong: the socket was cut")
	}
}

func TestDisconnectUser(t *testing.T) {
	t.Parallel()
	th := startHub(t, hubConfig{})
	a1, a2, b := th.connect(t, 1), th.connect(t, 1), th.connect(t, 2)
	if err := th.Disconnect(t.Context(), []int64{1}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*websocket.Conn{a1, a2} {
		if status := readClose(t, c); status != websocket.StatusPolicyViolation {
			t.Fatalf("close status %v, want 1008", status)
		}
	}
	eventually(t, "user 1 to be offline", func() bool { return !th.Online(1) })
	pingPong(t, b)
}

// Beyond the cap, a new socket closes the user's oldest with 4008 "too many open
// tabs"; the user stays online throughout, other users are untouched, and an upgrade
// that is refused (a foreign Origin) closes nothing.
func TestSocketCapClosesTheOldest(t *testing.T) {
	t.Parallel()
	lasts := make(chan bool, 10)
	th := startHub(t, hubConfig{opts: live.Options{MaxSocketsPerUser: 3}, setup: func(h *live.Hub) {
		h.OnDisconnect(func(_ context.Context, c *live.Client, last bool) {
			if c.UserID() == 1 {
				lasts <- last
			}
		})
	}})
	other := th.connect(t, 2)
	var tabs []*websocket.Conn
	for range 3 {
		c := th.connect(t, 1)
		pingPong(t, c) // answered after the socket was counted against the cap
		tabs = append(tabs, c)
	}
	if _, resp, err := th.dial(t, "/ws/", 1, http.Header{"Origin": {"https://evil.example"}}); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin: %v %v", resp, err)
	}
	pingPong(t, tabs[0]) // still open

	for i := range 2 {
		c := th.connect(t, 1)
		pingPong(t, c)
		tabs = append(tabs, c)
		_, _, err := tabs[i].Read(t.Context())
		var ce websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != live.StatusTooManyTabs || ce.Reason != "too many open tabs" {
			t.Fatalf("oldest tab %d: %v, want close 4008 \"too many open tabs\"", i, err)
		}
		select {
		case last := <-lasts:
			if last {
				t.Fatal("closing the oldest tab made it the user's last")
			}
		case <-time.After(5 * time.Second):
			t.Fatal("OnDisconnect did not run for the closed tab")
		}
		if !th.Online(1) {
			t.Fatal("user offline with tabs open")
		}
	}
	for _, c := range tabs[2:] {
		pingPong(t, c)
	}
	pingPong(t, other)
	if th.Sockets() != 4 {
		t.Errorf("Sockets() = %d, want 3 of user 1 and 1 of user 2", th.Sockets())
	}
}

func TestShutdownClosesSocketsAndRefusesNewOnes(t *testing.T) {
	t.Parallel()
	b := live.NewMemoryBroker()
	h := live.NewHub(b, live.Options{Log: quietLog()})
	disconnected := make(chan bool, 1)
	h.OnDisconnect(func(ctx context.Context, c *live.Client, last bool) { disconnected <- last })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(auth.WithIdentity(r.Context(), auth.Identity{User: store.User{ID: 1, IsActive: true}}))
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()

	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws/"
	c, _, err := websocket.Dial(t.Context(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	cancel()
	if status := readClose(t, c); status != websocket.StatusGoingAway {
		t.Fatalf("close status %v, want 1001", status)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
	// Run returned only after the hooks ran.
	select {
	case last := <-disconnected:
		if !last {
			t.Error("lastForUser = false")
		}
	default:
		t.Fatal("Run returned before OnDisconnect ran")
	}
	_, resp, err := websocket.Dial(t.Context(), url, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("dial after shutdown: %v, %v; want 503", resp, err)
	}
	if err := h.Run(context.Background()); err == nil {
		t.Error("a second Run succeeded")
	}
}

// Two processes, each with its hub and its Redis connection: what one sends reaches
// the sockets of the other.
func TestTwoProcessesOverRedis(t *testing.T) {
	url := redistest.URL(t)
	channel := testChannel(t)
	process := func() *testHub {
		b := live.NewRedisBroker(redisClient(t, url), channel)
		t.Cleanup(func() { _ = b.Close() })
		return startHub(t, hubConfig{broker: b})
	}
	p1, p2 := process(), process()
	onP1 := p1.connect(t, 1)
	onP2 := p2.connect(t, 1)
	other := p2.connect(t, 2)

	if err := p1.Send(t.Context(), []int64{1}, frame{"type": "chat_message", "conversation_id": 3}); err != nil {
		t.Fatal(err)
	}
	expectType(t, onP1, "chat_message")
	expectType(t, onP2, "chat_message")
	pingPong(t, other)

	if err := p2.Broadcast(t.Context(), frame{"type": "user_status"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*websocket.Conn{onP1, onP2, other} {
		expectType(t, c, "user_status")
	}

	if !p1.Online(1) || p1.Online(2) || !p2.Online(2) {
		t.Error("Online is per process")
	}
	if err := p2.Disconnect(t.Context(), []int64{1}); err != nil {
		t.Fatal(err)
	}
	if status := readClose(t, onP1); status != websocket.StatusPolicyViolation {
		t.Fatalf("socket on the other process closed with %v, want 1008", status)
	}
}

// ServeHTTP waits for Run to subscribe, so a socket that is open receives everything
// sent after it opened.
func TestUpgradeWaitsForRun(t *testing.T) {
	t.Parallel()
	h := live.NewHub(live.NewMemoryBroker(), live.Options{Log: quietLog()})
	arrived := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived) // the only request of the test
		r = r.WithContext(auth.WithIdentity(r.Context(), auth.Identity{User: store.User{ID: 1, IsActive: true}}))
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	dialed := make(chan *websocket.Conn, 1)
	go func() {
		c, _, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
		if err != nil {
			t.Error(err)
		}
		dialed <- c
	}()
	<-arrived // the upgrade is being served before Run has started
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	defer func() { cancel(); <-done }()
	c := <-dialed
	if c == nil {
		return
	}
	defer c.CloseNow()
	if err := h.Send(t.Context(), []int64{1}, frame{"type": "x"}); err != nil {
		t.Fatal(err)
	}
	expectType(t, c, "x")
}
