package api

import (
	"net/http"
	"strconv"

	"eplatform/app/auth"
	"eplatform/app/desk"
	"eplatform/app/form"
	"eplatform/app/limit"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// The desk's JSON: contact, FAQ, appointments, the assistant and the admin's user
// actions.

type contactJSON struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	Subject   string `json:"subject"`
	Message   string `json:"message"`
	IsRead    bool   `json:"is_read"`
	CreatedAt string `json:"created_at"`
}

type faqJSON struct {
	ID       int64  `json:"id"`
	Question string `json:"question"`
	Answer   string `json:"answer"`
	Category string `json:"category"`
	Order    int    `json:"order"`
	IsActive bool   `json:"is_active"`
}

type appointmentJSON struct {
	ID              int64    `json:"id"`
	User            *int64   `json:"user"`
	Instructor      int64    `json:"instructor"`
	InstructorName  string   `json:"instructor_name"`
	Name            string   `json:"name"`
	Email           string   `json:"email"`
	Phone           string   `json:"phone"`
	AppointmentDate string   `json:"appointment_date"`
	AppointmentTime string   `json:"appointment_time"`
	AppointmentType string   `json:"appointment_type"`
	Message         string   `json:"message"`
	Status          string   `json:"status"`
	Actions         []string `json:"actions"`
	CreatedAt       string   `json:"created_at"`
	UpdatedAt       string   `json:"updated_at"`
}

func stamp(t interface{ Format(string) string }) string { return t.Format("2006-01-02T15:04:05Z") }

func toAppointment(viewer store.User, a store.Appointment) appointmentJSON {
	out := appointmentJSON{ID: a.ID, Instructor: a.InstructorID, InstructorName: a.InstructorName, Name: a.Name, Email: a.Email,
		Phone: a.Phone, AppointmentDate: a.Date, AppointmentTime: a.Time, AppointmentType: a.Type, Message: a.Message,
		Status: a.Status, Actions: desk.Actions(viewer, a), CreatedAt: stamp(a.CreatedAt.UTC()), UpdatedAt: stamp(a.UpdatedAt.UTC())}
	if out.Actions == nil {
		out.Actions = []string{}
	}
	if a.UserID != 0 {
		id := a.UserID
		out.User = &id
	}
	return out
}

// deskAllow applies a desk rate limit per user, or per address for anonymous callers.
func (a *API) deskAllow(w http.ResponseWriter, r *http.Request, rule limit.Rule) bool {
	key := a.clientKey(r)
	if id, ok := auth.FromContext(r.Context()); ok {
		key = limit.UserKey(id.User.ID)
	}
	if err := limit.Check(r.Context(), a.st.Limiter, rule, key); err != nil {
		a.fail(w, r, err)
		return false
	}
	return true
}

func (a *API) createContact(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok || !a.deskAllow(w, r, a.st.Limits.Contact) {
		return
	}
	in := desk.ContactInput{Name: f.str("name"), Email: f.str("email"), Subject: f.str("subject"), Message: f.str("message")}
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return
	}
	c, err := a.st.Desk.Contact(r.Context(), viewer(r), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, contactJSON{ID: c.ID, Name: c.Name, Email: c.Email, Subject: c.Subject, Message: c.Message, CreatedAt: stamp(c.CreatedAt.UTC())})
}

func (a *API) listFAQ(w http.ResponseWriter, r *http.Request) {
	list, err := a.st.Desk.FAQs(r.Context(), r.URL.Query().Get("category"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]faqJSON, len(list))
	for i, f := range list {
		out[i] = faqJSON{ID: f.ID, Question: f.Question, Answer: f.Answer, Category: f.Category, Order: f.Position, IsActive: f.IsActive}
	}
	writeJSON(w, http.StatusOK, listPage{Count: len(out), Results: out})
}

func (a *API) listInstructors(w http.ResponseWriter, r *http.Request) {
	list, err := a.st.Desk.Instructors(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	type ins struct {
		ID        int64  `json:"id"`
		Username  string `json:"username"`
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
	}
	out := make([]ins, len(list))
	for i, u := range list {
		out[i] = ins{u.ID, u.Username, u.FirstName, u.LastName}
	}
	writeJSON(w, http.StatusOK, listPage{Count: len(out), Results: out})
}

func (a *API) listAppointments(w http.ResponseWriter, r *http.Request) {
	p, perrs := readPaging(r, 20)
	if len(perrs) > 0 {
		writeJSON(w, http.StatusBadRequest, perrs)
		return
	}
	me := viewer(r)
	list, err := a.st.Desk.Mine(r.Context(), me, r.URL.Query().Get("status"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []appointmentJSON{}
	for i := p.offset(); i < len(list) && i < p.offset()+p.Size; i++ {
		out = append(out, toAppointment(me, list[i]))
	}
	writeJSON(w, http.StatusOK, a.newListPage(r, p, len(list), out))
}

func (a *API) createAppointment(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok || !a.deskAllow(w, r, a.st.Limits.Book) {
		return
	}
	me := viewer(r)
	in := desk.BookInput{InstructorID: f.int("instructor"), Name: f.str("name"), Email: f.str("email"), Phone: f.str("phone"),
		Date: f.str("appointment_date"), Time: f.str("appointment_time"),
		Type: f.str("appointment_type"), Message: f.str("message")}
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return
	}
	if in.Name == "" {
		in.Name = me.DisplayName()
	}
	if in.Email == "" {
		in.Email = me.Email
	}
	ap, err := a.st.Desk.Book(r.Context(), me, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAppointment(me, ap))
}

func (a *API) getAppointment(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	me := viewer(r)
	ap, err := a.st.Desk.Get(r.Context(), me, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAppointment(me, ap))
}

// statusActions maps a target status to its action.
var statusActions = map[string]string{"approved": desk.ActionApprove, "rejected": desk.ActionReject,
	"completed": desk.ActionComplete, "cancelled": desk.ActionCancel}

func (a *API) changeAppointment(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	action := f.str("action")
	if s := f.str("status"); action == "" && s != "" {
		action = statusActions[s]
		if action == "" {
			fieldErrors(w, form.Errors{"status": {"Select a valid choice: approved, rejected, completed or cancelled."}})
			return
		}
	}
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return
	}
	if action == "" {
		fieldErrors(w, form.Errors{"status": {"This field is required."}})
		return
	}
	// An unknown action is the service's 400 naming action.
	me := viewer(r)
	ap, err := a.st.Desk.Change(r.Context(), me, id, action)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAppointment(me, ap))
}

