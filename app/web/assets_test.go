package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/andybalholm/brotli"
)

func staticDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "views", "static")
}

// TestAssetsMinifiedAndPrecompressed serves every text asset as browsers ask for it and
// checks that each encoding decodes to the same minified bytes.
func TestAssetsMinifiedAndPrecompressed(t *testing.T) {
	a, err := LoadAssets(os.DirFS(staticDir()))
	if err != nil {
		t.Fatal(err)
	}
	if a.Saved <= a.Original/20 {
		t.Errorf("minifying saved %d of %d bytes", a.Saved, a.Original)
	}
	t.Logf("minifying saved %d of %d bytes of CSS, JavaScript and SVG (%.0f %%)", a.Saved, a.Original, 100*float64(a.Saved)/float64(a.Original))
	for _, name := range []string{"css/app.css", "js/feed.js", "js/app.js", "img/icons.svg"} {
		url := a.URL(name)
		get := func(enc string) *http.Response {
			req := httptest.NewRequest("GET", url, nil)
			if enc != "" {
				req.Header.Set("Accept-Encoding", enc)
			}
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, req)
			return rec.Result()
		}
		plainResp := get("")
		plain, _ := io.ReadAll(plainResp.Body)
		if plainResp.StatusCode != 200 || plainResp.Header.Get("Content-Encoding") != "" || len(plain) == 0 {
			t.Fatalf("%s plain: %d %q", name, plainResp.StatusCode, plainResp.Header.Get("Content-Encoding"))
		}
		src, _ := os.ReadFile(filepath.Join(staticDir(), name))
		if len(plain) >= len(src) {
			t.Errorf("%s is not minified: %d bytes of %d", name, len(plain), len(src))
		}
		for enc, want := range map[string]string{"gzip, deflate, br": "br", "gzip": "gzip", "br;q=0, gzip": "gzip", "gzip;q=0": "", "identity": ""} {
			r := get(enc)
			body, _ := io.ReadAll(r.Body)
			if got := r.Header.Get("Content-Encoding"); got != want {
				t.Errorf("%s with %q: encoding %q, want %q", name, enc, got, want)
				continue
			}
			var dec io.Reader = bytes.NewReader(body)
			switch want {
			case "gzip":
				zr, err := gzip.NewReader(dec)
				if err != nil {
					t.Fatal(err)
				}
				dec = zr
			case "br":
				dec = brotli.NewReader(dec)
			}
			out, err := io.ReadAll(dec)
			if err != nil || !bytes.Equal(out, plain) {
				t.Errorf("%s with %q does not decode to the plain bytes: %v", name, enc, err)
			}
		}
	}
}
