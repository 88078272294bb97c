package web

import "net/http"

// registerDesk adds the desk pages to mux (see server.go for the rest).
func (h *Web) registerDesk(mux *http.ServeMux) {}
