package text_test

import (
	"bytes"
	"context"
	"html"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"eplatform/app/text"
	"eplatform/views"
)

// render is the HTML views.Rich gives for s.
func render(t testing.TB, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := views.Rich(s).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestRichFormat(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", `<div class="rich"><p>plain</p></div>`},
		{"Run `for i in range(5):` twice", `<div class="rich"><p>Run <code>for i in range(5):</code> twice</p></div>`},
		{"``a ` b``", `<div class="rich"><p><code>a ` + "`" + ` b</code></p></div>`},
		{"a `b", "<div class=\"rich\"><p>a `b</p></div>"},
		{"**bold** and *it* and _it_ and __b__", `<div class="rich"><p><strong>bold</strong> and <em>it</em> and <em>it</em> and <strong>b</strong></p></div>`},
		{"***both***", `<div class="rich"><p><strong><em>both</em></strong></p></div>`},
		{"**a *b* c**", `<div class="rich"><p><strong>a </strong><strong><em>b</em></strong><strong> c</strong></p></div>`},
		{"**a **b** c**", `<div class="rich"><p><strong>a b c</strong></p></div>`},
		{"snake_case_name and 2*3*4", `<div class="rich"><p>snake_case_name and 2*3*4</p></div>`},
		{"x * y * z", `<div class="rich"><p>x * y * z</p></div>`},
		{`\*not\* \_em\_ \` + "`" + `tick\` + "` \\\\", "<div class=\"rich\"><p>*not* _em_ `tick` \\</p></div>"},
		{"line one\nline two\n\nnew para", `<div class="rich"><p>line one<br>line two</p><p>new para</p></div>`},
		{"Code:\n```python\nfor i in range(5):\n    print(i)\n```\nafter", `<div class="rich"><p>Code:</p><pre><code>for i in range(5):` + "\n" + `    print(i)</code></pre><p>after</p></div>`},
		{"```\nunclosed <b>", `<div class="rich"><pre><code>unclosed &lt;b&gt;</code></pre></div>`},
		{"<script>alert(1)</script> **<img src=x onerror=alert(1)>**", `<div class="rich"><p>&lt;script&gt;alert(1)&lt;/script&gt; <strong>&lt;img src=x onerror=alert(1)&gt;</strong></p></div>`},
		{"*unclosed and **also", `<div class="rich"><p>*unclosed and **also</p></div>`},
		{"", `<div class="rich"></div>`},
	} {
		if got := render(t, tc.in); got != tc.want {
			t.Errorf("Rich(%q)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

func TestRichPlain(t *testing.T) {
	for in, want := range map[string]string{
		"Run `for i in range(5):` **now**":  "Run for i in range(5): now",
		"a\nb\n\n```\ncode\n```":            "a b code",
		"  *x*  ":                           "x",
		"<b>kept as text</b>, not **parsed": "<b>kept as text</b>, not **parsed",
	} {
		if got := text.RichPlain(in); got != want {
			t.Errorf("RichPlain(%q) = %q, want %q", in, got, want)
		}
	}
}

// allowedTag is every tag views.Rich may write: no attributes but the wrapper's class.
var allowedTag = regexp.MustCompile(`<(/?(p|pre|code|strong|em)|br|div class="rich"|/div)>`)

// FuzzRichEscapes: whatever is typed, the rendered HTML holds only the format's own
// tags — no tag, attribute, comment or entity of the input survives as markup — and
// the text shown is the text typed (less the marks, backslashes and fences).
func FuzzRichEscapes(f *testing.F) {
	for _, s := range []string{
		"<script>alert(1)</script>", `"><img src=x onerror=alert(1)>`, "**<b>x</b>**", "`<i>`",
		"```html\n<svg onload=alert(1)>\n```", "<!-- c -->&amp;&lt;", "*<a href=javascript:alert(1)>*",
		"_<style>_", "\\<p\\>", "a\r\n<br>\rb", "``` x\n</pre><script>", "***<u>***", "\x00<\x00script>",
		"&#60;script&#62;", "<p onclick=x>", "<<>>", "</div><div>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := render(t, s)
		rest := allowedTag.ReplaceAllString(out, "")
		if strings.ContainsAny(rest, "<>") {
			t.Fatalf("markup survived for %q:\n%s", s, out)
		}
		if !utf8.ValidString(s) {
			return // templ writes invalid bytes as U+FFFD: the text comparison below does not apply
		}
		// Every character typed, except the format's marks and the language word of a
		// code fence, is shown, in order.
		shown := html.UnescapeString(rest)
		strip := func(r rune) rune {
			if strings.ContainsRune("`*_\\", r) || unicode.IsSpace(r) {
				return -1
			}
			return r
		}
		typed, got := []rune(strings.Map(strip, s)), []rune(strings.Map(strip, shown))
		langs := 0
		for _, b := range text.Rich(s) {
			langs += len([]rune(strings.Map(strip, b.Lang)))
		}
		i := 0
		for _, r := range got {
			for i < len(typed) && typed[i] != r {
				i++
			}
			if i == len(typed) {
				t.Fatalf("shown text is not what was typed, for %q:\n shown %q", s, shown)
			}
			i++
		}
		if len(typed)-len(got) != langs {
			t.Fatalf("text lost for %q: typed %q, shown %q", s, string(typed), string(got))
		}
	})
}
