package chat

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"

	"eplatform/app/form"
	"eplatform/app/limit"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// The client→server frames of the chat. Each handler returns a *FrameError for
// problems the client should hear about (the socket answers them with an error frame
// and stays open); any other error is internal.

// FrameError is a message for the client's error frame.
type FrameError struct{ Msg string }

func (e *FrameError) Error() string { return e.Msg }

func frameErr(msg string) error { return &FrameError{Msg: msg} }

// Messages of the error frames.
const (
	msgNoConversation = "conversation_id is required."
	msgNotFound       = "Conversation not found."
	msgEmpty          = "Message must have content."
	msgNoMessage      = "message_id is required."
	msgMessageUnknown = "Message not found."
)

// typingRule throttles typing frames, which fan out to every member; a client sends
// one every 2 s at most while typing.
var typingRule = limit.Rule{Name: "chat_typing", Burst: typingBurst, Every: typingEvery}

// frameFields decodes a frame's fields; a field of the wrong type is reported by name.
func frameFields(data json.RawMessage, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return frameErr(te.Field + " has the wrong type.")
		}
		return frameErr("Invalid message format. Please send valid JSON.")
	}
	return nil
}

// mapErr turns the rules' refusals into error frames; anything else stays an error
// the socket logs. A problem with a field names it ("content: …"), as the API's
// {"content": [...]} does.
func mapErr(err error) error {
	p, ok := problem.As(err)
	switch {
	case err == nil:
		return nil
	case !ok || p.Kind == problem.KindInternal:
		return err
	case p.Kind == problem.KindNotFound:
		return frameErr(msgNotFound)
	}
	for _, name := range slices.Sorted(maps.Keys(p.Fields)) {
		if msgs := p.Fields[name]; len(msgs) > 0 && name != form.NonField {
			return frameErr(name + ": " + msgs[0])
		}
	}
	return frameErr(p.Message)
}

// HandleChatMessage is chat_message {conversation_id, content, temp_id?}: send a text
// message. The sender's tabs get it back with temp_id.
func (s *Service) HandleChatMessage(ctx context.Context, sock Socket, data json.RawMessage) error {
	var f struct {
		ConversationID int64           `json:"conversation_id"`
		Content        string          `json:"content"`
		TempID         json.RawMessage `json:"temp_id"`
	}
	if err := frameFields(data, &f); err != nil {
		return err
	}
	if f.ConversationID <= 0 {
		return frameErr(msgNoConversation)
	}
	// A socket sends text only (files go over HTTP), so blank text has its own message.
	if content, msg := CheckContent(f.Content); msg == "" && content == "" {
		return frameErr(msgEmpty)
	}
	temp := ""
	if len(f.TempID) > 0 && string(f.TempID) != "null" {
		temp = string(f.TempID)
	}
	_, err := s.Send(ctx, sock.Identity().User, f.ConversationID, f.Content, nil, temp)
	return mapErr(err)
}

// HandleReadMessages is read_messages {conversation_id}: the user read the
// conversation.
func (s *Service) HandleReadMessages(ctx context.Context, sock Socket, data json.RawMessage) error {
	var f struct {
		ConversationID int64 `json:"conversation_id"`
	}
	if err := frameFields(data, &f); err != nil {
		return err
	}
	if f.ConversationID <= 0 {
		return frameErr(msgNoConversation)
	}
	_, err := s.MarkRead(ctx, sock.UserID(), f.ConversationID)
	return mapErr(err)
}

// HandleTyping is typing {conversation_id, is_typing}: typing_indicator to the other
// members. Frames beyond the throttle are dropped silently (typing is best effort).
func (s *Service) HandleTyping(ctx context.Context, sock Socket, data json.RawMessage) error {
	var f struct {
		ConversationID int64 `json:"conversation_id"`
		IsTyping       *bool `json:"is_typing"`
	}
	if err := frameFields(data, &f); err != nil {
		return err
	}
	if f.ConversationID <= 0 {
		return frameErr(msgNoConversation)
	}
	members, err := s.DB.Memberships(ctx, f.ConversationID)
	if err != nil {
		return err
	}
	uid := sock.UserID()
	var others []int64
	member := false
	for _, m := range members {
		if m.UserID == uid {
			member = true
		} else {
			others = append(others, m.UserID)
		}
	}
	if !member {
		return frameErr(msgNotFound)
	}
	typing := f.IsTyping == nil || *f.IsTyping
	if typing {
		// Over the throttle the frame is dropped without a word: typing is best effort.
		if err := s.allow(ctx, typingRule, uid); problem.Is(err, problem.KindRateLimited) {
			return nil
		} else if err != nil {
			return err
		}
	}
	s.send(ctx, others, typingFrame{Type: "typing_indicator", ConversationID: f.ConversationID, UserID: uid, IsTyping: typing})
	return nil
}

// HandleFileMessageSent is file_message_sent {conversation_id, message_id}, which the
// original's clients send after uploading a file over HTTP. The upload is delivered
// live already; this sends the message again to the other members (clients drop
// duplicates by id), for clients that missed it. It shares the sending bucket, since
// it fans out like a message.
func (s *Service) HandleFileMessageSent(ctx context.Context, sock Socket, data json.RawMessage) error {
	var f struct {
		ConversationID int64 `json:"conversation_id"`
		MessageID      int64 `json:"message_id"`
	}
	if err := frameFields(data, &f); err != nil {
		return err
	}
	if f.ConversationID <= 0 {
		return frameErr(msgNoConversation)
	}
	if f.MessageID <= 0 {
		return frameErr(msgNoMessage)
	}
	uid := sock.UserID()
	members, err := s.DB.Memberships(ctx, f.ConversationID)
	if err != nil {
		return err
	}
	if !containsMember(members, uid) {
		return frameErr(msgNotFound)
	}
	m, err := s.DB.MessageByID(ctx, f.MessageID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (m.ConversationID != f.ConversationID || m.SenderID() != uid || m.IsDeleted)) {
		return frameErr(msgMessageUnknown)
	}
	if err != nil {
		return err
	}
	if err := s.allow(ctx, s.Rule, uid); err != nil {
		return mapErr(err)
	}
	var others []int64
	for _, mb := range members {
		if mb.UserID != uid {
			others = append(others, mb.UserID)
		}
	}
	s.send(ctx, others, messageFrame{Type: "chat_message", ConversationID: m.ConversationID, Message: s.MessageOf(m, 0, 0)})
	return nil
}

func containsMember(ms []store.Membership, uid int64) bool {
	for _, m := range ms {
		if m.UserID == uid {
			return true
		}
	}
	return false
}

// FrameTypes are the client frames the chat handles, for registration on the hub.
func (s *Service) FrameTypes() map[string]func(context.Context, Socket, json.RawMessage) error {
	return map[string]func(context.Context, Socket, json.RawMessage) error{
		"chat_message":      s.HandleChatMessage,
		"read_messages":     s.HandleReadMessages,
		"typing":            s.HandleTyping,
		"typing_indicator":  s.HandleTyping, // the original accepted both names
		"file_message_sent": s.HandleFileMessageSent,
	}
}
