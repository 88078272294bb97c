package web

import (
	"net/http"

	"eplatform/views"
)

func (h *Web) resetRequestForm(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.ResetRequestPage(h.page(w, r, "Reset your password", ""), views.ResetRequestForm{}))
}

// resetRequest always answers with the same "check your inbox" page, so it cannot be
// used to find out which addresses have accounts.
func (h *Web) resetRequest(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, formLimit) {
		return
	}
	email := r.PostForm.Get("email")
	if d, err := h.st.Auth.CheckReset(r.Context(), h.clientKey(r), email); err != nil {
		h.serverError(w, r, err)
		return
	} else if d != nil {
		setRetryAfter(w, *d)
		form := views.ResetRequestForm{Email: email, Errors: views.FormErrors{"": {"Too many reset requests. " + limitMessage(*d)}}}
		h.render(w, r, http.StatusTooManyRequests, views.ResetRequestPage(h.page(w, r, "Reset your password", ""), form))
		return
	}
	if email == "" {
		form := views.ResetRequestForm{Errors: views.FormErrors{"email": {"This field is required."}}}
		h.render(w, r, http.StatusOK, views.ResetRequestPage(h.page(w, r, "Reset your password", ""), form))
		return
	}
	if err := h.st.Auth.RequestPasswordReset(r.Context(), email); err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/password_reset/done/", http.StatusSeeOther)
}

func (h *Web) resetSent(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.ResetSentPage(h.page(w, r, "Check your inbox", "")))
}

func (h *Web) resetConfirmForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	form := views.ResetConfirmForm{Token: token, Valid: h.st.Auth.ResetTokenValid(r.Context(), token)}
	h.render(w, r, http.StatusOK, views.ResetConfirmPage(h.page(w, r, "Choose a new password", ""), form))
}

func (h *Web) resetConfirm(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, formLimit) {
		return
	}
	token := r.PathValue("token")
	ok, errs, err := h.st.Auth.ResetPassword(r.Context(), token, r.PostForm.Get("new_password1"), r.PostForm.Get("new_password2"))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !ok || len(errs) > 0 {
		form := views.ResetConfirmForm{Token: token, Valid: ok, Errors: formErrors(errs)}
		h.render(w, r, http.StatusOK, views.ResetConfirmPage(h.page(w, r, "Choose a new password", ""), form))
		return
	}
	http.Redirect(w, r, "/reset/done/", http.StatusSeeOther)
}

func (h *Web) resetDone(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.ResetDonePage(h.page(w, r, "Password changed", "")))
}
