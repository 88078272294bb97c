package api

// moderationRoutes are reports and blocks (moderation.go): reporting content, the
// caller's reports, blocking people, and the admins' queue of reports.
func (a *API) moderationRoutes() []route {
	ad := a.requireAdmin
	return []route{
		{Method: "POST", Path: "/api/reports/", Tag: "moderation", Summary: "Report a post, comment or chat message to the admins with a reason (one open report per item; rate limited)", Auth: true, Body: "ReportCreate", Response: "Report", Status: 201, Handler: a.createReport},
		{Method: "GET", Path: "/api/reports/", Tag: "moderation", Summary: "Your reports, newest first, with their outcome (page, page_size)", Auth: true, Response: "ReportList", Status: 200, Handler: a.myReports},
		{Method: "GET", Path: "/api/blocks/", Tag: "moderation", Summary: "The people you block, most recent first", Auth: true, Response: "BlockList", Status: 200, Handler: a.listBlocks},
		{Method: "POST", Path: "/api/blocks/", Tag: "moderation", Summary: "Block a user ({user_id}): they cannot message or mention you, and their posts and comments leave your feed", Auth: true, Body: "BlockCreate", Response: "Block", Status: 201, Handler: a.createBlock},
		{Method: "DELETE", Path: "/api/blocks/{id}/", Tag: "moderation", Summary: "Unblock the user {id} (not blocked: still 204)", Auth: true, Status: 204, Handler: a.deleteBlock},
		{Method: "GET", Path: "/api/admin/reports/", Tag: "admin", Summary: "Reported items with open reports, the longest waiting first, grouped per item with the reports and the content in context; admins only", Auth: true, Response: "ReportGroupList", Status: 200, Handler: ad(a.adminReports)},
		{Method: "POST", Path: "/api/admin/reports/{id}/action/", Tag: "admin", Summary: "Act on the item of report {id}: resolve, dismiss, delete the content or deactivate its author; every open report of the item is closed in the same transaction; admins only", Auth: true, Body: "ReportAction", Response: "ReportOutcome", Status: 200, Handler: ad(a.adminReportAction)},
	}
}
