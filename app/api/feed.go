package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"eplatform/app/auth"
	"eplatform/app/feed"
	"eplatform/app/form"
	"eplatform/app/limit"
	"eplatform/app/media"
	"eplatform/app/notify"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
)

func (a *API) feedRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/posts/", Tag: "feed", Summary: "List posts (filters: search, ordering, user_id, start_date, end_date, has_image, has_video, has_document)", Auth: true, Response: "PostList", Status: 200, Handler: a.listPosts},
		{Method: "POST", Path: "/api/posts/", Tag: "feed", Summary: "Create a post: content 1–5000 characters and at most one of image, video, document (JSON or multipart)", Auth: true, Body: "PostCreate", Response: "Post", Status: 201, Handler: a.createPost},
		{Method: "GET", Path: "/api/posts/search/", Tag: "feed", Summary: "Full-text search of posts (q, user, date_from, date_to, has_media, min_likes, min_comments, sort_by, order)", Auth: true, Response: "PostList", Status: 200, Handler: a.searchPosts},
		{Method: "GET", Path: "/api/posts/{id}/", Tag: "feed", Summary: "A post with its comments", Auth: true, Response: "PostDetail", Status: 200, Handler: a.getPost},
		{Method: "PUT", Path: "/api/posts/{id}/", Tag: "feed", Summary: "Edit your post (newly mentioned people are notified)", Auth: true, Body: "ContentBody", Response: "Post", Status: 200, Handler: a.updatePost},
		{Method: "PATCH", Path: "/api/posts/{id}/", Tag: "feed", Summary: "Edit your post", Auth: true, Body: "ContentBody", Response: "Post", Status: 200, Handler: a.updatePost},
		{Method: "DELETE", Path: "/api/posts/{id}/", Tag: "feed", Summary: "Delete your post (admins: any post)", Auth: true, Status: 204, Handler: a.deletePost},
		{Method: "POST", Path: "/api/posts/{id}/like/", Tag: "feed", Summary: "Like or unlike a post", Auth: true, Response: "LikeResult", Status: 200, Handler: a.likePost},
		{Method: "GET", Path: "/api/posts/{id}/likes/", Tag: "feed", Summary: "Who liked a post, newest like first (a keyset page)", Auth: true, Response: "LikerList", Status: 200, Handler: a.postLikers},
		{Method: "GET", Path: "/api/posts/{id}/comments/", Tag: "feed", Summary: "All comments of a post, newest first (a bare array)", Auth: true, Response: "CommentArray", Status: 200, Handler: a.postComments},
		{Method: "POST", Path: "/api/posts/{id}/comments/", Tag: "feed", Summary: "Comment on a post", Auth: true, Body: "ContentBody", Response: "Comment", Status: 201, Handler: a.commentOnPost},
		{Method: "GET", Path: "/api/comments/", Tag: "feed", Summary: "List comments (post_id, user_id, start_date, end_date, search, ordering)", Auth: true, Response: "CommentList", Status: 200, Handler: a.listComments},
		{Method: "POST", Path: "/api/comments/", Tag: "feed", Summary: "Comment on a post", Auth: true, Body: "CommentCreate", Response: "Comment", Status: 201, Handler: a.createComment},
		{Method: "GET", Path: "/api/comments/{id}/", Tag: "feed", Summary: "A comment", Auth: true, Response: "Comment", Status: 200, Handler: a.getComment},
		{Method: "PUT", Path: "/api/comments/{id}/", Tag: "feed", Summary: "Edit your comment", Auth: true, Body: "ContentBody", Response: "Comment", Status: 200, Handler: a.updateComment},
		{Method: "PATCH", Path: "/api/comments/{id}/", Tag: "feed", Summary: "Edit your comment", Auth: true, Body: "ContentBody", Response: "Comment", Status: 200, Handler: a.updateComment},
		{Method: "DELETE", Path: "/api/comments/{id}/", Tag: "feed", Summary: "Delete a comment (its author, the post owner or an admin)", Auth: true, Status: 204, Handler: a.deleteComment},
		{Method: "GET", Path: "/api/notifications/", Tag: "notifications", Summary: "Your notifications (is_read, type, start_date, end_date, search, ordering)", Auth: true, Response: "NotificationList", Status: 200, Handler: a.listNotifications},
		{Method: "GET", Path: "/api/notifications/unread_count/", Tag: "notifications", Summary: "Your unread count", Auth: true, Response: "UnreadCount", Status: 200, Handler: a.unreadCount},
		{Method: "POST", Path: "/api/notifications/mark_all_read/", Tag: "notifications", Summary: "Mark all your notifications read", Auth: true, Response: "UnreadCount", Status: 200, Handler: a.markAllRead},
		{Method: "GET", Path: "/api/notifications/{id}/", Tag: "notifications", Summary: "One of your notifications", Auth: true, Response: "Notification", Status: 200, Handler: a.getNotification},
		{Method: "POST", Path: "/api/notifications/{id}/mark_read/", Tag: "notifications", Summary: "Mark one notification read", Auth: true, Response: "UnreadCount", Status: 200, Handler: a.markRead},
		{Method: "GET", Path: "/api/users/search/", Tag: "feed", Summary: "Find active users by username or name (prefix match), for mentions", Auth: true, Response: "UserSearchList", Status: 200, Handler: a.searchUsers},
	}
}

