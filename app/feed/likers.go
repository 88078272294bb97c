package feed

import (
	"context"

	"eplatform/app/store"
)

// LikersPageSize is how many people a page of a post's likers lists.
const LikersPageSize = 30

// Likers is a page of the people who liked a post, newest like first.
type Likers struct {
	Post   store.Post
	People []store.Liker
	Next   store.Cursor // zero on the last page
}

// Likers returns who liked post id, a keyset page after the cursor. Every signed-in
// person may see it (as they see the post and its like count); a missing post is
// store.ErrNotFound. limit is clamped to 1..100.
func (s *Service) Likers(ctx context.Context, id int64, after store.Cursor, limit int) (Likers, error) {
	limit = min(max(limit, 1), 100)
	p, err := s.DB.PostByID(ctx, id)
	if err != nil {
		return Likers{}, err
	}
	people, err := s.DB.PostLikers(ctx, id, after, limit+1)
	if err != nil {
		return Likers{}, err
	}
	out := Likers{Post: p, People: people}
	if len(people) > limit {
		out.People = people[:limit]
		last := out.People[limit-1]
		out.Next = store.Cursor{At: last.LikedAt, ID: last.User.ID}
	}
	return out, nil
}
