package web

import "net/http"

// registerQuiz adds the quiz pages to mux (see server.go for the rest).
func (h *Web) registerQuiz(mux *http.ServeMux) {}
