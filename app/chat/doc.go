// Package chat holds the rules of conversations: who may read and write where, 1:1
// conversations that exist once per pair, groups (a title, at most MaxMembers members,
// the owner adds and removes, members leave), messages with attachments, editing and
// deleting your own, delivery and read state, unread counts, typing and presence.
// The web, api and socket layers all call it; none of them repeats a rule.
//
// # Delivery state
//
// A message is stored unread and 'pending'. Each member has two watermarks in
// conversation_participants: delivered-up-to and read-up-to (message ids grow within
// a conversation). A member's delivery watermark moves when one of their sockets is
// handed the message — at once when they are online, else by the connect hook, which
// hands over everything pending, oldest first, in batches. Their read watermark moves
// when they open the conversation (page, API list, or the read_messages frame). The
// sender sees the aggregate: 'delivered' once every other member has it, 'read' once
// every other member has read it. Senders learn of changes from messages_delivered
// and messages_read frames carrying up_to_id, the highest of their own message ids
// that reached the new state.
//
// # Live events
//
// Events are published after the commit, never inside a transaction, through the hub
// (Publisher), so they reach every tab of every member on every process. Frames go to
// members only: a non-member learns nothing, not even that a conversation exists
// (ErrNotFound everywhere). Presence (user_status) goes only to people who share a
// conversation with the user.
//
// # Rate limit
//
// Sending — by form, API or socket — takes a token from one bucket per user
// (Service.Rule, by default a burst of 10 then one message every 3 s), so the three
// ways cannot be combined to send more.
package chat
