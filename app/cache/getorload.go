package cache

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// GetOrLoad returns the value cached under key, or calls load, caches its result as JSON
// for ttl and returns it. Concurrent calls that miss the same key in the same cache share
// one call to load.
//
// Errors from load are returned as they are and not cached. Errors from the cache are:
// they are counted in Stats and the value comes from load, because the cache is never the
// truth. A cached value that no longer decodes as T (its type changed in a deploy) is
// treated as a miss and overwritten.
//
// load runs with the values and the deadline of ctx but not its cancellation: other
// callers may be waiting for the result. A cancelled caller itself returns ctx.Err() at once.
func GetOrLoad[T any](ctx context.Context, c Cache, key string, ttl time.Duration, load func(context.Context) (T, error)) (T, error) {
	var zero T
	if err := checkTTL(ttl); err != nil {
		return zero, err
	}
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	if value, _, found := lookup[T](ctx, c, key); found {
		return value, nil
	}

	// The flight shares the encoded bytes rather than a T, so that every caller decodes
	// its own copy and no two requests ever share a map or slice.
	flight := loadGroupOf(c).DoChan(key, func() (any, error) {
		loadCtx, cancel := detach(ctx)
		defer cancel()
		return loadAndStore(loadCtx, c, key, ttl, load)
	})
	select {
	case <-ctx.Done():
		return zero, ctx.Err()
	case result := <-flight:
		if result.Err != nil {
			return zero, result.Err
		}
		var value T
		if err := json.Unmarshal(result.Val.([]byte), &value); err != nil {
			return zero, fmt.Errorf("cache: decode %q: %w", key, err)
		}
		return value, nil
	}
}

// lookup returns the value cached under key, decoded, and its encoding. Anything but a
// decodable hit, including a backend error, is reported as not found.
func lookup[T any](ctx context.Context, c Cache, key string) (value T, data []byte, found bool) {
	data, found, err := c.Get(ctx, key)
	if err != nil || !found {
		return value, nil, false
	}
	if err := json.Unmarshal(data, &value); err != nil {
		return value, nil, false
	}
	return value, data, true
}

func loadAndStore[T any](ctx context.Context, c Cache, key string, ttl time.Duration, load func(context.Context) (T, error)) (data []byte, err error) {
	// singleflight re-panics a DoChan panic on a goroutine of its own, where no recover
	// can reach it and it would take the whole server down; return it as an error instead.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("cache: loading %q panicked: %v\n%s", key, p, debug.Stack())
		}
	}()

	// A caller that missed just as another flight finished finds its value here instead
	// of loading a second time.
	if _, data, found := lookup[T](ctx, c, key); found {
		return data, nil
	}
	if f := fillContext.Load(); f != nil {
		ctx = (*f)(ctx)
	}
	value, err := load(ctx)
	if err != nil {
		return nil, err
	}
	data, err = json.Marshal(value)
	if err != nil {
		return nil, fmt.Errorf("cache: encode %q: %w", key, err)
	}
	// A failed Set is already counted by the backend, and the value is good regardless.
	_ = c.Set(ctx, key, data, ttl) // a failed Set is counted by the backend and costs the next reader a load
	return data, nil
}

// fillContext prepares the context of a load whose value will be kept; see
// SetFillContext.
var fillContext atomic.Pointer[func(context.Context) context.Context]

// SetFillContext sets how the context of a load whose value will be kept is prepared.
// With PostgreSQL read replicas the store reads such loads from the primary
// (store.PrimaryReads): a value kept for everyone must not come from a replica that
// has not yet replayed the write that made the cache forget the old one.
func SetFillContext(f func(context.Context) context.Context) { fillContext.Store(&f) }

// loadGrouper is implemented by this package's backends, giving each cache its own
// flights so that equal keys in two caches never share a load.
type loadGrouper interface {
	loadGroup() *singleflight.Group
}

// foreignLoads serves Cache implementations from other packages (wrappers, fakes).
var foreignLoads singleflight.Group

func loadGroupOf(c Cache) *singleflight.Group {
	if g, ok := c.(loadGrouper); ok {
		return g.loadGroup()
	}
	return &foreignLoads
}

// detach returns a context with the values and the deadline of ctx but without its
// cancellation.
func detach(ctx context.Context) (context.Context, context.CancelFunc) {
	detached := context.WithoutCancel(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		return context.WithDeadline(detached, deadline)
	}
	return detached, func() {}
}

// NamespacedKey builds a key under the current version of namespace, such as
// "feed:v3:user:42" for NamespacedKey(ctx, c, "feed", "user", "42"). After
// Invalidate(ctx, c, "feed") the same call returns a new key, so entries cached under
// the old one are never read again.
//
// An error means the cache is unreachable; the caller should then load from the truth
// directly.
func NamespacedKey(ctx context.Context, c Cache, namespace string, parts ...string) (string, error) {
	version, err := c.Version(ctx, namespace)
	if err != nil {
		return "", err
	}
	var key strings.Builder
	key.WriteString(namespace)
	key.WriteString(":v")
	key.WriteString(strconv.FormatUint(version, 10))
	for _, part := range parts {
		key.WriteByte(':')
		key.WriteString(part)
	}
	return key.String(), nil
}

// VersionLife is how long a namespace's version is kept after its last change. Values
// cached under a namespaced key must live shorter than this: a version forgotten after
// it restarts (from the clock on Redis, from zero in memory), and only values older than
// VersionLife could have been cached under the restarted number before. Namespaces may
// therefore be as many as the entities they stand for (a user, a session).
const VersionLife = 48 * time.Hour

// Load is GetOrLoad of the value cached for one entity (a name such as "user:42"), kept
// under the entity's version so that Forget orphans it — unlike Delete, which a load
// already in flight would undo by storing what it read before the change. When the cache
// cannot be reached the value comes from load.
//
// The value is also kept decoded in this process under the same versioned key (the
// version is read from the cache, so this is as fresh as the cache): the hot reads of
// every request — the session, the user, the counters — cost no decoding. Values may
// therefore be shared between callers: never modify one.
func Load[T any](ctx context.Context, c Cache, entity string, ttl time.Duration, load func(context.Context) (T, error)) (T, error) {
	key, err := NamespacedKey(ctx, c, entity)
	if err != nil {
		return load(ctx)
	}
	var memo *Local[any]
	if m, ok := c.(interface{ decoded() *Local[any] }); ok {
		memo = m.decoded()
		if v, ok := memo.Lookup(key); ok {
			if t, ok := v.(T); ok {
				return t, nil
			}
		}
	}
	t, err := GetOrLoad(ctx, c, key, ttl, load)
	if err == nil && memo != nil {
		memo.Set(key, t, 256+int64(len(key)), ttl)
	}
	return t, err
}

// Forget makes the values cached for entities unreachable, including any a load in
// flight stores later (see Load).
func Forget(ctx context.Context, c Cache, entities ...string) error {
	return Invalidate(ctx, c, entities...)
}

// Invalidate bumps the version of each namespace. It tries every namespace even if one
// fails, so that one error leaves as little stale data as possible, and returns all
// errors joined.
func Invalidate(ctx context.Context, c Cache, namespaces ...string) error {
	var errs []error
	for _, namespace := range namespaces {
		if err := c.Bump(ctx, namespace); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
