package deploy

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"debug/elf"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"eplatform/app/config"
	"eplatform/app/limit"
	"eplatform/app/live"
	"eplatform/app/media"
	"eplatform/app/testutil"
)

// root is the repository, seen from this package's directory.
const root = ".."

var (
	workDir   string // removed when the tests end
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "eplatform-deploy-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	workDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// binary builds eplatform once, the way the Dockerfile does: CGO_ENABLED=0 from a copy
// of the repository that holds only what .dockerignore lets into the build context.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() { binPath, buildErr = build(workDir) })
	if errors.Is(buildErr, exec.ErrNotFound) {
		t.Skipf("cannot build the binary: the go tool is not on PATH (%v)", buildErr)
	}
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func build(dir string) (string, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	src := filepath.Join(dir, "context")
	if err := copyBuildContext(src); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "eplatform")
	cmd := exec.Command(goTool, "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build of the Docker build context (the files .dockerignore lets through): %v\n%s", err, out)
	}
	return bin, nil
}

// copyBuildContext copies the repository to dst without what .dockerignore excludes.
// It understands the patterns Docker does except ** and ! exceptions, which it refuses
// so that .dockerignore cannot grow a pattern this copy would get wrong.
func copyBuildContext(dst string) error {
	b, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		return err
	}
	var patterns []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.Contains(line, "**") || strings.HasPrefix(line, "!") {
			return fmt.Errorf(".dockerignore: %q: ** and ! are not understood by this test's copy", line)
		}
		p := path.Clean(strings.TrimPrefix(line, "/"))
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Errorf(".dockerignore: %q: %v", line, err)
		}
		patterns = append(patterns, p)
	}
	// Docker excludes a path when a pattern matches it or one of its parent folders.
	excluded := func(rel string) bool {
		for p := rel; p != "."; p = path.Dir(p) {
			for _, pat := range patterns {
				if ok, _ := path.Match(pat, p); ok {
					return true
				}
			}
		}
		return false
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return os.MkdirAll(dst, 0o755)
		}
		if excluded(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, filepath.FromSlash(rel))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", rel)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// TestBinaryIsStatic: the image has no libc, so the binary must need none.
