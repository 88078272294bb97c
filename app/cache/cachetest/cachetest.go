// Package cachetest is the conformance suite every cache.Cache backend must pass, so that
// the backends stay interchangeable.
package cachetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"eplatform/app/cache"
	"eplatform/app/testutil"
)

// longTTL outlives any test; shortTTL is long enough to read a value back before it
// expires, short enough to wait for.
const (
	longTTL  = time.Minute
	shortTTL = 100 * time.Millisecond
)

// Run runs the suite. newCache must return an empty cache for each subtest and arrange
// (with t.Cleanup) for it to be closed.
//
// Subtests run one after another: Redis backends get a fresh database per test from a
// limited supply, and parallel subtests would outrun it.
func Run(t *testing.T, newCache func(t *testing.T) cache.Cache) {
	tests := []struct {
		name string
		run  func(t *testing.T, c cache.Cache)
	}{
		{"MissThenHit", testMissThenHit},
		{"Overwrite", testOverwrite},
		{"Delete", testDelete},
		{"ForgetBeatsALoadInFlight", testForgetBeatsLoadInFlight},
		{"TTLExpiry", testTTLExpiry},
		{"NonPositiveTTLRejected", testNonPositiveTTLRejected},
		{"BinarySafe", testBinarySafe},
		{"LargeValue", testLargeValue},
		{"ValuesAreCopied", testValuesAreCopied},
		{"Stats", testStats},
		{"NamespaceVersions", testNamespaceVersions},
		{"InvalidateMakesGetOrLoadReload", testInvalidateReloads},
		{"GetOrLoadLoadsOnceUnderConcurrency", testGetOrLoadLoadsOnce},
		{"GetOrLoadDoesNotCacheErrors", testGetOrLoadDoesNotCacheErrors},
		{"GetOrLoadReplacesUndecodableValue", testGetOrLoadReplacesUndecodable},
		{"GetOrLoadSurvivesCancelledCaller", testGetOrLoadSurvivesCancelledCaller},
		{"ConcurrentAccess", testConcurrentAccess},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newCache(t)) })
	}
}

func testMissThenHit(t *testing.T, c cache.Cache) {
	mustMiss(t, c, "greeting")
	mustSet(t, c, "greeting", []byte("hello"), longTTL)
	mustHit(t, c, "greeting", []byte("hello"))
}

func testOverwrite(t *testing.T, c cache.Cache) {
	mustSet(t, c, "k", []byte("first"), longTTL)
	mustSet(t, c, "k", []byte("second"), longTTL)
	mustHit(t, c, "k", []byte("second"))
}

func testDelete(t *testing.T, c cache.Cache) {
	ctx := t.Context()
	for _, key := range []string{"a", "b", "c", "d"} {
		mustSet(t, c, key, []byte(key), longTTL)
	}

	if err := c.Delete(ctx, "a"); err != nil {
		t.Fatalf("Delete(a): %v", err)
	}
	mustMiss(t, c, "a")
	mustHit(t, c, "b", []byte("b"))

	if err := c.Delete(ctx, "b", "c", "never-set"); err != nil {
		t.Fatalf("Delete(b, c, never-set): %v", err)
	}
	mustMiss(t, c, "b")
	mustMiss(t, c, "c")
	mustHit(t, c, "d", []byte("d"))

	if err := c.Delete(ctx); err != nil {
		t.Fatalf("Delete(): %v", err)
	}
	if err := c.Delete(ctx, "a"); err != nil {
		t.Fatalf("Delete of an already deleted key: %v", err)
	}
}

func testTTLExpiry(t *testing.T, c cache.Cache) {
	mustSet(t, c, "short", []byte("v"), shortTTL)
	mustSet(t, c, "long", []byte("v"), longTTL)
	mustHit(t, c, "short", []byte("v"))

	testutil.Eventually(t, 3*time.Second, func() bool {
		_, found, err := c.Get(t.Context(), "short")
		if err != nil {
			t.Fatalf("Get(short): %v", err)
		}
		return !found
	}, "the entry with a TTL of %v expires", shortTTL)
	mustHit(t, c, "long", []byte("v"))
}

