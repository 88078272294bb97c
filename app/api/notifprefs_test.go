package api_test

import (
	"net/http"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

// TestNotificationPreferencesAPI is the permission matrix of the preferences: every
// role reads and changes only their own (the path has no id), anonymous callers get
// 401; bad bodies are 400s naming the field with nothing saved.
func TestNotificationPreferencesAPI(t *testing.T) {
	app := apptest.StartRelaxed(t)
	c := app.Client()
	roles := []struct{ name, role, freq string }{{"stud", "student", "weekly"}, {"stud2", "student", "never"},
		{"teach", "instructor", "daily"}, {"teach2", "instructor", "weekly"}, {"root", "admin", "never"}}
	tok := map[string]string{}
	for _, r := range roles {
		app.Account(r.name, r.role)
		tok[r.name], _ = app.Token(r.name)
	}
	const path = "/api/notifications/preferences/"
	if r := c.JSON("GET", path, nil, ""); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous GET: %d", r.StatusCode)
	}
	if r := c.JSON("PUT", path, map[string]any{"digest_frequency": "never"}, ""); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous PUT: %d", r.StatusCode)
	}
	type prefs struct {
		Kinds           map[string]string `json:"kinds"`
		DigestFrequency string            `json:"digest_frequency"`
	}
	for _, r := range roles {
		var p prefs
		res := c.JSON("GET", path, nil, tok[r.name])
		res.JSON(t, &p)
		if res.StatusCode != 200 || len(p.Kinds) != 9 || p.Kinds["like"] != "live" || p.Kinds["mention"] != "digest" || p.DigestFrequency != "daily" {
			t.Fatalf("%s's defaults: %d %+v", r.name, res.StatusCode, p)
		}
		res = c.JSON("PUT", path, map[string]any{"kinds": map[string]any{"comment": "off"}, "digest_frequency": r.freq}, tok[r.name])
		res.JSON(t, &p)
		if res.StatusCode != 200 || p.Kinds["comment"] != "off" || p.Kinds["like"] != "live" || p.DigestFrequency != r.freq {
			t.Fatalf("%s's PUT: %d %+v", r.name, res.StatusCode, p)
		}
	}
	for _, r := range roles { // each kept their own frequency: nobody's PUT reached another
		var p prefs
		c.JSON("GET", path, nil, tok[r.name]).JSON(t, &p)
		if p.DigestFrequency != r.freq {
			t.Errorf("%s's frequency %s, want %s", r.name, p.DigestFrequency, r.freq)
		}
	}
	bad := []struct {
		body  any
		field string
	}{
		{map[string]any{"kinds": map[string]any{"poke": "off"}}, "kinds"},
		{map[string]any{"kinds": map[string]any{"like": "loud"}}, "kinds"},
		{map[string]any{"kinds": map[string]any{"like": 3}}, "kinds"},
		{map[string]any{"kinds": "off"}, "kinds"},
		{map[string]any{"kinds": map[string]any{"like": "off"}, "digest_frequency": "hourly"}, "digest_frequency"},
		{map[string]any{"digest_frequency": 7}, "digest_frequency"},
	}
	for _, b := range bad {
		res := c.JSON("PUT", path, b.body, tok["stud"])
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.Body, `"`+b.field+`"`) {
			t.Errorf("PUT %v: %d %s", b.body, res.StatusCode, res.Body)
		}
	}
	var p prefs
	c.JSON("GET", path, nil, tok["stud"]).JSON(t, &p)
	if p.Kinds["like"] != "live" || p.DigestFrequency != "weekly" {
		t.Fatalf("a refused PUT was half applied: %+v", p)
	}
}
