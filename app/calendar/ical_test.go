package calendar_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"eplatform/app/calendar"
)

// A strict iCalendar reader (RFC 5545), for the tests: it refuses what a lenient
// calendar app would let pass — a bare LF or CR, a line over 75 octets, a fold that
// splits a UTF-8 character, an empty line, a malformed property name or parameter,
// a control character in a value, an unknown or unbalanced component, a bad escape,
// an unescaped comma or semicolon in a one-value TEXT property, missing or repeated
// required properties, and times that are not UTC date-times.

type icsProp struct {
	Name, Value string
	Params      map[string]string
}

type icsComp struct {
	Name  string
	Props []icsProp
	Comps []*icsComp
}

func (c *icsComp) all(name string) []icsProp {
	var out []icsProp
	for _, p := range c.Props {
		if p.Name == name {
			out = append(out, p)
		}
	}
	return out
}

var (
	propName   = regexp.MustCompile(`^[A-Za-z0-9-]+$`)
	utcTime    = regexp.MustCompile(`^\d{8}T\d{6}Z$`)
	textProps  = map[string]bool{"SUMMARY": true, "DESCRIPTION": true, "X-WR-CALNAME": true, "UID": true, "LOCATION": true}
	knownComps = map[string]bool{"VCALENDAR": true, "VEVENT": true}
)

// unfold splits data into content lines, checking the physical lines.
func unfold(data []byte) ([]string, error) {
	s := string(data)
	if !strings.HasSuffix(s, "\r\n") {
		return nil, fmt.Errorf("does not end with CRLF")
	}
	var lines []string
	for i, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		switch {
		case strings.ContainsAny(l, "\r\n"):
			return nil, fmt.Errorf("line %d: bare CR or LF", i+1)
		case len(l) > 75:
			return nil, fmt.Errorf("line %d: %d octets, more than 75", i+1, len(l))
		case !utf8.ValidString(l):
			return nil, fmt.Errorf("line %d: not UTF-8 on its own (a fold splits a character?)", i+1)
		case l == "":
			return nil, fmt.Errorf("line %d: empty", i+1)
		case l[0] == ' ' || l[0] == '\t':
			if len(lines) == 0 {
				return nil, fmt.Errorf("line %d: continues nothing", i+1)
			}
			lines[len(lines)-1] += l[1:]
		default:
			lines = append(lines, l)
		}
	}
	return lines, nil
}

// parseLine reads "NAME;P=V;P2="Q":value".
func parseLine(l string) (icsProp, error) {
	p := icsProp{Params: map[string]string{}}
	i := strings.IndexAny(l, ";:")
	if i <= 0 {
		return p, fmt.Errorf("no name or no value: %q", l)
	}
	p.Name = l[:i]
	if !propName.MatchString(p.Name) {
		return p, fmt.Errorf("bad name %q", p.Name)
	}
	p.Name = strings.ToUpper(p.Name)
	rest := l[i:]
	for strings.HasPrefix(rest, ";") {
		rest = rest[1:]
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 || !propName.MatchString(rest[:eq]) {
			return p, fmt.Errorf("bad parameter in %q", l)
		}
		name := rest[:eq]
		rest = rest[eq+1:]
		var val string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return p, fmt.Errorf("unclosed quote in %q", l)
			}
			val, rest = rest[1:end+1], rest[end+2:]
		} else {
			end := strings.IndexAny(rest, ";:")
			if end < 0 {
				return p, fmt.Errorf("no value in %q", l)
			}
			val, rest = rest[:end], rest[end:]
			if strings.ContainsAny(val, `",`) {
				return p, fmt.Errorf("unquoted special character in a parameter of %q", l)
			}
		}
		p.Params[name] = val
	}
	if !strings.HasPrefix(rest, ":") {
		return p, fmt.Errorf("no ':' in %q", l)
	}
	p.Value = rest[1:]
	for _, r := range p.Value {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return p, fmt.Errorf("control character %U in %s", r, p.Name)
		}
	}
	return p, nil
}

