package api_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/learn"
	"eplatform/app/store"
)

type quizAPI struct {
	app                    *apptest.App
	tok                    map[string]string
	subjectID, otherSubjID int64
}

var quizWho = []string{"anon", "stud", "other", "teach", "teach2", "admin"}

func newQuizAPI(t *testing.T) *quizAPI {
	t.Helper()
	ctx := context.Background()
	app := apptest.StartRelaxed(t)
	s := &quizAPI{app: app, tok: map[string]string{"anon": ""}}
	for _, u := range []struct{ name, role string }{{"stud", "student"}, {"other", "student"}, {"teach", "instructor"},
		{"teach2", "instructor"}, {"admin", "admin"}} {
		app.User(u.name, u.role)
		s.tok[u.name], _ = app.Token(u.name)
	}
	user := func(name string) store.User {
		u, _ := app.State.DB.UserByUsername(ctx, name)
		return u
	}
	subj, err := app.State.Learn.CreateSubject(ctx, user("teach"), learn.SubjectInput{Name: learn.Str("Computing"), Code: learn.Str("CS1")})
	if err != nil {
		t.Fatal(err)
	}
	s.subjectID = subj.ID
	other, err := app.State.Learn.CreateSubject(ctx, user("teach2"), learn.SubjectInput{Name: learn.Str("Maths"), Code: learn.Str("MA1")})
	if err != nil {
		t.Fatal(err)
	}
	s.otherSubjID = other.ID
	if _, err := app.State.Learn.Enroll(ctx, user("stud"), subj.ID); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *quizAPI) do(t *testing.T, who, method, path string, body any) *apptest.Response {
	t.Helper()
	return s.app.Client().JSON(method, path, body, s.tok[who])
}

type quizOut struct {
	ID            int64
	TotalMarks    int `json:"total_marks"`
	QuestionCount int `json:"question_count"`
}

type questionOut struct {
	ID      int64
	Answers []struct {
		ID        int64
		Text      string
		IsCorrect *bool `json:"is_correct"`
	}
}

type attemptOut struct {
	ID           int64
	Status       string
	Score        int
	MaxScore     int `json:"max_score"`
	PendingCount int `json:"pending_count"`
	Passed       bool
}

// build makes a quiz of the three kinds through the API (total 6 marks).
func (s *quizAPI) build(t *testing.T) (quizOut, []questionOut) {
	t.Helper()
	r := s.do(t, "teach", "POST", fmt.Sprintf("/api/subjects/%d/quizzes/", s.subjectID), map[string]any{"title": "Basics", "time_limit_minutes": 5})
	var qz quizOut
	r.JSON(t, &qz)
	if r.StatusCode != 201 {
		t.Fatalf("create quiz: %d %s", r.StatusCode, r.Body)
	}
	var qs []questionOut
	for _, body := range []map[string]any{
		{"kind": "mcq", "text": "2+2?", "marks": 2, "explanation": "Arithmetic", "answers": []map[string]any{{"text": "3"}, {"text": "4", "is_correct": true}}},
		{"kind": "true_false", "text": "Go is compiled", "marks": 1, "correct": true},
		{"kind": "short_answer", "text": "Name a sort", "marks": 3, "answers": []map[string]any{{"text": "Quicksort"}}},
	} {
		r := s.do(t, "teach", "POST", fmt.Sprintf("/api/quizzes/%d/questions/", qz.ID), body)
		var q questionOut
		r.JSON(t, &q)
		if r.StatusCode != 201 {
			t.Fatalf("question: %d %s", r.StatusCode, r.Body)
		}
		qs = append(qs, q)
	}
	return qz, qs
}

func correctOf(q questionOut, correct bool) int64 {
	for _, a := range q.Answers {
		if a.IsCorrect != nil && *a.IsCorrect == correct {
			return a.ID
		}
	}
	return 0
}

