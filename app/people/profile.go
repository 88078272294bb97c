package people

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"eplatform/app/auth"
	"eplatform/app/form"
	"eplatform/app/media"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
)

// Errors.
var (
	ErrNotFound = store.ErrNotFound
)

// Limits of the profile's own fields.
const (
	MaxBio      = 5000
	MaxLocation = 100
	MaxURL      = 200
)

// Social networks a profile links to, in display order.
var Socials = []struct{ Key, Label string }{
	{"linkedin", "LinkedIn"}, {"github", "GitHub"}, {"twitter", "Twitter / X"},
	{"facebook", "Facebook"}, {"instagram", "Instagram"},
}

// Service implements profiles and search.
type Service struct {
	DB    *store.DB
	Auth  *auth.Service // account fields and the profile picture
	Media media.Store
	// Online reports whether a user has an open socket on this process (nil: never).
	Online func(userID int64) bool
	Log    *slog.Logger
	Now    func() time.Time
}

// Person is the account side of a profile as the viewer may see it.
type Person struct {
	ID                                  int64
	Username, FirstName, LastName, Role string
	Picture                             string // path under the media root, "" for none
	Email                               string // "" unless the viewer may see it
	DateJoined                          time.Time
}

// FullName is "First Last", or the username when both are empty.
func (p Person) FullName() string {
	n := strings.TrimSpace(p.FirstName + " " + p.LastName)
	if n == "" {
		return p.Username
	}
	return n
}

// SocialLink is one visible link of a profile.
type SocialLink struct{ Key, Label, URL string }

// Completion is how complete the owner's profile is: 10 % for each of bio, location,
// website, a social link, a picture and at least one entry of each of the five kinds.
type Completion struct {
	Percent int      `json:"percent"`
	Missing []string `json:"missing"` // what would add the rest, in words
}

// Profile is a profile as one viewer sees it. Whatever the viewer may not see is left
// out here, in one place, so no page or API answer can show it by mistake.
type Profile struct {
	Person   Person
	Audience Audience
	Bio      string
	Location string
	Website  string
	Social   []SocialLink
	// Sections tells, per section, whether the viewer sees it (the owner sees all).
	Sections map[string]bool
	// Entries holds the entries the viewer sees, by kind (the owner also sees hidden
	// ones, marked by IsVisible).
	Entries map[string][]store.ProfileEntry
	// Privacy is the owner's settings; the zero value for other viewers.
	Privacy    store.ProfilePrivacy
	Completion Completion // owner only
	Birthdate  string     // owner only ("" when not given)
	// Presence, for signed-in viewers only.
	ShowPresence bool
	Online       bool
	LastSeen     time.Time // zero when unknown
	ShowPosts    bool
}

// IsOwner reports whether the viewer owns the profile.
func (p Profile) IsOwner() bool { return p.Audience == Owner }

// View returns the profile of username as viewer sees it (a zero viewer is anonymous).
// Unknown and deactivated users are ErrNotFound.
func (s *Service) View(ctx context.Context, viewer store.User, username string) (Profile, error) {
	u, err := s.DB.UserByUsername(ctx, username)
	if err != nil {
		return Profile{}, err
	}
	if !u.IsActive {
		return Profile{}, ErrNotFound
	}
	return s.view(ctx, viewer, u)
}

// Own returns the viewer's own profile, creating its row with the defaults the first
// time.
func (s *Service) Own(ctx context.Context, me store.User) (Profile, error) {
	u, err := s.DB.UserByID(ctx, me.ID)
	if err != nil {
		return Profile{}, err
	}
	return s.view(ctx, me, u)
}

