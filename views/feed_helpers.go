package views

import (
	"eplatform/app/text"
	"hash/fnv"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/a-h/templ"
)

// Limits the forms announce (maxlength, counter, client-side checks). The server
// re-checks every one of them.
const (
	maxPostLen      = 5000
	maxCommentLen   = 5000
	maxImageBytes   = 5 << 20
	maxVideoBytes   = 20 << 20
	maxDocumentByte = 10 << 20
)

// File pickers' accept lists: extensions and MIME types, so every platform's picker
// filters correctly.
const (
	acceptImage    = ".jpg,.jpeg,.png,.gif,.webp,image/jpeg,image/png,image/gif,image/webp"
	acceptVideo    = ".mp4,.webm,.ogg,.ogv,.mov,video/mp4,video/webm,video/ogg,video/quicktime"
	acceptDocument = ".pdf,.md,.docx,.xlsx,.pptx,.tex,application/pdf,text/markdown," +
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document," +
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet," +
		"application/vnd.openxmlformats-officedocument.presentationml.presentation," +
		"application/x-tex,text/x-tex"
)

func itoa(n int) string     { return text.Itoa(int64(n)) }
func id64(n int64) string   { return text.Itoa(n) }
func (d FeedData) max() int { return orMax(d.MaxContent) }

func orMax(n int) int {
	if n <= 0 {
		return maxPostLen
	}
	return n
}

// profileURL is a user's public profile page.
func profileURL(username string) templ.SafeURL {
	return templ.SafeURL("/home/profile/" + url.PathEscape(username) + "/")
}

func postURL(id int64) templ.SafeURL { return templ.SafeURL("/home/post/" + id64(id) + "/") }

// postAction is the URL of one of a post's forms: like, comment, edit, delete.
func postAction(id int64, verb string) templ.SafeURL {
	return templ.SafeURL("/home/post/" + id64(id) + "/" + verb + "/")
}

func commentAction(id int64, verb string) templ.SafeURL {
	return templ.SafeURL("/home/comment/" + id64(id) + "/" + verb + "/")
}

func notificationReadAction(id int64) templ.SafeURL {
	return templ.SafeURL("/home/notifications/" + id64(id) + "/read/")
}

// safeLink accepts only http(s) URLs for user links; anything else (javascript:,
// data:) becomes a harmless "#".
func safeLink(u string) templ.SafeURL {
	l := strings.ToLower(u)
	if strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://") {
		return templ.SafeURL(u)
	}
	return templ.SafeURL("#")
}

// localURL accepts a same-site path for a notification target; anything else goes to
// the notifications page.
func localURL(u string) templ.SafeURL {
	if isLocalPath(u) {
		return templ.SafeURL(u)
	}
	return templ.SafeURL("/home/notifications/")
}

// personTone is avatarTone for a Person: the same colour for the same username.
func personTone(username string) string {
	h := fnv.New32a()
	h.Write([]byte(username))
	if n := h.Sum32() % 6; n != 0 {
		return "avatar--t" + strconv.Itoa(int(n))
	}
	return ""
}

func (u Person) initials() string {
	if u.Initials != "" {
		return u.Initials
	}
	for _, r := range u.Username {
		return string(r)
	}
	return "?"
}

func (u Person) name() string {
	if u.Name != "" {
		return u.Name
	}
	return u.Username
}

// asPerson lets the viewer's avatar be drawn by PersonAvatar.
func (v *Viewer) asPerson() Person {
	if v == nil {
		return Person{}
	}
	return Person{ID: v.ID, Username: v.Username, Name: v.DisplayName(), Initials: v.Initials(), AvatarURL: v.AvatarURL, UserType: v.UserType}
}

// docKind groups document extensions for the icon colour.
func docKind(ext string) string {
	switch strings.ToLower(ext) {
	case "pdf":
		return "pdf"
	case "doc", "docx":
		return "doc"
	case "xls", "xlsx":
		return "sheet"
	case "ppt", "pptx":
		return "slides"
	case "md", "tex", "txt":
		return "text"
	}
	return "other"
}

func docLabel(ext string) string {
	if ext == "" {
		return "FILE"
	}
	e := strings.ToUpper(ext)
	if len(e) > 4 {
		e = e[:4]
	}
	return e
}

// notificationIcon is the sprite symbol of a notification type.
func notificationIcon(kind string) string {
	switch kind {
	case "mention":
		return "user"
	case "comment":
		return "comment"
	case "like":
		return "heart"
	case "enrollment":
		return "book"
	case "quiz_completed", "quiz_graded", "quiz_attempt":
		return "quiz"
	case "assignment_graded":
		return "check"
	case "appointment":
		return "calendar"
	case "message":
		return "chat"
	}
	return "bell"
}

// unreadText is the badge's text: "" for none, "99+" past 99.
func unreadText(n int) string {
	switch {
	case n <= 0:
		return ""
	case n > 99:
		return "99+"
	}
	return strconv.Itoa(n)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// cardOpts distinguishes the post page's card from the feed's.
type cardOpts struct {
	full     bool       // post page: all comments, visible edit form on #post-N-edit
	errors   FormErrors // of a failed comment or edit without JS
	draft    string
	editOpen bool // the edit failed: show the form with the draft
}

func (o cardOpts) commentErrors() []string {
	if o.editOpen {
		return nil
	}
	return o.errors["content"]
}

func (o cardOpts) commentDraft() string {
	if o.editOpen {
		return ""
	}
	return o.draft
}

func postPageOpts(d PostPageData) cardOpts {
	o := cardOpts{full: true, errors: d.Errors, draft: d.Draft}
	o.editOpen = d.Form == "edit"
	return o
}

// editValue is what the edit box shows: the failed draft or the current content.
func (o cardOpts) editValue(v PostView) string {
	if o.editOpen && o.draft != "" {
		return o.draft
	}
	return v.Content
}

func (o cardOpts) editErrors() []string {
	if !o.editOpen {
		return nil
	}
	return o.errors["content"]
}

func postAria(v PostView) string { return "post-" + id64(v.ID) + "-author" }

func notificationsTab(d NotificationsData, tab string) bool {
	if d.Filter == "unread" {
		return tab == "unread"
	}
	return tab == "all"
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func imageAlt(m *Media) string {
	if m.Name != "" {
		return "Attached image: " + m.Name
	}
	return "Attached image"
}

// textLen is the composer counter's starting value, in UTF-16 units like the
// browser's maxlength and the script's counter.
func textLen(s string) int { return len(utf16.Encode([]rune(s))) }

// errID is id when msgs is not empty, for aria-describedby.
func errID(id string, msgs []string) string {
	if len(msgs) == 0 {
		return ""
	}
	return id
}

// AsPerson is asPerson for handlers that draw the viewer's avatar on its own.
func (v *Viewer) AsPerson() Person { return v.asPerson() }