// PostJSON is the API's Post.
type PostJSON struct {
	ID               int64           `json:"id"`
	User             notify.UserMini `json:"user"`
	Content          string          `json:"content"`
	FormattedContent string          `json:"formatted_content"`
	Image            *string         `json:"image"`
	Video            *string         `json:"video"`
	Document         *string         `json:"document"`
	DocumentName     *string         `json:"document_name,omitempty"`
	CreatedAt        string          `json:"created_at"`
	UpdatedAt        string          `json:"updated_at"`
	CommentsCount    int             `json:"comments_count"`
	LikesCount       int             `json:"likes_count"`
	IsLiked          bool            `json:"is_liked"`
}

// PostDetailJSON is a post with its comments.
type PostDetailJSON struct {
	PostJSON
	Comments []CommentJSON `json:"comments"`
}

// CommentJSON is the API's Comment.
type CommentJSON struct {
	ID               int64           `json:"id"`
	User             notify.UserMini `json:"user"`
	Post             int64           `json:"post"`
	Content          string          `json:"content"`
	FormattedContent string          `json:"formatted_content"`
	CreatedAt        string          `json:"created_at"`
}

func (a *API) postJSON(p store.Post, liked bool, known map[string]store.UserMini) PostJSON {
	out := PostJSON{ID: p.ID, User: notify.Mini(p.Author), Content: p.Content,
		FormattedContent: text.HTML(text.Segments(p.Content, feed.Canonical(known))),
		CreatedAt:        iso(p.CreatedAt), UpdatedAt: iso(p.UpdatedAt),
		CommentsCount: p.CommentsCount, LikesCount: p.LikesCount, IsLiked: liked}
	if p.Media != nil {
		u := a.st.Config.BaseURL + media.PostFileURL(p.ID, p.Media.Path)
		switch p.Media.Kind {
		case media.Image:
			out.Image = &u
		case media.Video:
			out.Video = &u
		case media.Document:
			out.Document = &u
			name := p.Media.Name
			out.DocumentName = &name
		}
	}
	return out
}

func commentJSON(c store.Comment, known map[string]store.UserMini) CommentJSON {
	return CommentJSON{ID: c.ID, User: notify.Mini(c.Author), Post: c.PostID, Content: c.Content,
		FormattedContent: text.HTML(text.Segments(c.Content, feed.Canonical(known))), CreatedAt: iso(c.CreatedAt)}
}

// viewer is the signed-in caller (routes with Auth guarantee one).
func viewer(r *http.Request) store.User {
	id, _ := auth.FromContext(r.Context())
	return id.User
}

// pathID reads {id}; a malformed id is a 404 like a missing row.
func pathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		detail(w, http.StatusNotFound, "Not found.")
		return 0, false
	}
	return id, true
}

// limited applies a per-user write limit; it answers 429 itself.
func (a *API) limited(w http.ResponseWriter, r *http.Request, rule limitRule) bool {
	d, err := a.st.Limiter.Allow(r.Context(), rule, limit.UserKey(viewer(r).ID))
	if err == nil && !d.Allowed {
		tooMany(w, d)
		return true
	}
	return false
}

