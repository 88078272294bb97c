package text

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite search_tables.go from the linked SQLite's FTS5 tokenizer")

const tablesFile = "search_tables.go"

// regenerate is what a failure tells the reader to run.
const regenerate = "go test ./app/text -run TestSearchTables -update"

// A fact is what FTS5 does with one code point.
type fact struct {
	class byte // sep: separates tokens; drop: continues a token and is removed; tok: starts or continues one
	fold  rune // the folded code point, for tok
}

const (
	sep byte = iota + 1
	drop
	tok
)

// probe is one pass of FTS5 over every code point: the documents, their tokens
// as FTS5 gives them, and what that says about each code point.
type probe struct {
	docs   []string
	tokens [][]string
	facts  []fact // indexed by code point; zero for surrogates and U+0000
	driver string // "modernc.org/sqlite vX.Y.Z (SQLite A.B.C)"
}

var (
	probeOnce sync.Once
	probed    probe
	probeErr  string
)

// probeFTS5 asks the linked driver's FTS5 about every code point once per test
// binary. Each code point r goes in as "q" r "q " r "Q ": inside a token, then
// starting one. From the tokens that come out:
//
//	"q" "q" "q"      r separates tokens
//	"qq" "q"         r continues a token but is dropped (a removed diacritic)
//	"qfq" "fq"       r starts a token and folds to f
func probeFTS5(t *testing.T) *probe {
	t.Helper()
	probeOnce.Do(func() {
		probeErr = "the FTS5 probe failed in an earlier test" // unless run returns
		probeErr = probed.run(t)
	})
	if probeErr != "" {
		t.Fatal(probeErr)
	}
	return &probed
}

