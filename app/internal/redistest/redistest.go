// Package redistest starts a real redis-server on a free loopback port for tests.
//
// Backends that talk to Redis are tested against the real thing, never a fake. When the
// binary is missing the test is skipped on a developer machine but fails under CI (the
// CI environment variable is set), so a green CI always means the Redis backends ran.
package redistest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"eplatform/app/testutil"
)

var (
	once      sync.Once
	sharedURL string
	startErr  error
)

// URL returns a redis:// URL of a server shared by every test of the package (started on
// first use, stopped when the test binary exits). Each call picks a fresh logical
// database number so that tests do not see each other's keys.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(func() { sharedURL, startErr = start() })
	if startErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("redis-server is required under CI: %v", startErr)
		}
		t.Skipf("redis-server not available: %v", startErr)
	}
	mu.Lock()
	db := nextDB % 16
	nextDB++
	mu.Unlock()
	return sharedURL + "/" + strconv.Itoa(db)
}

var (
	mu     sync.Mutex
	nextDB int
)

// Start launches a dedicated redis-server for one test and returns its base URL
// (without a database number). The server is killed when the test ends.
func Start(t testing.TB) string {
	t.Helper()
	url, cmd, err := launch(t.TempDir())
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("redis-server is required under CI: %v", err)
		}
		t.Skipf("redis-server not available: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return url
}

func start() (string, error) {
	dir, err := os.MkdirTemp("", "redistest")
	if err != nil {
		return "", err
	}
	url, _, err := launch(dir)
	// The shared server lives as long as the test binary: Pdeathsig (set in launch)
	// kills it when the test process exits.
	return url, err
}

func launch(dir string) (string, *exec.Cmd, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", nil, err
	}
	port, err := freePort()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(bin,
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", filepath.Join(dir, "redis.log"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	listening := testutil.Poll(10*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	if listening {
		return "redis://" + addr, cmd, nil
	}
	_ = cmd.Process.Kill()
	return "", nil, fmt.Errorf("redis-server did not listen on %s", addr)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