func (s *Service) view(ctx context.Context, viewer store.User, u store.User) (Profile, error) {
	a := AudienceOf(u.ID, viewer)
	p, err := s.DB.ProfileOf(ctx, u.ID)
	if err != nil {
		return Profile{}, err
	}
	if !p.Exists && a == Owner {
		if err := s.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.EnsureProfile(ctx, u.ID, s.Now()) }); err != nil {
			return Profile{}, err
		}
	}
	out := Profile{
		Person: Person{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName,
			Role: u.UserType, Picture: u.ProfilePicture, DateJoined: u.DateJoined},
		Audience: a, Sections: map[string]bool{}, Entries: map[string][]store.ProfileEntry{},
	}
	for _, sec := range Sections {
		out.Sections[sec] = Shows(p, sec, a)
	}
	if out.Sections[SecEmail] {
		out.Person.Email = u.Email
	}
	if out.Sections[SecBio] {
		out.Bio = p.Bio
	}
	if out.Sections[SecLocation] {
		out.Location = p.Location
	}
	if out.Sections[SecWebsite] {
		out.Website = p.Website
	}
	if out.Sections[SecSocialLinks] {
		out.Social = socialLinks(p)
	}
	for _, k := range Kinds {
		if !out.Sections[k.Name] {
			continue
		}
		entries, err := s.DB.ProfileEntries(ctx, k.Name, u.ID, a != Owner)
		if err != nil {
			return Profile{}, err
		}
		for _, e := range entries {
			if ShowsEntry(p, e, a) {
				out.Entries[k.Name] = append(out.Entries[k.Name], e)
			}
		}
	}
	if a == Owner {
		out.Privacy = p.Privacy
		out.Completion = completion(p, u, out.Entries)
		out.Birthdate = u.Birthdate
	}
	if ShowsPresence(a) {
		out.ShowPresence = true
		if s.Online != nil {
			out.Online = s.Online(u.ID)
		}
		out.LastSeen = u.LastSeenAt
	}
	out.ShowPosts = ShowsPosts(a)
	return out, nil
}

func socialLinks(p store.Profile) []SocialLink {
	var out []SocialLink
	for _, sn := range Socials {
		if v := socialValue(p, sn.Key); v != "" {
			out = append(out, SocialLink{Key: sn.Key, Label: sn.Label, URL: v})
		}
	}
	return out
}

func socialValue(p store.Profile, key string) string {
	switch key {
	case "linkedin":
		return p.LinkedIn
	case "github":
		return p.GitHub
	case "twitter":
		return p.Twitter
	case "facebook":
		return p.Facebook
	case "instagram":
		return p.Instagram
	}
	return ""
}

func setSocial(p *store.Profile, key, v string) bool {
	switch key {
	case "linkedin":
		p.LinkedIn = v
	case "github":
		p.GitHub = v
	case "twitter":
		p.Twitter = v
	case "facebook":
		p.Facebook = v
	case "instagram":
		p.Instagram = v
	default:
		return false
	}
	return true
}

// completion is the reference's rule: ten items worth 10 % each.
func completion(p store.Profile, u store.User, entries map[string][]store.ProfileEntry) Completion {
	var c Completion
	item := func(done bool, missing string) {
		if done {
			c.Percent += 10
		} else {
			c.Missing = append(c.Missing, missing)
		}
	}
	item(p.Bio != "", "a bio")
	item(p.Location != "", "your location")
	item(p.Website != "", "a website")
	item(len(socialLinks(p)) > 0, "a social link")
	item(u.ProfilePicture != "", "a profile picture")
	for _, k := range Kinds {
		item(len(entries[k.Name]) > 0, article(k.Singular)+" "+k.Singular)
	}
	return c
}

func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// ProfileInput is a change to the owner's profile; nil fields are left as they are.
type ProfileInput struct {
	Account                auth.AccountUpdate // first_name, last_name, email, birthdate
	Bio, Location, Website *string
	Social                 map[string]*string // linkedin, github, twitter, facebook, instagram
	Privacy                map[string]*string // section → public | registered | private
}

// Editable returns the owner's account and profile as stored, for the edit forms.
func (s *Service) Editable(ctx context.Context, me store.User) (store.User, store.Profile, error) {
	u, err := s.DB.UserByID(ctx, me.ID)
	if err != nil {
		return store.User{}, store.Profile{}, err
	}
	p, err := s.DB.ProfileOf(ctx, me.ID)
	return u, p, err
}

