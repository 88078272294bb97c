package web

import (
	"errors"
	"net/http"

	"eplatform/app/auth"
	"eplatform/app/httpx"
	"eplatform/app/problem"
	"eplatform/app/seed"
	"eplatform/views"
)

// formLimit bounds the body of the account forms.
const formLimit = 64 << 10

func (h *Web) loginForm(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if u, ok := identity(r.Context()); ok {
		http.Redirect(w, r, landing(u.UserType, next), http.StatusFound)
		return
	}
	p := h.page(w, r, "Log in", "")
	p.Next = next
	f := views.LoginForm{}
	var err error
	if f.Demo, err = h.demoLogins(r); err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.render(w, r, http.StatusOK, views.LoginPage(p, f))
}

// roleWords name the roles on the demo's sign-in buttons.
var roleWords = map[string]string{"admin": "Admin", "instructor": "Instructor", "student": "Student"}

// demoLogins are the one-click sign-ins of a server started with -demo (none
// otherwise): switching roles never means typing, so never a failed sign-in, which is
// all the sign-in limits count.
func (h *Web) demoLogins(r *http.Request) ([]views.DemoLogin, error) {
	if !h.st.Config.Demo {
		return nil, nil
	}
	users, err := h.st.Auth.DemoAccounts(r.Context())
	if err != nil {
		return nil, err
	}
	out := make([]views.DemoLogin, len(users))
	for i, u := range users {
		out[i] = views.DemoLogin{Role: roleWords[u.UserType], Name: viewerOf(u).DisplayName(), Username: u.Username, Password: seed.DefaultPassword}
	}
	return out, nil
}

func (h *Web) login(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, formLimit) {
		return
	}
	username, password := r.PostForm.Get("username"), r.PostForm.Get("password")
	remember := r.PostForm.Get("remember_me") != ""
	next := safeNext(r.PostForm.Get("next"))
	form := views.LoginForm{Username: username, RememberMe: remember, Errors: views.FormErrors{}}
	show := func(status int) {
		demo, err := h.demoLogins(r)
		if err != nil {
			h.st.Log.WarnContext(r.Context(), "demo logins", "err", err) // the form works without them
		}
		form.Demo = demo
		p := h.page(w, r, "Log in", "")
		p.Next = next
		h.render(w, r, status, views.LoginPage(p, form))
	}
	in, err := h.st.Auth.SignIn(r.Context(), auth.Attempt{Username: username, Password: password,
		Address: h.clientKey(r), Device: auth.DeviceToken(r), NewDevice: true})
	if p, ok := problem.As(err); ok && (p.Kind == problem.KindRateLimited || errors.Is(err, auth.ErrInvalidCredentials)) {
		// The form comes back with the message: a wrong password is no error page.
		form.Errors[""] = []string{p.Message}
		status := http.StatusOK
		if p.Kind == problem.KindRateLimited {
			httpx.SetRetryAfter(w, p.RetryAfter)
			status = http.StatusTooManyRequests
		}
		show(status)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if in.Challenge != "" {
		h.askSecondFactor(w, r, in.Challenge, remember, next)
		return
	}
	h.signedIn(w, r, in, remember, next)
}

// landing is where a signed-in user goes: next when given, else the admin area for
// admins and the home feed for everyone else.
func landing(role, next string) string {
	switch {
	case next != "":
		return next
	case role == auth.Admin:
		return "/admin/"
	default:
		return "/home/"
	}
}

// logout ends the browser session. It is POST only, so a link or an image on another
// page cannot sign anyone out.
func (h *Web) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.sessions.LogOut(w, r); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.flash(w, r, "info", "You have been logged out.")
	http.Redirect(w, r, "/login/", http.StatusSeeOther)
}

// logoutEverywhere ends every session and API token of the user.
func (h *Web) logoutEverywhere(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	if err := h.st.Auth.EndAllSessions(r.Context(), u.ID); err != nil {
		h.serverError(w, r, err)
		return
	}
	// This session's row is gone; expire its cookie too.
	if err := h.sessions.LogOut(w, r); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.flash(w, r, "info", "You have been logged out on every device.")
	http.Redirect(w, r, "/login/", http.StatusSeeOther)
}
