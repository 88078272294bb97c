package web

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"eplatform/app/form"
	"eplatform/app/learn"
	"eplatform/app/media"
	"eplatform/app/problem"
	"eplatform/app/quiz"
	"eplatform/app/store"
	"eplatform/app/text"
	"eplatform/views"
)

func (h *Web) quizID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, store.ErrNotFound, "")
		return 0, false
	}
	return id, true
}

func summaryOf(a quiz.Access) views.QuizSummary {
	q := a.Quiz
	return views.QuizSummary{ID: q.ID, Title: q.Title, Description: q.Description, URL: quiz.QuizURL(q.ID),
		SubjectName: a.Subject.Name, SubjectURL: learn.SubjectURL(a.Subject.Code), TimeLimit: q.TimeLimitMinutes,
		PassingPercent: q.PassingPercent, MaxAttempts: q.MaxAttempts, TotalMarks: q.TotalMarks,
		QuestionCount: q.QuestionCount, Active: q.IsActive, Randomized: q.IsRandomized, Manage: a.Manage}
}

func quizFormOf(q store.Quiz, action string) views.QuizForm {
	return views.QuizForm{Action: action, Title: q.Title, Description: q.Description,
		TimeLimit: strconv.Itoa(q.TimeLimitMinutes), PassingPercent: strconv.Itoa(q.PassingPercent),
		MaxAttempts: strconv.Itoa(q.MaxAttempts), Randomized: q.IsRandomized, Active: q.IsActive}
}

// quizInput reads the settings form; a number that does not parse is a field error.
func quizInput(r *http.Request) (quiz.QuizInput, form.Errors) {
	errs := form.Errors{}
	in := quiz.QuizInput{Title: ptr(r.PostFormValue("title")), Description: ptr(r.PostFormValue("description")),
		IsRandomized: ptr(r.PostFormValue("is_randomized") != ""), IsActive: ptr(r.PostFormValue("is_active") != "")}
	num := func(name string) *int {
		v := strings.TrimSpace(r.PostFormValue(name))
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs.Add(name, "Enter a whole number.")
			return nil
		}
		return &n
	}
	in.TimeLimitMinutes, in.PassingPercent, in.MaxAttempts = num("time_limit_minutes"), num("passing_percent"), num("max_attempts")
	return in, errs
}

func ptr[T any](v T) *T { return &v }

// ---- lists ---------------------------------------------------------------------------

func (h *Web) quizzesPage(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	rows, err := h.st.Quiz.Mine(r.Context(), u)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	d := views.QuizListData{Heading: "Quizzes"}
	for _, row := range rows {
		s := summaryOf(quiz.Access{Quiz: row.Quiz, Subject: store.Subject{Name: row.SubjectName, Code: row.SubjectCode}})
		s.Manage = row.Teaching
		d.Quizzes = append(d.Quizzes, s)
	}
	h.render(w, r, http.StatusOK, views.QuizListPage(h.page(w, r, "Quizzes", "quizzes"), d))
}

func (h *Web) subjectQuizzes(w http.ResponseWriter, r *http.Request) (quiz.SubjectQuizzes, bool) {
	u, _ := identity(r.Context())
	sq, err := h.st.Quiz.QuizzesOfCode(r.Context(), u, learn.CodeFromSegment(r.PathValue("code")))
	if err != nil {
		h.fail(w, r, err, "")
		return sq, false
	}
	return sq, true
}

func (h *Web) renderSubjectQuizzes(w http.ResponseWriter, r *http.Request, status int, sq quiz.SubjectQuizzes, form views.QuizForm) {
	d := views.QuizListData{Heading: "Quizzes of " + sq.Subject.Name, SubjectURL: learn.SubjectURL(sq.Subject.Code),
		CanCreate: sq.Manage, Form: form}
	for _, q := range sq.Quizzes {
		s := summaryOf(quiz.Access{Quiz: q, Subject: sq.Subject, Manage: sq.Manage})
		s.SubjectName = ""
		d.Quizzes = append(d.Quizzes, s)
	}
	h.render(w, r, status, views.QuizListPage(h.page(w, r, d.Heading, "quizzes"), d))
}

