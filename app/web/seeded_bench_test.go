package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/learn"
	"eplatform/app/store"
)

// The benchmarks below run on a seeded database, made once with
//
//	go run . seed -data /tmp/seedbench -users 100000 -posts 1000000
//
// and named by EPLATFORM_BENCH_DATA (they are skipped without it):
//
//	EPLATFORM_BENCH_DATA=/tmp/seedbench go test -run XXX -bench Seeded ./app/web/
func seededApp(b *testing.B) (*apptest.App, http.Header) {
	dir := os.Getenv("EPLATFORM_BENCH_DATA")
	if dir == "" {
		b.Skip("set EPLATFORM_BENCH_DATA to a seeded data directory")
	}
	app := apptest.Start(b, apptest.Options{DataDir: dir, RealClock: true, Args: apptest.RelaxedLimits})
	c := app.Client()
	c.LogIn("admin", "demo-password-1")
	h := http.Header{}
	for _, ck := range c.Jar.Cookies(mustURLB(b, app.URL)) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	return app, h
}

func benchSeeded(b *testing.B, path string) {
	app, h := seededApp(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("GET", path, nil)
		req.Header = h.Clone()
		rec := httptest.NewRecorder()
		app.Server.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d", path, rec.Code)
		}
	}
}

func BenchmarkSeededFeedPage(b *testing.B)      { benchSeeded(b, "/home/") }
func BenchmarkSeededFeedDeepPage(b *testing.B)  { benchSeeded(b, "/home/?before=1792000000000-500000") }
func BenchmarkSeededPostsAPI(b *testing.B)      { benchSeeded(b, "/api/posts/") }
func BenchmarkSeededNotifications(b *testing.B) { benchSeeded(b, "/home/notifications/") }
func BenchmarkSeededUserSearch(b *testing.B)    { benchSeeded(b, "/api/users/search/?q=mar") }

// benchSeededSubject reads the page of the seeded subject with the most students, as
// one of its students (or as its instructor), the way a browser asks (gzip), and
// reports the SQL statements each reading runs.
func benchSeededSubject(b *testing.B, asInstructor bool) {
	app, _ := seededApp(b)
	ctx := context.Background()
	rows, err := app.State.DB.ListSubjects(ctx, store.SubjectQuery{All: true, Limit: 100})
	if err != nil || len(rows) == 0 {
		b.Fatalf("subjects: %v %d", err, len(rows))
	}
	subj := rows[0].Subject
	for _, r := range rows {
		if r.IsActive && r.Instructor != nil && r.StudentsCount > subj.StudentsCount {
			subj = r.Subject
		}
	}
	who := subj.Instructor.Username
	if !asInstructor {
		students, err := app.State.DB.Roster(ctx, subj.ID)
		if err != nil || len(students) == 0 {
			b.Fatalf("roster: %v %d", err, len(students))
		}
		who = students[0].Username
	}
	c := app.Client()
	c.LogIn(who, "demo-password-1")
	h := http.Header{"Accept-Encoding": {"gzip, br"}}
	for _, ck := range c.Jar.Cookies(mustURLB(b, app.URL)) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	path := learn.SubjectURL(subj.Code)
	qctx, qc := store.WithQueryCounter(ctx)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequestWithContext(qctx, "GET", path, nil)
		req.Header = h.Clone()
		rec := httptest.NewRecorder()
		app.Server.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d", path, rec.Code)
		}
	}
	b.ReportMetric(float64(qc.Count())/float64(b.N), "queries/op")
}

func BenchmarkSeededSubjectPage(b *testing.B)           { benchSeededSubject(b, false) }
func BenchmarkSeededSubjectPageInstructor(b *testing.B) { benchSeededSubject(b, true) }
