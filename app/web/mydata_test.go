package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

// TestMyDataPermissionMatrix checks the "Your data" pages and the admin's data and
// deletion actions for every kind of visitor.
func TestMyDataPermissionMatrix(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	who := []string{"anon", "stud", "other", "teach", "teach2", "admin"}
	roles := map[string]string{"stud": "student", "other": "student", "teach": "instructor", "teach2": "instructor", "admin": "admin"}
	c := map[string]*apptest.Client{"anon": app.Client()}
	for _, w := range who[1:] {
		c[w] = app.User(w, roles[w])
	}
	victim := fmt.Sprint(app.Account("victim", "student").ID)
	admin, err := app.State.DB.UserByUsername(t.Context(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	wrong := url.Values{"password": {"not-the-password"}}
	rows := []struct {
		method, path string
		form         url.Values
		want         [6]int // anon, stud, other, teach, teach2, admin
	}{
		{"GET", "/home/me/data/", nil, [6]int{302, 200, 200, 200, 200, 200}},
		{"GET", "/home/me/data/export/", nil, [6]int{302, 200, 200, 200, 200, 200}},
		{"POST", "/home/me/data/delete/", wrong, [6]int{302, 400, 400, 400, 400, 400}},
		{"POST", "/home/me/data/delete/", url.Values{}, [6]int{302, 400, 400, 400, 400, 400}},
		{"GET", "/admin/users/" + victim + "/export/", nil, [6]int{302, 403, 403, 403, 403, 200}},
		{"GET", "/admin/users/999999/export/", nil, [6]int{302, 403, 403, 403, 403, 404}},
		{"GET", "/admin/users/x/export/", nil, [6]int{302, 403, 403, 403, 403, 404}},
		{"POST", "/admin/users/" + victim + "/delete/", url.Values{}, [6]int{302, 403, 403, 403, 403, 303}},
		{"POST", "/admin/users/" + victim + "/delete/cancel/", url.Values{}, [6]int{302, 403, 403, 403, 403, 303}},
		{"POST", "/admin/users/999999/delete/", url.Values{}, [6]int{302, 403, 403, 403, 403, 404}},
		{"POST", "/admin/users/" + fmt.Sprint(admin.ID) + "/delete/", url.Values{"now": {"1"}}, [6]int{302, 403, 403, 403, 403, 303}}, // yourself: flashed
		// Last: the right password signs each one out (the only admin is refused, flashed).
		{"POST", "/home/me/data/delete/", url.Values{"password": {apptest.Password}}, [6]int{302, 200, 200, 200, 200, 303}},
	}
	for _, row := range rows {
		for i, w := range who {
			r := c[w].Get(row.path)
			if row.method == "POST" {
				r = c[w].PostForm(row.path, row.form)
			}
			if r.StatusCode != row.want[i] {
				t.Errorf("%s %s as %s: %d, want %d", row.method, row.path, w, r.StatusCode, row.want[i])
			}
		}
	}
	if _, err := app.State.DB.UserByUsername(t.Context(), "admin"); err != nil {
		t.Errorf("the only admin was deleted: %v", err)
	}
	for _, w := range who[1:5] {
		if st, err := app.State.MyData.StatusOf(t.Context(), admin, mustUser(t, app, w).ID); err != nil || !st.Scheduled {
			t.Errorf("%s's deletion is not scheduled: %+v %v", w, st, err)
		}
	}
}

// TestAdminDeletesUsers: the users page marks a scheduled deletion with its date and
// offers to cancel it; "delete now" removes the account at once.
func TestAdminDeletesUsers(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	admin := app.User("root", "admin")
	victim := fmt.Sprint(app.Account("victim", "student").ID)
	r := admin.PostForm("/admin/users/"+victim+"/delete/", url.Values{})
	if r.StatusCode != 303 {
		t.Fatalf("schedule: %d", r.StatusCode)
	}
	page := admin.Get(r.Header.Get("Location"))
	if !strings.Contains(page.Body, "deleted on 2026-12-09") || !strings.Contains(page.Body, "/admin/users/"+victim+"/delete/cancel/") ||
		!strings.Contains(page.Body, "unless they sign in before then") {
		t.Fatalf("the users page does not show the scheduled deletion:\n%s", page.Body)
	}
	admin.PostForm("/admin/users/"+victim+"/delete/cancel/", url.Values{})
	if page := admin.Get("/admin/users/?q=victim"); strings.Contains(page.Body, "deleted on") {
		t.Fatal("the cancelled deletion is still shown")
	}
	if r := admin.Get("/admin/users/" + victim + "/export/"); r.StatusCode != 200 || !strings.HasPrefix(r.Body, "PK") {
		t.Fatalf("admin export: %d", r.StatusCode)
	}
	r = admin.PostForm("/admin/users/"+victim+"/delete/", url.Values{"now": {"1"}})
	if page := admin.Get(r.Header.Get("Location")); !strings.Contains(page.Body, "victim is deleted.") {
		t.Fatalf("delete now: %d", r.StatusCode)
	}
	if app.Client().Get("/home/profile/victim/").StatusCode != 404 {
		t.Error("the deleted account's profile is still there")
	}
}
