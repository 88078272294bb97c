package cache

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/ristretto/v2"
)

// Local is a bounded in-process store of values of one type, least frequently used out
// first, with counters for metrics. Keys must name everything a value depends on (the
// versions of what it shows), so an entry is never stale, only unused: that is also why
// a store per process is right when several processes share a database — each keeps
// what it made; a version read from the shared truth decides which one is current.
type Local[T any] struct {
	items  *ristretto.Cache[string, T]
	hits   atomic.Uint64
	misses atomic.Uint64
}

// NewKept returns a store of about budget bytes; typical is a value's usual size.
func NewLocal[T any](budget, typical int64) (*Local[T], error) {
	items, err := ristretto.NewCache(&ristretto.Config[string, T]{
		NumCounters: max(10*budget/typical, 1000),
		MaxCost:     budget,
		BufferItems: 64,
		Metrics:     true,
	})
	if err != nil {
		return nil, fmt.Errorf("cache: create local store: %w", err)
	}
	return &Local[T]{items: items}, nil
}

// Get returns the value under key.
func (k *Local[T]) Get(key string) (T, bool) {
	v, ok := k.items.Get(key)
	if ok {
		k.hits.Add(1)
	} else {
		k.misses.Add(1)
	}
	return v, ok
}

// Set keeps v under key at cost bytes, for ttl (0: until evicted), and waits until it
// is applied so that the next Get finds it (sets are applied in the background).
func (k *Local[T]) Set(key string, v T, cost int64, ttl time.Duration) {
	k.items.SetWithTTL(key, v, cost, ttl)
	k.items.Wait()
}

// LocalStats are a local store's counters, for metrics.
type LocalStats struct {
	Hits, Misses, Evictions uint64
	Bytes                   int64
}

// Stats returns counters since the store was made.
func (k *Local[T]) Stats() LocalStats {
	m := k.items.Metrics
	return LocalStats{Hits: k.hits.Load(), Misses: k.misses.Load(), Evictions: m.KeysEvicted(),
		Bytes: int64(m.CostAdded()) - int64(m.CostEvicted())}
}

// Close releases the store.
func (k *Local[T]) Close() { k.items.Close() }

// Lookup is Get without counting: for a second look after a counted miss.
func (k *Local[T]) Lookup(key string) (T, bool) { return k.items.Get(key) }