func TestQuizAPIPermissionMatrix(t *testing.T) {
	t.Parallel()
	s := newQuizAPI(t)
	qz, qs := s.build(t)
	idle, _ := s.build(t) // no attempts: its questions may change
	r := s.do(t, "stud", "POST", fmt.Sprintf("/api/quizzes/%d/attempts/", qz.ID), nil)
	var sheet struct{ Attempt attemptOut }
	r.JSON(t, &sheet)
	aid := sheet.Attempt.ID
	rows := []struct {
		method, path string
		body         any
		want         [6]int // anon, stud, other, teach, teach2, admin
	}{
		{"GET", fmt.Sprintf("/api/subjects/%d/quizzes/", s.subjectID), nil, [6]int{401, 200, 403, 200, 403, 200}},
		{"POST", fmt.Sprintf("/api/subjects/%d/quizzes/", s.subjectID), map[string]any{"title": "X"}, [6]int{401, 403, 403, 201, 403, 201}},
		{"GET", fmt.Sprintf("/api/quizzes/%d/", qz.ID), nil, [6]int{401, 200, 403, 200, 403, 200}},
		{"PATCH", fmt.Sprintf("/api/quizzes/%d/", qz.ID), map[string]any{"passing_percent": 50}, [6]int{401, 403, 403, 200, 403, 200}},
		{"POST", fmt.Sprintf("/api/quizzes/%d/questions/", idle.ID), map[string]any{"kind": "true_false", "text": "T?"}, [6]int{401, 403, 403, 201, 403, 201}},
		{"PUT", fmt.Sprintf("/api/questions/%d/", qs[1].ID), map[string]any{"kind": "true_false", "text": "Go is compiled", "correct": true}, [6]int{401, 403, 403, 200, 403, 200}},
		{"GET", fmt.Sprintf("/api/quizzes/%d/grading/", qz.ID), nil, [6]int{401, 403, 403, 200, 403, 200}},
		{"GET", fmt.Sprintf("/api/quizzes/%d/analytics/", qz.ID), nil, [6]int{401, 403, 403, 200, 403, 200}},
		{"POST", fmt.Sprintf("/api/quizzes/%d/attempts/", qz.ID), nil, [6]int{401, 200, 403, 400, 403, 400}},
		{"GET", fmt.Sprintf("/api/attempts/%d/", aid), nil, [6]int{401, 200, 404, 404, 404, 404}},
		{"POST", fmt.Sprintf("/api/attempts/%d/answers/", aid), map[string]any{"answers": []any{}}, [6]int{401, 200, 404, 404, 404, 404}},
		{"GET", fmt.Sprintf("/api/attempts/%d/results/", aid), nil, [6]int{401, 400, 404, 400, 404, 400}}, // in progress
		{"POST", fmt.Sprintf("/api/attempts/%d/grade/", aid), map[string]any{"question": qs[2].ID, "marks": 1}, [6]int{401, 403, 403, 400, 403, 400}},
		{"GET", "/api/quizzes/999999/", nil, [6]int{401, 404, 404, 404, 404, 404}},
	}
	for _, row := range rows {
		for i, who := range quizWho {
			if r := s.do(t, who, row.method, row.path, row.body); r.StatusCode != row.want[i] {
				t.Errorf("%s %s as %s: %d, want %d (%s)", row.method, row.path, who, r.StatusCode, row.want[i], r.Body)
			}
		}
	}
	// Students never see the correct answers before results.
	r = s.do(t, "stud", "GET", fmt.Sprintf("/api/attempts/%d/", aid), nil)
	var got struct{ Questions []questionOut }
	r.JSON(t, &got)
	for _, q := range got.Questions {
		for _, a := range q.Answers {
			if a.IsCorrect != nil || a.Text == "Quicksort" {
				t.Fatalf("correctness leaked: %s", r.Body)
			}
		}
	}
}

