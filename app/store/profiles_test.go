package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestProfileDefaultsAndSave(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openTest(t)
	id := mustCreateUser(t, db, "ada")
	p, err := db.ProfileOf(ctx, id)
	if err != nil || p.Exists || p.Privacy != DefaultPrivacy || p.Privacy.Email != "private" {
		t.Fatalf("defaults: %+v %v", p, err)
	}
	now := time.Now()
	if err := db.WithTx(ctx, func(tx *Queries) error { return tx.EnsureProfile(ctx, id, now) }); err != nil {
		t.Fatal(err)
	}
	if p, _ = db.ProfileOf(ctx, id); !p.Exists || p.Privacy != DefaultPrivacy {
		t.Fatalf("ensured row does not hold the schema defaults: %+v", p)
	}
	p.Bio, p.GitHub, p.Privacy.Email, p.Privacy.Skills = "Hi", "https://github.com/ada", "registered", "private"
	if err := db.WithTx(ctx, func(tx *Queries) error { return tx.SaveProfile(ctx, p, now) }); err != nil {
		t.Fatal(err)
	}
	got, _ := db.ProfileOf(ctx, id)
	if got.Bio != "Hi" || got.GitHub != p.GitHub || got.Privacy.Email != "registered" || got.Privacy.Skills != "private" {
		t.Fatalf("saved %+v", got)
	}
	// The schema refuses a javascript: link even if a caller forgot to check.
	p.Website = "javascript:alert(1)"
	if err := db.WithTx(ctx, func(tx *Queries) error { return tx.SaveProfile(ctx, p, now) }); err == nil {
		t.Fatal("a javascript: website was stored")
	}
	other := mustCreateUser(t, db, "bob")
	all, err := db.ProfilesOf(ctx, []int64{id, other})
	if err != nil || !all[id].Exists || all[other].Exists || all[other].Privacy != DefaultPrivacy {
		t.Fatalf("ProfilesOf: %+v %v", all, err)
	}
}

func TestProfileEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openTest(t)
	ada, bob := mustCreateUser(t, db, "ada"), mustCreateUser(t, db, "bob")
	now := time.Now()
	add := func(kind string, user int64, f map[string]string) int64 {
		t.Helper()
		var id int64
		err := db.WithTx(ctx, func(tx *Queries) error {
			var err error
			id, err = tx.InsertProfileEntry(ctx, ProfileEntry{Kind: kind, UserID: user, IsVisible: true, Fields: f}, now)
			return err
		})
		if err != nil {
			t.Fatalf("insert %s: %v", kind, err)
		}
		return id
	}
	s1 := add(ProfileSkills, ada, map[string]string{"name": "Go", "proficiency": "5"})
	s2 := add(ProfileSkills, ada, map[string]string{"name": "SQL", "proficiency": "3"})
	s3 := add(ProfileSkills, ada, map[string]string{"name": "CSS", "proficiency": "1"})
	// Same name, other case: the unique index is case-insensitive.
	err := db.WithTx(ctx, func(tx *Queries) error {
		_, err := tx.InsertProfileEntry(ctx, ProfileEntry{Kind: ProfileSkills, UserID: ada, Fields: map[string]string{"name": "go", "proficiency": "2"}}, now)
		return err
	})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate skill: %v", err)
	}
	order := func() string {
		es, err := db.ProfileEntries(ctx, ProfileSkills, ada, false)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range es {
			names = append(names, e.F("name"))
		}
		return strings.Join(names, ",")
	}
	if got := order(); got != "Go,SQL,CSS" {
		t.Fatalf("order %s", got)
	}
	move := func(id int64, delta int) {
		t.Helper()
		if err := db.WithTx(ctx, func(tx *Queries) error { return tx.MoveProfileEntry(ctx, ProfileSkills, ada, id, delta, now) }); err != nil {
			t.Fatal(err)
		}
	}
	move(s3, -1)
	move(s3, -1)
	move(s3, -1) // already first: nothing happens
	if got := order(); got != "CSS,Go,SQL" {
		t.Fatalf("after moving CSS up: %s", got)
	}
	move(s1, 1)
	if got := order(); got != "CSS,SQL,Go" {
		t.Fatalf("after moving Go down: %s", got)
	}
	// Another user's entry cannot be reached through one's own id.
	if err := db.WithTx(ctx, func(tx *Queries) error { return tx.MoveProfileEntry(ctx, ProfileSkills, bob, s2, 1, now) }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("move someone else's: %v", err)
	}
	if _, err := db.ProfileEntryByID(ctx, ProfileSkills, bob, s2); !errors.Is(err, ErrNotFound) {
		t.Fatalf("read someone else's: %v", err)
	}
	if err := db.WithTx(ctx, func(tx *Queries) error { return tx.DeleteProfileEntry(ctx, ProfileSkills, bob, s2) }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete someone else's: %v", err)
	}

	// Dates: "" is NULL, and the schema refuses an end before the start.
	ed := add(ProfileEducation, ada, map[string]string{"institution": "MIT", "degree": "BSc", "start_date": "2019-09-01"})
	e, err := db.ProfileEntryByID(ctx, ProfileEducation, ada, ed)
	if err != nil || e.F("end_date") != "" || e.F("start_date") != "2019-09-01" || !e.IsVisible {
		t.Fatalf("education %+v %v", e, err)
	}
	e.Fields["end_date"] = "2018-01-01"
	if err := db.WithTx(ctx, func(tx *Queries) error { return tx.UpdateProfileEntry(ctx, e, now) }); err == nil {
		t.Fatal("end before start was stored")
	}
	e.Fields["end_date"] = "2023-06-30"
	e.IsVisible = false
	if err := db.WithTx(ctx, func(tx *Queries) error { return tx.UpdateProfileEntry(ctx, e, now) }); err != nil {
		t.Fatal(err)
	}
	if vis, _ := db.ProfileEntries(ctx, ProfileEducation, ada, true); len(vis) != 0 {
		t.Fatalf("hidden entry listed as visible: %+v", vis)
	}
	counts, err := db.ProfileEntryCounts(ctx, ada)
	if err != nil || counts[ProfileSkills] != 3 || counts[ProfileEducation] != 1 || counts[ProfileProjects] != 0 {
		t.Fatalf("counts %v %v", counts, err)
	}
	if _, err := db.ProfileEntries(ctx, "users; DROP TABLE users", ada, false); err == nil {
		t.Fatal("an unknown kind was accepted")
	}
}

func TestSearchQueries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openTest(t)
	ada := mustCreateUser(t, db, "ada")
	mustCreateUser(t, db, "adalbert")
	gone := mustCreateUser(t, db, "adam")
	if err := db.WithTx(ctx, func(tx *Queries) error {
		if err := tx.SetUserActive(ctx, gone, false); err != nil {
			return err
		}
		_, err := tx.InsertPost(ctx, NewPost{UserID: ada, Content: "Recursion <b>explained</b> with recursive examples", Now: time.Now()})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	hits, err := db.SearchPeople(ctx, `"ada"*`, "ada", 10, 0)
	if err != nil || len(hits) != 2 || hits[0].User.Username != "ada" || hits[0].HiUsername != HighlightStart+"ada"+HighlightEnd {
		t.Fatalf("people: %+v %v", hits, err)
	}
	if n, err := db.CountSearchPeople(ctx, `"ada"*`, 1); err != nil || n != 1 {
		t.Fatalf("capped count %d %v", n, err)
	}
	posts, n, err := db.SearchPostHits(ctx, PostTextQuery{Prefix: "recurs"}, 10, 0)
	if err != nil || len(posts) != 1 || n != 1 || !strings.Contains(posts[0].Snippet, HighlightStart+"Recursion"+HighlightEnd) {
		t.Fatalf("posts: %+v %v", posts, err)
	}
	if subs, err := db.SearchSubjectHits(ctx, `"x"*`, "x", 10, 0); err != nil || len(subs) != 0 {
		t.Fatalf("subjects: %+v %v", subs, err)
	}
}
