package api

import (
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"eplatform/app/zone"
)

// Schema helpers for the OpenAPI document.
func obj(required []string, props map[string]any) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

var (
	str     = map[string]any{"type": "string"}
	integer = map[string]any{"type": "integer"}
	boolean = map[string]any{"type": "boolean"}
	date    = map[string]any{"type": "string", "format": "date"}
	instant = map[string]any{"type": "string", "format": "date-time"}
	nullStr = map[string]any{"type": []string{"string", "null"}}
	// displayName is a person's name as the site shows it, added beside username fields.
	displayName = map[string]any{"type": "string", "description": "how the site names the person: first and last name, or the username"}
	// latePolicy is an assignment's rule for hand-ins after the due date.
	latePolicy = map[string]any{"type": "string", "enum": []string{"accept", "refuse"}, "default": "accept",
		"description": "assignments: accept a hand-in after the due date (marked late) or refuse it"}
)

// listOf is the paginated list shape {count, next, previous, results}.
func listOf(item string) map[string]any {
	return obj([]string{"count", "next", "previous", "results"}, map[string]any{
		"count": integer, "next": nullStr, "previous": nullStr,
		"results": map[string]any{"type": "array", "items": ref(item)},
	})
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

// timeZoneInput is a profile's time zone as clients send it.
var timeZoneInput = map[string]any{"type": []string{"string", "null"}, "maxLength": zone.MaxName,
	"description": "IANA time zone (e.g. Europe/Berlin); \"\" or null clears it (times in UTC)"}

// schemas are the request and response bodies named by the route table.
var schemas = map[string]any{
	"User": obj([]string{"id", "username", "email", "first_name", "last_name", "user_type", "birthdate", "date_joined", "is_active", "profile_picture", "time_zone"}, map[string]any{
		"id": integer, "username": str, "email": str, "first_name": str, "last_name": str,
		"user_type":   map[string]any{"type": "string", "enum": []string{"student", "instructor", "admin"}},
		"birthdate":   map[string]any{"type": []string{"string", "null"}, "format": "date"},
		"date_joined": instant, "is_active": boolean, "profile_picture": nullStr,
		"time_zone": map[string]any{"type": []string{"string", "null"}, "description": "IANA time zone pages show times in (e.g. Europe/Berlin); null when not set: UTC"},
	}),
	"Register": obj([]string{"username", "email", "password", "password2", "first_name", "last_name", "birthdate"}, map[string]any{
		"username": str, "email": str, "password": str, "password2": str, "first_name": str, "last_name": str,
		"birthdate": date, "user_type": map[string]any{"type": "string", "enum": []string{"student", "instructor", "admin"}, "default": "student"},
		"access_code": map[string]any{"type": "string", "description": "required for instructor and admin"},
	}),
	"Login":         obj([]string{"username", "password"}, map[string]any{"username": str, "password": str}),
	"Refresh":       obj([]string{"refresh"}, map[string]any{"refresh": str}),
	"Logout":        obj(nil, map[string]any{"refresh": str}),
	"TokenPair":     obj([]string{"access", "refresh"}, map[string]any{"access": str, "refresh": str}),
	"AuthResult":    obj([]string{"user", "access", "refresh", "message"}, map[string]any{"user": ref("User"), "access": str, "refresh": str, "message": str}),
	"ProfileUpdate": obj(nil, map[string]any{"email": str, "first_name": str, "last_name": str, "birthdate": date, "time_zone": timeZoneInput}),
	"PictureUpload": obj([]string{"profile_picture"}, map[string]any{"profile_picture": map[string]any{"type": "string", "format": "binary"}}),
	"PictureResult": obj([]string{"message", "profile_picture"}, map[string]any{"message": str, "profile_picture": str}),
	"Error":         obj([]string{"detail"}, map[string]any{"detail": map[string]any{"type": "string", "description": "a sentence for people"}}),
	"ValidationError": map[string]any{"description": "messages per field, or {detail} when the body could not be read as JSON",
		"anyOf": []any{ref("FieldErrors"), ref("Error")}},
	"OpenAPIDocument": obj([]string{"openapi", "info", "paths"}, map[string]any{"openapi": str, "info": map[string]any{"type": "object"},
		"servers": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}, "tags": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
		"security": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
		"paths":    map[string]any{"type": "object"}, "components": map[string]any{"type": "object"}}),
	"UserMini": obj([]string{"id", "username", "first_name", "last_name", "user_type"}, map[string]any{
		"id": integer, "username": str, "first_name": str, "last_name": str, "user_type": str,
		"display_name": displayName}),
	"Post": obj([]string{"id", "user", "content", "formatted_content", "image", "video", "document", "created_at", "updated_at", "comments_count", "likes_count", "is_liked"}, map[string]any{
		"id": integer, "user": ref("UserMini"), "content": str,
		"formatted_content": map[string]any{"type": "string", "description": "HTML-escaped content with @mentions of existing users as links"},
		"image":             nullStr, "video": nullStr, "document": nullStr, "document_name": str,
		"created_at": instant, "updated_at": instant, "comments_count": integer, "likes_count": integer, "is_liked": boolean}),
	"PostDetail": map[string]any{"allOf": []any{ref("Post"), obj([]string{"comments"}, map[string]any{"comments": map[string]any{"type": "array", "items": ref("Comment")}})}},
	"PostCreate": obj([]string{"content"}, map[string]any{"content": str,
		"image":    map[string]any{"type": "string", "format": "binary", "description": "multipart only; JPG/PNG/GIF/WebP ≤ 5 MB"},
		"video":    map[string]any{"type": "string", "format": "binary", "description": "multipart only; MP4/WebM/Ogg/MOV ≤ 20 MB"},
		"document": map[string]any{"type": "string", "format": "binary", "description": "multipart only; PDF/DOCX/XLSX/PPTX/MD/TeX ≤ 10 MB"}}),
	"ContentBody":   obj([]string{"content"}, map[string]any{"content": str}),
	"CommentCreate": obj([]string{"post", "content"}, map[string]any{"post": integer, "content": str}),
	"Comment": obj([]string{"id", "user", "post", "content", "formatted_content", "created_at"}, map[string]any{
		"id": integer, "user": ref("UserMini"), "post": integer, "content": str, "formatted_content": str, "created_at": instant}),
	"CommentArray": map[string]any{"type": "array", "items": ref("Comment")},
	"LikeResult":   obj([]string{"status", "liked", "like_count"}, map[string]any{"status": str, "liked": boolean, "like_count": integer}),
	"Notification": obj([]string{"id", "recipient", "sender", "notification_type", "text", "is_read", "created_at", "post", "comment", "url"}, map[string]any{
		"id": integer, "recipient": ref("UserMini"), "sender": map[string]any{"oneOf": []any{ref("UserMini"), map[string]any{"type": "null"}}},
		"notification_type": map[string]any{"type": "string", "enum": []string{"mention", "comment", "like", "enrollment", "quiz_completed", "quiz_graded", "appointment", "message", "assignment_graded"}},
		"text":              str, "display_text": map[string]any{"type": "string", "description": "text with the sender's username replaced by their display name as it is now"},
		"is_read": boolean, "created_at": instant, "post": map[string]any{"type": []string{"integer", "null"}},
		"comment": map[string]any{"type": []string{"integer", "null"}}, "url": str, "preview": str}),
	"UnreadCount": obj([]string{"status", "unread_count"}, map[string]any{"status": str, "unread_count": integer}),
	"UserSearch": obj([]string{"id", "username", "first_name", "last_name", "full_name", "user_type"}, map[string]any{
		"id": integer, "username": str, "first_name": str, "last_name": str, "full_name": str, "user_type": str}),
	"PostList":         listOf("Post"),
	"CommentList":      listOf("Comment"),
	"NotificationList": listOf("Notification"),
	"UserSearchList":   listOf("UserSearch"),
	// people: profiles and search
	"ProfileUser": obj([]string{"id", "username", "first_name", "last_name", "full_name", "user_type", "profile_picture", "date_joined"}, map[string]any{
		"id": integer, "username": str, "first_name": str, "last_name": str, "full_name": str, "user_type": str,
		"profile_picture": nullStr, "date_joined": instant}),
	"ProfileEntryList":   listOf("ProfileEntry"),
	"MoveBody":           obj([]string{"direction"}, map[string]any{"direction": map[string]any{"type": "string", "enum": []string{"up", "down"}}}),
	"ProjectImageUpload": obj([]string{"image"}, map[string]any{"image": map[string]any{"type": "string", "format": "binary", "description": "JPEG/PNG/GIF/WebP ≤ 5 MB"}}),
	"Profile": obj([]string{"user", "url", "email", "bio", "location", "website", "social_links", "education", "experience", "skills", "projects", "certifications", "is_online", "last_seen"}, map[string]any{
		"user": ref("ProfileUser"), "url": str,
		"email": nullStr, "bio": nullStr, "location": nullStr, "website": nullStr,
		"social_links":     map[string]any{"type": []string{"object", "null"}, "additionalProperties": str, "description": "linkedin, github, twitter, facebook, instagram; null when hidden from the caller"},
		"education":        map[string]any{"type": []string{"array", "null"}, "items": ref("ProfileEntry")},
		"experience":       map[string]any{"type": []string{"array", "null"}, "items": ref("ProfileEntry")},
		"skills":           map[string]any{"type": []string{"array", "null"}, "items": ref("ProfileEntry")},
		"projects":         map[string]any{"type": []string{"array", "null"}, "items": ref("ProfileEntry")},
		"certifications":   map[string]any{"type": []string{"array", "null"}, "items": ref("ProfileEntry")},
		"is_online":        map[string]any{"type": []string{"boolean", "null"}, "description": "null for anonymous callers"},
		"last_seen":        map[string]any{"type": []string{"string", "null"}, "format": "date-time"},
		"privacy_settings": map[string]any{"$ref": "#/components/schemas/PrivacySettings", "description": "only on your own profile"},
		"completion":       map[string]any{"$ref": "#/components/schemas/ProfileCompletion", "description": "only on your own profile"}}),
	"ProfileCompletion": obj([]string{"percent", "missing"}, map[string]any{
		"percent": map[string]any{"type": "integer", "minimum": 0, "maximum": 100},
		"missing": map[string]any{"type": "array", "items": str, "description": "what would complete the profile"}}),
	"PrivacySettings": map[string]any{"type": "object", "description": "section → public (everyone), registered (signed-in users) or private (only you); sections: bio, location, website, social_links, email, education, experience, skills, projects, certifications",
		"additionalProperties": map[string]any{"type": "string", "enum": []string{"public", "registered", "private"}}},
	"OwnProfile": map[string]any{"allOf": []any{ref("Profile"), obj([]string{"privacy_settings", "completion"}, map[string]any{
		"birthdate": date, "privacy_settings": ref("PrivacySettings"), "completion": ref("ProfileCompletion")})}},
	"ProfilePatch": obj(nil, map[string]any{"first_name": str, "last_name": str, "email": str, "birthdate": date,
		"bio": str, "location": str, "website": str,
		"social_links":     map[string]any{"type": "object", "additionalProperties": str, "description": "linkedin, github, twitter, facebook, instagram: http(s) URLs, \"\" to remove"},
		"privacy_settings": ref("PrivacySettings")}),
	"PersonHit": obj([]string{"id", "username", "first_name", "last_name", "full_name", "user_type", "profile_picture", "location", "url"}, map[string]any{
		"id": integer, "username": str, "first_name": str, "last_name": str, "full_name": str, "user_type": str,
		"profile_picture": nullStr, "location": map[string]any{"type": []string{"string", "null"}, "description": "null unless the person's privacy settings show it to the caller"},
		"url": str, "username_html": str, "full_name_html": map[string]any{"type": "string", "description": "HTML-escaped, matched words in <mark>"}}),
	"PostHit": obj([]string{"id", "user", "content", "snippet", "snippet_html", "created_at", "likes_count", "comments_count", "url"}, map[string]any{
		"id": integer, "user": ref("PersonHit"), "content": str, "snippet": str,
		"snippet_html": map[string]any{"type": "string", "description": "HTML-escaped, matched words in <mark>"},
		"created_at":   instant, "likes_count": integer, "comments_count": integer, "url": str}),
	"SubjectHit": obj([]string{"id", "code", "name", "students_count", "url"}, map[string]any{
		"id": integer, "code": str, "name": str, "description": str, "instructor": str, "students_count": integer, "url": str,
		"name_html": str, "snippet_html": str}),
	"SearchResults": obj([]string{"count", "next", "previous", "results", "type", "counts"}, map[string]any{
		"count": integer, "next": nullStr, "previous": nullStr,
		"results": map[string]any{"type": "array", "items": map[string]any{"oneOf": []any{ref("PersonHit"), ref("PostHit"), ref("SubjectHit")}}},
		"type":    map[string]any{"type": "string", "enum": []string{"people", "posts", "subjects"}},
		"counts":  map[string]any{"type": "object", "additionalProperties": integer, "description": "per type; 1001 means more than 1000"}}),
	"Suggestions": obj([]string{"people", "subjects"}, map[string]any{
		"people":   map[string]any{"type": "array", "items": ref("PersonHit")},
		"subjects": map[string]any{"type": "array", "items": ref("SubjectHit")}}),
	"FieldErrors": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "array", "items": str},
		"description": "messages per field; non_field_errors for the whole request"},

	// learn: subjects, enrollment, materials
	"Subject": obj([]string{"id", "code", "name", "description", "icon", "icon_name", "is_active", "is_enrolled", "students_count", "instructor", "can_manage", "url", "created_at", "updated_at"}, map[string]any{
		"id": integer, "code": map[string]any{"type": "string", "pattern": "^[A-Za-z0-9_-]{1,20}$", "description": "unique whatever the letter case; part of the page address"},
		"name": str, "description": str, "icon": str, "icon_name": map[string]any{"type": "string", "description": "the same as icon (the original's name)"},
		"is_active":   map[string]any{"type": "boolean", "description": "inactive subjects are seen only by their instructor and admins"},
		"is_enrolled": boolean, "students_count": map[string]any{"type": "integer", "description": "active enrollments"},
		"instructor": map[string]any{"oneOf": []any{ref("UserMini"), map[string]any{"type": "null"}}},
		"can_manage": map[string]any{"type": "boolean", "description": "the caller may edit the subject and its materials"},
		"url":        str, "created_at": instant, "updated_at": instant}),
	"SubjectDetail": map[string]any{"allOf": []any{ref("Subject"), obj([]string{"can_view_materials", "materials"}, map[string]any{
		"can_view_materials": boolean,
		"materials": map[string]any{"oneOf": []any{map[string]any{"type": "array", "items": ref("Material")}, map[string]any{"type": "null"}},
			"description": "null unless the caller is an enrolled student, the instructor or an admin"}})}},
	"SubjectList": listOf("Subject"),
	"SubjectWrite": obj([]string{"name", "code"}, map[string]any{
		"name": str, "code": str, "description": str,
		"icon":          map[string]any{"type": "string", "enum": learnIconNames(), "default": "school"},
		"is_active":     map[string]any{"type": "boolean", "default": true},
		"instructor_id": map[string]any{"type": []string{"integer", "null"}, "description": "admins only; defaults to the creator"}}),
	"SubjectPatch": obj(nil, map[string]any{
		"name": str, "code": str, "description": str,
		"icon":          map[string]any{"type": "string", "enum": learnIconNames()},
		"is_active":     boolean,
		"instructor_id": map[string]any{"type": []string{"integer", "null"}, "description": "admins only"}}),
	"EnrollResult": obj([]string{"status", "outcome", "message", "is_enrolled", "students_count"}, map[string]any{
		"status":  str,
		"outcome": map[string]any{"type": "string", "enum": []string{"enrolled", "re-enrolled", "already enrolled", "unenrolled", "not enrolled"}},
		"message": str, "is_enrolled": boolean, "students_count": integer}),
	"Material": obj([]string{"id", "subject", "type", "title", "description", "file_url", "file_name", "file_size", "content_type", "external_url", "due_at", "position", "is_active", "max_marks", "late_policy", "url", "created_at", "updated_at"}, map[string]any{
		"id": integer, "subject": integer,
		"type":  map[string]any{"type": "string", "enum": []string{"document", "video", "link", "assignment"}},
		"title": str, "description": str,
		"file_url":  map[string]any{"type": []string{"string", "null"}, "description": "served only to the subject's students, instructor and admins"},
		"file_name": nullStr, "file_size": map[string]any{"type": []string{"integer", "null"}}, "content_type": nullStr,
		"external_url": nullStr, "due_at": map[string]any{"type": []string{"string", "null"}, "format": "date-time"},
		"position":    map[string]any{"type": "integer", "description": "sort key in the instructor's order"},
		"is_active":   map[string]any{"type": "boolean", "description": "false: hidden from students"},
		"max_marks":   map[string]any{"type": "integer", "minimum": 1, "maximum": 1000, "description": "assignments: hand-ins are graded from 0 to this"},
		"late_policy": latePolicy,
		"url":         str, "created_at": instant, "updated_at": instant}),
	"MaterialList": listOf("Material"),
	"MaterialUpload": obj([]string{"type", "title"}, map[string]any{
		"type":  map[string]any{"type": "string", "enum": []string{"document", "video", "link", "assignment"}},
		"title": str, "description": str,
		"file":         map[string]any{"type": "string", "format": "binary", "description": "document (PDF, Office, OpenDocument, Markdown, text, CSV, TeX, ZIP) ≤ 25 MB or video (MP4, WebM, Ogg, MOV) ≤ 200 MB, recognised by content; required for a document, or a video without external_url"},
		"external_url": map[string]any{"type": "string", "description": "http(s); required for a link"},
		"due_at":       map[string]any{"type": "string", "format": "date-time", "description": "assignments only; RFC 3339, or YYYY-MM-DDTHH:MM in UTC"},
		"is_active":    map[string]any{"type": "boolean", "default": true},
		"max_marks":    map[string]any{"type": "integer", "minimum": 1, "maximum": 1000, "default": 100, "description": "assignments only"},
		"late_policy":  latePolicy}),
	"MaterialPatch": obj(nil, map[string]any{
		"type":  map[string]any{"type": "string", "enum": []string{"document", "video", "link", "assignment"}},
		"title": str, "description": str, "external_url": nullStr,
		"due_at":      map[string]any{"type": []string{"string", "null"}, "format": "date-time"},
		"is_active":   boolean,
		"remove_file": map[string]any{"type": "boolean", "description": "drop the file of an assignment"},
		"max_marks":   map[string]any{"type": "integer", "minimum": 1, "maximum": 1000, "description": "assignments only; not below a grade already given"},
		"late_policy": latePolicy,
		"position":    map[string]any{"type": "integer", "minimum": 0, "description": "move to this index (0 = first)"}}),
	"MaterialOrder": obj([]string{"order"}, map[string]any{"order": map[string]any{"type": "array", "items": integer,
		"description": "every material id of the subject once, in the new order"}}),
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// opDoc is what the route table does not say about an operation: a description for
// people and generated clients, its query parameters, and the statuses it answers
// beyond those that follow from the route itself (see statuses).
type opDoc struct {
	Description string
	Query       []map[string]any
	// Status adds statuses: a second success (200 beside 201), 403 for a GET that only
	// some roles may use, 409, 401 of a public operation, 404 of an id in the body.
	Status []int
	// Responses names the body schema of a success status other than the route's
	// (e.g. the login's 202 challenge beside its 200 tokens).
	Responses map[int]string
}

