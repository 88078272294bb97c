package limit_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"eplatform/app/limit"
	"eplatform/app/limit/limittest"
)

var okHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	_, _ = w.Write([]byte("ok"))
})

func serve(h http.Handler) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/login", nil))
	return rec
}

func TestMiddlewareRefusesWith429(t *testing.T) {
	t.Parallel()
	clock := limittest.NewClock()
	m := limit.NewMemory(limit.MemoryOptions{Now: clock.Now, SweepInterval: -1})
	rule := limit.Rule{Name: "login", Every: time.Minute, Burst: 2}
	h := limit.Middleware(m, rule, func(*http.Request) string { return "alice" }, nil)(okHandler)

	for i := range rule.Burst {
		if rec := serve(h); rec.Code != http.StatusOK {
			t.Fatalf("request %d: status %d, want 200", i+1, rec.Code)
		}
	}
	clock.Advance(500 * time.Millisecond) // RetryAfter 59.5 s rounds up to 60
	rec := serve(h)
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429", rec.Code)
	}
	if got := rec.Header().Get("Retry-After"); got != "60" {
		t.Errorf("Retry-After = %q, want 60", got)
	}
	if got := rec.Header().Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	if got, want := rec.Body.String(), `{"detail":"Too many requests. Try again in 60 seconds."}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
}

func TestMiddlewareCustomRefuse(t *testing.T) {
	t.Parallel()
	l := &stubLimiter{decision: limit.Decision{RetryAfter: 3 * time.Second}}
	var got limit.Decision
	refuse := func(w http.ResponseWriter, r *http.Request, d limit.Decision) {
		got = d
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte("<p>" + limit.Message(d) + "</p>"))
	}
	h := limit.Middleware(l, limit.PerPeriod("post", 1, time.Minute), func(*http.Request) string { return "u1" }, refuse)(okHandler)
	rec := serve(h)
	if got.RetryAfter != 3*time.Second {
		t.Fatalf("refuse got %+v", got)
	}
	if rec.Header().Get("Retry-After") != "3" || rec.Body.String() != "<p>Too many requests. Try again in 3 seconds.</p>" {
		t.Fatalf("Retry-After %q, body %q", rec.Header().Get("Retry-After"), rec.Body.String())
	}
}

func TestMiddlewareEmptyKeyNotLimited(t *testing.T) {
	t.Parallel()
	l := &stubLimiter{decision: limit.Decision{RetryAfter: time.Second}}
	h := limit.Middleware(l, limit.PerPeriod("post", 1, time.Minute), func(*http.Request) string { return "" }, nil)(okHandler)
	for range 3 {
		if rec := serve(h); rec.Code != http.StatusOK {
			t.Fatalf("status %d, want 200", rec.Code)
		}
	}
	if l.calls != 0 {
		t.Fatalf("limiter called %d times for an empty key", l.calls)
	}
}

func TestMiddlewareFailsOpen(t *testing.T) {
	t.Parallel()
	l := &stubLimiter{err: errors.New("redis: connection refused")}
	h := limit.Middleware(l, limit.PerPeriod("api", 1, time.Minute), func(*http.Request) string { return "k" }, nil)(okHandler)
	for range 3 {
		if rec := serve(h); rec.Code != http.StatusOK || rec.Body.String() != "ok" {
			t.Fatalf("status %d body %q, want the request let through", rec.Code, rec.Body.String())
		}
	}
}

func TestMiddlewarePanicsOnInvalidRule(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a rule with Burst 0")
		}
	}()
	limit.Middleware(&stubLimiter{}, limit.Rule{Name: "x", Every: time.Second}, func(*http.Request) string { return "k" }, nil)
}

func TestRetryAfterAndMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		wait    time.Duration
		header  string
		message string
	}{
		{0, "1", "Too many requests. Try again in 1 second."},
		{time.Nanosecond, "1", "Too many requests. Try again in 1 second."},
		{time.Second, "1", "Too many requests. Try again in 1 second."},
		{time.Second + time.Millisecond, "2", "Too many requests. Try again in 2 seconds."},
		{59*time.Second + 999*time.Millisecond, "60", "Too many requests. Try again in 60 seconds."},
		{time.Hour, "3600", "Too many requests. Try again in 3600 seconds."},
	}
	for _, tt := range tests {
		d := limit.Decision{RetryAfter: tt.wait}
		rec := httptest.NewRecorder()
		limit.SetRetryAfter(rec, d)
		if got := rec.Header().Get("Retry-After"); got != tt.header {
			t.Errorf("%v: Retry-After = %q, want %q", tt.wait, got, tt.header)
		}
		if got := limit.Message(d); got != tt.message {
			t.Errorf("%v: Message = %q, want %q", tt.wait, got, tt.message)
		}
	}
}

// stubLimiter returns a fixed decision or error, to test the middleware alone.
type stubLimiter struct {
	decision limit.Decision
	err      error
	calls    int
}

func (s *stubLimiter) Allow(context.Context, limit.Rule, string) (limit.Decision, error) {
	s.calls++
	return s.decision, s.err
}
func (s *stubLimiter) Refund(context.Context, limit.Rule, string) error { return s.err }
func (s *stubLimiter) Stats() limit.Stats                               { return limit.Stats{} }
func (s *stubLimiter) Close() error                                     { return nil }
