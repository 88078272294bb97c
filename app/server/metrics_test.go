package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
)

func getMetrics(t *testing.T, app *apptest.App, authorization string) *apptest.Response {
	t.Helper()
	h := http.Header{}
	if authorization != "" {
		h.Set("Authorization", authorization)
	}
	return app.Client().Do("GET", "/metrics", nil, h)
}

func TestMetricsNeedTheToken(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	token := app.Config.MetricsToken
	if len(token) != 64 {
		t.Fatalf("metrics token %q", token)
	}
	for _, tt := range []struct{ name, authorization, wantError string }{
		{"no token", "", ""},
		{"wrong token", "Bearer " + strings.Repeat("0", 64), `error="invalid_token"`},
		{"token cut short", "Bearer " + token[:63], `error="invalid_token"`},
		{"empty bearer", "Bearer ", ""},
		{"basic scheme", "Basic " + token, ""},
	} {
		r := getMetrics(t, app, tt.authorization)
		challenge := r.Header.Get("WWW-Authenticate")
		if r.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(challenge, "Bearer") ||
			!strings.Contains(challenge, tt.wantError) || strings.Contains(r.Body, "eplatform_") {
			t.Errorf("%s: %d %q %q, want 401 with a bearer challenge", tt.name, r.StatusCode, challenge, r.Body)
		}
	}
	// Being signed in, even as an admin, is not the token.
	if r := app.User("root", "admin").Get("/metrics"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("admin session: %d, want 401", r.StatusCode)
	}
	for _, auth := range []string{"Bearer " + token, "bearer  " + token} {
		r := getMetrics(t, app, auth)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "eplatform_http_requests_total") {
			t.Errorf("%q: %d", auth, r.StatusCode)
		}
	}
}

// With -metrics-addr the metrics are served on that listener alone, without a token.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, apptest.Options{Args: []string{"-metrics-addr", "127.0.0.1:0"}})
	if r := getMetrics(t, app, "Bearer "+app.Config.MetricsToken); r.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the site with -metrics-addr: %d, want 404", r.StatusCode)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- app.Server.RunMetrics(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/metrics"); code != http.StatusOK || !strings.Contains(body, "eplatform_db_queries_total") {
		t.Errorf("metrics listener: %d", code)
	}
	if code, _ := get("/healthz"); code != http.StatusNotFound {
		t.Errorf("the metrics listener serves /healthz: %d", code)
	}
	cancel()
	select {
	case err := <-ran:
		if err != nil {
			t.Fatalf("RunMetrics: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunMetrics did not return")
	}
}
