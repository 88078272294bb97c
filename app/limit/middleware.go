package limit

import (
	"context"
	"encoding/json"
	"eplatform/app/httpx"
	"eplatform/app/problem"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"
)

// errorLogEvery throttles the "limiter failing" log line, which would otherwise be
// written once per request while Redis is down.
const errorLogEvery = time.Minute

// Middleware limits requests to rule, one bucket per key(r). An empty key means the
// request is not limited (e.g. a per-user rule on an anonymous request). When the
// bucket is empty it sets Retry-After and calls refuse, or writes a JSON 429 if
// refuse is nil; HTML handlers pass their own refuse to render a friendly page.
//
// If the limiter itself fails (Redis unreachable) the request goes through: losing
// rate limiting for the length of an outage is a smaller harm than taking the whole
// site down with it. Failures are logged at most once a minute.
//
// Middleware panics on an invalid rule, which is a wiring mistake to catch at
// startup rather than on the first request.
func Middleware(l Limiter, rule Rule, key func(*http.Request) string, refuse func(w http.ResponseWriter, r *http.Request, d Decision)) func(http.Handler) http.Handler {
	if err := rule.validate(); err != nil {
		panic(err)
	}
	if refuse == nil {
		refuse = refuseJSON
	}
	var lastLogged atomic.Int64 // unix ns of the last failure log line
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			k := key(r)
			if k == "" {
				next.ServeHTTP(w, r)
				return
			}
			d, err := l.Allow(r.Context(), rule, k)
			if err != nil {
				if now, last := time.Now().UnixNano(), lastLogged.Load(); now-last >= int64(errorLogEvery) && lastLogged.CompareAndSwap(last, now) {
					slog.WarnContext(r.Context(), "rate limiter failed; allowing requests", "rule", rule.Name, "err", err)
				}
				next.ServeHTTP(w, r)
				return
			}
			if !d.Allowed {
				SetRetryAfter(w, d)
				refuse(w, r, d)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func refuseJSON(w http.ResponseWriter, _ *http.Request, d Decision) {
	body, _ := json.Marshal(struct { // one string field: cannot fail
		Detail string `json:"detail"`
	}{Message(d)}) // cannot fail: a struct with one string field
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write(body) // the status is sent; a failed write means the client left
}

// SetRetryAfter sets the Retry-After header to the wait in whole seconds.
func SetRetryAfter(w http.ResponseWriter, d Decision) { httpx.SetRetryAfter(w, d.RetryAfter) }

// Refusal is the refused decision d as the domain's error, for writers that answer
// every failure the same way.
func Refusal(d Decision) *problem.Error { return problem.RateLimited(Message(d), d.RetryAfter) }

// Message is the user-facing text for a refusal, e.g. "Too many requests. Try again
// in 42 seconds."
func Message(d Decision) string {
	n := httpx.RetrySeconds(d.RetryAfter)
	if n == 1 {
		return "Too many requests. Try again in 1 second."
	}
	return fmt.Sprintf("Too many requests. Try again in %d seconds.", n)
}

// Check spends one token of key's bucket under rule and returns the refusal, if any,
// as the domain's error. A limiter that fails lets the request through: limits protect
// the site, they must not take it down with them.
func Check(ctx context.Context, l Limiter, rule Rule, key string) error {
	d, err := l.Allow(ctx, rule, key)
	if err != nil || d.Allowed {
		return nil
	}
	return Refusal(d)
}
