package server_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"eplatform/app/apptest"
	"eplatform/app/internal/pgtest"
	"eplatform/app/internal/redistest"
	"eplatform/app/learn"
	"eplatform/app/testutil"
)

// deployments are the two-process setups the tests run on: two processes on one host
// sharing the data directory (the SQLite file, media files) and Redis; and two hosts
// that share only PostgreSQL and Redis — separate data directories, media in
// PostgreSQL (-media db).
var deployments = []struct {
	name  string
	start func(t *testing.T, args []string) (one, two *apptest.App)
}{
	{"sqlite", func(t *testing.T, args []string) (*apptest.App, *apptest.App) {
		dir := t.TempDir()
		return apptest.Start(t, apptest.Options{DataDir: dir, Args: args}),
			apptest.Start(t, apptest.Options{DataDir: dir, Args: args})
	}},
	{"postgres", func(t *testing.T, args []string) (*apptest.App, *apptest.App) {
		env := map[string]string{"EPLATFORM_DB": pgtest.URL(t), "EPLATFORM_MEDIA": "db"}
		return apptest.Start(t, apptest.Options{DataDir: t.TempDir(), Env: env, Args: args}),
			apptest.Start(t, apptest.Options{DataDir: t.TempDir(), Env: env, Args: args})
	}},
}

// onEach runs test on every deployment.
func onEach(t *testing.T, test func(t *testing.T, start func(*testing.T, []string) (*apptest.App, *apptest.App))) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) { test(t, d.start) })
	}
}

// TestTwoProcessesShareLiveEvents starts two complete servers on one database and one
// Redis, as a deployment with two processes does: a chat message sent through the
// first reaches a socket held by the second, and so does a notification.
func TestTwoProcessesShareLiveEvents(t *testing.T) {
	onEach(t, testTwoProcessesShareLiveEvents)
}

func testTwoProcessesShareLiveEvents(t *testing.T, start func(*testing.T, []string) (*apptest.App, *apptest.App)) {
	redis := redistest.URL(t)
	args := append([]string{"-redis", redis}, apptest.RelaxedLimits...)
	one, two := start(t, args)

	one.User("ada", "student")
	two.User("bob", "student") // same database: both servers know both users
	bobOnTwo := two.Client()
	bobOnTwo.LogIn("bob", apptest.Password)
	conn := dial(t, two, bobOnTwo, "/ws/")
	next(t, conn, "unread_count")

	adaToken, _ := one.Token("ada")
	bob, err := one.State.DB.UserByUsername(t.Context(), "bob")
	if err != nil {
		t.Fatal(err)
	}
	c := one.Client()
	r := c.JSON("POST", "/api/chat/conversations/start/", map[string]any{"user_id": bob.ID, "message": "hello across processes"}, adaToken)
	if r.StatusCode != 201 {
		t.Fatalf("start conversation on process one: %d %s", r.StatusCode, r.Body)
	}
	f := next(t, conn, "chat_message")
	if msg, _ := f["message"].(map[string]any); msg["content"] != "hello across processes" {
		t.Fatalf("chat frame on process two: %v", f)
	}
	// A feed notification crosses too.
	r = c.JSON("POST", "/api/posts/", map[string]string{"content": "ping @bob"}, adaToken)
	if r.StatusCode != 201 {
		t.Fatalf("post: %d", r.StatusCode)
	}
	n := next(t, conn, "notification")["notification"].(map[string]any)
	if n["text"] != "ada mentioned you in a post" {
		t.Errorf("notification on process two: %v", n)
	}
	// Presence is shared: process one sees bob online while his tab is open on two,
	// and offline once it closes.
	status := func() bool {
		var s struct {
			IsOnline bool `json:"is_online"`
		}
		c.JSON("GET", fmt.Sprintf("/api/chat/users/%d/status/", bob.ID), nil, adaToken).JSON(t, &s)
		return s.IsOnline
	}
	if !status() {
		t.Error("process one does not see bob online")
	}
	conn.Close(websocket.StatusNormalClosure, "bye")
	if !testutil.Poll(5*time.Second, func() bool { return !status() }) {
		t.Error("bob still online on process one after closing his only tab")
	}
}

