// Package text finds @mentions and links in user text and splits it into segments
// that the views render with normal escaping — no HTML is ever built from user text
// by string concatenation except in HTML, which escapes every byte it copies.
package text

import (
	"html"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind of a segment.
type Kind int

const (
	Plain   Kind = iota // text as typed
	Mention             // @name of an existing user; Value is the canonical username
	Link                // an http(s) URL; Value is the URL
)

// Segment is one run of text.
type Segment struct {
	Kind  Kind
	Text  string // what the user typed (for a mention, without the '@')
	Value string // canonical username or URL
}

// isNameRune is the username character set (auth.IsUsernameRune; repeated here so
// this package has no dependencies).
func isNameRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_' || r == '+' || r == '-'
}

// mentionAt reports the candidate name of a mention starting at s[i] == '@': the
// longest run of name characters, without trailing '.', '-' or '+' (sentence
// punctuation such as "@ada." or "@ada-"). An '@' preceded by a name character (an
// email address) is no mention.
func mentionAt(s string, i int) (name string, end int) {
	if i > 0 {
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		if isNameRune(prev) || prev == '@' {
			return "", 0
		}
	}
	j := i + 1
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if !isNameRune(r) {
			break
		}
		j += size
	}
	name = strings.TrimRight(s[i+1:j], ".-+")
	if name == "" || utf8.RuneCountInString(name) > 150 {
		return "", 0
	}
	return name, i + 1 + len(name)
}

// Mentions returns the distinct candidate names mentioned in s, lower-cased, in order
// of first appearance. Whether each names a user is for the caller to look up.
func Mentions(s string) []string {
	var out []string
	seen := map[string]bool{}
	for i := 0; i < len(s); i++ {
		if s[i] != '@' {
			continue
		}
		name, end := mentionAt(s, i)
		if name == "" {
			continue
		}
		key := strings.ToLower(name)
		if !seen[key] {
			seen[key] = true
			out = append(out, key)
		}
		i = end - 1
	}
	return out
}

// Segments splits s into plain text, mentions of known users and links. known maps a
// lower-cased name to the canonical username; names it lacks stay plain text.
func Segments(s string, known map[string]string) []Segment {
	var out []Segment
	plainStart := 0
	flush := func(to int) {
		if to > plainStart {
			out = append(out, Segment{Kind: Plain, Text: s[plainStart:to]})
		}
	}
	for i := 0; i < len(s); {
		switch {
		case s[i] == '@':
			if name, end := mentionAt(s, i); name != "" {
				if canonical, ok := known[strings.ToLower(name)]; ok {
					flush(i)
					out = append(out, Segment{Kind: Mention, Text: name, Value: canonical})
					i, plainStart = end, end
					continue
				}
			}
		case s[i] == 'h' && (strings.HasPrefix(s[i:], "https://") || strings.HasPrefix(s[i:], "http://")):
			if u, end := linkAt(s, i); u != "" {
				flush(i)
				out = append(out, Segment{Kind: Link, Text: u, Value: u})
				i, plainStart = end, end
				continue
			}
		}
		i++
	}
	flush(len(s))
	return out
}

// linkAt returns the URL starting at s[i], without trailing sentence punctuation.
func linkAt(s string, i int) (string, int) {
	if i > 0 {
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		if unicode.IsLetter(prev) || unicode.IsDigit(prev) {
			return "", 0
		}
	}
	j := i
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if unicode.IsSpace(r) || r == '<' || r == '>' || r == '"' || r == '\'' || r == '`' {
			break
		}
		j += size
	}
	raw := strings.TrimRight(s[i:j], ".,;:!?)]}")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", 0
	}
	return raw, i + len(raw)
}

// ProfilePath is where a mention links to.
func ProfilePath(username string) string { return "/home/profile/" + url.PathEscape(username) + "/" }

// HTML renders segments as the API's formatted_content: every byte of user text
// escaped, each mention an anchor to the profile. Links stay plain text here (the
// original contract has mentions only); the web views link them.
func HTML(segs []Segment) string {
	var b strings.Builder
	for _, sg := range segs {
		if sg.Kind != Mention {
			b.WriteString(html.EscapeString(sg.Text))
			continue
		}
		name := html.EscapeString(sg.Value)
		b.WriteString(`<a href="` + html.EscapeString(ProfilePath(sg.Value)) + `" class="mention" data-username="` + name + `">@` + name + `</a>`)
	}
	return b.String()
}

// FTSQuery turns what a person typed into a safe FTS5 query: every word becomes a
// quoted prefix term ("word"*), all of which must match. Operators, quotes and
// column filters typed by the user lose their meaning, so no input can make the query
// fail. It returns "" when nothing searchable remains.
func FTSQuery(input string) string {
	var terms []string
	for _, w := range strings.FieldsFunc(input, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(terms) == 8 { // enough to narrow any search; bounds the query's cost
			break
		}
		terms = append(terms, `"`+w+`"*`)
	}
	return strings.Join(terms, " ")
}

// Itoa is n in decimal: ids in URLs, keys and form values.
func Itoa(n int64) string { return strconv.FormatInt(n, 10) }
