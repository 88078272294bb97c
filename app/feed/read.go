package feed

import (
	"context"
	"errors"
	"strconv"

	"eplatform/app/store"
	"eplatform/app/text"
)

// CommentsPerCard is how many of the newest comments a feed card shows.
const CommentsPerCard = 3

// Item is a post as a viewer sees it.
type Item struct {
	Post         store.Post
	Liked        bool
	Comments     []store.Comment
	MoreComments int
}

// Page is a page of the feed. Known maps the lower-cased names mentioned anywhere on
// the page to their users, so mentions render as links without a query per post.
type Page struct {
	Items []Item
	Next  store.Cursor // zero on the last page
	Known map[string]store.UserMini
}

// Feed returns a page of posts, newest first, after the keyset cursor. It runs four
// queries whatever the page size: posts with authors, the viewer's likes among them,
// the newest comments of every post, and the users mentioned on the page.
func (s *Service) Feed(ctx context.Context, viewer store.User, after store.Cursor, limit int) (Page, error) {
	posts, err := s.DB.ListPosts(ctx, store.PostQuery{After: after, Limit: limit + 1})
	if err != nil {
		return Page{}, err
	}
	var page Page
	if len(posts) > limit {
		posts = posts[:limit]
		last := posts[len(posts)-1]
		page.Next = store.Cursor{At: last.CreatedAt, ID: last.ID}
	}
	page.Items, page.Known, err = s.decorate(ctx, viewer, posts, CommentsPerCard)
	return page, err
}

// Decorate adds the viewer's likes, the newest comments and the mentioned users to
// posts listed elsewhere (the API, a profile), in three queries.
func (s *Service) Decorate(ctx context.Context, viewer store.User, posts []store.Post, commentsPerPost int) ([]Item, map[string]store.UserMini, error) {
	return s.decorate(ctx, viewer, posts, commentsPerPost)
}

func (s *Service) decorate(ctx context.Context, viewer store.User, posts []store.Post, perPost int) ([]Item, map[string]store.UserMini, error) {
	ids := make([]int64, len(posts))
	for i, p := range posts {
		ids[i] = p.ID
	}
	liked := map[int64]bool{}
	if viewer.ID != 0 { // Cards renders for every viewer: likes are a variant
		var err error
		if liked, err = s.DB.LikedAmong(ctx, viewer.ID, ids); err != nil {
			return nil, nil, err
		}
	}
	var err error
	comments := map[int64][]store.Comment{}
	if perPost > 0 {
		if comments, err = s.DB.LatestComments(ctx, ids, perPost); err != nil {
			return nil, nil, err
		}
	}
	items := make([]Item, len(posts))
	var texts []string
	for i, p := range posts {
		cs := comments[p.ID]
		items[i] = Item{Post: p, Liked: liked[p.ID], Comments: cs, MoreComments: max(0, p.CommentsCount-len(cs))}
		texts = append(texts, p.Content)
		for _, c := range cs {
			texts = append(texts, c.Content)
		}
	}
	known, err := s.Known(ctx, texts...)
	return items, known, err
}

// Post returns one post with all its comments, oldest first (at most 1000; a thread
// longer than that is paged by the API).
func (s *Service) Post(ctx context.Context, viewer store.User, id int64) (Item, map[string]store.UserMini, error) {
	p, err := s.DB.PostByID(ctx, id)
	if err != nil {
		return Item{}, nil, err
	}
	liked, err := s.DB.LikedAmong(ctx, viewer.ID, []int64{id})
	if err != nil {
		return Item{}, nil, err
	}
	comments, err := s.DB.CommentsOfPost(ctx, id, true, 1000)
	if err != nil {
		return Item{}, nil, err
	}
	texts := []string{p.Content}
	for _, c := range comments {
		texts = append(texts, c.Content)
	}
	known, err := s.Known(ctx, texts...)
	item := Item{Post: p, Liked: liked[id], Comments: comments, MoreComments: max(0, p.CommentsCount-len(comments))}
	return item, known, err
}

