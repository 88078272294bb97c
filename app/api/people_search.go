package api

import (
	"net/http"
	"net/url"
	"strings"

	"eplatform/app/people"
	"eplatform/app/store"
	"eplatform/app/text"
)

// PersonHitJSON is a person in search results and suggestions. Location is null unless
// the person's privacy settings let the caller see it.
type PersonHitJSON struct {
	ID             int64   `json:"id"`
	Username       string  `json:"username"`
	FirstName      string  `json:"first_name"`
	LastName       string  `json:"last_name"`
	FullName       string  `json:"full_name"`
	UserType       string  `json:"user_type"`
	ProfilePicture *string `json:"profile_picture"`
	Location       *string `json:"location"`
	URL            string  `json:"url"`
	// The names with the matched words in <mark>, every byte of them HTML-escaped.
	UsernameHTML string `json:"username_html,omitempty"`
	FullNameHTML string `json:"full_name_html,omitempty"`
}

// PostHitJSON is a post in search results.
type PostHitJSON struct {
	ID            int64         `json:"id"`
	User          PersonHitJSON `json:"user"`
	Content       string        `json:"content"`
	Snippet       string        `json:"snippet"`
	SnippetHTML   string        `json:"snippet_html"`
	CreatedAt     string        `json:"created_at"`
	LikesCount    int           `json:"likes_count"`
	CommentsCount int           `json:"comments_count"`
	URL           string        `json:"url"`
}

// SubjectHitJSON is a subject in search results and suggestions.
type SubjectHitJSON struct {
	ID            int64  `json:"id"`
	Code          string `json:"code"`
	Name          string `json:"name"`
	Description   string `json:"description,omitempty"`
	Instructor    string `json:"instructor,omitempty"`
	StudentsCount int    `json:"students_count"`
	URL           string `json:"url"`
	NameHTML      string `json:"name_html,omitempty"`
	SnippetHTML   string `json:"snippet_html,omitempty"`
}

func (a *API) personHit(u store.UserMini, location string, hit *store.PersonHit) PersonHitJSON {
	out := PersonHitJSON{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName,
		FullName: strings.TrimSpace(u.FirstName + " " + u.LastName), UserType: u.UserType,
		ProfilePicture: a.pictureURL(u.ProfilePicture), URL: "/home/profile/" + url.PathEscape(u.Username) + "/"}
	if location != "" {
		out.Location = &location
	}
	if hit != nil {
		out.UsernameHTML = people.MarkedHTML(hit.HiUsername)
		out.FullNameHTML = people.MarkedHTML(strings.TrimSpace(hit.HiFirstName + " " + hit.HiLastName))
	}
	return out
}

func subjectHit(s store.SubjectHit, full bool) SubjectHitJSON {
	out := SubjectHitJSON{ID: s.ID, Code: s.Code, Name: s.Name, StudentsCount: s.StudentsCount,
		URL: "/home/subjects/" + url.PathEscape(s.Code) + "/"}
	if full {
		out.Description, out.Instructor = s.Description, s.Instructor
		out.NameHTML, out.SnippetHTML = people.MarkedHTML(s.HiName), people.MarkedHTML(s.Snippet)
	}
	return out
}

// searchPage is the list shape plus the type searched and every type's count.
type searchPage struct {
	listPage
	Type   string         `json:"type"`
	Counts map[string]int `json:"counts"`
}

func (a *API) search(w http.ResponseWriter, r *http.Request) {
	pg, errs := readPaging(r, defaultPageSize)
	typ := r.URL.Query().Get("type")
	if typ == "" {
		typ = people.TabPeople
	}
	if !people.ValidTab(typ) {
		errs["type"] = []string{"Must be people, posts or subjects."}
	}
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	if a.limited(w, r, a.st.Limits.Search) {
		return
	}
	res, err := a.st.People.Search(r.Context(), viewer(r), people.SearchQuery{Q: r.URL.Query().Get("q"), Tab: typ, Page: pg.Page, PageSize: pg.Size})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var results any
	switch typ {
	case people.TabPosts:
		list := []PostHitJSON{}
		for _, h := range res.Posts {
			p := h.Post
			list = append(list, PostHitJSON{ID: p.ID, User: a.personHit(p.Author, "", nil), Content: p.Content,
				Snippet: people.Plain(h.Snippet), SnippetHTML: people.MarkedHTML(h.Snippet), CreatedAt: iso(p.CreatedAt),
				LikesCount: p.LikesCount, CommentsCount: p.CommentsCount, URL: "/home/post/" + text.Itoa(p.ID) + "/"})
		}
		results = list
	case people.TabSubjects:
		list := []SubjectHitJSON{}
		for _, s := range res.Subjects {
			list = append(list, subjectHit(s, true))
		}
		results = list
	default:
		list := []PersonHitJSON{}
		for _, h := range res.People {
			list = append(list, a.personHit(h.Hit.User, h.Location, &h.Hit))
		}
		results = list
	}
	counts := map[string]int{}
	for _, t := range people.Tabs {
		counts[t] = res.Counts[t]
	}
	writeJSON(w, http.StatusOK, searchPage{listPage: a.newListPage(r, pg, res.Total(), results), Type: typ, Counts: counts})
}

func (a *API) suggest(w http.ResponseWriter, r *http.Request) {
	s, err := a.st.People.Suggest(r.Context(), viewer(r), r.URL.Query().Get("q"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := struct {
		People   []PersonHitJSON  `json:"people"`
		Subjects []SubjectHitJSON `json:"subjects"`
	}{People: []PersonHitJSON{}, Subjects: []SubjectHitJSON{}}
	for _, p := range s.People {
		out.People = append(out.People, a.personHit(p.Hit.User, p.Location, nil))
	}
	for _, sub := range s.Subjects {
		out.Subjects = append(out.Subjects, subjectHit(sub, false))
	}
	writeJSON(w, http.StatusOK, out)
}