func TestBinaryIsStatic(t *testing.T) {
	bin := binary(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Fatalf("the binary has a %v program header: it is dynamically linked", p.Type)
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil || len(libs) > 0 {
		t.Fatalf("the binary needs shared libraries %v (%v)", libs, err)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "eplatform ") {
		t.Fatalf("eplatform version: %v %s", err, out)
	}
}

// TestSystemdUnit checks the unit with systemd's own parser (which also checks that
// ExecStart is executable, so it points at the binary just built) and keeps its
// hardening: systemd-analyze security scores it, and more than 2.0 of 10 fails.
func TestSystemdUnit(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	bin := binary(t)
	unit := read(t, "eplatform.service")
	const execStart = "ExecStart=/usr/local/bin/eplatform serve"
	if !strings.Contains(unit, execStart) {
		t.Fatalf("eplatform.service lost %q (README and this test assume it)", execStart)
	}
	file := filepath.Join(t.TempDir(), "eplatform.service")
	if err := os.WriteFile(file, []byte(strings.Replace(unit, execStart, "ExecStart="+bin+" serve", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	// Unknown or misspelt settings are only warnings, and ignored: any output fails.
	if out, err := exec.Command(analyze, "verify", file).CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	out, err := exec.Command(analyze, "security", "--offline=true", "--threshold=20", file).CombinedOutput()
	if bytes.Contains(out, []byte("unrecognized option")) {
		t.Skipf("this systemd-analyze cannot score unit files offline: %s", out)
	}
	score := regexp.MustCompile(`Overall exposure level for \S+: (.*)`).FindSubmatch(out)
	if err != nil || score == nil {
		t.Fatalf("systemd-analyze security (over 2.0 fails): %v\n%s", err, out)
	}
	t.Logf("systemd-analyze security: exposure %s", score[1])
}

// TestFilesNameWhatTheAppHas reads every eplatform command line in the deployment
// files and the README and asks the built binary whether the command and each flag
// exist; every EPLATFORM_* variable must be one the configuration reads.
func TestFilesNameWhatTheAppHas(t *testing.T) {
	bin := binary(t)
	known := map[string]bool{}
	config.Flags(flag.NewFlagSet("config", flag.ContinueOnError), func(k string) string { known[k] = true; return "" })

	flagsOf := map[string]map[string]bool{} // command → its flags, from its -h
	helpDir := t.TempDir()
	for _, name := range []string{"../Dockerfile", "eplatform.service", "Caddyfile", "nginx.conf", "../README.md"} {
		text := read(t, name)
		for _, v := range regexp.MustCompile(`EPLATFORM_[A-Z0-9_]+`).FindAllString(text, -1) {
			if !known[v] {
				t.Errorf("%s names $%s, which the configuration does not read", name, v)
			}
		}
		for n, line := range strings.Split(text, "\n") {
			for _, c := range commandLines(line) {
				cmd := strings.Join(c.words, " ")
				if flagsOf[cmd] == nil {
					h := exec.Command(bin, append(append([]string{}, c.words...), "-h")...)
					h.Dir, h.Env = helpDir, append(cleanEnv(), "EPLATFORM_DATA="+helpDir)
					out, _ := h.CombinedOutput()
					if bytes.Contains(out, []byte("unknown")) {
						t.Errorf("%s:%d: 'eplatform %s' is not a command:\n%s", name, n+1, cmd, out)
						flagsOf[cmd] = map[string]bool{}
						continue
					}
					flagsOf[cmd] = map[string]bool{"h": true}
					for _, m := range regexp.MustCompile(`(?m)^\s+-([a-z0-9-]+)`).FindAllStringSubmatch(string(out), -1) {
						flagsOf[cmd][m[1]] = true
					}
				}
				for _, f := range c.flags {
					if !flagsOf[cmd][f] {
						t.Errorf("%s:%d: 'eplatform %s' has no flag -%s", name, n+1, cmd, f)
					}
				}
			}
		}
	}
	var cmds []string
	for c := range flagsOf {
		cmds = append(cmds, c)
	}
	sort.Strings(cmds)
	if len(cmds) < 3 {
		t.Fatalf("found only the commands %v: the command-line reader is broken", cmds)
	}
	t.Logf("checked the flags of: eplatform %s", strings.Join(cmds, ", "))
}

type commandLine struct {
	words []string // e.g. [serve], [user promote]
	flags []string // without dashes
}

// commandLines finds "eplatform …" and "/path/to/eplatform …" invocations in a line.
// A bare "eplatform" is one only where a command starts: first on the line, after "#",
// "$" or "sudo", or opening a `quoted` span; elsewhere it is a name ("--name
// eplatform", "systemctl status eplatform").
func commandLines(line string) []commandLine {
	fields := strings.Fields(line)
	raw := make([]string, len(fields))
	for i, f := range fields {
		raw[i] = strings.Trim(f, "\"'`[](),")
	}
	path := regexp.MustCompile(`^(\S*/bin|\.?)/eplatform$`) // /usr/local/bin/eplatform, /eplatform, ./eplatform
	isCmd := func(i int) bool {
		if path.MatchString(raw[i]) {
			return true
		}
		return raw[i] == "eplatform" && (i == 0 || fields[i][0] == '`' || fields[i][0] == '"' ||
			fields[i-1] == "#" || fields[i-1] == "$" || fields[i-1] == "sudo")
	}
	word := regexp.MustCompile(`^[a-z]+$`)
	var out []commandLine
	for i := 0; i < len(raw); i++ {
		if !isCmd(i) {
			continue
		}
		c := commandLine{words: []string{"serve"}}
		j := i + 1
		if j < len(raw) && word.MatchString(raw[j]) {
			c.words = []string{raw[j]}
			j++
			if c.words[0] == "user" && j < len(raw) && word.MatchString(raw[j]) {
				c.words = append(c.words, raw[j])
				j++
			}
		}
		for ; j < len(raw) && !isCmd(j); j++ {
			switch tok := raw[j]; {
			case tok == "#" || tok == "|" || tok == "&&" || tok == ";":
				j = len(raw)
			case regexp.MustCompile(`^--?[a-z]`).MatchString(tok):
				name, _, _ := strings.Cut(strings.TrimLeft(tok, "-"), "=")
				c.flags = append(c.flags, name)
			}
		}
		out = append(out, c)
		i = j - 1
	}
	return out
}

func TestCommandLinesReader(t *testing.T) {
	for line, want := range map[string]string{
		"#   eplatform serve -addr 127.0.0.1:8080 -base-url https://x -trusted-proxies 127.0.0.1,::1": "serve:addr,base-url,trusted-proxies",
		`CMD ["/eplatform", "healthcheck"]`:                                       "healthcheck:",
		"#     /usr/local/bin/eplatform user promote -username alice -role admin": "user promote:username,role",
		"docker run -d --name eplatform -p 8080:8080 eplatform":                   "",
		"`docker exec eplatform /eplatform backup /data/backup.db`":               "backup:",
		"eplatform [serve] [flags]     start the site":                            "serve:",
		"upstream eplatform {":                                                    "",
		"proxy_pass http://eplatform;":                                            "",
		"eplatform backup -data /var/lib/eplatform /backups/x.db":                 "backup:data",
		"sudo eplatform backup -data /var/lib/eplatform /x.db":                    "backup:data",
		"`systemd-analyze security eplatform` rates it":                           "",
		"run `eplatform serve -h` to list":                                        "serve:h",
	} {
		var got []string
		for _, c := range commandLines(line) {
			got = append(got, strings.Join(c.words, " ")+":"+strings.Join(c.flags, ","))
		}
		if strings.Join(got, "|") != want {
			t.Errorf("%q: got %q, want %q", line, strings.Join(got, "|"), want)
		}
	}
}

// TestDockerfile checks what Docker cannot be asked here (no engine on the test
// machines): the toolchain matches go.mod, the build is static, the files it copies
// exist, and it runs unprivileged with its data, port and healthcheck in agreement.
func TestDockerfile(t *testing.T) {
	df := read(t, "../Dockerfile")
	gomod := read(t, "../go.mod")
	want := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(gomod)
	got := regexp.MustCompile(`(?m)^FROM .*golang:(\d+\.\d+)\S* AS build`).FindStringSubmatch(df)
	if want == nil || got == nil || got[1] != want[1] {
		t.Errorf("build stage uses Go %v, go.mod wants %v", got, want)
	}
	for _, s := range []string{"CGO_ENABLED=0", "go build", "USER 65532", "VOLUME /data", "EPLATFORM_DATA=/data",
		`CMD ["/eplatform", "healthcheck"]`, `ENTRYPOINT ["/eplatform"]`} {
		if !strings.Contains(df, s) {
			t.Errorf("Dockerfile lacks %q", s)
		}
	}
	for _, m := range regexp.MustCompile(`(?m)^COPY ((?:\S+ )+)\S+$`).FindAllStringSubmatch(df, -1) {
		for _, src := range strings.Fields(m[1]) {
			if strings.HasPrefix(src, "--") || strings.Contains(m[0], "--from=") {
				continue
			}
			if _, err := os.Stat(filepath.Join(root, src)); err != nil {
				t.Errorf("Dockerfile copies %s: %v", src, err)
			}
		}
	}
	addr := regexp.MustCompile(`EPLATFORM_ADDR=(\S+)`).FindStringSubmatch(df)
	expose := regexp.MustCompile(`(?m)^EXPOSE (\d+)`).FindStringSubmatch(df)
	if addr == nil || expose == nil {
		t.Fatal("Dockerfile lacks EPLATFORM_ADDR or EXPOSE")
	}
	ap, err := netip.ParseAddrPort(addr[1])
	if err != nil || !ap.Addr().IsUnspecified() || strconv.Itoa(int(ap.Port())) != expose[1] {
		t.Errorf("EPLATFORM_ADDR=%s must listen on every interface on the EXPOSEd port %s", addr[1], expose[1])
	}
}

// TestProxyExamplesAgreeWithTheApp checks, without any proxy installed, that the
// examples allow the app's largest upload, keep sockets open past the app's pings, and
// tell the app to trust the address they connect from.
func TestProxyExamplesAgreeWithTheApp(t *testing.T) {
	ngx := read(t, "nginx.conf")
	m := regexp.MustCompile(`client_max_body_size (\d+)m;`).FindStringSubmatch(ngx)
	if m == nil {
		t.Fatal("nginx.conf has no client_max_body_size in megabytes")
	}
	if n, _ := strconv.ParseInt(m[1], 10, 64); n<<20 < media.MaxMaterialBody || n<<20 > media.MaxMaterialBody+16<<20 {
		t.Errorf("client_max_body_size %sm does not match the largest upload the app takes, %d MiB", m[1], media.MaxMaterialBody>>20)
	}
	ws := regexp.MustCompile(`(?s)location /ws \{(.*?)\}`).FindStringSubmatch(ngx)
	if ws == nil {
		t.Fatal("nginx.conf has no location /ws")
	}
	for _, d := range []string{"proxy_read_timeout", "proxy_send_timeout"} {
		v := regexp.MustCompile(d + ` (\S+);`).FindStringSubmatch(ws[1])
		if v == nil {
			t.Errorf("location /ws has no %s", d)
			continue
		}
		if dur, err := time.ParseDuration(v[1]); err != nil || dur < 2*live.DefaultPingInterval {
			t.Errorf("location /ws: %s %s is not well above the app's ping interval %v", d, v[1], live.DefaultPingInterval)
		}
	}
	for _, name := range []string{"nginx.conf", "Caddyfile"} {
		text := read(t, name)
		up := regexp.MustCompile(`(?m)^\s*(?:server|reverse_proxy) (127\.0\.0\.1):(\d+)`).FindStringSubmatch(text)
		cmd := regexp.MustCompile(`eplatform serve -addr (\S+) -base-url https://\S+ -trusted-proxies (\S+)`).FindStringSubmatch(text)
		if up == nil || cmd == nil {
			t.Errorf("%s: no upstream, or no 'eplatform serve -addr … -base-url https://… -trusted-proxies …' line", name)
			continue
		}
		if cmd[1] != up[1]+":"+up[2] {
			t.Errorf("%s proxies to %s:%s but runs the app on %s", name, up[1], up[2], cmd[1])
		}
		trusted, err := limit.ParseTrusted(cmd[2])
		if peer := netip.MustParseAddr(up[1]); err != nil || !containsAddr(trusted, peer) {
			t.Errorf("%s: -trusted-proxies %s does not cover the proxy's address %s (%v)", name, cmd[2], up[1], err)
		}
	}
}

func containsAddr(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// TestNginxExample runs the real nginx with deploy/nginx.conf (ports, upstream and
// certificate swapped for test ones) in front of the real binary configured as the
// systemd unit configures it.
func TestNginxExample(t *testing.T) {
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		t.Skip("nginx is not installed (apt-get install nginx-light)")
	}
	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	port, port80 := freePort(t), freePort(t)
	base := "https://localhost:" + strconv.Itoa(port)
	app := startApp(t, base)

	site := read(t, "nginx.conf")
	for old, new := range map[string]string{
		"listen 80;":                 "listen 127.0.0.1:" + strconv.Itoa(port80) + ";",
		"listen [::]:80;":            "",
		"listen 443 ssl http2;":      "listen 127.0.0.1:" + strconv.Itoa(port) + " ssl http2;",
		"listen [::]:443 ssl http2;": "",
		"server 127.0.0.1:8080;":     "server " + app + ";",
		"/etc/letsencrypt/live/learn.example.org/fullchain.pem": cert,
		"/etc/letsencrypt/live/learn.example.org/privkey.pem":   key,
	} {
		if !strings.Contains(site, old) {
			t.Fatalf("nginx.conf no longer has %q; update this test with the example", old)
		}
		site = strings.Replace(site, old, new, 1)
	}
	write(t, filepath.Join(dir, "site.conf"), site)
	mainConf := "daemon off;\nmaster_process off;\npid " + dir + "/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n    access_log off;\n"
	for _, tmp := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		mainConf += fmt.Sprintf("    %s_temp_path %s/%s;\n", tmp, dir, tmp)
	}
	mainConf += "    include " + dir + "/site.conf;\n}\n"
	conf := filepath.Join(dir, "nginx.conf")
	write(t, conf, mainConf)

	if out, err := exec.Command(nginx, "-t", "-p", dir, "-c", conf, "-e", "stderr").CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	startProxy(t, exec.Command(nginx, "-p", dir, "-c", conf, "-e", "stderr"), port)
	checkThroughProxy(t, base, port, cert)

	// The largest material upload passes nginx; one byte more is refused before the
	// body is sent. nginx answers "Expect: 100-continue" itself when it takes a body.
	for size, want := range map[int64]string{media.MaxMaterialBody: " 100 ", media.MaxMaterialBody + 1: " 413 "} {
		conn, err := tls.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port), clientTLS(t, cert))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST /home/ HTTP/1.1\r\nHost: localhost:%d\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", port, size)
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		status, err := bufio.NewReader(conn).ReadString('\n')
		conn.Close()
		if err != nil || !strings.Contains(status, want) {
			t.Errorf("POST of %d bytes through nginx: %q %v; want%s", size, status, err, want)
		}
	}
}

// TestCaddyExample runs the real Caddy with deploy/Caddyfile (address, upstream and
// certificate swapped for test ones, no ACME) in front of the real binary.
func TestCaddyExample(t *testing.T) {
	caddy, err := exec.LookPath("caddy")
	if err != nil {
		t.Skip("caddy is not installed (apt-get install caddy)")
	}
	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	port := freePort(t)
	base := "https://localhost:" + strconv.Itoa(port)
	app := startApp(t, base)

	site := read(t, "Caddyfile")
	for old, new := range map[string]string{
		"learn.example.org {":          base + " {\n\tbind 127.0.0.1\n\ttls " + cert + " " + key,
		"reverse_proxy 127.0.0.1:8080": "reverse_proxy " + app,
	} {
		if !strings.Contains(site, old) {
			t.Fatalf("Caddyfile no longer has %q; update this test with the example", old)
		}
		site = strings.Replace(site, old, new, 1)
	}
	global := "{\n\tadmin off\n\tauto_https disable_redirects\n\tskip_install_trust\n\tstorage file_system " + dir + "/storage\n}\n"
	conf := filepath.Join(dir, "Caddyfile")
	write(t, conf, global+site)
	env := append(cleanEnv(), "HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)

	validate := exec.Command(caddy, "validate", "--config", conf, "--adapter", "caddyfile")
	validate.Env = env
	if out, err := validate.CombinedOutput(); err != nil {
		t.Fatalf("caddy validate: %v\n%s", err, out)
	}
	run := exec.Command(caddy, "run", "--config", conf, "--adapter", "caddyfile")
	run.Env = env
	startProxy(t, run, port)
	checkThroughProxy(t, base, port, cert)
}

// checkThroughProxy signs in over the proxy as a browser would (Origin set, so the
// app's cross-origin check sees the Host the proxy passed) and opens the WebSocket on
// its paths; /healthz carries the proxy's request id; /metrics stays private.
func checkThroughProxy(t *testing.T, base string, port int, cert string) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: clientTLS(t, cert),
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "tcp", "127.0.0.1:"+strconv.Itoa(port))
		},
	}}
	resp, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// The app makes 16-hex-digit ids; a kept one came from the proxy.
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"ok"`)) || len(resp.Header.Get("X-Request-ID")) == 16 {
		t.Fatalf("/healthz through the proxy: %s %s (X-Request-ID %q)", resp.Status, body, resp.Header.Get("X-Request-ID"))
	}
	if resp, err := client.Get(base + "/metrics"); err != nil || resp.StatusCode != 404 {
		t.Fatalf("/metrics through the proxy: %v %v; want 404", resp, err)
	}

	req, _ := http.NewRequest("POST", base+"/api/auth/login/", strings.NewReader(`{"username":"deploycheck","password":"Deploy-Check-Pw9"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", base)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var login struct{ Access string }
	err = json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	if resp.StatusCode != 200 || err != nil || login.Access == "" {
		t.Fatalf("sign-in through the proxy with Origin %s: %s %v", base, resp.Status, err)
	}

	for _, p := range []string{"/ws/", "/ws/chat/"} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		conn, resp, err := websocket.Dial(ctx, "wss"+strings.TrimPrefix(base, "https")+p+"?access_token="+login.Access,
			&websocket.DialOptions{HTTPClient: client, HTTPHeader: http.Header{"Origin": {base}}})
		if err != nil {
			cancel()
			status := "no response"
			if resp != nil {
				status = resp.Status
			}
			t.Fatalf("WebSocket %s through the proxy: %s: %v", p, status, err)
		}
		if err := conn.Write(ctx, websocket.MessageText, []byte(`{"type":"ping"}`)); err != nil {
			t.Fatal(err)
		}
		var frames []string
		for len(frames) < 10 {
			_, msg, err := conn.Read(ctx)
			if err != nil {
				t.Fatalf("WebSocket %s: %v after %q", p, err, frames)
			}
			if frames = append(frames, string(msg)); strings.Contains(string(msg), `"pong"`) {
				break
			}
		}
		if !strings.Contains(frames[len(frames)-1], `"pong"`) {
			t.Fatalf("WebSocket %s: no pong in %q", p, frames)
		}
		conn.Close(websocket.StatusNormalClosure, "")
		cancel()
	}
}

