package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"eplatform/app/testutil"
)

// StepTimeout bounds every action of a Browser (a navigation, a click, a wait).
const StepTimeout = 15 * time.Second

// startTimeout bounds starting Chromium and opening a tab.
const startTimeout = 30 * time.Second

// Window and viewport size of every new tab; SetViewport changes it.
const (
	Width  = 1280
	Height = 900
)

// pollEvery is the interval of the waits.
const pollEvery = 50 * time.Millisecond

// The browser shared by the tests of one binary.
var shared struct {
	once   sync.Once
	mu     sync.Mutex
	ctx    context.Context // its first tab: NewContext on it opens tabs in the same browser
	cancel func()          // closes the browser, then removes its temporary profile
	err    error
	output *limitedBuffer // Chromium's stdout and stderr, for start failures
}

// ExecPath is the Chromium binary: $CHROMIUM, or Debian's /usr/bin/chromium.
func ExecPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

func startBrowser() {
	shared.output = &limitedBuffer{max: 16 << 10}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ExecPath()),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("mute-audio", true),
		chromedp.WindowSize(Width, Height),
		chromedp.CombinedOutput(shared.output),
	)
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	// The first Do starts the browser and binds its life to ctx, which has no
	// deadline; within only bounds how long we wait for it.
	if err := within(startTimeout, func() error { return chromedp.Do(ctx) }); err != nil {
		cancel()
		allocCancel()
		shared.err = fmt.Errorf("start %s: %w\nchromium output:\n%s", ExecPath(), err, shared.output)
		return
	}
	shared.ctx = ctx
	shared.cancel = func() {
		tctx, tcancel := context.WithTimeout(ctx, 10*time.Second)
		defer tcancel()
		_ = chromedp.Cancel(tctx) // closes the browser gracefully
		cancel()
		allocCancel() // waits for the process and removes the temporary profile
	}
}

// Main runs the tests of a package, then closes the shared browser. Call it from
// TestMain.
func Main(m *testing.M) {
	code := m.Run()
	Shutdown()
	os.Exit(code)
}

// Shutdown closes the shared browser, if it was started. Browsers made after it
// fail.
func Shutdown() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	shared.once.Do(func() { shared.err = errors.New("browsertest: Shutdown was called") })
	if shared.cancel != nil {
		shared.cancel()
		shared.cancel = nil
		shared.err = errors.New("browsertest: Shutdown was called")
	}
}

// Browser is one tab with its own cookies and storage (a browser context of the
// shared Chromium). Its methods fail the test on error.
type Browser struct {
	t        testing.TB
	ctx      context.Context
	cancel   context.CancelFunc
	shotsDir string
	shots    int
	vw, vh   int // the viewport, restored after a full-page screenshot

	mu       sync.Mutex
	errs     []string // console errors, exceptions, browser log errors
	allowAll bool
	allow    []string
	dialogs  []string
}

// New opens a fresh tab in a new browser context. The tab closes when the test
// ends, and the test fails if the page logged errors (see AllowConsoleErrors).
// Without Chromium the test is skipped, or fails when $CI is set.
func New(t testing.TB) *Browser {
	t.Helper()
	if _, err := exec.LookPath(ExecPath()); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("browsertest: no Chromium at %s ($CHROMIUM): %v", ExecPath(), err)
		}
		t.Skipf("browsertest: no Chromium at %s ($CHROMIUM): %v", ExecPath(), err)
	}
	shared.mu.Lock()
	shared.once.Do(startBrowser)
	root, err := shared.ctx, shared.err
	shared.mu.Unlock()
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}

	b := &Browser{t: t}
	if dir := os.Getenv("BROWSER_SHOTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		b.shotsDir = dir
	} else {
		b.shotsDir = t.TempDir()
	}
	b.ctx, b.cancel = chromedp.NewContext(root,
		chromedp.WithNewBrowserContext(), // own cookie jar, cache and localStorage
		chromedp.WithListener(b.onEvent), // sees every event from the first one
	)
	if err := within(startTimeout, func() error { return chromedp.Do(b.ctx) }); err != nil {
		b.cancel()
		t.Fatalf("browsertest: open a tab: %v", err)
	}
	t.Cleanup(b.close)
	// Headless Chromium's window of Width×Height has a shorter viewport (it keeps
	// room for a toolbar); make the viewport itself that size.
	b.SetViewport(Width, Height)
	return b
}

