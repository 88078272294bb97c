package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The small text format of questions, answers and explanations ("rich text"): what a
// teacher types in a plain textarea and expects to see formatted, and nothing more:
//
//	`inline code`        a run of N backticks up to the next run of exactly N
//	```                  a fenced code block: lines between a ``` line (an optional
//	code block           language word after it) and the next ``` line, or the end
//	```
//	**bold**  __bold__   *italic*  _italic_
//	\* \_ \` \\          the character itself
//	a new line           a line break; a blank line starts a new paragraph
//
// Emphasis marks count only at word boundaries (an opening mark not after a letter or
// digit and before a non-space, a closing one the other way round), so snake_case
// names and 2*3*4 stay as typed. Anything else — HTML included — is text: the parser
// only splits the input into blocks and spans, and the views render each span's text
// with normal escaping (views.Rich). No HTML is ever built here.

// RichBlock is a paragraph (Spans) or a fenced code block (Code, with its Lang word).
type RichBlock struct {
	Code  bool
	Lang  string
	Text  string // a code block's lines, verbatim
	Spans []RichSpan
}

// RichSpan is a run of text with its styles, or a line break.
type RichSpan struct {
	Text   string
	Code   bool
	Bold   bool
	Italic bool
	Break  bool
}

// Rich splits s into blocks. It accepts any string (invalid UTF-8 stays bytes of text).
func Rich(s string) []RichBlock {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(s, "\n")
	var out []RichBlock
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, RichBlock{Spans: inline(strings.Join(para, "\n"))})
			para = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if lang, ok := fence(line); ok {
			flush()
			var code []string
			j := i + 1
			for ; j < len(lines); j++ {
				if strings.TrimSpace(lines[j]) == "```" {
					break
				}
				code = append(code, lines[j])
			}
			out = append(out, RichBlock{Code: true, Lang: lang, Text: strings.Join(code, "\n")})
			i = j
			continue
		}
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		para = append(para, line)
	}
	flush()
	return out
}

// fence reports whether line opens a code block: ``` and at most one word after it.
func fence(line string) (string, bool) {
	t := strings.TrimSpace(line)
	if !strings.HasPrefix(t, "```") {
		return "", false
	}
	lang := strings.TrimSpace(t[3:])
	if strings.ContainsAny(lang, "` \t") || utf8.RuneCountInString(lang) > 20 {
		return "", false
	}
	return lang, true
}

// RichInline is s as one run of spans, for places that hold phrasing content only (a
// summary, a list item, a table cell): code blocks become code spans, paragraphs are
// joined by line breaks.
func RichInline(s string) []RichSpan {
	var out []RichSpan
	for i, b := range Rich(s) {
		if i > 0 {
			out = append(out, RichSpan{Break: true})
		}
		if b.Code {
			out = append(out, RichSpan{Text: b.Text, Code: true})
			continue
		}
		out = append(out, b.Spans...)
	}
	return out
}

