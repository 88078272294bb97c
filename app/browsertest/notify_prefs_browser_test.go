package browsertest

import (
	"context"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

// TestNotificationSettingsApplied: Ada opens her notification settings from the
// notifications page, turns likes off and picks a weekly digest; after saving, the
// page shows her choices, and Bob's like of her post makes no notification while his
// comment does.
func TestNotificationSettingsApplied(t *testing.T) {
	app := apptest.StartRelaxed(t)
	app.User("ada", "student")
	bob := app.Account("bob", "student")
	ctx := context.Background()

	a := New(t)
	logIn(t, a, app, "ada")
	a.Navigate(app.URL + "/home/notifications/")
	a.ClickAndWait("a[data-notify-settings]")
	if loc := a.Location(); !strings.HasSuffix(loc, "/home/me/notifications/") {
		t.Fatalf("settings link went to %s", loc)
	}
	a.WaitVisible("fieldset[data-kind='like']")
	if !a.Visible("fieldset[data-kind='like'] input[value='live']:checked") {
		t.Fatal("likes are not live by default")
	}
	a.Click("fieldset[data-kind='like'] input[value='off']")
	a.Click("input[name='digest_frequency'][value='weekly']")
	a.Submit("form[data-notify-prefs]")
	a.WaitVisible("fieldset[data-kind='like']")
	if !a.Visible("fieldset[data-kind='like'] input[value='off']:checked") ||
		!a.Visible("input[name='digest_frequency'][value='weekly']:checked") ||
		!a.Visible("fieldset[data-kind='mention'] input[value='digest']:checked") {
		t.Fatal("the saved choices are not shown")
	}

	ada, err := app.State.DB.UserByUsername(ctx, "ada")
	if err != nil {
		t.Fatal(err)
	}
	post, err := app.State.Feed.CreatePost(ctx, ada, "my first post", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := app.State.Feed.ToggleLike(ctx, bob, post.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := app.State.Feed.AddComment(ctx, bob, post.ID, "well said"); err != nil {
		t.Fatal(err)
	}
	a.Navigate(app.URL + "/home/notifications/")
	a.WaitVisible("[data-notification-list] li.notif")
	var items []string
	a.Eval(`[...document.querySelectorAll("[data-notification-list] li.notif")].map(li => li.textContent.replace(/\s+/g, " ").trim())`, &items)
	if len(items) != 1 || !strings.Contains(items[0], "comment") {
		t.Fatalf("notifications after a like and a comment: %q", items)
	}
}