func (p *probe) run(t *testing.T) string {
	f := openFTS5(t)
	var b strings.Builder
	var runes [][]rune // the code points of each document
	var cur []rune
	for r := rune(1); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		b.WriteString("q")
		b.WriteRune(r)
		b.WriteString("q ")
		b.WriteRune(r)
		b.WriteString("Q ")
		cur = append(cur, r)
		if r%512 == 0 {
			p.docs, runes, cur = append(p.docs, b.String()), append(runes, cur), nil
			b.Reset()
		}
	}
	p.docs, runes = append(p.docs, b.String()), append(runes, cur)
	p.tokens = f.tokens(t, p.docs...)

	p.facts = make([]fact, utf8.MaxRune+1)
	for i, rs := range runes {
		toks := p.tokens[i]
		for _, r := range rs {
			var fc fact
			var n int
			switch {
			case len(toks) >= 3 && toks[0] == "q" && toks[1] == "q" && toks[2] == "q":
				fc, n = fact{class: sep}, 3
			case len(toks) >= 2 && toks[0] == "qq" && toks[1] == "q":
				fc, n = fact{class: drop}, 2
			case len(toks) >= 2 && len(toks[0]) > 2 && strings.HasPrefix(toks[0], "q") && strings.HasSuffix(toks[0], "q") &&
				toks[1] == toks[0][1:]:
				folded := toks[0][1 : len(toks[0])-1]
				fr, size := utf8.DecodeRuneInString(folded)
				if size != len(folded) {
					return fmt.Sprintf("U+%04X folds to %q, more than one code point: SearchTokens cannot express that", r, folded)
				}
				fc, n = fact{class: tok, fold: fr}, 2
			default:
				return fmt.Sprintf("U+%04X gives the tokens %q: a class SearchTokens does not know (it starts no token but is kept inside one?)",
					r, toks[:min(3, len(toks))])
			}
			p.facts[r] = fc
			toks = toks[n:]
		}
		if len(toks) != 0 {
			return fmt.Sprintf("document %d: %d tokens left over: %q", i, len(toks), toks[:min(3, len(toks))])
		}
	}

	var sqliteVersion string
	if err := f.db.QueryRow(`SELECT sqlite_version()`).Scan(&sqliteVersion); err != nil {
		return err.Error()
	}
	// A test binary carries no module versions (debug.ReadBuildInfo lists no
	// dependencies), so the version comes from go.mod, which the build used.
	p.driver = "modernc.org/sqlite (version unknown)"
	if mod, err := os.ReadFile("../../go.mod"); err == nil {
		if m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?modernc\.org/sqlite (v\S+)`).FindSubmatch(mod); m != nil {
			p.driver = "modernc.org/sqlite " + string(m[1])
		}
		if bytes.Contains(mod, []byte("replace modernc.org/sqlite")) || regexp.MustCompile(`(?m)^\s+modernc\.org/sqlite\b.*=>`).Match(mod) {
			p.driver += " (replaced)"
		}
	}
	p.driver += ", SQLite " + sqliteVersion
	return ""
}

// tables derives the contents of search_tables.go from the facts, checking the
// assumptions search.go makes about them.
func (p *probe) tables() (gen generated, problems []string) {
	for r := rune(0x80); r <= utf8.MaxRune; r++ {
		fc := p.facts[r]
		if fc.class == 0 {
			continue // a surrogate
		}
		if fc.class == drop {
			if r < 0x300 || r >= 0x340 {
				problems = append(problems, fmt.Sprintf("U+%04X is a dropped diacritic outside U+0300..U+033F, where isDiacritic looks", r))
				continue
			}
			gen.diacriticMask |= 1 << (r - 0x300)
		}
		if fc.class == sep {
			if n := len(gen.separators); n > 0 && gen.separators[n-1].hi == r-1 {
				gen.separators[n-1].hi = r
			} else {
				gen.separators = append(gen.separators, runeRange{r, r})
			}
		}
		if r >= 0xC0 && r < 0x250 && r != 0xD7 && r != 0xF7 && fc.class != tok {
			problems = append(problems, fmt.Sprintf("U+%04X is not a token character, but startsToken takes U+00C0..U+024F for Latin letters", r))
		}
		fold := r // what foldRune must return: separators fold to themselves
		if fc.class == tok {
			fold = fc.fold
		}
		switch {
		case r < 0x250:
			if fc.class == sep {
				fold = 0 // latinFold's mark for "leave it"
			}
			gen.latinFold[r-0x80] = uint16(fold)
			if fold > 0xFFFF {
				problems = append(problems, fmt.Sprintf("U+%04X folds to U+%04X, beyond latinFold's uint16", r, fold))
			}
		case fc.class == drop:
		case r >= 0x1E00 && r < 0x1F00:
			gen.latinExtFold[r-0x1E00] = uint16(fold)
			if fold > 0xFFFF {
				problems = append(problems, fmt.Sprintf("U+%04X folds to U+%04X, beyond latinExtFold's uint16", r, fold))
			}
		case fold != r:
			d := fold - r
			if n := len(gen.caseRuns); n > 0 && gen.caseRuns[n-1].delta == d {
				c := &gen.caseRuns[n-1]
				if c.lo == c.hi && (r-c.hi == 1 || r-c.hi == 2) {
					c.hi, c.stride = r, r-c.hi
					break
				}
				if c.lo != c.hi && r-c.hi == c.stride {
					c.hi = r
					break
				}
			}
			gen.caseRuns = append(gen.caseRuns, caseRun{r, r, d, 1})
		}
	}
	return gen, problems
}

type generated struct {
	separators    []runeRange
	diacriticMask uint64
	latinFold     [0x1D0]uint16
	latinExtFold  [0x100]uint16
	caseRuns      []caseRun
}

// render writes search_tables.go; driver names the module and SQLite version the
// tables came from.
func (g *generated) render(driver string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by %s; DO NOT EDIT.\n\n", regenerate)
	b.WriteString("package text\n\n")
	fmt.Fprintf(&b, "// The tables below were generated by asking FTS5 (%s)\n", driver)
	b.WriteString(`// about every code point, so they reproduce its Unicode 6.1-era tables rather
// than Go's newer ones: code points unassigned in 6.1 (including most emoji
// added since) are token characters there, and here too. TestSearchTables checks
// them against the tokenizer of the driver actually linked.

// separators lists, in order, the non-ASCII code points that FTS5's unicode61
// tables (Unicode 6.1 era) do not class as L*, N* or Co. Read-only.
var separators = [...]runeRange{
`)
	for i, s := range g.separators {
		if i%6 == 0 {
			b.WriteString("\t")
		}
		fmt.Fprintf(&b, "{0x%X, 0x%X},", s.lo, s.hi)
		if i%6 == 5 || i == len(g.separators)-1 {
			b.WriteString("\n")
		} else {
			b.WriteString(" ")
		}
	}
	b.WriteString("}\n\n")
	fmt.Fprintf(&b, `// diacriticMask has bit i set when U+0300+i is a combining mark FTS5 keeps
// inside a token and then drops.
const diacriticMask = 0x%X

// latinFold maps U+0080..U+024F to its FTS5 folding (0 for separators). Read-only.
var latinFold = [0x1D0]uint16{
`, g.diacriticMask)
	foldTable(&b, g.latinFold[:], 0x80)
	b.WriteString(`}

// latinExtFold maps U+1E00..U+1EFF (Vietnamese etc.) to its FTS5 folding. Read-only.
var latinExtFold = [0x100]uint16{
`)
	foldTable(&b, g.latinExtFold[:], 0x1E00)
	b.WriteString(`}

// caseRuns lists, in order, the other code points FTS5 folds: every stride-th
// code point in lo..hi maps to itself plus delta. Read-only.
var caseRuns = [...]caseRun{
`)
	for i, c := range g.caseRuns {
		if i%4 == 0 {
			b.WriteString("\t")
		}
		fmt.Fprintf(&b, "{0x%X, 0x%X, %d, %d},", c.lo, c.hi, c.delta, c.stride)
		if i%4 == 3 || i == len(g.caseRuns)-1 {
			b.WriteString("\n")
		} else {
			b.WriteString(" ")
		}
	}
	b.WriteString("}\n")
	out, err := format.Source(b.Bytes())
	if err != nil {
		panic(fmt.Sprintf("generated source does not parse: %v\n%s", err, b.Bytes()))
	}
	return out
}

func foldTable(b *bytes.Buffer, t []uint16, base int) {
	for i := 0; i < len(t); i += 12 {
		b.WriteString("\t")
		for j := i; j < min(i+12, len(t)); j++ {
			fmt.Fprintf(b, "0x%X, ", t[j])
		}
		fmt.Fprintf(b, "// U+%04X\n", base+i)
	}
}

// driverOf returns the driver named in a rendered search_tables.go.
func driverOf(src []byte) string {
	_, rest, _ := bytes.Cut(src, []byte("asking FTS5 ("))
	d, _, _ := bytes.Cut(rest, []byte(")\n"))
	return string(d)
}

// TestSearchTables regenerates search_tables.go from the FTS5 tokenizer of the
// driver this binary links and fails if anything but the recorded driver
// version differs: an upgrade of modernc.org/sqlite that changes how FTS5
// tokenises fails here, not silently in search results.
func TestSearchTables(t *testing.T) {
	if raceEnabled {
		t.Skip("one goroutine walking tables: the race detector only makes it slow")
	}
	p := probeFTS5(t)
	gen, problems := p.tables()
	if len(problems) > 0 {
		t.Fatalf("FTS5 in %s tokenises in a way search.go cannot express; SearchTokens needs a code change, not just new tables:\n%s",
			p.driver, strings.Join(problems[:min(20, len(problems))], "\n"))
	}
	if *update {
		if err := os.WriteFile(tablesFile, gen.render(p.driver), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s from %s", tablesFile, p.driver)
		return
	}
	have, err := os.ReadFile(tablesFile)
	if err != nil {
		t.Fatal(err)
	}
	if want := gen.render(driverOf(have)); !bytes.Equal(have, want) {
		hl, wl := strings.Split(string(have), "\n"), strings.Split(string(want), "\n")
		line := 0
		for line < min(len(hl), len(wl)) && hl[line] == wl[line] {
			line++
		}
		t.Fatalf(`FTS5's tokenizer in the linked driver (%s) no longer matches app/text's tables
(made with %s): search would count other terms than the index holds.
First difference, %s line %d:
  file:   %s
  driver: %s
Make the upgrade deliberate: run
  %s
review the diff, and rebuild the posts_fts index of existing databases
(INSERT INTO posts_fts(posts_fts) VALUES ('rebuild')) when the upgrade ships.`,
			p.driver, driverOf(have), tablesFile, line+1, at(hl, line), at(wl, line), regenerate)
	}
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(end of file)"
}

// TestSearchTokensAllCodePoints checks SearchTokens itself, not just its tables,
// against FTS5 for every code point: as a token start, inside a token and after
// a token.
func TestSearchTokensAllCodePoints(t *testing.T) {
	if raceEnabled {
		t.Skip("one goroutine walking tables: the race detector only makes it slow")
	}
	p := probeFTS5(t)
	for i, d := range p.docs {
		if got := goTokens(d); !slices.Equal(got, p.tokens[i]) {
			for j := range min(len(got), len(p.tokens[i])) {
				if got[j] != p.tokens[i][j] {
					t.Errorf("doc %d token %d: got %q, FTS5 %q", i, j, got[j], p.tokens[i][j])
					break
				}
			}
			t.Errorf("doc %d: got %d tokens, FTS5 %d; if FTS5 changed, run %s", i, len(got), len(p.tokens[i]), regenerate)
		}
	}
}
