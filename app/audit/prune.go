package audit

import (
	"context"
	"log/slog"
	"time"

	"eplatform/app/store"
)

// Pruner deletes entries older than Keep, once at start and then every Every, the way
// backup.Scheduler runs the scheduled backups (main starts Run).
type Pruner struct {
	DB    *store.DB
	Keep  time.Duration // entries older than this go; 0 keeps everything
	Every time.Duration // default 1 hour
	Now   func() time.Time
	Log   *slog.Logger
}

// pruneBatch bounds one delete transaction, so a first prune of a large log does not
// hold the writer for seconds.
const pruneBatch = 5000

// Prune deletes the entries older than Keep at the clock's now and says how many went.
func (p *Pruner) Prune(ctx context.Context) (int64, error) {
	if p.Keep <= 0 {
		return 0, nil
	}
	cutoff := p.Now().Add(-p.Keep)
	var total int64
	for {
		var n int64
		err := p.DB.WithTx(ctx, func(tx *store.Queries) error {
			var err error
			n, err = tx.DeleteAuditBefore(ctx, cutoff, pruneBatch)
			return err
		})
		total += n
		if err != nil || n < pruneBatch {
			return total, err
		}
	}
}

// Run prunes at once and then every Every until ctx ends.
func (p *Pruner) Run(ctx context.Context) {
	if p.Keep <= 0 {
		return
	}
	every := p.Every
	if every <= 0 {
		every = time.Hour
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := p.Prune(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			p.Log.WarnContext(ctx, "prune the audit log", "err", err)
		case n > 0:
			p.Log.InfoContext(ctx, "pruned the audit log", "entries", n, "older than", p.Keep.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
