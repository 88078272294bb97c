package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

// rawClient returns a client whose transport neither asks for gzip nor decodes it,
// so the test sees exactly what the server sent.
func rawClient(app *apptest.App) *apptest.Client {
	c := app.Client()
	c.Transport = &http.Transport{DisableCompression: true}
	return c
}

func gunzip(t *testing.T, body string) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("bad gzip: %v", err)
	}
	return string(b)
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	signedIn := app.User("ada", "student")
	for _, tc := range []struct {
		name string
		c    *apptest.Client
		path string
	}{
		{"login page", app.Client(), "/login/"},
		{"home page", signedIn, "/home/"},
		{"404 page", app.Client(), "/no/such/page/"},
		{"api", app.Client(), "/api/auth/profile/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.c.Get(tc.path)
			csp := r.Header.Get("Content-Security-Policy")
			var scriptSrc string
			for _, d := range strings.Split(csp, ";") {
				if d = strings.TrimSpace(d); strings.HasPrefix(d, "script-src ") {
					scriptSrc = d
				}
			}
			if scriptSrc == "" || strings.Contains(scriptSrc, "'unsafe-inline'") || strings.Contains(scriptSrc, "'unsafe-eval'") {
				t.Errorf("script-src %q (CSP %q)", scriptSrc, csp)
			}
			if !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("CSP without frame-ancestors 'none': %q", csp)
			}
			if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if got := r.Header.Get("Referrer-Policy"); got == "" || got == "unsafe-url" {
				t.Errorf("Referrer-Policy %q", got)
			}
			if strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") && r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("page Cache-Control %q", r.Header.Get("Cache-Control"))
			}
		})
	}
	// Plain HTTP: no HSTS (it would pin a test host to HTTPS).
	if h := app.Client().Get("/login/").Header.Get("Strict-Transport-Security"); h != "" {
		t.Errorf("HSTS over plain HTTP: %q", h)
	}
	// No inline script in the pages, which the CSP would block.
	body := app.Client().Get("/login/").Body
	for _, m := range regexp.MustCompile(`<script[^>]*>`).FindAllString(body, -1) {
		if !strings.Contains(m, "src=") {
			t.Errorf("inline script %q", m)
		}
	}
	if strings.Contains(body, " onclick=") || strings.Contains(body, " onload=") {
		t.Error("inline event handler in the page")
	}
}

func TestGzip(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	c := rawClient(app)

	plain := c.Get("/login/")
	if plain.StatusCode != http.StatusOK || plain.Header.Get("Content-Encoding") != "" {
		t.Fatalf("without Accept-Encoding: %d, Content-Encoding %q", plain.StatusCode, plain.Header.Get("Content-Encoding"))
	}
	if len(plain.Body) < 1024 || !strings.Contains(plain.Body, `action="/login/"`) {
		t.Fatalf("login page is %d bytes", len(plain.Body))
	}

	for _, ae := range []string{"gzip", "br, gzip;q=0.8", "GZIP"} {
		z := c.Do("GET", "/login/", nil, http.Header{"Accept-Encoding": {ae}})
		if z.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Accept-Encoding %q: Content-Encoding %q", ae, z.Header.Get("Content-Encoding"))
		}
		if !strings.Contains(z.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("Vary %q", z.Header.Get("Vary"))
		}
		if z.Header.Get("Content-Length") != "" && z.Header.Get("Content-Length") != strconv.Itoa(len(z.Body)) {
			t.Errorf("Content-Length %s for %d bytes", z.Header.Get("Content-Length"), len(z.Body))
		}
		if len(z.Body) >= len(plain.Body) {
			t.Errorf("gzip body %d ≥ plain %d", len(z.Body), len(plain.Body))
		}
		page := gunzip(t, z.Body)
		if !strings.HasPrefix(page, "<!doctype html>") && !strings.HasPrefix(page, "<!DOCTYPE html>") || !strings.Contains(page, `action="/login/"`) {
			t.Errorf("decoded body is not the page: %.80q", page)
		}
		if !strings.HasPrefix(z.Header.Get("Content-Type"), "text/html") {
			t.Errorf("Content-Type %q", z.Header.Get("Content-Type"))
		}
	}
	if z := c.Do("GET", "/login/", nil, http.Header{"Accept-Encoding": {"gzip;q=0"}}); z.Header.Get("Content-Encoding") != "" {
		t.Error("gzip sent though refused with q=0")
	}
	// Small responses are not worth compressing.
	if z := c.Do("GET", "/healthz", nil, http.Header{"Accept-Encoding": {"gzip"}}); z.Header.Get("Content-Encoding") != "" {
		t.Error("a tiny JSON body was gzipped")
	}
	// A 404 page is compressed like any other page.
	if z := c.Do("GET", "/no/such/page/", nil, http.Header{"Accept-Encoding": {"gzip"}}); z.StatusCode != http.StatusNotFound ||
		z.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(gunzip(t, z.Body), "Page not found") {
		t.Errorf("404 page: %d %q", z.StatusCode, z.Header.Get("Content-Encoding"))
	}
}

