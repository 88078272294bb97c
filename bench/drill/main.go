// Command drill runs failure drills against the real eplatform binary on 127.0.0.1:
//
//	drill crash [-cycles 20 -writers 16]   kill -9 the server while writers write, restart,
//	                                        check every acknowledged write and integrity_check
//	drill backup [-writers 4]               back up under load, restore into a new directory,
//	                                        start it and compare it with the original
//
// It builds the binary from this checkout unless -bin names one, works in a temporary
// folder it removes afterwards, and exits non-zero when a check fails. bench/crash.sh
// runs the crash drill; the test in this package runs short versions of both.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "crash" && os.Args[1] != "backup") {
		fmt.Fprintln(os.Stderr, "usage: drill crash|backup [flags]   (drill crash -h lists the flags)")
		os.Exit(2)
	}
	fs := flag.NewFlagSet("drill "+os.Args[1], flag.ExitOnError)
	bin := fs.String("bin", "", "the eplatform binary (default: build this checkout)")
	writers := fs.Int("writers", 16, "concurrent writers, one account each")
	cycles := fs.Int("cycles", 20, "crash: kill -9 and restart this many times")
	acks := fs.Int("acks", 300, "acknowledged writes per cycle (crash) or before the backup (backup)")
	extra := fs.Duration("extra", time.Second, "crash: the kill comes at a random moment within this after -acks writes")
	images := fs.Int("image-every", 5, "every n-th post of a writer carries an image")
	keep := fs.Bool("keep", false, "keep the work folder (data directories and server logs)")
	_ = fs.Parse(os.Args[2:])

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	work, err := os.MkdirTemp("", "eplatform-drill-")
	if err != nil {
		fail(err)
	}
	if *keep {
		fmt.Println("work folder:", work)
	} else {
		defer os.RemoveAll(work)
	}
	if *bin == "" {
		if *bin, err = buildServer(ctx, work); err != nil {
			fail(err)
		}
	}
	start := time.Now()
	var rep fmt.Stringer
	switch os.Args[1] {
	case "crash":
		rep, err = crashDrill(ctx, crashOptions{Bin: *bin, Work: work, Cycles: *cycles, Writers: *writers,
			MinAcks: *acks, Extra: *extra, ImageEvery: *images, Log: os.Stdout})
	case "backup":
		rep, err = backupDrill(ctx, backupOptions{Bin: *bin, Work: work, Writers: *writers, MinAcks: *acks,
			ImageEvery: *images, Log: os.Stdout})
	}
	if err != nil {
		if !*keep {
			os.RemoveAll(work)
		}
		fail(err)
	}
	fmt.Printf("%s\nin %s\n", rep, time.Since(start).Round(time.Second))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "drill:", err)
	os.Exit(1)
}
