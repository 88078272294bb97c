// Package limit rate-limits requests with token buckets, in memory or in Redis.
//
// A Rule is a bucket of Burst tokens refilled with one token every Every; each request
// takes one. Token buckets fit a web app better than fixed windows: a person may do a
// few things quickly (log in again after a typo, post a burst of comments) while a
// script hammering the site settles at the refill rate, and there is no window edge
// where twice the limit passes. Buckets are keyed per rule by user id when signed in
// and by client address otherwise; ClientIP and IPKey derive that address without
// trusting spoofable proxy headers and group IPv6 clients by /64.
//
// Both backends implement Limiter and pass the same conformance suite
// (package limittest). Memory is for a single process; Redis is for several
// processes sharing one set of buckets.
//
// Memory stays bounded because a bucket that has refilled to full behaves exactly
// like a bucket that does not exist yet, so dropping it is invisible to clients: the
// janitor drops those, and Redis keys expire at that moment by themselves. A hard cap
// (MaxBuckets) covers floods of distinct keys by dropping the least recently seen
// buckets as a last resort.
//
// The clock is injected (MemoryOptions.Now, NewRedis's now) so tests can drive refill,
// Retry-After and eviction with a fake clock instead of sleeping.
//
// Middleware fails open: when the limiter returns an error, typically because Redis is
// unreachable, requests go through. Losing rate limiting during an outage is a lesser
// harm than making the whole site unavailable; the error is logged.
package limit