func TestQuizAPIFlow(t *testing.T) {
	t.Parallel()
	s := newQuizAPI(t)
	qz, qs := s.build(t)
	if r := s.do(t, "teach", "GET", fmt.Sprintf("/api/quizzes/%d/", qz.ID), nil); r.StatusCode != 200 {
		t.Fatal(r.Body)
	}
	r := s.do(t, "stud", "POST", fmt.Sprintf("/api/quizzes/%d/attempts/", qz.ID), nil)
	var sheet struct {
		Attempt attemptOut
		Resumed bool
	}
	r.JSON(t, &sheet)
	if r.StatusCode != 201 || sheet.Resumed || sheet.Attempt.MaxScore != 6 {
		t.Fatalf("start: %d %s", r.StatusCode, r.Body)
	}
	aid := sheet.Attempt.ID
	r = s.do(t, "stud", "POST", fmt.Sprintf("/api/quizzes/%d/attempts/", qz.ID), nil)
	r.JSON(t, &sheet)
	if r.StatusCode != 200 || !sheet.Resumed || sheet.Attempt.ID != aid {
		t.Fatalf("resume: %d %s", r.StatusCode, r.Body)
	}
	var att attemptOut
	r = s.do(t, "stud", "POST", fmt.Sprintf("/api/attempts/%d/answers/", aid), map[string]any{"answers": []map[string]any{
		{"question": qs[0].ID, "answer_id": correctOf(qs[0], true)}, {"question": qs[1].ID, "answer_id": correctOf(qs[1], false)},
		{"question": qs[2].ID, "text": "Bubble sort"}}})
	r.JSON(t, &att)
	if r.StatusCode != 200 || att.Score != 2 {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	// Ten concurrent submits: one counts, the score is counted once.
	var wg sync.WaitGroup
	var mu sync.Mutex
	firsts := 0
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := s.app.Client().JSON("POST", fmt.Sprintf("/api/attempts/%d/submit/", aid), nil, s.tok["stud"])
			var out struct {
				Attempt          attemptOut
				AlreadySubmitted bool `json:"already_submitted"`
			}
			r.JSON(t, &out)
			if r.StatusCode != 200 || out.Attempt.Score != 2 || out.Attempt.Status != "completed" {
				t.Errorf("submit: %d %s", r.StatusCode, r.Body)
			}
			if !out.AlreadySubmitted {
				mu.Lock()
				firsts++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firsts != 1 {
		t.Fatalf("%d submits counted", firsts)
	}
	r = s.do(t, "stud", "POST", fmt.Sprintf("/api/attempts/%d/answers/", aid), map[string]any{"answers": []any{}})
	if r.StatusCode != 409 {
		t.Fatalf("save after submit: %d", r.StatusCode)
	}
	r = s.do(t, "teach", "GET", fmt.Sprintf("/api/quizzes/%d/grading/", qz.ID), nil)
	var queue struct{ Count int }
	r.JSON(t, &queue)
	if queue.Count != 1 {
		t.Fatalf("queue: %s", r.Body)
	}
	r = s.do(t, "teach", "POST", fmt.Sprintf("/api/attempts/%d/grade/", aid), map[string]any{"question": qs[2].ID, "marks": 4})
	if r.StatusCode != 400 {
		t.Fatalf("marks above max: %d", r.StatusCode)
	}
	r = s.do(t, "teach", "POST", fmt.Sprintf("/api/attempts/%d/grade/", aid), map[string]any{"question": qs[2].ID, "marks": 2, "feedback": "ok"})
	r.JSON(t, &att)
	if r.StatusCode != 200 || att.Score != 4 || att.PendingCount != 0 || !att.Passed {
		t.Fatalf("grade: %d %s", r.StatusCode, r.Body)
	}
	r = s.do(t, "stud", "GET", fmt.Sprintf("/api/attempts/%d/results/", aid), nil)
	var res struct {
		Attempt attemptOut
		Items   []struct {
			Correct  []string `json:"correct_answers"`
			Marks    *int     `json:"marks_awarded"`
			Feedback string
		}
	}
	r.JSON(t, &res)
	if r.StatusCode != 200 || res.Attempt.Score != 4 || len(res.Items) != 3 || res.Items[1].Correct[0] != "True" || *res.Items[1].Marks != 0 {
		t.Fatalf("results: %d %s", r.StatusCode, r.Body)
	}
	r = s.do(t, "teach", "GET", fmt.Sprintf("/api/quizzes/%d/analytics/", qz.ID), nil)
	var an struct {
		Attempts int
		PassRate int `json:"pass_rate"`
	}
	r.JSON(t, &an)
	if an.Attempts != 1 || an.PassRate != 100 {
		t.Fatalf("analytics: %s", r.Body)
	}
}

func TestQuizAPIDeadline(t *testing.T) {
	t.Parallel()
	s := newQuizAPI(t)
	qz, qs := s.build(t)
	r := s.do(t, "stud", "POST", fmt.Sprintf("/api/quizzes/%d/attempts/", qz.ID), nil)
	var sheet struct{ Attempt attemptOut }
	r.JSON(t, &sheet)
	aid := sheet.Attempt.ID
	s.app.Clock.Advance(5 * time.Minute)
	r = s.do(t, "stud", "POST", fmt.Sprintf("/api/attempts/%d/answers/", aid), map[string]any{"answers": []map[string]any{
		{"question": qs[0].ID, "answer_id": correctOf(qs[0], true)}}})
	if r.StatusCode != 409 {
		t.Fatalf("answer at the deadline: %d %s", r.StatusCode, r.Body)
	}
	r = s.do(t, "stud", "GET", fmt.Sprintf("/api/attempts/%d/results/", aid), nil)
	var res struct{ Attempt attemptOut }
	r.JSON(t, &res)
	if r.StatusCode != 200 || res.Attempt.Status != "timed_out" || res.Attempt.Score != 0 {
		t.Fatalf("timed out: %d %s", r.StatusCode, r.Body)
	}
}

func TestQuizAPIQuestionImage(t *testing.T) {
	t.Parallel()
	s := newQuizAPI(t)
	_, qs := s.build(t)
	var pic bytes.Buffer
	png.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 20, 20)))
	upload := func(who, data string) *apptest.Response {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("image", "q.png")
		fw.Write([]byte(data))
		mw.Close()
		h := http.Header{"Content-Type": {mw.FormDataContentType()}, "Authorization": {"Bearer " + s.tok[who]}}
		return s.app.Client().Do("PUT", fmt.Sprintf("/api/questions/%d/image/", qs[0].ID), &b, h)
	}
	if r := upload("stud", pic.String()); r.StatusCode != 403 {
		t.Fatalf("student upload: %d", r.StatusCode)
	}
	if r := upload("teach", "nope"); r.StatusCode != 400 {
		t.Fatalf("not an image: %d %s", r.StatusCode, r.Body)
	}
	r := upload("teach", pic.String())
	var q struct {
		ImageURL *string `json:"image_url"`
	}
	r.JSON(t, &q)
	if r.StatusCode != 200 || q.ImageURL == nil {
		t.Fatalf("upload: %d %s", r.StatusCode, r.Body)
	}
	if r := s.do(t, "teach", "DELETE", fmt.Sprintf("/api/questions/%d/image/", qs[0].ID), nil); r.StatusCode != 204 {
		t.Fatalf("delete: %d", r.StatusCode)
	}
}

