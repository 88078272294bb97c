package web_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/learn"
	"eplatform/app/web"
)

var (
	metaDescription = regexp.MustCompile(`<meta name="description" content="([^"]*)"`)
	scriptSrc       = regexp.MustCompile(`<script src="/static/js/([a-z]+)\.[^"]*"`)
)

// TestPagesDescribeThemselvesAndLoadOnlyTheirScripts: every page has one meta
// description of its own kind, and loads the scripts it uses: feed.js only where
// there are posts, comments or notifications.
func TestPagesDescribeThemselvesAndLoadOnlyTheirScripts(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	stud := app.User("mira", "student")
	teach := app.Account("ivan", "instructor")
	if _, err := app.State.Learn.CreateSubject(context.Background(), teach, learn.SubjectInput{Name: learn.Str("Chemistry"),
		Code: learn.Str("CH1"), Description: learn.Str("Atoms, bonds and reactions.")}); err != nil {
		t.Fatal(err)
	}
	if r := stud.PostForm("/home/", map[string][]string{"content": {"Hello"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("post: %d", r.StatusCode)
	}
	anon := app.Client()

	everywhere := []string{"theme", "app", "live", "people"}
	withFeed := append(slices.Clone(everywhere), "feed")
	cases := []struct {
		c       *apptest.Client
		path    string
		scripts []string // besides theme and app (and live and people when signed in)
		want    string   // a part of the description
	}{
		{stud, "/home/", withFeed, "Your E-Platform feed"},
		{stud, "/home/post/1/", withFeed, "A post by Mira Tester"},
		{stud, "/home/notifications/", withFeed, "notifications"},
		{stud, "/home/profile/", withFeed, "Mira Tester (@mira), student"},
		{stud, "/home/profile/ivan/", withFeed, "Ivan Tester (@ivan), instructor"},
		{stud, "/chat/", append(slices.Clone(everywhere), "chat"), "conversations"},
		{stud, "/home/subjects/", append(slices.Clone(everywhere), "learn"), "Subjects on E-Platform"},
		{stud, "/home/subjects/CH1/", append(slices.Clone(everywhere), "learn"), "CH1 Chemistry: Atoms, bonds and reactions."},
		{stud, "/home/quizzes/", append(slices.Clone(everywhere), "quiz"), "Quizzes on E-Platform"},
		{stud, "/home/search/?q=mira", everywhere, "Search E-Platform"},
		{stud, "/home/contact/", append(slices.Clone(everywhere), "desk"), "Contact the E-Platform team"},
		{stud, "/ai/", append(slices.Clone(everywhere), "desk"), "learning assistant"},
		{anon, "/login/", []string{"theme", "app"}, "Log in to E-Platform"},
		{anon, "/signup/", []string{"theme", "app"}, "Create your E-Platform account"},
		{anon, "/home/profile/ivan/", []string{"theme", "app"}, "Ivan Tester (@ivan)"},
	}
	for _, tc := range cases {
		r := tc.c.Get(tc.path)
		if r.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", tc.path, r.StatusCode)
			continue
		}
		metas := metaDescription.FindAllStringSubmatch(r.Body, -1)
		if len(metas) != 1 || !strings.Contains(html.UnescapeString(metas[0][1]), tc.want) {
			t.Errorf("%s: meta descriptions %q, want one containing %q", tc.path, metas, tc.want)
		}
		var got []string
		for _, m := range scriptSrc.FindAllStringSubmatch(r.Body, -1) {
			got = append(got, m[1])
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(tc.scripts))
		if !slices.Equal(got, want) {
			t.Errorf("%s loads %v, want %v", tc.path, got, want)
		}
	}
}

// TestRobotsTxt: crawlers are kept out of the signed-in areas, which are indeed
// signed-in only, and the sign-in pages stay open to them.
func TestRobotsTxt(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	c := app.Client()
	r := c.Get("/robots.txt")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("/robots.txt: %d %q", r.StatusCode, r.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(r.Body, "User-agent: *\n") {
		t.Errorf("robots.txt does not address every crawler:\n%s", r.Body)
	}
	for _, p := range web.RobotsDisallowed {
		if !strings.Contains(r.Body, "\nDisallow: "+p+"\n") {
			t.Errorf("robots.txt does not disallow %s:\n%s", p, r.Body)
		}
	}
	for _, p := range []string{"/home/", "/chat/", "/admin/", "/ai/"} {
		if r := c.Get(p); r.StatusCode != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), "/login/") {
			t.Errorf("anonymous %s: %d → %q, want a redirect to the login", p, r.StatusCode, r.Header.Get("Location"))
		}
	}
	for _, p := range []string{"/login/", "/signup/", "/password_reset/"} {
		for _, d := range web.RobotsDisallowed {
			if strings.HasPrefix(p, d) {
				t.Errorf("%s is disallowed by %s", p, d)
			}
		}
	}
}
