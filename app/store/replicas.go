package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// Read replicas (PostgreSQL only). Reads of the embedded *Queries go to a streaming
// replica that is healthy and has replayed far enough; writes (WithTx) go to the
// primary. "Far enough" is read-your-writes: after a user's write commits, the
// primary's WAL insert position is kept in the request's Consistency and remembered for
// the user (in this process and in the shared cache), and a replica serves that user
// only once its replay position has passed it; until then the primary does.
//
// Nothing here runs on SQLite or without replicas: Queries.rs is nil and the routing
// sits inside the PostgreSQL branch of exec/query/queryRow.
//
// Positions are polled, not asked per query: every pollEvery a goroutine reads the
// primary's insert position and each replica's replay position. A replica is healthy
// when it answered the last poll and has replayed what the primary had written
// MaxLag ago. So a write older than MaxLag is on every healthy replica, which bounds
// how long a user's position must be remembered.

// DefaultReplicaMaxLag is how far behind the primary a replica may be and still serve.
const DefaultReplicaMaxLag = 5 * time.Second

const pollEvery = 100 * time.Millisecond

// SharedMarks is where the users' last write positions are shared between processes:
// the application cache (cache.Cache satisfies it), Redis when several processes run.
type SharedMarks interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
}

// ReplicaStatus is one replica as the last poll saw it, for metrics and pages.
type ReplicaStatus struct {
	URL     string // without password
	Healthy bool
	Lag     time.Duration // how long ago the primary had written what it has not replayed
	Reads   uint64        // statements it served
	Err     string        // why the last poll failed
}

type replica struct {
	url     string
	pool    *sql.DB
	replay  atomic.Uint64 // last polled pg_last_wal_replay_lsn()
	healthy atomic.Bool
	lagNs   atomic.Int64
	reads   atomic.Uint64
	err     atomic.Pointer[string]
}

type lsnSample struct {
	at  time.Time
	lsn uint64
}

type replicaSet struct {
	list    []*replica
	primary *sql.DB // the primary's read pool (also polled for its position)
	maxLag  time.Duration
	m       *Metrics
	next    atomic.Uint32 // round robin among eligible replicas

	polling sync.Mutex // held by poll
	mu      sync.Mutex
	samples []lsnSample        // primary positions of the last MaxLag+, oldest first
	marks   map[int64]userMark // users' last write positions in this process
	shared  atomic.Pointer[SharedMarks]

	stop chan struct{}
	done chan struct{}
}

type userMark struct {
	lsn     uint64
	expires time.Time
}

// markTTL: after MaxLag every healthy replica has a write, plus poll slack.
func (rs *replicaSet) markTTL() time.Duration { return rs.maxLag + time.Second }

func openReplicas(ctx context.Context, urls []string, primary *sql.DB, maxLag time.Duration, conns int, m *Metrics) (*replicaSet, error) {
	if maxLag <= 0 {
		maxLag = DefaultReplicaMaxLag
	}
	rs := &replicaSet{primary: primary, maxLag: maxLag, m: m, marks: map[int64]userMark{},
		stop: make(chan struct{}), done: make(chan struct{})}
	for _, u := range urls {
		cfg, err := pgx.ParseConfig(u)
		if err != nil {
			rs.closePools()
			return nil, fmt.Errorf("store: replica %s: %w", RedactURL(u), err)
		}
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
		// A replica that is down at start is not fatal: it is skipped until it answers.
		rs.list = append(rs.list, &replica{url: RedactURL(u), pool: pgPool(*cfg, conns)})
	}
	replicasOpened.Store(true)
	rs.poll(ctx)
	go rs.run()
	return rs, nil
}

func (rs *replicaSet) run() {
	defer close(rs.done)
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		select {
		case <-rs.stop:
			return
		case <-t.C:
			rs.poll(context.Background())
		}
	}
}

func (rs *replicaSet) close() error {
	close(rs.stop)
	<-rs.done
	return rs.closePools()
}

func (rs *replicaSet) closePools() error {
	var err error
	for _, r := range rs.list {
		if e := r.pool.Close(); e != nil && err == nil {
			err = e
		}
	}
	return err
}

// lsnExpr reads a pg_lsn as a number (bytes since 0/0); NULL stays NULL.
const (
	insertLSN = `SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint`
	replayLSN = `SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint`
)

// poll reads the primary's position, then each replica's, and decides which may serve.
func (rs *replicaSet) poll(ctx context.Context) {
	// One at a time (the ticker's and PollReplicas'): an older answer must not
	// overwrite a newer one.
	rs.polling.Lock()
	defer rs.polling.Unlock()
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	now := time.Now()
	var p int64
	if err := rs.primary.QueryRowContext(ctx, insertLSN).Scan(&p); err == nil {
		rs.mu.Lock()
		rs.samples = append(rs.samples, lsnSample{at: now, lsn: uint64(p)})
		// Keep one sample older than MaxLag: it is the position a healthy replica must have.
		for len(rs.samples) > 1 && now.Sub(rs.samples[1].at) > rs.maxLag {
			rs.samples = rs.samples[1:]
		}
		rs.mu.Unlock()
	}
	var wg sync.WaitGroup
	for _, r := range rs.list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs.pollReplica(ctx, r, now)
		}()
	}
	wg.Wait()
	rs.pruneMarks(now)
}

