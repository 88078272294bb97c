package people_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"eplatform/app/apptest"
	"eplatform/app/auth"
	"eplatform/app/people"
	"eplatform/app/store"
)

func mkUser(t testing.TB, app *apptest.App, username, first, last string) store.User {
	t.Helper()
	u, err := app.State.Auth.CreateUserAdmin(context.Background(), auth.SignupInput{
		Username: username, Email: username + "@example.com", Password1: apptest.Password,
		FirstName: first, LastName: last, UserType: "student", Birthdate: "2005-03-04",
	})
	if err != nil {
		t.Fatalf("create %s: %v", username, err)
	}
	return u
}

func names(res people.SearchResult) string {
	var out []string
	for _, p := range res.People {
		out = append(out, p.Hit.User.Username)
	}
	return strings.Join(out, ",")
}

func TestSearchPeopleRanking(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	s := app.State.People
	viewer := mkUser(t, app, "viewer", "Vera", "Viewer")
	mkUser(t, app, "zed", "Ada", "Lovelace")      // first name is the word
	mkUser(t, app, "adalbert", "Bert", "Stone")   // username starts with it
	mkUser(t, app, "quinn", "Quinn", "Adams")     // a partial match on a name
	mkUser(t, app, "ada", "Zoe", "Smith")         // the exact username, registered after the others
	gone := mkUser(t, app, "adam", "Adam", "Ada") // deactivated: never found
	if err := app.State.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.SetUserActive(ctx, gone.ID, false) }); err != nil {
		t.Fatal(err)
	}
	search := func(q string) people.SearchResult {
		t.Helper()
		res, err := s.Search(ctx, viewer, people.SearchQuery{Q: q, Tab: people.TabPeople})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		return res
	}
	for _, q := range []string{"ada", "ADA", "@ada", " ada "} {
		res := search(q)
		got := names(res)
		if !strings.HasPrefix(got, "ada,") {
			t.Errorf("%q: the exact username is not first: %s", q, got)
		}
		for _, want := range []string{"zed", "adalbert", "quinn"} {
			if !strings.Contains(got, want) {
				t.Errorf("%q: %s not found (prefix match): %s", q, want, got)
			}
		}
		if strings.Contains(got, "adam") || res.Counts[people.TabPeople] != 4 {
			t.Errorf("%q: the deactivated user counts or appears: %s (%d)", q, got, res.Counts[people.TabPeople])
		}
	}
	// The username weighs more than a name: "adalbert" (username) before "quinn" (last name).
	if got := names(search("ada")); strings.Index(got, "adalbert") > strings.Index(got, "quinn") {
		t.Errorf("username prefix ranks below a name prefix: %s", got)
	}
	if got := names(search("lov")); got != "zed" {
		t.Errorf("prefix of a last name: %s", got)
	}
	if got := names(search("ada lovel")); got != "zed" {
		t.Errorf("two words must both match: %s", got)
	}
	res := search("lovelace")
	if len(res.People) != 1 || res.People[0].Hit.HiLastName != store.HighlightStart+"Lovelace"+store.HighlightEnd {
		t.Errorf("highlight: %+v", res.People)
	}
	// Suggestions follow the same rules.
	sug, err := s.Suggest(ctx, viewer, "ada")
	if err != nil || len(sug.People) == 0 || sug.People[0].Hit.User.Username != "ada" {
		t.Fatalf("suggest: %+v %v", sug, err)
	}
	for _, p := range sug.People {
		if p.Hit.User.Username == "adam" {
			t.Error("a deactivated user is suggested")
		}
	}
	// Paging.
	page1, _ := s.Search(ctx, viewer, people.SearchQuery{Q: "ada", PageSize: 2, Page: 1})
	page2, _ := s.Search(ctx, viewer, people.SearchQuery{Q: "ada", PageSize: 2, Page: 2})
	if len(page1.People) != 2 || !page1.HasNext || len(page2.People) != 2 || page2.HasNext || names(page1) == names(page2) {
		t.Errorf("pages: %s (%v) / %s (%v)", names(page1), page1.HasNext, names(page2), page2.HasNext)
	}
}

