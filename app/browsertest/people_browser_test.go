package browsertest

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"eplatform/app/apptest"
)

// TestProfileEditWithPicture: Ada uploads a picture (previewed before sending), fills
// in her bio and location, adds a skill, and sees it all on her profile; Bob sees the
// public parts and a Message button, and not her email.
func TestProfileEditWithPicture(t *testing.T) {
	app := apptest.StartRelaxed(t)
	app.User("ada", "student")
	app.User("bob", "student")

	a := New(t)
	logIn(t, a, app, "ada")
	a.Navigate(app.URL + "/home/profile/")
	a.WaitVisible(".profile-progress")
	a.ClickAndWait(".profile-head__actions a[href='/home/me/edit/']")

	a.UploadFile("#id_profile_picture", testImage(t))
	a.WaitVisible(".picture-edit img.avatar--xl") // the local preview
	if src := a.Attr(".picture-edit img.avatar--xl", "src"); !strings.HasPrefix(src, "blob:") {
		t.Errorf("preview src = %q", src)
	}
	a.Submit("form[data-picture-form]")
	if loc := a.Location(); !strings.HasSuffix(loc, "/home/profile/") {
		t.Fatalf("after the upload: %s", loc)
	}
	src := a.Attr(".profile-head img.avatar--xl", "src")
	if !strings.HasPrefix(src, "/media/profile_pictures/") {
		t.Fatalf("profile picture src = %q", src)
	}
	var width int
	a.Eval(`new Promise(r => { const i = document.querySelector(".profile-head img.avatar--xl"); i.complete ? r(i.naturalWidth) : i.onload = () => r(i.naturalWidth); })`, &width)
	if width != 320 {
		t.Errorf("the stored picture is %d px wide, want 320", width)
	}

	a.Navigate(app.URL + "/home/me/edit/")
	a.SetValue("#id_bio", "Analyst of <engines>.\nWrites notes.")
	a.SetValue("#id_location", "London")
	a.SetValue("#id_website", "ada.example.org")
	a.Submit("form[action='/home/me/edit/']")
	a.WaitVisible("[data-profile-bio]")
	if got := a.Text("[data-profile-bio]"); !strings.Contains(got, "Analyst of <engines>.") {
		t.Errorf("bio = %q", got)
	}
	if got := a.Attr("[data-profile-website] a", "href"); got != "https://ada.example.org" {
		t.Errorf("website = %q", got)
	}

	// Add a skill with the form; the dots show its level.
	a.ClickAndWait("#skills a[href='/home/me/skills/add/']")
	a.SetValue("#id_name", "Go")
	a.SetValue("#id_proficiency", "4")
	a.Submit("form[data-entry-form=skills]")
	a.WaitVisible("#skills .skill")
	var on int
	a.Eval(`document.querySelectorAll("#skills .skill .dot--on").length`, &on)
	if on != 4 {
		t.Errorf("%d dots on, want 4", on)
	}
	a.Screenshot("ada-profile")

	b := New(t)
	logIn(t, b, app, "bob")
	b.Navigate(app.URL + "/home/profile/ada/")
	b.WaitVisible(".profile-head")
	if got := b.Text("[data-profile-location]"); !strings.Contains(got, "London") {
		t.Errorf("bob sees location %q", got)
	}
	if b.Visible("[data-profile-email]") || b.Visible(".profile-progress") || b.Visible(".entry__controls") {
		t.Error("bob sees the private email, the completion bar or the owner's controls")
	}
	b.WaitVisible("form[action='/chat/start/" + itoaUser(t, app, "ada") + "/'] button")
	b.Screenshot("bob-sees-ada")
}

