package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migrations upgrade databases made by older releases. Each file is named
// NNNN_description.sql and runs once, in order, in one transaction that also sets
// PRAGMA user_version to NNNN. A fresh database skips them: it gets schema.sql and
// the latest version number directly. TestMigrationsMatchSchema proves that running
// every migration on an empty database yields exactly schema.sql.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration %q is not named NNNN_name.sql", e.Name())
		}
		body, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migrations must be numbered 1..n without gaps; %s is #%d", m.name, i+1)
		}
	}
	return out, nil
}

// LatestVersion is the schema version this binary writes.
func LatestVersion() int {
	ms, err := loadMigrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// SchemaVersion reads PRAGMA user_version.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if db.pg {
		err := db.writer.QueryRowContext(ctx, "SELECT version FROM schema_version").Scan(&v)
		return v, err
	}
	err := db.writer.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

func (db *DB) migrate(ctx context.Context, schema string) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	current, err := db.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("store: read schema version: %w", err)
	}
	latest := len(ms)
	switch {
	case current > latest:
		return fmt.Errorf("store: database schema v%d is newer than this binary (v%d); upgrade the binary", current, latest)
	case current == latest:
		return nil
	case current == 0:
		var tables int
		if err := db.writer.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&tables); err != nil {
			return fmt.Errorf("store: inspect database: %w", err)
		}
		if tables == 0 && schema != "" {
			return db.applyVersion(ctx, schema, latest, "schema.sql")
		}
	}
	for _, m := range ms[current:] {
		if err := db.applyVersion(ctx, m.sql, m.version, m.name); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) applyVersion(ctx context.Context, script string, version int, name string) error {
	err := db.WithTx(ctx, func(tx *Queries) error {
		if _, err := tx.q.ExecContext(ctx, script); err != nil {
			return err
		}
		// PRAGMA takes no bound parameters; version is an int we produced.
		_, err := tx.q.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(version))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: apply %s: %w", name, err)
	}
	return nil
}

// restoreDeferredIndexes builds the indexes a seed defers (Seeder's DeferIndexes) if
// the database lacks them: a seed killed while loading leaves them out, and a
// database without them is correct but slow. Their definitions come from schema, so
// they are exactly what a fresh database gets. When none is missing (always, but
// after such a kill) this costs one query.
func (db *DB) restoreDeferredIndexes(ctx context.Context, schema string) error {
	names := func(q interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	}, cols string) (map[string]string, error) {
		rows, err := q.QueryContext(ctx, `SELECT name, `+cols+` FROM sqlite_schema WHERE type = 'index' AND name IN (`+
			marks(len(seedDeferredIndexes))+`)`, stringArgs(seedDeferredIndexes)...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var name, def string
			if err := rows.Scan(&name, &def); err != nil {
				return nil, err
			}
			out[name] = def
		}
		return out, rows.Err()
	}
	present, err := names(db.writer, "''")
	if err != nil {
		return fmt.Errorf("store: check indexes: %w", err)
	}
	if len(present) == len(seedDeferredIndexes) || schema == "" {
		return nil
	}
	// The definitions: the schema applied to an empty in-memory database.
	mem, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		return err
	}
	defer mem.Close()
	mem.SetMaxOpenConns(1)
	if _, err := mem.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("store: read schema: %w", err)
	}
	defs, err := names(mem, "sql")
	if err != nil {
		return fmt.Errorf("store: read schema: %w", err)
	}
	for name, def := range defs {
		if _, ok := present[name]; ok {
			continue
		}
		if _, err := db.writer.ExecContext(ctx, def); err != nil {
			return fmt.Errorf("store: restore index %s: %w", name, err)
		}
	}
	return nil
}
