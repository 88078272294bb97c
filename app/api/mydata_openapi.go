package api

import "maps"

// A person's data: request and response schemas, merged into schemas (openapi.go).
func init() {
	maps.Copy(schemas, myDataSchemas)
	addOpDocs(myDataOps)
	binaryResponses["GET /api/me/export/"] = "application/zip"
	binaryResponses["GET /api/admin/users/{id}/export/"] = "application/zip"
}

var myDataSchemas = map[string]any{
	"Deletion": obj([]string{"user_id", "scheduled", "delete_at", "deleted"}, map[string]any{
		"user_id":   integer,
		"scheduled": map[string]any{"type": "boolean", "description": "the account waits to be deleted at delete_at"},
		"delete_at": map[string]any{"type": []string{"string", "null"}, "format": "date-time"},
		"deleted":   map[string]any{"type": "boolean", "description": "the account is gone (an admin's deletion with now)"}}),
	"DeletionRequest": obj([]string{"password"}, map[string]any{
		"password": map[string]any{"type": "string", "description": "your current password, to confirm"}}),
	"AdminDeletion": obj(nil, map[string]any{
		"now": map[string]any{"type": "boolean", "default": false, "description": "delete at once, for good, instead of after the grace period"}}),
}

const exportContents = "The zip holds README.txt and one JSON file per kind of record — account, profile and its sections, posts, " +
	"comments, likes, conversations (titles only), messages sent, enrollments, submissions and their grades, quiz attempts " +
	"and answers, notifications, appointments, contact messages, material views, assistant feedback, subjects taught, " +
	"quizzes created, sessions — with the uploaded files under files/. Other people's messages and comments are not included. " +
	"Streamed; limited to a few per hour (429 with Retry-After)."

var myDataOps = map[string]opDoc{
	"GET /api/me/export/": {Description: "Everything the caller made or that is about them. " + exportContents},
	"POST /api/me/delete/": {Description: "Schedules the deletion of the caller's account after the site's grace period (14 days by default), " +
		"confirmed with the password (400 on password when it is wrong). The caller is signed out everywhere at once: every session " +
		"and token ends. Signing in again before the date cancels the deletion. Then the profile, posts, comments, likes, hand-ins, " +
		"attempts and notifications are deleted; messages sent to others stay, signed \"Deleted user\". The only active admin " +
		"cannot delete their account (409).", Status: []int{409}},
	"POST /api/me/delete/cancel/": {Description: "Cancels the caller's scheduled deletion; answers the state afterwards."},
	"GET /api/admin/users/{id}/export/": {Description: "A user's data, as GET /api/me/export/ gives it to them." + adminsOnly + " " + exportContents,
		Status: []int{403}},
	"POST /api/admin/users/{id}/delete/": {Description: "Schedules another user's deletion after the grace period (202; they are signed out, " +
		"and their signing in cancels it, as for their own request), or with now deletes the account at once, for good (200). " +
		"Not yourself (400: use /api/me/delete/); not the only active admin (409)." + adminsOnly, Status: []int{200, 409}},
	"POST /api/admin/users/{id}/delete/cancel/": {Description: "Cancels a user's scheduled deletion." + adminsOnly},
}