func newQuizAction(s store.Subject) string { return learn.SubjectURL(s.Code) + "quizzes/" }

func (h *Web) subjectQuizzesPage(w http.ResponseWriter, r *http.Request) {
	sq, ok := h.subjectQuizzes(w, r)
	if !ok {
		return
	}
	form := views.QuizForm{Action: newQuizAction(sq.Subject), TimeLimit: "30", PassingPercent: "60", MaxAttempts: "0", Active: true}
	h.renderSubjectQuizzes(w, r, http.StatusOK, sq, form)
}

func (h *Web) createQuiz(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, 64<<10) {
		return
	}
	sq, ok := h.subjectQuizzes(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	in, errs := quizInput(r)
	var qz store.Quiz
	if len(errs) == 0 {
		var err error
		if qz, errs, err = h.st.Quiz.CreateQuiz(r.Context(), u, sq.Subject.ID, in); err != nil {
			h.fail(w, r, err, "")
			return
		}
	}
	if len(errs) > 0 {
		form := views.QuizForm{Action: newQuizAction(sq.Subject), Title: r.PostFormValue("title"),
			Description: r.PostFormValue("description"), TimeLimit: r.PostFormValue("time_limit_minutes"),
			PassingPercent: r.PostFormValue("passing_percent"), MaxAttempts: r.PostFormValue("max_attempts"),
			Randomized: r.PostFormValue("is_randomized") != "", Active: r.PostFormValue("is_active") != "", Errors: formErrors(errs)}
		if !sq.Manage {
			h.fail(w, r, problem.ErrForbidden, "")
			return
		}
		h.renderSubjectQuizzes(w, r, http.StatusBadRequest, sq, form)
		return
	}
	h.flash(w, r, "success", "Quiz created: now add its questions.")
	http.Redirect(w, r, quiz.QuizURL(qz.ID), http.StatusSeeOther)
}

// ---- the quiz page -------------------------------------------------------------------

func (h *Web) quizPage(w http.ResponseWriter, r *http.Request) {
	h.showQuiz(w, r, http.StatusOK, nil, nil)
}

// showQuiz renders the quiz page; bad carries a rejected form to show again (the
// question id, 0 for a new question, or -1 for the settings).
func (h *Web) showQuiz(w http.ResponseWriter, r *http.Request, status int, bad *badForm, v *quiz.View) {
	id, ok := h.quizID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	if v == nil {
		view, err := h.st.Quiz.Quiz(r.Context(), u, id)
		if err != nil {
			h.fail(w, r, err, "")
			return
		}
		v = &view
	}
	base := quiz.QuizURL(id)
	d := views.QuizPageData{Quiz: summaryOf(v.Access), Form: quizFormOf(v.Quiz, base+"edit/"),
		NewQuestionURL: base + "questions/", DeleteURL: base + "delete/", GradingURL: quiz.GradingURL(id),
		AnalyticsURL: base + "analytics/", ExportURL: base + "export.csv", OrderURL: base + "questions/order/",
		Pending: v.Pending, Locked: quiz.OpenAttemptsNotice(v.OpenAttempts, v.OpenUntil),
		StartURL: base + "start/", AttemptsLeft: v.AttemptsLeft}
	if v.Manage {
		for i, q := range v.Questions {
			qv := questionView(q, i+1)
			qv.First, qv.Last = i == 0, i == len(v.Questions)-1
			if bad != nil && bad.question == q.ID {
				bad.apply(&qv)
			}
			d.Questions = append(d.Questions, qv)
		}
		d.NewQuestion = questionView(store.Question{Kind: quiz.MCQ, Marks: 1}, 0)
		d.NewQuestion.EditURL = base + "questions/"
		if bad != nil && bad.question == 0 {
			bad.apply(&d.NewQuestion)
		}
		if bad != nil && bad.question == -1 {
			d.Form = bad.settings
		}
	} else {
		d.Resume = v.Open != nil
		d.CanStart = v.Open != nil || (v.AttemptsLeft != 0 && v.Quiz.QuestionCount > 0)
		for _, a := range v.Attempts {
			d.Attempts = append(d.Attempts, attemptRow(a, v.Quiz))
		}
	}
	h.render(w, r, status, views.QuizPage(h.page(w, r, v.Quiz.Title, "quizzes"), d))
}

