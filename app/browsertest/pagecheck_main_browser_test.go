package browsertest

import (
	"testing"

	"eplatform/app/apptest"
)

// TestMainPagesCheck: the main pages of a student and the admin pages, at a phone's and
// a laptop's width, light and dark, in one browser: no horizontal overflow, no
// serious or critical axe-core finding (checkPage). Pages that need seeded rows (a
// subject, a quiz, an attempt, the gradebook, the instructor's pages) are checked by
// TestDetailPagesCheck.
func TestMainPagesCheck(t *testing.T) {
	app := apptest.StartRelaxed(t)
	app.User("alice", "student")
	app.User("root", "admin")
	axe := axeScript(t)
	roles := []struct {
		user  string
		pages []string
	}{
		{"alice", []string{"/home/", "/home/notifications/", "/home/subjects/", "/home/quizzes/", "/home/grades/", "/home/calendar/",
			"/home/profile/", "/home/me/", "/home/search/?q=alice", "/home/contact/", "/home/appointments/"}},
		{"root", []string{"/admin/", "/admin/users/", "/admin/subjects/", "/admin/appointments/", "/admin/audit/", "/admin/contact/",
			"/admin/faq/", "/admin/import/", "/admin/moderation/", "/admin/reports/", "/admin/system/"}},
	}
	for _, r := range roles {
		b := New(t)
		logIn(t, b, app, r.user)
		checkPages(t, b, app.URL, axe, r.user, r.pages)
	}
}
