package auth

import (
	"strings"
	"testing"
	"time"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	hash, err := HashPassword("correct horse battery", DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("unexpected hash format %q", hash)
	}
	ok, rehash, err := CheckPassword(hash, "correct horse battery", DefaultParams)
	if !ok || rehash || err != nil {
		t.Fatalf("right password: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
	if ok, _, _ := CheckPassword(hash, "correct horse batterY", DefaultParams); ok {
		t.Fatal("wrong password accepted")
	}
	again, _ := HashPassword("correct horse battery", DefaultParams)
	if again == hash {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
}

func TestWeakHashIsUpgraded(t *testing.T) {
	weak, _ := HashPassword("pw-pw-pw-pw", Params{MemoryKiB: 1024, Time: 1, Threads: 1})
	ok, rehash, err := CheckPassword(weak, "pw-pw-pw-pw", DefaultParams)
	if !ok || !rehash || err != nil {
		t.Fatalf("ok=%v rehash=%v err=%v; want a match that asks for a rehash", ok, rehash, err)
	}
}

func TestMalformedHashes(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=18$m=1,t=1,p=1$c2FsdA$a2V5",
		"$argon2id$v=19$m=x,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=1,t=1,p=0$c2FsdA$a2V5", "$argon2id$v=19$m=1,t=1,p=1$!!$a2V5",
		"$argon2id$v=19$m=1,t=1,p=1$c2FsdA$"} {
		if ok, _, err := CheckPassword(h, "x", DefaultParams); ok || err == nil {
			t.Errorf("%q: ok=%v err=%v, want an error", h, ok, err)
		}
	}
}

func TestPasswordRules(t *testing.T) {
	cases := []struct {
		pw    string
		attrs []string
		want  string // substring of a message, "" for accepted
	}{
		{"short1!", nil, "too short"},
		{"12345678901", nil, "entirely numeric"},
		{"password123", nil, "too common"},
		{"Password123", nil, "too common"},
		{"aliceinwonder9", []string{"alice"}, "too similar"},
		{"xx-Smith-2024", []string{"jo", "j.smith@example.com"}, ""}, // local part "j.smith" not contained
		{"jsmith-rules-9", []string{"jsmith"}, "too similar"},
		{strings.Repeat("a", 129), nil, "no more than 128"},
		{"correct-Horse-7", []string{"ada", "ada@example.com", "Ada", "Lovelace"}, ""},
	}
	for _, c := range cases {
		msgs := CheckPasswordStrength(c.pw, c.attrs...)
		joined := strings.Join(msgs, " | ")
		if c.want == "" && len(msgs) > 0 {
			t.Errorf("%q rejected: %s", c.pw, joined)
		}
		if c.want != "" && !strings.Contains(joined, c.want) {
			t.Errorf("%q: got %q, want a message containing %q", c.pw, joined, c.want)
		}
	}
}

func TestUsernameAndEmailRules(t *testing.T) {
	for name, ok := range map[string]bool{
		"ada": true, "ada.lovelace": true, "a_b-c+d": true, "Zoë": true, "": false, "a b": false,
		"a@b": false, "a/b": false, "<script>": false, strings.Repeat("x", 150): true, strings.Repeat("x", 151): false,
	} {
		if got := CheckUsername(name) == ""; got != ok {
			t.Errorf("username %q: valid=%v, want %v", name, got, ok)
		}
	}
	for email, ok := range map[string]bool{
		"a@example.com": true, "a.b+c@sub.example.org": true, "": false, "a@b": false, "no-at.example.com": false,
		"Ada <a@example.com>": false, "a@example.com ": false, strings.Repeat("a", 250) + "@e.com": false,
	} {
		if got := CheckEmail(email) == ""; got != ok {
			t.Errorf("email %q: valid=%v, want %v", email, got, ok)
		}
	}
}

func TestAge(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for birth, want := range map[string]int{
		"2009-11-25": 17, "2009-11-26": 16, "1986-11-25": 40, "1985-11-25": 41, "1986-11-26": 39,
		"2008-02-29": 18,
	} {
		d, msg := ParseBirthdate(birth, now)
		if msg != "" {
			t.Fatalf("%s: %s", birth, msg)
		}
		if got := Age(d, now); got != want {
			t.Errorf("Age(%s) = %d, want %d", birth, got, want)
		}
	}
	for _, bad := range []string{"", "2026-11-26", "1899-12-31", "2005-02-30", "05/03/2005", "yesterday"} {
		if _, msg := ParseBirthdate(bad, now); msg == "" {
			t.Errorf("birthdate %q accepted", bad)
		}
	}
}

func TestAccessCodeComparison(t *testing.T) {
	if !codeMatches(" abcd-efgh ", "ABCD-EFGH") {
		t.Error("codes should compare case-insensitively, ignoring surrounding space")
	}
	if codeMatches("", "") || codeMatches("x", "") {
		t.Error("an unset code must never match")
	}
	if codeMatches("ABCD-EFGX", "ABCD-EFGH") {
		t.Error("wrong code matched")
	}
}

func FuzzCheckPassword(f *testing.F) {
	hash, _ := HashPassword("seed", Params{MemoryKiB: 64, Time: 1, Threads: 1})
	f.Add(hash, "seed")
	f.Add("$argon2id$v=19$m=1,t=1,p=1$$", "")
	f.Fuzz(func(t *testing.T, h, pw string) {
		// Never panic; absurd costs are refused before hashing.
		_, _, _ = CheckPassword(h, pw, DefaultParams)
	})
}