// RecentPosts returns a person's newest posts (at most limit) for their profile; the
// caller shows them only when the profile's ShowPosts says so.
func (s *Service) RecentPosts(ctx context.Context, userID int64, limit int) ([]store.Post, error) {
	return s.DB.ListPosts(ctx, store.PostQuery{AuthorID: userID, Limit: limit})
}

// Update applies in to the owner's profile. Nothing is written unless every field is
// valid; invalid input is a problem.Fields keyed by field (social networks by their
// key, privacy levels under "privacy_settings").
func (s *Service) Update(ctx context.Context, me store.User, in ProfileInput) error {
	u, cur, err := s.Editable(ctx, me)
	if err != nil {
		return err
	}
	next := cur
	next.UserID = me.ID
	_, errs := s.Auth.CheckAccountUpdate(u, in.Account)
	textField := func(name string, v *string, max int, dst *string) {
		if v == nil {
			return
		}
		t, msg := text.Clean(*v)
		if name != "bio" {
			t = strings.Join(strings.Fields(t), " ") // one line, single spaces
		}
		if msg == "" {
			t, msg = text.Field(t, false, max)
		}
		if msg != "" {
			errs.Add(name, msg)
			return
		}
		*dst = t
	}
	textField("bio", in.Bio, MaxBio, &next.Bio)
	textField("location", in.Location, MaxLocation, &next.Location)
	if in.Website != nil {
		if v, msg := CheckURL(*in.Website, MaxURL); msg != "" {
			errs.Add("website", msg)
		} else {
			next.Website = v
		}
	}
	for key, v := range in.Social {
		if v == nil {
			continue
		}
		clean, msg := CheckURL(*v, MaxURL)
		if msg == "" && !setSocial(&next, key, clean) {
			msg = "Unknown social network " + strconv.Quote(key) + "."
		}
		if msg != "" {
			errs.Add(key, msg)
		}
	}
	for sec, v := range in.Privacy {
		if v == nil {
			continue
		}
		level := strings.TrimSpace(*v)
		if level != Public && level != Registered && level != Private {
			errs.Add("privacy_settings", sec+": choose public, registered or private.")
			continue
		}
		if !setLevel(&next.Privacy, sec, level) {
			errs.Add("privacy_settings", "Unknown section "+strconv.Quote(sec)+".")
		}
	}
	if len(errs) > 0 {
		return problem.Fields(errs)
	}
	if !in.Account.Empty() {
		// The account service writes the account fields (and checks what needs the
		// database: that the email is unused); the profile is written only after it
		// succeeded.
		if _, err := s.Auth.UpdateAccount(ctx, me.ID, in.Account); err != nil {
			return err
		}
	}
	if next == cur && cur.Exists {
		return nil
	}
	return s.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.SaveProfile(ctx, next, s.Now()) })
}

// SetPicture stores a new profile picture (the account service checks, resizes and
// replaces it, removing the old file): auth.PictureTooLarge over 5 MB, a problem naming
// profile_picture for a file that is not a picture.
func (s *Service) SetPicture(ctx context.Context, me store.User, data []byte) (string, error) {
	return s.Auth.SetProfilePicture(ctx, me.ID, data)
}

// RemovePicture removes the profile picture and its file.
func (s *Service) RemovePicture(ctx context.Context, me store.User) error {
	return s.Auth.RemoveProfilePicture(ctx, me.ID)
}

// ---- entries -------------------------------------------------------------------------

// Upload is a picture sent with a project.
type Upload struct {
	Name string
	Data []byte
}

// EntryInput is a new entry or a change to one.
type EntryInput struct {
	// Values holds the fields given. For an update with Partial set, fields not given
	// keep their value (PATCH); otherwise missing fields are empty.
	Values      map[string]string
	Partial     bool
	Visible     *bool
	Image       *Upload // projects only
	RemoveImage bool
}

