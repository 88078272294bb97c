package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/people"
)

// The privacy matrix: for every section (email included), every level and every kind
// of viewer (the owner, another signed-in user, an anonymous visitor), the section
// shows on the profile page and in the API exactly when the rule says so, and hidden
// entries and private fields never leak into search or suggestions.

// sectionMarks are words that appear on a page or in a JSON answer only when their
// section is shown.
var sectionMarks = map[string]string{
	people.SecBio:            "biomarkword",
	people.SecLocation:       "Locmarkville",
	people.SecWebsite:        "webmark.example",
	people.SecSocialLinks:    "socialmark",
	people.SecEmail:          "olive@example.com",
	people.SecEducation:      "Edumark Institute",
	people.SecExperience:     "Expmark Works",
	people.SecSkills:         "Skillmark",
	people.SecProjects:       "Projmark",
	people.SecCertifications: "Certmark",
}

const hiddenMark = "Hiddenmark Academy" // an education entry with is_visible off

func setupOlive(t *testing.T, app *apptest.App) (owner *apptest.Client, token string) {
	t.Helper()
	owner = app.User("olive", "student")
	token, _ = app.Token("olive")
	patch := map[string]any{
		"bio": "I am " + sectionMarks[people.SecBio], "location": sectionMarks[people.SecLocation],
		"website":      "https://" + sectionMarks[people.SecWebsite] + "/",
		"social_links": map[string]string{"github": "https://github.com/" + sectionMarks[people.SecSocialLinks]},
	}
	r := owner.JSON("PATCH", "/api/profile/", patch, token)
	pplStatus(t, r, 200, "patch profile")
	for kind, body := range map[string]map[string]any{
		"education":      {"institution": sectionMarks[people.SecEducation], "degree": "BSc"},
		"experience":     {"company": sectionMarks[people.SecExperience], "title": "Engineer"},
		"skills":         {"name": sectionMarks[people.SecSkills], "proficiency": 4},
		"projects":       {"title": sectionMarks[people.SecProjects], "description": "A project"},
		"certifications": {"name": sectionMarks[people.SecCertifications]},
	} {
		pplStatus(t, owner.JSON("POST", "/api/profile/"+kind+"/", body, token), http.StatusCreated, "add "+kind)
	}
	pplStatus(t, owner.JSON("POST", "/api/profile/education/", map[string]any{"institution": hiddenMark, "degree": "MSc", "is_visible": false}, token),
		http.StatusCreated, "add hidden entry")
	return owner, token
}

func setPrivacy(t *testing.T, owner *apptest.Client, token string, levels map[string]string) {
	t.Helper()
	pplStatus(t, owner.JSON("PATCH", "/api/profile/", map[string]any{"privacy_settings": levels}, token), 200, "set privacy")
}

