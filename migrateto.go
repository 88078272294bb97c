package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"eplatform/app/media"
	"eplatform/app/store"
)

// migrateToCmd is `eplatform migrate-to postgres://…`: it copies the SQLite site in
// -data into an empty PostgreSQL database and verifies every table (rows and a
// checksum on both sides). The server must be stopped: rows written during the copy
// would be missing from it. The SQLite file is only read (and migrated to the
// current schema first, as any command would).
func migrateToCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, err := parseFlags("migrate-to", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	if len(rest) != 1 || !store.IsPostgresURL(rest[0]) {
		return errors.New("usage: eplatform migrate-to [-data DIR] [-media db] postgres://user:pass@host/db")
	}
	target := rest[0]
	if cfg.DB != "" {
		return errors.New("migrate-to copies the SQLite site in -data: leave -db (EPLATFORM_DB) unset and give the PostgreSQL URL as the argument")
	}
	if _, err := os.Stat(cfg.DatabasePath()); err != nil {
		return fmt.Errorf("no SQLite site in %s: %w", cfg.DataDir, err)
	}
	// From here on the site's database is the target (-media db needs one).
	cfg.DB = target
	if err := cfg.Finish(); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	empty, err := store.PostgresEmpty(ctx, target)
	if err != nil {
		return err
	}
	if !empty {
		return fmt.Errorf("%s has tables: migrate-to copies into an empty database (createdb a new one)", store.RedactURL(target))
	}
	opts := storeOptions(cfg)
	opts.URL, opts.Replicas = "", nil
	src, err := store.Open(ctx, opts)
	if err != nil {
		return err
	}
	defer src.Close()
	opts.URL = target
	dst, err := store.Open(ctx, opts)
	if err != nil {
		return err
	}
	defer dst.Close()

	fmt.Fprintf(stdout, "copying SQLite %s into PostgreSQL %s\n\n%-28s %12s %12s  %s\n", cfg.DatabasePath(), store.RedactURL(target), "table", "sqlite", "postgresql", "check")
	failed := 0
	tables, err := src.CopyTo(ctx, dst, func(c store.TableCopy) {
		verdict := "OK"
		if !c.OK() {
			verdict = fmt.Sprintf("FAIL (checksum %016x, copy %016x)", c.Checksum, c.TargetChecksum)
			failed++
		}
		fmt.Fprintf(stdout, "%-28s %12d %12d  %s\n", c.Table, c.Rows, c.TargetRows, verdict)
	})
	if err != nil {
		return fmt.Errorf("%w\nthe target now holds part of the site: drop and recreate the database before trying again", err)
	}
	var rows int64
	for _, c := range tables {
		rows += c.Rows
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d tables differ after the copy; do not switch to PostgreSQL", failed, len(tables))
	}
	fmt.Fprintf(stdout, "\n%d tables, %d rows copied and verified (row counts and checksums).\n", len(tables), rows)
	if cfg.Media != "db" {
		fmt.Fprintf(stdout, "Uploaded media stay in %s; serve with: eplatform serve -data %s -db %s\n",
			cfg.MediaDir(), cfg.DataDir, store.RedactURL(target))
		return nil
	}
	files, size, err := media.CopyToDB(ctx, cfg.MediaDir(), dst)
	if err != nil {
		return fmt.Errorf("media: %w", err)
	}
	stored, storedSize, err := dst.MediaBlobStats(ctx)
	if err != nil {
		return err
	}
	if stored != files || storedSize != size {
		return fmt.Errorf("media: copied %d files (%d bytes), the database holds %d (%d bytes)", files, size, stored, storedSize)
	}
	fmt.Fprintf(stdout, "%d media files (%d bytes) copied from %s into PostgreSQL and verified.\n", files, size, cfg.MediaDir())
	fmt.Fprintf(stdout, "Serve with: eplatform serve -data %s -db %s -media db\n", cfg.DataDir, store.RedactURL(target))
	return nil
}
