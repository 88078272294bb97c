package web

import (
	"context"
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
	"eplatform/app/zone"
	"eplatform/views"
)

// The quiz pages, one file per part: this one the quiz page and its builder (settings,
// the question editor, images); quiz_lists.go the lists, "my quizzes" and the new-quiz
// page; quiz_take.go taking an attempt and its results; quiz_grading.go grading,
// analytics and the export; quiz_legacy.go the original's addresses.

func (h *Web) quizID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, store.ErrNotFound, "")
		return 0, false
	}
	return id, true
}

func summaryOf(ctx context.Context, a quiz.Access, now time.Time) views.QuizSummary {
	q := a.Quiz
	s := views.QuizSummary{ID: q.ID, Title: q.Title, Description: q.Description, URL: quiz.QuizURL(q.ID),
		SubjectName: a.Subject.Name, SubjectURL: learn.SubjectURL(a.Subject.Code), TimeLimit: q.TimeLimitMinutes,
		PassingPercent: q.PassingPercent, MaxAttempts: q.MaxAttempts, TotalMarks: q.TotalMarks,
		QuestionCount: q.QuestionCount, Active: q.IsActive, Randomized: q.IsRandomized, Manage: a.Manage}
	if !q.DueAt.IsZero() {
		s.Due, s.Closed = dueText(ctx, q.DueAt), !now.Before(q.DueAt)
	}
	return s
}

func quizFormOf(ctx context.Context, q store.Quiz, action string) views.QuizForm {
	return views.QuizForm{Action: action, Title: q.Title, Description: q.Description,
		TimeLimit: strconv.Itoa(q.TimeLimitMinutes), PassingPercent: strconv.Itoa(q.PassingPercent),
		MaxAttempts: strconv.Itoa(q.MaxAttempts), Due: dueInput(ctx, q.DueAt), Randomized: q.IsRandomized, Active: q.IsActive, GradeBy: q.GradeBy}
}

// quizInput reads the settings form; a number that does not parse is a field error
// (a problem.Fields).
func quizInput(r *http.Request) (quiz.QuizInput, error) {
	errs := form.Errors{}
	in := quiz.QuizInput{Title: ptr(r.PostFormValue("title")), Description: ptr(r.PostFormValue("description")),
		IsRandomized: ptr(r.PostFormValue("is_randomized") != ""), IsActive: ptr(r.PostFormValue("is_active") != ""),
		Due: ptr(dueFromForm(r.Context(), r.PostFormValue("due_at")))}
	if r.PostForm.Has("grade_by") {
		in.GradeBy = ptr(r.PostFormValue("grade_by"))
	}
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
		Due: r.PostFormValue("due_at"), Randomized: r.PostFormValue("is_randomized") != "",
		Active: r.PostFormValue("is_active") != "", GradeBy: r.PostFormValue("grade_by"), Errors: formErrors(errs)}
}

func ptr[T any](v T) *T { return &v }

// ---- the quiz page -------------------------------------------------------------------

func (h *Web) quizPage(w http.ResponseWriter, r *http.Request) {
	h.showQuiz(w, r, http.StatusOK, nil, nil)
}

// showQuiz renders the quiz page; again carries a question or settings form sent back
// (the question id, 0 for a new question, or -1 for the settings).
func (h *Web) showQuiz(w http.ResponseWriter, r *http.Request, status int, again *formAgain, v *quiz.View) {
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
	now := h.st.Now()
	base := quiz.QuizURL(id)
	d := views.QuizPageData{Quiz: summaryOf(r.Context(), v.Access, now), Form: quizFormOf(r.Context(), v.Quiz, base+"edit/"),
		NewQuestionURL: base + "questions/", DeleteURL: base + "delete/", GradingURL: quiz.GradingURL(id),
		AnalyticsURL: base + "analytics/", ExportURL: base + "export.csv", OrderURL: "/api/quizzes/" + text.Itoa(id) + "/questions/order/",
		Pending: v.Pending, Locked: quiz.OpenAttemptsNotice(v.OpenAttempts, zone.In(r.Context(), v.OpenUntil)),
		StartURL: base + "start/", AttemptsLeft: v.AttemptsLeft}
	if v.Manage {
		for i, q := range v.Questions {
			qv := questionView(q, i+1)
			qv.First, qv.Last = i == 0, i == len(v.Questions)-1
			if again != nil && again.question == q.ID {
				again.apply(&qv)
			}
			d.Questions = append(d.Questions, qv)
		}
		d.NewQuestion = questionView(store.Question{Kind: quiz.MCQ, Marks: 1}, 0)
		d.NewQuestion.EditURL = base + "questions/"
		if again != nil && again.question == 0 {
			again.apply(&d.NewQuestion)
		}
		if again != nil && again.question == -1 {
			d.Form = again.settings
		}
	} else {
		p := quiz.ProgressOf(v.Quiz, v.Attempts, now)
		d.Card = cardOf(quiz.Row{QuizRow: store.QuizRow{Quiz: v.Quiz}, Progress: p}, d.Quiz)
		d.Resume = v.Open != nil
		d.CanStart = p.Action == quiz.ActStart || p.Action == quiz.ActContinue || p.Action == quiz.ActRetake
		for _, a := range v.Attempts {
			d.Attempts = append(d.Attempts, attemptRow(r.Context(), a, v.Quiz))
		}
	}
	h.render(w, r, status, views.QuizPage(h.page(w, r, v.Quiz.Title, "quizzes"), d))
}

