package cache

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// Cache stores byte values under string keys for a limited time. Implementations are safe
// for concurrent use. Values passed to Set and returned by Get are copies: callers may
// modify them freely.
type Cache interface {
	// Get returns the value stored under key and whether it was found.
	Get(ctx context.Context, key string) ([]byte, bool, error)
	// Set stores value under key for ttl, which must be positive. The cache may still
	// decline to keep it (it is full, or the value is too large).
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Delete removes keys; missing keys are not an error.
	Delete(ctx context.Context, keys ...string) error
	// Version returns the current version of namespace (see NamespacedKey).
	Version(ctx context.Context, namespace string) (uint64, error)
	// Bump increases the version of namespace, orphaning every key built under the old one.
	Bump(ctx context.Context, namespace string) error
	// Stats returns counters since the cache was opened.
	Stats() Stats
	Close() error
}

// Stats counts cache traffic, for metrics.
type Stats struct {
	Hits   uint64 // Get calls that found the key
	Misses uint64 // Get calls that did not
	Errors uint64 // backend operations that failed, so the caller went to the truth
}

// ErrInvalidTTL is returned for a TTL that is zero or negative: an entry that never
// expires would outlive any mistake in invalidation.
var ErrInvalidTTL = errors.New("cache: ttl must be positive")

func checkTTL(ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("%w, got %v", ErrInvalidTTL, ttl)
	}
	return nil
}

// Open returns the cache described by spec: "" or "memory" for an in-process cache of
// memoryBudget bytes, or a redis:// or rediss:// URL (see OpenRedis) for a Redis server.
func Open(spec string, memoryBudget int64) (Cache, error) {
	// Each branch returns a nil interface on error, never a nil *Memory or *Redis in one.
	switch {
	case spec == "" || spec == "memory":
		memory, err := NewMemory(memoryBudget)
		if err != nil {
			return nil, err
		}
		return memory, nil
	case strings.HasPrefix(spec, "redis://"), strings.HasPrefix(spec, "rediss://"):
		remote, err := OpenRedis(spec)
		if err != nil {
			return nil, err
		}
		return remote, nil
	default:
		return nil, fmt.Errorf(`cache: unknown backend %q: want "memory" or a redis:// URL`, spec)
	}
}

// bookkeeping is what every backend shares: its counters and the group that collapses
// concurrent loads of one key in GetOrLoad.
type bookkeeping struct {
	hits, misses, errors atomic.Uint64
	loads                singleflight.Group
	memoOnce             sync.Once
	memo                 *Local[any] // Load's decoded values (see Load)
}

// memoBudget bounds the decoded values Load keeps in this process.
const memoBudget = 16 << 20

func (b *bookkeeping) decoded() *Local[any] {
	b.memoOnce.Do(func() {
		b.memo, _ = NewLocal[any](memoBudget, 256) // constant sizes: no error
	})
	return b.memo
}

func (b *bookkeeping) Stats() Stats {
	return Stats{Hits: b.hits.Load(), Misses: b.misses.Load(), Errors: b.errors.Load()}
}

func (b *bookkeeping) countLookup(found bool) {
	if found {
		b.hits.Add(1)
	} else {
		b.misses.Add(1)
	}
}

func (b *bookkeeping) loadGroup() *singleflight.Group { return &b.loads }