func (rs *replicaSet) pollReplica(ctx context.Context, r *replica, now time.Time) {
	var replay sql.NullInt64
	err := r.pool.QueryRowContext(ctx, replayLSN).Scan(&replay)
	if err == nil && !replay.Valid {
		err = fmt.Errorf("not a replica (pg_last_wal_replay_lsn() is NULL)")
	}
	if err != nil {
		msg := err.Error()
		r.err.Store(&msg)
		r.healthy.Store(false)
		return
	}
	r.err.Store(nil)
	r.replay.Store(uint64(replay.Int64))
	lag, ok := rs.lag(uint64(replay.Int64), now)
	r.lagNs.Store(int64(lag))
	r.healthy.Store(ok)

}

// lag is how long ago the primary had written what the replica has not replayed, and
// whether that is within MaxLag. With no sample yet a replica that answers may serve.
func (rs *replicaSet) lag(replay uint64, now time.Time) (time.Duration, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, s := range rs.samples {
		if s.lsn > replay {
			d := now.Sub(s.at)
			return d, d <= rs.maxLag
		}
	}
	return 0, true
}

func (rs *replicaSet) pruneMarks(now time.Time) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for u, m := range rs.marks {
		if now.After(m.expires) {
			delete(rs.marks, u)
		}
	}
}

// route returns where a read on behalf of ctx runs: an eligible replica, or primary.
func (rs *replicaSet) route(ctx context.Context, primary querier) querier {
	s := consistencyFrom(ctx)
	var need uint64
	if s != nil {
		if s.primary.Load() {
			rs.m.PrimaryReads.Add(1)
			return primary
		}
		need = s.need(ctx, rs)
		// A request stays on one replica while it may, so that its reads agree.
		if r := s.pinned.Load(); r != nil && r.healthy.Load() && r.replay.Load() >= need {
			r.reads.Add(1)
			rs.m.ReplicaReads.Add(1)
			return r.pool
		}
	}
	n := uint32(len(rs.list))
	start := rs.next.Add(1)
	anyHealthy := false
	for i := range n {
		r := rs.list[(start+i)%n]
		if !r.healthy.Load() {
			continue
		}
		anyHealthy = true
		if r.replay.Load() >= need {
			if s != nil {
				s.pinned.Store(r)
			}
			r.reads.Add(1)
			rs.m.ReplicaReads.Add(1)
			return r.pool
		}
	}
	rs.m.PrimaryReads.Add(1)
	if anyHealthy {
		rs.m.ReadYourWritesFallbacks.Add(1)
	} else {
		rs.m.ReplicaFallbacks.Add(1)
	}
	return primary
}

// Consistency carries read-your-writes through one request: the position of the last
// write the reader must see. Its methods do nothing on a nil Consistency, which is what a
// database without replicas hands out.
type Consistency struct {
	rs      *replicaSet
	user    atomic.Int64
	lsn     atomic.Uint64 // what its reads must see
	wrote   atomic.Bool   // a write committed in this session
	loaded  sync.Once
	primary atomic.Bool
	pinned  atomic.Pointer[replica]
}

type consistencyKey struct{}

func consistencyFrom(ctx context.Context) *Consistency {
	s, _ := ctx.Value(consistencyKey{}).(*Consistency)
	return s
}

// PrimaryReads returns a context whose reads go to the primary: for values kept in a
// shared cache (cache.SetFillContext), which every reader then sees.
func PrimaryReads(ctx context.Context) context.Context {
	if !replicasOpened.Load() {
		return ctx // SQLite, or PostgreSQL alone: no work at all
	}
	c := &Consistency{}
	c.primary.Store(true)
	return context.WithValue(ctx, consistencyKey{}, c)
}

// replicasOpened: some DB of this process has replicas (PrimaryReads has no DB).
var replicasOpened atomic.Bool

// ConsistencyOf returns the request's Consistency (nil without replicas).
func ConsistencyOf(ctx context.Context) *Consistency { return consistencyFrom(ctx) }

// ReadYourWrites starts a request's Consistency, anonymous until Bind names the user.
// Without replicas it returns ctx unchanged and a nil Consistency.
func (db *DB) ReadYourWrites(ctx context.Context) (context.Context, *Consistency) {
	if db.rs == nil {
		return ctx, nil
	}
	s := &Consistency{rs: db.rs}
	return context.WithValue(ctx, consistencyKey{}, s), s
}

