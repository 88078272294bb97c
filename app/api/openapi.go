package api

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
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
)

// listOf is the paginated list shape {count, next, previous, results}.
func listOf(item string) map[string]any {
	return obj([]string{"count", "next", "previous", "results"}, map[string]any{
		"count": integer, "next": nullStr, "previous": nullStr,
		"results": map[string]any{"type": "array", "items": ref(item)},
	})
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

// schemas are the request and response bodies named by the route table.
var schemas = map[string]any{
	"User": obj([]string{"id", "username", "email", "first_name", "last_name", "user_type", "birthdate", "date_joined", "is_active", "profile_picture"}, map[string]any{
		"id": integer, "username": str, "email": str, "first_name": str, "last_name": str,
		"user_type":   map[string]any{"type": "string", "enum": []string{"student", "instructor", "admin"}},
		"birthdate":   map[string]any{"type": []string{"string", "null"}, "format": "date"},
		"date_joined": instant, "is_active": boolean, "profile_picture": nullStr,
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
	"ProfileUpdate": obj(nil, map[string]any{"email": str, "first_name": str, "last_name": str, "birthdate": date}),
	"PictureUpload": obj([]string{"profile_picture"}, map[string]any{"profile_picture": map[string]any{"type": "string", "format": "binary"}}),
	"PictureResult": obj([]string{"message", "profile_picture"}, map[string]any{"message": str, "profile_picture": str}),
	"Error":         obj([]string{"detail"}, map[string]any{"detail": str}),
	"UserMini": obj([]string{"id", "username", "first_name", "last_name", "user_type"}, map[string]any{
		"id": integer, "username": str, "first_name": str, "last_name": str, "user_type": str}),
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
		"notification_type": map[string]any{"type": "string", "enum": []string{"mention", "comment", "like", "enrollment", "quiz_completed", "quiz_graded", "appointment", "message"}},
		"text":              str, "is_read": boolean, "created_at": instant, "post": map[string]any{"type": []string{"integer", "null"}},
		"comment": map[string]any{"type": []string{"integer", "null"}}, "url": str, "preview": str}),
	"UnreadCount": obj([]string{"status", "unread_count"}, map[string]any{"status": str, "unread_count": integer}),
	"UserSearch": obj([]string{"id", "username", "first_name", "last_name", "full_name", "user_type"}, map[string]any{
		"id": integer, "username": str, "first_name": str, "last_name": str, "full_name": str, "user_type": str}),
	"PostList":         listOf("Post"),
	"CommentList":      listOf("Comment"),
	"NotificationList": listOf("Notification"),
	"UserSearchList":   listOf("UserSearch"),
	"FieldErrors": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "array", "items": str},
		"description": "messages per field; non_field_errors for the whole request"},
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// openAPIDocument builds the OpenAPI 3.1 document from the route table.
func (a *API) openAPIDocument() map[string]any {
	paths := map[string]any{}
	for _, rt := range a.routes {
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		op := map[string]any{
			"summary":     rt.Summary,
			"tags":        []string{rt.Tag},
			"operationId": operationID(rt),
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": str})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Body != "" {
			ct := "application/json"
			if strings.Contains(rt.Body, "Upload") {
				ct = "multipart/form-data"
			}
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{ct: map[string]any{"schema": ref(rt.Body)}}}
		}
		responses := map[string]any{}
		ok := map[string]any{"description": http.StatusText(rt.Status)}
		if rt.Response != "" {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(rt.Response)}}
		}
		responses[strconv.Itoa(rt.Status)] = ok
		if rt.Body != "" {
			responses["400"] = errorResponse("Invalid input", "FieldErrors")
		}
		if rt.Auth {
			responses["401"] = errorResponse("Not authenticated", "Error")
			op["security"] = []any{map[string]any{"bearer": []string{}}, map[string]any{"session": []string{}}}
		}
		responses["429"] = errorResponse("Rate limited; see Retry-After", "Error")
		op["responses"] = responses
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "E-Platform API",
			"version":     "1",
			"description": "JSON API of E-Platform. Authenticate with `Authorization: Bearer <access>` (from /api/auth/login/) or the browser session cookie.",
		},
		"servers": []any{map[string]any{"url": a.st.Config.BaseURL}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "opaque access token, 30 minutes"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "eplatform_session"},
			},
		},
	}
}

func errorResponse(desc, schema string) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": ref(schema)}}}
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
