package server_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"eplatform/app/apptest"
)

// rawRequest writes head (request line and headers, without the blank line) on a new
// connection to the app and returns the connection and a reader for the answer.
func rawRequest(t *testing.T, app *apptest.App, head string) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", app.HTTP.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, strings.ReplaceAll(head, "\n", "\r\n")+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	return conn, bufio.NewReader(conn)
}

// A body trickled at 20 bytes/s is cut off after the grace period with 408 (JSON in
// the API, text on pages), while the connection would otherwise be held for as long as
// the client likes.
func TestTrickledBodyIsCutOff(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, apptest.Options{Args: append([]string{"-min-body-rate", "4", "-body-grace", "300ms"}, apptest.RelaxedLimits...)})
	for _, tt := range []struct{ path, contentType, wantType string }{
		{"/api/auth/login/", "application/json", "application/json"},
		{"/login/", "application/x-www-form-urlencoded", "text/plain"},
	} {
		conn, answer := rawRequest(t, app, "POST "+tt.path+" HTTP/1.1\nHost: test\nContent-Type: "+tt.contentType+"\nContent-Length: 1000")
		go func() {
			for {
				if _, err := conn.Write([]byte("x")); err != nil {
					return
				}
				time.Sleep(50 * time.Millisecond) // the client's link, not a wait for the server
			}
		}()
		// Without the rate the server would wait 1000 s for this body; the read deadline
		// here is only a bound for a broken test.
		_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		resp, err := http.ReadResponse(answer, nil)
		if err != nil {
			t.Fatalf("%s: no answer to a trickled body: %v", tt.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusRequestTimeout || !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.wantType) ||
			!strings.Contains(string(body), "too slowly") || !resp.Close {
			t.Errorf("%s: %d %q %q (close %v), want a 408 that closes the connection", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), body, resp.Close)
		}
	}
}

// An upload at ten times the minimum rate, much longer than the grace period, goes
// through.
func TestHonestSlowUploadSucceeds(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, apptest.Options{Args: append([]string{"-min-body-rate", "4", "-body-grace", "300ms"}, apptest.RelaxedLimits...)})
	app.User("ada", "student")
	access, _ := app.Token("ada")
	// 48 KiB: a short post padded with whitespace, which JSON ignores.
	body := `{"content": "sent over a slow link"}` + strings.Repeat(" ", 48<<10)
	pr, pw := io.Pipe()
	go func() {
		for chunk := range 12 {
			part := body[chunk*len(body)/12 : (chunk+1)*len(body)/12]
			if _, err := io.WriteString(pw, part); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond) // about 40 KiB/s
		}
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", app.URL+"/api/posts/", pr)
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+access)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var post struct{ Content string }
	json.NewDecoder(resp.Body).Decode(&post)
	if resp.StatusCode != http.StatusCreated || post.Content != "sent over a slow link" {
		t.Fatalf("slow upload: %d %+v", resp.StatusCode, post)
	}
}

// holdRequest starts a request whose body never finishes and returns once its
// handler is reading the body: the server's "100 Continue" says so.
func holdRequest(t *testing.T, app *apptest.App) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, answer := rawRequest(t, app, "POST /api/auth/login/ HTTP/1.1\nHost: test\nContent-Type: application/json\nContent-Length: 2\nExpect: 100-continue")
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := answer.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "HTTP/1.1 100") {
		t.Fatalf("held request: %q %v", line, err)
	}
	if _, err := answer.ReadString('\n'); err != nil { // the blank line after 100 Continue
		t.Fatal(err)
	}
	return conn, answer
}

// With a cap of 2 requests in progress per address, a third is refused with 429 and
// Retry-After until one finishes; WebSockets stop counting once upgraded.
func TestRequestsInProgressPerAddressAreCapped(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, apptest.Options{Args: append([]string{"-conns-per-client", "2"}, apptest.RelaxedLimits...)})
	bob := app.User("bob", "student")
	first, firstAnswer := holdRequest(t, app)
	holdRequest(t, app)

	c := app.Client()
	if r := c.Get("/healthz"); r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("third request: %d (Retry-After %q), want 429", r.StatusCode, r.Header.Get("Retry-After"))
	}
	if r := c.Get("/api/auth/profile/"); r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.Body, `"detail"`) {
		t.Fatalf("third API request: %d %s, want a JSON 429", r.StatusCode, r.Body)
	}

	// The first request finishes: its slot is free again.
	if _, err := io.WriteString(first, "{}"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(firstAnswer, nil)
	if err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("held request after its body: %v %v", resp, err)
	}
	if r := c.Get("/healthz"); r.StatusCode != http.StatusOK {
		t.Fatalf("after a request finished: %d", r.StatusCode)
	}
	// One slot is left, yet any number of tabs can open their socket.
	var tabs []*websocket.Conn
	for range 5 {
		tabs = append(tabs, dial(t, app, bob, "/ws/"))
	}
	for _, tab := range tabs {
		next(t, tab, "unread_count")
	}
	if r := c.Get("/healthz"); r.StatusCode != http.StatusOK {
		t.Fatalf("with 5 sockets open: %d", r.StatusCode)
	}
}
