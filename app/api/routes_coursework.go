package api

// courseworkRoutes are the coursework endpoints: handing an assignment in (its
// subject's active students), the hand-ins of an assignment and their grading (its
// subject's instructor and admins), one hand-in (its student and those managers), a
// subject's gradebook (its managers) and the caller's own grades.
func (a *API) courseworkRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/materials/{id}/submission/", Tag: "coursework", Summary: "An assignment's hand-in side for the caller: a student's own hand-in, status and whether they may hand in now; the class's counts for its managers", Auth: true, Response: "HandInDesk", Status: 200, Handler: a.handInDesk},
		{Method: "POST", Path: "/api/materials/{id}/submission/", Tag: "coursework", Summary: "Hand an assignment in, or again until the due date (201 first, 200 a new version): multipart text and/or file (a document ≤ 25 MB, checked by content), or JSON text; after the due date only a first hand-in, marked late, when the assignment accepts it (409 otherwise)", Auth: true, Body: "HandInWrite", Response: "Submission", Status: 201, Handler: a.handIn},
		{Method: "GET", Path: "/api/materials/{id}/submissions/", Tag: "coursework", Summary: "An assignment's roster: every enrolled student with their hand-in and status (submitted, late, missing, graded…), and the counts (its managers)", Auth: true, Response: "HandInList", Status: 200, Handler: a.handInList},
		{Method: "GET", Path: "/api/submissions/{id}/", Tag: "coursework", Summary: "A hand-in (its student, the subject's instructor and admins; 404 for anyone else); managers also get its grade history", Auth: true, Response: "Submission", Status: 200, Handler: a.getSubmission},
		{Method: "POST", Path: "/api/submissions/{id}/grade/", Tag: "coursework", Summary: "Grade or regrade a hand-in: marks (required, 0..the assignment's max_marks) and feedback; the history keeps every grade and the student is notified live (assignment_graded)", Auth: true, Body: "GradeSubmission", Response: "Submission", Status: 200, Handler: a.gradeSubmission},
		{Method: "GET", Path: "/api/subjects/{id}/gradebook/", Tag: "coursework", Summary: "A subject's gradebook (its instructor and admins): students × active quizzes (best or last attempt, per quiz) and visible assignments, totals, current and overall percentages, class figures", Auth: true, Response: "Gradebook", Status: 200, Handler: a.gradebook},
		{Method: "GET", Path: "/api/grades/", Tag: "coursework", Summary: "The caller's own grades in every subject they take", Auth: true, Response: "MyGrades", Status: 200, Handler: a.myGrades},
	}
}
