package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"eplatform/app/auth"
	"eplatform/app/learn"
	"eplatform/app/problem"
	"eplatform/app/quiz"
	"eplatform/app/store"
	"eplatform/app/text"
	"eplatform/views"
)

// newQuizURL is the new-quiz page (a subject chosen there).
const newQuizURL = "/home/quizzes/new/"

// cardOf is a quiz of a list with the viewer's relation to it.
func cardOf(r quiz.Row, s views.QuizSummary) views.QuizCard {
	c := views.QuizCard{QuizSummary: s}
	if r.Teaching {
		c.Manage = true
		c.Finished, c.Running, c.Pending = r.Counts.Finished, r.Counts.Open, r.Counts.Pending
		c.GradingURL = quiz.GradingURL(r.ID)
		return c
	}
	p := r.Progress
	c.Status = quiz.StateLabel(p.State)
	switch p.State {
	case quiz.PassedIt:
		c.Tone = "success"
	case quiz.FailedIt:
		c.Tone = "danger"
	case quiz.Pending:
		c.Tone = "warning"
	case quiz.Running:
		c.Tone = "info"
	default:
		c.Tone = "accent"
	}
	if b := p.Best; b != nil {
		c.Best = fmt.Sprintf("%d %% (%d / %d)", quiz.Percent(*b), b.Score, b.MaxScore)
	}
	c.Used = p.Used
	switch p.Action {
	case quiz.ActStart:
		c.Action, c.ActionURL, c.ActionPost = "Start", quiz.QuizURL(r.ID)+"start/", true
	case quiz.ActRetake:
		c.Action, c.ActionURL, c.ActionPost = "Retake", quiz.QuizURL(r.ID)+"start/", true
	case quiz.ActContinue:
		c.Action, c.ActionURL = "Continue", quiz.AttemptURL(p.Open.ID)
	case quiz.ActResults:
		c.Action, c.ActionURL = "Results", quiz.ResultsURL(p.Last.ID)
	}
	return c
}

func (h *Web) cards(ctx context.Context, rows []quiz.Row, withSubject bool) []views.QuizCard {
	now := h.st.Now()
	out := make([]views.QuizCard, 0, len(rows))
	for _, r := range rows {
		s := summaryOf(ctx, quiz.Access{Quiz: r.Quiz, Subject: store.Subject{Name: r.SubjectName, Code: r.SubjectCode}, Manage: r.Teaching}, now)
		if !withSubject {
			s.SubjectName = ""
		}
		out = append(out, cardOf(r, s))
	}
	return out
}

// newQuizLink is the "New quiz" button's address for those who may write quizzes.
func newQuizLink(u store.User) string {
	if auth.IsInstructor(u) {
		return newQuizURL
	}
	return ""
}

// quizzesPage is /home/quizzes/: every quiz of the viewer's subjects with their status
// and next step (or, for its managers, its attempts and grading queue).
func (h *Web) quizzesPage(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	rows, err := h.st.Quiz.List(r.Context(), u)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	d := views.QuizListData{Heading: "Quizzes", Lead: "The quizzes of the subjects you take or teach.",
		Quizzes: h.cards(r.Context(), rows, true), NewURL: newQuizLink(u)}
	h.render(w, r, http.StatusOK, views.QuizListPage(h.page(w, r, "Quizzes", "quizzes"), d))
}

// The "my quizzes" filters of the taken tab: by the taker's state.
var takenFilters = []struct{ value, label string }{
	{"", "All"}, {quiz.Running, "In progress"}, {quiz.Pending, "Waiting for grading"},
	{quiz.PassedIt, "Passed"}, {quiz.FailedIt, "Not passed"},
}

