// Package config reads the configuration from flags with environment fallbacks and
// keeps the secrets that are generated on first run in the data directory.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything the server can be told. Zero values are never used: Load fills
// defaults.
type Config struct {
	Addr    string // listen address
	DataDir string // database, media, secrets
	// DB is a postgres:// URL to run on PostgreSQL; "" keeps SQLite in DataDir.
	DB string
	// DBReplicaMaxLag is how far behind the primary a replica may fall and still serve.
	DBReplicaMaxLag time.Duration
	// DBReplicas are postgres:// URLs of read replicas of DB.
	DBReplicas []string
	// Media is where uploads live: "files" under DataDir/media, or "db" in PostgreSQL's
	// media_blobs, for app hosts that share no directory (needs DB).
	Media          string
	BaseURL        string // public URL, for links in mail and absolute media URLs
	Cache          string // "memory" or redis://…
	CacheMB        int    // memory budget of the in-process cache
	Redis          string // redis://… for rate limits and realtime fan-out; "" = in-process
	TrustedProxies string // comma-separated CIDRs whose X-Forwarded-For is believed
	Synchronous    string // SQLite synchronous: NORMAL or FULL
	LogFormat      string // text or json
	LogLevel       string // debug, info, warn, error
	Limits         string // overrides of rate limits: "post=10/1m,comment=30/1m"
	Demo           bool   // seed demo content into an empty database on start
	// Require2FAAdmins sends admins without a second factor to its set-up page after
	// signing in; until they set it up they can do nothing else.
	Require2FAAdmins bool

	// SocketsPerUser caps one user's WebSockets (tabs) on one process; a new one beyond
	// it closes their oldest.
	SocketsPerUser int
	// ConnsPerClient caps the requests one client address may have in progress at
	// once (0: no cap). Open WebSockets and idle keep-alive connections do not count.
	ConnsPerClient int
	// MinBodyRate is the slowest a request body may arrive, in KiB/s, once BodyGrace
	// has passed (0: no minimum).
	MinBodyRate int
	BodyGrace   time.Duration
	// MetricsAddr, when set, is a separate listener that alone serves /metrics,
	// without a token; otherwise /metrics on the site needs MetricsToken.
	MetricsAddr string
	// Scheduled backups: an archive in BackupDir every BackupEvery (0: off), the
	// newest BackupKeep kept.
	BackupDir   string
	BackupEvery time.Duration
	BackupKeep  int
	// DeletionGrace is how long an account whose owner asked to delete it waits before
	// the background job deletes it; signing in during it cancels the deletion.
	DeletionGrace time.Duration
	// AuditKeep is how long audit log entries are kept (0: forever).
	AuditKeep time.Duration

	SMTP SMTP

	// Access codes gate signing up as instructor or admin. From the environment, or
	// generated on first run and kept in DataDir/secrets.json.
	InstructorCode string
	AdminCode      string
	// MetricsToken is the bearer token /metrics asks for: from the environment, or
	// generated into secrets.json (also into one written before the token existed).
	MetricsToken string

	// GeneratedSecrets is true when this start created secrets.json, so the codes
	// are printed once.
	GeneratedSecrets bool
	// GeneratedMetricsToken is true when this start added the metrics token to
	// secrets.json, so where to find it is printed once.
	GeneratedMetricsToken bool

	envErr error // an environment value Finish reports
}

// SMTP settings; Host "" means mail goes only to the outbox.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
}

