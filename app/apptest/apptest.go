// Package apptest starts the whole application for tests: a real SQLite file in a
// temporary directory, the real handlers and middleware behind an httptest server,
// and a client that behaves like a browser (cookie jar, same-origin headers, no
// automatic redirects). Nothing is mocked.
package apptest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"eplatform/app/auth"
	"eplatform/app/config"
	"eplatform/app/internal/pgtest"
	"eplatform/app/server"
	"eplatform/app/state"
	"eplatform/app/store"
)

// Root is the module root (where schema.sql lives).
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Schema returns schema.sql.
func Schema(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Root(), "schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// PostgresSchema returns schema_postgres.sql.
func PostgresSchema(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Root(), "schema_postgres.sql"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// OnPostgres reports whether the apps of this test run put their database on
// PostgreSQL (EPLATFORM_TEST_DB=postgres; .ci/run runs the HTTP suites that way a
// second time). Each app gets a fresh database on a PostgreSQL server shared by the
// test binary.
func OnPostgres() bool { return os.Getenv("EPLATFORM_TEST_DB") == "postgres" }

// PostgresURL is a fresh, empty database on the test binary's PostgreSQL server
// (pgtest.URL), for tests outside app/ that cannot import app/internal: skipped
// without PostgreSQL, failing under CI.
func PostgresURL(t testing.TB) string { return pgtest.URL(t) }

// Clock is a settable clock shared by the app under test.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// Set sets the clock.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// App is a running application.
type App struct {
	T      testing.TB
	State  *state.State
	Server *server.Server
	HTTP   *httptest.Server
	URL    string
	Clock  *Clock
	Config *config.Config
	// Logs holds everything the app logged.
	Logs *strings.Builder

	mu       sync.Mutex
	failures []string // responses with status >= 500
	allow5xx bool
}

// Options adjust the app under test.
type Options struct {
	// Env are extra environment values for the configuration (EPLATFORM_*).
	Env map[string]string
	// Args are extra command-line flags.
	Args []string
	// RealClock uses time.Now instead of a settable clock starting at 2026-11-25 12:00 UTC.
	RealClock bool
	// DataDir uses an existing data directory (e.g. a seeded one for benchmarks)
	// instead of a fresh temporary one.
	DataDir string
}

// Access codes configured in every test app.
const (
	InstructorCode = "TEACH-1234"
	AdminCode      = "ADMIN-5678"
)

// Start starts an app; it stops when the test ends, and the test fails if any
// response had a 5xx status (no request may produce a 500).
func Start(t testing.TB, opts ...Options) *App {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	env := map[string]string{
		"EPLATFORM_DATA":            t.TempDir(),
		"EPLATFORM_INSTRUCTOR_CODE": InstructorCode,
		"EPLATFORM_ADMIN_CODE":      AdminCode,
	}
	if o.DataDir != "" {
		env["EPLATFORM_DATA"] = o.DataDir
	}
	if OnPostgres() && o.DataDir == "" {
		env["EPLATFORM_DB"] = pgtest.URL(t)
	}
	for k, v := range o.Env {
		env[k] = v
	}
	// The listener comes first so the base URL (used in mail links and absolute
	// media URLs) is the real one.
	ts := httptest.NewUnstartedServer(nil)
	env["EPLATFORM_BASE_URL"] = "http://" + ts.Listener.Addr().String()
	fs := newFlagSet()
	cfg := config.Flags(fs, func(k string) string { return env[k] })
	if err := fs.Parse(o.Args); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	logs := &strings.Builder{}
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	clock := &Clock{now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	now := clock.Now
	if o.RealClock {
		now = time.Now
	}
	st, err := state.Open(context.Background(), cfg, state.Options{
		Schema: Schema(t), PostgresSchema: PostgresSchema(t), Static: os.DirFS(filepath.Join(Root(), "views", "static")), Log: log, Now: now,
		// Cheap argon2id parameters keep the suite fast; the default ones are tested in auth.
		PasswordParams: auth.Params{MemoryKiB: 1024, Time: 1, Threads: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(st)
	if err != nil {
		t.Fatal(err)
	}
	app := &App{T: t, State: st, Server: srv, Clock: clock, Config: cfg, Logs: logs}
	ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		srv.ServeHTTP(rec, r)
		if rec.status >= 500 {
			app.mu.Lock()
			app.failures = append(app.failures, fmt.Sprintf("%s %s → %d", r.Method, r.URL, rec.status))
			app.mu.Unlock()
		}
	})
	ts.Start()
	app.HTTP, app.URL = ts, ts.URL
	t.Cleanup(func() {
		ts.Close()
		st.Close()
		app.mu.Lock()
		defer app.mu.Unlock()
		if len(app.failures) > 0 && !app.allow5xx {
			t.Errorf("responses with a server error status: %v\nlogs:\n%s", app.failures, logs.String())
		}
	})
	return app
}

// AllowServerErrors is for the few tests that provoke a 5xx on purpose (e.g. a
// database that is gone for /healthz).
func (a *App) AllowServerErrors() { a.mu.Lock(); a.allow5xx = true; a.mu.Unlock() }

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = 200
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Client is a browser-like client of the app.
type Client struct {
	app *App
	*http.Client
}

// Client returns a new client with its own cookie jar.
func (a *App) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{app: a, Client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}}
}

// Response is a finished response with its body read.
type Response struct {
	*http.Response
	Body string
}

// JSON decodes the body into v.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

// Do sends a request. Unsafe methods carry same-origin browser headers, as a form
// post from the site's own page does.
func (c *Client) Do(method, path string, body io.Reader, header http.Header) *Response {
	c.app.T.Helper()
	req, err := http.NewRequest(method, c.app.URL+path, body)
	if err != nil {
		c.app.T.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if method != http.MethodGet && method != http.MethodHead && req.Header.Get("Sec-Fetch-Site") == "" {
		req.Header.Set("Origin", c.app.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, err := c.Client.Do(req)
	if err != nil {
		c.app.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.app.T.Fatal(err)
	}
	return &Response{Response: resp, Body: string(b)}
}

// Get fetches a path.
func (c *Client) Get(path string) *Response { return c.Do(http.MethodGet, path, nil, nil) }

// PostForm posts an urlencoded form.
func (c *Client) PostForm(path string, form url.Values) *Response {
	return c.Do(http.MethodPost, path, strings.NewReader(form.Encode()),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
}

// JSON sends a JSON body (v may be a string of raw JSON) with an optional bearer token.
func (c *Client) JSON(method, path string, v any, token string) *Response {
	var body string
	switch b := v.(type) {
	case nil:
	case string:
		body = b
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.app.T.Fatal(err)
		}
		body = string(raw)
	}
	h := http.Header{"Content-Type": {"application/json"}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return c.Do(method, path, strings.NewReader(body), h)
}

// SignupForm is a valid web signup form for a student; change fields to test rules.
func SignupForm(username string) url.Values {
	return url.Values{
		"first_name": {"Test"}, "last_name": {"User"}, "username": {username},
		"email": {username + "@example.com"}, "user_type": {"student"},
		"password1": {"correct-Horse-7"}, "password2": {"correct-Horse-7"},
		"birthdate": {"2005-03-04"},
	}
}

// Password is the password of users made by the helpers.
const Password = "correct-Horse-7"

// SignUp creates a student account through the signup form.
func (c *Client) SignUp(username string) {
	c.app.T.Helper()
	resp := c.PostForm("/signup/", SignupForm(username))
	if resp.StatusCode != http.StatusSeeOther {
		c.app.T.Fatalf("signup %s: status %d\n%s", username, resp.StatusCode, resp.Body)
	}
}

// LogIn signs the client in through the login form.
func (c *Client) LogIn(username, password string) {
	c.app.T.Helper()
	resp := c.PostForm("/login/", url.Values{"username": {username}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		c.app.T.Fatalf("login %s: status %d\n%s", username, resp.StatusCode, resp.Body)
	}
}

// Account creates an account with a role directly through the account service, for
// tests that call the services themselves. The first name is the username capitalised.
func (a *App) Account(username, role string) store.User {
	a.T.Helper()
	u, err := a.State.Auth.CreateUserAdmin(context.Background(), auth.SignupInput{
		Username: username, Email: username + "@example.com", Password1: Password,
		FirstName: strings.ToUpper(username[:1]) + username[1:], LastName: "Tester", UserType: role, Birthdate: "2005-03-04",
	})
	if err != nil {
		a.T.Fatalf("create %s: %v", username, err)
	}
	return u
}

// User creates an account with a role directly through the account service and
// returns a client signed in as it.
func (a *App) User(username, role string) *Client {
	a.T.Helper()
	a.Account(username, role)
	c := a.Client()
	c.LogIn(username, Password)
	return c
}

// Token logs in through the API and returns the access and refresh tokens.
func (a *App) Token(username string) (access, refresh string) {
	a.T.Helper()
	resp := a.Client().JSON("POST", "/api/auth/login/", map[string]string{"username": username, "password": Password}, "")
	var out struct{ Access, Refresh string }
	resp.JSON(a.T, &out)
	if resp.StatusCode != 200 || out.Access == "" {
		a.T.Fatalf("api login %s: %d %s", username, resp.StatusCode, resp.Body)
	}
	return out.Access, out.Refresh
}

// RelaxedLimits raises every rate limit far above what a test does, for tests about
// something else; tests of the limits themselves use the defaults.
var RelaxedLimits = []string{"-limits", "login=100000/1m,login_user=100000/1m,login_account=100000/1m,login_device=100000/1m,signup=100000/1m,reset=100000/1m,post=100000/1m," +
	"comment=100000/1m,like=100000/1m,upload=100000/1m,api=1000000/1m,chat=100000/1m,search=100000/1m," +
	"quiz=100000/1m,answer=100000/1m,enroll=100000/1m,report=100000/1m,block=100000/1m,export=100000/1m,delete_account=100000/1m"}

// StartRelaxed starts an app with RelaxedLimits.
func StartRelaxed(t testing.TB) *App {
	t.Helper()
	return Start(t, Options{Args: RelaxedLimits})
}
