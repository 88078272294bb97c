package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"

	"eplatform/app/form"
	"eplatform/app/media"
	"eplatform/app/quiz"
	"eplatform/app/store"
)

// QuizJSON is the API's Quiz.
type QuizJSON struct {
	ID               int64   `json:"id"`
	Subject          int64   `json:"subject"`
	Title            string  `json:"title"`
	Description      string  `json:"description"`
	TimeLimitMinutes int     `json:"time_limit_minutes"`
	PassingPercent   int     `json:"passing_percent"`
	MaxAttempts      int     `json:"max_attempts"`
	IsRandomized     bool    `json:"is_randomized"`
	IsActive         bool    `json:"is_active"`
	GradeBy          string  `json:"grade_by"`
	TotalMarks       int     `json:"total_marks"`
	QuestionCount    int     `json:"question_count"`
	CanManage        bool    `json:"can_manage"`
	URL              string  `json:"url"`
	CreatedAt        string  `json:"created_at"`
	UpdatedAt        string  `json:"updated_at"`
	DueAt            *string `json:"due_at"`
}

// AnswerJSON is an answer option; is_correct only for the quiz's managers and in results.
type AnswerJSON struct {
	ID        int64  `json:"id"`
	Text      string `json:"text"`
	IsCorrect *bool  `json:"is_correct,omitempty"`
}

// QuestionJSON is the API's Question.
type QuestionJSON struct {
	ID          int64        `json:"id"`
	Quiz        int64        `json:"quiz"`
	Kind        string       `json:"kind"`
	Text        string       `json:"text"`
	Marks       int          `json:"marks"`
	Explanation *string      `json:"explanation,omitempty"`
	ImageURL    *string      `json:"image_url"`
	Position    int          `json:"position"`
	Answers     []AnswerJSON `json:"answers"`
	AutoAccept  *bool        `json:"auto_accept,omitempty"`
}

// AttemptJSON is the API's Attempt.
type AttemptJSON struct {
	ID           int64   `json:"id"`
	Quiz         int64   `json:"quiz"`
	User         int64   `json:"user"`
	Number       int     `json:"attempt_number"`
	Status       string  `json:"status"`
	StartedAt    string  `json:"started_at"`
	DeadlineAt   string  `json:"deadline_at"`
	FinishedAt   *string `json:"finished_at"`
	Score        int     `json:"score"`
	MaxScore     int     `json:"max_score"`
	Percent      int     `json:"percent"`
	PendingCount int     `json:"pending_count"`
	Passed       bool    `json:"passed"`
	ServerTime   string  `json:"server_time"`
}

func quizJSON(a quiz.Access, base string) QuizJSON {
	q := a.Quiz
	out := QuizJSON{ID: q.ID, Subject: q.SubjectID, Title: q.Title, Description: q.Description,
		TimeLimitMinutes: q.TimeLimitMinutes, PassingPercent: q.PassingPercent, MaxAttempts: q.MaxAttempts,
		IsRandomized: q.IsRandomized, IsActive: q.IsActive, GradeBy: q.GradeBy, TotalMarks: q.TotalMarks, QuestionCount: q.QuestionCount,
		CanManage: a.Manage, URL: base + quiz.QuizURL(q.ID), CreatedAt: iso(q.CreatedAt), UpdatedAt: iso(q.UpdatedAt)}
	if !q.DueAt.IsZero() {
		d := iso(q.DueAt)
		out.DueAt = &d
	}
	return out
}

// questionJSON shows correctness and explanations only when reveal is true.
func questionJSON(q store.Question, reveal bool) QuestionJSON {
	out := QuestionJSON{ID: q.ID, Quiz: q.QuizID, Kind: q.Kind, Text: q.Text, Marks: q.Marks, Position: q.Position,
		Answers: []AnswerJSON{}}
	if reveal {
		e, auto := q.Explanation, q.AutoAccept
		out.Explanation, out.AutoAccept = &e, &auto
	}
	if u := quiz.ImageURL(q); u != "" {
		out.ImageURL = &u
	}
	for _, a := range q.Answers {
		if q.Kind == quiz.ShortAnswer && !reveal {
			continue // model answers
		}
		aj := AnswerJSON{ID: a.ID, Text: a.Text}
		if reveal {
			c := a.IsCorrect
			aj.IsCorrect = &c
		}
		out.Answers = append(out.Answers, aj)
	}
	return out
}