// Flags registers the serve flags on fs with defaults taken from the environment.
// Call Finish after fs.Parse.
func Flags(fs *flag.FlagSet, getenv func(string) string) *Config {
	c := &Config{}
	str := func(p *string, name, env, def, usage string) {
		if v := getenv(env); v != "" {
			def = v
		}
		fs.StringVar(p, name, def, usage+" ($"+env+")")
	}
	num := func(p *int, name, env string, def int, usage string) {
		if v, err := strconv.Atoi(getenv(env)); err == nil {
			def = v
		}
		fs.IntVar(p, name, def, usage+" ($"+env+")")
	}
	dur := func(p *time.Duration, name, env string, def time.Duration, usage string) {
		if v, err := time.ParseDuration(getenv(env)); err == nil {
			def = v
		}
		fs.DurationVar(p, name, def, usage+" ($"+env+")")
	}
	str(&c.Addr, "addr", "EPLATFORM_ADDR", "127.0.0.1:8080", "listen address")
	str(&c.DataDir, "data", "EPLATFORM_DATA", "./data", "data directory: database, media, secrets")
	str(&c.DB, "db", "EPLATFORM_DB", "", "database: empty for SQLite in the data directory, or postgres://user:pass@host/db")
	if v := getenv("EPLATFORM_DB_REPLICAS"); v != "" {
		c.DBReplicas = strings.Split(v, ",")
	}
	fs.Func("db-replica", "postgres:// URL of a read replica of -db; repeat for several ($EPLATFORM_DB_REPLICAS, comma-separated)",
		func(v string) error {
			c.DBReplicas = append(c.DBReplicas, v)
			return nil
		})
	str(&c.Media, "media", "EPLATFORM_MEDIA", "files", "uploaded media: files (in the data directory; share it over NFS between hosts) or db (in PostgreSQL, for hosts that share no directory; needs -db)")
	dur(&c.DBReplicaMaxLag, "db-replica-max-lag", "EPLATFORM_DB_REPLICA_MAX_LAG", 5*time.Second,
		"a replica further behind the primary than this is skipped until it catches up")
	str(&c.BaseURL, "base-url", "EPLATFORM_BASE_URL", "", "public URL of the site, e.g. https://learn.example.org (default http://ADDR)")
	str(&c.Cache, "cache", "EPLATFORM_CACHE", "memory", "cache backend: memory or redis://host:port/db")
	num(&c.CacheMB, "cache-mb", "EPLATFORM_CACHE_MB", 64, "memory budget of the in-process cache in MiB")
	str(&c.Redis, "redis", "EPLATFORM_REDIS", "", "redis://… for shared rate limits and realtime fan-out between processes")
	str(&c.TrustedProxies, "trusted-proxies", "EPLATFORM_TRUSTED_PROXIES", "", "comma-separated proxy CIDRs whose X-Forwarded-For is trusted")
	str(&c.Synchronous, "sync", "EPLATFORM_SYNC", "NORMAL", "SQLite synchronous mode: NORMAL or FULL")
	str(&c.LogFormat, "log-format", "EPLATFORM_LOG_FORMAT", "text", "log format: text or json")
	str(&c.LogLevel, "log-level", "EPLATFORM_LOG_LEVEL", "info", "log level: debug, info, warn, error")
	str(&c.Limits, "limits", "EPLATFORM_LIMITS", "", "rate limit overrides, e.g. post=10/1m,comment=30/1m")
	num(&c.SocketsPerUser, "sockets-per-user", "EPLATFORM_SOCKETS_PER_USER", 20, "open WebSockets (tabs) per user; a new one beyond closes the oldest")
	num(&c.ConnsPerClient, "conns-per-client", "EPLATFORM_CONNS_PER_CLIENT", 256, "requests one client address may have in progress at once; 0 for no cap")
	num(&c.MinBodyRate, "min-body-rate", "EPLATFORM_MIN_BODY_RATE", 4, "slowest request body accepted after the grace period, in KiB/s; 0 for no minimum")
	dur(&c.BodyGrace, "body-grace", "EPLATFORM_BODY_GRACE", 10*time.Second, "time a request body may take before -min-body-rate applies")
	str(&c.MetricsAddr, "metrics-addr", "EPLATFORM_METRICS_ADDR", "", "separate listener for /metrics without a token, e.g. 127.0.0.1:9090; then the site does not serve /metrics")
	str(&c.SMTP.Host, "smtp-host", "EPLATFORM_SMTP_HOST", "", "SMTP server; empty keeps mail in the admin outbox")
	num(&c.SMTP.Port, "smtp-port", "EPLATFORM_SMTP_PORT", 587, "SMTP port (STARTTLS)")
	str(&c.SMTP.Username, "smtp-user", "EPLATFORM_SMTP_USER", "", "SMTP user name")
	str(&c.SMTP.From, "smtp-from", "EPLATFORM_SMTP_FROM", "E-Platform <noreply@localhost>", "sender address of mail")
	// Secrets come only from the environment so they never show up in `ps`.
	c.SMTP.Password = getenv("EPLATFORM_SMTP_PASSWORD")
	c.InstructorCode = getenv("EPLATFORM_INSTRUCTOR_CODE")
	c.AdminCode = getenv("EPLATFORM_ADMIN_CODE")
	c.MetricsToken = getenv("EPLATFORM_METRICS_TOKEN")
	str(&c.BackupDir, "backup-dir", "EPLATFORM_BACKUP_DIR", "", "folder of scheduled backups (default DATA/backups; better on another disk)")
	every := time.Duration(0)
	if v := getenv("EPLATFORM_BACKUP_EVERY"); v != "" {
		// Ignoring a typo such as "1d" would silently mean no backups at all.
		d, err := time.ParseDuration(v)
		if err != nil {
			c.envErr = fmt.Errorf("$EPLATFORM_BACKUP_EVERY %q is not a duration such as 24h", v)
		}
		every = d
	}
	fs.DurationVar(&c.BackupEvery, "backup-every", every, "make a backup archive this often, e.g. 24h; 0 is off ($EPLATFORM_BACKUP_EVERY)")
	num(&c.BackupKeep, "backup-keep", "EPLATFORM_BACKUP_KEEP", 7, "scheduled backups to keep, newest first")
	grace := 14 * 24 * time.Hour
	if v := getenv("EPLATFORM_DELETION_GRACE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			c.envErr = fmt.Errorf("$EPLATFORM_DELETION_GRACE %q is not a duration such as 336h", v)
		}
		grace = d
	}
	fs.DurationVar(&c.DeletionGrace, "deletion-grace", grace, "how long a deleted account waits before it is deleted for good; signing in cancels ($EPLATFORM_DELETION_GRACE)")
	c.AuditKeep = 365 * 24 * time.Hour
	if v := getenv("EPLATFORM_AUDIT_KEEP"); v != "" {
		d, err := ParseDays(v)
		if err != nil {
			c.envErr = fmt.Errorf("$EPLATFORM_AUDIT_KEEP: %w", err)
		}
		c.AuditKeep = d
	}
	fs.Func("audit-keep", "keep audit log entries this long, e.g. 365d or 2160h; 0 keeps them forever (default 365d; $EPLATFORM_AUDIT_KEEP)",
		func(v string) error {
			d, err := ParseDays(v)
			c.AuditKeep = d
			return err
		})
	demo := getenv("EPLATFORM_DEMO") == "1" || getenv("EPLATFORM_DEMO") == "true"
	fs.BoolVar(&c.Demo, "demo", demo, "fill an empty database with demo content ($EPLATFORM_DEMO)")
	req2fa := getenv("EPLATFORM_REQUIRE_2FA_ADMINS") == "1" || getenv("EPLATFORM_REQUIRE_2FA_ADMINS") == "true"
	fs.BoolVar(&c.Require2FAAdmins, "require-2fa-admins", req2fa, "admins must set up two-factor authentication before doing anything else ($EPLATFORM_REQUIRE_2FA_ADMINS)")
	return c
}

