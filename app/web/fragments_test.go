package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/web"
)

// TestFragmentRoutesAnswerFragments requests every route of the fragment contract with
// X-Fragment: 1 and checks that a piece of page comes back — HTML without the layout —
// and that the same route without the header (where it is a page) gives the whole page.
func TestFragmentRoutesAnswerFragments(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	app.User("bob", "student")
	r := ada.PostForm("/home/", url.Values{"content": {"Hello @bob"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("post: %d", r.StatusCode)
	}
	post := regexp.MustCompile(`post-(\d+)`).FindStringSubmatch(r.Header.Get("Location"))[1]
	r = ada.PostForm("/home/post/"+post+"/comment/", url.Values{"content": {"First!"}})
	comment := regexp.MustCompile(`comment-(\d+)`).FindStringSubmatch(r.Header.Get("Location"))[1]
	conv := startChat(t, app, ada, "bob")
	if r := chatForm(t, ada, conv, "hi bob"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("chat send: %d", r.StatusCode)
	}
	page := ada.Get("/chat/conversation/" + conv + "/")
	message := regexp.MustCompile(`id="message-(\d+)"`).FindStringSubmatch(page.Body)[1]
	// The material form is an instructor's.
	tina := app.User("tina", "instructor")
	r = tina.PostForm("/home/subjects/new/", url.Values{"name": {"Go"}, "code": {"GO1"}, "is_active": {"1"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("subject: %d", r.StatusCode)
	}
	link := url.Values{"type": {"link"}, "title": {"The Go Tour"}, "external_url": {"https://go.dev/tour/"}, "is_active": {"1"}}
	r = tina.PostForm("/home/subjects/GO1/materials/new/", link)
	material := regexp.MustCompile(`material-(\d+)`).FindStringSubmatch(r.Header.Get("Location"))[1]
	r = tina.PostForm("/home/subjects/GO1/materials/new/", url.Values{"type": {"assignment"}, "title": {"Essay"},
		"max_marks": {"10"}, "late_policy": {"accept"}, "is_active": {"1"}})
	assignment := regexp.MustCompile(`material-(\d+)`).FindStringSubmatch(r.Header.Get("Location"))[1]
	// An appointment ada booked, so she may cancel it.
	app.User("prof", "instructor")
	if r := ada.PostForm("/home/contact/appointment/", bookForm(userID(t, app, "prof"), "2026-11-26", "10:00")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("book: %d", r.StatusCode)
	}
	appointment := regexp.MustCompile(`id="appointment-(\d+)"`).FindStringSubmatch(ada.Get("/home/appointments/").Body)[1]

	ids := map[string]string{
		"GET /home/post/{id}/card/{$}": post, "GET /home/comment/{id}/{$}": comment,
		"GET /chat/conversation/{id}/{$}": conv, "GET /chat/conversation/{id}/item/{$}": conv,
		"GET /chat/message/{id}/{$}":    message,
		"POST /home/post/{id}/edit/{$}": post, "POST /home/post/{id}/comment/{$}": post,
		"POST /home/comment/{id}/edit/{$}":   comment,
		"POST /home/materials/{id}/edit/{$}": material,
	}
	ids["POST /chat/conversation/{id}/send/{$}"], ids["POST /chat/message/{id}/edit/{$}"] = conv, message
	// Routes not addressed by {id}, sent by someone else, or with another form.
	paths := map[string]string{"POST /home/subjects/{code}/materials/new/{$}": "/home/subjects/GO1/materials/new/",
		"POST /home/appointments/{id}/{action}/{$}": "/home/appointments/" + appointment + "/cancel/"}
	clients := map[string]*apptest.Client{"POST /home/subjects/{code}/materials/new/{$}": tina, "POST /home/materials/{id}/edit/{$}": tina}
	ids["GET /home/materials/{id}/submission/{$}"], clients["GET /home/materials/{id}/submission/{$}"] = assignment, tina
	bodies := map[string]url.Values{"POST /home/subjects/{code}/materials/new/{$}": link, "POST /home/materials/{id}/edit/{$}": link}
	for _, route := range web.FragmentRoutes {
		method, pattern, _ := strings.Cut(route, " ")
		path := strings.TrimSuffix(pattern, "{$}")
		if p, ok := paths[route]; ok {
			path = p
		} else if strings.Contains(path, "{id}") {
			id, ok := ids[route]
			if !ok {
				t.Errorf("%s: the test has no id for this route; add one", route)
				continue
			}
			path = strings.Replace(path, "{id}", id, 1)
		}
		c, body := ada, url.Values{"content": {"Edited by a script"}}
		if clients[route] != nil {
			c = clients[route]
		}
		if bodies[route] != nil {
			body = bodies[route]
		}
		var r *apptest.Response
		if method == "POST" {
			r = c.Do(method, path, strings.NewReader(body.Encode()),
				http.Header{"X-Fragment": {"1"}, "Content-Type": {"application/x-www-form-urlencoded"}})
		} else {
			r = c.Do(method, path, nil, http.Header{"X-Fragment": {"1"}})
		}
		if r.StatusCode/100 != 2 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s", route, r.StatusCode, r.Header.Get("Content-Type"))
			continue
		}
		if strings.Contains(r.Body, "<html") || strings.TrimSpace(r.Body) == "" {
			t.Errorf("%s: not a fragment:\n%.300s", route, r.Body)
		}
	}
	// Elsewhere the header is ignored: the whole page comes back.
	if r := ada.Do("GET", "/home/subjects/", nil, http.Header{"X-Fragment": {"1"}}); !strings.Contains(r.Body, "<html") {
		t.Errorf("an unlisted route answered a fragment: %d %.200s", r.StatusCode, r.Body)
	}
}
