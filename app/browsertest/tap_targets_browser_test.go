package browsertest

import (
	"net/http"
	"testing"

	"eplatform/app/apptest"
)

// TestTimeLinksAreTapTargets: the "3 h ago" links under posts and comments are at
// least 24×24 px (WCAG 2.5.8, Lighthouse's target-size) on every page that shows
// them, without making the line under the author's name taller.
func TestTimeLinksAreTapTargets(t *testing.T) {
	app := apptest.StartRelaxed(t)
	c := app.User("tess", "student")
	if r := c.PostForm("/home/", map[string][]string{"content": {"A post to tap"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("post: %d", r.StatusCode)
	}
	if r := c.PostForm("/home/post/1/comment/", map[string][]string{"content": {"A comment to tap"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: %d", r.StatusCode)
	}
	b := New(t)
	logIn(t, b, app, "tess")
	for _, page := range []string{"/home/", "/home/post/1/", "/home/profile/"} {
		b.Navigate(app.URL + page)
		var links []struct {
			Class       string
			W, H, LineH float64
		}
		b.Eval(`[...document.querySelectorAll(".post__time, .comment__time")].map(a => {
			const r = a.getBoundingClientRect();
			return {Class: a.className, W: r.width, H: r.height, LineH: a.parentElement.getBoundingClientRect().height};
		})`, &links)
		if len(links) == 0 {
			t.Errorf("%s: no time links", page)
		}
		for _, l := range links {
			if l.W < 24 || l.H < 24 {
				t.Errorf("%s: .%s is %.0f×%.0f px, under 24×24", page, l.Class, l.W, l.H)
			}
			if l.Class == "post__time" && l.LineH >= 24 {
				t.Errorf("%s: the line under the author's name grew to %.0f px", page, l.LineH)
			}
		}
	}
}