// close runs when the test ends: it reports unexpected page errors and closes the tab.
func (b *Browser) close() {
	// Events arrive in order before a command's reply, so once this round trip is
	// done every error the page logged so far has been recorded.
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	_ = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`0`))
	cancel()
	if errs := b.unexpectedErrors(); len(errs) > 0 {
		msg := "browsertest: the page logged errors (call AllowConsoleErrors if they are expected):\n\t" +
			strings.Join(errs, "\n\t")
		if shot := b.quietScreenshot("console-errors", true); shot != "" {
			msg += "\n\tscreenshot: " + shot
		}
		b.t.Error(msg)
	}
	b.cancel()
}

// onEvent runs in the tab's event loop: it must be quick and send no command.
func (b *Browser) onEvent(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg = "uncaught exception: " + exceptionText(ev.ExceptionDetails)
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		msg = "console." + string(ev.Type) + ": " + argsText(ev.Args) + stackPlace(ev.StackTrace)
	case *log.EventEntryAdded:
		if ev.Entry == nil || ev.Entry.Level != log.EntryLevelError {
			return
		}
		msg = "browser log (" + string(ev.Entry.Source) + "): " + ev.Entry.Text
		if ev.Entry.URL != "" {
			msg += " [" + ev.Entry.URL + "]"
		}
	case *page.EventJavascriptDialogOpening:
		// A dialog blocks the page; accept it from another goroutine, as the
		// listener may not send commands.
		b.mu.Lock()
		b.dialogs = append(b.dialogs, ev.Message)
		b.mu.Unlock()
		go func() {
			ctx, cancel := context.WithTimeout(b.ctx, StepTimeout)
			defer cancel()
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}()
		return
	default:
		return
	}
	b.mu.Lock()
	b.errs = append(b.errs, msg)
	b.mu.Unlock()
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "(no details)"
	}
	s := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		return s + " " + d.Exception.Description // the description holds the stack
	}
	if d.URL != "" {
		s += fmt.Sprintf(" [%s:%d:%d]", d.URL, d.LineNumber+1, d.ColumnNumber+1)
	}
	return s
}

// argsText formats console arguments as the DevTools console does, with the
// printf-like directives of the first argument (%s %d %i %f %o %O %c).
func argsText(args []*runtime.RemoteObject) string {
	texts := make([]string, len(args))
	for i, a := range args {
		switch {
		case a.Type == runtime.RemoteObjectTypeString && len(a.Value) > 0:
			if json.Unmarshal(a.Value, &texts[i]) != nil {
				texts[i] = string(a.Value)
			}
		case a.Description != "":
			texts[i] = a.Description
		case len(a.Value) > 0:
			texts[i] = string(a.Value)
		default:
			texts[i] = string(a.Type)
		}
	}
	if len(args) == 0 || args[0].Type != runtime.RemoteObjectTypeString {
		return strings.Join(texts, " ")
	}
	var out strings.Builder
	format, rest := texts[0], texts[1:]
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			out.WriteByte(format[i])
			continue
		}
		switch c := format[i+1]; {
		case c == '%':
			out.WriteByte('%')
		case strings.IndexByte("sdifoOc", c) >= 0 && len(rest) > 0:
			if c != 'c' { // %c is CSS
				out.WriteString(rest[0])
			}
			rest = rest[1:]
		default:
			out.WriteString(format[i : i+2])
		}
		i++
	}
	return strings.Join(append([]string{out.String()}, rest...), " ")
}

func stackPlace(st *runtime.StackTrace) string {
	if st == nil || len(st.CallFrames) == 0 {
		return ""
	}
	f := st.CallFrames[0]
	return fmt.Sprintf(" [%s:%d:%d]", f.URL, f.LineNumber+1, f.ColumnNumber+1)
}

// AllowConsoleErrors stops the page errors from failing the test: all of them, or
// only those whose text contains one of the substrings.
func (b *Browser) AllowConsoleErrors(substrings ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(substrings) == 0 {
		b.allowAll = true
	}
	b.allow = append(b.allow, substrings...)
}

// ConsoleErrors returns every page error recorded so far, allowed or not.
func (b *Browser) ConsoleErrors() []string {
	b.sync()
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errs...)
}

