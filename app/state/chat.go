package state

import (
	"context"
	"encoding/json"
	"errors"

	"eplatform/app/chat"
	"eplatform/app/live"
	"eplatform/app/notify"
)

// openChat builds the chat service and connects its socket frames and hooks: pending
// messages and presence on connect, "last seen" on the last disconnect, and the
// chat_message, read_messages, typing and file_message_sent frames.
func (s *State) openChat() {
	s.Chat = &chat.Service{
		DB: s.DB, Pub: s.Hub, Presence: s.Hub, Media: s.Auth.Media, Limiter: s.Limiter, Rule: s.Limits.Chat,
		NotificationsUnread: s.Notify.Unread, BaseURL: s.Config.BaseURL, Log: s.Log, Now: s.Now,
	}
	// unread_count frames carry messages_unread too: the notification service sends
	// them (on connect, after each notification) without knowing about messages.
	s.Notify.Pub = unreadPublisher{Publisher: s.Notify.Pub, chat: s.Chat}

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

// unreadPublisher fills in messages_unread in the notification service's
// unread_count frames.
type unreadPublisher struct {
	notify.Publisher
	chat *chat.Service
}

func (p unreadPublisher) Send(ctx context.Context, users []int64, v any) error {
	if m, ok := v.(map[string]any); ok && m["type"] == "unread_count" && len(users) == 1 {
		if n, err := p.chat.Unread(ctx, users[0]); err == nil {
			out := make(map[string]any, len(m))
			for k, val := range m {
				out[k] = val
			}
			out["messages_unread"] = n
			v = out
		}
	}
	return p.Publisher.Send(ctx, users, v)
}
