package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/moderation"
)

// The permission matrix of the report, block and report-queue pages: the author of the
// content (stud), another student, the instructor who wrote to stud (teach), another
// instructor, an admin, and an anonymous visitor (sent to log in).
func TestModerationPagesPermissionMatrix(t *testing.T) {
	app := apptest.StartRelaxed(t)
	clients := map[string]*apptest.Client{"stud": app.User("stud", "student"), "other": app.User("other", "student"),
		"teach": app.User("teach", "instructor"), "teach2": app.User("teach2", "instructor"), "admin": app.User("root", "admin"),
		"anon": app.Client()}
	app.Account("victim", "student")
	ctx := context.Background()
	stud, teach := mustUser(t, app, "stud"), mustUser(t, app, "teach")
	post, err := app.State.Feed.CreatePost(ctx, stud, "A post", nil)
	if err != nil {
		t.Fatal(err)
	}
	comment, _, err := app.State.Feed.AddComment(ctx, teach, post.ID, "A comment")
	if err != nil {
		t.Fatal(err)
	}
	start, err := app.State.Chat.StartDirect(ctx, stud, teach.ID, "A message")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := app.State.Moderation.Report(ctx, mustUser(t, app, "victim"),
		moderation.ReportInput{ItemType: "post", ItemID: post.ID, Reason: "spam"})
	if err != nil {
		t.Fatal(err)
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	victim := id(mustUser(t, app, "victim").ID)
	type want struct{ stud, other, teach, teach2, admin int }
	cases := []struct {
		method, path string
		form         url.Values
		want         want
	}{
		{"GET", "/home/report/post/" + id(post.ID) + "/", nil, want{400, 200, 200, 200, 200}},
		{"GET", "/home/report/comment/" + id(comment.ID) + "/", nil, want{200, 200, 400, 200, 200}},
		{"GET", "/home/report/message/" + id(start.Message.ID) + "/", nil, want{400, 404, 200, 404, 404}},
		{"GET", "/home/report/user/" + id(post.ID) + "/", nil, want{404, 404, 404, 404, 404}},
		{"GET", "/home/report/post/987654/", nil, want{404, 404, 404, 404, 404}},
		{"POST", "/home/report/comment/" + id(comment.ID) + "/", url.Values{"reason": {"spam"}, "next": {"/home/"}}, want{303, 303, 303, 303, 303}},
		{"POST", "/home/report/post/" + id(post.ID) + "/", url.Values{"reason": {"nonsense"}}, want{400, 400, 400, 400, 400}},
		{"GET", "/home/me/blocked/", nil, want{200, 200, 200, 200, 200}},
		{"POST", "/home/me/blocked/", url.Values{"user_id": {victim}}, want{303, 303, 303, 303, 303}},
		{"POST", "/home/me/blocked/" + victim + "/delete/", nil, want{303, 303, 303, 303, 303}},
		{"POST", "/home/me/blocked/987654/delete/", nil, want{404, 404, 404, 404, 404}},
		{"GET", "/admin/reports/", nil, want{403, 403, 403, 403, 200}},
		{"POST", "/admin/reports/" + id(rep.ID) + "/resolve/", nil, want{403, 403, 403, 403, 303}},
	}
	for _, tc := range cases {
		for _, who := range []struct {
			name   string
			status int
		}{{"stud", tc.want.stud}, {"other", tc.want.other}, {"teach", tc.want.teach}, {"teach2", tc.want.teach2},
			{"admin", tc.want.admin}, {"anon", http.StatusFound}} {
			c := clients[who.name]
			var r *apptest.Response
			if tc.method == "POST" {
				r = c.PostForm(tc.path, tc.form)
			} else {
				r = c.Get(tc.path)
			}
			if r.StatusCode != who.status {
				t.Errorf("%s %s as %s: %d, want %d", tc.method, tc.path, who.name, r.StatusCode, who.status)
			}
			if who.name == "anon" && !strings.HasPrefix(r.Header.Get("Location"), "/login/") {
				t.Errorf("%s %s anonymous: sent to %q", tc.method, tc.path, r.Header.Get("Location"))
			}
		}
	}
	// The comment was reported by the four who are not its author; the resolved
	// report is closed.
	groups, _, err := app.State.Moderation.Queue(ctx, mustUser(t, app, "root"), 10, 0)
	if err != nil || len(groups) != 1 || len(groups[0].Reports) != 4 || groups[0].Item.ItemType != "comment" {
		t.Errorf("queue after the matrix: %+v %v", groups, err)
	}
}

// The feed is assembled from cards kept per viewer variant: blocking someone must take
// their posts and comments out of the blocker's next page at once, and not out of
// anyone else's.
func TestFeedHidesBlockedAuthors(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ann, dan := app.User("ann", "student"), app.User("dan", "student")
	app.Account("bob", "student")
	app.Account("cat", "student")
	ctx := context.Background()
	bob, cat := mustUser(t, app, "bob"), mustUser(t, app, "cat")
	if _, err := app.State.Feed.CreatePost(ctx, bob, "Bob-post-here", nil); err != nil {
		t.Fatal(err)
	}
	catPost, err := app.State.Feed.CreatePost(ctx, cat, "Cat-post-here", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := app.State.Feed.AddComment(ctx, bob, catPost.ID, "Bob-comment-here"); err != nil {
		t.Fatal(err)
	}
	shows := func(c *apptest.Client, path string, want map[string]bool) {
		t.Helper()
		body := c.Get(path).Body
		for s, w := range want {
			if strings.Contains(body, s) != w {
				t.Errorf("%s shows %q: %v, want %v", path, s, !w, w)
			}
		}
	}
	all := map[string]bool{"Bob-post-here": true, "Cat-post-here": true, "Bob-comment-here": true}
	shows(ann, "/home/", all) // warms ann's cards
	shows(dan, "/home/", all)
	shows(ann, "/home/post/"+strconv.FormatInt(catPost.ID, 10)+"/", map[string]bool{"Bob-comment-here": true})

	if r := ann.PostForm("/home/me/blocked/", url.Values{"user_id": {strconv.FormatInt(bob.ID, 10)}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("block: %d", r.StatusCode)
	}
	hidden := map[string]bool{"Bob-post-here": false, "Cat-post-here": true, "Bob-comment-here": false}
	shows(ann, "/home/", hidden)
	shows(ann, "/home/post/"+strconv.FormatInt(catPost.ID, 10)+"/", map[string]bool{"Bob-comment-here": false, "Cat-post-here": true})
	shows(dan, "/home/", all)
	access, _ := app.Token("ann")
	if r := app.Client().JSON("GET", "/api/posts/", nil, access); strings.Contains(r.Body, "Bob-post-here") || !strings.Contains(r.Body, "Cat-post-here") {
		t.Errorf("the API's newest posts for ann: %s", r.Body)
	}
	if r := ann.Get("/home/me/blocked/"); !strings.Contains(r.Body, "@bob") {
		t.Errorf("the blocked list does not name bob")
	}

	if r := ann.PostForm("/home/me/blocked/"+strconv.FormatInt(bob.ID, 10)+"/delete/", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("unblock: %d", r.StatusCode)
	}
	shows(ann, "/home/", all)
}
