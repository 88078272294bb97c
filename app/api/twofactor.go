package api

import (
	"net/http"

	"eplatform/app/auth"
	"eplatform/app/form"
	"eplatform/app/problem"
)

type twoFactorStatus struct {
	Enabled           bool `json:"enabled"`
	Pending           bool `json:"pending"`
	RecoveryCodesLeft int  `json:"recovery_codes_left"`
	Required          bool `json:"required"`
}

func (a *API) twoFactorStatus(w http.ResponseWriter, r *http.Request) {
	me := viewer(r)
	st, err := a.st.Auth.TOTPStatus(r.Context(), me)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	required := a.st.Config.Require2FAAdmins && auth.IsAdmin(me)
	writeJSON(w, http.StatusOK, twoFactorStatus{Enabled: st.Enabled, Pending: st.Pending != nil, RecoveryCodesLeft: st.RecoveryLeft, Required: required})
}

func (a *API) twoFactorEnrol(w http.ResponseWriter, r *http.Request) {
	e, err := a.st.Auth.StartTOTP(r.Context(), viewer(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	svg, err := auth.QRCodeSVG(e.URI)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"secret": e.Secret, "otpauth_uri": e.URI, "qr_svg": svg})
}

// required reads the named string fields of a body, all required; it answers the 400
// itself and returns false when one is missing or not a string.
func required(w http.ResponseWriter, r *http.Request, names ...string) ([]string, bool) {
	f, ok := readFields(w, r)
	if !ok {
		return nil, false
	}
	vals := make([]string, len(names))
	for i, n := range names {
		vals[i] = f.str(n)
	}
	errs := f.merge(nil)
	for i, n := range names {
		if vals[i] == "" && !errs.Has(n) {
			errs.Add(n, "This field is required.")
		}
	}
	if len(errs) > 0 {
		fieldErrors(w, errs)
		return nil, false
	}
	return vals, true
}

func (a *API) twoFactorConfirm(w http.ResponseWriter, r *http.Request) {
	v, ok := required(w, r, "code")
	if !ok {
		return
	}
	codes, err := a.st.Auth.ConfirmTOTP(r.Context(), viewer(r), v[0])
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string][]string{"recovery_codes": codes})
}

func (a *API) twoFactorRecoveryCodes(w http.ResponseWriter, r *http.Request) {
	v, ok := required(w, r, "password", "code")
	if !ok {
		return
	}
	codes, err := a.st.Auth.NewRecoveryCodes(r.Context(), viewer(r), v[0], v[1])
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string][]string{"recovery_codes": codes})
}

func (a *API) twoFactorDisable(w http.ResponseWriter, r *http.Request) {
	v, ok := required(w, r, "password", "code")
	if !ok {
		return
	}
	if err := a.st.Auth.DisableTOTP(r.Context(), viewer(r), v[0], v[1]); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// twoFactorChallenge is the login's answer for an account with a second factor.
type twoFactorChallenge struct {
	TwoFactorRequired bool   `json:"two_factor_required"`
	Challenge         string `json:"challenge"`
	Message           string `json:"message"`
}

func (a *API) loginSecondStep(w http.ResponseWriter, r *http.Request) {
	v, ok := required(w, r, "challenge", "code")
	if !ok {
		return
	}
	in, err := a.st.Auth.CompleteSignIn(r.Context(), auth.SecondStep{Challenge: v[0], Code: v[1],
		Address: a.clientKey(r), Device: auth.DeviceToken(r)})
	if p, ok := problem.As(err); ok && p.Kind == problem.KindInvalid && len(p.Fields) == 0 {
		err = problem.Fields(form.Errors{form.NonField: {p.Message}})
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	pair, err := a.st.Auth.IssueTokens(r.Context(), in.User.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, authResult{User: a.user(in.User), Access: pair.Access, Refresh: pair.Refresh, Message: "Login successful"})
}

func (a *API) adminResetTwoFactor(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	u, on, err := a.st.Auth.ResetTwoFactor(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	msg := u.Username + " had no two-factor authentication."
	if on {
		msg = u.Username + "'s two-factor authentication is off."
	}
	writeJSON(w, http.StatusOK, map[string]string{"detail": msg})
}
