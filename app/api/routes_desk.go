package api

// deskRoutes are the desk endpoints: contact, FAQ, appointments, the learning
// assistant and the admin's user actions.
func (a *API) deskRoutes() []route {
	ad := a.requireAdmin
	return []route{
		{Method: "POST", Path: "/api/contact/", Tag: "desk", Summary: "Send a contact message (anonymous allowed; rate limited); stored for the admin inbox and mailed to the admins", Body: "ContactCreate", Response: "ContactMessage", Status: 201, Handler: a.createContact},
		{Method: "GET", Path: "/api/faq/", Tag: "desk", Summary: "The active FAQ entries by category and order (category filters)", Response: "FAQList", Status: 200, Handler: a.listFAQ},
		{Method: "GET", Path: "/api/appointments/instructors/", Tag: "desk", Summary: "The active instructors one can book", Response: "InstructorList", Status: 200, Handler: a.listInstructors},
		{Method: "GET", Path: "/api/appointments/", Tag: "desk", Summary: "Appointments you requested or are asked for (status filters: pending, approved, rejected, completed, cancelled; page, page_size)", Auth: true, Response: "AppointmentList", Status: 200, Handler: a.listAppointments},
		{Method: "POST", Path: "/api/appointments/", Tag: "desk", Summary: "Request an appointment: a weekday, 09:00–17:00, not in the past, with an active instructor other than you; the instructor is notified live", Auth: true, Body: "AppointmentCreate", Response: "Appointment", Status: 201, Handler: a.createAppointment},
		{Method: "GET", Path: "/api/appointments/{id}/", Tag: "desk", Summary: "One of your appointments (404 unless you are a party; admins see all)", Auth: true, Response: "Appointment", Status: 200, Handler: a.getAppointment},
		{Method: "POST", Path: "/api/appointments/{id}/status/", Tag: "desk", Summary: "Change the status: the instructor approves, rejects or completes, the requester cancels (the instructor may cancel an approved one); the other side is notified live; 409 for a change the state does not allow, 400 naming the field for an unknown status or action", Auth: true, Body: "AppointmentStatus", Response: "Appointment", Status: 200, Handler: a.changeAppointment},
		{Method: "GET", Path: "/api/ai/feedback/", Tag: "desk", Summary: "Learning-assistant feedback computed from your own data and stored (type=general|quiz|assignment, submission_id)", Auth: true, Response: "Feedback", Status: 200, Handler: a.getFeedback},
		{Method: "POST", Path: "/api/ai/feedback-request/", Tag: "desk", Summary: "Ask the learning assistant for feedback ({type, submission_id})", Auth: true, Body: "FeedbackRequest", Response: "Feedback", Status: 200, Handler: a.requestFeedback},
		{Method: "GET", Path: "/api/ai/feedback/history/", Tag: "desk", Summary: "Your stored assistant feedback, newest first", Auth: true, Response: "FeedbackList", Status: 200, Handler: a.feedbackHistory},
		{Method: "GET", Path: "/api/admin/users/", Tag: "admin", Summary: "Users by username, name or email prefix (q); admins only", Auth: true, Response: "AdminUserList", Status: 200, Handler: ad(a.adminUsers)},
		{Method: "POST", Path: "/api/admin/users/{id}/role/", Tag: "admin", Summary: "Change a user's role ({user_type}); admins only, not yourself", Auth: true, Body: "AdminRole", Response: "AdminUser", Status: 200, Handler: ad(a.adminSetRole)},
		{Method: "POST", Path: "/api/admin/users/{id}/active/", Tag: "admin", Summary: "Activate or deactivate a user ({is_active}); deactivation ends their sessions and tokens; admins only", Auth: true, Body: "AdminActive", Response: "AdminUser", Status: 200, Handler: ad(a.adminSetActive)},
		{Method: "POST", Path: "/api/admin/users/{id}/password-reset/", Tag: "admin", Summary: "Mail the user a password reset link (kept in the outbox too); admins only", Auth: true, Response: "Detail", Status: 200, Handler: ad(a.adminPasswordReset)},
		{Method: "GET", Path: "/api/admin/audit/", Tag: "admin", Summary: "The audit log, newest first, with filters (actor, action, target_kind, target_id, since, until) and keyset paging (before); admins only", Auth: true, Response: "AuditPage", Status: 200, Handler: ad(a.adminAudit)},
	}
}
