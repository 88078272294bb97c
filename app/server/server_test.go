package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
)

// TestShutdownFinishesInFlightRequests starts a request whose body is still
// arriving, begins the shutdown, then finishes the body: the request must complete
// normally and Run must return without error.
func TestShutdownFinishesInFlightRequests(t *testing.T) {
	app := apptest.Start(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- app.Server.Run(ctx, ln) }()

	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+"/login/", pr)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	got := make(chan *http.Response, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			got <- nil
			return
		}
		got <- resp
	}()
	if _, err := pw.Write([]byte("username=nobody&")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the request is now being served
	cancel()                           // shutdown starts while the body is incomplete
	time.Sleep(100 * time.Millisecond)
	pw.Write([]byte("password=wrong-password"))
	pw.Close()

	resp := <-got
	if resp == nil {
		t.Fatal("in-flight request failed during shutdown")
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Invalid username or password") {
		t.Fatalf("in-flight request: %d", resp.StatusCode)
	}
	select {
	case err := <-ran:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
	// New connections are refused after shutdown.
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Fatal("server still accepts connections after shutdown")
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