// opDocs are keyed "METHOD /path" as in the route tables; each area adds its own
// (auth_openapi.go, feed_openapi.go, …) and a test checks every key names a route.
var opDocs = map[string]opDoc{}

func addOpDocs(m map[string]opDoc) { maps.Copy(opDocs, m) }

// tags are the document's top-level tags; a test checks every operation's tag is one.
var tags = []any{
	map[string]any{"name": "moderation", "description": "Reports of posts, comments and messages to the admins; blocking people."},
	map[string]any{"name": "auth", "description": "Accounts and API tokens: register, log in, rotate and revoke tokens, the caller's account."},
	map[string]any{"name": "feed", "description": "Posts with media, comments, likes and @mentions."},
	map[string]any{"name": "notifications", "description": "The caller's notifications (mentions, comments, likes, enrollments, quizzes, appointments)."},
	map[string]any{"name": "chat", "description": "Direct and group conversations, messages with attachments, presence; also answered under /chat/api/ instead of /api/chat/."},
	map[string]any{"name": "learn", "description": "Subjects, enrollment and course materials (visible to the enrolled, the instructor and admins)."},
	map[string]any{"name": "quiz", "description": "Quizzes and questions (managed by the subject's instructor and admins), attempts with server-side deadlines, grading and analytics."},
	map[string]any{"name": "coursework", "description": "Hand-ins for assignments, their grading with a history, a subject's gradebook and the caller's own grades."},
	map[string]any{"name": "people", "description": "Profiles with privacy per section, and the caller's own profile and entries."},
	map[string]any{"name": "search", "description": "Full-text search of people, posts and subjects, and suggestions as one types."},
	map[string]any{"name": "desk", "description": "Contact form, FAQ, appointments with instructors and the learning assistant."},
	map[string]any{"name": "mydata", "description": "The caller's own data: a zip of everything, and deleting the account after a grace period."},
	map[string]any{"name": "admin", "description": "User administration and the audit log; admins only."},
	map[string]any{"name": "meta", "description": "This description of the API."},
}

