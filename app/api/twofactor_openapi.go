package api

import "maps"

// The second factor's schemas and operation docs, merged into schemas and opDocs
// (openapi.go).
func init() {
	maps.Copy(schemas, twoFactorSchemas)
	addOpDocs(twoFactorOps)
}

var twoFactorCode = map[string]any{"type": "string", "description": "the 6-digit code of the authenticator app, or a recovery code (xxxxx-xxxxx)"}

var twoFactorSchemas = map[string]any{
	"TwoFactorStatus": obj([]string{"enabled", "pending", "recovery_codes_left", "required"}, map[string]any{
		"enabled": boolean, "pending": map[string]any{"type": "boolean", "description": "set up started, waiting for its first code"},
		"recovery_codes_left": integer,
		"required":            map[string]any{"type": "boolean", "description": "the site requires a second factor of the caller (admins with -require-2fa-admins)"}}),
	"TwoFactorEnrolment": obj([]string{"secret", "otpauth_uri", "qr_svg"}, map[string]any{
		"secret":      map[string]any{"type": "string", "description": "base32, for typing into the app"},
		"otpauth_uri": map[string]any{"type": "string", "description": "otpauth://totp/…: SHA-1, 6 digits, 30 s"},
		"qr_svg":      map[string]any{"type": "string", "description": "the URI as a QR code, an <svg> element"}}),
	"TwoFactorCode":   obj([]string{"code"}, map[string]any{"code": twoFactorCode}),
	"TwoFactorOwner":  obj([]string{"password", "code"}, map[string]any{"password": str, "code": twoFactorCode}),
	"RecoveryCodes":   obj([]string{"recovery_codes"}, map[string]any{"recovery_codes": map[string]any{"type": "array", "items": str, "minItems": 10, "maxItems": 10}}),
	"LoginSecondStep": obj([]string{"challenge", "code"}, map[string]any{"challenge": map[string]any{"type": "string", "description": "from the login's 202 answer"}, "code": twoFactorCode}),
	"TwoFactorChallenge": obj([]string{"two_factor_required", "challenge", "message"}, map[string]any{
		"two_factor_required": map[string]any{"type": "boolean", "const": true}, "challenge": str, "message": str}),
}

const twoFactorCodes = " Wrong codes count on the login limits, as wrong passwords do; a code is accepted once, " +
	"within one 30-second step before or after the server's clock."

var twoFactorOps = map[string]opDoc{
	"GET /api/auth/2fa/": {Description: "The caller's second factor: on, being set up, recovery codes left, and whether the site requires it of them."},
	"POST /api/auth/2fa/enrol/": {Description: "Starts setting up TOTP (RFC 6238: SHA-1, 6 digits, 30 s) with a new secret, replacing one never confirmed. " +
		"409 while the second factor is on (turn it off first). The secret is never shown again once confirmed.", Status: []int{409}},
	"POST /api/auth/2fa/confirm/": {Description: "Turns the second factor on with a first code of the new secret and answers 10 recovery codes, " +
		"stored hashed and shown only in this answer. 409 when no set-up was started or it is on already." + twoFactorCodes, Status: []int{409}},
	"POST /api/auth/2fa/recovery-codes/": {Description: "Replaces the recovery codes; takes the password and a current code. 409 when the second factor is off." + twoFactorCodes, Status: []int{409}},
	"POST /api/auth/2fa/disable/":        {Description: "Turns the second factor off; takes the password and a code or a recovery code. 409 when it is off." + twoFactorCodes, Status: []int{409}},
	"POST /api/auth/login/2fa/": {Description: "Completes a login that answered 202: the challenge (valid 5 minutes, 5 wrong codes) and a code or recovery code " +
		"answer the account and a token pair, as the login does for accounts without a second factor. An expired challenge: 400 with non_field_errors; " +
		"a wrong code: 400 naming code." + twoFactorCodes},
	"POST /api/admin/users/{id}/2fa/reset/": {Description: "Turns a user's second factor off and removes their recovery codes, for someone who lost their phone and codes. " +
		"Not one's own (400; turn it off with password and code instead)." + adminsOnly, Status: []int{400}},
}
