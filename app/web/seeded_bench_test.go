package web_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"eplatform/app/apptest"
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
