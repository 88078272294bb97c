package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Options configure Open.
type Options struct {
	// Path of the database file; its directory is created if missing.
	Path string
	// URL, when it is a postgres:// URL, puts the database on PostgreSQL instead of
	// the SQLite file at Path.
	URL string
	// Schema is the fresh-install schema (schema.sql); see Migrate.
	Schema string
	// PostgresSchema is schema_postgres.sql, the same schema for PostgreSQL.
	PostgresSchema string
	// Replicas are postgres:// URLs of read replicas of URL (see replicas.go).
	Replicas []string
	// ReplicaMaxLag is how far behind the primary a replica may be and still serve
	// reads (default DefaultReplicaMaxLag).
	ReplicaMaxLag time.Duration
	// Synchronous is NORMAL (default; safe in WAL mode, may lose the last commits on
	// power loss) or FULL.
	Synchronous string
	// CacheBudget is the page cache per connection in bytes (default 16 MiB for the
	// writer; readers share the budget).
	CacheBudget int64
	// Readers is the size of the read pool (default 4×GOMAXPROCS).
	Readers int
}

// DB is the application's handle on the SQLite file. Its embedded *Queries read from
// the reader pool; writes go through WithTx.
type DB struct {
	*Queries
	writer  *sql.DB
	reader  *sql.DB
	path    string
	metrics *Metrics
	pg      bool        // on PostgreSQL (db_postgres.go)
	rs      *replicaSet // read replicas (replicas.go); nil without
}

// Metrics counts what the store does; exported to Prometheus by the metrics package.
type Metrics struct {
	Queries      atomic.Uint64 // statements executed, reads and writes
	Transactions atomic.Uint64 // write transactions committed or rolled back
	BusyRetries  atomic.Uint64 // write transactions retried after SQLITE_BUSY
	WriterWaitNs atomic.Uint64 // total time spent waiting for the writer connection
	// With read replicas only (replicas.go): where reads went, and why the primary.
	ReplicaReads            atomic.Uint64 // reads served by a replica
	PrimaryReads            atomic.Uint64 // reads served by the primary
	ReplicaFallbacks        atomic.Uint64 // primary reads because no replica was healthy
	ReadYourWritesFallbacks atomic.Uint64 // primary reads because no healthy replica had replayed the reader's last write
}

// Open opens (creating if needed) the database at opts.Path and migrates it to the
// current schema.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if IsPostgresURL(opts.URL) {
		return openPostgres(ctx, opts)
	}
	if opts.Path == "" {
		return nil, errors.New("store: empty database path")
	}
	if err := os.MkdirAll(filepath.Dir(opts.Path), 0o750); err != nil {
		return nil, fmt.Errorf("store: create data directory: %w", err)
	}
	if opts.Synchronous == "" {
		opts.Synchronous = "NORMAL"
	}
	if opts.Synchronous != "NORMAL" && opts.Synchronous != "FULL" {
		return nil, fmt.Errorf("store: synchronous must be NORMAL or FULL, not %q", opts.Synchronous)
	}
	if opts.CacheBudget <= 0 {
		opts.CacheBudget = 16 << 20
	}
	if opts.Readers <= 0 {
		opts.Readers = 4 * runtime.GOMAXPROCS(0)
	}

	if _, err := os.Stat(opts.Path); errors.Is(err, os.ErrNotExist) {
		// 8 KiB pages (SQLite defaults to 4 KiB) make bulk writes and FTS indexes ~10 %
		// faster; the size can only be chosen before the file exists (WAL fixes it).
		boot, err := sql.Open("sqlite", "file:"+opts.Path)
		if err != nil {
			return nil, err
		}
		_, err = boot.ExecContext(ctx, "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL;")
		boot.Close()
		if err != nil {
			return nil, fmt.Errorf("store: create %s: %w", opts.Path, err)
		}
	}
	writer, err := sql.Open("sqlite", dsn(opts.Path, opts.Synchronous, opts.CacheBudget, false))
	if err != nil {
		return nil, fmt.Errorf("store: open writer: %w", err)
	}
	// One writer connection: SQLite allows one writer at a time anyway, and queueing
	// in Go is cheaper and fairer than spinning in busy_timeout.
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: open %s: %w", opts.Path, err)
	}

	perReader := opts.CacheBudget / int64(opts.Readers)
	if perReader < 2<<20 {
		perReader = 2 << 20
	}
	reader, err := sql.Open("sqlite", dsn(opts.Path, opts.Synchronous, perReader, true))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: open readers: %w", err)
	}
	reader.SetMaxOpenConns(opts.Readers)
	reader.SetMaxIdleConns(opts.Readers)
	reader.SetConnMaxIdleTime(5 * time.Minute)

	m := &Metrics{}
	db := &DB{
		Queries: &Queries{q: reader, m: m, stmts: newStmtCache(reader)},
		writer:  writer,
		reader:  reader,
		path:    opts.Path,
		metrics: m,
	}
	if err := db.migrate(ctx, opts.Schema); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.restoreDeferredIndexes(ctx, opts.Schema); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// dsn builds a modernc.org/sqlite DSN. Pragmas live in the DSN so every pooled
