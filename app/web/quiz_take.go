package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"eplatform/app/problem"
	"eplatform/app/quiz"
	"eplatform/app/store"
	"eplatform/app/text"
	"eplatform/app/zone"
	"eplatform/views"
)

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
	d := views.TakeData{Quiz: summaryOf(r.Context(), sh.Access, now), AttemptID: id, Number: sh.Attempt.Number,
		SaveURL: quiz.AttemptURL(id), ResultsURL: quiz.ResultsURL(id),
		AnswersAPI: "/api/attempts/" + text.Itoa(id) + "/answers/", SubmitAPI: "/api/attempts/" + text.Itoa(id) + "/submit/",
		Deadline: zone.In(r.Context(), sh.Attempt.DeadlineAt).Format("15:04 MST"), DeadlineMS: sh.Attempt.DeadlineAt.UnixMilli(),
		NowMS: now.UnixMilli(), Remaining: fmt.Sprintf("%d:%02d", int(left.Minutes()), int(left.Seconds())%60)}
	for i, q := range sh.Questions {
		tq := views.TakeQuestion{ID: q.ID, Number: i + 1, Kind: q.Kind, Text: q.Text, Marks: q.Marks, ImageURL: quiz.ImageURL(q)}
		saved, has := sh.Saved[q.ID]
		if has {
			d.Answered++
			tq.Answered = true
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
	d := views.ResultData{Quiz: summaryOf(r.Context(), res.Access, h.st.Now()), Number: a.Number, Status: statusLabel(a.Status),
		Taker: res.Taker.DisplayName(), TakerUser: res.Taker.Username,
		Score: a.Score, MaxScore: a.MaxScore, Percent: res.Percent, Passed: res.Passed, Pending: a.PendingCount,
		Finished: dueText(r.Context(), a.FinishedAt), Duration: duration(a.FinishedAt.Sub(a.StartedAt)), BackURL: quiz.QuizURL(a.QuizID)}
	if res.Attempt.UserID == u.ID {
		// The taker: Retake while attempts remain (and the quiz is open to them).
		v, err := h.st.Quiz.Quiz(r.Context(), u, a.QuizID)
		if err != nil {
			h.fail(w, r, err, "")
			return
		}
		p := quiz.ProgressOf(v.Quiz, v.Attempts, h.st.Now())
		if p.Action == quiz.ActRetake {
			d.RetakeURL = quiz.QuizURL(a.QuizID) + "start/"
		}
		if v.Quiz.MaxAttempts > 0 {
			d.AttemptsUp = fmt.Sprintf("%d of %d attempts used.", p.Used, v.Quiz.MaxAttempts)
		}
	}
	for i, it := range res.Items {
		ri := views.ResultItem{Number: i + 1, Kind: it.Question.Kind, Text: it.Question.Text, Marks: it.Question.Marks,
			Awarded: it.Marks, Your: it.Selected, YourIsText: it.Question.Kind == quiz.ShortAnswer, Unanswered: it.Answer == nil,
			Correct: it.Correct, Right: it.Answer != nil && !it.Pending && it.Marks >= it.Question.Marks, Pending: it.Pending,
			Explanation: it.Question.Explanation, AttemptID: a.ID, QuestionID: it.Question.ID, ImageURL: quiz.ImageURL(it.Question)}
		if it.Answer != nil {
			ri.Feedback, ri.Graded = it.Answer.Feedback, it.Answer.MarksAwarded != nil
		}
		if res.Manage && it.Question.Kind == quiz.ShortAnswer && it.Answer != nil {
			ri.GradeURL = quiz.GradingURL(a.QuizID)
		}
		d.Items = append(d.Items, ri)
	}
	h.render(w, r, http.StatusOK, views.ResultPage(h.page(w, r, "Results", "quizzes"), d))
}