// RichPlain is s without its marks, for plain-text places (an SVG title, a
// notification, a CSV cell): spans joined, breaks and blocks as spaces.
func RichPlain(s string) string {
	var b strings.Builder
	for _, sp := range RichInline(s) {
		if sp.Break {
			b.WriteByte(' ')
			continue
		}
		b.WriteString(sp.Text)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// token is a piece of a paragraph before emphasis is matched.
type token struct {
	text            string
	code, br, delim bool
	open, close     bool // a delimiter's possible roles
	opens, closes   bool // its role once matched
}

// inline parses a paragraph's spans: code spans and escapes first, then emphasis.
func inline(p string) []RichSpan {
	var toks []token
	var buf strings.Builder
	text := func() {
		if buf.Len() > 0 {
			toks = append(toks, token{text: buf.String()})
			buf.Reset()
		}
	}
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p) && strings.IndexByte("\\`*_", p[i+1]) >= 0:
			buf.WriteByte(p[i+1])
			i += 2
			continue
		case c == '\n':
			text()
			toks = append(toks, token{br: true})
			i++
			continue
		case c == '`':
			n := run(p, i, '`')
			if end := closingTicks(p, i+n, n); end >= 0 {
				text()
				toks = append(toks, token{text: p[i+n : end], code: true})
				i = end + n
				continue
			}
			buf.WriteString(p[i : i+n]) // no closing run: the backticks are text
			i += n
			continue
		case c == '*' || c == '_':
			n := run(p, i, c)
			if n > 3 {
				buf.WriteString(p[i : i+n])
				i += n
				continue
			}
			prev, _ := utf8.DecodeLastRuneInString(p[:i])
			next, _ := utf8.DecodeRuneInString(p[i+n:])
			if i == 0 {
				prev = ' '
			}
			if i+n == len(p) {
				next = ' '
			}
			open := !unicode.IsSpace(next) && !isWord(prev)
			closing := !unicode.IsSpace(prev) && !isWord(next)
			if !open && !closing {
				buf.WriteString(p[i : i+n])
				i += n
				continue
			}
			text()
			// A run of three is bold and italic: "**" then "*" when opening, the other
			// way round when closing, so the pairs nest.
			mark := string(c)
			switch {
			case n == 3 && closing && !open:
				toks = append(toks, token{text: mark, delim: true, open: open, close: closing},
					token{text: mark + mark, delim: true, open: open, close: closing})
			case n == 3:
				toks = append(toks, token{text: mark + mark, delim: true, open: open, close: closing},
					token{text: mark, delim: true, open: open, close: closing})
			default:
				toks = append(toks, token{text: p[i : i+n], delim: true, open: open, close: closing})
			}
			i += n
			continue
		}
		buf.WriteByte(c)
		i++
	}
	text()
	match(toks)
	return spans(toks)
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// run is the length of the run of c starting at p[i].
func run(p string, i int, c byte) int {
	n := 0
	for i+n < len(p) && p[i+n] == c {
		n++
	}
	return n
}

// closingTicks finds the next run of exactly n backticks at or after from (-1: none).
func closingTicks(p string, from, n int) int {
	for i := from; i < len(p); {
		if p[i] != '`' {
			i++
			continue
		}
		m := run(p, i, '`')
		if m == n {
			return i
		}
		i += m
	}
	return -1
}

// match pairs emphasis delimiters: a closer takes the nearest open opener of the same
// mark; openers left between them can no longer close and stay text, so pairs nest.
func match(toks []token) {
	var stack []int
	for i := range toks {
		t := &toks[i]
		if !t.delim {
			continue
		}
		if t.close {
			found := -1
			for k := len(stack) - 1; k >= 0; k-- {
				if toks[stack[k]].text == t.text {
					found = k
					break
				}
			}
			if found >= 0 {
				toks[stack[found]].opens, t.closes = true, true
				stack = stack[:found]
				continue
			}
		}
		if t.open {
			stack = append(stack, i)
		}
	}
}

// spans turns matched tokens into styled spans; unmatched delimiters are text.
func spans(toks []token) []RichSpan {
	var out []RichSpan
	bold, italic := 0, 0 // depths: bold inside bold stays bold
	add := func(sp RichSpan) {
		if n := len(out); n > 0 && !sp.Break && !sp.Code {
			last := &out[n-1]
			if !last.Break && !last.Code && last.Bold == sp.Bold && last.Italic == sp.Italic {
				last.Text += sp.Text
				return
			}
		}
		out = append(out, sp)
	}
	for _, t := range toks {
		switch {
		case t.br:
			out = append(out, RichSpan{Break: true})
		case t.opens || t.closes:
			d := 1
			if t.closes {
				d = -1
			}
			if len(t.text) == 2 {
				bold += d
			} else {
				italic += d
			}
		case t.code:
			out = append(out, RichSpan{Text: t.text, Code: true, Bold: bold > 0, Italic: italic > 0})
		case t.text != "":
			add(RichSpan{Text: t.text, Bold: bold > 0, Italic: italic > 0})
		}
	}
	return out
}