// TestTwoProcessesNeverServeStaleViews: two processes share the data directory and a
// Redis data cache (-cache redis://); each keeps its own rendered fragments. A write on
// either is seen on the next read on the other — feed, post page, API list and the
// anonymous pages — because every kept piece is keyed by versions read from the shared
// truth (the database's post versions, the cache's people and page versions). Without
// the shared data cache the anonymous page goes stale (checked by hand).
func TestTwoProcessesNeverServeStaleViews(t *testing.T) {
	onEach(t, testTwoProcessesNeverServeStaleViews)
}

func testTwoProcessesNeverServeStaleViews(t *testing.T, start func(*testing.T, []string) (*apptest.App, *apptest.App)) {
	redis := redistest.URL(t)
	args := append([]string{"-redis", redis, "-cache", redis}, apptest.RelaxedLimits...)
	one, two := start(t, args)
	adaOne := one.User("ada", "student")
	two.Account("bob", "student")
	bobTwo := two.Client()
	bobTwo.LogIn("bob", apptest.Password)
	anonTwo := two.Client()

	body := func(c *apptest.Client, path string) string {
		t.Helper()
		r := c.Get(path)
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d", path, r.StatusCode)
		}
		return r.Body
	}
	r := adaOne.PostForm("/home/", url.Values{"content": {"version one"}})
	id := regexp.MustCompile(`post-(\d+)`).FindStringSubmatch(r.Header.Get("Location"))[1]
	for _, path := range []string{"/home/", "/home/post/" + id + "/", "/api/posts/"} {
		if !strings.Contains(body(bobTwo, path), "version one") {
			t.Fatalf("%s on process two lacks the post written on one", path)
		}
	}
	profile := body(anonTwo, "/home/profile/ada/") // kept for anonymous visitors on two
	// Writes on process one: an edit, a comment, a new name.
	adaOne.PostForm("/home/post/"+id+"/edit/", url.Values{"content": {"version two"}})
	adaOne.PostForm("/home/post/"+id+"/comment/", url.Values{"content": {"a comment from one"}})
	if r := adaOne.PostForm("/home/me/edit/", url.Values{"first_name": {"Adelaide"}, "last_name": {"Tester"}, "email": {"ada@example.com"}}); r.StatusCode >= 400 {
		t.Fatalf("profile edit: %d", r.StatusCode)
	}
	for _, path := range []string{"/home/", "/home/post/" + id + "/", "/api/posts/"} {
		b := body(bobTwo, path)
		if !strings.Contains(b, "version two") || strings.Contains(b, "version one") || !strings.Contains(b, "Adelaide") {
			t.Fatalf("%s on process two is stale after writes on one", path)
		}
	}
	if p := body(anonTwo, "/home/profile/ada/"); p == profile || !strings.Contains(p, "Adelaide") {
		t.Fatal("the anonymous profile page on process two is stale after a write on one")
	}

	// A subject's page, kept on both: written on one, read on two, and the other way.
	teachOne := one.User("teach", "instructor")
	subject := func(name string) url.Values {
		return url.Values{"name": {name}, "code": {"CS1"}, "description": {"About " + name}, "icon": {"science"}, "is_active": {"1"}}
	}
	if r := teachOne.PostForm("/home/subjects/new/", subject("Computing")); r.StatusCode != 303 {
		t.Fatalf("create subject: %d", r.StatusCode)
	}
	if !strings.Contains(body(bobTwo, "/home/subjects/CS1/"), "Enrollment required") {
		t.Fatal("the subject written on one is not on two")
	}
	ctx := context.Background()
	subj, err := one.State.DB.SubjectByCode(ctx, "CS1")
	if err != nil {
		t.Fatal(err)
	}
	teachPage := body(teachOne, "/home/subjects/CS1/")
	// bob enrolls on two: his page there and the count on one's kept page move on.
	bobTwo.PostForm(fmt.Sprintf("/home/subjects/%d/enroll/", subj.ID), nil)
	if p := body(teachOne, "/home/subjects/CS1/"); p == teachPage || !strings.Contains(p, `">1</span>`) {
		t.Fatal("the subject page on process one is stale after an enrollment on two")
	}
	if !strings.Contains(body(bobTwo, "/home/subjects/CS1/"), "Unenroll") {
		t.Fatal("the enrolled student's page on two is stale")
	}
	// The instructor renames it and adds a material on one: bob's kept page on two follows.
	teach, err := one.State.DB.UserByUsername(ctx, "teach")
	if err != nil {
		t.Fatal(err)
	}
	teachOne.PostForm("/home/subjects/CS1/edit/", subject("Computing Two"))
	if _, err := one.State.Learn.AddMaterial(ctx, teach, subj.ID, learn.MaterialInput{Kind: learn.Str("link"),
		Title: learn.Str("Reading list"), ExternalURL: learn.Str("https://go.dev/"), IsActive: &[]bool{true}[0]}); err != nil {
		t.Fatal(err)
	}
	if p := body(bobTwo, "/home/subjects/CS1/"); !strings.Contains(p, "<h1>Computing Two</h1>") || !strings.Contains(p, "Reading list") {
		t.Fatal("the subject page on process two is stale after writes on one")
	}
}

