package limit

import (
	"context"
	"hash/maphash"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

const (
	// shardCount spreads buckets over independent mutexes so that concurrent requests
	// for different clients rarely wait on each other.
	shardCount = 32

	// DefaultMaxBuckets bounds memory when MemoryOptions.MaxBuckets is zero: a few
	// hundred bytes per bucket, so tens of megabytes at worst.
	DefaultMaxBuckets = 200_000

	// DefaultSweepInterval is how often the janitor drops refilled buckets when
	// MemoryOptions.SweepInterval is zero.
	DefaultSweepInterval = time.Minute
)

// MemoryOptions configures NewMemory. The zero value is ready to use.
type MemoryOptions struct {
	// Now is the clock; nil means time.Now. Tests pass a fake clock so that refill
	// and eviction are exercised without sleeping.
	Now func() time.Time
	// SweepInterval is the janitor period (real time); zero means
	// DefaultSweepInterval and a negative value disables the janitor (call Sweep).
	SweepInterval time.Duration
	// MaxBuckets caps the number of buckets; zero means DefaultMaxBuckets. It is
	// split evenly across shards, so values below 32 act as 32.
	MaxBuckets int
}

// Memory is an in-process Limiter for single-process deployments.
type Memory struct {
	now         func() time.Time
	seed        maphash.Seed
	perShardCap int
	shards      [shardCount]shard

	allowed  atomic.Uint64
	rejected atomic.Uint64

	stop      chan struct{}
	stopped   chan struct{}
	closeOnce sync.Once
}

type shard struct {
	mu      sync.Mutex
	buckets map[bucketKey]*bucket
	// Padding keeps neighbouring shards' mutexes on different cache lines.
	_ [48]byte
}

// bucketKey is a struct rather than a concatenated string so lookups do not allocate.
type bucketKey struct {
	rule, key string
}

type bucket struct {
	limiter *rate.Limiter
	every   time.Duration
	burst   int
	// lastSeen (unix ns) is the last Allow call, allowed or not; under the MaxBuckets
	// cap the least recently seen buckets go first, so a client that keeps hammering
	// keeps its empty bucket.
	lastSeen int64
	// fullAt (unix ns) is when the bucket will have refilled to Burst. From then on it
	// is indistinguishable from a fresh bucket, so dropping it changes no decision.
	fullAt int64
}

// NewMemory returns a Memory limiter and starts its janitor unless disabled; call
// Close to stop it.
func NewMemory(opts MemoryOptions) *Memory {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBuckets <= 0 {
		opts.MaxBuckets = DefaultMaxBuckets
	}
	if opts.SweepInterval == 0 {
		opts.SweepInterval = DefaultSweepInterval
	}
	m := &Memory{
		now:         opts.Now,
		seed:        maphash.MakeSeed(),
		perShardCap: max(1, opts.MaxBuckets/shardCount),
		stop:        make(chan struct{}),
		stopped:     make(chan struct{}),
	}
	for i := range m.shards {
		m.shards[i].buckets = make(map[bucketKey]*bucket)
	}
	if opts.SweepInterval > 0 {
		go m.janitor(opts.SweepInterval)
	} else {
		close(m.stopped)
	}
	return m
}

// Allow implements Limiter.
func (m *Memory) Allow(_ context.Context, rule Rule, key string) (Decision, error) {
	if err := rule.validate(); err != nil {
		return Decision{}, err
	}
	now := m.now()
	k := bucketKey{rule: rule.Name, key: key}
	s := &m.shards[maphash.Comparable(m.seed, k)%shardCount]

	s.mu.Lock()
	b := s.getOrCreate(k, rule, now, m.perShardCap)
	d := b.take(rule, now)
	s.mu.Unlock()

	if d.Allowed {
		m.allowed.Add(1)
	} else {
		m.rejected.Add(1)
	}
	return d, nil
}

// Refund implements Limiter.
func (m *Memory) Refund(_ context.Context, rule Rule, key string) error {
	if err := rule.validate(); err != nil {
		return err
	}
	now := m.now()
	k := bucketKey{rule: rule.Name, key: key}
	s := &m.shards[maphash.Comparable(m.seed, k)%shardCount]
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[k]
	if b == nil {
		return nil // no bucket is a full bucket
	}
	if b.limiter.TokensAt(now)+1 >= float64(rule.Burst) {
		delete(s.buckets, k) // full again: the same as no bucket
		return nil
	}
	// Taking -1 tokens adds one (rate.Limiter caps the count at the burst on its next
	// reading); the conformance suite checks the bucket then admits exactly one more.
	b.limiter.AllowN(now, -1)
	b.fullAt = now.Add(durationFor(float64(rule.Burst)-b.limiter.TokensAt(now), rule.Every)).UnixNano()
	return nil
}

// getOrCreate finds or creates the bucket for k, making room first if the shard is full.
func (s *shard) getOrCreate(k bucketKey, rule Rule, now time.Time, capacity int) *bucket {
	b := s.buckets[k]
	if b == nil {
		if len(s.buckets) >= capacity {
			s.makeRoom(now.UnixNano(), capacity)
		}
		b = &bucket{
			limiter: rate.NewLimiter(rate.Every(rule.Every), rule.Burst),
			every:   rule.Every,
			burst:   rule.Burst,
		}
		s.buckets[k] = b
		return b
	}
	if b.every != rule.Every || b.burst != rule.Burst {
		// The rule's numbers changed under the same name (a config change); adapt the
		// bucket instead of handing the client a fresh burst.
		b.limiter.SetLimitAt(now, rate.Every(rule.Every))
		b.limiter.SetBurstAt(now, rule.Burst)
		b.every, b.burst = rule.Every, rule.Burst
	}
	return b
}

// take consumes one token at now if there is one. The caller holds the shard lock.
func (b *bucket) take(rule Rule, now time.Time) Decision {
	b.lastSeen = now.UnixNano()
	if b.limiter.AllowN(now, 1) {
		tokens := b.limiter.TokensAt(now)
		b.fullAt = now.Add(durationFor(float64(rule.Burst)-tokens, rule.Every)).UnixNano()
		// The epsilon absorbs float error so that 2.9999999999 tokens count as 3.
		return Decision{Allowed: true, Remaining: int(math.Floor(tokens + 1e-9))}
	}
	// A refusal consumes nothing, so fullAt stays as it was.
	missing := 1 - b.limiter.TokensAt(now)
	return Decision{RetryAfter: max(durationFor(missing, rule.Every), time.Nanosecond)}
}

// durationFor is the time needed to regain the given number of tokens, rounded up so
// that a client told to come back then is never early.
func durationFor(tokens float64, every time.Duration) time.Duration {
	if tokens <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(tokens * float64(every)))
}

