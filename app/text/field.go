package text

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"eplatform/app/form"
)

// The one rule for text people type, applied to every text field of every form, API
// body and socket frame (through the domain's checks, which call Clean or Field):
//
//   - it must be valid UTF-8;
//   - control characters are refused, except tab and newline (a carriage return is
//     turned into a newline, so text pasted from Windows or sent by a browser's
//     textarea keeps its lines). We refuse rather than strip: a stripped NUL would
//     silently change what someone wrote (and what they see after saving), while a
//     clear message names the field and lets them fix it;
//   - lengths count characters as SQLite's length() does (code points), so a limit
//     checked here is the limit the schema's CHECK enforces — with NUL refused the two
//     counts agree.

// Clean normalises line endings and reports a message when s breaks the rule.
func Clean(s string) (string, string) {
	if !utf8.ValidString(s) {
		return s, "The text is not valid UTF-8."
	}
	if strings.Contains(s, "\r") {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	for _, r := range s {
		if IsControl(r) {
			return s, "Remove the control character " + codePoint(r) + " from this text."
		}
	}
	return s, ""
}

// IsControl reports whether r is a control character text may not hold: C0 (except
// tab and newline), DEL and C1.
func IsControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' || r >= 0x7f && r <= 0x9f
}

// Len is the length of s as the database counts it.
func Len(s string) int { return utf8.RuneCountInString(s) }

// Field checks a text field: cleaned and trimmed, not blank when required, at most
// max characters (no limit when max is 0). It returns the value to store, or a message.
func Field(s string, required bool, max int) (string, string) {
	s, msg := Clean(s)
	if msg != "" {
		return s, msg
	}
	s = strings.TrimSpace(s)
	switch n := Len(s); {
	case n == 0 && required:
		return s, "This field may not be blank."
	case max > 0 && n > max:
		return s, "Ensure this field has no more than " + strconv.Itoa(max) + " characters (it has " + strconv.Itoa(n) + ")."
	}
	return s, ""
}

// Check is Field for one field of a form or body: its message, if any, goes into errs
// under name, so a service can report every field at once. It returns the value to
// store.
func Check(errs form.Errors, name, s string, required bool, max int) string {
	s, msg := Field(s, required, max)
	if msg != "" {
		errs.Add(name, msg)
	}
	return s
}

func codePoint(r rune) string {
	h := strings.ToUpper(strconv.FormatInt(int64(r), 16))
	for len(h) < 4 {
		h = "0" + h
	}
	return "U+" + h
}
