package coursework

import (
	"testing"

	"eplatform/app/store"
)

// TestBetterAttempt: the share of the maximum decides, a tie goes to the later attempt
// (the first argument), and an attempt out of 0 marks (none can start today, but old
// data might hold one) counts as 0 %.
func TestBetterAttempt(t *testing.T) {
	at := func(score, maxScore int) store.Attempt { return store.Attempt{Score: score, MaxScore: maxScore} }
	for _, c := range []struct {
		a, b store.Attempt
		want bool
	}{
		{at(8, 10), at(6, 10), true},
		{at(6, 10), at(8, 10), false},
		{at(4, 5), at(8, 10), true}, // 80 % each: the later one
		{at(3, 4), at(8, 10), false},
		{at(0, 0), at(8, 10), false},
		{at(0, 0), at(0, 10), true},
		{at(1, 10), at(0, 0), true},
		{at(0, 0), at(0, 0), true},
	} {
		if got := better(c.a, c.b); got != c.want {
			t.Errorf("better(%d/%d, %d/%d) = %v", c.a.Score, c.a.MaxScore, c.b.Score, c.b.MaxScore, got)
		}
	}
}
