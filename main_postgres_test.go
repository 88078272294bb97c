package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/seed"
	"eplatform/app/store"
)

// TestCLIPostgres: the commands take -db. A site on PostgreSQL is migrated, given a
// user, seeded, backed up (pg_dump in the archive beside media and secrets) and
// restored (pg_restore) into another, empty database; the archive refuses to go where
// it does not belong.
func TestCLIPostgres(t *testing.T) {
	src, dst := apptest.PostgresURL(t), apptest.PostgresURL(t)
	c := cli{t, t.TempDir()}
	if out := c.must("migrate", "-db", src); !strings.Contains(out, "PostgreSQL") {
		t.Fatalf("migrate: %s", out)
	}
	c.must("user", "create", "-db", src, "-username", "keep", "-email", "keep@example.com", "-password", "Sup3r-Secret-Pw", "-role", "admin")
	if _, err := c.run("seed", "-db", src, "-quiet"); err == nil || !strings.Contains(err.Error(), "already has users") {
		t.Fatalf("seed over a site with users: %v", err)
	}
	if out := c.must("seed", "-db", apptest.PostgresURL(t), "-quiet", "-users", "30", "-posts", "40"); !strings.Contains(out, "30 users") {
		t.Fatalf("seed: %s", out)
	}
	if _, err := os.Stat(filepath.Join(c.data, "eplatform.db")); err == nil {
		t.Fatal("a SQLite database was created beside -db")
	}
	picture := filepath.Join(c.data, "media", "posts", "a.png")
	if err := os.MkdirAll(filepath.Dir(picture), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(picture, []byte("\x89PNG picture bytes"), 0o640); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "site.zip")
	out := c.must("backup", archive, "-db", src)
	if !strings.Contains(out, "pg_dump") || !strings.Contains(out, "1 users") || !strings.Contains(out, "3 files") {
		t.Fatalf("backup: %s", out)
	}

	target := filepath.Join(t.TempDir(), "restored")
	if _, err := c.run("restore", archive, "-data", target); err == nil || !strings.Contains(err.Error(), "PostgreSQL") {
		t.Fatalf("a PostgreSQL archive restored without -db: %v", err)
	}
	if _, err := c.run("restore", archive, "-data", target, "-db", src); err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Fatalf("restore into a database with tables: %v", err)
	}
	out = c.must("restore", archive, "-data", target, "-db", dst)
	if !strings.Contains(out, "pg_restore") || !strings.Contains(out, "1 users") {
		t.Fatalf("restore: %s", out)
	}
	if got, err := os.ReadFile(filepath.Join(target, "media", "posts", "a.png")); err != nil || string(got) != "\x89PNG picture bytes" {
		t.Errorf("media after restore: %q %v", got, err)
	}
	restored := cli{t, target}
	restored.must("user", "promote", "-db", dst, "-username", "keep", "-role", "instructor")
	db, err := store.Open(context.Background(), store.Options{URL: dst, PostgresSchema: schemaPostgresSQL})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if u, err := db.UserByUsername(context.Background(), "KEEP"); err != nil || u.UserType != "instructor" {
		t.Errorf("restored user: %+v %v", u, err)
	}
	// The identity sequences came along: a new user gets a fresh id.
	restored.must("user", "create", "-db", dst, "-username", "new", "-email", "new@example.com", "-password", "Sup3r-Secret-Pw", "-role", "admin")

	// A SQLite site's archive does not go into PostgreSQL.
	lite := cli{t, t.TempDir()}
	lite.must("user", "create", "-username", "keep", "-email", "keep@example.com", "-password", "Sup3r-Secret-Pw", "-role", "admin")
	liteArchive := filepath.Join(t.TempDir(), "lite.zip")
	lite.must("backup", liteArchive)
	if _, err := c.run("restore", liteArchive, "-data", filepath.Join(t.TempDir(), "x"), "-db", apptest.PostgresURL(t)); err == nil || !strings.Contains(err.Error(), "migrate-to") {
		t.Fatalf("a SQLite archive restored into PostgreSQL: %v", err)
	}
}

