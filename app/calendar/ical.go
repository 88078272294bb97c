package calendar

import (
	"bufio"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// ICS is a calendar to write as iCalendar (RFC 5545).
type ICS struct {
	Name    string // X-WR-CALNAME, what calendar apps call it
	Host    string // the site's host: UIDs are "{kind}-{id}@{host}"
	BaseURL string // to make events' links absolute ("" leaves them out)
	Stamp   time.Time
	Events  []Event
}

// WriteICS writes c as an iCalendar stream: CRLF line ends, TEXT values escaped
// (backslash, semicolon, comma, new line), every line folded to at most 75 octets
// without splitting a UTF-8 character, times in UTC.
func WriteICS(w io.Writer, c ICS) error {
	bw := bufio.NewWriter(w)
	line := func(name, value string) { writeFolded(bw, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//E-Platform//Calendar//EN")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("X-WR-CALNAME", escapeText(c.Name))
	stamp := icsTime(c.Stamp)
	for _, e := range c.Events {
		line("BEGIN", "VEVENT")
		line("UID", escapeText(e.UID+"@"+c.Host))
		line("DTSTAMP", stamp)
		line("DTSTART", icsTime(e.Start))
		if !e.End.IsZero() {
			line("DTEND", icsTime(e.End))
		}
		line("SUMMARY", escapeText(e.Title))
		if e.Detail != "" {
			line("DESCRIPTION", escapeText(e.Detail))
		}
		line("CATEGORIES", escapeText(e.Kind))
		if c.BaseURL != "" && e.URL != "" {
			line("URL", c.BaseURL+e.URL) // a URI value: not TEXT, so not escaped
		}
		switch {
		case e.Kind != Appointment:
			line("TRANSP", "TRANSPARENT") // a deadline does not make anyone busy
		case e.Tentative:
			line("STATUS", "TENTATIVE")
		default:
			line("STATUS", "CONFIRMED")
		}
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return bw.Flush()
}

func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// escapeText escapes a TEXT value (RFC 5545 §3.3.11). Control characters other than
// tab and new line are not allowed in a value and become spaces (our text rules
// refuse them anyway); invalid UTF-8 becomes U+FFFD.
func escapeText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
		case r < 0x20 && r != '\t' || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// writeFolded writes a content line folded so that no line is longer than 75 octets
// (§3.1): a CRLF and a space before each continuation, never inside a UTF-8 sequence.
func writeFolded(w *bufio.Writer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.WriteString(s)
	w.WriteString("\r\n")
}