// Bind makes the session the user's: their reads see their recent writes (from any
// process sharing the cache), and the request's writes are remembered for them.
func (s *Consistency) Bind(userID int64) {
	if s == nil {
		return
	}
	s.user.Store(userID)
}

// Primary sends the session's reads to the primary while on is true: identifying the
// caller must not miss a session or token created a moment ago.
func (s *Consistency) Primary(on bool) {
	if s != nil {
		s.primary.Store(on)
	}
}

// Wrote reports whether a write committed in this session.
func (s *Consistency) Wrote() bool { return s != nil && s.wrote.Load() }

// Adopt remembers the session's writes for userID: the request signed someone in, and
// their next request must see what it wrote (their new account, their session). The
// bound user's writes are remembered as they commit already.
func (s *Consistency) Adopt(ctx context.Context, userID int64) {
	if s == nil || userID == 0 || userID == s.user.Load() || !s.wrote.Load() {
		return
	}
	s.rs.remember(ctx, userID, s.lsn.Load())
}

func marksKey(userID int64) string { return "ryw:user:" + strconv.FormatInt(userID, 10) }

// need is the position the session's reads must see: its own writes, and the user's
// remembered ones (looked up once per request, and only when a read needs it).
func (s *Consistency) need(ctx context.Context, rs *replicaSet) uint64 {
	if user := s.user.Load(); user != 0 {
		s.loaded.Do(func() {
			lsn := uint64(0)
			rs.mu.Lock()
			if m, ok := rs.marks[user]; ok && time.Now().Before(m.expires) {
				lsn = m.lsn
			}
			rs.mu.Unlock()
			if sh := rs.shared.Load(); sh != nil {
				// A cache that fails costs consistency across processes only: this
				// process's own marks still hold. Reads do not fail for it.
				if b, ok, err := (*sh).Get(ctx, marksKey(user)); err == nil && ok {
					if v, err := strconv.ParseUint(string(b), 10, 64); err == nil {
						lsn = max(lsn, v)
					}
				}
			}
			s.advance(lsn)
		})
	}
	return s.lsn.Load()
}

func (s *Consistency) advance(lsn uint64) {
	for {
		old := s.lsn.Load()
		if lsn <= old || s.lsn.CompareAndSwap(old, lsn) {
			return
		}
	}
}

// committed records a write that just committed on the primary.
func (db *DB) committed(ctx context.Context) {
	s := consistencyFrom(ctx)
	if s == nil || db.rs == nil {
		return
	}
	s.wrote.Store(true)
	var lsn int64
	// The insert position (not pg_current_wal_lsn, the write position): with
	// asynchronous commit the commit record may not be written out yet.
	if err := db.writer.QueryRowContext(context.WithoutCancel(ctx), insertLSN).Scan(&lsn); err != nil {
		// Without the position the user's next reads could miss the write: send the
		// session's reads to the primary instead.
		s.advance(^uint64(0))
		return
	}
	s.advance(uint64(lsn))
	if user := s.user.Load(); user != 0 {
		db.rs.remember(ctx, user, uint64(lsn))
	}
}

func (rs *replicaSet) remember(ctx context.Context, userID int64, lsn uint64) {
	ttl := rs.markTTL()
	rs.mu.Lock()
	if m := rs.marks[userID]; m.lsn > lsn {
		lsn = m.lsn
	}
	rs.marks[userID] = userMark{lsn: lsn, expires: time.Now().Add(ttl)}
	rs.mu.Unlock()
	if sh := rs.shared.Load(); sh != nil {
		v := []byte(strconv.FormatUint(lsn, 10))
		_ = (*sh).Set(context.WithoutCancel(ctx), marksKey(userID), v, ttl) // best effort, counted by the cache: this process stays consistent regardless
	}
}

// ShareWritePositions makes the users' last write positions visible to every process
// using the same shared cache (Redis), so a write on one process and the next read on
// another agree. Without replicas it does nothing.
func (db *DB) ShareWritePositions(c SharedMarks) {
	if db.rs != nil && c != nil {
		db.rs.shared.Store(&c)
	}
}

// Replicas reports each replica as the last poll saw it (none without replicas).
func (db *DB) Replicas() []ReplicaStatus {
	if db.rs == nil {
		return nil
	}
	out := make([]ReplicaStatus, len(db.rs.list))
	for i, r := range db.rs.list {
		out[i] = ReplicaStatus{URL: r.url, Healthy: r.healthy.Load(), Lag: time.Duration(r.lagNs.Load()), Reads: r.reads.Load()}
		if e := r.err.Load(); e != nil {
			out[i].Err = *e
		}
	}
	return out
}

// PollReplicas polls the replicas now rather than at the next tick (tests, and a
// health page that wants the latest word).
func (db *DB) PollReplicas(ctx context.Context) {
	if db.rs != nil {
		db.rs.poll(ctx)
	}
}