// startApp runs the built binary with the environment of deploy/eplatform.service
// (its own data directory, a free port, the proxy's public URL) and a user to sign in.
func startApp(t *testing.T, baseURL string) string {
	t.Helper()
	bin := binary(t)
	env := cleanEnv()
	for _, m := range regexp.MustCompile(`(?m)^Environment=(EPLATFORM_\w+=\S+)$`).FindAllStringSubmatch(read(t, "eplatform.service"), -1) {
		env = append(env, m[1])
	}
	env = append(env, "EPLATFORM_DATA="+t.TempDir(), "EPLATFORM_ADDR=127.0.0.1:0", "EPLATFORM_BASE_URL="+baseURL)

	create := exec.Command(bin, "user", "create", "-username", "deploycheck", "-email", "deploycheck@example.org",
		"-password", "Deploy-Check-Pw9", "-role", "instructor")
	create.Env = env
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("user create: %v\n%s", err, out)
	}

	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	var logs syncBuffer
	cmd.Stderr = &logs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`Listening on http://(\S+) `)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	t.Cleanup(func() {
		// The unit stops the service with SIGTERM: it must end cleanly and in time.
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("eplatform serve after SIGTERM: %v\n%s", err, logs.String())
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Errorf("eplatform serve did not stop within TimeoutStopSec after SIGTERM")
		}
	})
	select {
	case a := <-addr:
		return a
	case <-time.After(20 * time.Second):
		t.Fatalf("eplatform serve did not start:\n%s", logs.String())
		return ""
	}
}

// startProxy starts a proxy in the foreground and waits until it takes TLS connections
// on port; it is killed when the test ends.
func startProxy(t *testing.T, cmd *exec.Cmd, port int) {
	t.Helper()
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(cmd.Path), logs.String())
		}
	})
	testutil.Eventually(t, 15*time.Second, func() bool {
		select {
		case <-exited:
			t.Fatalf("%s exited:\n%s", filepath.Base(cmd.Path), logs.String())
		default:
		}
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
		if err == nil {
			c.Close()
		}
		return err == nil
	}, "%s listens on %d; it wrote:\n%s", filepath.Base(cmd.Path), port, &logs)
}

// selfSigned writes a certificate for localhost and 127.0.0.1 and its key.
func selfSigned(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	write(t, cert, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	write(t, key, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})))
	return cert, key
}

func clientTLS(t *testing.T, cert string) *tls.Config {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(read(t, cert))) {
		t.Fatal("bad test certificate")
	}
	return &tls.Config{RootCAs: pool, ServerName: "localhost"}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// cleanEnv is this process's environment without EPLATFORM_* settings a developer's
// shell may carry.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "EPLATFORM_") {
			env = append(env, kv)
		}
	}
	return env
}

func read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// syncBuffer collects a process's output while the test may read it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
