package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"eplatform/app/auth"
	"eplatform/app/form"
	"eplatform/app/media"
	"eplatform/app/people"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/zone"
	"eplatform/views"
)

// The owner's profile editing under /home/me/. Every form works without JavaScript:
// a valid post redirects back to the profile with a flash; an invalid one shows the
// form again with the messages and status 400, having written nothing.

var privacyLabels = map[string]string{
	people.SecBio: "Bio", people.SecLocation: "Location", people.SecWebsite: "Website",
	people.SecSocialLinks: "Social links", people.SecEmail: "Email address",
	people.SecEducation: "Education", people.SecExperience: "Experience", people.SecSkills: "Skills",
	people.SecProjects: "Projects", people.SecCertifications: "Certifications",
}

// pictureFormLimit is the largest picture form: the picture and room for the form.
const pictureFormLimit = media.MaxPictureBytes + 64<<10

func (h *Web) profileEditForm(w http.ResponseWriter, r *http.Request) {
	h.renderProfileEdit(w, r, http.StatusOK, "", nil, nil)
}

// renderProfileEdit shows the edit page. When a form failed (focus names it: info,
// social, privacy, picture), its fields show what was sent and errs.
func (h *Web) renderProfileEdit(w http.ResponseWriter, r *http.Request, status int, focus string, form url.Values, errs form.Errors) {
	me, _ := identity(r.Context())
	u, prof, err := h.st.People.Editable(r.Context(), me)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	d := views.ProfileEditData{Focus: focus, Errors: formErrors(errs)}
	d.Person = person(store.UserMini{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName,
		UserType: u.UserType, ProfilePicture: u.ProfilePicture})
	value := func(form string, name, current string) string {
		if focus == form && formHas(r, name) {
			return r.PostForm.Get(name)
		}
		return current
	}
	fieldErrs := func(form, name string) []string {
		if focus != form {
			return nil
		}
		return errs[name]
	}
	info := []views.Field{
		{Name: "first_name", Label: "First name", Value: u.FirstName, MaxLength: auth.MaxName, Required: true, Autocomplete: "given-name"},
		{Name: "last_name", Label: "Last name", Value: u.LastName, MaxLength: auth.MaxName, Required: true, Autocomplete: "family-name"},
		{Name: "email", Label: "Email", Type: "email", Value: u.Email, MaxLength: auth.MaxEmail, Required: true, Autocomplete: "email",
			Help: "Only you see it unless you choose otherwise under Privacy."},
		{Name: "birthdate", Label: "Birthdate", Type: "date", Value: u.Birthdate, Optional: true},
		{Name: "bio", Label: "Bio", Type: "textarea", Value: prof.Bio, MaxLength: people.MaxBio, Rows: 5, Optional: true,
			Placeholder: "A few words about you: what you study, teach or like."},
		{Name: "location", Label: "Location", Value: prof.Location, MaxLength: people.MaxLocation, Optional: true},
		{Name: "website", Label: "Website", InputMode: "url", Autocomplete: "url", Value: prof.Website, MaxLength: people.MaxURL, Optional: true,
			Placeholder: "https://…"},
	}
	for _, f := range info {
		f.Value = value("info", f.Name, f.Value)
		f.Errors = fieldErrs("info", f.Name)
		d.Info = append(d.Info, f)
	}
	for _, sn := range people.Socials {
		cur := map[string]string{"linkedin": prof.LinkedIn, "github": prof.GitHub, "twitter": prof.Twitter,
			"facebook": prof.Facebook, "instagram": prof.Instagram}[sn.Key]
		d.Social = append(d.Social, views.Field{Name: sn.Key, Label: sn.Label, InputMode: "url", Value: value("social", sn.Key, cur),
			MaxLength: people.MaxURL, Optional: true, Placeholder: "https://…", Errors: fieldErrs("social", sn.Key)})
	}
	for _, sec := range people.Sections {
		pf := views.PrivacyField{Section: sec, Label: privacyLabels[sec], Level: value("privacy", sec, people.Level(prof.Privacy, sec))}
		if sec == people.SecEmail {
			pf.Help = "Private unless you change it."
		}
		d.Privacy = append(d.Privacy, pf)
	}
	for _, l := range people.Levels {
		d.Levels = append(d.Levels, views.Choice{Value: l, Label: people.LevelLabel(l)})
	}
	d.Zone = zoneField(value("zone", "time_zone", u.TimeZone), fieldErrs("zone", "time_zone"))
	h.render(w, r, status, views.ProfileEditPage(h.page(w, r, "Edit profile", "profile"), d))
}

