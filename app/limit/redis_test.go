package limit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"eplatform/app/internal/redistest"
	"eplatform/app/limit"
	"eplatform/app/limit/limittest"
)

const redisPrefix = "test:limit:"

// newRedisClient connects to a fresh, emptied database on the shared test server.
func newRedisClient(t *testing.T) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(redistest.URL(t))
	if err != nil {
		t.Fatalf("parse redis URL: %v", err)
	}
	client := redis.NewClient(opts)
	t.Cleanup(func() { _ = client.Close() })
	// Database numbers are reused once all 16 have been handed out.
	if err := client.FlushDB(context.Background()).Err(); err != nil {
		t.Fatalf("FLUSHDB: %v", err)
	}
	return client
}

func TestRedisConformance(t *testing.T) {
	limittest.Run(t, func(t *testing.T, now func() time.Time) limit.Limiter {
		return limit.NewRedis(newRedisClient(t), redisPrefix, now)
	})
}

func TestRedisIdleKeysExpire(t *testing.T) {
	ctx := context.Background()
	client := newRedisClient(t)
	clock := limittest.NewClock()
	l := limit.NewRedis(client, redisPrefix, clock.Now)
	rule := limit.Rule{Name: "login", Every: time.Minute, Burst: 5}

	for range 2 {
		mustAllow(t, l, rule, "alice")
	}
	keys, err := client.Keys(ctx, redisPrefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != redisPrefix+"login:alice" {
		t.Fatalf("keys = %q, want one key for login/alice", keys)
	}
	// Two tokens taken: the bucket is full again, and the key gone, two intervals later.
	ttl, err := client.PTTL(ctx, keys[0]).Result()
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 * rule.Every; ttl <= 0 || ttl > want {
		t.Fatalf("PTTL = %v, want in (0, %v]", ttl, want)
	}
}

func TestRedisScriptReloadedAfterFlush(t *testing.T) {
	ctx := context.Background()
	client := newRedisClient(t)
	l := limit.NewRedis(client, redisPrefix, limittest.NewClock().Now)
	rule := limit.Rule{Name: "api", Every: time.Minute, Burst: 2}
	mustAllow(t, l, rule, "a")
	// EVALSHA now fails with NOSCRIPT; the limiter must fall back to EVAL.
	if err := client.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if d := mustAllow(t, l, rule, "a"); !d.Allowed || d.Remaining != 0 {
		t.Fatalf("after SCRIPT FLUSH: %+v, want second token taken", d)
	}
}

func TestRedisErrorIsReturned(t *testing.T) {
	client := newRedisClient(t)
	l := limit.NewRedis(client, redisPrefix, nil)
	_ = client.Close()
	_, err := l.Allow(context.Background(), limit.Rule{Name: "api", Every: time.Second, Burst: 1}, "a")
	if !errors.Is(err, redis.ErrClosed) {
		t.Fatalf("err = %v, want wrapped redis.ErrClosed", err)
	}
}
