package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// healthz answers 200 when the database answers a query within two seconds; load
// balancers and process supervisors poll it.
func (h *Web) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err := h.st.DB.Ping(ctx); err != nil {
		h.st.Log.ErrorContext(r.Context(), "health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(map[string]string{"status": "unavailable", "database": "not answering"})
		return
	}
	json.NewEncoder(w).Encode(map[string]string{"status": "ok", "database": "ok"})
}

// favicon redirects the conventional path to the hashed SVG icon.
func (h *Web) favicon(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, h.assets.URL("img/favicon.svg"), http.StatusMovedPermanently)
}

// root sends visitors to their home page (or, anonymous, to the login page via it).
func (h *Web) root(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/home/", http.StatusFound)
}
