package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/store"
)

type postOut struct {
	ID               int64
	Content          string
	FormattedContent string `json:"formatted_content"`
	Image, Video     *string
	Document         *string
	LikesCount       int  `json:"likes_count"`
	CommentsCount    int  `json:"comments_count"`
	IsLiked          bool `json:"is_liked"`
	User             struct{ Username string }
}

func pngBytes(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// multipartPost builds a multipart body with content and files (field → name, data).
func multipartPost(content string, files ...[3]string) (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("content", content)
	for _, f := range files {
		w, _ := mw.CreateFormFile(f[0], f[1])
		w.Write([]byte(f[2]))
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

func post(t *testing.T, c *apptest.Client, token, content string) postOut {
	t.Helper()
	r := c.JSON("POST", "/api/posts/", map[string]string{"content": content}, token)
	if r.StatusCode != 201 {
		t.Fatalf("create post: %d %s", r.StatusCode, r.Body)
	}
	var p postOut
	r.JSON(t, &p)
	return p
}

func notifications(t *testing.T, app *apptest.App, username string) []store.Notification {
	t.Helper()
	u, err := app.State.DB.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	list, err := app.State.DB.ListNotifications(context.Background(), store.NotificationQuery{RecipientID: u.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func countType(list []store.Notification, typ string) int {
	n := 0
	for _, x := range list {
		if x.Type == typ {
			n++
		}
	}
	return n
}

func TestPostRulesAndBadInput(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	app.User("ada", "student")
	app.User("bob", "student")
	ada, _ := app.Token("ada")
	bob, _ := app.Token("bob")
	c := app.Client()

	for _, tc := range []struct {
		body   any
		status int
		want   string
	}{
		{map[string]any{}, 400, `"content"`},
		{map[string]any{"content": "   "}, 400, "blank"},
		{map[string]any{"content": strings.Repeat("é", 5001)}, 400, "5000"},
		{map[string]any{"content": 42}, 400, "Not a valid string"},
		{map[string]any{"content": "hi", "image": "data"}, 400, "multipart"},
		{`[1,2]`, 400, "detail"},
	} {
		r := c.JSON("POST", "/api/posts/", tc.body, ada)
		if r.StatusCode != tc.status || !strings.Contains(r.Body, tc.want) {
			t.Errorf("POST %v: %d %s", tc.body, r.StatusCode, r.Body)
		}
	}
	if r := c.JSON("POST", "/api/posts/", map[string]string{"content": "x"}, ""); r.StatusCode != 401 {
		t.Errorf("anonymous post: %d", r.StatusCode)
	}
	if n, _ := app.State.DB.CountPosts(context.Background(), store.PostQuery{}); n != 0 {
		t.Fatalf("bad input wrote %d posts", n)
	}

	p := post(t, c, ada, "<script>alert(1)</script> hello @bob and @BOB and @nobody")
	if !strings.Contains(p.FormattedContent, "&lt;script&gt;") || strings.Contains(p.FormattedContent, "<script>") ||
		!strings.Contains(p.FormattedContent, `<a href="/home/profile/bob/" class="mention" data-username="bob">@bob</a>`) ||
		strings.Contains(p.FormattedContent, `data-username="nobody"`) {
		t.Errorf("formatted_content: %s", p.FormattedContent)
	}
	if got := countType(notifications(t, app, "bob"), "mention"); got != 1 {
		t.Errorf("bob has %d mention notifications, want 1 (mentioned twice in one post)", got)
	}
	path := fmt.Sprintf("/api/posts/%d/", p.ID)
	// Only the author edits; an edit notifies only the newly mentioned.
	app.User("cy", "student")
	if r := c.JSON("PATCH", path, map[string]string{"content": "hijack"}, bob); r.StatusCode != 403 {
		t.Errorf("edit by another user: %d", r.StatusCode)
	}
	if r := c.JSON("PATCH", path, map[string]string{"content": "now @bob and @cy"}, ada); r.StatusCode != 200 {
		t.Fatalf("edit: %d %s", r.StatusCode, r.Body)
	}
	if countType(notifications(t, app, "bob"), "mention") != 1 || countType(notifications(t, app, "cy"), "mention") != 1 {
		t.Error("edit did not notify exactly the newly mentioned")
	}
	if r := c.JSON("PATCH", "/api/posts/999999/", map[string]string{"content": "x"}, ada); r.StatusCode != 404 {
		t.Errorf("edit missing post: %d", r.StatusCode)
	}
	if r := c.JSON("PATCH", "/api/posts/abc/", map[string]string{"content": "x"}, ada); r.StatusCode != 404 {
		t.Errorf("edit malformed id: %d", r.StatusCode)
	}
	// Delete: others 403, admins may moderate.
	if r := c.JSON("DELETE", path, nil, bob); r.StatusCode != 403 {
		t.Errorf("delete by another user: %d", r.StatusCode)
	}
	app.User("root", "admin")
	root, _ := app.Token("root")
	if r := c.JSON("DELETE", path, nil, root); r.StatusCode != 204 {
		t.Errorf("admin delete: %d", r.StatusCode)
	}
	if r := c.JSON("GET", path, nil, ada); r.StatusCode != 404 {
		t.Errorf("deleted post: %d", r.StatusCode)
	}
	if len(notifications(t, app, "bob")) != 0 {
		t.Error("notifications of a deleted post survive")
	}
}

func TestLikesCommentsAndNotificationRules(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	app.User("owner", "student")
	app.User("fan", "student")
	app.User("stranger", "student")
	owner, _ := app.Token("owner")
	fan, _ := app.Token("fan")
	stranger, _ := app.Token("stranger")
	c := app.Client()
	p := post(t, c, owner, "my post")
	like := fmt.Sprintf("/api/posts/%d/like/", p.ID)

	for i, want := range []string{`"like_count":1,"liked":true`, `"like_count":0,"liked":false`, `"like_count":1,"liked":true`} {
		r := c.JSON("POST", like, nil, fan)
		if r.StatusCode != 200 || !strings.Contains(r.Body, want) {
			t.Fatalf("toggle %d: %d %s", i, r.StatusCode, r.Body)
		}
	}
	c.JSON("POST", like, nil, owner) // own like: no self-notification
	if got := countType(notifications(t, app, "owner"), "like"); got != 1 {
		t.Errorf("owner has %d like notifications after like/unlike/like and a self-like, want 1", got)
	}
	if r := c.JSON("POST", "/api/posts/424242/like/", nil, fan); r.StatusCode != 404 {
		t.Errorf("like a missing post: %d", r.StatusCode)
	}

	comments := fmt.Sprintf("/api/posts/%d/comments/", p.ID)
	r := c.JSON("POST", comments, map[string]string{"content": "nice, @owner! cc @stranger"}, fan)
	if r.StatusCode != 201 {
		t.Fatalf("comment: %d %s", r.StatusCode, r.Body)
	}
	var cm struct{ ID int64 }
	r.JSON(t, &cm)
	ownerN := notifications(t, app, "owner")
	if countType(ownerN, "comment") != 1 || countType(ownerN, "mention") != 0 {
		t.Errorf("owner mentioned in a comment on their own post: %d comment, %d mention notifications; want 1 and 0",
			countType(ownerN, "comment"), countType(ownerN, "mention"))
	}
	for _, n := range ownerN {
		if n.Type == "comment" && n.URL != fmt.Sprintf("/home/post/%d/#comment-%d", p.ID, cm.ID) {
			t.Errorf("comment notification url %q", n.URL)
		}
	}
	if countType(notifications(t, app, "stranger"), "mention") != 1 {
		t.Error("stranger not notified of the mention")
	}
	c.JSON("POST", comments, map[string]string{"content": "replying to myself"}, owner)
	if got := len(notifications(t, app, "owner")); got != 2 {
		t.Errorf("owner has %d notifications; own comment must not notify", got)
	}
	// The list is a bare array, newest first.
	r = c.JSON("GET", comments, nil, stranger)
	if r.StatusCode != 200 || !strings.HasPrefix(r.Body, "[") || strings.Index(r.Body, "replying") > strings.Index(r.Body, "nice") {
		t.Errorf("comments list: %s", r.Body)
	}
	// Who may delete a comment: its author, the post owner, an admin — not others.
	del := fmt.Sprintf("/api/comments/%d/", cm.ID)
	if r := c.JSON("DELETE", del, nil, stranger); r.StatusCode != 403 {
		t.Errorf("stranger deletes a comment: %d", r.StatusCode)
	}
	if r := c.JSON("PATCH", del, map[string]string{"content": "edited by owner"}, owner); r.StatusCode != 403 {
		t.Errorf("post owner edits someone's comment: %d", r.StatusCode)
	}
	if r := c.JSON("DELETE", del, nil, owner); r.StatusCode != 204 {
		t.Errorf("post owner deletes a comment: %d", r.StatusCode)
	}
	var got postOut
	c.JSON("GET", fmt.Sprintf("/api/posts/%d/", p.ID), nil, fan).JSON(t, &got)
	if got.CommentsCount != 1 || got.LikesCount != 2 || !got.IsLiked {
		t.Errorf("counters after the changes: %+v", got)
	}
	if countType(notifications(t, app, "stranger"), "mention") != 0 {
		t.Error("a deleted comment's mention notification survives")
	}
}

func TestNotificationsAPI(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	app.User("ann", "student")
	app.User("ben", "student")
	ann, _ := app.Token("ann")
	ben, _ := app.Token("ben")
	c := app.Client()
	for i := range 3 {
		p := post(t, c, ann, fmt.Sprintf("post %d", i))
		c.JSON("POST", fmt.Sprintf("/api/posts/%d/like/", p.ID), nil, ben)
	}
	r := c.JSON("GET", "/api/notifications/?page_size=2", nil, ann)
	var page struct {
		Count   int
		Next    *string
		Results []struct {
			ID     int64
			Type   string `json:"notification_type"`
			URL    string
			IsRead bool `json:"is_read"`
			Sender struct{ Username string }
		}
	}
	r.JSON(t, &page)
	if page.Count != 3 || len(page.Results) != 2 || page.Next == nil || page.Results[0].Sender.Username != "ben" {
		t.Fatalf("list: %s", r.Body)
	}
	first := page.Results[0].ID
	if r := c.JSON("GET", fmt.Sprintf("/api/notifications/%d/", first), nil, ben); r.StatusCode != 404 {
		t.Errorf("another user's notification: %d", r.StatusCode)
	}
	if r := c.JSON("POST", fmt.Sprintf("/api/notifications/%d/mark_read/", first), nil, ben); r.StatusCode != 404 {
		t.Errorf("mark another user's notification: %d", r.StatusCode)
	}
	if r := c.JSON("POST", fmt.Sprintf("/api/notifications/%d/mark_read/", first), nil, ann); !strings.Contains(r.Body, `"unread_count":2`) {
		t.Errorf("mark read: %s", r.Body)
	}
	if r := c.JSON("GET", "/api/notifications/?is_read=false", nil, ann); !strings.Contains(r.Body, `"count":2`) {
		t.Errorf("unread filter: %s", r.Body)
	}
	if r := c.JSON("GET", "/api/notifications/?is_read=maybe", nil, ann); r.StatusCode != 400 {
		t.Errorf("bad filter: %d", r.StatusCode)
	}
	if r := c.JSON("POST", "/api/notifications/mark_all_read/", nil, ann); !strings.Contains(r.Body, `"unread_count":0`) {
		t.Errorf("mark all: %s", r.Body)
	}
	if r := c.JSON("GET", "/api/notifications/unread_count/", nil, ann); !strings.Contains(r.Body, `"unread_count":0`) {
		t.Errorf("count after mark all: %s", r.Body)
	}
}

func TestPostMediaUploads(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	app.User("ada", "student")
	ada, _ := app.Token("ada")
	c := app.Client()
	send := func(files ...[3]string) *apptest.Response {
		body, ct := multipartPost("look at this", files...)
		return c.Do("POST", "/api/posts/", body, http.Header{"Content-Type": {ct}, "Authorization": {"Bearer " + ada}})
	}
	r := send([3]string{"image", "photo.png", string(pngBytes(t, 40, 30))})
	if r.StatusCode != 201 {
		t.Fatalf("image post: %d %s", r.StatusCode, r.Body)
	}
	var p postOut
	r.JSON(t, &p)
	if p.Image == nil || p.Video != nil {
		t.Fatalf("image url missing: %s", r.Body)
	}
	url := strings.TrimPrefix(*p.Image, app.URL)
	got := c.Do("GET", url, nil, http.Header{"Authorization": {"Bearer " + ada}})
	if got.StatusCode != 200 || got.Header.Get("Content-Type") != "image/png" {
		t.Errorf("media: %d %s", got.StatusCode, got.Header.Get("Content-Type"))
	}
	if r := c.Get(url); r.StatusCode != 404 {
		t.Errorf("anonymous media: %d", r.StatusCode)
	}
	for _, bad := range []string{url + "x", strings.Replace(url, "/post/", "/post/9", 1), "/media/post/1/..%2f..%2feplatform.db"} {
		if r := c.Do("GET", bad, nil, http.Header{"Authorization": {"Bearer " + ada}}); r.StatusCode != 404 {
			t.Errorf("GET %s: %d", bad, r.StatusCode)
		}
	}
	doc := send([3]string{"document", "notes <b>.md", "# Notes\nhello"})
	var d postOut
	doc.JSON(t, &d)
	if doc.StatusCode != 201 || d.Document == nil {
		t.Fatalf("document post: %d %s", doc.StatusCode, doc.Body)
	}
	dl := c.Do("GET", strings.TrimPrefix(*d.Document, app.URL), nil, http.Header{"Authorization": {"Bearer " + ada}})
	if !strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(dl.Header.Get("Content-Disposition"), "notes <b>.md") {
		t.Errorf("document download header %q", dl.Header.Get("Content-Disposition"))
	}
	for _, tc := range []struct {
		files  [][3]string
		status int
	}{
		{[][3]string{{"image", "fake.png", "GIF89a not really an image at all"}}, 400},
		{[][3]string{{"image", "fake.png", "<html><script>alert(1)</script>"}}, 400},
		{[][3]string{{"video", "movie.mp4", string(pngBytes(t, 2, 2))}}, 400},
		{[][3]string{{"document", "evil.exe", "MZ\x90\x00"}}, 400},
		{[][3]string{{"document", "sheet.docx", "PK\x03\x04 but no office content"}}, 400},
		{[][3]string{{"image", "a.png", string(pngBytes(t, 2, 2))}, {"document", "b.md", "x"}}, 400},
		{[][3]string{{"image", "big.png", strings.Repeat("x", 5<<20+1)}}, 413},
	} {
		before, _ := app.State.DB.CountPosts(context.Background(), store.PostQuery{})
		if r := send(tc.files...); r.StatusCode != tc.status {
			t.Errorf("%v: %d %s", tc.files[0][1], r.StatusCode, r.Body)
		}
		if after, _ := app.State.DB.CountPosts(context.Background(), store.PostQuery{}); after != before {
			t.Errorf("%v: a rejected upload created a post", tc.files[0][1])
		}
	}
}

// TestFeedQueriesBounded proves the feed page costs the same number of SQL statements
// whatever its size: no N+1 for authors, likes, comments or mentions.
func TestFeedQueriesBounded(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	app.User("ada", "student")
	app.User("bob", "student")
	ada, _ := app.Token("ada")
	bob, _ := app.Token("bob")
	c := app.Client()
	for i := range 30 {
		p := post(t, c, ada, fmt.Sprintf("post %d for @bob", i))
		c.JSON("POST", fmt.Sprintf("/api/posts/%d/comments/", p.ID), map[string]string{"content": "hi @ada"}, bob)
		c.JSON("POST", fmt.Sprintf("/api/posts/%d/like/", p.ID), nil, bob)
	}
	viewer, _ := app.State.DB.UserByUsername(context.Background(), "bob")
	count := func(limit int) int {
		ctx, qc := store.WithQueryCounter(context.Background())
		page, err := app.State.Feed.Feed(ctx, viewer, store.Cursor{}, limit)
		if err != nil || len(page.Items) != limit || !page.Items[0].Liked || len(page.Items[0].Comments) != 1 {
			t.Fatalf("feed(%d): %v %+v", limit, err, page.Items)
		}
		return qc.Count()
	}
	small, large := count(5), count(25)
	if small != large || large > 4 {
		t.Errorf("feed queries: %d for 5 posts, %d for 25; want the same, at most 4", small, large)
	}
	// The API list and a post page are bounded as well.
	for _, path := range []string{"/api/posts/?page_size=5", "/api/posts/?page_size=25"} {
		r := c.JSON("GET", path, nil, bob)
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d", path, r.StatusCode)
		}
	}
}

// TestPostCountFollowsWrites: the list's count is cached, and each write is visible in
// the next read's count.
func TestPostCountFollowsWrites(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	app.User("ada", "student")
	ada, _ := app.Token("ada")
	c := app.Client()
	count := func() int {
		var page struct{ Count int }
		c.JSON("GET", "/api/posts/", nil, ada).JSON(t, &page)
		return page.Count
	}
	if n := count(); n != 0 {
		t.Fatalf("count = %d", n)
	}
	p := post(t, c, ada, "one")
	post(t, c, ada, "two")
	if n := count(); n != 2 {
		t.Fatalf("count after two posts = %d", n)
	}
	c.JSON("DELETE", fmt.Sprintf("/api/posts/%d/", p.ID), nil, ada)
	if n := count(); n != 1 {
		t.Fatalf("count after a delete = %d", n)
	}
}

// TestRangeRequestsAreNotCompressed: a range answer is a slice of the file itself,
// even for text that is otherwise gzipped on the way out.
func TestRangeRequestsAreNotCompressed(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	app.User("ada", "student")
	ada, _ := app.Token("ada")
	c := app.Client()
	text := "# Notes\n" + strings.Repeat("a long line of markdown to make gzip worth it\n", 100)
	body, ct := multipartPost("notes", [3]string{"document", "notes.md", text})
	r := c.Do("POST", "/api/posts/", body, http.Header{"Content-Type": {ct}, "Authorization": {"Bearer " + ada}})
	var p postOut
	r.JSON(t, &p)
	if p.Document == nil {
		t.Fatalf("document post: %d %s", r.StatusCode, r.Body)
	}
	url := strings.TrimPrefix(*p.Document, app.URL)
	h := http.Header{"Authorization": {"Bearer " + ada}, "Accept-Encoding": {"gzip"}, "Range": {"bytes=0-2999"}}
	got := c.Do("GET", url, nil, h)
	if got.StatusCode != http.StatusPartialContent || got.Header.Get("Content-Encoding") != "" || got.Body != text[:3000] {
		t.Fatalf("range: %d encoding=%q body=%q", got.StatusCode, got.Header.Get("Content-Encoding"), got.Body)
	}
	whole := c.Do("GET", url, nil, http.Header{"Authorization": {"Bearer " + ada}, "Accept-Encoding": {"gzip"}})
	if whole.StatusCode != 200 || whole.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("whole file: %d encoding=%q; want gzip", whole.StatusCode, whole.Header.Get("Content-Encoding"))
	}
}

// TestCachedPostListMatchesTheQuery compares the newest-posts list, assembled from
// cached post JSON, with the same list queried and encoded afresh (an explicit
// ordering takes that path), for two viewers, across pages, before and after writes.
func TestCachedPostListMatchesTheQuery(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	bob := app.User("bob", "student")
	for i := range 13 {
		ada.PostForm("/home/", url.Values{"content": {fmt.Sprintf("post %d for @bob", i)}})
		app.Clock.Advance(time.Second)
	}
	type list struct {
		Count   int
		Results []map[string]any
	}
	get := func(c *apptest.Client, path string) (list, *apptest.Response) {
		r := c.Do("GET", path, nil, http.Header{"Accept-Encoding": {"identity"}})
		var l list
		if err := json.Unmarshal([]byte(r.Body), &l); err != nil || r.StatusCode != 200 {
			t.Fatalf("%s: %d %v %.200s", path, r.StatusCode, err, r.Body)
		}
		return l, r
	}
	compare := func(what string) {
		t.Helper()
		for _, c := range []*apptest.Client{ada, bob} {
			for _, page := range []string{"1", "2"} {
				cached, _ := get(c, "/api/posts/?page_size=10&page="+page)
				fresh, _ := get(c, "/api/posts/?page_size=10&ordering=-created_at&page="+page)
				if !reflect.DeepEqual(cached, fresh) {
					t.Fatalf("%s, page %s: the cached list differs:\ncached %+v\nfresh  %+v", what, page, cached, fresh)
				}
			}
		}
	}
	compare("at first")
	first, _ := get(bob, "/api/posts/?page_size=1")
	id := fmt.Sprint(first.Results[0]["id"])
	bob.PostForm("/home/post/"+id+"/like/", nil)
	bob.PostForm("/home/post/"+id+"/comment/", url.Values{"content": {"hi"}})
	ada.PostForm("/home/post/"+id+"/edit/", url.Values{"content": {"edited, @bob"}})
	compare("after a like, a comment and an edit")
	if l, _ := get(bob, "/api/posts/?page_size=1"); l.Results[0]["is_liked"] != true || l.Results[0]["content"] != "edited, @bob" {
		t.Fatalf("bob's view of the post: %+v", l.Results[0])
	}
	if l, _ := get(ada, "/api/posts/?page_size=1"); l.Results[0]["is_liked"] != false {
		t.Fatal("bob's like shows as ada's")
	}
	// gzip assembled from the kept pieces decodes to the same JSON; 304 for the same list.
	_, plain := get(ada, "/api/posts/")
	gz := ada.Do("GET", "/api/posts/", nil, http.Header{"Accept-Encoding": {"gzip"}})
	zr, err := gzip.NewReader(strings.NewReader(gz.Body))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(zr); err != nil || string(b) != plain.Body {
		t.Fatalf("gzip answer differs: %v", err)
	}
	if r := ada.Do("GET", "/api/posts/", nil, http.Header{"If-None-Match": {plain.Header.Get("ETag")}}); r.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d", r.StatusCode)
	}
	// An empty page past the end is still a valid list.
	if l, _ := get(ada, "/api/posts/?page=2&page_size=100"); len(l.Results) != 0 {
		t.Fatalf("past the end: %+v", l)
	}
}
