package api

// twoFactorRoutes are the second factor's endpoints: the caller's own set-up, the
// second step of the API login, and the admin's reset.
func (a *API) twoFactorRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/auth/2fa/", Tag: "auth", Summary: "Whether the caller's second factor is on, being set up, or required", Auth: true, Response: "TwoFactorStatus", Status: 200, Handler: a.twoFactorStatus},
		{Method: "POST", Path: "/api/auth/2fa/enrol/", Tag: "auth", Summary: "Start setting up TOTP: a new secret as base32, otpauth:// URI and QR code (SVG); 409 while it is on", Auth: true, Response: "TwoFactorEnrolment", Status: 200, Handler: a.twoFactorEnrol},
		{Method: "POST", Path: "/api/auth/2fa/confirm/", Tag: "auth", Summary: "Turn TOTP on with a first code; answers the 10 one-time recovery codes, shown this once", Auth: true, Body: "TwoFactorCode", Response: "RecoveryCodes", Status: 200, Handler: a.twoFactorConfirm},
		{Method: "POST", Path: "/api/auth/2fa/recovery-codes/", Tag: "auth", Summary: "Replace the recovery codes (password and a code)", Auth: true, Body: "TwoFactorOwner", Response: "RecoveryCodes", Status: 200, Handler: a.twoFactorRecoveryCodes},
		{Method: "POST", Path: "/api/auth/2fa/disable/", Tag: "auth", Summary: "Turn TOTP off (password and a code or recovery code)", Auth: true, Body: "TwoFactorOwner", Status: 204, Handler: a.twoFactorDisable},
		{Method: "POST", Path: "/api/auth/login/2fa/", Tag: "auth", Summary: "Second step of a login that answered 202: the challenge and a code give the token pair", Body: "LoginSecondStep", Response: "AuthResult", Status: 200, Handler: a.loginSecondStep},
		{Method: "POST", Path: "/api/admin/users/{id}/2fa/reset/", Tag: "admin", Summary: "Turn a user's second factor off (lost phone and codes); admins only, not yourself", Auth: true, Response: "Detail", Status: 200, Handler: a.requireAdmin(a.adminResetTwoFactor)},
	}
}
