package text

import (
	"strings"
	"testing"

	"eplatform/app/form"
)

func TestFieldRefusesControlCharacters(t *testing.T) {
	for _, in := range []string{"\x00x", "a\x01b", "x\x1b[31m", "del\x7f", "c1\u0085", "\u009f"} {
		if _, msg := Field(in, true, 100); !strings.Contains(msg, "control character") {
			t.Errorf("Field(%q) = %q, want a control-character refusal", in, msg)
		}
	}
	if _, msg := Field("\xff\xfe", true, 100); msg != "The text is not valid UTF-8." {
		t.Errorf("invalid UTF-8: %q", msg)
	}
	if _, msg := Field("\x00", true, 0); msg != "Remove the control character U+0000 from this text." {
		t.Errorf("message names the character: %q", msg)
	}
}

func TestFieldKeepsTabsNewlinesAndNormalisesReturns(t *testing.T) {
	got, msg := Field("  line one\r\nline\ttwo\rthree  ", true, 100)
	if msg != "" || got != "line one\nline\ttwo\nthree" {
		t.Fatalf("Field = %q, %q", got, msg)
	}
	// Right-to-left marks and overrides are text, not controls.
	if _, msg := Field("abc\u202edef\u200f", true, 100); msg != "" {
		t.Fatalf("bidi characters refused: %q", msg)
	}
}

func TestFieldCountsCharactersLikeSQLite(t *testing.T) {
	five := "ééééé" // 10 bytes, 5 characters
	if _, msg := Field(five, true, 5); msg != "" {
		t.Fatalf("5 characters over a 5 limit: %q", msg)
	}
	if _, msg := Field(five+"x", true, 5); !strings.Contains(msg, "no more than 5 characters (it has 6)") {
		t.Fatalf("6 characters: %q", msg)
	}
	if _, msg := Field("   ", true, 5); msg != "This field may not be blank." {
		t.Fatalf("blank: %q", msg)
	}
	if got, msg := Field("   ", false, 5); msg != "" || got != "" {
		t.Fatalf("optional blank: %q %q", got, msg)
	}
}

func FuzzField(f *testing.F) {
	for _, s := range []string{"", "a", "\x00", "\r\n", "é\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, msg := Field(s, false, 0)
		if msg != "" {
			return
		}
		for _, r := range got {
			if IsControl(r) || r == '\r' {
				t.Fatalf("accepted %q with control %U", got, r)
			}
		}
		if Len(got) != len([]rune(got)) {
			t.Fatal("Len disagrees with the rune count")
		}
	})
}

func TestCheckCollectsMessagesByField(t *testing.T) {
	errs := form.Errors{}
	if got := Check(errs, "title", "  ok  ", true, 10); got != "ok" || len(errs) != 0 {
		t.Fatalf("Check(ok) = %q, %v", got, errs)
	}
	Check(errs, "title", "\x00x", true, 10)
	Check(errs, "description", strings.Repeat("é", 11), false, 10)
	if !strings.Contains(errs.First(), "no more than 10") || !strings.Contains(errs["title"][0], "U+0000") {
		t.Fatalf("errors: %v", errs)
	}
}