func attemptRow(a store.Attempt, q store.Quiz) views.AttemptRow {
	row := views.AttemptRow{Number: a.Number, Status: statusLabel(a.Status), Score: fmt.Sprintf("%d / %d", a.Score, a.MaxScore),
		Percent: quiz.Percent(a), Passed: quiz.Passed(a, q.PassingPercent), Pending: a.PendingCount > 0,
		InProgress: a.Status == store.InProgress, URL: quiz.ResultsURL(a.ID), Started: a.StartedAt.Format("Jan 2, 2006 15:04 UTC")}
	if row.InProgress {
		row.URL, row.Score = quiz.AttemptURL(a.ID), "—"
	}
	return row
}

func statusLabel(s string) string {
	switch s {
	case store.InProgress:
		return "in progress"
	case store.TimedOut:
		return "timed out"
	}
	return s
}

// blankAnswers is how many empty answer rows the builder offers to add answers.
const blankAnswers = 2

func questionView(q store.Question, n int) views.QuestionView {
	qv := views.QuestionView{ID: q.ID, Number: n, Kind: q.Kind, KindLabel: quiz.KindLabel(q.Kind), Text: q.Text,
		Marks: q.Marks, Explanation: q.Explanation, TrueCorrect: true, ImageURL: quiz.ImageURL(q),
		EditURL:   "/home/questions/" + text.Itoa(q.ID) + "/edit/",
		DeleteURL: "/home/questions/" + text.Itoa(q.ID) + "/delete/",
		MoveURL:   "/home/questions/" + text.Itoa(q.ID) + "/move/"}
	if q.Kind == quiz.TrueFalse {
		for _, a := range q.Answers {
			if a.Text == "True" {
				qv.TrueCorrect = a.IsCorrect
			}
		}
	} else {
		for _, a := range q.Answers {
			qv.Answers = append(qv.Answers, views.AnswerView{ID: a.ID, Text: a.Text, Correct: a.IsCorrect})
		}
	}
	extra := blankAnswers
	if q.ID == 0 {
		extra = 4
	}
	for range extra {
		qv.Answers = append(qv.Answers, views.AnswerView{})
	}
	return qv
}

// lockedAsFormError turns a refusal because attempts are running (quiz.ErrAttemptsOpen)
// into a form-wide error with status 409, so the question form is shown again with the
// reason and what was typed, rather than an error page.
func lockedAsFormError(errs form.Errors, err error, status int) (form.Errors, error, int) {
	if errors.Is(err, quiz.ErrAttemptsOpen) {
		return form.Errors{form.NonField: {err.Error()}}, nil, http.StatusConflict
	}
	return errs, err, status
}

// badForm is a rejected form to show again with its errors.
type badForm struct {
	question int64
	input    quiz.QuestionInput
	settings views.QuizForm
	errs     form.Errors
}

func (b *badForm) apply(qv *views.QuestionView) {
	qv.Kind, qv.Text, qv.Marks, qv.Explanation, qv.TrueCorrect = b.input.Kind, b.input.Text, b.input.Marks, b.input.Explanation, b.input.Correct
	qv.Answers = nil
	for _, a := range b.input.Answers {
		qv.Answers = append(qv.Answers, views.AnswerView{ID: a.ID, Text: a.Text, Correct: a.IsCorrect})
	}
	for range blankAnswers {
		qv.Answers = append(qv.Answers, views.AnswerView{})
	}
	qv.Errors = formErrors(b.errs)
}

