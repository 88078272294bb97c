package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/testutil"
)

// The feed is assembled from cached card fragments: these tests hold it to what a
// freshly rendered page would show, for every viewer and every way of asking.

func feedBody(t *testing.T, c *apptest.Client, h http.Header) *apptest.Response {
	t.Helper()
	r := c.Do("GET", "/home/", nil, h)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("/home/: %d", r.StatusCode)
	}
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(strings.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("the assembled gzip does not decompress: %v", err)
		}
		r.Body = string(b)
	}
	return r
}

func home(t *testing.T, c *apptest.Client) string {
	t.Helper()
	// Go's client asks for gzip and decompresses by itself unless told otherwise; ask
	// as a browser does and decompress here, so the assembled stream is what is read.
	return feedBody(t, c, http.Header{"Accept-Encoding": {"gzip, deflate, br, zstd"}}).Body
}

func card(t *testing.T, page, postID string) string {
	t.Helper()
	i := strings.Index(page, `id="post-`+postID+`"`)
	if i < 0 {
		return ""
	}
	rest := page[i:]
	if j := strings.Index(rest, "</article>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func TestCachedFeedSeesEveryWrite(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	bob := app.User("bob", "student")
	root := app.User("root", "admin")

	r := ada.PostForm("/home/", url.Values{"content": {"first words"}})
	id := regexp.MustCompile(`post-(\d+)`).FindStringSubmatch(r.Header.Get("Location"))[1]
	for _, c := range []*apptest.Client{ada, bob, root} {
		page := home(t, c)
		if !strings.Contains(card(t, page, id), "first words") || strings.Contains(page, "Your feed is empty") {
			t.Fatal("a new post is missing from a viewer's feed, or the feed says it is empty")
		}
	}
	step := func(what string, write func(), check func(adaCard, bobCard string) bool) {
		t.Helper()
		write()
		a, b := card(t, home(t, ada), id), card(t, home(t, bob), id)
		if !check(a, b) {
			t.Fatalf("after %s the feed shows:\nada: %.600s\nbob: %.600s", what, a, b)
		}
	}
	step("an edit", func() { ada.PostForm("/home/post/"+id+"/edit/", url.Values{"content": {"second words"}}) },
		func(a, b string) bool {
			return strings.Contains(a, "second words") && strings.Contains(b, "second words")
		})
	step("a like", func() { bob.PostForm("/home/post/"+id+"/like/", nil) },
		func(a, b string) bool {
			return strings.Contains(a, `aria-pressed="false"`) && strings.Contains(b, `aria-pressed="true"`) &&
				strings.Contains(a, `data-like-count>1<`) && strings.Contains(b, `data-like-count>1<`)
		})
	step("a comment", func() { bob.PostForm("/home/post/"+id+"/comment/", url.Values{"content": {"bob says hi"}}) },
		func(a, b string) bool {
			return strings.Contains(a, "bob says hi") && strings.Contains(b, "bob says hi")
		})
	cid := regexp.MustCompile(`id="comment-(\d+)"`).FindStringSubmatch(card(t, home(t, bob), id))[1]
	step("a comment edit", func() { bob.PostForm("/home/comment/"+cid+"/edit/", url.Values{"content": {"bob says bye"}}) },
		func(a, b string) bool {
			return strings.Contains(a, "bob says bye") && !strings.Contains(b, "bob says hi")
		})
	step("a new name", func() {
		if r := bob.PostForm("/home/me/edit/", url.Values{"first_name": {"Roberto"}, "last_name": {"Tester"}, "email": {"bob@example.com"}}); r.StatusCode >= 400 {
			t.Fatalf("profile edit: %d", r.StatusCode)
		}
	}, func(a, b string) bool { return strings.Contains(a, "Roberto") && strings.Contains(b, "Roberto") })
	step("a comment delete", func() { ada.PostForm("/home/comment/"+cid+"/delete/", nil) },
		func(a, b string) bool { return !strings.Contains(a, "bob says") && !strings.Contains(b, "bob says") })
	step("a post delete", func() { root.PostForm("/home/post/"+id+"/delete/", nil) },
		func(a, b string) bool { return a == "" && b == "" })
	if !strings.Contains(home(t, bob), "Your feed is empty") {
		t.Fatal("an empty feed does not say so")
	}
}

func TestCachedFeedVariantsStayWithTheirViewers(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	bob := app.User("bob", "student")
	cat := app.User("cat", "student")
	root := app.User("root", "admin")
	r := ada.PostForm("/home/", url.Values{"content": {"whose buttons?"}})
	id := regexp.MustCompile(`post-(\d+)`).FindStringSubmatch(r.Header.Get("Location"))[1]
	bob.PostForm("/home/post/"+id+"/like/", nil)
	bob.PostForm("/home/post/"+id+"/comment/", url.Values{"content": {"bob's comment"}})

	// Render every variant once, then read them all again from the fragments.
	for range 2 {
		a, b, c, adm := card(t, home(t, ada), id), card(t, home(t, bob), id), card(t, home(t, cat), id), card(t, home(t, root), id)
		has := func(s, sub string) bool { return strings.Contains(s, sub) }
		if !has(a, "Edit post") || has(b, "Edit post") || has(c, "Edit post") || has(adm, "Edit post") {
			t.Fatal("only the author may see Edit post")
		}
		if !has(a, "Delete post") || has(b, "Delete post") || has(c, "Delete post") || !has(adm, "Delete post") {
			t.Fatal("Delete post is for the author and admins")
		}
		if !has(b, `aria-pressed="true"`) || has(a, `aria-pressed="true"`) || has(c, `aria-pressed="true"`) {
			t.Fatal("bob's like leaked to another viewer, or was lost")
		}
		// Bob edits his comment; Ada (the post's owner) and admins may delete it; Cat neither.
		if !has(b, "/edit/") || has(c, "comment-") && has(c, `data-ajax="delete-comment"`) {
			t.Fatal("comment controls in the wrong hands")
		}
		if !has(a, `data-ajax="delete-comment"`) || !has(adm, `data-ajax="delete-comment"`) {
			t.Fatal("the post's owner and admins may delete comments")
		}
	}
}

func TestCachedFeedAnswersEveryWayOfAsking(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	for i := range 25 {
		ada.PostForm("/home/", url.Values{"content": {"post number " + strings.Repeat("x", i)}})
	}
	home(t, ada) // shows and so consumes the flash messages of the posts
	plain := feedBody(t, ada, http.Header{"Accept-Encoding": {"identity"}})
	if plain.Header.Get("Content-Encoding") != "" || !strings.Contains(plain.Body, "post number") || !strings.HasSuffix(strings.TrimSpace(plain.Body), "</html>") {
		t.Fatalf("identity answer: %q %.200s", plain.Header.Get("Content-Encoding"), plain.Body)
	}
	for _, enc := range []string{"gzip", "gzip, deflate, br", "br;q=1, gzip;q=0.5", "GZIP"} {
		r := feedBody(t, ada, http.Header{"Accept-Encoding": {enc}})
		if r.Header.Get("Content-Encoding") != "gzip" || r.Body != plain.Body {
			t.Errorf("%q: encoding %q, body equal to identity: %v", enc, r.Header.Get("Content-Encoding"), r.Body == plain.Body)
		}
	}
	for _, enc := range []string{"", "br", "gzip;q=0", "deflate"} {
		r := ada.Do("GET", "/home/", nil, http.Header{"Accept-Encoding": {enc}})
		if r.Header.Get("Content-Encoding") != "" || r.Body != plain.Body {
			t.Errorf("%q: got encoding %q", enc, r.Header.Get("Content-Encoding"))
		}
	}
	// HEAD: the headers of the GET, no body.
	head := ada.Do("HEAD", "/home/", nil, http.Header{"Accept-Encoding": {"gzip"}})
	get := ada.Do("GET", "/home/", nil, http.Header{"Accept-Encoding": {"gzip"}})
	if head.StatusCode != 200 || head.Body != "" || head.Header.Get("Content-Length") != get.Header.Get("Content-Length") || head.Header.Get("ETag") != get.Header.Get("ETag") {
		t.Errorf("HEAD: %d %q, length %s vs %s", head.StatusCode, head.Body, head.Header.Get("Content-Length"), get.Header.Get("Content-Length"))
	}
	if got := len(get.Body); get.Header.Get("Content-Length") != strconv.Itoa(got) {
		t.Errorf("Content-Length %s, body %d", get.Header.Get("Content-Length"), got)
	}
	// A range request gets the whole page: a slice of a page is no use to anyone.
	rng := ada.Do("GET", "/home/", nil, http.Header{"Range": {"bytes=0-99"}, "Accept-Encoding": {"identity"}})
	if rng.StatusCode != 200 || rng.Body != plain.Body {
		t.Errorf("Range: %d, %d bytes", rng.StatusCode, len(rng.Body))
	}
	// The ETag names this very page: 304 while nothing changed, 200 after a change.
	etag := get.Header.Get("ETag")
	if r := ada.Do("GET", "/home/", nil, http.Header{"If-None-Match": {etag}}); r.StatusCode != http.StatusNotModified || r.Body != "" {
		t.Errorf("If-None-Match: %d", r.StatusCode)
	}
	ada.PostForm("/home/", url.Values{"content": {"something new"}})
	if r := ada.Do("GET", "/home/", nil, http.Header{"If-None-Match": {etag}}); r.StatusCode != 200 {
		t.Errorf("If-None-Match after a post: %d", r.StatusCode)
	}
	// Kept cards carry absolute times (the browser makes them relative): nothing in them
	// goes stale as time passes.
	if p := home(t, ada); !strings.Contains(p, "data-rel>25 Nov 2026, 12:00 UTC</time>") {
		t.Errorf("a card's time is not the absolute UTC time: %.300s", p[strings.Index(p, "<time"):])
	}
	if bytes.Contains([]byte(home(t, ada)), []byte{0x1e}) {
		t.Error("a hole marker reached the page")
	}
}

func TestCachedPostPage(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	bob := app.User("bob", "student")
	r := ada.PostForm("/home/", url.Values{"content": {"a post with many comments"}})
	id := regexp.MustCompile(`post-(\d+)`).FindStringSubmatch(r.Header.Get("Location"))[1]
	page := func(c *apptest.Client) string {
		t.Helper()
		r := c.Do("GET", "/home/post/"+id+"/", nil, http.Header{"Accept-Encoding": {"gzip"}})
		if r.StatusCode != 200 || r.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("post page: %d %q", r.StatusCode, r.Header.Get("Content-Encoding"))
		}
		zr, _ := gzip.NewReader(strings.NewReader(r.Body))
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for i := range 5 {
		bob.PostForm("/home/post/"+id+"/comment/", url.Values{"content": {"comment number " + strconv.Itoa(i)}})
		// Every comment is on the page (the feed's card shows only the newest), for both.
		for _, c := range []*apptest.Client{ada, bob} {
			p := page(c)
			if !strings.Contains(p, "comment number 0") || !strings.Contains(p, "comment number "+strconv.Itoa(i)) ||
				!strings.Contains(p, "<title>Post by Ada Tester") {
				t.Fatalf("after comment %d the post page lacks comments or its title", i)
			}
		}
	}
	if p := page(bob); strings.Contains(p, "Edit post") || !strings.Contains(page(ada), "Edit post") {
		t.Fatal("the post page's edit control is in the wrong hands")
	}
	ada.PostForm("/home/post/"+id+"/delete/", nil)
	if r := bob.Get("/home/post/" + id + "/"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("a deleted post's page: %d", r.StatusCode)
	}
}

// TestWarmingKeepsCardsReady: after start the newest cards are kept before anyone asks,
// and a change to a post is rendered again in the background.
func TestWarmingKeepsCardsReady(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	bob := app.User("bob", "student")
	for i := range 3 {
		ada.PostForm("/home/", url.Values{"content": {"warm " + strconv.Itoa(i)}})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	misses := app.State.Fragments.Stats().Misses
	<-app.Server.Web.StartWarming(ctx)
	if got := app.State.Fragments.Stats().Misses; got != misses+3 {
		t.Fatalf("warming rendered %d cards, want the 3 there are", got-misses)
	}
	home(t, bob)                                                      // bob is an everyday viewer: his cards were warmed
	if got := app.State.Fragments.Stats().Misses; got != misses+3+1 { // + bob's shell
		t.Errorf("bob's feed rendered %d pieces; the warmed cards should have been kept", got-misses-3)
	}
	// A like changes the post; the warmer renders it again for everyone else.
	before := app.State.Fragments.Stats().Misses
	ada.PostForm("/home/", url.Values{"content": {"after the start"}})
	waitFor(t, func() bool { return app.State.Fragments.Stats().Misses > before }, "the changed card is rendered in the background")
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	testutil.Eventually(t, 10*time.Second, cond, "%s", what)
}

func TestCachedNotificationsFollowChanges(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	bob := app.User("bob", "student")
	r := ada.PostForm("/home/", url.Values{"content": {"hello"}})
	id := regexp.MustCompile(`post-(\d+)`).FindStringSubmatch(r.Header.Get("Location"))[1]
	bob.PostForm("/home/post/"+id+"/comment/", url.Values{"content": {"first version of the comment"}})
	page := func() string { return ada.Get("/home/notifications/").Body }
	if p := page(); !strings.Contains(p, "first version of the comment") || !strings.Contains(p, "notif--unread") {
		t.Fatal("the notification or its preview is missing")
	}
	page()
	cid := regexp.MustCompile(`id="comment-(\d+)"`).FindStringSubmatch(ada.Get("/home/post/" + id + "/").Body)[1]
	bob.PostForm("/home/comment/"+cid+"/edit/", url.Values{"content": {"second version of the comment"}})
	if p := page(); !strings.Contains(p, "second version of the comment") {
		t.Fatal("the kept notification row still quotes the old comment")
	}
	ada.PostForm("/home/notifications/read-all/", nil)
	if p := page(); strings.Contains(p, "notif--unread") {
		t.Fatal("the kept notification row still shows unread")
	}
}
