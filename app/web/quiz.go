package web

import (
	"encoding/csv"
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

// quizInput reads the settings form; a number that does not parse is a field error
// (a problem.Fields).
func quizInput(r *http.Request) (quiz.QuizInput, error) {
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
	if len(errs) > 0 {
		return in, problem.Fields(errs)
	}
	return in, nil
}

// quizFormAgain is the settings form as sent, to show again with its errors.
func quizFormAgain(r *http.Request, action string, errs form.Errors) views.QuizForm {
	return views.QuizForm{Action: action, Title: r.PostFormValue("title"),
		Description: r.PostFormValue("description"), TimeLimit: r.PostFormValue("time_limit_minutes"),
		PassingPercent: r.PostFormValue("passing_percent"), MaxAttempts: r.PostFormValue("max_attempts"),
		Randomized: r.PostFormValue("is_randomized") != "", Active: r.PostFormValue("is_active") != "", Errors: formErrors(errs)}
}

func ptr[T any](v T) *T { return &v }

// ---- lists ---------------------------------------------------------------------------

func (h *Web) quizzesPage(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	rows, err := h.st.Quiz.Mine(r.Context(), u)
	if err != nil {
		h.fail(w, r, err, "")
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
	if !sq.Manage {
		h.fail(w, r, problem.ErrForbidden, "")
		return
	}
	if !h.allow(w, r, h.st.Limits.Quiz) {
		return
	}
	u, _ := identity(r.Context())
	in, err := quizInput(r)
	var qz store.Quiz
	if err == nil {
		qz, err = h.st.Quiz.CreateQuiz(r.Context(), u, sq.Subject.ID, in)
	}
	if fields, ok := invalidFields(r, err); ok {
		h.renderSubjectQuizzes(w, r, http.StatusBadRequest, sq, quizFormAgain(r, newQuizAction(sq.Subject), fields))
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
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
		AnalyticsURL: base + "analytics/", ExportURL: base + "export.csv", OrderURL: "/api/quizzes/" + text.Itoa(id) + "/questions/order/",
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

// questionRefusal returns what a refused question form shows when sent again: the
// fields' messages of an invalid question (400), or why running attempts lock the
// change (quiz.ErrAttemptsOpen: 409) with what was typed, rather than an error page.
func questionRefusal(r *http.Request, err error) (form.Errors, int, bool) {
	if fields, ok := invalidFields(r, err); ok {
		return fields, http.StatusBadRequest, true
	}
	if p, ok := problem.As(err); ok && errors.Is(err, quiz.ErrAttemptsOpen) {
		return form.Errors{form.NonField: {p.Message}}, http.StatusConflict, true
	}
	return nil, 0, false
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

// questionInput reads the question form: answer_id and answer_text rows in order
// (an empty id is a new answer), correct naming the index of the correct row,
// tf_correct (true or false) for true/false. What does not parse is a field error.
func questionInput(r *http.Request) (quiz.QuestionInput, error) {
	errs := form.Errors{}
	in := quiz.QuestionInput{Kind: r.PostFormValue("kind"), Text: r.PostFormValue("text"),
		Explanation: r.PostFormValue("explanation"), Correct: true}
	var err error
	if in.Marks, err = strconv.Atoi(strings.TrimSpace(r.PostFormValue("marks"))); err != nil {
		errs.Add("marks", "Enter a whole number.")
	}
	switch r.PostFormValue("tf_correct") {
	case "", "true":
	case "false":
		in.Correct = false
	default:
		errs.Add("tf_correct", "Choose true or false.")
	}
	ids, texts := r.PostForm["answer_id"], r.PostForm["answer_text"]
	correct := r.PostFormValue("correct")
	for i, t := range texts {
		a := store.AnswerFields{Text: t, IsCorrect: correct == strconv.Itoa(i)}
		if i < len(ids) && ids[i] != "" {
			if a.ID, err = strconv.ParseInt(ids[i], 10, 64); err != nil {
				errs.Add("answers", "Answer "+strconv.Itoa(i+1)+" is not one of this question's answers.")
			}
		}
		in.Answers = append(in.Answers, a)
	}
	if len(errs) > 0 {
		return in, problem.Fields(errs)
	}
	return in, nil
}

func (h *Web) updateQuiz(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok || !h.parseForm(w, r, 64<<10) || !h.allow(w, r, h.st.Limits.Quiz) {
		return
	}
	u, _ := identity(r.Context())
	in, err := quizInput(r)
	if err == nil {
		_, err = h.st.Quiz.UpdateQuiz(r.Context(), u, id, in)
	} else {
		err = h.managerOnly(r, u, id, err)
	}
	if fields, ok := invalidFields(r, err); ok {
		h.showQuiz(w, r, http.StatusBadRequest, &badForm{question: -1, settings: quizFormAgain(r, quiz.QuizURL(id)+"edit/", fields)}, nil)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "Settings saved.")
	http.Redirect(w, r, quiz.QuizURL(id), http.StatusSeeOther)
}

// managerOnly returns the refusal of a viewer who does not manage the quiz (404 or
// 403) instead of formErr, the errors of a form that did not parse, so that only the
// quiz's managers learn anything from them.
func (h *Web) managerOnly(r *http.Request, u store.User, quizID int64, formErr error) error {
	if _, err := h.st.Quiz.Managed(r.Context(), u, quizID); err != nil {
		return err
	}
	return formErr
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
	if !ok || !h.parseForm(w, r, 6<<20) || !h.allow(w, r, h.st.Limits.Quiz) {
		return
	}
	u, _ := identity(r.Context())
	in, err := questionInput(r)
	var q store.Question
	if err == nil {
		q, err = h.st.Quiz.AddQuestion(r.Context(), u, id, in)
	} else {
		err = h.managerOnly(r, u, id, err)
	}
	if fields, status, ok := questionRefusal(r, err); ok {
		h.showQuiz(w, r, status, &badForm{question: 0, input: in, errs: fields}, nil)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if msg := h.questionImage(r, u, q.ID); msg != "" {
		h.flash(w, r, "error", "Question added, but not its image: "+msg)
	}
	h.flash(w, r, "success", "Question added.")
	http.Redirect(w, r, quiz.QuizURL(id)+"#question-"+text.Itoa(q.ID), http.StatusSeeOther)
}

func (h *Web) updateQuestion(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok || !h.parseForm(w, r, 6<<20) || !h.allow(w, r, h.st.Limits.Quiz) {
		return
	}
	u, _ := identity(r.Context())
	// The question's quiz, for its managers only: the form goes back there.
	cur, a, err := h.st.Quiz.Question(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	in, err := questionInput(r)
	var q store.Question
	if err == nil {
		q, err = h.st.Quiz.UpdateQuestion(r.Context(), u, id, in)
	}
	if fields, status, ok := questionRefusal(r, err); ok {
		v, err := h.st.Quiz.Quiz(r.Context(), u, a.Quiz.ID)
		if err != nil {
			h.fail(w, r, err, "")
			return
		}
		r.SetPathValue("id", text.Itoa(cur.QuizID))
		h.showQuiz(w, r, status, &badForm{question: id, input: in, errs: fields}, &v)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if msg := h.questionImage(r, u, q.ID); msg != "" {
		h.flash(w, r, "error", "Question saved, but not its image: "+msg)
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
	cur, _, err := h.st.Quiz.Question(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if _, err := h.st.Quiz.DeleteQuestion(r.Context(), u, id); err != nil {
		h.fail(w, r, err, quiz.QuizURL(cur.QuizID)) // a refusal is shown on the quiz's page
		return
	}
	h.flash(w, r, "success", "Question deleted.")
	http.Redirect(w, r, quiz.QuizURL(cur.QuizID), http.StatusSeeOther)
}

// moveQuestion is the reorder of the arrow buttons (quiz.js saves a dragged order
// through the API).
func (h *Web) moveQuestion(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok || !h.parseForm(w, r, 4<<10) {
		return
	}
	delta, err := moveDelta(r)
	var qz store.Quiz
	if err == nil {
		u, _ := identity(r.Context())
		qz, err = h.st.Quiz.MoveQuestion(r.Context(), u, id, delta)
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	http.Redirect(w, r, quiz.QuizURL(qz.ID)+"#question-"+text.Itoa(id), http.StatusSeeOther)
}

// ---- taking --------------------------------------------------------------------------

func (h *Web) startQuiz(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	att, _, err := h.st.Quiz.Start(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, quiz.QuizURL(id))
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
		SaveURL: quiz.AttemptURL(id), ResultsURL: quiz.ResultsURL(id),
		AnswersAPI: "/api/attempts/" + text.Itoa(id) + "/answers/", SubmitAPI: "/api/attempts/" + text.Itoa(id) + "/submit/",
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

// saveAnswers is the no-JS form of an attempt (action=save or submit): the radio
// group or text area of each question is named q{id}. quiz.js saves and submits
// through the API instead.
func (h *Web) saveAnswers(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok || !h.parseForm(w, r, 1<<20) || !h.allow(w, r, h.st.Limits.Answer) {
		return
	}
	u, _ := identity(r.Context())
	sh, err := h.st.Quiz.Sheet(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	var in []quiz.AnswerIn
	for _, q := range sh.Questions {
		name := "q" + text.Itoa(q.ID)
		v, present := r.PostForm[name]
		switch {
		case !present:
		case q.Kind == quiz.ShortAnswer:
			in = append(in, quiz.AnswerIn{QuestionID: q.ID, Text: &v[0]})
		default:
			aid, err := strconv.ParseInt(v[0], 10, 64)
			if err != nil {
				h.fail(w, r, problem.Field(name, "Choose one of the question's answers."), quiz.AttemptURL(id))
				return
			}
			in = append(in, quiz.AnswerIn{QuestionID: q.ID, AnswerID: aid})
		}
	}
	_, err = h.st.Quiz.Save(r.Context(), u, id, in)
	if p, ok := problem.As(err); ok && (errors.Is(err, quiz.ErrTimeUp) || errors.Is(err, quiz.ErrFinished)) {
		h.flash(w, r, "warning", p.Message) // the results page says what was kept
		http.Redirect(w, r, quiz.ResultsURL(id), http.StatusSeeOther)
		return
	}
	if err != nil {
		h.fail(w, r, err, quiz.AttemptURL(id))
		return
	}
	if r.PostFormValue("action") == "submit" {
		h.finishAttempt(w, r, id)
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
	_, already, err := h.st.Quiz.Submit(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
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
		att, _, err := h.st.Quiz.Attempt(r.Context(), u, id)
		if err != nil {
			h.fail(w, r, err, "")
			return
		}
		target := quiz.AttemptURL(id)
		if att.UserID != u.ID {
			h.flash(w, r, "info", quiz.ErrNotFinished.Message)
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
	marks, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("marks")))
	if err != nil {
		marks = -1 // not a number: refused by the rules like any mark out of range
	}
	att, err := h.st.Quiz.Grade(r.Context(), u, attemptID, questionID, marks, r.PostFormValue("feedback"))
	if err != nil {
		h.fail(w, r, err, quiz.GradingURL(id))
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
// checkbox after the question is saved; it returns what went wrong with the image, or
// "".
func (h *Web) questionImage(r *http.Request, u store.User, id int64) string {
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File["image"]; len(fhs) > 0 && fhs[0].Size > 0 {
			f, err := fhs[0].Open()
			if err != nil {
				return h.imageProblem(r, err)
			}
			defer f.Close()
			data, err := media.ReadLimited(f, 5<<20)
			if err == nil {
				_, err = h.st.Quiz.SetQuestionImage(r.Context(), u, id, data)
			}
			if err != nil {
				return h.imageProblem(r, err)
			}
			return ""
		}
	}
	if r.PostFormValue("remove_image") != "" {
		if _, err := h.st.Quiz.SetQuestionImage(r.Context(), u, id, nil); err != nil {
			return h.imageProblem(r, err)
		}
	}
	return ""
}

// imageProblem is what the builder says of a picture that was not stored: the rules'
// reason, or a general one for any other failure, which is logged (the question itself
// was saved, so the page does not fail).
func (h *Web) imageProblem(r *http.Request, err error) string {
	if ue, ok := media.IsUploadError(err); ok {
		return ue.Message
	}
	h.st.Log.ErrorContext(r.Context(), "question image not stored", "id", RequestID(r.Context()), "err", err)
	return "The image could not be stored: use a JPEG, PNG, GIF or WebP picture up to 5 MB."
}