func (a *API) attemptJSON(at store.Attempt, passing int) AttemptJSON {
	out := AttemptJSON{ID: at.ID, Quiz: at.QuizID, User: at.UserID, Number: at.Number, Status: at.Status,
		StartedAt: iso(at.StartedAt), DeadlineAt: iso(at.DeadlineAt), Score: at.Score, MaxScore: at.MaxScore,
		Percent: quiz.Percent(at), PendingCount: at.PendingCount, Passed: quiz.Passed(at, passing),
		ServerTime: iso(a.st.Now())}
	if !at.FinishedAt.IsZero() {
		f := iso(at.FinishedAt)
		out.FinishedAt = &f
	}
	return out
}

// decode reads a JSON body of at most 1 MiB into v; it answers 400 itself.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	// Another media type is a 415 and a body over the limit a 413, as readFields
	// answers (the contract test sends both to every operation with a body).
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")) // absent or unparsable: "", read as JSON as readFields does
	if ct != "" && ct != "application/json" {
		detail(w, http.StatusUnsupportedMediaType, fmt.Sprintf("Unsupported media type %q in request.", ct))
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return bodyError(w, err)
		}
		detail(w, http.StatusBadRequest, "The body must be a JSON object of the documented shape: "+err.Error())
		return false
	}
	return true
}

// ---- quizzes -------------------------------------------------------------------------

type quizWrite struct {
	Title            *string `json:"title"`
	Description      *string `json:"description"`
	TimeLimitMinutes *int    `json:"time_limit_minutes"`
	PassingPercent   *int    `json:"passing_percent"`
	MaxAttempts      *int    `json:"max_attempts"`
	IsRandomized     *bool   `json:"is_randomized"`
	IsActive         *bool   `json:"is_active"`
	DueAt            *string `json:"due_at"`
	GradeBy          *string `json:"grade_by"`
}

func (q quizWrite) input() quiz.QuizInput {
	return quiz.QuizInput{Title: q.Title, Description: q.Description, TimeLimitMinutes: q.TimeLimitMinutes,
		PassingPercent: q.PassingPercent, MaxAttempts: q.MaxAttempts, IsRandomized: q.IsRandomized, IsActive: q.IsActive,
		Due: q.DueAt, GradeBy: q.GradeBy}
}

func (a *API) listQuizzes(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	sq, err := a.st.Quiz.QuizzesOf(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]QuizJSON, len(sq.Quizzes))
	for i, q := range sq.Quizzes {
		out[i] = quizJSON(quiz.Access{Quiz: q, Subject: sq.Subject, Manage: sq.Manage}, a.st.Config.BaseURL)
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(out), "next": nil, "previous": nil, "results": out})
}

func (a *API) createQuiz(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Quiz) {
		return
	}
	var body quizWrite
	if !decode(w, r, &body) {
		return
	}
	qz, err := a.st.Quiz.CreateQuiz(r.Context(), viewer(r), id, body.input())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, quizJSON(quiz.Access{Quiz: qz, Manage: true}, a.st.Config.BaseURL))
}

// QuizDetailJSON is a quiz with its questions (managers: with the answers' correctness;
// null for students, who get them through an attempt) and the viewer's attempts.
type QuizDetailJSON struct {
	QuizJSON
	Questions    *[]QuestionJSON `json:"questions"`
	Attempts     []AttemptJSON   `json:"attempts"`
	AttemptsLeft *int            `json:"attempts_left"`
	PendingCount int             `json:"grading_pending"`
}

func (a *API) getQuiz(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	v, err := a.st.Quiz.Quiz(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := QuizDetailJSON{QuizJSON: quizJSON(v.Access, a.st.Config.BaseURL), Attempts: []AttemptJSON{}, PendingCount: v.Pending}
	if v.Manage {
		qs := make([]QuestionJSON, len(v.Questions))
		for i, q := range v.Questions {
			qs[i] = questionJSON(q, true)
		}
		out.Questions = &qs
	}
	for _, at := range v.Attempts {
		out.Attempts = append(out.Attempts, a.attemptJSON(at, v.Quiz.PassingPercent))
	}
	if v.AttemptsLeft >= 0 {
		n := v.AttemptsLeft
		out.AttemptsLeft = &n
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) patchQuiz(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Quiz) {
		return
	}
	var body quizWrite
	if !decode(w, r, &body) {
		return
	}
	qz, err := a.st.Quiz.UpdateQuiz(r.Context(), viewer(r), id, body.input())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, quizJSON(quiz.Access{Quiz: qz, Manage: true}, a.st.Config.BaseURL))
}

