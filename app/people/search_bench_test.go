package people_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/people"
	"eplatform/app/seed"
	"eplatform/app/store"
)

// Search latency on a generated dataset. By default the benchmarks seed a database of
// EPLATFORM_BENCH_POSTS posts (100 000) and EPLATFORM_BENCH_USERS users (5 000) once
// per run; EPLATFORM_BENCH_DATA names an already seeded data directory instead (for
// example the 1M-post one of app/web's seeded benchmarks):
//
//	go test -run XXX -bench Search ./app/people/
//	EPLATFORM_BENCH_DATA=/tmp/seedbench go test -run XXX -bench Search ./app/people/
//
// The database is opened like the server opens it (store.Options defaults: a 16 MiB
// page cache shared by the readers); EPLATFORM_BENCH_CACHE_MB sets another budget, to
// see how much of the time is reading pages the cache does not hold.
//
// Each benchmark runs a fixed mix of queries (common and rare words, prefixes, names,
// two-word queries, no match) and reports the median and the 99th percentile of one
// whole search (tab counts and a page of the tab) in milliseconds.

var benchData struct {
	once sync.Once
	db   *store.DB
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchData.db != nil {
		benchData.db.Close()
	}
	if benchData.dir != "" {
		os.RemoveAll(benchData.dir)
	}
	os.Exit(code)
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func benchDB(b *testing.B) *store.DB {
	benchData.once.Do(func() {
		ctx := context.Background()
		schema := apptest.Schema(b)
		cache := int64(envInt("EPLATFORM_BENCH_CACHE_MB", 0)) << 20
		if dir := os.Getenv("EPLATFORM_BENCH_DATA"); dir != "" {
			benchData.db, benchData.err = store.Open(ctx, store.Options{Path: filepath.Join(dir, "eplatform.db"), Schema: schema, CacheBudget: cache})
			return
		}
		benchData.dir, benchData.err = os.MkdirTemp("", "people-bench-")
		if benchData.err != nil {
			return
		}
		db, err := store.Open(ctx, store.Options{Path: filepath.Join(benchData.dir, "bench.db"), Schema: schema, CacheBudget: cache})
		if err != nil {
			benchData.err = err
			return
		}
		benchData.db = db
		o := seed.DefaultOptions()
		o.Users, o.Posts = envInt("EPLATFORM_BENCH_USERS", 5000), envInt("EPLATFORM_BENCH_POSTS", 100_000)
		o.CommentsPerPost, o.LikesPerPost = 0, 0 // search reads neither
		start := time.Now()
		res, err := seed.Run(ctx, db, o)
		benchData.err = err
		b.Logf("seeded %d users and %d posts in %s", res.Users, res.Posts, time.Since(start).Round(time.Millisecond))
	})
	if benchData.err != nil {
		b.Fatal(benchData.err)
	}
	return benchData.db
}

// benchQueries is the mix: topic words of the seeded posts, prefixes, names, a very
// common word, two-word queries and a miss.
var benchQueries = []string{"recursion", "eigen", "linear algebra", "photosynthesis", "the", "prob", "quantum mechanics",
	"sql joins", "dyn", "help", "maria", "garc", "kim", "chen o", "a", "thermodynamics", "newton", "exam tomorrow", "xyzzy42", "revolution"}

func benchSearch(b *testing.B, run func(s *people.Service, viewer store.User, q string) error) {
	db := benchDB(b)
	s := &people.Service{DB: db, Now: time.Now}
	viewer, err := db.UserByID(context.Background(), 1)
	if err != nil {
		b.Fatal(err)
	}
	var times []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		q := benchQueries[i%len(benchQueries)]
		i++
		start := time.Now()
		if err := run(s, viewer, q); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(times)
	ms := func(p float64) float64 {
		return float64(times[min(len(times)-1, int(p*float64(len(times))))].Microseconds()) / 1000
	}
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.ReportMetric(float64(times[len(times)-1].Microseconds())/1000, "max-ms")
}

func benchTab(tab string) func(*people.Service, store.User, string) error {
	return func(s *people.Service, viewer store.User, q string) error {
		_, err := s.Search(context.Background(), viewer, people.SearchQuery{Q: q, Tab: tab, Page: 1, PageSize: 20})
		return err
	}
}

func BenchmarkSearchPosts(b *testing.B)    { benchSearch(b, benchTab(people.TabPosts)) }
func BenchmarkSearchPeople(b *testing.B)   { benchSearch(b, benchTab(people.TabPeople)) }
func BenchmarkSearchSubjects(b *testing.B) { benchSearch(b, benchTab(people.TabSubjects)) }

func BenchmarkSearchSuggest(b *testing.B) {
	benchSearch(b, func(s *people.Service, viewer store.User, q string) error {
		_, err := s.Suggest(context.Background(), viewer, q)
		return err
	})
}
