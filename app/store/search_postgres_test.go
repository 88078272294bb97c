package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"eplatform/app/text"
)

// TestPgTSQuery: the FTS5 queries the store's callers build become tsquery text whose
// every term is one quoted operand, and whatever a phrase holds — tsquery operators,
// quotes, backslashes — stays inside its quotes.
func TestPgTSQuery(t *testing.T) {
	for fts, want := range map[string]string{
		`"ada"*`:                      `'ada':*`,
		`"maria"* "music"*`:           `'maria':* & 'music':*`,
		`"a" AND ("b" OR "c")`:        `'a' & ( 'b' | 'c' )`,
		`"a" NOT "b"`:                 `'a' & !'b'`,
		`"it""s"*`:                    `'it"s':*`,
		`"O'Brien"`:                   `'o''brien'`,
		`"ΩΜΈΓΑ"*`:                    `'ωμέγα':*`,
		`"a\b & | ! ( ) :* <-> 'x"*`:  `'a\\b & | ! ( ) :* <-> ''x':*`,
		`""*`:                         `' ':*`,
		``:                            ``,
		`("a" OR`:                     `( 'a' )`,
		`) "a" (`:                     `'a' & ( ' ' )`,
		`bare AND`:                    `'bare'`,
		`NOT "a"`:                     `!'a'`,
		`"a" NOT ("b" OR "c") "d"*`:   `'a' & !( 'b' | 'c' ) & 'd':*`,
		text.FTSQuery(`x'); DROP "y`): `'x':* & 'drop':* & 'y':*`,
	} {
		if got := pgTSQuery(fts); got != want {
			t.Errorf("pgTSQuery(%q) = %q, want %q", fts, got, want)
		}
	}
}

// TestSearchHostileAndFolded: on either engine, search terms holding tsquery or FTS5
// syntax characters are only text (no error, found where the words are), diacritics
// and case fold both ways, punctuation separates words (john.doe), and snippets keep
// the text as written ("<b>" included) with an ellipsis where they cut it.
func TestSearchHostileAndFolded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openTest(t)
	var dara int64
	if err := db.WithTx(ctx, func(tx *Queries) error {
		var err error
		dara, err = tx.CreateUser(ctx, NewUser{Username: "john.doe", Email: "jd@example.com", PasswordHash: "x",
			FirstName: "José", LastName: "O'Brien ИВАНОВ", UserType: "instructor", Now: time.Now()})
		if err != nil {
			return err
		}
		_, err = tx.InsertSubject(ctx, NewSubject{Name: "Álgebra lineal", Code: "MAT-101", Description: "Vectors, " +
			strings.Repeat("matrices and more words ", 20) + "and eigenvalues at the end", Icon: "school",
			IsActive: true, InstructorID: dara, CreatedBy: dara, Now: time.Now()})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ids := postSearchFixture(t, db, "author", "Café au lait in <b>bold</b> & more",
		strings.Repeat("filler words here ", 30)+"photosynthesis "+strings.Repeat("trailing text ", 30))

	hostile := []string{`"a\b & | ! ( ) :* <-> 'x"*`, `"'"*`, `"&"`, `"!"* "|"*`, `"\"`, `":*"`, `"<->"`, `""*`,
		text.FTSQuery(`'); DROP TABLE users; -- & | ! ( "`)}
	// The exact text is what the user typed, unchecked: PostgreSQL refuses NUL and
	// invalid UTF-8 as text.
	for _, exact := range []string{"a\x00b", "a\xffb", "x"} {
		if _, err := db.SearchPeople(ctx, `"a"*`, exact, 10, 0); err != nil {
			t.Errorf("people, exact %q: %v", exact, err)
		}
		if _, err := db.SearchSubjectHits(ctx, `"a"*`, exact, 10, 0); err != nil {
			t.Errorf("subjects, exact %q: %v", exact, err)
		}
	}
	for _, q := range hostile {
		if _, err := db.SearchPeople(ctx, q, "x", 10, 0); err != nil {
			t.Errorf("people %q: %v", q, err)
		}
		if _, err := db.CountSearchPeople(ctx, q, 10); err != nil {
			t.Errorf("count people %q: %v", q, err)
		}
		if _, err := db.SearchSubjectHits(ctx, q, "x", 10, 0); err != nil {
			t.Errorf("subjects %q: %v", q, err)
		}
		if _, err := db.ListPosts(ctx, PostQuery{Anywhere: q, Limit: 10}); err != nil {
			t.Errorf("posts %q: %v", q, err)
		}
		if _, err := db.ListChatUsers(ctx, q, 0, 10, 0); err != nil {
			t.Errorf("chat users %q: %v", q, err)
		}
	}

	for _, q := range []string{`"o'brien"`, `"john"*`, `"doe"`, `"jose"*`, `"JOSÉ"*`, text.FTSQuery("john.doe"),
		`"иван"*`, `"ИВАНОВ"`} {
		hits, err := db.SearchPeople(ctx, q, "", 10, 0)
		if err != nil || len(hits) != 1 || hits[0].User.ID != dara {
			t.Errorf("people %q: %+v %v", q, hits, err)
		}
	}
	hits, err := db.SearchPeople(ctx, `"jose"*`, "", 10, 0)
	if err != nil || len(hits) != 1 || hits[0].HiFirstName != HighlightStart+"José"+HighlightEnd || hits[0].HiLastName != "O'Brien ИВАНОВ" {
		t.Errorf("highlights: %+v %v", hits, err)
	}
	subs, err := db.SearchSubjectHits(ctx, `"algebra"*`, "algebra", 10, 0)
	if err != nil || len(subs) != 1 || subs[0].HiName != HighlightStart+"Álgebra"+HighlightEnd+" lineal" {
		t.Errorf("subjects: %+v %v", subs, err)
	}
	subs, err = db.SearchSubjectHits(ctx, `"eigenvalues"`, "eigenvalues", 10, 0)
	if err != nil || len(subs) != 1 || !strings.HasPrefix(subs[0].Snippet, "…") || !strings.Contains(subs[0].Snippet, HighlightStart+"eigenvalues"+HighlightEnd) {
		t.Errorf("subject snippet: %+v %v", subs, err)
	}
	if subs, err := db.SearchSubjectHits(ctx, text.FTSQuery("mat-101"), "mat-101", 10, 0); err != nil || len(subs) != 1 {
		t.Errorf("subject by code: %+v %v", subs, err)
	}

	posts, _, err := db.SearchPostHits(ctx, PostTextQuery{Prefix: "cafe"}, 10, 0)
	if err != nil || len(posts) != 1 || posts[0].Snippet != HighlightStart+"Café"+HighlightEnd+" au lait in <b>bold</b> & more" {
		t.Errorf("post snippet: %+v %v", posts, err)
	}
	posts, _, err = db.SearchPostHits(ctx, PostTextQuery{Words: []string{"photosynthesis"}}, 10, 0)
	if err != nil || len(posts) != 1 || posts[0].Post.ID != ids[1] {
		t.Fatalf("long post: %+v %v", posts, err)
	}
	if s := posts[0].Snippet; !strings.HasPrefix(s, "…") || !strings.HasSuffix(s, "…") || !strings.Contains(s, HighlightStart+"photosynthesis"+HighlightEnd) {
		t.Errorf("long post's snippet: %q", s)
	}
	if n, err := db.CountPosts(ctx, PostQuery{Search: text.FTSQuery("lait & <b>")}); err != nil || n != 1 {
		t.Errorf("post list search: %d %v", n, err)
	}
}