// Dialogs returns the messages of the alert/confirm/prompt dialogs the page
// opened; they are all accepted.
func (b *Browser) Dialogs() []string {
	b.sync()
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.dialogs...)
}

func (b *Browser) unexpectedErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.allowAll {
		return nil
	}
	var out []string
	for _, e := range b.errs {
		allowed := false
		for _, a := range b.allow {
			if strings.Contains(e, a) {
				allowed = true
				break
			}
		}
		if !allowed {
			out = append(out, e)
		}
	}
	return out
}

// sync makes one round trip so events sent before it have been recorded.
func (b *Browser) sync() {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	_ = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`0`))
}

// ---- failing -----------------------------------------------------------------

// fatalf fails the test with the current URL, a screenshot and the page errors.
func (b *Browser) fatalf(format string, args ...any) {
	b.t.Helper()
	msg := fmt.Sprintf(format, args...)
	msg += "\n\turl: " + b.quietLocation()
	if shot := b.quietScreenshot("failure", true); shot != "" {
		msg += "\n\tscreenshot: " + shot
	}
	b.mu.Lock()
	if len(b.errs) > 0 {
		msg += "\n\tpage errors so far:\n\t\t" + strings.Join(b.errs, "\n\t\t")
	}
	b.mu.Unlock()
	b.t.Fatal(msg)
}

// explain makes a chromedp error readable.
func explain(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("timed out after %s", StepTimeout)
	}
	var ex *chromedp.ExceptionError
	if errors.As(err, &ex) {
		return "JavaScript exception: " + exceptionText(ex.ExceptionDetails)
	}
	return err.Error()
}

// do runs actions with the step timeout.
func (b *Browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, StepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fatalf("%s: %s", what, explain(err))
	}
}

// doAndWaitLoad runs actions that start a navigation and waits for the new page.
func (b *Browser) doAndWaitLoad(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, StepTimeout)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, actions...); err != nil {
		b.fatalf("%s: %s (no new page loaded?)", what, explain(err))
	}
}

// ---- actions -------------------------------------------------------------------

// Navigate loads url and waits for its load event.
func (b *Browser) Navigate(url string) {
	b.t.Helper()
	b.do("navigate to "+url, chromedp.Navigate(url))
}

// Reload reloads the page and waits for it.
func (b *Browser) Reload() {
	b.t.Helper()
	b.do("reload", chromedp.Reload())
}