// questionInput reads the question form: answer_id and answer_text rows in order,
// correct naming the index of the correct row, tf_correct for true/false.
func questionInput(r *http.Request) quiz.QuestionInput {
	marks, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("marks")))
	if err != nil {
		marks = 0
	}
	in := quiz.QuestionInput{Kind: r.PostFormValue("kind"), Text: r.PostFormValue("text"), Marks: marks,
		Explanation: r.PostFormValue("explanation"), Correct: r.PostFormValue("tf_correct") != "false"}
	ids, texts := r.PostForm["answer_id"], r.PostForm["answer_text"]
	correct := r.PostFormValue("correct")
	for i, t := range texts {
		a := store.AnswerFields{Text: t, IsCorrect: correct == strconv.Itoa(i)}
		if i < len(ids) {
			a.ID, _ = strconv.ParseInt(ids[i], 10, 64)
		}
		in.Answers = append(in.Answers, a)
	}
	return in
}

func (h *Web) updateQuiz(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok || !h.parseForm(w, r, 64<<10) {
		return
	}
	u, _ := identity(r.Context())
	in, errs := quizInput(r)
	if len(errs) == 0 {
		var err error
		if _, errs, err = h.st.Quiz.UpdateQuiz(r.Context(), u, id, in); err != nil {
			h.fail(w, r, err, "")
			return
		}
	}
	if len(errs) > 0 {
		form := views.QuizForm{Action: quiz.QuizURL(id) + "edit/", Title: r.PostFormValue("title"),
			Description: r.PostFormValue("description"), TimeLimit: r.PostFormValue("time_limit_minutes"),
			PassingPercent: r.PostFormValue("passing_percent"), MaxAttempts: r.PostFormValue("max_attempts"),
			Randomized: r.PostFormValue("is_randomized") != "", Active: r.PostFormValue("is_active") != "", Errors: formErrors(errs)}
		h.showQuiz(w, r, http.StatusBadRequest, &badForm{question: -1, settings: form}, nil)
		return
	}
	h.flash(w, r, "success", "Settings saved.")
	http.Redirect(w, r, quiz.QuizURL(id), http.StatusSeeOther)
}

func (h *Web) deleteQuiz(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	subj, err := h.st.Quiz.DeleteQuiz(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "Quiz deleted.")
	http.Redirect(w, r, learn.SubjectURL(subj.Code)+"quizzes/", http.StatusSeeOther)
}

func (h *Web) addQuestion(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok || !h.parseForm(w, r, 6<<20) {
		return
	}
	u, _ := identity(r.Context())
	in := questionInput(r)
	q, errs, err := h.st.Quiz.AddQuestion(r.Context(), u, id, in)
	if err == nil && len(errs) == 0 {
		if ierrs := h.questionImage(r, u, q.ID); ierrs != nil {
			h.flash(w, r, "error", "Question added, but not its image: "+ierrs["image"][0])
		}
	}
	status := http.StatusBadRequest
	errs, err, status = lockedAsFormError(errs, err, status)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if len(errs) > 0 {
		h.showQuiz(w, r, status, &badForm{question: 0, input: in, errs: errs}, nil)
		return
	}
	h.flash(w, r, "success", "Question added.")
	http.Redirect(w, r, quiz.QuizURL(id)+"#question-"+text.Itoa(q.ID), http.StatusSeeOther)
}

