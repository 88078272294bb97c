package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"eplatform/app/feed"
	"eplatform/app/people"
	"eplatform/app/store"
	"eplatform/views"
)

// Profiles. URL scheme:
//
//	/home/profile/                   your own profile (sign-in required)
//	/home/profile/{username}/        anyone's profile, privacy-filtered (no sign-in needed)
//	/home/me/…                       everything that changes your profile (see routes_people.go)
//
// The original put its edit pages under /home/profile/ too (/home/profile/edit/,
// /home/profile/skills/add/, …), so a user called "edit" or "skills" had no reachable
// profile. Here a username always wins: /home/profile/edit/ shows the user "edit"
// if there is one, and only otherwise redirects to the new place of the original page,
// so old links and bookmarks keep working.

// legacyPaths maps the original's fixed names under /home/profile/ to their new place.
var legacyPaths = map[string]string{
	"edit":             "/home/me/edit/",
	"social-links":     "/home/me/edit/#social",
	"privacy-settings": "/home/me/edit/#privacy",
	"upload-picture":   "/home/me/edit/#picture",
}

// legacyPrefix maps the first segment of an original sub-path to its new prefix.
func legacyPrefix(name string) (string, bool) {
	switch name {
	case "edit", "social-links", "privacy-settings":
		return "/home/me/" + name + "/", true
	case "upload-picture":
		return "/home/me/picture/", true
	}
	if _, ok := people.KindOf(name); ok {
		return "/home/me/" + name + "/", true
	}
	return "", false
}

func (h *Web) ownProfile(w http.ResponseWriter, r *http.Request) {
	me, _ := identity(r.Context())
	prof, err := h.st.People.Own(r.Context(), me)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.renderProfile(w, r, prof)
}

// profileOrLegacy shows the profile of {username}; when nobody has that name and it
// is one of the original's fixed pages, it redirects there.
func (h *Web) profileOrLegacy(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("username")
	viewer, _ := identity(r.Context())
	prof, err := h.st.People.View(r.Context(), viewer, name)
	if errors.Is(err, store.ErrNotFound) {
		if to, ok := legacyPaths[name]; ok {
			http.Redirect(w, r, to, http.StatusFound)
			return
		}
		if _, ok := people.KindOf(name); ok {
			http.Redirect(w, r, "/home/profile/#"+name, http.StatusFound)
			return
		}
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.renderProfile(w, r, prof)
}

// legacyAction sends the original's profile sub-paths (/home/profile/skills/add/,
// /home/profile/skills/3/edit/, …) to their place under /home/me/. 308 keeps the
// method and body of a form post.
func (h *Web) legacyAction(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/home/profile/")
	first, tail, _ := strings.Cut(rest, "/")
	prefix, ok := legacyPrefix(first)
	if !ok {
		h.notFound(w, r)
		return
	}
	to := prefix + tail
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, to, http.StatusPermanentRedirect)
}

func (h *Web) renderProfile(w http.ResponseWriter, r *http.Request, prof people.Profile) {
	viewer, signedIn := identity(r.Context())
	now := h.st.Now()
	d := views.ProfileData{
		IsOwner: prof.IsOwner(), SignedIn: signedIn,
		Bio: prof.Bio, Location: prof.Location, Website: prof.Website, Email: prof.Person.Email,
		Joined: prof.Person.DateJoined.Format("January 2006"), ShowPresence: prof.ShowPresence, Online: prof.Online,
		ShowPosts: prof.ShowPosts,
	}
	d.Person = person(store.UserMini{ID: prof.Person.ID, Username: prof.Person.Username, FirstName: prof.Person.FirstName,
		LastName: prof.Person.LastName, UserType: prof.Person.Role, ProfilePicture: prof.Person.Picture})
	if signedIn && !prof.IsOwner() {
		var err error
		if d.Blocked, err = h.st.Moderation.Blocks(r.Context(), viewer, prof.Person.ID); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	if !prof.LastSeen.IsZero() {
		d.LastSeen = ago(r.Context(), prof.LastSeen, now)
	}
	for _, s := range prof.Social {
		d.Social = append(d.Social, views.SocialLinkView{Key: s.Key, Label: s.Label, URL: s.URL})
	}
	if prof.IsOwner() {
		d.Completion, d.Missing = prof.Completion.Percent, prof.Completion.Missing
		for _, sec := range []struct{ key, label string }{{people.SecBio, "Bio"}, {people.SecLocation, "Location"},
			{people.SecWebsite, "Website"}, {people.SecSocialLinks, "Social links"}, {people.SecEmail, "Email"}} {
			d.Privacy = append(d.Privacy, views.PrivacyNote{Label: sec.label, Level: people.LevelLabel(people.Level(prof.Privacy, sec.key))})
		}
	}
	for _, k := range people.Kinds {
		entries := prof.Entries[k.Name]
		if !prof.IsOwner() && len(entries) == 0 {
			continue // hidden by privacy, or empty: nothing to show a visitor
		}
		s := views.SectionView{Kind: k.Name, Title: k.Title, Singular: k.Singular, Icon: k.Icon}
		if prof.IsOwner() {
			s.LevelLabel = people.LevelLabel(people.Level(prof.Privacy, k.Name))
		}
		for i, e := range entries {
			ev := entryView(prof.Person.Username, e)
			ev.First, ev.Last = i == 0, i == len(entries)-1
			s.Entries = append(s.Entries, ev)
		}
		d.Sections = append(d.Sections, s)
	}
	if prof.ShowPosts {
		posts, err := h.st.People.RecentPosts(r.Context(), prof.Person.ID, 5)
		if err != nil {
			h.fail(w, r, err, "")
			return
		}
		items, known, err := h.st.Feed.Decorate(r.Context(), viewer, posts, feed.CommentsPerCard)
		if err != nil {
			h.fail(w, r, err, "")
			return
		}
		for _, it := range items {
			d.Posts = append(d.Posts, h.postView(r.Context(), it, viewer, known))
		}
	}
	title := d.Person.Name
	if prof.IsOwner() {
		title = "My profile"
	}
	p := h.page(w, r, title, "")
	if prof.IsOwner() {
		p.Nav = "profile"
	}
	p.Next = r.URL.Path
	h.render(w, r, http.StatusOK, views.ProfilePage(p, d))
}

// monthYear turns "2019-09-01" into "Sep 2019".
func monthYear(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return ""
	}
	return t.Format("Jan 2006")
}