// Click clicks the centre of the first element matching the CSS selector, once it
// is visible. It does not wait for a navigation: use ClickAndWait for links and
// submit buttons.
func (b *Browser) Click(sel string) {
	b.t.Helper()
	b.waitVisible("click "+sel, sel, true)
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// ClickAndWait clicks an element that loads a new page (a link, a submit button)
// and waits until that page has loaded.
func (b *Browser) ClickAndWait(sel string) {
	b.t.Helper()
	b.waitVisible("click "+sel, sel, true)
	b.doAndWaitLoad("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// UploadFile sets the files of a file input, as choosing them in the dialog does
// (the input's change event fires).
func (b *Browser) UploadFile(sel string, paths ...string) {
	b.t.Helper()
	b.do("upload into "+sel, chromedp.SetUploadFiles(chromedp.CSS(sel), paths))
}

// Type focuses the element and types text with key events, as a user does.
func (b *Browser) Type(sel, text string) {
	b.t.Helper()
	b.do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// SetValue sets the value of an input, select or textarea and fires input and
// change events, as a user's edit does. It suits controls that are awkward to
// type into (date inputs, selects).
func (b *Browser) SetValue(sel, v string) {
	b.t.Helper()
	got := b.query("set value of "+sel, sel, `(el, v) => {
		el.focus();
		el.value = v;
		el.dispatchEvent(new Event("input", {bubbles: true}));
		el.dispatchEvent(new Event("change", {bubbles: true}));
		return el.value;
	}`, v)
	var value string
	_ = json.Unmarshal(got, &value)
	if value != v {
		b.fatalf("set value of %s to %q: the control holds %q (no such option, or a value the input type refuses)", sel, v, value)
	}
}

// Submit submits a form (the first element matching formSel, or the form around
// it) as its submit button would (requestSubmit: submit handlers run), and waits
// for the page that answers. It fails at once, naming the fields, if the
// browser's own validation refuses the form. For a form that a script sends
// without loading a page, Click its button and wait for the result instead.
func (b *Browser) Submit(formSel string) {
	b.t.Helper()
	raw := b.query("submit "+formSel, formSel, `(el) => {
		const f = el instanceof HTMLFormElement ? el : (el.form || el.closest("form"));
		if (!f) return "not a form and not inside one";
		if (f.noValidate) return "";
		const bad = Array.from(f.elements).filter(c => c.willValidate && !c.checkValidity());
		return bad.map(c => (c.name || c.id) + ": " + c.validationMessage).join("; ");
	}`)
	var invalid string
	_ = json.Unmarshal(raw, &invalid)
	if invalid != "" {
		b.fatalf("submit %s: the browser refuses the form: %s", formSel, invalid)
	}
	b.doAndWaitLoad("submit "+formSel, chromedp.Evaluate[chromedp.Void](jsCall(`(sel) => {
		const el = document.querySelector(sel);
		const f = el instanceof HTMLFormElement ? el : (el.form || el.closest("form"));
		f.requestSubmit();
	}`, formSel)))
}

// SetViewport resizes the tab's viewport (CSS pixels, device scale 1).
func (b *Browser) SetViewport(w, h int) {
	b.t.Helper()
	b.do(fmt.Sprintf("set viewport to %d×%d", w, h), chromedp.EmulateViewport(int64(w), int64(h)))
	b.vw, b.vh = w, h
}

// SetTimezone makes the tab's clock read in zone (an IANA name), as on a device set
// to that zone: Intl and Date follow it.
func (b *Browser) SetTimezone(zone string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, StepTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone}); err != nil {
		b.fatalf("set the time zone to %s: %s", zone, explain(err))
	}
}

// ---- waits -----------------------------------------------------------------------

// visibleJS tells whether an element is rendered: connected, not display:none or
// visibility:hidden (itself or an ancestor), not transparent, with a size.
const visibleJS = `(el) => !!el && el.isConnected &&
	el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true, opacityProperty: true, visibilityProperty: true}) &&
	el.getClientRects().length > 0 &&
	(r => r.width > 0 && r.height > 0)(el.getBoundingClientRect())`

// WaitVisible waits until the first element matching sel is visible.
func (b *Browser) WaitVisible(sel string) {
	b.t.Helper()
	b.waitVisible("wait until "+sel+" is visible", sel, true)
}

// WaitNotVisible waits until no element matches sel, or the first one is hidden.
func (b *Browser) WaitNotVisible(sel string) {
	b.t.Helper()
	b.waitVisible("wait until "+sel+" is hidden or gone", sel, false)
}

func (b *Browser) waitVisible(what, sel string, want bool) {
	b.t.Helper()
	expr := jsCall(`(sel, want) => (`+visibleJS+`)(document.querySelector(sel)) === want`, sel, want)
	if err := b.waitJS(expr); err != nil {
		state := "still visible"
		if want {
			var n int
			b.Eval(jsCall(`(sel) => document.querySelectorAll(sel).length`, sel), &n)
			state = "no element matches " + sel
			if n > 0 {
				state = fmt.Sprintf("%d element(s) match %s, the first is hidden", n, sel)
			}
		}
		b.fatalf("%s: %v: %s", what, err, state)
	}
}

// Visible reports whether the first element matching sel is visible now.
func (b *Browser) Visible(sel string) bool {
	b.t.Helper()
	var v bool
	b.Eval(jsCall(`(sel) => (`+visibleJS+`)(document.querySelector(sel))`, sel), &v)
	return v
}

// WaitFor polls cond until it returns true, for up to StepTimeout.
func (b *Browser) WaitFor(cond func() bool) {
	b.t.Helper()
	if !testutil.Poll(StepTimeout, cond) {
		b.fatalf("WaitFor: condition still false after %s", StepTimeout)
	}
}

// WaitJS waits until the JavaScript expression is truthy.
func (b *Browser) WaitJS(expr string) {
	b.t.Helper()
	if err := b.waitJS("!!(" + expr + ")"); err != nil {
		b.fatalf("wait until %s: %v", expr, err)
	}
}

// waitJS polls a JavaScript expression of boolean value until it is true, for up
// to StepTimeout. Errors while a page is being replaced (no execution context)
// are retried.
func (b *Browser) waitJS(expr string) error {
	deadline := time.Now().Add(StepTimeout)
	var lastErr error
	for {
		ctx, cancel := context.WithDeadline(b.ctx, deadline)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return nil
		}
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			lastErr = err
		}
		if b.ctx.Err() != nil {
			return fmt.Errorf("the tab is gone: %w", b.ctx.Err())
		}
		if !time.Now().Before(deadline) {
			if lastErr != nil {
				return fmt.Errorf("timed out after %s (last error: %s)", StepTimeout, explain(lastErr))
			}
			return fmt.Errorf("timed out after %s", StepTimeout)
		}
		time.Sleep(pollEvery)
	}
}

