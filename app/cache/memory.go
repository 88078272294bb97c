package cache

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/dgraph-io/ristretto/v2"
)

// typicalItemSize is the value size assumed when sizing ristretto's frequency counters
// from the memory budget; ristretto wants about ten counters per item it can hold.
const typicalItemSize = 1 << 10

// Memory is an in-process Cache backed by ristretto. It holds at most about its budget
// of bytes (keys, values and ristretto's per-item overhead), evicting the least
// frequently used entries.
type Memory struct {
	bookkeeping
	items *ristretto.Cache[string, []byte]

	// Versions live outside ristretto because an evicted counter would restart at zero
	// and make keys from an earlier generation reachable again.
	versionsMu sync.Mutex
	versions   map[string]version
	bumps      int
}

var _ Cache = (*Memory)(nil)

// NewMemory returns an in-process cache holding at most about budget bytes.
func NewMemory(budget int64) (*Memory, error) {
	if budget <= 0 {
		return nil, fmt.Errorf("cache: memory budget must be positive, got %d", budget)
	}
	items, err := ristretto.NewCache(&ristretto.Config[string, []byte]{
		NumCounters: max(10*budget/typicalItemSize, 1000),
		MaxCost:     budget,
		BufferItems: 64, // the value ristretto recommends
	})
	if err != nil {
		return nil, fmt.Errorf("cache: create ristretto cache: %w", err)
	}
	return &Memory{items: items, versions: make(map[string]version)}, nil
}

func (m *Memory) Get(_ context.Context, key string) ([]byte, bool, error) {
	value, found := m.items.Get(key)
	m.countLookup(found)
	if !found {
		return nil, false, nil
	}
	return bytes.Clone(value), true, nil
}

func (m *Memory) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	if err := checkTTL(ttl); err != nil {
		return err
	}
	cost := int64(len(key) + len(value))
	if cost > m.items.MaxCost() {
		// ristretto would replace an existing entry in place and blow the budget, or
		// refuse a new one; either way the older value must not be served any more.
		m.items.Del(key)
		return nil
	}
	// ristretto may refuse the entry (full buffer, or the admission policy prefers what it
	// holds). That is fine for a cache, and never leaves stale data behind: it only refuses
	// keys it does not hold, since an existing entry is replaced in place.
	m.items.SetWithTTL(key, bytes.Clone(value), cost, ttl)
	// Sets are applied by a background goroutine; wait so that the next Get sees this one.
	m.items.Wait()
	return nil
}

func (m *Memory) Delete(_ context.Context, keys ...string) error {
	for _, key := range keys {
		m.items.Del(key)
	}
	return nil
}

func (m *Memory) Version(_ context.Context, namespace string) (uint64, error) {
	m.versionsMu.Lock()
	defer m.versionsMu.Unlock()
	return m.versions[namespace].n, nil
}

func (m *Memory) Bump(_ context.Context, namespace string) error {
	m.versionsMu.Lock()
	defer m.versionsMu.Unlock()
	now := time.Now()
	m.versions[namespace] = version{n: m.versions[namespace].n + 1, at: now}
	// Namespaces may be one per entity (a user, a session): versions not bumped for
	// VersionLife are dropped, which is safe because nothing cached under them outlives
	// it (see VersionLife).
	if m.bumps++; m.bumps%4096 == 0 {
		for ns, v := range m.versions {
			if now.Sub(v.at) > VersionLife {
				delete(m.versions, ns)
			}
		}
	}
	return nil
}

// Cost returns the bytes currently accounted against the budget.
func (m *Memory) Cost() int64 {
	return m.items.MaxCost() - m.items.RemainingCost()
}

// Close releases ristretto's goroutines. The cache must not be used afterwards.
func (m *Memory) Close() error {
	m.items.Close()
	return nil
}

type version struct {
	n  uint64
	at time.Time
}
