package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"
)

// Chat: conversations (direct and group), their participants with per-member delivery
// and read watermarks, and messages. See the comments of these tables in schema.sql.

// Conversation is a row of conversations.
type Conversation struct {
	ID            int64
	Kind          string // direct | group
	Title         string // groups only
	CreatedBy     int64  // 0 when unknown or removed
	LastMessageID int64  // 0 before the first message
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Membership is one participant's row: their role and watermarks.
type Membership struct {
	ConversationID int64
	UserID         int64
	Role           string // owner | member
	JoinedAt       time.Time
	LastDelivered  int64
	LastRead       int64
	Unread         int
}

// ChatMember is an active participant with what a conversation shows of them.
type ChatMember struct {
	UserMini
	Role       string
	LastSeenAt time.Time // zero when never
	IsActive   bool
}

// ChatFile is a message's attachment.
type ChatFile struct {
	Path        string // under the media root, "chat/…"
	Name        string // the uploader's file name
	Size        int64
	Type        string // image | document | audio | video | other
	ContentType string
}

// Message is a row of messages with its sender (nil once the account is removed).
type Message struct {
	ID             int64
	ConversationID int64
	Sender         *UserMini
	Content        string
	CreatedAt      time.Time
	Status         string // pending | delivered | read: the aggregate over the other members
	IsEdited       bool
	EditedAt       time.Time
	IsDeleted      bool
	DeletedAt      time.Time
	File           *ChatFile
}

// SenderID is the sender's id, 0 when the account was removed.
func (m Message) SenderID() int64 {
	if m.Sender == nil {
		return 0
	}
	return m.Sender.ID
}

// ConversationItem is one line of a user's conversation list.
type ConversationItem struct {
	Conversation
	Me          Membership
	LastMessage *Message
}

const conversationColumns = `c.id, c.kind, c.title, coalesce(c.created_by, 0), coalesce(c.last_message_id, 0), c.created_at, c.updated_at`

func (c *Conversation) scanArgs(created, updated *int64) []any {
	return []any{&c.ID, &c.Kind, &c.Title, &c.CreatedBy, &c.LastMessageID, created, updated}
}

const messageColumns = `m.id, m.conversation_id, m.content, m.created_at, m.delivery_status, m.is_edited,
	m.edited_at, m.is_deleted, m.deleted_at, m.file_path, m.file_name, m.file_size, m.file_type, m.file_content_type,
	coalesce(u.id, 0), coalesce(u.username, ''), coalesce(u.first_name, ''), coalesce(u.last_name, ''),
	coalesce(u.user_type, ''), coalesce(u.profile_picture, '')`

// messageScan holds the nullable columns of messageColumns while scanning.
type messageScan struct {
	m                      Message
	created                int64
	edited, deleted, size  sql.NullInt64
	path, name, typ, ctype sql.NullString
	sender                 UserMini
}

func (s *messageScan) args() []any {
	return []any{&s.m.ID, &s.m.ConversationID, &s.m.Content, &s.created, &s.m.Status, &s.m.IsEdited,
		&s.edited, &s.m.IsDeleted, &s.deleted, &s.path, &s.name, &s.size, &s.typ, &s.ctype,
		&s.sender.ID, &s.sender.Username, &s.sender.FirstName, &s.sender.LastName, &s.sender.UserType, &s.sender.ProfilePicture}
}

func (s *messageScan) message() Message {
	m := s.m
	m.CreatedAt = FromMillis(s.created)
	if s.edited.Valid {
		m.EditedAt = FromMillis(s.edited.Int64)
	}
	if s.deleted.Valid {
		m.DeletedAt = FromMillis(s.deleted.Int64)
	}
	if s.path.Valid {
		m.File = &ChatFile{Path: s.path.String, Name: s.name.String, Size: s.size.Int64, Type: s.typ.String, ContentType: s.ctype.String}
	}
	if s.sender.ID != 0 {
		sender := s.sender
		m.Sender = &sender
	}
	return m
}

func (s *Queries) messages(ctx context.Context, query string, args ...any) ([]Message, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, wrapf(err, "store: messages")
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var ms messageScan
		if err := rows.Scan(ms.args()...); err != nil {
			return nil, err
		}
		out = append(out, ms.message())
	}
	return out, rows.Err()
}

