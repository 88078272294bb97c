package store

import (
	"context"
	"database/sql"
	"net/url"
	"testing"
	"time"

	"eplatform/app/cache"
	"eplatform/app/internal/pgtest"
	"eplatform/app/internal/redistest"
	"eplatform/app/testutil"
)

// replicated is a dedicated primary with one streaming replica (pg_basebackup -R) and
// one database on it, seen through both.
type replicated struct {
	primary, replica       *pgtest.Server
	primaryURL, replicaURL string
}

// TestReplicas runs the replica tests on one primary and replica (starting them is
// most of the time), each on a database of its own.
func TestReplicas(t *testing.T) {
	p := pgtest.Start(t, "wal_level=replica", "max_wal_senders=5")
	r := p.StartReplica(t)
	for name, test := range map[string]func(*testing.T, replicated){
		"ServesReadsAndReadYourWrites":  testReplicaServesReadsAndReadYourWrites,
		"ReadYourWritesAcrossProcesses": testReadYourWritesAcrossProcesses,
		"DownOrLaggingIsSkipped":        testReplicaDownOrLaggingIsSkipped,
	} {
		t.Run(name, func(t *testing.T) {
			primaryURL := p.CreateDB(t) // created on the replica by replication
			u, err := url.Parse(primaryURL)
			if err != nil {
				t.Fatal(err)
			}
			test(t, replicated{primary: p, replica: r, primaryURL: primaryURL, replicaURL: r.URL(u.Path[1:])})
		})
	}
}