type feedbackJSON struct {
	Status       string `json:"status"`
	SubmissionID string `json:"submission_id"`
	FeedbackType string `json:"feedback_type"`
	Feedback     string `json:"feedback"`
	ID           int64  `json:"id"`
	CreatedAt    string `json:"created_at"`
}

func (a *API) feedback(w http.ResponseWriter, r *http.Request, kind, sub string) {
	fb, err := a.st.Desk.Feedback(r.Context(), viewer(r), kind, sub)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, feedbackJSON{Status: "success", SubmissionID: fb.SubmissionID, FeedbackType: fb.Kind,
		Feedback: fb.Feedback, ID: fb.ID, CreatedAt: stamp(fb.CreatedAt.UTC())})
}

func (a *API) getFeedback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a.feedback(w, r, q.Get("type"), q.Get("submission_id"))
}

func (a *API) requestFeedback(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	sub := ""
	switch v := f.m["submission_id"].(type) {
	case string:
		sub = v
	case float64:
		sub = strconv.FormatFloat(v, 'f', -1, 64)
	}
	a.feedback(w, r, f.str("type"), sub)
}

func (a *API) feedbackHistory(w http.ResponseWriter, r *http.Request) {
	list, err := a.st.Desk.History(r.Context(), viewer(r).ID, 50)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]feedbackJSON, len(list))
	for i, fb := range list {
		out[i] = feedbackJSON{Status: "success", SubmissionID: fb.SubmissionID, FeedbackType: fb.Kind, Feedback: fb.Feedback, ID: fb.ID, CreatedAt: stamp(fb.CreatedAt.UTC())}
	}
	writeJSON(w, http.StatusOK, listPage{Count: len(out), Results: out})
}

// Admin user actions.

type adminUserJSON struct {
	ID        int64  `json:"id"`
	Username  string `json:"username"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	UserType  string `json:"user_type"`
	IsActive  bool   `json:"is_active"`
	Joined    string `json:"date_joined"`
}

func toAdminUser(u store.User) adminUserJSON {
	return adminUserJSON{u.ID, u.Username, u.Email, u.FirstName, u.LastName, u.UserType, u.IsActive, stamp(u.DateJoined.UTC())}
}

// requireAdmin answers 403 for signed-in callers who are not admins (401 comes first).
func (a *API) requireAdmin(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !auth.IsAdmin(viewer(r)) {
			detail(w, http.StatusForbidden, "You do not have permission to perform this action.")
			return
		}
		next(w, r)
	}
}

func (a *API) adminUsers(w http.ResponseWriter, r *http.Request) {
	list, err := a.st.Auth.Users(r.Context(), viewer(r), r.URL.Query().Get("q"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]adminUserJSON, len(list))
	for i, u := range list {
		out[i] = toAdminUser(u)
	}
	writeJSON(w, http.StatusOK, listPage{Count: len(out), Results: out})
}

// adminAction runs an account action on the user {id} and answers the user as it is
// afterwards; a refusal (yourself, an unknown role, an inactive account) is the
// service's problem.
func (a *API) adminAction(w http.ResponseWriter, r *http.Request, act func(f *fields, id int64) (store.User, error)) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	u, err := act(f, id)
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAdminUser(u))
}

func (a *API) adminSetRole(w http.ResponseWriter, r *http.Request) {
	a.adminAction(w, r, func(f *fields, id int64) (store.User, error) {
		role := f.str("user_type")
		if f.typeErrors() != nil {
			return store.User{}, nil
		}
		return a.st.Auth.ChangeRole(r.Context(), viewer(r), id, role)
	})
}

func (a *API) adminSetActive(w http.ResponseWriter, r *http.Request) {
	a.adminAction(w, r, func(f *fields, id int64) (store.User, error) {
		var active bool
		switch v := f.m["is_active"].(type) {
		case bool:
			active = v
		case string:
			if v != "true" && v != "false" && v != "1" && v != "0" {
				return store.User{}, problem.Field("is_active", "Must be a valid boolean.")
			}
			active = v == "true" || v == "1"
		default:
			return store.User{}, problem.Field("is_active", "Must be a valid boolean.")
		}
		return a.st.Auth.ChangeActive(r.Context(), viewer(r), id, active)
	})
}

func (a *API) adminPasswordReset(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if _, err := a.st.Auth.MailReset(r.Context(), viewer(r), id); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"detail": "A password reset link was sent."})
}
