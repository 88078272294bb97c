package backup

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"eplatform/app/store"
)

// A site on PostgreSQL (-db postgres://…) is archived like a SQLite one, with the
// database as a pg_dump custom-format dump (PgDumpName) in place of eplatform.db:
// media, secrets and the manifest are the same. The dump is taken in the snapshot
// the manifest's row counts were read in (pg_dump --snapshot), so the counts
// describe the dump exactly even while the site serves. Restore loads it with
// pg_restore into an empty database, in one transaction, and compares the counts.
//
// pg_dump and pg_restore are PostgreSQL's own tools: they know every type, index and
// sequence of the server's version, which a dump of our own would have to follow.
// They come with the server or the client package (Debian: postgresql-client); a
// backup without them fails and says so.

// PgDumpName is the archive entry of a PostgreSQL site's database.
const PgDumpName = "eplatform.pgdump"

// pgTool finds a PostgreSQL program: on PATH, or in Debian's versioned directories
// (/usr/lib/postgresql/N/bin, newest first: pg_dump must not be older than the server).
func pgTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	found, _ := filepath.Glob(filepath.Join("/usr/lib/postgresql", "*", "bin", name)) // the pattern is well-formed: no error

	slices.SortFunc(found, func(a, b string) int { return pgDirVersion(b) - pgDirVersion(a) })
	for _, p := range found {
		if info, err := os.Stat(p); err == nil && info.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("backup: the database is on PostgreSQL and %s was found neither on PATH nor in /usr/lib/postgresql/*/bin: install the PostgreSQL client programs (Debian: postgresql-client), or back the database up with pg_dump yourself", name)
}

// pgDirVersion is N of /usr/lib/postgresql/N/bin/…
func pgDirVersion(p string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(p)))) // not a number: 0, tried last
	return n
}

// pgCommand runs a PostgreSQL program against dbURL, the password passed in the
// environment rather than on the command line, where every user could read it.
func pgCommand(ctx context.Context, tool, dbURL string, args ...string) (*exec.Cmd, error) {
	bin, err := pgTool(tool)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return nil, fmt.Errorf("backup: %s: %w", store.RedactURL(dbURL), err)
	}
	env := os.Environ()
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	cmd := exec.CommandContext(ctx, bin, append(args, "--dbname="+u.String())...)
	cmd.Env = env
	return cmd, nil
}

// run runs cmd and returns its error with what it wrote on stderr.
func run(cmd *exec.Cmd) error {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 2000 {
			msg = msg[:2000] + "…"
		}
		return fmt.Errorf("%s: %w: %s", filepath.Base(cmd.Path), err, msg)
	}
	return nil
}

// dumpPostgres writes a custom-format dump of the database at dbURL to out and
// returns the schema version and rows per table of the dumped snapshot.
func dumpPostgres(ctx context.Context, dbURL, out string) (store.FileSummary, error) {
	snap, err := store.OpenPostgresSnapshot(ctx, dbURL)
	if err != nil {
		return store.FileSummary{}, fmt.Errorf("backup: %w", err)
	}
	defer snap.Close()
	cmd, err := pgCommand(ctx, "pg_dump", dbURL, "--format=custom", "--no-owner", "--no-privileges",
		"--snapshot="+snap.ID, "--file="+out)
	if err != nil {
		return store.FileSummary{}, err
	}
	if err := run(cmd); err != nil {
		return store.FileSummary{}, fmt.Errorf("backup: %w", err)
	}
	return snap.Summary, nil
}

// restorePostgres loads the dump at file into the empty database at dbURL, in one
// transaction, and checks it against the manifest.
func restorePostgres(ctx context.Context, dbURL, file string, m *Manifest) error {
	cmd, err := pgCommand(ctx, "pg_restore", dbURL, "--exit-on-error", "--single-transaction",
		"--no-owner", "--no-privileges", file)
	if err != nil {
		return err
	}
	if err := run(cmd); err != nil {
		return fmt.Errorf("restore: %w (nothing was kept: pg_restore ran in one transaction)", err)
	}
	sum, err := store.SummarizePostgres(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("restore: the restored database cannot be read: %w", err)
	}
	if err := compareSummary(sum, m); err != nil {
		return fmt.Errorf("%w; the database %s now holds the restored rows: drop and recreate it before trying again", err, store.RedactURL(dbURL))
	}
	return nil
}

// checkPostgresTarget refuses a database that is not empty.
func checkPostgresTarget(ctx context.Context, dbURL string) error {
	empty, err := store.PostgresEmpty(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if !empty {
		return fmt.Errorf("%w: the PostgreSQL database %s has tables; restore into an empty database (createdb a new one)", ErrNotEmpty, store.RedactURL(dbURL))
	}
	return nil
}
