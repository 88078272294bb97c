package web

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"eplatform/app/feed"
	"eplatform/app/media"
	"eplatform/app/notify"
	"eplatform/app/store"
	"eplatform/app/text"
	"eplatform/views"
)

// This file turns the feed's rows into what the views render.

func person(u store.UserMini) views.Person {
	v := viewerOf(store.User{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName,
		UserType: u.UserType, ProfilePicture: u.ProfilePicture})
	return views.Person{ID: u.ID, Username: u.Username, Name: v.DisplayName(), Initials: v.Initials(),
		AvatarURL: v.AvatarURL, UserType: u.UserType}
}

func segments(content string, known map[string]store.UserMini) []views.Segment {
	segs := text.Segments(content, feed.Canonical(known))
	out := make([]views.Segment, len(segs))
	for i, s := range segs {
		kind := "text"
		switch s.Kind {
		case text.Mention:
			kind = "mention"
		case text.Link:
			kind = "link"
		}
		out[i] = views.Segment{Kind: kind, Text: s.Text, Value: s.Value}
	}
	return out
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// humanSize is "2.4 MB".
func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}

// isLong decides when a post is collapsed behind "Read more".
func isLong(s string) bool {
	return len(strings.Fields(s)) > 50 || utf8.RuneCountInString(s) > 600 || strings.Count(s, "\n") > 8
}

func (h *Web) commentView(ctx context.Context, c store.Comment, postOwner int64, viewer store.User, known map[string]store.UserMini) views.CommentView {
	now := h.st.Now()
	return views.CommentView{
		ID: c.ID, PostID: c.PostID, Author: person(c.Author), Content: c.Content, Segments: segments(c.Content, known),
		Created: isoTime(c.CreatedAt), CreatedAgo: ago(ctx, c.CreatedAt, now), Edited: c.UpdatedAt.After(c.CreatedAt),
		CanDelete: feed.CanDeleteComment(viewer, c, postOwner), CanEdit: c.Author.ID == viewer.ID,
	}
}

func (h *Web) postView(ctx context.Context, it feed.Item, viewer store.User, known map[string]store.UserMini) views.PostView {
	p := it.Post
	now := h.st.Now()
	v := views.PostView{
		ID: p.ID, Author: person(p.Author), Content: p.Content, Segments: segments(p.Content, known), Long: isLong(p.Content),
		Created: isoTime(p.CreatedAt), CreatedAgo: ago(ctx, p.CreatedAt, now), Edited: p.UpdatedAt.After(p.CreatedAt),
		LikesCount: p.LikesCount, CommentsCount: p.CommentsCount, Liked: it.Liked,
		CanEdit: p.Author.ID == viewer.ID, CanDelete: feed.CanDeletePost(viewer, p), MoreComments: it.MoreComments,
	}
	if m := p.Media; m != nil {
		v.Media = &views.Media{Kind: m.Kind, URL: media.PostFileURL(p.ID, m.Path), Name: m.Name, Size: humanSize(m.Size),
			ContentType: m.ContentType, Ext: strings.TrimPrefix(strings.ToLower(filepath.Ext(m.Name)), ".")}
	}
	for _, c := range it.Comments {
		v.Comments = append(v.Comments, h.commentView(ctx, c, p.Author.ID, viewer, known))
	}
	return v
}

func (h *Web) notificationView(ctx context.Context, n store.Notification) views.NotificationView {
	v := views.NotificationView{ID: n.ID, Type: n.Type, Text: notify.DisplayText(n), URL: n.URL, IsRead: n.IsRead,
		Created: isoTime(n.CreatedAt), CreatedAgo: ago(ctx, n.CreatedAt, h.st.Now()), Preview: n.Preview}
	if n.Sender != nil {
		p := person(*n.Sender)
		v.Sender = &p
	}
	return v
}
