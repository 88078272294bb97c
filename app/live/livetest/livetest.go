// Package livetest is the conformance suite every live.Broker backend must pass, so that
// a site behaves the same with one process in memory as with several on Redis.
package livetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"eplatform/app/live"
)

// wait bounds how long a delivery may take; quiet is how long the suite waits to be
// fairly sure that something is not delivered.
const (
	wait  = 5 * time.Second
	quiet = 200 * time.Millisecond
)

// RunBroker runs the suite. newBroker must return a broker and arrange (with t.Cleanup)
// for it to be closed; the brokers it returns for one t must share one backend, as two
// processes share one Redis server, and the brokers of different tests must not.
//
// Subtests run one after another: Redis brokers draw on a limited supply of databases.
func RunBroker(t *testing.T, newBroker func(t *testing.T) live.Broker) {
	tests := []struct {
		name string
		run  func(t *testing.T, newBroker func(t *testing.T) live.Broker)
	}{
		{"Delivery", testDelivery},
		{"ActiveWhenSubscribeReturns", testActiveOnReturn},
		{"TargetPreserved", testTargetPreserved},
		{"OrderFromOnePublisher", testOrder},
		{"EverySubscriberReceives", testEverySubscriber},
		{"TwoBrokersOneBackend", testTwoBrokers},
		{"BinarySafe", testBinarySafe},
		{"FrameCopiedOnPublish", testFrameCopied},
		{"ContextEndsSubscription", testContextEnds},
		{"CloseStopsDelivery", testCloseStops},
		{"ConcurrentPublishers", testConcurrentPublishers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newBroker) })
	}
}

type message struct {
	target live.Target
	frame  []byte
}

// recorder collects deliveries; deliver may be called concurrently.
type recorder struct {
	mu     sync.Mutex
	got    []message
	signal chan struct{}
}

func newRecorder() *recorder { return &recorder{signal: make(chan struct{}, 1)} }

func (r *recorder) deliver(t live.Target, frame []byte) {
	r.mu.Lock()
	r.got = append(r.got, message{
		target: live.Target{Users: slices.Clone(t.Users), All: t.All},
		frame:  bytes.Clone(frame),
	})
	r.mu.Unlock()
	select {
	case r.signal <- struct{}{}:
	default:
	}
}

func (r *recorder) messages() []message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// waitFor returns the first n messages, failing the test if they do not arrive.
func (r *recorder) waitFor(t *testing.T, n int) []message {
	t.Helper()
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		if got := r.messages(); len(got) >= n {
			return got[:n]
		}
		select {
		case <-r.signal:
		case <-deadline.C:
			t.Fatalf("received %d messages within %v, want %d", len(r.messages()), wait, n)
		}
	}
}

// stayQuiet fails the test if more than n messages arrive within quiet.
func (r *recorder) stayQuiet(t *testing.T, n int) {
	t.Helper()
	time.Sleep(quiet)
	if got := r.messages(); len(got) > n {
		t.Fatalf("received %d messages, want %d: %q", len(got), n, got[n].frame)
	}
}

func subscribe(t *testing.T, ctx context.Context, b live.Broker) *recorder {
	t.Helper()
	r := newRecorder()
	if err := b.Subscribe(ctx, r.deliver); err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	return r
}

func publish(t *testing.T, b live.Broker, target live.Target, frame string) {
	t.Helper()
	if err := b.Publish(t.Context(), target, []byte(frame)); err != nil {
		t.Fatalf("Publish(%q): %v", frame, err)
	}
}

var someone = live.Target{Users: []int64{1}}

func testDelivery(t *testing.T, newBroker func(t *testing.T) live.Broker) {
	b := newBroker(t)
	r := subscribe(t, t.Context(), b)
	publish(t, b, someone, `{"type":"hello"}`)
	if got := r.waitFor(t, 1); string(got[0].frame) != `{"type":"hello"}` {
		t.Fatalf("frame = %q", got[0].frame)
	}
	r.stayQuiet(t, 1)
}

