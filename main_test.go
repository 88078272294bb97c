package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"eplatform/app/store"
	"eplatform/app/testutil"
)

// cli runs the command line in-process with a private data directory.
type cli struct {
	t    *testing.T
	data string
}

func (c cli) run(args ...string) (string, error) {
	var out, errOut bytes.Buffer
	env := map[string]string{"EPLATFORM_DATA": c.data}
	err := run(args, func(k string) string { return env[k] }, strings.NewReader("from-stdin-Pw9\n"), &out, &errOut)
	return out.String() + errOut.String(), err
}

func (c cli) must(args ...string) string {
	c.t.Helper()
	out, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return out
}

func TestCLIUserCommands(t *testing.T) {
	c := cli{t, t.TempDir()}
	out := c.must("user", "create", "-username", "boss", "-email", "boss@example.com", "-password", "Sup3r-Secret-Pw", "-role", "admin")
	if !strings.Contains(out, `created admin user "boss"`) {
		t.Fatalf("create: %s", out)
	}
	// A student needs a birthdate in range, and the password rules apply.
	if out, err := c.run("user", "create", "-username", "kid", "-email", "kid@example.com", "-password", "12345678", "-role", "student"); err == nil ||
		!strings.Contains(out+err.Error(), "numeric") || !strings.Contains(err.Error(), "birthdate") {
		t.Fatalf("weak password and missing birthdate accepted: %v %s", err, out)
	}
	c.must("user", "create", "-username", "stu", "-email", "stu@example.com", "-password", "-", "-birthdate", "2005-01-01")
	if _, err := c.run("user", "create", "-username", "STU", "-email", "x@example.com", "-password", "Sup3r-Secret-Pw", "-role", "instructor"); err == nil ||
		!strings.Contains(err.Error(), "already exists") {
		t.Fatalf("duplicate username (other case) accepted: %v", err)
	}
	c.must("user", "promote", "-username", "stu", "-role", "instructor")
	c.must("user", "deactivate", "-username", "stu")
	if _, err := c.run("user", "promote", "-username", "stu", "-role", "wizard"); err == nil {
		t.Fatal("unknown role accepted")
	}
	if _, err := c.run("user", "promote", "-username", "ghost", "-role", "admin"); err == nil {
		t.Fatal("unknown user accepted")
	}

	db, err := store.Open(context.Background(), store.Options{Path: filepath.Join(c.data, "eplatform.db"), Schema: schemaSQL})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.UserByUsername(context.Background(), "stu")
	if err != nil || u.UserType != "instructor" || u.IsActive {
		t.Fatalf("stu = %+v, %v; want an inactive instructor", u, err)
	}
}

func TestCLIMigrateBackupVersion(t *testing.T) {
	c := cli{t, t.TempDir()}
	if out := c.must("migrate"); !strings.Contains(out, fmt.Sprintf("schema version %d", store.LatestVersion())) {
		t.Fatalf("migrate: %s", out)
	}
	c.must("user", "create", "-username", "keep", "-email", "keep@example.com", "-password", "Sup3r-Secret-Pw", "-role", "admin")
	dst := filepath.Join(t.TempDir(), "site.zip")
	if out := c.must("backup", dst); !strings.Contains(out, "backed up") || !strings.Contains(out, "1 users") {
		t.Fatalf("backup: %s", out)
	}
	if _, err := c.run("backup", dst); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	if out := c.must("version"); !strings.HasPrefix(out, "eplatform ") {
		t.Fatalf("version: %q", out)
	}
	if _, err := c.run("frobnicate"); err == nil {
		t.Fatal("unknown command accepted")
	}
	if _, err := c.run("serve", "-sync", "SOMETIMES"); err == nil {
		t.Fatal("bad -sync accepted")
	}
	// A stray word is an error, not ignored (`eplatform -data x backup f` used to serve).
	for _, args := range [][]string{{"-data", c.data, "backup", "f.zip"}, {"migrate", "now"}, {"seed", "-quiet", "extra"}} {
		if out, err := c.run(args...); err == nil || !strings.Contains(err.Error(), "unexpected argument") {
			t.Errorf("%v: %v %s", args, err, out)
		}
	}
}