func (h *Web) updateQuestion(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok || !h.parseForm(w, r, 6<<20) {
		return
	}
	u, _ := identity(r.Context())
	in := questionInput(r)
	q, errs, err := h.st.Quiz.UpdateQuestion(r.Context(), u, id, in)
	if err == nil && len(errs) == 0 {
		if ierrs := h.questionImage(r, u, q.ID); ierrs != nil {
			h.flash(w, r, "error", "Question saved, but not its image: "+ierrs["image"][0])
		}
	}
	status := http.StatusBadRequest
	errs, err, status = lockedAsFormError(errs, err, status)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if len(errs) > 0 {
		cur, a, err := h.st.Quiz.Question(r.Context(), u, id)
		if err != nil {
			h.fail(w, r, err, "")
			return
		}
		v, err := h.st.Quiz.Quiz(r.Context(), u, a.Quiz.ID)
		if err != nil {
			h.fail(w, r, err, "")
			return
		}
		r.SetPathValue("id", text.Itoa(cur.QuizID))
		h.showQuiz(w, r, status, &badForm{question: id, input: in, errs: errs}, &v)
		return
	}
	h.flash(w, r, "success", "Question saved.")
	http.Redirect(w, r, quiz.QuizURL(q.QuizID)+"#question-"+text.Itoa(q.ID), http.StatusSeeOther)
}

func (h *Web) deleteQuestion(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	qz, err := h.st.Quiz.DeleteQuestion(r.Context(), u, id)
	if err != nil {
		back := ""
		if problem.Is(err, problem.KindConflict) { // back to the quiz, where the reason is shown
			if cur, _, qerr := h.st.Quiz.Question(r.Context(), u, id); qerr == nil {
				back = quiz.QuizURL(cur.QuizID)
			}
		}
		h.fail(w, r, err, back)
		return
	}
	h.flash(w, r, "success", "Question deleted.")
	http.Redirect(w, r, quiz.QuizURL(qz.ID), http.StatusSeeOther)
}

func (h *Web) moveQuestion(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok || !h.parseForm(w, r, 4<<10) {
		return
	}
	delta := 1
	if r.PostFormValue("direction") == "up" {
		delta = -1
	}
	u, _ := identity(r.Context())
	qz, err := h.st.Quiz.MoveQuestion(r.Context(), u, id, delta)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
		return
	}
	http.Redirect(w, r, quiz.QuizURL(qz.ID)+"#question-"+text.Itoa(id), http.StatusSeeOther)
}