func (a *API) deleteQuiz(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if _, err := a.st.Quiz.DeleteQuiz(r.Context(), viewer(r), id); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ---- questions -----------------------------------------------------------------------

type questionWrite struct {
	Kind        string `json:"kind"`
	Text        string `json:"text"`
	Marks       *int   `json:"marks"`
	Explanation string `json:"explanation"`
	Correct     *bool  `json:"correct"`
	AutoAccept  bool   `json:"auto_accept"`
	Answers     []struct {
		ID        int64  `json:"id"`
		Text      string `json:"text"`
		IsCorrect bool   `json:"is_correct"`
	} `json:"answers"`
}

func (q questionWrite) input() quiz.QuestionInput {
	in := quiz.QuestionInput{Kind: q.Kind, Text: q.Text, Marks: 1, Explanation: q.Explanation, Correct: true, AutoAccept: q.AutoAccept}
	if q.Marks != nil {
		in.Marks = *q.Marks
	}
	if q.Correct != nil {
		in.Correct = *q.Correct
	}
	for _, a := range q.Answers {
		in.Answers = append(in.Answers, store.AnswerFields{ID: a.ID, Text: a.Text, IsCorrect: a.IsCorrect})
	}
	return in
}

func (a *API) createQuestion(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Quiz) {
		return
	}
	var body questionWrite
	if !decode(w, r, &body) {
		return
	}
	q, err := a.st.Quiz.AddQuestion(r.Context(), viewer(r), id, body.input())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, questionJSON(q, true))
}

func (a *API) putQuestion(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Quiz) {
		return
	}
	var body questionWrite
	if !decode(w, r, &body) {
		return
	}
	q, err := a.st.Quiz.UpdateQuestion(r.Context(), viewer(r), id, body.input())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, questionJSON(q, true))
}

func (a *API) deleteQuestion(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if _, err := a.st.Quiz.DeleteQuestion(r.Context(), viewer(r), id); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) orderQuestions(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	var body struct {
		IDs []int64 `json:"ids"`
	}
	if !decode(w, r, &body) {
		return
	}
	if err := a.st.Quiz.OrderQuestions(r.Context(), viewer(r), id, body.IDs); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ids": body.IDs})
}

// ---- attempts ------------------------------------------------------------------------

// SavedAnswerJSON is a saved answer of an attempt in progress.
type SavedAnswerJSON struct {
	Question int64   `json:"question"`
	AnswerID *int64  `json:"answer_id"`
	Text     *string `json:"text"`
}

// SheetJSON is an attempt being taken: questions in the attempt's (stable) order,
// without correctness, and the saved answers.
type SheetJSON struct {
	Attempt   AttemptJSON       `json:"attempt"`
	Quiz      QuizJSON          `json:"quiz"`
	Questions []QuestionJSON    `json:"questions"`
	Answers   []SavedAnswerJSON `json:"answers"`
	Resumed   bool              `json:"resumed"`
}

func (a *API) sheetJSON(sh quiz.Sheet) SheetJSON {
	out := SheetJSON{Attempt: a.attemptJSON(sh.Attempt, sh.Quiz.PassingPercent), Quiz: quizJSON(sh.Access, a.st.Config.BaseURL),
		Questions: []QuestionJSON{}, Answers: []SavedAnswerJSON{}}
	for _, q := range sh.Questions {
		out.Questions = append(out.Questions, questionJSON(q, false))
		if s, ok := sh.Saved[q.ID]; ok {
			sa := SavedAnswerJSON{Question: q.ID, Text: s.TextAnswer}
			if s.SelectedAnswerID != 0 {
				id := s.SelectedAnswerID
				sa.AnswerID = &id
			}
			out.Answers = append(out.Answers, sa)
		}
	}
	return out
}

