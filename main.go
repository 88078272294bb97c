// Command eplatform is a social learning platform in one binary: feed, chat,
// subjects, quizzes, profiles and a JSON API on an embedded SQLite database.
//
//	eplatform [serve] [flags]       start the site (default)
//	eplatform migrate               bring the database schema up to date
//	eplatform backup FILE           write a consistent copy of the database
//	eplatform seed                  fill the database with demo content
//	eplatform user create|promote|activate|deactivate …
//	eplatform version
//
// Run `eplatform help` or `eplatform serve -h` for the flags.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"eplatform/app/auth"
	"eplatform/app/config"
	"eplatform/app/seed"
	"eplatform/app/server"
	"eplatform/app/state"
	"eplatform/app/store"
)

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "eplatform:", err)
		}
		os.Exit(1)
	}
}

const usage = `eplatform — a social learning platform in one binary

Usage:
  eplatform [serve] [flags]     start the site (default command)
  eplatform migrate [flags]     create or upgrade the database, then exit
  eplatform backup [flags] FILE write a consistent copy of the live database to FILE
  eplatform seed [-users N -posts N …] fill the database with deterministic demo content
  eplatform user create -username U -email E -password P [-role student|instructor|admin]
  eplatform user promote -username U -role instructor|admin|student
  eplatform user deactivate -username U    (ends their sessions and tokens)
  eplatform user activate -username U
  eplatform version

Every command takes the serve flags (-data, …); run 'eplatform serve -h' to list them.
`

