package limit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrInvalidRule is returned by Allow for a rule that cannot describe a bucket.
var ErrInvalidRule = errors.New("limit: invalid rule")

// Rule is a token bucket: it holds at most Burst tokens and gains one every Every.
// Each allowed request takes one token. Name identifies the bucket family (login,
// signup, post...), so the same client key has separate buckets per rule.
type Rule struct {
	Name  string
	Every time.Duration
	Burst int
}

// PerPeriod returns a rule that admits n requests at once and then refills at a pace
// of n per period; PerPeriod("login", 5, 5*time.Minute) lets 5 attempts through and
// then one more each minute.
func PerPeriod(name string, n int, period time.Duration) Rule {
	if n <= 0 {
		// Keep the rule invalid (Burst <= 0) rather than dividing by zero; Allow and
		// Middleware report it.
		return Rule{Name: name, Every: period, Burst: n}
	}
	return Rule{Name: name, Every: period / time.Duration(n), Burst: n}
}

// String describes the rule for logs, e.g. "login: burst 5, +1 every 1m0s".
func (r Rule) String() string {
	return fmt.Sprintf("%s: burst %d, +1 every %s", r.Name, r.Burst, r.Every)
}

// validate rejects rules that would silently allow everything or nothing. Names may
// not contain ':' because the Redis backend joins name and key with it.
func (r Rule) validate() error {
	switch {
	case r.Name == "" || strings.Contains(r.Name, ":"):
		return fmt.Errorf("%w: name %q must be non-empty and free of ':'", ErrInvalidRule, r.Name)
	case r.Every <= 0:
		return fmt.Errorf("%w: %s: Every must be positive", ErrInvalidRule, r)
	case r.Burst <= 0:
		return fmt.Errorf("%w: %s: Burst must be positive", ErrInvalidRule, r)
	}
	return nil
}

// Decision is the outcome of one Allow call.
type Decision struct {
	Allowed bool
	// Remaining is the number of whole tokens left after this request.
	Remaining int
	// RetryAfter is zero when Allowed; when refused, the time until one token is
	// available again.
	RetryAfter time.Duration
}

// Stats are counters for monitoring a limiter.
type Stats struct {
	Allowed  uint64
	Rejected uint64
	// Buckets is the number of buckets held in process memory (always 0 for Redis,
	// whose idle keys expire on their own).
	Buckets int
}

// Limiter takes one token from the bucket (rule, key). Implementations are safe for
// concurrent use; they must all pass the conformance suite in package limittest.
type Limiter interface {
	Allow(ctx context.Context, rule Rule, key string) (Decision, error)
	// Refund gives back one token that Allow took, for a request that turned out not
	// to count (a sign-in limit counts failures only, yet takes the token before the
	// attempt so that concurrent attempts cannot all slip past an almost empty
	// bucket). A bucket never holds more than Burst; refunding a full one does nothing.
	Refund(ctx context.Context, rule Rule, key string) error
	Stats() Stats
	Close() error
}
