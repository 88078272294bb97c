package mydata_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/feed"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// person is one of the two people whose data the tests compare: every kind of row the
// export holds carries their marker, so one export containing the other's marker is
// a leak.
type person struct {
	user   store.User
	token  string
	marker string
	post   int64
	direct int64
}

type world struct {
	app   *apptest.App
	a, b  *person
	teach store.User
	group int64
}

func pngBytes(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 20, 10))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func call(t *testing.T, app *apptest.App, token, method, path string, body any) map[string]any {
	t.Helper()
	r := app.Client().JSON(method, path, body, token)
	if r.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %d %s", method, path, r.StatusCode, r.Body)
	}
	var out map[string]any
	if r.Body != "" {
		r.JSON(t, &out)
	}
	return out
}

func idOf(m map[string]any) int64 { f, _ := m["id"].(float64); return int64(f) }

// seed gives zelda (a) and bruno (b) the same kinds of data: a picture, a post with
// an image, a comment and a like on each other's post, messages to each other and a
// group, a hand-in, a quiz attempt with a short answer, an education entry and an
// appointment.
func seed(t *testing.T) *world {
	ctx := context.Background()
	app := apptest.StartRelaxed(t)
	w := &world{app: app, teach: app.Account("teach", "instructor")}
	teachTok, _ := app.Token("teach")
	w.a = &person{user: app.Account("zelda", "student"), marker: "qqmarkone"}
	w.b = &person{user: app.Account("bruno", "student"), marker: "qqmarktwo"}
	for _, p := range []*person{w.a, w.b} {
		p.token, _ = app.Token(p.user.Username)
		if _, err := app.State.Auth.SetProfilePicture(ctx, p.user.ID, pngBytes(t)); err != nil {
			t.Fatal(err)
		}
		u, err := app.State.DB.UserByID(ctx, p.user.ID)
		if err != nil {
			t.Fatal(err)
		}
		p.user = u
		post, err := app.State.Feed.CreatePost(ctx, p.user, "post "+p.marker, &feed.Upload{Field: "image", Name: p.marker + ".png", Data: pngBytes(t)})
		if err != nil {
			t.Fatal(err)
		}
		p.post = post.ID
		call(t, app, p.token, "POST", "/api/profile/education/", map[string]any{"institution": "school " + p.marker, "degree": "BSc"})
	}
	for _, pair := range [][2]*person{{w.a, w.b}, {w.b, w.a}} {
		me, other := pair[0], pair[1]
		if _, _, err := app.State.Feed.AddComment(ctx, me.user, other.post, "comment "+me.marker); err != nil {
			t.Fatal(err)
		}
		if _, _, err := app.State.Feed.ToggleLike(ctx, me.user, other.post); err != nil {
			t.Fatal(err)
		}
	}
	w.a.direct = idOf(call(t, app, w.a.token, "POST", "/api/chat/conversations/start/", map[string]any{"user_id": w.b.user.ID, "message": "hello " + w.a.marker}))
	call(t, app, w.b.token, "POST", "/api/chat/conversations/"+strconv.FormatInt(w.a.direct, 10)+"/add_message/", map[string]any{"content": "reply " + w.b.marker})
	w.group = idOf(call(t, app, w.a.token, "POST", "/api/chat/groups/", map[string]any{"title": "Study circle", "user_ids": []int64{w.b.user.ID}}))
	call(t, app, w.a.token, "POST", "/api/chat/conversations/"+strconv.FormatInt(w.group, 10)+"/add_message/", map[string]any{"content": "group " + w.a.marker})

	subject := strconv.FormatInt(idOf(call(t, app, teachTok, "POST", "/api/subjects/", map[string]any{"name": "Computing", "code": "CS1"})), 10)
	assignment := strconv.FormatInt(idOf(call(t, app, teachTok, "POST", "/api/subjects/"+subject+"/materials/", map[string]any{"type": "assignment", "title": "Essay"})), 10)
	quiz := strconv.FormatInt(idOf(call(t, app, teachTok, "POST", "/api/subjects/"+subject+"/quizzes/", map[string]any{"title": "Quiz one"})), 10)
	question := idOf(call(t, app, teachTok, "POST", "/api/quizzes/"+quiz+"/questions/", map[string]any{"kind": "short_answer", "text": "Name a prime", "marks": 2, "answers": []map[string]any{{"text": "Two"}}}))
	for i, p := range []*person{w.a, w.b} {
		call(t, app, p.token, "POST", "/api/subjects/"+subject+"/enroll/", nil)
		call(t, app, p.token, "POST", "/api/materials/"+assignment+"/submission/", map[string]any{"text": "essay " + p.marker})
		sheet := call(t, app, p.token, "POST", "/api/quizzes/"+quiz+"/attempts/", nil)
		attempt := strconv.FormatInt(idOf(sheet["attempt"].(map[string]any)), 10)
		call(t, app, p.token, "POST", "/api/attempts/"+attempt+"/answers/", map[string]any{"answers": []map[string]any{{"question": question, "text": "answer " + p.marker}}})
		call(t, app, p.token, "POST", "/api/attempts/"+attempt+"/submit/", nil)
		call(t, app, p.token, "POST", "/api/appointments/", map[string]any{"instructor": w.teach.ID, "appointment_date": "2026-11-26",
			"appointment_time": "1" + strconv.Itoa(i) + ":00", "message": "appointment " + p.marker})
	}
	return w
}

