package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"eplatform/app/form"
	"eplatform/app/problem"
	"eplatform/app/quiz"
	"eplatform/app/store"
	"eplatform/app/text"
	"eplatform/views"
)

// ---- grading and analytics -------------------------------------------------------------

// modelsOf are a question's model answers (short answers) as the grader sees them.
func modelsOf(q store.Question) []string {
	var out []string
	for _, a := range q.Answers {
		if a.IsCorrect {
			out = append(out, a.Text)
		}
	}
	return out
}

func (h *Web) gradingPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	q, err := h.st.Quiz.GradingQueue(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	d := views.GradingData{Quiz: summaryOf(r.Context(), q.Access, h.st.Now()), Action: quiz.GradingURL(id)}
	number := map[int64]int{}
	qs, err := h.st.Quiz.Quiz(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	for i, x := range qs.Questions {
		number[x.ID] = i + 1
	}
	for _, qq := range q.Questions {
		d.Questions = append(d.Questions, views.GradeQuestionTab{Number: number[qq.Question.ID], Text: qq.Question.Text,
			Pending: qq.Pending, URL: quiz.QuestionGradingURL(qq.Question.ID)})
	}
	for _, p := range q.Pending {
		d.Items = append(d.Items, views.GradeItem{AttemptID: p.AttemptID, QuestionID: p.QuestionID, Student: p.User.DisplayName(),
			Username: p.User.Username, Question: p.Question, Models: modelsOf(q.Question(p.QuestionID)), Answer: p.Text,
			Marks: p.Marks, Finished: dueText(r.Context(), p.FinishedAt), ResultsURL: quiz.ResultsURL(p.AttemptID)})
	}
	h.render(w, r, http.StatusOK, views.GradingPage(h.page(w, r, "Grading", "quizzes"), d))
}

func (h *Web) gradeAnswer(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok || !h.parseForm(w, r, 64<<10) || !h.allow(w, r, h.st.Limits.Quiz) {
		return
	}
	u, _ := identity(r.Context())
	// The hidden fields name an attempt of this quiz and its question; anything else
	// names nothing there.
	attemptID, err := strconv.ParseInt(r.PostFormValue("attempt"), 10, 64)
	if err != nil {
		h.fail(w, r, store.ErrNotFound, "")
		return
	}
	questionID, err := strconv.ParseInt(r.PostFormValue("question"), 10, 64)
	if err != nil {
		h.fail(w, r, store.ErrNotFound, "")
		return
	}
	if att, _, err := h.st.Quiz.Attempt(r.Context(), u, attemptID); err != nil || att.QuizID != id {
		if err == nil {
			err = store.ErrNotFound
		}
		h.fail(w, r, err, "")
		return
	}
	back := quiz.GradingURL(id)
	if ref := safeNext(r.PostFormValue("next")); ref != "" {
		back = ref
	}
	marks, err := quiz.MarksFrom(r.PostFormValue("marks"))
	var att store.Attempt
	if err == nil {
		att, err = h.st.Quiz.Grade(r.Context(), u, attemptID, questionID, marks, r.PostFormValue("feedback"))
	}
	if err != nil {
		h.fail(w, r, err, back)
		return
	}
	h.flash(w, r, "success", fmt.Sprintf("Graded: the attempt now scores %d / %d.", att.Score, att.MaxScore))
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// questionGradingPage is one short-answer question across every attempt.
func (h *Web) questionGradingPage(w http.ResponseWriter, r *http.Request) {
	h.showQuestionGrading(w, r, http.StatusOK, nil, nil)
}

func (h *Web) showQuestionGrading(w http.ResponseWriter, r *http.Request, status int, errs form.Errors, typed map[int64][2]string) {
	id, ok := h.quizID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	g, err := h.st.Quiz.QuestionAnswers(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	v, err := h.st.Quiz.Quiz(r.Context(), u, g.Quiz.ID)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	d := views.QuestionGradingData{Quiz: summaryOf(r.Context(), g.Access, h.st.Now()), Question: g.Question.Text, Models: modelsOf(g.Question),
		Marks: g.Question.Marks, AutoAccept: g.Question.AutoAccept, Action: quiz.QuestionGradingURL(id),
		QueueURL: quiz.GradingURL(g.Quiz.ID), Pending: g.Pending, Errors: formErrors(errs), Typed: typed}
	for i, x := range v.Questions {
		if x.ID == id {
			d.Number = i + 1
		}
	}
	for _, a := range g.Answers {
		it := views.GradeItem{AttemptID: a.AttemptID, QuestionID: id, Student: a.User.DisplayName(), Username: a.User.Username,
			Answer: a.Text, Marks: g.Question.Marks, Feedback: a.Feedback, Finished: dueText(r.Context(), a.FinishedAt),
			ResultsURL: quiz.ResultsURL(a.AttemptID), Auto: a.GradedBy == 0 && !a.GradedAt.IsZero()}
		if a.MarksAwarded != nil {
			it.Awarded = strconv.Itoa(*a.MarksAwarded)
		}
		d.Items = append(d.Items, it)
	}
	h.render(w, r, status, views.QuestionGradingPage(h.page(w, r, "Grading", "quizzes"), d))
}

// gradeQuestion saves the question-across-attempts form: marks_{attempt} and
// feedback_{attempt} for each attempt listed in attempt; rows without marks stay as
// they are. A refusal shows the form again with what was typed, nothing saved.
func (h *Web) gradeQuestion(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok || !h.parseForm(w, r, 1<<20) || !h.allow(w, r, h.st.Limits.Quiz) {
		return
	}
	u, _ := identity(r.Context())
	var rows []quiz.GradeIn
	typed := map[int64][2]string{}
	errs := form.Errors{}
	for _, raw := range r.PostForm["attempt"] {
		aid, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || aid <= 0 {
			h.fail(w, r, store.ErrNotFound, "")
			return
		}
		key := text.Itoa(aid)
		m, f := r.PostFormValue("marks_"+key), r.PostFormValue("feedback_"+key)
		typed[aid] = [2]string{m, f}
		in := quiz.GradeIn{AttemptID: aid, Feedback: f}
		if strings.TrimSpace(m) != "" {
			n, err := quiz.MarksFrom(m)
			if err != nil {
				errs.Add("marks_"+key, "Enter a whole number.")
			}
			in.Marks = &n
		}
		rows = append(rows, in)
	}
	var n int
	var err error
	if len(errs) > 0 {
		// Only the question's managers learn anything from the form.
		if _, _, err = h.st.Quiz.Question(r.Context(), u, id); err == nil {
			err = problem.Fields(errs)
		}
	} else {
		n, err = h.st.Quiz.GradeQuestion(r.Context(), u, id, rows)
	}
	if fields, ok := invalidFields(r, err); ok {
		h.showQuestionGrading(w, r, http.StatusBadRequest, fields, typed)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	switch n {
	case 0:
		h.flash(w, r, "info", "Nothing graded: type marks for the answers to grade.")
	case 1:
		h.flash(w, r, "success", "1 answer graded.")
	default:
		h.flash(w, r, "success", strconv.Itoa(n)+" answers graded.")
	}
	http.Redirect(w, r, quiz.QuestionGradingURL(id), http.StatusSeeOther)
}

func (h *Web) analyticsPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	st, err := h.st.Quiz.Analytics(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	d := views.AnalyticsData{Quiz: summaryOf(r.Context(), st.Access, h.st.Now()), Count: st.Count, Average: fmt.Sprintf("%.1f %%", st.Average),
		Median: fmt.Sprintf("%.1f %%", st.Median), PassRate: st.PassRate, AverageTime: duration(st.AverageTime),
		ExportURL: quiz.QuizURL(id) + "export.csv"}
	var hist, per []chartValue
	for i, n := range st.Histogram {
		label := fmt.Sprintf("%d–%d", i*10, i*10+9)
		if i == 9 {
			label = "90–100"
		}
		hist = append(hist, chartValue{label, n, strconv.Itoa(n), fmt.Sprintf("%d attempts scored %s %%", n, label)})
	}
	for i, q := range st.Questions {
		per = append(per, chartValue{"Q" + strconv.Itoa(i+1), q.Percent, strconv.Itoa(q.Percent) + "%",
			fmt.Sprintf("Q%d: %d %% correct — %s", i+1, q.Percent, text.RichPlain(q.Question.Text))})
		d.Questions = append(d.Questions, views.QuestionStatRow{Number: i + 1, Kind: quiz.KindLabel(q.Question.Kind),
			Text: q.Question.Text, Marks: q.Question.Marks, Percent: q.Percent})
	}
	d.Histogram = barChart("Score distribution (% of marks)", hist, 0)
	d.PerQuestion = barChart("Correct answers per question (%)", per, 100)
	for i := len(st.Attempts) - 1; i >= 0 && len(d.Rows) < 200; i-- {
		a := st.Attempts[i]
		d.Rows = append(d.Rows, views.AttemptStatRow{Student: a.User.DisplayName(), Username: a.User.Username, Number: a.Number, Status: statusLabel(a.Status),
			Score: fmt.Sprintf("%d / %d", a.Score, a.MaxScore), Percent: quiz.Percent(a), Passed: quiz.Passed(a, st.Quiz.PassingPercent),
			Pending: a.PendingCount > 0, Duration: duration(a.FinishedAt.Sub(a.StartedAt)), URL: quiz.ResultsURL(a.ID)})
	}
	h.render(w, r, http.StatusOK, views.AnalyticsPage(h.page(w, r, "Analytics", "quizzes"), d))
}

type chartValue struct {
	label string
	value int
	text  string
	title string
}

// barChart lays out an SVG bar chart; max 0 scales to the largest value.
func barChart(title string, vals []chartValue, maxV int) views.Chart {
	const width, height, top, bottom = 640, 240, 20, 24
	c := views.Chart{Title: title, Width: width, Height: height, Baseline: height - bottom, Empty: len(vals) == 0}
	if maxV == 0 {
		for _, v := range vals {
			maxV = max(maxV, v.value)
		}
	}
	if len(vals) == 0 || maxV == 0 {
		maxV = 1
	}
	slot := width / max(len(vals), 1)
	for i, v := range vals {
		h := v.value * (height - top - bottom) / maxV
		w := max(slot*7/10, 2)
		x := i*slot + (slot-w)/2
		c.Bars = append(c.Bars, views.Bar{Label: v.label, Value: v.text, X: x, Y: c.Baseline - h, W: w, H: h,
			LabelX: x + w/2, Title: v.title})
	}
	return c
}

func duration(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// exportCSV writes every finished attempt of a quiz.
func (h *Web) exportCSV(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	st, err := h.st.Quiz.Analytics(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="quiz-%d-attempts.csv"`, id))
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	rows := [][]string{{"attempt_id", "username", "first_name", "last_name", "attempt_number", "status", "started_at",
		"finished_at", "duration_seconds", "score", "max_score", "percent", "passed", "pending_count", "answered"}}
	for _, a := range st.Attempts {
		rows = append(rows, []string{text.Itoa(a.ID), csvSafe(a.User.Username), csvSafe(a.User.FirstName), csvSafe(a.User.LastName),
			strconv.Itoa(a.Number), a.Status, a.StartedAt.Format(time.RFC3339), a.FinishedAt.Format(time.RFC3339),
			strconv.Itoa(int(a.FinishedAt.Sub(a.StartedAt).Seconds())), strconv.Itoa(a.Score), strconv.Itoa(a.MaxScore),
			strconv.Itoa(quiz.Percent(a)), strconv.FormatBool(quiz.Passed(a, st.Quiz.PassingPercent)),
			strconv.Itoa(a.PendingCount), strconv.Itoa(a.AnsweredCount)})
	}
	// The status is sent: a write that fails now is a client gone mid-download, worth
	// a line in the log only.
	if err := cw.WriteAll(rows); err != nil {
		h.st.Log.WarnContext(r.Context(), "quiz export cut off", "quiz", id, "err", err)
	}
}

// csvSafe keeps a spreadsheet from running a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