// connection gets them; busy_timeout is applied first by the driver.
func dsn(path, synchronous string, cacheBytes int64, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+synchronous+")")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", "journal_size_limit(67108864)")
	// A negative cache_size is in KiB.
	q.Add("_pragma", "cache_size(-"+strconv.FormatInt(cacheBytes>>10, 10)+")")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// Metrics returns the live counters.
func (db *DB) Metrics() *Metrics { return db.metrics }

// Close closes both pools. The writer checkpoints the WAL on close.
func (db *DB) Close() error {
	if db.stmts != nil {
		db.stmts.close()
	}
	var replicas error
	if db.rs != nil {
		replicas = db.rs.close()
	}
	return errors.Join(replicas, db.reader.Close(), db.writer.Close())
}

// Ping checks that a reader can run a query; used by /healthz.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.q.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// WithTx runs fn in an immediate write transaction on the writer connection and
// commits when fn returns nil. fn must not call WithTx again (there is only one writer
// connection), must not do network or file I/O, and must be safe to run twice: if
// the transaction fails with SQLITE_BUSY (another process holds the file) it is
// retried a few times.
func (db *DB) WithTx(ctx context.Context, fn func(tx *Queries) error) error {
	if db.pg {
		return db.withPgTx(ctx, fn)
	}
	const attempts = 5
	var err error
	for i := range attempts {
		err = db.tryTx(ctx, fn)
		if err == nil || !isBusy(err) || ctx.Err() != nil {
			return err
		}
		db.metrics.BusyRetries.Add(1)
		time.Sleep(time.Duration(10*(i+1)) * time.Millisecond)
	}
	return err
}

func (db *DB) tryTx(ctx context.Context, fn func(tx *Queries) error) (err error) {
	start := time.Now()
	tx, err := db.writer.BeginTx(ctx, nil)
	db.metrics.WriterWaitNs.Add(uint64(time.Since(start)))
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	db.metrics.Transactions.Add(1)
	countQuery(ctx, db.metrics) // BEGIN IMMEDIATE
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback() // the error that made us roll back is the one returned
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback() // the error that made us roll back is the one returned
		}
	}()
	// Statements inside a transaction are not cached: preparing one would need a
	// second writer connection, and there is only one.
	if err = fn(&Queries{q: tx, m: db.metrics}); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Backup writes a consistent copy of the live database to path with VACUUM INTO. It
// is safe while the site serves: it reads one snapshot and does not block writers.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.pg {
		return ErrBackupPostgres
	}
	// VACUUM INTO needs a connection that may write a new file; query_only forbids it,
	// so VacuumInto opens a dedicated one rather than using the (busy) writer.
	return VacuumInto(ctx, db.path, path)
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Queries holds every query of the application. Bound to the reader pool it only
// reads; inside WithTx it is bound to the write transaction.
type Queries struct {
	q     querier
	m     *Metrics
	stmts *stmtCache // prepared statements of the reader pool; nil in transactions
	// textRoutes chooses the routes of posts_text.go (textRoutesAuto; tests force one).
	textRoutes int
	// pg: the queries run on PostgreSQL and are rewritten for it (see pgSQL).
	pg bool
	// rs routes reads to read replicas (PostgreSQL with replicas only; replicas.go).
	rs *replicaSet
}

