package limit_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"eplatform/app/limit"
	"eplatform/app/limit/limittest"
	"eplatform/app/testutil"
)

func TestMemoryConformance(t *testing.T) {
	limittest.Run(t, func(t *testing.T, now func() time.Time) limit.Limiter {
		return limit.NewMemory(limit.MemoryOptions{Now: now})
	})
}

func newMemory(t *testing.T, opts limit.MemoryOptions) (*limittest.Clock, *limit.Memory) {
	t.Helper()
	clock := limittest.NewClock()
	opts.Now = clock.Now
	if opts.SweepInterval == 0 {
		opts.SweepInterval = -1 // tests sweep by hand
	}
	m := limit.NewMemory(opts)
	t.Cleanup(func() { _ = m.Close() })
	return clock, m
}

func mustAllow(t *testing.T, l limit.Limiter, rule limit.Rule, key string) limit.Decision {
	t.Helper()
	d, err := l.Allow(context.Background(), rule, key)
	if err != nil {
		t.Fatalf("Allow(%s, %q): %v", rule.Name, key, err)
	}
	return d
}

func TestMemorySweepDropsRefilledBuckets(t *testing.T) {
	t.Parallel()
	clock, m := newMemory(t, limit.MemoryOptions{})
	short := limit.Rule{Name: "short", Every: time.Second, Burst: 2}
	const keys = 100_000
	for i := range keys {
		mustAllow(t, m, short, fmt.Sprint("k", i))
	}
	if got := m.Stats().Buckets; got != keys {
		t.Fatalf("Buckets = %d, want %d", got, keys)
	}

	// One token taken from a burst of two refills in one interval; before that the
	// buckets still carry state and must stay.
	clock.Advance(short.Every - time.Millisecond)
	if n := m.Sweep(); n != 0 {
		t.Fatalf("Sweep before refill dropped %d buckets", n)
	}
	clock.Advance(time.Millisecond)
	if n := m.Sweep(); n != keys {
		t.Fatalf("Sweep dropped %d buckets, want %d", n, keys)
	}
	if got := m.Stats().Buckets; got != 0 {
		t.Fatalf("Buckets after sweep = %d, want 0", got)
	}
}

func TestMemorySweepKeepsEmptyBucket(t *testing.T) {
	t.Parallel()
	clock, m := newMemory(t, limit.MemoryOptions{})
	rule := limit.Rule{Name: "login", Every: time.Minute, Burst: 3}
	for range rule.Burst {
		mustAllow(t, m, rule, "alice")
	}
	// Full again only after Every×Burst; half an interval earlier it must survive.
	clock.Advance(time.Duration(rule.Burst)*rule.Every - rule.Every/2)
	m.Sweep()
	if got := m.Stats().Buckets; got != 1 {
		t.Fatalf("Buckets = %d, want the partially refilled bucket kept", got)
	}
	if d := mustAllow(t, m, rule, "alice"); !d.Allowed || d.Remaining != rule.Burst-2 {
		t.Fatalf("got %+v, want allowed with Remaining %d", d, rule.Burst-2)
	}
}

func TestMemoryJanitor(t *testing.T) {
	t.Parallel()
	clock := limittest.NewClock()
	m := limit.NewMemory(limit.MemoryOptions{Now: clock.Now, SweepInterval: time.Millisecond})
	defer m.Close()
	rule := limit.Rule{Name: "r", Every: time.Second, Burst: 1}
	mustAllow(t, m, rule, "a")
	clock.Advance(rule.Every)
	// The janitor runs on a real ticker; wait for it rather than for the fake clock.
	testutil.Eventually(t, 5*time.Second, func() bool { return m.Stats().Buckets == 0 },
		"the janitor drops the refilled bucket")
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestMemoryMaxBuckets(t *testing.T) {
	t.Parallel()
	clock, m := newMemory(t, limit.MemoryOptions{})
	rule := limit.Rule{Name: "flood", Every: time.Hour, Burst: 5}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 300_000 {
		clock.Advance(time.Microsecond)
		mustAllow(t, m, rule, fmt.Sprint("k", i))
		if i%10_000 == 0 {
			if n := m.Stats().Buckets; n > limit.DefaultMaxBuckets {
				t.Fatalf("after %d keys: Buckets = %d > cap %d", i+1, n, limit.DefaultMaxBuckets)
			}
		}
	}
	n := m.Stats().Buckets
	if n > limit.DefaultMaxBuckets || n < limit.DefaultMaxBuckets*9/10 {
		t.Fatalf("Buckets = %d, want at most %d and close to it", n, limit.DefaultMaxBuckets)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	growth := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d buckets after 300000 keys; heap grew %.1f MiB (%d B/bucket)",
		n, float64(growth)/(1<<20), growth/int64(n))

	// The newest keys survive: the last one is still limited, not reset.
	last := fmt.Sprint("k", 300_000-1)
	if d := mustAllow(t, m, rule, last); d.Remaining != rule.Burst-2 {
		t.Fatalf("newest key: %+v, want its bucket kept (Remaining %d)", d, rule.Burst-2)
	}
}

// TestMemoryCapPrefersRefilledThenOldest fills one shard to its cap and checks which
// buckets make room for a new one.
func TestMemoryCapPrefersRefilledThenOldest(t *testing.T) {
	t.Parallel()
	const perShard = 4
	clock, m := newMemory(t, limit.MemoryOptions{MaxBuckets: perShard * limit.ShardCount})
	long := limit.Rule{Name: "long", Every: time.Hour, Burst: 1}
	short := limit.Rule{Name: "short", Every: time.Second, Burst: 1}

	// Keys that land in the same shard for either rule name.
	var keys []string
	for i := 0; len(keys) < 10; i++ {
		k := fmt.Sprint("k", i)
		if m.ShardOf(long, k) == 0 && m.ShardOf(short, k) == 0 {
			keys = append(keys, k)
		}
	}
	limited := func(rule limit.Rule, key string) bool {
		return !mustAllow(t, m, rule, key).Allowed
	}

	// Shard holds: long k0 (empty), short k1 and k2, long k3 (empty).
	mustAllow(t, m, long, keys[0])
	mustAllow(t, m, short, keys[1])
	mustAllow(t, m, short, keys[2])
	mustAllow(t, m, long, keys[3])
	clock.Advance(short.Every) // k1 and k2 have refilled
	mustAllow(t, m, long, keys[4])
	if !limited(long, keys[0]) || !limited(long, keys[3]) {
		t.Fatal("a bucket with state was dropped while refilled ones were available")
	}

	// Now the shard holds only empty long buckets; the least recently seen must go.
	clock.Advance(time.Second)
	mustAllow(t, m, long, keys[5]) // seen: k0,k3 (t1), k4 (t1), k5 (t2)
	clock.Advance(time.Second)
	limited(long, keys[4]) // k4 seen again: now the most recent
	clock.Advance(time.Second)
	mustAllow(t, m, long, keys[6])
	if !limited(long, keys[4]) || !limited(long, keys[5]) || !limited(long, keys[6]) {
		t.Fatal("recently seen bucket was dropped under the cap")
	}
	if got := m.Stats().Buckets; got > perShard {
		t.Fatalf("Buckets = %d, want at most %d", got, perShard)
	}
}

func BenchmarkMemoryAllowParallel(b *testing.B) {
	m := limit.NewMemory(limit.MemoryOptions{})
	defer m.Close()
	rule := limit.Rule{Name: "api", Every: time.Millisecond, Burst: 100}
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = fmt.Sprint("user", i)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			_, _ = m.Allow(context.Background(), rule, keys[i%len(keys)])
			i++
		}
	})
}