// unescapeText reads a one-value TEXT (§3.3.11) strictly.
func unescapeText(v string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\':
			if i+1 == len(v) {
				return "", fmt.Errorf("a lone backslash at the end of %q", v)
			}
			i++
			switch v[i] {
			case '\\', ';', ',':
				b.WriteByte(v[i])
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				return "", fmt.Errorf("bad escape \\%c in %q", v[i], v)
			}
		case ';', ',':
			return "", fmt.Errorf("unescaped %c in %q", c, v)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// parseICS reads a whole stream strictly into its one VCALENDAR.
func parseICS(data []byte) (*icsComp, error) {
	lines, err := unfold(data)
	if err != nil {
		return nil, err
	}
	var stack []*icsComp
	var root *icsComp
	for _, l := range lines {
		p, err := parseLine(l)
		if err != nil {
			return nil, err
		}
		switch p.Name {
		case "BEGIN":
			if !knownComps[p.Value] || root != nil {
				return nil, fmt.Errorf("unexpected BEGIN:%s", p.Value)
			}
			c := &icsComp{Name: p.Value}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.Comps = append(top.Comps, c)
			} else if p.Value != "VCALENDAR" {
				return nil, fmt.Errorf("the stream starts with %s", p.Value)
			}
			stack = append(stack, c)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1].Name != p.Value {
				return nil, fmt.Errorf("unbalanced END:%s", p.Value)
			}
			if len(stack) == 1 {
				root = stack[0]
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				return nil, fmt.Errorf("%s outside any component", p.Name)
			}
			if textProps[p.Name] {
				if p.Value, err = unescapeText(p.Value); err != nil {
					return nil, fmt.Errorf("%s: %w", p.Name, err)
				}
			}
			top := stack[len(stack)-1]
			top.Props = append(top.Props, p)
		}
	}
	if root == nil || len(stack) > 0 {
		return nil, fmt.Errorf("no complete VCALENDAR")
	}
	once := func(c *icsComp, name string) (string, error) {
		ps := c.all(name)
		if len(ps) != 1 {
			return "", fmt.Errorf("%s has %d %s, want 1", c.Name, len(ps), name)
		}
		return ps[0].Value, nil
	}
	if v, err := once(root, "VERSION"); err != nil || v != "2.0" {
		return nil, fmt.Errorf("VERSION %q %v", v, err)
	}
	if _, err := once(root, "PRODID"); err != nil {
		return nil, err
	}
	for _, ev := range root.Comps {
		if _, err := once(ev, "UID"); err != nil {
			return nil, err
		}
		var start time.Time
		for _, name := range []string{"DTSTAMP", "DTSTART"} {
			v, err := once(ev, name)
			if err != nil {
				return nil, err
			}
			t, err := time.Parse("20060102T150405Z", v)
			if !utcTime.MatchString(v) || err != nil {
				return nil, fmt.Errorf("%s %q is not a UTC date-time", name, v)
			}
			start = t
		}
		if ends := ev.all("DTEND"); len(ends) > 0 {
			end, err := time.Parse("20060102T150405Z", ends[0].Value)
			if len(ends) > 1 || err != nil || !end.After(start) {
				return nil, fmt.Errorf("bad DTEND %v", ends)
			}
		}
	}
	return root, nil
}

