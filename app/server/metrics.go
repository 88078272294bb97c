package server

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
	"time"
)

// requireMetricsToken guards /metrics on the site: per-route counts, latencies and
// database counters tell an outsider a lot about the site and its users' habits.
// Prometheus sends the token from secrets.json as a bearer token.
//
// Both a missing and a wrong token are 401 with a WWW-Authenticate challenge, as RFC
// 6750 specifies for bearer tokens (403 would mean "a valid token without the right
// scope", which does not exist here); the two differ only in the challenge's error.
func requireMetricsToken(token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		given, ok := "", len(h) > 7 && strings.EqualFold(h[:7], "bearer ")
		if ok {
			given = strings.TrimSpace(h[7:])
		}
		if token != "" && subtle.ConstantTimeCompare([]byte(given), []byte(token)) == 1 {
			next.ServeHTTP(w, r)
			return
		}
		challenge := `Bearer realm="metrics"`
		msg := "The metrics need a token: send Authorization: Bearer <metrics_token from secrets.json>.\n"
		if ok {
			challenge += `, error="invalid_token"`
			msg = "The metrics token is not valid.\n"
		}
		w.Header().Set("WWW-Authenticate", challenge)
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, msg, http.StatusUnauthorized)
	})
}

// RunMetrics serves /metrics alone, without a token, on ln (the -metrics-addr
// listener, meant for a loopback or private address that only the monitoring
// reaches) until ctx is cancelled.
func (s *Server) RunMetrics(ctx context.Context, ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.Metrics.Handler())
	return serve(ctx, ln, &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second, // a scrape has no body
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
	})
}
