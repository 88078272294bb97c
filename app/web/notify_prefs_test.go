package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/notify"
)

// TestNotificationSettingsMatrix: every role reads and saves only their own settings
// (the pages take no id, so there is nobody else's to reach); anonymous visitors are
// sent to sign in; a bad value is a 400 naming the field with nothing saved.
func TestNotificationSettingsMatrix(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	roles := []struct{ name, role string }{{"stud", "student"}, {"stud2", "student"}, {"teach", "instructor"},
		{"teach2", "instructor"}, {"root", "admin"}}
	clients := map[string]*apptest.Client{}
	for _, r := range roles {
		clients[r.name] = app.User(r.name, r.role)
	}
	anon := app.Client()
	for _, path := range []string{"/home/me/notifications/"} {
		if r := anon.Get(path); r.StatusCode != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), "/login/?next=") {
			t.Errorf("anonymous GET %s: %d %s", path, r.StatusCode, r.Header.Get("Location"))
		}
		if r := anon.PostForm(path, url.Values{"kind_like": {"off"}}); r.StatusCode != http.StatusFound {
			t.Errorf("anonymous POST %s: %d", path, r.StatusCode)
		}
	}
	for i, r := range roles {
		c := clients[r.name]
		page := c.Get("/home/me/notifications/")
		if page.StatusCode != 200 || !strings.Contains(page.Body, `name="kind_like" value="live" checked`) {
			t.Fatalf("%s's settings page: %d", r.name, page.StatusCode)
		}
		// Each saves a different frequency; the others' stay as they were.
		freq := notify.Frequencies[i%3]
		if s := c.PostForm("/home/me/notifications/", url.Values{"kind_like": {"off"}, "digest_frequency": {freq}}); s.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s saves: %d %s", r.name, s.StatusCode, s.Body)
		}
		if page := c.Get("/home/me/notifications/"); !strings.Contains(page.Body, `name="digest_frequency" value="`+freq+`" checked`) ||
			!strings.Contains(page.Body, `name="kind_like" value="off" checked`) {
			t.Errorf("%s's saved settings not shown", r.name)
		}
	}
	for i, r := range roles {
		u, err := app.State.DB.UserByUsername(ctx, r.name)
		if err != nil {
			t.Fatal(err)
		}
		p, err := app.State.Notify.Preferences(ctx, u.ID)
		if err != nil || p.DigestFrequency != notify.Frequencies[i%3] || p.Kinds["like"] != notify.Off || p.Kinds["mention"] != notify.Digest {
			t.Errorf("%s's stored settings: %+v %v", r.name, p, err)
		}
	}
	bad := clients["stud"].PostForm("/home/me/notifications/", url.Values{"kind_like": {"loud"}, "digest_frequency": {"hourly"}})
	if bad.StatusCode != http.StatusBadRequest || !strings.Contains(bad.Body, "Choose live, digest or off") ||
		!strings.Contains(bad.Body, "Choose daily, weekly or never") {
		t.Fatalf("bad values: %d", bad.StatusCode)
	}
}

var unsubLink = regexp.MustCompile(`(/notifications/unsubscribe/\?t=[0-9]+\.[A-Za-z0-9_-]+)`)

// TestUnsubscribeWithoutSigningIn: the digest's link shows a button to anyone holding
// it (GET changes nothing), the one-click POST of a mail program unsubscribes, and a
// forged link is a 404 that changes nothing.
func TestUnsubscribeWithoutSigningIn(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	ada, bob := app.Account("ada", "student"), app.Account("bob", "student")
	app.Clock.Advance(time.Hour)
	if _, err := app.State.Feed.CreatePost(ctx, bob, "hi @ada", nil); err != nil {
		t.Fatal(err)
	}
	app.Clock.Advance(25 * time.Hour)
	if n, err := app.State.Digest.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("digest: %d %v", n, err)
	}
	mails, err := app.State.DB.RecentMail(ctx, 0, 1)
	if err != nil || len(mails) != 1 {
		t.Fatal(err)
	}
	m := unsubLink.FindStringSubmatch(mails[0].Body)
	if m == nil {
		t.Fatalf("no unsubscribe link in\n%s", mails[0].Body)
	}
	link := m[1]
	anon := app.Client()
	freq := func() string {
		p, err := app.State.Notify.Preferences(ctx, ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		return p.DigestFrequency
	}
	if r := anon.Get(link); r.StatusCode != 200 || !strings.Contains(r.Body, "Unsubscribe") || freq() != notify.Daily {
		t.Fatalf("GET the link: %d, frequency %s", r.StatusCode, freq())
	}
	forged := link[:len(link)-3] + "AAA"
	if forged == link {
		forged = link[:len(link)-3] + "BBB"
	}
	for _, l := range []string{forged, "/notifications/unsubscribe/", "/notifications/unsubscribe/?t=1.x"} {
		if r := anon.Get(l); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d", l, r.StatusCode)
		}
		if r := anon.PostForm(l, url.Values{"List-Unsubscribe": {"One-Click"}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s: %d", l, r.StatusCode)
		}
	}
	if freq() != notify.Daily {
		t.Fatal("a forged link unsubscribed")
	}
	// A mail program's one-click POST: no cookie, no Origin.
	req, _ := http.NewRequest("POST", app.URL+link, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || freq() != notify.Never {
		t.Fatalf("one-click POST: %d, frequency %s", resp.StatusCode, freq())
	}
}
