package live

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
)

// ErrClosed is returned by a Broker after Close, and by Client.Send once the socket
// has closed.
var ErrClosed = errors.New("live: closed")

// Target names the recipients of a frame: the listed users (every open socket of
// each), or everyone connected when All is set.
type Target struct {
	Users []int64
	All   bool
}

func (t Target) clone() Target {
	return Target{Users: slices.Clone(t.Users), All: t.All}
}

// Broker fans server→client frames out to every process that serves sockets. A Hub
// publishes through it and subscribes to it; it never talks to sockets itself.
//
// Delivery is at most once and best effort: a frame published while a subscriber is
// disconnected from the backend is lost. Features must not rely on it for anything the
// database cannot restore.
type Broker interface {
	// Publish sends frame to the subscribers of every process, this one included. The
	// caller may reuse frame once Publish returns.
	Publish(ctx context.Context, t Target, frame []byte) error
	// Subscribe calls deliver for every message published by any process (including
	// this one) until ctx ends; it returns once the subscription is active, so a Publish
	// made after it returns is seen. A delivery already under way when ctx ends or Close
	// is called may still complete.
	//
	// deliver must be safe for concurrent use, must return quickly and must not modify
	// t or frame: the memory broker calls it on the publisher's goroutine and shares
	// one copy of the frame between subscribers.
	Subscribe(ctx context.Context, deliver func(t Target, frame []byte)) error
	// Close ends this broker's subscriptions; later calls return ErrClosed. It does not
	// affect other brokers on the same backend.
	Close() error
}

// MemoryBroker is a Broker inside one process: Publish calls every subscriber
// synchronously before it returns.
type MemoryBroker struct {
	bus *memoryBus

	mu     sync.Mutex
	closed bool
	subs   map[*memorySub]struct{}
}

var _ Broker = (*MemoryBroker)(nil)

// memoryBus is what the brokers of one family (NewMemoryBroker and its Peers) share,
// like several processes sharing one Redis server.
type memoryBus struct {
	mu   sync.RWMutex
	subs map[*memorySub]struct{}
}

type memorySub struct {
	deliver func(Target, []byte)
	active  atomic.Bool
	stop    func() bool // stops the context.AfterFunc that unsubscribes
}

// NewMemoryBroker returns an in-process broker, the default when no Redis is
// configured.
func NewMemoryBroker() *MemoryBroker {
	return newMemoryBroker(&memoryBus{subs: map[*memorySub]struct{}{}})
}

func newMemoryBroker(bus *memoryBus) *MemoryBroker {
	return &MemoryBroker{bus: bus, subs: map[*memorySub]struct{}{}}
}

// Peer returns another broker on the same in-process bus: each sees what the other
// publishes, and each is closed on its own. Tests use it to stand for a second process.
func (b *MemoryBroker) Peer() *MemoryBroker { return newMemoryBroker(b.bus) }

func (b *MemoryBroker) Publish(ctx context.Context, t Target, frame []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return ErrClosed
	}
	// One copy shared by every subscriber, so the caller may reuse its buffers.
	t, frame = t.clone(), bytes.Clone(frame)
	if frame == nil {
		frame = []byte{}
	}
	b.bus.mu.RLock()
	subs := make([]*memorySub, 0, len(b.bus.subs))
	for s := range b.bus.subs {
		subs = append(subs, s)
	}
	b.bus.mu.RUnlock()
	for _, s := range subs {
		if s.active.Load() {
			s.deliver(t, frame)
		}
	}
	return nil
}

func (b *MemoryBroker) Subscribe(ctx context.Context, deliver func(Target, []byte)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s := &memorySub{deliver: deliver}
	s.active.Store(true)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	b.subs[s] = struct{}{}
	b.bus.mu.Lock()
	b.bus.subs[s] = struct{}{}
	b.bus.mu.Unlock()
	s.stop = context.AfterFunc(ctx, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.unsubscribe(s)
	})
	return nil
}

// unsubscribe must be called with b.mu held.
func (b *MemoryBroker) unsubscribe(s *memorySub) {
	s.active.Store(false)
	delete(b.subs, s)
	b.bus.mu.Lock()
	delete(b.bus.subs, s)
	b.bus.mu.Unlock()
}

func (b *MemoryBroker) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for s := range b.subs {
		s.stop()
		b.unsubscribe(s)
	}
	return nil
}
