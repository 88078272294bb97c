package browsertest

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

// TestReportThenAdminResolves: a student reports a post from its card's menu with a
// reason; the admin finds it in the reports queue with the post and the reason, and
// resolves it; the reporter sees the outcome among their reports.
func TestReportThenAdminResolves(t *testing.T) {
	app := apptest.StartRelaxed(t)
	app.User("ann", "student")
	app.User("bob", "student")
	app.User("root", "admin")
	ann, err := app.State.DB.UserByUsername(context.Background(), "ann")
	if err != nil {
		t.Fatal(err)
	}
	post, err := app.State.Feed.CreatePost(context.Background(), ann, "Buy cheap essays at example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	card := "#post-" + strconv.FormatInt(post.ID, 10)

	b := New(t)
	logIn(t, b, app, "bob")
	b.Navigate(app.URL + "/home/")
	b.Click(card + " [data-menu-button]")
	b.WaitVisible(card + " a[data-report]")
	b.ClickAndWait(card + " a[data-report]")
	if !strings.Contains(b.Location(), "/home/report/post/") {
		t.Fatalf("the report link led to %s", b.Location())
	}
	if !strings.Contains(b.Text("[data-report-form]"), "Buy cheap essays") {
		t.Error("the form does not show what is reported")
	}
	b.SetValue("#id_reason", "spam")
	b.SetValue("#id_note", "Advertising essay mills")
	b.Submit("[data-report-form] form")
	if !strings.Contains(b.Location(), "/home/post/"+strconv.FormatInt(post.ID, 10)+"/") {
		t.Errorf("after reporting bob is at %s", b.Location())
	}
	b.Screenshot("reported")

	a := New(t)
	logIn(t, a, app, "root")
	a.Navigate(app.URL + "/admin/reports/")
	a.WaitVisible("[data-report-group]")
	group := a.Text("[data-report-group]")
	for _, want := range []string{"Buy cheap essays", "Spam or advertising", "bob", "Advertising essay mills"} {
		if !strings.Contains(group, want) {
			t.Errorf("the queue does not show %q: %s", want, group)
		}
	}
	a.Screenshot("queue")
	a.ClickAndWait("[data-report-group] button[data-action=resolve]")
	a.WaitVisible("[data-reports-empty]")

	b.Navigate(app.URL + "/home/me/blocked/")
	if got := strings.TrimSpace(b.Text("[data-my-reports] [data-status]")); got != "resolved" {
		t.Errorf("bob's report is %q, want resolved", got)
	}
}
