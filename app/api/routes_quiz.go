package api

// quizRoutes are the quiz endpoints: quizzes of a subject, questions (managed by the
// subject's instructor and admins), attempts (the subject's active students: start or
// resume, save answers before the server's deadline, submit, results) and grading.
func (a *API) quizRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/subjects/{id}/quizzes/", Tag: "quiz", Summary: "A subject's quizzes (all for its managers, the active ones for its students)", Auth: true, Response: "QuizList", Status: 200, Handler: a.listQuizzes},
		{Method: "POST", Path: "/api/subjects/{id}/quizzes/", Tag: "quiz", Summary: "Create a quiz (the subject's instructor or an admin); defaults: 30 min, pass at 60 %, unlimited attempts", Auth: true, Body: "QuizWrite", Response: "Quiz", Status: 201, Handler: a.createQuiz},
		{Method: "GET", Path: "/api/quizzes/{id}/", Tag: "quiz", Summary: "A quiz: its questions with the correct answers for its managers; the viewer's attempts", Auth: true, Response: "QuizDetail", Status: 200, Handler: a.getQuiz},
		{Method: "PATCH", Path: "/api/quizzes/{id}/", Tag: "quiz", Summary: "Edit a quiz's settings (started attempts keep their deadline)", Auth: true, Body: "QuizWrite", Response: "Quiz", Status: 200, Handler: a.patchQuiz},
		{Method: "DELETE", Path: "/api/quizzes/{id}/", Tag: "quiz", Summary: "Delete a quiz with its questions and attempts", Auth: true, Status: 204, Handler: a.deleteQuiz},
		{Method: "POST", Path: "/api/quizzes/{id}/questions/", Tag: "quiz", Summary: "Add a question at the end (mcq: ≥ 2 answers, one correct; true_false: correct says whether True is right; short_answer: optional model answers)", Auth: true, Body: "QuestionWrite", Response: "Question", Status: 201, Handler: a.createQuestion},
		{Method: "POST", Path: "/api/quizzes/{id}/questions/order/", Tag: "quiz", Summary: "Reorder a quiz's questions: every question id once, in the new order", Auth: true, Body: "IDOrder", Response: "IDOrder", Status: 200, Handler: a.orderQuestions},
		{Method: "PUT", Path: "/api/questions/{id}/", Tag: "quiz", Summary: "Replace a question and its answers (answers with a known id are kept, others added, missing ones removed)", Auth: true, Body: "QuestionWrite", Response: "Question", Status: 200, Handler: a.putQuestion},
		{Method: "DELETE", Path: "/api/questions/{id}/", Tag: "quiz", Summary: "Delete a question (the quiz's totals follow)", Auth: true, Status: 204, Handler: a.deleteQuestion},
		{Method: "PUT", Path: "/api/questions/{id}/image/", Tag: "quiz", Summary: "Set a question's image: multipart field image (JPEG, PNG, GIF or WebP ≤ 5 MB, checked by content, re-encoded)", Auth: true, Body: "QuestionImage", Response: "Question", Status: 200, Handler: a.putQuestionImage},
		{Method: "DELETE", Path: "/api/questions/{id}/image/", Tag: "quiz", Summary: "Remove a question's image", Auth: true, Status: 204, Handler: a.deleteQuestionImage},
		{Method: "POST", Path: "/api/quizzes/{id}/attempts/", Tag: "quiz", Summary: "Start an attempt, or resume the open one (200, resumed: true); questions in the attempt's stable order", Auth: true, Response: "AttemptSheet", Status: 201, Handler: a.startAttempt},
		{Method: "GET", Path: "/api/attempts/{id}/", Tag: "quiz", Summary: "Your attempt with its questions and saved answers (an expired one is finished first)", Auth: true, Response: "AttemptSheet", Status: 200, Handler: a.getAttempt},
		{Method: "POST", Path: "/api/attempts/{id}/answers/", Tag: "quiz", Summary: "Save answers (answer_id for a choice, text for a short answer; 0 or blank clears); 409 after the deadline or the submit", Auth: true, Body: "AnswersWrite", Response: "Attempt", Status: 200, Handler: a.saveAnswers},
		{Method: "POST", Path: "/api/attempts/{id}/submit/", Tag: "quiz", Summary: "Submit an attempt; a second submit changes nothing (already_submitted: true)", Auth: true, Response: "SubmitResult", Status: 200, Handler: a.submitAttempt},
		{Method: "GET", Path: "/api/attempts/{id}/results/", Tag: "quiz", Summary: "A finished attempt's results: each question, the answer given, the correct answer, the explanation, the marks", Auth: true, Response: "AttemptResults", Status: 200, Handler: a.attemptResults},
		{Method: "GET", Path: "/api/quizzes/{id}/grading/", Tag: "quiz", Summary: "The short answers waiting for a grade (the quiz's managers)", Auth: true, Response: "GradingQueue", Status: 200, Handler: a.gradingQueue},
		{Method: "POST", Path: "/api/attempts/{id}/grade/", Tag: "quiz", Summary: "Grade a short answer 0..marks with feedback; the score and pass/fail follow and the student is notified", Auth: true, Body: "GradeWrite", Response: "Attempt", Status: 200, Handler: a.gradeAnswer},
		{Method: "GET", Path: "/api/quizzes/{id}/analytics/", Tag: "quiz", Summary: "A quiz's analytics: attempts, average and median percent, pass rate, histogram, per-question percent correct, average time", Auth: true, Response: "QuizAnalytics", Status: 200, Handler: a.quizAnalytics},
	}
}
