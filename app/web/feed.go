package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"eplatform/app/feed"
	"eplatform/app/form"
	"eplatform/app/limit"
	"eplatform/app/media"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/views"
)

// FeedPageSize is how many posts a feed page shows.
const FeedPageSize = 20

// Forms of the feed answer JSON when feed.js sends them with Accept: application/json,
// and redirect with a flash otherwise, so every action works without JavaScript.

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fragment renders a component to a string for a JSON answer.
func fragment(r *http.Request, c templ.Component) (string, error) {
	var b strings.Builder
	err := c.Render(r.Context(), &b)
	return b.String(), err
}

// invalid answers validation errors of an action done by script; false when not JSON.
func invalid(w http.ResponseWriter, r *http.Request, errs form.Errors) bool {
	if !wantsJSON(r) {
		return false
	}
	msg := "Please correct the errors."
	for _, m := range errs {
		if len(m) > 0 {
			msg = m[0]
			break
		}
	}
	writeJSON(w, http.StatusBadRequest, map[string]any{"errors": errs, "message": msg})
	return true
}

// allow applies a per-user rate limit and answers 429 itself.
func (h *Web) allow(w http.ResponseWriter, r *http.Request, rule limit.Rule) bool {
	u, _ := identity(r.Context())
	d, err := h.st.Limiter.Allow(r.Context(), rule, limit.UserKey(u.ID))
	if err != nil || d.Allowed {
		return true
	}
	limit.SetRetryAfter(w, d)
	if wantsJSON(r) {
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"detail": limit.Message(d)})
	} else {
		h.tooManyRequests(w, r, d)
	}
	return false
}

// id reads a numeric path value; anything else is a 404.
func (h *Web) id(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, store.ErrNotFound, "")
		return 0, false
	}
	return id, true
}

// parseCursor reads ?before=MILLIS-ID.
func parseCursor(v string) store.Cursor {
	at, id, ok := strings.Cut(v, "-")
	ms, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || n <= 0 {
		return store.Cursor{}
	}
	return store.Cursor{At: time.UnixMilli(ms), ID: n}
}

func cursorParam(c store.Cursor) string {
	return strconv.FormatInt(c.At.UnixMilli(), 10) + "-" + strconv.FormatInt(c.ID, 10)
}

func (h *Web) home(w http.ResponseWriter, r *http.Request) {
	h.renderFeed(w, r, http.StatusOK, "", nil)
}

func (h *Web) renderFeed(w http.ResponseWriter, r *http.Request, status int, draft string, errs form.Errors) {
	u, _ := identity(r.Context())
	page, err := h.st.Feed.Feed(r.Context(), u, parseCursor(r.URL.Query().Get("before")), FeedPageSize)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	d := views.FeedData{MaxContent: feed.MaxContent, Draft: draft, Errors: formErrors(errs)}
	for _, it := range page.Items {
		d.Posts = append(d.Posts, h.postView(it, u, page.Known))
	}
	if !page.Next.IsZero() {
		d.NextURL = "/home/?before=" + cursorParam(page.Next)
	}
	p := h.page(w, r, "Home", "home")
	if wantsFragment(r) {
		h.renderFragment(w, r, status, views.FeedFragment(p, d))
		return
	}
	h.render(w, r, status, views.FeedPage(p, d))
}

// uploadLimit is the largest post body: the video limit plus room for the form.
const uploadLimit = 20<<20 + 1<<20