// unzip reads an export into file name → content.
func unzip(t *testing.T, body string) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("the export is not a zip: %v", err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(b)
	}
	return out
}

// TestExportIsExactlyOnesOwnData downloads each person's export and checks it holds
// their data of every kind, their files, and nothing of the other person's.
func TestExportIsExactlyOnesOwnData(t *testing.T) {
	w := seed(t)
	for _, pair := range [][2]*person{{w.a, w.b}, {w.b, w.a}} {
		me, other := pair[0], pair[1]
		r := w.app.Client().Do("GET", "/api/me/export/", nil, http.Header{"Authorization": {"Bearer " + me.token}})
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/zip" ||
			!strings.Contains(r.Header.Get("Content-Disposition"), "eplatform-data-"+me.user.Username) {
			t.Fatalf("export of %s: %d %v", me.user.Username, r.StatusCode, r.Header)
		}
		files := unzip(t, r.Body)
		// Every kind of their rows, with their marker, is in its file.
		want := map[string]string{
			"posts.json": "post " + me.marker, "comments.json": "comment " + me.marker,
			"messages_sent.json": "hello " + me.marker, "submissions.json": "essay " + me.marker,
			"quiz_answers.json": "answer " + me.marker, "appointments.json": "appointment " + me.marker,
			"profile_education.json": "school " + me.marker,
		}
		if me == w.b {
			want["messages_sent.json"] = "reply " + me.marker
		}
		for name, text := range want {
			if !strings.Contains(files[name], text) {
				t.Errorf("%s's %s lacks %q:\n%s", me.user.Username, name, text, files[name])
			}
		}
		var likes []map[string]any
		if err := json.Unmarshal([]byte(files["likes.json"]), &likes); err != nil || len(likes) != 1 || int64(likes[0]["post_id"].(float64)) != other.post {
			t.Errorf("%s's likes.json: %v %s", me.user.Username, err, files["likes.json"])
		}
		var account map[string]any
		if err := json.Unmarshal([]byte(files["account.json"]), &account); err != nil || account["username"] != me.user.Username {
			t.Errorf("account.json: %v %s", err, files["account.json"])
		}
		if _, ok := account["password_hash"]; ok {
			t.Error("account.json holds the password hash")
		}
		if !strings.Contains(files["conversations.json"], "Study circle") {
			t.Errorf("conversations.json lacks the group's title: %s", files["conversations.json"])
		}
		if !strings.Contains(files["notifications.json"], other.user.Username) {
			t.Errorf("notifications.json lacks the like and comment notifications: %s", files["notifications.json"])
		}
		// Their files: the picture and the post's image, named in the JSON.
		var posts []map[string]any
		if err := json.Unmarshal([]byte(files["posts.json"]), &posts); err != nil || len(posts) != 1 {
			t.Fatalf("posts.json: %v %s", err, files["posts.json"])
		}
		media, _ := posts[0]["media_path"].(string)
		if !strings.HasPrefix(media, "files/posts/") || !strings.HasPrefix(files[media], "\x89PNG") {
			t.Errorf("the post's image %q is not in the archive", media)
		}
		if pic, _ := account["profile_picture"].(string); !strings.HasPrefix(files[pic], "\x89PNG") {
			t.Errorf("the picture %q is not in the archive", pic)
		}
		// Nothing of the other person's: no marker in any file, nor their file.
		for name, content := range files {
			if strings.Contains(content, other.marker) || strings.Contains(name, other.marker) {
				t.Errorf("%s's export holds %s's data in %s", me.user.Username, other.user.Username, name)
			}
		}
	}
}

