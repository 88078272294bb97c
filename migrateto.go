package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"eplatform/app/store"
)

// migrateToCmd is `eplatform migrate-to postgres://…`: it copies the SQLite site in
// -data into an empty PostgreSQL database and verifies every table (rows and a
// checksum on both sides). The server must be stopped: rows written during the copy
// would be missing from it. The SQLite file is only read (and migrated to the
// current schema first, as any command would).
func migrateToCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, err := parse("migrate-to", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	if len(rest) != 1 || !store.IsPostgresURL(rest[0]) {
		return errors.New("usage: eplatform migrate-to [-data DIR] postgres://user:pass@host/db")
	}
	target := rest[0]
	if cfg.DB != "" {
		return errors.New("migrate-to copies the SQLite site in -data: leave -db (EPLATFORM_DB) unset and give the PostgreSQL URL as the argument")
	}
	if _, err := os.Stat(cfg.DatabasePath()); err != nil {
		return fmt.Errorf("no SQLite site in %s: %w", cfg.DataDir, err)
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
	src, err := store.Open(ctx, storeOptions(cfg))
	if err != nil {
		return err
	}
	defer src.Close()
	opts := storeOptions(cfg)
	opts.URL, opts.Replicas = target, nil
	dst, err := store.Open(ctx, opts)
	if err != nil {
		return err
	}
	defer dst.Close()

	fmt.Fprintf(stdout, "copying %s into PostgreSQL %s\n\n%-28s %12s %12s  %s\n", cfg.DatabaseText(), store.RedactURL(target), "table", "sqlite", "postgresql", "check")
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
	fmt.Fprintf(stdout, "Uploaded media stay in %s/media; serve with: eplatform serve -data %s -db %s\n",
		cfg.DataDir, cfg.DataDir, store.RedactURL(target))
	return nil
}
