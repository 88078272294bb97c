package web

import (
	"errors"
	"net/http"

	"eplatform/app/auth"
	"eplatform/app/httpx"
	"eplatform/app/problem"
	"eplatform/views"
)

func (h *Web) resetRequestForm(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.ResetRequestPage(h.page(w, r, "Reset your password", ""), views.ResetRequestForm{}))
}

// resetRequest answers every well-formed address with the same "check your inbox" page,
// at once: the account lookup and the mail happen in the background (see
// auth.RequestPasswordReset), so neither the answer nor its timing tells which
// addresses have accounts.
func (h *Web) resetRequest(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, formLimit) {
		return
	}
	email := r.PostForm.Get("email")
	show := func(status int, errs views.FormErrors) {
		form := views.ResetRequestForm{Email: email, Errors: errs}
		h.render(w, r, status, views.ResetRequestPage(h.page(w, r, "Reset your password", ""), form))
	}
	err := h.st.Auth.CheckReset(r.Context(), h.clientKey(r), email)
	if err == nil {
		err = h.st.Auth.RequestPasswordReset(r.Context(), email)
	}
	if p, ok := problem.As(err); ok && p.Kind == problem.KindRateLimited {
		httpx.SetRetryAfter(w, p.RetryAfter)
		show(http.StatusTooManyRequests, views.FormErrors{"": {"Too many reset requests. " + p.Message}})
		return
	}
	if fields, ok := invalidFields(r, err); ok {
		show(http.StatusOK, formErrors(fields))
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	http.Redirect(w, r, "/password_reset/done/", http.StatusSeeOther)
}

func (h *Web) resetSent(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.ResetSentPage(h.page(w, r, "Check your inbox", "")))
}

func (h *Web) resetConfirmForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	valid, err := h.st.Auth.ResetTokenValid(r.Context(), token)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	form := views.ResetConfirmForm{Token: token, Valid: valid}
	h.render(w, r, http.StatusOK, views.ResetConfirmPage(h.page(w, r, "Choose a new password", ""), form))
}

func (h *Web) resetConfirm(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, formLimit) {
		return
	}
	token := r.PathValue("token")
	u, err := h.st.Auth.ResetPassword(r.Context(), token, r.PostForm.Get("new_password1"), r.PostForm.Get("new_password2"))
	show := func(form views.ResetConfirmForm) {
		form.Token = token
		h.render(w, r, http.StatusOK, views.ResetConfirmPage(h.page(w, r, "Choose a new password", ""), form))
	}
	if errors.Is(err, auth.ErrResetLink) {
		show(views.ResetConfirmForm{})
		return
	}
	if fields, ok := invalidFields(r, err); ok {
		show(views.ResetConfirmForm{Valid: true, Errors: formErrors(fields)})
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	// The reset forgot every device of the account; this browser holds the mailed link,
	// so it is the owner's and need not wait out a lockout others caused.
	device, err := h.st.Auth.TrustDevice(r.Context(), u.ID, auth.DeviceToken(r))
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	auth.SetDeviceCookie(w, device, h.st.Config.SecureCookies())
	http.Redirect(w, r, "/reset/done/", http.StatusSeeOther)
}

func (h *Web) resetDone(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.ResetDonePage(h.page(w, r, "Password changed", "")))
}
