package people_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/auth"
	"eplatform/app/people"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// The profile rules, called as the handlers call them, on a real database.

var bg = context.Background()

func str(v string) *string { return &v }

func pic(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 20, 10))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestProfileUpdate(t *testing.T) {
	app := apptest.StartRelaxed(t)
	s := app.State.People
	ada := app.Account("ada", "student")
	app.Account("bob", "student")
	for _, tc := range []struct {
		name       string
		in         people.ProfileInput
		field, msg string
	}{
		{"NUL bio", people.ProfileInput{Bio: str("\x00hi")}, "bio", "U+0000"},
		{"long bio", people.ProfileInput{Bio: str(strings.Repeat("é", people.MaxBio+1))}, "bio", "5000"},
		{"NUL location", people.ProfileInput{Location: str("\x00Paris")}, "location", "U+0000"},
		{"long location", people.ProfileInput{Location: str(strings.Repeat("x", 101))}, "location", "100"},
		{"javascript website", people.ProfileInput{Website: str("javascript:alert(1)")}, "website", "valid URL"},
		{"unknown network", people.ProfileInput{Social: map[string]*string{"myspace": str("https://myspace.com/a")}}, "myspace", "Unknown social network"},
		{"ftp link", people.ProfileInput{Social: map[string]*string{"github": str("ftp://x.org")}}, "github", "valid URL"},
		{"unknown level", people.ProfileInput{Privacy: map[string]*string{"email": str("friends")}}, "privacy_settings", "public, registered or private"},
		{"unknown section", people.ProfileInput{Privacy: map[string]*string{"diary": str("public")}}, "privacy_settings", "Unknown section"},
		{"bad email with a good bio", people.ProfileInput{Bio: str("fine"), Account: auth.AccountUpdate{Email: str("x")}}, "email", "valid email"},
		{"NUL name", people.ProfileInput{Account: auth.AccountUpdate{FirstName: str("\x00Ada")}}, "first_name", "U+0000"},
		{"taken email", people.ProfileInput{Bio: str("fine"), Account: auth.AccountUpdate{Email: str("bob@example.com")}}, "email", "already exists"},
	} {
		apptest.WantField(t, tc.name, s.Update(bg, ada, tc.in), tc.field, tc.msg)
	}
	if p, _ := app.State.DB.ProfileOf(bg, ada.ID); p.Exists {
		t.Fatalf("a refused update wrote the profile: %+v", p)
	}
	err := s.Update(bg, ada, people.ProfileInput{
		Account: auth.AccountUpdate{FirstName: str("Ada"), LastName: str("Lovelace")},
		Bio:     str("Analyst\r\nof engines"), Location: str("  London \t town "), Website: str("adalovelace.org"),
		Social:  map[string]*string{"github": str("github.com/ada"), "twitter": nil, "linkedin": str("")},
		Privacy: map[string]*string{"email": str("registered"), "skills": str(" private "), "bio": nil},
	})
	if err != nil {
		t.Fatal(err)
	}
	u, p, err := s.Editable(bg, ada)
	if err != nil || u.LastName != "Lovelace" || p.Bio != "Analyst\nof engines" || p.Location != "London town" ||
		p.Website != "https://adalovelace.org" || p.GitHub != "https://github.com/ada" ||
		p.Privacy.Email != people.Registered || p.Privacy.Skills != people.Private || p.Privacy.Bio != people.Public {
		t.Fatalf("saved: %+v %+v %v", u, p, err)
	}
	// Nothing changed: nothing written.
	if err := s.Update(bg, ada, people.ProfileInput{Bio: str("Analyst\nof engines")}); err != nil {
		t.Fatal(err)
	}
	if p2, _ := app.State.DB.ProfileOf(bg, ada.ID); !p2.UpdatedAt.Equal(p.UpdatedAt) {
		t.Error("an update that changed nothing was written")
	}
}

