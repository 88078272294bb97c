package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/seed"
)

// legacyWorld is a seeded site and the ids the original's URLs are filled in with.
type legacyWorld struct {
	app   *apptest.App
	ids   map[string]string
	admin string
}

func startLegacyWorld(t *testing.T) *legacyWorld {
	t.Helper()
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	opts := seed.Options{Users: 12, Posts: 20, CommentsPerPost: 2, LikesPerPost: 3, Seed: 1, Password: apptest.Password, Now: app.Clock.Now()}
	res, err := seed.Run(ctx, app.State.DB, opts)
	if err != nil {
		t.Fatal(err)
	}
	conn := app.State.DB.Raw()
	w := &legacyWorld{app: app, ids: map[string]string{}, admin: res.Admin}
	for name, q := range map[string]string{
		"post":              "SELECT id FROM posts ORDER BY id LIMIT 1",
		"comment":           "SELECT id FROM comments ORDER BY id LIMIT 1",
		"notification":      "SELECT id FROM notifications ORDER BY id LIMIT 1",
		"subject":           "SELECT id FROM subjects ORDER BY id LIMIT 1",
		"code":              "SELECT code FROM subjects ORDER BY id LIMIT 1",
		"quiz":              "SELECT id FROM quizzes ORDER BY id LIMIT 1",
		"question":          "SELECT id FROM quiz_questions ORDER BY id LIMIT 1",
		"attempt":           "SELECT id FROM quiz_attempts ORDER BY id LIMIT 1",
		"user":              "SELECT id FROM users WHERE user_type = 'student' ORDER BY id LIMIT 1",
		"username":          "SELECT username FROM users WHERE user_type = 'student' ORDER BY id LIMIT 1",
		"attempt_user":      "SELECT u.username FROM quiz_attempts a JOIN users u ON u.id = a.user_id ORDER BY a.id LIMIT 1",
		"notification_user": "SELECT u.username FROM notifications n JOIN users u ON u.id = n.recipient_id ORDER BY n.id LIMIT 1",
	} {
		var v string
		if err := conn.QueryRow(q).Scan(&v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		w.ids[name] = v
	}
	return w
}

// fill puts the world's ids into a route of the original's list.
func (w *legacyWorld) fill(path string) string {
	r := strings.NewReplacer("{post}", w.ids["post"], "{comment}", w.ids["comment"], "{notification}", w.ids["notification"],
		"{subject}", w.ids["subject"], "{code}", w.ids["code"], "{quiz}", w.ids["quiz"], "{question}", w.ids["question"],
		"{attempt}", w.ids["attempt"], "{user}", w.ids["user"], "{username}", w.ids["username"])
	return r.Replace(path)
}

// originalRoutes is every route of the original's URL list (reference §2.1–2.8): its
// method and path with ids named in braces.
var originalRoutes = []string{
	// authentication
	"GET /login/", "POST /login/", "GET /signup/", "POST /signup/", "GET /logout/", "GET /",
	"GET /password_reset/", "POST /password_reset/", "GET /password_reset/done/",
	"GET /reset/MQ/abc-123/", "POST /reset/MQ/abc-123/", "GET /reset/done/", "GET /admin/",
	// feed, posts, notifications, search
	"GET /home/", "POST /home/", "POST /home/post/create/", "POST /home/post/{post}/like/", "POST /home/post/{post}/comment/",
	"GET /home/post/{post}/comments/",
	"GET /home/post/{post}/likes/", "GET /home/notifications/", "GET /home/api/notifications/",
	"GET /home/api/notifications/count/", "POST /home/api/notifications/mark-read/",
	"POST /home/api/notifications/mark-read/{notification}/", "GET /home/api/users/search/?q=a",
	"GET /home/api/users/suggestions/?q=ad", "GET /home/search/suggestions/?q=ad", "GET /home/search/?q=a",
	"GET /home/contact/", "POST /home/contact/",
	// subjects
	"GET /home/subjects/", "GET /home/subjects/my/", "GET /home/subjects/{code}/", "POST /home/subjects/{subject}/enroll/",
	"POST /home/subjects/{subject}/unenroll/", "GET /home/api/subjects/", "GET /home/api/subjects/{subject}/",
	// profiles
	"GET /home/profile/", "GET /home/profile/edit/", "POST /home/profile/edit/", "GET /home/profile/social-links/",
	"POST /home/profile/social-links/", "GET /home/profile/privacy-settings/", "POST /home/profile/privacy-settings/",
	"GET /home/profile/upload-picture/", "POST /home/profile/upload-picture/",
	"GET /home/profile/education/", "GET /home/profile/experience/", "GET /home/profile/skills/",
	"GET /home/profile/projects/", "GET /home/profile/certifications/", "GET /home/profile/education/add/",
	"POST /home/profile/skills/add/", "GET /home/profile/{username}/",
	// quizzes
	"GET /home/quizzes/", "GET /home/quizzes/my/", "GET /home/quizzes/my/?tab=created", "GET /home/quizzes/create/",
	"POST /home/quizzes/create/", "GET /home/quizzes/{quiz}/", "GET /home/quizzes/{quiz}/edit/", "POST /home/quizzes/{quiz}/edit/",
	"GET /home/quizzes/{quiz}/delete/", "GET /home/quizzes/{quiz}/questions/", "GET /home/quizzes/{quiz}/analytics/",
	"GET /home/quizzes/{quiz}/start/", "GET /home/questions/{quiz}/add/", "POST /home/questions/{quiz}/add/",
	"GET /home/questions/{question}/edit/", "POST /home/questions/{question}/edit/", "GET /home/questions/{question}/delete/",
	"GET /home/questions/{question}/answers/", "POST /home/questions/{question}/answers/",
	"GET /home/attempt/{attempt}/take/", "POST /home/attempt/{attempt}/take/", "GET /home/attempt/{attempt}/result/",
	"POST /home/api/questions/reorder/", "POST /home/api/answers/reorder/", "POST /home/api/answers/1/mark/",
	// chat and the AI prototype
	"GET /chat/", "GET /chat/start/{user}/", "GET /chat/users/", "GET /ai/", "GET /ai/api/feedback/",
	"GET /ai/api/feedback/mock-1/", "POST /ai/api/feedback-request/",
	// the REST API
	"POST /api/auth/register/", "POST /api/auth/login/", "POST /api/auth/refresh/", "GET /api/auth/profile/",
	"PATCH /api/auth/profile/", "POST /api/auth/profile/upload-picture/",
	"GET /api/", "GET /api/posts/", "POST /api/posts/", "GET /api/posts/{post}/", "PATCH /api/posts/{post}/",
	"POST /api/posts/{post}/like/", "GET /api/posts/{post}/comments/", "POST /api/posts/{post}/comments/",
	"GET /api/posts/search/?q=a", "GET /api/comments/", "POST /api/comments/", "GET /api/comments/{comment}/",
	"GET /api/notifications/", "GET /api/notifications/{notification}/", "POST /api/notifications/{notification}/mark_read/",
	"POST /api/notifications/mark_all_read/", "GET /api/notifications/unread_count/", "GET /api/users/search/?q=a",
	"GET /api/chat/conversations/", "POST /api/chat/conversations/start/", "GET /api/chat/users/",
	"GET /api/chat/users/{user}/status/", "POST /api/chat/users/status/update/", "GET /api/chat/unread-count/",
	"GET /chat/api/conversations/", "GET /chat/api/unread-count/",
	// last: these remove what the others use
	"POST /home/comment/{comment}/delete/", "POST /home/post/{post}/delete/",
}

// TestOriginalURLsWork walks the original's route list as the seeded admin: every GET
// is served (200) or redirected, hop by hop, to a page that is; every other method
// reaches a handler (whatever it answers, not 404 or 405), following 307/308 with the
// method kept.
func TestOriginalURLsWork(t *testing.T) {
	w := startLegacyWorld(t)
	clients := map[string]*apptest.Client{}
	as := func(username string) *apptest.Client {
		if clients[username] == nil {
			clients[username] = w.app.Client()
			clients[username].LogIn(username, apptest.Password)
		}
		return clients[username]
	}
	for _, route := range originalRoutes {
		method, path, _ := strings.Cut(route, " ")
		// Attempts and notifications are their owner's; the admin sees everything else.
		c := as(w.admin)
		switch {
		case strings.Contains(path, "{attempt}"):
			c = as(w.ids["attempt_user"])
		case strings.Contains(path, "{notification}"):
			c = as(w.ids["notification_user"])
		}
		path = w.fill(path)
		if route == "GET /logout/" || strings.HasPrefix(route, "POST /login/") || strings.HasPrefix(route, "POST /api/auth/") {
			// These would end the session the walk runs in (or need their own bodies);
			// they get a fresh client.
			status, trail := walk(w.app.Client(), method, path)
			check(t, route, method, status, trail)
			continue
		}
		status, trail := walk(c, method, path)
		check(t, route, method, status, trail)
	}
}

func check(t *testing.T, route, method string, status int, trail []string) {
	t.Helper()
	if method == http.MethodGet && status != http.StatusOK {
		t.Errorf("%s: ends in %d after %v", route, status, trail)
	}
	if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
		t.Errorf("%s: %d after %v", route, status, trail)
	}
}

// walk makes the request and follows redirects (at most 8): a 307/308 keeps the
// method, the others turn into a GET. It returns the last status and the addresses.
func walk(c *apptest.Client, method, path string) (int, []string) {
	var trail []string
	for range 8 {
		trail = append(trail, method+" "+path)
		var resp *apptest.Response
		switch method {
		case http.MethodGet:
			resp = c.Get(path)
		case http.MethodPost:
			resp = c.PostForm(path, url.Values{})
		default:
			resp = c.Do(method, path, strings.NewReader("{}"), http.Header{"Content-Type": {"application/json"}})
		}
		switch resp.StatusCode {
		case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			loc, err := url.Parse(resp.Header.Get("Location"))
			if err != nil {
				return 0, trail
			}
			loc.Fragment = ""
			path = loc.RequestURI()
			if resp.StatusCode != http.StatusTemporaryRedirect && resp.StatusCode != http.StatusPermanentRedirect {
				method = http.MethodGet
			}
			continue
		}
		return resp.StatusCode, trail
	}
	return 0, trail
}
