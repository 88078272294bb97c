package server_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"eplatform/app/apptest"
)

// TestShutdownFinishesInFlightRequests starts a request whose body is still
// arriving, begins the shutdown, then finishes the body: the request must complete
// normally and Run must return without error.
func TestShutdownFinishesInFlightRequests(t *testing.T) {
	app := apptest.Start(t)
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := &signalListener{Listener: inner, want: []byte("username=nobody&"), arrived: make(chan struct{}), closed: make(chan struct{})}
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
	<-ln.arrived // the server has read the first half: the request is in flight
	cancel()     // shutdown starts while the body is incomplete
	<-ln.closed  // Shutdown closes the listener first
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

// signalListener tells a test what the server has got to: arrived is closed once the
// server has read want from a connection, closed once the listener is closed (the
// first thing Shutdown does).
type signalListener struct {
	net.Listener
	want      []byte
	arrived   chan struct{}
	closed    chan struct{}
	arriveOne sync.Once
	closeOne  sync.Once
}

func (l *signalListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &signalConn{Conn: c, l: l}, nil
}

func (l *signalListener) Close() error {
	l.closeOne.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

type signalConn struct {
	net.Conn
	l    *signalListener
	seen []byte
}

func (c *signalConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.seen = append(c.seen, p[:n]...)
	if bytes.Contains(c.seen, c.l.want) {
		c.l.arriveOne.Do(func() { close(c.l.arrived) })
	}
	return n, err
}

func mustParse(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
