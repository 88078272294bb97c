package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/store"
	"eplatform/app/text"
)

// pplPNG is a small valid picture.
func pplPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pplMultipart posts fields and one file as multipart/form-data.
func pplMultipart(t testing.TB, c *apptest.Client, path string, fields map[string]string, fileField, fileName string, data []byte) *apptest.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileField != "" {
		fw, _ := mw.CreateFormFile(fileField, fileName)
		fw.Write(data)
	}
	mw.Close()
	return c.Do("POST", path, &b, http.Header{"Content-Type": {mw.FormDataContentType()}})
}

func pplStatus(t testing.TB, r *apptest.Response, want int, what string) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.StatusCode, want, r.Body)
	}
}

func TestProfileEditingWithoutJavaScript(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	anon := app.Client()

	// The own profile exists at once (created lazily) and shows the completion.
	r := ada.Get("/home/profile/")
	pplStatus(t, r, 200, "own profile")
	if !strings.Contains(r.Body, "0% complete") || !strings.Contains(r.Body, `href="/home/me/edit/"`) {
		t.Fatalf("own profile lacks completion or edit link")
	}
	if p, _ := app.State.DB.ProfileOf(context.Background(), pplUserID(t, app, "ada")); !p.Exists {
		t.Fatal("visiting one's profile did not create the row")
	}
	pplStatus(t, ada.Get("/home/me/edit/"), 200, "edit page")

	// About you, social links, privacy.
	r = ada.PostForm("/home/me/edit/", url.Values{"first_name": {"Ada"}, "last_name": {"Lovelace"}, "email": {"ada@example.com"},
		"bio": {"Analyst <b>engines</b>"}, "location": {"London"}, "website": {"adalovelace.org"}})
	pplStatus(t, r, http.StatusSeeOther, "save info")
	r = ada.PostForm("/home/me/social-links/", url.Values{"github": {"https://github.com/ada"}, "linkedin": {""},
		"twitter": {""}, "facebook": {""}, "instagram": {""}})
	pplStatus(t, r, http.StatusSeeOther, "save social")
	// A javascript: link is refused and nothing is written.
	r = ada.PostForm("/home/me/social-links/", url.Values{"github": {"javascript:alert(1)"}, "twitter": {"https://x.com/ada"}})
	pplStatus(t, r, http.StatusBadRequest, "bad social link")
	if !strings.Contains(r.Body, "valid URL") {
		t.Errorf("no message for the bad link")
	}
	page := anon.Get("/home/profile/ada/")
	pplStatus(t, page, 200, "public profile")
	for _, want := range []string{"Analyst &lt;b&gt;engines&lt;/b&gt;", "London", `href="https://adalovelace.org"`, `href="https://github.com/ada"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("public profile lacks %q", want)
		}
	}
	if strings.Contains(page.Body, "x.com/ada") || strings.Contains(page.Body, "ada@example.com") {
		t.Errorf("public profile shows the refused link or the private email")
	}

	// Entries: add, refuse bad ones, edit, hide, move, delete.
	add := func(kind string, v url.Values) *apptest.Response {
		v.Set("is_visible_sent", "1")
		v.Set("is_visible", "1")
		return ada.PostForm("/home/me/"+kind+"/add/", v)
	}
	pplStatus(t, add("skills", url.Values{"name": {"Go"}, "proficiency": {"5"}}), http.StatusSeeOther, "add skill")
	pplStatus(t, add("skills", url.Values{"name": {"SQL"}, "proficiency": {"3"}}), http.StatusSeeOther, "add skill 2")
	for _, p := range []string{"0", "6", "x"} {
		r := add("skills", url.Values{"name": {"CSS" + p}, "proficiency": {p}})
		pplStatus(t, r, http.StatusBadRequest, "proficiency "+p)
		if !strings.Contains(r.Body, "from 1 (beginner) to 5 (expert)") {
			t.Errorf("proficiency %s: no message", p)
		}
	}
	r = add("skills", url.Values{"name": {"go"}, "proficiency": {"2"}})
	pplStatus(t, r, http.StatusBadRequest, "duplicate skill")
	// Control characters: 400 naming the field, on entries and on the profile.
	r = add("skills", url.Values{"name": {"\x00Rust"}, "proficiency": {"2"}})
	pplStatus(t, r, http.StatusBadRequest, "skill with NUL")
	if !strings.Contains(r.Body, "U+0000") {
		t.Errorf("skill with NUL: no message")
	}
	for name, v := range map[string]string{"bio": "\x00Analyst", "location": "\x00London", "first_name": "\x00Ada"} {
		f := url.Values{"first_name": {"Ada"}, "last_name": {"Lovelace"}, "email": {"ada@example.com"}, "bio": {"Analyst"}}
		f.Set(name, v)
		r := ada.PostForm("/home/me/edit/", f)
		pplStatus(t, r, http.StatusBadRequest, name+" with NUL")
		if !strings.Contains(r.Body, "U+0000") {
			t.Errorf("%s with NUL: no message", name)
		}
	}
	r = add("education", url.Values{"institution": {"Cambridge"}, "degree": {"BA"}, "start_date": {"2020-09-01"}, "end_date": {"2019-06-30"}})
	pplStatus(t, r, http.StatusBadRequest, "end before start")
	if !strings.Contains(r.Body, "cannot be before the start date") || !strings.Contains(r.Body, `value="Cambridge"`) {
		t.Errorf("end before start: message or draft missing")
	}
	r = add("education", url.Values{"institution": {"Cambridge"}, "degree": {"BA"}, "field_of_study": {"Mathematics"},
		"start_date": {"2015-09-01"}, "end_date": {"2019-06-30"}})
	pplStatus(t, r, http.StatusSeeOther, "add education")
	eduID := regexp.MustCompile(`#education-(\d+)`).FindStringSubmatch(r.Header.Get("Location"))[1]
	counts, _ := app.State.DB.ProfileEntryCounts(context.Background(), pplUserID(t, app, "ada"))
	if counts["skills"] != 2 || counts["education"] != 1 {
		t.Fatalf("after bad input, counts are %v", counts)
	}
	pplStatus(t, ada.Get("/home/me/education/"+eduID+"/edit/"), 200, "edit form")
	r = ada.PostForm("/home/me/education/"+eduID+"/edit/", url.Values{"institution": {"Trinity College"}, "degree": {"BA"},
		"start_date": {"2015-09-01"}, "is_visible_sent": {"1"}, "is_visible": {"1"}})
	pplStatus(t, r, http.StatusSeeOther, "edit education")
	pplStatus(t, ada.PostForm("/home/me/education/"+eduID+"/visibility/", url.Values{"is_visible": {"0"}}), http.StatusSeeOther, "hide")
	own := ada.Get("/home/profile/")
	if !strings.Contains(own.Body, "Trinity College") || !strings.Contains(own.Body, "Hidden") {
		t.Errorf("the owner does not see the hidden entry marked hidden")
	}
	if pub := anon.Get("/home/profile/ada/"); strings.Contains(pub.Body, "Trinity College") {
		t.Errorf("a hidden entry is public")
	}
	// Move SQL above Go.
	skills, _ := app.State.DB.ProfileEntries(context.Background(), "skills", pplUserID(t, app, "ada"), false)
	sqlID := text.Itoa(skills[1].ID)
	pplStatus(t, ada.PostForm("/home/me/skills/"+sqlID+"/move/", url.Values{"direction": {"up"}}), http.StatusSeeOther, "move")
	own = ada.Get("/home/profile/")
	if strings.Index(own.Body, ">SQL<") > strings.Index(own.Body, ">Go<") {
		t.Errorf("SQL was not moved above Go")
	}
	// Another user cannot touch ada's entries: 404, nothing changes.
	bob := app.User("bob", "student")
	pplStatus(t, bob.PostForm("/home/me/skills/"+sqlID+"/delete/", nil), http.StatusNotFound, "delete another's")
	pplStatus(t, bob.Get("/home/me/skills/"+sqlID+"/edit/"), http.StatusNotFound, "edit another's")
	pplStatus(t, ada.PostForm("/home/me/skills/"+sqlID+"/delete/", nil), http.StatusSeeOther, "delete")
	pplStatus(t, ada.Get("/home/me/nonsense/add/"), http.StatusNotFound, "unknown kind")

	// A project with a picture: stored resized, served by privacy, removed with it.
	r = pplMultipart(t, ada, "/home/me/projects/add/", map[string]string{"title": "Engine", "description": "Notes on the engine",
		"url": "https://example.org/engine", "technologies": "Brass, Steam", "is_visible_sent": "1", "is_visible": "1"},
		"image", "engine.png", pplPNG(t, 1500, 900))
	pplStatus(t, r, http.StatusSeeOther, "add project")
	projects, _ := app.State.DB.ProfileEntries(context.Background(), "projects", pplUserID(t, app, "ada"), false)
	img := projects[0].F("image_path")
	if img == "" {
		t.Fatal("the project has no picture")
	}
	path := "/home/profile/ada/projects/" + text.Itoa(projects[0].ID) + "/image/"
	if r := anon.Get(path); r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "image/") {
		t.Fatalf("project image: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	} else if cfg, _, err := image.DecodeConfig(strings.NewReader(r.Body)); err != nil || cfg.Width > 1000 {
		t.Errorf("project image not resized: %v %v", cfg, err)
	}
	// Bad image: refused with a message, no file kept.
	r = pplMultipart(t, ada, "/home/me/projects/add/", map[string]string{"title": "Fake", "description": "x"}, "image", "x.png", []byte("not an image"))
	pplStatus(t, r, http.StatusBadRequest, "bad image")
	// Making projects private hides the picture too.
	privacy := url.Values{}
	for _, s := range []string{"bio", "location", "website", "social_links", "email", "education", "experience", "skills", "certifications"} {
		privacy.Set(s, "public")
	}
	privacy.Set("projects", "private")
	pplStatus(t, ada.PostForm("/home/me/privacy-settings/", privacy), http.StatusSeeOther, "privacy")
	pplStatus(t, anon.Get(path), http.StatusNotFound, "private project image")
	pplStatus(t, ada.Get(path), 200, "owner's project image")
	pplStatus(t, ada.PostForm("/home/me/projects/"+text.Itoa(projects[0].ID)+"/delete/", nil), http.StatusSeeOther, "delete project")
	if _, err := os.Stat(filepath.Join(app.Config.MediaDir(), filepath.FromSlash(img))); !os.IsNotExist(err) {
		t.Errorf("the project picture file was not removed: %v", err)
	}
	// A privacy form missing a section is refused.
	privacy.Del("email")
	pplStatus(t, ada.PostForm("/home/me/privacy-settings/", privacy), http.StatusBadRequest, "incomplete privacy form")

	// Picture upload through the edit page replaces the old file.
	pplStatus(t, pplMultipart(t, ada, "/home/me/picture/", nil, "profile_picture", "me.png", pplPNG(t, 64, 64)), http.StatusSeeOther, "picture")
	u1, _ := app.State.DB.UserByUsername(context.Background(), "ada")
	pplStatus(t, pplMultipart(t, ada, "/home/me/picture/", nil, "profile_picture", "me2.png", pplPNG(t, 80, 80)), http.StatusSeeOther, "picture 2")
	u2, _ := app.State.DB.UserByUsername(context.Background(), "ada")
	if u1.ProfilePicture == "" || u1.ProfilePicture == u2.ProfilePicture {
		t.Fatalf("pictures %q %q", u1.ProfilePicture, u2.ProfilePicture)
	}
	if _, err := os.Stat(filepath.Join(app.Config.MediaDir(), filepath.FromSlash(u1.ProfilePicture))); !os.IsNotExist(err) {
		t.Errorf("the old picture was not removed")
	}
	r = pplMultipart(t, ada, "/home/me/picture/", nil, "profile_picture", "big.png", bytes.Repeat([]byte("x"), 5<<20+10))
	pplStatus(t, r, http.StatusRequestEntityTooLarge, "picture too large")
}

// TestUsernamesThatLookLikePages: a user called "edit" or "skills" has a profile; the
// original's fixed paths still work when nobody has that name.
func TestUsernamesThatLookLikePages(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	app.User("edit", "student")
	app.User("skills", "instructor")
	for _, name := range []string{"edit", "skills"} {
		r := ada.Get("/home/profile/" + name + "/")
		pplStatus(t, r, 200, name+"'s profile")
		if !strings.Contains(r.Body, "@"+name) {
			t.Errorf("/home/profile/%s/ is not %s's profile", name, name)
		}
	}
	for path, to := range map[string]string{
		"/home/profile/privacy-settings/": "/home/me/edit/#privacy",
		"/home/profile/social-links/":     "/home/me/edit/#social",
		"/home/profile/education/":        "/home/profile/#education",
		"/home/profile/skills/add/":       "/home/me/skills/add/",
		"/home/profile/projects/7/edit/":  "/home/me/projects/7/edit/",
	} {
		r := ada.Get(path)
		if r.StatusCode/100 != 3 || r.Header.Get("Location") != to {
			t.Errorf("%s → %d %s, want a redirect to %s", path, r.StatusCode, r.Header.Get("Location"), to)
		}
	}
	pplStatus(t, ada.Get("/home/profile/nobody-here/"), http.StatusNotFound, "unknown user")
	// A deactivated user's profile is gone.
	ctx := context.Background()
	id := pplUserID(t, app, "edit")
	app.State.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.SetUserActive(ctx, id, false) })
	pplStatus(t, ada.Get("/home/profile/edit/"), http.StatusFound, "deactivated edit → legacy page")
}

func pplUserID(t testing.TB, app *apptest.App, name string) int64 {
	t.Helper()
	u, err := app.State.DB.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
