// Command eplatform is a social learning platform in one binary: feed, chat,
// subjects, quizzes, profiles and a JSON API on an embedded SQLite database.
//
//	eplatform [serve] [flags]       start the site (default)
//	eplatform migrate               bring the database schema up to date
//	eplatform backup FILE           write the site (database, media, secrets) to one archive
//	eplatform restore FILE          install an archive into an empty data directory
//	eplatform seed                  fill the database with demo content
//	eplatform migrate-to URL        copy a SQLite site into an empty PostgreSQL database
//	eplatform user create|promote|activate|deactivate …
//	eplatform user import [-dry-run] FILE.csv
//	eplatform healthcheck           probe a running server's /healthz (exit 0 or 1)
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
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"eplatform/app/audit"
	"eplatform/app/auth"
	"eplatform/app/backup"
	"eplatform/app/config"
	"eplatform/app/problem"
	"eplatform/app/roster"
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
  eplatform backup [-data DIR] [-db postgres://…] FILE
                                write the site to one archive (.zip): a snapshot of the
                                database taken while it serves (with -db: a pg_dump of it),
                                media, secrets.json and a manifest with checksums
  eplatform restore [-data DIR] [-db postgres://…] [-force] FILE
                                check an archive and install it into an empty -data
                                directory (-force replaces the site in a non-empty one;
                                stop the server first); a PostgreSQL site's archive goes
                                into the empty database -db names (pg_restore)
  eplatform seed [-users N -posts N …] fill the database with deterministic demo content
  eplatform migrate-to [-data DIR] postgres://…
                                copy the SQLite site into an empty PostgreSQL database and
                                verify every table (rows and checksums); stop the server first
  eplatform user create -username U -email E -password P [-role student|instructor|admin]
  eplatform user promote -username U -role instructor|admin|student
  eplatform user deactivate -username U    (ends their sessions and tokens)
  eplatform user activate -username U
  eplatform user import [-data DIR] [-dry-run] FILE.csv
                                create the accounts of a class list: a CSV with a header row
                                naming username, email, first_name, last_name, user_type,
                                birthdate and optionally subjects (codes to enrol in,
                                separated by spaces or semicolons). Every row is checked
                                first; one bad row imports nothing. Prints each new
                                account's set-password link (valid 7 days, also mailed)
  eplatform healthcheck [-addr A] [-timeout D]  exit 0 when the server at A answers /healthz with 200
  eplatform version

Every command takes the serve flags (-data, -db, …), before or after its arguments;
run 'eplatform serve -h' to list them.
`

func run(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && isHelpFlag(args[0]) {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	// Asked-for help is the answer, not an error: the flag listing goes to stdout and
	// the command exits 0 (a wrong flag still prints it to stderr and fails).
	if helpAsked(args) {
		stderr = stdout
	}
	err := dispatch(cmd, args, getenv, stdin, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// isHelpFlag reports whether arg is one of the spellings the flag package treats as
// a request for help.
func isHelpFlag(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "--h":
		return true
	}
	return false
}

// helpAsked reports whether a help flag stands among the flags (before "--").
func helpAsked(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if isHelpFlag(a) {
			return true
		}
	}
	return false
}

func dispatch(cmd string, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	switch cmd {
	case "serve":
		return serve(args, getenv, stdout, stderr)
	case "migrate":
		return migrate(args, getenv, stdout, stderr)
	case "backup":
		return backupCmd(args, getenv, stdout, stderr)
	case "restore":
		return restoreCmd(args, getenv, stdout, stderr)
	case "seed":
		return seedCmd(args, getenv, stdout, stderr)
	case "migrate-to":
		return migrateToCmd(args, getenv, stdout, stderr)
	case "user":
		return userCmd(args, getenv, stdin, stdout, stderr)
	case "healthcheck":
		return healthcheck(args, getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "eplatform", version())
		return nil
	case "help":
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

// parse registers the configuration flags (plus extra ones), parses args and finishes
// the config. It returns the arguments that are not flags.
func parse(name string, args []string, getenv func(string) string, stderr io.Writer, extra func(*flag.FlagSet)) (*config.Config, []string, error) {
	cfg, rest, err := parseFlags(name, args, getenv, stderr, extra)
	if err != nil {
		return nil, nil, err
	}
	if err := cfg.Finish(); err != nil {
		return nil, nil, err
	}
	return cfg, rest, nil
}

// parseFlags is parse without Finish, for commands that must not create the data
// directory or its secrets (restore needs it empty).
func parseFlags(name string, args []string, getenv func(string) string, stderr io.Writer, extra func(*flag.FlagSet)) (*config.Config, []string, error) {
	fs := flag.NewFlagSet("eplatform "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config.Flags(fs, getenv)
	if extra != nil {
		extra(fs)
	}
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, nil, err
	}
	return cfg, rest, nil
}

// parseInterspersed parses flags wherever they stand among the arguments
// (`backup FILE -data DIR` as well as `backup -data DIR FILE`); the flag package alone
// stops at the first argument that is not a flag. After "--" everything is an
// argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		left := fs.Args()
		if len(left) == 0 {
			return rest, nil
		}
		if used := len(args) - len(left); used > 0 && args[used-1] == "--" {
			return append(rest, left...), nil
		}
		rest, args = append(rest, left[0]), left[1:]
	}
}

// noArgs refuses arguments a command does not take, so a misplaced word is not ignored.
func noArgs(cmd string, rest []string) error {
	if len(rest) > 0 {
		return fmt.Errorf("%s: unexpected argument %q", cmd, rest[0])
	}
	return nil
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	_ = level.UnmarshalText([]byte(cfg.LogLevel)) // checked by config.Finish
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func openState(ctx context.Context, cfg *config.Config, log *slog.Logger) (*state.State, error) {
	return state.Open(ctx, cfg, state.Options{Schema: schemaSQL, PostgresSchema: schemaPostgresSQL, Static: staticFS(), Log: log, Version: version()})
}

func serve(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, err := parse("serve", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	if err := noArgs("serve", rest); err != nil {
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
	pruned := make(chan struct{})
	go func() {
		defer close(pruned)
		st.AuditPruner.Run(ctx)
	}()
	backups := make(chan struct{})
	go func() {
		defer close(backups)
		st.Backups.Run(ctx)
	}()
	digests := make(chan struct{})
	go func() {
		defer close(digests)
		st.Digest.Run(ctx)
	}()
	err = srv.Run(ctx, ln)
	// The metrics listener, a backup and a digest run under way end with the site, also
	// when Run failed on its own.
	stop()
	<-metricsDone
	<-backups
	<-pruned
	<-digests
	log.Info("stopped")
	return err
}

// healthcheck asks a running server for /healthz and fails unless it answers 200, so a
// container's HEALTHCHECK can probe the binary itself (the image has no curl). It reads
// -addr like serve does but not Finish, which would create the data directory.
func healthcheck(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eplatform healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config.Flags(fs, getenv)
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", cfg.Addr, err)
	}
	// A server listening on every interface is reached through loopback.
	if ip := net.ParseIP(host); host == "" || ip.Equal(net.IPv4zero) {
		host = "127.0.0.1"
	} else if ip.Equal(net.IPv6unspecified) {
		host = "::1"
	}
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	resp, err := (&http.Client{Timeout: *timeout}).Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10)) // only shown in the message
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprintf(stdout, "%s: %s\n", url, strings.TrimSpace(string(body)))
	return nil
}

func migrate(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, err := parse("migrate", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	if err := noArgs("migrate", rest); err != nil {
		return err
	}
	db, err := store.Open(context.Background(), storeOptions(cfg))
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.SchemaVersion(context.Background())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is at schema version %d\n", cfg.DatabaseText(), v)
	return nil
}

// backupCmd is `eplatform backup FILE`. It reads the data directory as it is, without
// migrating the database, so a backup taken before an upgrade holds the old schema.
func backupCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, err := parseFlags("backup", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: eplatform backup [-data DIR] FILE")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	m, size, err := backup.WriteFile(ctx, rest[0], backup.Source{DataDir: cfg.DataDir, Version: version(), Postgres: cfg.DB})
	if err != nil {
		return err
	}
	what := cfg.DataDir
	if cfg.DB != "" {
		what = cfg.DatabaseText() + " (pg_dump) and " + cfg.DataDir
	}
	fmt.Fprintf(stdout, "backed up %s to %s: %d files (%d bytes; archive %d bytes), schema version %d, %d users, %d posts, in %s\n",
		what, rest[0], len(m.Files), m.Size(), size, m.SchemaVersion, m.Tables["users"], m.Tables["posts"], time.Since(start).Round(time.Millisecond))
	return nil
}

// restoreCmd is `eplatform restore FILE`.
func restoreCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var force bool
	cfg, rest, err := parseFlags("restore", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&force, "force", false, "restore: replace the site in a data directory that is not empty")
	})
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: eplatform restore [-data DIR] [-force] FILE")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m, err := backup.Restore(ctx, rest[0], cfg.DataDir, backup.RestoreOptions{Force: force, LatestSchema: store.LatestVersion(), Postgres: cfg.DB})
	if err != nil {
		return err
	}
	if err := recordRestore(ctx, cfg, rest[0], m); err != nil {
		return fmt.Errorf("restored %s, but could not record it in the audit log: %w", rest[0], err)
	}
	into := cfg.DataDir
	if cfg.DB != "" {
		into = cfg.DatabaseText() + " (pg_restore) and " + cfg.DataDir
	}
	fmt.Fprintf(stdout, "restored %s into %s: made %s by version %s, schema version %d, %d files (%d bytes) checked, database intact, %d users, %d posts\n",
		rest[0], into, m.Created.Format(time.RFC3339), m.AppVersion, m.SchemaVersion, len(m.Files), m.Size(), m.Tables["users"], m.Tables["posts"])
	return nil
}

// recordRestore writes the restore into the restored site's audit log: the log
// otherwise shows the archive's history, with no trace that the site went back in time.
func recordRestore(ctx context.Context, cfg *config.Config, archive string, m *backup.Manifest) error {
	db, err := store.Open(ctx, storeOptions(cfg))
	if err != nil {
		return err
	}
	defer db.Close()
	return db.WithTx(ctx, func(tx *store.Queries) error {
		return audit.Record(ctx, tx, audit.Entry{At: time.Now(), Action: audit.BackupRestore,
			Target: audit.Target{Kind: audit.KindBackup, Label: filepath.Base(archive)},
			After: map[string]any{"archive_created": m.Created.UTC().Format(time.RFC3339), "app_version": m.AppVersion,
				"schema_version": m.SchemaVersion, "files": len(m.Files)}})
	})
}

func userCmd(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: eplatform user create|promote|activate|deactivate|import …")
	}
	sub, args := args[0], args[1:]
	if sub == "import" {
		return userImport(args, getenv, stdout, stderr)
	}
	var username, email, password, role, first, last, birthdate string
	cfg, rest, err := parse("user "+sub, args, getenv, stderr, func(fs *flag.FlagSet) {
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
	if err := noArgs("user "+sub, rest); err != nil {
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
		u, err := st.Auth.CreateUserAdmin(ctx, auth.SignupInput{
			Username: username, Email: email, Password1: password, FirstName: first, LastName: last,
			UserType: role, Birthdate: birthdate,
		})
		if p, ok := problem.As(err); ok && len(p.Fields) > 0 {
			var msgs []string
			for field, m := range p.Fields {
				msgs = append(msgs, "-"+strings.TrimSuffix(field, "1")+": "+strings.Join(m, " "))
			}
			slices.Sort(msgs)
			return errors.New("cannot create user:\n  " + strings.Join(msgs, "\n  "))
		}
		if err != nil {
			return err
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

// userImport is `eplatform user import FILE.csv`: the admin page's class-list import
// from the command line, printing every row's errors, or each new account's link.
func userImport(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var dryRun bool
	cfg, rest, err := parse("user import", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&dryRun, "dry-run", false, "import: check the file and show what would be created, write nothing")
	})
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: eplatform user import [-data DIR] [-dry-run] FILE.csv")
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	// One byte past the limit is enough for the service to refuse the file.
	data, err := io.ReadAll(io.LimitReader(f, roster.MaxBytes+1))
	f.Close()
	if err != nil {
		return err
	}
	ctx := context.Background()
	st, err := openState(ctx, cfg, newLogger(cfg, io.Discard))
	if err != nil {
		return err
	}
	defer st.Close()
	var rep roster.Report
	if dryRun {
		rep, err = st.Roster.Check(ctx, data)
	} else {
		rep, err = st.Roster.ImportAsOwner(ctx, data)
	}
	if p, ok := problem.As(err); ok && len(p.Fields["file"]) > 0 {
		return fmt.Errorf("%s: %s", rest[0], strings.Join(p.Fields["file"], " "))
	}
	if rep.Bad > 0 {
		for _, row := range rep.Rows {
			var msgs []string
			for field, m := range row.Errors {
				msgs = append(msgs, field+": "+strings.Join(m, " "))
			}
			slices.Sort(msgs)
			for _, m := range msgs {
				fmt.Fprintf(stdout, "%s line %d: %s\n", rest[0], row.Line, m)
			}
		}
		return fmt.Errorf("%d of %d rows have errors; nothing was imported", rep.Bad, len(rep.Rows))
	}
	if err != nil {
		return err
	}
	if dryRun {
		for _, row := range rep.Rows {
			fmt.Fprintf(stdout, "would create %s %q <%s>%s\n", row.UserType, row.Username, row.Email, enrolText(row.Subjects))
		}
		fmt.Fprintf(stdout, "%d rows are fine; nothing was written (dry run)\n", len(rep.Rows))
		return nil
	}
	for _, row := range rep.Rows {
		fmt.Fprintf(stdout, "created %s %q <%s>%s: %s\n", row.UserType, row.Username, row.Email, enrolText(row.Subjects), row.Link)
	}
	where := "in the admin outbox"
	if rep.Mailed {
		where = "mailed"
	}
	fmt.Fprintf(stdout, "imported %d users; their set-password links (valid 7 days) are %s\n", len(rep.Rows), where)
	if len(rep.MailErrors) > 0 {
		return fmt.Errorf("the invitation of %s could not be queued: send them a reset link from the admin area", strings.Join(rep.MailErrors, ", "))
	}
	return nil
}

func enrolText(codes []string) string {
	if len(codes) == 0 {
		return ""
	}
	return ", enrolled in " + strings.Join(codes, " ")
}
