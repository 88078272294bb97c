package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"eplatform/app/quiz"
	"eplatform/app/store"
)

// TestExamRoutesPermissionMatrix checks the pages added for exams and the calendar for
// every kind of visitor.
func TestExamRoutesPermissionMatrix(t *testing.T) {
	t.Parallel()
	s := newQuizSite(t)
	short, mcq := fmt.Sprint(s.short.ID), fmt.Sprint(s.mcq.ID)
	newQuiz := url.Values{"subject": {"CS1"}, "title": {"Another"}, "time_limit_minutes": {"10"}, "passing_percent": {"50"},
		"max_attempts": {"0"}, "is_active": {"1"}}
	rows := []struct {
		method, path string
		form         url.Values
		want         [6]int // anon, stud, other, teach, teach2, admin
	}{
		{"GET", "/home/quizzes/my/", nil, [6]int{302, 200, 200, 200, 200, 200}},
		{"GET", "/home/quizzes/my/?tab=taken&status=passed", nil, [6]int{302, 200, 200, 200, 200, 200}},
		{"GET", "/home/quizzes/my/?tab=created", nil, [6]int{302, 403, 403, 200, 200, 200}},
		{"GET", "/home/quizzes/my/?tab=everything", nil, [6]int{302, 400, 400, 400, 400, 400}},
		{"GET", "/home/quizzes/my/?status=bogus", nil, [6]int{302, 400, 400, 400, 400, 400}},
		{"GET", "/home/quizzes/new/", nil, [6]int{302, 403, 403, 200, 200, 200}},
		{"POST", "/home/quizzes/new/", newQuiz, [6]int{302, 403, 403, 303, 400, 303}}, // CS1 is not teach2's
		{"GET", "/home/questions/" + short + "/grading/", nil, [6]int{302, 403, 403, 200, 403, 200}},
		{"POST", "/home/questions/" + short + "/grading/", url.Values{}, [6]int{302, 403, 403, 303, 403, 303}},
		{"GET", "/home/questions/" + mcq + "/grading/", nil, [6]int{302, 403, 403, 400, 403, 400}},
		{"GET", "/home/questions/999999/grading/", nil, [6]int{302, 404, 404, 404, 404, 404}},
		{"GET", "/home/calendar/", nil, [6]int{302, 200, 200, 200, 200, 200}},
		{"GET", "/home/calendar/?month=2026-02", nil, [6]int{302, 200, 200, 200, 200, 200}},
		{"GET", "/home/calendar/?month=February", nil, [6]int{302, 400, 400, 400, 400, 400}},
		{"POST", "/home/calendar/link/", url.Values{}, [6]int{302, 200, 200, 200, 200, 200}},
		{"POST", "/home/calendar/link/delete/", url.Values{}, [6]int{302, 303, 303, 303, 303, 303}},
		{"GET", "/calendar/" + strings.Repeat("A", 43) + ".ics", nil, [6]int{404, 404, 404, 404, 404, 404}},
		{"GET", "/calendar/feed", nil, [6]int{404, 404, 404, 404, 404, 404}},
		{"GET", "/home/questions/" + short + "/edit/", nil, [6]int{302, 403, 403, 301, 403, 301}},
	}
	for _, row := range rows {
		for i, who := range quizWho {
			var r = s.c[who].Get(row.path)
			if row.method == "POST" {
				r = s.c[who].PostForm(row.path, row.form)
			}
			if r.StatusCode != row.want[i] {
				t.Errorf("%s %s as %s: %d, want %d", row.method, row.path, who, r.StatusCode, row.want[i])
			}
		}
	}
}

