package chat

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"eplatform/app/auth"
	"eplatform/app/cache"
	"eplatform/app/store"
)

// Frames the chat sends (API.md, WebSocket). messages_delivered, message_updated and
// conversation_updated are ours: the original had no live receipts, edits or groups.

type messageFrame struct {
	Type           string          `json:"type"` // chat_message | new_message_notification | message_updated
	ConversationID int64           `json:"conversation_id"`
	TempID         json.RawMessage `json:"temp_id,omitempty"`
	Message        MessageJSON     `json:"message"`
}

type receiptFrame struct {
	Type           string `json:"type"` // messages_read | messages_delivered
	ConversationID int64  `json:"conversation_id"`
	ReaderID       int64  `json:"reader_id,omitempty"`
	// UpToID is the highest id among the recipient's own messages that every other
	// member has now read (or received): their ticks up to it turn.
	UpToID int64 `json:"up_to_id"`
}

type typingFrame struct {
	Type           string `json:"type"`
	ConversationID int64  `json:"conversation_id"`
	UserID         int64  `json:"user_id"`
	IsTyping       bool   `json:"is_typing"`
}

type statusFrame struct {
	Type     string  `json:"type"`
	UserID   int64   `json:"user_id"`
	Status   bool    `json:"status"`
	LastSeen *string `json:"last_seen,omitempty"`
}

type unreadFrame struct {
	Type           string `json:"type"`
	Count          int    `json:"count"`
	MessagesUnread int    `json:"messages_unread"`
}

type conversationFrame struct {
	Type           string `json:"type"`
	ConversationID int64  `json:"conversation_id"`
}

func conversationUpdated(id int64) conversationFrame {
	return conversationFrame{Type: "conversation_updated", ConversationID: id}
}

func (s *Service) send(ctx context.Context, users []int64, v any) {
	if s.Pub == nil || len(users) == 0 {
		return
	}
	if err := s.Pub.Send(ctx, users, v); err != nil {
		s.log().WarnContext(ctx, "chat: live delivery failed", "err", err)
	}
}

// published delivers a freshly committed message to its conversation's members and
// marks it delivered to those who have a socket open. It returns the message with its
// status after that.
func (s *Service) published(ctx context.Context, m store.Message, members []store.Membership, tempID string) store.Message {
	senderID := m.SenderID()
	var others []int64
	for _, mb := range members {
		if mb.UserID != senderID {
			others = append(others, mb.UserID)
		}
	}
	j := s.MessageOf(m, 0, 0)
	j.IsRead = false
	s.send(ctx, others, messageFrame{Type: "chat_message", ConversationID: m.ConversationID, Message: j})
	s.send(ctx, others, messageFrame{Type: "new_message_notification", ConversationID: m.ConversationID, Message: j})
	for _, uid := range others {
		s.pushUnread(ctx, uid)
	}
	echo := messageFrame{Type: "chat_message", ConversationID: m.ConversationID, Message: j}
	if raw := tempIDJSON(tempID); raw != nil {
		echo.TempID = raw
	}
	s.send(ctx, []int64{senderID}, echo)

	// The frame is now queued on every local socket of the members (the broker
	// delivers synchronously in-process): those online have it.
	var online []int64
	for _, uid := range others {
		if s.Online(uid) {
			online = append(online, uid)
		}
	}
	if len(online) == 0 {
		return m
	}
	var after []store.Membership
	var moved bool
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		moved = false
		for _, uid := range online {
			ok, err := tx.MarkDelivered(ctx, m.ConversationID, uid, m.ID, true)
			if err != nil {
				return err
			}
			moved = moved || ok
		}
		if !moved {
			return nil
		}
		var err error
		if after, err = tx.Memberships(ctx, m.ConversationID); err != nil {
			return err
		}
		cur, err := tx.MessageByID(ctx, m.ID)
		if err == nil {
			m = cur
		}
		return err
	})
	if err != nil {
		s.log().WarnContext(ctx, "chat: mark delivered", "message", m.ID, "err", err)
		return m
	}
	if moved {
		s.announceDeliveries(ctx, m.ConversationID, after)
	}
	return m
}