// query waits until sel matches an element, then returns fn(element, args...) as
// JSON. fn is a JavaScript function source.
func (b *Browser) query(what, sel, fn string, args ...any) json.RawMessage {
	b.t.Helper()
	expr := jsCall(`(sel, fn, args) => {
		const el = document.querySelector(sel);
		return el ? {found: true, v: fn(el, ...args)} : {found: false};
	}`, sel, rawJS(fn), args)
	deadline := time.Now().Add(StepTimeout)
	var lastErr error
	for {
		ctx, cancel := context.WithDeadline(b.ctx, deadline)
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr))
		cancel()
		if err == nil {
			var res struct {
				Found bool
				V     json.RawMessage
			}
			if err := json.Unmarshal(raw, &res); err != nil {
				b.fatalf("%s: decode %s: %v", what, raw, err)
			}
			if res.Found {
				return res.V
			}
			lastErr = fmt.Errorf("no element matches %q", sel)
		} else if !errors.Is(err, context.DeadlineExceeded) {
			lastErr = err
			var ex *chromedp.ExceptionError
			if errors.As(err, &ex) {
				b.fatalf("%s: %s", what, explain(err)) // a bad selector or script: no point retrying
			}
		}
		if b.ctx.Err() != nil {
			b.fatalf("%s: the tab is gone: %v", what, b.ctx.Err())
		}
		if !time.Now().Before(deadline) {
			b.fatalf("%s: timed out after %s: %v", what, StepTimeout, lastErr)
		}
		time.Sleep(pollEvery)
	}
}

// ---- reading the page ------------------------------------------------------------

// Text returns the rendered text (innerText, trimmed) of the first element
// matching sel, waiting for it to exist.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	var s string
	_ = json.Unmarshal(b.query("read text of "+sel, sel, `(el) => el.innerText`), &s)
	return strings.TrimSpace(s)
}

// Attr returns an attribute of the first element matching sel ("" when absent),
// waiting for the element to exist.
func (b *Browser) Attr(sel, name string) string {
	b.t.Helper()
	var s string
	_ = json.Unmarshal(b.query("read attribute "+name+" of "+sel, sel, `(el, name) => el.getAttribute(name) || ""`, name), &s)
	return s
}

// Eval evaluates a JavaScript expression (promises are awaited) and decodes its
// JSON value into out; out may be nil.
func (b *Browser) Eval(js string, out any) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, StepTimeout)
	defer cancel()
	if out == nil {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](js, chromedp.EvalAwaitPromise)); err != nil {
			b.fatalf("eval %s: %s", js, explain(err))
		}
		return
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fatalf("eval %s: %s", js, explain(err))
	}
	if err := json.Unmarshal(raw, out); err != nil {
		b.fatalf("eval %s: decode %s into %T: %v", js, raw, out, err)
	}
}

// Location returns the URL of the page.
func (b *Browser) Location() string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, StepTimeout)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.fatalf("read location: %s", explain(err))
	}
	return loc
}

// Cookies returns the cookies the browser would send to the current page,
// HttpOnly ones included.
func (b *Browser) Cookies() []*network.Cookie {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, StepTimeout)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		b.fatalf("read cookies: %s", explain(err))
	}
	return res.Cookies
}

// Screenshot saves a full-page PNG named after the test and name, logs its path
// and returns it.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, StepTimeout)
	defer cancel()
	png, err := b.fullPage(ctx)
	if err != nil {
		b.fatalf("screenshot %s: %s", name, explain(err))
	}
	path, err := b.writeShot(b.shotsDir, name, png)
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	b.t.Logf("screenshot: %s", path)
	return path
}