func TestSearchPostsAndTabs(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	s := app.State.People
	ada := mkUser(t, app, "ada", "Ada", "Lovelace")
	bob := mkUser(t, app, "bob", "Bob", "Stone")
	for _, c := range []string{"Recursion explained: a function that calls itself",
		"I love recursive descent parsers", "Nothing to see here"} {
		if _, err := app.State.Feed.CreatePost(ctx, ada, c, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := app.State.Feed.CreatePost(ctx, bob, "recursion recursion recursion", nil); err != nil {
		t.Fatal(err)
	}
	res, err := s.Search(ctx, ada, people.SearchQuery{Q: "recurs", Tab: people.TabPosts})
	if err != nil || res.Counts[people.TabPosts] != 3 || len(res.Posts) != 3 {
		t.Fatalf("posts: %+v %v", res, err)
	}
	// Without a tab asked for, the search opens on the first tab with results: nobody
	// is called "recurs…", so the posts; asked for people, it stays there (empty).
	if auto, err := s.Search(ctx, ada, people.SearchQuery{Q: "recurs"}); err != nil || auto.Tab != people.TabPosts || len(auto.Posts) != 3 {
		t.Errorf("no tab: opened on %q with %d posts, %v", auto.Tab, len(auto.Posts), err)
	}
	if asked, err := s.Search(ctx, ada, people.SearchQuery{Q: "recurs", Tab: people.TabPeople}); err != nil || asked.Tab != people.TabPeople || len(asked.People) != 0 {
		t.Errorf("people asked for: %q, %d people, %v", asked.Tab, len(asked.People), err)
	}
	if named, err := s.Search(ctx, ada, people.SearchQuery{Q: "ada"}); err != nil || named.Tab != people.TabPeople {
		t.Errorf("a name: opened on %q, %v", named.Tab, err)
	}
	// bm25: the post that repeats the word ranks first.
	if res.Posts[0].Post.Author.Username != "bob" {
		t.Errorf("ranking: first is %q", res.Posts[0].Post.Content)
	}
	if !strings.Contains(res.Posts[1].Snippet+res.Posts[2].Snippet, store.HighlightStart+"Recursion"+store.HighlightEnd) {
		t.Errorf("snippets: %q %q", res.Posts[1].Snippet, res.Posts[2].Snippet)
	}
	// Deactivated authors' posts disappear from search.
	if err := app.State.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.SetUserActive(ctx, bob.ID, false) }); err != nil {
		t.Fatal(err)
	}
	res, _ = s.Search(ctx, ada, people.SearchQuery{Q: "recurs", Tab: people.TabPosts})
	if res.Counts[people.TabPosts] != 2 || len(res.Posts) != 2 {
		t.Errorf("a deactivated author's post is found: %d", res.Counts[people.TabPosts])
	}
	// Anonymous callers get no posts.
	res, _ = s.Search(ctx, store.User{}, people.SearchQuery{Q: "recurs", Tab: people.TabPosts})
	if res.Counts[people.TabPosts] != 0 || len(res.Posts) != 0 {
		t.Errorf("anonymous search found posts")
	}
	// Nothing searchable: an empty result, not an error.
	for _, q := range []string{"", "   ", "***", `"`, "--"} {
		res, err := s.Search(ctx, ada, people.SearchQuery{Q: q})
		if err != nil || res.Total() != 0 {
			t.Errorf("%q: %v %v", q, res.Total(), err)
		}
	}
}

func TestPieces(t *testing.T) {
	t.Parallel()
	m, e := store.HighlightStart, store.HighlightEnd
	got := people.Pieces("a " + m + "<b>" + e + " c " + m + "d" + e)
	want := []people.Piece{{"a ", false}, {"<b>", true}, {" c ", false}, {"d", true}}
	if len(got) != len(want) {
		t.Fatalf("%+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%+v", got)
		}
	}
	if h := people.MarkedHTML("x<" + m + "<script>" + e + "&"); h != "x&lt;<mark>&lt;script&gt;</mark>&amp;" {
		t.Errorf("MarkedHTML: %s", h)
	}
	if people.Plain("a"+m+"b"+e) != "ab" {
		t.Error("Plain")
	}
}

// FuzzSearch: whatever a person types — FTS5 operators, quotes, column filters, NUL
// bytes, broken UTF-8, huge input — every tab and the suggestions answer without error.
func FuzzSearch(f *testing.F) {
	app := apptest.StartRelaxed(f)
	ctx := context.Background()
	ada := mkUser(f, app, "ada", "Ada", "Lovelace")
	if _, err := app.State.Feed.CreatePost(ctx, ada, "Recursion and \"quotes\" AND OR NOT near(x y) col:umn", nil); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{"", "ada", `"`, `""`, `"ada`, "ada*", "*", "^ada", "ada OR bob", "NOT ada", "ada AND",
		"NEAR(ada bob, 2)", "username:ada", "{username first_name}:ada", "(ada", "ada)", "-ada", "+ada", "a\x00b",
		"\xff\xfe", "日本語", "Ünïcödé", "@", "@@ada", strings.Repeat("ada ", 500), strings.Repeat("a", 5000), "\x02x\x03", "'; DROP TABLE users; --"} {
		f.Add(seed)
	}
	s := app.State.People
	f.Fuzz(func(t *testing.T, q string) {
		for _, tab := range people.Tabs {
			res, err := s.Search(ctx, ada, people.SearchQuery{Q: q, Tab: tab, Page: 1, PageSize: 5})
			if err != nil {
				t.Fatalf("search %q in %s: %v", q, tab, err)
			}
			if !utf8.ValidString(res.Q) && utf8.ValidString(q) {
				t.Fatalf("query %q became invalid UTF-8", q)
			}
		}
		if _, err := s.Suggest(ctx, ada, q); err != nil {
			t.Fatalf("suggest %q: %v", q, err)
		}
	})
}