// Known looks up, in one query, the users mentioned in texts.
func (s *Service) Known(ctx context.Context, texts ...string) (map[string]store.UserMini, error) {
	seen := map[string]bool{}
	var names []string
	for _, t := range texts {
		for _, n := range text.Mentions(t) {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	return s.DB.ActiveUsersByName(ctx, names)
}

// Canonical turns Known's result into the map text.Segments wants.
func Canonical(known map[string]store.UserMini) map[string]string {
	out := make(map[string]string, len(known))
	for k, u := range known {
		out[k] = u.Username
	}
	return out
}

// CommentView is one comment as a viewer sees it: with the post's owner (who may
// delete it) and the users it mentions.
type CommentView struct {
	Comment   store.Comment
	PostOwner int64
	Known     map[string]store.UserMini
}

// Comment returns one comment for display.
func (s *Service) Comment(ctx context.Context, id int64) (CommentView, error) {
	c, err := s.DB.CommentByID(ctx, id)
	if err != nil {
		return CommentView{}, err
	}
	return s.commentView(ctx, c)
}

func (s *Service) commentView(ctx context.Context, c store.Comment) (CommentView, error) {
	post, err := s.DB.PostByID(ctx, c.PostID)
	if err != nil {
		return CommentView{}, err
	}
	known, err := s.Known(ctx, c.Content)
	return CommentView{Comment: c, PostOwner: post.Author.ID, Known: known}, err
}

// Posts lists posts for the API with the total the query matches (the maintained
// counter when the query has no filter), decorated with the viewer's likes and the
// mentioned users.
func (s *Service) Posts(ctx context.Context, viewer store.User, q store.PostQuery) ([]Item, map[string]store.UserMini, int, error) {
	var count int
	var err error
	if q.Unfiltered() {
		count, err = s.PostCount(ctx)
	} else {
		count, err = s.DB.CountPosts(ctx, q)
	}
	if err != nil {
		return nil, nil, 0, err
	}
	posts, err := s.DB.ListPosts(ctx, q)
	if err != nil {
		return nil, nil, 0, err
	}
	items, known, err := s.decorate(ctx, viewer, posts, 0)
	return items, known, count, err
}

// AuthorID is the id of the user named username (false when there is none), for
// filtering posts by author name.
func (s *Service) AuthorID(ctx context.Context, username string) (int64, bool, error) {
	u, err := s.DB.UserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		return 0, false, nil
	}
	return u.ID, err == nil, err
}

// CommentsOfPost returns a post's comments, newest first (at most 1000).
func (s *Service) CommentsOfPost(ctx context.Context, postID int64) ([]store.Comment, map[string]store.UserMini, error) {
	if _, err := s.DB.PostByID(ctx, postID); err != nil {
		return nil, nil, err
	}
	comments, err := s.DB.CommentsOfPost(ctx, postID, false, 1000)
	if err != nil {
		return nil, nil, err
	}
	known, err := s.Known(ctx, contents(comments)...)
	return comments, known, err
}

// Comments lists comments for the API with the total the query matches.
func (s *Service) Comments(ctx context.Context, q store.CommentQuery) ([]store.Comment, map[string]store.UserMini, int, error) {
	count, err := s.DB.CountComments(ctx, q)
	if err != nil {
		return nil, nil, 0, err
	}
	comments, err := s.DB.ListComments(ctx, q)
	if err != nil {
		return nil, nil, 0, err
	}
	known, err := s.Known(ctx, contents(comments)...)
	return comments, known, count, err
}

func contents(comments []store.Comment) []string {
	out := make([]string, len(comments))
	for i, c := range comments {
		out[i] = c.Content
	}
	return out
}

// Heads returns which posts, in which versions, make the feed page after the cursor,
// and the cursor of the next page: one indexed query, so a page whose cards are all
// cached costs no more.
func (s *Service) Heads(ctx context.Context, after store.Cursor, limit int) ([]store.PostHead, store.Cursor, error) {
	where := "after:" + strconv.FormatInt(after.At.UnixMilli(), 10) + "-" + strconv.FormatInt(after.ID, 10) + ":" + strconv.Itoa(limit+1)
	heads, err := s.cachedHeads(ctx, where, func(ctx context.Context) ([]store.PostHead, error) { return s.DB.FeedHeads(ctx, after, limit+1) })
	if err != nil {
		return nil, store.Cursor{}, err
	}
	var next store.Cursor
	if len(heads) > limit {
		heads = heads[:limit]
		last := heads[len(heads)-1]
		next = store.Cursor{At: last.CreatedAt, ID: last.ID}
	}
	return heads, next, nil
}

// ViewerMarks tells which of the posts the viewer likes and which comments on them the
// viewer wrote: the parts of a card that differ between viewers.
func (s *Service) ViewerMarks(ctx context.Context, viewerID int64, ids []int64) (map[int64]bool, map[int64][]int64, error) {
	return s.cachedMarks(ctx, viewerID, ids)
}

// Cards loads what the cards of posts ids show, for rendering them: each post with
// its newest comments, and the users mentioned in any of them. Posts deleted meanwhile
// are missing from the map.
func (s *Service) Cards(ctx context.Context, ids []int64) (map[int64]Item, map[string]store.UserMini, error) {
	// Cards are kept as rendered fragments under the versions the heads name: they are
	// read from the primary with read replicas, like the heads (hot.go).
	ctx = store.PrimaryReads(ctx)
	posts, err := s.DB.PostsByIDs(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	items, known, err := s.decorate(ctx, store.User{}, posts, CommentsPerCard)
	if err != nil {
		return nil, nil, err
	}
	out := make(map[int64]Item, len(items))
	for _, it := range items {
		out[it.Post.ID] = it
	}
	return out, known, nil
}

// Head returns one post's head (ErrNotFound when it is gone).
func (s *Service) Head(ctx context.Context, id int64) (store.PostHead, error) {
	return s.DB.PostHeadByID(ctx, id)
}

// HeadsAt returns the heads of the API's page of newest posts at offset.
func (s *Service) HeadsAt(ctx context.Context, offset, limit int) ([]store.PostHead, error) {
	where := "at:" + strconv.Itoa(offset) + ":" + strconv.Itoa(limit)
	return s.cachedHeads(ctx, where, func(ctx context.Context) ([]store.PostHead, error) { return s.DB.HeadsAt(ctx, offset, limit) })
}
