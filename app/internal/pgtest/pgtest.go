// Package pgtest starts a real PostgreSQL server on a free loopback port for tests,
// the way redistest starts redis-server: the PostgreSQL backend is tested against the
// real thing, never a fake. When the server programs are missing (Debian's postgresql
// package puts them in /usr/lib/postgresql/N/bin) the test is skipped on a developer
// machine but fails under CI (the CI environment variable is set), so a green CI always
// means the PostgreSQL paths ran.
//
// The server runs from a temporary data directory with durability turned off (fsync,
// full_page_writes): it is thrown away when the test binary exits.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"eplatform/app/testutil"
)

// Server is a running PostgreSQL server.
type Server struct {
	Dir  string // data directory
	Port int
	bin  string
	cmd  *exec.Cmd
	cred *syscall.Credential
	// settings of the last start, for Resume.
	settings []string
}

// URL returns the postgres:// URL of database name on the server.
func (s *Server) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.Port, name)
}

// Bin returns the path of one of the server's programs (pg_basebackup, pg_dump, ...).
func (s *Server) Bin(name string) string { return filepath.Join(s.bin, name) }

// Command prepares a server program to run as the user the server runs as (the
// programs refuse to run as root).
func (s *Server) Command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(s.Bin(name), args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Pdeathsig: syscall.SIGQUIT}
	return cmd
}

// Stop shuts the server down immediately.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGQUIT) // immediate shutdown; a test server keeps nothing
		_ = s.cmd.Wait()                          // its exit status after SIGQUIT is not an error to report
	}
}

// CreateDB creates an empty database and returns its URL.
func (s *Server) CreateDB(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("t%d_%d", os.Getpid(), dbSeq.Add(1))
	admin, err := sql.Open("pgx", s.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	return s.URL(name)
}

var dbSeq atomic.Int64

var (
	once    sync.Once
	shared  *Server
	initErr error
)

// URL returns the URL of a fresh, empty database on a server shared by every test of
// the package (started on first use, stopped when the test binary exits).
func URL(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		removeStale()
		var dir string
		dir, initErr = os.MkdirTemp("", "pgtest-"+strconv.Itoa(os.Getpid())+"-")
		if initErr == nil {
			shared, initErr = launch(dir, nil)
		}
	})
	if initErr != nil {
		unavailable(t, initErr)
	}
	return shared.CreateDB(t)
}

// Start launches a dedicated server for one test (replication tests need their own);
// it is stopped when the test ends. extra are postgresql.conf settings (name=value).
func Start(t testing.TB, extra ...string) *Server {
	t.Helper()
	dir, err := os.MkdirTemp("", "pgtest")
	if err != nil {
		t.Fatal(err)
	}
	s, err := launch(dir, extra)
	if err != nil {
		os.RemoveAll(dir)
		unavailable(t, err)
	}
	t.Cleanup(func() { s.Stop(); os.RemoveAll(dir) })
	return s
}

// Available reports whether the PostgreSQL programs can be found.
func Available() error {
	_, err := binDir()
	return err
}

func unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("PostgreSQL is required under CI: %v", err)
	}
	t.Skipf("PostgreSQL not available: %v", err)
}

// binDir finds the directory of initdb and postgres: on PATH, or where Debian puts them.
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin") // a malformed pattern is impossible here
	sort.Sort(sort.Reverse(sort.StringSlice(dirs)))       // newest major version first
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("initdb not found on PATH or in /usr/lib/postgresql/*/bin")
}

// serverUser is whom the server runs as: PostgreSQL refuses to run as root, so under
// root (CI containers) it runs as the postgres account the Debian package creates.
func serverUser(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root and no postgres user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid) // numeric on Linux
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func launch(dir string, extra []string) (*Server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	cred, err := serverUser(dir)
	if err != nil {
		return nil, err
	}
	s := &Server{Dir: filepath.Join(dir, "data"), bin: bin, cred: cred}
	initdb := s.Command("initdb", "-D", s.Dir, "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--locale=C", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	return s, s.run(append(append([]string{}, testSettings...), extra...))
}

// testSettings are what every test server runs with: nothing is worth an fsync.
var testSettings = []string{"fsync=off", "full_page_writes=off", "synchronous_commit=off",
	"max_connections=200", "shared_buffers=32MB"}

// run starts the server on a free port with settings (name=value) and waits until it
// accepts connections.
func (s *Server) run(settings []string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	return s.runOn(port, settings)
}

func (s *Server) runOn(port int, settings []string) error {
	s.Port = port
	s.settings = settings
	args := []string{"-D", s.Dir, "-p", strconv.Itoa(port), "-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=" + filepath.Dir(s.Dir)}
	for _, kv := range settings {
		args = append(args, "-c", kv)
	}
	s.cmd = s.Command("postgres", args...)
	logf, err := os.Create(filepath.Join(filepath.Dir(s.Dir), "postgres.log"))
	if err != nil {
		return err
	}
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		return err
	}
	db, err := sql.Open("pgx", s.URL("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	ready := testutil.Poll(30*time.Second, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		return db.PingContext(ctx) == nil
	})
	if !ready {
		s.Stop()
		log, _ := os.ReadFile(logf.Name()) // best effort: only for the error message
		return fmt.Errorf("postgres did not accept connections on port %d: %s", port, strings.TrimSpace(string(log)))
	}
	return nil
}

// Restart starts a stopped server again (a replica after its base backup, or a
// primary after a crash test) on a new free port.
func (s *Server) Restart(settings ...string) error { return s.run(settings) }

// Resume starts a stopped server again on the port it had, with the same settings,
// so that URLs handed out before still reach it (a replica coming back).
func (s *Server) Resume() error { return s.runOn(s.Port, s.settings) }

// StartReplica makes a streaming replica of s with pg_basebackup -R (s needs
// wal_level=replica, PostgreSQL's default, and free WAL senders) and starts it; it is
// stopped and removed when the test ends. The checkpoint it starts from is a fast one:
// a spread checkpoint made every replica test wait about a minute and a half.
func (s *Server) StartReplica(t testing.TB) *Server {
	t.Helper()
	dir, err := os.MkdirTemp("", "pgtest-replica")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) }) // registered first: runs after the replica stops
	if _, err := serverUser(dir); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	backup := s.Command("pg_basebackup", "-D", data, "-R", "-X", "stream", "-c", "fast", "-d", s.URL("postgres"))
	if out, err := backup.CombinedOutput(); err != nil {
		t.Fatalf("pgtest: pg_basebackup: %v: %s", err, out)
	}
	return s.NewFromDir(t, data, testSettings...)
}

// NewFromDir runs a server from an existing data directory owned by the server user
// (a replica's, made by pg_basebackup).
func (s *Server) NewFromDir(t testing.TB, dir string, settings ...string) *Server {
	t.Helper()
	r := &Server{Dir: dir, bin: s.bin, cred: s.cred}
	if err := r.run(settings); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	return r
}

// removeStale deletes the data directories of shared servers whose test binary has
// exited (they die with it, but their directories stay behind).
func removeStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "pgtest-*-*")) // the pattern is well-formed
	for _, d := range dirs {
		pid, err := strconv.Atoi(strings.Split(filepath.Base(d), "-")[1])
		if err != nil || syscall.Kill(pid, 0) == nil {
			continue // not ours, or its process still runs
		}
		os.RemoveAll(d)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
