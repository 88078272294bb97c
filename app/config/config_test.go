package config

import (
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func load(t *testing.T, env map[string]string, args ...string) (*Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c := Flags(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return c, c.Finish()
}

func TestDefaultsAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	c, err := load(t, map[string]string{"EPLATFORM_DATA": dir, "EPLATFORM_ADDR": "127.0.0.1:9999", "EPLATFORM_CACHE_MB": "8"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9999" || c.CacheMB != 8 || c.BaseURL != "http://127.0.0.1:9999" || c.Cache != "memory" || c.SecureCookies() {
		t.Fatalf("unexpected config %+v", c)
	}
	// A flag wins over the environment.
	c, err = load(t, map[string]string{"EPLATFORM_DATA": dir, "EPLATFORM_ADDR": "127.0.0.1:9999"}, "-addr", "127.0.0.1:7777", "-base-url", "https://learn.example.org/")
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:7777" || c.BaseURL != "https://learn.example.org" || !c.SecureCookies() {
		t.Fatalf("flags did not win: %+v", c)
	}
}

func TestSecretsGeneratedOnceAndKeptPrivate(t *testing.T) {
	dir := t.TempDir()
	first, err := load(t, map[string]string{"EPLATFORM_DATA": dir})
	if err != nil {
		t.Fatal(err)
	}
	if !first.GeneratedSecrets || len(first.InstructorCode) != 14 || first.InstructorCode == first.AdminCode {
		t.Fatalf("codes not generated properly: %+v", first)
	}
	info, err := os.Stat(filepath.Join(dir, "secrets.json"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secrets.json: %v, mode %v; want 0600", err, info.Mode())
	}
	second, _ := load(t, map[string]string{"EPLATFORM_DATA": dir})
	if second.GeneratedSecrets || second.InstructorCode != first.InstructorCode || second.AdminCode != first.AdminCode {
		t.Fatal("second start did not reuse the generated codes")
	}
	env, _ := load(t, map[string]string{"EPLATFORM_DATA": dir, "EPLATFORM_ADMIN_CODE": "FROM-ENV"})
	if env.AdminCode != "FROM-ENV" || env.InstructorCode != first.InstructorCode {
		t.Fatal("environment code did not win over the file")
	}
	var onDisk map[string]string
	b, _ := os.ReadFile(filepath.Join(dir, "secrets.json"))
	if json.Unmarshal(b, &onDisk) != nil || onDisk["admin_access_code"] != first.AdminCode {
		t.Fatal("secrets.json does not hold the generated codes")
	}
	var printed strings.Builder
	first.Print(&printed)
	if strings.Contains(printed.String(), first.AdminCode) || strings.Contains(printed.String(), first.InstructorCode) {
		t.Fatal("Print shows an access code")
	}
}

func TestMetricsTokenGeneratedOnceAndKeptPrivate(t *testing.T) {
	dir := t.TempDir()
	first, err := load(t, map[string]string{"EPLATFORM_DATA": dir})
	if err != nil {
		t.Fatal(err)
	}
	if !first.GeneratedMetricsToken || len(first.MetricsToken) != 64 {
		t.Fatalf("metrics token not generated: %q", first.MetricsToken)
	}
	second, _ := load(t, map[string]string{"EPLATFORM_DATA": dir})
	if second.GeneratedMetricsToken || second.MetricsToken != first.MetricsToken {
		t.Fatal("second start did not reuse the metrics token")
	}
	env, _ := load(t, map[string]string{"EPLATFORM_DATA": dir, "EPLATFORM_METRICS_TOKEN": "from-env"})
	if env.MetricsToken != "from-env" {
		t.Fatal("environment token did not win over the file")
	}
	var printed strings.Builder
	first.Print(&printed)
	if strings.Contains(printed.String(), first.MetricsToken) || !strings.Contains(printed.String(), "metrics_token") {
		t.Fatalf("Print shows the metrics token or not where it is:\n%s", printed.String())
	}
}

// A secrets.json written before the metrics token existed keeps its codes (and any
// key this version does not know) and gains a token.
func TestMetricsTokenAddedToAnOldSecretsFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "secrets.json")
	old := `{"instructor_access_code": "OLD-INST", "admin_access_code": "OLD-ADMN", "future_key": {"x": 1}}`
	if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := load(t, map[string]string{"EPLATFORM_DATA": dir})
	if err != nil {
		t.Fatal(err)
	}
	if c.GeneratedSecrets || !c.GeneratedMetricsToken || c.InstructorCode != "OLD-INST" || c.AdminCode != "OLD-ADMN" || len(c.MetricsToken) != 64 {
		t.Fatalf("after the upgrade: %+v", c)
	}
	var onDisk map[string]any
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &onDisk); err != nil {
		t.Fatal(err)
	}
	if onDisk["metrics_token"] != c.MetricsToken || onDisk["admin_access_code"] != "OLD-ADMN" || onDisk["future_key"] == nil {
		t.Fatalf("secrets.json after the upgrade: %s", b)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secrets.json mode after the upgrade: %v %v", info.Mode(), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("temporary files left beside secrets.json: %v", entries)
	}
	again, _ := load(t, map[string]string{"EPLATFORM_DATA": dir})
	if again.GeneratedMetricsToken || again.MetricsToken != c.MetricsToken {
		t.Fatal("the added token was not kept")
	}

	// With the token in the environment, an old file is left alone.
	dir2 := t.TempDir()
	path2 := filepath.Join(dir2, "secrets.json")
	os.WriteFile(path2, []byte(old), 0o600)
	if _, err := load(t, map[string]string{"EPLATFORM_DATA": dir2, "EPLATFORM_METRICS_TOKEN": "from-env"}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path2); string(b) != old {
		t.Fatalf("secrets.json rewritten although the token came from the environment: %s", b)
	}
}

