package seed

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Progress reports a long seed: a bar redrawn in place on a terminal, plain lines
// every few seconds otherwise. A nil *Progress reports nothing. It is used from one
// goroutine.
type Progress struct {
	w        io.Writer
	tty      bool
	interval time.Duration
	now      func() time.Time

	start      time.Time // of the whole run
	phase      string
	total      int64
	phaseStart time.Time
	phaseDone  int64
	rows       int64 // rows written in the whole run
	last       time.Time
	drawn      bool // a bar is on the current line
}

// NewProgress reports to w; tty chooses the redrawn bar (see IsTerminal).
func NewProgress(w io.Writer, tty bool) *Progress {
	p := &Progress{w: w, tty: tty, now: time.Now, interval: 2 * time.Second}
	if tty {
		p.interval = 100 * time.Millisecond // at most ten redraws a second
	}
	p.start = p.now()
	return p
}

// IsTerminal reports whether w is a character device (a terminal), where a bar
// redrawn with carriage returns makes sense.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Stat() (os.FileInfo, error) })
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Phase starts a named phase of total units (users, posts, …).
func (p *Progress) Phase(name string, total int64) {
	if p == nil {
		return
	}
	if p.phase != "" {
		p.EndPhase()
	}
	p.phase, p.total, p.phaseDone = name, total, 0
	p.phaseStart = p.now()
	p.last = time.Time{}
}

// Update records that done units of the phase and rows rows in all are written, and
// redraws when the last report is old enough.
func (p *Progress) Update(done, rows int64) {
	if p == nil {
		return
	}
	p.phaseDone, p.rows = done, rows
	if t := p.now(); t.Sub(p.last) >= p.interval {
		p.last = t
		p.draw(t, false)
	}
}

// EndPhase draws the phase as complete and ends its line.
func (p *Progress) EndPhase() {
	if p == nil || p.phase == "" {
		return
	}
	p.draw(p.now(), true)
	p.phase = ""
}

// Note prints a line between phases (e.g. "checkpointing").
func (p *Progress) Note(msg string) {
	if p == nil {
		return
	}
	p.clear()
	fmt.Fprintln(p.w, "seed: "+msg)
}

// Stop ends the report early (on an error), leaving the terminal line clean.
func (p *Progress) Stop() {
	if p == nil {
		return
	}
	p.clear()
	p.phase = ""
}

func (p *Progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}

func (p *Progress) draw(t time.Time, final bool) {
	elapsed := t.Sub(p.start)
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(p.rows) / s
	}
	pct := 100.0
	if p.total > 0 {
		pct = 100 * float64(p.phaseDone) / float64(p.total)
	}
	eta := "--"
	if final {
		eta = "done in " + fmtDuration(t.Sub(p.phaseStart))
	} else if d := t.Sub(p.phaseStart); p.phaseDone > 0 && d > 0 {
		left := time.Duration(float64(d) * float64(p.total-p.phaseDone) / float64(p.phaseDone))
		eta = "ETA " + fmtDuration(left)
	}
	counts := fmt.Sprintf("%d/%d", p.phaseDone, p.total)
	if p.tty {
		const width = 24
		fill := int(pct / 100 * width)
		bar := strings.Repeat("█", fill) + strings.Repeat("░", width-fill)
		fmt.Fprintf(p.w, "\r\033[K%-8s %s %3.0f%%  %s  %s rows/s  %s", p.phase, bar, pct, counts, humanCount(rate), eta)
		p.drawn = true
		if final {
			fmt.Fprintln(p.w)
			p.drawn = false
		}
		return
	}
	fmt.Fprintf(p.w, "seed: %s %s (%.0f%%), %s rows/s, %s\n", p.phase, counts, pct, humanCount(rate), eta)
}

// humanCount writes 1234567 as 1.23M.
func humanCount(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.0fk", v/1e3)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

// fmtDuration writes 75s as 1m15s and sub-minute times to a tenth of a second.
func fmtDuration(d time.Duration) string {
	if d < time.Minute {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
