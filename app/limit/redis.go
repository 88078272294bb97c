package limit

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// gcraScript is the token bucket as GCRA (generic cell rate algorithm): instead of a
// token count it stores one number per bucket, the theoretical arrival time (TAT, in
// ms) at which the bucket would be full again. A request is admitted if, after adding
// one interval, the TAT is no more than Burst intervals ahead of now. Running it as
// one script makes read-modify-write atomic across processes.
//
// The key expires exactly when the bucket is full again (TAT - now), since a missing
// key means a full bucket; idle clients therefore cost no memory in Redis.
//
// KEYS[1] bucket key; ARGV: now (ms), every (ms), burst.
// Returns {allowed (0/1), remaining tokens, retry after (ms)}.
var gcraScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local every = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then
  tat = now
end
local newTat = tat + every
local ahead = newTat - now
local horizon = every * burst
if ahead > horizon then
  return {0, 0, ahead - horizon}
end
redis.call('SET', KEYS[1], newTat, 'PX', ahead)
return {1, math.floor((horizon - ahead) / every), 0}
`)

// refundScript gives one token back: the TAT moves one interval earlier, and a bucket
// that is full again is deleted (a missing key is a full bucket).
//
// KEYS[1] bucket key; ARGV: now (ms), every (ms).
var refundScript = redis.NewScript(`
local tat = tonumber(redis.call('GET', KEYS[1]))
if not tat then
  return 0
end
local now = tonumber(ARGV[1])
tat = tat - tonumber(ARGV[2])
if tat <= now then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('SET', KEYS[1], tat, 'PX', tat - now)
return 1
`)

// Redis is a Limiter shared by every process that uses the same Redis database, for
// deployments that run more than one instance of the binary.
type Redis struct {
	client *redis.Client
	prefix string
	now    func() time.Time

	allowed  atomic.Uint64
	rejected atomic.Uint64
}

// NewRedis returns a Redis limiter whose keys are prefix + rule name + ":" + key.
// now may be nil for time.Now. The time is taken on the client rather than with
// Redis TIME so tests can drive both backends with one fake clock; instances must
// therefore keep their clocks in sync (NTP), as skew shifts refill by the same amount.
func NewRedis(client *redis.Client, prefix string, now func() time.Time) *Redis {
	if now == nil {
		now = time.Now
	}
	return &Redis{client: client, prefix: prefix, now: now}
}

// Allow implements Limiter. Errors (Redis unreachable, timeout) are returned as is,
// wrapped; the caller decides whether to fail open.
func (r *Redis) Allow(ctx context.Context, rule Rule, key string) (Decision, error) {
	if err := rule.validate(); err != nil {
		return Decision{}, err
	}
	// Redis works in whole milliseconds; rounding Every up keeps the limit at least as
	// strict as configured.
	everyMs := max(1, int64((rule.Every+time.Millisecond-1)/time.Millisecond))
	res, err := gcraScript.Run(ctx, r.client,
		[]string{r.prefix + rule.Name + ":" + key},
		r.now().UnixMilli(), everyMs, rule.Burst,
	).Int64Slice()
	if err != nil {
		return Decision{}, fmt.Errorf("limit: redis allow %s: %w", rule.Name, err)
	}
	if len(res) != 3 {
		return Decision{}, fmt.Errorf("limit: redis allow %s: unexpected reply %v", rule.Name, res)
	}
	d := Decision{
		Allowed:    res[0] == 1,
		Remaining:  int(res[1]),
		RetryAfter: time.Duration(res[2]) * time.Millisecond,
	}
	if d.Allowed {
		r.allowed.Add(1)
	} else {
		r.rejected.Add(1)
	}
	return d, nil
}

// Refund implements Limiter.
func (r *Redis) Refund(ctx context.Context, rule Rule, key string) error {
	if err := rule.validate(); err != nil {
		return err
	}
	everyMillis := int64(max(1, (rule.Every+time.Millisecond-1)/time.Millisecond))
	if err := refundScript.Run(ctx, r.client, []string{r.prefix + rule.Name + ":" + key},
		r.now().UnixMilli(), everyMillis).Err(); err != nil {
		return fmt.Errorf("limit: redis refund %s: %w", rule.Name, err)
	}
	return nil
}

// Stats implements Limiter; Buckets is always 0 because the buckets live in Redis.
func (r *Redis) Stats() Stats {
	return Stats{Allowed: r.allowed.Load(), Rejected: r.rejected.Load()}
}

// Close does nothing: the client belongs to the caller, who may share it with other
// components, and closes it.
func (r *Redis) Close() error { return nil }

var _ Limiter = (*Redis)(nil)
