package api

// What the feed and notification route tables do not say, for the OpenAPI document
// (openapi.go).
func init() { addOpDocs(feedOps) }

var (
	qStartDate = qDate("start_date", "created at or after this day")
	qEndDate   = qDate("end_date", "created on or before this day")
)

func init() {
	schemas["Liker"] = obj([]string{"user", "display_name", "liked_at"}, map[string]any{
		"user": ref("UserMini"), "display_name": map[string]any{"type": "string", "description": "full name, or the username"}, "liked_at": instant})
	schemas["LikerList"] = listOf("Liker")
	schemas["APIRoot"] = obj([]string{"name", "openapi", "sections"}, map[string]any{
		"name": str, "openapi": str, "posts": str, "comments": str, "notifications": str,
		"sections": map[string]any{"type": "array", "items": obj([]string{"name", "description", "url"}, map[string]any{"name": str, "description": str, "url": str})}})
	addOpDocs(map[string]opDoc{"GET /api/": {Description: "The API's sections (the tags of this document) with where each starts, and the OpenAPI document's address."}})
}

var feedOps = map[string]opDoc{
	"GET /api/posts/": {Description: "Posts of everyone, newest first unless ordered otherwise, with the caller's like. " +
		"search matches words anywhere in the content (full text).",
		Query: withPaging(defaultPageSize,
			qString("search", "words the content contains (the first 8 count)"),
			qEnum("ordering", "sort key; a leading - sorts descending", "-created_at",
				"created_at", "-created_at", "updated_at", "-updated_at", "likes_count", "-likes_count", "comments_count", "-comments_count"),
			qID("user_id", "only this author's posts"),
			qStartDate, qEndDate,
			qBool("has_image", "only posts with (true) or without (false) an image"),
			qBool("has_video", "only posts with or without a video"),
			qBool("has_document", "only posts with or without a document"))},
	"POST /api/posts/": {Description: "Creates a post of 1 to 5000 characters; @username mentions of existing people notify them. " +
		"Send JSON, or multipart with at most one file: image (JPEG, PNG, GIF, WebP ≤ 5 MB), video (MP4, WebM, Ogg, MOV ≤ 20 MB) " +
		"or document (PDF, DOCX, XLSX, PPTX, Markdown, TeX ≤ 10 MB), each recognised by its content. Limited to 10 posts a minute and 20 uploads an hour."},
	"GET /api/posts/search/": {Description: "Full-text search of posts with filters; matches rank newest first unless sorted otherwise.",
		Query: withPaging(defaultPageSize,
			qString("q", "words to find, each also as a prefix (the first 8 words count)"),
			qString("user", "only this author's posts (a username; an unknown one matches nothing)"),
			qDate("date_from", "created at or after this day"),
			qDate("date_to", "created on or before this day"),
			qBool("has_media", "only posts with (true) or without (false) an image, video or document"),
			query("min_likes", "at least this many likes", map[string]any{"type": "integer", "minimum": 0}),
			query("min_comments", "at least this many comments", map[string]any{"type": "integer", "minimum": 0}),
			qEnum("sort_by", "sort key", "created_at", "created_at", "likes", "comments"),
			qEnum("order", "sort direction", "desc", "asc", "desc"))},
	"GET /api/posts/{id}/":    {Description: "A post with all its comments, newest first."},
	"PUT /api/posts/{id}/":    {Description: "Replaces the content of your post (1–5000 characters); people newly mentioned are notified. Only the author edits (403 for others)."},
	"PATCH /api/posts/{id}/":  {Description: "The same as PUT: the content is the post's only editable field."},
	"DELETE /api/posts/{id}/": {Description: "Deletes a post with its comments, likes and files. The author or an admin (403 for others)."},
	"POST /api/posts/{id}/like/": {Description: "Likes the post, or takes the like back when the caller already likes it; the author is notified " +
		"once per person and post, even after unliking and liking again. Limited to 120 a minute."},
	"GET /api/posts/{id}/likes/": {Description: "The people who liked the post, newest like first, with their display names. " +
		"count is every like of the post; next carries a keyset cursor (before), so pages stay right while likes come and go.",
		Query: []map[string]any{
			query("before", "the cursor from the previous page's next link (MILLIS-USERID)",
				map[string]any{"type": "string", "pattern": "^[0-9]+-[0-9]+$", "examples": []any{"1764072000000-1"}}),
			query("page_size", "people per page (default 30, at most 100)", map[string]any{"type": "integer", "minimum": 1})}},
	"GET /api/posts/{id}/comments/":  {Description: "Every comment of the post, newest first, as a bare array (not paginated), as the original API did."},
	"POST /api/posts/{id}/comments/": {Description: "Comments on the post (1–5000 characters); the post's author and the people mentioned are notified. Limited to 30 a minute."},
	"GET /api/comments/": {Description: "Comments of every post, newest first, with filters.",
		Query: withPaging(defaultPageSize,
			qID("post_id", "only this post's comments"),
			qID("user_id", "only this author's comments"),
			qStartDate, qEndDate,
			qString("search", "text the comment contains"),
			qEnum("ordering", "created_at: oldest first; -created_at: newest first", "-created_at", "created_at", "-created_at"))},
	"POST /api/comments/":        {Description: "Comments on the post named in the body; an unknown post is a 400 on the field post, as in the original API. Limited to 30 a minute."},
	"GET /api/comments/{id}/":    {Description: "A comment."},
	"PUT /api/comments/{id}/":    {Description: "Replaces the content of your comment. Only its author edits (403 for others)."},
	"PATCH /api/comments/{id}/":  {Description: "The same as PUT: the content is the comment's only editable field."},
	"DELETE /api/comments/{id}/": {Description: "Deletes a comment: its author, the post's author or an admin (403 for others)."},
	"GET /api/notifications/": {Description: "The caller's notifications, newest first, with filters.",
		Query: withPaging(defaultPageSize,
			qBool("is_read", "only read (true) or unread (false) ones"),
			qKnown("type", "only this kind (an unknown one matches nothing)", "", "mention", "comment", "like", "enrollment", "quiz_completed", "quiz_graded", "appointment", "message"),
			qStartDate, qEndDate,
			qString("search", "text the notification contains"),
			qEnum("ordering", "sort key; a leading - sorts descending", "-created_at", "created_at", "-created_at", "is_read", "-is_read"))},
	"GET /api/notifications/unread_count/":    {Description: "How many of the caller's notifications are unread (the bell's badge)."},
	"POST /api/notifications/mark_all_read/":  {Description: "Marks every notification of the caller read; answers the new unread count (0)."},
	"GET /api/notifications/{id}/":            {Description: "One of the caller's notifications; another person's is a 404."},
	"POST /api/notifications/{id}/mark_read/": {Description: "Marks one of the caller's notifications read and answers the new unread count; another person's is a 404."},
	"GET /api/users/search/": {Description: "Active people whose username or name starts with the words of q, for @mention autocomplete; an empty q answers no one.",
		Query: withPaging(defaultPageSize, qString("q", "username or name prefixes"))},
}