// zoneField is the time zone select: "not set" and the zones of app/zone, plus the
// current value when it is a name the list leaves out (an alias a browser reported).
func zoneField(cur string, errs []string) views.Field {
	opts := []views.Option{{Value: "", Label: "Not set: times in UTC"}}
	if cur != "" && !zone.Offered(cur) {
		opts = append(opts, views.Option{Value: cur, Label: cur})
	}
	for _, n := range zone.Names() {
		opts = append(opts, views.Option{Value: n, Label: strings.ReplaceAll(n, "_", " ")})
	}
	return views.Field{Name: "time_zone", Label: "Time zone", Type: "select", Value: cur, Options: opts, Optional: true, Errors: errs,
		Help: "Every time on the site is shown in this zone, with the zone named."}
}

// saveTimeZone is POST /home/me/time-zone/: the zone pages show times in.
func (h *Web) saveTimeZone(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, formLimit) {
		return
	}
	me, _ := identity(r.Context())
	name := r.PostForm.Get("time_zone")
	_, err := h.st.Auth.UpdateAccount(r.Context(), me.ID, auth.AccountUpdate{TimeZone: &name})
	if fields, ok := invalidFields(r, err); ok {
		h.renderProfileEdit(w, r, http.StatusBadRequest, "zone", r.PostForm, fields)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	msg := "Times are now shown in UTC."
	if name = strings.TrimSpace(name); name != "" {
		msg = "Times are now shown in " + name + "."
	}
	h.flash(w, r, "success", msg)
	http.Redirect(w, r, "/home/me/edit/#time-zone", http.StatusSeeOther)
}

func formHas(r *http.Request, name string) bool {
	_, ok := r.PostForm[name]
	return ok
}

// optional returns a pointer to a form value, nil when the form lacks the field.
func optional(r *http.Request, name string) *string {
	if !formHas(r, name) {
		return nil
	}
	v := r.PostForm.Get(name)
	return &v
}

// saveProfile applies one of the edit page's forms.
func (h *Web) saveProfile(w http.ResponseWriter, r *http.Request, focus string, in people.ProfileInput) {
	me, _ := identity(r.Context())
	err := h.st.People.Update(r.Context(), me, in)
	if fields, ok := invalidFields(r, err); ok {
		h.renderProfileEdit(w, r, http.StatusBadRequest, focus, r.PostForm, fields)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "Your profile is updated.")
	http.Redirect(w, r, "/home/profile/", http.StatusSeeOther)
}

func (h *Web) saveInfo(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, formLimit) {
		return
	}
	in := people.ProfileInput{
		Account: auth.AccountUpdate{FirstName: optional(r, "first_name"), LastName: optional(r, "last_name"), Email: optional(r, "email")},
		Bio:     optional(r, "bio"), Location: optional(r, "location"), Website: optional(r, "website"),
	}
	// An empty birthdate leaves it as it is (signup requires one; it cannot be removed).
	if b := r.PostForm.Get("birthdate"); b != "" {
		in.Account.Birthdate = &b
	}
	h.saveProfile(w, r, "info", in)
}

func (h *Web) saveSocial(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, formLimit) {
		return
	}
	in := people.ProfileInput{Social: map[string]*string{}}
	for _, sn := range people.Socials {
		in.Social[sn.Key] = optional(r, sn.Key)
	}
	h.saveProfile(w, r, "social", in)
}