// TestQuizQuestionsLockedWhileAttemptsRun: an attempt's maximum is fixed when it
// starts, so while one runs questions cannot be added, removed or re-marked (409, and
// nothing changes); wording can. Once it is submitted, they can.
func TestQuizQuestionsLockedWhileAttemptsRun(t *testing.T) {
	t.Parallel()
	s := newQuizAPI(t)
	qz, qs := s.build(t)
	r := s.do(t, "stud", "POST", fmt.Sprintf("/api/quizzes/%d/attempts/", qz.ID), nil)
	var sheet struct{ Attempt attemptOut }
	r.JSON(t, &sheet)
	aid := sheet.Attempt.ID
	if sheet.Attempt.MaxScore != 6 {
		t.Fatalf("max score %d, want 6", sheet.Attempt.MaxScore)
	}
	addQ := map[string]any{"kind": "true_false", "text": "Extra?", "marks": 5, "correct": true}
	reMark := map[string]any{"kind": "true_false", "text": "Go is compiled", "marks": 4, "correct": true}
	reWord := map[string]any{"kind": "true_false", "text": "Go is a compiled language", "marks": 1, "correct": true}
	for _, c := range []struct {
		method, path string
		body         any
		want         int
	}{
		{"POST", fmt.Sprintf("/api/quizzes/%d/questions/", qz.ID), addQ, 409},
		{"PUT", fmt.Sprintf("/api/questions/%d/", qs[1].ID), reMark, 409},
		{"DELETE", fmt.Sprintf("/api/questions/%d/", qs[2].ID), nil, 409},
		{"PUT", fmt.Sprintf("/api/questions/%d/", qs[1].ID), reWord, 200},
	} {
		r := s.do(t, "teach", c.method, c.path, c.body)
		if r.StatusCode != c.want {
			t.Fatalf("%s %s: %d, want %d (%s)", c.method, c.path, r.StatusCode, c.want, r.Body)
		}
		if c.want == 409 && !strings.Contains(string(r.Body), "1 student is taking this quiz right now") {
			t.Errorf("%s %s: unclear message %s", c.method, c.path, r.Body)
		}
	}
	var q quizOut
	s.do(t, "teach", "GET", fmt.Sprintf("/api/quizzes/%d/", qz.ID), nil).JSON(t, &q)
	if q.TotalMarks != 6 || q.QuestionCount != 3 {
		t.Fatalf("refused changes changed the quiz: %+v", q)
	}
	// Answer everything right and submit: the score is the whole of the maximum.
	answers := []map[string]any{
		{"question": qs[0].ID, "selected_answer": correctOf(qs[0], true)},
		{"question": qs[1].ID, "selected_answer": correctOf(qs[1], true)},
	}
	if r := s.do(t, "stud", "POST", fmt.Sprintf("/api/attempts/%d/answers/", aid), map[string]any{"answers": answers}); r.StatusCode != 200 {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	if r := s.do(t, "stud", "POST", fmt.Sprintf("/api/attempts/%d/submit/", aid), nil); r.StatusCode != 200 {
		t.Fatalf("submit: %d %s", r.StatusCode, r.Body)
	}
	if r := s.do(t, "teach", "POST", fmt.Sprintf("/api/quizzes/%d/questions/", qz.ID), addQ); r.StatusCode != 201 {
		t.Fatalf("add after the attempt ended: %d %s", r.StatusCode, r.Body)
	}
}
