package web

import "net/http"

// registerQuiz adds the quiz pages to mux (see server.go for the rest): the quizzes
// of the viewer and of a subject, "my quizzes", the new-quiz page, the builder,
// taking an attempt (the attempt's address takes the no-JS form; quiz.js autosaves,
// submits and reorders questions through the JSON API instead), results, grading (the
// queue, and one question across all attempts), analytics and the CSV export — and
// the original's addresses (quiz_legacy.go).
func (h *Web) registerQuiz(mux *http.ServeMux) {
	mux.HandleFunc("GET /home/quizzes/{$}", h.requireLogin(h.quizzesPage))
	mux.HandleFunc("GET /home/quizzes/my/{$}", h.requireLogin(h.myQuizzesPage))
	mux.HandleFunc("GET /home/quizzes/new/{$}", h.requireLogin(h.newQuizPage))
	mux.HandleFunc("POST /home/quizzes/new/{$}", h.requireLogin(h.createAnyQuiz))
	mux.HandleFunc("GET /home/subjects/{code}/quizzes/{$}", h.requireLogin(h.subjectQuizzesPage))
	mux.HandleFunc("POST /home/subjects/{code}/quizzes/{$}", h.requireLogin(h.createQuiz))
	mux.HandleFunc("GET /home/quizzes/{id}/{$}", h.requireLogin(h.quizPage))
	mux.HandleFunc("POST /home/quizzes/{id}/edit/{$}", h.requireLogin(h.updateQuiz))
	mux.HandleFunc("POST /home/quizzes/{id}/delete/{$}", h.requireLogin(h.deleteQuiz))
	mux.HandleFunc("POST /home/quizzes/{id}/questions/{$}", h.requireLogin(h.addQuestion))
	mux.HandleFunc("POST /home/questions/{id}/edit/{$}", h.requireLogin(h.updateQuestion))
	mux.HandleFunc("POST /home/questions/{id}/delete/{$}", h.requireLogin(h.deleteQuestion))
	mux.HandleFunc("POST /home/questions/{id}/move/{$}", h.requireLogin(h.moveQuestion))
	mux.HandleFunc("POST /home/quizzes/{id}/start/{$}", h.requireLogin(h.startQuiz))
	mux.HandleFunc("GET /home/attempts/{id}/{$}", h.requireLogin(h.takePage))
	mux.HandleFunc("POST /home/attempts/{id}/{$}", h.requireLogin(h.saveAnswers))
	mux.HandleFunc("POST /home/attempts/{id}/submit/{$}", h.requireLogin(h.submitAttempt))
	mux.HandleFunc("GET /home/attempts/{id}/results/{$}", h.requireLogin(h.resultsPage))
	mux.HandleFunc("GET /home/quizzes/{id}/grading/{$}", h.requireLogin(h.gradingPage))
	mux.HandleFunc("POST /home/quizzes/{id}/grading/{$}", h.requireLogin(h.gradeAnswer))
	mux.HandleFunc("GET /home/questions/{id}/grading/{$}", h.requireLogin(h.questionGradingPage))
	mux.HandleFunc("POST /home/questions/{id}/grading/{$}", h.requireLogin(h.gradeQuestion))
	mux.HandleFunc("GET /home/quizzes/{id}/analytics/{$}", h.requireLogin(h.analyticsPage))
	mux.HandleFunc("GET /home/quizzes/{id}/export.csv", h.requireLogin(h.exportCSV))
	mux.HandleFunc("GET /media/quiz/{id}/image", h.requireLogin(h.serveQuizImage))
	h.registerQuizLegacy(mux)
}
