// Package browsertest drives the real application in headless Chromium, for the
// flow tests of DESIGN.md (Testing): sign up, log in, chat between two users, ...
//
// One Chromium process is started per test binary, lazily, the first time New is
// called. Every Browser is a new tab in a new browser context (an incognito-like
// profile), so two Browsers in one test have separate cookies and localStorage and
// can act as two different users:
//
//	app := apptest.Start(t)
//	ada, bob := browsertest.New(t), browsertest.New(t)
//	ada.Navigate(app.URL + "/login/")
//
// Every action has its own timeout (StepTimeout), so a page that hangs fails the
// test with a message that names the selector, the current URL and a screenshot,
// instead of stalling the whole suite. Methods call t.Fatalf on failure, so call
// them from the test's goroutine only (one goroutine per Browser is fine only if
// that goroutine is the test's own, e.g. in a subtest).
//
// Uncaught JavaScript exceptions, console.error calls and browser log entries of
// level error (a Content-Security-Policy violation, a failed resource load) are
// collected and fail the test when it ends. A test that expects some calls
// AllowConsoleErrors, optionally with substrings that select the messages to ignore.
//
// A page that answers with an error status also logs "Failed to load resource:
// the server responded with a status of 404": a test that visits one on purpose
// calls AllowConsoleErrors("status of 404").
//
// Call apptest.Start before New, so that the tab is closed (cleanups run last
// first) before the server stops.
//
// The API, all on *Browser: Navigate, Reload, Click, ClickAndWait (a click that
// loads a page), Type (key events), SetValue (value + input/change events),
// Submit (a form, waiting for the answer), SetViewport; WaitVisible,
// WaitNotVisible, WaitJS, WaitFor; Visible, Text, Attr, Eval, Location, Cookies;
// Screenshot; AllowConsoleErrors, ConsoleErrors, Dialogs (alert/confirm dialogs
// are accepted and recorded).
//
// Chromium is /usr/bin/chromium, or $CHROMIUM. Without it New skips the test, except
// when $CI is set, where it fails. Screenshots go to $BROWSER_SHOTS when set,
// otherwise into the test's temporary directory; their paths are logged.
//
// A package of browser tests should call Main from TestMain, so the shared browser
// is closed and its temporary profile removed when the tests end:
//
//	func TestMain(m *testing.M) { browsertest.Main(m) }
//
// Without it the kernel still kills Chromium when the test binary exits (Pdeathsig),
// but its temporary profile directory is left behind.
package browsertest
