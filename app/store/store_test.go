package store

import (
	"context"
	"eplatform/app/internal/pgtest"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func readSchema(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("../../schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// onPostgres: the suite runs on PostgreSQL (EPLATFORM_TEST_DB=postgres; .ci/run runs
// the store, web and API suites a second time that way).
var onPostgres = os.Getenv("EPLATFORM_TEST_DB") == "postgres"

// sqliteOnly skips a test of something only the SQLite engine has (its file, PRAGMAs,
// the bulk seeder's staging tables) when the suite runs on PostgreSQL.
func sqliteOnly(t testing.TB) {
	t.Helper()
	if onPostgres {
		t.Skip("SQLite only")
	}
}

func readPostgresSchema(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("../../schema_postgres.sql")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// openTest opens a fresh database: a SQLite file, or a PostgreSQL database under
// EPLATFORM_TEST_DB=postgres.
func openTest(t testing.TB) *DB {
	t.Helper()
	opts := Options{Path: filepath.Join(t.TempDir(), "test.db"), Schema: readSchema(t)}
	if onPostgres {
		opts.URL, opts.PostgresSchema = pgtest.URL(t), readPostgresSchema(t)
	}
	db, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openSQLiteTest opens a fresh SQLite database whatever EPLATFORM_TEST_DB says: a
// reference for what the PostgreSQL engine must reproduce.
func openSQLiteTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), Options{Path: filepath.Join(t.TempDir(), "test.db"), Schema: readSchema(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var (
	sqlComment = regexp.MustCompile(`--[^\n]*`)
	whitespace = regexp.MustCompile(`\s+`)
)

// schemaOf returns every schema object, with comments and layout normalised away, so
// two databases compare equal when their tables, indexes and triggers are the same.
func schemaOf(t *testing.T, db *DB) map[string]string {
	t.Helper()
	rows, err := db.writer.Query(`SELECT type, name, coalesce(sql, '') FROM sqlite_master`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var typ, name, def string
		if err := rows.Scan(&typ, &name, &def); err != nil {
			t.Fatal(err)
		}
		def = sqlComment.ReplaceAllString(def, "")
		def = strings.TrimSpace(whitespace.ReplaceAllString(def, " "))
		// ALTER TABLE ADD COLUMN appends ", column" after the last column's text, which may
		// end in a line break: " ," is the same definition as ",".
		def = strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(def, "( ", "("), " )", ")"), " ,", ",")
		out[typ+" "+name] = def
	}
	return out
}

func TestMigrationsMatchSchema(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	fresh := openTest(t)
	migrated, err := Open(ctx, Options{Path: filepath.Join(t.TempDir(), "migrated.db")}) // no Schema: migrations only
	if err != nil {
		t.Fatal(err)
	}
	defer migrated.Close()

	want, got := schemaOf(t, fresh), schemaOf(t, migrated)
	if len(want) < 10 {
		t.Fatalf("schema.sql defines only %d objects", len(want))
	}
	for name, def := range want {
		if got[name] != def {
			t.Errorf("%s differs:\n schema.sql: %s\n migrations: %s", name, def, got[name])
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("migrations create %s, which schema.sql lacks", name)
		}
	}
	for _, db := range []*DB{fresh, migrated} {
		v, err := db.SchemaVersion(ctx)
		if err != nil || v != LatestVersion() || v == 0 {
			t.Errorf("user_version = %d, %v; want %d", v, err, LatestVersion())
		}
	}
}

func TestReopenKeepsData(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "reopen.db")
	db, err := Open(ctx, Options{Path: path, Schema: readSchema(t)})
	if err != nil {
		t.Fatal(err)
	}
	mustCreateUser(t, db, "alice")
	db.Close()
	db, err = Open(ctx, Options{Path: path, Schema: readSchema(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.UserByUsername(ctx, "ALICE"); err != nil {
		t.Fatalf("user lost or lookup not case-insensitive: %v", err)
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "newer.db")
	db, err := Open(ctx, Options{Path: path, Schema: readSchema(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.Exec("PRAGMA user_version = 9999"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(ctx, Options{Path: path, Schema: readSchema(t)}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("want a 'newer than this binary' error, got %v", err)
	}
}

func mustCreateUser(t testing.TB, db *DB, name string) int64 {
	t.Helper()
	var id int64
	err := db.WithTx(context.Background(), func(tx *Queries) error {
		var err error
		id, err = tx.CreateUser(context.Background(), NewUser{
			Username: name, Email: name + "@example.com", PasswordHash: "x",
			UserType: "student", Now: time.Now(),
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestTypedErrors(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	mustCreateUser(t, db, "bob")

	_, err := db.UserByUsername(ctx, "nobody")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing user: want ErrNotFound, got %v", err)
	}
	err = db.WithTx(ctx, func(tx *Queries) error {
		_, err := tx.CreateUser(ctx, NewUser{Username: "BOB", Email: "other@example.com", PasswordHash: "x", UserType: "student", Now: time.Now()})
		return err
	})
	var ce *ConflictError
	if !errors.Is(err, ErrConflict) || !errors.As(err, &ce) || ce.Constraint != "users.username" {
		t.Fatalf("duplicate username (other case): want conflict on users.username, got %v", err)
	}
	err = db.WithTx(ctx, func(tx *Queries) error {
		_, err := tx.CreateUser(ctx, NewUser{Username: "carol", Email: "BOB@example.com", PasswordHash: "x", UserType: "student", Now: time.Now()})
		return err
	})
	if !errors.As(err, &ce) || ce.Constraint != "users.email" {
		t.Fatalf("duplicate email: want conflict on users.email, got %v", err)
	}
	err = db.WithTx(ctx, func(tx *Queries) error {
		_, err := tx.CreateUser(ctx, NewUser{Username: "dave", Email: "dave@example.com", PasswordHash: "x", UserType: "wizard", Now: time.Now()})
		return err
	})
	if err == nil {
		t.Fatal("CHECK on user_type did not fire")
	}
}

func TestWithTxRollsBack(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	boom := errors.New("boom")
	err := db.WithTx(ctx, func(tx *Queries) error {
		if _, err := tx.CreateUser(ctx, NewUser{Username: "eve", Email: "eve@example.com", PasswordHash: "x", UserType: "student", Now: time.Now()}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("want boom, got %v", err)
	}
	if _, err := db.UserByUsername(ctx, "eve"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("rolled-back insert is visible: %v", err)
	}
}

func TestReaderIsReadOnly(t *testing.T) {
	db := openTest(t)
	if _, err := db.CreateUser(context.Background(), NewUser{Username: "x", Email: "x@example.com", PasswordHash: "x", UserType: "student", Now: time.Now()}); err == nil {
		t.Fatal("a write through the reader pool succeeded; readers must be query_only")
	}
}

// TestConcurrentWritersNeverBusy runs read-then-write transactions from 16 goroutines
// for two seconds while readers read: immediate transactions on one writer connection
// must produce zero SQLITE_BUSY errors.
func TestConcurrentWritersNeverBusy(t *testing.T) {
	if testing.Short() {
		t.Skip("2 s concurrency test")
	}
	ctx := context.Background()
	db := openTest(t)
	id := mustCreateUser(t, db, "counter")
	if err := db.WithTx(ctx, func(tx *Queries) error { return tx.RecordLogin(ctx, id, FromMillis(0)) }); err != nil {
		t.Fatal(err)
	}

	var writes, reads, failures atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(2 * time.Second)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				err := db.WithTx(ctx, func(tx *Queries) error {
					u, err := tx.UserByID(ctx, id) // read ...
					if err != nil {
						return err
					}
					// ... then write based on what was read.
					return tx.RecordLogin(ctx, id, FromMillis(u.LastLogin.UnixMilli()+1))
				})
				if err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				writes.Add(1)
				if _, err := db.UserByID(ctx, id); err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				reads.Add(1)
			}
		}()
	}
	wg.Wait()
	if failures.Load() != 0 {
		t.Fatalf("%d failures, first: %v", failures.Load(), firstErr.Load())
	}
	if !onPostgres && db.Metrics().BusyRetries.Load() != 0 { // PostgreSQL retries serialization failures by design
		t.Fatalf("%d busy retries; want none", db.Metrics().BusyRetries.Load())
	}
	u, err := db.UserByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if u.LastLogin.UnixMilli() != writes.Load() {
		t.Fatalf("lost updates: %d writes but the counter reads %d", writes.Load(), u.LastLogin.UnixMilli())
	}
	t.Logf("%d read-then-write transactions and %d reads in 2 s, zero SQLITE_BUSY", writes.Load(), reads.Load())
}

func TestQueryCounter(t *testing.T) {
	db := openTest(t)
	mustCreateUser(t, db, "frank")
	ctx, outer := WithQueryCounter(context.Background())
	ctx2, inner := WithQueryCounter(ctx)
	for range 3 {
		if _, err := db.UserByUsername(ctx2, "frank"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.UserByUsername(ctx, "frank"); err != nil {
		t.Fatal(err)
	}
	if inner.Count() != 3 || outer.Count() != 4 {
		t.Fatalf("inner=%d outer=%d, want 3 and 4", inner.Count(), outer.Count())
	}
}

func TestBackupWhileWriting(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	db := openTest(t)
	for i := range 50 {
		mustCreateUser(t, db, "user"+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // keep writing during the backup
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			_ = db.WithTx(ctx, func(tx *Queries) error {
				return tx.RecordLogin(ctx, 1, time.Now())
			})
		}
	}()
	out := filepath.Join(t.TempDir(), "backup.db")
	err := db.Backup(ctx, out)
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	copyDB, err := Open(ctx, Options{Path: out, Schema: readSchema(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	n, err := copyDB.CountUsers(ctx)
	if err != nil || n != 50 {
		t.Fatalf("backup has %d users (%v), want 50", n, err)
	}
	if err := db.Backup(ctx, out); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
}

func TestNewDatabasesUseEightKiBPages(t *testing.T) {
	sqliteOnly(t)
	db := openTest(t)
	var size int
	var mode string
	if err := db.writer.QueryRow("PRAGMA page_size").Scan(&size); err != nil {
		t.Fatal(err)
	}
	if err := db.writer.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if size != 8192 || mode != "wal" {
		t.Fatalf("page_size %d, journal_mode %s; want 8192 and wal", size, mode)
	}
}