func (h *Web) createPost(w http.ResponseWriter, r *http.Request) {
	if !h.allow(w, r, h.st.Limits.Post) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, uploadLimit)
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.fail(w, r, problem.TooLarge("The upload is too large: video at most 20 MB, document 10 MB, image 5 MB."), "/home/")
		} else {
			h.errorPage(w, r, http.StatusBadRequest, "", "The form could not be read. Please try again.")
		}
		return
	} else if err != nil {
		_ = r.ParseForm()
	}
	u, _ := identity(r.Context())
	content := r.FormValue("content")
	var up *feed.Upload
	errs := form.Errors{}
	if r.MultipartForm != nil {
		for _, field := range []string{media.Image, media.Video, media.Document} {
			for _, fh := range r.MultipartForm.File[field] {
				if fh.Size == 0 && fh.Filename == "" {
					continue // an empty file input
				}
				if up != nil {
					errs.Add("", "Attach at most one file: an image, a video or a document.")
					break
				}
				if fh.Size > media.MaxSize[field] {
					h.fail(w, r, problem.TooLarge("The "+field+" is too large: at most "+strconv.FormatInt(media.MaxSize[field]>>20, 10)+" MB."), "/home/")
					return
				}
				f, err := fh.Open()
				if err != nil {
					errs.Add(field, "The file could not be read.")
					continue
				}
				data, err := media.ReadLimited(f, media.MaxSize[field])
				f.Close()
				if err != nil {
					errs.Add(field, "The file could not be read.")
					continue
				}
				up = &feed.Upload{Field: field, Name: fh.Filename, Data: data}
			}
		}
	}
	if up != nil && !h.allow(w, r, h.st.Limits.Upload) {
		return
	}
	if len(errs) == 0 {
		post, verrs, err := h.st.Feed.CreatePost(r.Context(), u, content, up)
		if err != nil {
			h.fail(w, r, err, "/home/")
			return
		}
		errs = verrs
		if len(errs) == 0 {
			if wantsJSON(r) {
				html, err := h.cardHTML(r, post.ID)
				if err != nil {
					h.serverError(w, r, err)
					return
				}
				writeJSON(w, http.StatusCreated, map[string]any{"html": html, "id": post.ID})
				return
			}
			h.flash(w, r, "success", "Your post is published.")
			http.Redirect(w, r, "/home/#post-"+strconv.FormatInt(post.ID, 10), http.StatusSeeOther)
			return
		}
	}
	if errs.Has(form.NonField) {
		errs[""] = errs[form.NonField]
		delete(errs, form.NonField)
	}
	if invalid(w, r, errs) {
		return
	}
	h.renderFeed(w, r, http.StatusOK, content, errs)
}

// cardHTML renders one post card for the viewer.
func (h *Web) cardHTML(r *http.Request, postID int64) (string, error) {
	u, _ := identity(r.Context())
	it, known, err := h.st.Feed.Post(r.Context(), u, postID)
	if err != nil {
		return "", err
	}
	// A card shows the newest comments only, like the feed.
	if n := len(it.Comments); n > feed.CommentsPerCard {
		it.Comments = it.Comments[n-feed.CommentsPerCard:]
		it.MoreComments = it.Post.CommentsCount - feed.CommentsPerCard
	}
	return fragment(r, views.PostCard(views.Page{Viewer: viewerOf(u), Asset: h.assets.URL}, h.postView(it, u, known)))
}

func (h *Web) postCard(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	html, err := h.cardHTML(r, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(html))
}

func (h *Web) postPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	h.renderPostPage(w, r, id, http.StatusOK, "", "", nil)
}

func (h *Web) renderPostPage(w http.ResponseWriter, r *http.Request, id int64, status int, form, draft string, errs form.Errors) {
	u, _ := identity(r.Context())
	it, known, err := h.st.Feed.Post(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	d := views.PostPageData{Post: h.postView(it, u, known), Form: form, Draft: draft, Errors: formErrors(errs)}
	h.render(w, r, status, views.PostPage(h.page(w, r, "Post by "+d.Post.Author.Name, "home"), d))
}

func (h *Web) likePost(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok || !h.allow(w, r, h.st.Limits.Like) {
		return
	}
	u, _ := identity(r.Context())
	liked, count, err := h.st.Feed.ToggleLike(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"liked": liked, "like_count": count})
		return
	}
	http.Redirect(w, r, backTo(r, id), http.StatusSeeOther)
}

