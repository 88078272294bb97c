package web

import (
	"errors"
	"net/http"
	"net/url"

	"eplatform/app/auth"
	"eplatform/app/httpx"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/views"
)

// The second factor's pages: the second step of signing in (/login/2fa/), the
// viewer's settings (/home/me/2fa/) and the admin's reset.

// challengeCookie carries the sign-in challenge between the password and the code. Its
// path is /login/ only, and it lasts as long as the challenge.
const challengeCookie = "eplatform_2fa"

func (h *Web) registerTwoFactor(mux *http.ServeMux) {
	mux.HandleFunc("GET /login/2fa/{$}", h.secondStepForm)
	mux.HandleFunc("POST /login/2fa/{$}", h.secondStep)
	mux.HandleFunc("GET /home/me/2fa/{$}", h.requireLogin(h.twoFactorSettings))
	mux.HandleFunc("POST /home/me/2fa/enrol/{$}", h.requireLogin(h.twoFactorStart))
	mux.HandleFunc("POST /home/me/2fa/confirm/{$}", h.requireLogin(h.twoFactorConfirm))
	mux.HandleFunc("POST /home/me/2fa/recovery-codes/{$}", h.requireLogin(h.twoFactorCodes))
	mux.HandleFunc("POST /home/me/2fa/disable/{$}", h.requireLogin(h.twoFactorDisable))
	mux.HandleFunc("POST /admin/users/{id}/2fa/reset/{$}", h.requireAdmin(h.adminResetTwoFactor))
}

// TwoFactorSetupPath is where an admin without a second factor is sent when the site
// requires one (app/server's gate lets this page and its forms through).
const TwoFactorSetupPath = "/home/me/2fa/"