// TestCLIBackupRestore takes a site through `backup` and `restore` with flags before
// and after the file, as the README shows them.
func TestCLIBackupRestore(t *testing.T) {
	c := cli{t, t.TempDir()}
	c.must("user", "create", "-username", "keep", "-email", "keep@example.com", "-password", "Sup3r-Secret-Pw", "-role", "admin")
	picture := filepath.Join(c.data, "media", "posts", "a.png")
	if err := os.MkdirAll(filepath.Dir(picture), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(picture, []byte("\x89PNG picture bytes"), 0o640); err != nil {
		t.Fatal(err)
	}
	elsewhere := cli{t, t.TempDir()} // its $EPLATFORM_DATA is not the site
	archive := filepath.Join(t.TempDir(), "site.zip")
	if out := elsewhere.must("backup", archive, "-data", c.data); !strings.Contains(out, "3 files") {
		t.Fatalf("backup FILE -data DIR: %s", out)
	}
	second := filepath.Join(t.TempDir(), "again.zip")
	elsewhere.must("backup", "-data", c.data, second)

	target := filepath.Join(t.TempDir(), "restored")
	out := elsewhere.must("restore", archive, "-data", target)
	if !strings.Contains(out, "restored") || !strings.Contains(out, "1 users") {
		t.Fatalf("restore: %s", out)
	}
	for _, name := range []string{"secrets.json", "media/posts/a.png"} {
		a, _ := os.ReadFile(filepath.Join(c.data, name))
		b, err := os.ReadFile(filepath.Join(target, name))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs after restore (%v)", name, err)
		}
	}
	// The restored site runs: the user is there.
	restored := cli{t, target}
	restored.must("user", "promote", "-username", "keep", "-role", "instructor")

	if _, err := elsewhere.run("restore", "-data", target, second); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("restore over a site without -force: %v", err)
	}
	if out, err := elsewhere.run("restore", "-data", target, second, "-force"); err != nil {
		t.Fatalf("restore -force: %v %s", err, out)
	}
	// The archive's user is back as it was (admin), not as promoted after the restore.
	db, err := store.Open(context.Background(), store.Options{Path: filepath.Join(target, "eplatform.db"), Schema: schemaSQL})
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.UserByUsername(context.Background(), "keep")
	// The restore is in the restored site's audit log (the archive's own history is not).
	restores, lerr := db.ListAudit(context.Background(), store.AuditQuery{Action: "backup.restore"})
	if lerr != nil || len(restores) != 1 || restores[0].TargetLabel != "again.zip" || restores[0].ActorID != 0 {
		t.Errorf("restore entries: %+v (%v)", restores, lerr)
	}
	db.Close()
	if err != nil || u.UserType != "admin" {
		t.Fatalf("after restore -force keep is %+v (%v), want the archived admin", u, err)
	}

	// A damaged archive is refused with a clear message.
	raw, _ := os.ReadFile(archive)
	cut := filepath.Join(t.TempDir(), "cut.zip")
	os.WriteFile(cut, raw[:len(raw)/2], 0o600)
	if _, err := elsewhere.run("restore", cut, "-data", filepath.Join(t.TempDir(), "x")); err == nil || !strings.Contains(err.Error(), "not a valid backup archive") {
		t.Fatalf("truncated archive: %v", err)
	}
	for _, args := range [][]string{{"backup"}, {"restore"}, {"backup", "a.zip", "b.zip"}} {
		if _, err := elsewhere.run(args...); err == nil || !strings.Contains(err.Error(), "usage") {
			t.Errorf("%v: %v", args, err)
		}
	}
}

func TestParseInterspersed(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		data, rest string
	}{
		{[]string{"f.zip", "-data", "d"}, "d", "f.zip"},
		{[]string{"-data", "d", "f.zip"}, "d", "f.zip"},
		{[]string{"a", "-data=d", "b"}, "d", "a b"},
		{[]string{"-data", "d", "--", "-data", "x"}, "d", "-data x"},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		data := fs.String("data", "", "")
		rest, err := parseInterspersed(fs, tc.args)
		if err != nil || *data != tc.data || strings.Join(rest, " ") != tc.rest {
			t.Errorf("%v: data %q rest %q (%v), want %q %q", tc.args, *data, rest, err, tc.data, tc.rest)
		}
	}
}

