package people

import (
	"context"
	"html"
	"strings"
	"unicode/utf8"

	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
)

// Search tabs.
const (
	TabPeople   = "people"
	TabPosts    = "posts"
	TabSubjects = "subjects"
)

// Tabs lists the search tabs in display order.
var Tabs = []string{TabPeople, TabPosts, TabSubjects}

// CountCap is where tab counts stop: past it a page says "1000+". Counting every match
// of a common word in a large feed costs more than the search itself.
const CountCap = 1000

// MaxQuery is the longest query looked at, in bytes.
const MaxQuery = 200

// SearchQuery is one search.
type SearchQuery struct {
	Q        string
	Tab      string // people (default), posts or subjects
	Page     int    // from 1
	PageSize int
}

// PersonResult is a person found, with what the viewer may see of their profile.
type PersonResult struct {
	Hit      store.PersonHit
	Location string // "" unless visible to the viewer
}

// SearchResult is one page of one tab, with the counts of every tab.
type SearchResult struct {
	Q        string
	Tab      string
	Counts   map[string]int // per tab, capped at CountCap+1 (more than CountCap: "1000+")
	People   []PersonResult
	Posts    []store.PostHit
	Subjects []store.SubjectHit
	Page     int
	PageSize int
	HasNext  bool
}

// Total is the count of the current tab.
func (r SearchResult) Total() int { return r.Counts[r.Tab] }

// ValidTab reports whether tab names a search tab.
func ValidTab(tab string) bool { return tab == TabPeople || tab == TabPosts || tab == TabSubjects }

// query is what the user typed, bounded, with the FTS5 queries built from it.
type query struct {
	clean string
	names string              // people and subjects: every word a prefix
	posts store.PostTextQuery // posts: every word whole but the last, which is a prefix
	exact string              // what an exact username or subject code would equal ("@ada" → "ada")
}

// parseQuery builds the queries. text.FTSQuery makes any input safe for people and
// subjects: every word becomes a quoted prefix term ("word"*), so operators and column
// filters typed by the user are just words. Posts take the words as the index's own
// tokenizer splits and folds them (text.SearchTokens), and the store quotes them.
// Two refinements bound the cost on a large index: a one-character word is matched
// whole, since as a prefix it would expand to a large part of the vocabulary; and in
// posts only the last word (the one being typed) is a prefix, the others are matched
// whole. People and subjects are small tables: there every word of two characters or
// more stays a prefix, so "ada lov" finds Ada Lovelace.
func parseQuery(q string) query {
	q = strings.TrimSpace(q)
	if len(q) > MaxQuery {
		q = strings.ToValidUTF8(q[:MaxQuery], "") // drops a character cut in half
	}
	out := query{clean: q, exact: strings.TrimPrefix(q, "@")}
	terms := strings.Fields(text.FTSQuery(q))
	names := make([]string, len(terms))
	for i, t := range terms {
		word := strings.TrimSuffix(strings.TrimPrefix(t, `"`), `"*`)
		names[i] = t
		if utf8.RuneCountInString(word) < 2 {
			names[i] = `"` + word + `"`
		}
	}
	out.names = strings.Join(names, " ")
	var words []string
	for t := range text.SearchTokens(q) {
		if len(words) == maxWords {
			break
		}
		words = append(words, t)
	}
	if n := len(words); n > 0 && utf8.RuneCountInString(words[n-1]) >= 2 {
		out.posts.Prefix, words = words[n-1], words[:n-1]
	}
	out.posts.Words = words
	return out
}

// maxWords is how many words of a query are searched for: enough to narrow any
// search, and a bound on its cost (text.FTSQuery keeps as many).
const maxWords = 8

