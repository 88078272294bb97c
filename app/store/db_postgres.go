package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"path"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// PostgreSQL is the second engine, for sites that outgrow one machine. The queries
// are the SQLite ones, rewritten once per query text by pgSQL (placeholders and the
// few SQLite spellings); the handful that cannot be rewritten (full-text search) branch
// on Queries.pg. The schema is schema_postgres.sql, kept table for table equal to
// schema.sql (TestSchemaPostgres).
//
// What is one immediate transaction on SQLite is one SERIALIZABLE transaction here,
// retried on a serialization failure or deadlock: the functions given to WithTx are
// already written to be safe to run twice (SQLite retries them on SQLITE_BUSY).

// IsPostgresURL reports whether u names a PostgreSQL database.
func IsPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// ErrBackupPostgres is what Backup answers on PostgreSQL: the database is the
// operator's to back up with pg_dump.
var ErrBackupPostgres = errors.New("store: the database is on PostgreSQL; back it up with pg_dump")

// RedactURL returns u without its password, for logs and pages.
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "postgres://…"
	}
	return p.Redacted()
}

func openPostgres(ctx context.Context, opts Options) (*DB, error) {
	cfg, err := pgx.ParseConfig(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", RedactURL(opts.URL), err)
	}
	conns := opts.Readers
	if conns <= 0 {
		conns = 4 * runtime.GOMAXPROCS(0)
	}
	// Two pools as on SQLite: the readers' sessions are read-only, so a write that
	// forgot WithTx fails loudly instead of running outside a transaction.
	writer := pgPool(*cfg, conns)
	rcfg := cfg.Copy()
	rcfg.RuntimeParams["default_transaction_read_only"] = "on"
	reader := pgPool(*rcfg, conns)
	for _, p := range []*sql.DB{writer, reader} {
		if err := p.PingContext(ctx); err != nil {
			writer.Close()
			reader.Close()
			return nil, fmt.Errorf("store: open %s: %w", RedactURL(opts.URL), err)
		}
	}
	m := &Metrics{}
	db := &DB{
		// pgx keeps each connection's prepared statements itself, so no stmtCache.
		Queries: &Queries{q: reader, m: m, pg: true},
		writer:  writer,
		reader:  reader,
		path:    RedactURL(opts.URL),
		metrics: m,
		pg:      true,
	}
	if err := db.migratePostgres(ctx, opts.PostgresSchema); err != nil {
		db.Close()
		return nil, err
	}
	if len(opts.Replicas) > 0 {
		// After migrating: the replicas' reads start once the schema is there.
		rs, err := openReplicas(ctx, opts.Replicas, reader, opts.ReplicaMaxLag, conns, m)
		if err != nil {
			db.Close()
			return nil, err
		}
		db.rs, db.Queries.rs = rs, rs
	}
	return db, nil
}

func pgPool(cfg pgx.ConnConfig, conns int) *sql.DB {
	pool := stdlib.OpenDB(cfg)
	pool.SetMaxOpenConns(conns)
	pool.SetMaxIdleConns(conns)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return pool
}

// IsPostgres reports whether the database is on PostgreSQL.
func (db *DB) IsPostgres() bool { return db.pg }

func (db *DB) withPgTx(ctx context.Context, fn func(tx *Queries) error) error {
	// Many: a row every request writes (a hot counter) makes transactions collide
	// often under load, and each retry is cheap.
	const attempts = 40
	var err error
	for i := range attempts {
		err = db.tryPgTx(ctx, fn)
		if err == nil || !isRetryablePg(err) || ctx.Err() != nil {
			return err
		}
		db.metrics.BusyRetries.Add(1)
		// Jittered backoff: two transactions that collided must not collide again.
		backoff := time.Duration(1<<min(i, 4)) * time.Millisecond
		time.Sleep(backoff/2 + rand.N(backoff))
	}
	return err
}

func (db *DB) tryPgTx(ctx context.Context, fn func(tx *Queries) error) (err error) {
	start := time.Now()
	tx, err := db.writer.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	db.metrics.WriterWaitNs.Add(uint64(time.Since(start)))
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	db.metrics.Transactions.Add(1)
	countQuery(ctx, db.metrics)
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback() // the panic is what matters
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback() // the error that made us roll back is the one returned
		}
	}()
	if err = fn(&Queries{q: tx, m: db.metrics, pg: true}); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	db.committed(ctx) // read-your-writes with replicas (replicas.go)
	return nil
}

