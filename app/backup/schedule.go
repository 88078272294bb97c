package backup

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"sync"
	"time"
)

// FileName is the name of an archive made at t: eplatform-20261125-120000.zip (UTC),
// so names sort by age.
func FileName(t time.Time) string { return "eplatform-" + t.UTC().Format("20060102-150405") + ".zip" }

// ours matches FileName's names; pruning never touches anything else in the folder.
var ours = regexp.MustCompile(`^eplatform-\d{8}-\d{6}\.zip$`)

// Scheduler makes an archive in Dir every Every and keeps the newest Keep. It also
// holds the outcome of the last run for the admin system page.
type Scheduler struct {
	Source Source
	Dir    string
	Every  time.Duration // 0: no scheduled backups
	Keep   int
	Log    *slog.Logger

	mu     sync.Mutex
	status Status
	loaded bool
}

// Status is what the admin system page shows.
type Status struct {
	// LastSuccess is the newest archive: made by this process, or found in Dir when
	// it started (then Took is zero).
	LastSuccess *Result
	LastFailure *Result
	// Next is when the next run is due (zero when scheduling is off).
	Next time.Time
}

// Result is one run of the schedule.
type Result struct {
	Time  time.Time // when it ended
	File  string
	Size  int64
	Took  time.Duration
	Error string
}

// retryAfter bounds the wait after a failure: a full day's wait would leave a day
// without a backup because of a full disk that was fixed in minutes.
const retryAfter = 15 * time.Minute

// Status returns a copy of the schedule's state.
func (s *Scheduler) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loadLocked()
	return s.status
}

// loadLocked fills LastSuccess from the newest archive in Dir, once: a restart must
// neither forget that a backup exists nor make one at once when one is recent.
func (s *Scheduler) loadLocked() {
	if s.loaded {
		return
	}
	s.loaded = true
	names := s.archives()
	if len(names) == 0 {
		return
	}
	newest := names[len(names)-1]
	if info, err := os.Stat(filepath.Join(s.Dir, newest)); err == nil {
		s.status.LastSuccess = &Result{Time: info.ModTime().UTC(), File: filepath.Join(s.Dir, newest), Size: info.Size()}
	}
}

// archives lists our archives in Dir, oldest first.
func (s *Scheduler) archives() []string {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && ours.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// Run makes backups on schedule until ctx ends. The first is due Every after the
// newest archive in Dir, or at once when there is none.
func (s *Scheduler) Run(ctx context.Context) {
	if s.Every <= 0 {
		return
	}
	now := s.Source.now()
	next := now
	if last := s.Status().LastSuccess; last != nil && last.Time.Add(s.Every).After(now) {
		next = last.Time.Add(s.Every)
	}
	for {
		s.mu.Lock()
		s.status.Next = next
		s.mu.Unlock()
		t := time.NewTimer(next.Sub(s.Source.now()))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		_, err := s.RunOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		next = s.Source.now().Add(s.Every)
		if err != nil {
			next = s.Source.now().Add(min(s.Every, retryAfter))
		}
	}
}

// RunOnce makes one archive in Dir now, prunes the old ones and records the outcome.
func (s *Scheduler) RunOnce(ctx context.Context) (Result, error) {
	start := time.Now()
	res := Result{File: filepath.Join(s.Dir, FileName(s.Source.now()))}
	err := os.MkdirAll(s.Dir, 0o750)
	if err == nil {
		_, res.Size, err = WriteFile(ctx, res.File, s.Source)
	}
	res.Time, res.Took = s.Source.now(), time.Since(start)
	s.mu.Lock()
	s.loadLocked()
	if err != nil {
		res.Error = err.Error()
		s.status.LastFailure = &res
	} else {
		s.status.LastSuccess = &res
	}
	s.mu.Unlock()
	if err != nil {
		s.log().Error("scheduled backup failed", "file", res.File, "err", err)
		return res, err
	}
	s.log().Info("scheduled backup", "file", res.File, "bytes", res.Size, "took", res.Took.Round(time.Millisecond))
	s.prune()
	return res, nil
}

// prune deletes all but the newest Keep archives.
func (s *Scheduler) prune() {
	names := s.archives()
	for len(names) > max(s.Keep, 1) {
		p := filepath.Join(s.Dir, names[0])
		if err := os.Remove(p); err != nil {
			s.log().Warn("remove old backup", "file", p, "err", err)
		}
		names = names[1:]
	}
}

func (s *Scheduler) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}
