package api_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

func pplPNG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		img.Set(x, x%30, color.RGBA{200, 10, 10, 255})
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

func pplWant(t testing.TB, r *apptest.Response, status int, fragments ...string) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", r.StatusCode, status, r.Body)
	}
	for _, f := range fragments {
		if !strings.Contains(r.Body, f) {
			t.Errorf("answer lacks %q: %s", f, r.Body)
		}
	}
}

func TestProfileAPI(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	c := app.Client()
	app.User("ada", "student")
	tok, _ := app.Token("ada")
	app.User("bob", "student")
	bobTok, _ := app.Token("bob")
	ctx := context.Background()
	ada, _ := app.State.DB.UserByUsername(ctx, "ada")

	var own map[string]any
	r := c.JSON("GET", "/api/profile/", nil, tok)
	pplWant(t, r, 200, `"privacy_settings"`, `"email":"private"`, `"completion"`)
	r.JSON(t, &own)

	// Bad input: a clear 400 naming the field, and nothing written (the valid bio in
	// the same request is not saved either).
	for _, tc := range []struct {
		body  any
		field string
	}{
		{map[string]any{"bio": "new bio", "website": "javascript:alert(1)"}, `"website"`},
		{map[string]any{"bio": "new bio", "website": "not a url"}, `"website"`},
		{map[string]any{"bio": "new bio", "social_links": map[string]any{"github": "ftp://x.org"}}, `"github"`},
		{map[string]any{"bio": "new bio", "social_links": map[string]any{"myspace": "https://myspace.com/ada"}}, `"myspace"`},
		{map[string]any{"bio": "new bio", "privacy_settings": map[string]any{"email": "friends"}}, `"privacy_settings"`},
		{map[string]any{"bio": "new bio", "privacy_settings": map[string]any{"diary": "public"}}, `"privacy_settings"`},
		{map[string]any{"bio": "new bio", "location": strings.Repeat("x", 101)}, `"location"`},
		{map[string]any{"bio": 42}, `"bio"`},
		{map[string]any{"bio": "new bio", "email": "bob@example.com"}, `"email"`}, // taken
		// Control characters are refused, naming the field (a NUL counts as SQLite
		// counts it only when refused: never a 500).
		{map[string]any{"bio": "\x00new bio"}, `"bio"`},
		{map[string]any{"bio": "new bio", "location": "\x00Paris"}, `"location"`},
		{map[string]any{"bio": "new bio", "first_name": "\x00Ada"}, `"first_name"`},
		{map[string]any{"bio": "new bio", "last_name": "Love\nlace"}, `"last_name"`},
		{map[string]any{"bio": "new bio", "birthdate": "1980-01-01"}, `"birthdate"`}, // a student of 46
	} {
		r := c.JSON("PATCH", "/api/profile/", tc.body, tok)
		pplWant(t, r, http.StatusBadRequest, tc.field)
	}
	if p, _ := app.State.DB.ProfileOf(ctx, ada.ID); p.Bio != "" || p.Website != "" {
		t.Fatalf("a refused PATCH wrote something: %+v", p)
	}
	if u, _ := app.State.DB.UserByID(ctx, ada.ID); u.Email != "ada@example.com" {
		t.Fatalf("a refused PATCH changed the email: %s", u.Email)
	}
	r = c.JSON("PATCH", "/api/profile/", map[string]any{"first_name": "Ada", "last_name": "Lovelace", "bio": "Analyst",
		"website": "https://ada.example.org", "social_links": map[string]any{"github": "github.com/ada"},
		"privacy_settings": map[string]any{"email": "registered", "skills": "private"}}, tok)
	pplWant(t, r, 200, `"bio":"Analyst"`, `"github":"https://github.com/ada"`, `"email":"registered"`, `"skills":"private"`, `"last_name":"Lovelace"`)

	// Entries: validation.
	for _, tc := range []struct {
		kind  string
		body  any
		field string
	}{
		{"skills", map[string]any{"name": "Go", "proficiency": 0}, `"proficiency"`},
		{"skills", map[string]any{"name": "Go", "proficiency": 6}, `"proficiency"`},
		{"skills", map[string]any{"name": "Go", "proficiency": true}, `"proficiency"`},
		{"skills", map[string]any{"proficiency": 3}, `"name"`},
		{"skills", map[string]any{"name": "\x00Go", "proficiency": 3}, `"name"`},
		{"projects", map[string]any{"title": "P", "description": "\x00D"}, `"description"`},
		{"education", map[string]any{"institution": "MIT", "degree": "BSc", "start_date": "2020-01-01", "end_date": "2019-01-01"}, `"end_date"`},
		{"education", map[string]any{"institution": "MIT", "degree": "BSc", "start_date": "2020-02-30"}, `"start_date"`},
		{"education", map[string]any{}, `"institution"`},
		{"experience", map[string]any{"company": "ACME", "title": "Dev", "start_date": "2022-05-01", "end_date": "2021-05-01"}, `"end_date"`},
		{"projects", map[string]any{"title": "P", "description": "D", "url": "javascript:alert(1)"}, `"url"`},
		{"projects", map[string]any{"title": "P", "description": "D", "image_path": "../../etc/passwd"}, `"image_path"`},
		{"certifications", map[string]any{"name": "C", "issue_date": "2024-01-01", "expiration_date": "2023-01-01"}, `"expiration_date"`},
		{"certifications", map[string]any{"name": "C", "credential_url": "data:text/html,hi"}, `"credential_url"`},
	} {
		r := c.JSON("POST", "/api/profile/"+tc.kind+"/", tc.body, tok)
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, tc.field) {
			t.Errorf("%s %v: %d %s", tc.kind, tc.body, r.StatusCode, r.Body)
		}
	}
	if counts, _ := app.State.DB.ProfileEntryCounts(ctx, ada.ID); fmt.Sprint(counts) != "map[certifications:0 education:0 experience:0 projects:0 skills:0]" {
		t.Fatalf("refused entries were written: %v", counts)
	}
	pplWant(t, c.JSON("POST", "/api/profile/diary/", map[string]any{"x": 1}, tok), http.StatusNotFound)

	// CRUD, ordering, visibility.
	var goSkill, sqlSkill map[string]any
	r = c.JSON("POST", "/api/profile/skills/", map[string]any{"name": "Go", "proficiency": 5}, tok)
	pplWant(t, r, http.StatusCreated, `"proficiency":5`, `"is_visible":true`)
	r.JSON(t, &goSkill)
	r = c.JSON("POST", "/api/profile/skills/", map[string]any{"name": "SQL"}, tok) // default proficiency 3
	pplWant(t, r, http.StatusCreated, `"proficiency":3`)
	r.JSON(t, &sqlSkill)
	pplWant(t, c.JSON("POST", "/api/profile/skills/", map[string]any{"name": "go"}, tok), http.StatusBadRequest, "already have")
	sqlPath := fmt.Sprintf("/api/profile/skills/%v/", sqlSkill["id"])
	pplWant(t, c.JSON("POST", sqlPath+"move/", map[string]any{"direction": "up"}, tok), 200, `"count":2`)
	r = c.JSON("GET", "/api/profile/skills/", nil, tok)
	if strings.Index(r.Body, `"SQL"`) > strings.Index(r.Body, `"Go"`) {
		t.Errorf("SQL was not moved up: %s", r.Body)
	}
	pplWant(t, c.JSON("POST", sqlPath+"move/", map[string]any{"direction": "sideways"}, tok), http.StatusBadRequest, `"direction"`)
	pplWant(t, c.JSON("PATCH", sqlPath, map[string]any{"proficiency": 4, "is_visible": false}, tok), 200, `"proficiency":4`, `"is_visible":false`, `"name":"SQL"`)
	pplWant(t, c.JSON("PUT", sqlPath, map[string]any{"proficiency": 2}, tok), http.StatusBadRequest, `"name"`) // PUT replaces: name required
	// Another user: 404 for every verb, nothing changes.
	for _, m := range []string{"GET", "PATCH", "PUT", "DELETE"} {
		pplWant(t, c.JSON(m, sqlPath, map[string]any{"name": "Hacked"}, bobTok), http.StatusNotFound)
	}
	pplWant(t, c.JSON("POST", sqlPath+"move/", map[string]any{"direction": "down"}, bobTok), http.StatusNotFound)
	// Skills are private, SQL is hidden: bob sees no skills; after making skills public,
	// bob sees Go but not SQL.
	pplWant(t, c.JSON("GET", "/api/profiles/ada/", nil, bobTok), 200, `"skills":null`, `"email":"ada@example.com"`)
	c.JSON("PATCH", "/api/profile/", map[string]any{"privacy_settings": map[string]any{"skills": "public"}}, tok)
	r = c.JSON("GET", "/api/profiles/ada/", nil, bobTok)
	if !strings.Contains(r.Body, `"Go"`) || strings.Contains(r.Body, `"SQL"`) {
		t.Errorf("bob's view of skills: %s", r.Body)
	}
	pplWant(t, c.JSON("GET", "/api/profiles/ada/", nil, ""), 200, `"email":null`, `"is_online":null`)
	pplWant(t, c.JSON("GET", "/api/profiles/nobody/", nil, ""), http.StatusNotFound)
	pplWant(t, c.JSON("DELETE", sqlPath, nil, tok), http.StatusNoContent)
	pplWant(t, c.JSON("GET", sqlPath, nil, tok), http.StatusNotFound)

	// A project's picture through the API.
	var proj map[string]any
	r = c.JSON("POST", "/api/profile/projects/", map[string]any{"title": "Engine", "description": "Difference engine"}, tok)
	pplWant(t, r, http.StatusCreated, `"image":null`)
	r.JSON(t, &proj)
	upload := func(data []byte, token string) *apptest.Response {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("image", "engine.png")
		fw.Write(data)
		mw.Close()
		return c.Do("POST", fmt.Sprintf("/api/profile/projects/%v/image/", proj["id"]), &b,
			http.Header{"Content-Type": {mw.FormDataContentType()}, "Authorization": {"Bearer " + token}})
	}
	pplWant(t, upload(pplPNG(t), tok), 200, `/home/profile/ada/projects/`)
	pplWant(t, upload([]byte("GIF89a but not really"), tok), http.StatusBadRequest, `"image"`)
	pplWant(t, upload(bytes.Repeat([]byte{1}, 5<<20+1), tok), http.StatusRequestEntityTooLarge)
	pplWant(t, upload(pplPNG(t), bobTok), http.StatusNotFound)
}
