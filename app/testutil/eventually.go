package testutil

import (
	"fmt"
	"testing"
	"time"
)

// Poll calls cond until it returns true or timeout has passed, and reports whether
// it did. It checks at once, then waits 1 ms, doubling up to 25 ms between checks:
// a fast condition costs almost nothing, a slow one does not spin. cond runs once
// more after the deadline, so a slow check that overruns it still counts.
func Poll(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	wait := time.Millisecond
	for {
		if cond() {
			return true
		}
		if !time.Now().Before(deadline) {
			return false
		}
		time.Sleep(min(wait, time.Until(deadline)))
		wait = min(2*wait, 25*time.Millisecond)
	}
}

// Eventually fails the test at once if cond does not become true within timeout.
// The message says what was awaited; format and args are as for fmt.Sprintf.
func Eventually(t testing.TB, timeout time.Duration, cond func() bool, format string, args ...any) {
	t.Helper()
	if !Poll(timeout, cond) {
		t.Fatalf("not within %v: %s", timeout, fmt.Sprintf(format, args...))
	}
}