func TestProfileView(t *testing.T) {
	app := apptest.StartRelaxed(t)
	s := app.State.People
	ada := app.Account("ada", "student")
	bob := app.Account("bob", "student")
	gone := app.Account("gone", "student")
	if err := app.State.Auth.SetActive(bg, gone.ID, false); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"nobody", "gone"} {
		if _, err := s.View(bg, bob, name); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := s.Update(bg, ada, people.ProfileInput{Bio: str("hello"), Location: str("London"),
		Privacy: map[string]*string{"bio": str("registered"), "location": str("private"), "skills": str("public")}}); err != nil {
		t.Fatal(err)
	}
	skill, err := s.AddEntry(bg, ada, "skills", people.EntryInput{Values: map[string]string{"name": "Go"}})
	if err != nil || skill.F("proficiency") != strconv.Itoa(people.DefaultProficiency) {
		t.Fatalf("skill: %+v %v", skill, err)
	}
	hidden, _ := s.AddEntry(bg, ada, "skills", people.EntryInput{Values: map[string]string{"name": "SQL", "proficiency": "2"}})
	if err := s.SetEntryVisible(bg, ada, "skills", hidden.ID, false); err != nil {
		t.Fatal(err)
	}
	anon, err := s.View(bg, store.User{}, "ADA")
	if err != nil || anon.Bio != "" || anon.Location != "" || anon.Person.Email != "" || anon.ShowPosts || anon.ShowPresence || len(anon.Entries["skills"]) != 1 {
		t.Fatalf("anonymous view: %+v %v", anon, err)
	}
	member, _ := s.View(bg, bob, "ada")
	if member.Bio != "hello" || member.Location != "" || !member.ShowPosts || member.Birthdate != "" || member.IsOwner() {
		t.Errorf("member view: %+v", member)
	}
	own, err := s.Own(bg, ada)
	if err != nil || !own.IsOwner() || own.Location != "London" || len(own.Entries["skills"]) != 2 || own.Birthdate != "2005-03-04" ||
		own.Completion.Percent != 30 || len(own.Completion.Missing) != 7 {
		t.Fatalf("own view: %+v %v", own, err)
	}
	// Visiting one's profile the first time creates its row.
	if _, err := s.Own(bg, bob); err != nil {
		t.Fatal(err)
	}
	if p, _ := app.State.DB.ProfileOf(bg, bob.ID); !p.Exists {
		t.Error("the own profile's row was not created")
	}
	if _, err := app.State.Feed.CreatePost(bg, ada, "my first post", nil); err != nil {
		t.Fatal(err)
	}
	if posts, err := s.RecentPosts(bg, ada.ID, 5); err != nil || len(posts) != 1 {
		t.Errorf("recent posts: %v %v", posts, err)
	}
	for _, tc := range []struct {
		level string
		a     people.Audience
		sees  bool
	}{
		{people.Public, people.Anonymous, true}, {people.Registered, people.Anonymous, false},
		{people.Registered, people.Member, true}, {people.Private, people.Member, false},
		{people.Private, people.Owner, true}, {"bogus", people.Member, false},
	} {
		if got := people.CanSee(tc.level, tc.a); got != tc.sees {
			t.Errorf("CanSee(%s, %v) = %v", tc.level, tc.a, got)
		}
	}
	for _, l := range append(people.Levels, "bogus") {
		if people.LevelLabel(l) == "" {
			t.Errorf("no label for %q", l)
		}
	}
	if people.Level(store.DefaultPrivacy, "diary") != "" {
		t.Error("an unknown section has a level")
	}
}

