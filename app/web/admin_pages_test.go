package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/backup"
	"eplatform/app/store"
	"eplatform/app/web"
)

// Every admin page: anonymous → login, student and instructor → 403, admin → 200; and
// every admin action refuses non-admins.
func TestAdminAuthorisationMatrix(t *testing.T) {
	t.Parallel()
	app := startDesk(t)
	admin := app.User("root", "admin")
	student := app.User("stud", "student")
	instructor := app.User("prof", "instructor")
	studID := userID(t, app, "stud")
	for _, page := range web.AdminPages {
		for _, c := range []struct {
			name   string
			c      *apptest.Client
			status int
		}{
			{"anonymous", app.Client(), http.StatusFound},
			{"student", student, http.StatusForbidden},
			{"instructor", instructor, http.StatusForbidden},
			{"admin", admin, http.StatusOK},
		} {
			r := c.c.Get(page)
			if r.StatusCode != c.status {
				t.Errorf("%s GET %s = %d, want %d", c.name, page, r.StatusCode, c.status)
			}
			if c.status == http.StatusFound && !strings.HasPrefix(r.Header.Get("Location"), "/login/") {
				t.Errorf("%s GET %s goes to %q", c.name, page, r.Header.Get("Location"))
			}
		}
	}
	id := strconv.FormatInt(studID, 10)
	actions := []string{"/admin/users/" + id + "/role/", "/admin/users/" + id + "/deactivate/", "/admin/users/" + id + "/activate/",
		"/admin/users/" + id + "/reset/", "/admin/moderation/post/1/delete/", "/admin/moderation/comment/1/delete/",
		"/admin/faq/", "/admin/faq/1/", "/admin/faq/1/delete/", "/admin/contact/1/handled/", "/admin/system/backup/"}
	for _, path := range actions {
		if r := student.PostForm(path, url.Values{"role": {"admin"}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("student POST %s = %d", path, r.StatusCode)
		}
		if r := instructor.PostForm(path, url.Values{"role": {"admin"}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("instructor POST %s = %d", path, r.StatusCode)
		}
		if r := app.Client().PostForm(path, nil); r.StatusCode != http.StatusFound {
			t.Errorf("anonymous POST %s = %d", path, r.StatusCode)
		}
	}
	if u, _ := app.State.DB.UserByID(context.Background(), studID); u.UserType != "student" || !u.IsActive {
		t.Errorf("a refused action changed the user: %+v", u)
	}
}

func TestAdminUserActions(t *testing.T) {
	t.Parallel()
	app := startDesk(t)
	admin := app.User("root", "admin")
	student := app.User("stud", "student")
	access, _ := app.Token("stud")
	id := strconv.FormatInt(userID(t, app, "stud"), 10)
	ctx := context.Background()

	if r := admin.Get("/admin/users/?q=stu"); !strings.Contains(r.Body, "stud@example.com") || strings.Contains(r.Body, "root@example.com") {
		t.Errorf("user search does not filter")
	}
	if r := admin.PostForm("/admin/users/"+id+"/role/", url.Values{"role": {"instructor"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("role: %d", r.StatusCode)
	}
	if u, _ := app.State.DB.UserByUsername(ctx, "stud"); u.UserType != "instructor" {
		t.Errorf("role not changed: %s", u.UserType)
	}
	if r := admin.PostForm("/admin/users/"+id+"/role/", url.Values{"role": {"emperor"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("bad role: %d", r.StatusCode)
	}
	// Deactivation ends the sessions and the API tokens at once.
	if r := student.Get("/home/"); r.StatusCode != http.StatusOK {
		t.Fatalf("before: %d", r.StatusCode)
	}
	if r := admin.PostForm("/admin/users/"+id+"/deactivate/", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", r.StatusCode)
	}
	if r := student.Get("/home/"); r.StatusCode != http.StatusFound {
		t.Errorf("session still works after deactivation: %d", r.StatusCode)
	}
	if r := app.Client().JSON("GET", "/api/auth/profile/", nil, access); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("token still works after deactivation: %d", r.StatusCode)
	}
	if r := admin.PostForm("/admin/users/"+id+"/activate/", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("activate: %d", r.StatusCode)
	}
	if u, _ := app.State.DB.UserByUsername(ctx, "stud"); !u.IsActive {
		t.Error("not active again")
	}
	// The admin cannot deactivate or demote themself.
	rootID := strconv.FormatInt(userID(t, app, "root"), 10)
	admin.PostForm("/admin/users/"+rootID+"/deactivate/", nil)
	admin.PostForm("/admin/users/"+rootID+"/role/", url.Values{"role": {"student"}})
	if u, _ := app.State.DB.UserByUsername(ctx, "root"); !u.IsActive || u.UserType != "admin" {
		t.Errorf("the admin changed themself: %+v", u)
	}
	// A reset link goes to the outbox.
	if r := admin.PostForm("/admin/users/"+id+"/reset/", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", r.StatusCode)
	}
	if r := admin.Get("/admin/outbox/"); !strings.Contains(r.Body, "stud@example.com") || !strings.Contains(r.Body, "/reset/") {
		t.Error("no reset mail in the outbox")
	}
}

func TestAdminModerationFAQInboxSystem(t *testing.T) {
	t.Parallel()
	app := startDesk(t)
	admin := app.User("root", "admin")
	student := app.User("stud", "student")
	ctx := context.Background()
	student.PostForm("/home/", url.Values{"content": {"Spam spam spam"}})
	posts, _ := app.State.DB.RecentPostsForModeration(ctx, 10)
	if len(posts) != 1 {
		t.Fatalf("posts: %v", posts)
	}
	if r := admin.Get("/admin/moderation/"); !strings.Contains(r.Body, "Spam spam spam") {
		t.Error("moderation does not list the post")
	}
	if r := admin.PostForm("/admin/moderation/post/"+strconv.FormatInt(posts[0].ID, 10)+"/delete/", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete post: %d", r.StatusCode)
	}
	if posts, _ := app.State.DB.RecentPostsForModeration(ctx, 10); len(posts) != 0 {
		t.Error("post not deleted")
	}
	// FAQ: create, invalid, edit, delete.
	if r := admin.PostForm("/admin/faq/", url.Values{"question": {""}, "answer": {"x"}}); r.StatusCode != http.StatusBadRequest {
		t.Errorf("invalid faq: %d", r.StatusCode)
	}
	if r := admin.PostForm("/admin/faq/", url.Values{"question": {"Q?"}, "answer": {"x"}, "position": {"abc"}}); r.StatusCode != http.StatusBadRequest {
		t.Errorf("bad position: %d", r.StatusCode)
	}
	if r := admin.PostForm("/admin/faq/999/", url.Values{"question": {"Q?"}, "answer": {"x"}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("edit a missing faq: %d", r.StatusCode)
	}
	admin.PostForm("/admin/faq/", url.Values{"question": {"Q1?"}, "answer": {"A1"}, "category": {"General"}, "position": {"0"}})
	faqs, _ := app.State.DB.ListFAQs(ctx, false, "")
	if len(faqs) != 1 {
		t.Fatalf("faqs: %v", faqs)
	}
	fid := strconv.FormatInt(faqs[0].ID, 10)
	if r := admin.Get("/admin/faq/?edit=" + fid); !strings.Contains(r.Body, "Q1?") {
		t.Error("edit form")
	}
	admin.PostForm("/admin/faq/"+fid+"/", url.Values{"question": {"Q2?"}, "answer": {"A2"}, "position": {"3"}, "is_active": {"false"}})
	if f, _ := app.State.DB.FAQByID(ctx, faqs[0].ID); f.Question != "Q2?" || f.IsActive || f.Position != 3 {
		t.Errorf("edited: %+v", f)
	}
	admin.PostForm("/admin/faq/"+fid+"/delete/", nil)
	if faqs, _ := app.State.DB.ListFAQs(ctx, false, ""); len(faqs) != 0 {
		t.Error("faq not deleted")
	}
	// Contact inbox.
	app.Client().PostForm("/home/contact/", url.Values{"name": {"Ann"}, "email": {"ann@example.org"}, "subject": {"Broken link"}, "message": {"On page 3"}})
	if r := admin.Get("/admin/contact/"); !strings.Contains(r.Body, "Broken link") {
		t.Error("inbox lacks the message")
	}
	msgs, _ := app.State.DB.ListContacts(ctx, true, 10)
	admin.PostForm("/admin/contact/"+strconv.FormatInt(msgs[0].ID, 10)+"/handled/", nil)
	if r := admin.Get("/admin/contact/"); strings.Contains(r.Body, "Broken link") {
		t.Error("handled message still listed as open")
	}
	if r := admin.Get("/admin/contact/?all=1"); !strings.Contains(r.Body, "Handled") {
		t.Error("handled message not in the full list")
	}
	// System page and backup.
	r := admin.Get("/admin/system/")
	for _, want := range []string{`data-stat="db"`, `data-stat="cache"`, `data-cache="data"`, `data-cache="fragments"`, `data-cache="pages"`, `data-stat="sockets"`, `data-stat="rejected"`, "/admin/system/backup/"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("system page lacks %s", want)
		}
	}
	if !strings.Contains(r.Body, `data-backup="schedule"`) || !strings.Contains(r.Body, "-backup-every") || strings.Contains(r.Body, `data-backup="failure"`) {
		t.Error("system page does not say scheduled backups are off")
	}
	r = admin.PostForm("/admin/system/backup/", nil)
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Body, "PK\x03\x04") || r.Header.Get("Content-Type") != "application/zip" ||
		!strings.Contains(r.Header.Get("Content-Disposition"), `attachment; filename="eplatform-20261125-120000.zip"`) {
		t.Errorf("backup: %d %q %q", r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
	}
	if left, _ := filepath.Glob(filepath.Join(app.Config.DataDir, "backup-*")); len(left) > 0 {
		t.Errorf("the backup's temporary file was left behind: %v", left)
	}
	// The download is the CLI's archive: restore accepts it, with the rows made above.
	archive := filepath.Join(t.TempDir(), "download.zip")
	if err := os.WriteFile(archive, []byte(r.Body), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := backup.RestoreOptions{LatestSchema: store.LatestVersion()}
	if apptest.OnPostgres() { // the archive holds a pg_dump: it restores into an empty database
		opts.Postgres = apptest.PostgresURL(t)
	}
	m, err := backup.Restore(ctx, archive, filepath.Join(t.TempDir(), "restored"), opts)
	if err != nil {
		t.Fatalf("the download does not restore: %v", err)
	}
	if m.Tables["users"] != 2 || m.Tables["contact_messages"] != 1 {
		t.Errorf("the download's manifest counts %v", m.Tables)
	}

	// Scheduled backups: the last success and a later failure are on the page.
	if _, err := app.State.Backups.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	r = admin.Get("/admin/system/")
	if !strings.Contains(r.Body, "eplatform-20261125-120000.zip") || strings.Contains(r.Body, `data-backup="failure"`) {
		t.Error("system page lacks the last scheduled backup")
	}
	app.Clock.Advance(time.Hour)
	app.State.Backups.Dir = filepath.Join(archive, "not-a-folder")
	if _, err := app.State.Backups.RunOnce(ctx); err == nil {
		t.Fatal("a backup into a file's subfolder succeeded")
	}
	r = admin.Get("/admin/system/")
	if !strings.Contains(r.Body, `data-backup="failure"`) || !strings.Contains(r.Body, "2026-11-25 13:00 UTC") {
		t.Error("system page lacks the failed scheduled backup")
	}
}