// Search runs a search for viewer. Whatever the query holds (FTS5 operators, quotes,
// column filters, control characters) it is only ever words to match: it never
// causes an error. Posts are for signed-in viewers only; people show only what their
// privacy settings let the viewer see. Tab "" is people; an unknown tab is a problem
// naming tab.
func (s *Service) Search(ctx context.Context, viewer store.User, in SearchQuery) (SearchResult, error) {
	q := parseQuery(in.Q)
	// Without a tab asked for, the search opens on the first tab that has results
	// (people, then posts, then subjects), not on an empty one.
	auto := in.Tab == ""
	if auto {
		in.Tab = TabPeople
	}
	if !ValidTab(in.Tab) {
		return SearchResult{}, problem.Field("tab", "Select a valid choice: "+strings.Join(Tabs, ", ")+".")
	}
	if in.Page < 1 {
		in.Page = 1
	}
	if in.PageSize < 1 {
		in.PageSize = 20
	}
	res := SearchResult{Q: q.clean, Tab: in.Tab, Page: in.Page, PageSize: in.PageSize, Counts: map[string]int{}}
	if q.names == "" {
		return res, nil
	}
	a := AudienceOf(-1, viewer) // -1: nobody's profile; anonymous or member
	var err error
	if res.Counts[TabPeople], err = s.DB.CountSearchPeople(ctx, q.names, CountCap+1); err != nil {
		return res, err
	}
	// The posts tab counts its matches while searching them (see below).
	if ShowsPosts(a) && in.Tab != TabPosts {
		if res.Counts[TabPosts], err = s.DB.CountSearchPostHits(ctx, q.posts, CountCap+1); err != nil {
			return res, err
		}
	}
	if res.Counts[TabSubjects], err = s.DB.CountSearchSubjectHits(ctx, q.names, CountCap+1); err != nil {
		return res, err
	}
	if auto && res.Counts[TabPeople] == 0 {
		for _, t := range Tabs[1:] {
			if res.Counts[t] > 0 {
				in.Tab, res.Tab = t, t
				break
			}
		}
	}
	offset := (in.Page - 1) * in.PageSize
	limit := in.PageSize + 1 // one more tells whether there is a next page
	if in.Tab == TabPosts {
		if !ShowsPosts(a) {
			return res, nil
		}
		hits, n, err := s.DB.SearchPostHits(ctx, q.posts, limit, offset)
		if err != nil {
			return res, err
		}
		res.Counts[TabPosts] = n
		res.Posts, res.HasNext = trim(hits, in.PageSize)
		return res, nil
	}
	if offset >= res.Total() {
		return res, nil
	}
	switch in.Tab {
	case TabPeople:
		hits, err := s.DB.SearchPeople(ctx, q.names, q.exact, limit, offset)
		if err != nil {
			return res, err
		}
		hits, res.HasNext = trim(hits, in.PageSize)
		if res.People, err = s.personResults(ctx, viewer, hits); err != nil {
			return res, err
		}
	case TabSubjects:
		hits, err := s.DB.SearchSubjectHits(ctx, q.names, q.exact, limit, offset)
		if err != nil {
			return res, err
		}
		res.Subjects, res.HasNext = trim(hits, in.PageSize)
	}
	return res, nil
}

func trim[T any](s []T, n int) ([]T, bool) {
	if len(s) > n {
		return s[:n], true
	}
	return s, false
}

// personResults adds to each person what the viewer may see of their profile.
func (s *Service) personResults(ctx context.Context, viewer store.User, hits []store.PersonHit) ([]PersonResult, error) {
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.User.ID
	}
	profiles, err := s.DB.ProfilesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]PersonResult, len(hits))
	for i, h := range hits {
		out[i] = PersonResult{Hit: h}
		p := profiles[h.User.ID]
		if Shows(p, SecLocation, AudienceOf(h.User.ID, viewer)) {
			out[i].Location = p.Location
		}
	}
	return out, nil
}

// Suggestions are what the navigation search box offers while typing.
type Suggestions struct {
	People   []PersonResult
	Subjects []store.SubjectHit
}

// Suggest returns a few people and subjects for the search box.
func (s *Service) Suggest(ctx context.Context, viewer store.User, q string) (Suggestions, error) {
	var out Suggestions
	pq := parseQuery(q)
	if pq.names == "" {
		return out, nil
	}
	people, err := s.DB.SearchPeople(ctx, pq.names, pq.exact, 6, 0)
	if err != nil {
		return out, err
	}
	if out.People, err = s.personResults(ctx, viewer, people); err != nil {
		return out, err
	}
	out.Subjects, err = s.DB.SearchSubjectHits(ctx, pq.names, pq.exact, 4, 0)
	return out, err
}

// Piece is a run of a highlighted text: Match marks a matched term.
type Piece struct {
	Text  string
	Match bool
}

// Pieces splits a text marked by snippet() or highlight() into runs, so a view can
// wrap the matches in <mark> while escaping every byte of the text.
func Pieces(marked string) []Piece {
	var out []Piece
	match := false
	for marked != "" {
		i := strings.IndexAny(marked, store.HighlightStart+store.HighlightEnd)
		if i < 0 {
			out = appendPiece(out, marked, match)
			break
		}
		out = appendPiece(out, marked[:i], match)
		match = marked[i] == store.HighlightStart[0]
		marked = marked[i+1:]
	}
	return out
}

func appendPiece(out []Piece, s string, match bool) []Piece {
	if s == "" {
		return out
	}
	if n := len(out); n > 0 && out[n-1].Match == match {
		out[n-1].Text += s
		return out
	}
	return append(out, Piece{Text: s, Match: match})
}

// Plain removes the markers.
func Plain(marked string) string {
	return strings.NewReplacer(store.HighlightStart, "", store.HighlightEnd, "").Replace(marked)
}

// MarkedHTML renders a marked text as HTML for the API: every byte of the text
// escaped, the matches in <mark>.
func MarkedHTML(marked string) string {
	var b strings.Builder
	for _, p := range Pieces(marked) {
		if p.Match {
			b.WriteString("<mark>" + html.EscapeString(p.Text) + "</mark>")
		} else {
			b.WriteString(html.EscapeString(p.Text))
		}
	}
	return b.String()
}

// SearchUsers finds active people other than the viewer whose names start with the
// words of ftsQuery (text.FTSQuery), with the total, for the API's user search.
func (s *Service) SearchUsers(ctx context.Context, viewer store.User, ftsQuery string, limit, offset int) ([]store.UserMini, int, error) {
	count, err := s.DB.CountSearchUsers(ctx, ftsQuery, viewer.ID)
	if err != nil {
		return nil, 0, err
	}
	users, err := s.DB.SearchUsersMini(ctx, ftsQuery, viewer.ID, limit, offset)
	return users, count, err
}