// orderQuestions takes {"ids": [...]} from the drag and drop of quiz.js.
func (h *Web) orderQuestions(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok {
		return
	}
	var body struct {
		IDs []int64 `json:"ids"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"detail": "Send {\"ids\": [...]}."})
		return
	}
	u, _ := identity(r.Context())
	if err := h.st.Quiz.OrderQuestions(r.Context(), u, id, body.IDs); err != nil {
		h.fail(w, r, err, "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ids": body.IDs})
}

// ---- taking --------------------------------------------------------------------------

func (h *Web) startQuiz(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	att, resumed, err := h.st.Quiz.Start(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, quiz.QuizURL(id))
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"attempt_id": att.ID, "resumed": resumed, "url": quiz.AttemptURL(att.ID)})
		return
	}
	http.Redirect(w, r, quiz.AttemptURL(att.ID), http.StatusSeeOther)
}

func (h *Web) takePage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	sh, err := h.st.Quiz.Sheet(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if sh.Attempt.Status != store.InProgress {
		if sh.Attempt.Status == store.TimedOut {
			h.flash(w, r, "warning", "Time is up: your attempt was submitted with the answers saved before the deadline.")
		}
		http.Redirect(w, r, quiz.ResultsURL(id), http.StatusSeeOther)
		return
	}
	now := h.st.Now()
	left := sh.Attempt.DeadlineAt.Sub(now).Round(time.Second)
	d := views.TakeData{Quiz: summaryOf(sh.Access), AttemptID: id, Number: sh.Attempt.Number,
		SaveURL: quiz.AttemptURL(id), SubmitURL: quiz.AttemptURL(id) + "submit/", ResultsURL: quiz.ResultsURL(id),
		Deadline: sh.Attempt.DeadlineAt.Format("15:04:05 UTC"), DeadlineMS: sh.Attempt.DeadlineAt.UnixMilli(),
		NowMS: now.UnixMilli(), Remaining: fmt.Sprintf("%d:%02d", int(left.Minutes()), int(left.Seconds())%60)}
	for i, q := range sh.Questions {
		tq := views.TakeQuestion{ID: q.ID, Number: i + 1, Kind: q.Kind, Text: q.Text, Marks: q.Marks, ImageURL: quiz.ImageURL(q)}
		saved, has := sh.Saved[q.ID]
		if has {
			d.Answered++
			if saved.TextAnswer != nil {
				tq.Answer = *saved.TextAnswer
			}
		}
		for _, a := range q.Answers {
			if q.Kind != quiz.ShortAnswer {
				tq.Options = append(tq.Options, views.TakeOption{ID: a.ID, Text: a.Text, Checked: has && saved.SelectedAnswerID == a.ID})
			}
		}
		d.Questions = append(d.Questions, tq)
	}
	h.render(w, r, http.StatusOK, views.TakePage(h.page(w, r, sh.Quiz.Title, "quizzes"), d))
}

// answersJSON is what quiz.js posts: {"answers": [{"question_id", "answer_id", "text"}]}.
type answersJSON struct {
	Answers []struct {
		QuestionID int64   `json:"question_id"`
		AnswerID   int64   `json:"answer_id"`
		Text       *string `json:"text"`
	} `json:"answers"`
	Submit bool `json:"submit"`
}

// saveAnswers is the autosave (JSON) and the no-JS form (action=save|submit) of an attempt.
func (h *Web) saveAnswers(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	var in []quiz.AnswerIn
	submit := false
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var body answersJSON
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"detail": "Send {\"answers\": [...]}."})
			return
		}
		for _, a := range body.Answers {
			in = append(in, quiz.AnswerIn{QuestionID: a.QuestionID, AnswerID: a.AnswerID, Text: a.Text})
		}
		submit = body.Submit
	} else {
		if !h.parseForm(w, r, 1<<20) {
			return
		}
		sh, err := h.st.Quiz.Sheet(r.Context(), u, id)
		if err != nil {
			h.fail(w, r, err, "")
			return
		}
		for _, q := range sh.Questions {
			v, present := r.PostForm["q"+text.Itoa(q.ID)]
			if !present {
				continue
			}
			if q.Kind == quiz.ShortAnswer {
				t := v[0]
				in = append(in, quiz.AnswerIn{QuestionID: q.ID, Text: &t})
			} else if aid, err := strconv.ParseInt(v[0], 10, 64); err == nil {
				in = append(in, quiz.AnswerIn{QuestionID: q.ID, AnswerID: aid})
			}
		}
		submit = r.PostFormValue("action") == "submit"
	}
	saved, err := h.st.Quiz.Save(r.Context(), u, id, in)
	if errors.Is(err, quiz.ErrTimeUp) || errors.Is(err, quiz.ErrFinished) {
		if wantsJSON(r) {
			writeJSON(w, http.StatusConflict, map[string]any{"detail": err.Error(), "results_url": quiz.ResultsURL(id)})
			return
		}
		h.flash(w, r, "warning", err.Error())
		http.Redirect(w, r, quiz.ResultsURL(id), http.StatusSeeOther)
		return
	}
	if err != nil {
		h.fail(w, r, err, quiz.AttemptURL(id))
		return
	}
	if submit {
		h.finishAttempt(w, r, id)
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"saved": saved.Count, "deadline_at": saved.Attempt.DeadlineAt,
			"server_time": h.st.Now().UTC()})
		return
	}
	h.flash(w, r, "success", "Answers saved.")
	http.Redirect(w, r, quiz.AttemptURL(id), http.StatusSeeOther)
}

func (h *Web) submitAttempt(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok {
		return
	}
	h.finishAttempt(w, r, id)
}

func (h *Web) finishAttempt(w http.ResponseWriter, r *http.Request, id int64) {
	u, _ := identity(r.Context())
	att, already, err := h.st.Quiz.Submit(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"status": att.Status, "score": att.Score, "max_score": att.MaxScore,
			"already_submitted": already, "results_url": quiz.ResultsURL(id)})
		return
	}
	if !already {
		h.flash(w, r, "success", "Submitted.")
	}
	http.Redirect(w, r, quiz.ResultsURL(id), http.StatusSeeOther)
}

func (h *Web) resultsPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	res, err := h.st.Quiz.Results(r.Context(), u, id)
	if errors.Is(err, quiz.ErrNotFinished) {
		// The taker goes back to the attempt; a grader to the quiz, with a word.
		target := quiz.AttemptURL(id)
		if att, err := h.st.DB.AttemptByID(r.Context(), id); err == nil && att.UserID != u.ID {
			h.flash(w, r, "info", quiz.ErrNotFinished.Error())
			target = quiz.QuizURL(att.QuizID)
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	a := res.Attempt
	d := views.ResultData{Quiz: summaryOf(res.Access), Taker: res.Taker.Username, Number: a.Number, Status: statusLabel(a.Status),
		Score: a.Score, MaxScore: a.MaxScore, Percent: res.Percent, Passed: res.Passed, Pending: a.PendingCount,
		Finished: a.FinishedAt.Format("Jan 2, 2006 15:04 UTC"), BackURL: quiz.QuizURL(a.QuizID)}
	for i, it := range res.Items {
		ri := views.ResultItem{Number: i + 1, Kind: it.Question.Kind, Text: it.Question.Text, Marks: it.Question.Marks,
			Awarded: it.Marks, Your: it.Selected, Unanswered: it.Answer == nil, Correct: it.Correct,
			Right: it.Answer != nil && !it.Pending && it.Marks >= it.Question.Marks, Pending: it.Pending,
			Explanation: it.Question.Explanation, AttemptID: a.ID, QuestionID: it.Question.ID, ImageURL: quiz.ImageURL(it.Question)}
		if it.Answer != nil {
			ri.Feedback = it.Answer.Feedback
		}
		if res.Manage && it.Question.Kind == quiz.ShortAnswer && it.Answer != nil {
			ri.GradeURL = quiz.GradingURL(a.QuizID)
		}
		d.Items = append(d.Items, ri)
	}
	h.render(w, r, http.StatusOK, views.ResultPage(h.page(w, r, "Results", "quizzes"), d))
}

// ---- grading and analytics -------------------------------------------------------------

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
	d := views.GradingData{Quiz: summaryOf(q.Access), Action: quiz.GradingURL(id)}
	for _, p := range q.Pending {
		d.Items = append(d.Items, views.GradeItem{AttemptID: p.AttemptID, QuestionID: p.QuestionID, Student: p.User.Username,
			Question: p.Question, Answer: p.Text, Marks: p.Marks, Finished: p.FinishedAt.Format("Jan 2, 2006 15:04 UTC"),
			ResultsURL: quiz.ResultsURL(p.AttemptID)})
	}
	h.render(w, r, http.StatusOK, views.GradingPage(h.page(w, r, "Grading", "quizzes"), d))
}

func (h *Web) gradeAnswer(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok || !h.parseForm(w, r, 64<<10) {
		return
	}
	u, _ := identity(r.Context())
	attemptID, _ := strconv.ParseInt(r.PostFormValue("attempt"), 10, 64)
	questionID, _ := strconv.ParseInt(r.PostFormValue("question"), 10, 64)
	marks, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("marks")))
	if err != nil {
		marks = -1
	}
	// The attempt must belong to this quiz.
	if att, err := h.st.DB.AttemptByID(r.Context(), attemptID); err != nil || att.QuizID != id {
		h.fail(w, r, store.ErrNotFound, "")
		return
	}
	att, err := h.st.Quiz.Grade(r.Context(), u, attemptID, questionID, marks, r.PostFormValue("feedback"))
	if err != nil {
		h.fail(w, r, err, quiz.GradingURL(id))
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"score": att.Score, "pending_count": att.PendingCount})
		return
	}
	h.flash(w, r, "success", fmt.Sprintf("Graded: the attempt now scores %d / %d.", att.Score, att.MaxScore))
	back := quiz.GradingURL(id)
	if ref := safeNext(r.PostFormValue("next")); ref != "" {
		back = ref
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
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
	d := views.AnalyticsData{Quiz: summaryOf(st.Access), Count: st.Count, Average: fmt.Sprintf("%.1f %%", st.Average),
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
			fmt.Sprintf("Q%d: %d %% correct — %s", i+1, q.Percent, q.Question.Text)})
	}
	d.Histogram = barChart("Score distribution (% of marks)", hist, 0)
	d.PerQuestion = barChart("Correct answers per question (%)", per, 100)
	for i := len(st.Attempts) - 1; i >= 0 && len(d.Rows) < 200; i-- {
		a := st.Attempts[i]
		d.Rows = append(d.Rows, views.AttemptStatRow{Student: a.User.Username, Number: a.Number, Status: statusLabel(a.Status),
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
	_ = cw.Write([]string{"attempt_id", "username", "first_name", "last_name", "attempt_number", "status", "started_at",
		"finished_at", "duration_seconds", "score", "max_score", "percent", "passed", "pending_count", "answered"})
	for _, a := range st.Attempts {
		_ = cw.Write([]string{text.Itoa(a.ID), csvSafe(a.User.Username), csvSafe(a.User.FirstName), csvSafe(a.User.LastName),
			strconv.Itoa(a.Number), a.Status, a.StartedAt.Format(time.RFC3339), a.FinishedAt.Format(time.RFC3339),
			strconv.Itoa(int(a.FinishedAt.Sub(a.StartedAt).Seconds())), strconv.Itoa(a.Score), strconv.Itoa(a.MaxScore),
			strconv.Itoa(quiz.Percent(a)), strconv.FormatBool(quiz.Passed(a, st.Quiz.PassingPercent)),
			strconv.Itoa(a.PendingCount), strconv.Itoa(a.AnsweredCount)})
	}
	cw.Flush()
}

// csvSafe keeps a spreadsheet from running a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// serveQuizImage serves a question's image to the quiz's managers and takers.
func (h *Web) serveQuizImage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	rel, err := h.st.Quiz.QuestionImage(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	w.Header().Set("Cache-Control", "private, no-cache")
	if h.st.Media.ServeFile(w, r, rel) != nil {
		w.Header().Del("Cache-Control")
		h.fail(w, r, store.ErrNotFound, "")
	}
}

// questionImage applies the builder's image field (a new picture) or remove_image
// checkbox after the question is saved; errs gets the image's problem.
func (h *Web) questionImage(r *http.Request, u store.User, id int64) form.Errors {
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File["image"]; len(fhs) > 0 && fhs[0].Size > 0 {
			f, err := fhs[0].Open()
			if err == nil {
				defer f.Close()
				data, err := media.ReadLimited(f, 5<<20)
				if err == nil {
					_, err = h.st.Quiz.SetQuestionImage(r.Context(), u, id, data)
				}
				if err != nil {
					return form.Errors{"image": {imageProblem(err)}}
				}
				return nil
			}
		}
	}
	if r.PostFormValue("remove_image") != "" {
		if _, err := h.st.Quiz.SetQuestionImage(r.Context(), u, id, nil); err != nil {
			return form.Errors{"image": {imageProblem(err)}}
		}
	}
	return nil
}

func imageProblem(err error) string {
	if ue, ok := media.IsUploadError(err); ok {
		return ue.Message
	}
	return "The image could not be stored: use a JPEG, PNG, GIF or WebP picture up to 5 MB."
}
