package web

import "net/http"

// registerLearn adds the learn pages to mux (see server.go for the rest).
func (h *Web) registerLearn(mux *http.ServeMux) {}