// TestDeletionAnonymisesEverywhere removes zelda after the grace period and looks for
// her where her name appeared: bruno's feed, his post's comments and counts, chat,
// notifications and search.
func TestDeletionAnonymisesEverywhere(t *testing.T) {
	w := seed(t)
	ctx := context.Background()
	app := w.app
	bruno := app.Client()
	bruno.LogIn("bruno", apptest.Password)
	// Warm the caches that show her name.
	for _, path := range []string{"/home/", "/home/post/" + strconv.FormatInt(w.b.post, 10) + "/", "/home/notifications/", "/chat/conversation/" + strconv.FormatInt(w.a.direct, 10) + "/"} {
		if r := bruno.Get(path); !showsZelda(r.Body) {
			t.Fatalf("%s does not show zelda before: %d", path, r.StatusCode)
		}
	}
	r := app.Client().JSON("POST", "/api/me/delete/", map[string]any{"password": apptest.Password}, w.a.token)
	if r.StatusCode != http.StatusAccepted || !strings.Contains(r.Body, `"scheduled":true`) {
		t.Fatalf("delete: %d %s", r.StatusCode, r.Body)
	}
	// Signed out everywhere at once.
	if r := app.Client().JSON("GET", "/api/me/delete/", nil, w.a.token); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("her token still works: %d", r.StatusCode)
	}
	// Not before the grace period is over.
	app.Clock.Advance(13 * 24 * time.Hour)
	if n, err := app.State.MyData.RemoveDue(ctx); err != nil || n != 0 {
		t.Fatalf("removed %d before the date (%v)", n, err)
	}
	app.Clock.Advance(2 * 24 * time.Hour)
	if n, err := app.State.MyData.RemoveDue(ctx); err != nil || n != 1 {
		t.Fatalf("removed %d after the date (%v)", n, err)
	}
	if _, err := app.State.DB.UserByID(ctx, w.a.user.ID); err != store.ErrNotFound {
		t.Fatalf("the account is still there: %v", err)
	}
	// Two weeks on, bruno's sessions and tokens have expired: he signs in again.
	bruno = app.Client()
	bruno.LogIn("bruno", apptest.Password)
	w.b.token, _ = app.Token("bruno")
	for _, path := range []string{"/home/", "/home/post/" + strconv.FormatInt(w.b.post, 10) + "/", "/home/notifications/",
		"/chat/", "/chat/conversation/" + strconv.FormatInt(w.a.direct, 10) + "/", "/home/search/?q=zelda", "/home/search/?q=" + w.a.marker + "&type=posts"} {
		r := bruno.Get(path)
		if r.StatusCode != 200 || showsZelda(r.Body) {
			t.Errorf("%s still shows zelda (%d)", path, r.StatusCode)
		}
	}
	// Her messages stay, signed "Deleted user"; her group passed to bruno.
	chat := bruno.Get("/chat/conversation/" + strconv.FormatInt(w.a.direct, 10) + "/")
	if !strings.Contains(chat.Body, "hello "+w.a.marker) || !strings.Contains(chat.Body, "Deleted user") {
		t.Errorf("the conversation lost her message or her anonymous name")
	}
	group := call(t, app, w.b.token, "GET", "/api/chat/conversations/"+strconv.FormatInt(w.group, 10)+"/", nil)
	if raw, _ := json.Marshal(group); strings.Contains(strings.ToLower(string(raw)), "zelda") {
		t.Errorf("the group still names her: %s", raw)
	}
	// His post lost her like and comment.
	post := call(t, app, w.b.token, "GET", "/api/posts/"+strconv.FormatInt(w.b.post, 10)+"/", nil)
	if post["likes_count"].(float64) != 0 || post["comments_count"].(float64) != 0 {
		t.Errorf("bruno's post counts %v likes and %v comments, want none", post["likes_count"], post["comments_count"])
	}
	for _, q := range []string{"/api/search/?q=zelda&type=people", "/api/search/?q=" + w.a.marker + "&type=posts"} {
		if r := call(t, app, w.b.token, "GET", q, nil); r["count"].(float64) != 0 {
			t.Errorf("%s finds %v", q, r["count"])
		}
	}
	// The appointment stays in the instructor's list without her name.
	var appts struct{ Results []map[string]any }
	teachTok, _ := app.Token("teach")
	app.Client().JSON("GET", "/api/appointments/", nil, teachTok).JSON(t, &appts)
	if raw, _ := json.Marshal(appts); len(appts.Results) != 2 || strings.Contains(strings.ToLower(string(raw)), "zelda") {
		t.Errorf("the instructor's appointments: %s", raw)
	}
	// The integrity checks of the seed (counters equal their rows) hold.
	if broken, err := app.State.DB.SeedCheck(ctx); err != nil || len(broken) > 0 {
		t.Errorf("after the removal: %v %v", broken, err)
	}
}

// showsZelda tells whether a page names zelda: a link to her profile or her name
// (a search box echoing "zelda" does not count).
func showsZelda(body string) bool {
	body = strings.ToLower(body)
	return strings.Contains(body, "profile/zelda") || strings.Contains(body, "zelda tester") || strings.Contains(body, " zelda ")
}

