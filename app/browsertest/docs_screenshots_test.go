package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/seed"
)

// TestDocsScreenshots takes the README's pictures of the demo site: the main pages as
// a student, an instructor and an admin, on a laptop and a phone, light and dark. It
// runs with every test run (into a temporary directory, checking that no page is wider
// than its screen); to refresh the pictures in docs/screenshots:
//
//	DOCS_SHOTS=$PWD/docs/screenshots go test ./app/browsertest -run TestDocsScreenshots
func TestDocsScreenshots(t *testing.T) {
	dir := os.Getenv("DOCS_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	app := apptest.StartRelaxed(t)
	opts := seed.DefaultOptions()
	opts.Users, opts.Posts = 60, 400
	res, err := seed.Run(context.Background(), app.State.DB, opts)
	if err != nil {
		t.Fatal(err)
	}
	var b *Browser
	as := func(username string) {
		t.Helper()
		b = New(t)
		b.Navigate(app.URL + "/login/")
		b.SetValue("#id_username", username)
		b.SetValue("#id_password", opts.Password)
		b.Submit("form[action='/login/']")
	}
	shot := func(name string, w, h int, path string) {
		t.Helper()
		b.SetViewport(w, h)
		b.Navigate(app.URL + path)
		b.WaitVisible("main")
		var wide bool
		b.Eval(`document.documentElement.scrollWidth > window.innerWidth`, &wide)
		if wide {
			t.Errorf("%s (%s) is wider than %d px", name, path, w)
		}
		b.ViewportShot(filepath.Join(dir, name+".png"))
	}
	firstSubject := func() string {
		t.Helper()
		b.Navigate(app.URL + "/home/subjects/my/")
		var href string
		b.Eval(`(document.querySelector(".subject-card__name a") || {}).getAttribute ? document.querySelector(".subject-card__name a").getAttribute("href") : ""`, &href)
		if href == "" {
			t.Fatal("no subject card on the subjects page")
		}
		return href
	}

	as(res.Student)
	shot("feed", 1280, 800, "/home/")
	shot("feed-phone", 390, 844, "/home/")
	subject := firstSubject()
	shot("subject", 1280, 800, subject)
	shot("grades", 1280, 800, "/home/grades/")
	shot("calendar", 1280, 800, "/home/calendar/")
	b.Eval(`ep.setTheme("dark"), true`, nil)
	shot("feed-dark", 1280, 800, "/home/")
	shot("chat-dark-phone", 390, 844, "/chat/")
	b.Eval(`ep.setTheme("system"), true`, nil)

	as(res.Instructor)
	subject = firstSubject()
	shot("gradebook", 1280, 800, subject+"gradebook/")
	shot("quizzes", 1280, 800, "/home/quizzes/")

	as(res.Admin)
	shot("admin", 1280, 800, "/admin/")
}