// parseBool reads true/false/1/0 query flags; anything else is an error.
func parseBool(v string) (*bool, bool) {
	switch strings.ToLower(v) {
	case "":
		return nil, true
	case "true", "1", "yes":
		b := true
		return &b, true
	case "false", "0", "no":
		b := false
		return &b, true
	}
	return nil, false
}

// parseDate reads YYYY-MM-DD or RFC 3339; endOfDay makes a bare date inclusive.
func parseDate(v string, endOfDay bool) (time.Time, bool) {
	if v == "" {
		return time.Time{}, true
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, true
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, false
	}
	if endOfDay {
		t = t.Add(24*time.Hour - time.Millisecond)
	}
	return t, true
}

func (a *API) listPosts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pg, errs := readPaging(r, defaultPageSize)
	pq := store.PostQuery{Limit: pg.Size, Offset: pg.offset()}
	if v := q.Get("user_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			errs["user_id"] = []string{"A valid integer is required."}
		}
		pq.AuthorID = id
	}
	var ok bool
	if pq.From, ok = parseDate(q.Get("start_date"), false); !ok {
		errs["start_date"] = []string{"Enter a valid date (YYYY-MM-DD)."}
	}
	if pq.To, ok = parseDate(q.Get("end_date"), true); !ok {
		errs["end_date"] = []string{"Enter a valid date (YYYY-MM-DD)."}
	}
	for name, dst := range map[string]**bool{"has_image": &pq.HasImage, "has_video": &pq.HasVideo, "has_document": &pq.HasDoc} {
		if *dst, ok = parseBool(q.Get(name)); !ok {
			errs[name] = []string{"Must be true or false."}
		}
	}
	if o := q.Get("ordering"); o != "" {
		pq.Ascending = !strings.HasPrefix(o, "-")
		switch strings.TrimPrefix(o, "-") {
		case "created_at", "updated_at", "likes_count", "comments_count":
			pq.OrderBy = strings.TrimPrefix(o, "-")
		case "likes__count":
			pq.OrderBy = "likes_count"
		case "comments__count":
			pq.OrderBy = "comments_count"
		default:
			errs["ordering"] = []string{"Order by created_at, updated_at, likes_count or comments_count (prefix - for descending)."}
		}
	}
	if s := q.Get("search"); s != "" {
		if pq.Anywhere = text.FTSQuery(s); pq.Anywhere == "" {
			pq.AuthorID = -1 // only punctuation: no post matches
		}
	}
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	a.writePosts(w, r, pg, pq)
}

func (a *API) writePosts(w http.ResponseWriter, r *http.Request, pg paging, pq store.PostQuery) {
	if isNewestPage(pq) {
		a.cachedPosts(w, r, pg)
		return
	}
	items, known, count, err := a.st.Feed.Posts(r.Context(), viewer(r), pq)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]PostJSON, len(items))
	for i, it := range items {
		out[i] = a.postJSON(it.Post, it.Liked, known)
	}
	writeJSON(w, http.StatusOK, a.newListPage(r, pg, count, out))
}

func (a *API) searchPosts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pg, errs := readPaging(r, defaultPageSize)
	pq := store.PostQuery{Limit: pg.Size, Offset: pg.offset()}
	if s := q.Get("q"); s != "" {
		if pq.Anywhere = text.FTSQuery(s); pq.Anywhere == "" {
			pq.AuthorID = -1 // only punctuation: no post matches
		}
	}
	if name := q.Get("user"); name != "" {
		id, found, err := a.st.Feed.AuthorID(r.Context(), name)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		pq.AuthorID = id
		if !found {
			pq.AuthorID = -1 // nobody: an empty result, not an error
		}
	}
	var ok bool
	if pq.From, ok = parseDate(q.Get("date_from"), false); !ok {
		errs["date_from"] = []string{"Enter a valid date (YYYY-MM-DD)."}
	}
	if pq.To, ok = parseDate(q.Get("date_to"), true); !ok {
		errs["date_to"] = []string{"Enter a valid date (YYYY-MM-DD)."}
	}
	if pq.HasMedia, ok = parseBool(q.Get("has_media")); !ok {
		errs["has_media"] = []string{"Must be true or false."}
	}
	for name, dst := range map[string]*int{"min_likes": &pq.MinLikes, "min_comments": &pq.MinComms} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				errs[name] = []string{"A valid non-negative integer is required."}
			}
			*dst = n
		}
	}
	switch q.Get("sort_by") {
	case "", "created_at":
	case "likes":
		pq.OrderBy = "likes_count"
	case "comments":
		pq.OrderBy = "comments_count"
	default:
		errs["sort_by"] = []string{"Sort by created_at, likes or comments."}
	}
	switch q.Get("order") {
	case "", "desc":
	case "asc":
		pq.Ascending = true
	default:
		errs["order"] = []string{"Order asc or desc."}
	}
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	a.writePosts(w, r, pg, pq)
}