func TestEntries(t *testing.T) {
	app := apptest.StartRelaxed(t)
	s := app.State.People
	ada := app.Account("ada", "student")
	bob := app.Account("bob", "student")
	for _, kind := range []string{"diary", ""} {
		if _, err := s.AddEntry(bg, ada, kind, people.EntryInput{}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("add of kind %q: %v", kind, err)
		}
		if _, err := s.Entries(bg, ada, kind); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("list of kind %q: %v", kind, err)
		}
		if err := s.MoveEntry(bg, ada, kind, 1, 1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("move of kind %q: %v", kind, err)
		}
	}
	vals := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		name, kind string
		values     map[string]string
		field, msg string
	}{
		{"unknown field", "skills", vals("name", "Go", "colour", "red"), "colour", "Unknown field"},
		{"no name", "skills", vals("proficiency", "3"), "name", "required"},
		{"proficiency 6", "skills", vals("name", "Go", "proficiency", "6"), "proficiency", "1 (beginner) to 5"},
		{"NUL name", "skills", vals("name", "\x00Go"), "name", "U+0000"},
		{"long name", "skills", vals("name", strings.Repeat("g", 51)), "name", "50"},
		{"bad date", "education", vals("institution", "MIT", "degree", "BSc", "start_date", "2020-02-30"), "start_date", "valid date"},
		{"year 1800", "education", vals("institution", "MIT", "degree", "BSc", "start_date", "1800-01-01"), "start_date", "valid date"},
		{"end before start", "education", vals("institution", "MIT", "degree", "BSc", "start_date", "2020-01-01", "end_date", "2019-01-01"), "end_date", "before the start"},
		{"expiry before issue", "certifications", vals("name", "C", "issue_date", "2020-01-01", "expiration_date", "2019-01-01"), "expiration_date", "before the issue"},
		{"javascript link", "projects", vals("title", "P", "description", "D", "url", "javascript:alert(1)"), "url", "valid URL"},
		{"long link", "projects", vals("title", "P", "description", "D", "url", "https://x.org/"+strings.Repeat("a", 200)), "url", "200"},
		{"NUL description", "projects", vals("title", "P", "description", "\x00D"), "description", "U+0000"},
	} {
		_, err := s.AddEntry(bg, ada, tc.kind, people.EntryInput{Values: tc.values})
		apptest.WantField(t, tc.name, err, tc.field, tc.msg)
	}
	// Valid entries; one line with single spaces, descriptions keep their lines.
	edu, err := s.AddEntry(bg, ada, "education", people.EntryInput{Values: vals("institution", "  Cambridge \n University ", "degree", "BA",
		"description", "Line one\r\nLine two", "start_date", "2015-09-01")})
	if err != nil || edu.F("institution") != "Cambridge University" || edu.F("description") != "Line one\nLine two" || !edu.IsVisible {
		t.Fatalf("education: %+v %v", edu, err)
	}
	// PATCH keeps what is not given; PUT empties it.
	edu2, err := s.UpdateEntry(bg, ada, "education", edu.ID, people.EntryInput{Partial: true, Values: vals("degree", "MA")})
	if err != nil || edu2.F("degree") != "MA" || edu2.F("institution") != "Cambridge University" {
		t.Fatalf("patch: %+v %v", edu2, err)
	}
	_, err = s.UpdateEntry(bg, ada, "education", edu.ID, people.EntryInput{Values: vals("degree", "MA")})
	apptest.WantField(t, "put without the institution", err, "institution", "required")
	if _, err := s.UpdateEntry(bg, bob, "education", edu.ID, people.EntryInput{Partial: true}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bob edits ada's entry: %v", err)
	}
	if _, err := s.Entry(bg, bob, "education", edu.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bob reads ada's entry: %v", err)
	}
	if _, err := s.Entry(bg, ada, "diary", edu.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unknown kind: %v", err)
	}
	if err := s.DeleteEntry(bg, bob, "education", edu.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bob deletes ada's entry: %v", err)
	}
	// Skills are unique by name, case-insensitively.
	if _, err := s.AddEntry(bg, ada, "skills", people.EntryInput{Values: vals("name", "Go")}); err != nil {
		t.Fatal(err)
	}
	_, err = s.AddEntry(bg, ada, "skills", people.EntryInput{Values: vals("name", "GO", "proficiency", "1")})
	apptest.WantField(t, "duplicate skill", err, "name", "already have a skill")
	// Order: move the second certification up.
	c1, _ := s.AddEntry(bg, ada, "certifications", people.EntryInput{Values: vals("name", "One")})
	c2, _ := s.AddEntry(bg, ada, "certifications", people.EntryInput{Values: vals("name", "Two")})
	if err := s.MoveEntry(bg, ada, "certifications", c2.ID, -5); err != nil {
		t.Fatal(err)
	}
	list, _ := s.Entries(bg, ada, "certifications")
	if len(list) != 2 || list[0].ID != c2.ID || list[1].ID != c1.ID {
		t.Fatalf("order after moving up: %+v", list)
	}
	if err := s.MoveEntry(bg, ada, "certifications", c2.ID, 3); err != nil {
		t.Fatal(err)
	}
	if list, _ = s.Entries(bg, ada, "certifications"); list[0].ID != c1.ID {
		t.Errorf("order after moving down: %+v", list)
	}
	if err := s.DeleteEntry(bg, ada, "certifications", c1.ID); err != nil {
		t.Fatal(err)
	}
}

func TestEntryLimit(t *testing.T) {
	app := apptest.StartRelaxed(t)
	s := app.State.People
	ada := app.Account("ada", "student")
	// Racing adds cannot pass MaxEntries: the count is checked in the write transaction.
	var wg sync.WaitGroup
	var mu sync.Mutex
	refused := 0
	for i := range people.MaxEntries + 10 {
		wg.Go(func() {
			_, err := s.AddEntry(bg, ada, "certifications", people.EntryInput{Values: map[string]string{"name": "Cert " + strconv.Itoa(i)}})
			if err != nil {
				mu.Lock()
				refused++
				mu.Unlock()
				if p, ok := problem.As(err); !ok || !strings.Contains(strings.Join(p.Fields["non_field_errors"], ""), "at most 50") {
					t.Errorf("refusal: %v", err)
				}
			}
		})
	}
	wg.Wait()
	list, _ := s.Entries(bg, ada, "certifications")
	if len(list) != people.MaxEntries || refused != 10 {
		t.Errorf("%d entries, %d refused; want %d and 10", len(list), refused, people.MaxEntries)
	}
}

