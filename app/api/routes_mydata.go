package api

// myDataRoutes are a person's data (mydata.go): the zip of everything, and deleting
// the account after a grace period; admins do both for anyone.
func (a *API) myDataRoutes() []route {
	ad := a.requireAdmin
	return []route{
		{Method: "GET", Path: "/api/me/export/", Tag: "mydata", Summary: "Download everything you made or that is about you, as a zip of JSON files with your uploaded files (a few per hour)", Auth: true, Status: 200, Handler: a.exportMine},
		{Method: "GET", Path: "/api/me/delete/", Tag: "mydata", Summary: "Whether your account is waiting to be deleted, and when", Auth: true, Response: "Deletion", Status: 200, Handler: a.deletionStatus},
		{Method: "POST", Path: "/api/me/delete/", Tag: "mydata", Summary: "Delete your account after the grace period ({password}); signs you out everywhere, and signing in again before then cancels it", Auth: true, Body: "DeletionRequest", Response: "Deletion", Status: 202, Handler: a.deleteMine},
		{Method: "POST", Path: "/api/me/delete/cancel/", Tag: "mydata", Summary: "Cancel your account's scheduled deletion (nothing to do without one)", Auth: true, Response: "Deletion", Status: 200, Handler: a.cancelMine},
		{Method: "GET", Path: "/api/admin/users/{id}/export/", Tag: "admin", Summary: "Download a user's data as a zip, as they would; admins only", Auth: true, Status: 200, Handler: ad(a.adminExport)},
		{Method: "POST", Path: "/api/admin/users/{id}/delete/", Tag: "admin", Summary: "Delete another user's account after the grace period, or at once with {now: true}; admins only", Auth: true, Body: "AdminDeletion", Response: "Deletion", Status: 202, Handler: ad(a.adminDeleteUser)},
		{Method: "POST", Path: "/api/admin/users/{id}/delete/cancel/", Tag: "admin", Summary: "Cancel a user's scheduled deletion; admins only", Auth: true, Response: "Deletion", Status: 200, Handler: ad(a.adminCancelDeletion)},
	}
}
