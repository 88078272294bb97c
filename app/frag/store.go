package frag

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/ristretto/v2"
	"golang.org/x/sync/singleflight"
)

// Kept is a bounded in-process store of values of one type, least frequently used out
// first, with counters for metrics. Keys must name everything a value depends on (the
// versions of what it shows), so an entry is never stale, only unused: that is also why
// a store per process is right when several processes share a database — each keeps
// what it made; a version read from the shared truth decides which one is current.
type Kept[T any] struct {
	items  *ristretto.Cache[string, T]
	hits   atomic.Uint64
	misses atomic.Uint64
}

// NewKept returns a store of about budget bytes; typical is a value's usual size.
func NewKept[T any](budget, typical int64) (*Kept[T], error) {
	items, err := ristretto.NewCache(&ristretto.Config[string, T]{
		NumCounters: max(10*budget/typical, 1000),
		MaxCost:     budget,
		BufferItems: 64,
		Metrics:     true,
	})
	if err != nil {
		return nil, fmt.Errorf("frag: create store: %w", err)
	}
	return &Kept[T]{items: items}, nil
}

// Get returns the value under key.
func (k *Kept[T]) Get(key string) (T, bool) {
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
func (k *Kept[T]) Set(key string, v T, cost int64, ttl time.Duration) {
	k.items.SetWithTTL(key, v, cost, ttl)
	k.items.Wait()
}

// Stats are a store's counters, for metrics.
type Stats struct {
	Hits, Misses, Evictions uint64
	Bytes                   int64
}

// Stats returns counters since the store was made.
func (k *Kept[T]) Stats() Stats {
	m := k.items.Metrics
	return Stats{Hits: k.hits.Load(), Misses: k.misses.Load(), Evictions: m.KeysEvicted(),
		Bytes: int64(m.CostAdded()) - int64(m.CostEvicted())}
}

// Close releases the store.
func (k *Kept[T]) Close() { k.items.Close() }

// Store keeps fragments, rendering each missing one once however many ask at once.
type Store struct {
	*Kept[*Fragment]
	flight singleflight.Group
}

// NewStore returns a fragment store of about budget bytes.
func NewStore(budget int64) (*Store, error) {
	k, err := NewKept[*Fragment](budget, 4<<10)
	if err != nil {
		return nil, err
	}
	return &Store{Kept: k}, nil
}

// Get returns the fragment under key, rendering it with render on a miss.
func (s *Store) Get(key string, render func() ([]byte, error)) (*Fragment, error) {
	if f, ok := s.Peek(key); ok {
		return f, nil
	}
	return s.Render(key, render)
}

// Peek returns the fragment under key, if kept (counted as a hit or a miss).
func (s *Store) Peek(key string) (*Fragment, bool) { return s.Kept.Get(key) }

// Render renders the fragment under key and keeps it, after a Peek missed. Concurrent
// renders of one key run once.
func (s *Store) Render(key string, render func() ([]byte, error)) (*Fragment, error) {
	v, err, _ := s.flight.Do(key, func() (any, error) {
		if f, ok := s.items.Get(key); ok { // another request rendered it meanwhile
			return f, nil
		}
		raw, err := render()
		if err != nil {
			return nil, err
		}
		f := Cut(raw)
		s.Set(key, f, int64(f.Size()+len(key)), 0)
		return f, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Fragment), nil
}

// Page is a whole answer kept for anonymous visitors.
type Page struct {
	Status      int
	ContentType string
	Pieces      []*Piece
	ETag        string
}

// Size is what the page costs to keep.
func (p *Page) Size() int {
	n := 64
	for _, pc := range p.Pieces {
		n += pc.Size()
	}
	return n
}
