package store

import (
	"context"
	"database/sql"
	"os"
	"strings"
)

// Raw is a way into the database for tests and tools that need SQL the store has no
// query for (counting every table's rows, planting a broken row). Its statements are
// written in the store's dialect — SQLite's — and rewritten for PostgreSQL like the
// store's own. It writes outside WithTx: never use it in the application.
type Raw struct {
	db *sql.DB
	pg bool
}

// Raw returns the database's raw access (the writer pool).
func (db *DB) Raw() Raw { return Raw{db: db.writer, pg: db.pg} }

func (r Raw) sql(q string, args []any) (string, []any) {
	if r.pg {
		return pgSQL(q), pgArgs(args)
	}
	return q, args
}

// Exec runs a statement.
func (r Raw) Exec(q string, args ...any) (sql.Result, error) {
	q, args = r.sql(q, args)
	return r.db.Exec(q, args...)
}

// Query runs a query.
func (r Raw) Query(q string, args ...any) (*sql.Rows, error) {
	q, args = r.sql(q, args)
	return r.db.Query(q, args...)
}

// QueryRow runs a query of one row.
func (r Raw) QueryRow(q string, args ...any) *sql.Row {
	q, args = r.sql(q, args)
	return r.db.QueryRow(q, args...)
}

// Prepare prepares a statement.
func (r Raw) Prepare(q string) (*sql.Stmt, error) {
	q, _ = r.sql(q, nil)
	return r.db.Prepare(q)
}

// Size is the database's size on disk: the SQLite file and its write-ahead log, or
// the PostgreSQL database.
func (db *DB) Size(ctx context.Context) (int64, error) {
	if db.pg {
		var n int64
		err := db.reader.QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&n)
		return n, err
	}
	var n int64
	for _, p := range []string{db.path, db.path + "-wal"} {
		info, err := os.Stat(p)
		switch {
		case err == nil:
			n += info.Size()
		case !os.IsNotExist(err): // no WAL file is no bytes
			return 0, err
		}
	}
	return n, nil
}

// Tables lists the application's tables by name: not the engines' own, not SQLite's
// full-text index tables, not PostgreSQL's schema_version.
func (db *DB) Tables(ctx context.Context) ([]string, error) {
	query := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
		AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name`
	if db.pg {
		query = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_version' ORDER BY 1`
	}
	rows, err := db.writer.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		// FTS5's shadow tables (posts_fts_data, ...) are real tables.
		if strings.Contains(name, "_fts") {
			continue
		}
		out = append(out, name)
	}
	return out, rows.Err()
}