func (h *Web) savePrivacy(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, formLimit) {
		return
	}
	in := people.ProfileInput{Privacy: map[string]*string{}}
	errs := form.Errors{}
	for _, sec := range people.Sections {
		v := optional(r, sec)
		if v == nil {
			errs.Add("privacy_settings", "Choose who sees your "+privacyLabels[sec]+".")
		}
		in.Privacy[sec] = v
	}
	if len(errs) > 0 {
		h.renderProfileEdit(w, r, http.StatusBadRequest, "privacy", r.PostForm, errs)
		return
	}
	h.saveProfile(w, r, "privacy", in)
}

// readPicture reads one uploaded image field of at most 5 MB; too large is a TooLarge
// problem. A missing or empty file returns nil data.
func readPicture(r *http.Request, field string) ([]byte, string, error) {
	if r.MultipartForm == nil {
		return nil, "", nil
	}
	files := r.MultipartForm.File[field]
	if len(files) == 0 || files[0].Size == 0 && files[0].Filename == "" {
		return nil, "", nil
	}
	fh := files[0]
	if fh.Size > media.MaxPictureBytes {
		return nil, "", problem.TooLarge("The picture is too large: at most 5 MB.")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	data, err := media.ReadLimited(f, media.MaxPictureBytes)
	if errors.Is(err, media.ErrTooLarge) {
		return nil, "", problem.TooLarge("The picture is too large: at most 5 MB.")
	}
	return data, fh.Filename, err
}

// parseUpload reads a multipart form of at most limit bytes; too large shows the
// form's page again through onTooLarge.
func (h *Web) parseUpload(w http.ResponseWriter, r *http.Request, limit int64, onTooLarge func()) bool {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	err := r.ParseMultipartForm(1 << 20)
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm()
	}
	if err == nil {
		return true
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		onTooLarge()
	} else {
		h.fail(w, r, errUnreadableForm, "")
	}
	return false
}

var errUnreadableForm = problem.Invalid("The form could not be read. Please try again.")

func (h *Web) uploadPicture(w http.ResponseWriter, r *http.Request) {
	if !h.allow(w, r, h.st.Limits.Upload) {
		return
	}
	again := func(status int, msg string) {
		h.renderProfileEdit(w, r, status, "picture", nil, form.Errors{"profile_picture": {msg}})
	}
	if !h.parseUpload(w, r, pictureFormLimit, func() { again(http.StatusRequestEntityTooLarge, auth.PictureTooLarge.Message) }) {
		return
	}
	data, _, err := readPicture(r, "profile_picture")
	if err == nil && data == nil {
		again(http.StatusBadRequest, "Choose a picture to upload.")
		return
	}
	if err == nil {
		me, _ := identity(r.Context())
		_, err = h.st.People.SetPicture(r.Context(), me, data)
	}
	if p, ok := problem.As(err); ok && (p.Kind == problem.KindTooLarge || p.Kind == problem.KindInvalid) {
		again(p.Kind.Status(), p.Message)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "Your picture is updated.")
	http.Redirect(w, r, "/home/profile/", http.StatusSeeOther)
}

func (h *Web) removePicture(w http.ResponseWriter, r *http.Request) {
	me, _ := identity(r.Context())
	if err := h.st.People.RemovePicture(r.Context(), me); err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "Your picture is removed.")
	http.Redirect(w, r, "/home/me/edit/#picture", http.StatusSeeOther)
}

// ---- entries ---------------------------------------------------------------------------

// kindOf reads {kind}; an unknown kind is a 404.
func (h *Web) kindOf(w http.ResponseWriter, r *http.Request) (people.Kind, bool) {
	k, ok := people.KindOf(r.PathValue("kind"))
	if !ok {
		h.notFound(w, r)
	}
	return k, ok
}

func (h *Web) entryIDs(w http.ResponseWriter, r *http.Request) (people.Kind, int64, bool) {
	k, ok := h.kindOf(w, r)
	if !ok {
		return k, 0, false
	}
	id, ok := h.id(w, r, "id")
	return k, id, ok
}

func (h *Web) kindSection(w http.ResponseWriter, r *http.Request) {
	if k, ok := h.kindOf(w, r); ok {
		http.Redirect(w, r, "/home/profile/#"+k.Name, http.StatusFound)
	}
}