// Finish validates the parsed values, fills derived defaults and loads or generates
// the secrets file.
func (c *Config) Finish() error {
	if c.envErr != nil {
		return c.envErr
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("-addr %q: %w", c.Addr, err)
	}
	if c.BaseURL == "" {
		host := c.Addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		c.BaseURL = "http://" + host
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-base-url %q must be an absolute http(s) URL", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.Cache != "memory" && !strings.HasPrefix(c.Cache, "redis://") && !strings.HasPrefix(c.Cache, "rediss://") {
		return fmt.Errorf("-cache must be memory or redis://…, not %q", c.Cache)
	}
	if c.CacheMB < 1 {
		return fmt.Errorf("-cache-mb must be at least 1")
	}
	if c.DB != "" && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		return fmt.Errorf("-db must be empty (SQLite in the data directory) or a postgres:// URL")
	}
	if len(c.DBReplicas) > 0 && c.DBReplicaMaxLag <= 0 {
		return fmt.Errorf("-db-replica-max-lag must be positive, e.g. 5s")
	}
	for _, r := range c.DBReplicas {
		if c.DB == "" {
			return fmt.Errorf("-db-replica needs -db postgres://…")
		}
		if !strings.HasPrefix(r, "postgres://") && !strings.HasPrefix(r, "postgresql://") {
			return fmt.Errorf("-db-replica must be a postgres:// URL")
		}
	}
	switch {
	case c.Media != "files" && c.Media != "db":
		return fmt.Errorf("-media must be files or db, not %q", c.Media)
	case c.Media == "db" && c.DB == "":
		return fmt.Errorf("-media db keeps uploads in PostgreSQL: it needs -db postgres://…")
	}
	c.Synchronous = strings.ToUpper(c.Synchronous)
	if c.Synchronous != "NORMAL" && c.Synchronous != "FULL" {
		return fmt.Errorf("-sync must be NORMAL or FULL")
	}
	if _, err := ParseLimits(c.Limits); err != nil {
		return err
	}
	if c.SocketsPerUser < 1 {
		return fmt.Errorf("-sockets-per-user must be at least 1")
	}
	if c.ConnsPerClient < 0 || c.MinBodyRate < 0 || c.BodyGrace < 0 {
		return fmt.Errorf("-conns-per-client, -min-body-rate and -body-grace cannot be negative")
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return fmt.Errorf("-metrics-addr %q: %w", c.MetricsAddr, err)
		}
	}
	// A minute is far below any sensible schedule; the floor catches "-backup-every 24s"
	// meant as hours before it fills the disk.
	if c.BackupEvery != 0 && c.BackupEvery < time.Minute {
		return fmt.Errorf("-backup-every must be 0 (off) or at least 1m, not %s", c.BackupEvery)
	}
	if c.DeletionGrace < 0 {
		return fmt.Errorf("-deletion-grace must not be negative, not %s", c.DeletionGrace)
	}
	if c.BackupKeep < 1 {
		return fmt.Errorf("-backup-keep must be at least 1")
	}
	if c.BackupDir == "" {
		c.BackupDir = filepath.Join(c.DataDir, "backups")
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	return c.loadSecrets()
}

