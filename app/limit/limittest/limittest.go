// Package limittest is the conformance suite every limit.Limiter backend must pass,
// so that switching from memory to Redis never changes what clients experience.
package limittest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"eplatform/app/limit"
)

// Tolerance is the allowed difference between an expected and a reported RetryAfter;
// the Redis backend works in whole milliseconds.
const Tolerance = time.Millisecond

// Clock is a fake clock, safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock at an arbitrary fixed instant that is deliberately not a
// whole millisecond, to exercise the Redis backend's rounding.
func NewClock() *Clock {
	return &Clock{now: time.Date(2030, 1, 2, 3, 4, 5, 123_456_789, time.UTC)}
}

// Now returns the current fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Rules in the suite refill in minutes or hours: the Redis backend gives keys a real
// TTL derived from the rule, and short ones could expire while a test runs.
var (
	login = limit.Rule{Name: "login", Every: time.Minute, Burst: 5}
	slow  = limit.Rule{Name: "slow", Every: time.Hour, Burst: 3}
)

// Run runs the suite. newLimiter must return an empty limiter reading the given clock;
// the suite closes it.
func Run(t *testing.T, newLimiter func(t *testing.T, now func() time.Time) limit.Limiter) {
	setup := func(t *testing.T) (*Clock, limit.Limiter) {
		t.Helper()
		clock := NewClock()
		l := newLimiter(t, clock.Now)
		t.Cleanup(func() {
			if err := l.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return clock, l
	}

	t.Run("BurstThenRefuse", func(t *testing.T) {
		_, l := setup(t)
		for i := range login.Burst {
			if d := allow(t, l, login, "alice"); !d.Allowed || d.RetryAfter != 0 {
				t.Fatalf("request %d: got %+v, want allowed with no RetryAfter", i+1, d)
			}
		}
		if d := allow(t, l, login, "alice"); d.Allowed {
			t.Fatalf("request %d: allowed beyond burst %d", login.Burst+1, login.Burst)
		}
	})

	t.Run("RetryAfter", func(t *testing.T) {
		clock, l := setup(t)
		drain(t, l, login, "alice")
		d := allow(t, l, login, "alice")
		if d.Allowed || d.Remaining != 0 {
			t.Fatalf("got %+v, want refused with Remaining 0", d)
		}
		if diff := (d.RetryAfter - login.Every).Abs(); diff > Tolerance {
			t.Fatalf("RetryAfter = %v, want %v ± %v", d.RetryAfter, login.Every, Tolerance)
		}
		clock.Advance(d.RetryAfter - 2*Tolerance)
		early := allow(t, l, login, "alice")
		if early.Allowed {
			t.Fatalf("allowed %v before RetryAfter", 2*Tolerance)
		}
		if diff := (early.RetryAfter - 2*Tolerance).Abs(); diff > Tolerance {
			t.Fatalf("RetryAfter just before refill = %v, want about %v", early.RetryAfter, 2*Tolerance)
		}
		clock.Advance(early.RetryAfter)
		if d := allow(t, l, login, "alice"); !d.Allowed {
			t.Fatalf("refused after waiting RetryAfter: %+v", d)
		}
		if d := allow(t, l, login, "alice"); d.Allowed {
			t.Fatal("one interval refilled more than one token")
		}
	})

	t.Run("RefillUpToBurst", func(t *testing.T) {
		clock, l := setup(t)
		drain(t, l, login, "alice")
		clock.Advance(2 * login.Every)
		if n := countAllowed(t, l, login, "alice", 10); n != 2 {
			t.Fatalf("after 2 intervals: %d allowed, want 2", n)
		}
		clock.Advance(100 * login.Every)
		if n := countAllowed(t, l, login, "alice", 10); n != login.Burst {
			t.Fatalf("after a long idle: %d allowed, want burst %d", n, login.Burst)
		}
	})

	t.Run("KeysIndependent", func(t *testing.T) {
		_, l := setup(t)
		drain(t, l, login, "alice")
		if n := countAllowed(t, l, login, "bob", 10); n != login.Burst {
			t.Fatalf("bob: %d allowed, want %d", n, login.Burst)
		}
	})

	t.Run("RulesIndependent", func(t *testing.T) {
		_, l := setup(t)
		drain(t, l, login, "10.0.0.1")
		signup := limit.Rule{Name: "signup", Every: login.Every, Burst: login.Burst}
		if n := countAllowed(t, l, signup, "10.0.0.1", 10); n != signup.Burst {
			t.Fatalf("signup after login drained: %d allowed, want %d", n, signup.Burst)
		}
	})

	t.Run("RemainingCountsDown", func(t *testing.T) {
		_, l := setup(t)
		for want := login.Burst - 1; want >= 0; want-- {
			if d := allow(t, l, login, "alice"); !d.Allowed || d.Remaining != want {
				t.Fatalf("got %+v, want allowed with Remaining %d", d, want)
			}
		}
		if d := allow(t, l, login, "alice"); d.Allowed || d.Remaining != 0 {
			t.Fatalf("got %+v, want refused with Remaining 0", d)
		}
	})

	t.Run("PerPeriod", func(t *testing.T) {
		clock, l := setup(t)
		rule := limit.PerPeriod("search", 10, 10*time.Minute)
		if n := countAllowed(t, l, rule, "alice", 20); n != 10 {
			t.Fatalf("%d allowed, want 10", n)
		}
		clock.Advance(3 * time.Minute)
		if n := countAllowed(t, l, rule, "alice", 20); n != 3 {
			t.Fatalf("after 3 of 10 minutes: %d allowed, want 3", n)
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		_, l := setup(t)
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			allowed int
		)
		for range 50 {
			wg.Go(func() {
				d, err := l.Allow(context.Background(), slow, "shared")
				if err != nil {
					t.Errorf("Allow: %v", err)
					return
				}
				if d.Allowed {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if allowed != slow.Burst {
			t.Fatalf("50 concurrent requests: %d allowed, want exactly %d", allowed, slow.Burst)
		}
	})

	t.Run("Stats", func(t *testing.T) {
		_, l := setup(t)
		countAllowed(t, l, slow, "alice", slow.Burst+2)
		s := l.Stats()
		if s.Allowed != uint64(slow.Burst) || s.Rejected != 2 {
			t.Fatalf("Stats = %+v, want Allowed %d Rejected 2", s, slow.Burst)
		}
	})

	t.Run("Refund", func(t *testing.T) {
		clock, l := setup(t)
		ctx := context.Background()
		// Refunding a bucket nobody used, or a full one, adds nothing.
		if err := l.Refund(ctx, login, "alice"); err != nil {
			t.Fatalf("Refund: %v", err)
		}
		if n := countAllowed(t, l, login, "alice", 10); n != login.Burst {
			t.Fatalf("after refunding a full bucket: %d allowed, want burst %d", n, login.Burst)
		}
		// An empty bucket given two tokens back admits exactly two.
		for range 2 {
			if err := l.Refund(ctx, login, "alice"); err != nil {
				t.Fatalf("Refund: %v", err)
			}
		}
		if n := countAllowed(t, l, login, "alice", 10); n != 2 {
			t.Fatalf("after two refunds: %d allowed, want 2", n)
		}
		// Taking and giving back leaves the bucket as it was, whatever the refill did
		// meanwhile: half an interval later, one refund and the refill's half token
		// still make one whole token, not two.
		clock.Advance(login.Every / 2)
		if err := l.Refund(ctx, login, "alice"); err != nil {
			t.Fatalf("Refund: %v", err)
		}
		if n := countAllowed(t, l, login, "alice", 10); n != 1 {
			t.Fatalf("refund plus half a refill: %d allowed, want 1", n)
		}
		// A bucket refunded past full holds Burst, no more.
		clock.Advance(100 * login.Every)
		for range 3 {
			if err := l.Refund(ctx, login, "alice"); err != nil {
				t.Fatalf("Refund: %v", err)
			}
		}
		if n := countAllowed(t, l, login, "alice", 10); n != login.Burst {
			t.Fatalf("refunds on a full bucket: %d allowed, want burst %d", n, login.Burst)
		}
		if err := l.Refund(ctx, limit.Rule{Name: "a:b", Every: time.Second, Burst: 1}, "k"); !errors.Is(err, limit.ErrInvalidRule) {
			t.Errorf("invalid rule: err = %v, want ErrInvalidRule", err)
		}
	})

	t.Run("InvalidRule", func(t *testing.T) {
		_, l := setup(t)
		for _, rule := range []limit.Rule{
			{Name: "", Every: time.Second, Burst: 1},
			{Name: "a:b", Every: time.Second, Burst: 1},
			{Name: "zero-every", Burst: 1},
			{Name: "zero-burst", Every: time.Second},
			limit.PerPeriod("zero-n", 0, time.Minute),
		} {
			if _, err := l.Allow(context.Background(), rule, "k"); !errors.Is(err, limit.ErrInvalidRule) {
				t.Errorf("%+v: err = %v, want ErrInvalidRule", rule, err)
			}
		}
	})
}

func allow(t *testing.T, l limit.Limiter, rule limit.Rule, key string) limit.Decision {
	t.Helper()
	d, err := l.Allow(context.Background(), rule, key)
	if err != nil {
		t.Fatalf("Allow(%s, %q): %v", rule.Name, key, err)
	}
	if d.Allowed != (d.RetryAfter == 0) {
		t.Fatalf("Allow(%s, %q) = %+v: RetryAfter must be set exactly when refused", rule.Name, key, d)
	}
	return d
}

// countAllowed makes n requests without the clock moving and counts admissions.
func countAllowed(t *testing.T, l limit.Limiter, rule limit.Rule, key string, n int) int {
	t.Helper()
	allowed := 0
	for range n {
		if allow(t, l, rule, key).Allowed {
			allowed++
		}
	}
	return allowed
}

func drain(t *testing.T, l limit.Limiter, rule limit.Rule, key string) {
	t.Helper()
	if n := countAllowed(t, l, rule, key, rule.Burst); n != rule.Burst {
		t.Fatalf("fresh bucket %s/%q: %d of %d allowed", rule.Name, key, n, rule.Burst)
	}
}
