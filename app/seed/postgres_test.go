package seed

import (
	"context"
	"os"
	"reflect"
	"slices"
	"testing"

	"eplatform/app/internal/pgtest"
	"eplatform/app/store"
)

// TestSameOnPostgres: the same options seed the same users, posts, comments, mentions
// and notifications, with the same ids, on PostgreSQL (COPY) as on SQLite, and the
// PostgreSQL database passes the same consistency check.
func TestSameOnPostgres(t *testing.T) {
	skipUnderRace(t)
	schema, err := os.ReadFile("../../schema_postgres.sql")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pg, err := store.Open(ctx, store.Options{URL: pgtest.URL(t), PostgresSchema: string(schema)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	lite := openDB(t)
	o := small(3)
	o.CommitRows = 500 // several transactions, so ids must continue across commits
	rl, rp := run(t, lite, o), run(t, pg, o)
	rl.Elapsed, rp.Elapsed, rl.Learning.Elapsed, rp.Learning.Elapsed = 0, 0, 0, 0
	if !reflect.DeepEqual(rl, rp) {
		t.Errorf("results differ:\n sqlite %+v\n    pg %+v", rl, rp)
	}
	sl, sp := take(t, lite), take(t, pg)
	if !slices.Equal(sl.users, sp.users) || !slices.Equal(sl.posts, sp.posts) || !slices.Equal(sl.comments, sp.comments) {
		t.Error("the same options gave different users, posts or comments")
	}
	if dl, dp := dump(t, lite), dump(t, pg); !reflect.DeepEqual(dl, dp) {
		t.Errorf("the dumps differ:\n sqlite %+v\n    pg %+v", dl, dp)
	}
	if problems, err := pg.SeedCheck(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("inconsistent on PostgreSQL: %v %v", problems, err)
	}
	if ids, err := pg.SeedSearchPosts(ctx, "flashcards", 1000); err != nil || len(ids) == 0 {
		t.Errorf("no seeded post found by a word: %v %v", ids, err)
	}
}
