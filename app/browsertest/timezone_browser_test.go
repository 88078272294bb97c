package browsertest

import (
	"context"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

// TestTimeZoneSetting: Ada's device is in Tokyo. Her first signed-in page saves that
// zone to her profile (she had none), and from then on the server shows her post's
// time in Tokyo time; on the profile edit page she picks Europe/Berlin and the time
// changes to CET; "Use this device's zone" brings Tokyo back.
func TestTimeZoneSetting(t *testing.T) {
	app := apptest.StartRelaxed(t) // clock: 2026-11-25 12:00 UTC
	ada := app.Account("ada", "student")
	ctx := context.Background()
	if _, err := app.State.Feed.CreatePost(ctx, ada, "What time is it?", nil); err != nil {
		t.Fatal(err)
	}
	zoneOf := func() string {
		u, err := app.State.DB.UserByUsername(ctx, "ada")
		if err != nil {
			t.Fatal(err)
		}
		return u.TimeZone
	}
	postTime := func(b *Browser) string {
		b.Navigate(app.URL + "/home/")
		b.WaitVisible("article time[data-rel]")
		return b.Attr("article time[data-rel]", "title")
	}

	b := New(t)
	b.SetTimezone("Asia/Tokyo")
	logIn(t, b, app, "ada")
	b.WaitFor(func() bool { return zoneOf() == "Asia/Tokyo" })
	if got := postTime(b); got != "25 Nov 2026, 21:00 JST" {
		t.Errorf("after the device's zone was saved: the post's time is %q", got)
	}

	b.Navigate(app.URL + "/home/me/edit/#time-zone")
	b.WaitVisible("[data-zone-use]")
	if v := b.Attr("select[name=time_zone] option:checked", "value"); v != "Asia/Tokyo" {
		t.Errorf("the select shows %q", v)
	}
	if txt := b.Text("[data-zone-use]"); !strings.Contains(txt, "Asia/Tokyo") {
		t.Errorf("the device button says %q", txt)
	}
	b.SetValue("select[name=time_zone]", "Europe/Berlin")
	b.Submit("form[data-zone-form]")
	if !strings.Contains(b.Text(".toast, [role=status]"), "Europe/Berlin") {
		t.Errorf("no confirmation naming the zone")
	}
	if zoneOf() != "Europe/Berlin" {
		t.Fatalf("zone after saving: %q", zoneOf())
	}
	if got := postTime(b); got != "25 Nov 2026, 13:00 CET" {
		t.Errorf("after choosing Berlin: the post's time is %q", got)
	}
	if tz := b.Attr("html", "data-tz"); tz != "Europe/Berlin" {
		t.Errorf("data-tz = %q", tz)
	}

	b.Navigate(app.URL + "/home/me/edit/#time-zone")
	b.WaitVisible("[data-zone-use]")
	b.Click("[data-zone-use]")
	b.Submit("form[data-zone-form]")
	if got := postTime(b); got != "25 Nov 2026, 21:00 JST" {
		t.Errorf("after going back to the device's zone: the post's time is %q", got)
	}
}
