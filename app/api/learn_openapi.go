package api

// What the learn route table does not say, for the OpenAPI document (openapi.go).
func init() { addOpDocs(learnOps) }

// subjectManagers is who may change a subject and its materials.
const subjectManagers = " Its instructor and admins only (403 for others who may see it)."

var learnOps = map[string]opDoc{
	"GET /api/subjects/": {Description: "The subjects the caller may see, by name: the active ones, and inactive ones to their instructor " +
		"and admins. Each says whether the caller is enrolled and may manage it.",
		Query: withPaging(defaultPageSize,
			qBool("mine", "true: only subjects the caller is enrolled in or teaches"),
			qString("search", "words of the code, name or description (full text)"))},
	"POST /api/subjects/": {Description: "Creates a subject taught by the caller; an admin may name another instructor with instructor_id. " +
		"The code is unique whatever the letter case. Instructors and admins only (403 for students)."},
	"GET /api/subjects/{id}/": {Description: "A subject; its materials are listed only for its enrolled students, its instructor and admins " +
		"(else materials is null). An inactive subject is a 404 to students."},
	"PUT /api/subjects/{id}/":    {Description: "Replaces a subject's fields; name and code are required." + subjectManagers},
	"PATCH /api/subjects/{id}/":  {Description: "Changes the given fields of a subject." + subjectManagers},
	"DELETE /api/subjects/{id}/": {Description: "Deletes a subject with its materials and their files, its enrollments and its quizzes." + subjectManagers},
	"POST /api/subjects/{id}/enroll/": {Description: "Enrolls the caller in an active subject, or again after leaving it; the instructor is notified " +
		"the first time. The subject's own instructor cannot enroll (400). Limited to 30 a minute.", Status: []int{400}},
	"POST /api/subjects/{id}/unenroll/": {Description: "Ends the caller's enrollment; enrolling again later reactivates it. Limited to 30 a minute."},
	"GET /api/subjects/{id}/materials/": {Description: "The subject's materials in the instructor's order: hidden ones too for its managers. " +
		"Its enrolled students, its instructor and admins (403 for others who may see the subject).",
		Query: paged(defaultPageSize), Status: []int{403}},
	"POST /api/subjects/{id}/materials/": {Description: "Adds a material at the end: multipart with a file (a document ≤ 25 MB or a video ≤ 200 MB, " +
		"recognised by content), or JSON for a link, a video by address, or an assignment without a file." + subjectManagers},
	"POST /api/subjects/{id}/materials/order/": {Description: "Puts the subject's materials in the given order: every material id of the subject once." + subjectManagers},
	"GET /api/materials/{id}/": {Description: "A material; for a student this counts as a view. Its subject's enrolled students, instructor and admins " +
		"(403 for others who may see the subject).", Status: []int{403}},
	"PATCH /api/materials/{id}/": {Description: "Changes a material (JSON, or multipart to replace its file); position moves it to that index. " +
		"409 when its file was replaced by someone else at the same time." + subjectManagers, Status: []int{409}},
	"DELETE /api/materials/{id}/": {Description: "Deletes a material and its file." + subjectManagers},
}
