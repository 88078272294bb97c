package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

// TestMyDataAPIPermissionMatrix checks the data and deletion endpoints for every kind
// of caller; the last row signs each of them out (their deletion is scheduled).
func TestMyDataAPIPermissionMatrix(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	who := []string{"anon", "stud", "other", "teach", "teach2", "admin"}
	roles := map[string]string{"stud": "student", "other": "student", "teach": "instructor", "teach2": "instructor", "admin": "admin"}
	tok := map[string]string{"anon": ""}
	for _, w := range who[1:] {
		app.Account(w, roles[w])
		tok[w], _ = app.Token(w)
	}
	victim := fmt.Sprint(app.Account("victim", "student").ID)
	wrong := map[string]any{"password": "not-the-password"}
	rows := []struct {
		method, path string
		body         any
		want         [6]int // anon, stud, other, teach, teach2, admin
	}{
		{"GET", "/api/me/export/", nil, [6]int{401, 200, 200, 200, 200, 200}},
		{"GET", "/api/me/delete/", nil, [6]int{401, 200, 200, 200, 200, 200}},
		{"POST", "/api/me/delete/", wrong, [6]int{401, 400, 400, 400, 400, 400}},
		{"POST", "/api/me/delete/", map[string]any{"password": 7}, [6]int{401, 400, 400, 400, 400, 400}},
		{"POST", "/api/me/delete/cancel/", nil, [6]int{401, 200, 200, 200, 200, 200}},
		{"GET", "/api/admin/users/" + victim + "/export/", nil, [6]int{401, 403, 403, 403, 403, 200}},
		{"GET", "/api/admin/users/999999/export/", nil, [6]int{401, 403, 403, 403, 403, 404}},
		{"POST", "/api/admin/users/" + victim + "/delete/", map[string]any{"now": "maybe"}, [6]int{401, 403, 403, 403, 403, 400}},
		{"POST", "/api/admin/users/" + victim + "/delete/", nil, [6]int{401, 403, 403, 403, 403, 202}},
		{"POST", "/api/admin/users/" + victim + "/delete/cancel/", nil, [6]int{401, 403, 403, 403, 403, 200}},
		{"POST", "/api/admin/users/999999/delete/cancel/", nil, [6]int{401, 403, 403, 403, 403, 404}},
		{"POST", "/api/admin/users/" + victim + "/delete/", map[string]any{"now": true}, [6]int{401, 403, 403, 403, 403, 200}},
		{"POST", "/api/admin/users/" + victim + "/delete/", map[string]any{"now": true}, [6]int{401, 403, 403, 403, 403, 404}},
		{"POST", "/api/me/delete/", map[string]any{"password": apptest.Password}, [6]int{401, 202, 202, 202, 202, 409}},
		{"GET", "/api/me/delete/", nil, [6]int{401, 401, 401, 401, 401, 200}}, // signed out everywhere
	}
	for _, row := range rows {
		for i, w := range who {
			r := app.Client().JSON(row.method, row.path, row.body, tok[w])
			if row.method == "GET" {
				h := http.Header{}
				if tok[w] != "" {
					h.Set("Authorization", "Bearer "+tok[w])
				}
				r = app.Client().Do("GET", row.path, nil, h)
			}
			if r.StatusCode != row.want[i] {
				t.Errorf("%s %s as %s: %d, want %d: %.200s", row.method, row.path, w, r.StatusCode, row.want[i], r.Body)
			}
			if r.StatusCode == 200 && strings.HasSuffix(row.path, "/export/") && !strings.HasPrefix(r.Body, "PK") {
				t.Errorf("%s as %s is not a zip", row.path, w)
			}
		}
	}
	// Signing in again cancels: the answer of the status says so.
	again, _ := app.Token("stud")
	var st struct{ Scheduled bool }
	app.Client().JSON("GET", "/api/me/delete/", nil, again).JSON(t, &st)
	if st.Scheduled {
		t.Error("signing in through the API did not cancel the deletion")
	}
}
