package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/store"
)

// setZone saves a time zone with the profile edit page's form.
func setZone(t *testing.T, c *apptest.Client, name string) *apptest.Response {
	t.Helper()
	return c.PostForm("/home/me/time-zone/", url.Values{"time_zone": {name}})
}

func enroll(t *testing.T, app *apptest.App, code string, cs ...*apptest.Client) {
	t.Helper()
	subj, err := app.State.DB.SubjectByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if r := c.PostForm(fmt.Sprintf("/home/subjects/%d/enroll/", subj.ID), nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("enroll: %d", r.StatusCode)
		}
	}
}

// TestTimesInViewerZone: the same post, comment, notification and due date read in
// Tokyo time (zone named) by a viewer who chose Asia/Tokyo and in UTC (named) by one
// who chose nothing — through the kept fragments too, each viewer asking in turn, so
// a card kept for one zone is never served to the other.
func TestTimesInViewerZone(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t) // clock: 2026-11-25 12:00 UTC
	tokyo, plain, teach := app.User("tokyo", "student"), app.User("plain", "student"), app.User("teach", "instructor")
	if r := setZone(t, tokyo, "Asia/Tokyo"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/home/me/edit/#time-zone" {
		t.Fatalf("set the zone: %d %s", r.StatusCode, r.Body)
	}
	if r := tokyo.PostForm("/home/", url.Values{"content": {"Konnichiwa"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("post: %d", r.StatusCode)
	}
	post, err := app.State.DB.FeedHeads(context.Background(), store.Cursor{}, 1)
	if err != nil || len(post) != 1 {
		t.Fatalf("the post: %v %v", post, err)
	}
	postURL := fmt.Sprintf("/home/post/%d/", post[0].ID)
	app.Clock.Advance(90 * 60 * 1e9) // 13:30 UTC
	if r := plain.PostForm(postURL+"comment/", url.Values{"content": {"Hello from UTC"}}); r.StatusCode >= 400 {
		t.Fatalf("comment: %d %s", r.StatusCode, r.Body)
	}
	if r := subjectFormPost(teach, "/home/subjects/new/", "Clocks", "TZ1"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("subject: %d", r.StatusCode)
	}
	// The instructor has no zone: the form's time is UTC.
	materialID(t, materialPost(teach, "/home/subjects/TZ1/materials/new/",
		map[string]string{"type": "assignment", "title": "Essay", "due_at": "2026-11-30T23:30", "is_active": "1"}, "", ""))
	enroll(t, app, "TZ1", tokyo, plain)

	// Two readers who differ only in their zone see the same card variant (not the
	// author, no comment of theirs, no like): only the zone in its key keeps them apart.
	reader, reader2 := app.User("reader", "student"), app.User("reader2", "student")
	setZone(t, reader, "Asia/Tokyo")
	enroll(t, app, "TZ1", reader, reader2)
	jst := []string{"25 Nov 2026, 21:00 JST", "25 Nov 2026, 22:30 JST", "Dec 1, 2026 08:30 JST"}
	utc := []string{"25 Nov 2026, 12:00 UTC", "25 Nov 2026, 13:30 UTC", "Nov 30, 2026 23:30 UTC"}
	viewers := []struct {
		name      string
		c         *apptest.Client
		want, not []string
	}{
		{"reader2 (no zone)", reader2, utc, jst}, {"reader (Tokyo)", reader, jst, utc},
		{"plain (no zone)", plain, utc, jst}, {"tokyo (Tokyo)", tokyo, jst, utc},
	}
	for round := 0; round < 2; round++ {
		for _, v := range viewers {
			feed := home(t, v.c)
			page := v.c.Get(postURL).Body
			for name, body := range map[string]string{"feed": feed, "post page": page} {
				// The cards are kept fragments: absolute times, the zone named.
				for _, s := range v.want[:2] {
					if !strings.Contains(body, ">"+s+"</time>") {
						t.Errorf("%s, round %d, %s: no %q", v.name, round, name, s)
					}
				}
				for _, s := range v.not[:2] {
					if strings.Contains(body, s) {
						t.Errorf("%s, round %d, %s: another viewer's zone: %q", v.name, round, name, s)
					}
				}
			}
			subject := v.c.Get("/home/subjects/TZ1/").Body
			if !strings.Contains(subject, ">"+v.want[2]+"</time>") || strings.Contains(subject, v.not[2]) {
				t.Errorf("%s: the due date is not %q on the subject page", v.name, v.want[2])
			}
		}
	}
	// Rendered per request: the search result says "1 h ago" with the full time as its
	// title; the profile edit page's select shows the zone.
	if r := tokyo.Get("/home/search/?q=Konnichiwa&tab=posts"); !strings.Contains(r.Body, `title="25 Nov 2026, 21:00 JST"`) {
		t.Errorf("search: no JST title in %d", r.StatusCode)
	}
	if r := plain.Get("/home/search/?q=Konnichiwa&tab=posts"); !strings.Contains(r.Body, `title="25 Nov 2026, 12:00 UTC"`) {
		t.Errorf("search without a zone: no UTC title")
	}
	// The comment notified the author: the row is in Tokyo time.
	if n := tokyo.Get("/home/notifications/").Body; !strings.Contains(n, "25 Nov 2026, 22:30 JST") {
		t.Errorf("notifications: no JST time")
	}
	if e := tokyo.Get("/home/me/edit/").Body; !regexp.MustCompile(`<option value="Asia/Tokyo" selected>`).MatchString(e) {
		t.Errorf("the edit page does not show the chosen zone")
	}
	if e := plain.Get("/home/me/edit/").Body; !strings.Contains(e, `<option value="" selected>Not set: times in UTC</option>`) {
		t.Errorf("the edit page of a viewer without a zone")
	}
	// The layout tells scripts the zone ("" = not set: app.js sends the device's).
	if !strings.Contains(tokyo.Get("/home/calendar/").Body, `data-tz="Asia/Tokyo"`) || !strings.Contains(plain.Get("/home/calendar/").Body, `data-tz=""`) {
		t.Error("data-tz on <html>")
	}
}

// TestCalendarDaysInViewerZone: the month page puts an event on the viewer's day at the
// viewer's time: 23:30 UTC on 30 November is 08:30 on 1 December in Tokyo, so it is on
// December's page there and November's in UTC. The feed stays UTC.
func TestCalendarDaysInViewerZone(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	tokyo, plain, teach := app.User("tokyo", "student"), app.User("plain", "student"), app.User("teach", "instructor")
	setZone(t, tokyo, "Asia/Tokyo")
	subjectFormPost(teach, "/home/subjects/new/", "Clocks", "TZ1")
	materialID(t, materialPost(teach, "/home/subjects/TZ1/materials/new/",
		map[string]string{"type": "assignment", "title": "Late essay", "due_at": "2026-11-30T23:30", "is_active": "1"}, "", ""))
	enroll(t, app, "TZ1", tokyo, plain)
	day := func(body, date string) string {
		i := strings.Index(body, `data-date="`+date+`"`)
		if i < 0 {
			return ""
		}
		body = body[i:]
		if j := strings.Index(body, "</section>"); j > 0 {
			body = body[:j]
		}
		return body
	}
	cases := []struct {
		c           *apptest.Client
		month, date string
		time, zone  string
		notMonth    string
	}{
		{tokyo, "2026-12", "2026-12-01", "08:30", "Asia/Tokyo", "2026-11"},
		{plain, "2026-11", "2026-11-30", "23:30", "UTC", "2026-12"},
	}
	for _, tc := range cases {
		body := tc.c.Get("/home/calendar/?month=" + tc.month).Body
		cell := day(body, tc.date)
		if !strings.Contains(cell, "Late essay") || !strings.Contains(cell, ">"+tc.time+"</time>") {
			t.Errorf("%s: %s has no event at %s: %.400s", tc.zone, tc.date, tc.time, cell)
		}
		if !strings.Contains(body, "Times are in "+tc.zone+".") {
			t.Errorf("%s: the page does not name the zone", tc.zone)
		}
		if other := tc.c.Get("/home/calendar/?month=" + tc.notMonth).Body; strings.Contains(other, "Late essay") {
			t.Errorf("%s: the event is on %s's page too", tc.zone, tc.notMonth)
		}
	}
	// The other day's cell of the same grid does not hold it: December's page shows
	// 30 November as a day of the previous month, empty in Tokyo.
	if cell := day(tokyo.Get("/home/calendar/?month=2026-12").Body, "2026-11-30"); strings.Contains(cell, "Late essay") {
		t.Error("Tokyo: the event is also on 30 November")
	}
}

// TestTimeZoneForm: the form of /home/me/edit/ per role and with bad input; anonymous
// visitors are sent to sign in and nothing is written.
func TestTimeZoneForm(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	for _, role := range []string{"student", "instructor", "admin"} {
		c := app.User(role+"1", role)
		app.User(role+"2", role) // the other of the role: untouched
		if r := setZone(t, c, "Europe/Berlin"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("%s: %d %s", role, r.StatusCode, r.Body)
		}
		for _, name := range []string{role + "1", role + "2"} {
			u, _ := app.State.DB.UserByUsername(ctx, name)
			if want := map[bool]string{true: "Europe/Berlin", false: ""}[name == role+"1"]; u.TimeZone != want {
				t.Errorf("%s: zone %q, want %q", name, u.TimeZone, want)
			}
		}
		if g := c.Get("/home/me/time-zone/"); g.StatusCode != http.StatusFound || g.Header.Get("Location") != "/home/me/edit/#time-zone" {
			t.Errorf("%s: GET: %d %s", role, g.StatusCode, g.Header.Get("Location"))
		}
	}
	anon := app.Client()
	if r := setZone(t, anon, "Asia/Tokyo"); r.StatusCode != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), "/login/") {
		t.Errorf("anonymous: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	c := app.User("ada", "student")
	setZone(t, c, "America/New_York")
	for _, bad := range []string{"Mars/Olympus", "Local", "Asia/\x00Tokyo", strings.Repeat("x", 80)} {
		r := setZone(t, c, bad)
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "Choose a time zone") && !strings.Contains(r.Body, "control character") && !strings.Contains(r.Body, "no more than") {
			t.Errorf("%q: %d", bad, r.StatusCode)
		}
	}
	if u, _ := app.State.DB.UserByUsername(ctx, "ada"); u.TimeZone != "America/New_York" {
		t.Errorf("a refused zone was stored: %q", u.TimeZone)
	}
	// An alias a browser may report is accepted and shown selected although the list
	// leaves it out; "" clears.
	setZone(t, c, "Asia/Calcutta")
	if e := c.Get("/home/me/edit/").Body; !strings.Contains(e, `<option value="Asia/Calcutta" selected>`) {
		t.Error("an alias is not shown selected")
	}
	if r := setZone(t, c, ""); r.StatusCode != http.StatusSeeOther {
		t.Errorf("clear: %d", r.StatusCode)
	}
	if u, _ := app.State.DB.UserByUsername(ctx, "ada"); u.TimeZone != "" {
		t.Errorf("not cleared: %q", u.TimeZone)
	}
}