// makeRoom frees space in a full shard. Refilled buckets go first because dropping
// them is invisible; if that frees too little, the least recently seen buckets are
// dropped too. That resets those clients to a full burst, the price of bounded
// memory when more clients are active than MaxBuckets allows. Freeing a sixteenth of
// the shard at once keeps the O(n) scan off most inserts.
func (s *shard) makeRoom(now int64, capacity int) {
	for k, b := range s.buckets {
		if now >= b.fullAt {
			delete(s.buckets, k)
		}
	}
	target := capacity - max(1, capacity/16)
	excess := len(s.buckets) - target
	if excess <= 0 {
		return
	}
	seen := make([]int64, 0, len(s.buckets))
	for _, b := range s.buckets {
		seen = append(seen, b.lastSeen)
	}
	slices.Sort(seen)
	cutoff := seen[excess-1]
	// Buckets seen exactly at cutoff may be more than needed; drop only enough of them.
	olderThanCutoff, _ := slices.BinarySearch(seen, cutoff)
	atCutoff := excess - olderThanCutoff
	for k, b := range s.buckets {
		switch {
		case b.lastSeen < cutoff:
			delete(s.buckets, k)
		case b.lastSeen == cutoff && atCutoff > 0:
			delete(s.buckets, k)
			atCutoff--
		}
	}
}

// Sweep drops every bucket that has refilled to full and returns how many it dropped.
// The janitor calls it periodically; tests call it directly after moving a fake clock.
func (m *Memory) Sweep() int {
	now := m.now().UnixNano()
	dropped := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		for k, b := range s.buckets {
			if now >= b.fullAt {
				delete(s.buckets, k)
				dropped++
			}
		}
		s.mu.Unlock()
	}
	return dropped
}

func (m *Memory) janitor(interval time.Duration) {
	defer close(m.stopped)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			m.Sweep()
		case <-m.stop:
			return
		}
	}
}

// Stats implements Limiter.
func (m *Memory) Stats() Stats {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		n += len(s.buckets)
		s.mu.Unlock()
	}
	return Stats{Allowed: m.allowed.Load(), Rejected: m.rejected.Load(), Buckets: n}
}

// Close stops the janitor and waits for it to exit. It is safe to call more than once.
func (m *Memory) Close() error {
	m.closeOnce.Do(func() { close(m.stop) })
	<-m.stopped
	return nil
}

var _ Limiter = (*Memory)(nil)