// readUpload takes the one media file of a multipart post; it answers errors itself.
func readUpload(w http.ResponseWriter, r *http.Request) (*feed.Upload, string, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, media.MaxSize[media.Video]+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			detail(w, http.StatusRequestEntityTooLarge, "The upload is too large: video at most 20 MB, document 10 MB, image 5 MB.")
		} else {
			detail(w, http.StatusBadRequest, "The upload could not be read.")
		}
		return nil, "", false
	}
	var up *feed.Upload
	for _, field := range []string{media.Image, media.Video, media.Document} {
		files := r.MultipartForm.File[field]
		if len(files) == 0 {
			continue
		}
		if up != nil || len(files) > 1 {
			fieldErrors(w, form.Errors{form.NonField: {"Attach at most one file: an image, a video or a document."}})
			return nil, "", false
		}
		fh := files[0]
		if fh.Size > media.MaxSize[field] {
			detail(w, http.StatusRequestEntityTooLarge, "The "+field+" is too large: at most "+strconv.FormatInt(media.MaxSize[field]>>20, 10)+" MB.")
			return nil, "", false
		}
		f, err := fh.Open()
		if err != nil {
			detail(w, http.StatusBadRequest, "The upload could not be read.")
			return nil, "", false
		}
		data, err := media.ReadLimited(f, media.MaxSize[field])
		f.Close()
		if err != nil {
			detail(w, http.StatusRequestEntityTooLarge, "The "+field+" is too large.")
			return nil, "", false
		}
		up = &feed.Upload{Field: field, Name: fh.Filename, Data: data}
	}
	return up, r.FormValue("content"), true
}

func (a *API) createPost(w http.ResponseWriter, r *http.Request) {
	if a.limited(w, r, a.st.Limits.Post) {
		return
	}
	var content string
	var up *feed.Upload
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		var ok bool
		if up, content, ok = readUpload(w, r); !ok {
			return
		}
		if up != nil && a.limited(w, r, a.st.Limits.Upload) {
			return
		}
	} else {
		f, ok := readFields(w, r)
		if !ok {
			return
		}
		content = f.str("content")
		for _, m := range []string{media.Image, media.Video, media.Document} {
			if f.has(m) && f.m[m] != nil {
				f.errs.Add(m, "Send files as multipart/form-data.")
			}
		}
		if errs := f.typeErrors(); errs != nil {
			fieldErrors(w, errs)
			return
		}
	}
	post, err := a.st.Feed.CreatePost(r.Context(), viewer(r), content, up)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writePost(w, r, http.StatusCreated, post, false)
}

// writePost answers with one post as the viewer sees it.
func (a *API) writePost(w http.ResponseWriter, r *http.Request, status int, post store.Post, liked bool) {
	known, err := a.st.Feed.Known(r.Context(), post.Content)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, a.postJSON(post, liked, known))
}

// writeComment answers with one comment.
func (a *API) writeComment(w http.ResponseWriter, r *http.Request, status int, c store.Comment) {
	known, err := a.st.Feed.Known(r.Context(), c.Content)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, commentJSON(c, known))
}

