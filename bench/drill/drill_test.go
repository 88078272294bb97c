package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// bin is the server binary, built once for the drills by TestMain.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "eplatform-drill-bin-")
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	bin, err = buildServer(ctx, dir)
	cancel()
	if err != nil {
		os.RemoveAll(dir)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestCrashDrill is bench/crash.sh in three cycles: kill -9 during concurrent writes,
// restart, every acknowledged write present and PRAGMA integrity_check ok.
func TestCrashDrill(t *testing.T) {
	var log strings.Builder
	rep, err := crashDrill(context.Background(), crashOptions{Bin: bin, Work: t.TempDir(), Cycles: 3, Writers: 8,
		MinAcks: 100, Extra: 300 * time.Millisecond, ImageEvery: 4, Log: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if rep.Cycles != 3 || rep.Posts == 0 || rep.Comments == 0 || rep.Likes == 0 || rep.Checked < rep.Acked {
		t.Fatalf("the drill did too little: %s", rep)
	}
	t.Log(rep)
}

// TestBackupDrill backs a site up while it is written to, restores the archive into a
// new directory, starts a server on it and compares the two.
func TestBackupDrill(t *testing.T) {
	var log strings.Builder
	rep, err := backupDrill(context.Background(), backupOptions{Bin: bin, Work: t.TempDir(), Writers: 4, MinAcks: 150,
		ImageEvery: 3, Log: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if rep.AckedBefore < 150 || rep.MediaFiles == 0 || rep.RestoredPost == 0 {
		t.Fatalf("the drill did too little: %s", rep)
	}
	t.Log(rep)
}