func (a *API) startAttempt(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	v := viewer(r)
	att, resumed, err := a.st.Quiz.Start(r.Context(), v, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	sh, err := a.st.Quiz.Sheet(r.Context(), v, att.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := a.sheetJSON(sh)
	out.Resumed = resumed
	status := http.StatusCreated
	if resumed {
		status = http.StatusOK
	}
	writeJSON(w, status, out)
}

func (a *API) getAttempt(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	sh, err := a.st.Quiz.Sheet(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.sheetJSON(sh))
}

func (a *API) saveAnswers(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Answer) {
		return
	}
	var body struct {
		Answers []struct {
			Question int64   `json:"question"`
			AnswerID int64   `json:"answer_id"`
			Text     *string `json:"text"`
		} `json:"answers"`
	}
	if !decode(w, r, &body) {
		return
	}
	in := make([]quiz.AnswerIn, len(body.Answers))
	for i, b := range body.Answers {
		in[i] = quiz.AnswerIn{QuestionID: b.Question, AnswerID: b.AnswerID, Text: b.Text}
	}
	saved, err := a.st.Quiz.Save(r.Context(), viewer(r), id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.attemptJSON(saved.Attempt, saved.Quiz.PassingPercent))
}

func (a *API) submitAttempt(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	v := viewer(r)
	_, already, err := a.st.Quiz.Submit(r.Context(), v, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	att, acc, err := a.st.Quiz.Attempt(r.Context(), v, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"attempt": a.attemptJSON(att, acc.Quiz.PassingPercent), "already_submitted": already})
}

// ResultItemJSON is one question of an attempt's results.
type ResultItemJSON struct {
	Question     QuestionJSON `json:"question"`
	AnswerID     *int64       `json:"answer_id"`
	Answer       *string      `json:"answer"`
	Correct      []string     `json:"correct_answers"`
	MarksAwarded *int         `json:"marks_awarded"`
	Pending      bool         `json:"pending"`
	Feedback     string       `json:"feedback"`
}

func (a *API) attemptResults(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	res, err := a.st.Quiz.Results(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items := []ResultItemJSON{}
	for _, it := range res.Items {
		ri := ResultItemJSON{Question: questionJSON(it.Question, true), Correct: it.Correct, Pending: it.Pending}
		if ri.Correct == nil {
			ri.Correct = []string{}
		}
		if it.Answer != nil {
			if it.Answer.SelectedAnswerID != 0 {
				aid := it.Answer.SelectedAnswerID
				ri.AnswerID = &aid
			}
			s := it.Selected
			ri.Answer = &s
			ri.MarksAwarded = it.Answer.MarksAwarded
			ri.Feedback = it.Answer.Feedback
		}
		items = append(items, ri)
	}
	writeJSON(w, http.StatusOK, map[string]any{"attempt": a.attemptJSON(res.Attempt, res.Quiz.PassingPercent),
		"quiz": quizJSON(res.Access, a.st.Config.BaseURL), "user": res.Taker.Username,
		"display_name": res.Taker.DisplayName(), "items": items})
}

// ---- grading and analytics -------------------------------------------------------------

func (a *API) gradingQueue(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	q, err := a.st.Quiz.GradingQueue(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []map[string]any{}
	for _, p := range q.Pending {
		out = append(out, map[string]any{"attempt": p.AttemptID, "question": p.QuestionID, "username": p.User.Username, "display_name": p.User.DisplayName(),
			"question_text": p.Question, "marks": p.Marks, "answer": p.Text, "finished_at": iso(p.FinishedAt)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(out), "next": nil, "previous": nil, "results": out})
}

func (a *API) gradeAnswer(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Quiz) {
		return
	}
	var body struct {
		Question int64  `json:"question"`
		Marks    *int   `json:"marks"`
		Feedback string `json:"feedback"`
	}
	if !decode(w, r, &body) {
		return
	}
	if body.Marks == nil {
		fieldErrors(w, form.Errors{"marks": {"This field is required."}})
		return
	}
	v := viewer(r)
	if _, err := a.st.Quiz.Grade(r.Context(), v, id, body.Question, *body.Marks, body.Feedback); err != nil {
		a.fail(w, r, err)
		return
	}
	att, acc, err := a.st.Quiz.Attempt(r.Context(), v, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.attemptJSON(att, acc.Quiz.PassingPercent))
}

func (a *API) quizAnalytics(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	st, err := a.st.Quiz.Analytics(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	per := []map[string]any{}
	for _, q := range st.Questions {
		per = append(per, map[string]any{"question": q.Question.ID, "text": q.Question.Text, "correct": q.Correct, "percent_correct": q.Percent})
	}
	writeJSON(w, http.StatusOK, map[string]any{"attempts": st.Count, "average_percent": st.Average, "median_percent": st.Median,
		"pass_rate": st.PassRate, "histogram": st.Histogram, "per_question": per,
		"average_seconds": int(st.AverageTime.Seconds())})
}

// putQuestionImage stores the multipart field "image" as a question's picture.
func (a *API) putQuestionImage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Upload) {
		return
	}
	// Another media type is a 415 and a picture over 5 MB a 413, as for every picture.
	data, _, ok := readPicture(w, r, "image")
	if !ok {
		return
	}
	if len(data) == 0 {
		fieldErrors(w, form.Errors{"image": {"No file was submitted."}})
		return
	}
	q, err := a.st.Quiz.SetQuestionImage(r.Context(), viewer(r), id, data)
	if ue, isUpload := media.IsUploadError(err); isUpload {
		fieldErrors(w, form.Errors{"image": {ue.Message}})
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, questionJSON(q, true))
}

func (a *API) deleteQuestionImage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if _, err := a.st.Quiz.SetQuestionImage(r.Context(), viewer(r), id, nil); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