// askSecondFactor answers a right password of a user with a second factor: the
// challenge goes into a cookie and the browser to the code form.
func (h *Web) askSecondFactor(w http.ResponseWriter, r *http.Request, challenge string, remember bool, next string) {
	http.SetCookie(w, &http.Cookie{Name: challengeCookie, Value: challenge, Path: "/login/", MaxAge: int(auth.ChallengeLife.Seconds()),
		HttpOnly: true, Secure: h.st.Config.SecureCookies(), SameSite: http.SameSiteLaxMode})
	q := url.Values{}
	if next != "" {
		q.Set("next", next)
	}
	if remember {
		q.Set("remember", "1")
	}
	target := "/login/2fa/"
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func clearChallenge(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: challengeCookie, Value: "", Path: "/login/", MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

func (h *Web) secondStepForm(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if c, err := r.Cookie(challengeCookie); err != nil || c.Value == "" {
		http.Redirect(w, r, "/login/", http.StatusFound)
		return
	}
	p := h.page(w, r, "Two-factor authentication", "")
	p.Next = next
	h.render(w, r, http.StatusOK, views.TwoFactorLoginPage(p, views.TwoFactorLogin{Remember: r.URL.Query().Get("remember") == "1"}))
}

func (h *Web) secondStep(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, formLimit) {
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	remember := r.PostForm.Get("remember_me") != ""
	challenge := ""
	if c, err := r.Cookie(challengeCookie); err == nil {
		challenge = c.Value
	}
	in, err := h.st.Auth.CompleteSignIn(r.Context(), auth.SecondStep{Challenge: challenge, Code: r.PostForm.Get("code"),
		Address: h.clientKey(r), Device: auth.DeviceToken(r), NewDevice: true})
	if err != nil {
		p, ok := problem.As(err)
		switch {
		case errors.Is(err, auth.ErrBadCode) || (ok && p.Kind == problem.KindRateLimited):
			f := views.TwoFactorLogin{Remember: remember, Errors: views.FormErrors{}}
			status := http.StatusOK
			if errs, fields := invalidFields(r, err); fields {
				f.Errors = views.FormErrors(errs)
			} else {
				f.Errors[""] = []string{p.Message}
				httpx.SetRetryAfter(w, p.RetryAfter)
				status = http.StatusTooManyRequests
			}
			pg := h.page(w, r, "Two-factor authentication", "")
			pg.Next = next
			h.render(w, r, status, views.TwoFactorLoginPage(pg, f))
		case ok && p.Kind == problem.KindInvalid:
			// Expired, or too many wrong codes: the password again.
			clearChallenge(w, h.st.Config.SecureCookies())
			h.flash(w, r, "error", p.Message)
			http.Redirect(w, r, "/login/"+withNextQuery(next), http.StatusSeeOther)
		default:
			h.fail(w, r, err, "")
		}
		return
	}
	clearChallenge(w, h.st.Config.SecureCookies())
	h.signedIn(w, r, in, remember, next)
}

func withNextQuery(next string) string {
	if next == "" {
		return ""
	}
	return "?next=" + url.QueryEscape(next)
}

// signedIn finishes a sign-in in the browser: device cookie, a new session, and the
// landing page (the second factor's set-up page for an admin the site requires it of).
func (h *Web) signedIn(w http.ResponseWriter, r *http.Request, in auth.SignedIn, remember bool, next string) {
	auth.SetDeviceCookie(w, in.Device, h.st.Config.SecureCookies())
	if err := h.sessions.LogIn(w, r, in.User.ID, remember); err != nil {
		h.serverError(w, r, err)
		return
	}
	if in.DeletionCancelled {
		h.flash(w, r, "success", "Welcome back. Your account was going to be deleted; signing in cancelled that, and it stays as it is.")
	}
	to := landing(in.User.UserType, next)
	if need, err := h.NeedsTwoFactor(r, in.User); err != nil {
		h.serverError(w, r, err)
		return
	} else if need {
		to = TwoFactorSetupPath
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// NeedsTwoFactor tells whether the site requires u to set up a second factor before
// anything else (-require-2fa-admins and u is an admin without one).
func (h *Web) NeedsTwoFactor(r *http.Request, u store.User) (bool, error) {
	if !h.st.Config.Require2FAAdmins || !auth.IsAdmin(u) {
		return false, nil
	}
	on, err := h.st.Auth.TwoFactorOn(r.Context(), u.ID)
	return !on, err
}

// twoFactorPage renders the settings with the viewer's current state; d carries what
// the handler adds (codes just made, a failed form).
func (h *Web) twoFactorPage(w http.ResponseWriter, r *http.Request, status int, d views.TwoFactorSettings) {
	me, _ := identity(r.Context())
	st, err := h.st.Auth.TOTPStatus(r.Context(), me)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	d.Enabled, d.RecoveryLeft = st.Enabled, st.RecoveryLeft
	if st.Pending != nil {
		d.Pending, d.URI, d.Secret = true, st.Pending.URI, st.Pending.Secret
		if d.QRSVG, err = auth.QRCodeSVG(st.Pending.URI); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	need, err := h.NeedsTwoFactor(r, me)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	d.Required = need
	h.render(w, r, status, views.TwoFactorSettingsPage(h.page(w, r, "Two-factor authentication", ""), d))
}

func (h *Web) twoFactorSettings(w http.ResponseWriter, r *http.Request) {
	h.twoFactorPage(w, r, http.StatusOK, views.TwoFactorSettings{})
}

func (h *Web) twoFactorStart(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, formLimit) {
		return
	}
	me, _ := identity(r.Context())
	if _, err := h.st.Auth.StartTOTP(r.Context(), me); err != nil {
		h.fail(w, r, err, TwoFactorSetupPath)
		return
	}
	http.Redirect(w, r, TwoFactorSetupPath, http.StatusSeeOther)
}

// twoFactorFailed shows the settings again with the form's errors, or fails as usual.
func (h *Web) twoFactorFailed(w http.ResponseWriter, r *http.Request, focus string, err error) {
	if errs, ok := invalidFields(r, err); ok {
		h.twoFactorPage(w, r, http.StatusOK, views.TwoFactorSettings{Focus: focus, Errors: views.FormErrors(errs)})
		return
	}
	h.fail(w, r, err, TwoFactorSetupPath)
}

func (h *Web) twoFactorConfirm(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, formLimit) {
		return
	}
	me, _ := identity(r.Context())
	codes, err := h.st.Auth.ConfirmTOTP(r.Context(), me, r.PostForm.Get("code"))
	if err != nil {
		h.twoFactorFailed(w, r, "confirm", err)
		return
	}
	h.twoFactorPage(w, r, http.StatusOK, views.TwoFactorSettings{Codes: codes})
}

func (h *Web) twoFactorCodes(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, formLimit) {
		return
	}
	me, _ := identity(r.Context())
	codes, err := h.st.Auth.NewRecoveryCodes(r.Context(), me, r.PostForm.Get("password"), r.PostForm.Get("code"))
	if err != nil {
		h.twoFactorFailed(w, r, "codes", err)
		return
	}
	h.twoFactorPage(w, r, http.StatusOK, views.TwoFactorSettings{Codes: codes})
}

func (h *Web) twoFactorDisable(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, formLimit) {
		return
	}
	me, _ := identity(r.Context())
	if err := h.st.Auth.DisableTOTP(r.Context(), me, r.PostForm.Get("password"), r.PostForm.Get("code")); err != nil {
		h.twoFactorFailed(w, r, "disable", err)
		return
	}
	h.back(w, r, TwoFactorSetupPath, "success", "Two-factor authentication is off.")
}

func (h *Web) adminResetTwoFactor(w http.ResponseWriter, r *http.Request) {
	var wasOn bool
	h.adminUserAction(func(r *http.Request, me store.User, id int64) (store.User, error) {
		u, on, err := h.st.Auth.ResetTwoFactor(r.Context(), me, id)
		wasOn = on
		return u, err
	}, func(u store.User) string {
		if wasOn {
			return u.Username + "'s two-factor authentication is off; they sign in with their password alone until they set it up again."
		}
		return u.Username + " had no two-factor authentication."
	})(w, r)
}