// DirectKey is the direct_key of the 1:1 conversation of two users.
func DirectKey(a, b int64) string {
	if a > b {
		a, b = b, a
	}
	return strconv.FormatInt(a, 10) + ":" + strconv.FormatInt(b, 10)
}

// NewConversation is what CreateConversation writes.
type NewConversation struct {
	Kind      string // direct | group
	Title     string // groups
	DirectKey string // direct
	CreatedBy int64
	Now       time.Time
}

// CreateConversation inserts a conversation without participants. A second direct
// conversation of the same pair is a *ConflictError on conversations.direct_key.
func (s *Queries) CreateConversation(ctx context.Context, n NewConversation) (int64, error) {
	var key any
	if n.DirectKey != "" {
		key = n.DirectKey
	}
	var id int64
	err := s.queryRow(ctx, `INSERT INTO conversations (kind, title, direct_key, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, n.Kind, n.Title, key, orNull(n.CreatedBy), millis(n.Now), millis(n.Now)).Scan(&id)
	if err != nil {
		return 0, wrapf(err, "store: create conversation")
	}
	return id, nil
}

// ConversationByID returns a conversation.
func (s *Queries) ConversationByID(ctx context.Context, id int64) (Conversation, error) {
	return s.conversation(ctx, `SELECT `+conversationColumns+` FROM conversations c WHERE c.id = ?`, id)
}

// DirectConversation returns the 1:1 conversation of two users, or ErrNotFound.
func (s *Queries) DirectConversation(ctx context.Context, a, b int64) (Conversation, error) {
	return s.conversation(ctx, `SELECT `+conversationColumns+` FROM conversations c WHERE c.direct_key = ?`, DirectKey(a, b))
}

func (s *Queries) conversation(ctx context.Context, query string, args ...any) (Conversation, error) {
	var c Conversation
	var created, updated int64
	if err := s.queryRow(ctx, query, args...).Scan(c.scanArgs(&created, &updated)...); err != nil {
		return Conversation{}, scanOne(err)
	}
	c.CreatedAt, c.UpdatedAt = FromMillis(created), FromMillis(updated)
	return c, nil
}

// SetConversationTitle renames a group.
func (s *Queries) SetConversationTitle(ctx context.Context, id int64, title string) error {
	return s.updateOne(ctx, `UPDATE conversations SET title = ? WHERE id = ? AND kind = 'group'`, title, id)
}

// AddParticipant makes userID an active member of a conversation, with both
// watermarks at upTo (the conversation's last message: a newcomer has nothing
// unread and holds up no receipt). A former member rejoins the same way. It reports
// false when the user already was an active member (nothing changes then).
func (s *Queries) AddParticipant(ctx context.Context, convID, userID int64, role string, upTo int64, now time.Time) (bool, error) {
	res, err := s.exec(ctx, `INSERT INTO conversation_participants
			(conversation_id, user_id, role, joined_at, last_delivered_message_id, last_read_message_id)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (conversation_id, user_id) DO UPDATE SET
			role = excluded.role, joined_at = excluded.joined_at, left_at = NULL, unread_count = 0,
			last_delivered_message_id = max(conversation_participants.last_delivered_message_id, excluded.last_delivered_message_id),
			last_read_message_id = max(conversation_participants.last_read_message_id, excluded.last_read_message_id)
		WHERE conversation_participants.left_at IS NOT NULL`, convID, userID, role, millis(now), upTo, upTo)
	if err != nil {
		return false, wrapf(err, "store: add participant")
	}
	n, err := res.RowsAffected()
	return n > 0, wrapf(err, "store: add participant")
}

// LeaveConversation ends userID's membership; ErrNotFound when not an active member.
func (s *Queries) LeaveConversation(ctx context.Context, convID, userID int64, now time.Time) error {
	return s.updateOne(ctx, `UPDATE conversation_participants SET left_at = max(?, joined_at), unread_count = 0
		WHERE conversation_id = ? AND user_id = ? AND left_at IS NULL`, millis(now), convID, userID)
}

// SetParticipantRole changes an active member's role.
func (s *Queries) SetParticipantRole(ctx context.Context, convID, userID int64, role string) error {
	return s.updateOne(ctx, `UPDATE conversation_participants SET role = ?
		WHERE conversation_id = ? AND user_id = ? AND left_at IS NULL`, role, convID, userID)
}

const membershipColumns = `p.conversation_id, p.user_id, p.role, p.joined_at, p.last_delivered_message_id,
	p.last_read_message_id, p.unread_count`

func (m *Membership) scanArgs(joined *int64) []any {
	return []any{&m.ConversationID, &m.UserID, &m.Role, joined, &m.LastDelivered, &m.LastRead, &m.Unread}
}

// Membership returns userID's row in a conversation they are an active member of;
// anyone else (never a member, or left) gets ErrNotFound.
func (s *Queries) Membership(ctx context.Context, convID, userID int64) (Membership, error) {
	var m Membership
	var joined int64
	err := s.queryRow(ctx, `SELECT `+membershipColumns+` FROM conversation_participants p
		WHERE p.conversation_id = ? AND p.user_id = ? AND p.left_at IS NULL`, convID, userID).Scan(m.scanArgs(&joined)...)
	if err != nil {
		return Membership{}, scanOne(err)
	}
	m.JoinedAt = FromMillis(joined)
	return m, nil
}

// Memberships returns the active members' rows of a conversation, in join order.
func (s *Queries) Memberships(ctx context.Context, convID int64) ([]Membership, error) {
	rows, err := s.query(ctx, `SELECT `+membershipColumns+` FROM conversation_participants p
		WHERE p.conversation_id = ? AND p.left_at IS NULL ORDER BY p.joined_at, p.user_id`, convID)
	if err != nil {
		return nil, wrapf(err, "store: memberships")
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		var joined int64
		if err := rows.Scan(m.scanArgs(&joined)...); err != nil {
			return nil, err
		}
		m.JoinedAt = FromMillis(joined)
		out = append(out, m)
	}
	return out, rows.Err()
}

// MembersOf returns the active members of each conversation with their names, in one
// query: the conversation list shows the other person without a query per line.
func (s *Queries) MembersOf(ctx context.Context, convIDs []int64) (map[int64][]ChatMember, error) {
	out := map[int64][]ChatMember{}
	if len(convIDs) == 0 {
		return out, nil
	}
	rows, err := s.query(ctx, `SELECT p.conversation_id, p.role, u.last_seen_at, u.is_active, `+userMiniColumns+`
		FROM conversation_participants p JOIN users u ON u.id = p.user_id
		WHERE p.conversation_id IN (`+marks(len(convIDs))+`) AND p.left_at IS NULL
		ORDER BY p.conversation_id, p.joined_at, p.user_id`, int64Args(convIDs)...)
	if err != nil {
		return nil, wrapf(err, "store: members of")
	}
	defer rows.Close()
	for rows.Next() {
		var cid int64
		var m ChatMember
		var seen sql.NullInt64
		if err := rows.Scan(append([]any{&cid, &m.Role, &seen, &m.IsActive}, m.scanArgs()...)...); err != nil {
			return nil, err
		}
		if seen.Valid {
			m.LastSeenAt = FromMillis(seen.Int64)
		}
		out[cid] = append(out[cid], m)
	}
	return out, rows.Err()
}

// ListConversations returns a page of userID's conversations, most recent activity
// first, each with the user's membership and the last message with its sender — one
// query whatever the page size. A 1:1 conversation is listed once it has a message
// (listed), so opening one ("Message" on a profile) and writing nothing leaves no
// empty line in either person's list; a group is listed from its creation.
func (s *Queries) ListConversations(ctx context.Context, userID int64, limit, offset int) ([]ConversationItem, error) {
	if limit <= 0 {
		limit = 20
	}
	rows, err := s.query(ctx, `SELECT `+conversationColumns+`, `+membershipColumns+`, `+messageColumns+`
		FROM conversation_participants p
		JOIN conversations c ON c.id = p.conversation_id
		LEFT JOIN messages m ON m.id = c.last_message_id
		LEFT JOIN users u ON u.id = m.sender_id
		WHERE p.user_id = ? AND p.left_at IS NULL AND `+listed+`
		ORDER BY c.updated_at DESC, c.id DESC LIMIT ? OFFSET ?`, userID, limit, offset)
	if err != nil {
		return nil, wrapf(err, "store: list conversations")
	}
	defer rows.Close()
	var out []ConversationItem
	for rows.Next() {
		var it ConversationItem
		var created, updated, joined int64
		var mid, mconv, mcreated sql.NullInt64
		var ms messageScan
		var content, status sql.NullString
		var edited, deleted sql.NullBool
		args := it.Conversation.scanArgs(&created, &updated)
		args = append(args, it.Me.scanArgs(&joined)...)
		margs := ms.args()
		// The last message's columns may all be NULL: scan the non-null ones through
		// nullable holders.
		margs[0], margs[1], margs[2], margs[3], margs[4], margs[5], margs[7] = &mid, &mconv, &content, &mcreated, &status, &edited, &deleted
		if err := rows.Scan(append(args, margs...)...); err != nil {
			return nil, err
		}
		it.CreatedAt, it.UpdatedAt, it.Me.JoinedAt = FromMillis(created), FromMillis(updated), FromMillis(joined)
		if mid.Valid {
			ms.m.ID, ms.m.ConversationID, ms.m.Content, ms.created = mid.Int64, mconv.Int64, content.String, mcreated.Int64
			ms.m.Status, ms.m.IsEdited, ms.m.IsDeleted = status.String, edited.Bool, deleted.Bool
			last := ms.message()
			it.LastMessage = &last
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// listed is the condition on conversations c for being in a member's list.
const listed = `(c.kind = 'group' OR c.last_message_id IS NOT NULL)`

// CountConversations counts the conversations ListConversations lists for userID.
func (s *Queries) CountConversations(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM conversation_participants p
		JOIN conversations c ON c.id = p.conversation_id
		WHERE p.user_id = ? AND p.left_at IS NULL AND `+listed, userID).Scan(&n)
	return n, translate(err)
}

