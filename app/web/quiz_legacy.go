package web

import (
	"net/http"

	"eplatform/app/quiz"
	"eplatform/app/text"
)

// The original's quiz addresses (bookmarks, links in old mails) lead to their new
// places: a GET (or HEAD) with 301, any other method with 308, which keeps the method
// and the body. Those that name something the new pages show as a part of a page
// (a quiz's settings, its questions, one question) go to that part's anchor; the
// target checks who may see it, except for a question, which has to be looked up to
// know its quiz (so only its quiz's managers are sent on).
func (h *Web) registerQuizLegacy(mux *http.ServeMux) {
	mux.HandleFunc("GET /home/quizzes/create/{$}", moved(func(*http.Request) string { return newQuizURL }))
	mux.HandleFunc("POST /home/quizzes/create/{$}", moved(func(*http.Request) string { return newQuizURL }))
	mux.HandleFunc("GET /home/quizzes/{id}/edit/{$}", moved(func(r *http.Request) string { return "/home/quizzes/" + r.PathValue("id") + "/#settings" }))
	mux.HandleFunc("GET /home/quizzes/{id}/questions/{$}", moved(func(r *http.Request) string { return "/home/quizzes/" + r.PathValue("id") + "/#questions" }))
	mux.HandleFunc("GET /home/questions/{id}/edit/{$}", h.requireLogin(h.legacyQuestion))
	mux.HandleFunc("/home/questions/{id}/answers/{$}", moved(func(r *http.Request) string { return "/home/questions/" + r.PathValue("id") + "/edit/" }))
	mux.HandleFunc("/home/attempt/{id}/take/{$}", moved(func(r *http.Request) string { return "/home/attempts/" + r.PathValue("id") + "/" }))
	// The original deleted on a GET confirmation page and started an attempt on a GET:
	// both are buttons on the quiz page now.
	mux.HandleFunc("GET /home/quizzes/{id}/delete/{$}", moved(func(r *http.Request) string { return "/home/quizzes/" + r.PathValue("id") + "/#settings" }))
	mux.HandleFunc("GET /home/quizzes/{id}/start/{$}", moved(func(r *http.Request) string { return "/home/quizzes/" + r.PathValue("id") + "/" }))
	mux.HandleFunc("GET /home/questions/{id}/add/{$}", moved(func(r *http.Request) string { return "/home/quizzes/" + r.PathValue("id") + "/#questions" }))
	mux.HandleFunc("POST /home/questions/{id}/add/{$}", moved(func(r *http.Request) string { return "/home/quizzes/" + r.PathValue("id") + "/questions/" }))
	mux.HandleFunc("GET /home/questions/{id}/delete/{$}", h.requireLogin(h.legacyQuestion))
	mux.HandleFunc("/home/attempt/{id}/result/{$}", moved(func(r *http.Request) string { return "/home/attempts/" + r.PathValue("id") + "/results/" }))
}

// legacyQuestion is the original's question edit page: the question's form on its
// quiz's page, for the quiz's managers.
func (h *Web) legacyQuestion(w http.ResponseWriter, r *http.Request) {
	id, ok := h.quizID(w, r)
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	q, _, err := h.st.Quiz.Question(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	http.Redirect(w, r, quiz.QuizURL(q.QuizID)+"#question-"+text.Itoa(q.ID), http.StatusMovedPermanently)
}
