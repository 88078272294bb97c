package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/redis/go-redis/v9"
)

// DefaultRedisChannel is the pub/sub channel NewRedisBroker uses when given "".
const DefaultRedisChannel = "eplatform:live"

// RedisBroker is a Broker on Redis pub/sub, for several processes serving one site.
// Every message goes to one channel as a small JSON envelope; each process filters
// the recipients against its own sockets.
//
// Each subscription holds its own connection. go-redis pings it every few seconds and,
// when the connection drops or stops answering, reconnects and subscribes again by
// itself (a test kills the connection with CLIENT KILL to check this). Messages
// published in the gap are lost, as Redis pub/sub keeps nothing for absent
// subscribers; the gap is logged.
type RedisBroker struct {
	client  *redis.Client
	channel string

	// Log receives envelopes that cannot be decoded and resubscriptions after a
	// dropped connection. Set it before Subscribe; slog.Default() when nil.
	Log *slog.Logger

	mu     sync.Mutex
	closed bool
	subs   map[*redis.PubSub]struct{}
	wg     sync.WaitGroup
}

var _ Broker = (*RedisBroker)(nil)

// envelope is one message on the channel. Frame is base64 in JSON, so any bytes pass.
type envelope struct {
	Users []int64 `json:"users,omitempty"`
	All   bool    `json:"all,omitempty"`
	Frame []byte  `json:"frame"`
}

// NewRedisBroker returns a broker publishing on channel (DefaultRedisChannel when "").
// Every process of one site must use the same channel. The broker does not own client,
// which the cache and the rate limiter may share: Close leaves it open.
func NewRedisBroker(client *redis.Client, channel string) *RedisBroker {
	if channel == "" {
		channel = DefaultRedisChannel
	}
	return &RedisBroker{client: client, channel: channel, subs: map[*redis.PubSub]struct{}{}}
}

func (b *RedisBroker) log() *slog.Logger {
	if b.Log != nil {
		return b.Log
	}
	return slog.Default()
}

func (b *RedisBroker) isClosed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closed
}

func (b *RedisBroker) Publish(ctx context.Context, t Target, frame []byte) error {
	if b.isClosed() {
		return ErrClosed
	}
	payload, err := json.Marshal(envelope{Users: t.Users, All: t.All, Frame: frame})
	if err != nil {
		return fmt.Errorf("live: encode envelope: %w", err)
	}
	if err := b.client.Publish(ctx, b.channel, payload).Err(); err != nil {
		return fmt.Errorf("live: redis publish: %w", err)
	}
	return nil
}

func (b *RedisBroker) Subscribe(ctx context.Context, deliver func(Target, []byte)) error {
	if b.isClosed() {
		return ErrClosed
	}
	ps := b.client.Subscribe(ctx, b.channel)
	// The confirmation proves the server registered us: anything published from now
	// on reaches this connection.
	reply, err := ps.Receive(ctx)
	if err == nil {
		if s, ok := reply.(*redis.Subscription); !ok || s.Kind != "subscribe" {
			err = fmt.Errorf("unexpected reply %v", reply)
		}
	}
	if err != nil {
		_ = ps.Close() // closing after the error returned or on shutdown
		return fmt.Errorf("live: redis subscribe %q: %w", b.channel, err)
	}

	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		_ = ps.Close() // closing after the error returned or on shutdown
		return ErrClosed
	}
	b.subs[ps] = struct{}{}
	b.wg.Add(1)
	b.mu.Unlock()

	// The channel API runs go-redis's health check (a PING every 3 s, reconnect and
	// resubscribe when it fails); with subscriptions included, a reconnect is visible.
	messages := ps.ChannelWithSubscriptions(redis.WithChannelSize(1024))
	stop := context.AfterFunc(ctx, func() { _ = ps.Close() }) // ending the subscription: nothing to report
	go func() {
		defer b.wg.Done()
		defer stop()
		for m := range messages {
			if ctx.Err() != nil || b.isClosed() {
				continue // drain until go-redis closes the channel
			}
			switch m := m.(type) {
			case *redis.Subscription:
				if m.Kind == "subscribe" {
					b.log().Warn("live: resubscribed to redis after a dropped connection; frames published meanwhile were lost",
						"channel", b.channel)
				}
			case *redis.Message:
				var e envelope
				if err := json.Unmarshal([]byte(m.Payload), &e); err != nil {
					b.log().Warn("live: undecodable message on redis channel", "channel", b.channel, "err", err)
					continue
				}
				if e.Frame == nil {
					e.Frame = []byte{}
				}
				deliver(Target{Users: e.Users, All: e.All}, e.Frame)
			}
		}
		b.mu.Lock()
		delete(b.subs, ps)
		b.mu.Unlock()
	}()
	return nil
}

// Close ends every subscription and waits until none can deliver any more.
func (b *RedisBroker) Close() error {
	b.mu.Lock()
	b.closed = true
	var errs []error
	for ps := range b.subs {
		if err := ps.Close(); err != nil && !errors.Is(err, redis.ErrClosed) {
			errs = append(errs, err)
		}
	}
	b.mu.Unlock()
	b.wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("live: close redis subscriptions: %w", err)
	}
	return nil
}
