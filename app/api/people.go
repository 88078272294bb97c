package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"eplatform/app/auth"
	"eplatform/app/people"
	"eplatform/app/store"
)

// Profiles: /api/profiles/{username}/ is anyone's profile as the caller may see it
// (anonymous callers too); /api/profile/ is the caller's own, complete, with PATCH
// for its fields and privacy and CRUD for the five kinds of entries. The privacy rules
// are people's; these handlers only translate.

// ProfileUserJSON is the account part of a profile.
type ProfileUserJSON struct {
	ID             int64   `json:"id"`
	Username       string  `json:"username"`
	FirstName      string  `json:"first_name"`
	LastName       string  `json:"last_name"`
	FullName       string  `json:"full_name"`
	UserType       string  `json:"user_type"`
	ProfilePicture *string `json:"profile_picture"`
	DateJoined     string  `json:"date_joined"`
}

// ProfileJSON is a profile as the caller may see it: a section the caller may not see
// is null (an empty one the caller sees is "" or []).
type ProfileJSON struct {
	User           ProfileUserJSON    `json:"user"`
	URL            string             `json:"url"`
	Email          *string            `json:"email"`
	Bio            *string            `json:"bio"`
	Location       *string            `json:"location"`
	Website        *string            `json:"website"`
	SocialLinks    map[string]string  `json:"social_links"`
	Education      []map[string]any   `json:"education"`
	Experience     []map[string]any   `json:"experience"`
	Skills         []map[string]any   `json:"skills"`
	Projects       []map[string]any   `json:"projects"`
	Certifications []map[string]any   `json:"certifications"`
	IsOnline       *bool              `json:"is_online"`
	LastSeen       *string            `json:"last_seen"`
	Birthdate      *string            `json:"birthdate,omitempty"`        // own profile only
	Privacy        map[string]string  `json:"privacy_settings,omitempty"` // own profile only
	Completion     *people.Completion `json:"completion,omitempty"`       // own profile only
}

func (a *API) pictureURL(path string) *string {
	if path == "" {
		return nil
	}
	u := a.st.Config.BaseURL + "/media/" + path
	return &u
}

func (a *API) projectImageURL(username string, id int64) string {
	return a.st.Config.BaseURL + "/home/profile/" + url.PathEscape(username) + "/projects/" + strconv.FormatInt(id, 10) + "/image/"
}

// entryJSON is an entry: its kind's fields (proficiency a number, empty dates null),
// is_visible, position, times, and a project's image URL.
func (a *API) entryJSON(username string, e store.ProfileEntry) map[string]any {
	out := map[string]any{"id": e.ID, "kind": e.Kind, "is_visible": e.IsVisible, "position": e.Position,
		"created_at": iso(e.CreatedAt), "updated_at": iso(e.UpdatedAt)}
	k, _ := people.KindOf(e.Kind) // stored entries have a known kind
	for _, f := range k.Fields {
		v := e.F(f.Name)
		switch {
		case f.Type == "proficiency":
			n, err := strconv.Atoi(v)
			if err != nil {
				n = people.DefaultProficiency // the rules store only 1–5; a corrupt row shows the default
			}
			out[f.Name] = n
		case f.Type == "date" && v == "":
			out[f.Name] = nil
		default:
			out[f.Name] = v
		}
	}
	if k.HasImage {
		out["image"] = nil
		if e.F("image_path") != "" {
			out["image"] = a.projectImageURL(username, e.ID)
		}
	}
	return out
}

