package cache_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"eplatform/app/cache"
	"eplatform/app/cache/cachetest"
)

func newMemory(t *testing.T, budget int64) *cache.Memory {
	t.Helper()
	c, err := cache.NewMemory(budget)
	if err != nil {
		t.Fatalf("NewMemory: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestMemory(t *testing.T) {
	t.Parallel()
	cachetest.Run(t, func(t *testing.T) cache.Cache { return newMemory(t, 64<<20) })
}

func TestMemoryStaysWithinBudget(t *testing.T) {
	t.Parallel()
	const budget = 1 << 20
	c := newMemory(t, budget)

	value := func(i int) []byte { return bytes.Repeat([]byte{byte(i)}, 1<<10) }
	for i := range 10_000 {
		if err := c.Set(t.Context(), fmt.Sprint("item-", i), value(i), time.Minute); err != nil {
			t.Fatalf("Set: %v", err)
		}
	}

	if cost := c.Cost(); cost <= 0 || cost > budget {
		t.Fatalf("Cost() = %d after writing 10 MiB, want within (0, %d]", cost, budget)
	}
	// Evictions and refusals may drop any entry, but never mix entries up.
	kept := 0
	for i := range 10_000 {
		got, found, err := c.Get(t.Context(), fmt.Sprint("item-", i))
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if found {
			kept++
			if !bytes.Equal(got, value(i)) {
				t.Fatalf("item-%d holds a value of another item", i)
			}
		}
	}
	if kept == 0 || kept > budget/(1<<10) {
		t.Fatalf("%d items of 1 KiB kept in a budget of 1 MiB", kept)
	}
}

func TestMemoryDropsValueTooLargeForBudget(t *testing.T) {
	t.Parallel()
	c := newMemory(t, 1<<10)
	if err := c.Set(t.Context(), "k", []byte("small"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(t.Context(), "k", make([]byte, 2<<10), time.Minute); err != nil {
		t.Fatalf("Set of a value larger than the budget: %v", err)
	}
	// Serving "small" now would be serving stale data.
	if _, found, _ := c.Get(t.Context(), "k"); found {
		t.Fatal("an older value survived a Set that could not be cached")
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	for _, spec := range []string{"", "memory"} {
		c, err := cache.Open(spec, 1<<20)
		if err != nil {
			t.Fatalf("Open(%q): %v", spec, err)
		}
		if _, ok := c.(*cache.Memory); !ok {
			t.Errorf("Open(%q) = %T, want *cache.Memory", spec, c)
		}
		_ = c.Close()
	}
	for _, tt := range []struct {
		spec   string
		budget int64
	}{
		{"memory", 0},
		{"memcached://localhost", 1 << 20},
		{"redis://localhost:6379/not-a-db", 0},
	} {
		c, err := cache.Open(tt.spec, tt.budget)
		if err == nil {
			_ = c.Close()
			t.Errorf("Open(%q, %d) succeeded, want an error", tt.spec, tt.budget)
		} else if c != nil {
			t.Errorf("Open(%q, %d) failed but returned a non-nil %T", tt.spec, tt.budget, c)
		}
	}
}
