package views

// TwoFactorLogin is the second step of signing in: a code for the user who gave the
// right password.
type TwoFactorLogin struct {
	Remember bool
	Errors   FormErrors
}

// TwoFactorSettings is /home/me/2fa/: the state of the viewer's second factor and the
// forms that change it.
type TwoFactorSettings struct {
	Enabled      bool
	RecoveryLeft int
	// Pending is set while enrolment waits for a first code: the secret as a QR code,
	// a URI and base32 text.
	Pending bool
	QRSVG   string // an <svg> element made by the server from the URI, never from input
	URI     string
	Secret  string
	// Codes are recovery codes just made: shown on this answer only.
	Codes []string
	// Required says the site requires a second factor of admins and the viewer has none.
	Required bool
	Focus    string // the form that failed: confirm, codes or disable
	Errors   FormErrors
}
