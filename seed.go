package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"eplatform/app/seed"
	"eplatform/app/store"
)

// seedCmd is `eplatform seed`: it fills the database at -data with deterministic demo
// content, reporting progress on stderr and the summary on stdout.
func seedCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o := seed.DefaultOptions()
	var quiet, check bool
	cfg, rest, err := parse("seed", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.IntVar(&o.Users, "users", o.Users, "seed: number of users (one admin `admin`, about 5% instructors, the rest students)")
		fs.IntVar(&o.Posts, "posts", o.Posts, "seed: number of posts, spread over the past 90 days")
		fs.Float64Var(&o.CommentsPerPost, "comments-per-post", o.CommentsPerPost, "seed: mean number of comments per post")
		fs.Float64Var(&o.LikesPerPost, "likes-per-post", o.LikesPerPost, "seed: mean number of likes per post")
		fs.Int64Var(&o.Seed, "seed", o.Seed, "seed: random seed; the same seed gives the same users and texts")
		fs.StringVar(&o.Password, "password", o.Password, "seed: the password of every seeded user")
		fs.BoolVar(&o.Force, "force", false, "seed: add demo data even if the database already has users")
		fs.BoolVar(&quiet, "quiet", false, "seed: no progress report, only the summary")
		fs.BoolVar(&check, "check", false, "seed: verify the database's consistency afterwards (slow on large data)")
	})
	if err != nil {
		return err
	}
	if err := noArgs("seed", rest); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	opts := storeOptions(cfg)
	opts.Readers = 2
	db, err := store.Open(ctx, opts)
	if err != nil {
		return err
	}
	defer db.Close()
	if !quiet {
		o.Progress = seed.NewProgress(stderr, seed.IsTerminal(stderr))
	}
	res, err := seed.Run(ctx, db, o)
	if errors.Is(err, seed.ErrNotEmpty) {
		return fmt.Errorf("%s already has users: seeding would mix demo accounts into real data; pass -force to do it anyway", cfg.DatabaseText())
	}
	if err != nil {
		if res.Rows > 0 {
			fmt.Fprintf(stderr, "seed: stopped after %d rows; the committed batches are consistent and stay\n", res.Rows)
		}
		return err
	}
	fmt.Fprintln(stdout, res)
	if info, err := os.Stat(cfg.DatabasePath()); err == nil {
		fmt.Fprintf(stdout, "database %s: %.1f MiB\n", cfg.DatabasePath(), float64(info.Size())/(1<<20))
	}
	res.Logins(stdout, o.Password)
	if check {
		problems, err := db.SeedCheck(ctx)
		if err != nil {
			return err
		}
		if len(problems) > 0 {
			for _, p := range problems {
				fmt.Fprintln(stderr, "check:", p)
			}
			return errors.New("seed: the consistency check failed")
		}
		fmt.Fprintln(stdout, "check: consistent (counters, notifications, foreign keys, integrity, search indexes and vocabulary)")
	}
	return nil
}
