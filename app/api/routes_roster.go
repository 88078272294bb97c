package api

// rosterRoutes are the class-list endpoints: an admin's import of accounts from a
// CSV file and an instructor's enrollment list (roster.go).
func (a *API) rosterRoutes() []route {
	return []route{
		{Method: "POST", Path: "/api/admin/users/import/", Tag: "admin", Summary: "Create accounts from a class list (text/csv, or multipart with file): every row checked, one bad row imports nothing; ?dry_run=1 only checks; admins only", Auth: true, Body: "UserImportUpload", Response: "UserImportReport", Status: 201, Handler: a.requireAdmin(a.importUsers)},
		{Method: "POST", Path: "/api/subjects/{id}/enroll_list/", Tag: "learn", Summary: "Enroll the students a list of usernames or emails names (the subject's instructor or an admin), with an outcome per line", Auth: true, Body: "EnrollList", Response: "EnrollListResult", Status: 200, Handler: a.enrollList},
	}
}