// Entries returns the owner's entries of a kind, hidden ones included.
func (s *Service) Entries(ctx context.Context, me store.User, kind string) ([]store.ProfileEntry, error) {
	if _, ok := KindOf(kind); !ok {
		return nil, ErrNotFound
	}
	return s.DB.ProfileEntries(ctx, kind, me.ID, false)
}

// Entry returns one of the owner's entries; another person's is ErrNotFound.
func (s *Service) Entry(ctx context.Context, me store.User, kind string, id int64) (store.ProfileEntry, error) {
	if _, ok := KindOf(kind); !ok {
		return store.ProfileEntry{}, ErrNotFound
	}
	return s.DB.ProfileEntryByID(ctx, kind, me.ID, id)
}

// AddEntry validates and adds an entry at the end of the owner's list. Invalid input
// (an unknown field, more than MaxEntries, a second skill of one name included) is a
// problem.Fields; a picture over 5 MB a TooLarge problem.
func (s *Service) AddEntry(ctx context.Context, me store.User, kind string, in EntryInput) (store.ProfileEntry, error) {
	k, ok := KindOf(kind)
	if !ok {
		return store.ProfileEntry{}, ErrNotFound
	}
	return s.saveEntry(ctx, me, k, store.ProfileEntry{Kind: kind, UserID: me.ID, IsVisible: true, Fields: k.Defaults()}, in, true)
}

// UpdateEntry validates and applies a change to one of the owner's entries (another
// person's is ErrNotFound); errors as AddEntry's.
func (s *Service) UpdateEntry(ctx context.Context, me store.User, kind string, id int64, in EntryInput) (store.ProfileEntry, error) {
	k, ok := KindOf(kind)
	if !ok {
		return store.ProfileEntry{}, ErrNotFound
	}
	cur, err := s.DB.ProfileEntryByID(ctx, kind, me.ID, id)
	if err != nil {
		return store.ProfileEntry{}, err
	}
	return s.saveEntry(ctx, me, k, cur, in, false)
}

func (s *Service) saveEntry(ctx context.Context, me store.User, k Kind, cur store.ProfileEntry, in EntryInput, isNew bool) (store.ProfileEntry, error) {
	values := map[string]string{}
	for _, f := range k.Fields {
		v, given := in.Values[f.Name]
		if !given && (in.Partial || isNew && f.Type == "proficiency") {
			v = cur.Fields[f.Name]
		}
		values[f.Name] = v
	}
	errs := form.Errors{}
	for name := range in.Values {
		if !k.hasField(name) {
			errs.Add(name, "Unknown field.")
		}
	}
	clean, ferrs := k.Check(values)
	for f, m := range ferrs {
		errs[f] = append(errs[f], m...)
	}
	var img []byte
	var imgExt string
	if in.Image != nil && k.HasImage {
		if len(in.Image.Data) > media.MaxPictureBytes {
			return store.ProfileEntry{}, ErrImageTooLarge
		}
		var err error
		img, imgExt, err = media.ProcessPicture(in.Image.Data, media.MaxPictureSide)
		if errors.Is(err, media.ErrNotImage) || errors.Is(err, media.ErrImageTooLarge) {
			errs.Add("image", err.Error())
		} else if err != nil {
			return store.ProfileEntry{}, err
		}
	}
	if len(errs) > 0 {
		return store.ProfileEntry{}, problem.Fields(errs)
	}
	next := cur
	next.Fields = clean
	if in.Visible != nil {
		next.IsVisible = *in.Visible
	}
	oldImage := cur.Fields["image_path"]
	newImage := oldImage
	if k.HasImage {
		if in.RemoveImage {
			newImage = ""
		}
		if img != nil {
			rel, err := s.Media.Save("profile_projects", imgExt, img)
			if err != nil {
				return store.ProfileEntry{}, err
			}
			newImage = rel
		}
		next.Fields["image_path"] = newImage
	}
	now := s.Now()
	var saved store.ProfileEntry
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		id := next.ID
		if isNew {
			n, err := tx.CountProfileEntries(ctx, k.Name, me.ID)
			if err != nil {
				return err
			}
			if n >= MaxEntries {
				return errTooMany
			}
			if id, err = tx.InsertProfileEntry(ctx, next, now); err != nil {
				return err
			}
		} else if err := tx.UpdateProfileEntry(ctx, next, now); err != nil {
			return err
		}
		var err error
		saved, err = tx.ProfileEntryByID(ctx, k.Name, me.ID, id)
		return err
	})
	if err != nil {
		if newImage != oldImage {
			s.removeFile(newImage)
		}
		var conflict *store.ConflictError
		switch {
		case errors.Is(err, errTooMany):
			return store.ProfileEntry{}, problem.Fields(form.Errors{form.NonField: {"You can have at most " + strconv.Itoa(MaxEntries) + " " + strings.ToLower(k.Title) + " entries."}})
		case errors.As(err, &conflict) && k.Name == store.ProfileSkills:
			return store.ProfileEntry{}, problem.Field("name", "You already have a skill with this name.")
		}
		return store.ProfileEntry{}, err
	}
	if newImage != oldImage {
		s.removeFile(oldImage)
	}
	return saved, nil
}

