package api

import "maps"

// The class lists' request and response schemas, merged into schemas (openapi.go).
func init() { maps.Copy(schemas, rosterSchemas) }

var rosterSchemas = map[string]any{
	"UserImportUpload": obj(nil, map[string]any{
		"file": map[string]any{"type": "string", "format": "binary", "description": "multipart: the CSV file (≤ 1 MB, ≤ 2,000 rows)"},
		"csv":  map[string]any{"type": "string", "description": "multipart: the list as text instead of a file"}}),
	"UserImportRow": obj([]string{"line", "username", "email", "first_name", "last_name", "user_type", "birthdate", "subjects", "errors", "id", "set_password_url"}, map[string]any{
		"line":     map[string]any{"type": "integer", "minimum": 2, "description": "line in the file (the header is line 1)"},
		"username": str, "email": str, "first_name": str, "last_name": str,
		"user_type": map[string]any{"type": "string", "description": "as written, lower-cased (an unknown one is the row's error)"},
		"birthdate": map[string]any{"type": []string{"string", "null"}, "description": "as written"},
		"subjects":  map[string]any{"type": "array", "items": str, "description": "subject codes to enroll in"},
		"errors":    ref("FieldErrors"),
		"id":        map[string]any{"type": []string{"integer", "null"}, "description": "the new account, once imported"},
		"set_password_url": map[string]any{"type": []string{"string", "null"},
			"description": "the invitation link (valid 7 days; also mailed, or in the admin outbox without SMTP), once imported"}}),
	"UserImportReport": obj([]string{"dry_run", "imported", "created", "errors", "mailed", "rows"}, map[string]any{
		"dry_run": boolean, "imported": boolean,
		"created": map[string]any{"type": "integer", "description": "accounts made (dry run: that would be made)"},
		"errors":  map[string]any{"type": "integer", "description": "rows with errors; an import writes nothing unless 0"},
		"mailed":  map[string]any{"type": "boolean", "description": "the links went out over SMTP (else they wait in the admin outbox)"},
		"rows":    map[string]any{"type": "array", "items": ref("UserImportRow")}}),
	"EnrollList": obj([]string{"users"}, map[string]any{
		"users": map[string]any{"description": "usernames or emails: an array, or text with one a line (or comma separated); at most 2,000",
			"oneOf": []any{map[string]any{"type": "array", "items": str}, str}}}),
	"EnrollListLine": obj([]string{"entry", "username", "outcome"}, map[string]any{
		"entry":    str,
		"username": map[string]any{"type": []string{"string", "null"}, "description": "the account the entry named; null when unknown"},
		"outcome":  map[string]any{"type": "string", "enum": []string{"enrolled", "already enrolled", "unknown", "not a student"}}}),
	"EnrollListResult": obj([]string{"subject", "enrolled", "students_count", "results"}, map[string]any{
		"subject": integer, "enrolled": map[string]any{"type": "integer", "description": "newly enrolled (or re-enrolled)"},
		"students_count": integer,
		"results":        map[string]any{"type": "array", "items": ref("EnrollListLine")}}),
}

// What the class-list route table does not say, for the OpenAPI document (openapi.go).
func init() { addOpDocs(rosterOps) }

var rosterOps = map[string]opDoc{
	"POST /api/admin/users/import/": {Description: "Creates accounts from a class list: CSV (UTF-8, a byte order mark and CRLF are fine; " +
		"comma-, semicolon- or tab-separated) with a header row naming username, email, first_name, last_name, user_type, birthdate " +
		"and optionally subjects (codes separated by spaces or semicolons, students only). Send it as text/csv or as multipart/form-data " +
		"in the field file. Every row is checked with the signup rules (students 17–40 years old), against existing accounts and the " +
		"rest of the file; one bad row imports nothing and the answer is a 400 with messages by \"line N: column\" (non_field_errors " +
		"says how many rows). A good list is written in one transaction: the accounts (no password yet), their enrollments and a " +
		"set-password link each, valid 7 days, mailed (kept in the admin outbox too). With ?dry_run=1 nothing is written and the " +
		"answer is 200 with every row and its errors. Over 1 MB or 2,000 rows is a 413." + adminsOnly,
		Query: []map[string]any{qBool("dry_run", "only check the list and answer what would be created")}, Status: []int{200}},
	"POST /api/subjects/{id}/enroll_list/": {Description: "Enrolls the students a list of usernames or emails names into the subject, " +
		"for its instructor and admins (403 for others who may see the subject). Lines are reported one by one: enrolled, already " +
		"enrolled, unknown, or not a student; the known students are enrolled together, the other lines skipped. Enrollments made " +
		"this way send no notification. At most 2,000 entries (413)."},
}