func (a *API) profileJSON(p people.Profile) ProfileJSON {
	u := p.Person
	out := ProfileJSON{
		User: ProfileUserJSON{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName,
			FullName: strings.TrimSpace(u.FirstName + " " + u.LastName), UserType: u.Role,
			ProfilePicture: a.pictureURL(u.Picture), DateJoined: iso(u.DateJoined)},
		URL: a.st.Config.BaseURL + "/home/profile/" + url.PathEscape(u.Username) + "/",
	}
	str := func(section, v string) *string {
		if !p.Sections[section] {
			return nil
		}
		return &v
	}
	out.Email = str(people.SecEmail, u.Email)
	out.Bio = str(people.SecBio, p.Bio)
	out.Location = str(people.SecLocation, p.Location)
	out.Website = str(people.SecWebsite, p.Website)
	if p.Sections[people.SecSocialLinks] {
		out.SocialLinks = map[string]string{}
		for _, s := range p.Social {
			out.SocialLinks[s.Key] = s.URL
		}
	}
	entries := func(kind string) []map[string]any {
		if !p.Sections[kind] {
			return nil
		}
		list := []map[string]any{}
		for _, e := range p.Entries[kind] {
			list = append(list, a.entryJSON(u.Username, e))
		}
		return list
	}
	out.Education = entries(people.SecEducation)
	out.Experience = entries(people.SecExperience)
	out.Skills = entries(people.SecSkills)
	out.Projects = entries(people.SecProjects)
	out.Certifications = entries(people.SecCertifications)
	if p.ShowPresence {
		online := p.Online
		out.IsOnline = &online
		if !p.LastSeen.IsZero() {
			s := iso(p.LastSeen)
			out.LastSeen = &s
		}
	}
	if p.IsOwner() {
		out.Privacy = map[string]string{}
		for _, sec := range people.Sections {
			out.Privacy[sec] = people.Level(p.Privacy, sec)
		}
		c := p.Completion
		if c.Missing == nil {
			c.Missing = []string{}
		}
		out.Completion = &c
	}
	return out
}

// caller is the signed-in caller, or the zero user for anonymous requests.
func caller(r *http.Request) store.User {
	id, _ := auth.FromContext(r.Context())
	return id.User
}

func (a *API) getProfile(w http.ResponseWriter, r *http.Request) {
	p, err := a.st.People.View(r.Context(), caller(r), r.PathValue("username"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.profileJSON(p))
}

func (a *API) writeOwnProfile(w http.ResponseWriter, r *http.Request) {
	me := viewer(r)
	p, err := a.st.People.Own(r.Context(), me)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := a.profileJSON(p)
	if p.Birthdate != "" {
		b := p.Birthdate
		out.Birthdate = &b
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) ownProfile(w http.ResponseWriter, r *http.Request) { a.writeOwnProfile(w, r) }

// optStr reads an optional string field: nil when absent; a wrong type is the field's error.
func (f *fields) optStr(name string) *string {
	if !f.has(name) {
		return nil
	}
	v := f.str(name)
	return &v
}

// strMap reads an object of strings (social_links, privacy_settings).
func (f *fields) strMap(name string) map[string]*string {
	raw, ok := f.m[name]
	if !ok || raw == nil {
		return nil
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		f.errs.Add(name, "Must be an object.")
		return nil
	}
	out := map[string]*string{}
	for k, v := range obj {
		switch s := v.(type) {
		case string:
			out[k] = &s
		case nil:
			empty := ""
			out[k] = &empty
		default:
			f.errs.Add(name, k+": not a valid string.")
		}
	}
	return out
}

func (a *API) patchProfile(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	in := people.ProfileInput{
		Account: auth.AccountUpdate{Email: f.optStr("email"), FirstName: f.optStr("first_name"),
			LastName: f.optStr("last_name"), Birthdate: f.optStr("birthdate")},
		Bio: f.optStr("bio"), Location: f.optStr("location"), Website: f.optStr("website"),
		Social: f.strMap("social_links"), Privacy: f.strMap("privacy_settings"),
	}
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return
	}
	if err := a.st.People.Update(r.Context(), viewer(r), in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeOwnProfile(w, r)
}

// kindParam reads {kind}; an unknown kind is a 404.
func kindParam(w http.ResponseWriter, r *http.Request) (people.Kind, bool) {
	k, ok := people.KindOf(r.PathValue("kind"))
	if !ok {
		detail(w, http.StatusNotFound, "Not found.")
	}
	return k, ok
}

func (a *API) listEntries(w http.ResponseWriter, r *http.Request) {
	k, ok := kindParam(w, r)
	if !ok {
		return
	}
	pg, errs := readPaging(r, defaultPageSize)
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	a.writeEntries(w, r, k, pg)
}

func (a *API) writeEntries(w http.ResponseWriter, r *http.Request, k people.Kind, pg paging) {
	me := viewer(r)
	list, err := a.st.People.Entries(r.Context(), me, k.Name)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []map[string]any{}
	for i, e := range list {
		if i >= pg.offset() && i < pg.offset()+pg.Size {
			out = append(out, a.entryJSON(me.Username, e))
		}
	}
	writeJSON(w, http.StatusOK, a.newListPage(r, pg, len(list), out))
}

// entryInput reads an entry body: the kind's fields as strings (proficiency may be a
// number) and is_visible as a boolean.
func entryInput(f *fields, partial bool) people.EntryInput {
	in := people.EntryInput{Values: map[string]string{}, Partial: partial}
	for name, v := range f.m {
		switch name {
		case "is_visible":
			switch b := v.(type) {
			case bool:
				in.Visible = &b
			default:
				f.errs.Add(name, "Must be true or false.")
			}
			continue
		case "id", "kind", "position", "created_at", "updated_at", "image":
			continue // read-only fields a client may send back
		}
		switch x := v.(type) {
		case string:
			in.Values[name] = x
		case float64:
			in.Values[name] = strconv.FormatFloat(x, 'f', -1, 64)
		case nil:
			in.Values[name] = ""
		default:
			f.errs.Add(name, "Not a valid string.")
		}
	}
	return in
}

func (a *API) createEntry(w http.ResponseWriter, r *http.Request) {
	k, ok := kindParam(w, r)
	if !ok {
		return
	}
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	in := entryInput(f, false)
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return
	}
	me := viewer(r)
	e, err := a.st.People.AddEntry(r.Context(), me, k.Name, in)
	a.entryResult(w, r, me, e, err, http.StatusCreated)
}

func (a *API) entryResult(w http.ResponseWriter, r *http.Request, me store.User, e store.ProfileEntry, err error, status int) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, a.entryJSON(me.Username, e))
}