// ViewportShot saves what the viewport shows as a PNG at path (the README's pictures).
func (b *Browser) ViewportShot(path string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, StepTimeout)
	defer cancel()
	_ = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](settleJS, chromedp.EvalAwaitPromise)) // best effort: a shot of a moving page is still a shot
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.fatalf("screenshot %s: %s", path, explain(err))
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatalf("screenshot %s: %v", path, err)
	}
}

// fullPage captures the whole page as PNG. As Puppeteer does, it grows the
// viewport to the page's height for the capture: capturing beyond the viewport
// instead renders fixed backgrounds and fixed elements wrongly.
func (b *Browser) fullPage(ctx context.Context) ([]byte, error) {
	// Let finite CSS animations and transitions (a toast sliding in) end first.
	_ = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](settleJS, chromedp.EvalAwaitPromise))
	m, err := chromedp.Call(ctx, page.GetLayoutMetrics, cdp.Empty{})
	if err != nil {
		return nil, err
	}
	h := b.vh
	if m.CSSContentSize != nil {
		h = max(h, int(math.Ceil(m.CSSContentSize.Height)))
	}
	if h != b.vh {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(b.vw), int64(h))); err != nil {
			return nil, err
		}
		defer chromedp.Do(ctx, chromedp.EmulateViewport(int64(b.vw), int64(b.vh)))
	}
	return chromedp.Run(ctx, chromedp.CaptureScreenshot())
}

// settleJS waits up to a second for the running finite animations.
const settleJS = `Promise.race([
	Promise.all(document.getAnimations()
		.filter(a => a.playState === "running" && a.effect && isFinite(a.effect.getComputedTiming().endTime))
		.map(a => a.finished.catch(() => {}))),
	new Promise(r => setTimeout(r, 1000)),
]).then(() => undefined)`

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func (b *Browser) writeShot(dir, name string, png []byte) (string, error) {
	b.mu.Lock()
	b.shots++
	n := b.shots
	b.mu.Unlock()
	file := fmt.Sprintf("%s-%02d-%s.png", unsafeName.ReplaceAllString(b.t.Name(), "_"), n, unsafeName.ReplaceAllString(name, "_"))
	path := filepath.Join(dir, file)
	return path, os.WriteFile(path, png, 0o644)
}

// quietScreenshot is for failure reports: it never fails. A failure screenshot
// goes to $BROWSER_SHOTS or, as the test's temporary directory is deleted when
// the test ends, to $TMPDIR/eplatform-browsertest.
func (b *Browser) quietScreenshot(name string, keep bool) string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	png, err := b.fullPage(ctx)
	if err != nil {
		return ""
	}
	dir := b.shotsDir
	if keep && os.Getenv("BROWSER_SHOTS") == "" {
		dir = filepath.Join(os.TempDir(), "eplatform-browsertest")
		if os.MkdirAll(dir, 0o755) != nil {
			return ""
		}
	}
	path, err := b.writeShot(dir, name, png)
	if err != nil {
		return ""
	}
	return path
}

func (b *Browser) quietLocation() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown: " + explain(err) + ")"
	}
	return loc
}

// ---- helpers ---------------------------------------------------------------------

// rawJS is JavaScript source that jsCall inserts as is.
type rawJS string

// jsCall returns the expression that calls the function source fn with args,
// which are JSON-encoded (rawJS ones are inserted as source).
func jsCall(fn string, args ...any) string {
	parts := make([]string, len(args))
	for i, a := range args {
		if r, ok := a.(rawJS); ok {
			parts[i] = "(" + string(r) + ")"
			continue
		}
		if list, ok := a.([]any); ok && list == nil {
			a = []any{}
		}
		j, err := json.Marshal(a)
		if err != nil {
			panic(err)
		}
		parts[i] = string(j)
	}
	return "(" + fn + ")(" + strings.Join(parts, ", ") + ")"
}

// within runs f and gives up waiting for it after d.
func within(d time.Duration, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return fmt.Errorf("timed out after %s", d)
	}
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := l.max - l.buf.Len(); room > 0 {
		l.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
