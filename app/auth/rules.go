package auth

import (
	"crypto/subtle"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"eplatform/app/text"
)

// Roles.
const (
	Student    = "student"
	Instructor = "instructor"
	Admin      = "admin"
)

// ValidRole reports whether s is one of the three roles.
func ValidRole(s string) bool { return s == Student || s == Instructor || s == Admin }

// Limits of account fields.
const (
	MaxUsername    = 150
	MaxName        = 150
	MaxEmail       = 254
	MinPassword    = 8
	MaxPassword    = 128
	MinStudentAge  = 17
	MaxStudentAge  = 40
	ResetTokenLife = time.Hour
)

// IsUsernameRune reports whether r may appear in a username: letters, digits and
// . _ + -. Unlike the original, '@' is not allowed: it would make @mentions ambiguous.
func IsUsernameRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_' || r == '+' || r == '-'
}

// CheckUsername returns a message when s is not a valid username.
func CheckUsername(s string) string {
	switch {
	case s == "":
		return "This field is required."
	case utf8.RuneCountInString(s) > MaxUsername:
		return "Ensure this field has no more than 150 characters."
	case strings.IndexFunc(s, func(r rune) bool { return !IsUsernameRune(r) }) >= 0:
		return "Enter a valid username: letters, digits and . _ + - only."
	}
	return ""
}

// NormalizeEmail trims an address; lookups are case-insensitive in the database.
func NormalizeEmail(s string) string { return strings.TrimSpace(s) }

// CheckEmail returns a message when s is not a plain email address.
func CheckEmail(s string) string {
	if s == "" {
		return "This field is required."
	}
	if len(s) > MaxEmail {
		return "Ensure this field has no more than 254 characters."
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "Enter a valid email address."
	}
	return ""
}

// CheckName returns a message for a required first or last name: the one rule for
// user text (text.Field), at most MaxName characters, on one line.
func CheckName(s string) string {
	if strings.TrimSpace(s) == "" {
		return "This field is required."
	}
	v, msg := text.Field(s, true, MaxName)
	if msg == "" && strings.ContainsAny(v, "\t\n") {
		msg = "Enter the name on one line."
	}
	return msg
}

// CheckPasswordStrength applies the password rules: 8–128 characters, not entirely
// digits, not a common password, not too similar to the user's own attributes.
func CheckPasswordStrength(pw string, attrs ...string) []string {
	var msgs []string
	n := utf8.RuneCountInString(pw)
	if n < MinPassword {
		msgs = append(msgs, "This password is too short. It must contain at least 8 characters.")
	}
	if n > MaxPassword {
		msgs = append(msgs, "Ensure this password has no more than 128 characters.")
	}
	if pw != "" && strings.IndexFunc(pw, func(r rune) bool { return !unicode.IsDigit(r) }) < 0 {
		msgs = append(msgs, "This password is entirely numeric.")
	}
	if isCommonPassword(pw) {
		msgs = append(msgs, "This password is too common.")
	}
	lower := strings.ToLower(pw)
	for _, a := range attrs {
		a = strings.ToLower(strings.TrimSpace(a))
		if local, _, ok := strings.Cut(a, "@"); ok {
			a = local
		}
		if len(a) >= 4 && (strings.Contains(lower, a) || strings.Contains(a, lower)) {
			msgs = append(msgs, "The password is too similar to your personal details.")
			break
		}
	}
	return msgs
}

// ParseBirthdate parses YYYY-MM-DD and checks it is a real past date.
func ParseBirthdate(s string, now time.Time) (time.Time, string) {
	if s == "" {
		return time.Time{}, "This field is required."
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, "Enter a valid date (YYYY-MM-DD)."
	}
	if d.After(now) {
		return time.Time{}, "Birthdate cannot be in the future."
	}
	if d.Year() < 1900 {
		return time.Time{}, "Enter a birthdate after 1900."
	}
	return d, ""
}

// Age is the whole years between birth and now.
func Age(birth, now time.Time) int {
	now = now.UTC()
	age := now.Year() - birth.Year()
	if now.Month() < birth.Month() || (now.Month() == birth.Month() && now.Day() < birth.Day()) {
		age--
	}
	return age
}

// codeMatches compares an access code in constant time; an empty configured code
// never matches.
func codeMatches(given, want string) bool {
	if want == "" {
		return false
	}
	given = strings.ToUpper(strings.TrimSpace(given))
	return subtle.ConstantTimeCompare([]byte(given), []byte(strings.ToUpper(want))) == 1
}
