package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
)

// The functions here work on a database file by path, without Open: they must not
// migrate it (a backup taken before an upgrade has to be of the old schema) and they
// serve the backup package, which handles files that no server has open yet.

// VacuumInto writes a consistent copy of the database at dbPath to out with VACUUM
// INTO. It reads one snapshot and does not block writers, so it is safe while the site
// serves, from this process or another. out must not exist.
func VacuumInto(ctx context.Context, dbPath, out string) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("store: backup: %s already exists", out)
	}
	conn, err := openFile(dbPath)
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", out); err != nil {
		return fmt.Errorf("store: backup to %s: %w", out, err)
	}
	return nil
}

// FileSummary is what a backup manifest records about a database file.
type FileSummary struct {
	SchemaVersion int              // PRAGMA user_version
	Tables        map[string]int64 // rows per table, FTS shadow tables left out
}

// Summarize counts the rows of every table of the database file at path.
func Summarize(ctx context.Context, path string) (FileSummary, error) {
	conn, err := openFile(path)
	if err != nil {
		return FileSummary{}, err
	}
	defer conn.Close()
	s := FileSummary{Tables: map[string]int64{}}
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&s.SchemaVersion); err != nil {
		return s, fmt.Errorf("store: %s: %w", path, err)
	}
	rows, err := conn.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return s, fmt.Errorf("store: %s: %w", path, err)
	}
	var names, virtual []string
	for rows.Next() {
		var name string
		var def sql.NullString
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return s, err
		}
		names = append(names, name)
		if strings.HasPrefix(strings.ToUpper(def.String), "CREATE VIRTUAL TABLE") {
			virtual = append(virtual, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s, err
	}
	// The full-text tables are derived from their content tables (and the external
	// content ones count those same rows); their shadow tables are FTS5's storage.
	// Counting them would only add noise.
	derived := func(name string) bool {
		for _, v := range virtual {
			if name == v || strings.HasPrefix(name, v+"_") {
				return true
			}
		}
		return false
	}
	for _, name := range names {
		if derived(name) {
			continue
		}
		var n int64
		// The name comes from sqlite_schema, quoted as an identifier.
		q := `SELECT count(*) FROM "` + strings.ReplaceAll(name, `"`, `""`) + `"`
		if err := conn.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return s, fmt.Errorf("store: count %s: %w", name, err)
		}
		s.Tables[name] = n
	}
	return s, nil
}

// CheckFile runs PRAGMA integrity_check on the database file at path and returns an
// error naming the first problems it reports.
func CheckFile(ctx context.Context, path string) error {
	conn, err := openFile(path)
	if err != nil {
		return err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, "PRAGMA integrity_check(20)")
	if err != nil {
		return fmt.Errorf("store: integrity check of %s: %w", path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("store: integrity check of %s: %w", path, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: integrity check of %s: %w", path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("store: integrity check of %s failed: %s", path, strings.Join(problems, "; "))
	}
	return nil
}

// openFile opens one connection on an existing database file. SQLite would create a
// missing file, and an empty database must never pass for a backup.
func openFile(path string) (*sql.DB, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("store: no database at %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("store: %s is not a database file", path)
	}
	conn, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	if err := conn.Ping(); err != nil {
		conn.Close()
		return nil, errors.Join(fmt.Errorf("store: open %s", path), err)
	}
	return conn, nil
}
