package api

import "maps"

// The desk's request and response schemas, merged into schemas (openapi.go).
func init() { maps.Copy(schemas, deskSchemas) }

var (
	deskDate = map[string]any{"type": "string", "format": "date", "description": "YYYY-MM-DD, Monday to Friday, not in the past"}
	deskTime = map[string]any{"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "description": "HH:MM between 09:00 and 17:00"}
	deskKind = map[string]any{"type": "string", "enum": []string{"general", "assignment", "quiz"}}
	deskRole = map[string]any{"type": "string", "enum": []string{"student", "instructor", "admin"}}
)

var deskSchemas = map[string]any{
	"ContactCreate": obj([]string{"name", "email", "subject", "message"}, map[string]any{
		"name": map[string]any{"type": "string", "maxLength": 100}, "email": map[string]any{"type": "string", "format": "email"},
		"subject": map[string]any{"type": "string", "maxLength": 200}, "message": map[string]any{"type": "string", "maxLength": 5000}}),
	"ContactMessage": obj([]string{"id", "name", "email", "subject", "message", "is_read", "created_at"}, map[string]any{
		"id": integer, "name": str, "email": str, "subject": str, "message": str, "is_read": boolean, "created_at": instant}),
	"FAQ": obj([]string{"id", "question", "answer", "category", "order", "is_active"}, map[string]any{
		"id": integer, "question": str, "answer": str, "category": str, "order": integer, "is_active": boolean}),
	"Instructor": obj([]string{"id", "username", "first_name", "last_name"}, map[string]any{
		"id": integer, "username": str, "first_name": str, "last_name": str}),
	"Appointment": obj([]string{"id", "user", "instructor", "instructor_name", "name", "email", "phone", "appointment_date",
		"appointment_time", "appointment_type", "message", "status", "actions", "created_at", "updated_at"}, map[string]any{
		"id": integer, "user": map[string]any{"type": []string{"integer", "null"}, "description": "the requester; null when anonymous"},
		"instructor": integer, "instructor_name": str, "name": str, "email": str, "phone": str,
		"appointment_date": deskDate, "appointment_time": deskTime,
		"appointment_type": map[string]any{"type": "string", "enum": []string{"office_hours", "project_discussion", "academic_advice", "course_related", "other"}},
		"message":          str,
		"status":           map[string]any{"type": "string", "enum": []string{"pending", "approved", "rejected", "completed", "cancelled"}},
		"actions":          map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": []string{"approve", "reject", "complete", "cancel"}}, "description": "what you may do now"},
		"created_at":       instant, "updated_at": instant}),
	"AppointmentCreate": obj([]string{"instructor", "appointment_date", "appointment_time"}, map[string]any{
		"instructor": integer, "appointment_date": deskDate, "appointment_time": deskTime,
		"appointment_type": map[string]any{"type": "string", "default": "office_hours"},
		"name":             map[string]any{"type": "string", "description": "defaults to your name"},
		"email":            map[string]any{"type": "string", "description": "defaults to your email"},
		"phone":            map[string]any{"type": "string", "maxLength": 20}, "message": map[string]any{"type": "string", "maxLength": 2000}}),
	"AppointmentStatus": obj(nil, map[string]any{
		"status": map[string]any{"type": "string", "enum": []string{"approved", "rejected", "completed", "cancelled"}},
		"action": map[string]any{"type": "string", "enum": []string{"approve", "reject", "complete", "cancel"}, "description": "instead of status"}}),
	"Feedback": obj([]string{"status", "submission_id", "feedback_type", "feedback"}, map[string]any{
		"status": map[string]any{"type": "string", "enum": []string{"success"}}, "submission_id": str, "feedback_type": deskKind,
		"feedback": map[string]any{"type": "string", "description": "plain text, one finding per line"}, "id": integer, "created_at": instant}),
	"FeedbackRequest": obj(nil, map[string]any{"type": deskKind,
		"submission_id": map[string]any{"type": []string{"string", "integer"}, "description": "the attempt or assignment the feedback is about"}}),
	"AdminUser": obj([]string{"id", "username", "email", "first_name", "last_name", "user_type", "is_active", "date_joined"}, map[string]any{
		"id": integer, "username": str, "email": str, "first_name": str, "last_name": str, "user_type": deskRole, "is_active": boolean, "date_joined": instant}),
	"AdminRole":       obj([]string{"user_type"}, map[string]any{"user_type": deskRole}),
	"AdminActive":     obj([]string{"is_active"}, map[string]any{"is_active": boolean}),
	"Detail":          obj([]string{"detail"}, map[string]any{"detail": str}),
	"FAQList":         listOf("FAQ"),
	"InstructorList":  listOf("Instructor"),
	"AppointmentList": listOf("Appointment"),
	"FeedbackList":    listOf("Feedback"),
	"AdminUserList":   listOf("AdminUser"),
}