// TestSearchSuggestions: typing in the navigation box suggests people and subjects;
// the arrow keys and Enter open one; Enter without a choice searches.
func TestSearchSuggestions(t *testing.T) {
	app := apptest.StartRelaxed(t)
	app.User("adalbert", "student")
	app.User("ada", "instructor")
	bob := app.User("bob", "student")
	bob.PostForm("/home/", url.Values{"content": {"Recursion <b>is</b> fun"}})

	b := New(t)
	logIn(t, b, app, "bob")
	b.WaitVisible("#site-search")
	if role := b.Attr("#site-search", "role"); role != "combobox" {
		t.Fatalf("search box role = %q", role)
	}
	b.Type("#site-search", "ada")
	b.WaitVisible("#site-search-suggestions [role=option]")
	if b.Attr("#site-search", "aria-expanded") != "true" {
		t.Error("aria-expanded is not true with the list open")
	}
	var options []string
	b.Eval(`Array.from(document.querySelectorAll("#site-search-suggestions [role=option]")).map(o => o.innerText)`, &options)
	if len(options) < 3 || !strings.Contains(options[0], "@ada") || !strings.Contains(options[1], "@adalbert") {
		t.Fatalf("options = %q (the exact username first, then the prefix match, then 'Search for')", options)
	}
	b.Screenshot("suggestions")
	b.Type("#site-search", kb.ArrowDown)
	if b.Attr("#site-search", "aria-activedescendant") == "" {
		t.Error("no active option after ArrowDown")
	}
	b.Type("#site-search", kb.Escape)
	b.WaitNotVisible("#site-search-suggestions")
	b.Type("#site-search", kb.ArrowDown) // reopens
	b.WaitVisible("#site-search-suggestions [role=option]")
	b.Type("#site-search", kb.ArrowDown)
	b.doAndWaitLoad("open the suggestion", chromedp.SendKeys(chromedp.CSS("#site-search"), kb.Enter))
	if loc := b.Location(); !strings.HasSuffix(loc, "/home/profile/ada/") {
		t.Fatalf("Enter on the first suggestion went to %s", loc)
	}

	// Enter without choosing submits the search.
	b.SetValue("#site-search", "recurs")
	b.Submit("#site-search")
	// Nobody is called "recurs…": the page opens on the posts, the tab with results.
	b.WaitVisible("[data-results=posts] mark")
	if b.Attr("[data-tab=posts]", "aria-current") == "" {
		t.Error("the posts tab is not marked current when the search opened on it")
	}
	if got := b.Text("[data-results=posts] [data-snippet]"); !strings.Contains(got, "<b>is</b>") {
		t.Errorf("snippet = %q, want the markup as text", got)
	}
	b.Screenshot("search-posts")
}

func itoaUser(t *testing.T, app *apptest.App, name string) string {
	t.Helper()
	u, err := app.State.DB.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(u.ID, 10)
}

// TestTabBarsScrollOnPhones: a tab bar wider than a phone scrolls sideways with the
// current tab in view and a faded edge where more tabs are.
func TestTabBarsScrollOnPhones(t *testing.T) {
	app := apptest.StartRelaxed(t)
	app.User("root", "admin")
	b := New(t)
	b.SetViewport(360, 740)
	logIn(t, b, app, "root")
	b.Navigate(app.URL + "/admin/system/")
	b.WaitVisible(".admin .tabs")
	var bar struct {
		Overflow                string
		Wide                    bool
		CurLeft, CurRight, L, R float64
	}
	b.Eval(`(function(){var t=document.querySelector(".admin .tabs"),c=t.querySelector("[aria-current]"),
		tr=t.getBoundingClientRect(),cr=c.getBoundingClientRect();
		return {Overflow:t.getAttribute("data-overflow")||"",Wide:t.scrollWidth>t.clientWidth,CurLeft:cr.left,CurRight:cr.right,L:tr.left,R:tr.right}})()`, &bar)
	if !bar.Wide {
		t.Skip("the admin tabs fit 360 px: nothing to scroll")
	}
	if bar.Overflow == "" || bar.Overflow == "end" {
		t.Errorf("data-overflow = %q on the last tab's page, want start or both", bar.Overflow)
	}
	if bar.CurLeft < bar.L-1 || bar.CurRight > bar.R+1 {
		t.Errorf("the current tab (%.0f–%.0f) is outside the bar (%.0f–%.0f)", bar.CurLeft, bar.CurRight, bar.L, bar.R)
	}
	b.Screenshot("admin-tabs-phone")
}
