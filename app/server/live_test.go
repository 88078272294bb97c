package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"eplatform/app/apptest"
	"eplatform/app/text"
)

// dial opens a socket as the client's user, the way a tab of the site does.
func dial(t *testing.T, app *apptest.App, c *apptest.Client, path string) *websocket.Conn {
	t.Helper()
	h := http.Header{"Origin": {app.URL}}
	for _, ck := range c.Jar.Cookies(mustParse(t, app.URL)) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(app.URL, "http")+path, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial %s: %v (status %d)", path, err, status)
	}
	t.Cleanup(func() { conn.CloseNow() })
	return conn
}

// next reads frames until one of type typ arrives.
func next(t *testing.T, conn *websocket.Conn, typ string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		var f map[string]any
		if err := wsjson.Read(ctx, conn, &f); err != nil {
			t.Fatalf("waiting for %s: %v", typ, err)
		}
		if f["type"] == typ {
			return f
		}
	}
}

func TestLiveNotificationsReachEveryTabOfTheRecipientOnly(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	bob := app.User("bob", "student")
	cy := app.User("cy", "student")
	bobTab1 := dial(t, app, bob, "/ws/")
	bobTab2 := dial(t, app, bob, "/ws/chat/")
	cyTab := dial(t, app, cy, "/ws/")
	for _, c := range []*websocket.Conn{bobTab1, bobTab2, cyTab} {
		if f := next(t, c, "unread_count"); f["count"] != float64(0) {
			t.Fatalf("first unread_count = %v", f)
		}
	}
	r := ada.PostForm("/home/", map[string][]string{"content": {`hey @bob <script>x</script>`}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("post: %d", r.StatusCode)
	}
	for _, tab := range []*websocket.Conn{bobTab1, bobTab2} {
		n := next(t, tab, "notification")["notification"].(map[string]any)
		if n["text"] != "ada mentioned you in a post" || !strings.HasPrefix(n["url"].(string), "/home/post/") {
			t.Errorf("notification frame %v", n)
		}
		if f := next(t, tab, "unread_count"); f["count"] != float64(1) {
			t.Errorf("unread_count after the mention = %v", f)
		}
	}
	// cy is not mentioned: she sees the new post event, but no notification.
	if f := next(t, cyTab, "new_post"); f["user_id"] == nil {
		t.Errorf("new_post frame %v", f)
	}
	// Marking read over the socket updates every tab.
	wsjson.Write(context.Background(), bobTab1, map[string]any{"type": "mark_all_read"})
	if f := next(t, bobTab2, "unread_count"); f["count"] != float64(0) {
		t.Errorf("other tab after mark_all_read: %v", f)
	}
	wsjson.Write(context.Background(), bobTab1, map[string]any{"type": "mark_read", "notification_id": 999999})
	if f := next(t, bobTab1, "error"); !strings.Contains(f["message"].(string), "not found") {
		t.Errorf("foreign mark_read: %v", f)
	}
	wsjson.Write(context.Background(), cyTab, map[string]any{"type": "ping"})
	next(t, cyTab, "pong")
}

func TestSocketRefusals(t *testing.T) {
	app := apptest.StartRelaxed(t)
	bob := app.User("bob", "student")
	ctx := context.Background()
	url := "ws" + strings.TrimPrefix(app.URL, "http")
	if _, resp, err := websocket.Dial(ctx, url+"/ws/", nil); err == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous socket: %v", err)
	}
	u, _ := app.State.DB.UserByUsername(ctx, "bob")
	dial(t, app, bob, "/ws/notifications/"+text.Itoa(u.ID)+"/")
	h := http.Header{}
	for _, ck := range bob.Jar.Cookies(mustParse(t, app.URL)) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	if _, resp, err := websocket.Dial(ctx, url+"/ws/notifications/"+text.Itoa(u.ID+1)+"/", &websocket.DialOptions{HTTPHeader: h}); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("another user's stream: %v", err)
	}
	h.Set("Origin", "https://evil.example")
	if _, resp, err := websocket.Dial(ctx, url+"/ws/", &websocket.DialOptions{HTTPHeader: h}); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("foreign origin: %v", err)
	}
	// A bearer token works in the query (browsers cannot set headers on sockets).
	access, _ := app.Token("bob")
	conn, _, err := websocket.Dial(ctx, url+"/ws/?access_token="+access, nil)
	if err != nil {
		t.Fatalf("token socket: %v", err)
	}
	next(t, conn, "unread_count")
	// Logging out everywhere closes the user's sockets.
	bob.PostForm("/logout/all/", nil)
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	for {
		if _, _, err := conn.Read(rctx); err != nil {
			if websocket.CloseStatus(err) == -1 && rctx.Err() != nil {
				t.Fatal("socket still open after logging out everywhere")
			}
			break
		}
	}
}