// isRetryablePg: serialization failure or deadlock; the transaction may simply run
// again.
func isRetryablePg(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// translatePg maps PostgreSQL errors to the package's typed errors, naming a broken
// UNIQUE constraint as SQLite does ("users.email").
func translatePg(err error, pe *pgconn.PgError) error {
	if pe.Code != "23505" {
		return err
	}
	// Detail reads `Key (email)=(a@b.c) already exists.`; expression indexes give
	// `Key (lower(x))=...`, named by the constraint instead.
	cols := ""
	if rest, ok := strings.CutPrefix(pe.Detail, "Key ("); ok {
		if i := strings.Index(rest, ")="); i >= 0 {
			cols = rest[:i]
		}
	}
	if cols == "" || strings.Contains(cols, "(") {
		return &ConflictError{Constraint: pe.ConstraintName, err: err}
	}
	parts := strings.Split(cols, ", ")
	for i, c := range parts {
		parts[i] = pe.TableName + "." + c
	}
	return &ConflictError{Constraint: strings.Join(parts, ", "), err: err}
}

// Migrations on PostgreSQL start from schema_postgres.sql at PostgresBaseline (the
// SQLite version it equals); every later SQLite migration has a twin of the same
// number in migrations_pg. The version lives in a one-row table (SQLite keeps it in
// PRAGMA user_version).
const PostgresBaseline = 11

//go:embed migrations_pg
var pgMigrationFiles embed.FS

func loadPgMigrations() (map[int]migration, error) {
	entries, err := fs.ReadDir(pgMigrationFiles, "migrations_pg")
	if err != nil {
		return nil, err
	}
	out := map[int]migration{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, _ := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if err != nil || v <= PostgresBaseline {
			return nil, fmt.Errorf("store: PostgreSQL migration %q must be named NNNN_name.sql with NNNN > %d", e.Name(), PostgresBaseline)
		}
		body, err := pgMigrationFiles.ReadFile(path.Join("migrations_pg", e.Name()))
		if err != nil {
			return nil, err
		}
		out[v] = migration{version: v, name: e.Name(), sql: string(body)}
	}
	latest := LatestVersion()
	for v := PostgresBaseline + 1; v <= latest; v++ {
		if _, ok := out[v]; !ok {
			return nil, fmt.Errorf("store: migration %04d has no PostgreSQL twin in migrations_pg", v)
		}
	}
	if len(out) != latest-PostgresBaseline {
		return nil, fmt.Errorf("store: migrations_pg has %d files, want %d (one per SQLite migration after %d)", len(out), latest-PostgresBaseline, PostgresBaseline)
	}
	return out, nil
}

func (db *DB) migratePostgres(ctx context.Context, schema string) error {
	ms, err := loadPgMigrations()
	if err != nil {
		return err
	}
	latest := LatestVersion()
	// Two processes starting at once must not both install the schema.
	return db.WithTx(ctx, func(tx *Queries) error {
		if _, err := tx.q.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7297327)"); err != nil {
			return err
		}
		var exists bool
		if err := tx.q.QueryRowContext(ctx, `SELECT to_regclass('schema_version') IS NOT NULL`).Scan(&exists); err != nil {
			return fmt.Errorf("store: inspect database: %w", err)
		}
		current := 0
		if exists {
			if err := tx.q.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&current); err != nil {
				return fmt.Errorf("store: read schema version: %w", err)
			}
		}
		switch {
		case current > latest:
			return fmt.Errorf("store: database schema v%d is newer than this binary (v%d); upgrade the binary", current, latest)
		case current == latest:
			return nil
		case current == 0:
			var tables int
			if err := tx.q.QueryRowContext(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()`).Scan(&tables); err != nil {
				return fmt.Errorf("store: inspect database: %w", err)
			}
			if tables > 0 || schema == "" {
				return errors.New("store: the PostgreSQL database is not empty and has no E-Platform schema; give an empty database")
			}
			if _, err := tx.q.ExecContext(ctx, schema); err != nil {
				return fmt.Errorf("store: apply schema_postgres.sql: %w", err)
			}
			_, err := tx.q.ExecContext(ctx, `CREATE TABLE schema_version (version BIGINT NOT NULL);
				INSERT INTO schema_version VALUES (`+strconv.Itoa(latest)+`)`)
			return err
		}
		for v := current + 1; v <= latest; v++ {
			if _, err := tx.q.ExecContext(ctx, ms[v].sql); err != nil {
				return fmt.Errorf("store: apply %s: %w", ms[v].name, err)
			}
		}
		_, err := tx.q.ExecContext(ctx, `UPDATE schema_version SET version = `+strconv.Itoa(latest))
		return err
	})
}
