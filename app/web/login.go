package web

import (
	"errors"
	"net/http"

	"eplatform/app/auth"
	"eplatform/app/httpx"
	"eplatform/app/problem"
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
	h.render(w, r, http.StatusOK, views.LoginPage(p, views.LoginForm{}))
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