// TestTwoProcessesShareMedia: a picture posted through one process is served by the
// other — from the shared directory, or from PostgreSQL between hosts that share no
// files — with the same answers: the bytes, ranges, conditional requests; a profile
// picture too, and a deleted post's file is gone on both.
func TestTwoProcessesShareMedia(t *testing.T) {
	onEach(t, func(t *testing.T, start func(*testing.T, []string) (*apptest.App, *apptest.App)) {
		one, two := start(t, apptest.RelaxedLimits)
		ada := one.User("ada", "student")
		two.Account("bob", "student")
		bob := two.Client()
		bob.LogIn("bob", apptest.Password)

		var img bytes.Buffer
		pic := image.NewRGBA(image.Rect(0, 0, 40, 30))
		for i := range pic.Pix {
			pic.Pix[i] = byte(i * 7)
		}
		if err := png.Encode(&img, pic); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("content", "a picture from host one")
		w, _ := mw.CreateFormFile("image", "pic.png")
		w.Write(img.Bytes())
		mw.Close()
		r := ada.Do("POST", "/home/", &b, http.Header{"Content-Type": {mw.FormDataContentType()}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("post with a picture: %d %s", r.StatusCode, r.Body)
		}
		id := regexp.MustCompile(`post-(\d+)`).FindStringSubmatch(r.Header.Get("Location"))[1]
		page := bob.Get("/home/post/" + id + "/")
		src := regexp.MustCompile(`/media/post/` + id + `/[0-9a-f]+\.png`).FindString(page.Body)
		if src == "" {
			t.Fatalf("no picture on the post page on process two:\n%s", page.Body)
		}
		got := bob.Get(src)
		if got.StatusCode != 200 || got.Header.Get("Content-Type") != "image/png" || got.Header.Get("Last-Modified") == "" {
			t.Fatalf("picture on process two: %d %v", got.StatusCode, got.Header)
		}
		fromOne := ada.Get(src)
		if got.Body != fromOne.Body || len(got.Body) < 100 {
			t.Fatalf("process two serves %d bytes, one %d", len(got.Body), len(fromOne.Body))
		}
		part := bob.Do("GET", src, nil, http.Header{"Range": {"bytes=10-19"}})
		if part.StatusCode != http.StatusPartialContent || part.Body != got.Body[10:20] {
			t.Errorf("range on process two: %d %q", part.StatusCode, part.Body)
		}
		same := bob.Do("GET", src, nil, http.Header{"If-Modified-Since": {got.Header.Get("Last-Modified")}})
		if same.StatusCode != http.StatusNotModified {
			t.Errorf("conditional request on process two: %d", same.StatusCode)
		}
		if r := bob.Get(strings.TrimSuffix(src, ".png") + "0.png"); r.StatusCode != 404 {
			t.Errorf("a made-up name: %d", r.StatusCode)
		}
		if r := ada.PostForm("/home/post/"+id+"/delete/", url.Values{}); r.StatusCode >= 400 {
			t.Fatalf("delete: %d", r.StatusCode)
		}
		for _, app := range []*apptest.Client{ada, bob} {
			if r := app.Get(src); r.StatusCode != 404 {
				t.Errorf("the deleted post's picture answers %d", r.StatusCode)
			}
		}
	})
}
