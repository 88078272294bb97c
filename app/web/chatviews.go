package web

import (
	"context"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"eplatform/app/chat"
	"eplatform/app/store"
	"eplatform/app/zone"
	"eplatform/views"
)

// This file turns the chat's rows into what the chat views render.

func chatPerson(ctx context.Context, m store.ChatMember, online bool, now time.Time) views.ChatPerson {
	return views.ChatPerson{Person: person(m.UserMini), Online: online, LastSeen: lastSeen(ctx, m.LastSeenAt, now), Owner: m.Role == "owner"}
}

func lastSeen(ctx context.Context, t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	return "last seen " + ago(ctx, t, now)
}

// groupAvatar is the initials of a group's title in an avatar.
func groupAvatar(id int64, title string) views.Person {
	initials := ""
	for _, w := range strings.Fields(title) {
		r, _ := utf8.DecodeRuneInString(w)
		initials += strings.ToUpper(string(r))
		if utf8.RuneCountInString(initials) == 2 {
			break
		}
	}
	return views.Person{ID: id, Username: "group-" + title, Name: title, Initials: initials}
}

// listTime is the conversation list's time: the hour today, the weekday this week, a
// date otherwise, in the viewer's zone (the full time is the element's title).
func listTime(ctx context.Context, t, now time.Time) string {
	t, now = zone.In(ctx, t), zone.In(ctx, now)
	switch {
	case sameDay(t, now):
		return t.Format("15:04")
	case now.Sub(t) < 6*24*time.Hour:
		return t.Format("Mon")
	case t.Year() == now.Year():
		return t.Format("2 Jan")
	}
	return t.Format("2 Jan 2006")
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// dayLabel names the viewer's day of t: "Today", "Yesterday" or the date.
func dayLabel(ctx context.Context, t, now time.Time) string {
	t, now = zone.In(ctx, t), zone.In(ctx, now)
	switch {
	case sameDay(t, now):
		return "Today"
	case sameDay(t, now.AddDate(0, 0, -1)):
		return "Yesterday"
	}
	return t.Format("Monday 2 January 2006")
}

// preview is one line of the last message.
func preview(m *store.Message) string {
	switch {
	case m == nil:
		return "No messages yet"
	case m.IsDeleted:
		return "Message deleted"
	case m.Content == "" && m.File != nil:
		return "📎 " + m.File.Name
	}
	s := strings.Join(strings.Fields(m.Content), " ")
	if utf8.RuneCountInString(s) > 80 {
		r := []rune(s)
		s = string(r[:79]) + "…"
	}
	return s
}

func (h *Web) chatItem(ctx context.Context, s chat.Summary, viewerID, activeID int64) views.ChatListItem {
	now := h.st.Now()
	it := views.ChatListItem{ID: s.Conversation.ID, Title: s.Title(viewerID), IsGroup: s.IsGroup(),
		Preview: preview(s.LastMessage), Unread: s.Me.Unread, Active: s.Conversation.ID == activeID}
	if s.IsGroup() {
		it.Avatar = groupAvatar(s.Conversation.ID, s.Conversation.Title)
	} else if others := s.Others(viewerID); len(others) > 0 {
		it.Avatar, it.OtherID, it.Online = person(others[0].UserMini), others[0].ID, h.st.Chat.Online(others[0].ID)
	}
	at := s.Conversation.UpdatedAt
	if s.LastMessage != nil {
		at = s.LastMessage.CreatedAt
		it.Mine = s.LastMessage.SenderID() == viewerID
	}
	it.TimeISO, it.Time, it.TimeTitle = isoTime(at), listTime(ctx, at, now), absTime(ctx, at)
	return it
}

func chatFileView(m store.Message) *views.ChatFileView {
	f := m.File
	if f == nil {
		return nil
	}
	return &views.ChatFileView{URL: chat.FileURL(m.ID, f.Path), Name: f.Name, Size: humanSize(f.Size), Type: f.Type,
		Ext: strings.TrimPrefix(strings.ToLower(filepath.Ext(f.Name)), ".")}
}

// messageViews shapes messages given oldest first; prevDay is the day of the message
// just before them ("" when none), so that a day separator starts each new day.
func (h *Web) messageViews(ctx context.Context, msgs []store.Message, viewerID int64, group bool, prevDay string) []views.ChatMessageView {
	now := h.st.Now()
	out := make([]views.ChatMessageView, len(msgs))
	for i, m := range msgs {
		local := zone.In(ctx, m.CreatedAt)
		v := views.ChatMessageView{ID: m.ID, Mine: m.SenderID() == viewerID && viewerID != 0, Content: m.Content,
			Segments: segments(m.Content, nil), TimeISO: isoTime(m.CreatedAt), Time: local.Format("15:04"), TimeTitle: absTime(ctx, m.CreatedAt),
			DayKey: local.Format(time.DateOnly), Day: dayLabel(ctx, m.CreatedAt, now), Status: m.Status,
			Edited: m.IsEdited, Deleted: m.IsDeleted, File: chatFileView(m)}
		if m.Sender != nil {
			v.Sender = person(*m.Sender)
		} else {
			v.Sender = views.Person{Username: "deleted", Name: "Deleted user", Initials: "?"}
		}
		v.ShowSender = group && !v.Mine
		v.NewDay = v.DayKey != prevDay && prevDay != "-"
		prevDay = v.DayKey
		out[i] = v
	}
	return out
}

func (h *Web) conversationView(ctx context.Context, s chat.Summary, viewerID int64) views.ChatConversationView {
	now := h.st.Now()
	c := views.ChatConversationView{ID: s.Conversation.ID, Title: s.Title(viewerID), IsGroup: s.IsGroup(),
		IsOwner: s.IsOwner(), Members: len(s.Members)}
	for _, m := range s.Others(viewerID) {
		c.Others = append(c.Others, chatPerson(ctx, m, h.st.Chat.Online(m.ID), now))
	}
	if s.IsGroup() {
		c.Avatar = groupAvatar(s.Conversation.ID, s.Conversation.Title)
	} else if len(c.Others) > 0 {
		o := c.Others[0]
		c.Avatar, c.OtherID, c.Online, c.LastSeen = o.Person, o.ID, o.Online, o.LastSeen
	}
	return c
}
