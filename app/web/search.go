package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"eplatform/app/people"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/views"
)

// SearchPageSize is how many results a search page shows.
const SearchPageSize = 20

var tabLabels = map[string]string{people.TabPeople: "People", people.TabPosts: "Posts", people.TabSubjects: "Subjects"}

// countText is a tab's count: "1000+" past the cap.
func countText(n int) string {
	if n > people.CountCap {
		return strconv.Itoa(people.CountCap) + "+"
	}
	return strconv.Itoa(n)
}

func pieces(marked string) []views.Piece {
	ps := people.Pieces(marked)
	out := make([]views.Piece, len(ps))
	for i, p := range ps {
		out[i] = views.Piece{Text: p.Text, Match: p.Match}
	}
	return out
}

func searchURL(q, tab string, page int) string {
	v := url.Values{"q": {q}, "tab": {tab}}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return "/home/search/?" + v.Encode()
}

// search is /home/search/?q=…&tab=…&page=…: the full-text search page. Without a
// query it shows the search form alone.
func (h *Web) search(w http.ResponseWriter, r *http.Request) {
	qs := r.URL.Query()
	q := strings.TrimSpace(qs.Get("q"))
	tab := qs.Get("tab") // "": the first tab with results
	if tab != "" && !people.ValidTab(tab) {
		h.fail(w, r, problem.Field("tab", "Select a valid choice: people, posts or subjects."), "")
		return
	}
	page := 1
	if v := qs.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			h.fail(w, r, problem.Field("page", "A valid integer is required."), "")
			return
		}
		page = max(1, min(n, 1000))
	}
	if q != "" && !h.allow(w, r, h.st.Limits.Search) {
		return
	}
	viewer, _ := identity(r.Context())
	res, err := h.st.People.Search(r.Context(), viewer, people.SearchQuery{Q: q, Tab: tab, Page: page, PageSize: SearchPageSize})
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	d := views.SearchData{Q: res.Q, Tab: res.Tab}
	for _, t := range people.Tabs {
		d.Tabs = append(d.Tabs, views.SearchTab{Key: t, Label: tabLabels[t], Count: countText(res.Counts[t]),
			URL: searchURL(res.Q, t, 1), Active: t == res.Tab})
	}
	n := res.Total()
	noun := map[string][2]string{people.TabPeople: {"person", "people"}, people.TabPosts: {"post", "posts"},
		people.TabSubjects: {"subject", "subjects"}}[res.Tab]
	if n == 1 {
		d.Summary = "1 " + noun[0] + " found"
	} else {
		d.Summary = countText(n) + " " + noun[1] + " found"
	}
	if res.Tab == people.TabPosts && n > people.CountCap {
		d.Summary += "; the best matches among the newest " + strconv.Itoa(store.PostSearchWindow) + " are shown"
	}
	now := h.st.Now()
	for _, pr := range res.People {
		u := pr.Hit.User
		name := strings.TrimSpace(pr.Hit.HiFirstName + " " + pr.Hit.HiLastName)
		if name == "" {
			name = pr.Hit.HiUsername
		}
		d.People = append(d.People, views.PersonResultView{Person: person(u), Name: pieces(name),
			Username: pieces(pr.Hit.HiUsername), Location: pr.Location})
	}
	for _, ph := range res.Posts {
		p := ph.Post
		v := views.PostResultView{ID: p.ID, Author: person(p.Author), Snippet: pieces(ph.Snippet),
			Created: isoTime(p.CreatedAt), CreatedAgo: ago(r.Context(), p.CreatedAt, now), LikesCount: p.LikesCount, CommentsCount: p.CommentsCount}
		if p.Media != nil {
			v.MediaKind = p.Media.Kind
		}
		d.Posts = append(d.Posts, v)
	}
	for _, s := range res.Subjects {
		d.Subjects = append(d.Subjects, views.SubjectResultView{Code: s.Code, Name: pieces(s.HiName), CodeHi: pieces(s.HiCode),
			Snippet: pieces(s.Snippet), Instructor: s.Instructor, StudentsCount: s.StudentsCount})
	}
	if res.Page > 1 {
		d.PrevURL = searchURL(res.Q, res.Tab, res.Page-1)
	}
	if res.HasNext {
		d.NextURL = searchURL(res.Q, res.Tab, res.Page+1)
	}
	title := "Search"
	if res.Q != "" {
		title = res.Q + " · Search"
	}
	h.render(w, r, http.StatusOK, views.SearchPage(h.page(w, r, title, "search"), d))
}
