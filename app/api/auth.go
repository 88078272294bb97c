package api

import (
	"errors"
	"maps"
	"net/http"
	"time"

	"eplatform/app/auth"
	"eplatform/app/form"
	"eplatform/app/problem"
	"eplatform/app/store"
)

func (a *API) authRoutes() []route {
	return []route{
		{Method: "POST", Path: "/api/auth/register/", Tag: "auth", Summary: "Create an account (same rules as the web signup) and log in", Body: "Register", Response: "AuthResult", Status: 201, Handler: a.register},
		{Method: "POST", Path: "/api/auth/login/", Tag: "auth", Summary: "Log in and get an access and a refresh token", Body: "Login", Response: "AuthResult", Status: 200, Handler: a.login},
		{Method: "POST", Path: "/api/auth/refresh/", Tag: "auth", Summary: "Rotate a refresh token: the old one is revoked, reuse revokes the login", Body: "Refresh", Response: "TokenPair", Status: 200, Handler: a.refresh},
		{Method: "POST", Path: "/api/auth/logout/", Tag: "auth", Summary: "Revoke the caller's tokens (this login, or the one of the given refresh token)", Body: "Logout", Status: 204, Handler: a.logout},
		{Method: "GET", Path: "/api/auth/profile/", Tag: "auth", Summary: "The caller's account", Auth: true, Response: "User", Status: 200, Handler: a.profile},
		{Method: "PUT", Path: "/api/auth/profile/", Tag: "auth", Summary: "Replace the editable account fields", Auth: true, Body: "ProfileUpdate", Response: "User", Status: 200, Handler: a.updateProfile},
		{Method: "PATCH", Path: "/api/auth/profile/", Tag: "auth", Summary: "Change some editable account fields", Auth: true, Body: "ProfileUpdate", Response: "User", Status: 200, Handler: a.updateProfile},
		{Method: "POST", Path: "/api/auth/profile/upload-picture/", Tag: "auth", Summary: "Upload a profile picture (≤ 5 MB, JPEG/PNG/GIF/WebP, resized to fit 1000×1000)", Auth: true, Body: "PictureUpload", Response: "PictureResult", Status: 200, Handler: a.uploadPicture},
	}
}

// User is the account as the API shows it.
type User struct {
	ID             int64   `json:"id"`
	Username       string  `json:"username"`
	Email          string  `json:"email"`
	FirstName      string  `json:"first_name"`
	LastName       string  `json:"last_name"`
	UserType       string  `json:"user_type"`
	Birthdate      *string `json:"birthdate"`
	DateJoined     string  `json:"date_joined"`
	IsActive       bool    `json:"is_active"`
	ProfilePicture *string `json:"profile_picture"`
	// TimeZone is the IANA zone pages show times in; null when not set (UTC).
	TimeZone *string `json:"time_zone"`
}

// iso formats an instant as the API does: ISO 8601 UTC to the second.
func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func (a *API) user(u store.User) User {
	out := User{ID: u.ID, Username: u.Username, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName,
		UserType: u.UserType, DateJoined: iso(u.DateJoined), IsActive: u.IsActive}
	if u.Birthdate != "" {
		b := u.Birthdate
		out.Birthdate = &b
	}
	if u.ProfilePicture != "" {
		p := a.st.Config.BaseURL + "/media/" + u.ProfilePicture
		out.ProfilePicture = &p
	}
	if u.TimeZone != "" {
		z := u.TimeZone
		out.TimeZone = &z
	}
	return out
}

type authResult struct {
	User    User   `json:"user"`
	Access  string `json:"access"`
	Refresh string `json:"refresh"`
	Message string `json:"message"`
}

func (a *API) register(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	if err := a.st.Auth.CheckSignup(r.Context(), a.clientKey(r)); err != nil {
		a.fail(w, r, err)
		return
	}
	in := auth.SignupInput{
		Username: f.str("username"), Email: f.str("email"),
		FirstName: f.str("first_name"), LastName: f.str("last_name"),
		Password1: f.str("password"), Password2: f.str("password2"),
		Birthdate: f.str("birthdate"), UserType: f.str("user_type"), AccessCode: f.str("access_code"),
	}
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return
	}
	u, err := a.st.Auth.Signup(r.Context(), in)
	if p, ok := problem.As(err); ok && p.Kind == problem.KindInvalid && p.Fields.Has("password1") {
		// The API calls the first password field "password".
		errs := maps.Clone(p.Fields)
		errs["password"] = errs["password1"]
		delete(errs, "password1")
		err = problem.Fields(errs)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	pair, err := a.st.Auth.IssueTokens(r.Context(), u.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, authResult{User: a.user(u), Access: pair.Access, Refresh: pair.Refresh, Message: "User registered successfully"})
}