// tempIDJSON is the client's temp_id as JSON, or nil when there is none. It is the
// client's own correlation token, echoed to its own tabs only; it is kept short.
func tempIDJSON(tempID string) json.RawMessage {
	if tempID == "" {
		return nil
	}
	raw := json.RawMessage(tempID)
	if json.Valid(raw) && len(raw) <= maxTempIDLen {
		return raw
	}
	b, err := json.Marshal(tempID) // a string always encodes; err is checked all the same
	if err != nil || len(b) > maxTempIDLen {
		return nil
	}
	return b
}

// publishUpdate tells members about an edited or deleted message.
func (s *Service) publishUpdate(ctx context.Context, m store.Message, members []store.Membership) {
	j := s.MessageOf(m, 0, 0)
	s.send(ctx, memberIDs(members), messageFrame{Type: "message_updated", ConversationID: m.ConversationID, Message: j})
}

// watermark of each member: what the others have all reached, for their own messages.
func upTo(members []store.Membership, of int64, get func(store.Membership) int64) (int64, bool) {
	var low int64 = -1
	for _, m := range members {
		if m.UserID == of {
			continue
		}
		if v := get(m); low < 0 || v < low {
			low = v
		}
	}
	return low, low >= 0
}

// announceReceipts sends messages_read to every member with the highest id of their
// own messages that all the others have read (reader 0: someone left).
func (s *Service) announceReceipts(ctx context.Context, convID int64, members []store.Membership, readerID int64) {
	if s.Pub == nil {
		return
	}
	for _, m := range members {
		up, ok := upTo(members, m.UserID, func(x store.Membership) int64 { return x.LastRead })
		if !ok && m.UserID != readerID {
			continue
		}
		s.send(ctx, []int64{m.UserID}, receiptFrame{Type: "messages_read", ConversationID: convID, ReaderID: readerID, UpToID: up})
	}
	s.announceDeliveries(ctx, convID, members)
}

// announceDeliveries sends messages_delivered to every member with the highest id of
// their own messages that all the others have received.
func (s *Service) announceDeliveries(ctx context.Context, convID int64, members []store.Membership) {
	if s.Pub == nil {
		return
	}
	for _, m := range members {
		if up, ok := upTo(members, m.UserID, func(x store.Membership) int64 { return x.LastDelivered }); ok {
			s.send(ctx, []int64{m.UserID}, receiptFrame{Type: "messages_delivered", ConversationID: convID, UpToID: up})
		}
	}
}

// pushUnread sends a user their unread counts: notifications and messages.
func (s *Service) pushUnread(ctx context.Context, userID int64) {
	if s.Cache != nil {
		if err := cache.Forget(ctx, s.Cache, unreadKey(userID)); err != nil {
			s.log().WarnContext(ctx, "chat: forget an unread count", "user", userID, "err", err)
		}
	}
	if s.Pub == nil {
		return
	}
	f, err := s.UnreadFrame(ctx, userID)
	if err != nil {
		// The badge catches up with the next frame or page; the action itself succeeded.
		s.log().WarnContext(ctx, "chat: unread count", "user", userID, "err", err)
		return
	}
	s.send(ctx, []int64{userID}, f)
}

// UnreadFrame is the unread_count frame of a user.
func (s *Service) UnreadFrame(ctx context.Context, userID int64) (any, error) {
	msgs, err := s.Unread(ctx, userID)
	if err != nil {
		return nil, err
	}
	n := 0
	if s.NotificationsUnread != nil {
		if n, err = s.NotificationsUnread(ctx, userID); err != nil {
			return nil, err
		}
	}
	return unreadFrame{Type: "unread_count", Count: n, MessagesUnread: msgs}, nil
}

// Socket is one open socket of a user (live.Client).
type Socket interface {
	UserID() int64
	Identity() auth.Identity
	Send(v any) error
	Context() context.Context
	// Room is how many more frames the socket takes before a Send drops it.
	Room() int
}

