package cache_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"eplatform/app/cache"
	"eplatform/app/cache/cachetest"
	"eplatform/app/internal/redistest"
)

// emptyRedisDB returns the URL of a fresh Redis database, emptied, and a client on it
// for inspecting what the cache wrote.
func emptyRedisDB(t *testing.T) (string, *redis.Client) {
	t.Helper()
	url := redistest.URL(t)
	options, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	admin := redis.NewClient(options)
	t.Cleanup(func() { _ = admin.Close() })
	if err := admin.FlushDB(t.Context()).Err(); err != nil {
		t.Fatalf("FLUSHDB: %v", err)
	}
	return url, admin
}

// openRedis opens a cache on a fresh, emptied Redis database.
func openRedis(t *testing.T) *cache.Redis {
	t.Helper()
	url, _ := emptyRedisDB(t)
	c, err := cache.OpenRedis(url)
	if err != nil {
		t.Fatalf("OpenRedis: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// The tests on redistest databases do not run in parallel: it hands out 16 database
// numbers in turn, and a test running alongside could be given one still in use.

func TestRedis(t *testing.T) {
	cachetest.Run(t, func(t *testing.T) cache.Cache { return openRedis(t) })
}

func TestRedisPrefixSeparatesApplications(t *testing.T) {
	ctx := t.Context()
	url, admin := emptyRedisDB(t)
	options, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	ours := cache.NewRedis(redis.NewClient(options), "ours:")
	theirs, err := cache.Open(url+"?prefix=theirs:", 0)
	if err != nil {
		t.Fatalf("Open with a prefix: %v", err)
	}
	t.Cleanup(func() { _ = ours.Close(); _ = theirs.Close() })

	if err := ours.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := theirs.Get(ctx, "k"); found {
		t.Error("a key is visible under another prefix")
	}
	before, _ := theirs.Version(ctx, "feed")
	if err := ours.Bump(ctx, "feed"); err != nil {
		t.Fatal(err)
	}
	if after, _ := theirs.Version(ctx, "feed"); after != before {
		t.Error("a Bump changed the version under another prefix")
	}

	keys, err := admin.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range keys {
		if !strings.HasPrefix(key, "ours:") && !strings.HasPrefix(key, "theirs:") {
			t.Errorf("key %q written outside the prefixes", key)
		}
	}
}

// closedAddr returns a loopback address nobody listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

func TestRedisDownFallsBackToLoad(t *testing.T) {
	t.Parallel()
	c := cache.NewRedis(redis.NewClient(&redis.Options{
		Addr: closedAddr(t),
		// Fail fast: retries only slow the test down.
		DialTimeout:   200 * time.Millisecond,
		DialerRetries: 1,
		MaxRetries:    -1,
	}), cache.DefaultRedisPrefix)
	t.Cleanup(func() { _ = c.Close() })

	for range 2 {
		got, err := cache.GetOrLoad(t.Context(), c, "k", time.Minute, func(context.Context) (string, error) {
			return "from the database", nil
		})
		if err != nil || got != "from the database" {
			t.Fatalf("GetOrLoad with Redis down = %q, %v; want the loaded value", got, err)
		}
	}
	if stats := c.Stats(); stats.Errors == 0 {
		t.Errorf("Stats = %+v, want the backend errors counted", stats)
	}
	if _, err := cache.NamespacedKey(t.Context(), c, "feed"); err == nil {
		t.Error("NamespacedKey succeeded with Redis down")
	}
}

func TestOpenRedisUnreachable(t *testing.T) {
	t.Parallel()
	addr := closedAddr(t)
	_, err := cache.Open("redis://"+addr+"/0?dial_timeout=200ms&max_retries=-1", 0)
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("Open of an unreachable server: %v; want an error naming %s", err, addr)
	}
}
