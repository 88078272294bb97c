package views

// Viewer is the signed-in user as the shell shows them; nil means anonymous.
type Viewer struct {
	ID        int64
	Username  string
	FirstName string
	LastName  string
	UserType  string // student | instructor | admin
	AvatarURL string // "" when the user has no picture: the shell draws initials
}

// DisplayName is the full name, or the username when the user gave no name.
func (v *Viewer) DisplayName() string {
	if v == nil {
		return ""
	}
	name := v.FirstName
	if v.LastName != "" {
		if name != "" {
			name += " "
		}
		name += v.LastName
	}
	if name == "" {
		return v.Username
	}
	return name
}

// Initials are shown in place of a missing profile picture.
func (v *Viewer) Initials() string {
	if v == nil {
		return ""
	}
	var out []rune
	for _, s := range []string{v.FirstName, v.LastName} {
		for _, r := range s {
			out = append(out, r)
			break
		}
	}
	if len(out) == 0 {
		for _, r := range v.Username {
			out = append(out, r)
			break
		}
	}
	return string(out)
}

// Flash is a one-shot message shown as a toast on the next page.
type Flash struct {
	Kind    string // success | error | info | warning
	Message string
}

// Page carries what every page's shell needs.
type Page struct {
	Title   string
	Viewer  *Viewer
	Flashes []Flash
	// Nav is the key of the active navigation item: home, subjects, quizzes, ai, chat,
	// profile, contact, notifications, admin.
	Nav string
	// Asset maps a file under views/static (e.g. "css/app.css") to its URL with a
	// content hash in the name, served with a year-long cache lifetime.
	Asset func(name string) string
	// Next is the path to return to after login (login and signup links carry it).
	Next string
	// Unread is the signed-in viewer's unread notification count for the bell (live
	// updates come over the WebSocket).
	Unread int
	// UnreadMessages is the viewer's unread chat messages for the navigation badge.
	UnreadMessages int
	// Cached is set while rendering a fragment kept for every viewer of a variant: the
	// few viewer-specific bits inside it (the viewer's avatar) become holes filled per
	// response (app/frag).
	Cached bool
	// Description is the page's <meta name="description">; empty: one for its kind
	// (see MetaDescription).
	Description string
}

// FormErrors maps a field name to its messages; the key "" holds form-wide messages.
type FormErrors map[string][]string

// Has reports whether field has at least one message.
func (e FormErrors) Has(field string) bool { return len(e[field]) > 0 }

// LoginForm is the login page's state.
type LoginForm struct {
	Username   string
	RememberMe bool
	Errors     FormErrors
	// Demo are the one-click sign-ins of a server started with -demo.
	Demo []DemoLogin
}

// DemoLogin is a demo account's sign-in button.
type DemoLogin struct {
	Role, Name, Username, Password string
}

// SignupForm is the signup page's state. Passwords are never echoed back.
type SignupForm struct {
	FirstName, LastName, Username, Email string
	UserType                             string
	Birthdate                            string // YYYY-MM-DD as typed
	Errors                               FormErrors
}

// ResetRequestForm is the "forgot password" page's state.
type ResetRequestForm struct {
	Email  string
	Errors FormErrors
}

// ResetConfirmForm is the "choose a new password" page's state.
type ResetConfirmForm struct {
	Token  string
	Valid  bool // false: the link is unknown, used or expired
	Errors FormErrors
}

// ErrorInfo is what an error page shows.
type ErrorInfo struct {
	Status  int
	Title   string
	Message string
}