// UnreadMessages is the total of userID's unread counters: the navigation badge.
func (s *Queries) UnreadMessages(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT coalesce(sum(unread_count), 0) FROM conversation_participants
		WHERE user_id = ? AND left_at IS NULL`, userID).Scan(&n)
	return n, translate(err)
}

// NewMessage is what InsertMessage writes.
type NewMessage struct {
	ConversationID int64
	SenderID       int64
	Content        string
	File           *ChatFile
	Now            time.Time
}

// InsertMessage stores a message, makes it the conversation's last activity and counts
// it unread for every other active member. Call it inside WithTx.
func (s *Queries) InsertMessage(ctx context.Context, n NewMessage) (int64, error) {
	var path, name, size, typ, ctype any
	if f := n.File; f != nil {
		path, name, size, typ, ctype = f.Path, f.Name, f.Size, f.Type, f.ContentType
	}
	var id int64
	err := s.queryRow(ctx, `INSERT INTO messages (conversation_id, sender_id, content, created_at, file_path, file_name,
			file_size, file_type, file_content_type)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		n.ConversationID, n.SenderID, n.Content, millis(n.Now), path, name, size, typ, ctype).Scan(&id)
	if err != nil {
		return 0, wrapf(err, "store: insert message")
	}
	if err := s.updateOne(ctx, `UPDATE conversations SET last_message_id = ?, updated_at = max(?, updated_at)
		WHERE id = ?`, id, millis(n.Now), n.ConversationID); err != nil {
		return 0, err
	}
	if _, err := s.exec(ctx, `UPDATE conversation_participants SET unread_count = unread_count + 1
		WHERE conversation_id = ? AND user_id != ? AND left_at IS NULL`, n.ConversationID, n.SenderID); err != nil {
		return 0, wrapf(err, "store: count unread")
	}
	return id, nil
}

