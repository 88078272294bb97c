package api

import (
	"maps"

	"eplatform/app/audit"
)

// The audit log's schemas and operation, merged into schemas and opDocs (openapi.go).
func init() {
	maps.Copy(schemas, map[string]any{
		"AuditEntry": obj([]string{"id", "created_at", "actor_id", "actor", "action", "target_kind", "target_id", "target_label",
			"before", "after", "request_id", "client"}, map[string]any{
			"id": integer, "created_at": instant,
			"actor_id":     map[string]any{"type": []string{"integer", "null"}, "description": "null for the command line"},
			"actor":        map[string]any{"type": "string", "description": "the actor's username when they acted"},
			"action":       map[string]any{"type": "string", "enum": audit.Actions},
			"target_kind":  map[string]any{"type": "string", "enum": audit.Kinds},
			"target_id":    map[string]any{"type": []string{"integer", "null"}},
			"target_label": map[string]any{"type": "string", "description": "the target's name or the start of its text when it was acted on"},
			"before":       map[string]any{"type": []string{"object", "null"}, "description": "the fields that changed, as they were"},
			"after":        map[string]any{"type": []string{"object", "null"}, "description": "the fields that changed, as they became"},
			"request_id":   map[string]any{"type": "string", "description": "the X-Request-ID of the request that acted (\"\" for the command line)"},
			"client":       map[string]any{"type": "string", "description": "the client's address"}}),
		"AuditPage": obj([]string{"next", "results"}, map[string]any{
			"next":    map[string]any{"type": []string{"string", "null"}, "description": "the next (older) page: the same filters with before set; null at the end"},
			"results": map[string]any{"type": "array", "items": ref("AuditEntry")}}),
	})
	addOpDocs(map[string]opDoc{
		"GET /api/admin/audit/": {Description: "The audit log, newest first: administrative and grading actions with who, when, " +
			"the target and the fields before and after. Paged by keyset: follow next (before is the last id seen). " +
			"Unknown actions or target kinds, bad dates and a range that ends before it starts are a 400 naming the field." + adminsOnly,
			Query: []map[string]any{
				qString("actor", "the actor's username when they acted (any case)"),
				qEnum("action", "only this action", "", audit.Actions...),
				qEnum("target_kind", "only targets of this kind", "", audit.Kinds...),
				qID("target_id", "only this target (with target_kind)"),
				qDate("since", "entries from this day or instant on"),
				qDate("until", "entries up to this day (inclusive) or before this instant"),
				qID("before", "entries older than this id (the next page)"),
				query("page_size", "entries per page", map[string]any{"type": "integer", "minimum": 1, "maximum": audit.MaxPageSize, "default": audit.PageSize}),
			},
			Status: []int{403}},
	})
}