// Path parameters by name; any other is a string.
var pathParamSchemas = map[string]map[string]any{
	"id":      {"type": "integer", "minimum": 1},
	"user_id": {"type": "integer", "minimum": 1},
	"kind":    {"type": "string", "enum": []string{"education", "experience", "skills", "projects", "certifications"}},
}

// Query parameter helpers for the opDoc tables.
func query(name, desc string, schema map[string]any) map[string]any {
	return map[string]any{"name": name, "in": "query", "required": false, "description": desc, "schema": schema}
}

func qString(name, desc string) map[string]any {
	return query(name, desc, map[string]any{"type": "string"})
}

// qKnown is a string with known values whose unknown ones are not refused (they
// match nothing, or fall back to the default), so it is no enum.
func qKnown(name, desc string, def string, values ...string) map[string]any {
	s := map[string]any{"type": "string", "examples": values}
	if def != "" {
		s["default"] = def
	}
	return query(name, desc+": "+strings.Join(values, ", "), s)
}

func qBool(name, desc string) map[string]any {
	return query(name, desc+" (true/false; also 1/0, yes/no)", map[string]any{"type": "boolean"})
}

func qID(name, desc string) map[string]any {
	return query(name, desc, map[string]any{"type": "integer", "minimum": 1})
}

func qDate(name, desc string) map[string]any {
	return query(name, desc+" (YYYY-MM-DD or an RFC 3339 time)", map[string]any{"type": "string", "anyOf": []any{
		map[string]any{"format": "date"}, map[string]any{"format": "date-time"}}})
}

