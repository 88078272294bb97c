package api

import "maps"

// The request and response schemas of reports and blocks, merged into schemas
// (openapi.go).
func init() { maps.Copy(schemas, moderationSchemas) }

var (
	reportItemType = map[string]any{"type": "string", "enum": []string{"post", "comment", "message"}}
	reportReason   = map[string]any{"type": "string", "enum": []string{"spam", "harassment", "hate", "violence", "inappropriate", "other"}}
	reportStatus   = map[string]any{"type": "string", "enum": []string{"open", "resolved", "dismissed", "deleted", "deactivated"}}
	contextPost    = obj([]string{"id", "content", "url", "created_at"}, map[string]any{"id": integer, "content": str, "url": str, "created_at": instant})
)

var moderationSchemas = map[string]any{
	"ReportCreate": obj([]string{"item_type", "item_id", "reason"}, map[string]any{
		"item_type": reportItemType, "item_id": integer, "reason": reportReason,
		"note": map[string]any{"type": "string", "maxLength": 1000, "description": "required when the reason is other"}}),
	"Report": obj([]string{"id", "item_type", "item_id", "reason", "note", "status", "excerpt", "created_at", "closed_at"}, map[string]any{
		"id": integer, "item_type": reportItemType, "item_id": integer, "reason": reportReason, "note": str, "status": reportStatus,
		"excerpt":    map[string]any{"type": "string", "description": "the reported text as it was when reported"},
		"created_at": instant, "closed_at": map[string]any{"type": []string{"string", "null"}, "format": "date-time"}}),
	"ReportList":  listOf("Report"),
	"BlockCreate": obj([]string{"user_id"}, map[string]any{"user_id": integer}),
	"Block":       obj([]string{"user", "created_at"}, map[string]any{"user": ref("UserMini"), "created_at": instant}),
	"BlockList":   listOf("Block"),
	"ReportGroup": obj([]string{"report_id", "item_type", "item_id", "gone", "author", "reasons", "reports", "context"}, map[string]any{
		"report_id": map[string]any{"type": "integer", "description": "the oldest open report: the {id} of the action"},
		"item_type": reportItemType, "item_id": integer,
		"gone":    map[string]any{"type": "boolean", "description": "the content no longer exists; context.excerpt is what was reported"},
		"author":  map[string]any{"oneOf": []any{ref("UserMini"), map[string]any{"type": "null"}}},
		"reasons": map[string]any{"type": "object", "additionalProperties": integer, "description": "reports per reason"},
		"reports": map[string]any{"type": "array", "items": obj([]string{"id", "reporter", "reason", "note", "created_at"}, map[string]any{
			"id": integer, "reporter": ref("UserMini"), "reason": reportReason, "note": str, "created_at": instant})},
		"context": obj([]string{"excerpt", "post", "comment", "messages"}, map[string]any{
			"excerpt": str,
			"post":    map[string]any{"oneOf": []any{contextPost, map[string]any{"type": "null"}}, "description": "the reported post, or the post of a reported comment"},
			"comment": map[string]any{"oneOf": []any{contextPost, map[string]any{"type": "null"}}},
			"messages": map[string]any{"type": "array", "description": "a reported message with up to two on each side, oldest first",
				"items": obj([]string{"id", "sender", "content", "is_deleted", "reported", "timestamp"}, map[string]any{
					"id": integer, "sender": nullStr, "content": str, "is_deleted": boolean, "reported": boolean, "timestamp": instant})},
		}),
	}),
	"ReportGroupList": listOf("ReportGroup"),
	"ReportAction": obj([]string{"action"}, map[string]any{
		"action": map[string]any{"type": "string", "enum": []string{"resolve", "dismiss", "delete", "deactivate"}}}),
	"ReportOutcome": obj([]string{"action", "status", "closed"}, map[string]any{
		"action": str, "status": reportStatus, "closed": map[string]any{"type": "integer", "description": "how many reports were closed"}}),
}

// What the route table does not say, for the OpenAPI document.
func init() { addOpDocs(moderationOps) }

var moderationOps = map[string]opDoc{
	"POST /api/reports/": {Description: "Reports content the caller can see (a message only as a member of its conversation; others get a 404) " +
		"to the admins. One's own content is a 400; a second open report of the same item by the same person a 409. " +
		"Limited per person. The reporter is not notified of the outcome; GET /api/reports/ shows it.", Status: []int{404, 409}},
	"GET /api/reports/": {Description: "The caller's reports with their status: open, resolved, dismissed, deleted (the content was removed) or deactivated (its author's account was).",
		Query: withPaging(defaultPageSize)},
	"GET /api/blocks/": {Description: "The people the caller blocks. Not paginated."},
	"POST /api/blocks/": {Description: "Blocks a user: they cannot start or write in a direct conversation with the caller (nor the caller with them; " +
		"groups are unchanged), their @mentions of the caller notify nobody, and their posts and comments leave the caller's feed. " +
		"They are not told. Blocking twice is not an error. Limited per person.", Status: []int{404}},
	"DELETE /api/blocks/{id}/": {Description: "Lifts the caller's block of a user; 404 only for a user that does not exist."},
	"GET /api/admin/reports/":  {Description: "The queue of reported items, the longest waiting first." + adminsOnly, Query: withPaging(defaultPageSize), Status: []int{403}},
	"POST /api/admin/reports/{id}/action/": {Description: "Closes every open report of the item of report {id} with the action, in one transaction with its effect " +
		"(the deletion of the content, the deactivation of its author). Reports already handled are a 409." + adminsOnly, Status: []int{409}},
}