func (a *API) getPost(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	item, known, err := a.st.Feed.Post(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := PostDetailJSON{PostJSON: a.postJSON(item.Post, item.Liked, known), Comments: make([]CommentJSON, 0, len(item.Comments))}
	for i := len(item.Comments) - 1; i >= 0; i-- { // newest first, as the original
		out.Comments = append(out.Comments, commentJSON(item.Comments[i], known))
	}
	writeJSON(w, http.StatusOK, out)
}

// contentField reads {"content": "..."} from JSON or a form.
func contentField(w http.ResponseWriter, r *http.Request, required bool) (string, bool) {
	f, ok := readFields(w, r)
	if !ok {
		return "", false
	}
	c := f.str("content")
	errs := f.merge(nil)
	if required && !f.has("content") && !errs.Has("content") {
		errs.Add("content", "This field is required.")
	}
	if len(errs) > 0 {
		fieldErrors(w, errs)
		return "", false
	}
	return c, true
}

func (a *API) updatePost(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Post) {
		return
	}
	content, ok := contentField(w, r, true)
	if !ok {
		return
	}
	if _, err := a.st.Feed.UpdatePost(r.Context(), viewer(r), id, content); err != nil {
		a.fail(w, r, err)
		return
	}
	item, known, err := a.st.Feed.Post(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.postJSON(item.Post, item.Liked, known))
}

func (a *API) deletePost(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if err := a.st.Feed.DeletePost(r.Context(), viewer(r), id); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) likePost(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Like) {
		return
	}
	liked, count, err := a.st.Feed.ToggleLike(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "liked": liked, "like_count": count})
}

func (a *API) postComments(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	comments, known, err := a.st.Feed.CommentsOfPost(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, commentsJSON(comments, known))
}

// writeComments writes comments as a bare array, or as a page when pg is given.
func commentsJSON(comments []store.Comment, known map[string]store.UserMini) []CommentJSON {
	out := make([]CommentJSON, len(comments))
	for i, c := range comments {
		out[i] = commentJSON(c, known)
	}
	return out
}

func (a *API) addComment(w http.ResponseWriter, r *http.Request, postID int64, content string) {
	c, _, err := a.st.Feed.AddComment(r.Context(), viewer(r), postID, content)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeComment(w, r, http.StatusCreated, c)
}

func (a *API) commentOnPost(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Comment) {
		return
	}
	content, ok := contentField(w, r, true)
	if !ok {
		return
	}
	a.addComment(w, r, id, content)
}

func (a *API) createComment(w http.ResponseWriter, r *http.Request) {
	if a.limited(w, r, a.st.Limits.Comment) {
		return
	}
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	content := f.str("content")
	var postID int64
	switch v := f.m["post"].(type) {
	case float64:
		postID = int64(v)
	case string:
		postID, _ = strconv.ParseInt(v, 10, 64) // not a number: 0, refused just below
	}
	errs := f.merge(nil)
	if postID <= 0 {
		errs.Add("post", "A valid post id is required.")
	}
	if len(errs) > 0 {
		fieldErrors(w, errs)
		return
	}
	c, _, err := a.st.Feed.AddComment(r.Context(), viewer(r), postID, content)
	if errors.Is(err, store.ErrNotFound) {
		err = problem.Field("post", "Invalid pk \""+strconv.FormatInt(postID, 10)+"\" - object does not exist.")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeComment(w, r, http.StatusCreated, c)
}

func (a *API) listComments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pg, errs := readPaging(r, defaultPageSize)
	cq := store.CommentQuery{Limit: pg.Size, Offset: pg.offset(), Search: q.Get("search")}
	for name, dst := range map[string]*int64{"post_id": &cq.PostID, "user_id": &cq.AuthorID} {
		if v := q.Get(name); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				errs[name] = []string{"A valid integer is required."}
			}
			*dst = id
		}
	}
	var ok bool
	if cq.From, ok = parseDate(q.Get("start_date"), false); !ok {
		errs["start_date"] = []string{"Enter a valid date (YYYY-MM-DD)."}
	}
	if cq.To, ok = parseDate(q.Get("end_date"), true); !ok {
		errs["end_date"] = []string{"Enter a valid date (YYYY-MM-DD)."}
	}
	switch q.Get("ordering") {
	case "", "-created_at":
	case "created_at":
		cq.Ascending = true
	default:
		errs["ordering"] = []string{"Order by created_at or -created_at."}
	}
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	comments, known, count, err := a.st.Feed.Comments(r.Context(), cq)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.newListPage(r, pg, count, commentsJSON(comments, known)))
}