// myQuizzesPage is /home/quizzes/my/?tab=taken|created&status=: the original's "my
// quizzes". The created tab is for those who write quizzes, and where they land.
func (h *Web) myQuizzesPage(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	q := r.URL.Query()
	author := auth.IsInstructor(u)
	tab := q.Get("tab")
	switch tab {
	case "":
		tab = "taken"
		if author {
			tab = "created"
		}
	case "taken", "created":
	default:
		h.fail(w, r, problem.Field("tab", "Choose taken or created."), "")
		return
	}
	if tab == "created" && !author {
		h.fail(w, r, problem.Forbidden("Only instructors and admins write quizzes."), "")
		return
	}
	status := q.Get("status")
	known := false
	for _, f := range takenFilters {
		known = known || f.value == status
	}
	if !known || (status != "" && tab != "taken") {
		h.fail(w, r, problem.Field("status", "Choose one of the listed statuses."), "")
		return
	}
	d := views.MyQuizzesData{Tab: tab, NewURL: newQuizLink(u)}
	d.Tabs = append(d.Tabs, views.Tab{Label: "Taken", URL: "/home/quizzes/my/?tab=taken", Current: tab == "taken"})
	if author {
		d.Tabs = append(d.Tabs, views.Tab{Label: "Created", URL: "/home/quizzes/my/?tab=created", Current: tab == "created"})
	}
	var rows []quiz.Row
	var err error
	if tab == "created" {
		rows, err = h.st.Quiz.Created(r.Context(), u)
		d.Empty = "Quizzes you create show here, with their attempts and grading queue."
	} else {
		rows, err = h.st.Quiz.Taken(r.Context(), u)
		d.Empty = "Quizzes you take show here, with your best score and what to do next."
		for _, f := range takenFilters {
			d.Filters = append(d.Filters, views.Tab{Label: f.label, URL: "/home/quizzes/my/?tab=taken&status=" + f.value,
				Current: f.value == status})
		}
		if status != "" {
			kept := rows[:0]
			for _, row := range rows {
				if row.Progress.State == status {
					kept = append(kept, row)
				}
			}
			rows = kept
			d.Empty = "No quiz of yours is in that state."
		}
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	d.Quizzes = h.cards(r.Context(), rows, true)
	h.render(w, r, http.StatusOK, views.MyQuizzesPage(h.page(w, r, "My quizzes", "quizzes"), d))
}

// ---- creating a quiz -------------------------------------------------------------------

func defaultQuizForm(action string) views.QuizForm {
	return views.QuizForm{Action: action, TimeLimit: "30", PassingPercent: "60", MaxAttempts: "0", Active: true}
}

// subjectOptions are the choices of the new-quiz page's subject select.
func subjectOptions(subjects []store.Subject) []views.Option {
	out := make([]views.Option, len(subjects))
	for i, s := range subjects {
		out[i] = views.Option{Value: s.Code, Label: s.Name + " (" + s.Code + ")"}
	}
	return out
}

// newQuizPage is /home/quizzes/new/: the settings form with a choice of the subjects
// the viewer teaches (?subject=CODE preselects one).
func (h *Web) newQuizPage(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	if !auth.IsInstructor(u) {
		h.fail(w, r, problem.Forbidden("Only instructors and admins write quizzes."), "")
		return
	}
	subjects, err := h.st.Quiz.SubjectsToQuiz(r.Context(), u)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	f := defaultQuizForm(newQuizURL)
	f.Subjects, f.Subject = subjectOptions(subjects), r.URL.Query().Get("subject")
	h.render(w, r, http.StatusOK, views.NewQuizPage(h.page(w, r, "New quiz", "quizzes"), views.NewQuizData{Form: f}))
}

// createAnyQuiz is the new-quiz page's form: the subject is a code (the original's
// form sent its id, accepted too).
func (h *Web) createAnyQuiz(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, 64<<10) {
		return
	}
	u, _ := identity(r.Context())
	if !auth.IsInstructor(u) {
		h.fail(w, r, problem.Forbidden("Only instructors and admins write quizzes."), "")
		return
	}
	if !h.allow(w, r, h.st.Limits.Quiz) {
		return
	}
	subjects, err := h.st.Quiz.SubjectsToQuiz(r.Context(), u)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	chosen := strings.TrimSpace(r.PostFormValue("subject"))
	var subj *store.Subject
	for i, s := range subjects {
		if strings.EqualFold(s.Code, chosen) || text.Itoa(s.ID) == chosen {
			subj = &subjects[i]
		}
	}
	if r.PostFormValue("time_limit_minutes") == "" && r.PostFormValue("time_limit") != "" {
		r.PostForm.Set("time_limit_minutes", r.PostFormValue("time_limit")) // the original's name
	}
	in, err := quizInput(r)
	var qz store.Quiz
	switch {
	case subj == nil:
		err = problem.Field("subject", "Choose one of the subjects you teach.")
	case err == nil:
		qz, err = h.st.Quiz.CreateQuiz(r.Context(), u, subj.ID, in)
	}
	if fields, ok := invalidFields(r, err); ok {
		f := quizFormAgain(r, newQuizURL, fields)
		f.Subjects, f.Subject = subjectOptions(subjects), chosen
		if subj != nil {
			f.Subject = subj.Code
		}
		h.render(w, r, http.StatusBadRequest, views.NewQuizPage(h.page(w, r, "New quiz", "quizzes"), views.NewQuizData{Form: f}))
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "Quiz created: now add its questions.")
	http.Redirect(w, r, quiz.QuizURL(qz.ID), http.StatusSeeOther)
}

// ---- a subject's quizzes -------------------------------------------------------------

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
	u, _ := identity(r.Context())
	rows, err := h.st.Quiz.RowsOf(r.Context(), u, sq)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	d := views.QuizListData{Heading: "Quizzes of " + sq.Subject.Name, SubjectURL: learn.SubjectURL(sq.Subject.Code),
		CanCreate: sq.Manage, Form: form, Quizzes: h.cards(r.Context(), rows, false)}
	h.render(w, r, status, views.QuizListPage(h.page(w, r, d.Heading, "quizzes"), d))
}

func newQuizAction(s store.Subject) string { return learn.SubjectURL(s.Code) + "quizzes/" }

func (h *Web) subjectQuizzesPage(w http.ResponseWriter, r *http.Request) {
	sq, ok := h.subjectQuizzes(w, r)
	if !ok {
		return
	}
	h.renderSubjectQuizzes(w, r, http.StatusOK, sq, defaultQuizForm(newQuizAction(sq.Subject)))
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