func TestInvalidValues(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"-addr", "nonsense"}, {"-base-url", "ftp://x"}, {"-cache", "memcached://x"}, {"-cache-mb", "0"},
		{"-sync", "OFF"}, {"-limits", "post=ten/1m"}, {"-limits", "post=10"}, {"-limits", "post=0/1m"},
		{"-sockets-per-user", "0"}, {"-conns-per-client", "-1"}, {"-min-body-rate", "-4"}, {"-body-grace", "-1s"},
		{"-metrics-addr", "9090"},
		{"-backup-every", "24"}, {"-backup-every", "10s"}, {"-backup-keep", "0"},
		{"-audit-keep", "1y"}, {"-audit-keep", "-3d"}, {"-audit-keep", "d"},
	} {
		if _, err := load(t, map[string]string{"EPLATFORM_DATA": dir}, args...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

func TestParseLimits(t *testing.T) {
	got, err := ParseLimits(" post=10/1m, upload=20/1h ")
	if err != nil {
		t.Fatal(err)
	}
	if got["post"] != (Limit{10, time.Minute}) || got["upload"] != (Limit{20, time.Hour}) || len(got) != 2 {
		t.Fatalf("got %v", got)
	}
}

func TestPrintRedactsRedisPassword(t *testing.T) {
	c, err := load(t, map[string]string{"EPLATFORM_DATA": t.TempDir()}, "-redis", "redis://:s3cret@127.0.0.1:6379/0")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	c.Print(&b)
	if strings.Contains(b.String(), "s3cret") {
		t.Fatal("redis password printed")
	}
}

func TestBackupSchedule(t *testing.T) {
	dir := t.TempDir()
	c, err := load(t, map[string]string{"EPLATFORM_DATA": dir})
	if err != nil {
		t.Fatal(err)
	}
	if c.BackupEvery != 0 || c.BackupSchedule() != "" || c.BackupKeep != 7 || c.BackupDir != filepath.Join(dir, "backups") {
		t.Fatalf("defaults: every %v keep %d dir %s", c.BackupEvery, c.BackupKeep, c.BackupDir)
	}
	c, err = load(t, map[string]string{"EPLATFORM_DATA": dir, "EPLATFORM_BACKUP_EVERY": "24h", "EPLATFORM_BACKUP_KEEP": "3", "EPLATFORM_BACKUP_DIR": "/srv/b"})
	if err != nil {
		t.Fatal(err)
	}
	if c.BackupSchedule() != "every 24h0m0s to /srv/b, keeping 3" {
		t.Fatalf("from the environment: %q", c.BackupSchedule())
	}
	c, err = load(t, map[string]string{"EPLATFORM_DATA": dir, "EPLATFORM_BACKUP_EVERY": "24h"}, "-backup-every", "6h", "-backup-keep", "2")
	if err != nil || c.BackupEvery != 6*time.Hour || c.BackupKeep != 2 {
		t.Fatalf("flags did not win: %v %v %d", err, c.BackupEvery, c.BackupKeep)
	}
	if _, err := load(t, map[string]string{"EPLATFORM_DATA": dir, "EPLATFORM_BACKUP_EVERY": "1d"}); err == nil || !strings.Contains(err.Error(), "EPLATFORM_BACKUP_EVERY") {
		t.Fatalf("a bad $EPLATFORM_BACKUP_EVERY: %v", err)
	}
	var b strings.Builder
	c.Print(&b)
	if !strings.Contains(b.String(), "every 6h0m0s") {
		t.Fatalf("Print lacks the schedule:\n%s", b.String())
	}
}

func TestAuditKeep(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		env, flag string
		want      time.Duration
	}{
		{"", "", 365 * 24 * time.Hour},
		{"30d", "", 30 * 24 * time.Hour},
		{"30d", "720h", 720 * time.Hour},
		{"", "0", 0},
	} {
		var args []string
		if c.flag != "" {
			args = []string{"-audit-keep", c.flag}
		}
		cfg, err := load(t, map[string]string{"EPLATFORM_DATA": dir, "EPLATFORM_AUDIT_KEEP": c.env}, args...)
		if err != nil || cfg.AuditKeep != c.want {
			t.Errorf("env %q flag %q: %v (%v), want %v", c.env, c.flag, cfg.AuditKeep, err, c.want)
		}
	}
	if _, err := load(t, map[string]string{"EPLATFORM_DATA": dir, "EPLATFORM_AUDIT_KEEP": "soon"}); err == nil {
		t.Error("a bad $EPLATFORM_AUDIT_KEEP was accepted")
	}
}

// TestMedia: uploads are files unless -media db, which needs PostgreSQL.
func TestMedia(t *testing.T) {
	env := map[string]string{"EPLATFORM_DATA": t.TempDir()}
	if c, err := load(t, env); err != nil || c.Media != "files" || !strings.Contains(c.MediaText(), "files in") {
		t.Fatalf("default: %+v %v", c, err)
	}
	if _, err := load(t, env, "-media", "db"); err == nil || !strings.Contains(err.Error(), "needs -db") {
		t.Errorf("-media db on SQLite: %v", err)
	}
	if _, err := load(t, env, "-media", "s3"); err == nil || !strings.Contains(err.Error(), "files or db") {
		t.Errorf("-media s3: %v", err)
	}
	env["EPLATFORM_MEDIA"] = "db"
	if c, err := load(t, env, "-db", "postgres://u@localhost/e"); err != nil || c.Media != "db" || !strings.Contains(c.MediaText(), "PostgreSQL") {
		t.Errorf("$EPLATFORM_MEDIA=db with -db: %+v %v", c, err)
	}
}