func testNonPositiveTTLRejected(t *testing.T, c cache.Cache) {
	for _, ttl := range []time.Duration{0, -time.Second} {
		err := c.Set(t.Context(), "k", []byte("v"), ttl)
		if !errors.Is(err, cache.ErrInvalidTTL) {
			t.Errorf("Set with ttl %v: got %v, want ErrInvalidTTL", ttl, err)
		}
		_, err = cache.GetOrLoad(t.Context(), c, "k", ttl, func(context.Context) (string, error) {
			t.Error("load called despite an invalid TTL")
			return "v", nil
		})
		if !errors.Is(err, cache.ErrInvalidTTL) {
			t.Errorf("GetOrLoad with ttl %v: got %v, want ErrInvalidTTL", ttl, err)
		}
	}
	mustMiss(t, c, "k")
}

func testBinarySafe(t *testing.T, c cache.Cache) {
	every := make([]byte, 256)
	for i := range every {
		every[i] = byte(i)
	}
	mustSet(t, c, "every-byte", every, longTTL)
	mustHit(t, c, "every-byte", every)

	mustSet(t, c, "empty", []byte{}, longTTL)
	mustHit(t, c, "empty", nil) // found, with no bytes
}

func testLargeValue(t *testing.T, c cache.Cache) {
	large := make([]byte, 1<<20)
	rand.Read(large)
	mustSet(t, c, "large", large, longTTL)
	mustHit(t, c, "large", large)
}

func testValuesAreCopied(t *testing.T, c cache.Cache) {
	value := []byte("original")
	mustSet(t, c, "k", value, longTTL)
	copy(value, "MUTATED!")
	mustHit(t, c, "k", []byte("original"))

	got, _, err := c.Get(t.Context(), "k")
	if err != nil {
		t.Fatal(err)
	}
	copy(got, "MUTATED!")
	mustHit(t, c, "k", []byte("original"))
}

func testStats(t *testing.T, c cache.Cache) {
	before := c.Stats()
	mustMiss(t, c, "k")
	mustMiss(t, c, "other")
	mustSet(t, c, "k", []byte("v"), longTTL)
	mustHit(t, c, "k", []byte("v"))

	after := c.Stats()
	if hits := after.Hits - before.Hits; hits != 1 {
		t.Errorf("hits grew by %d, want 1", hits)
	}
	if misses := after.Misses - before.Misses; misses != 2 {
		t.Errorf("misses grew by %d, want 2", misses)
	}
	if after.Errors != before.Errors {
		t.Errorf("errors grew by %d on a healthy cache", after.Errors-before.Errors)
	}
}

func testNamespaceVersions(t *testing.T, c cache.Cache) {
	ctx := t.Context()
	before, err := c.Version(ctx, "feed")
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	if again, _ := c.Version(ctx, "feed"); again != before {
		t.Fatalf("Version changed without a Bump: %d then %d", before, again)
	}
	oldKey := mustNamespacedKey(t, c, "feed", "user", "42")
	if want := fmt.Sprintf("feed:v%d:user:42", before); oldKey != want {
		t.Errorf("NamespacedKey = %q, want %q", oldKey, want)
	}
	otherKey := mustNamespacedKey(t, c, "chat", "7")

	if err := c.Bump(ctx, "feed"); err != nil {
		t.Fatalf("Bump: %v", err)
	}
	after, err := c.Version(ctx, "feed")
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	if after <= before {
		t.Errorf("version after Bump = %d, want more than %d", after, before)
	}
	if newKey := mustNamespacedKey(t, c, "feed", "user", "42"); newKey == oldKey {
		t.Errorf("NamespacedKey still %q after Bump", newKey)
	}
	if key := mustNamespacedKey(t, c, "chat", "7"); key != otherKey {
		t.Errorf("bumping feed changed another namespace's key: %q to %q", otherKey, key)
	}
}

