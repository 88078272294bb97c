// Package feed holds the rules of the social feed: who may post, edit, delete, like
// and comment; mention parsing and the notifications each action triggers; and the
// N+1-free reads of the feed and a post. Both the web and the api packages call it.
package feed

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"eplatform/app/audit"
	"eplatform/app/auth"
	"eplatform/app/cache"
	"eplatform/app/form"
	"eplatform/app/media"
	"eplatform/app/notify"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
)

// MaxContent is the longest post or comment, in characters.
const MaxContent = 5000

// Errors.
var ErrNotFound = store.ErrNotFound

// Service implements the feed.
type Service struct {
	DB     *store.DB
	Cache  cache.Cache // for PostCount
	Notify *notify.Service
	Pub    notify.Publisher // nil: no live events
	Media  media.Store
	Log    *slog.Logger
	Now    func() time.Time
	// Changed, when set, is told after each committed change to what a post's card shows
	// (the pages re-render the card in the background so the next reader finds it kept).
	// It must not block.
	Changed func(postID int64)

	hot hot // the heads and marks kept in this process (hot.go)
}

// changed follows a committed change to what a post's card shows.
func (s *Service) changed(ctx context.Context, postID int64) {
	s.changedHeads(ctx)
	if s.Changed != nil {
		s.Changed(postID)
	}
}

// Upload is a file sent with a post.
type Upload struct {
	Field string // image | video | document
	Name  string
	Data  []byte
}

// CheckContent validates post or comment text (the one rule for user text, required,
// at most MaxContent characters); it returns the text to store or a message.
func CheckContent(s string) (string, string) { return text.Field(s, true, MaxContent) }

// pending collects what a transaction did, to deliver after the commit.
type pending struct {
	ids, recipients []int64
}

func (p *pending) add(id, recipient int64) {
	p.ids = append(p.ids, id)
	p.recipients = append(p.recipients, recipient)
}

func (s *Service) deliver(ctx context.Context, p pending) {
	if s.Notify != nil && len(p.ids) > 0 {
		s.Notify.Deliver(ctx, p.ids, p.recipients)
	}
}

func (s *Service) broadcast(ctx context.Context, v any) {
	if s.Pub == nil {
		return
	}
	if err := s.Pub.Broadcast(ctx, v); err != nil && s.Log != nil {
		s.Log.WarnContext(ctx, "live broadcast failed", "err", err)
	}
}

func postURL(postID int64) string { return "/home/post/" + strconv.FormatInt(postID, 10) + "/" }

func commentURL(postID, commentID int64) string {
	return postURL(postID) + "#comment-" + strconv.FormatInt(commentID, 10)
}

// mention records and notifies the people content mentions who were not mentioned
// before (so an edit notifies only the newly mentioned). add records one mention and
// reports whether it is new; notify builds the notification for a new one.
func (s *Service) mention(ctx context.Context, tx *store.Queries, content string, authorID int64,
	add func(userID int64) (bool, error), notification func(recipient int64) store.NewNotification, p *pending) error {
	names := text.Mentions(content)
	if len(names) == 0 {
		return nil
	}
	users, err := tx.ActiveUsersByName(ctx, names)
	if err != nil {
		return err
	}
	for _, name := range names { // in order of appearance
		u, ok := users[name]
		if !ok || u.ID == authorID {
			continue
		}
		isNew, err := add(u.ID)
		if err != nil {
			return err
		}
		if !isNew {
			continue
		}
		// Someone who blocked the author hears nothing of their mentions. The mention is
		// still recorded (it renders as a link like any other), so unblocking later does
		// not make an old edit notify.
		blocked, err := tx.Blocks(ctx, u.ID, authorID)
		if err != nil {
			return err
		}
		if blocked {
			continue
		}
		id, ok, err := tx.InsertNotification(ctx, notification(u.ID))
		if err != nil {
			return err
		}
		if ok {
			p.add(id, u.ID)
		}
	}
	return nil
}