// stmt returns a prepared statement for query, so that SQLite parses each read once
// per connection rather than once per call (parsing was a third of a feed page's
// time).
func (s *Queries) stmt(ctx context.Context, query string) querier {
	if s.stmts == nil {
		return s.q
	}
	if st := s.stmts.get(ctx, query); st != nil {
		return stmtQuerier{st}
	}
	return s.q
}

func (s *Queries) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	countQuery(ctx, s.m)
	if s.pg {
		query, args = pgSQL(query), pgArgs(args)
		if s.rs != nil {
			res, err := s.rs.route(ctx, s.q).ExecContext(ctx, query, args...)
			return res, translate(err)
		}
	}
	res, err := s.stmt(ctx, query).ExecContext(ctx, query, args...)
	return res, translate(err)
}

func (s *Queries) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	countQuery(ctx, s.m)
	if s.pg {
		query, args = pgSQL(query), pgArgs(args)
		if s.rs != nil {
			rows, err := s.rs.route(ctx, s.q).QueryContext(ctx, query, args...)
			return rows, translate(err)
		}
	}
	rows, err := s.stmt(ctx, query).QueryContext(ctx, query, args...)
	return rows, translate(err)
}

func (s *Queries) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	countQuery(ctx, s.m)
	if s.pg {
		query, args = pgSQL(query), pgArgs(args)
		if s.rs != nil {
			return s.rs.route(ctx, s.q).QueryRowContext(ctx, query, args...)
		}
	}
	return s.stmt(ctx, query).QueryRowContext(ctx, query, args...)
}

// insertID runs an INSERT and returns the new row's id. RETURNING works on both
// engines; database/sql's LastInsertId does not exist on PostgreSQL.
func (s *Queries) insertID(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := s.queryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, translate(err)
}

// stmtQuerier adapts a prepared statement to querier (the query text is ignored).
type stmtQuerier struct{ st *sql.Stmt }

func (q stmtQuerier) ExecContext(ctx context.Context, _ string, args ...any) (sql.Result, error) {
	return q.st.ExecContext(ctx, args...)
}

func (q stmtQuerier) QueryContext(ctx context.Context, _ string, args ...any) (*sql.Rows, error) {
	return q.st.QueryContext(ctx, args...)
}

func (q stmtQuerier) QueryRowContext(ctx context.Context, _ string, args ...any) *sql.Row {
	return q.st.QueryRowContext(ctx, args...)
}

// stmtCache keeps prepared statements by query text. It is bounded: queries built
// with a variable number of placeholders could otherwise grow it without end; past
// the bound a query simply runs unprepared.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

const maxCachedStatements = 1000

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	c.mu.RLock()
	st := c.m[query]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st = c.m[query]; st != nil {
		return st
	}
	if len(c.m) >= maxCachedStatements {
		return nil
	}
	// Prepared without the request's context: the statement outlives the request.
	st, err := c.db.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil // the unprepared call reports the error
	}
	c.m[query] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = map[string]*sql.Stmt{}
}

// scanOne maps sql.ErrNoRows to ErrNotFound.
func scanOne(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return translate(err)
}

// QueryCounter counts the statements run on behalf of one context (one request), so
// tests can prove a page runs a bounded number of queries and logs can show it.
type QueryCounter struct{ n atomic.Int64 }

// Count returns the number of statements counted so far.
func (c *QueryCounter) Count() int { return int(c.n.Load()) }

type counterKey struct{}

// WithQueryCounter returns a context whose statements are counted by the returned
// counter (and by any counter already on ctx).
func WithQueryCounter(ctx context.Context) (context.Context, *QueryCounter) {
	c := &QueryCounter{}
	return context.WithValue(ctx, counterKey{}, counterChain{c: c, parent: counterFrom(ctx)}), c
}

type counterChain struct {
	c      *QueryCounter
	parent *counterChain
}

func counterFrom(ctx context.Context) *counterChain {
	if ch, ok := ctx.Value(counterKey{}).(counterChain); ok {
		return &ch
	}
	return nil
}

func countQuery(ctx context.Context, m *Metrics) {
	m.Queries.Add(1)
	for ch := counterFrom(ctx); ch != nil; ch = ch.parent {
		ch.c.n.Add(1)
	}
}

// millis converts an instant to the stored form, Unix milliseconds.
func millis(t time.Time) int64 { return t.UnixMilli() }

// FromMillis converts a stored instant to time.Time in UTC.
func FromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
