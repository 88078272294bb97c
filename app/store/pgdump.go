package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// The backup package archives a PostgreSQL site with pg_dump. These functions give
// it what it records and checks without Open (which would migrate): the schema
// version and rows per table, read in the very snapshot pg_dump dumps.

// PostgresSnapshot is a REPEATABLE READ transaction held open on a PostgreSQL
// database, its snapshot exported (pg_export_snapshot) so that pg_dump --snapshot
// dumps exactly the rows Summary counted, however busy the site is.
type PostgresSnapshot struct {
	ID      string
	Summary FileSummary
	conn    *pgx.Conn
}

// OpenPostgresSnapshot begins the transaction, exports its snapshot and counts the
// rows of every table in it.
func OpenPostgresSnapshot(ctx context.Context, url string) (*PostgresSnapshot, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", RedactURL(url), err)
	}
	s := &PostgresSnapshot{conn: conn}
	fail := func(err error) (*PostgresSnapshot, error) {
		return nil, errors.Join(fmt.Errorf("store: snapshot of %s: %w", RedactURL(url), err), conn.Close(context.Background()))
	}
	if _, err := conn.Exec(ctx, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); err != nil {
		return fail(err)
	}
	if err := conn.QueryRow(ctx, "SELECT pg_export_snapshot()").Scan(&s.ID); err != nil {
		return fail(err)
	}
	if s.Summary, err = summarizePg(ctx, conn); err != nil {
		return fail(err)
	}
	return s, nil
}

// Close ends the transaction (pg_dump must have finished with the snapshot).
func (s *PostgresSnapshot) Close() error {
	return s.conn.Close(context.Background())
}

// SummarizePostgres reads the schema version and rows per table of the database at
// url (an E-Platform one: it needs schema_version).
func SummarizePostgres(ctx context.Context, url string) (FileSummary, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return FileSummary{}, fmt.Errorf("store: %s: %w", RedactURL(url), err)
	}
	defer conn.Close(context.Background())
	return summarizePg(ctx, conn)
}

func summarizePg(ctx context.Context, conn *pgx.Conn) (FileSummary, error) {
	s := FileSummary{Tables: map[string]int64{}}
	if err := conn.QueryRow(ctx, "SELECT version FROM schema_version").Scan(&s.SchemaVersion); err != nil {
		return s, fmt.Errorf("read schema version: %w", err)
	}
	rows, err := conn.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
		AND tablename <> 'schema_version' ORDER BY 1`)
	if err != nil {
		return s, err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return s, err
	}
	for _, name := range names {
		var n int64
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{name}.Sanitize()).Scan(&n); err != nil {
			return s, fmt.Errorf("count %s: %w", name, err)
		}
		s.Tables[name] = n
	}
	return s, nil
}

// PostgresEmpty reports whether the database at url has no tables in its schema: the
// only kind restore and migrate-to write into.
func PostgresEmpty(ctx context.Context, url string) (bool, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return false, fmt.Errorf("store: %s: %w", RedactURL(url), err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()`).Scan(&n); err != nil {
		return false, fmt.Errorf("store: %s: %w", RedactURL(url), err)
	}
	return n == 0, nil
}
