package text

import (
	"html"
	"reflect"
	"strings"
	"testing"
)

func TestMentions(t *testing.T) {
	cases := map[string][]string{
		"hi @ada and @Bob":             {"ada", "bob"},
		"@ada @ADA @ada.":              {"ada"},
		"mail ada@example.com":         nil,
		"@james.smith123, welcome!":    {"james.smith123"},
		"(@zoë) and @_under":           {"zoë", "_under"},
		"@@double @":                   nil,
		"end with dash @ada- ok":       {"ada"},
		"@a+b and @c-d":                {"a+b", "c-d"},
		"@" + strings.Repeat("x", 151): nil,
	}
	for in, want := range cases {
		if got := Mentions(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Mentions(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSegmentsAndHTML(t *testing.T) {
	known := map[string]string{"ada": "Ada", "bob": "bob"}
	segs := Segments(`<b>hi</b> @ada & @nobody see https://example.org/x?a=1&b=2. @BOB`, known)
	want := []Segment{
		{Plain, "<b>hi</b> ", ""},
		{Mention, "ada", "Ada"},
		{Plain, " & @nobody see ", ""},
		{Link, "https://example.org/x?a=1&b=2", "https://example.org/x?a=1&b=2"},
		{Plain, ". ", ""},
		{Mention, "BOB", "bob"},
	}
	if !reflect.DeepEqual(segs, want) {
		t.Fatalf("segments:\n got %#v\nwant %#v", segs, want)
	}
	got := HTML(segs)
	wantHTML := `&lt;b&gt;hi&lt;/b&gt; <a href="/home/profile/Ada/" class="mention" data-username="Ada">@Ada</a> &amp; @nobody see https://example.org/x?a=1&amp;b=2. <a href="/home/profile/bob/" class="mention" data-username="bob">@bob</a>`
	if got != wantHTML {
		t.Fatalf("HTML:\n got %s\nwant %s", got, wantHTML)
	}
}

func TestLinksNeedAScheme(t *testing.T) {
	for _, s := range []string{"javascript:alert(1)", "xhttps://a.b", "http://", "https:///path"} {
		for _, sg := range Segments(s, nil) {
			if sg.Kind == Link {
				t.Errorf("%q produced link %q", s, sg.Value)
			}
		}
	}
}

// FuzzSegments checks that segmenting loses and invents nothing and that the HTML
// never contains a tag the input could have smuggled in.
func FuzzSegments(f *testing.F) {
	for _, s := range []string{"hi @ada", `"><img src=x onerror=alert(1)> @ada`, "https://a.b/<script>", "@ada@ada", "\xff@ada"} {
		f.Add(s)
	}
	known := map[string]string{"ada": "ada", "x": "x"}
	f.Fuzz(func(t *testing.T, s string) {
		segs := Segments(s, known)
		var b strings.Builder
		for _, sg := range segs {
			if sg.Kind == Mention {
				b.WriteString("@")
			}
			b.WriteString(sg.Text)
		}
		if b.String() != s {
			t.Fatalf("segments of %q rebuild to %q", s, b.String())
		}
		out := HTML(segs)
		// Remove our own anchors; what is left must be escaped text only.
		stripped := out
		for _, sg := range segs {
			if sg.Kind == Mention {
				a := `<a href="/home/profile/` + sg.Value + `/" class="mention" data-username="` + sg.Value + `">@` + sg.Value + `</a>`
				stripped = strings.Replace(stripped, a, "", 1)
			}
		}
		if strings.ContainsAny(stripped, "<>\"") {
			t.Fatalf("unescaped markup in %q", out)
		}
		_ = html.UnescapeString(out)
	})
}