// The reader itself refuses what it should.
func TestStrictReaderRefuses(t *testing.T) {
	good := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n"
	if _, err := parseICS([]byte(good)); err != nil {
		t.Fatalf("good: %v", err)
	}
	for name, bad := range map[string]string{
		"LF only":         strings.ReplaceAll(good, "\r\n", "\n"),
		"long line":       strings.Replace(good, "PRODID:x", "PRODID:"+strings.Repeat("x", 70), 1),
		"split character": strings.Replace(good, "PRODID:x", "PRODID:"+strings.Repeat("x", 67)+"\xc3\r\n \xa9", 1),
		"unbalanced":      strings.Replace(good, "END:VCALENDAR", "END:VEVENT", 1),
		"bad escape":      strings.Replace(good, "PRODID:x", "PRODID:x\r\nX-WR-CALNAME:a\\qb", 1),
		"raw comma":       strings.Replace(good, "PRODID:x", "PRODID:x\r\nX-WR-CALNAME:a,b", 1),
		"no version":      strings.Replace(good, "VERSION:2.0\r\n", "", 1),
		"event sans UID":  strings.Replace(good, "END:VCALENDAR", "BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR", 1),
		"local time":      strings.Replace(good, "END:VCALENDAR", "BEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20260101T000000\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR", 1),
		"no CRLF at end":  strings.TrimSuffix(good, "\r\n"),
	} {
		if _, err := parseICS([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestWriteICSEscapesAndFolds: titles full of what iCalendar treats specially, long
// enough to be folded across multi-byte characters, come back exactly.
func TestWriteICSEscapesAndFolds(t *testing.T) {
	stamp := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	titles := []string{
		`Exam; part 1, "the \big\ one"` + "\nsecond line",
		strings.Repeat("ü", 40) + strings.Repeat("🎓", 30) + " end",
		strings.Repeat("a", 74) + "é" + strings.Repeat(",", 40),
		"tab\there and control\x01char", // the control character becomes a space; a tab stays
	}
	var events []calendar.Event
	for i, title := range titles {
		start := stamp.Add(time.Duration(i) * time.Hour)
		e := calendar.Event{Kind: calendar.Quiz, UID: fmt.Sprintf("quiz-%d", i+1), Title: title, Detail: "Computing, \\ CS1; " + title,
			URL: "/home/quizzes/1/", Start: start}
		if i == 1 {
			e.Kind, e.End, e.Tentative = calendar.Appointment, start.Add(30*time.Minute), true
		}
		events = append(events, e)
	}
	var buf bytes.Buffer
	if err := calendar.WriteICS(&buf, calendar.ICS{Name: "E-Platform — Ada, \"the\" first; ok", Host: "learn.example.org",
		BaseURL: "https://learn.example.org", Stamp: stamp, Events: events}); err != nil {
		t.Fatal(err)
	}
	cal, err := parseICS(buf.Bytes())
	if err != nil {
		t.Fatalf("strict reader: %v\n%s", err, buf.String())
	}
	if got := cal.all("X-WR-CALNAME")[0].Value; got != `E-Platform — Ada, "the" first; ok` {
		t.Errorf("calendar name %q", got)
	}
	if len(cal.Comps) != len(titles) {
		t.Fatalf("%d events", len(cal.Comps))
	}
	for i, ev := range cal.Comps {
		want := strings.ReplaceAll(titles[i], "\x01", " ")
		if got := ev.all("SUMMARY")[0].Value; got != want {
			t.Errorf("event %d: SUMMARY %q, want %q", i, got, want)
		}
		if got := ev.all("DESCRIPTION")[0].Value; got != "Computing, \\ CS1; "+want {
			t.Errorf("event %d: DESCRIPTION %q", i, got)
		}
		if got := ev.all("UID")[0].Value; got != fmt.Sprintf("quiz-%d@learn.example.org", i+1) {
			t.Errorf("event %d: UID %q", i, got)
		}
		if got := ev.all("URL")[0].Value; got != "https://learn.example.org/home/quizzes/1/" {
			t.Errorf("event %d: URL %q", i, got)
		}
	}
	if st := cal.Comps[1].all("STATUS"); len(st) != 1 || st[0].Value != "TENTATIVE" || len(cal.Comps[1].all("DTEND")) != 1 {
		t.Errorf("appointment: %+v", cal.Comps[1].Props)
	}
	if tr := cal.Comps[0].all("TRANSP"); len(tr) != 1 || tr[0].Value != "TRANSPARENT" {
		t.Errorf("a deadline makes nobody busy: %+v", cal.Comps[0].Props)
	}
	// The long titles were folded, each physical line within 75 octets.
	if !strings.Contains(buf.String(), "\r\n ") {
		t.Error("nothing was folded")
	}
}

// FuzzWriteICS: whatever the text, the stream passes the strict reader and the text
// comes back (control characters as spaces, invalid UTF-8 as U+FFFD).
func FuzzWriteICS(f *testing.F) {
	for _, s := range []string{"", "a,b;c\\d\ne", strings.Repeat("é", 80), "\r\n\x00", "\xff\xfe", strings.Repeat("🎓,", 30)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		err := calendar.WriteICS(&buf, calendar.ICS{Name: s, Host: "h", Stamp: at,
			Events: []calendar.Event{{Kind: calendar.Assignment, UID: "a-1", Title: s, Start: at}}})
		if err != nil {
			t.Fatal(err)
		}
		cal, err := parseICS(buf.Bytes())
		if err != nil {
			t.Fatalf("%q: %v\n%q", s, err, buf.String())
		}
		var w strings.Builder
		for _, r := range s { // invalid bytes come as U+FFFD, one each
			switch {
			case r == '\r':
			case r < 0x20 && r != '\n' && r != '\t' || r == 0x7f:
				w.WriteByte(' ')
			default:
				w.WriteRune(r)
			}
		}
		want := w.String()
		if got := cal.Comps[0].all("SUMMARY")[0].Value; got != want {
			t.Fatalf("%q came back as %q", want, got)
		}
	})
}
