// Package cache keeps recently read data close to the handlers so that hot pages do not
// hit SQLite on every request.
//
// # The cache is never the truth
//
// SQLite is. Everything here may forget, refuse or lose a value at any time, and callers
// must behave the same (only slower) when it does: a backend error in [GetOrLoad] is
// counted in [Stats].Errors and the value is loaded from the truth instead of failing the
// request.
//
// # Bytes, with a typed helper on top
//
// [Cache] stores byte slices with a TTL and nothing more, so a backend is small and two of
// them can be held to one contract by the conformance suite in cachetest: [Memory]
// (ristretto, sized from one memory budget, the default) and [Redis] (shared by several
// processes). [Open] picks one from configuration. Types live only in the generic
// [GetOrLoad], which stores JSON.
//
// # Invalidation by namespace version
//
// Deleting every key that depends on a row is error-prone and, on Redis, needs a scan.
// Instead each namespace ("feed", "course:7") has a counter, and keys are built with
// [NamespacedKey] to embed its current value ("feed:v3:user:42"). A write calls
// [Invalidate], which bumps the counter: from then on readers build new keys, and the old
// entries are unreachable until their TTL reclaims them. A reader that loaded old data
// before the bump stores it under the old key, where nobody will look, so the race between
// a slow reader and a writer cannot resurrect stale data either.
//
// # Why singleflight
//
// When a popular key expires, every concurrent request misses at once and would run the
// same query (a cache stampede). [GetOrLoad] lets one of them load while the others wait
// for its result, so SQLite sees one query per cold key. It also holds when Redis is down:
// misses still collapse into one load per key. The load is detached from the cancellation
// of the request that started it, so one client going away does not fail the others.
package cache