func (rp replicated) open(t *testing.T, maxLag time.Duration) *DB {
	t.Helper()
	db, err := Open(context.Background(), Options{URL: rp.primaryURL, Schema: readSchema(t),
		PostgresSchema: readPostgresSchema(t), Replicas: []string{rp.replicaURL}, ReplicaMaxLag: maxLag})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// replicaSQL runs a statement on the replica itself (pausing or resuming its replay).
func (rp replicated) replicaSQL(t *testing.T, stmt string) {
	t.Helper()
	c, err := sql.Open("pgx", rp.replicaURL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Exec(stmt); err != nil {
		t.Fatalf("%s on the replica: %v", stmt, err)
	}
}

// caughtUp waits until the replica is healthy and has replayed everything the
// primary had written when called.
func caughtUp(t *testing.T, db *DB) {
	t.Helper()
	var target int64
	if err := db.writer.QueryRow(insertLSN).Scan(&target); err != nil {
		t.Fatal(err)
	}
	ok := testutil.Poll(30*time.Second, func() bool {
		db.PollReplicas(context.Background())
		r := db.rs.list[0]
		return r.healthy.Load() && r.replay.Load() >= uint64(target)
	})
	if !ok {
		t.Fatalf("the replica did not catch up: %+v", db.Replicas())
	}
}

func rename(t *testing.T, db *DB, ctx context.Context, id int64, first string) {
	t.Helper()
	err := db.WithTx(ctx, func(tx *Queries) error {
		return tx.UpdateUser(ctx, id, UserUpdate{Email: "a@example.com", FirstName: first})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func firstName(t *testing.T, db *DB, ctx context.Context, id int64) string {
	t.Helper()
	u, err := db.UserByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return u.FirstName
}

func testReplicaServesReadsAndReadYourWrites(t *testing.T, rp replicated) {
	db := rp.open(t, time.Minute) // a loaded machine must not make the paused replica "too far behind"
	bg := context.Background()
	alice := mustCreateUser(t, db, "alice")
	rename(t, db, bg, alice, "Old")
	caughtUp(t, db)

	// (a) Reads go to the replica, anonymous or signed in.
	m := db.Metrics()
	replicaReads, primaryReads := m.ReplicaReads.Load(), m.PrimaryReads.Load()
	anon, _ := db.ReadYourWrites(bg)
	asAlice, c := db.ReadYourWrites(bg)
	c.Bind(alice)
	for _, ctx := range []context.Context{bg, anon, asAlice} {
		if got := firstName(t, db, ctx, alice); got != "Old" {
			t.Fatalf("first name %q, want Old", got)
		}
	}
	if d := m.ReplicaReads.Load() - replicaReads; d != 3 {
		t.Errorf("%d reads on the replica, want 3", d)
	}
	if d := m.PrimaryReads.Load() - primaryReads; d != 0 {
		t.Errorf("%d reads on the primary, want 0", d)
	}
	if st := db.Replicas(); len(st) != 1 || !st[0].Healthy || st[0].Reads < 3 {
		t.Errorf("replica status %+v", st)
	}

	// (b) With the replica's replay paused, Alice's write is read back by Alice (from
	// the primary) while an anonymous reader is still served the replica's old row.
	rp.replicaSQL(t, "SELECT pg_wal_replay_pause()")
	rename(t, db, asAlice, alice, "New")
	if !c.Wrote() {
		t.Fatal("the write was not recorded in Alice's session")
	}
	ryw := m.ReadYourWritesFallbacks.Load()
	if got := firstName(t, db, asAlice, alice); got != "New" {
		t.Errorf("Alice reads her first name as %q after writing New", got)
	}
	if m.ReadYourWritesFallbacks.Load() != ryw+1 {
		t.Errorf("Alice's read was not sent to the primary for read-your-writes")
	}
	// Her next request (a new session bound to her) remembers the write too.
	next, c2 := db.ReadYourWrites(bg)
	c2.Bind(alice)
	if got := firstName(t, db, next, alice); got != "New" {
		t.Errorf("Alice's next request reads %q", got)
	}
	db.PollReplicas(bg)
	if got := firstName(t, db, anon, alice); got != "Old" {
		t.Errorf("an anonymous read gave %q: it was not served by the paused replica", got)
	}
	if !db.Replicas()[0].Healthy {
		t.Errorf("a replica paused for a moment counted unhealthy with a minute's allowance: %+v", db.Replicas())
	}

	// Once the replica has replayed past her write, Alice reads from it again.
	rp.replicaSQL(t, "SELECT pg_wal_replay_resume()")
	caughtUp(t, db)
	replicaReads = m.ReplicaReads.Load()
	again, c3 := db.ReadYourWrites(bg)
	c3.Bind(alice)
	if got := firstName(t, db, again, alice); got != "New" {
		t.Errorf("after catching up Alice reads %q", got)
	}
	if m.ReplicaReads.Load() != replicaReads+1 {
		t.Errorf("after catching up Alice's read did not go to the replica")
	}
}

// A write on one process and the user's next read on another agree, through the
// shared cache (a real Redis), while the replica lags.
func testReadYourWritesAcrossProcesses(t *testing.T, rp replicated) {
	shared, err := cache.OpenRedis(redistest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer shared.Close()
	a, b := rp.open(t, time.Minute), rp.open(t, time.Minute)
	a.ShareWritePositions(shared)
	b.ShareWritePositions(shared)
	bg := context.Background()
	bob := mustCreateUser(t, a, "bob")
	rename(t, a, bg, bob, "Old")
	caughtUp(t, a)
	caughtUp(t, b)

	rp.replicaSQL(t, "SELECT pg_wal_replay_pause()")
	defer rp.replicaSQL(t, "SELECT pg_wal_replay_resume()")
	onA, ca := a.ReadYourWrites(bg)
	ca.Bind(bob)
	rename(t, a, onA, bob, "New")
	onB, cb := b.ReadYourWrites(bg)
	cb.Bind(bob)
	if got := firstName(t, b, onB, bob); got != "New" {
		t.Errorf("process B reads %q after Bob wrote New on process A", got)
	}
	if got := firstName(t, b, bg, bob); got != "Old" {
		t.Errorf("an anonymous read on B gave %q, not the paused replica's row", got)
	}
}

// A replica that stops answering is skipped (reads keep working, on the primary) and
// serves again once it is back; one that falls further behind than the allowance is
// skipped too.
func testReplicaDownOrLaggingIsSkipped(t *testing.T, rp replicated) {
	db := rp.open(t, 300*time.Millisecond)
	bg := context.Background()
	carol := mustCreateUser(t, db, "carol")
	rename(t, db, bg, carol, "Carol")
	caughtUp(t, db)
	m := db.Metrics()

	rp.replica.Stop()
	db.PollReplicas(bg)
	if st := db.Replicas()[0]; st.Healthy || st.Err == "" {
		t.Fatalf("a stopped replica is reported %+v", st)
	}
	fallbacks, replicaReads := m.ReplicaFallbacks.Load(), m.ReplicaReads.Load()
	if got := firstName(t, db, bg, carol); got != "Carol" {
		t.Fatalf("read %q with the replica down", got)
	}
	if m.ReplicaFallbacks.Load() != fallbacks+1 || m.ReplicaReads.Load() != replicaReads {
		t.Errorf("with the replica down the read did not fall back to the primary")
	}

	if err := rp.replica.Resume(); err != nil {
		t.Fatal(err)
	}
	caughtUp(t, db)
	replicaReads = m.ReplicaReads.Load()
	if got := firstName(t, db, bg, carol); got != "Carol" {
		t.Fatalf("read %q after the replica came back", got)
	}
	if m.ReplicaReads.Load() != replicaReads+1 {
		t.Errorf("the replica that came back does not serve reads")
	}

	// Paused while the primary goes on writing, it falls behind by more than the
	// allowance (300 ms) and is skipped.
	rp.replicaSQL(t, "SELECT pg_wal_replay_pause()")
	defer rp.replicaSQL(t, "SELECT pg_wal_replay_resume()")
	rename(t, db, bg, carol, "Later")
	if !testutil.Poll(30*time.Second, func() bool {
		db.PollReplicas(bg)
		return !db.Replicas()[0].Healthy
	}) {
		t.Fatalf("a replica far behind stays healthy: %+v", db.Replicas())
	}
	if got := firstName(t, db, bg, carol); got != "Later" {
		t.Errorf("read %q: a replica too far behind served it", got)
	}
}

// Without replicas nothing of this runs: no Consistency, no routing.
func TestNoReplicasNoConsistency(t *testing.T) {
	db := openTest(t)
	ctx, c := db.ReadYourWrites(context.Background())
	if c != nil || ctx != context.Background() || db.rs != nil || db.Queries.rs != nil {
		t.Fatal("a database without replicas set up read-your-writes")
	}
	c.Bind(1) // nil-safe
	c.Primary(true)
	if c.Wrote() {
		t.Fatal("a nil Consistency wrote")
	}
}