// CreatePost publishes a post with at most one media file.
//
// Invalid input is a problem.Fields naming content or the media field; a file over
// its limit a TooLarge problem.
func (s *Service) CreatePost(ctx context.Context, author store.User, content string, up *Upload) (store.Post, error) {
	errs := form.Errors{}
	content, msg := CheckContent(content)
	if msg != "" {
		errs.Add("content", msg)
	}
	var m *store.Media
	if up != nil {
		checked, err := media.CheckPostMedia(up.Field, up.Name, up.Data)
		if ue, ok := media.IsUploadError(err); ok {
			if ue.Kind == problem.KindTooLarge {
				return store.Post{}, ue
			}
			errs.Add(up.Field, ue.Message)
		} else if err != nil {
			return store.Post{}, err
		} else {
			m = &store.Media{Kind: checked.Kind, Name: media.CleanName(up.Name), Size: int64(len(up.Data)), ContentType: checked.ContentType}
			if len(errs) == 0 {
				if m.Path, err = s.Media.Save("posts", checked.Ext, up.Data); err != nil {
					return store.Post{}, err
				}
			}
		}
	}
	if len(errs) > 0 {
		return store.Post{}, problem.Fields(errs)
	}
	var post store.Post
	var p pending
	now := s.Now()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		p = pending{}
		id, err := tx.InsertPost(ctx, store.NewPost{UserID: author.ID, Content: content, Media: m, Now: now})
		if err != nil {
			return err
		}
		err = s.mention(ctx, tx, content, author.ID,
			func(uid int64) (bool, error) { return tx.AddPostMention(ctx, id, uid, now) },
			func(rcpt int64) store.NewNotification {
				return store.NewNotification{RecipientID: rcpt, SenderID: author.ID, Type: "mention", PostID: id,
					Text: author.Username + " mentioned you in a post", URL: postURL(id), Now: now}
			}, &p)
		if err != nil {
			return err
		}
		post, err = tx.PostByID(ctx, id)
		return err
	})
	if err != nil {
		if m != nil {
			s.removeMedia(ctx, m.Path)
		}
		return store.Post{}, err
	}
	s.deliver(ctx, p)
	s.postsChanged(ctx)
	s.changed(ctx, post.ID)
	s.broadcast(ctx, map[string]any{"type": "new_post", "post_id": post.ID, "user_id": author.ID})
	return post, nil
}

// removeMedia deletes a post's file once the database no longer points at it. A file
// that cannot be removed only wastes space, so it is logged, not returned.
func (s *Service) removeMedia(ctx context.Context, path string) {
	if err := s.Media.Remove(path); err != nil && s.Log != nil {
		s.Log.WarnContext(ctx, "remove post media", "path", path, "err", err)
	}
}

// loadPost returns a post or ErrNotFound.
func (s *Service) loadPost(ctx context.Context, tx *store.Queries, id int64) (store.Post, error) {
	return tx.PostByID(ctx, id)
}

// UpdatePost changes a post's text; only its author may. Newly mentioned people are
// notified, people mentioned before are not notified again.
func (s *Service) UpdatePost(ctx context.Context, viewer store.User, postID int64, content string) (store.Post, error) {
	content, msg := CheckContent(content)
	if msg != "" {
		return store.Post{}, problem.Field("content", msg)
	}
	var post store.Post
	var p pending
	now := s.Now()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		p = pending{}
		cur, err := s.loadPost(ctx, tx, postID)
		if err != nil {
			return err
		}
		if cur.Author.ID != viewer.ID {
			return problem.ErrForbidden
		}
		if err := tx.UpdatePostContent(ctx, postID, content, now); err != nil {
			return err
		}
		err = s.mention(ctx, tx, content, viewer.ID,
			func(uid int64) (bool, error) { return tx.AddPostMention(ctx, postID, uid, now) },
			func(rcpt int64) store.NewNotification {
				return store.NewNotification{RecipientID: rcpt, SenderID: viewer.ID, Type: "mention", PostID: postID,
					Text: viewer.Username + " mentioned you in a post", URL: postURL(postID), Now: now}
			}, &p)
		if err != nil {
			return err
		}
		post, err = tx.PostByID(ctx, postID)
		return err
	})
	if err != nil {
		return store.Post{}, err
	}
	s.deliver(ctx, p)
	s.changed(ctx, postID)
	return post, nil
}