// SecureCookies reports whether cookies get the Secure flag (the site is served over
// TLS, possibly by a proxy in front).
func (c *Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// DatabasePath is the SQLite file inside the data directory.
func (c *Config) DatabasePath() string { return filepath.Join(c.DataDir, "eplatform.db") }

// DatabaseText names the database for people: the SQLite file, or the PostgreSQL
// URL (without its password) and its replicas.
func (c *Config) DatabaseText() string {
	if c.DB == "" {
		return "SQLite " + c.DatabasePath()
	}
	out := "PostgreSQL " + redactURL(c.DB)
	for _, r := range c.DBReplicas {
		out += ", replica " + redactURL(r)
	}
	return out
}

// MediaText says where uploads are kept.
func (c *Config) MediaText() string {
	if c.Media == "db" {
		return "in PostgreSQL (media_blobs)"
	}
	return "files in " + c.MediaDir()
}

// MediaDir is where uploaded files live.
func (c *Config) MediaDir() string { return filepath.Join(c.DataDir, "media") }

type secrets struct {
	InstructorCode string `json:"instructor_access_code"`
	AdminCode      string `json:"admin_access_code"`
	MetricsToken   string `json:"metrics_token,omitempty"`
}

// loadSecrets reads DataDir/secrets.json, creating it with fresh random codes and a
// metrics token on the first run. A file from before the metrics token existed gets
// one added, its other keys kept as they are. Environment values win over the file.
func (c *Config) loadSecrets() error {
	path := filepath.Join(c.DataDir, "secrets.json")
	var s secrets
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(b, &keys); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if s.MetricsToken == "" && c.MetricsToken == "" {
			s.MetricsToken = randomToken()
			keys["metrics_token"], _ = json.Marshal(s.MetricsToken) // a string always encodes
			if err := writeSecrets(path, keys); err != nil {
				return err
			}
			c.GeneratedMetricsToken = true
		}
	case errors.Is(err, os.ErrNotExist):
		s = secrets{InstructorCode: randomCode(), AdminCode: randomCode(), MetricsToken: randomToken()}
		if err := writeSecrets(path, s); err != nil {
			return err
		}
		c.GeneratedSecrets = c.InstructorCode == "" || c.AdminCode == ""
		c.GeneratedMetricsToken = c.MetricsToken == ""
	default:
		return err
	}
	if c.InstructorCode == "" {
		c.InstructorCode = s.InstructorCode
	}
	if c.AdminCode == "" {
		c.AdminCode = s.AdminCode
	}
	if c.MetricsToken == "" {
		c.MetricsToken = s.MetricsToken
	}
	if c.InstructorCode == "" || c.AdminCode == "" {
		return fmt.Errorf("%s lacks an access code; delete it to generate new ones", path)
	}
	return nil
}

// writeSecrets replaces the secrets file with v as indented JSON, readable by the
// owner only. It writes a temporary file and renames it, so that a crash leaves the
// old file or the new one, never half of one (which would lose the access codes).
func writeSecrets(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".secrets-*.json") // mode 0600
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name()) // clean-up after the write error returned
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// randomToken is a secret for machines: 256 random bits in hex.
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// randomCode makes a code people can type: 12 characters without look-alikes.
func randomCode() string {
	// 32 symbols, so byte%32 is uniform.
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:4]) + "-" + string(b[4:8]) + "-" + string(b[8:])
}

