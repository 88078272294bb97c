package browsertest

import (
	"context"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/audit"
)

// An admin changes a role and deactivates someone, then filters the audit log by
// action on its page: only the matching entry stays, and the filter survives paging.
func TestAuditPageFilter(t *testing.T) {
	app := apptest.StartRelaxed(t)
	app.User("root", "admin")
	stud := app.Account("stud", "student")
	root, err := app.State.DB.UserByUsername(context.Background(), "root")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.State.Auth.ChangeRole(context.Background(), root, stud.ID, "instructor"); err != nil {
		t.Fatal(err)
	}
	if _, err := app.State.Auth.ChangeActive(context.Background(), root, stud.ID, false); err != nil {
		t.Fatal(err)
	}

	b := New(t)
	logIn(t, b, app, "root")
	b.Navigate(app.URL + "/admin/")
	b.ClickAndWait(".admin-nav a[href='/admin/audit/']")
	b.WaitVisible("tr[data-action='user.role']")
	b.WaitVisible("tr[data-action='user.deactivate']")
	b.SetValue("#audit-action", audit.UserDeactivate)
	b.Submit("form.audit__filters")
	if loc := b.Location(); !strings.Contains(loc, "action=user.deactivate") {
		t.Fatalf("after filtering the browser is at %s", loc)
	}
	b.WaitVisible("tr[data-action='user.deactivate']")
	var roles int
	b.Eval(`document.querySelectorAll("tr[data-action='user.role']").length`, &roles)
	if roles != 0 {
		t.Errorf("the filtered page still shows %d role changes", roles)
	}
	if got := b.Text("tr[data-action='user.deactivate']"); !strings.Contains(got, "root") || !strings.Contains(got, "stud") ||
		!strings.Contains(got, `"is_active":false`) {
		t.Errorf("the entry reads %q", got)
	}
	// The export link carries the filter.
	var href string
	b.Eval(`document.querySelector("a[download]").getAttribute("href")`, &href)
	if !strings.Contains(href, "action=user.deactivate") {
		t.Errorf("CSV link %q loses the filter", href)
	}
	b.Screenshot("admin-audit-filtered")
}