func (a *API) getComment(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	cv, err := a.st.Feed.Comment(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, commentJSON(cv.Comment, cv.Known))
}

func (a *API) updateComment(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || a.limited(w, r, a.st.Limits.Comment) {
		return
	}
	content, ok := contentField(w, r, true)
	if !ok {
		return
	}
	c, err := a.st.Feed.UpdateComment(r.Context(), viewer(r), id, content)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeComment(w, r, http.StatusOK, c)
}

func (a *API) deleteComment(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if _, err := a.st.Feed.DeleteComment(r.Context(), viewer(r), id); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) listNotifications(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	me := viewer(r)
	pg, errs := readPaging(r, defaultPageSize)
	nq := store.NotificationQuery{RecipientID: me.ID, Type: q.Get("type"), Search: q.Get("search"), Limit: pg.Size, Offset: pg.offset()}
	var ok bool
	if nq.Unread, ok = parseBool(q.Get("is_read")); !ok {
		errs["is_read"] = []string{"Must be true or false."}
	} else if nq.Unread != nil {
		v := !*nq.Unread // is_read=true → unread=false
		nq.Unread = &v
	}
	if nq.From, ok = parseDate(q.Get("start_date"), false); !ok {
		errs["start_date"] = []string{"Enter a valid date (YYYY-MM-DD)."}
	}
	if nq.To, ok = parseDate(q.Get("end_date"), true); !ok {
		errs["end_date"] = []string{"Enter a valid date (YYYY-MM-DD)."}
	}
	if o := q.Get("ordering"); o != "" {
		nq.Ascending = !strings.HasPrefix(o, "-")
		switch strings.TrimPrefix(o, "-") {
		case "created_at", "is_read":
			nq.OrderBy = strings.TrimPrefix(o, "-")
		default:
			errs["ordering"] = []string{"Order by created_at or is_read (prefix - for descending)."}
		}
	}
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	count, err := a.st.Notify.Count(r.Context(), nq)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.st.Notify.Page(r.Context(), nq)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]notify.JSON, len(list))
	for i, n := range list {
		out[i] = notify.ToJSON(n, miniOfUser(me))
	}
	writeJSON(w, http.StatusOK, a.newListPage(r, pg, count, out))
}

func miniOfUser(u store.User) store.UserMini {
	return store.UserMini{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName, UserType: u.UserType}
}

func (a *API) getNotification(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	me := viewer(r)
	n, err := a.st.Notify.Get(r.Context(), me.ID, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, notify.ToJSON(n, miniOfUser(me)))
}

func (a *API) unreadCount(w http.ResponseWriter, r *http.Request) {
	n, err := a.st.Notify.Unread(r.Context(), viewer(r).ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "unread_count": n})
}

func (a *API) markRead(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	n, err := a.st.Notify.MarkRead(r.Context(), viewer(r).ID, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "unread_count": n})
}

func (a *API) markAllRead(w http.ResponseWriter, r *http.Request) {
	me := viewer(r)
	if _, err := a.st.Notify.MarkAllRead(r.Context(), me.ID); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "unread_count": 0})
}

// UserSearchJSON is the API's UserSearch.
type UserSearchJSON struct {
	ID        int64  `json:"id"`
	Username  string `json:"username"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	FullName  string `json:"full_name"`
	UserType  string `json:"user_type"`
}

func (a *API) searchUsers(w http.ResponseWriter, r *http.Request) {
	pg, errs := readPaging(r, defaultPageSize)
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	me := viewer(r)
	query := text.FTSQuery(r.URL.Query().Get("q"))
	results := []UserSearchJSON{}
	count := 0
	if query != "" {
		var err error
		var users []store.UserMini
		users, count, err = a.st.People.SearchUsers(r.Context(), me, query, pg.Size, pg.offset())
		if err != nil {
			a.fail(w, r, err)
			return
		}
		for _, u := range users {
			results = append(results, UserSearchJSON{ID: u.ID, Username: u.Username, FirstName: u.FirstName,
				LastName: u.LastName, FullName: strings.TrimSpace(u.FirstName + " " + u.LastName), UserType: u.UserType})
		}
	}
	writeJSON(w, http.StatusOK, a.newListPage(r, pg, count, results))
}
