package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

// TestLearnAPIRefusesControlCharactersAndUnknownKinds sends a NUL-prefixed value in
// every text field of the learning and quiz bodies, and unknown values of their
// enums: each is a 400 naming the field (issue 11 items 2 and 3), never a 500, and
// nothing is written.
func TestLearnAPIRefusesControlCharactersAndUnknownKinds(t *testing.T) {
	t.Parallel()
	s := newQuizAPI(t)
	qz, qs := s.build(t)
	subj := fmt.Sprintf("/api/subjects/%d/", s.subjectID)
	nul := "\x00x"
	for _, tc := range []struct {
		who, method, path string
		body              map[string]any
		field             string
	}{
		{"teach", "POST", "/api/subjects/", map[string]any{"name": nul, "code": "NUL1"}, "name"},
		{"teach", "POST", "/api/subjects/", map[string]any{"name": "N", "code": nul}, "code"},
		{"teach", "POST", "/api/subjects/", map[string]any{"name": "N", "code": "NUL2", "description": nul}, "description"},
		{"teach", "PATCH", subj, map[string]any{"name": "Computing\x1b[31m"}, "name"},
		{"teach", "POST", "/api/subjects/", map[string]any{"name": "N", "code": "NUL3", "icon": "rocket"}, "icon"},
		{"teach", "POST", subj + "materials/", map[string]any{"type": "link", "title": nul, "external_url": "https://go.dev/"}, "title"},
		{"teach", "POST", subj + "materials/", map[string]any{"type": "link", "title": "T", "description": nul, "external_url": "https://go.dev/"}, "description"},
		{"teach", "POST", subj + "materials/", map[string]any{"type": "link", "title": "T", "external_url": "https://go.dev/\x00"}, "external_url"},
		{"teach", "POST", subj + "materials/", map[string]any{"type": "essay", "title": "T"}, "type"},
		{"teach", "POST", subj + "quizzes/", map[string]any{"title": nul}, "title"},
		{"teach", "PATCH", fmt.Sprintf("/api/quizzes/%d/", qz.ID), map[string]any{"description": nul}, "description"},
		{"teach", "POST", fmt.Sprintf("/api/quizzes/%d/questions/", qz.ID), map[string]any{"kind": "true_false", "text": nul}, "text"},
		{"teach", "POST", fmt.Sprintf("/api/quizzes/%d/questions/", qz.ID), map[string]any{"kind": "true_false", "text": "T", "explanation": nul}, "explanation"},
		{"teach", "POST", fmt.Sprintf("/api/quizzes/%d/questions/", qz.ID), map[string]any{"kind": "mcq", "text": "T",
			"answers": []map[string]any{{"text": nul, "is_correct": true}, {"text": "b"}}}, "answers"},
		{"teach", "POST", fmt.Sprintf("/api/quizzes/%d/questions/", qz.ID), map[string]any{"kind": "essay", "text": "T"}, "kind"},
		{"teach", "PUT", fmt.Sprintf("/api/questions/%d/", qs[1].ID), map[string]any{"kind": "truefalse", "text": "T"}, "kind"},
	} {
		r := s.do(t, tc.who, tc.method, tc.path, tc.body)
		var errs map[string][]string
		if r.StatusCode != http.StatusBadRequest || json.Unmarshal([]byte(r.Body), &errs) != nil || len(errs[tc.field]) == 0 {
			t.Errorf("%s %s %v: %d %s, want 400 naming %s", tc.method, tc.path, tc.body, r.StatusCode, r.Body, tc.field)
		}
	}
	// Short answers and grading feedback, at their moment.
	r := s.do(t, "stud", "POST", fmt.Sprintf("/api/quizzes/%d/attempts/", qz.ID), nil)
	var sheet struct{ Attempt attemptOut }
	r.JSON(t, &sheet)
	aid := sheet.Attempt.ID
	if r := s.do(t, "stud", "POST", fmt.Sprintf("/api/attempts/%d/answers/", aid), map[string]any{"answers": []map[string]any{
		{"question": qs[0].ID, "answer_id": correctOf(qs[0], true)}, {"question": qs[2].ID, "text": nul}}}); r.StatusCode != 400 || !strings.Contains(r.Body, `"answers"`) {
		t.Errorf("short answer with NUL: %d %s", r.StatusCode, r.Body)
	}
	// Nothing of the refused save was kept: the right choice sent with it scores 0.
	var att attemptOut
	r = s.do(t, "stud", "POST", fmt.Sprintf("/api/attempts/%d/answers/", aid), map[string]any{"answers": []map[string]any{{"question": qs[2].ID, "text": "Merge sort"}}})
	r.JSON(t, &att)
	if r.StatusCode != 200 || att.Score != 0 {
		t.Fatalf("the refused save wrote its choice: %d %s", r.StatusCode, r.Body)
	}
	if r := s.do(t, "stud", "POST", fmt.Sprintf("/api/attempts/%d/submit/", aid), nil); r.StatusCode != 200 {
		t.Fatalf("submit: %d %s", r.StatusCode, r.Body)
	}
	if r := s.do(t, "teach", "POST", fmt.Sprintf("/api/attempts/%d/grade/", aid), map[string]any{"question": qs[2].ID, "marks": 1, "feedback": nul}); r.StatusCode != 400 || !strings.Contains(r.Body, `"feedback"`) {
		t.Errorf("feedback with NUL: %d %s", r.StatusCode, r.Body)
	}
}

// TestLearnAPILimitsAreTheirOwn: quiz writes, answers and enrolment spend their own
// buckets, not likes; over one, 429 with Retry-After.
func TestLearnAPILimitsAreTheirOwn(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, apptest.Options{Args: []string{"-limits", "quiz=2/1m,enroll=2/1m,like=1/1m,post=100/1m"}})
	app.User("teach", "instructor")
	app.User("stud", "student")
	teach, _ := app.Token("teach")
	stud, _ := app.Token("stud")
	c := app.Client()
	subj := mkSubject(t, c, teach, "LIM1")
	quizzes := fmt.Sprintf("/api/subjects/%d/quizzes/", subj.ID)
	for i, want := range []int{201, 201, 429} {
		r := c.JSON("POST", quizzes, map[string]any{"title": fmt.Sprint("Quiz ", i)}, teach)
		if r.StatusCode != want {
			t.Fatalf("quiz %d: %d %s", i, r.StatusCode, r.Body)
		}
		if want == 429 && r.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	enroll := fmt.Sprintf("/api/subjects/%d/enroll/", subj.ID)
	for i, want := range []int{200, 200, 429} {
		if r := c.JSON("POST", enroll, nil, stud); r.StatusCode != want {
			t.Fatalf("enroll %d: %d %s", i, r.StatusCode, r.Body)
		}
	}
	// Neither spent a like: the one like allowed still goes through.
	r := c.JSON("POST", "/api/posts/", map[string]any{"content": "Hello"}, stud)
	var post struct{ ID int64 }
	r.JSON(t, &post)
	if r := c.JSON("POST", fmt.Sprintf("/api/posts/%d/like/", post.ID), nil, stud); r.StatusCode != 200 {
		t.Fatalf("like after the quiz and enrolment writes: %d %s", r.StatusCode, r.Body)
	}
}