func attemptRow(ctx context.Context, a store.Attempt, q store.Quiz) views.AttemptRow {
	row := views.AttemptRow{Number: a.Number, Status: statusLabel(a.Status), Score: fmt.Sprintf("%d / %d", a.Score, a.MaxScore),
		Percent: quiz.Percent(a), Passed: quiz.Passed(a, q.PassingPercent), Pending: a.PendingCount > 0,
		InProgress: a.Status == store.InProgress, URL: quiz.ResultsURL(a.ID), Started: dueText(ctx, a.StartedAt)}
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

// Answer rows of the editor: a question's answers and one empty row to add another
// (quiz.js adds more; without it "Add another answer" does), at least minRows.
const (
	minRows    = 2
	newRows    = 3 // a new question
	maxRowsOut = quiz.MaxAnswers + 1
)

func questionView(q store.Question, n int) views.QuestionView {
	qv := views.QuestionView{ID: q.ID, Number: n, Kind: q.Kind, KindLabel: quiz.KindLabel(q.Kind), Text: q.Text,
		Marks: q.Marks, Explanation: q.Explanation, TrueCorrect: true, AutoAccept: q.AutoAccept, ImageURL: quiz.ImageURL(q),
		EditURL:   "/home/questions/" + text.Itoa(q.ID) + "/edit/",
		DeleteURL: "/home/questions/" + text.Itoa(q.ID) + "/delete/",
		MoveURL:   "/home/questions/" + text.Itoa(q.ID) + "/move/"}
	if q.Kind == quiz.ShortAnswer && q.ID != 0 {
		qv.GradeURL = quiz.QuestionGradingURL(q.ID)
	}
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
	want := max(len(qv.Answers)+1, minRows)
	if q.ID == 0 {
		want = newRows
	}
	for len(qv.Answers) < want {
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

// formAgain is a question or settings form sent back: refused (errs), or asked for
// again with a preview or one more answer row.
type formAgain struct {
	question int64
	input    quiz.QuestionInput
	settings views.QuizForm
	errs     form.Errors
	addRow   bool // "Add another answer": one more empty row, focused
	preview  bool
}

func (b *formAgain) apply(qv *views.QuestionView) {
	qv.Kind, qv.Text, qv.Marks, qv.Explanation, qv.TrueCorrect = b.input.Kind, b.input.Text, b.input.Marks, b.input.Explanation, b.input.Correct
	qv.AutoAccept = b.input.AutoAccept
	qv.Answers = nil
	for _, a := range b.input.Answers {
		if len(qv.Answers) == maxRowsOut {
			break
		}
		qv.Answers = append(qv.Answers, views.AnswerView{ID: a.ID, Text: a.Text, Correct: a.IsCorrect})
	}
	if b.addRow && len(qv.Answers) < maxRowsOut {
		qv.Answers = append(qv.Answers, views.AnswerView{Focus: true})
	}
	for len(qv.Answers) < minRows {
		qv.Answers = append(qv.Answers, views.AnswerView{})
	}
	qv.Errors, qv.Open, qv.Preview = formErrors(b.errs), true, b.preview
}

// questionAgain reports whether the question form asks to be shown again rather than
// saved: "Add another answer" or "Preview".
func questionAgain(r *http.Request) (addRow, preview, again bool) {
	switch r.PostFormValue("action") {
	case "add_answer":
		return true, true, true
	case "preview":
		return false, true, true
	}
	return false, false, false
}

// questionInput reads the question form: answer_id and answer_text rows in order
// (an empty id is a new answer), correct naming the index of the correct row,
// tf_correct (true or false) for true/false, auto_accept for short answers. What does
// not parse is a field error.
func questionInput(r *http.Request) (quiz.QuestionInput, error) {
	errs := form.Errors{}
	in := quiz.QuestionInput{Kind: r.PostFormValue("kind"), Text: r.PostFormValue("text"),
		Explanation: r.PostFormValue("explanation"), Correct: true, AutoAccept: r.PostFormValue("auto_accept") != ""}
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
		h.showQuiz(w, r, http.StatusBadRequest, &formAgain{question: -1, settings: quizFormAgain(r, quiz.QuizURL(id)+"edit/", fields)}, nil)
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
	if addRow, preview, again := questionAgain(r); again {
		if err := h.managerOnly(r, u, id, nil); err != nil {
			h.fail(w, r, err, "")
			return
		}
		h.showQuiz(w, r, http.StatusOK, &formAgain{question: 0, input: in, addRow: addRow, preview: preview}, nil)
		return
	}
	var q store.Question
	if err == nil {
		q, err = h.st.Quiz.AddQuestion(r.Context(), u, id, in)
	} else {
		err = h.managerOnly(r, u, id, err)
	}
	if fields, status, ok := questionRefusal(r, err); ok {
		h.showQuiz(w, r, status, &formAgain{question: 0, input: in, errs: fields}, nil)
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
	again := &formAgain{question: id, input: in}
	status := http.StatusOK
	var q store.Question
	if again.addRow, again.preview, _ = questionAgain(r); !again.preview {
		if err == nil {
			q, err = h.st.Quiz.UpdateQuestion(r.Context(), u, id, in)
		}
		var ok bool
		if again.errs, status, ok = questionRefusal(r, err); !ok {
			again = nil
		}
	}
	if again != nil {
		v, err := h.st.Quiz.Quiz(r.Context(), u, a.Quiz.ID)
		if err != nil {
			h.fail(w, r, err, "")
			return
		}
		r.SetPathValue("id", text.Itoa(cur.QuizID))
		h.showQuiz(w, r, status, again, &v)
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
