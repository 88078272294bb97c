package text

import (
	"database/sql"
	"slices"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// fts5 is an in-memory FTS5 table with the posts_fts tokenizer, used as the
// reference SearchTokens must agree with.
type fts5 struct{ db *sql.DB }

func openFTS5(tb testing.TB) fts5 {
	tb.Helper()
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(1) // every connection would get its own memory DB
	tb.Cleanup(func() { db.Close() })
	for _, q := range []string{
		`CREATE VIRTUAL TABLE t USING fts5(c, tokenize = 'unicode61 remove_diacritics 2')`,
		`CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)`,
	} {
		if _, err := db.Exec(q); err != nil {
			tb.Fatal(err)
		}
	}
	return fts5{db}
}

// tokens returns FTS5's token sequence for each of docs, in order.
func (f fts5) tokens(tb testing.TB, docs ...string) [][]string {
	tb.Helper()
	tx, err := f.db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`DELETE FROM t`); err != nil {
		tb.Fatal(err)
	}
	for i, d := range docs {
		if _, err := tx.Exec(`INSERT INTO t(rowid, c) VALUES (?, ?)`, i+1, d); err != nil {
			tb.Fatal(err)
		}
	}
	rows, err := tx.Query(`SELECT doc, term FROM v ORDER BY doc, offset`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := make([][]string, len(docs))
	for rows.Next() {
		var doc int
		var term string
		if err := rows.Scan(&doc, &term); err != nil {
			tb.Fatal(err)
		}
		out[doc-1] = append(out[doc-1], term)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func goTokens(s string) []string {
	var out []string
	for tok := range SearchTokens(s) {
		out = append(out, tok)
	}
	return out
}

var searchCases = []string{
	"",
	"   \t\n\r ",
	"The quick brown fox jumps over the lazy dog.",
	"Hello, World! It's a well-known fact: don't panic; e-mail me at Bob.Smith+tag@Example.COM or visit https://example.org/a_b?x=1&y=2#frag",
	"Version 2.0.1 costs $19.99 (about 20%) on 2024-05-06T12:30Z; call +1-555-0100",
	"camelCase snake_case kebab-case SCREAMING_CASE MiXeD123abc 3rd 1st",
	"tabs\tand\nnewlines\r\nand\vvertical\fform feed",
	"École élève à la française, garçon, cœur, naïve, Noël, œuvre, Ærø",
	"Straße, Größe, Übermäßig, Fußgänger, ÄÖÜ äöü ẞ",
	"Año, niño, señor, ¿Qué tal? ¡Olé! pingüino",
	"Zażółć gęślą jaźń, Łódź, Kraków",
	"Příliš žluťoučký kůň úpěl ďábelské ódy",
	"Tiếng Việt có dấu: Hà Nội, Đà Nẵng, Nguyễn, người, trường",
	"Ørsted Åse Øl ål ǅ ǈ ǋ ǲ Ǆ ı İ ĳ Ĳ ŉ ſ ƒ Ɓ ɓ",
	"e\u0301cole  cafe\u0301  \u0301lone  a\u0308b  n\u0303o  x\u0305y  o\u0336k",
	"Ελληνικά: Αθήνα, ΟΔΥΣΣΕΥΣ, σοφός ς ϐ ϑ",
	"Русский текст: Ёлка, ЁЖИК, привет мир, Україна їжак",
	"日本語のテキスト、中文文本。한국어 텍스트",
	"emoji 😀 between👍🏽words 🤔thinking 🇫🇷 flags ❤️ heart",
	"private use \uE000\uE001x \U000F0000 end",
	"fullwidth ＡＢＣ１２３ and ℃ Ω K Å ⅫⅣ ①②",
	"zero\u200bwidth joiner\u200d and nbsp\u00a0here and soft\u00adhyphen",
	"nul\x00byte",
	"ª º ² ³ ¹ ¼ ½ µ × ÷ ¿",
}

func TestSearchTokensMatchesFTS5(t *testing.T) {
	want := openFTS5(t).tokens(t, searchCases...)
	for i, s := range searchCases {
		if got := goTokens(s); !slices.Equal(got, want[i]) {
			t.Errorf("SearchTokens(%q)\n got  %q\n want %q", s, got, want[i])
		}
	}
}

// TestSearchTokensKnownDifferences pins where SearchTokens knowingly differs
// from FTS5, so that a change on either side is noticed.
func TestSearchTokensKnownDifferences(t *testing.T) {
	cases := []struct {
		in, why string
	}{
		// FTS5 decodes a stray continuation byte 0xAA as U+00AA (a letter);
		// Go decodes invalid bytes as U+FFFD, a separator.
		{"bad\xaautf8", "invalid UTF-8"},
	}
	f := openFTS5(t)
	for _, c := range cases {
		got, want := goTokens(c.in), f.tokens(t, c.in)[0]
		if slices.Equal(got, want) {
			t.Errorf("%s: SearchTokens(%q) now agrees with FTS5 (%q); drop the known difference", c.why, c.in, got)
		}
	}
}

func TestFoldSearchTerm(t *testing.T) {
	cases := map[string]string{
		"":            "",
		"hello":       "hello",
		"Hello":       "hello",
		"ÉCOLE":       "ecole",
		"e\u0301cole": "ecole",
		"Straße":      "straße",
		"Łódź":        "łodz",
		"Ça-Va":       "ca-va",
		"Người":       "nguoi",
		"ΟΔΥΣΣΕΥΣ":    "οδυσσευσ",
		"ЁЖИК":        "ёжик",
	}
	for in, want := range cases {
		if got := FoldSearchTerm(in); got != want {
			t.Errorf("FoldSearchTerm(%q) = %q, want %q", in, got, want)
		}
	}
	// A single token folds exactly as SearchTokens folds it.
	for _, s := range searchCases {
		for tok := range SearchTokens(s) {
			if got := FoldSearchTerm(tok); got != tok {
				t.Errorf("FoldSearchTerm(%q) = %q, want it unchanged", tok, got)
			}
		}
		for _, w := range strings.Fields(s) {
			folded := FoldSearchTerm(w)
			if !slices.Equal(goTokens(folded), goTokens(w)) {
				t.Errorf("tokens of FoldSearchTerm(%q) = %q differ from tokens of the word", w, folded)
			}
		}
	}
}

func TestSearchTokensAllocs(t *testing.T) {
	toks := make([]string, 0, 16) // keeps the tokens alive, as callers do
	allocs := func(s string) float64 {
		return testing.AllocsPerRun(100, func() {
			toks = toks[:0]
			for tok := range SearchTokens(s) {
				toks = append(toks, tok)
			}
		})
	}
	base := allocs("") // the iterator closures themselves, if they escape
	// Lower-case ASCII tokens are substrings of the input: no allocation.
	if n := allocs("already lower case ascii words 123 and digits"); n != base {
		t.Errorf("lower-case ASCII: %v allocations, want %v", n, base)
	}
	// A token that needs folding costs just its string.
	if n := allocs("Hello world, Ünïcode"); n != base+2 {
		t.Errorf("mixed text: %v allocations, want %v", n, base+2)
	}
}

// fuzzLatin maps arbitrary bytes to a string of ASCII, Latin-1 Supplement and
// Latin Extended-A runes: a byte below 0x80 is itself; a byte b above uses the
// low bit of the next byte to pick one of U+0080..U+017F.
func fuzzLatin(data []byte) string {
	var b strings.Builder
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c < 0x80 {
			b.WriteByte(c)
			continue
		}
		r := 0x80 + rune(c-0x80)*2
		if i+1 < len(data) {
			i++
			r += rune(data[i] & 1)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func FuzzSearchTokens(f *testing.F) {
	for _, s := range searchCases {
		f.Add([]byte(s))
	}
	f.Add([]byte{'a', 0xC0, 1, 'B', 0xE4, 0, 0xFF, 1, 0x80})
	ref := openFTS5(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		// Each run goes through SQLite, so minimizing a long input would take
		// the whole fuzz budget; short inputs reach the same code.
		if len(data) > 200 {
			t.Skip("long input")
		}
		s := fuzzLatin(data)
		want := ref.tokens(t, s)[0]
		if got := goTokens(s); !slices.Equal(got, want) {
			t.Fatalf("SearchTokens(%q)\n got  %q\n want %q", s, got, want)
		}
	})
}

func BenchmarkSearchTokens(b *testing.B) {
	const text = "The quick brown fox jumps over the lazy dog, and then it runs back " +
		"into the forest where nobody can find it. Meanwhile, Alice writes a post " +
		"about her weekend: hiking 12 miles, cooking pasta, and reading a novel " +
		"by the fire. She tags it #weekend and mentions @bob, who replies quickly " +
		"that he'd love to join next time!"
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		for tok := range SearchTokens(text) {
			_ = tok
		}
	}
}
