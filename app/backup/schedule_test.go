package backup_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"eplatform/app/backup"
	"eplatform/app/testutil"
)

func archivesIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestScheduleKeepsTheNewestAndRecordsOutcomes(t *testing.T) {
	ctx := context.Background()
	app, _ := site(t)
	dir := filepath.Join(t.TempDir(), "backups")
	// Files that are not our archives are never pruned.
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"notes.txt", "eplatform-manual.zip"} {
		os.WriteFile(filepath.Join(dir, name), []byte("mine"), 0o640)
	}
	s := &backup.Scheduler{Source: source(app), Dir: dir, Every: time.Hour, Keep: 2}
	if st := s.Status(); st.LastSuccess != nil || st.LastFailure != nil {
		t.Fatalf("fresh status %+v", st)
	}
	var made []string
	for range 3 {
		res, err := s.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, filepath.Base(res.File))
		app.Clock.Advance(time.Hour)
	}
	want := []string{"eplatform-20261125-130000.zip", "eplatform-20261125-140000.zip", "eplatform-manual.zip", "notes.txt"}
	if got := archivesIn(t, dir); !slices.Equal(got, want) {
		t.Fatalf("after 3 runs keeping 2: %v, want %v (made %v)", got, want, made)
	}
	st := s.Status()
	if st.LastSuccess == nil || filepath.Base(st.LastSuccess.File) != "eplatform-20261125-140000.zip" || st.LastSuccess.Size == 0 || st.LastFailure != nil {
		t.Fatalf("status after success: %+v", st)
	}

	// A failure is recorded beside the last success.
	s.Dir = filepath.Join(dir, "notes.txt", "sub") // a file where a folder should be
	if _, err := s.RunOnce(ctx); err == nil {
		t.Fatal("a backup into an impossible folder succeeded")
	}
	st = s.Status()
	if st.LastFailure == nil || st.LastFailure.Error == "" || !strings.Contains(st.LastFailure.File, "sub") || st.LastSuccess == nil {
		t.Fatalf("status after failure: %+v", st)
	}

	// A new process finds the newest archive, so a restart neither forgets it nor
	// makes another at once.
	again := &backup.Scheduler{Source: source(app), Dir: dir, Every: 24 * time.Hour, Keep: 2}
	if last := again.Status().LastSuccess; last == nil || filepath.Base(last.File) != "eplatform-20261125-140000.zip" {
		t.Fatalf("a restarted schedule sees %+v", last)
	}
}

func TestScheduleRunsAtOnceWithoutARecentArchive(t *testing.T) {
	app, _ := site(t)
	dir := filepath.Join(t.TempDir(), "backups")
	s := &backup.Scheduler{Source: backup.Source{DataDir: app.Config.DataDir, Version: "t"}, Dir: dir, Every: 24 * time.Hour, Keep: 3}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	testutil.Poll(20*time.Second, func() bool { return s.Status().LastSuccess != nil })
	last := s.Status().LastSuccess
	if last == nil {
		t.Fatal("no backup was made at start")
	}
	// The next one is a full period later, and nothing else is made meanwhile.
	testutil.Poll(20*time.Second, func() bool { return !s.Status().Next.Before(last.Time) })
	if next := s.Status().Next; next.Sub(last.Time) < 23*time.Hour {
		t.Errorf("next backup due %v after the last", next.Sub(last.Time))
	}
	cancel()
	<-done
	if got := archivesIn(t, dir); len(got) != 1 {
		t.Fatalf("archives %v", got)
	}

	// Restarted with that archive present, the schedule waits out the period.
	s2 := &backup.Scheduler{Source: backup.Source{DataDir: app.Config.DataDir}, Dir: dir, Every: 24 * time.Hour, Keep: 3}
	ctx, cancel = context.WithCancel(context.Background())
	done = make(chan struct{})
	go func() { defer close(done); s2.Run(ctx) }()
	testutil.Poll(20*time.Second, func() bool { return !s2.Status().Next.IsZero() })
	if next := s2.Status().Next; !next.Equal(s2.Status().LastSuccess.Time.Add(24 * time.Hour)) {
		t.Errorf("after a restart the next backup is due %v, want a day after %v", next, s2.Status().LastSuccess.Time)
	}
	cancel()
	<-done
	if got := archivesIn(t, dir); len(got) != 1 {
		t.Fatalf("a restart made another archive at once: %v", got)
	}
}
