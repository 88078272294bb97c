package backup_test

import (
	"compress/flate"
	"context"
	"os"
	"path/filepath"
	"testing"

	"eplatform/app/backup"
	"eplatform/app/store"
)

// countWriter counts what a compressor emits.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkDeflateSnapshot compares deflate levels on a database snapshot, which is
// what the archive compresses (media are stored), of the seeded data directory named
// by EPLATFORM_BENCH_DATA.
//
//	go test -run XXX -bench DeflateSnapshot -benchtime 3x ./app/backup/
func BenchmarkDeflateSnapshot(b *testing.B) {
	dir := os.Getenv("EPLATFORM_BENCH_DATA")
	if dir == "" {
		b.Skip("set EPLATFORM_BENCH_DATA to a seeded data directory")
	}
	snap := filepath.Join(b.TempDir(), "snap.db")
	if err := store.VacuumInto(context.Background(), filepath.Join(dir, backup.DatabaseName), snap); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(snap)
	if err != nil {
		b.Fatal(err)
	}
	for _, lv := range []struct {
		name  string
		level int
	}{{"BestSpeed", flate.BestSpeed}, {"Default", flate.DefaultCompression}} {
		b.Run(lv.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			var out countWriter
			for b.Loop() {
				out.n = 0
				w, _ := flate.NewWriter(&out, lv.level)
				if _, err := w.Write(data); err != nil {
					b.Fatal(err)
				}
				w.Close()
			}
			b.ReportMetric(float64(len(data))/float64(out.n), "x-smaller")
		})
	}
}
