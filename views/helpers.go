package views

import (
	"context"
	"eplatform/app/frag"
	"eplatform/app/zone"
	"hash/fnv"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/a-h/templ"
)

// localTitle is the title of a <time> whose datetime is iso: the instant in the
// viewer's zone, named ("8 Dec 2026, 14:05 CET").
func localTitle(ctx context.Context, iso string) string {
	t, err := time.Parse(time.RFC3339, iso)
	if err != nil {
		return ""
	}
	return zone.Full(ctx, t)
}

// dueLabel is the label of a due date control: it is read in the viewer's zone.
func dueLabel(ctx context.Context) string { return "Due (" + zone.Label(ctx) + ")" }

// asset is p.Asset with a fallback, so a Page built without an asset mapper (tests,
// previews) still renders working URLs.
func (p Page) asset(name string) string {
	if p.Asset == nil {
		return "/static/" + name
	}
	return p.Asset(name)
}

// icon is the URL of one symbol of the sprite.
func (p Page) icon(name string) string { return p.asset("img/icons.svg") + "#" + name }

// FullTitle is the document title: "Title · E-Platform".
func (p Page) FullTitle() string {
	if p.Title == "" {
		return "E-Platform"
	}
	return p.Title + " · E-Platform"
}

// IsAdmin reports whether the viewer may see the admin area link.
func (p Page) IsAdmin() bool { return p.Viewer != nil && p.Viewer.UserType == "admin" }

// WithNext appends ?next= to a constant path when next is a local path. The value is
// query-escaped, so the result is safe to use as an href.
func WithNext(path, next string) templ.SafeURL {
	if !isLocalPath(next) {
		return templ.SafeURL(path)
	}
	return templ.SafeURL(path + "?next=" + url.QueryEscape(next))
}

// isLocalPath accepts "/x" but not "//host" or "/\host", which browsers treat as
// other origins.
func isLocalPath(s string) bool {
	return strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") && !strings.HasPrefix(s, "/\\")
}

// resetConfirmAction is the form action of the "choose a new password" page.
func resetConfirmAction(token string) templ.SafeURL {
	return templ.SafeURL("/reset/" + url.PathEscape(token) + "/")
}

// toastKind maps a flash kind to a known one; unknown kinds show as info.
func toastKind(kind string) string {
	switch kind {
	case "success", "error", "warning", "info":
		return kind
	}
	return "info"
}

// toastIcon is the sprite symbol shown in a toast or alert of that kind.
func toastIcon(kind string) string {
	switch toastKind(kind) {
	case "success":
		return "check"
	case "error":
		return "x"
	case "warning":
		return "alert"
	}
	return "info"
}

// errorTone picks the error card colour: 5xx danger, 403/429/4xx warning,
// 404 (and anything else) the neutral info tone.
func errorTone(status int) string {
	switch {
	case status >= 500:
		return "danger"
	case status == 404 || status == 410:
		return "info"
	case status >= 400:
		return "warning"
	}
	return "info"
}

func errorIcon(status int) string {
	switch {
	case status == 404 || status == 410:
		return "search"
	case status == 429:
		return "clock"
	case status == 401 || status == 403:
		return "shield"
	}
	return "alert"
}

// avatarTone is a stable colour class for a user's initials.
func avatarTone(v *Viewer) string {
	if v == nil {
		return ""
	}
	h := fnv.New32a()
	h.Write([]byte(v.Username))
	switch h.Sum32() % 6 {
	case 1:
		return "avatar--t1"
	case 2:
		return "avatar--t2"
	case 3:
		return "avatar--t3"
	case 4:
		return "avatar--t4"
	case 5:
		return "avatar--t5"
	}
	return ""
}

// joinIDs builds an aria-describedby value from the non-empty ids.
func joinIDs(ids ...string) string {
	out := ids[:0:0]
	for _, id := range ids {
		if id != "" {
			out = append(out, id)
		}
	}
	return strings.Join(out, " ")
}

// Option is one choice of a select field.
type Option struct {
	Value, Label string
}

// Field describes one labelled form control for FormField. ID defaults to "id_"+Name.
type Field struct {
	Name         string
	ID           string
	Label        string
	Type         string // text (default), email, password, date, number, search, url, tel, select, textarea
	Value        string // never set for passwords
	Help         string
	Placeholder  string
	Autocomplete string
	InputMode    string
	MaxLength    int
	Rows         int // textarea
	Required     bool
	Optional     bool // show "(optional)" after the label
	Toggle       bool // password: add a show/hide button
	Options      []Option
	Errors       []string
	Attrs        templ.Attributes // extra attributes on the control (min, max, pattern, data-*)
}

func (f Field) id() string {
	if f.ID != "" {
		return f.ID
	}
	return "id_" + f.Name
}

// helpID is empty when there is no help text or when errors replace it.
func (f Field) helpID() string {
	if f.Help == "" || len(f.Errors) > 0 {
		return ""
	}
	return f.id() + "_help"
}

func (f Field) errorID() string {
	if len(f.Errors) == 0 {
		return ""
	}
	return f.id() + "_error"
}

func (f Field) describedBy() string { return joinIDs(f.helpID(), f.errorID()) }

func (f Field) inputType() string {
	if f.Type == "" {
		return "text"
	}
	return f.Type
}

// fieldAria ties a control to its help and errors.
func fieldAria(f Field) templ.Attributes {
	a := templ.Attributes{}
	if d := f.describedBy(); d != "" {
		a["aria-describedby"] = d
	}
	if len(f.Errors) > 0 {
		a["aria-invalid"] = "true"
	}
	return a
}

// hole writes the marker of a hole (app/frag): the place of something filled in per
// response in a fragment kept for many. Markers are made by frag, never from user text.
func hole(h frag.Hole) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, frag.Mark(h))
		return err
	})
}
