package browsertest

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

// axeScript is axe-core (testdata/axe-core, pinned), injected into pages under test.
func axeScript(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/axe-core/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkPage fails when the page is wider than the viewport or axe-core reports a
// serious or critical violation.
func checkPage(t *testing.T, b *Browser, axe, name string) {
	t.Helper()
	checkPageRules(t, b, axe, name, `{ resultTypes: ["violations"] }`)
}

// checkPageColors is checkPage with only axe-core's colour rules: for a page already
// checked in the light theme, the dark one changes colours and nothing else, and
// running the other rules again costs time without a chance of a new finding.
func checkPageColors(t *testing.T, b *Browser, axe, name string) {
	t.Helper()
	checkPageRules(t, b, axe, name, `{ resultTypes: ["violations"], runOnly: { type: "rule", values: ["color-contrast", "link-in-text-block"] } }`)
}

// checkPages checks pages (paths on base) in b, signed in as who wants them: at a
// phone's and a laptop's width in the light theme, then again dark — as the theme
// switch leaves it, which theme.js reads before the first paint — for overflow and
// colours.
func checkPages(t *testing.T, b *Browser, base, axe, who string, pages []string) {
	t.Helper()
	sizes := [][2]int{{360, 740}, {1280, 800}}
	for _, size := range sizes {
		b.SetViewport(size[0], size[1])
		for _, p := range pages {
			b.Navigate(base + p)
			checkPage(t, b, axe, who+" "+p+" at "+strconv.Itoa(size[0]))
		}
	}
	b.Eval(`localStorage.setItem("theme", "dark"), true`, new(bool))
	for _, size := range sizes {
		b.SetViewport(size[0], size[1])
		for _, p := range pages {
			b.Navigate(base + p)
			b.WaitJS(`document.documentElement.getAttribute("data-theme") === "dark"`)
			checkPageColors(t, b, axe, who+" "+p+" dark at "+strconv.Itoa(size[0]))
		}
	}
	b.Eval(`localStorage.removeItem("theme"), true`, new(bool))
}

func checkPageRules(t *testing.T, b *Browser, axe, name, options string) {
	t.Helper()
	var wide []int
	b.Eval(`[document.documentElement.scrollWidth, window.innerWidth]`, &wide)
	if len(wide) == 2 && wide[0] > wide[1] {
		// Name what sticks out: the outermost elements past the right edge.
		var culprits []string
		b.Eval(`(() => {
			const out = el => el && el.getBoundingClientRect().right > window.innerWidth + 1;
			const clipped = el => { if (getComputedStyle(el).position === "absolute") return false; for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
				if (getComputedStyle(a).overflowX !== "visible") return true; } return false; };
			return Array.from(document.querySelectorAll("body *")).filter(e => out(e) && !out(e.parentElement) && !clipped(e))
				.slice(0, 3).map(e => e.tagName.toLowerCase() + (typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\s+/).join(".") : "") +
					" (" + Math.round(e.getBoundingClientRect().right) + " px)");
		})()`, &culprits)
		t.Errorf("%s: the document is %d px wide in a %d px viewport (%s)", name, wide[0], wide[1], strings.Join(culprits, ", "))
	}
	var loaded bool
	b.Eval(axe+"\n;!!window.axe", &loaded)
	if !loaded {
		t.Fatalf("%s: axe-core did not load", name)
	}
	var out string
	b.Eval(`axe.run(document, `+options+`).then(r => JSON.stringify(r.violations
		.filter(v => v.impact === "serious" || v.impact === "critical")
		.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")) }))))`, &out)
	var found []struct {
		ID, Impact string
		Nodes      []string
	}
	if err := json.Unmarshal([]byte(out), &found); err != nil {
		t.Fatalf("%s: axe answer %q: %v", name, out, err)
	}
	for _, v := range found {
		t.Errorf("%s: axe %s (%s) at %s", name, v.ID, v.Impact, strings.Join(v.Nodes, ", "))
	}
}

// TestChatPagesCheck: the chat pages (list, a conversation, the compose page, the
// people list, a new group) at a phone's and a laptop's width, light and dark:
// no horizontal overflow, no serious or critical axe-core finding. Part of the
// page-by-page check of issue 14, with TestMainPagesCheck and TestDetailPagesCheck.
func TestChatPagesCheck(t *testing.T) {
	app := apptest.StartRelaxed(t)
	app.User("alice", "student")
	app.User("bob", "student")
	app.User("carol", "student")
	ctx := t.Context()
	alice, _ := app.State.DB.UserByUsername(ctx, "alice")
	bob, _ := app.State.DB.UserByUsername(ctx, "bob")
	carol, _ := app.State.DB.UserByUsername(ctx, "carol")
	res, err := app.State.Chat.StartDirect(ctx, alice, bob.ID, "Hello Bob, here are the notes for Thursday 👋")
	if err != nil {
		t.Fatal(err)
	}
	axe := axeScript(t)
	b := New(t)
	logIn(t, b, app, "alice")
	checkPages(t, b, app.URL, axe, "alice", []string{"/chat/", "/chat/conversation/" + id64(res.ConversationID) + "/",
		"/chat/start/" + id64(carol.ID) + "/", "/chat/users/", "/chat/groups/new/"})
}

func id64(n int64) string { return strconv.FormatInt(n, 10) }