func (h *Web) renderEntryForm(w http.ResponseWriter, r *http.Request, status int, k people.Kind, e store.ProfileEntry, isNew bool, values map[string]string, errs form.Errors) {
	me, _ := identity(r.Context())
	d := views.EntryFormData{Kind: k.Name, Title: k.Title, Singular: k.Singular, IsNew: isNew, HasImage: k.HasImage,
		Visible: e.IsVisible, Errors: formErrors(errs)}
	if isNew {
		d.Action = "/home/me/" + k.Name + "/add/"
	} else {
		d.Action = "/home/me/" + k.Name + "/" + strconv.FormatInt(e.ID, 10) + "/edit/"
		if e.F("image_path") != "" {
			d.ImageURL = ProjectImagePath(me.Username, e.ID)
		}
	}
	for _, f := range k.Fields {
		v := views.Field{Name: f.Name, Label: f.Label, Type: f.Type, Value: e.F(f.Name), MaxLength: f.Max,
			Required: f.Required, Optional: !f.Required, Help: f.Help, Errors: errs[f.Name]}
		if values != nil {
			v.Value = values[f.Name]
		}
		switch f.Type {
		case "textarea":
			v.Rows = 4
		case "proficiency":
			v.Type = "select"
			for n := 1; n <= 5; n++ {
				v.Options = append(v.Options, views.Option{Value: strconv.Itoa(n), Label: strconv.Itoa(n) + " – " + people.Proficiency[n]})
			}
		case "url":
			// A text input: the browser's url type would refuse "github.com/ada", which
			// the server accepts (it adds https://).
			v.Type, v.InputMode, v.Placeholder = "text", "url", "https://…"
		}
		d.Fields = append(d.Fields, v)
	}
	title := "Add " + k.Singular
	if !isNew {
		title = "Edit " + k.Singular
	}
	h.render(w, r, status, views.EntryFormPage(h.page(w, r, title, "profile"), d))
}

func (h *Web) entryAddForm(w http.ResponseWriter, r *http.Request) {
	k, ok := h.kindOf(w, r)
	if !ok {
		return
	}
	h.renderEntryForm(w, r, http.StatusOK, k, store.ProfileEntry{Kind: k.Name, IsVisible: true, Fields: k.Defaults()}, true, nil, nil)
}