func qEnum(name, desc string, def string, values ...string) map[string]any {
	s := map[string]any{"type": "string", "enum": values}
	if def != "" {
		s["default"] = def
	}
	return query(name, desc, s)
}

// paged are ?page and ?page_size with the list's default size.
func paged(defaultSize int) []map[string]any {
	return []map[string]any{
		query("page", "page number", map[string]any{"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1}),
		query("page_size", "results per page; a larger value is taken as "+strconv.Itoa(maxPageSize),
			map[string]any{"type": "integer", "minimum": 1, "maximum": maxPageSize, "default": defaultSize}),
	}
}

// withPaging is the list's own parameters followed by ?page and ?page_size.
func withPaging(defaultSize int, params ...map[string]any) []map[string]any {
	return append(params, paged(defaultSize)...)
}

// unsafeMethod: http.CrossOriginProtection may refuse these (403) when a browser sends
// them from another site.
func unsafeMethod(m string) bool { return m != "GET" && m != "HEAD" && m != "OPTIONS" }

// statuses lists what an operation may answer: its success status, then what follows
// from the route (a body can be invalid, too large or of another type; a protected
// route refuses anonymous callers; a path id may name nothing; a browser's cross-site
// write is refused; every route is rate limited), then the opDoc's additions.
func statuses(rt route, d opDoc) []int {
	set := map[int]bool{rt.Status: true, http.StatusTooManyRequests: true}
	if rt.Body != "" || slices.ContainsFunc(d.Query, refusable) {
		set[http.StatusBadRequest] = true
	}
	if rt.Body != "" {
		set[http.StatusRequestEntityTooLarge] = true
		set[http.StatusUnsupportedMediaType] = true
	}
	if rt.Auth {
		set[http.StatusUnauthorized] = true
	}
	if unsafeMethod(rt.Method) {
		set[http.StatusForbidden] = true
	}
	if pathParam.MatchString(rt.Path) {
		set[http.StatusNotFound] = true
	}
	for _, s := range d.Status {
		set[s] = true
	}
	out := slices.Collect(maps.Keys(set))
	slices.Sort(out)
	return out
}

// refusable reports whether a query parameter has values the server refuses with a
// 400: numbers, flags, dates and enums do; free text does not.
func refusable(q map[string]any) bool {
	s, _ := q["schema"].(map[string]any)
	_, enum := s["enum"]
	_, dated := s["anyOf"]
	return enum || dated || s["type"] == "integer" || s["type"] == "boolean"
}

// errorResponses are the shared error answers, under components/responses.
var errorResponses = map[int]string{
	http.StatusBadRequest:            "BadRequest",
	http.StatusUnauthorized:          "Unauthorized",
	http.StatusForbidden:             "Forbidden",
	http.StatusNotFound:              "NotFound",
	http.StatusConflict:              "Conflict",
	http.StatusRequestEntityTooLarge: "PayloadTooLarge",
	http.StatusUnsupportedMediaType:  "UnsupportedMediaType",
	http.StatusTooManyRequests:       "TooManyRequests",
}

func errorResponse(desc, schema string) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": ref(schema)}}}
}

func sharedResponses() map[string]any {
	withHeader := func(r map[string]any, name, desc string, schema map[string]any) map[string]any {
		r["headers"] = map[string]any{name: map[string]any{"description": desc, "schema": schema}}
		return r
	}
	return map[string]any{
		"BadRequest": errorResponse("Invalid input: messages per field ({\"field\": [\"…\"]}, non_field_errors for the whole request), or {\"detail\": …} for a body that is not JSON", "ValidationError"),
		"Unauthorized": withHeader(errorResponse("Not signed in, or the token is not valid (expired, revoked, or a refresh token used twice)", "Error"),
			"WWW-Authenticate", "Bearer realm=\"api\"", str),
		"Forbidden":            errorResponse("Signed in but not allowed: the caller's role or relation to the row does not permit it, or a browser sent a write from another site", "Error"),
		"NotFound":             errorResponse("No such row, or one the caller may not know exists: {\"detail\": \"Not found.\"}", "Error"),
		"Conflict":             errorResponse("The row's state does not allow it now (finished, already decided, taken)", "Error"),
		"PayloadTooLarge":      errorResponse("The body or an uploaded file is over its limit", "Error"),
		"UnsupportedMediaType": errorResponse("The body's Content-Type is not one the operation reads", "Error"),
		"TooManyRequests": withHeader(errorResponse("Rate limited; retry after the given number of seconds", "Error"),
			"Retry-After", "seconds to wait", map[string]any{"type": "integer", "minimum": 0}),
	}
}

// bodyTypes are the media types a request schema is read from: JSON, multipart for
// a file, or either where a file is optional.
func bodyTypes(schema string) []string {
	switch schema {
	case "PictureUpload", "ProjectImageUpload", "QuestionImage":
		return []string{"multipart/form-data"}
	case "PostCreate", "MessageCreate", "MaterialUpload", "MaterialPatch":
		return []string{"application/json", "multipart/form-data"}
	case "UserImportUpload":
		return []string{"text/csv", "multipart/form-data"}
	}
	return []string{"application/json"}
}

// binaryResponses are the operations whose success answer is a file, not JSON, by
// "METHOD /path": its media type.
var binaryResponses = map[string]string{}

// optionalAuth marks public operations that answer more to a signed-in caller.
var optionalAuth = map[string]bool{
	"GET /api/profiles/{username}/": true, // sections shown to registered users
	"POST /api/auth/logout/":        true, // revokes the caller's own login
	"POST /api/contact/":            true, // name and email default to the caller's
}

// openAPIDocument builds the OpenAPI 3.1 document from the route table.
func (a *API) openAPIDocument() map[string]any {
	paths := map[string]any{}
	for _, rt := range a.routes {
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		key := rt.Method + " " + rt.Path
		d := opDocs[key]
		desc := d.Description
		if desc == "" {
			desc = rt.Summary
		}
		op := map[string]any{
			"summary":     rt.Summary,
			"description": desc,
			"tags":        []string{rt.Tag},
			"operationId": operationID(rt),
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			schema, ok := pathParamSchemas[m[1]]
			if !ok {
				schema = str
			}
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": schema})
		}
		for _, q := range d.Query {
			params = append(params, q)
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Body != "" {
			content := map[string]any{}
			for _, ct := range bodyTypes(rt.Body) {
				content[ct] = map[string]any{"schema": ref(rt.Body)}
			}
			op["requestBody"] = map[string]any{"required": true, "content": content}
		}
		responses := map[string]any{}
		for _, code := range statuses(rt, d) {
			if name, ok := errorResponses[code]; ok && code >= 400 {
				responses[strconv.Itoa(code)] = map[string]any{"$ref": "#/components/responses/" + name}
				continue
			}
			r := map[string]any{"description": http.StatusText(code)}
			schema := rt.Response
			if name, ok := d.Responses[code]; ok {
				schema = name
			}
			if schema != "" && code < 300 && code != http.StatusNoContent {
				r["content"] = map[string]any{"application/json": map[string]any{"schema": ref(schema)}}
			}
			if mt, ok := binaryResponses[key]; ok && code < 300 {
				r["content"] = map[string]any{mt: map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": mt}}}
			}
			responses[strconv.Itoa(code)] = r
		}
		op["responses"] = responses
		switch {
		case optionalAuth[key]:
			op["security"] = []any{map[string]any{}, map[string]any{"bearer": []string{}}, map[string]any{"session": []string{}}}
		case !rt.Auth:
			op["security"] = []any{}
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "E-Platform API",
			"version": "1",
			"description": "JSON API of E-Platform, a self-hosted social learning platform. Authenticate with " +
				"`Authorization: Bearer <access>` (from /api/auth/login/) or the browser session cookie. Paths end in a " +
				"slash, as in the original API; the path without it answers too. Lists are paginated with ?page and " +
				"?page_size as {count, next, previous, results}. Errors are {\"detail\": …}, or messages per field for " +
				"invalid input (400). Every operation is rate limited per user (per address when anonymous): 429 with Retry-After.",
			"contact": map[string]any{"name": "E-Platform site administrators", "url": a.st.Config.BaseURL + "/home/contact/"},
			"license": map[string]any{"name": "MIT", "identifier": "MIT"}, // LICENSE at the repository's root
		},
		"servers":  []any{map[string]any{"url": a.st.Config.BaseURL, "description": "this site"}},
		"tags":     tags,
		"security": []any{map[string]any{"bearer": []string{}}, map[string]any{"session": []string{}}},
		"paths":    paths,
		"components": map[string]any{
			"schemas":   schemas,
			"responses": sharedResponses(),
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "opaque access token from /api/auth/login/, valid 30 minutes; renew it with /api/auth/refresh/"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "eplatform_session", "description": "the browser session of the web pages"},
			},
		},
	}
}

func operationID(rt route) string {
	p := strings.Trim(pathParam.ReplaceAllString(rt.Path, "by_$1"), "/")
	p = strings.NewReplacer("/", "_", "-", "_", ".", "_").Replace(p)
	return strings.ToLower(rt.Method) + "_" + p
}

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*") // a public description, for API tools
	writeJSON(w, http.StatusOK, a.openAPIDocument())
}

func init() {
	addOpDocs(map[string]opDoc{"GET /api/openapi.json": {Description: "This OpenAPI 3.1 document, generated from the route table " +
		"the server itself routes with; served to anyone, also cross-origin, for API tools."}})
}
