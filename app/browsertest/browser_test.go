package browsertest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

// testSite serves small HTML pages under the app's Content-Security-Policy, so the
// harness's error collection can be checked without the app.
func testSite(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/inline":
			w.Write([]byte(`<!DOCTYPE html><title>x</title><script>document.title = "ran"</script><p id="p">inline</p>`))
		case "/throws":
			w.Write([]byte(`<!DOCTYPE html><title>x</title><script src="/throws.js"></script><p id="p">throws</p>`))
		case "/throws.js":
			w.Header().Set("Content-Type", "text/javascript")
			w.Write([]byte(`console.error("boom %d", 42); undefinedFunction();`))
		case "/dialog":
			w.Write([]byte(`<!DOCTYPE html><title>x</title><script src="/dialog.js" defer></script><button id="b">ask</button><p id="p"></p>`))
		case "/dialog.js":
			w.Header().Set("Content-Type", "text/javascript")
			w.Write([]byte(`document.getElementById("b").addEventListener("click", () => {
				document.getElementById("p").textContent = confirm("Sure?") ? "yes" : "no";
			});`))
		case "/cookie":
			http.SetCookie(w, &http.Cookie{Name: "who", Value: r.URL.Query().Get("v"), Path: "/", HttpOnly: true})
			w.Write([]byte(`<!DOCTYPE html><title>x</title><p id="p">set</p>`))
		default:
			w.Write([]byte(`<!DOCTYPE html><title>x</title>
				<p id="p" data-x="y">hello <b>world</b></p>
				<p id="hidden" hidden>hidden</p>
				<form id="f" method="get" action="/done"><input id="q" name="q" required><button>go</button></form>`))
		}
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func TestHarnessBasics(t *testing.T) {
	ts := testSite(t)
	b := New(t)
	b.Navigate(ts.URL + "/")
	if got := b.Text("#p"); got != "hello world" {
		t.Errorf("Text = %q", got)
	}
	if got := b.Attr("#p", "data-x"); got != "y" {
		t.Errorf("Attr = %q", got)
	}
	b.WaitVisible("#p")
	b.WaitNotVisible("#hidden")
	b.WaitNotVisible("#nothing-matches")
	var n int
	b.Eval(`Promise.resolve(40 + 2)`, &n)
	if n != 42 {
		t.Errorf("Eval = %d", n)
	}
	b.Type("#q", "abc")
	b.Submit("#f")
	if got := b.Location(); got != ts.URL+"/done?q=abc" {
		t.Errorf("Location after submit = %q", got)
	}
}

// A CSP violation, a console.error and an uncaught exception are all recorded.
func TestHarnessCollectsPageErrors(t *testing.T) {
	ts := testSite(t)
	b := New(t)
	b.AllowConsoleErrors() // this test looks at them itself
	b.Navigate(ts.URL + "/inline")
	b.Navigate(ts.URL + "/throws")
	errs := strings.Join(b.ConsoleErrors(), "\n")
	for _, want := range []string{"Content Security Policy", "boom 42", "undefinedFunction is not defined"} {
		if !strings.Contains(errs, want) {
			t.Errorf("page errors lack %q:\n%s", want, errs)
		}
	}
	if got := b.unexpectedErrors(); got != nil {
		t.Errorf("allowed errors reported: %v", got)
	}
	b.allowAll = false
	b.allow = []string{"Content Security Policy", "boom", "undefinedFunction"}
	if got := b.unexpectedErrors(); got != nil {
		t.Errorf("errors allowed by substring reported: %v", got)
	}
	b.allowAll = true
}

// Two Browsers are two users: separate cookie jars.
func TestHarnessSeparateCookies(t *testing.T) {
	ts := testSite(t)
	a, b := New(t), New(t)
	a.Navigate(ts.URL + "/cookie?v=a")
	b.Navigate(ts.URL + "/cookie?v=b")
	a.Navigate(ts.URL + "/")
	cookie := func(br *Browser) []string {
		var out []string
		for _, c := range br.Cookies() {
			out = append(out, c.Name+"="+c.Value)
		}
		return out
	}
	if got := cookie(a); !slices.Equal(got, []string{"who=a"}) {
		t.Errorf("a's cookies = %v", got)
	}
	if got := cookie(b); !slices.Equal(got, []string{"who=b"}) {
		t.Errorf("b's cookies = %v", got)
	}
}

// Dialogs are accepted, so a confirm() cannot hang a test, and recorded.
func TestHarnessDialogs(t *testing.T) {
	ts := testSite(t)
	b := New(t)
	b.Navigate(ts.URL + "/dialog")
	b.Click("#b")
	b.WaitJS(`document.getElementById("p").textContent === "yes"`)
	if got := b.Dialogs(); !slices.Equal(got, []string{"Sure?"}) {
		t.Errorf("Dialogs = %q", got)
	}
}