// backTo returns where a no-JS action goes back to: the post page when it came from
// there, else the card in the feed.
func backTo(r *http.Request, postID int64) string {
	post := "/home/post/" + strconv.FormatInt(postID, 10) + "/"
	if ref := r.Header.Get("Referer"); strings.Contains(ref, post) {
		return post
	}
	return "/home/#post-" + strconv.FormatInt(postID, 10)
}

func (h *Web) commentOnPost(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok || !h.allow(w, r, h.st.Limits.Comment) || !h.parseForm(w, r, formLimit) {
		return
	}
	u, _ := identity(r.Context())
	content := r.PostForm.Get("content")
	c, count, errs, err := h.st.Feed.AddComment(r.Context(), u, id, content)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if len(errs) > 0 {
		if !invalid(w, r, errs) {
			h.renderPostPage(w, r, id, http.StatusOK, "comment", content, errs)
		}
		return
	}
	if wantsJSON(r) {
		html, err := h.commentHTML(r, c)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{"html": html, "id": c.ID, "comments_count": count})
		return
	}
	http.Redirect(w, r, "/home/post/"+strconv.FormatInt(id, 10)+"/#comment-"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
}

func (h *Web) commentHTML(r *http.Request, c store.Comment) (string, error) {
	u, _ := identity(r.Context())
	post, err := h.st.DB.PostByID(r.Context(), c.PostID)
	if err != nil {
		return "", err
	}
	known, err := h.st.Feed.Known(r.Context(), c.Content)
	if err != nil {
		return "", err
	}
	return fragment(r, views.CommentItem(views.Page{Viewer: viewerOf(u), Asset: h.assets.URL}, h.commentView(c, post.Author.ID, u, known)))
}

func (h *Web) commentFragment(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	c, err := h.st.DB.CommentByID(r.Context(), id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	html, err := h.commentHTML(r, c)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(html))
}

func (h *Web) editPost(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok || !h.allow(w, r, h.st.Limits.Post) || !h.parseForm(w, r, formLimit) {
		return
	}
	u, _ := identity(r.Context())
	content := r.PostForm.Get("content")
	_, errs, err := h.st.Feed.UpdatePost(r.Context(), u, id, content)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if len(errs) > 0 {
		if !invalid(w, r, errs) {
			h.renderPostPage(w, r, id, http.StatusOK, "edit", content, errs)
		}
		return
	}
	if wantsJSON(r) {
		html, err := h.cardHTML(r, id)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"html": html})
		return
	}
	h.flash(w, r, "success", "Your post is updated.")
	http.Redirect(w, r, backTo(r, id), http.StatusSeeOther)
}

func (h *Web) deletePost(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	if err := h.st.Feed.DeletePost(r.Context(), u, id); err != nil {
		h.fail(w, r, err, "")
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"deleted": true})
		return
	}
	h.flash(w, r, "success", "The post is deleted.")
	http.Redirect(w, r, "/home/", http.StatusSeeOther)
}

func (h *Web) editComment(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok || !h.allow(w, r, h.st.Limits.Comment) || !h.parseForm(w, r, formLimit) {
		return
	}
	u, _ := identity(r.Context())
	c, errs, err := h.st.Feed.UpdateComment(r.Context(), u, id, r.PostForm.Get("content"))
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if len(errs) > 0 {
		if !invalid(w, r, errs) {
			h.flash(w, r, "error", errs["content"][0])
			http.Redirect(w, r, "/home/", http.StatusSeeOther)
		}
		return
	}
	if wantsJSON(r) {
		html, err := h.commentHTML(r, c)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"html": html})
		return
	}
	http.Redirect(w, r, "/home/post/"+strconv.FormatInt(c.PostID, 10)+"/#comment-"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
}

func (h *Web) deleteComment(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	postID, err := h.st.Feed.DeleteComment(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"deleted": true})
		return
	}
	h.flash(w, r, "success", "The comment is deleted.")
	http.Redirect(w, r, backTo(r, postID), http.StatusSeeOther)
}
