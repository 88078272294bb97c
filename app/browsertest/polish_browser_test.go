package browsertest

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/auth"
)

// The admin dashboard, the admin tables and the likes page fit a 360 px phone and a
// 1280 px laptop: the document is never wider than the viewport; the charts are drawn;
// on a phone the users table is cards; a destructive button asks before it acts.
func TestDashboardAndLikesFit(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	app.Account("root", "admin")
	author := app.Account("ada", "student")
	post, err := app.State.Feed.CreatePost(ctx, author, "Who likes recursion?", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 35 {
		// Long names and usernames are what overflow a phone.
		u, err := app.State.Auth.CreateUserAdmin(ctx, signup(fmt.Sprintf("a.very.long.username.number%02d", i), "Maximiliana-Josephine", "Vandersteenhoven-Oyelaran"))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := app.State.Feed.ToggleLike(ctx, u, post.ID); err != nil {
			t.Fatal(err)
		}
	}
	b := New(t)
	logIn(t, b, app, "root")
	pages := []string{"/admin/", "/admin/users/", "/admin/moderation/", "/admin/faq/", "/admin/appointments/", "/admin/outbox/",
		"/home/post/" + strconv.FormatInt(post.ID, 10) + "/likes/"}
	for _, size := range [][2]int{{360, 740}, {1280, 800}} {
		b.SetViewport(size[0], size[1])
		for _, p := range pages {
			b.Navigate(app.URL + p)
			var w struct{ Doc, View int }
			b.Eval(`({Doc: document.documentElement.scrollWidth, View: innerWidth})`, &w)
			if w.Doc > w.View {
				t.Errorf("%s at %d px: the document is %d px wide", p, size[0], w.Doc)
				b.Screenshot(fmt.Sprintf("overflow-%d%s", size[0], sanitize(p)))
			}
		}
		b.Navigate(app.URL + "/admin/")
		var bars struct{ N, H int }
		b.Eval(`({N: document.querySelectorAll('[data-chart="posts"] rect').length, H: Math.round(document.querySelector('[data-chart="posts"] svg').getBoundingClientRect().height)})`, &bars)
		if bars.N != 30 || bars.H == 0 {
			t.Errorf("at %d px: %d bars, chart %d px high", size[0], bars.N, bars.H)
		}
		var tab string
		b.Eval(`getComputedStyle(document.querySelector('.admin-nav [aria-current="page"]')).borderBottomColor`, &tab)
		var other string
		b.Eval(`getComputedStyle(document.querySelector('.admin-nav a:not([aria-current])')).borderBottomColor`, &other)
		if tab == other {
			t.Errorf("at %d px: the current tab looks like the others (%s)", size[0], tab)
		}
		b.Screenshot(fmt.Sprintf("admin-dashboard-%d", size[0]))
		b.Navigate(app.URL + "/home/post/" + strconv.FormatInt(post.ID, 10) + "/likes/")
		b.Screenshot(fmt.Sprintf("likes-%d", size[0]))
	}

	// On the phone the users table is cards (its head hidden), and Deactivate opens
	// a confirmation instead of acting.
	b.SetViewport(360, 740)
	b.Navigate(app.URL + "/admin/users/?q=a.very.long.username.number00")
	var layout struct{ Row, Head string }
	b.Eval(`({Row: getComputedStyle(document.querySelector('.table--cards tr[data-user]')).display, Head: getComputedStyle(document.querySelector('.table--cards thead')).position})`, &layout)
	if layout.Row != "block" || layout.Head != "absolute" {
		t.Errorf("users table on a phone: row %s, head %s; want cards", layout.Row, layout.Head)
	}
	if b.Visible(".confirm__panel .btn--danger") {
		t.Error("the real deactivate button shows before asking")
	}
	b.Click(".confirm > summary")
	b.WaitVisible(".confirm__panel .btn--danger")
	b.ClickAndWait(".confirm__panel .btn--danger")
	if u, err := app.State.DB.UserByUsername(ctx, "a.very.long.username.number00"); err != nil || u.IsActive {
		t.Errorf("after confirming: %+v %v", u.IsActive, err)
	}
}

func sanitize(p string) string {
	out := []byte{}
	for _, c := range []byte(p) {
		if c == '/' {
			c = '-'
		}
		out = append(out, c)
	}
	return string(out)
}

// signup is an account's details for CreateUserAdmin (the test password).
func signup(username, first, last string) auth.SignupInput {
	return auth.SignupInput{Username: username, Email: username + "@example.com", Password1: apptest.Password,
		FirstName: first, LastName: last, UserType: "student", Birthdate: "2005-03-04"}
}