// TestSigningInCancelsDeletion asks for deletion, signs in again inside the grace
// period, and checks the sign-in said so and the account outlives the date.
func TestSigningInCancelsDeletion(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	c := app.User("zoe", "student")
	if r := c.PostForm("/home/me/data/delete/", url.Values{"password": {"wrong-password-1"}}); r.StatusCode != http.StatusBadRequest ||
		!strings.Contains(r.Body, "That is not your password") {
		t.Fatalf("a wrong password: %d", r.StatusCode)
	}
	r := c.PostForm("/home/me/data/delete/", url.Values{"password": {apptest.Password}})
	if r.StatusCode != 200 || !strings.Contains(r.Body, "data-deletion-scheduled") || !strings.Contains(r.Body, "2026-12-09") {
		t.Fatalf("request: %d %s", r.StatusCode, r.Body)
	}
	if r := c.Get("/home/"); r.StatusCode != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), "/login/") {
		t.Fatalf("still signed in after asking: %d", r.StatusCode)
	}
	app.Clock.Advance(10 * 24 * time.Hour)
	c.LogIn("zoe", apptest.Password)
	if r := c.Get("/home/"); !strings.Contains(r.Body, "signing in cancelled that") {
		t.Errorf("the sign-in did not say the deletion was cancelled")
	}
	app.Clock.Advance(10 * 24 * time.Hour)
	if n, err := app.State.MyData.RemoveDue(ctx); err != nil || n != 0 {
		t.Fatalf("removed %d (%v)", n, err)
	}
	if _, err := app.State.DB.UserByUsername(ctx, "zoe"); err != nil {
		t.Fatal(err)
	}
	// The next sign-in has nothing to cancel and says nothing.
	c2 := app.Client()
	c2.LogIn("zoe", apptest.Password)
	if r := c2.Get("/home/"); strings.Contains(r.Body, "signing in cancelled that") {
		t.Error("a plain sign-in claimed to cancel a deletion")
	}
}

// TestDeletionRules: the only admin cannot leave, admins act on others only, and
// nobody acts on someone else's account.
func TestDeletionRules(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	admin := app.Account("root", "admin")
	alice := app.Account("alice", "student")
	bob := app.Account("bob", "student")
	s := app.State.MyData
	_, err := s.RequestDeletion(ctx, admin, apptest.Password)
	apptest.WantKind(t, "the only admin", err, problem.KindConflict)
	_, err = s.RequestDeletion(ctx, alice, "")
	apptest.WantField(t, "no password", err, "password", "Enter your password")
	_, err = s.AdminDelete(ctx, alice, bob.ID, false)
	apptest.WantKind(t, "a student deleting", err, problem.KindForbidden)
	_, err = s.AdminDelete(ctx, admin, admin.ID, true)
	apptest.WantKind(t, "an admin deleting themself", err, problem.KindInvalid)
	_, err = s.StartExport(ctx, alice, bob.ID)
	apptest.WantKind(t, "a student's export of another", err, problem.KindForbidden)
	_, err = s.CancelDeletion(ctx, alice, bob.ID)
	apptest.WantKind(t, "a student cancelling another's", err, problem.KindForbidden)
	if _, err := s.AdminDelete(ctx, admin, alice.ID, false); err != nil {
		t.Fatalf("schedule: %v", err)
	}
	st, err := s.AdminDelete(ctx, admin, bob.ID, true)
	if err != nil || !st.Deleted {
		t.Fatalf("delete now: %+v %v", st, err)
	}
	_, err = s.AdminDelete(ctx, admin, bob.ID, true)
	apptest.WantKind(t, "deleting a missing account", err, problem.KindNotFound)
	// Both of the admin's deletions are in the audit log (the refused ones are not);
	// the newest first.
	got := app.AuditEntries("user.delete")
	if len(got) != 2 || got[0].TargetID != bob.ID || got[1].TargetID != alice.ID || got[0].ActorID != admin.ID ||
		!strings.Contains(got[0].After, `"grace":false`) || !strings.Contains(got[1].After, `"grace":true`) {
		t.Fatalf("audit entries of the deletions: %+v", got)
	}
}

// TestExportIsRateLimited: a few downloads an hour with the default limits.
func TestExportIsRateLimited(t *testing.T) {
	app := apptest.Start(t)
	c := app.User("ann", "student")
	for i := range 3 {
		if r := c.Get("/home/me/data/export/"); r.StatusCode != 200 {
			t.Fatalf("download %d: %d", i+1, r.StatusCode)
		}
	}
	r := c.Get("/home/me/data/export/")
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("the fourth download: %d", r.StatusCode)
	}
}
