package web

import (
	"net/http"

	"eplatform/app/auth"
	"eplatform/app/httpx"
	"eplatform/app/problem"
	"eplatform/views"
)

func (h *Web) signupForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := identity(r.Context()); ok {
		http.Redirect(w, r, "/home/", http.StatusFound)
		return
	}
	p := h.page(w, r, "Create an account", "")
	p.Next = safeNext(r.URL.Query().Get("next"))
	h.render(w, r, http.StatusOK, views.SignupPage(p, views.SignupForm{UserType: auth.Student}))
}

func (h *Web) signup(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, formLimit) {
		return
	}
	f := r.PostForm
	in := auth.SignupInput{
		Username: f.Get("username"), Email: f.Get("email"),
		FirstName: f.Get("first_name"), LastName: f.Get("last_name"),
		Password1: f.Get("password1"), Password2: f.Get("password2"),
		Birthdate: f.Get("birthdate"), UserType: f.Get("user_type"),
		AccessCode: f.Get("access_code"),
	}
	form := views.SignupForm{
		FirstName: in.FirstName, LastName: in.LastName, Username: in.Username, Email: in.Email,
		UserType: in.UserType, Birthdate: in.Birthdate,
	}
	show := func(status int, errs views.FormErrors) {
		form.Errors = errs
		p := h.page(w, r, "Create an account", "")
		p.Next = safeNext(f.Get("next"))
		h.render(w, r, status, views.SignupPage(p, form))
	}
	if err := h.st.Auth.CheckSignup(r.Context(), h.clientKey(r)); err != nil {
		if p, ok := problem.As(err); ok && p.Kind == problem.KindRateLimited {
			httpx.SetRetryAfter(w, p.RetryAfter)
			show(http.StatusTooManyRequests, views.FormErrors{"": {"Too many sign-ups from your network. " + p.Message}})
			return
		}
		h.fail(w, r, err, "")
		return
	}
	u, err := h.st.Auth.Signup(r.Context(), in)
	if fields, ok := invalidFields(r, err); ok {
		show(http.StatusOK, formErrors(fields))
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.st.Log.InfoContext(r.Context(), "user signed up", "user", u.Username, "role", u.UserType)
	h.flash(w, r, "success", "Your account is ready, "+u.FirstName+". Log in to continue.")
	target := "/login/"
	if next := safeNext(f.Get("next")); next != "" {
		target += "?next=" + urlQueryEscape(next)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}