// CanDeletePost: the author, or an admin moderating.
func CanDeletePost(viewer store.User, p store.Post) bool {
	return viewer.ID == p.Author.ID || auth.IsAdmin(viewer)
}

// DeletePost removes a post with its likes, comments and notifications.
func (s *Service) DeletePost(ctx context.Context, viewer store.User, postID int64) error {
	return s.DeletePostWith(ctx, viewer, postID, nil)
}

// DeletePostWith is DeletePost that also runs also (when not nil) in the same
// transaction: a moderator's deletion closes the post's reports atomically with it.
func (s *Service) DeletePostWith(ctx context.Context, viewer store.User, postID int64, also func(tx *store.Queries) error) error {
	var removed store.Post
	var affected []int64
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		cur, err := s.loadPost(ctx, tx, postID)
		if err != nil {
			return err
		}
		if !CanDeletePost(viewer, cur) {
			return problem.ErrForbidden
		}
		removed = cur
		if affected, err = tx.UnreadRecipientsOf(ctx, postID, 0); err != nil {
			return err
		}
		if err := tx.DeletePost(ctx, postID); err != nil {
			return err
		}
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		if cur.Author.ID == viewer.ID {
			return nil // one's own post: no moderation to record
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.Now(), Actor: viewer, Action: audit.PostDelete,
			Target: audit.Target{Kind: audit.KindPost, ID: postID, Label: cur.Author.Username + ": " + cur.Content},
			Before: removedText(cur.Author, cur.Content, cur.CreatedAt)})
	})
	if err != nil {
		return err
	}
	if removed.Media != nil {
		s.removeMedia(ctx, removed.Media.Path)
	}
	if s.Notify != nil {
		s.Notify.Recount(ctx, affected) // its notifications went with it
	}
	s.changedHeads(ctx)
	s.postsChanged(ctx)
	s.broadcast(ctx, map[string]any{"type": "post_deleted", "post_id": postID})
	return nil
}

// ToggleLike likes or unlikes a post. The owner is notified of the first like of each
// person only (unlike and like again does not notify twice), never of their own.
func (s *Service) ToggleLike(ctx context.Context, viewer store.User, postID int64) (liked bool, count int, err error) {
	var p pending
	var comments int
	now := s.Now()
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		p = pending{}
		post, err := s.loadPost(ctx, tx, postID)
		if err != nil {
			return err
		}
		comments = post.CommentsCount
		liked, count, err = tx.ToggleLike(ctx, postID, viewer.ID, now)
		if err != nil || !liked || post.Author.ID == viewer.ID {
			return err
		}
		id, ok, err := tx.InsertNotification(ctx, store.NewNotification{RecipientID: post.Author.ID, SenderID: viewer.ID,
			Type: "like", PostID: postID, Text: viewer.Username + " liked your post", URL: postURL(postID), Now: now})
		if ok {
			p.add(id, post.Author.ID)
		}
		return err
	})
	if err != nil {
		return false, 0, err
	}
	s.deliver(ctx, p)
	s.changedMarks(ctx, viewer.ID)
	s.changed(ctx, postID)
	s.broadcast(ctx, map[string]any{"type": "post_stats", "post_id": postID, "likes_count": count, "comments_count": comments})
	return liked, count, nil
}

