package server_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"eplatform/app/apptest"
	"eplatform/app/live"
)

// tab reads one socket in the background and counts its frames until a "marker"
// frame arrives or the socket closes.
type tab struct {
	conn   *websocket.Conn
	frames atomic.Int64 // frames other than the marker
	first  chan struct{}
	pong   chan struct{}
	marker chan struct{}
	done   chan struct{}
	status websocket.StatusCode
	reason string
	seen   sync.Map // frame type → struct{}
}

func openTab(t *testing.T, app *apptest.App, c *apptest.Client) *tab {
	t.Helper()
	tb := &tab{conn: dial(t, app, c, "/ws/"), first: make(chan struct{}), pong: make(chan struct{}), marker: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(tb.done)
		var firstOnce, pongOnce, markerOnce sync.Once
		for {
			var f map[string]any
			err := wsjson.Read(context.Background(), tb.conn, &f)
			if err != nil {
				var ce websocket.CloseError
				if errors.As(err, &ce) {
					tb.status, tb.reason = ce.Code, ce.Reason
				}
				return
			}
			typ, _ := f["type"].(string)
			switch typ {
			case "marker":
				markerOnce.Do(func() { close(tb.marker) })
				continue
			case "pong":
				pongOnce.Do(func() { close(tb.pong) })
				continue
			}
			if typ == "user_status" && f["status"] == false {
				tb.seen.Store("offline", struct{}{})
			}
			tb.frames.Add(1)
			firstOnce.Do(func() { close(tb.first) })
		}
	}()
	return tb
}

// settle returns once the socket's connect hooks have all run: the hub reads a
// socket's frames only after them, so the answer to a ping comes after them too.
func (tb *tab) settle(t *testing.T) {
	t.Helper()
	send(t, tb.conn, map[string]any{"type": "ping"})
	select {
	case <-tb.pong:
	case <-time.After(10 * time.Second):
		t.Fatal("no pong")
	}
}

// wait blocks until the tab has received the marker or closed.
func (tb *tab) wait(t *testing.T) {
	t.Helper()
	select {
	case <-tb.marker:
	case <-tb.done:
	case <-time.After(30 * time.Second):
		t.Fatal("a tab neither received the marker nor closed")
	}
}

// TestManySocketsOfOneUser opens 300 tabs of one user, one after the other. Each new
// tab gets its own unread count (not every tab again: that made the frames grow with
// the square of the tabs), and beyond the cap of 20 the oldest tab is closed with
// 4008 "too many open tabs" — while the user stays online throughout, so the people
// they chat with never see them go offline.
func TestManySocketsOfOneUser(t *testing.T) {
	const n, limit = 300, 20
	app := apptest.Start(t, apptest.Options{Args: append([]string{"-sockets-per-user", "20"}, apptest.RelaxedLimits...)})
	ada, bob := app.User("ada", "student"), app.User("bob", "student")
	start(t, ada, userID(t, app, "bob"), "")
	bobID := userID(t, app, "bob")
	contact := openTab(t, app, ada)
	contact.settle(t) // ada's "online" has gone out before bob's tabs open

	var disconnects, stillOnline atomic.Int64
	allGone := make(chan struct{})
	app.State.Hub.OnDisconnect(func(_ context.Context, c *live.Client, last bool) {
		if c.UserID() != bobID {
			return
		}
		if !last {
			stillOnline.Add(1)
		}
		if disconnects.Add(1) == n-limit {
			close(allGone)
		}
	})

	tabs := make([]*tab, n)
	for i := range tabs {
		tabs[i] = openTab(t, app, bob)
		select {
		case <-tabs[i].first: // its connect hooks have sent the unread count
		case <-time.After(10 * time.Second):
			t.Fatalf("tab %d got no unread count", i)
		}
		if !app.State.Hub.Online(bobID) {
			t.Fatalf("bob offline after opening tab %d", i)
		}
	}
	select {
	case <-allGone: // every closed tab's disconnect hooks have run
	case <-time.After(30 * time.Second):
		t.Fatalf("%d tabs closed, want %d", disconnects.Load(), n-limit)
	}
	// The memory broker delivers synchronously and each socket writes in order, so the
	// marker arrives after everything sent before it.
	if err := app.State.Hub.Send(context.Background(), []int64{bobID, userID(t, app, "ada")}, map[string]string{"type": "marker"}); err != nil {
		t.Fatal(err)
	}
	var total int64
	open := 0
	for i, tb := range tabs {
		tb.wait(t)
		total += tb.frames.Load()
		select {
		case <-tb.marker:
			open++
			if i < n-limit {
				t.Errorf("tab %d is open, but it is among the oldest", i)
			}
		default:
			if tb.status != live.StatusTooManyTabs || tb.reason != "too many open tabs" {
				t.Errorf("tab %d closed with %d %q, want 4008 \"too many open tabs\"", i, tb.status, tb.reason)
			}
		}
	}
	contact.wait(t)
	t.Logf("%d tabs: %d frames in all, %d open at the end", n, total, open)
	if total != n {
		t.Errorf("%d frames for %d tabs; want one unread count per tab", total, n)
	}
	if open != limit || app.State.Hub.Sockets() != limit+1 {
		t.Errorf("%d tabs open (hub counts %d sockets), want %d", open, app.State.Hub.Sockets()-1, limit)
	}
	if stillOnline.Load() != n-limit || !app.State.Hub.Online(bobID) {
		t.Errorf("%d of %d closed tabs left bob online; online now: %v", stillOnline.Load(), n-limit, app.State.Hub.Online(bobID))
	}
	if _, offline := contact.seen.Load("offline"); offline {
		t.Error("ada was told bob went offline while he had tabs open")
	}
}
