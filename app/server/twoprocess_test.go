package server_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"eplatform/app/apptest"
	"eplatform/app/internal/redistest"
	"eplatform/app/testutil"
)

// TestTwoProcessesShareLiveEvents starts two complete servers on one data directory
// and one Redis, as a deployment with two processes does: a chat message sent through
// the first reaches a socket held by the second, and so does a notification.
func TestTwoProcessesShareLiveEvents(t *testing.T) {
	redis := redistest.URL(t)
	dir := t.TempDir()
	args := append([]string{"-redis", redis}, apptest.RelaxedLimits...)
	one := apptest.Start(t, apptest.Options{DataDir: dir, Args: args})
	two := apptest.Start(t, apptest.Options{DataDir: dir, Args: args})

	one.User("ada", "student")
	two.User("bob", "student") // same database: both servers know both users
	bobOnTwo := two.Client()
	bobOnTwo.LogIn("bob", apptest.Password)
	conn := dial(t, two, bobOnTwo, "/ws/")
	next(t, conn, "unread_count")

	adaToken, _ := one.Token("ada")
	bob, err := one.State.DB.UserByUsername(t.Context(), "bob")
	if err != nil {
		t.Fatal(err)
	}
	c := one.Client()
	r := c.JSON("POST", "/api/chat/conversations/start/", map[string]any{"user_id": bob.ID, "message": "hello across processes"}, adaToken)
	if r.StatusCode != 201 {
		t.Fatalf("start conversation on process one: %d %s", r.StatusCode, r.Body)
	}
	f := next(t, conn, "chat_message")
	if msg, _ := f["message"].(map[string]any); msg["content"] != "hello across processes" {
		t.Fatalf("chat frame on process two: %v", f)
	}
	// A feed notification crosses too.
	r = c.JSON("POST", "/api/posts/", map[string]string{"content": "ping @bob"}, adaToken)
	if r.StatusCode != 201 {
		t.Fatalf("post: %d", r.StatusCode)
	}
	n := next(t, conn, "notification")["notification"].(map[string]any)
	if n["text"] != "ada mentioned you in a post" {
		t.Errorf("notification on process two: %v", n)
	}
	// Presence is shared: process one sees bob online while his tab is open on two,
	// and offline once it closes.
	status := func() bool {
		var s struct {
			IsOnline bool `json:"is_online"`
		}
		c.JSON("GET", fmt.Sprintf("/api/chat/users/%d/status/", bob.ID), nil, adaToken).JSON(t, &s)
		return s.IsOnline
	}
	if !status() {
		t.Error("process one does not see bob online")
	}
	conn.Close(websocket.StatusNormalClosure, "bye")
	if !testutil.Poll(5*time.Second, func() bool { return !status() }) {
		t.Error("bob still online on process one after closing his only tab")
	}
}

// TestTwoProcessesNeverServeStaleViews: two processes share the data directory and a
// Redis data cache (-cache redis://); each keeps its own rendered fragments. A write on
// either is seen on the next read on the other — feed, post page, API list and the
// anonymous pages — because every kept piece is keyed by versions read from the shared
// truth (the database's post versions, the cache's people and page versions). Without
// the shared data cache the anonymous page goes stale (checked by hand).
func TestTwoProcessesNeverServeStaleViews(t *testing.T) {
	redis := redistest.URL(t)
	dir := t.TempDir()
	args := append([]string{"-redis", redis, "-cache", redis}, apptest.RelaxedLimits...)
	one := apptest.Start(t, apptest.Options{DataDir: dir, Args: args})
	two := apptest.Start(t, apptest.Options{DataDir: dir, Args: args})
	adaOne := one.User("ada", "student")
	two.Account("bob", "student")
	bobTwo := two.Client()
	bobTwo.LogIn("bob", apptest.Password)
	anonTwo := two.Client()

	body := func(c *apptest.Client, path string) string {
		t.Helper()
		r := c.Get(path)
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d", path, r.StatusCode)
		}
		return r.Body
	}
	r := adaOne.PostForm("/home/", url.Values{"content": {"version one"}})
	id := regexp.MustCompile(`post-(\d+)`).FindStringSubmatch(r.Header.Get("Location"))[1]
	for _, path := range []string{"/home/", "/home/post/" + id + "/", "/api/posts/"} {
		if !strings.Contains(body(bobTwo, path), "version one") {
			t.Fatalf("%s on process two lacks the post written on one", path)
		}
	}
	profile := body(anonTwo, "/home/profile/ada/") // kept for anonymous visitors on two
	// Writes on process one: an edit, a comment, a new name.
	adaOne.PostForm("/home/post/"+id+"/edit/", url.Values{"content": {"version two"}})
	adaOne.PostForm("/home/post/"+id+"/comment/", url.Values{"content": {"a comment from one"}})
	if r := adaOne.PostForm("/home/me/edit/", url.Values{"first_name": {"Adelaide"}, "last_name": {"Tester"}, "email": {"ada@example.com"}}); r.StatusCode >= 400 {
		t.Fatalf("profile edit: %d", r.StatusCode)
	}
	for _, path := range []string{"/home/", "/home/post/" + id + "/", "/api/posts/"} {
		b := body(bobTwo, path)
		if !strings.Contains(b, "version two") || strings.Contains(b, "version one") || !strings.Contains(b, "Adelaide") {
			t.Fatalf("%s on process two is stale after writes on one", path)
		}
	}
	if p := body(anonTwo, "/home/profile/ada/"); p == profile || !strings.Contains(p, "Adelaide") {
		t.Fatal("the anonymous profile page on process two is stale after a write on one")
	}
}