// MessageByID returns a message with its sender.
func (s *Queries) MessageByID(ctx context.Context, id int64) (Message, error) {
	ms, err := s.messages(ctx, `SELECT `+messageColumns+` FROM messages m LEFT JOIN users u ON u.id = m.sender_id
		WHERE m.id = ?`, id)
	if err != nil {
		return Message{}, err
	}
	if len(ms) == 0 {
		return Message{}, ErrNotFound
	}
	return ms[0], nil
}

// MessageQuery selects a conversation's history by id, which grows with time.
type MessageQuery struct {
	ConversationID int64
	BeforeID       int64 // only ids below (older); 0 = no bound
	AfterID        int64 // only ids above (newer); 0 = no bound
	Ascending      bool  // oldest first; default newest first
	Offset, Limit  int
}

func (q MessageQuery) where() (string, []any) {
	w := ` WHERE m.conversation_id = ?`
	args := []any{q.ConversationID}
	if q.BeforeID > 0 {
		w += ` AND m.id < ?`
		args = append(args, q.BeforeID)
	}
	if q.AfterID > 0 {
		w += ` AND m.id > ?`
		args = append(args, q.AfterID)
	}
	return w, args
}

// Messages returns a page of a conversation's history with senders, in one query.
func (s *Queries) Messages(ctx context.Context, q MessageQuery) ([]Message, error) {
	where, args := q.where()
	dir := "DESC"
	if q.Ascending {
		dir = "ASC"
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	return s.messages(ctx, `SELECT `+messageColumns+` FROM messages m LEFT JOIN users u ON u.id = m.sender_id`+
		where+` ORDER BY m.id `+dir+` LIMIT ? OFFSET ?`, append(args, limit, q.Offset)...)
}

// CountMessages counts what q selects (Offset and Limit ignored).
func (s *Queries) CountMessages(ctx context.Context, q MessageQuery) (int, error) {
	where, args := q.where()
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM messages m`+where, args...).Scan(&n)
	return n, translate(err)
}

// PendingMessages returns, oldest first, messages of userID's conversations that no
// socket of theirs has received yet (above their delivery watermark), from others.
func (s *Queries) PendingMessages(ctx context.Context, userID int64, limit int) ([]Message, error) {
	return s.messages(ctx, `SELECT `+messageColumns+`
		FROM conversation_participants p
		JOIN messages m ON m.conversation_id = p.conversation_id AND m.id > p.last_delivered_message_id
		LEFT JOIN users u ON u.id = m.sender_id
		WHERE p.user_id = ? AND p.left_at IS NULL AND m.sender_id IS NOT ?
		ORDER BY m.id LIMIT ?`, userID, userID, limit)
}

// MarkDelivered moves userID's delivery watermark in a conversation up to upTo and
// updates the aggregate status of the messages every other member now has. It reports
// whether the watermark moved (false too when userID is not an active member).
//
// With contiguous, the watermark moves only when no earlier message from someone else
// is still waiting for the user: a live message must not jump it over a backlog that
// the connect hook is still handing over, oldest first.
func (s *Queries) MarkDelivered(ctx context.Context, convID, userID, upTo int64, contiguous bool) (bool, error) {
	m, err := s.Membership(ctx, convID, userID)
	if err == ErrNotFound {
		return false, nil
	}
	if err != nil || m.LastDelivered >= upTo {
		return false, err
	}
	if contiguous {
		var waiting int
		if err := s.queryRow(ctx, `SELECT count(*) FROM messages WHERE conversation_id = ? AND id > ? AND id < ?
			AND sender_id IS NOT ?`, convID, m.LastDelivered, upTo, userID).Scan(&waiting); err != nil {
			return false, translate(err)
		}
		if waiting > 0 {
			return false, nil
		}
	}
	if _, err := s.exec(ctx, `UPDATE conversation_participants SET last_delivered_message_id = ?
		WHERE conversation_id = ? AND user_id = ?`, upTo, convID, userID); err != nil {
		return false, wrapf(err, "store: mark delivered")
	}
	return true, s.promoteDelivered(ctx, convID, m.LastDelivered, upTo)
}

// MarkConversationRead moves userID's read (and delivery) watermark to the
// conversation's last message, zeroes their unread counter and updates the aggregate
// statuses. It returns how many messages were unread and the new watermark; marked
// is 0 and moved false when there was nothing to read.
func (s *Queries) MarkConversationRead(ctx context.Context, convID, userID int64) (marked int, upTo int64, moved bool, err error) {
	m, err := s.Membership(ctx, convID, userID)
	if err != nil {
		return 0, 0, false, err
	}
	c, err := s.ConversationByID(ctx, convID)
	if err != nil {
		return 0, 0, false, err
	}
	upTo = c.LastMessageID
	if m.LastRead >= upTo && m.Unread == 0 {
		return 0, m.LastRead, false, nil
	}
	if _, err := s.exec(ctx, `UPDATE conversation_participants SET
			last_delivered_message_id = max(last_delivered_message_id, ?1),
			last_read_message_id = max(last_read_message_id, ?1), unread_count = 0
		WHERE conversation_id = ?2 AND user_id = ?3`, upTo, convID, userID); err != nil {
		return 0, 0, false, wrapf(err, "store: mark read")
	}
	if err := s.promoteDelivered(ctx, convID, m.LastDelivered, upTo); err != nil {
		return 0, 0, false, err
	}
	if err := s.promoteRead(ctx, convID, m.LastRead, upTo); err != nil {
		return 0, 0, false, err
	}
	return m.Unread, upTo, m.LastRead < upTo, nil
}

// promoteDelivered sets 'delivered' on the pending messages with ids in (from, to]
// that every other active member has received.
func (s *Queries) promoteDelivered(ctx context.Context, convID, from, to int64) error {
	_, err := s.exec(ctx, `UPDATE messages SET delivery_status = 'delivered'
		WHERE conversation_id = ?1 AND delivery_status = 'pending' AND id > ?2 AND id <= ?3
		AND NOT EXISTS (SELECT 1 FROM conversation_participants p
			WHERE p.conversation_id = ?1 AND p.left_at IS NULL AND p.user_id IS NOT messages.sender_id
			AND p.last_delivered_message_id < messages.id)`, convID, from, to)
	return wrapf(err, "store: promote delivered")
}

// promoteRead sets 'read' on the messages with ids in (from, to] that every other
// active member has read.
func (s *Queries) promoteRead(ctx context.Context, convID, from, to int64) error {
	_, err := s.exec(ctx, `UPDATE messages SET delivery_status = 'read'
		WHERE conversation_id = ?1 AND delivery_status != 'read' AND id > ?2 AND id <= ?3
		AND NOT EXISTS (SELECT 1 FROM conversation_participants p
			WHERE p.conversation_id = ?1 AND p.left_at IS NULL AND p.user_id IS NOT messages.sender_id
			AND p.last_read_message_id < messages.id)`, convID, from, to)
	return wrapf(err, "store: promote read")
}

// RecomputeStatuses re-derives the aggregate statuses above the given watermarks, after
// a member left: the one who held a receipt back may be gone.
func (s *Queries) RecomputeStatuses(ctx context.Context, convID, fromDelivered, fromRead int64) error {
	c, err := s.ConversationByID(ctx, convID)
	if err != nil {
		return err
	}
	if err := s.promoteDelivered(ctx, convID, fromDelivered, c.LastMessageID); err != nil {
		return err
	}
	return s.promoteRead(ctx, convID, fromRead, c.LastMessageID)
}

// EditMessage replaces a live message's text and marks it edited.
func (s *Queries) EditMessage(ctx context.Context, id int64, content string, now time.Time) error {
	return s.updateOne(ctx, `UPDATE messages SET content = ?, is_edited = 1, edited_at = ?
		WHERE id = ? AND is_deleted = 0`, content, millis(now), id)
}

// DeleteMessage blanks a message's content and file and marks it deleted; members who
// had not read it get their unread counter back down. It returns the removed file's
// path ("" for none) so the caller can delete it after the commit.
func (s *Queries) DeleteMessage(ctx context.Context, id int64, now time.Time) (string, error) {
	var conv int64
	var sender sql.NullInt64
	var path sql.NullString
	err := s.queryRow(ctx, `SELECT conversation_id, sender_id, file_path FROM messages WHERE id = ? AND is_deleted = 0`, id).
		Scan(&conv, &sender, &path)
	if err != nil {
		return "", scanOne(err)
	}
	if err := s.updateOne(ctx, `UPDATE messages SET content = '', is_deleted = 1, deleted_at = ?,
			file_path = NULL, file_name = NULL, file_size = NULL, file_type = NULL, file_content_type = NULL
		WHERE id = ?`, millis(now), id); err != nil {
		return "", err
	}
	if _, err := s.exec(ctx, `UPDATE conversation_participants SET unread_count = max(unread_count - 1, 0)
		WHERE conversation_id = ? AND left_at IS NULL AND user_id IS NOT ? AND last_read_message_id < ?`,
		conv, sender, id); err != nil {
		return "", wrapf(err, "store: uncount deleted message")
	}
	return path.String, nil
}

// SetLastSeen records when a user's last socket closed.
func (s *Queries) SetLastSeen(ctx context.Context, userID int64, now time.Time) error {
	_, err := s.exec(ctx, `UPDATE users SET last_seen_at = ? WHERE id = ?`, millis(now), userID)
	return wrapf(err, "store: set last seen")
}

// ChatContacts lists the users who share an active conversation with userID: the only
// people who see their presence.
func (s *Queries) ChatContacts(ctx context.Context, userID int64) ([]int64, error) {
	set, err := s.idSet(ctx, `SELECT DISTINCT o.user_id FROM conversation_participants me
		JOIN conversation_participants o ON o.conversation_id = me.conversation_id
		WHERE me.user_id = ? AND me.left_at IS NULL AND o.left_at IS NULL AND o.user_id != me.user_id`, userID)
	if err != nil {
		return nil, err
	}
	out := make([]int64, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	return out, nil
}

// ChatUser is a user as the chat directory shows them.
type ChatUser struct {
	UserMini
	LastSeenAt time.Time
}

// ListChatUsers lists active users except exceptID by username; with ftsQuery (an FTS5
// query built by the caller) only those whose username or names match.
func (s *Queries) ListChatUsers(ctx context.Context, ftsQuery string, exceptID int64, limit, offset int) ([]ChatUser, error) {
	query := `SELECT u.last_seen_at, ` + userMiniColumns + ` FROM users u WHERE u.is_active = 1 AND u.id != ?`
	args := []any{exceptID}
	if ftsQuery != "" {
		query += chatUsersMatching(s.pg)
		args = append(args, s.ftsArg(ftsQuery))
	}
	rows, err := s.query(ctx, query+` ORDER BY u.username LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, wrapf(err, "store: chat users")
	}
	defer rows.Close()
	var out []ChatUser
	for rows.Next() {
		var u ChatUser
		var seen sql.NullInt64
		if err := rows.Scan(append([]any{&seen}, u.scanArgs()...)...); err != nil {
			return nil, err
		}
		if seen.Valid {
			u.LastSeenAt = FromMillis(seen.Int64)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountChatUsers counts ListChatUsers' matches.
func (s *Queries) CountChatUsers(ctx context.Context, ftsQuery string, exceptID int64) (int, error) {
	query := `SELECT count(*) FROM users u WHERE u.is_active = 1 AND u.id != ?`
	args := []any{exceptID}
	if ftsQuery != "" {
		query += chatUsersMatching(s.pg)
		args = append(args, s.ftsArg(ftsQuery))
	}
	var n int
	err := s.queryRow(ctx, query, args...).Scan(&n)
	return n, translate(err)
}

// chatUsersMatching is the condition of ListChatUsers and CountChatUsers on the users
// matching a search (?).
func chatUsersMatching(pg bool) string {
	if pg {
		return ` AND u.search_vector @@ to_tsquery('ep_search', ?)`
	}
	return ` AND u.id IN (SELECT rowid FROM users_fts WHERE users_fts MATCH ?)`
}

// UsersByIDs returns the active users among ids, in one query.
func (s *Queries) UsersByIDs(ctx context.Context, ids []int64) (map[int64]UserMini, error) {
	out := map[int64]UserMini{}
	if len(ids) == 0 {
		return out, nil
	}
	users, err := s.userMinis(ctx, "users by id", `SELECT `+userMiniColumns+` FROM users u WHERE u.is_active = 1 AND u.id IN (`+
		marks(len(ids))+`)`, int64Args(ids)...)
	for _, m := range users {
		out[m.ID] = m
	}
	return out, err
}
