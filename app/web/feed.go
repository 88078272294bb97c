package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

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

// allow applies a per-user rate limit and answers 429 itself.
func (h *Web) allow(w http.ResponseWriter, r *http.Request, rule limit.Rule) bool {
	u, _ := identity(r.Context())
	if err := limit.Check(r.Context(), h.st.Limiter, rule, limit.UserKey(u.ID)); err != nil {
		h.fail(w, r, err, "")
		return false
	}
	return true
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
	h.cachedFeed(w, r)
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
		d.Posts = append(d.Posts, h.postView(r.Context(), it, u, page.Known))
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
			h.fail(w, r, problem.Invalid("The form could not be read. Please try again."), "")
		}
		return
	} else if err != nil && r.ParseForm() != nil {
		h.fail(w, r, problem.Invalid("The form could not be read. Please try again."), "")
		return
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
	var err error = problem.Fields(errs)
	if len(errs) == 0 {
		var post store.Post
		if post, err = h.st.Feed.CreatePost(r.Context(), u, content, up); err == nil {
			if wantsFragment(r) {
				h.postCardFragment(w, r, http.StatusCreated, post.ID)
				return
			}
			h.flash(w, r, "success", "Your post is published.")
			http.Redirect(w, r, "/home/#post-"+strconv.FormatInt(post.ID, 10), http.StatusSeeOther)
			return
		}
	}
	if fields, ok := invalidFields(r, err); ok {
		h.renderFeed(w, r, http.StatusOK, content, fields)
		return
	}
	h.fail(w, r, err, "/home/")
}

// postCardFragment answers with one post card as the viewer sees it in the feed.
func (h *Web) postCardFragment(w http.ResponseWriter, r *http.Request, status int, postID int64) {
	u, _ := identity(r.Context())
	it, known, err := h.st.Feed.Post(r.Context(), u, postID)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	// A card shows the newest comments only, like the feed.
	if n := len(it.Comments); n > feed.CommentsPerCard {
		it.Comments = it.Comments[n-feed.CommentsPerCard:]
		it.MoreComments = it.Post.CommentsCount - feed.CommentsPerCard
	}
	h.renderFragment(w, r, status, views.PostCard(views.Page{Viewer: viewerOf(u), Asset: h.assets.URL}, h.postView(r.Context(), it, u, known)))
}

func (h *Web) postCard(w http.ResponseWriter, r *http.Request) {
	if id, ok := h.id(w, r, "id"); ok {
		h.postCardFragment(w, r, http.StatusOK, id)
	}
}

func (h *Web) postPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	h.cachedPostPage(w, r, id)
}

func (h *Web) renderPostPage(w http.ResponseWriter, r *http.Request, id int64, status int, form, draft string, errs form.Errors) {
	u, _ := identity(r.Context())
	it, known, err := h.st.Feed.Post(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	d := views.PostPageData{Post: h.postView(r.Context(), it, u, known), Form: form, Draft: draft, Errors: formErrors(errs)}
	h.render(w, r, status, views.PostPage(h.page(w, r, "Post by "+d.Post.Author.Name, "home"), d))
}

func (h *Web) likePost(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok || !h.allow(w, r, h.st.Limits.Like) {
		return
	}
	u, _ := identity(r.Context())
	if _, _, err := h.st.Feed.ToggleLike(r.Context(), u, id); err != nil {
		h.fail(w, r, err, "")
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
	c, _, err := h.st.Feed.AddComment(r.Context(), u, id, content)
	if fields, ok := invalidFields(r, err); ok {
		h.renderPostPage(w, r, id, http.StatusOK, "comment", content, fields)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if wantsFragment(r) {
		h.commentItemFragment(w, r, http.StatusCreated, c.ID)
		return
	}
	http.Redirect(w, r, "/home/post/"+strconv.FormatInt(id, 10)+"/#comment-"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
}

// commentItemFragment answers with one comment as the viewer sees it.
func (h *Web) commentItemFragment(w http.ResponseWriter, r *http.Request, status int, id int64) {
	u, _ := identity(r.Context())
	cv, err := h.st.Feed.Comment(r.Context(), id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.renderFragment(w, r, status, views.CommentItem(views.Page{Viewer: viewerOf(u), Asset: h.assets.URL}, h.commentView(r.Context(), cv.Comment, cv.PostOwner, u, cv.Known)))
}

func (h *Web) commentFragment(w http.ResponseWriter, r *http.Request) {
	if id, ok := h.id(w, r, "id"); ok {
		h.commentItemFragment(w, r, http.StatusOK, id)
	}
}

func (h *Web) editPost(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok || !h.allow(w, r, h.st.Limits.Post) || !h.parseForm(w, r, formLimit) {
		return
	}
	u, _ := identity(r.Context())
	content := r.PostForm.Get("content")
	_, err := h.st.Feed.UpdatePost(r.Context(), u, id, content)
	if fields, ok := invalidFields(r, err); ok {
		h.renderPostPage(w, r, id, http.StatusOK, "edit", content, fields)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if wantsFragment(r) {
		h.postCardFragment(w, r, http.StatusOK, id)
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
	h.flash(w, r, "success", "The post is deleted.")
	http.Redirect(w, r, "/home/", http.StatusSeeOther)
}

func (h *Web) editComment(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok || !h.allow(w, r, h.st.Limits.Comment) || !h.parseForm(w, r, formLimit) {
		return
	}
	u, _ := identity(r.Context())
	c, err := h.st.Feed.UpdateComment(r.Context(), u, id, r.PostForm.Get("content"))
	if fields, ok := invalidFields(r, err); ok {
		h.flash(w, r, "error", fields.First())
		http.Redirect(w, r, "/home/", http.StatusSeeOther)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if wantsFragment(r) {
		h.commentItemFragment(w, r, http.StatusOK, c.ID)
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
	h.flash(w, r, "success", "The comment is deleted.")
	http.Redirect(w, r, backTo(r, postID), http.StatusSeeOther)
}
