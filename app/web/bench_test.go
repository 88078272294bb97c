package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"eplatform/app/apptest"
)

// benchPage serves one request per iteration through the whole middleware stack
// (no network), the way the server handles it.
func benchPage(b *testing.B, path string, header http.Header) {
	app := apptest.Start(b)
	if header == nil {
		header = http.Header{}
	}
	if header.Get("Cookie") == "session" {
		c := app.User("bench", "student")
		u := app.URL
		req, _ := http.NewRequest("GET", u+"/", nil)
		for _, ck := range c.Jar.Cookies(req.URL) {
			header.Set("Cookie", ck.Name+"="+ck.Value)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("GET", path, nil)
		req.Header = header.Clone()
		rec := httptest.NewRecorder()
		app.Server.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d", path, rec.Code)
		}
	}
}

func BenchmarkLoginPage(b *testing.B) { benchPage(b, "/login/", nil) }

func BenchmarkHomeSignedIn(b *testing.B) {
	benchPage(b, "/home/", http.Header{"Cookie": {"session"}, "Accept-Encoding": {"gzip"}})
}

func BenchmarkHealthz(b *testing.B) { benchPage(b, "/healthz", nil) }

func mustURLB(b *testing.B, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		b.Fatal(err)
	}
	return u
}