// A Publish right after Subscribe returns must be seen, with no sleep in between.
func testActiveOnReturn(t *testing.T, newBroker func(t *testing.T) live.Broker) {
	b := newBroker(t)
	for i := range 20 {
		ctx, cancel := context.WithCancel(t.Context())
		r := subscribe(t, ctx, b)
		publish(t, b, someone, fmt.Sprint(i))
		if got := r.waitFor(t, 1); string(got[0].frame) != fmt.Sprint(i) {
			t.Fatalf("round %d: frame = %q", i, got[0].frame)
		}
		cancel()
	}
}

func testTargetPreserved(t *testing.T, newBroker func(t *testing.T) live.Broker) {
	b := newBroker(t)
	r := subscribe(t, t.Context(), b)
	targets := []live.Target{
		{Users: []int64{42}},
		{Users: []int64{3, 1, 2, 1 << 60}},
		{All: true},
		{},
	}
	for i, target := range targets {
		publish(t, b, target, fmt.Sprint(i))
	}
	got := r.waitFor(t, len(targets))
	for i, want := range targets {
		if !slices.Equal(got[i].target.Users, want.Users) || got[i].target.All != want.All {
			t.Errorf("message %d: target = %+v, want %+v", i, got[i].target, want)
		}
	}
}

func testOrder(t *testing.T, newBroker func(t *testing.T) live.Broker) {
	b := newBroker(t)
	r := subscribe(t, t.Context(), b)
	const n = 500
	for i := range n {
		publish(t, b, someone, fmt.Sprint(i))
	}
	for i, m := range r.waitFor(t, n) {
		if string(m.frame) != fmt.Sprint(i) {
			t.Fatalf("message %d is %q: order not preserved", i, m.frame)
		}
	}
}

func testEverySubscriber(t *testing.T, newBroker func(t *testing.T) live.Broker) {
	b := newBroker(t)
	r1, r2 := subscribe(t, t.Context(), b), subscribe(t, t.Context(), b)
	publish(t, b, someone, "x")
	r1.waitFor(t, 1)
	r2.waitFor(t, 1)
	r1.stayQuiet(t, 1)
	r2.stayQuiet(t, 1)
}

// Two brokers on one backend stand for two processes: each receives what the other
// publishes, and its own messages too.
func testTwoBrokers(t *testing.T, newBroker func(t *testing.T) live.Broker) {
	a, b := newBroker(t), newBroker(t)
	ra, rb := subscribe(t, t.Context(), a), subscribe(t, t.Context(), b)
	publish(t, a, live.Target{Users: []int64{7}}, "from a")
	publish(t, b, live.Target{All: true}, "from b")
	for name, r := range map[string]*recorder{"a": ra, "b": rb} {
		got := r.waitFor(t, 2)
		frames := []string{string(got[0].frame), string(got[1].frame)}
		slices.Sort(frames)
		if !slices.Equal(frames, []string{"from a", "from b"}) {
			t.Errorf("broker %s received %q", name, frames)
		}
		r.stayQuiet(t, 2)
	}
}

func testBinarySafe(t *testing.T, newBroker func(t *testing.T) live.Broker) {
	b := newBroker(t)
	r := subscribe(t, t.Context(), b)
	every := make([]byte, 256)
	for i := range every {
		every[i] = byte(i)
	}
	large := make([]byte, 1<<20)
	_, _ = rand.Read(large)
	frames := [][]byte{
		every,
		[]byte("\x00\xff\xfe not UTF-8 \xc3\x28"),
		[]byte(`{"type":"x","text":"quotes \" and \\ and \u2028"}`),
		{},
		large,
	}
	for _, f := range frames {
		if err := b.Publish(t.Context(), someone, f); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}
	for i, m := range r.waitFor(t, len(frames)) {
		if !bytes.Equal(m.frame, frames[i]) {
			t.Errorf("frame %d (%d bytes) came back as %d different bytes", i, len(frames[i]), len(m.frame))
		}
	}
}

