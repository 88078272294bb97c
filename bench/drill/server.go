package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// buildServer compiles the eplatform binary of this checkout into dir.
func buildServer(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	bin := filepath.Join(dir, "eplatform")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, msg)
	}
	return bin, nil
}

// drillLimits lift the rate limits: the drill is a few clients writing as fast as the
// server lets them, which the limits exist to stop.
const drillLimits = "login=1000000/1m,signup=1000000/1m,post=1000000/1m,comment=1000000/1m,like=1000000/1m," +
	"upload=1000000/1m,api=100000000/1m"

// server is one run of the binary on a data directory, on a free loopback port.
type server struct {
	bin, data string
	env       []string
	cmd       *exec.Cmd
	done      chan error
	base      string // http://127.0.0.1:PORT
	logPath   string
}

// run executes a CLI command of the binary (backup, restore) and returns its output.
func run(ctx context.Context, bin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "EPLATFORM_LOG_LEVEL=warn")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

var listening = regexp.MustCompile(`Listening on (http://127\.0\.0\.1:\d+)`)

// startServer starts the binary on data and waits until it listens. Its output is
// appended to data+".log" across restarts.
func startServer(ctx context.Context, bin, data string, env ...string) (*server, error) {
	s := &server{bin: bin, data: data, env: env, logPath: data + ".log"}
	return s, s.start(ctx)
}

func (s *server) start(ctx context.Context) error {
	log, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return err
	}
	defer log.Close()
	info, err := log.Stat()
	if err != nil {
		return err
	}
	from := info.Size()
	cmd := exec.Command(s.bin, "serve")
	cmd.Env = append(os.Environ(), "EPLATFORM_DATA="+s.data, "EPLATFORM_ADDR=127.0.0.1:0",
		"EPLATFORM_LOG_LEVEL=warn", "EPLATFORM_LIMITS="+drillLimits)
	cmd.Env = append(cmd.Env, s.env...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd, s.done = cmd, make(chan error, 1)
	go func() { s.done <- cmd.Wait() }()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := listening.FindSubmatch(s.output(from)); m != nil {
			s.base = string(m[1])
			return nil
		}
		select {
		case err := <-s.done:
			return fmt.Errorf("the server exited at start: %v\n%s", err, s.output(from))
		case <-ctx.Done():
			s.kill()
			return ctx.Err()
		default:
		}
	}
	s.kill()
	return fmt.Errorf("the server did not start in 30 s:\n%s", s.output(from))
}

// output is the log since offset from.
func (s *server) output(from int64) []byte {
	f, err := os.Open(s.logPath)
	if err != nil {
		return nil
	}
	defer f.Close()
	if _, err := f.Seek(from, io.SeekStart); err != nil {
		return nil
	}
	b, _ := io.ReadAll(f)
	return b
}

// Log is the server's whole output so far (for failure reports).
func (s *server) Log() string { return string(s.output(0)) }

// kill is kill -9: no shutdown, no checkpoint, nothing flushed.
func (s *server) kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
	s.cmd = nil
}

// stop is a graceful stop (SIGTERM), which must end with exit status 0.
func (s *server) stop() error {
	if s.cmd == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		s.cmd = nil
		if err != nil {
			return fmt.Errorf("the server exited with %v after SIGTERM", err)
		}
		return nil
	case <-time.After(30 * time.Second):
		s.kill()
		return errors.New("the server did not stop within 30 s of SIGTERM")
	}
}

// restart starts the binary again on the same data directory.
func (s *server) restart(ctx context.Context) error { return s.start(ctx) }

// tail is the last lines of the log, for errors.
func (s *server) tail() string {
	lines := bytes.Split(bytes.TrimSpace(s.output(0)), []byte("\n"))
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
