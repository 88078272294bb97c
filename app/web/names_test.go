package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestRenameReachesNotificationsAndGrading: people are named by their display name
// with @username beside it where it disambiguates, and a rename shows at once on the
// pages that keep fragments or rows between visits — the notifications page (kept
// per notification and people version), the API's notifications and the grading
// list — with no stale name left anywhere.
func TestRenameReachesNotificationsAndGrading(t *testing.T) {
	t.Parallel()
	s := newQuizSite(t)
	stud, teach := s.c["stud"], s.c["teach"]
	aid := s.start(t, "stud")
	page := fmt.Sprintf("/home/attempts/%d/", aid)
	r := stud.PostForm(page, url.Values{fmt.Sprintf("q%d", s.short.ID): {"Merge sort"}, "action": {"submit"}})
	if r.StatusCode != 303 {
		t.Fatalf("submit: %d %s", r.StatusCode, r.Body)
	}
	grading := fmt.Sprintf("/home/quizzes/%d/grading/", s.quizID)
	analytics := fmt.Sprintf("/home/quizzes/%d/analytics/", s.quizID)
	look := func(when, name string) {
		t.Helper()
		n := teach.Get("/home/notifications/")
		if n.StatusCode != 200 || !strings.Contains(n.Body, name+" completed Basics") {
			t.Errorf("%s: the notifications page does not name %q: %d", when, name, n.StatusCode)
		}
		var list struct {
			Results []struct {
				Text        string `json:"text"`
				DisplayText string `json:"display_text"`
				Sender      struct {
					Username    string `json:"username"`
					DisplayName string `json:"display_name"`
				} `json:"sender"`
			} `json:"results"`
		}
		teach.Do("GET", "/api/notifications/", nil, map[string][]string{"Accept": {"application/json"}}).JSON(t, &list)
		if len(list.Results) == 0 || !strings.HasPrefix(list.Results[0].Text, "stud completed") ||
			!strings.HasPrefix(list.Results[0].DisplayText, name+" completed") ||
			list.Results[0].Sender.DisplayName != name || list.Results[0].Sender.Username != "stud" {
			t.Errorf("%s: API notifications %+v", when, list.Results)
		}
		for _, p := range []string{grading, analytics} {
			g := teach.Get(p)
			if g.StatusCode != 200 || !strings.Contains(g.Body, name) || !strings.Contains(g.Body, "@stud") {
				t.Errorf("%s: %s does not name %q (@stud): %d", when, p, name, g.StatusCode)
			}
		}
	}
	look("before", "Stud Tester")
	if r := stud.PostForm("/home/me/edit/", url.Values{"first_name": {"Ada"}, "last_name": {"Lovelace"}}); r.StatusCode != 303 {
		t.Fatalf("rename: %d %s", r.StatusCode, r.Body)
	}
	look("after the rename", "Ada Lovelace")
	if n := teach.Get("/home/notifications/"); strings.Contains(n.Body, "Stud Tester") {
		t.Error("the notifications page still shows the old name")
	}
	if g := teach.Get(grading); strings.Contains(g.Body, "Stud Tester") {
		t.Error("the grading list still shows the old name")
	}
}
