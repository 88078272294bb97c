package web

import (
	"net/http"

	"eplatform/views"
)

func (h *Web) home(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.HomePage(h.page(w, r, "Home", "home")))
}