func testInvalidateReloads(t *testing.T, c cache.Cache) {
	ctx := t.Context()
	var loads atomic.Int32
	getFeed := func() string {
		t.Helper()
		key := mustNamespacedKey(t, c, "feed", "user", "42")
		value, err := cache.GetOrLoad(ctx, c, key, longTTL, func(context.Context) (string, error) {
			return fmt.Sprintf("load %d", loads.Add(1)), nil
		})
		if err != nil {
			t.Fatalf("GetOrLoad: %v", err)
		}
		return value
	}

	if got := getFeed(); got != "load 1" {
		t.Fatalf("first read = %q, want %q", got, "load 1")
	}
	if got := getFeed(); got != "load 1" {
		t.Fatalf("second read = %q, want the cached %q", got, "load 1")
	}
	if err := cache.Invalidate(ctx, c, "feed", "unrelated"); err != nil {
		t.Fatalf("Invalidate: %v", err)
	}
	if got := getFeed(); got != "load 2" {
		t.Fatalf("read after Invalidate = %q, want a reload", got)
	}
}

func testGetOrLoadLoadsOnce(t *testing.T, c cache.Cache) {
	type profile struct {
		Name    string
		Courses []int
	}
	want := profile{Name: "Ada", Courses: []int{1, 2, 3}}
	var loads atomic.Int32
	load := func(context.Context) (profile, error) {
		loads.Add(1)
		time.Sleep(100 * time.Millisecond) // keep the key cold while the others arrive
		return want, nil
	}

	const callers = 50
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			<-start
			got, err := cache.GetOrLoad(t.Context(), c, "profile:1", longTTL, load)
			if err != nil || got.Name != want.Name || !slices.Equal(got.Courses, want.Courses) {
				t.Errorf("GetOrLoad = %+v, %v; want %+v", got, err, want)
			}
		})
	}
	close(start)
	wg.Wait()
	if n := loads.Load(); n != 1 {
		t.Fatalf("load called %d times by %d concurrent callers, want 1", n, callers)
	}

	got, err := cache.GetOrLoad(t.Context(), c, "profile:1", longTTL, load)
	if err != nil || got.Name != want.Name {
		t.Fatalf("GetOrLoad after the load = %+v, %v", got, err)
	}
	if n := loads.Load(); n != 1 {
		t.Fatalf("load called again (%d calls) for a cached key", n)
	}
}

func testGetOrLoadDoesNotCacheErrors(t *testing.T, c cache.Cache) {
	errDatabase := errors.New("database is locked")
	_, err := cache.GetOrLoad(t.Context(), c, "k", longTTL, func(context.Context) (int, error) {
		return 0, errDatabase
	})
	if !errors.Is(err, errDatabase) {
		t.Fatalf("GetOrLoad error = %v, want %v", err, errDatabase)
	}
	mustMiss(t, c, "k")

	got, err := cache.GetOrLoad(t.Context(), c, "k", longTTL, func(context.Context) (int, error) {
		return 7, nil
	})
	if err != nil || got != 7 {
		t.Fatalf("GetOrLoad after a failed load = %d, %v; want 7", got, err)
	}
}

func testGetOrLoadReplacesUndecodable(t *testing.T, c cache.Cache) {
	// As if an older deploy cached a different type under the same key.
	mustSet(t, c, "k", []byte(`{"not":"an int"}`), longTTL)
	got, err := cache.GetOrLoad(t.Context(), c, "k", longTTL, func(context.Context) (int, error) {
		return 7, nil
	})
	if err != nil || got != 7 {
		t.Fatalf("GetOrLoad = %d, %v; want 7", got, err)
	}
	mustHit(t, c, "k", []byte("7"))
}

func testGetOrLoadSurvivesCancelledCaller(t *testing.T, c cache.Cache) {
	started, release := make(chan struct{}), make(chan struct{})
	loadCtxErr := make(chan error, 1)
	load := func(ctx context.Context) (string, error) {
		close(started)
		<-release
		loadCtxErr <- ctx.Err()
		return "loaded", nil
	}

	ctx, cancel := context.WithCancel(t.Context())
	leaderErr := make(chan error, 1)
	go func() {
		_, err := cache.GetOrLoad(ctx, c, "k", longTTL, load)
		leaderErr <- err
	}()
	<-started
	cancel()
	if err := <-leaderErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v, want context.Canceled", err)
	}

	close(release)
	if err := <-loadCtxErr; err != nil {
		t.Fatalf("the shared load was cancelled with its first caller: %v", err)
	}
	got, err := cache.GetOrLoad(t.Context(), c, "k", longTTL, func(context.Context) (string, error) {
		return "", errors.New("load called again: the first result was not cached")
	})
	if err != nil || got != "loaded" {
		t.Fatalf("GetOrLoad = %q, %v; want %q", got, err, "loaded")
	}
}

