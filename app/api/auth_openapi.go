package api

// What the auth route table does not say, for the OpenAPI document (openapi.go).
func init() { addOpDocs(authOps) }

var authOps = map[string]opDoc{
	"POST /api/auth/register/": {Description: "Creates an account with the web signup's rules — instructor and admin need their access code, " +
		"students are 17 to 40 years old, passwords have at least 8 characters and are neither all digits nor common, " +
		"usernames are unique whatever the letter case, emails unique — and answers a first token pair. " +
		"Limited to 10 signups an hour per address."},
	"POST /api/auth/login/": {Description: "Checks the credentials and answers the account and a new token pair (access 30 minutes, " +
		"refresh 14 days). Wrong credentials or an inactive account: 400 with non_field_errors. Limited to 5 attempts " +
		"in 5 minutes per address and per username. An account with a second factor answers 202 with a challenge instead of tokens: " +
		"send it with a code to /api/auth/login/2fa/.", Status: []int{202}, Responses: map[int]string{202: "TwoFactorChallenge"}},
	"POST /api/auth/refresh/": {Description: "Exchanges a refresh token for a new pair. The old refresh token is revoked; presenting it " +
		"again revokes the whole login (every token of that pair's family) and answers 401.", Status: []int{401}},
	"POST /api/auth/logout/": {Description: "Revokes the login of the bearer token used, and the login of the refresh token in the body " +
		"(when it is the caller's, or when no token is sent). 401 when neither names a login.", Status: []int{401}},
	"GET /api/auth/profile/":                 {Description: "The signed-in caller's account."},
	"PUT /api/auth/profile/":                 {Description: "Replaces the editable account fields (email, names, birthdate) under the signup's rules."},
	"PATCH /api/auth/profile/":               {Description: "Changes the given account fields only, under the signup's rules."},
	"POST /api/auth/profile/upload-picture/": {Description: "Sets the caller's picture from a multipart field profile_picture: JPEG, PNG, GIF or WebP, checked by content, at most 5 MB, resized to fit 1000×1000."},
}
