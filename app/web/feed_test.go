package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/auth"
	"eplatform/app/store"
)

// postForm creates a post through the composer form (multipart, no JS).
func postForm(t *testing.T, c *apptest.Client, content string, file ...string) *apptest.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("content", content)
	if len(file) == 3 {
		w, _ := mw.CreateFormFile(file[0], file[1])
		w.Write([]byte(file[2]))
	}
	mw.Close()
	return c.Do("POST", "/home/", &b, http.Header{"Content-Type": {mw.FormDataContentType()}})
}

var postIDRE = regexp.MustCompile(`#post-(\d+)`)

func TestFeedWithoutJavaScript(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	bob := app.User("bob", "student")

	r := postForm(t, ada, `Hello <script>alert("x")</script> @bob "><img src=x onerror=alert(1)>`)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("post: %d %s", r.StatusCode, r.Body)
	}
	id := postIDRE.FindStringSubmatch(r.Header.Get("Location"))[1]
	feed := bob.Get("/home/")
	if feed.StatusCode != 200 || !strings.Contains(feed.Body, "&lt;script&gt;") || strings.Contains(feed.Body, `<script>alert("x")`) ||
		strings.Contains(feed.Body, `<img src=x onerror`) || !strings.Contains(feed.Body, `href="/home/profile/bob/"`) {
		t.Fatalf("feed does not show the escaped post with the mention link")
	}
	// bob sees the bell count server-side.
	if !regexp.MustCompile(`data-unread-badge[^>]*>\s*1\s*<`).MatchString(feed.Body) {
		t.Errorf("bell badge does not show 1 unread")
	}
	if r := bob.PostForm("/home/post/"+id+"/like/", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("like: %d", r.StatusCode)
	}
	if r := bob.PostForm("/home/post/"+id+"/comment/", url.Values{"content": {"Nice <b>one</b>"}}); r.StatusCode != http.StatusSeeOther ||
		!strings.Contains(r.Header.Get("Location"), "#comment-") {
		t.Fatalf("comment: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	page := ada.Get("/home/post/" + id + "/")
	if page.StatusCode != 200 || !strings.Contains(page.Body, "Nice &lt;b&gt;one&lt;/b&gt;") || !strings.Contains(page.Body, `id="comment-`) {
		t.Fatalf("post page lacks the escaped comment: %d", page.StatusCode)
	}
	// Empty comment without JS: the post page again with the message.
	if r := bob.PostForm("/home/post/"+id+"/comment/", url.Values{"content": {"  "}}); r.StatusCode != 200 || !strings.Contains(r.Body, "may not be blank") {
		t.Errorf("blank comment: %d", r.StatusCode)
	}
	// Only the author edits; others get 403.
	if r := bob.PostForm("/home/post/"+id+"/edit/", url.Values{"content": {"hijack"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("edit by another: %d", r.StatusCode)
	}
	if r := bob.PostForm("/home/post/"+id+"/delete/", nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("delete by another: %d", r.StatusCode)
	}
	if r := bob.PostForm("/home/post/999999/like/", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("like missing post: %d", r.StatusCode)
	}
	// Notifications page: like and comment for ada, mark all read.
	n := ada.Get("/home/notifications/")
	if !strings.Contains(n.Body, "Bob Tester liked your post") || !strings.Contains(n.Body, "Bob Tester commented on your post") {
		t.Errorf("notifications page lacks the like and comment")
	}
	ada.PostForm("/home/notifications/read-all/", nil)
	if u := ada.Get("/home/notifications/?filter=unread"); strings.Contains(u.Body, "Bob Tester liked your post") {
		t.Errorf("unread filter still shows read notifications")
	}
	if r := ada.PostForm("/home/post/"+id+"/delete/", nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("delete own post: %d", r.StatusCode)
	}
	if r := bob.Get("/home/post/" + id + "/"); r.StatusCode != http.StatusNotFound {
		t.Errorf("deleted post page: %d", r.StatusCode)
	}
}

// TestFeedScriptsUseFragmentsAndTheAPI follows what feed.js does: forms sent with
// X-Fragment: 1 get the piece of page they changed, failures the API's error JSON,
// and likes and deletions go through the documented API.
func TestFeedScriptsUseFragmentsAndTheAPI(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	bob := app.User("bob", "student")
	frag := http.Header{"X-Fragment": {"1"}}

	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("content", "from the script")
	mw.Close()
	r := ada.Do("POST", "/home/", &b, http.Header{"X-Fragment": {"1"}, "Content-Type": {mw.FormDataContentType()}})
	m := regexp.MustCompile(`id="post-(\d+)"`).FindStringSubmatch(r.Body)
	if r.StatusCode != 201 || !strings.Contains(r.Body, "from the script") || m == nil || strings.Contains(r.Body, "<html") {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	id := m[1]
	form := func(c *apptest.Client, path string, v url.Values) *apptest.Response {
		h := frag.Clone()
		h.Set("Content-Type", "application/x-www-form-urlencoded")
		return c.Do("POST", path, strings.NewReader(v.Encode()), h)
	}
	if r := bob.JSON("POST", "/api/posts/"+id+"/like/", nil, ""); r.StatusCode != 200 || !strings.Contains(r.Body, `"like_count":1`) {
		t.Errorf("like through the API with the session: %d %s", r.StatusCode, r.Body)
	}
	r = form(bob, "/home/post/"+id+"/comment/", url.Values{"content": {"hi @ada"}})
	if r.StatusCode != 201 || !strings.Contains(r.Body, "/home/profile/ada/") || !strings.Contains(r.Body, `id="comment-`) {
		t.Errorf("comment: %d %s", r.StatusCode, r.Body)
	}
	if r := form(bob, "/home/post/"+id+"/comment/", url.Values{"content": {""}}); r.StatusCode != 400 || !strings.Contains(r.Body, `"content":["This field may not be blank."]`) {
		t.Errorf("blank comment: %d %s", r.StatusCode, r.Body)
	}
	if r := form(bob, "/home/post/"+id+"/edit/", url.Values{"content": {"mine now"}}); r.StatusCode != 403 || !strings.Contains(r.Body, `"detail"`) {
		t.Errorf("foreign edit: %d %s", r.StatusCode, r.Body)
	}
	if r := bob.JSON("DELETE", "/api/posts/"+id+"/", nil, ""); r.StatusCode != 403 || !strings.Contains(r.Body, `"detail"`) {
		t.Errorf("foreign delete: %d %s", r.StatusCode, r.Body)
	}
	if r := bob.Get("/home/post/" + id + "/card/"); r.StatusCode != 200 || !strings.Contains(r.Body, `aria-pressed="true"`) {
		t.Errorf("card fragment for bob should show his like: %d", r.StatusCode)
	}
	// A page no longer answers JSON of its own: Accept: application/json gets the page flow.
	if r := bob.Do("POST", "/home/post/"+id+"/like/", nil, http.Header{"Accept": {"application/json"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("like form with Accept JSON: %d %s", r.StatusCode, r.Body)
	}
}

// TestFeedPageQueriesBounded serves /home/ with 5 and with 20 posts on the page and
// counts the SQL statements of the whole request: they must not grow with the page.
func TestFeedPageQueriesBounded(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	bob := app.User("bob", "student")
	cookie := ""
	for _, ck := range bob.Jar.Cookies(mustURL(t, app.URL)) {
		cookie = ck.Name + "=" + ck.Value
	}
	measure := func(path string) int {
		ctx, qc := store.WithQueryCounter(context.Background())
		req := httptest.NewRequestWithContext(ctx, "GET", path, nil)
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		app.Server.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		return qc.Count()
	}
	makePosts := func(n int) {
		for i := range n {
			r := postForm(t, ada, fmt.Sprintf("post %d mentioning @bob", i))
			id := postIDRE.FindStringSubmatch(r.Header.Get("Location"))[1]
			bob.PostForm("/home/post/"+id+"/like/", nil)
			bob.PostForm("/home/post/"+id+"/comment/", url.Values{"content": {"thanks @ada"}})
		}
	}
	// cold renders every card again: a change of the people version orphans them all.
	cold := func() int {
		if err := app.State.Cache.Bump(context.Background(), auth.PeopleNamespace); err != nil {
			t.Fatal(err)
		}
		return measure("/home/")
	}
	makePosts(5)
	measure("/home/") // warm the caches (session, user)
	few := measure("/home/")
	coldFew := cold()
	fewNotes := measure("/home/notifications/")
	makePosts(20)
	measure("/home/")
	many := measure("/home/")
	coldMany := cold()
	manyNotes := measure("/home/notifications/")
	if many != few || many > 8 {
		t.Errorf("/home/ ran %d statements with 5 posts and %d with 20; want equal and small", few, many)
	}
	if coldMany != coldFew || coldMany > 8 {
		t.Errorf("/home/ with no cached card ran %d statements with 5 posts and %d with 20", coldFew, coldMany)
	}
	if manyNotes != fewNotes || manyNotes > 8 {
		t.Errorf("/home/notifications/ ran %d and %d statements", fewNotes, manyNotes)
	}
	t.Logf("/home/: %d statements (%d with no card cached); notifications: %d", many, coldMany, manyNotes)
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestWritesVisibleOnNextRead: the cache is never the truth — after each write, the
// next read of every viewer shows it.
func TestWritesVisibleOnNextRead(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	bob := app.User("bob", "student")
	cy := app.User("cy", "student")
	r := postForm(t, ada, "visible?")
	id := postIDRE.FindStringSubmatch(r.Header.Get("Location"))[1]
	for _, c := range []*apptest.Client{ada, bob, cy} {
		if !strings.Contains(c.Get("/home/").Body, "visible?") {
			t.Fatal("new post not visible to everyone")
		}
	}
	bob.PostForm("/home/post/"+id+"/comment/", url.Values{"content": {"first comment"}})
	for _, c := range []*apptest.Client{ada, bob, cy} {
		if !strings.Contains(c.Get("/home/").Body, "first comment") {
			t.Fatal("new comment not visible to everyone")
		}
	}
	if !regexp.MustCompile(`data-unread-badge[^>]*>\s*1\s*<`).MatchString(ada.Get("/home/").Body) {
		t.Error("ada's bell does not count the comment at once")
	}
	ada.PostForm("/home/notifications/read-all/", nil)
	if regexp.MustCompile(`data-unread-badge[^>]*>\s*1\s*<`).MatchString(ada.Get("/home/").Body) {
		t.Error("ada's bell still counts after mark all read")
	}
	ada.PostForm("/home/post/"+id+"/edit/", url.Values{"content": {"edited text"}})
	for _, c := range []*apptest.Client{ada, bob, cy} {
		if body := c.Get("/home/").Body; !strings.Contains(body, "edited text") || strings.Contains(body, "visible?") {
			t.Fatal("edit not visible to everyone")
		}
	}
}

// TestNamesAreEscapedEverywhere: a hostile display name shows as text in the feed, on
// the post page, in the notifications page and in the API.
func TestNamesAreEscapedEverywhere(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	evil := app.User("evil", "student")
	bob := app.User("bob", "student")
	u, _ := app.State.DB.UserByUsername(context.Background(), "evil")
	first, last := `<script>alert(1)</script>`, `"><img src=x onerror=alert(2)>`
	if _, err := app.State.Auth.UpdateAccount(context.Background(), u.ID, authUpdate(first, last)); err != nil {
		t.Fatalf("rename: %v", err)
	}
	r := postForm(t, evil, "hi @bob")
	id := postIDRE.FindStringSubmatch(r.Header.Get("Location"))[1]
	evil.PostForm("/home/post/"+id+"/comment/", url.Values{"content": {"me again"}})
	for _, path := range []string{"/home/", "/home/post/" + id + "/", "/home/notifications/"} {
		body := bob.Get(path).Body
		if strings.Contains(body, "<script>alert(1)") || strings.Contains(body, "<img src=x onerror") {
			t.Errorf("%s renders the name unescaped", path)
		}
		if path == "/home/" && !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s does not show the name as text", path)
		}
	}
}

func authUpdate(first, last string) auth.AccountUpdate {
	return auth.AccountUpdate{FirstName: &first, LastName: &last}
}