func testConcurrentAccess(t *testing.T, c cache.Cache) {
	const workers, rounds, keys = 16, 100, 8
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				key := fmt.Sprintf("key-%d", (w+i)%keys)
				switch i % 3 {
				case 0:
					value := fmt.Sprintf("%s written by %d in round %d", key, w, i)
					if err := c.Set(t.Context(), key, []byte(value), longTTL); err != nil {
						t.Errorf("Set: %v", err)
						return
					}
				case 1:
					value, found, err := c.Get(t.Context(), key)
					if err != nil {
						t.Errorf("Get: %v", err)
						return
					}
					// Whoever wrote last, a key only ever holds its own values.
					if found && !strings.HasPrefix(string(value), key+" ") {
						t.Errorf("Get(%s) = %q, a value of another key", key, value)
					}
				case 2:
					if err := c.Delete(t.Context(), key); err != nil {
						t.Errorf("Delete: %v", err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

func mustSet(t *testing.T, c cache.Cache, key string, value []byte, ttl time.Duration) {
	t.Helper()
	if err := c.Set(t.Context(), key, value, ttl); err != nil {
		t.Fatalf("Set(%q): %v", key, err)
	}
}

func mustHit(t *testing.T, c cache.Cache, key string, want []byte) {
	t.Helper()
	got, found, err := c.Get(t.Context(), key)
	switch {
	case err != nil:
		t.Fatalf("Get(%q): %v", key, err)
	case !found:
		t.Fatalf("Get(%q) missed, want a hit", key)
	case !bytes.Equal(got, want):
		t.Fatalf("Get(%q) = %s, want %s", key, abbreviate(got), abbreviate(want))
	}
}

func mustMiss(t *testing.T, c cache.Cache, key string) {
	t.Helper()
	got, found, err := c.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	if found {
		t.Fatalf("Get(%q) = %s, want a miss", key, abbreviate(got))
	}
}

func mustNamespacedKey(t *testing.T, c cache.Cache, namespace string, parts ...string) string {
	t.Helper()
	key, err := cache.NamespacedKey(t.Context(), c, namespace, parts...)
	if err != nil {
		t.Fatalf("NamespacedKey(%q): %v", namespace, err)
	}
	return key
}

// abbreviate keeps failure messages about megabyte values readable.
func abbreviate(b []byte) string {
	if len(b) > 64 {
		return fmt.Sprintf("%q… (%d bytes)", b[:64], len(b))
	}
	return fmt.Sprintf("%q", b)
}

// testForgetBeatsLoadInFlight: a load that read the truth before a change and stores
// after Forget must not be what the next reader gets — the race Delete loses.
func testForgetBeatsLoadInFlight(t *testing.T, c cache.Cache) {
	ctx := context.Background()
	truth := atomic.Int64{}
	truth.Store(1)
	read, release := make(chan struct{}), make(chan struct{})
	done := make(chan int64)
	go func() {
		v, err := cache.Load(ctx, c, "entity:7", longTTL, func(context.Context) (int64, error) {
			v := truth.Load()
			close(read)
			<-release // the change and the Forget happen now, before this load stores
			return v, nil
		})
		if err != nil {
			t.Error(err)
		}
		done <- v
	}()
	<-read
	truth.Store(2)
	if err := cache.Forget(ctx, c, "entity:7"); err != nil {
		t.Fatal(err)
	}
	close(release)
	if v := <-done; v != 1 {
		t.Fatalf("the load in flight returned %d", v)
	}
	got, err := cache.Load(ctx, c, "entity:7", longTTL, func(context.Context) (int64, error) { return truth.Load(), nil })
	if err != nil || got != 2 {
		t.Fatalf("after Forget the next Load got %d (%v), want the changed value 2", got, err)
	}
	// Other entities are untouched.
	other, _ := cache.Load(ctx, c, "entity:8", longTTL, func(context.Context) (int64, error) { return 80, nil })
	again, _ := cache.Load(ctx, c, "entity:8", longTTL, func(context.Context) (int64, error) { return 81, nil })
	if other != 80 || again != 80 {
		t.Fatalf("another entity lost its value: %d, %d", other, again)
	}
}
