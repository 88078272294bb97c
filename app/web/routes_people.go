package web

import "net/http"

// registerPeople adds the people pages to mux (see server.go for the rest).
func (h *Web) registerPeople(mux *http.ServeMux) {}