func (h *Web) entryEditForm(w http.ResponseWriter, r *http.Request) {
	k, id, ok := h.entryIDs(w, r)
	if !ok {
		return
	}
	me, _ := identity(r.Context())
	e, err := h.st.People.Entry(r.Context(), me, k.Name, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.renderEntryForm(w, r, http.StatusOK, k, e, false, nil, nil)
}

// entryInput reads an entry form: its fields, the visibility checkbox and a picture.
func (h *Web) entryInput(w http.ResponseWriter, r *http.Request, k people.Kind, onTooLarge func(msg string)) (people.EntryInput, bool) {
	limit := int64(formLimit)
	if k.HasImage {
		limit = pictureFormLimit
	}
	if !h.parseUpload(w, r, limit, func() { onTooLarge("The picture is too large: at most 5 MB.") }) {
		return people.EntryInput{}, false
	}
	in := people.EntryInput{Values: map[string]string{}}
	for _, f := range k.Fields {
		in.Values[f.Name] = r.PostForm.Get(f.Name)
	}
	if r.PostForm.Get("is_visible_sent") != "" {
		v := r.PostForm.Get("is_visible") != ""
		in.Visible = &v
	}
	if k.HasImage {
		in.RemoveImage = r.PostForm.Get("remove_image") != ""
		data, name, err := readPicture(r, "image")
		if p, ok := problem.As(err); ok && p.Kind == problem.KindTooLarge {
			onTooLarge(p.Message)
			return in, false
		} else if err != nil {
			h.fail(w, r, err, "")
			return in, false
		}
		if data != nil {
			if !h.allow(w, r, h.st.Limits.Upload) {
				return in, false
			}
			in.Image = &people.Upload{Name: name, Data: data}
		}
	}
	return in, true
}

func (h *Web) entryAdd(w http.ResponseWriter, r *http.Request) {
	k, ok := h.kindOf(w, r)
	if !ok {
		return
	}
	me, _ := identity(r.Context())
	blank := store.ProfileEntry{Kind: k.Name, IsVisible: true, Fields: k.Defaults()}
	in, ok := h.entryInput(w, r, k, func(msg string) {
		h.renderEntryForm(w, r, http.StatusRequestEntityTooLarge, k, blank, true, nil, form.Errors{"image": {msg}})
	})
	if !ok {
		return
	}
	e, err := h.st.People.AddEntry(r.Context(), me, k.Name, in)
	h.entrySaved(w, r, k, blank, true, in, e, err)
}

func (h *Web) entryEdit(w http.ResponseWriter, r *http.Request) {
	k, id, ok := h.entryIDs(w, r)
	if !ok {
		return
	}
	me, _ := identity(r.Context())
	cur, err := h.st.People.Entry(r.Context(), me, k.Name, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	in, ok := h.entryInput(w, r, k, func(msg string) {
		h.renderEntryForm(w, r, http.StatusRequestEntityTooLarge, k, cur, false, nil, form.Errors{"image": {msg}})
	})
	if !ok {
		return
	}
	e, err := h.st.People.UpdateEntry(r.Context(), me, k.Name, id, in)
	h.entrySaved(w, r, k, cur, false, in, e, err)
}

func (h *Web) entrySaved(w http.ResponseWriter, r *http.Request, k people.Kind, cur store.ProfileEntry, isNew bool,
	in people.EntryInput, e store.ProfileEntry, err error) {
	if p, ok := problem.As(err); ok && p.Kind == problem.KindTooLarge {
		h.renderEntryForm(w, r, http.StatusRequestEntityTooLarge, k, cur, isNew, in.Values, form.Errors{"image": {p.Message}})
		return
	}
	if fields, ok := invalidFields(r, err); ok {
		if in.Visible != nil {
			cur.IsVisible = *in.Visible
		}
		h.renderEntryForm(w, r, http.StatusBadRequest, k, cur, isNew, in.Values, fields)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	msg := "Saved."
	if isNew {
		msg = "Added to your profile."
	}
	h.flash(w, r, "success", msg)
	http.Redirect(w, r, "/home/profile/#"+k.Name+"-"+strconv.FormatInt(e.ID, 10), http.StatusSeeOther)
}

func (h *Web) entryDelete(w http.ResponseWriter, r *http.Request) {
	k, id, ok := h.entryIDs(w, r)
	if !ok {
		return
	}
	me, _ := identity(r.Context())
	if err := h.st.People.DeleteEntry(r.Context(), me, k.Name, id); err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "Deleted.")
	http.Redirect(w, r, "/home/profile/#"+k.Name, http.StatusSeeOther)
}

func (h *Web) entryVisibility(w http.ResponseWriter, r *http.Request) {
	k, id, ok := h.entryIDs(w, r)
	if !ok || !h.parseForm(w, r, formLimit) {
		return
	}
	me, _ := identity(r.Context())
	visible := r.PostForm.Get("is_visible") == "1" || r.PostForm.Get("is_visible") == "true"
	if err := h.st.People.SetEntryVisible(r.Context(), me, k.Name, id, visible); err != nil {
		h.fail(w, r, err, "")
		return
	}
	if visible {
		h.flash(w, r, "success", "Shown on your profile.")
	} else {
		h.flash(w, r, "success", "Hidden: only you see it now.")
	}
	http.Redirect(w, r, "/home/profile/#"+k.Name+"-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func (h *Web) entryMove(w http.ResponseWriter, r *http.Request) {
	k, id, ok := h.entryIDs(w, r)
	if !ok || !h.parseForm(w, r, formLimit) {
		return
	}
	me, _ := identity(r.Context())
	delta := 1
	switch r.PostForm.Get("direction") {
	case "up":
		delta = -1
	case "down":
	default:
		h.fail(w, r, problem.Field("direction", "Must be up or down."), "/home/profile/#"+k.Name)
		return
	}
	if err := h.st.People.MoveEntry(r.Context(), me, k.Name, id, delta); err != nil {
		h.fail(w, r, err, "")
		return
	}
	http.Redirect(w, r, "/home/profile/#"+k.Name+"-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