// TestCLIMigrateTo: a seeded SQLite site copied into PostgreSQL with migrate-to is the
// same site: every table verified, and the pages show the same content on both.
func TestCLIMigrateTo(t *testing.T) {
	url := apptest.PostgresURL(t)
	c := cli{t, t.TempDir()}
	c.must("seed", "-quiet", "-users", "40", "-posts", "80")
	if _, err := c.run("migrate-to", "mysql://x"); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("a URL that is not PostgreSQL: %v", err)
	}
	out := c.must("migrate-to", url)
	t.Log(out)
	if strings.Contains(out, "FAIL") || !strings.Contains(out, "copied and verified") {
		t.Fatalf("migrate-to:\n%s", out)
	}
	for _, table := range []string{"users", "posts", "comments", "notifications", "quizzes", "messages", "sessions"} {
		if !regexp.MustCompile(`(?m)^` + table + ` +\d+ +\d+  OK$`).MatchString(out) {
			t.Errorf("no OK line for %s:\n%s", table, out)
		}
	}
	if _, err := c.run("migrate-to", url); err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Fatalf("migrate-to into a database with tables: %v", err)
	}

	pages := []string{"/home/", "/home/post/1/", "/home/post/7/", "/home/profile/admin/", "/home/quizzes/", "/chat/", "/home/subjects/", "/home/notifications/"}
	view := func(env map[string]string) map[string]string {
		app := apptest.Start(t, apptest.Options{DataDir: c.data, Env: env, Args: apptest.RelaxedLimits})
		cl := app.Client()
		cl.LogIn("admin", seed.DefaultPassword)
		got := map[string]string{}
		for _, p := range pages {
			resp := cl.Get(p)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", p, resp.StatusCode)
			}
			got[p] = pageText(resp.Body)
		}
		return got
	}
	lite := view(nil)
	pg := view(map[string]string{"EPLATFORM_DB": url})
	for _, p := range pages {
		if lite[p] != pg[p] {
			t.Errorf("%s differs between SQLite and PostgreSQL:\n sqlite %.600s\n    pg %.600s", p, lite[p], pg[p])
		}
	}
}

// pageText is a page's visible text, without the parts that differ per request or
// per process (tokens, nonces, asset versions live in attributes).
func pageText(body string) string {
	body = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>`).ReplaceAllString(body, "")
	body = regexp.MustCompile(`<[^>]*>`).ReplaceAllString(body, " ")
	return strings.Join(strings.Fields(body), " ")
}

// TestCLIMigrateToMediaDB: with -media db the site's files are copied into PostgreSQL
// too, and a process with an empty data directory of its own serves them.
func TestCLIMigrateToMediaDB(t *testing.T) {
	url := apptest.PostgresURL(t)
	c := cli{t, t.TempDir()}
	c.must("user", "create", "-username", "keep", "-email", "keep@example.com", "-password", "Sup3r-Secret-Pw", "-role", "admin")
	name := "0123456789abcdef0123456789abcdef.png"
	picture := []byte("\x89PNG\r\n\x1a\n a profile picture")
	for rel, data := range map[string][]byte{"profile_pictures/" + name: picture, "posts/.hidden": []byte("x"), "posts/half.jpg.tmp": []byte("x")} {
		p := filepath.Join(c.data, "media", filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	out := c.must("migrate-to", "-media", "db", url)
	if !strings.Contains(out, "1 media files (26 bytes) copied") || !strings.Contains(out, "-media db") {
		t.Fatalf("migrate-to -media db:\n%s", out)
	}
	app := apptest.Start(t, apptest.Options{DataDir: t.TempDir(), Env: map[string]string{"EPLATFORM_DB": url, "EPLATFORM_MEDIA": "db"}})
	r := app.Client().Get("/media/profile_pictures/" + name)
	if r.StatusCode != 200 || r.Body != string(picture) {
		t.Errorf("the copied picture from another data directory: %d %q", r.StatusCode, r.Body)
	}
}