func dateRange(start, end, open string) string {
	s, e := monthYear(start), monthYear(end)
	switch {
	case s != "" && e != "":
		return s + " – " + e
	case s != "":
		return s + " – " + open
	case e != "":
		return "until " + e
	}
	return ""
}

// ProjectImagePath is where a project's picture is served (privacy-checked).
func ProjectImagePath(username string, id int64) string {
	return "/home/profile/" + url.PathEscape(username) + "/projects/" + strconv.FormatInt(id, 10) + "/image/"
}

func entryView(username string, e store.ProfileEntry) views.EntryView {
	f := e.F
	v := views.EntryView{ID: e.ID, Kind: e.Kind, Hidden: !e.IsVisible}
	switch e.Kind {
	case store.ProfileEducation:
		v.Title = f("institution")
		v.Subtitle = f("degree")
		if fs := f("field_of_study"); fs != "" {
			v.Subtitle += ", " + fs
		}
		v.Dates = dateRange(f("start_date"), f("end_date"), "present")
		v.Description = f("description")
	case store.ProfileExperience:
		v.Title = f("title")
		v.Subtitle = f("company")
		if l := f("location"); l != "" {
			v.Subtitle += " · " + l
		}
		v.Dates = dateRange(f("start_date"), f("end_date"), "present")
		v.Description = f("description")
	case store.ProfileSkills:
		v.Title = f("name")
		// The rules store 1–5; anything else (a corrupt row) shows no level.
		if n, err := strconv.Atoi(f("proficiency")); err == nil && n >= 1 && n <= 5 {
			v.Proficiency, v.Level = n, people.Proficiency[n]
		}
	case store.ProfileProjects:
		v.Title = f("title")
		v.Description = f("description")
		v.Dates = dateRange(f("start_date"), f("end_date"), "present")
		for _, t := range strings.Split(f("technologies"), ",") {
			if t = strings.TrimSpace(t); t != "" {
				v.Technologies = append(v.Technologies, t)
			}
		}
		v.Link, v.LinkLabel = f("url"), "View project"
		if f("image_path") != "" {
			v.ImageURL = ProjectImagePath(username, e.ID)
		}
	case store.ProfileCertifications:
		v.Title = f("name")
		v.Subtitle = f("issuing_organization")
		if id := f("credential_id"); id != "" {
			if v.Subtitle != "" {
				v.Subtitle += " · "
			}
			v.Subtitle += "Credential " + id
		}
		var dates []string
		if d := monthYear(f("issue_date")); d != "" {
			dates = append(dates, "Issued "+d)
		}
		if d := monthYear(f("expiration_date")); d != "" {
			dates = append(dates, "Expires "+d)
		}
		v.Dates = strings.Join(dates, " · ")
		v.Link, v.LinkLabel = f("credential_url"), "Show credential"
	}
	return v
}

// projectImage serves a project's picture to those who may see the project.
func (h *Web) projectImage(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		http.NotFound(w, r)
		return
	}
	viewer, _ := identity(r.Context())
	rel, err := h.st.People.ProjectImage(r.Context(), viewer, r.PathValue("username"), id)
	if errors.Is(err, store.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	// Privacy can change at any time: the browser may keep it, no shared cache may.
	w.Header().Set("Cache-Control", "private, no-cache")
	if h.st.People.Media.ServeFile(w, r, rel) != nil {
		w.Header().Del("Cache-Control")
		http.NotFound(w, r)
	}
}
