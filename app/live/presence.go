package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Presence answers "does this user have a tab open anywhere?". A Hub answers it for
// its own process; RedisPresence answers it across every process sharing a Redis.
type Presence interface {
	Online(userID int64) bool
}

// RedisPresence keeps, per user, a sorted set of the processes holding a socket of
// theirs, each scored by when its claim expires. A process refreshes its claims every
// TTL/3 and drops a claim when the user's last local socket closes; a crashed
// process's claims simply expire, so nobody stays "online" forever.
type RedisPresence struct {
	client  *redis.Client
	hub     *Hub
	prefix  string
	process string
	ttl     time.Duration
	now     func() time.Time
}

// NewRedisPresence returns presence shared through client for the sockets of hub.
func NewRedisPresence(client *redis.Client, hub *Hub, now func() time.Time) *RedisPresence {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it panics first)
	if now == nil {
		now = time.Now
	}
	return &RedisPresence{client: client, hub: hub, prefix: "eplatform:presence:", process: hex.EncodeToString(b),
		ttl: 60 * time.Second, now: now}
}

func (p *RedisPresence) key(userID int64) string { return p.prefix + strconv.FormatInt(userID, 10) }

// Online reports whether any live process holds a socket of the user. If Redis does
// not answer, this process's own sockets decide.
func (p *RedisPresence) Online(userID int64) bool {
	if p.hub.Online(userID) {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, err := p.client.ZCount(ctx, p.key(userID), strconv.FormatInt(p.now().UnixMilli(), 10), "+inf").Result()
	return err == nil && n > 0
}

// Claim records that this process holds a socket of the user (on connect).
func (p *RedisPresence) Claim(ctx context.Context, userID int64) {
	p.claim(ctx, []int64{userID})
}

// Release withdraws this process's claim (when the user's last local socket closed).
func (p *RedisPresence) Release(ctx context.Context, userID int64) {
	_ = p.client.ZRem(ctx, p.key(userID), p.process).Err() // a claim left behind expires by itself
}

func (p *RedisPresence) claim(ctx context.Context, users []int64) {
	if len(users) == 0 {
		return
	}
	until := float64(p.now().Add(p.ttl).UnixMilli())
	pipe := p.client.Pipeline()
	for _, id := range users {
		pipe.ZAdd(ctx, p.key(id), redis.Z{Score: until, Member: p.process})
		pipe.PExpire(ctx, p.key(id), 2*p.ttl) // the set itself goes when nobody refreshes it
	}
	_, _ = pipe.Exec(ctx) // refreshed again next tick; an unrefreshed claim expires
}

// Run refreshes this process's claims until ctx ends, then withdraws them.
func (p *RedisPresence) Run(ctx context.Context) {
	t := time.NewTicker(p.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			cleanup, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			for _, id := range p.hub.OnlineUsers() {
				p.Release(cleanup, id)
			}
			cancel()
			return
		case <-t.C:
			p.claim(ctx, p.hub.OnlineUsers())
		}
	}
}
