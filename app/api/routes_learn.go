package api

// learnRoutes are the learn endpoints: subjects by id, enrollment, and materials
// (visible only to the subject's students, its instructor and admins).
func (a *API) learnRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/subjects/", Tag: "learn", Summary: "Subjects you may see, by name, with is_enrolled, students_count and instructor (mine=true: enrolled in or teaching; search)", Auth: true, Response: "SubjectList", Status: 200, Handler: a.listSubjects},
		{Method: "POST", Path: "/api/subjects/", Tag: "learn", Summary: "Create a subject (instructors and admins; admins may choose the instructor)", Auth: true, Body: "SubjectWrite", Response: "Subject", Status: 201, Handler: a.createSubject},
		{Method: "GET", Path: "/api/subjects/{id}/", Tag: "learn", Summary: "A subject; its materials only for its students, its instructor and admins (else materials is null)", Auth: true, Response: "SubjectDetail", Status: 200, Handler: a.getSubject},
		{Method: "PUT", Path: "/api/subjects/{id}/", Tag: "learn", Summary: "Edit a subject (its instructor or an admin); name and code are required", Auth: true, Body: "SubjectWrite", Response: "Subject", Status: 200, Handler: a.putSubject},
		{Method: "PATCH", Path: "/api/subjects/{id}/", Tag: "learn", Summary: "Edit some fields of a subject (its instructor or an admin)", Auth: true, Body: "SubjectPatch", Response: "Subject", Status: 200, Handler: a.patchSubject},
		{Method: "DELETE", Path: "/api/subjects/{id}/", Tag: "learn", Summary: "Delete a subject with its materials, enrollments and quizzes (its instructor or an admin)", Auth: true, Status: 204, Handler: a.deleteSubject},
		{Method: "POST", Path: "/api/subjects/{id}/enroll/", Tag: "learn", Summary: "Enroll in an active subject, or enroll again after leaving; the instructor is notified once", Auth: true, Response: "EnrollResult", Status: 200, Handler: a.enrollSubject},
		{Method: "POST", Path: "/api/subjects/{id}/unenroll/", Tag: "learn", Summary: "Leave a subject (enrolling again later reactivates the enrollment)", Auth: true, Response: "EnrollResult", Status: 200, Handler: a.unenrollSubject},
		{Method: "GET", Path: "/api/subjects/{id}/materials/", Tag: "learn", Summary: "A subject's materials in the instructor's order (its students, its instructor, admins)", Auth: true, Response: "MaterialList", Status: 200, Handler: a.listMaterials},
		{Method: "POST", Path: "/api/subjects/{id}/materials/", Tag: "learn", Summary: "Add a material: multipart with a file (document ≤ 25 MB, video ≤ 200 MB, checked by content), or JSON for a link, a linked video or an assignment without a file", Auth: true, Body: "MaterialUpload", Response: "Material", Status: 201, Handler: a.createMaterial},
		{Method: "POST", Path: "/api/subjects/{id}/materials/order/", Tag: "learn", Summary: "Reorder a subject's materials: every material id once, in the new order", Auth: true, Body: "MaterialOrder", Response: "MaterialOrder", Status: 200, Handler: a.orderMaterials},
		{Method: "GET", Path: "/api/materials/{id}/", Tag: "learn", Summary: "A material (counts as a view for a student)", Auth: true, Response: "Material", Status: 200, Handler: a.getMaterial},
		{Method: "PATCH", Path: "/api/materials/{id}/", Tag: "learn", Summary: "Edit a material (JSON, or multipart to replace the file); position moves it to that index (0 = first)", Auth: true, Body: "MaterialPatch", Response: "Material", Status: 200, Handler: a.patchMaterial},
		{Method: "DELETE", Path: "/api/materials/{id}/", Tag: "learn", Summary: "Delete a material and its file", Auth: true, Status: 204, Handler: a.deleteMaterial},
	}
}
