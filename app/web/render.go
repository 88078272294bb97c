package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/a-h/templ"

	"eplatform/app/auth"
	"eplatform/app/form"
	"eplatform/app/httpx"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/views"
)

// render writes a templ component as the response. Rendering into a buffer first
// means a failing component yields a clean 500 rather than half a page.
func (h *Web) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if err := c.Render(r.Context(), buf); err != nil {
		if httpx.ClientGone(r, err) {
			w.WriteHeader(httpx.StatusClientClosed)
			return
		}
		h.st.Log.ErrorContext(r.Context(), "render", "id", RequestID(r.Context()), "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// Pages depend on the viewer; never let a shared cache keep them.
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes()) // the status is sent; a failed write means the client left
}

// renderBuffers are reused between pages: a feed page is ~100 KB of HTML, and growing
// a fresh buffer for each one was most of a page's allocations.
var renderBuffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 64<<10)) }}

func putRenderBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 { // an unusually large page: let it go
		return
	}
	b.Reset()
	renderBuffers.Put(b)
}

// page prepares the shell data for a page: the viewer, their pending flash messages
// (which are consumed) and the asset resolver.
func (h *Web) page(w http.ResponseWriter, r *http.Request, title, nav string) views.Page {
	p := views.Page{Title: title, Nav: nav, Asset: h.assets.URL}
	if id, ok := auth.FromContext(r.Context()); ok {
		p.Viewer = viewerOf(id.User)
		p.Unread, _ = h.st.Notify.Unread(r.Context(), id.User.ID) // cached; 0 on error
		if h.st.Chat != nil {
			p.UnreadMessages, _ = h.st.Chat.Unread(r.Context(), id.User.ID) // a badge: 0 when unknown (cached)
		}
	}
	p.Flashes = h.takeFlashes(w, r)
	return p
}

// viewerOf is the shell's view of a user.
func viewerOf(u store.User) *views.Viewer {
	v := &views.Viewer{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName, UserType: u.UserType}
	if u.ProfilePicture != "" {
		v.AvatarURL = "/media/" + u.ProfilePicture
	}
	return v
}

// flash queues a message for the next page the browser shows.
func (h *Web) flash(w http.ResponseWriter, r *http.Request, kind, msg string) {
	s, err := h.sessions.Get(r, auth.SessionName)
	if err != nil {
		return
	}
	s.AddFlash(kind + "\x00" + msg)
	if err := s.Save(r, w); err != nil {
		h.st.Log.WarnContext(r.Context(), "save flash", "err", err)
	}
}

func (h *Web) takeFlashes(w http.ResponseWriter, r *http.Request) []views.Flash {
	s, err := h.sessions.Get(r, auth.SessionName)
	if err != nil || s.IsNew {
		return nil
	}
	raw := s.Flashes()
	if len(raw) == 0 {
		return nil
	}
	if err := s.Save(r, w); err != nil {
		h.st.Log.WarnContext(r.Context(), "consume flashes", "err", err)
	}
	out := make([]views.Flash, 0, len(raw))
	for _, f := range raw {
		str, _ := f.(string)
		kind, msg, ok := strings.Cut(str, "\x00")
		if !ok {
			kind, msg = "info", str
		}
		out = append(out, views.Flash{Kind: kind, Message: msg})
	}
	return out
}

// formErrors converts the rules' errors to the views' shape (form-wide under "").
func formErrors(errs form.Errors) views.FormErrors {
	out := views.FormErrors{}
	for k, v := range errs {
		if k == form.NonField {
			k = ""
		}
		out[k] = v
	}
	return out
}

// safeNext returns next when it is a local path (so a login link cannot send people
// to another site), or "".
func safeNext(next string) string {
	if next == "" || len(next) > 2000 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n\t") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.IsAbs() || u.Host != "" {
		return ""
	}
	return next
}

// identity returns the signed-in user of the request.
func identity(ctx context.Context) (store.User, bool) {
	id, ok := auth.FromContext(ctx)
	return id.User, ok
}

// parseForm reads an urlencoded or multipart form of at most maxBytes; it answers 413
// or 400 itself (a fragment request as the error JSON its script reads) and returns
// false when the body is unusable.
func (h *Web) parseForm(w http.ResponseWriter, r *http.Request, maxBytes int64) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(maxBytes)
	} else {
		err = r.ParseForm()
	}
	if err == nil {
		return true
	}
	var tooBig *http.MaxBytesError
	switch {
	case wantsFragment(r) && errors.As(err, &tooBig):
		h.fail(w, r, problem.TooLarge("The form was larger than this page accepts."), "")
	case wantsFragment(r):
		h.fail(w, r, problem.Invalid("The form could not be read. Please try again."), "")
	case errors.As(err, &tooBig):
		h.errorPage(w, r, http.StatusRequestEntityTooLarge, "That was too much data", "The form was larger than this page accepts.")
	default:
		h.errorPage(w, r, http.StatusBadRequest, "Bad request", "The form could not be read. Please try again.")
	}
	return false
}