func testFrameCopied(t *testing.T, newBroker func(t *testing.T) live.Broker) {
	b := newBroker(t)
	r := subscribe(t, t.Context(), b)
	frame := []byte("original")
	users := []int64{1, 2}
	if err := b.Publish(t.Context(), live.Target{Users: users}, frame); err != nil {
		t.Fatal(err)
	}
	copy(frame, "MUTATED!")
	users[0] = 99
	got := r.waitFor(t, 1)[0]
	if string(got.frame) != "original" || !slices.Equal(got.target.Users, []int64{1, 2}) {
		t.Fatalf("got %q for %v: the broker kept the caller's buffers", got.frame, got.target.Users)
	}
}

func testContextEnds(t *testing.T, newBroker func(t *testing.T) live.Broker) {
	b := newBroker(t)
	ctx, cancel := context.WithCancel(t.Context())
	ended := subscribe(t, ctx, b)
	kept := subscribe(t, t.Context(), b)
	publish(t, b, someone, "before")
	ended.waitFor(t, 1)
	cancel()
	// Unsubscribing may take a moment on a network backend; the other subscription
	// receiving a later frame shows that the broker has moved on.
	time.Sleep(quiet)
	publish(t, b, someone, "after")
	kept.waitFor(t, 2)
	ended.stayQuiet(t, 1)

	if err := b.Subscribe(ctx, ended.deliver); err == nil {
		t.Error("Subscribe with an ended context succeeded")
	}
}

func testCloseStops(t *testing.T, newBroker func(t *testing.T) live.Broker) {
	a, b := newBroker(t), newBroker(t)
	ra, rb := subscribe(t, t.Context(), a), subscribe(t, t.Context(), b)
	publish(t, a, someone, "before")
	rb.waitFor(t, 1)

	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	// Close returns once b can deliver no more: no grace period here.
	publish(t, a, someone, "after")
	ra.waitFor(t, 2)
	if got := rb.messages(); len(got) != 1 {
		t.Fatalf("closed broker delivered %q", got[len(got)-1].frame)
	}
	if err := b.Publish(t.Context(), someone, []byte("x")); !errors.Is(err, live.ErrClosed) {
		t.Errorf("Publish after Close = %v, want ErrClosed", err)
	}
	if err := b.Subscribe(t.Context(), rb.deliver); !errors.Is(err, live.ErrClosed) {
		t.Errorf("Subscribe after Close = %v, want ErrClosed", err)
	}
	// The other broker on the backend is unaffected.
	publish(t, a, someone, "still")
	ra.waitFor(t, 3)
	rb.stayQuiet(t, 1)
}

func testConcurrentPublishers(t *testing.T, newBroker func(t *testing.T) live.Broker) {
	a, b := newBroker(t), newBroker(t)
	r := subscribe(t, t.Context(), a)
	const publishers, each = 8, 100
	var wg sync.WaitGroup
	errs := make(chan error, publishers)
	for p := range publishers {
		broker := a
		if p%2 == 1 {
			broker = b
		}
		wg.Go(func() {
			for i := range each {
				target := live.Target{Users: []int64{int64(p)}}
				if err := broker.Publish(context.Background(), target, fmt.Appendf(nil, "%d:%d", p, i)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Publish: %v", err)
	}
	next := make([]int, publishers)
	for _, m := range r.waitFor(t, publishers*each) {
		var p, i int
		if _, err := fmt.Sscanf(string(m.frame), "%d:%d", &p, &i); err != nil {
			t.Fatalf("frame %q: %v", m.frame, err)
		}
		if len(m.target.Users) != 1 || m.target.Users[0] != int64(p) {
			t.Fatalf("frame %q arrived with target %+v", m.frame, m.target)
		}
		if i != next[p] {
			t.Fatalf("publisher %d: got message %d, want %d (order of one publisher lost)", p, i, next[p])
		}
		next[p]++
	}
	r.stayQuiet(t, publishers*each)
}
