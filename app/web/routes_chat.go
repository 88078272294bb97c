package web

import "net/http"

// registerChat adds the chat pages to mux (see server.go for the rest).
func (h *Web) registerChat(mux *http.ServeMux) {}