func (a *API) login(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	username, password := f.str("username"), f.str("password")
	errs := f.merge(nil)
	if username == "" && !errs.Has("username") {
		errs.Add("username", "This field is required.")
	}
	if password == "" && !errs.Has("password") {
		errs.Add("password", "This field is required.")
	}
	if len(errs) > 0 {
		fieldErrors(w, errs)
		return
	}
	// The same limits as the web form: a client that keeps cookies has a device
	// cookie like a browser, one that does not is an unknown device every time.
	in, err := a.st.Auth.SignIn(r.Context(), auth.Attempt{Username: username, Password: password,
		Address: a.clientKey(r), Device: auth.DeviceToken(r)})
	if errors.Is(err, auth.ErrInvalidCredentials) {
		err = problem.Fields(form.Errors{form.NonField: {"Invalid credentials. Please try again."}})
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if in.Challenge != "" {
		// A second factor: no tokens until /api/auth/login/2fa/ has the code.
		writeJSON(w, http.StatusAccepted, twoFactorChallenge{TwoFactorRequired: true, Challenge: in.Challenge,
			Message: "Enter the code from your authenticator app (or a recovery code) at /api/auth/login/2fa/."})
		return
	}
	pair, err := a.st.Auth.IssueTokens(r.Context(), in.User.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, authResult{User: a.user(in.User), Access: pair.Access, Refresh: pair.Refresh, Message: "Login successful"})
}

func (a *API) refresh(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	tok := f.str("refresh")
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return
	}
	if tok == "" {
		fieldErrors(w, form.Errors{"refresh": {"This field is required."}})
		return
	}
	pair, err := a.st.Auth.Refresh(r.Context(), tok)
	if errors.Is(err, auth.ErrInvalidToken) {
		detail(w, http.StatusUnauthorized, "Token is invalid or expired.")
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pair)
}

// logout revokes the login of the bearer token used, and the login of a refresh token
// in the body when it belongs to the caller. A client whose access token expired can
// still log out with its refresh token alone.
func (a *API) logout(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	refresh := f.str("refresh")
	id, signedIn := auth.FromContext(r.Context())
	revoked := false
	if signedIn && id.TokenFamily != 0 {
		if err := a.st.Auth.RevokeFamily(r.Context(), id.TokenFamily); err != nil {
			a.fail(w, r, err)
			return
		}
		revoked = true
	}
	if refresh != "" && signedIn {
		if family, ok := a.st.Auth.FamilyOfRefresh(r.Context(), refresh, id.User.ID); ok {
			if err := a.st.Auth.RevokeFamily(r.Context(), family); err != nil {
				a.fail(w, r, err)
				return
			}
			revoked = true
		}
	} else if refresh != "" {
		ok, err := a.st.Auth.RevokeRefresh(r.Context(), refresh)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		revoked = ok
	}
	if !revoked && !signedIn {
		detail(w, http.StatusUnauthorized, "Authentication credentials were not provided or are not valid.")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) profile(w http.ResponseWriter, r *http.Request) {
	id, _ := auth.FromContext(r.Context())
	writeJSON(w, http.StatusOK, a.user(id.User))
}

func (a *API) updateProfile(w http.ResponseWriter, r *http.Request) {
	id, _ := auth.FromContext(r.Context())
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	var u auth.AccountUpdate
	opt := func(name string) *string {
		if !f.has(name) {
			return nil
		}
		v := f.str(name)
		return &v
	}
	u.Email, u.FirstName, u.LastName, u.Birthdate = opt("email"), opt("first_name"), opt("last_name"), opt("birthdate")
	// time_zone is optional on PUT too: clients written before it existed replace the
	// four fields of API.md and keep the zone. null or "" clears it.
	u.TimeZone = opt("time_zone")
	errs := f.merge(nil)
	if r.Method == http.MethodPut {
		for _, name := range []string{"email", "first_name", "last_name", "birthdate"} {
			if !f.has(name) {
				errs.Add(name, "This field is required.")
			}
		}
	}
	for _, ro := range []string{"username", "user_type"} {
		if f.has(ro) {
			errs.Add(ro, "This field is read-only.")
		}
	}
	if len(errs) > 0 {
		fieldErrors(w, errs)
		return
	}
	updated, err := a.st.Auth.UpdateAccount(r.Context(), id.User.ID, u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.user(updated))
}

func (a *API) uploadPicture(w http.ResponseWriter, r *http.Request) {
	id, _ := auth.FromContext(r.Context())
	if a.limited(w, r, a.st.Limits.Upload) {
		return
	}
	data, _, ok := readPicture(w, r, "profile_picture")
	if !ok {
		return
	}
	rel, err := a.st.Auth.SetProfilePicture(r.Context(), id.User.ID, data)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Profile picture uploaded successfully", "profile_picture": "/media/" + rel})
}
