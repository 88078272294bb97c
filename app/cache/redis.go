package cache

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultRedisPrefix starts every key OpenRedis writes, so that several applications can
// share one Redis server.
const DefaultRedisPrefix = "eplatform:"

// pingTimeout bounds the reachability check in OpenRedis, so a wrong address fails
// start-up quickly instead of surfacing on the first request.
const pingTimeout = 5 * time.Second

// Redis is a Cache on a Redis server, shared by every process that points at it.
type Redis struct {
	bookkeeping
	client *redis.Client
	prefix string
}

var _ Cache = (*Redis)(nil)

// NewRedis returns a cache on client whose keys all start with prefix. The cache owns
// the client: Close closes it.
func NewRedis(client *redis.Client, prefix string) *Redis {
	return &Redis{client: client, prefix: prefix}
}

// OpenRedis connects to the server at rawURL, a redis:// or rediss:// URL as understood
// by redis.ParseURL (timeouts and pool sizes can be set in its query), and checks that
// it answers. An extra "prefix" query parameter replaces DefaultRedisPrefix.
func OpenRedis(rawURL string) (*Redis, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err // url.Error repeats the URL, password included
		}
		return nil, fmt.Errorf("cache: invalid redis URL: %w", err)
	}
	prefix := DefaultRedisPrefix
	if query := u.Query(); query.Has("prefix") {
		prefix = query.Get("prefix")
		query.Del("prefix") // redis.ParseURL rejects options it does not know
		u.RawQuery = query.Encode()
	}
	options, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("cache: invalid redis URL: %w", err)
	}
	client := redis.NewClient(options)

	ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close() // the ping failed, which is the error returned
		return nil, fmt.Errorf("cache: redis at %s is unreachable: %w", options.Addr, err)
	}
	return NewRedis(client, prefix), nil
}

// Data and version keys get separate sub-prefixes so that no cache key can collide
// with a namespace counter.
func (r *Redis) dataKey(key string) string          { return r.prefix + "data:" + key }
func (r *Redis) versionKey(namespace string) string { return r.prefix + "version:" + namespace }

func (r *Redis) Get(ctx context.Context, key string) ([]byte, bool, error) {
	value, err := r.client.Get(ctx, r.dataKey(key)).Bytes()
	if errors.Is(err, redis.Nil) {
		r.countLookup(false)
		return nil, false, nil
	}
	if err != nil {
		return nil, false, r.fail(ctx, fmt.Sprintf("get %q", key), err)
	}
	r.countLookup(true)
	return value, true, nil
}

func (r *Redis) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := checkTTL(ttl); err != nil {
		return err
	}
	// Redis counts in milliseconds; round a shorter TTL up rather than have go-redis log
	// a warning about it.
	ttl = max(ttl, time.Millisecond)
	if err := r.client.Set(ctx, r.dataKey(key), value, ttl).Err(); err != nil {
		return r.fail(ctx, fmt.Sprintf("set %q", key), err)
	}
	return nil
}

func (r *Redis) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil // DEL without arguments is a syntax error
	}
	prefixed := make([]string, len(keys))
	for i, key := range keys {
		prefixed[i] = r.dataKey(key)
	}
	if err := r.client.Del(ctx, prefixed...).Err(); err != nil {
		return r.fail(ctx, fmt.Sprintf("delete %q", keys), err)
	}
	return nil
}

// Version and Bump create a missing counter from the clock rather than from zero. The
// counters have no TTL, but a server whose eviction policy is allkeys-* may still evict
// one; restarting at zero would make keys of an earlier generation reachable again,
// while the clock has moved past every version handed out before.

func (r *Redis) Version(ctx context.Context, namespace string) (uint64, error) {
	key := r.versionKey(namespace)
	var current *redis.StringCmd
	_, err := r.client.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.SetNX(ctx, key, versionSeed(), VersionLife)
		current = pipe.Get(ctx, key)
		return nil
	})
	if err != nil {
		return 0, r.fail(ctx, fmt.Sprintf("version %q", namespace), err)
	}
	version, err := current.Uint64()
	if err != nil {
		return 0, r.fail(ctx, fmt.Sprintf("version %q", namespace), err)
	}
	return version, nil
}

func (r *Redis) Bump(ctx context.Context, namespace string) error {
	key := r.versionKey(namespace)
	_, err := r.client.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.SetNX(ctx, key, versionSeed(), VersionLife)
		pipe.Incr(ctx, key)
		pipe.Expire(ctx, key, VersionLife)
		return nil
	})
	if err != nil {
		return r.fail(ctx, fmt.Sprintf("bump %q", namespace), err)
	}
	return nil
}

func versionSeed() int64 { return time.Now().UnixNano() }

// Close closes the Redis client.
func (r *Redis) Close() error {
	if err := r.client.Close(); err != nil {
		return fmt.Errorf("cache: close redis client: %w", err)
	}
	return nil
}

// fail counts a backend error and wraps it. A request that was cancelled or timed out is
// not a sign of trouble with Redis, so it is not counted.
func (r *Redis) fail(ctx context.Context, op string, err error) error {
	if ctx.Err() == nil {
		r.errors.Add(1)
	}
	return fmt.Errorf("cache: redis %s: %w", op, err)
}
