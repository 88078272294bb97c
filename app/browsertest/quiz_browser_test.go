package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"eplatform/app/apptest"
	"eplatform/app/learn"
	"eplatform/app/quiz"
	"eplatform/app/store"
)

// TestQuizBuildTakeGrade: an instructor builds a quiz of the three question types in
// the builder; an enrolled student takes it against the timer (autosave, answers
// re-selected on reload, the 2-minute warning, a confirm before submit) and sees the
// score; the instructor grades the short answer and the student's open results page
// shows the new score without a reload.
func TestQuizBuildTakeGrade(t *testing.T) {
	app := apptest.StartRelaxed(t)
	app.User("tina", "instructor")
	app.User("sam", "student")
	ctx := context.Background()
	tina, _ := app.State.DB.UserByUsername(ctx, "tina")
	sam, _ := app.State.DB.UserByUsername(ctx, "sam")
	subj, err := app.State.Learn.CreateSubject(ctx, tina, learn.SubjectInput{Name: learn.Str("Introduction to Go"), Code: learn.Str("GO101")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.State.Learn.Enroll(ctx, sam, subj.ID); err != nil {
		t.Fatal(err)
	}

	teacher := New(t)
	logIn(t, teacher, app, "tina")
	teacher.Navigate(app.URL + "/home/subjects/GO101/quizzes/")
	teacher.SetValue("#id_title", "Go basics")
	teacher.SetValue("#id_time_limit_minutes", "10")
	teacher.Submit("form[action='/home/subjects/GO101/quizzes/']")
	if got := teacher.Text(".quiz-head h1"); got != "Go basics" {
		t.Fatalf("quiz page title %q", got)
	}
	add := "section[aria-labelledby=add-question-title] form"
	fill := func(kind, text, marks string, answers []string, correct int) {
		t.Helper()
		teacher.SetValue(add+" select[name=kind]", kind)
		teacher.SetValue(add+" textarea[name=text]", text)
		teacher.SetValue(add+" input[name=marks]", marks)
		for i, a := range answers {
			teacher.SetValue(fmt.Sprintf("%s .answer-row:nth-of-type(%d) input[name=answer_text]", add, i+1), a)
		}
		if correct >= 0 {
			teacher.Click(fmt.Sprintf("%s .answer-row:nth-of-type(%d) input[name=correct]", add, correct+1))
		}
	}
	fill("mcq", "Which keyword starts a goroutine?", "2", []string{"defer", "go", "chan"}, 1)
	teacher.Submit(add)
	// True/false: the answer fields give way to the True/False choice.
	teacher.SetValue(add+" select[name=kind]", "true_false")
	teacher.WaitNotVisible(add + " input[name=answer_text]")
	teacher.SetValue(add+" textarea[name=text]", "Slices are passed by reference to their backing array.")
	teacher.Click(add + " input[name=tf_correct][value=true]")
	teacher.Submit(add)
	fill("short_answer", "Name the tool that formats Go code.", "2", []string{"gofmt"}, -1)
	teacher.Submit(add)
	if n := teacher.Text("#questions-title + ol, .quiz-questions"); !strings.Contains(n, "goroutine") || !strings.Contains(n, "formats Go code") {
		t.Fatalf("questions: %q", n)
	}
	if got := teacher.Text(".quiz-facts"); !strings.Contains(got, "3 questions") || !strings.Contains(got, "5 marks") {
		t.Fatalf("facts: %q", got)
	}
	teacher.Screenshot("quiz-builder")
	// Drag and drop the short answer to the top (the arrows are the keyboard way).
	teacher.Eval(`(() => {
		const items = document.querySelectorAll(".quiz-questions > li"), last = items[2], first = items[0];
		const dt = new DataTransfer(), r = first.getBoundingClientRect();
		last.dispatchEvent(new DragEvent("dragstart", {bubbles: true, dataTransfer: dt}));
		first.dispatchEvent(new DragEvent("dragover", {bubbles: true, cancelable: true, dataTransfer: dt, clientY: r.top + 2}));
		first.dispatchEvent(new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: dt}));
		last.dispatchEvent(new DragEvent("dragend", {bubbles: true, dataTransfer: dt}));
	})()`, nil)
	teacher.WaitFor(func() bool {
		qz, _ := app.State.DB.QuizzesOfSubject(ctx, subj.ID)
		qs, _ := app.State.DB.QuestionsOfQuiz(ctx, qz[0].ID)
		return len(qs) == 3 && qs[0].Kind == "short_answer"
	})

	student := New(t)
	logIn(t, student, app, "sam")
	student.Navigate(strings.SplitN(teacher.Location(), "#", 2)[0])
	student.ClickAndWait("[data-start-quiz]")
	student.WaitJS(`/^\d+:\d\d$/.test(document.querySelector("[data-remaining]").textContent)`)
	if left := student.Text("[data-remaining]"); !strings.HasPrefix(left, "10:") && !strings.HasPrefix(left, "9:") {
		t.Fatalf("countdown %q", left)
	}
	pick := func(text string) {
		t.Helper()
		student.Eval(fmt.Sprintf(`(() => {
			const l = Array.from(document.querySelectorAll(".take-option")).find(l => l.textContent.trim() === %q);
			l.querySelector("input").click();
		})()`, text), nil)
	}
	pick("go")
	student.WaitJS(`document.querySelector("[data-save-status]").textContent.startsWith("Saved")`)
	pick("False") // wrong
	student.WaitJS(`document.querySelector("[data-save-status]").textContent.startsWith("Saved")`)
	student.SetValue("textarea[name^=q]", "go fmt")
	student.Eval(`document.querySelector("textarea[name^=q]").dispatchEvent(new Event("change", {bubbles: true}))`, nil)
	student.WaitFor(func() bool {
		a, _ := app.State.DB.AttemptByID(ctx, 1)
		answers, _ := app.State.DB.AnswersOfAttempt(ctx, a.ID)
		return len(answers) == 3
	})
	// The countdown survives a reload and the answers come back selected; with under
	// two minutes left the warning shows.
	app.Clock.Advance(8*time.Minute + 30*time.Second)
	student.Reload()
	student.WaitVisible("[data-warning]")
	if left := student.Text("[data-remaining]"); !strings.HasPrefix(left, "1:") {
		t.Fatalf("countdown after reload %q", left)
	}
	student.WaitJS(`Array.from(document.querySelectorAll(".take-option")).filter(l => l.querySelector("input").checked).map(l => l.textContent.trim()).join() === "go,False"`)
	student.WaitJS(`document.querySelector("textarea[name^=q]").value === "go fmt"`)
	student.Screenshot("quiz-taking")
	student.Click("button[data-submit]")
	student.WaitJS(`location.pathname.endsWith("/results/")`)
	student.WaitVisible("[data-score-value]")
	if got := student.Text("[data-score-value]"); got != "2 / 5" {
		t.Fatalf("score %q", got)
	}
	if d := student.Dialogs(); len(d) != 1 || !strings.Contains(d[0], "Submit your answers?") {
		t.Fatalf("dialogs %v", d)
	}
	if got := student.Text("[data-result]"); !strings.Contains(got, "Waiting for grading") {
		t.Fatalf("result %q", got)
	}

	// The instructor grades the short answer from the queue, while the student's
	// results page stays open: it shows the new score by itself.
	student.WaitJS(`document.documentElement.dataset.live === "open"`)
	quizzes, err := app.State.DB.QuizzesOfSubject(ctx, subj.ID)
	if err != nil || len(quizzes) != 1 {
		t.Fatalf("quizzes: %v", err)
	}
	teacher.Navigate(fmt.Sprintf("%s/home/quizzes/%d/grading/", app.URL, quizzes[0].ID))
	if got := teacher.Text(".grade-answer"); got != "go fmt" {
		t.Fatalf("queue shows %q", got)
	}
	teacher.SetValue(".grade-form input[name=marks]", "2")
	teacher.SetValue(".grade-form input[name=feedback]", "Right: gofmt or go fmt.")
	teacher.Submit(".grade-form")

	student.WaitJS(`(document.querySelector("[data-score-value]") || {}).textContent === "4 / 5"`)
	if got := student.Text("[data-score-value]"); got != "4 / 5" {
		t.Fatalf("score after grading %q", got)
	}
	if got := student.Text("[data-result]"); got != "Passed" {
		t.Fatalf("result after grading %q", got)
	}
	student.Screenshot("quiz-results")
	teacher.Navigate(fmt.Sprintf("%s/home/quizzes/%d/analytics/", app.URL, quizzes[0].ID))
	if got := teacher.Text("[data-stat=pass-rate]"); got != "100 %" {
		t.Fatalf("pass rate %q", got)
	}
	teacher.Screenshot("quiz-analytics")
}

// TestQuizTimeUpGoesToResults: when the server's deadline has passed, the next
// autosave is refused by the API (409) and the page goes to the results, which keep
// the answers saved in time.
func TestQuizTimeUpGoesToResults(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	tina, sam := app.Account("tina", "instructor"), app.Account("sam", "student")
	subj, err := app.State.Learn.CreateSubject(ctx, tina, learn.SubjectInput{Name: learn.Str("Introduction to Go"), Code: learn.Str("GO101")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.State.Learn.Enroll(ctx, sam, subj.ID); err != nil {
		t.Fatal(err)
	}
	title, minutes := "Quick check", 5
	qz, err := app.State.Quiz.CreateQuiz(ctx, tina, subj.ID, quiz.QuizInput{Title: &title, TimeLimitMinutes: &minutes})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"Go has goroutines.", "Go has classes."} {
		if _, err := app.State.Quiz.AddQuestion(ctx, tina, qz.ID, quiz.QuestionInput{Kind: quiz.TrueFalse, Text: text, Marks: 1, Correct: text == "Go has goroutines."}); err != nil {
			t.Fatal(err)
		}
	}
	student := New(t)
	student.AllowConsoleErrors("status of 409")
	logIn(t, student, app, "sam")
	student.Navigate(fmt.Sprintf("%s/home/quizzes/%d/", app.URL, qz.ID))
	student.ClickAndWait("[data-start-quiz]")
	pick := func(question, answer int) {
		t.Helper()
		student.Eval(fmt.Sprintf(`document.querySelectorAll(".take-question")[%d].querySelectorAll("input[type=radio]")[%d].click()`, question, answer), nil)
	}
	pick(0, 0) // True: right
	student.WaitJS(`document.querySelector("[data-save-status]").textContent.startsWith("Saved")`)
	// The server's clock passes the deadline; the page's countdown has not run out.
	app.Clock.Advance(5*time.Minute + time.Second)
	pick(1, 0) // too late
	student.WaitJS(`location.pathname.endsWith("/results/")`)
	student.WaitVisible("[data-score-value]")
	if got := student.Text("[data-score-value]"); got != "1 / 2" {
		t.Fatalf("score %q", got)
	}
}

// TestQuizTimerStaysInView: on a laptop (1280 × 800) and a phone (360 × 740), the bar
// with the time left and "N of M answered" stays in view, under the sticky header and
// not covered by it, wherever the student scrolls; the page is no wider than the
// screen; a tap anywhere on an answer's row chooses it, arrow keys move between a
// question's answers, and the count follows.
func TestQuizTimerStaysInView(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	tina, sam := app.Account("tina", "instructor"), app.Account("sam", "student")
	subj, err := app.State.Learn.CreateSubject(ctx, tina, learn.SubjectInput{Name: learn.Str("Introduction to Go"), Code: learn.Str("GO101")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.State.Learn.Enroll(ctx, sam, subj.ID); err != nil {
		t.Fatal(err)
	}
	title, minutes := "Midterm", 45
	qz, err := app.State.Quiz.CreateQuiz(ctx, tina, subj.ID, quiz.QuizInput{Title: &title, TimeLimitMinutes: &minutes})
	if err != nil {
		t.Fatal(err)
	}
	const n = 12
	for i := range n {
		text := fmt.Sprintf("Question %d: what does this print?\n```go\nfor i := range %d {\n\tfmt.Println(i * i) // a long line of code that a phone must scroll sideways inside its block\n}\n```", i+1, i+2)
		if _, err := app.State.Quiz.AddQuestion(ctx, tina, qz.ID, quiz.QuestionInput{Kind: quiz.MCQ, Text: text, Marks: 1,
			Answers: []store.AnswerFields{{Text: "`0 1 4`", IsCorrect: true}, {Text: "**nothing**"}, {Text: "a compile error"}, {Text: "it depends"}}}); err != nil {
			t.Fatal(err)
		}
	}
	b := New(t)
	logIn(t, b, app, "sam")
	b.Navigate(fmt.Sprintf("%s/home/quizzes/%d/", app.URL, qz.ID))
	b.ClickAndWait("[data-start-quiz]")
	attempt := b.Location()

	// inView reports where the bar is, whether it is inside the viewport, below the
	// header's bottom edge, and the topmost element at its timer's centre.
	type place struct {
		Top, Bottom, HeaderBottom, Width, ViewW, ViewH, DocW float64
		Hit                                                  bool
		ScrollY, MaxScroll                                   float64
	}
	check := func(label string, frac float64) {
		t.Helper()
		var p place
		b.Eval(fmt.Sprintf(`(() => {
			const max = document.documentElement.scrollHeight - innerHeight;
			window.scrollTo(0, Math.round(max * %v));
			const bar = document.querySelector("[data-quiz-bar]").getBoundingClientRect();
			const header = document.querySelector(".site-header").getBoundingClientRect();
			const timer = document.querySelector("[data-remaining]").getBoundingClientRect();
			const hit = document.elementFromPoint(timer.left + timer.width / 2, timer.top + timer.height / 2);
			return {Top: bar.top, Bottom: bar.bottom, HeaderBottom: Math.max(0, header.bottom), Width: bar.width,
				ViewW: innerWidth, ViewH: innerHeight, DocW: document.documentElement.scrollWidth,
				Hit: !!hit && !!hit.closest("[data-quiz-bar]"), ScrollY: scrollY, MaxScroll: max};
		})()`, frac), &p)
		if p.Top < p.HeaderBottom-0.5 || p.Bottom > p.ViewH || p.Top < 0 || !p.Hit {
			t.Errorf("%s at %.0f%% (scrollY %.0f of %.0f): bar %.0f–%.0f, header ends at %.0f, viewport %.0f high, timer on top: %v",
				label, frac*100, p.ScrollY, p.MaxScroll, p.Top, p.Bottom, p.HeaderBottom, p.ViewH, p.Hit)
		}
		if p.DocW > p.ViewW {
			t.Errorf("%s: the page is %.0f px wide in a %.0f px viewport", label, p.DocW, p.ViewW)
		}
		if frac > 0 && p.MaxScroll < p.ViewH {
			t.Errorf("%s: the page hardly scrolls (%.0f px): the test proves nothing", label, p.MaxScroll)
		}
	}
	for _, vp := range []struct {
		name string
		w, h int
	}{{"laptop", 1280, 800}, {"phone", 360, 740}} {
		b.SetViewport(vp.w, vp.h)
		b.Navigate(attempt)
		b.WaitJS(`/^\d+:\d\d$/.test(document.querySelector("[data-remaining]").textContent)`)
		for _, frac := range []float64{0, 0.1, 0.33, 0.5, 0.8, 1} {
			check(vp.name, frac)
		}
		b.Screenshot("quiz-timer-" + vp.name)
	}

	// On the phone: tap the text of the second answer of question 3 (not its radio).
	b.Eval(`document.querySelectorAll(".take-question")[2].scrollIntoView({block: "center"})`, nil)
	b.Click(".take-question:nth-child(3) .take-option:nth-child(2) .take-option__text")
	b.WaitJS(`document.querySelector(".take-question:nth-child(3) .take-option:nth-child(2) input").checked`)
	b.WaitJS(`document.querySelector("[data-answered-text]").textContent.trim() === "1 of 12 answered"`)
	// The keyboard: the arrow key moves the choice to the next answer, as radios do.
	b.Eval(`document.querySelector(".take-question:nth-child(3) .take-option:nth-child(2) input").focus()`, nil)
	b.do("press the down arrow", chromedp.KeyEvent(kb.ArrowDown))
	b.WaitJS(`document.querySelector(".take-question:nth-child(3) .take-option:nth-child(3) input").checked`)
	b.WaitJS(`document.querySelector("[data-save-status]").textContent.startsWith("Saved")`)
	b.WaitFor(func() bool {
		atts, _ := app.State.DB.AttemptsOfUser(ctx, qz.ID, sam.ID)
		if len(atts) != 1 {
			return false
		}
		saved, _ := app.State.DB.AnswersOfAttempt(ctx, atts[0].ID)
		return len(saved) == 1
	})
	// The formatted text: code blocks, inline code and bold, no marks left.
	var shown struct{ Pre, Code, Strong, Ticks int }
	b.Eval(`({Pre: document.querySelectorAll(".take-question pre code").length,
		Code: document.querySelectorAll(".take-option code").length,
		Strong: document.querySelectorAll(".take-option strong").length,
		Ticks: (document.querySelector(".take-list").textContent.match(/`+"`"+`/g) || []).length})`, &shown)
	if shown.Pre != n || shown.Code != n || shown.Strong != n || shown.Ticks != 0 {
		t.Errorf("formatted text: %+v", shown)
	}
}

// TestQuizPagesFitPhones: every quiz and calendar page, for a student and for their
// instructor, is no wider than a 360 px phone (long code, long names and tables
// included).
func TestQuizPagesFitPhones(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	tina, sam := app.Account("tina", "instructor"), app.Account("sam", "student")
	subj, err := app.State.Learn.CreateSubject(ctx, tina, learn.SubjectInput{Name: learn.Str("Introduction to Go"), Code: learn.Str("GO101")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.State.Learn.Enroll(ctx, sam, subj.ID); err != nil {
		t.Fatal(err)
	}
	title, due := "A quiz with a rather long title that has to wrap on a phone", app.Clock.Now().Add(48*time.Hour).UTC().Format(time.RFC3339)
	qz, err := app.State.Quiz.CreateQuiz(ctx, tina, subj.ID, quiz.QuizInput{Title: &title, Due: &due})
	if err != nil {
		t.Fatal(err)
	}
	long := "```\n" + strings.Repeat("averyveryverylongidentifierwithoutanybreak", 3) + " := 1\n```\nand `" + strings.Repeat("x", 80) + "`"
	mcq, err := app.State.Quiz.AddQuestion(ctx, tina, qz.ID, quiz.QuestionInput{Kind: quiz.MCQ, Text: long, Marks: 1,
		Answers: []store.AnswerFields{{Text: strings.Repeat("y", 90), IsCorrect: true}, {Text: "no"}}})
	if err != nil {
		t.Fatal(err)
	}
	short, err := app.State.Quiz.AddQuestion(ctx, tina, qz.ID, quiz.QuestionInput{Kind: quiz.ShortAnswer, Text: long, Marks: 2,
		Explanation: long, Answers: []store.AnswerFields{{Text: strings.Repeat("z", 90)}}})
	if err != nil {
		t.Fatal(err)
	}
	att, _, err := app.State.Quiz.Start(ctx, sam, qz.ID)
	if err != nil {
		t.Fatal(err)
	}
	answer := strings.Repeat("w", 120)
	if _, err := app.State.Quiz.Save(ctx, sam, att.ID, []quiz.AnswerIn{{QuestionID: short.ID, Text: &answer},
		{QuestionID: mcq.ID, AnswerID: mcq.Answers[0].ID}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := app.State.Quiz.Submit(ctx, sam, att.ID); err != nil {
		t.Fatal(err)
	}
	open, _, err := app.State.Quiz.Start(ctx, sam, qz.ID)
	if err != nil {
		t.Fatal(err)
	}
	fit := func(b *Browser, who string, paths ...string) {
		t.Helper()
		for _, p := range paths {
			b.Navigate(app.URL + p)
			var w struct{ Doc, View float64 }
			b.Eval(`({Doc: document.documentElement.scrollWidth, View: innerWidth})`, &w)
			if w.Doc > w.View {
				// Name the widest elements that stick out, innermost first.
				var culprits []string
				b.Eval(`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > innerWidth + 1 &&
					!Array.from(e.children).some(c => c.getBoundingClientRect().right > innerWidth + 1)).slice(0, 5)
					.map(e => e.tagName.toLowerCase() + "." + Array.from(e.classList).join(".") + " " + Math.round(e.getBoundingClientRect().right))`, &culprits)
				t.Errorf("%s %s: %.0f px wide at %.0f: %v", who, p, w.Doc, w.View, culprits)
				b.Screenshot("too-wide")
			}
		}
	}
	q := fmt.Sprintf("/home/quizzes/%d/", qz.ID)
	student := New(t)
	student.SetViewport(360, 740)
	logIn(t, student, app, "sam")
	fit(student, "student", "/home/quizzes/", "/home/quizzes/my/", q, fmt.Sprintf("/home/attempts/%d/", open.ID),
		fmt.Sprintf("/home/attempts/%d/results/", att.ID), "/home/calendar/", "/home/subjects/GO101/quizzes/")
	teacher := New(t)
	teacher.SetViewport(360, 740)
	logIn(t, teacher, app, "tina")
	fit(teacher, "teacher", "/home/quizzes/", "/home/quizzes/my/", "/home/quizzes/my/?tab=taken", "/home/quizzes/new/", q,
		q+"grading/", fmt.Sprintf("/home/questions/%d/grading/", short.ID), q+"analytics/",
		fmt.Sprintf("/home/attempts/%d/results/", att.ID), "/home/calendar/")
	// The calendar link, just made.
	teacher.Navigate(app.URL + "/home/calendar/")
	teacher.ClickAndWait(".cal-feed button[type=submit]")
	var w struct{ Doc, View float64 }
	teacher.Eval(`({Doc: document.documentElement.scrollWidth, View: innerWidth})`, &w)
	if w.Doc > w.View || !strings.Contains(teacher.Attr("[data-feed-url]", "value"), "/calendar/") {
		t.Errorf("the new link: %.0f px wide at %.0f", w.Doc, w.View)
	}
	teacher.Screenshot("calendar-phone")
}