// AddComment comments on a post. The post owner gets a comment notification (unless
// commenting themselves); mentioned people get a mention notification, except the
// owner, who already has the comment one.
func (s *Service) AddComment(ctx context.Context, viewer store.User, postID int64, content string) (store.Comment, int, error) {
	content, msg := CheckContent(content)
	if msg != "" {
		return store.Comment{}, 0, problem.Field("content", msg)
	}
	var c store.Comment
	var count, likes int
	var p pending
	now := s.Now()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		p = pending{}
		post, err := s.loadPost(ctx, tx, postID)
		if err != nil {
			return err
		}
		likes = post.LikesCount
		var id int64
		id, count, err = tx.InsertComment(ctx, postID, viewer.ID, content, now)
		if err != nil {
			return err
		}
		if post.Author.ID != viewer.ID {
			nid, ok, err := tx.InsertNotification(ctx, store.NewNotification{RecipientID: post.Author.ID, SenderID: viewer.ID,
				Type: "comment", PostID: postID, CommentID: id, Text: viewer.Username + " commented on your post",
				URL: commentURL(postID, id), Now: now})
			if err != nil {
				return err
			}
			if ok {
				p.add(nid, post.Author.ID)
			}
		}
		err = s.mention(ctx, tx, content, viewer.ID,
			func(uid int64) (bool, error) { return tx.AddCommentMention(ctx, id, uid, now) },
			func(rcpt int64) store.NewNotification {
				return store.NewNotification{RecipientID: rcpt, SenderID: viewer.ID, Type: "mention", PostID: postID, CommentID: id,
					Text: viewer.Username + " mentioned you in a comment", URL: commentURL(postID, id), Now: now}
			}, &p)
		if err != nil {
			return err
		}
		c, err = tx.CommentByID(ctx, id)
		return err
	})
	if err != nil {
		return store.Comment{}, 0, err
	}
	s.deliver(ctx, p)
	s.changedMarks(ctx, viewer.ID)
	s.changed(ctx, postID)
	s.broadcast(ctx, map[string]any{"type": "post_stats", "post_id": postID, "likes_count": likes, "comments_count": count})
	s.broadcast(ctx, map[string]any{"type": "comment_added", "post_id": postID, "comment_id": c.ID, "user_id": viewer.ID})
	return c, count, nil
}

// UpdateComment changes a comment's text; only its author may.
func (s *Service) UpdateComment(ctx context.Context, viewer store.User, commentID int64, content string) (store.Comment, error) {
	content, msg := CheckContent(content)
	if msg != "" {
		return store.Comment{}, problem.Field("content", msg)
	}
	var c store.Comment
	var p pending
	now := s.Now()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		p = pending{}
		cur, err := tx.CommentByID(ctx, commentID)
		if err != nil {
			return err
		}
		if cur.Author.ID != viewer.ID {
			return problem.ErrForbidden
		}
		if err := tx.UpdateCommentContent(ctx, commentID, content, now); err != nil {
			return err
		}
		err = s.mention(ctx, tx, content, viewer.ID,
			func(uid int64) (bool, error) { return tx.AddCommentMention(ctx, commentID, uid, now) },
			func(rcpt int64) store.NewNotification {
				return store.NewNotification{RecipientID: rcpt, SenderID: viewer.ID, Type: "mention", PostID: cur.PostID, CommentID: commentID,
					Text: viewer.Username + " mentioned you in a comment", URL: commentURL(cur.PostID, commentID), Now: now}
			}, &p)
		if err != nil {
			return err
		}
		c, err = tx.CommentByID(ctx, commentID)
		return err
	})
	if err != nil {
		return store.Comment{}, err
	}
	s.deliver(ctx, p)
	s.changed(ctx, c.PostID)
	return c, nil
}

// CanDeleteComment: the comment's author, the post's owner, or an admin.
func CanDeleteComment(viewer store.User, c store.Comment, postOwner int64) bool {
	return viewer.ID == c.Author.ID || viewer.ID == postOwner || auth.IsAdmin(viewer)
}

// DeleteComment removes a comment.
func (s *Service) DeleteComment(ctx context.Context, viewer store.User, commentID int64) (postID int64, err error) {
	return s.DeleteCommentWith(ctx, viewer, commentID, nil)
}

