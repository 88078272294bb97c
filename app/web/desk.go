package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"eplatform/app/desk"
	"eplatform/app/form"
	"eplatform/app/limit"
	"eplatform/app/store"
	"eplatform/app/zone"
	"eplatform/views"
)

// The contact page (contact form, FAQ, booking) works for anonymous visitors too; the
// appointments list and the assistant need an account.

// deskAllow applies a desk rate limit keyed by the user, or the client address for
// anonymous visitors, and answers 429 itself.
func (h *Web) deskAllow(w http.ResponseWriter, r *http.Request, rule limit.Rule) bool {
	key := h.clientKey(r)
	if u, ok := identity(r.Context()); ok {
		key = limit.UserKey(u.ID)
	}
	if err := limit.Check(r.Context(), h.st.Limiter, rule, key); err != nil {
		h.fail(w, r, err, "")
		return false
	}
	return true
}

func contactFields(v func(string) string, errs form.Errors) []views.Field {
	return []views.Field{
		{Name: "name", Label: "Name", Value: v("name"), MaxLength: 100, Required: true, Autocomplete: "name", Errors: errs["name"]},
		{Name: "email", Label: "Email", Type: "email", Value: v("email"), MaxLength: 254, Required: true, Autocomplete: "email", Errors: errs["email"]},
		{Name: "subject", Label: "Subject", Value: v("subject"), MaxLength: 200, Required: true, Errors: errs["subject"]},
		{Name: "message", Label: "Message", Type: "textarea", Rows: 5, Value: v("message"), MaxLength: 5000, Required: true, Errors: errs["message"]},
	}
}

func bookFields(v func(string) string, errs form.Errors, instructors []store.UserMini, signedIn bool) []views.Field {
	ins := []views.Option{{Value: "", Label: "Choose an instructor"}}
	for _, u := range instructors {
		ins = append(ins, views.Option{Value: strconv.FormatInt(u.ID, 10), Label: u.DisplayName() + " (@" + u.Username + ")"})
	}
	var types []views.Option
	for _, t := range desk.AppointmentTypes {
		types = append(types, views.Option{Value: t.Value, Label: t.Label})
	}
	fields := []views.Field{
		{Name: "instructor", ID: "id_book_instructor", Label: "Instructor", Type: "select", Value: v("instructor"), Options: ins, Required: true, Errors: errs["instructor"]},
	}
	if !signedIn {
		fields = append(fields,
			views.Field{Name: "name", ID: "id_book_name", Label: "Name", Value: v("name"), MaxLength: 100, Required: true, Errors: errs["name"]},
			views.Field{Name: "email", ID: "id_book_email", Label: "Email", Type: "email", Value: v("email"), MaxLength: 254, Required: true, Errors: errs["email"]})
	}
	return append(fields,
		views.Field{Name: "phone", ID: "id_book_phone", Label: "Phone", Type: "tel", Value: v("phone"), MaxLength: 20, Optional: true, Errors: errs["phone"]},
		views.Field{Name: "appointment_date", ID: "id_book_date", Label: "Date", Type: "date", Value: v("appointment_date"), Required: true, Errors: errs["appointment_date"]},
		views.Field{Name: "appointment_time", ID: "id_book_time", Label: "Time", Type: "time", Value: v("appointment_time"), Required: true, Help: "Between 09:00 and 17:00.",
			Errors: errs["appointment_time"], Attrs: map[string]any{"min": desk.OpensAt, "max": desk.ClosesAt}},
		views.Field{Name: "appointment_type", ID: "id_book_type", Label: "Type", Type: "select", Value: v("appointment_type"), Options: types, Errors: errs["appointment_type"]},
		views.Field{Name: "message", ID: "id_book_message", Label: "Message", Type: "textarea", Rows: 3, Value: v("message"), MaxLength: 2000, Optional: true, Errors: errs["message"]},
	)
}

// contactPage renders /home/contact/ with optional drafts and errors of either form.
func (h *Web) renderContact(w http.ResponseWriter, r *http.Request, status int, contactErrs, bookErrs form.Errors, which string) {
	u, signedIn := identity(r.Context())
	category := r.URL.Query().Get("category")
	faqs, err := h.st.Desk.FAQs(r.Context(), category)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	cats, err := h.st.Desk.FAQCategories(r.Context())
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	instructors, err := h.st.Desk.Instructors(r.Context())
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	prefill := func(name string) string {
		switch name {
		case "name":
			if signedIn {
				return u.DisplayName()
			}
		case "email":
			if signedIn {
				return u.Email
			}
		}
		return ""
	}
	contactV, bookV := prefill, prefill
	if which == "contact" {
		contactV = r.PostFormValue
	}
	if which == "book" {
		bookV = r.PostFormValue
	}
	if contactErrs == nil {
		contactErrs = form.Errors{}
	}
	if bookErrs == nil {
		bookErrs = form.Errors{}
	}
	d := views.ContactData{
		ContactFields: contactFields(contactV, contactErrs), ContactErrors: contactErrs[form.NonField],
		BookFields: bookFields(bookV, bookErrs, instructors, signedIn), BookErrors: bookErrs[form.NonField],
		NoInstructors: len(instructors) == 0, Categories: cats, Category: category,
	}
	for _, f := range faqs {
		d.FAQs = append(d.FAQs, faqView(f))
	}
	h.render(w, r, status, views.ContactPage(h.page(w, r, "Contact", "contact"), d))
}

