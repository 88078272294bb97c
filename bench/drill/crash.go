package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"

	"eplatform/app/store"
)

// crashOptions configure the crash drill.
type crashOptions struct {
	Bin        string        // the eplatform binary
	Work       string        // scratch folder; the data directory goes in it
	Cycles     int           // kill -9 and restart this many times
	Writers    int           // concurrent writers, one account each
	MinAcks    int           // acknowledged writes per cycle before the kill may come
	Extra      time.Duration // then the kill comes at a random moment within this
	ImageEvery int           // every n-th post of a writer carries an image
	Log        io.Writer     // progress, one line per cycle
}

// crashReport sums a crash drill up.
type crashReport struct {
	Cycles                 int
	Sent, Acked, Lost      int
	Posts, Comments, Likes int
	Checked                int // acknowledged writes found intact after the restarts
}

func (r crashReport) String() string {
	return fmt.Sprintf("%d kill -9 cycles: %d writes sent, %d acknowledged (%d posts, %d comments, %d like states), %d in flight at a kill; "+
		"every acknowledged write present after restart (%d checks), PRAGMA integrity_check ok after every restart",
		r.Cycles, r.Sent, r.Acked, r.Posts, r.Comments, r.Likes, r.Lost, r.Checked)
}

// crashDrill runs the server, drives concurrent writers through the API, kills the
// server with SIGKILL while they write, restarts it and checks that every write it
// acknowledged is there and that the database passes PRAGMA integrity_check; then
// again, Cycles times; and at the end everything once more and a clean stop.
func crashDrill(ctx context.Context, o crashOptions) (crashReport, error) {
	var rep crashReport
	data := filepath.Join(o.Work, "data")
	db := filepath.Join(data, "eplatform.db")
	srv, err := startServer(ctx, o.Bin, data)
	if err != nil {
		return rep, err
	}
	defer srv.kill()
	c := newClient(srv.base)
	users, err := register(ctx, c, "crash", o.Writers)
	if err != nil {
		return rep, err
	}
	l := newLedger()
	seqs := make([]int, o.Writers)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	fail := func(err error) (crashReport, error) {
		return rep, fmt.Errorf("%w\nserver log (last lines):\n%s", err, srv.tail())
	}
	for cycle := 1; cycle <= o.Cycles; cycle++ {
		start := l.counts()
		stop := writers(c, l, users, o.ImageEvery, seqs)
		err := waitForAcks(ctx, l, start, o.MinAcks)
		if err == nil && o.Extra > 0 {
			select {
			case <-time.After(time.Duration(rng.Int64N(int64(o.Extra)))):
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		srv.kill() // while the writers write
		stop()
		if err != nil {
			return fail(err)
		}
		if err := srv.restart(ctx); err != nil {
			return fail(fmt.Errorf("cycle %d: restart after kill -9: %w", cycle, err))
		}
		c.base = srv.base
		if err := store.CheckFile(ctx, db); err != nil {
			return fail(fmt.Errorf("cycle %d: %w", cycle, err))
		}
		checked, err := l.verify(ctx, c, users, start, nil, likesTouched)
		if err != nil {
			return fail(fmt.Errorf("cycle %d: %w", cycle, err))
		}
		if err := refused(l); err != nil {
			return fail(fmt.Errorf("cycle %d: %w", cycle, err))
		}
		end := l.counts()
		rep.Cycles, rep.Checked = cycle, rep.Checked+checked
		if o.Log != nil {
			fmt.Fprintf(o.Log, "cycle %d: %d writes acknowledged, killed, restarted: all present, integrity ok\n", cycle, end.acked-start.acked)
		}
	}
	// Everything once more, then a clean stop must leave a sound file.
	checked, err := l.verify(ctx, c, users, counts{}, nil, likesAll)
	if err != nil {
		return fail(fmt.Errorf("final check: %w", err))
	}
	if err := srv.stop(); err != nil {
		return fail(err)
	}
	if err := store.CheckFile(ctx, db); err != nil {
		return rep, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	rep.Checked += checked
	rep.Sent, rep.Acked, rep.Lost = l.sent, l.acked, l.lost
	rep.Posts, rep.Comments, rep.Likes = len(l.posts), len(l.comments), len(l.likes)
	return rep, nil
}

// refused reports writes the server answered with an error: under load and across
// crashes every write must either succeed or get no answer at all.
func refused(l *ledger) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.refused) > 0 {
		return fmt.Errorf("writes refused by the server:\n  %s", strings.Join(l.refused, "\n  "))
	}
	return nil
}
