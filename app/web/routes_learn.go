package web

import "net/http"

// registerLearn adds the learn pages to mux (see server.go for the rest).
//
// Subject pages are addressed by code. The literal pages /home/subjects/my/ and
// /home/subjects/new/ are more specific than /home/subjects/{code}/ and win; a subject
// whose code is "my" or "new" is linked as /home/subjects/~my/ (learn.SubjectURL: "~"
// is never part of a code), so it stays reachable. Enrollment keeps the original's
// /home/subjects/{id}/enroll/ and /unenroll/; materials live under /home/materials/,
// their files under /media/material/{id}/{name}, served only to who may see them.
// Scripts save a dragged order through the API (/api/subjects/{id}/materials/order/)
// and send the material form as a fragment request (FragmentRoutes).
func (h *Web) registerLearn(mux *http.ServeMux) {
	mux.HandleFunc("GET /home/subjects/{$}", h.requireLogin(h.subjectsPage))
	mux.HandleFunc("GET /home/subjects/my/{$}", h.requireLogin(h.mySubjectsPage))
	mux.HandleFunc("GET /home/subjects/new/{$}", h.requireLogin(h.newSubjectForm))
	mux.HandleFunc("POST /home/subjects/new/{$}", h.requireLogin(h.createSubject))
	mux.HandleFunc("GET /home/subjects/{code}/{$}", h.requireLogin(h.subjectPage))
	mux.HandleFunc("GET /home/subjects/{code}/edit/{$}", h.requireLogin(h.editSubjectForm))
	mux.HandleFunc("POST /home/subjects/{code}/edit/{$}", h.requireLogin(h.updateSubject))
	mux.HandleFunc("POST /home/subjects/{code}/delete/{$}", h.requireLogin(h.deleteSubject))
	mux.HandleFunc("POST /home/subjects/{id}/enroll/{$}", h.requireLogin(h.enroll))
	mux.HandleFunc("POST /home/subjects/{id}/unenroll/{$}", h.requireLogin(h.unenroll))

	mux.HandleFunc("GET /home/subjects/{code}/materials/new/{$}", h.requireLogin(h.newMaterialForm))
	mux.HandleFunc("POST /home/subjects/{code}/materials/new/{$}", h.requireLogin(h.createMaterial))
	mux.HandleFunc("GET /home/materials/{id}/{$}", h.requireLogin(h.materialPage))
	mux.HandleFunc("GET /home/materials/{id}/open/{$}", h.requireLogin(h.openMaterialLink))
	mux.HandleFunc("GET /home/materials/{id}/edit/{$}", h.requireLogin(h.editMaterialForm))
	mux.HandleFunc("POST /home/materials/{id}/edit/{$}", h.requireLogin(h.updateMaterial))
	mux.HandleFunc("POST /home/materials/{id}/delete/{$}", h.requireLogin(h.deleteMaterial))
	mux.HandleFunc("POST /home/materials/{id}/move/{$}", h.requireLogin(h.moveMaterial))
	mux.HandleFunc("GET /media/material/{id}/{name}", h.requireLogin(h.serveMaterialFile))
}