var assetRE = regexp.MustCompile(`/static/[A-Za-z0-9_./-]+\.[0-9a-f]{10}\.(css|js|svg)`)

func TestStaticAssets(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	c := rawClient(app)
	page := c.Get("/login/").Body
	urls := map[string]bool{}
	for _, u := range assetRE.FindAllString(page, -1) {
		urls[u] = true
	}
	kinds := map[string]bool{}
	for u := range urls {
		kinds[u[strings.LastIndexByte(u, '.')+1:]] = true
	}
	if !kinds["css"] || !kinds["js"] || !kinds["svg"] {
		t.Fatalf("hashed assets in the page: %v", urls)
	}
	for u := range urls {
		t.Run(u, func(t *testing.T) {
			plain := c.Get(u)
			if plain.StatusCode != http.StatusOK || len(plain.Body) == 0 {
				t.Fatalf("status %d", plain.StatusCode)
			}
			if got := plain.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control %q", got)
			}
			if plain.Header.Get("Content-Encoding") != "" {
				t.Errorf("encoded without Accept-Encoding: %q", plain.Header.Get("Content-Encoding"))
			}
			ct := plain.Header.Get("Content-Type")
			want := map[string]string{"css": "text/css", "js": "javascript", "svg": "image/svg+xml"}[u[strings.LastIndexByte(u, '.')+1:]]
			if !strings.Contains(ct, want) {
				t.Errorf("Content-Type %q, want %q", ct, want)
			}
			z := c.Do("GET", u, nil, http.Header{"Accept-Encoding": {"gzip"}})
			if z.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("Content-Encoding %q", z.Header.Get("Content-Encoding"))
			}
			if got := gunzip(t, z.Body); got != plain.Body {
				t.Error("gzip body differs from the file")
			}
			if z.Header.Get("Cache-Control") != plain.Header.Get("Cache-Control") {
				t.Errorf("gzip Cache-Control %q", z.Header.Get("Cache-Control"))
			}
			if etag := plain.Header.Get("ETag"); etag != "" {
				nm := c.Do("GET", u, nil, http.Header{"If-None-Match": {etag}})
				if nm.StatusCode != http.StatusNotModified || len(nm.Body) != 0 {
					t.Errorf("If-None-Match: %d with %d bytes", nm.StatusCode, len(nm.Body))
				}
			}
		})
	}
	for _, bad := range []string{
		"/static/css/app.css",            // unhashed name
		"/static/css/app.0000000000.css", // wrong hash
		"/static/nope.js",
		"/static/",
		"/static/%2e%2e/schema.sql",
	} {
		if r := c.Get(bad); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", bad, r.StatusCode)
		}
	}
	// A path with dot segments is redirected to its clean form, never served.
	if r := c.Get("/static/../go.mod"); r.StatusCode == http.StatusOK || strings.Contains(r.Body, "module eplatform") {
		t.Errorf("/static/../go.mod: %d", r.StatusCode)
	}
	if r := c.Get("/favicon.ico"); r.StatusCode != http.StatusMovedPermanently || !assetRE.MatchString(r.Header.Get("Location")) {
		t.Errorf("favicon: %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	c := app.Client()
	sane := "req-123_abc.DEF"
	if got := c.Do("GET", "/login/", nil, http.Header{"X-Request-ID": {sane}}).Header.Get("X-Request-ID"); got != sane {
		t.Errorf("sane id replaced: %q", got)
	}
	generated := regexp.MustCompile(`^[0-9a-f]{16}$`)
	for _, insane := range []string{"has space", "<script>", strings.Repeat("a", 65), "semi;colon", "ünïcode"} {
		got := c.Do("GET", "/login/", nil, http.Header{"X-Request-ID": {insane}}).Header.Get("X-Request-ID")
		if got == insane || !generated.MatchString(got) {
			t.Errorf("id %q → %q", insane, got)
		}
	}
	a, b := c.Get("/login/").Header.Get("X-Request-ID"), c.Get("/login/").Header.Get("X-Request-ID")
	if !generated.MatchString(a) || a == b {
		t.Errorf("generated ids %q, %q", a, b)
	}
	if !strings.Contains(app.Logs.String(), sane) {
		t.Error("request id not in the log")
	}
	// API responses and error pages carry it too.
	if c.Get("/api/nope/").Header.Get("X-Request-ID") == "" || c.Get("/nope/").Header.Get("X-Request-ID") == "" {
		t.Error("no request id on error responses")
	}
}

func TestNotFoundPage(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	for _, tc := range []struct {
		c    *apptest.Client
		path string
	}{
		{app.Client(), "/no/such/page/"},
		{app.Client(), "/home/missing/"},
		{app.User("ada", "student"), "/nowhere"},
	} {
		r := tc.c.Get(tc.path)
		if r.StatusCode != http.StatusNotFound || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %q", tc.path, r.StatusCode, r.Header.Get("Content-Type"))
		}
		if !strings.Contains(r.Body, "Page not found") || !strings.Contains(r.Body, `href="/home/"`) {
			t.Errorf("%s: not the friendly page: %q", tc.path, plain(r.Body))
		}
	}
	if r := app.Client().Get("/"); r.StatusCode != http.StatusFound || r.Header.Get("Location") != "/home/" {
		t.Errorf("/: %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	r := app.Client().Get("/healthz")
	var out map[string]string
	r.JSON(t, &out)
	if r.StatusCode != http.StatusOK || out["status"] != "ok" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("healthz: %d %q %v", r.StatusCode, r.Header.Get("Content-Type"), out)
	}
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", r.Header.Get("Cache-Control"))
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	signedIn := app.User("ada", "student")
	anon := app.Client()
	anon.Get("/login/")
	signedIn.Get("/home/")
	access, _ := app.Token("ada")
	app.Client().JSON("GET", "/api/auth/profile/", nil, access)
	anon.PostForm("/login/", map[string][]string{"username": {"x"}, "password": {"y"}})
	// Trigger a rate-limit rejection and cache traffic.
	for range 6 {
		anon.PostForm("/login/", map[string][]string{"username": {"x"}, "password": {"y"}})
	}
	r := anon.Do("GET", "/metrics", nil, http.Header{"Authorization": {"Bearer " + app.Config.MetricsToken}})
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("metrics: %d %q", r.StatusCode, r.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`eplatform_http_requests_total{code="200",method="GET",route="GET /login/"}`,
		`eplatform_http_requests_total{code="200",method="GET",route="GET /home/{$}"}`,
		`eplatform_http_requests_total{code="429",method="POST",route="POST /login/"}`,
		`eplatform_http_requests_total{code="200",method="GET",route="GET /api/auth/profile/{$}"}`,
		`eplatform_http_requests_total{code="200",method="POST",route="POST /api/auth/login/{$}"}`,
		"eplatform_db_queries_total ",
		`eplatform_cache_hits_total{cache="data"} `,
		`eplatform_cache_hits_total{cache="fragments"} `,
		`eplatform_cache_misses_total{cache="pages"} `,
		`eplatform_cache_bytes{cache="fragments"} `,
		`eplatform_cache_evictions_total{cache="pages"} `,
		"eplatform_ratelimit_rejections_total ",
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	for _, line := range strings.Split(r.Body, "\n") {
		if strings.HasPrefix(line, "eplatform_ratelimit_rejections_total ") && strings.HasSuffix(line, " 0") {
			t.Errorf("no rejection counted: %q", line)
		}
		if strings.HasPrefix(line, `eplatform_cache_bytes{cache="fragments"} `) && strings.HasSuffix(line, " 0") {
			t.Errorf("the feed was shown but no fragment is held: %q", line)
		}
		if strings.HasPrefix(line, "eplatform_db_queries_total ") && strings.HasSuffix(line, " 0") {
			t.Errorf("no query counted: %q", line)
		}
	}
	if bytes.Contains([]byte(r.Body), []byte(`route="unmatched"`)) {
		t.Errorf("requests recorded without their route:\n%s", grep(r.Body, "unmatched"))
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestGarbageCredentials(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	c := app.Client()
	for _, h := range []http.Header{
		{"Cookie": {"eplatform_session=%%%"}},
		{"Cookie": {"eplatform_session=" + strings.Repeat("A", 4000)}},
		{"Cookie": {"eplatform_session="}},
		{"Cookie": {"eplatform_session=abc; eplatform_session=def"}},
		{"Authorization": {"Bearer"}},
		{"Authorization": {"Bearer " + strings.Repeat("t", 5000)}},
		{"Authorization": {"Bearer tök€n"}},
		{"Authorization": {"Basic Zm9vOmJhcg=="}},
	} {
		for _, path := range []string{"/home/", "/login/", "/api/auth/profile/"} {
			r := c.Do("GET", path, nil, h)
			if r.StatusCode >= 500 || r.StatusCode == http.StatusOK && path != "/login/" {
				t.Errorf("%s with %v: %d", path, h, r.StatusCode)
			}
		}
		r := c.Do("POST", "/logout/", nil, h)
		if r.StatusCode != http.StatusSeeOther {
			t.Errorf("logout with %v: %d", h, r.StatusCode)
		}
	}
}
