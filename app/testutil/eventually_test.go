package testutil

import (
	"testing"
	"time"
)

func TestPollStopsWhenTrue(t *testing.T) {
	calls := 0
	if !Poll(time.Minute, func() bool { calls++; return calls == 3 }) {
		t.Fatal("Poll gave up on a condition that became true")
	}
	if calls != 3 {
		t.Fatalf("cond called %d times, want 3", calls)
	}
}

func TestPollGivesUp(t *testing.T) {
	calls := 0
	if Poll(0, func() bool { calls++; return false }) {
		t.Fatal("Poll reported a false condition as true")
	}
	if calls != 1 {
		t.Fatalf("cond called %d times with no time left, want 1", calls)
	}
	// The last check comes after the deadline, so a condition that turns true
	// while the time runs out is still seen.
	start := time.Now()
	if !Poll(5*time.Millisecond, func() bool { return time.Since(start) >= 5*time.Millisecond }) {
		t.Fatal("Poll missed a condition true at its deadline")
	}
}

func TestEventually(t *testing.T) {
	n := 0
	Eventually(t, time.Minute, func() bool { n++; return n > 1 }, "n > %d", 1)
}
