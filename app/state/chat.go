package state

import (
	"context"
	"encoding/json"
	"errors"

	"eplatform/app/chat"
	"eplatform/app/live"
)

// openChat builds the chat service and connects its socket frames and hooks: pending
// messages and presence on connect, "last seen" on the last disconnect, and the
// chat_message, read_messages, typing and file_message_sent frames.
func (s *State) openChat() {
	s.Chat = &chat.Service{
		DB: s.DB, Cache: s.Cache, Pub: s.Hub, Presence: s.Presence, Media: s.Media, Limiter: s.Limiter, Rule: s.Limits.Chat,
		NotificationsUnread: s.Notify.Unread, BaseURL: s.Config.BaseURL, Log: s.Log, Now: s.Now,
	}
	// unread_count frames carry messages_unread too.
	s.Notify.MessagesUnread = s.Chat.Unread

	s.Hub.OnConnect(func(ctx context.Context, c *live.Client) { s.Chat.Connected(ctx, c, c.FirstForUser()) })
	s.Hub.OnDisconnect(func(ctx context.Context, c *live.Client, last bool) { s.Chat.Disconnected(ctx, c.UserID(), last) })
	for typ, fn := range s.Chat.FrameTypes() {
		s.Hub.Handle(typ, func(ctx context.Context, c *live.Client, data json.RawMessage) error {
			err := fn(ctx, c, data)
			var fe *chat.FrameError
			if errors.As(err, &fe) {
				return live.ClientError(fe.Msg)
			}
			return err
		})
	}
}
