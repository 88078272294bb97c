package web_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
)

// The dashboard is the admin area's first page, for admins only.
func TestAdminDashboardPermissions(t *testing.T) {
	app := apptest.StartRelaxed(t)
	for _, who := range []struct {
		name, role string
		status     int
	}{{"stu", "student", 403}, {"stu2", "student", 403}, {"ins", "instructor", 403}, {"ins2", "instructor", 403}, {"adm", "admin", 200}} {
		r := app.User(who.name, who.role).Get("/admin/")
		if r.StatusCode != who.status {
			t.Errorf("%s: %d, want %d", who.name, r.StatusCode, who.status)
		}
		if who.status == 200 && (!strings.Contains(r.Body, `data-chart="posts"`) || !strings.Contains(r.Body, `href="/admin/" aria-current="page"`)) {
			t.Errorf("admin: no dashboard, or its tab is not the current one")
		}
	}
	if r := app.Client().Get("/admin/"); r.StatusCode != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), "/login/") {
		t.Errorf("anonymous: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
}

// The dashboard's numbers are the seeded site's: people by role, sign-ups of the last
// week, posts and messages of the last 30 days, each counted here with its own query.
func TestAdminDashboardNumbers(t *testing.T) {
	w := startLegacyWorld(t)
	c := w.app.Client()
	c.LogIn(w.admin, apptest.Password)
	body := c.Get("/admin/").Body

	conn := w.app.State.DB.Raw()
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := conn.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	now := w.app.Clock.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	from := today.AddDate(0, 0, -29).UnixMilli()
	want := map[string]int{
		`data-role="student"`:    count(`SELECT count(*) FROM users WHERE user_type = 'student' AND is_active = 1`),
		`data-role="instructor"`: count(`SELECT count(*) FROM users WHERE user_type = 'instructor' AND is_active = 1`),
		`data-role="admin"`:      count(`SELECT count(*) FROM users WHERE user_type = 'admin' AND is_active = 1`),
		`data-stat="signups"`:    count(`SELECT count(*) FROM users WHERE date_joined >= ?`, now.Add(-7*24*time.Hour).UnixMilli()),
	}
	for attr, n := range want {
		re := regexp.MustCompile(regexp.QuoteMeta(attr) + `><dt>[^<]*</dt><dd>(\d+)</dd>`)
		m := re.FindStringSubmatch(body)
		if m == nil || m[1] != strconv.Itoa(n) {
			t.Errorf("%s: shows %v, want %d", attr, m, n)
		}
	}
	if want[`data-role="student"`] == 0 {
		t.Fatal("the seed has no students: the check proves nothing")
	}
	for chart, table := range map[string]string{"posts": "posts", "messages": "messages"} {
		n := count(`SELECT count(*) FROM `+table+` WHERE created_at >= ?`, from)
		re := regexp.MustCompile(`data-chart="` + chart + `"[\s\S]*?data-total="(\d+)"`)
		if m := re.FindStringSubmatch(body); m == nil || m[1] != strconv.Itoa(n) {
			t.Errorf("%s chart total: %v, want %d", chart, m, n)
		}
		if chart == "posts" && n == 0 {
			t.Error("no seeded posts in the last 30 days: the check proves nothing")
		}
	}
	// 30 bars a chart, whatever the counts.
	if n := strings.Count(body, `class="quiz-chart__bar"`); n != 60 {
		t.Errorf("%d bars, want 60", n)
	}
}
