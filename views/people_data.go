package views

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// SocialLinkView is one link of a profile header.
type SocialLinkView struct {
	Key, Label, URL string
}

// PrivacyNote tells the owner who sees a part of the header.
type PrivacyNote struct {
	Label, Level string // "Email", "Only you"
}

// EntryView is one entry of a profile section, ready to show.
type EntryView struct {
	ID           int64
	Kind         string
	Title        string // the main line: institution, position, skill, project, certification
	Subtitle     string // degree and field, company and place, issuer
	Dates        string // "Sep 2019 – Jun 2023", "Sep 2019 – present", ""
	Description  string
	Link         string // project or credential link (http(s) only), "" for none
	LinkLabel    string
	Technologies []string
	ImageURL     string
	Proficiency  int // skills: 1–5
	Level        string
	Hidden       bool // the owner hid it from everyone else
	First, Last  bool // the owner's up/down buttons
}

// SectionView is one of the five entry sections of a profile.
type SectionView struct {
	Kind, Title, Singular, Icon string
	// LevelLabel tells the owner who sees the section ("" for other viewers).
	LevelLabel string
	Entries    []EntryView
}

// ProfileData is /home/profile/ and /home/profile/{username}/.
type ProfileData struct {
	Person       Person
	IsOwner      bool
	SignedIn     bool
	Bio          string
	Location     string
	Website      string
	Email        string
	Social       []SocialLinkView
	Joined       string // "November 2026"
	ShowPresence bool
	Online       bool
	LastSeen     string // "5 min ago", "" when unknown
	// The owner's completion bar and what is missing.
	Completion int
	Missing    []string
	Privacy    []PrivacyNote // the owner's header privacy
	Sections   []SectionView // the sections the viewer may see
	ShowPosts  bool
	Posts      []PostView
	// Blocked: the viewer blocks this person (the profile offers Unblock).
	Blocked bool
}

// ProfileRoleLabel is "Student", "Instructor" or "Admin".
func ProfileRoleLabel(role string) string {
	switch role {
	case "instructor":
		return "Instructor"
	case "admin":
		return "Admin"
	}
	return "Student"
}

// Choice is one radio of a privacy setting.
type Choice struct {
	Value, Label string
}

// PrivacyField is one section's privacy radios.
type PrivacyField struct {
	Section, Label, Help, Level string
}

// ProfileEditData is /home/me/edit/: account and profile fields, social links,
// privacy and the picture, each its own form.
type ProfileEditData struct {
	Person Person
	// Focus names the form that was sent and failed: info, social, privacy, picture, zone.
	Focus   string
	Info    []Field
	Social  []Field
	Privacy []PrivacyField
	Levels  []Choice
	Errors  FormErrors
	// Zone is the time zone select ("" = not set: UTC); app.js offers the device's zone.
	Zone Field
}

// EntryFormData is the add or edit form of one entry.
type EntryFormData struct {
	Kind, Title, Singular string
	IsNew                 bool
	Action                string
	Fields                []Field
	HasImage              bool
	ImageURL              string // the current picture
	Visible               bool
	Errors                FormErrors
}

// Piece is a run of highlighted search text.
type Piece struct {
	Text  string
	Match bool
}

// SearchTab is one tab of the search page.
type SearchTab struct {
	Key, Label, Count, URL string
	Active                 bool
}

// PersonResultView is a person in the search results.
type PersonResultView struct {
	Person   Person
	Name     []Piece
	Username []Piece
	Location string
}

// PostResultView is a post in the search results.
type PostResultView struct {
	ID            int64
	Author        Person
	Snippet       []Piece
	Created       string
	CreatedAgo    string
	MediaKind     string
	LikesCount    int
	CommentsCount int
}

// SubjectResultView is a subject in the search results.
type SubjectResultView struct {
	Code          string
	Name          []Piece
	CodeHi        []Piece
	Snippet       []Piece
	Instructor    string
	StudentsCount int
}

// SearchData is /home/search/.
type SearchData struct {
	Q        string
	Tab      string
	Tabs     []SearchTab
	Summary  string // "12 people", "1000+ posts"
	People   []PersonResultView
	Posts    []PostResultView
	Subjects []SubjectResultView
	PrevURL  string
	NextURL  string
}

// meURL is the URL of one of the owner's actions under /home/me/.
func meURL(parts ...string) templ.SafeURL {
	u := "/home/me/"
	for _, p := range parts {
		u += p + "/"
	}
	return templ.SafeURL(u)
}

// entryURL is the URL of an action on one of the owner's entries.
func entryURL(kind string, id int64, verb string) templ.SafeURL {
	return meURL(kind, strconv.FormatInt(id, 10), verb)
}

func subjectURL(code string) templ.SafeURL {
	return templ.SafeURL("/home/subjects/" + url.PathEscape(code) + "/")
}

func chatStartURL(id int64) templ.SafeURL {
	return templ.SafeURL("/chat/start/" + strconv.FormatInt(id, 10) + "/")
}

// dots are the five proficiency dots of a skill.
func dots(n int) []bool {
	out := make([]bool, 5)
	for i := range out {
		out[i] = i < n
	}
	return out
}

// joinAnd is "a, b and c".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// aOrAn is the article before a word.
func aOrAn(word string) string {
	if word != "" && strings.ContainsRune("aeiouAEIOU", rune(word[0])) {
		return "an"
	}
	return "a"
}

// focusErrors are a field's errors when its form is the one that failed.
func focusErrors(d ProfileEditData, form, field string) []string {
	if d.Focus != form {
		return nil
	}
	return d.Errors[field]
}