// syncBuffer is written by serve while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestServeStartsAndStopsCleanly starts the real server like `go run .` does, checks
// the first-run output never prints secrets besides the generated codes, then sends
// SIGTERM: serve must return and leave a cleanly closed database (no WAL left).
func TestServeStartsAndStopsCleanly(t *testing.T) {
	data := t.TempDir()
	var out syncBuffer
	done := make(chan error, 1)
	env := map[string]string{"EPLATFORM_DATA": data, "EPLATFORM_ADDR": "127.0.0.1:0", "EPLATFORM_SMTP_PASSWORD": "hunter2-smtp",
		"EPLATFORM_BACKUP_EVERY": "24h"}
	go func() {
		done <- run(nil, func(k string) string { return env[k] }, nil, &out, &out)
	}()
	addr := regexp.MustCompile(`Listening on http://([0-9.:]+)`)
	var base string
	// A ceiling, not an expectation: under -race on a loaded machine opening and
	// migrating the database took over 10 s.
	testutil.Eventually(t, time.Minute, func() bool {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			base = "http://" + m[1]
		}
		return base != ""
	}, "the server says where it listens; it wrote:\n%s", &out)
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	// The container's HEALTHCHECK runs the binary against itself: through the address
	// from the environment as the image sets it (a wildcard), or from -addr.
	port := base[strings.LastIndex(base, ":")+1:]
	for _, args := range [][]string{{"healthcheck"}, {"healthcheck", "-addr", "127.0.0.1:" + port}, {"healthcheck", "-addr", ":" + port}} {
		var hc bytes.Buffer
		env := map[string]string{"EPLATFORM_ADDR": "0.0.0.0:" + port}
		if err := run(args, func(k string) string { return env[k] }, nil, &hc, &hc); err != nil || !strings.Contains(hc.String(), `"status":"ok"`) {
			t.Fatalf("%v: %v\n%s", args, err, hc.String())
		}
	}
	printed := out.String()
	if strings.Contains(printed, "hunter2-smtp") {
		t.Fatal("the SMTP password was printed")
	}
	if !strings.Contains(printed, "First run: generated access codes") {
		t.Fatalf("first run did not print the generated access codes:\n%s", printed)
	}
	// The metrics are not public; the first run says where the token is, not the token.
	var secrets struct {
		MetricsToken string `json:"metrics_token"`
	}
	if b, err := os.ReadFile(filepath.Join(data, "secrets.json")); err != nil || json.Unmarshal(b, &secrets) != nil || secrets.MetricsToken == "" {
		t.Fatalf("no metrics token in secrets.json: %v", err)
	}
	if !strings.Contains(printed, `"metrics_token" in `+data) || strings.Contains(printed, secrets.MetricsToken) {
		t.Fatalf("first run did not say where the metrics token is, or printed it:\n%s", printed)
	}
	for token, want := range map[string]int{"": http.StatusUnauthorized, secrets.MetricsToken: http.StatusOK} {
		req, _ := http.NewRequest("GET", base+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != want {
			t.Fatalf("/metrics with token %q: %v %v, want %d", token, resp, err, want)
		}
		resp.Body.Close()
	}
	// The schedule runs in serve: with no archive yet, the first is made at start.
	var archives []string
	testutil.Poll(20*time.Second, func() bool {
		archives, _ = filepath.Glob(filepath.Join(data, "backups", "eplatform-*.zip"))
		return len(archives) > 0
	})
	if len(archives) != 1 || !strings.Contains(printed, "every 24h0m0s to "+filepath.Join(data, "backups")) {
		t.Fatalf("scheduled backup at start: %v\n%s", archives, printed)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not stop after SIGTERM")
	}
	if _, err := os.Stat(filepath.Join(data, "eplatform.db-wal")); !os.IsNotExist(err) {
		t.Fatalf("WAL file left behind (database not closed cleanly): %v", err)
	}
	if out, err := (cli{t, data}).run("healthcheck", "-addr", "127.0.0.1:"+port, "-timeout", "2s"); err == nil {
		t.Fatalf("healthcheck passed with the server stopped:\n%s", out)
	}
}

