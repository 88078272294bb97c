package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
)

// Who liked a post: every signed-in role sees the page and the API list (a post is
// everyone's to read); anonymous visitors are sent to log in (page) or get 401 (API).
func TestLikersPermissions(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	author := app.Account("ada", "student")
	p, err := app.State.Feed.CreatePost(ctx, author, "Hello", nil)
	if err != nil {
		t.Fatal(err)
	}
	liker := app.Account("bob", "student")
	if _, _, err := app.State.Feed.ToggleLike(ctx, liker, p.ID); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/home/post/%d/likes/", p.ID)
	api := fmt.Sprintf("/api/posts/%d/likes/", p.ID)
	for _, who := range []struct{ name, role string }{{"cat", "student"}, {"dan", "student"}, {"eve", "instructor"}, {"fay", "instructor"}, {"gus", "admin"}} {
		c := app.User(who.name, who.role)
		if r := c.Get(page); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Bob Tester") || !strings.Contains(r.Body, "@bob") {
			t.Errorf("%s page: %d", who.name, r.StatusCode)
		}
		if r := c.Get(api); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `"display_name":"Bob Tester"`) {
			t.Errorf("%s api: %d %s", who.name, r.StatusCode, r.Body)
		}
		if r := c.Get("/home/post/999999/likes/"); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s missing post page: %d", who.name, r.StatusCode)
		}
		if r := c.Get("/api/posts/999999/likes/"); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s missing post api: %d", who.name, r.StatusCode)
		}
		if r := c.Get(api + "?before=nonsense"); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, `"before"`) {
			t.Errorf("%s bad cursor: %d %s", who.name, r.StatusCode, r.Body)
		}
	}
	anon := app.Client()
	if r := anon.Get(page); r.StatusCode != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), "/login/") {
		t.Errorf("anonymous page: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := anon.Get(api); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous api: %d", r.StatusCode)
	}
}

// The pages are keyset pages, newest like first: 35 likes give 30 and 5, each person
// once, and a new like in between does not shift the second page.
func TestLikersPages(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	author := app.Account("ada", "student")
	p, err := app.State.Feed.CreatePost(ctx, author, "Hello", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 35 {
		u := app.Account(fmt.Sprintf("liker%02d", i), "student")
		if _, _, err := app.State.Feed.ToggleLike(ctx, u, p.ID); err != nil {
			t.Fatal(err)
		}
		app.Clock.Advance(time.Second)
	}
	c := app.User("viewer", "student")
	first := c.Get(fmt.Sprintf("/home/post/%d/likes/", p.ID))
	if first.StatusCode != http.StatusOK || !strings.Contains(first.Body, "35 likes") {
		t.Fatalf("first page: %d", first.StatusCode)
	}
	if strings.Index(first.Body, "@liker34") > strings.Index(first.Body, "@liker33") || strings.Contains(first.Body, "@liker04") || !strings.Contains(first.Body, "@liker05") {
		t.Error("the first page is not the 30 newest, newest first")
	}
	i := strings.Index(first.Body, `rel="next"`)
	if i < 0 {
		t.Fatal("no next link")
	}
	href := first.Body[strings.LastIndex(first.Body[:i], `href="`)+6:]
	href = strings.ReplaceAll(href[:strings.Index(href, `"`)], "&amp;", "&")
	// A new like in between does not move anyone between pages.
	if _, _, err := app.State.Feed.ToggleLike(ctx, app.Account("x", "student"), p.ID); err != nil {
		t.Fatal(err)
	}
	second := c.Get(href)
	for k := range 5 {
		if !strings.Contains(second.Body, fmt.Sprintf("@liker%02d ", k)) {
			t.Errorf("second page lacks liker%02d", k)
		}
	}
	if strings.Contains(second.Body, "@liker05 ") || strings.Contains(second.Body, `rel="next"`) {
		t.Error("second page repeats the first or goes on")
	}

	var out struct {
		Count   int
		Next    *string
		Results []struct {
			User        struct{ Username string }
			DisplayName string `json:"display_name"`
		}
	}
	r := c.Get(fmt.Sprintf("/api/posts/%d/likes/?page_size=20", p.ID))
	r.JSON(t, &out)
	if out.Count != 36 || len(out.Results) != 20 || out.Next == nil || out.Results[0].User.Username != "x" || out.Results[0].DisplayName != "X Tester" {
		t.Fatalf("api first page: %+v", out)
	}
	next := strings.TrimPrefix(*out.Next, app.URL)
	out.Next, out.Results = nil, nil
	c.Get(next).JSON(t, &out)
	if len(out.Results) != 16 || out.Next != nil || out.Results[15].User.Username != "liker00" {
		t.Fatalf("api second page: %d results, next %v", len(out.Results), out.Next)
	}
}
