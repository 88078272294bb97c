package live_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"eplatform/app/internal/redistest"
	"eplatform/app/live"
	"eplatform/app/live/livetest"
	"eplatform/app/testutil"
)

// newMemoryBrokers returns a factory whose brokers share one in-process bus per test.
func newMemoryBrokers() func(t *testing.T) live.Broker {
	var mu sync.Mutex
	first := map[*testing.T]*live.MemoryBroker{}
	return func(t *testing.T) live.Broker {
		mu.Lock()
		defer mu.Unlock()
		var b *live.MemoryBroker
		if f, ok := first[t]; ok {
			b = f.Peer()
		} else {
			b = live.NewMemoryBroker()
			first[t] = b
		}
		t.Cleanup(func() { _ = b.Close() })
		return b
	}
}

func TestMemoryBroker(t *testing.T) {
	t.Parallel()
	livetest.RunBroker(t, newMemoryBrokers())
}

// redisClient returns a new client (a new "process") on the shared test server.
func redisClient(t *testing.T, url string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opts)
	t.Cleanup(func() { _ = client.Close() })
	return client
}

// testChannel is a pub/sub channel of one test: channels are global to a Redis
// server, whatever the database number.
func testChannel(t *testing.T) string {
	return "eplatform:live:test:" + strings.ReplaceAll(t.Name(), "/", ":")
}

func newRedisBroker(t *testing.T) live.Broker {
	b := live.NewRedisBroker(redisClient(t, redistest.URL(t)), testChannel(t))
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func TestRedisBroker(t *testing.T) {
	livetest.RunBroker(t, newRedisBroker)
}

func TestRedisBrokerDefaultChannel(t *testing.T) {
	url := redistest.URL(t)
	b := live.NewRedisBroker(redisClient(t, url), "")
	t.Cleanup(func() { _ = b.Close() })
	ps := redisClient(t, url).Subscribe(t.Context(), live.DefaultRedisChannel)
	t.Cleanup(func() { _ = ps.Close() })
	if _, err := ps.Receive(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(t.Context(), live.Target{Users: []int64{5}}, []byte(`{"type":"x"}`)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	msg, err := ps.ReceiveMessage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The envelope is JSON that an operator can read with redis-cli.
	if want := `{"users":[5],"frame":"eyJ0eXBlIjoieCJ9"}`; msg.Payload != want {
		t.Errorf("envelope = %s, want %s", msg.Payload, want)
	}
}

// When Redis drops the subscriber's connection, go-redis reconnects and subscribes
// again; frames published in the gap are lost, later ones arrive.
func TestRedisBrokerResubscribesAfterDroppedConnection(t *testing.T) {
	url := redistest.URL(t)
	b := live.NewRedisBroker(redisClient(t, url), testChannel(t))
	var logged syncBuffer
	b.Log = slog.New(slog.NewTextHandler(&logged, nil))
	t.Cleanup(func() { _ = b.Close() })
	got := make(chan string, 100)
	if err := b.Subscribe(t.Context(), func(_ live.Target, frame []byte) { got <- string(frame) }); err != nil {
		t.Fatal(err)
	}

	admin := redisClient(t, url)
	killed, err := admin.ClientKillByFilter(t.Context(), "TYPE", "pubsub").Result()
	if err != nil || killed == 0 {
		t.Fatalf("CLIENT KILL TYPE pubsub = %d, %v", killed, err)
	}

	var f string
	testutil.Eventually(t, 10*time.Second, func() bool {
		if err := b.Publish(t.Context(), live.Target{All: true}, []byte("after")); err != nil {
			t.Fatal(err)
		}
		select {
		case f = <-got:
			return true
		case <-time.After(100 * time.Millisecond):
			return false
		}
	}, "a delivery after the subscriber's connection was killed")
	if f != "after" {
		t.Fatalf("got %q", f)
	}
	if !strings.Contains(logged.String(), "resubscribed") {
		t.Errorf("the gap was not logged; log: %s", logged.String())
	}
}

// syncBuffer is a bytes.Buffer safe for a logger and a test reading it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
