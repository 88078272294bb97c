package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/learn"
	"eplatform/app/store"
)

type quizSite struct {
	app     *apptest.App
	c       map[string]*apptest.Client
	quizID  int64
	mcq     store.Question
	tf      store.Question
	short   store.Question
	subject store.Subject
}

var quizWho = []string{"anon", "stud", "other", "teach", "teach2", "admin"}

var quizIDRE = regexp.MustCompile(`^/home/quizzes/(\d+)/`)

func newQuizSite(t *testing.T) *quizSite {
	t.Helper()
	ctx := context.Background()
	app := apptest.StartRelaxed(t)
	s := &quizSite{app: app, c: map[string]*apptest.Client{"anon": app.Client()}}
	for _, u := range []struct{ name, role string }{{"stud", "student"}, {"other", "student"}, {"teach", "instructor"},
		{"teach2", "instructor"}, {"admin", "admin"}} {
		s.c[u.name] = app.User(u.name, u.role)
	}
	user := func(name string) store.User {
		u, err := app.State.DB.UserByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	var err error
	if s.subject, err = app.State.Learn.CreateSubject(ctx, user("teach"), learn.SubjectInput{Name: learn.Str("Computing"), Code: learn.Str("CS1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := app.State.Learn.CreateSubject(ctx, user("teach2"), learn.SubjectInput{Name: learn.Str("Maths"), Code: learn.Str("MA1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := app.State.Learn.Enroll(ctx, user("stud"), s.subject.ID); err != nil {
		t.Fatal(err)
	}
	r := s.c["teach"].PostForm("/home/subjects/CS1/quizzes/", url.Values{"title": {"Basics"}, "time_limit_minutes": {"10"},
		"passing_percent": {"60"}, "max_attempts": {"0"}, "is_active": {"1"}})
	m := quizIDRE.FindStringSubmatch(r.Header.Get("Location"))
	if r.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create quiz: %d %s", r.StatusCode, r.Body)
	}
	fmt.Sscan(m[1], &s.quizID)
	base := fmt.Sprintf("/home/quizzes/%d/questions/", s.quizID)
	for _, f := range []url.Values{
		{"kind": {"mcq"}, "text": {"2+2?"}, "marks": {"2"}, "explanation": {"Arithmetic"},
			"answer_id": {"0", "0", "0", "0"}, "answer_text": {"3", "4", "5", ""}, "correct": {"1"}},
		{"kind": {"true_false"}, "text": {"Go is compiled"}, "marks": {"1"}, "tf_correct": {"true"}},
		{"kind": {"short_answer"}, "text": {"Name a sorting algorithm"}, "marks": {"3"}, "answer_id": {"0"}, "answer_text": {"Quicksort"}},
	} {
		if r := s.c["teach"].PostForm(base, f); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("add question: %d %s", r.StatusCode, r.Body)
		}
	}
	qs, err := app.State.DB.QuestionsOfQuiz(ctx, s.quizID)
	if err != nil || len(qs) != 3 {
		t.Fatalf("questions: %v %d", err, len(qs))
	}
	s.mcq, s.tf, s.short = qs[0], qs[1], qs[2]
	return s
}

func (s *quizSite) start(t *testing.T, who string) int64 {
	t.Helper()
	r := s.c[who].PostForm(fmt.Sprintf("/home/quizzes/%d/start/", s.quizID), nil)
	var id int64
	if _, err := fmt.Sscanf(r.Header.Get("Location"), "/home/attempts/%d/", &id); r.StatusCode != http.StatusSeeOther || err != nil {
		t.Fatalf("start: %d %s %s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	return id
}

func answerID(q store.Question, text string) int64 {
	for _, a := range q.Answers {
		if a.Text == text {
			return a.ID
		}
	}
	return 0
}

// jsonPost calls the API with the session cookie, as quiz.js does.
func jsonPost(c *apptest.Client, path string, v any) *apptest.Response {
	b, _ := json.Marshal(v)
	return c.Do("POST", path, strings.NewReader(string(b)), http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}})
}

// TestQuizPagesPermissionMatrix checks every quiz page for every kind of visitor.
func TestQuizPagesPermissionMatrix(t *testing.T) {
	t.Parallel()
	s := newQuizSite(t)
	q := fmt.Sprint(s.quizID)
	aid := s.start(t, "stud")
	a := fmt.Sprint(aid)
	rows := []struct {
		method, path string
		want         [6]int // anon, stud, other, teach, teach2, admin
	}{
		{"GET", "/home/quizzes/", [6]int{302, 200, 200, 200, 200, 200}},
		{"GET", "/home/subjects/CS1/quizzes/", [6]int{302, 200, 403, 200, 403, 200}},
		{"GET", "/home/quizzes/" + q + "/", [6]int{302, 200, 403, 200, 403, 200}},
		{"GET", "/home/quizzes/" + q + "/grading/", [6]int{302, 403, 403, 200, 403, 200}},
		{"GET", "/home/quizzes/" + q + "/analytics/", [6]int{302, 403, 403, 200, 403, 200}},
		{"GET", "/home/quizzes/" + q + "/export.csv", [6]int{302, 403, 403, 200, 403, 200}},
		{"GET", "/home/attempts/" + a + "/", [6]int{302, 200, 404, 404, 404, 404}},
		{"POST", "/home/quizzes/" + q + "/start/", [6]int{302, 303, 403, 303, 403, 303}}, // managers: refused with a flash
		{"POST", "/home/quizzes/" + q + "/edit/", [6]int{302, 403, 403, 303, 403, 303}},
		{"POST", fmt.Sprintf("/home/questions/%d/move/", s.tf.ID), [6]int{302, 403, 403, 303, 403, 303}},
		{"GET", "/home/quizzes/999999/", [6]int{302, 404, 404, 404, 404, 404}},
	}
	for _, row := range rows {
		for i, who := range quizWho {
			var r *apptest.Response
			if row.method == "GET" {
				r = s.c[who].Get(row.path)
			} else {
				r = s.c[who].PostForm(row.path, url.Values{"title": {"Basics"}, "time_limit_minutes": {"10"},
					"passing_percent": {"60"}, "max_attempts": {"0"}, "is_active": {"1"}, "direction": {"up"}})
			}
			if r.StatusCode != row.want[i] {
				t.Errorf("%s %s as %s: %d, want %d", row.method, row.path, who, r.StatusCode, row.want[i])
			}
		}
	}
	// The quiz list: its students and managers (the instructor, an admin) see the quiz,
	// a student of another subject and another instructor do not.
	for who, listed := range map[string]bool{"stud": true, "teach": true, "admin": true, "other": false, "teach2": false} {
		r := s.c[who].Get("/home/quizzes/")
		if got := strings.Contains(r.Body, `href="/home/quizzes/`+q+`/"`); got != listed {
			t.Errorf("/home/quizzes/ as %s lists the quiz: %v, want %v", who, got, listed)
		}
	}
	// Results of an attempt in progress send the taker back to it; others 404.
	if r := s.c["other"].Get("/home/attempts/" + a + "/results/"); r.StatusCode != 404 {
		t.Errorf("other sees results: %d", r.StatusCode)
	}
	if r := s.c["teach2"].PostForm("/home/attempts/"+a+"/submit/", nil); r.StatusCode != 404 {
		t.Errorf("teach2 submits: %d", r.StatusCode)
	}
}

// TestQuizEndToEnd takes the quiz through the pages: autosave, reload with answers
// selected, no-JS submit, results, grading, the score change, analytics and CSV.
func TestQuizEndToEnd(t *testing.T) {
	t.Parallel()
	s := newQuizSite(t)
	stud := s.c["stud"]
	aid := s.start(t, "stud")
	page := fmt.Sprintf("/home/attempts/%d/", aid)
	r := stud.Get(page)
	if r.StatusCode != 200 || !strings.Contains(r.Body, "2+2?") || !strings.Contains(r.Body, "data-deadline") {
		t.Fatalf("take page: %d", r.StatusCode)
	}
	if strings.Contains(r.Body, "Quicksort") {
		t.Fatal("model answer leaked to the taker")
	}
	// Starting again resumes.
	if again := s.start(t, "stud"); again != aid {
		t.Fatalf("resume gave %d, want %d", again, aid)
	}
	// quiz.js saves through the API with the session (the page names the calls).
	answers := fmt.Sprintf("/api/attempts/%d/answers/", aid)
	if !strings.Contains(r.Body, `data-answers-url="`+answers+`"`) || !strings.Contains(r.Body, fmt.Sprintf(`data-submit-url="/api/attempts/%d/submit/"`, aid)) {
		t.Fatal("the take page does not name the API calls of quiz.js")
	}
	right := answerID(s.mcq, "4")
	r = jsonPost(stud, answers, map[string]any{"answers": []map[string]any{{"question": s.mcq.ID, "answer_id": right},
		{"question": s.short.ID, "text": "Merge sort"}}})
	if r.StatusCode != 200 {
		t.Fatalf("autosave: %d %s", r.StatusCode, r.Body)
	}
	// The page itself never answers JSON: a script's JSON body is no form.
	if r := jsonPost(stud, page, map[string]any{"answers": []map[string]any{}}); r.StatusCode != http.StatusSeeOther ||
		strings.Contains(r.Header.Get("Content-Type"), "json") {
		t.Fatalf("JSON to the page: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	r = stud.Get(page)
	if !regexp.MustCompile(fmt.Sprintf(`value="%d" checked`, right)).MatchString(r.Body) || !strings.Contains(r.Body, "Merge sort") {
		t.Fatal("answers not re-selected on reload")
	}
	// The no-JS form: choose True and submit.
	r = stud.PostForm(page, url.Values{fmt.Sprintf("q%d", s.tf.ID): {fmt.Sprint(answerID(s.tf, "True"))},
		fmt.Sprintf("q%d", s.mcq.ID): {fmt.Sprint(right)}, fmt.Sprintf("q%d", s.short.ID): {"Merge sort"}, "action": {"submit"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != page+"results/" {
		t.Fatalf("submit: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	// A second submit (another tab) changes nothing.
	if r := stud.PostForm(page+"submit/", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("second submit: %d", r.StatusCode)
	}
	r = stud.Get(page + "results/")
	if r.StatusCode != 200 || !strings.Contains(r.Body, "3 / 6") || !strings.Contains(r.Body, "Waiting for grading") ||
		!strings.Contains(r.Body, "Quicksort") || !strings.Contains(r.Body, "Arithmetic") {
		t.Fatalf("results: %d", r.StatusCode)
	}
	// Saving after the submit is refused: by the API (409), and by the form (back to
	// the results, which say what was kept).
	if r := jsonPost(stud, answers, map[string]any{"answers": []map[string]any{}}); r.StatusCode != http.StatusConflict {
		t.Fatalf("save after submit: %d", r.StatusCode)
	}
	if r := stud.PostForm(page, url.Values{"action": {"save"}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != page+"results/" {
		t.Fatalf("form save after submit: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	teach := s.c["teach"]
	g := teach.Get(fmt.Sprintf("/home/quizzes/%d/grading/", s.quizID))
	if !strings.Contains(g.Body, "Merge sort") {
		t.Fatal("not in the grading queue")
	}
	r = teach.PostForm(fmt.Sprintf("/home/quizzes/%d/grading/", s.quizID), url.Values{"attempt": {fmt.Sprint(aid)},
		"question": {fmt.Sprint(s.short.ID)}, "marks": {"3"}, "feedback": {"Good"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("grade: %d %s", r.StatusCode, r.Body)
	}
	r = stud.Get(page + "results/")
	if !strings.Contains(r.Body, "6 / 6") || !strings.Contains(r.Body, "Passed") || !strings.Contains(r.Body, "Good") {
		t.Fatal("score did not change after grading")
	}
	var unread int
	unread, _ = s.app.State.DB.CountUnread(context.Background(), mustUser(t, s.app, "stud").ID)
	if unread != 1 {
		t.Fatalf("student notifications: %d", unread)
	}
	a := teach.Get(fmt.Sprintf("/home/quizzes/%d/analytics/", s.quizID))
	if a.StatusCode != 200 || !strings.Contains(a.Body, "<svg") || !strings.Contains(a.Body, "<rect") ||
		!strings.Contains(a.Body, `data-stat="pass-rate">100 %`) {
		t.Fatalf("analytics: %d", a.StatusCode)
	}
	c := teach.Get(fmt.Sprintf("/home/quizzes/%d/export.csv", s.quizID))
	lines := strings.Split(strings.TrimSpace(c.Body), "\n")
	if c.StatusCode != 200 || len(lines) != 2 || !strings.Contains(lines[1], "stud") || !strings.Contains(lines[1], ",6,6,100,true,") {
		t.Fatalf("csv: %d %q", c.StatusCode, c.Body)
	}
}

func mustUser(t *testing.T, app *apptest.App, name string) store.User {
	t.Helper()
	u, err := app.State.DB.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestQuizDeadlineOverHTTP: after the deadline an autosave is refused and the attempt
// is finished as timed_out; its page sends to the results.
func TestQuizDeadlineOverHTTP(t *testing.T) {
	t.Parallel()
	s := newQuizSite(t)
	stud := s.c["stud"]
	aid := s.start(t, "stud")
	page := fmt.Sprintf("/home/attempts/%d/", aid)
	answers := fmt.Sprintf("/api/attempts/%d/answers/", aid)
	if r := jsonPost(stud, answers, map[string]any{"answers": []map[string]any{{"question": s.mcq.ID, "answer_id": answerID(s.mcq, "4")}}}); r.StatusCode != 200 {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	s.app.Clock.Advance(10*time.Minute + time.Second)
	r := jsonPost(stud, answers, map[string]any{"answers": []map[string]any{{"question": s.tf.ID, "answer_id": answerID(s.tf, "True")}}})
	if r.StatusCode != http.StatusConflict || !strings.Contains(r.Body, "Time is up") {
		t.Fatalf("late save: %d %s", r.StatusCode, r.Body)
	}
	att, _ := s.app.State.DB.AttemptByID(context.Background(), aid)
	if att.Status != store.TimedOut || att.Score != 2 {
		t.Fatalf("attempt: %+v", att)
	}
	if r := stud.Get(page); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != page+"results/" {
		t.Fatalf("page after deadline: %d", r.StatusCode)
	}
}

// TestQuizBuilderErrors: rejected forms come back with their errors (400), without JS.
func TestQuizBuilderErrors(t *testing.T) {
	t.Parallel()
	s := newQuizSite(t)
	teach := s.c["teach"]
	r := teach.PostForm(fmt.Sprintf("/home/quizzes/%d/questions/", s.quizID), url.Values{"kind": {"mcq"}, "text": {"Only one?"},
		"marks": {"1"}, "answer_id": {"0"}, "answer_text": {"a"}, "correct": {"0"}})
	if r.StatusCode != 400 || !strings.Contains(r.Body, "at least two answers") || !strings.Contains(r.Body, "Only one?") {
		t.Fatalf("bad question: %d", r.StatusCode)
	}
	r = teach.PostForm(fmt.Sprintf("/home/questions/%d/edit/", s.mcq.ID), url.Values{"kind": {"mcq"}, "text": {"2+2?"},
		"marks": {"0"}, "answer_id": {"0", "0"}, "answer_text": {"a", "b"}, "correct": {"0"}})
	if r.StatusCode != 400 || !strings.Contains(r.Body, "between 1 and 1000") {
		t.Fatalf("bad edit: %d", r.StatusCode)
	}
	r = teach.PostForm(fmt.Sprintf("/home/quizzes/%d/edit/", s.quizID), url.Values{"title": {"Basics"}, "time_limit_minutes": {"241"},
		"passing_percent": {"60"}, "max_attempts": {"0"}})
	if r.StatusCode != 400 || !strings.Contains(r.Body, "between 1 and 240") {
		t.Fatalf("bad settings: %d", r.StatusCode)
	}
	r = teach.PostForm("/home/subjects/CS1/quizzes/", url.Values{"title": {""}, "time_limit_minutes": {"30"}})
	if r.StatusCode != 400 || !strings.Contains(r.Body, "may not be blank") {
		t.Fatalf("bad quiz: %d", r.StatusCode)
	}
	// Control characters and unknown kinds are refused with the field named, never a 500.
	for _, tc := range []struct {
		form url.Values
		msg  string
	}{
		{url.Values{"kind": {"true_false"}, "text": {"\x00Go is compiled"}, "marks": {"1"}, "tf_correct": {"true"}}, "control character U+0000"},
		{url.Values{"kind": {"true_false"}, "text": {"Go?"}, "marks": {"1"}, "explanation": {"\x7f"}}, "control character U+007F"},
		{url.Values{"kind": {"essay"}, "text": {"Why?"}, "marks": {"1"}}, "Choose mcq, true_false or short_answer."},
		{url.Values{"kind": {"true_false"}, "text": {"Go is compiled"}, "marks": {"1"}, "tf_correct": {"maybe"}}, "Choose true or false."},
		{url.Values{"kind": {"true_false"}, "text": {"Go is compiled"}, "marks": {"one"}}, "Enter a whole number."},
	} {
		r := teach.PostForm(fmt.Sprintf("/home/quizzes/%d/questions/", s.quizID), tc.form)
		if r.StatusCode != 400 || !strings.Contains(r.Body, tc.msg) {
			t.Errorf("question %v: %d, %q missing", tc.form, r.StatusCode, tc.msg)
		}
	}
	if r := teach.PostForm("/home/subjects/CS1/quizzes/", url.Values{"title": {"Quiz\x1b"}, "time_limit_minutes": {"30"}}); r.StatusCode != 400 || !strings.Contains(r.Body, "control character U+001B") {
		t.Errorf("quiz title with ESC: %d", r.StatusCode)
	}
	// A student's question form gets the refusal, not the form's errors.
	if r := s.c["stud"].PostForm(fmt.Sprintf("/home/quizzes/%d/questions/", s.quizID), url.Values{"kind": {"mcq"}, "marks": {"x"}}); r.StatusCode != 403 {
		t.Errorf("student's bad question: %d", r.StatusCode)
	}
	// Moving the last question up (a direction that is neither up nor down is a 400),
	// then the order by drag and drop (quiz.js, through the API).
	if r := teach.PostForm(fmt.Sprintf("/home/questions/%d/move/", s.short.ID), url.Values{"direction": {"sideways"}}); r.StatusCode != 400 {
		t.Fatalf("move sideways: %d", r.StatusCode)
	}
	if r := teach.PostForm(fmt.Sprintf("/home/questions/%d/move/", s.short.ID), url.Values{"direction": {"up"}}); r.StatusCode != 303 {
		t.Fatalf("move: %d", r.StatusCode)
	}
	if page := teach.Get(fmt.Sprintf("/home/quizzes/%d/", s.quizID)); !strings.Contains(page.Body, fmt.Sprintf(`data-order-url="/api/quizzes/%d/questions/order/"`, s.quizID)) {
		t.Fatal("the builder does not name the API call of its drag and drop")
	}
	qs, _ := s.app.State.DB.QuestionsOfQuiz(context.Background(), s.quizID)
	if qs[1].ID != s.short.ID {
		t.Fatalf("order after move: %d %d %d", qs[0].ID, qs[1].ID, qs[2].ID)
	}
	order := fmt.Sprintf("/api/quizzes/%d/questions/order/", s.quizID)
	r = jsonPost(teach, order, map[string]any{"ids": []int64{s.tf.ID, s.mcq.ID}})
	if r.StatusCode != 400 || !strings.Contains(r.Body, `"ids"`) {
		t.Fatalf("partial order: %d %s", r.StatusCode, r.Body)
	}
	r = jsonPost(teach, order, map[string]any{"ids": []int64{s.tf.ID, s.short.ID, s.mcq.ID}})
	qs, _ = s.app.State.DB.QuestionsOfQuiz(context.Background(), s.quizID)
	if r.StatusCode != 200 || qs[0].ID != s.tf.ID || qs[2].ID != s.mcq.ID {
		t.Fatalf("order: %d", r.StatusCode)
	}
	if r := jsonPost(s.c["stud"], order, map[string]any{"ids": []int64{s.tf.ID, s.short.ID, s.mcq.ID}}); r.StatusCode != 403 {
		t.Fatalf("student orders: %d", r.StatusCode)
	}
}

// TestQuizQuestionImage: an image uploaded with a question is served only to the
// quiz's managers and takers, shown on the attempt, and can be removed.
func TestQuizQuestionImage(t *testing.T) {
	t.Parallel()
	s := newQuizSite(t)
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	var png bytes.Buffer
	if err := pngEncode(&png, img); err != nil {
		t.Fatal(err)
	}
	post := func(extra map[string]string, file string) *apptest.Response {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fields := []struct{ k, v string }{{"kind", "true_false"}, {"text", "Go is compiled"}, {"marks", "1"}, {"tf_correct", "true"}}
		for _, f := range fields {
			mw.WriteField(f.k, f.v)
		}
		for k, v := range extra {
			mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("image", "pic.png")
		fw.Write([]byte(file))
		mw.Close()
		return s.c["teach"].Do("POST", fmt.Sprintf("/home/questions/%d/edit/", s.tf.ID), &b, http.Header{"Content-Type": {mw.FormDataContentType()}})
	}
	if r := post(nil, png.String()); r.StatusCode != 303 {
		t.Fatalf("upload: %d %s", r.StatusCode, r.Body)
	}
	path := fmt.Sprintf("/media/quiz/%d/image", s.tf.ID)
	want := [6]int{302, 200, 403, 200, 403, 200}
	for i, who := range quizWho {
		if r := s.c[who].Get(path); r.StatusCode != want[i] {
			t.Errorf("image as %s: %d, want %d", who, r.StatusCode, want[i])
		}
	}
	aid := s.start(t, "stud")
	if r := s.c["stud"].Get(fmt.Sprintf("/home/attempts/%d/", aid)); !strings.Contains(r.Body, path) {
		t.Fatal("image not on the attempt page")
	}
	// Not an image: refused with a message, the old image stays.
	if r := post(nil, "not an image"); r.StatusCode != 303 {
		t.Fatalf("bad upload: %d", r.StatusCode)
	}
	if r := s.c["teach"].Get(path); r.StatusCode != 200 {
		t.Fatalf("old image gone: %d", r.StatusCode)
	}
	if r := post(map[string]string{"remove_image": "1"}, ""); r.StatusCode != 303 {
		t.Fatalf("remove: %d", r.StatusCode)
	}
	if r := s.c["teach"].Get(path); r.StatusCode != 404 {
		t.Fatalf("removed image: %d", r.StatusCode)
	}
}

var pngEncode = png.Encode

// TestQuizPageSaysQuestionsAreLocked: while a student takes the quiz, its page tells
// the instructor why questions cannot be added, removed or re-marked, and adding one
// through the form is refused with that message, the quiz unchanged.
func TestQuizPageSaysQuestionsAreLocked(t *testing.T) {
	t.Parallel()
	s := newQuizSite(t)
	teach := s.c["teach"]
	page := fmt.Sprintf("/home/quizzes/%d/", s.quizID)
	if r := teach.Get(page); strings.Contains(r.Body, "data-quiz-locked") {
		t.Fatal("locked before anyone started")
	}
	s.start(t, "stud")
	r := teach.Get(page)
	if !strings.Contains(r.Body, "data-quiz-locked") || !strings.Contains(r.Body, "1 student is taking this quiz right now") {
		t.Fatalf("no lock notice while an attempt runs:\n%s", r.Body)
	}
	before := strings.Count(r.Body, `class="quiz-question"`)
	// Adding: the form comes back with the reason and what was typed.
	add := teach.PostForm(page+"questions/", url.Values{"kind": {"true_false"}, "text": {"An extra question?"}, "marks": {"1"}, "tf_correct": {"true"}})
	if add.StatusCode != http.StatusConflict || !strings.Contains(add.Body, "An extra question?") ||
		strings.Count(add.Body, "questions can be added, removed or re-marked when their attempts end") < 2 {
		t.Fatalf("adding while locked: %d\n%s", add.StatusCode, add.Body)
	}
	// Deleting: back to the quiz with the reason.
	qs, err := s.app.State.DB.QuestionsOfQuiz(context.Background(), s.quizID)
	if err != nil || len(qs) == 0 {
		t.Fatal(err)
	}
	del := teach.PostForm(fmt.Sprintf("/home/questions/%d/delete/", qs[0].ID), nil)
	if del.StatusCode != http.StatusSeeOther || del.Header.Get("Location") != page {
		t.Fatalf("deleting while locked: %d to %q", del.StatusCode, del.Header.Get("Location"))
	}
	r = teach.Get(page)
	if strings.Count(r.Body, "questions can be added, removed or re-marked when their attempts end") < 2 {
		t.Error("the refused delete's reason is not shown")
	}
	if after := strings.Count(r.Body, `class="quiz-question"`); after != before {
		t.Errorf("%d questions after refused changes, %d before", after, before)
	}
}