// DeleteCommentWith is DeleteComment that also runs also (when not nil) in the same
// transaction (a moderator's deletion closes the comment's reports with it).
func (s *Service) DeleteCommentWith(ctx context.Context, viewer store.User, commentID int64, also func(tx *store.Queries) error) (postID int64, err error) {
	var count, likes int
	var affected []int64
	var author int64
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		c, err := tx.CommentByID(ctx, commentID)
		if err != nil {
			return err
		}
		post, err := tx.PostByID(ctx, c.PostID)
		if err != nil {
			return err
		}
		if !CanDeleteComment(viewer, c, post.Author.ID) {
			return problem.ErrForbidden
		}
		postID, likes, author = c.PostID, post.LikesCount, c.Author.ID
		if affected, err = tx.UnreadRecipientsOf(ctx, c.PostID, commentID); err != nil {
			return err
		}
		if count, err = tx.DeleteComment(ctx, commentID, c.PostID); err != nil {
			return err
		}
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		if c.Author.ID == viewer.ID {
			return nil
		}
		// Someone else's comment: its post's owner or a moderator removed it.
		before := removedText(c.Author, c.Content, c.CreatedAt)
		before["post"] = c.PostID
		return audit.Record(ctx, tx, audit.Entry{At: s.Now(), Actor: viewer, Action: audit.CommentDelete,
			Target: audit.Target{Kind: audit.KindComment, ID: commentID, Label: c.Author.Username + ": " + c.Content},
			Before: before})
	})
	if err != nil {
		return 0, err
	}
	if s.Notify != nil {
		s.Notify.Recount(ctx, affected)
	}
	s.changedMarks(ctx, author) // their comment left the card: their variant changed
	s.changed(ctx, postID)
	s.broadcast(ctx, map[string]any{"type": "comment_deleted", "post_id": postID, "comment_id": commentID})
	s.broadcast(ctx, map[string]any{"type": "post_stats", "post_id": postID, "likes_count": likes, "comments_count": count})
	return postID, nil
}

// removedText is the audit snapshot of a deleted post or comment: whose it was, when,
// and the start of its text (enough to tell what was removed, not a copy of it).
func removedText(author store.UserMini, content string, at time.Time) map[string]any {
	if r := []rune(content); len(r) > 500 {
		content = string(r[:500]) + "…"
	}
	return map[string]any{"author": author.Username, "content": content, "created_at": at.UTC().Format(time.RFC3339)}
}

// PostCount is the number of posts, kept in the cache between posts and deletions:
// counting a million rows on every API page would cost more than the page itself.
func (s *Service) PostCount(ctx context.Context) (int, error) {
	key, err := cache.NamespacedKey(ctx, s.Cache, "posts", "count")
	if err != nil {
		return s.DB.CountPosts(ctx, store.PostQuery{})
	}
	return cache.GetOrLoad(ctx, s.Cache, key, 10*time.Minute, func(ctx context.Context) (int, error) {
		return s.DB.CountPosts(ctx, store.PostQuery{})
	})
}

// postsChanged invalidates what PostCount keeps.
func (s *Service) postsChanged(ctx context.Context) {
	if s.Cache != nil {
		if err := cache.Invalidate(ctx, s.Cache, "posts"); err != nil && s.Log != nil {
			s.Log.WarnContext(ctx, "forget the post count", "err", err)
		}
	}
}

// AccountRemoved follows the removal of an account (app/mydata): its posts went with
// it and posts lists other people's posts that lost its likes or comments, so the
// feed's heads, those cards and the post count move on.
func (s *Service) AccountRemoved(ctx context.Context, userID int64, posts []int64) {
	for _, id := range posts {
		s.changed(ctx, id)
	}
	s.changedHeads(ctx)
	s.changedMarks(ctx, userID)
	s.postsChanged(ctx)
}