func run(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, getenv, stdout, stderr)
	case "migrate":
		return migrate(args, getenv, stdout, stderr)
	case "backup":
		return backup(args, getenv, stdout, stderr)
	case "seed":
		return seedCmd(args, getenv, stdout, stderr)
	case "user":
		return userCmd(args, getenv, stdin, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "eplatform", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// version is the VCS revision the binary was built from.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "", ""
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev == "" {
		return info.Main.Version
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return rev + dirty
}

// parse registers the configuration flags (plus extra ones) and finishes the config.
func parse(name string, args []string, getenv func(string) string, stderr io.Writer, extra func(*flag.FlagSet)) (*config.Config, *flag.FlagSet, error) {
	fs := flag.NewFlagSet("eplatform "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config.Flags(fs, getenv)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if err := cfg.Finish(); err != nil {
		return nil, nil, err
	}
	return cfg, fs, nil
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func openState(ctx context.Context, cfg *config.Config, log *slog.Logger) (*state.State, error) {
	return state.Open(ctx, cfg, state.Options{Schema: schemaSQL, Static: staticFS(), Log: log})
}

func serve(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, err := parse("serve", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := openState(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("close", "err", err)
		}
	}()
	if cfg.Demo {
		if err := seed.Demo(ctx, st.DB, stdout); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	srv, err := server.New(st)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	var metricsLn net.Listener
	if cfg.MetricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("-metrics-addr: %w", err)
		}
	}
	fmt.Fprintf(stdout, "E-Platform %s\n", version())
	cfg.Print(stdout)
	if cfg.GeneratedSecrets {
		fmt.Fprintf(stdout, "\nFirst run: generated access codes (kept in %s/secrets.json):\n  instructor: %s\n  admin:      %s\n",
			cfg.DataDir, cfg.InstructorCode, cfg.AdminCode)
	}
	if cfg.GeneratedMetricsToken && cfg.MetricsAddr == "" {
		fmt.Fprintf(stdout, "\nGenerated a token for /metrics: \"metrics_token\" in %s/secrets.json. Prometheus sends it as a\nbearer token (see the README), or serve the metrics on a private address with -metrics-addr.\n",
			cfg.DataDir)
	}
	fmt.Fprintf(stdout, "\nListening on http://%s — open %s/ in a browser. Ctrl-C stops.\n", ln.Addr(), cfg.BaseURL)
	if metricsLn != nil {
		fmt.Fprintf(stdout, "Metrics on http://%s/metrics (no token: keep this address private).\n", metricsLn.Addr())
	}

	go st.Janitor(ctx, 10*time.Minute)
	metricsDone := make(chan struct{})
	go func() {
		defer close(metricsDone)
		if metricsLn != nil {
			if err := srv.RunMetrics(ctx, metricsLn); err != nil {
				log.Error("metrics listener", "err", err)
			}
		}
	}()
	err = srv.Run(ctx, ln)
	stop() // the metrics listener ends with the site, also when Run failed
	<-metricsDone
	log.Info("stopped")
	return err
}

func migrate(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, err := parse("migrate", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	db, err := store.Open(context.Background(), store.Options{Path: cfg.DatabasePath(), Schema: schemaSQL, Synchronous: cfg.Synchronous})
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.SchemaVersion(context.Background())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is at schema version %d\n", cfg.DatabasePath(), v)
	return nil
}

func backup(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, fs, err := parse("backup", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: eplatform backup [flags] FILE")
	}
	out := fs.Arg(0)
	if _, err := os.Stat(cfg.DatabasePath()); err != nil {
		return fmt.Errorf("no database at %s: %w", cfg.DatabasePath(), err)
	}
	db, err := store.Open(context.Background(), store.Options{Path: cfg.DatabasePath(), Schema: schemaSQL, Synchronous: cfg.Synchronous})
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(context.Background(), out); err != nil {
		return err
	}
	info, _ := os.Stat(out)
	fmt.Fprintf(stdout, "backed up %s to %s (%d bytes) in %s\n", cfg.DatabasePath(), out, info.Size(), time.Since(start).Round(time.Millisecond))
	return nil
}

func userCmd(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: eplatform user create|promote|activate|deactivate …")
	}
	sub, args := args[0], args[1:]
	var username, email, password, role, first, last, birthdate string
	cfg, _, err := parse("user "+sub, args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "user name")
		fs.StringVar(&email, "email", "", "email address (create)")
		fs.StringVar(&password, "password", "", "password (create); '-' reads it from standard input")
		fs.StringVar(&role, "role", "", "student, instructor or admin")
		fs.StringVar(&first, "first", "", "first name (create; default: the username)")
		fs.StringVar(&last, "last", "", "last name (create; default: the role)")
		fs.StringVar(&birthdate, "birthdate", "", "YYYY-MM-DD (create; required for students)")
	})
	if err != nil {
		return err
	}
	if username == "" {
		return errors.New("-username is required")
	}
	log := newLogger(cfg, io.Discard)
	ctx := context.Background()
	st, err := openState(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()

	if sub == "create" {
		if password == "-" {
			line, err := bufio.NewReader(stdin).ReadString('\n')
			if err != nil && line == "" {
				return fmt.Errorf("read password: %w", err)
			}
			password = strings.TrimRight(line, "\r\n")
		}
		if role == "" {
			role = auth.Student
		}
		if first == "" {
			first = username
		}
		if last == "" {
			last = strings.ToUpper(role[:1]) + role[1:]
		}
		u, errs, err := st.Auth.CreateUserAdmin(ctx, auth.SignupInput{
			Username: username, Email: email, Password1: password, FirstName: first, LastName: last,
			UserType: role, Birthdate: birthdate,
		})
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			var msgs []string
			for field, m := range errs {
				msgs = append(msgs, "-"+strings.TrimSuffix(field, "1")+": "+strings.Join(m, " "))
			}
			return errors.New("cannot create user:\n  " + strings.Join(msgs, "\n  "))
		}
		fmt.Fprintf(stdout, "created %s user %q (id %d)\n", u.UserType, u.Username, u.ID)
		return nil
	}

	u, err := st.DB.UserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user %q", username)
	}
	if err != nil {
		return err
	}
	switch sub {
	case "promote":
		if err := st.Auth.SetRole(ctx, u.ID, role); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is now %s\n", u.Username, role)
	case "deactivate":
		if err := st.Auth.SetActive(ctx, u.ID, false); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is deactivated; their sessions and tokens are ended\n", u.Username)
	case "activate":
		if err := st.Auth.SetActive(ctx, u.ID, true); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is active again\n", u.Username)
	default:
		return fmt.Errorf("unknown user command %q", sub)
	}
	return nil
}