// Print writes the effective configuration without secrets.
func (c *Config) Print(w io.Writer) {
	set := func(s string) string {
		if s == "" {
			return "(not set)"
		}
		return "(set)"
	}
	redis := c.Redis
	if redis == "" {
		redis = "(none: limits and fan-out in process)"
	} else {
		redis = redactURL(redis)
	}
	smtp := "(none: mail goes to the admin outbox)"
	if c.SMTP.Host != "" {
		smtp = fmt.Sprintf("%s:%d user=%s password=%s from=%s", c.SMTP.Host, c.SMTP.Port, c.SMTP.Username, set(c.SMTP.Password), c.SMTP.From)
	}
	conns := "no cap on requests in progress per client address"
	if c.ConnsPerClient > 0 {
		conns = fmt.Sprintf("at most %d in progress per client address", c.ConnsPerClient)
	}
	rate := "no minimum"
	if c.MinBodyRate > 0 {
		rate = fmt.Sprintf("at least %d KiB/s after %s", c.MinBodyRate, c.BodyGrace)
	}
	rows := [][2]string{
		{"addr", c.Addr}, {"base-url", c.BaseURL}, {"data", c.DataDir}, {"db", c.DatabaseText()}, {"media", c.MediaText()},
		{"cache", redactURL(c.Cache) + fmt.Sprintf(" (%d MiB in process)", c.CacheMB)},
		{"redis", redis}, {"trusted-proxies", orNone(c.TrustedProxies)},
		{"sync", c.Synchronous}, {"limits", orNone(c.Limits)}, {"smtp", smtp}, {"backups", orNone(c.BackupSchedule())}, {"audit-keep", c.AuditKeepText()},
		{"access codes", "(set; see $EPLATFORM_INSTRUCTOR_CODE/$EPLATFORM_ADMIN_CODE or " + filepath.Join(c.DataDir, "secrets.json") + ")"},
		{"metrics", c.MetricsWhere()},
		{"sockets", fmt.Sprintf("%d per user", c.SocketsPerUser)},
		{"client requests", conns}, {"body rate", rate},
	}
	for _, r := range rows {
		fmt.Fprintf(w, "  %-16s %s\n", r[0], r[1])
	}
}

// MetricsWhere tells where /metrics is served and how to get in, without the token.
func (c *Config) MetricsWhere() string {
	if c.MetricsAddr != "" {
		return "http://" + c.MetricsAddr + "/metrics (no token; the site itself does not serve it)"
	}
	return "/metrics on the site with Authorization: Bearer <metrics_token from " + filepath.Join(c.DataDir, "secrets.json") + " or $EPLATFORM_METRICS_TOKEN>"
}

// BackupSchedule describes the scheduled backups, or is "" when they are off.
func (c *Config) BackupSchedule() string {
	if c.BackupEvery <= 0 {
		return ""
	}
	return fmt.Sprintf("every %s to %s, keeping %d", c.BackupEvery, c.BackupDir, c.BackupKeep)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// redactURL hides a password in a URL.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	return u.Redacted()
}

// Limit is one rate limit override: n events per period.
type Limit struct {
	N      int
	Period time.Duration
}

// ParseLimits parses "name=N/period,…" (period a Go duration such as 1m or 1h).
func ParseLimits(s string) (map[string]Limit, error) {
	out := map[string]Limit{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for _, part := range strings.Split(s, ",") {
		name, spec, ok := strings.Cut(strings.TrimSpace(part), "=")
		count, period, ok2 := strings.Cut(spec, "/")
		n, err := strconv.Atoi(count)
		d, err2 := time.ParseDuration(period)
		if !ok || !ok2 || err != nil || err2 != nil || n < 1 || d <= 0 || name == "" {
			return nil, fmt.Errorf("-limits: %q is not name=N/duration (e.g. post=10/1m)", part)
		}
		out[name] = Limit{N: n, Period: d}
	}
	return out, nil
}

// ParseDays reads a duration that may also be whole days ("365d"), which
// time.ParseDuration does not know; negative ones are refused.
func ParseDays(v string) (time.Duration, error) {
	var d time.Duration
	var err error
	if n, ok := strings.CutSuffix(v, "d"); ok {
		var days int
		days, err = strconv.Atoi(n)
		d = time.Duration(days) * 24 * time.Hour
	} else {
		d, err = time.ParseDuration(v)
	}
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration such as 365d or 720h", v)
	}
	return d, nil
}

// AuditKeepText says how long audit entries are kept, for the start-up summary and
// the audit page.
func (c *Config) AuditKeepText() string {
	if c.AuditKeep <= 0 {
		return "forever"
	}
	if c.AuditKeep%(24*time.Hour) == 0 {
		return strconv.Itoa(int(c.AuditKeep/(24*time.Hour))) + " days"
	}
	return c.AuditKeep.String()
}