// TestHealthcheckFailsOnUnhealthyAnswer: a server that answers /healthz with anything
// but 200 (the real one says 503 when the database does not answer) is unhealthy.
func TestHealthcheckFailsOnUnhealthyAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"status":"unavailable"}`)
	}))
	defer srv.Close()
	out, err := (cli{t, t.TempDir()}).run("healthcheck", "-addr", strings.TrimPrefix(srv.URL, "http://"))
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("healthcheck accepted a 503: %v\n%s", err, out)
	}
	if _, err := (cli{t, t.TempDir()}).run("healthcheck", "-addr", "no-port"); err == nil {
		t.Fatal("healthcheck accepted an address without a port")
	}
}

func TestCLIUserImport(t *testing.T) {
	c := cli{t, t.TempDir()}
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Ages are counted from today: a student born 20 years ago is in range.
	born := time.Now().AddDate(-20, 0, 0).Format(time.DateOnly)
	bad := write("bad.csv", "username,email,first_name,last_name,user_type,birthdate\r\n"+
		"ada,ada@example.com,Ada,Lovelace,student,"+born+"\r\n"+
		"ADA,bad-address,Ada,Again,student,"+born+"\r\n")
	out, err := c.run("user", "import", bad)
	if err == nil || !strings.Contains(err.Error(), "nothing was imported") ||
		!strings.Contains(out, "bad.csv line 3: email: Enter a valid email address.") || !strings.Contains(out, "line 3: username: The same username as line 2.") {
		t.Fatalf("bad file: %v\n%s", err, out)
	}
	good := write("class.csv", "\xEF\xBB\xBFemail,username,first_name,last_name,user_type,birthdate\n"+
		"ada@example.com,ada,Ada,Lovelace,student,"+born+"\n"+
		"grace@example.com,grace,Grace,Hopper,instructor,\n")
	// Flags after the file work too; a dry run writes nothing.
	out = c.must("user", "import", good, "-dry-run")
	if !strings.Contains(out, `would create student "ada" <ada@example.com>`) || !strings.Contains(out, "nothing was written") {
		t.Fatalf("dry run: %s", out)
	}
	out = c.must("user", "import", "-data", c.data, good)
	links := regexp.MustCompile(`created (student|instructor) "(ada|grace)" <[^>]+>: (http\S+/reset/[A-Za-z0-9_-]+/)`).FindAllStringSubmatch(out, -1)
	if len(links) != 2 || !strings.Contains(out, "imported 2 users") || !strings.Contains(out, "admin outbox") {
		t.Fatalf("import: %s", out)
	}
	// The accounts exist; importing again finds them taken.
	db, err := store.Open(context.Background(), store.Options{Path: filepath.Join(c.data, "eplatform.db"), Schema: schemaSQL})
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.UserByUsername(context.Background(), "grace")
	db.Close()
	if err != nil || u.UserType != "instructor" || u.Email != "grace@example.com" {
		t.Fatalf("grace: %+v %v", u, err)
	}
	out, err = c.run("user", "import", good)
	if err == nil || !strings.Contains(out, "line 2: username: A user with that username already exists.") {
		t.Fatalf("again: %v\n%s", err, out)
	}
	if _, err := c.run("user", "import"); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("no file: %v", err)
	}
	if _, err := c.run("user", "import", write("x.csv", "name,mail\n")); err == nil || !strings.Contains(err.Error(), "unknown column") {
		t.Fatalf("bad header: %v", err)
	}
}

// Asking for help is not an error: the usage goes to stdout and the exit status is 0,
// however it is asked; a wrong flag still fails with the listing on stderr.
func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}, {"serve", "-h"}, {"migrate", "-help"}, {"seed", "-h"}} {
		var out, errOut bytes.Buffer
		err := run(args, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
		if err != nil {
			t.Errorf("%v: %v", args, err)
		}
		if !strings.Contains(out.String(), "-data") && !strings.Contains(out.String(), "Usage") {
			t.Errorf("%v: no usage on stdout: %q", args, out.String())
		}
		if errOut.Len() != 0 {
			t.Errorf("%v: stderr not empty: %q", args, errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	if err := run([]string{"serve", "-no-such-flag"}, func(string) string { return "" }, strings.NewReader(""), &out, &errOut); err == nil || !strings.Contains(errOut.String(), "-data") {
		t.Errorf("a wrong flag: err %v, stderr %q", err, errOut.String())
	}
}
