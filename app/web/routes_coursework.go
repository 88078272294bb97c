package web

import "net/http"

// registerCoursework adds the coursework pages to mux (see server.go for the rest):
// handing an assignment in on its page (/home/materials/{id}/, whose hand-in part is
// also a fragment that coursework.js fetches when a grade arrives), the instructor's
// list of an assignment's hand-ins with a ZIP of them all, one hand-in with its grade
// form and history, hand-in files under /media/submission/{id}/{name} (served only to
// the student and the subject's managers), a subject's gradebook with its CSV export,
// and a student's own grades.
func (h *Web) registerCoursework(mux *http.ServeMux) {
	mux.HandleFunc("GET /home/materials/{id}/submission/{$}", h.requireLogin(h.handInFragment))
	mux.HandleFunc("POST /home/materials/{id}/submit/{$}", h.requireLogin(h.submitHandIn))
	mux.HandleFunc("GET /home/materials/{id}/submissions/{$}", h.requireLogin(h.handInsPage))
	mux.HandleFunc("GET /home/materials/{id}/submissions.zip", h.requireLogin(h.downloadHandIns))
	mux.HandleFunc("GET /home/submissions/{id}/{$}", h.requireLogin(h.submissionPage))
	mux.HandleFunc("POST /home/submissions/{id}/grade/{$}", h.requireLogin(h.gradeSubmission))
	mux.HandleFunc("GET /media/submission/{id}/{name}", h.requireLogin(h.serveSubmissionFile))
	mux.HandleFunc("GET /home/subjects/{code}/gradebook/{$}", h.requireLogin(h.gradebookPage))
	mux.HandleFunc("GET /home/subjects/{code}/gradebook.csv", h.requireLogin(h.gradebookCSV))
	mux.HandleFunc("GET /home/grades/{$}", h.requireLogin(h.gradesPage))
}