func faqView(f store.FAQ) views.FAQView {
	return views.FAQView{ID: f.ID, Question: f.Question, Answer: f.Answer, Category: f.Category, Position: f.Position, Active: f.IsActive}
}

func (h *Web) contactPage(w http.ResponseWriter, r *http.Request) {
	h.renderContact(w, r, http.StatusOK, nil, nil, "")
}

func (h *Web) contactSubmit(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, 64<<10) || !h.deskAllow(w, r, h.st.Limits.Contact) {
		return
	}
	u, _ := identity(r.Context())
	_, err := h.st.Desk.Contact(r.Context(), u, desk.ContactInput{
		Name: r.PostFormValue("name"), Email: r.PostFormValue("email"),
		Subject: r.PostFormValue("subject"), Message: r.PostFormValue("message"),
	})
	if fields, ok := invalidFields(r, err); ok {
		h.renderContact(w, r, http.StatusBadRequest, fields, nil, "contact")
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "Thank you, your message has been sent. We will get back to you soon.")
	http.Redirect(w, r, "/home/contact/", http.StatusSeeOther)
}

func (h *Web) bookSubmit(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, 64<<10) || !h.deskAllow(w, r, h.st.Limits.Book) {
		return
	}
	u, signedIn := identity(r.Context())
	in := desk.BookInput{
		Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone"),
		Date: r.PostFormValue("appointment_date"), Time: r.PostFormValue("appointment_time"),
		Type: r.PostFormValue("appointment_type"), Message: r.PostFormValue("message"),
	}
	if v := r.PostFormValue("instructor"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			h.renderContact(w, r, http.StatusBadRequest, nil, form.Errors{"instructor": {"Choose one of the listed instructors."}}, "book")
			return
		}
		in.InstructorID = id
	}
	if signedIn {
		in.Name, in.Email = u.DisplayName(), u.Email
	}
	a, err := h.st.Desk.Book(r.Context(), u, in)
	if fields, ok := invalidFields(r, err); ok {
		h.renderContact(w, r, http.StatusBadRequest, nil, fields, "book")
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "Your appointment request was sent to "+a.InstructorName+".")
	if signedIn {
		http.Redirect(w, r, "/home/appointments/", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/home/contact/", http.StatusSeeOther)
}

// appointmentView shows an appointment to viewer. It is booked on the desk's wall
// clock (desk.Service.Location); it is shown in the viewer's zone, named.
func (h *Web) appointmentView(ctx context.Context, viewer store.User, a store.Appointment) views.AppointmentView {
	label := a.Type
	for _, t := range desk.AppointmentTypes {
		if t.Value == a.Type {
			label = t.Label
		}
	}
	v := views.AppointmentView{
		ID: a.ID, Requester: a.RequesterUsername, Instructor: a.InstructorName, Name: a.Name, Email: a.Email, Phone: a.Phone,
		Date: a.Date, Time: a.Time, Type: label, Message: a.Message, Status: a.Status,
		Mine: a.UserID == viewer.ID, Actions: desk.Actions(viewer, a),
	}
	deskLoc := h.st.Desk.Location
	if deskLoc == nil {
		deskLoc = time.UTC
	}
	if at, err := time.ParseInLocation("2006-01-02 15:04", a.Date+" "+a.Time, deskLoc); err == nil {
		local := zone.In(ctx, at)
		v.Date, v.Time, v.ISO = local.Format(time.DateOnly), local.Format("15:04 MST"), isoTime(at)
	}
	return v
}

func (h *Web) appointmentsPage(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	list, err := h.st.Desk.Mine(r.Context(), u, "")
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	var d views.AppointmentsData
	for _, a := range list {
		d.Items = append(d.Items, h.appointmentView(r.Context(), u, a))
	}
	h.render(w, r, http.StatusOK, views.AppointmentsPage(h.page(w, r, "My appointments", "contact"), d))
}

func (h *Web) appointmentAction(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	a, err := h.st.Desk.Change(r.Context(), u, id, r.PathValue("action"))
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if wantsFragment(r) {
		h.renderFragment(w, r, http.StatusOK, views.AppointmentCard(views.Page{Viewer: viewerOf(u), Asset: h.assets.URL}, h.appointmentView(r.Context(), u, a)))
		return
	}
	h.flash(w, r, "success", "The appointment is now "+a.Status+".")
	http.Redirect(w, r, "/home/appointments/#appointment-"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
}