// ErrImageTooLarge is the refusal of a project picture over 5 MB.
var ErrImageTooLarge = problem.TooLarge("The image is too large: at most 5 MB.")

var errTooMany = errors.New("people: too many entries")

func (k Kind) hasField(name string) bool {
	for _, f := range k.Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

func (s *Service) removeFile(rel string) {
	if rel == "" {
		return
	}
	if err := s.Media.Remove(rel); err != nil && s.Log != nil {
		s.Log.Warn("remove project image", "path", rel, "err", err)
	}
}

// DeleteEntry deletes one of the owner's entries (and a project's picture).
func (s *Service) DeleteEntry(ctx context.Context, me store.User, kind string, id int64) error {
	cur, err := s.Entry(ctx, me, kind, id)
	if err != nil {
		return err
	}
	if err := s.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.DeleteProfileEntry(ctx, kind, me.ID, id) }); err != nil {
		return err
	}
	s.removeFile(cur.Fields["image_path"])
	return nil
}

// SetEntryVisible shows or hides one of the owner's entries from everyone else.
func (s *Service) SetEntryVisible(ctx context.Context, me store.User, kind string, id int64, visible bool) error {
	_, err := s.UpdateEntry(ctx, me, kind, id, EntryInput{Partial: true, Visible: &visible})
	return err
}

// MoveEntry moves one of the owner's entries one place up (delta < 0) or down.
func (s *Service) MoveEntry(ctx context.Context, me store.User, kind string, id int64, delta int) error {
	if _, ok := KindOf(kind); !ok {
		return ErrNotFound
	}
	if delta < 0 {
		delta = -1
	} else {
		delta = 1
	}
	return s.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.MoveProfileEntry(ctx, kind, me.ID, id, delta, s.Now()) })
}

// ProjectImage returns the stored picture of a project if viewer may see that
// project; anything else is ErrNotFound.
func (s *Service) ProjectImage(ctx context.Context, viewer store.User, username string, id int64) (string, error) {
	u, err := s.DB.UserByUsername(ctx, username)
	if err != nil {
		return "", err
	}
	if !u.IsActive {
		return "", ErrNotFound
	}
	p, err := s.DB.ProfileOf(ctx, u.ID)
	if err != nil {
		return "", err
	}
	e, err := s.DB.ProfileEntryByID(ctx, store.ProfileProjects, u.ID, id)
	if err != nil {
		return "", err
	}
	if !ShowsEntry(p, e, AudienceOf(u.ID, viewer)) || e.Fields["image_path"] == "" {
		return "", ErrNotFound
	}
	return e.Fields["image_path"], nil
}