func TestPrivacyMatrix(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	owner, token := setupOlive(t, app)
	member := app.User("mike", "student")
	memberToken, _ := app.Token("mike")
	anon := app.Client()

	// The email is private by default: only the owner sees it.
	for who, c := range map[string]*apptest.Client{"member": member, "anonymous": anon} {
		if r := c.Get("/home/profile/olive/"); strings.Contains(r.Body, sectionMarks[people.SecEmail]) {
			t.Errorf("default privacy: %s sees the email", who)
		}
	}
	if r := owner.Get("/home/profile/"); !strings.Contains(r.Body, sectionMarks[people.SecEmail]) {
		t.Errorf("the owner does not see their email")
	}

	type viewer struct {
		name     string
		audience people.Audience
		page     func() string
		api      func() string
	}
	viewers := []viewer{
		{"owner", people.Owner, func() string { return owner.Get("/home/profile/olive/").Body },
			func() string { return owner.JSON("GET", "/api/profiles/olive/", nil, token).Body }},
		{"member", people.Member, func() string { return member.Get("/home/profile/olive/").Body },
			func() string { return member.JSON("GET", "/api/profiles/olive/", nil, memberToken).Body }},
		{"anonymous", people.Anonymous, func() string { return anon.Get("/home/profile/olive/").Body },
			func() string { return anon.JSON("GET", "/api/profiles/olive/", nil, "").Body }},
	}
	for _, section := range people.Sections {
		for _, level := range people.Levels {
			// This section at level, every other one private: only the owner sees those.
			levels := map[string]string{}
			for _, s := range people.Sections {
				levels[s] = people.Private
			}
			levels[section] = level
			setPrivacy(t, owner, token, levels)
			for _, v := range viewers {
				page, api := v.page(), v.api()
				for s, mark := range sectionMarks {
					want := v.audience == people.Owner || s == section && people.CanSee(level, v.audience)
					if got := strings.Contains(page, mark); got != want {
						t.Errorf("%s=%s, %s viewer, page: %s shown=%v, want %v", section, level, v.name, s, got, want)
					}
					if got := strings.Contains(api, mark); got != want {
						t.Errorf("%s=%s, %s viewer, API: %s shown=%v, want %v", section, level, v.name, s, got, want)
					}
				}
				// A hidden entry is the owner's alone, whatever the level.
				wantHidden := v.audience == people.Owner
				if strings.Contains(page, hiddenMark) != wantHidden || strings.Contains(api, hiddenMark) != wantHidden {
					t.Errorf("%s=%s, %s viewer: hidden entry shown=%v/%v", section, level, v.name,
						strings.Contains(page, hiddenMark), strings.Contains(api, hiddenMark))
				}
				// A section the viewer may not see is null in the API (not merely empty).
				var doc map[string]any
				if err := json.Unmarshal([]byte(api), &doc); err != nil {
					t.Fatalf("API answer: %v: %s", err, api)
				}
				key := section
				if _, ok := doc[key]; !ok {
					t.Fatalf("API answer lacks %q: %s", key, api)
				}
				if shown := doc[key] != nil; shown != (v.audience == people.Owner || people.CanSee(level, v.audience)) {
					t.Errorf("%s=%s, %s viewer: API %s is %v", section, level, v.name, key, doc[key])
				}
			}
			// Search and suggestions show a person's location only when the viewer may
			// see it (the owner searching for themselves sees it).
			if section == people.SecLocation {
				for _, v := range []struct {
					name string
					c    *apptest.Client
					tok  string
					aud  people.Audience
				}{{"owner", owner, token, people.Owner}, {"member", member, memberToken, people.Member}} {
					want := v.aud == people.Owner || people.CanSee(level, v.aud)
					page := v.c.Get("/home/search/?q=olive").Body
					api := v.c.JSON("GET", "/api/search/?q=olive", nil, v.tok).Body
					sug := v.c.JSON("GET", "/api/search/suggest/?q=oli", nil, v.tok).Body
					for what, body := range map[string]string{"search page": page, "search API": api, "suggestions": sug} {
						if !strings.Contains(body, "olive") {
							t.Errorf("%s: olive not found: %s", what, body)
						}
						if got := strings.Contains(body, sectionMarks[people.SecLocation]); got != want {
							t.Errorf("location=%s, %s viewer, %s: location shown=%v, want %v", level, v.name, what, got, want)
						}
					}
				}
			}
		}
	}

	// Anonymous visitors cannot search at all: the page asks them to log in, the API
	// says 401.
	if r := anon.Get("/home/search/?q=olive"); r.StatusCode != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), "/login/") {
		t.Errorf("anonymous search page: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	for _, path := range []string{"/api/search/?q=olive", "/api/search/suggest/?q=olive", "/api/profile/"} {
		if r := anon.JSON("GET", path, nil, ""); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous %s: %d", path, r.StatusCode)
		}
	}
	// Nor do anonymous visitors see posts or presence on a profile.
	owner.PostForm("/home/", map[string][]string{"content": {"Postmark of olive"}})
	if r := member.Get("/home/profile/olive/"); !strings.Contains(r.Body, "Postmark of olive") {
		t.Errorf("a member does not see olive's recent post")
	}
	if r := anon.Get("/home/profile/olive/"); strings.Contains(r.Body, "Postmark of olive") || strings.Contains(r.Body, "data-presence") {
		t.Errorf("an anonymous visitor sees posts or presence")
	}
	var doc map[string]any
	anon.JSON("GET", "/api/profiles/olive/", nil, "").JSON(t, &doc)
	if doc["is_online"] != nil || doc["privacy_settings"] != nil || doc["completion"] != nil {
		t.Errorf("anonymous API answer shows presence or owner-only fields: %v", doc)
	}
	member.JSON("GET", "/api/profiles/olive/", nil, memberToken).JSON(t, &doc)
	if doc["privacy_settings"] != nil || doc["completion"] != nil {
		t.Errorf("a member sees owner-only fields: %v", doc)
	}
}