// Connected is the connect hook: the user's contacts learn they are online (for the
// first socket of the user), then everything pending for them is delivered.
func (s *Service) Connected(ctx context.Context, sock Socket, first bool) {
	if first {
		s.announcePresence(ctx, sock.UserID(), true, time.Time{})
	}
	// The first batch goes out before the socket's frames are read; the rest follows in
	// the background, paced, so that the hub's bounded buffer never overflows.
	if more, n := s.deliverBatch(ctx, sock); more {
		go s.deliverPending(sock, n)
	}
}

// Disconnected is the disconnect hook: when the user's last socket closed, the time is
// kept as "last seen" and their contacts learn they went offline.
func (s *Service) Disconnected(ctx context.Context, userID int64, last bool) {
	if !last || s.Online(userID) { // still online through another process
		return
	}
	now := s.now()
	if err := s.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.SetLastSeen(ctx, userID, now) }); err != nil {
		s.log().WarnContext(ctx, "chat: last seen", "user", userID, "err", err)
	}
	s.announcePresence(ctx, userID, false, now)
}

func (s *Service) announcePresence(ctx context.Context, userID int64, online bool, lastSeen time.Time) {
	if s.Pub == nil {
		return
	}
	contacts, err := s.DB.ChatContacts(ctx, userID)
	if err != nil {
		s.log().WarnContext(ctx, "chat: contacts", "user", userID, "err", err)
		return
	}
	s.send(ctx, contacts, statusFrame{Type: "user_status", UserID: userID, Status: online, LastSeen: isoPtr(lastSeen)})
}

// deliverPending hands the rest of the backlog over, batch by batch, until none is
// left or the socket closes. Before each batch it waits for the socket to have
// written the previous one — long enough for a slow link (256 KiB/s), at least 50 ms,
// and then until the socket's buffer has room for a whole batch, however long a slow
// reader or a loaded machine takes — so the backlog never overflows the buffer.
func (s *Service) deliverPending(sock Socket, sent int) {
	ctx := sock.Context()
	for {
		wait := max(50*time.Millisecond, time.Duration(sent)*time.Second/(256<<10))
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			if sock.Room() >= pendingBatch {
				break
			}
			wait = 50 * time.Millisecond
		}
		more, n := s.deliverBatch(ctx, sock)
		if !more {
			return
		}
		sent = n
	}
}

// deliverBatch sends one batch of pending messages to sock, oldest first, and moves
// the user's delivery watermarks over them. It reports whether more may be pending,
// and roughly how many bytes it queued.
func (s *Service) deliverBatch(ctx context.Context, sock Socket) (bool, int) {
	uid := sock.UserID()
	batch, err := s.DB.PendingMessages(ctx, uid, pendingBatch)
	if err != nil {
		if ctx.Err() == nil {
			s.log().WarnContext(ctx, "chat: pending messages", "user", uid, "err", err)
		}
		return false, 0
	}
	if len(batch) == 0 {
		return false, 0
	}
	upTo := map[int64]int64{}
	var convs []int64
	bytes := 0
	for _, m := range batch {
		if !slices.Contains(convs, m.ConversationID) {
			convs = append(convs, m.ConversationID)
		}
		upTo[m.ConversationID] = max(upTo[m.ConversationID], m.ID)
		if m.IsDeleted {
			continue // nothing to show; the watermark still passes it
		}
		j := s.MessageOf(m, uid, 0)
		bytes += len(m.Content) + 300
		if err := sock.Send(messageFrame{Type: "chat_message", ConversationID: m.ConversationID, Message: j}); err != nil {
			return false, 0 // the socket is gone: these stay pending for the next one
		}
	}
	moved := map[int64][]store.Membership{}
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		clear(moved)
		for _, cid := range convs {
			ok, err := tx.MarkDelivered(ctx, cid, uid, upTo[cid], false)
			if err != nil {
				return err
			}
			if ok {
				if moved[cid], err = tx.Memberships(ctx, cid); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		if ctx.Err() == nil {
			s.log().WarnContext(ctx, "chat: mark pending delivered", "user", uid, "err", err)
		}
		return false, 0
	}
	for _, cid := range convs {
		if ms, ok := moved[cid]; ok {
			s.announceDeliveries(ctx, cid, ms)
		}
	}
	// Look once more even after a short batch: a message published live while this
	// one was on its way waits behind it (MarkDelivered contiguous).
	return true, bytes
}
