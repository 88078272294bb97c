package chat

import (
	"time"

	"eplatform/app/store"
)

// The JSON shapes of API.md, shared by the API and the socket frames.

// ISO formats an instant as the API does.
func ISO(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func isoPtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := ISO(t)
	return &s
}

func pictureURL(p string) *string {
	if p == "" {
		return nil
	}
	u := "/media/" + p
	return &u
}

// UserJSON is the API's ChatUser.
type UserJSON struct {
	ID             int64   `json:"id"`
	Username       string  `json:"username"`
	FirstName      string  `json:"first_name"`
	LastName       string  `json:"last_name"`
	ProfilePicture *string `json:"profile_picture"`
	OnlineStatus   bool    `json:"online_status"`
	LastSeen       *string `json:"last_seen"`
}

// UserOf shapes a user with their presence.
func (s *Service) UserOf(u store.UserMini, lastSeen time.Time) UserJSON {
	return UserJSON{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName,
		ProfilePicture: pictureURL(u.ProfilePicture), OnlineStatus: s.Online(u.ID), LastSeen: isoPtr(lastSeen)}
}

// MessageJSON is the API's Message. sender_id repeats sender for socket clients of the
// original, which read that name.
type MessageJSON struct {
	ID               int64   `json:"id"`
	Conversation     int64   `json:"conversation"`
	Sender           *int64  `json:"sender"`
	SenderID         *int64  `json:"sender_id"`
	SenderName       string  `json:"sender_name"`
	SenderPicture    *string `json:"sender_picture"`
	Content          string  `json:"content"`
	Timestamp        string  `json:"timestamp"`
	IsRead           bool    `json:"is_read"`
	DeliveryStatus   string  `json:"delivery_status"`
	IsEdited         bool    `json:"is_edited"`
	EditedTimestamp  *string `json:"edited_timestamp"`
	IsDeleted        bool    `json:"is_deleted"`
	DeletedTimestamp *string `json:"deleted_timestamp"`
	FileURL          *string `json:"file_url"`
	FileType         *string `json:"file_type"`
	FileName         *string `json:"file_name"`
	FileSize         *int64  `json:"file_size"`
}

// MessageOf shapes a message for a viewer whose read watermark is viewerRead: their
// own messages are read once everybody read them, others' once they did.
func (s *Service) MessageOf(m store.Message, viewerID, viewerRead int64) MessageJSON {
	out := MessageJSON{ID: m.ID, Conversation: m.ConversationID, Content: m.Content, Timestamp: ISO(m.CreatedAt),
		DeliveryStatus: m.Status, IsEdited: m.IsEdited, EditedTimestamp: isoPtr(m.EditedAt),
		IsDeleted: m.IsDeleted, DeletedTimestamp: isoPtr(m.DeletedAt), SenderName: "Deleted user"}
	if m.Sender != nil {
		id := m.Sender.ID
		out.Sender, out.SenderID = &id, &id
		out.SenderName = m.Sender.DisplayName()
		out.SenderPicture = pictureURL(m.Sender.ProfilePicture)
	}
	if m.SenderID() == viewerID && viewerID != 0 {
		out.IsRead = m.Status == "read"
	} else {
		out.IsRead = viewerRead >= m.ID
	}
	if f := m.File; f != nil {
		u := s.BaseURL + FileURL(m.ID, f.Path)
		typ, name, size := f.Type, f.Name, f.Size
		out.FileURL, out.FileType, out.FileName, out.FileSize = &u, &typ, &name, &size
	}
	return out
}

// ConversationJSON is the API's Conversation, with the group fields added.
type ConversationJSON struct {
	ID           int64        `json:"id"`
	Kind         string       `json:"kind"`
	Title        string       `json:"title"`
	Participants []UserJSON   `json:"participants"`
	CreatedBy    *int64       `json:"created_by"`
	Role         string       `json:"role"`
	CreatedAt    string       `json:"created_at"`
	UpdatedAt    string       `json:"updated_at"`
	LastMessage  *MessageJSON `json:"last_message"`
	UnreadCount  int          `json:"unread_count"`
}

// ConversationOf shapes a conversation for the viewer.
func (s *Service) ConversationOf(c Summary, viewerID int64) ConversationJSON {
	out := ConversationJSON{ID: c.Conversation.ID, Kind: c.Conversation.Kind, Title: c.Title(viewerID),
		Participants: make([]UserJSON, 0, len(c.Members)), Role: c.Me.Role,
		CreatedAt: ISO(c.Conversation.CreatedAt), UpdatedAt: ISO(c.Conversation.UpdatedAt), UnreadCount: c.Me.Unread}
	if c.Conversation.CreatedBy != 0 {
		id := c.Conversation.CreatedBy
		out.CreatedBy = &id
	}
	for _, m := range c.Members {
		out.Participants = append(out.Participants, s.UserOf(m.UserMini, m.LastSeenAt))
	}
	if c.LastMessage != nil {
		m := s.MessageOf(*c.LastMessage, viewerID, c.Me.LastRead)
		out.LastMessage = &m
	}
	return out
}

// StatusJSON is the API's UserStatus.
type StatusJSON struct {
	User       UserJSON `json:"user"`
	IsOnline   bool     `json:"is_online"`
	LastActive *string  `json:"last_active"`
}

// StatusOf shapes a user's presence.
func (s *Service) StatusOf(u store.User, online bool) StatusJSON {
	mini := store.UserMini{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName, UserType: u.UserType, ProfilePicture: u.ProfilePicture}
	out := StatusJSON{User: s.UserOf(mini, u.LastSeenAt), IsOnline: online, LastActive: isoPtr(u.LastSeenAt)}
	if online {
		now := ISO(s.now())
		out.LastActive = &now
	}
	return out
}