// TestLegacyQuizURLs: the original's quiz addresses lead to their new places, a GET
// with 301 and a POST with 308 (method and body kept), the query kept; following them
// arrives at a working page.
func TestLegacyQuizURLs(t *testing.T) {
	t.Parallel()
	s := newQuizSite(t)
	aid := s.start(t, "stud")
	q, a, short := fmt.Sprint(s.quizID), fmt.Sprint(aid), fmt.Sprint(s.short.ID)
	for _, tc := range []struct {
		old, who, get, post string
	}{
		{"/home/quizzes/create/", "teach", "/home/quizzes/new/", "/home/quizzes/new/"},
		{"/home/quizzes/" + q + "/edit/", "teach", "/home/quizzes/" + q + "/#settings", ""},
		{"/home/quizzes/" + q + "/questions/", "teach", "/home/quizzes/" + q + "/#questions", ""},
		{"/home/questions/" + short + "/edit/", "teach", "/home/quizzes/" + q + "/#question-" + short, ""},
		{"/home/questions/" + short + "/answers/", "teach", "/home/questions/" + short + "/edit/", "/home/questions/" + short + "/edit/"},
		{"/home/attempt/" + a + "/take/", "stud", "/home/attempts/" + a + "/", "/home/attempts/" + a + "/"},
		{"/home/attempt/" + a + "/result/", "stud", "/home/attempts/" + a + "/results/", "/home/attempts/" + a + "/results/"},
	} {
		c := s.c[tc.who]
		r := c.Get(tc.old)
		if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != tc.get {
			t.Errorf("GET %s: %d %q, want 301 %q", tc.old, r.StatusCode, r.Header.Get("Location"), tc.get)
			continue
		}
		// The new place answers (a page, or for an attempt in progress its results'
		// redirect back to it).
		path, _, _ := strings.Cut(tc.get, "#")
		if r := c.Get(path); r.StatusCode != 200 && r.StatusCode != http.StatusSeeOther && r.StatusCode != http.StatusMovedPermanently {
			t.Errorf("GET %s (from %s): %d", path, tc.old, r.StatusCode)
		}
		if tc.post == "" {
			continue // the new address serves POST itself
		}
		r = c.PostForm(tc.old, url.Values{"x": {"1"}})
		if r.StatusCode != http.StatusPermanentRedirect || r.Header.Get("Location") != tc.post {
			t.Errorf("POST %s: %d %q, want 308 %q", tc.old, r.StatusCode, r.Header.Get("Location"), tc.post)
		}
	}
	// The query goes along.
	if r := s.c["stud"].Get("/home/attempt/" + a + "/take/?from=mail"); r.Header.Get("Location") != "/home/attempts/"+a+"/?from=mail" {
		t.Errorf("query lost: %q", r.Header.Get("Location"))
	}
	// The old addresses that the new pages serve themselves, by method.
	for _, path := range []string{"/home/quizzes/my/", "/home/quizzes/my/?tab=created"} {
		if r := s.c["teach"].Get(path); r.StatusCode != 200 {
			t.Errorf("GET %s: %d", path, r.StatusCode)
		}
	}
	r := s.c["teach"].PostForm("/home/quizzes/"+q+"/edit/", url.Values{"title": {"Basics 2"}, "time_limit_minutes": {"10"},
		"passing_percent": {"60"}, "max_attempts": {"0"}, "is_active": {"1"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Errorf("POST edit/: %d", r.StatusCode)
	}
	// The original's new-quiz form (subject by id, time_limit) works through the 308.
	r = s.c["teach"].PostForm("/home/quizzes/new/", url.Values{"subject": {fmt.Sprint(s.subject.ID)}, "title": {"Old form"},
		"time_limit": {"15"}, "is_active": {"on"}})
	if r.StatusCode != http.StatusSeeOther || !quizIDRE.MatchString(r.Header.Get("Location")) {
		t.Fatalf("the original's form: %d %s", r.StatusCode, r.Body)
	}
}

// TestGradingNeverAssumesZero: the marks field starts empty and is required; an empty
// one is refused and the answer keeps waiting; the student's full name and the model
// answers are shown.
func TestGradingNeverAssumesZero(t *testing.T) {
	t.Parallel()
	s := newQuizSite(t)
	aid := s.start(t, "stud")
	page := fmt.Sprintf("/home/attempts/%d/", aid)
	s.c["stud"].PostForm(page, url.Values{fmt.Sprintf("q%d", s.short.ID): {"Merge sort"}, "action": {"submit"}})
	queue := fmt.Sprintf("/home/quizzes/%d/grading/", s.quizID)
	g := s.c["teach"].Get(queue)
	form := regexp.MustCompile(`(?s)<form class="form grade-form".*?</form>`).FindString(g.Body)
	if !regexp.MustCompile(`<input[^>]*name="marks"[^>]*required`).MatchString(form) || strings.Contains(regexp.MustCompile(`<input[^>]*name="marks"[^>]*>`).FindString(form), "value=") {
		t.Fatalf("the marks field is not empty and required:\n%s", form)
	}
	if !strings.Contains(g.Body, "Stud Tester") || !strings.Contains(g.Body, "Model answers") || !strings.Contains(g.Body, "Quicksort") {
		t.Fatalf("the queue lacks the full name or the model answers:\n%s", g.Body)
	}
	for _, marks := range []string{"", "  ", "three"} {
		r := s.c["teach"].PostForm(queue, url.Values{"attempt": {fmt.Sprint(aid)}, "question": {fmt.Sprint(s.short.ID)}, "marks": {marks}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != queue {
			t.Errorf("marks %q: %d %s", marks, r.StatusCode, r.Header.Get("Location"))
		}
	}
	att, _ := s.app.State.DB.AttemptByID(context.Background(), aid)
	if att.PendingCount != 1 || att.Score != 0 {
		t.Fatalf("a blank grade changed the attempt: %+v", att)
	}
	if g := s.c["teach"].Get(queue); !strings.Contains(g.Body, "Enter the marks") && !strings.Contains(g.Body, "whole number") {
		t.Error("no word about the missing marks")
	}
	// The question across attempts: one form, a row left blank stays waiting.
	qg := fmt.Sprintf("/home/questions/%d/grading/", s.short.ID)
	r := s.c["teach"].Get(qg)
	if r.StatusCode != 200 || !strings.Contains(r.Body, "Merge sort") || !strings.Contains(r.Body, "Stud Tester") {
		t.Fatalf("question grading: %d", r.StatusCode)
	}
	key := fmt.Sprint(aid)
	r = s.c["teach"].PostForm(qg, url.Values{"attempt": {key}, "marks_" + key: {""}, "feedback_" + key: {"Explain more"}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "Enter the marks that go with this feedback") ||
		!strings.Contains(r.Body, `value="Explain more"`) {
		t.Fatalf("feedback without marks: %d", r.StatusCode)
	}
	r = s.c["teach"].PostForm(qg, url.Values{"attempt": {key}, "marks_" + key: {"2"}, "feedback_" + key: {"Fair"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("grade across attempts: %d %s", r.StatusCode, r.Body)
	}
	if att, _ = s.app.State.DB.AttemptByID(context.Background(), aid); att.PendingCount != 0 || att.Score != 2 {
		t.Fatalf("after grading: %+v", att)
	}
	// The results page offers a regrade, its field empty too.
	r = s.c["teach"].Get(page + "results/")
	if !strings.Contains(r.Body, "Regrade") || !strings.Contains(r.Body, "now 2") {
		t.Fatal("no regrade form on the results")
	}
	r = s.c["teach"].PostForm(queue, url.Values{"attempt": {key}, "question": {fmt.Sprint(s.short.ID)}, "marks": {"3"}})
	if att, _ = s.app.State.DB.AttemptByID(context.Background(), aid); r.StatusCode != http.StatusSeeOther || att.Score != 3 {
		t.Fatalf("regrade: %d %+v", r.StatusCode, att)
	}
}

// TestQuestionEditorRows: any number of answers; without JavaScript "Add another
// answer" shows the form again with one more (focused) row and saves nothing, and
// "Preview" shows the text formatted.
func TestQuestionEditorRows(t *testing.T) {
	t.Parallel()
	s := newQuizSite(t)
	add := fmt.Sprintf("/home/quizzes/%d/questions/", s.quizID)
	form := url.Values{"kind": {"mcq"}, "text": {"Which prints `hi`? <b>bold</b>"}, "marks": {"1"}, "explanation": {"**Because** it does"},
		"answer_id": {"0", "0", "0"}, "answer_text": {"`print('hi')`", "echo", ""}, "correct": {"0"}, "action": {"add_answer"}}
	r := s.c["teach"].PostForm(add, form)
	if r.StatusCode != 200 {
		t.Fatalf("add a row: %d", r.StatusCode)
	}
	newForm := regexp.MustCompile(`(?s)<section class="card" id="add-question".*?</section>\s*<section`).FindString(r.Body)
	rows := regexp.MustCompile(`<div class="answer-rows" data-answer-rows>(?s:(.*?))</div>\s*<template`).FindStringSubmatch(newForm)
	if rows == nil || strings.Count(rows[1], `name="answer_text"`) != 4 || strings.Count(rows[1], "autofocus") != 1 ||
		!strings.Contains(rows[1], `value="echo"`) {
		t.Fatalf("rows after adding one:\n%s", newForm)
	}
	if !strings.Contains(newForm, "<code>hi</code>") || !strings.Contains(newForm, "&lt;b&gt;bold&lt;/b&gt;") ||
		!strings.Contains(newForm, "<strong>Because</strong>") {
		t.Fatalf("the preview is not formatted, or not escaped:\n%s", newForm)
	}
	if qs, _ := s.app.State.DB.QuestionsOfQuiz(context.Background(), s.quizID); len(qs) != 3 {
		t.Fatalf("adding a row saved the question: %d questions", len(qs))
	}
	// Eight answers saved at once.
	form = url.Values{"kind": {"mcq"}, "text": {"Pick eight"}, "marks": {"1"}, "correct": {"7"}}
	for i := range 8 {
		form.Add("answer_id", "")
		form.Add("answer_text", fmt.Sprintf("option %d", i+1))
	}
	if r := s.c["teach"].PostForm(add, form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("eight answers: %d", r.StatusCode)
	}
	qs, _ := s.app.State.DB.QuestionsOfQuiz(context.Background(), s.quizID)
	last := qs[len(qs)-1]
	if len(last.Answers) != 8 || !last.Answers[7].IsCorrect {
		t.Fatalf("saved answers: %+v", last.Answers)
	}
	// The edit form of a saved question: its answers and one empty row; "Add another
	// answer" there saves nothing either.
	edit := fmt.Sprintf("/home/questions/%d/edit/", last.ID)
	form = url.Values{"kind": {"mcq"}, "text": {"Changed"}, "marks": {"1"}, "action": {"add_answer"}, "correct": {"0"},
		"answer_id": {fmt.Sprint(last.Answers[0].ID)}, "answer_text": {"option 1"}}
	if r := s.c["teach"].PostForm(edit, form); r.StatusCode != 200 || !strings.Contains(r.Body, "autofocus") {
		t.Fatalf("add a row to a saved question: %d", r.StatusCode)
	}
	if q, _ := s.app.State.DB.QuestionByID(context.Background(), last.ID); q.Text != "Pick eight" {
		t.Fatal("adding a row saved the edit")
	}
	// Managers only.
	if r := s.c["teach2"].PostForm(edit, form); r.StatusCode != http.StatusForbidden {
		t.Fatalf("another instructor adds a row: %d", r.StatusCode)
	}
	if r := s.c["stud"].PostForm(add, form); r.StatusCode != http.StatusForbidden {
		t.Fatalf("a student adds a row: %d", r.StatusCode)
	}
	// The automatic acceptance of a short answer is saved from the form.
	form = url.Values{"kind": {"short_answer"}, "text": {"Name a sort"}, "marks": {"2"}, "answer_id": {fmt.Sprint(s.short.Answers[0].ID)},
		"answer_text": {"Quicksort"}, "auto_accept": {"1"}}
	if r := s.c["teach"].PostForm(fmt.Sprintf("/home/questions/%d/edit/", s.short.ID), form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("auto accept: %d %s", r.StatusCode, r.Body)
	}
	if q, _ := s.app.State.DB.QuestionByID(context.Background(), s.short.ID); !q.AutoAccept {
		t.Fatal("auto accept not saved")
	}
}

// TestRichTextWhereShown: the text format is rendered (and HTML escaped) on the
// attempt page, the results, the grading queue, the builder and the analytics.
func TestRichTextWhereShown(t *testing.T) {
	t.Parallel()
	s := newQuizSite(t)
	ctx := context.Background()
	teach := mustUser(t, s.app, "teach")
	q, err := s.app.State.Quiz.AddQuestion(ctx, teach, s.quizID, quiz.QuestionInput{Kind: quiz.ShortAnswer, Marks: 1,
		Text: "What does `for i in range(5):` do? <script>alert(1)</script>", Explanation: "It loops **five** times.",
		Answers: []store.AnswerFields{{Text: "loops `5` times"}}})
	if err != nil {
		t.Fatal(err)
	}
	aid := s.start(t, "stud")
	page := fmt.Sprintf("/home/attempts/%d/", aid)
	code, escaped := "<code>for i in range(5):</code>", "&lt;script&gt;alert(1)&lt;/script&gt;"
	check := func(where, body string, more ...string) {
		t.Helper()
		if where != "the builder" && strings.Contains(body, "`for i") || strings.Contains(body, "<script>alert") {
			t.Errorf("%s shows raw marks or HTML", where)
		}
		for _, want := range append([]string{code, escaped}, more...) {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %s", where, want)
			}
		}
	}
	check("the attempt page", s.c["stud"].Get(page).Body)
	s.c["stud"].PostForm(page, url.Values{fmt.Sprintf("q%d", q.ID): {"it <i>loops</i>"}, "action": {"submit"}})
	res := s.c["stud"].Get(page + "results/").Body
	check("the results", res, "<strong>five</strong>", "loops <code>5</code> times", "it &lt;i&gt;loops&lt;/i&gt;")
	check("the grading queue", s.c["teach"].Get(fmt.Sprintf("/home/quizzes/%d/grading/", s.quizID)).Body, "loops <code>5</code> times")
	check("the question's grading", s.c["teach"].Get(fmt.Sprintf("/home/questions/%d/grading/", q.ID)).Body)
	check("the builder", s.c["teach"].Get(fmt.Sprintf("/home/quizzes/%d/", s.quizID)).Body)
	an := s.c["teach"].Get(fmt.Sprintf("/home/quizzes/%d/analytics/", s.quizID)).Body
	check("the analytics", an)
	if !strings.Contains(an, "What does for i in range(5): do?") {
		t.Error("the chart's title is not plain text")
	}
}

// TestQuizListsShowStatus: the Quizzes page and "my quizzes" give each quiz the
// viewer's status, best score and the right button; instructors get "New quiz".
func TestQuizListsShowStatus(t *testing.T) {
	t.Parallel()
	s := newQuizSite(t)
	stud := s.c["stud"]
	start := fmt.Sprintf(`action="/home/quizzes/%d/start/"`, s.quizID)
	card := func(body string) string {
		return regexp.MustCompile(fmt.Sprintf(`(?s)<li class="card quiz-card" data-quiz="%d">.*?quiz-card__actions.*?</div></li>`, s.quizID)).FindString(body)
	}
	c := card(stud.Get("/home/quizzes/").Body)
	if !strings.Contains(c, "Not started") || !strings.Contains(c, start) || !strings.Contains(c, ">Start<") {
		t.Fatalf("before any attempt:\n%s", c)
	}
	if strings.Contains(stud.Get("/home/quizzes/").Body, `href="/home/quizzes/new/"`) {
		t.Error("a student is offered New quiz")
	}
	if !strings.Contains(s.c["teach"].Get("/home/quizzes/").Body, `href="/home/quizzes/new/"`) {
		t.Error("no New quiz for the instructor")
	}
	aid := s.start(t, "stud")
	c = card(stud.Get("/home/quizzes/").Body)
	if !strings.Contains(c, "In progress") || !strings.Contains(c, fmt.Sprintf(`href="/home/attempts/%d/"`, aid)) || !strings.Contains(c, ">Continue<") {
		t.Fatalf("during the attempt:\n%s", c)
	}
	right := answerID(s.mcq, "4")
	stud.PostForm(fmt.Sprintf("/home/attempts/%d/", aid), url.Values{fmt.Sprintf("q%d", s.mcq.ID): {fmt.Sprint(right)},
		fmt.Sprintf("q%d", s.tf.ID): {fmt.Sprint(answerID(s.tf, "True"))}, "action": {"submit"}})
	c = card(stud.Get("/home/quizzes/my/").Body)
	if !strings.Contains(c, "Not passed") || !strings.Contains(c, "50 % (3 / 6)") || !strings.Contains(c, ">Retake<") || !strings.Contains(c, start) {
		t.Fatalf("after the attempt (my quizzes):\n%s", c)
	}
	if c := card(stud.Get("/home/quizzes/my/?tab=taken&status=passed").Body); c != "" {
		t.Fatalf("the filter kept a quiz not passed:\n%s", c)
	}
	if c := card(stud.Get("/home/quizzes/my/?tab=taken&status=not_passed").Body); c == "" {
		t.Fatal("the not-passed filter lost the quiz")
	}
	// The instructor's created tab: attempts and the grading queue.
	c = card(s.c["teach"].Get("/home/quizzes/my/").Body)
	if !strings.Contains(c, "1 attempt finished") || !strings.Contains(c, fmt.Sprintf(`/home/quizzes/%d/grading/`, s.quizID)) {
		t.Fatalf("created tab:\n%s", c)
	}
	// The results: score large, the band, Retake, the way back to the subject.
	res := stud.Get(fmt.Sprintf("/home/attempts/%d/results/", aid)).Body
	for _, want := range []string{"result-head--fail", "data-score-percent>50 %", "Not passed", "Pass mark 60 %", "data-retake",
		`href="/home/subjects/CS1/"`} {
		if !strings.Contains(res, want) {
			t.Errorf("results lack %s", want)
		}
	}
}

// TestCalendarPages: the month page lists a quiz closing; a new link is shown once
// and its feed answers iCalendar; the next link revokes it.
func TestCalendarPages(t *testing.T) {
	t.Parallel()
	s := newQuizSite(t)
	due := s.app.Clock.Now().UTC().Add(24 * 60 * 60 * 1e9).Format("2006-01-02T15:04")
	r := s.c["teach"].PostForm(fmt.Sprintf("/home/quizzes/%d/edit/", s.quizID), url.Values{"title": {"Basics"}, "time_limit_minutes": {"10"},
		"passing_percent": {"60"}, "max_attempts": {"0"}, "is_active": {"1"}, "due_at": {due}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("due date: %d %s", r.StatusCode, r.Body)
	}
	month := due[:7]
	page := s.c["stud"].Get("/home/calendar/?month=" + month)
	if !strings.Contains(page.Body, "Quiz closes: Basics") {
		t.Fatalf("the month lacks the quiz:\n%s", page.Body)
	}
	link := regexp.MustCompile(`value="https?://[^"]*(/calendar/[A-Za-z0-9_-]+\.ics)"`)
	r = s.c["stud"].PostForm("/home/calendar/link/", nil)
	m := link.FindStringSubmatch(r.Body)
	if r.StatusCode != 200 || m == nil || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("new link: %d %v", r.StatusCode, m)
	}
	if again := s.c["stud"].Get("/home/calendar/"); link.MatchString(again.Body) || !strings.Contains(again.Body, "is active") {
		t.Fatal("the link is shown again, or its state is not")
	}
	feed := s.app.Client().Get(m[1]) // no session: the secret is the key
	if feed.StatusCode != 200 || !strings.HasPrefix(feed.Header.Get("Content-Type"), "text/calendar") ||
		!strings.HasPrefix(feed.Body, "BEGIN:VCALENDAR\r\n") || !strings.Contains(feed.Body, "SUMMARY:Quiz closes: Basics\r\n") {
		t.Fatalf("feed: %d %s\n%s", feed.StatusCode, feed.Header.Get("Content-Type"), feed.Body)
	}
	r = s.c["stud"].PostForm("/home/calendar/link/", nil)
	if m2 := link.FindStringSubmatch(r.Body); m2 == nil || m2[1] == m[1] {
		t.Fatal("no new link")
	}
	if old := s.app.Client().Get(m[1]); old.StatusCode != 404 {
		t.Fatalf("the old link still answers: %d", old.StatusCode)
	}
}