func TestProjectImages(t *testing.T) {
	app := apptest.StartRelaxed(t)
	s := app.State.People
	ada := app.Account("ada", "student")
	bob := app.Account("bob", "student")
	in := func(img []byte) people.EntryInput {
		return people.EntryInput{Values: map[string]string{"title": "Engine", "description": "Analytical"}, Image: &people.Upload{Name: "e.png", Data: img}}
	}
	if _, err := s.AddEntry(bg, ada, "projects", in(make([]byte, 5<<20+1))); !errors.Is(err, people.ErrImageTooLarge) {
		t.Errorf("6 MB: %v", err)
	}
	_, err := s.AddEntry(bg, ada, "projects", in([]byte("not a picture")))
	apptest.WantField(t, "not a picture", err, "image", "valid image")
	p, err := s.AddEntry(bg, ada, "projects", in(pic(t)))
	if err != nil || p.F("image_path") == "" {
		t.Fatalf("project: %+v %v", p, err)
	}
	first := p.F("image_path")
	file := func(rel string) string { return filepath.Join(app.Config.MediaDir(), rel) }
	// Visible to whoever sees the project.
	if rel, err := s.ProjectImage(bg, store.User{}, "ada", p.ID); err != nil || rel != first {
		t.Errorf("anonymous: %q %v", rel, err)
	}
	if err := s.SetEntryVisible(bg, ada, "projects", p.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ProjectImage(bg, bob, "ada", p.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a hidden project's picture: %v", err)
	}
	if rel, err := s.ProjectImage(bg, ada, "ada", p.ID); err != nil || rel != first {
		t.Errorf("the owner sees a hidden project's picture: %q %v", rel, err)
	}
	for _, name := range []string{"nobody", "bob"} {
		if _, err := s.ProjectImage(bg, ada, name, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("project %d of %s: %v", p.ID, name, err)
		}
	}
	// A new picture replaces the old file; removing it removes the file.
	p, err = s.UpdateEntry(bg, ada, "projects", p.ID, people.EntryInput{Partial: true, Image: &people.Upload{Name: "f.png", Data: pic(t)}})
	if err != nil || p.F("image_path") == first {
		t.Fatalf("replace: %+v %v", p, err)
	}
	if _, err := os.Stat(file(first)); !os.IsNotExist(err) {
		t.Errorf("the old picture was kept: %v", err)
	}
	second := p.F("image_path")
	if p, err = s.UpdateEntry(bg, ada, "projects", p.ID, people.EntryInput{Partial: true, RemoveImage: true}); err != nil || p.F("image_path") != "" {
		t.Fatalf("remove: %+v %v", p, err)
	}
	if _, err := os.Stat(file(second)); !os.IsNotExist(err) {
		t.Errorf("the removed picture was kept: %v", err)
	}
	if _, err := s.ProjectImage(bg, ada, "ada", p.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a project without a picture: %v", err)
	}
	// Deleting a project deletes its picture.
	p, _ = s.AddEntry(bg, ada, "projects", in(pic(t)))
	if err := s.DeleteEntry(bg, ada, "projects", p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file(p.F("image_path"))); !os.IsNotExist(err) {
		t.Errorf("a deleted project's picture was kept: %v", err)
	}
	// The profile picture goes through the account service.
	rel, err := s.SetPicture(bg, ada, pic(t))
	if err != nil || rel == "" {
		t.Fatalf("picture: %q %v", rel, err)
	}
	if err := s.RemovePicture(bg, ada); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file(rel)); !os.IsNotExist(err) {
		t.Errorf("the removed profile picture was kept: %v", err)
	}
	if _, err := s.SetPicture(bg, ada, make([]byte, 5<<20+1)); !errors.Is(err, auth.PictureTooLarge) {
		t.Errorf("a 6 MB profile picture: %v", err)
	}
}

func TestCheckURL(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/ada":        "https://github.com/ada",
		"http://localhost:8080": "http://localhost:8080",
		"":                      "",
		"HTTPS://X.ORG/a":       "HTTPS://X.ORG/a",
	} {
		if got, msg := people.CheckURL(in, 200); got != want || msg != "" {
			t.Errorf("%q: %q %q, want %q", in, got, msg, want)
		}
	}
	for _, bad := range []string{"javascript:alert(1)", "data:text/html,x", "https://", "https://.x.org", "https://nohost", "https://x.org/a b", `https://x.org/"`} {
		if _, msg := people.CheckURL(bad, 200); msg == "" {
			t.Errorf("%q accepted", bad)
		}
	}
}
