package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/learn"
)

// TestClassListImport: an admin opens the Import tab, uploads a class list with a bad
// row and sees that row's errors and no import button; uploads the corrected file,
// sees the preview and imports; the accounts exist, and a new student chooses a
// password through the link in the outbox and signs in, enrolled in the subject.
func TestClassListImport(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	tina := app.Account("tina", "instructor")
	app.Account("root", "admin")
	if _, err := app.State.Learn.CreateSubject(ctx, tina, learn.SubjectInput{Name: learn.Str("Introduction to Go"), Code: learn.Str("GO101")}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	const head = "username,email,first_name,last_name,user_type,birthdate,subjects\r\n"
	good := head + "ada,ada@example.com,Ada,Lovelace,student,2005-03-04,GO101\r\n" +
		"alan,alan@example.com,Alan,Turing,student,2004-06-23,GO101\r\n" +
		"grace,grace@example.com,Grace,Hopper,instructor,,\r\n"
	bad := good + "tim,tim@example,Tim,Lee,student,2013-01-01,NOPE\r\n"
	for name, body := range map[string]string{"bad.csv": bad, "class.csv": good} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("\xEF\xBB\xBF"+body), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	b := New(t)
	logIn(t, b, app, "root")
	b.Navigate(app.URL + "/admin/")
	b.ClickAndWait(".admin-nav a[href='/admin/import/']")
	b.UploadFile("#import-file", filepath.Join(dir, "bad.csv"))
	b.Submit("form[action='/admin/import/']")
	if got := b.Attr("[data-import-bad]", "data-import-bad"); got != "1" {
		t.Fatalf("bad rows %q", got)
	}
	errs := b.Text("tr[data-line='5'] .import-errors")
	for _, want := range []string{"email: Enter a valid email address.", "birthdate: Students must be between 17 and 40", `subjects: Unknown subject code "NOPE".`} {
		if !strings.Contains(errs, want) {
			t.Errorf("line 5's errors %q lack %q", errs, want)
		}
	}
	if b.Visible("form[action='/admin/import/confirm/']") {
		t.Fatal("an import button for a list with errors")
	}
	b.Screenshot("import-preview-errors")

	b.ClickAndWait("a[href='/admin/import/'].btn")
	b.UploadFile("#import-file", filepath.Join(dir, "class.csv"))
	b.Submit("form[action='/admin/import/']")
	b.WaitVisible("[data-import-ok]")
	if got := b.Text("tr[data-username=grace] td:nth-child(5)"); got != "instructor" {
		t.Fatalf("grace's role in the preview %q", got)
	}
	if _, err := app.State.DB.UserByUsername(ctx, "ada"); err == nil {
		t.Fatal("the preview wrote")
	}
	b.Submit("form[action='/admin/import/confirm/']")
	if got := b.Attr("[data-import-done]", "data-import-done"); got != "3" {
		t.Fatalf("created %q", got)
	}
	b.Screenshot("import-done")
	for _, u := range []string{"ada", "alan", "grace"} {
		if _, err := app.State.DB.UserByUsername(ctx, u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	// The outbox holds ada's link; she chooses a password and signs in.
	b.Navigate(app.URL + "/admin/outbox/")
	var body string
	b.Eval(`Array.from(document.querySelectorAll("pre.mail-body")).map(p => p.textContent).join("\n")`, &body)
	i := strings.Index(body, `"ada"`)
	if i < 0 {
		t.Fatalf("no mail to ada in the outbox: %s", body)
	}
	link := regexp.MustCompile(`http\S+/reset/\S+/`).FindString(body[i:])
	if link == "" {
		t.Fatalf("no link for ada in the outbox: %s", body)
	}
	ada := New(t)
	ada.Navigate(link)
	ada.SetValue("#id_new_password1", "correct-Horse-7")
	ada.SetValue("#id_new_password2", "correct-Horse-7")
	ada.Submit("#id_new_password1")
	ada.Navigate(app.URL + "/login/")
	ada.SetValue("#id_username", "ada")
	ada.SetValue("#id_password", "correct-Horse-7")
	ada.Submit("form[action='/login/']")
	ada.Navigate(app.URL + "/home/subjects/my/")
	if !strings.Contains(ada.Text("main"), "Introduction to Go") {
		t.Fatalf("ada's subjects: %s", ada.Text("main"))
	}
}

// TestEnrollListBrowser: an instructor opens "Enrol students" on the subject page,
// pastes a list and sees each line's outcome.
func TestEnrollListBrowser(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	tina := app.Account("tina", "instructor")
	app.Account("sam", "student")
	app.Account("nora", "student")
	app.Account("ivan", "instructor")
	if _, err := app.State.Learn.CreateSubject(ctx, tina, learn.SubjectInput{Name: learn.Str("Introduction to Go"), Code: learn.Str("GO101")}); err != nil {
		t.Fatal(err)
	}
	b := New(t)
	logIn(t, b, app, "tina")
	b.Navigate(app.URL + "/home/subjects/GO101/")
	b.ClickAndWait("a[href$='/enroll-list/']")
	b.SetValue("#enroll-users", "sam\nnora@example.com, ghost\nivan")
	b.Submit("#enroll-users")
	want := map[string]string{"sam": "enrolled", "nora@example.com": "enrolled", "ghost": "unknown", "ivan": "not a student"}
	for entry, outcome := range want {
		if got := b.Text("tr[data-entry='" + entry + "'] [data-outcome]"); got != outcome {
			t.Errorf("%s: %q, want %q", entry, got, outcome)
		}
	}
	if got := b.Attr("[data-enrolled]", "data-enrolled"); got != "2" {
		t.Errorf("enrolled %q", got)
	}
	b.Screenshot("enroll-list")
	b.SetValue("#enroll-users", "sam")
	b.Submit("#enroll-users")
	if got := b.Text("tr[data-entry='sam'] [data-outcome]"); got != "already enrolled" {
		t.Errorf("again: %q", got)
	}
	b.ClickAndWait("a[href='/home/subjects/GO101/'].btn")
	if got := b.Text("[data-students-count]"); got != "2" {
		t.Errorf("the subject page counts %q students", got)
	}
}
