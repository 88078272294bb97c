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

// What the desk route table does not say, for the OpenAPI document (openapi.go).
func init() { addOpDocs(deskOps) }

const adminsOnly = " Admins only (403 for everyone else)."

var deskOps = map[string]opDoc{
	"POST /api/contact/": {Description: "Sends a message to the site's administrators: stored for the admin inbox and mailed to them. " +
		"Anyone may write; a signed-in caller's name and email are the defaults. Limited per person, or per address when anonymous."},
	"GET /api/faq/": {Description: "The active FAQ entries by category and order. Not paginated.",
		Query: []map[string]any{qString("category", "only this category")}},
	"GET /api/appointments/instructors/": {Description: "The active instructors one can book an appointment with. Not paginated."},
	"GET /api/appointments/": {Description: "The appointments the caller requested or is asked for, the soonest first.",
		Query: withPaging(20, qKnown("status", "only appointments in this state (an unknown one matches nothing)", "", "pending", "approved", "rejected", "completed", "cancelled"))},
	"POST /api/appointments/": {Description: "Requests an appointment with an active instructor other than oneself, on a weekday between 09:00 and 17:00, " +
		"not in the past; the instructor is notified live. Limited per person."},
	"GET /api/appointments/{id}/": {Description: "One appointment the caller requested or is asked for; admins see every one. Others get a 404."},
	"POST /api/appointments/{id}/status/": {Description: "Moves an appointment on: its instructor approves, rejects or completes it; its requester " +
		"cancels it (the instructor may cancel an approved one). The other side is notified live. Someone who is no party, " +
		"or a change the caller may not make, is a 403; a change the current state does not allow is a 409.", Status: []int{409}},
	"GET /api/ai/feedback/": {Description: "The learning assistant's feedback, computed from the caller's own attempts, materials, deadlines and activity, and stored. " +
		"type general looks at everything, quiz at one attempt and assignment at one assignment (submission_id); an unknown type, " +
		"or a submission_id with control characters, is a 400 naming the parameter.",
		Query: []map[string]any{
			qEnum("type", "what the feedback is about", "general", "general", "quiz", "assignment"),
			qString("submission_id", "the attempt (quiz) or assignment material (assignment) the feedback is about")},
		Status: []int{400}},
	"POST /api/ai/feedback-request/": {Description: "The same as GET /api/ai/feedback/ with the parameters in the body."},
	"GET /api/ai/feedback/history/":  {Description: "The caller's stored assistant feedback, newest first (at most 50). Not paginated."},
	"GET /api/admin/users/": {Description: "Users whose username, name or email starts with q (at most 100)." + adminsOnly,
		Query: []map[string]any{qString("q", "username, name or email prefix")}, Status: []int{403}},
	"POST /api/admin/users/{id}/role/": {Description: "Changes a user's role. Not one's own (403)." + adminsOnly},
	"POST /api/admin/users/{id}/active/": {Description: "Activates or deactivates a user; deactivation ends their sessions and API tokens at once. " +
		"Not oneself (403)." + adminsOnly},
	"POST /api/admin/users/{id}/password-reset/": {Description: "Mails the user a password reset link; the mail is kept in the admin outbox too." + adminsOnly},
}
