package frag

import (
	"fmt"
	"sync/atomic"

	"github.com/dgraph-io/ristretto/v2"
	"golang.org/x/sync/singleflight"
)

// Store keeps fragments in this process, bounded by a byte budget, least frequently
// used first out. Keys must name everything a fragment depends on — the versions of
// the rows it shows and the viewer variant — so an entry is never stale, only unused:
// that is also why a store per process is right even when several processes share a
// database (each keeps what it rendered; a version read from the database decides).
type Store struct {
	items  *ristretto.Cache[string, *Fragment]
	flight singleflight.Group
	hits   atomic.Uint64
	misses atomic.Uint64
}

// NewStore returns a store of about budget bytes.
func NewStore(budget int64) (*Store, error) {
	items, err := ristretto.NewCache(&ristretto.Config[string, *Fragment]{
		NumCounters: max(10*budget/(4<<10), 1000), // ~4 KiB a fragment
		MaxCost:     budget,
		BufferItems: 64,
		Metrics:     true,
	})
	if err != nil {
		return nil, fmt.Errorf("frag: create store: %w", err)
	}
	return &Store{items: items}, nil
}

// Get returns the fragment under key, rendering it with render on a miss. Concurrent
// misses of one key render once.
func (s *Store) Get(key string, render func() ([]byte, error)) (*Fragment, error) {
	if f, ok := s.items.Get(key); ok {
		s.hits.Add(1)
		return f, nil
	}
	s.misses.Add(1)
	v, err, _ := s.flight.Do(key, func() (any, error) {
		raw, err := render()
		if err != nil {
			return nil, err
		}
		f := Cut(raw)
		s.items.Set(key, f, int64(f.Size()+len(key)))
		s.items.Wait() // so the next request finds it (sets are applied in the background)
		return f, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Fragment), nil
}

// Peek returns the fragment under key, if the store holds it.
func (s *Store) Peek(key string) (*Fragment, bool) {
	f, ok := s.items.Get(key)
	if ok {
		s.hits.Add(1)
	}
	return f, ok
}

// Wait applies pending writes (tests).
func (s *Store) Wait() { s.items.Wait() }

// Stats are the store's counters, for metrics.
type Stats struct {
	Hits, Misses, Evictions uint64
	Bytes                   int64
}

// Stats returns counters since the store was made.
func (s *Store) Stats() Stats {
	m := s.items.Metrics
	return Stats{Hits: s.hits.Load(), Misses: s.misses.Load(), Evictions: m.KeysEvicted(),
		Bytes: int64(m.CostAdded()) - int64(m.CostEvicted())}
}

// Close releases the store.
func (s *Store) Close() { s.items.Close() }
