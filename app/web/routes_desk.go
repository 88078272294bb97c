package web

import "net/http"

// registerDesk adds the desk pages to mux (see server.go for the rest): contact, FAQ
// and booking, the appointments list, the learning assistant and the admin area.
func (h *Web) registerDesk(mux *http.ServeMux) {
	mux.HandleFunc("GET /home/contact/{$}", h.contactPage)
	mux.HandleFunc("POST /home/contact/{$}", h.contactSubmit)
	mux.HandleFunc("POST /home/contact/appointment/{$}", h.bookSubmit)
	mux.HandleFunc("GET /home/appointments/{$}", h.requireLogin(h.appointmentsPage))
	mux.HandleFunc("POST /home/appointments/{id}/{action}/{$}", h.requireLogin(h.appointmentAction))

	mux.HandleFunc("GET /ai/{$}", h.requireLogin(h.aiPage))
	mux.HandleFunc("POST /ai/{$}", h.requireLogin(h.aiRequest))
	// /ai/api/feedback/ answers any method, as in the reference; the feedback request
	// is not exempt from the cross-origin protection (the reference's was).
	mux.HandleFunc("/ai/api/feedback/{$}", h.requireLoginJSON(h.aiFeedback))
	mux.HandleFunc("/ai/api/feedback/{submission_id}/{$}", h.requireLoginJSON(h.aiFeedback))
	mux.HandleFunc("POST /ai/api/feedback-request/{$}", h.requireLoginJSON(h.aiFeedbackRequest))

	h.registerAdmin(mux)
}