func (a *API) getEntry(w http.ResponseWriter, r *http.Request) {
	k, ok := kindParam(w, r)
	if !ok {
		return
	}
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	me := viewer(r)
	e, err := a.st.People.Entry(r.Context(), me, k.Name, id)
	a.entryResult(w, r, me, e, err, http.StatusOK)
}

func (a *API) updateEntry(w http.ResponseWriter, r *http.Request) {
	k, ok := kindParam(w, r)
	if !ok {
		return
	}
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	in := entryInput(f, r.Method == http.MethodPatch)
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return
	}
	me := viewer(r)
	e, err := a.st.People.UpdateEntry(r.Context(), me, k.Name, id, in)
	a.entryResult(w, r, me, e, err, http.StatusOK)
}

func (a *API) deleteEntry(w http.ResponseWriter, r *http.Request) {
	k, ok := kindParam(w, r)
	if !ok {
		return
	}
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if err := a.st.People.DeleteEntry(r.Context(), viewer(r), k.Name, id); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) moveEntry(w http.ResponseWriter, r *http.Request) {
	k, ok := kindParam(w, r)
	if !ok {
		return
	}
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	dir := f.str("direction")
	errs := f.merge(nil)
	if dir != "up" && dir != "down" && !errs.Has("direction") {
		errs.Add("direction", "Must be up or down.")
	}
	if len(errs) > 0 {
		fieldErrors(w, errs)
		return
	}
	delta := 1
	if dir == "up" {
		delta = -1
	}
	if err := a.st.People.MoveEntry(r.Context(), viewer(r), k.Name, id, delta); err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeEntries(w, r, k, paging{Page: 1, Size: people.MaxEntries})
}

func (a *API) projectImage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Upload) {
		return
	}
	data, name, ok := readPicture(w, r, "image")
	if !ok {
		return
	}
	me := viewer(r)
	e, err := a.st.People.UpdateEntry(r.Context(), me, store.ProfileProjects, id,
		people.EntryInput{Partial: true, Image: &people.Upload{Name: name, Data: data}})
	a.entryResult(w, r, me, e, err, http.StatusOK)
}
