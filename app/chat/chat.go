package chat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"eplatform/app/cache"
	"eplatform/app/form"
	"eplatform/app/limit"
	"eplatform/app/media"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
)

// Limits of the chat.
const (
	MaxContent    = 5000    // characters of one message
	MaxFileBytes  = 5 << 20 // one attachment
	MaxMembers    = 50      // of a group, its owner included
	MaxTitle      = 100     // characters of a group title
	HistoryPage   = 50      // messages per page of history
	pendingBatch  = 32      // frames per batch of pending delivery: half the hub's buffer
	typingBurst   = 10      // typing frames per user before they are throttled
	typingEvery   = time.Second
	maxTempIDLen  = 64
	rateLimitText = "You're sending messages too quickly. Please wait a moment."
)

// Errors. Non-members get ErrNotFound for everything, so a conversation's existence
// does not leak.
var ErrNotFound = store.ErrNotFound

// Publisher sends frames to every open socket of users, on every process (live.Hub).
type Publisher interface {
	Send(ctx context.Context, users []int64, v any) error
}

// Presence tells whether a user has an open socket (live.Hub.Online).
type Presence interface {
	Online(userID int64) bool
}

// Service implements the chat.
type Service struct {
	DB       *store.DB
	Cache    cache.Cache // the unread badge between changes (nil: counted every time)
	Pub      Publisher   // nil: no live events
	Presence Presence    // nil: nobody is online
	Media    media.Store
	Limiter  limit.Limiter
	Rule     limit.Rule // sending messages
	// NotificationsUnread is the bell's count, sent along with messages_unread in
	// unread_count frames (nil: 0).
	NotificationsUnread func(ctx context.Context, userID int64) (int, error)
	BaseURL             string // absolute file URLs in JSON
	Log                 *slog.Logger
	Now                 func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// allow takes a token from the user's sending bucket. A limiter failure lets the
// message through: losing a message is worse than a burst.
func (s *Service) allow(ctx context.Context, rule limit.Rule, userID int64) error {
	if s.Limiter == nil || rule.Name == "" {
		return nil
	}
	d, err := s.Limiter.Allow(ctx, rule, limit.UserKey(userID))
	if err != nil {
		s.log().WarnContext(ctx, "chat rate limiter", "err", err)
		return nil
	}
	if !d.Allowed {
		return problem.RateLimited(rateLimitText+" "+limit.Message(d), d.RetryAfter)
	}
	return nil
}

// CheckContent applies the one rule for user text to a message (text.Field): trimmed,
// no control characters, at most MaxContent characters. It returns the text or a
// message to show. Empty text is allowed here (a file may carry the message).
func CheckContent(s string) (string, string) { return text.Field(s, false, MaxContent) }

// CheckTitle validates a group title: the rule for user text, then runs of white space
// (line breaks and tabs included: a title is one line) become one space.
func CheckTitle(s string) (string, string) {
	s, msg := text.Clean(s)
	if msg != "" {
		return s, msg
	}
	s = strings.Join(strings.Fields(s), " ")
	switch n := text.Len(s); {
	case n == 0:
		return "", "Give the group a name."
	case n > MaxTitle:
		return "", fmt.Sprintf("Ensure the name has no more than %d characters (it has %d).", MaxTitle, n)
	}
	return s, ""
}

// Summary is a conversation as one of its members sees it.
type Summary struct {
	Conversation store.Conversation
	Me           store.Membership
	Members      []store.ChatMember // active members, the viewer included
	LastMessage  *store.Message
}

// Others are the members other than viewerID.
func (s Summary) Others(viewerID int64) []store.ChatMember {
	out := make([]store.ChatMember, 0, len(s.Members))
	for _, m := range s.Members {
		if m.ID != viewerID {
			out = append(out, m)
		}
	}
	return out
}

// IsGroup reports whether the conversation is a group.
func (s Summary) IsGroup() bool { return s.Conversation.Kind == "group" }

// IsOwner reports whether the viewer manages the group's members.
func (s Summary) IsOwner() bool { return s.IsGroup() && s.Me.Role == "owner" }

// Title is what the conversation is called for viewerID: the group's title, or the
// other person's name.
func (s Summary) Title(viewerID int64) string {
	if s.IsGroup() {
		return s.Conversation.Title
	}
	for _, m := range s.Others(viewerID) {
		return m.UserMini.DisplayName()
	}
	return "Deleted user"
}

// Conversations returns a page of the viewer's conversations, most recent activity
// first, with members, last message and unread count: two queries whatever the
// length of the page.
func (s *Service) Conversations(ctx context.Context, viewerID int64, limit, offset int) ([]Summary, error) {
	items, err := s.DB.ListConversations(ctx, viewerID, limit, offset)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	members, err := s.DB.MembersOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, len(items))
	for i, it := range items {
		out[i] = Summary{Conversation: it.Conversation, Me: it.Me, Members: members[it.ID], LastMessage: it.LastMessage}
	}
	return out, nil
}

// CountConversations counts the viewer's conversations.
func (s *Service) CountConversations(ctx context.Context, viewerID int64) (int, error) {
	return s.DB.CountConversations(ctx, viewerID)
}

// Conversation returns one of the viewer's conversations; ErrNotFound otherwise.
func (s *Service) Conversation(ctx context.Context, viewerID, convID int64) (Summary, error) {
	me, err := s.DB.Membership(ctx, convID, viewerID)
	if err != nil {
		return Summary{}, err
	}
	c, err := s.DB.ConversationByID(ctx, convID)
	if err != nil {
		return Summary{}, err
	}
	members, err := s.DB.MembersOf(ctx, []int64{convID})
	if err != nil {
		return Summary{}, err
	}
	out := Summary{Conversation: c, Me: me, Members: members[convID]}
	if c.LastMessageID != 0 {
		m, err := s.DB.MessageByID(ctx, c.LastMessageID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return Summary{}, err
		}
		if err == nil {
			out.LastMessage = &m
		}
	}
	return out, nil
}

// ExistingDirect returns the id of the 1:1 conversation of the viewer with otherID, or
// 0 when there is none yet.
func (s *Service) ExistingDirect(ctx context.Context, viewerID, otherID int64) (int64, error) {
	c, err := s.DB.DirectConversation(ctx, viewerID, otherID)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	// A membership ended by other means (see StartDirect) counts as no conversation.
	if _, err := s.DB.Membership(ctx, c.ID, viewerID); errors.Is(err, store.ErrNotFound) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	return c.ID, nil
}

// StartResult is what StartDirect did.
type StartResult struct {
	ConversationID int64
	Created        bool           // false: the conversation existed
	Message        *store.Message // the first message, when one was sent
}

// StartDirect opens the 1:1 conversation of the viewer with otherID, creating it the
// first time, and sends first when it is not blank. Invalid input is a problem naming
// the field (user_id, message); starting one with yourself is refused as a whole.
//
// A conversation without messages is not listed (store.ListConversations), so the
// other person hears of it only with its first message: "Message" on someone's
// profile opens the conversation, and it appears in both lists once one of them
// writes.
func (s *Service) StartDirect(ctx context.Context, viewer store.User, otherID int64, first string) (StartResult, error) {
	if otherID == viewer.ID {
		return StartResult{}, problem.Invalid("You cannot start a conversation with yourself.")
	}
	if otherID <= 0 {
		return StartResult{}, errNoUser
	}
	other, err := s.DB.UserByID(ctx, otherID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !other.IsActive) {
		return StartResult{}, errNoUser
	}
	if err != nil {
		return StartResult{}, err
	}
	if err := s.blockedBetween(ctx, viewer.ID, otherID); err != nil {
		return StartResult{}, err
	}
	first, msg := CheckContent(first)
	if msg != "" {
		return StartResult{}, problem.Field("message", msg)
	}
	if first != "" {
		if err := s.allow(ctx, s.Rule, viewer.ID); err != nil {
			return StartResult{}, err
		}
	}
	var res StartResult
	var members []store.Membership
	now := s.now()
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		res = StartResult{}
		c, err := tx.DirectConversation(ctx, viewer.ID, otherID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			id, err := tx.CreateConversation(ctx, store.NewConversation{Kind: "direct", DirectKey: store.DirectKey(viewer.ID, otherID), CreatedBy: viewer.ID, Now: now})
			if err != nil {
				return err
			}
			for _, uid := range []int64{viewer.ID, otherID} {
				if _, err := tx.AddParticipant(ctx, id, uid, "member", 0, now); err != nil {
					return err
				}
			}
			res.ConversationID, res.Created = id, true
		case err != nil:
			return err
		default:
			res.ConversationID = c.ID
			// A direct conversation cannot be left; this only repairs a membership
			// ended by other means (an account re-activated).
			for _, uid := range []int64{viewer.ID, otherID} {
				if _, err := tx.AddParticipant(ctx, c.ID, uid, "member", c.LastMessageID, now); err != nil {
					return err
				}
			}
		}
		if first != "" {
			id, err := tx.InsertMessage(ctx, store.NewMessage{ConversationID: res.ConversationID, SenderID: viewer.ID, Content: first, Now: now})
			if err != nil {
				return err
			}
			m, err := tx.MessageByID(ctx, id)
			if err != nil {
				return err
			}
			res.Message = &m
		}
		members, err = tx.Memberships(ctx, res.ConversationID)
		return err
	})
	if err != nil {
		return StartResult{}, err
	}
	if res.Message != nil {
		if res.Created {
			s.send(ctx, []int64{otherID}, conversationUpdated(res.ConversationID))
		}
		*res.Message = s.published(ctx, *res.Message, members, "")
	}
	return res, nil
}

// errNoUser refuses a conversation with someone who does not exist or was deactivated.
var errNoUser = problem.Field("user_id", "User does not exist.")

// resolveMembers turns ids into active users other than the viewer, de-duplicated;
// unknown ids are a problem naming user_ids.
func (s *Service) resolveMembers(ctx context.Context, viewerID int64, ids []int64) ([]int64, error) {
	var want []int64
	for _, id := range ids {
		if id != viewerID && id > 0 && !slices.Contains(want, id) {
			want = append(want, id)
		}
	}
	users, err := s.DB.UsersByIDs(ctx, want)
	if err != nil {
		return nil, err
	}
	errs := form.Errors{}
	for _, id := range want {
		if _, ok := users[id]; !ok {
			errs.Add("user_ids", fmt.Sprintf("User %d does not exist.", id))
		}
	}
	if len(errs) > 0 {
		return nil, problem.Fields(errs)
	}
	return want, nil
}

// UserIDsByName resolves usernames typed in a form (commas or spaces between them);
// unknown names and text that breaks the rule for user text are a problem naming
// field.
func (s *Service) UserIDsByName(ctx context.Context, field, typed string) ([]int64, error) {
	typed, msg := text.Clean(typed)
	if msg != "" {
		return nil, problem.Field(field, msg)
	}
	names := strings.FieldsFunc(typed, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == ';' })
	var lower []string
	for _, n := range names {
		n = strings.ToLower(strings.TrimPrefix(n, "@"))
		if n != "" && !slices.Contains(lower, n) {
			lower = append(lower, n)
		}
	}
	if len(lower) > MaxMembers {
		return nil, problem.Field(field, fmt.Sprintf("A group has at most %d members.", MaxMembers))
	}
	users, err := s.DB.ActiveUsersByName(ctx, lower)
	if err != nil {
		return nil, err
	}
	errs := form.Errors{}
	var ids []int64
	for _, n := range lower {
		u, ok := users[n]
		if !ok {
			errs.Add(field, "No user is called "+n+".")
			continue
		}
		ids = append(ids, u.ID)
	}
	if len(errs) > 0 {
		return nil, problem.Fields(errs)
	}
	return ids, nil
}

// CreateGroup creates a group owned by the viewer with the given members. Problems
// with the title and with the members come back together, as fields title and
// user_ids.
func (s *Service) CreateGroup(ctx context.Context, viewer store.User, title string, memberIDs []int64) (int64, error) {
	errs := form.Errors{}
	title, msg := CheckTitle(title)
	if msg != "" {
		errs.Add("title", msg)
	}
	ids, err := s.resolveMembers(ctx, viewer.ID, memberIDs)
	if !addFields(errs, err) {
		return 0, err
	}
	switch {
	case errs.Has("user_ids"):
	case len(ids) == 0:
		errs.Add("user_ids", "Add at least one other member.")
	case len(ids)+1 > MaxMembers:
		errs.Add("user_ids", fmt.Sprintf("A group has at most %d members.", MaxMembers))
	}
	if len(errs) > 0 {
		return 0, problem.Fields(errs)
	}
	var id int64
	now := s.now()
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		var err error
		id, err = tx.CreateConversation(ctx, store.NewConversation{Kind: "group", Title: title, CreatedBy: viewer.ID, Now: now})
		if err != nil {
			return err
		}
		if _, err := tx.AddParticipant(ctx, id, viewer.ID, "owner", 0, now); err != nil {
			return err
		}
		for _, uid := range ids {
			if _, err := tx.AddParticipant(ctx, id, uid, "member", 0, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	s.send(ctx, append(ids, viewer.ID), conversationUpdated(id))
	return id, nil
}

// CreateGroupNamed creates a group from the usernames typed in the group form
// (members), reporting unknown names (as user_ids) with any problem of the title.
func (s *Service) CreateGroupNamed(ctx context.Context, viewer store.User, title, members string) (int64, error) {
	ids, err := s.UserIDsByName(ctx, "user_ids", members)
	if err != nil {
		errs := form.Errors{}
		if !addFields(errs, err) {
			return 0, err
		}
		if _, msg := CheckTitle(title); msg != "" {
			errs.Add("title", msg)
		}
		return 0, problem.Fields(errs)
	}
	return s.CreateGroup(ctx, viewer, title, ids)
}

// addFields adds the field errors of an invalid-input problem to errs and reports
// true; for nil it reports true too, for any other error false (the caller returns it).
func addFields(errs form.Errors, err error) bool {
	if err == nil {
		return true
	}
	p, ok := problem.As(err)
	if !ok || p.Kind != problem.KindInvalid {
		return false
	}
	if len(p.Fields) == 0 {
		errs.Add(form.NonField, p.Message)
	}
	for k, v := range p.Fields {
		errs[k] = append(errs[k], v...)
	}
	return true
}

// RenameGroup changes a group's title; the owner only.
func (s *Service) RenameGroup(ctx context.Context, viewer store.User, convID int64, title string) error {
	title, msg := CheckTitle(title)
	if msg != "" {
		return problem.Field("title", msg)
	}
	var members []store.Membership
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		if err := ownerOf(ctx, tx, convID, viewer.ID); err != nil {
			return err
		}
		if err := tx.SetConversationTitle(ctx, convID, title); err != nil {
			return err
		}
		var err error
		members, err = tx.Memberships(ctx, convID)
		return err
	})
	if err != nil {
		return err
	}
	s.send(ctx, memberIDs(members), conversationUpdated(convID))
	return nil
}

// ownerOf checks that userID owns a group: ErrNotFound for non-members, problem.ErrForbidden
// for members who are not the owner and for direct conversations.
func ownerOf(ctx context.Context, tx *store.Queries, convID, userID int64) error {
	me, err := tx.Membership(ctx, convID, userID)
	if err != nil {
		return err
	}
	c, err := tx.ConversationByID(ctx, convID)
	if err != nil {
		return err
	}
	if c.Kind != "group" || me.Role != "owner" {
		return problem.ErrForbidden
	}
	return nil
}

// AddMembers adds users to a group; the owner only, up to MaxMembers in all.
func (s *Service) AddMembers(ctx context.Context, viewer store.User, convID int64, userIDs []int64) error {
	if err := ownerOf(ctx, s.DB.Queries, convID, viewer.ID); err != nil {
		return err // before validating, so a stranger learns nothing
	}
	ids, err := s.resolveMembers(ctx, viewer.ID, userIDs)
	if err != nil {
		return err
	}
	return s.addMembers(ctx, viewer, convID, ids)
}

// AddMembersNamed adds the people whose usernames were typed in the members form
// (reported as user_ids); the owner only.
func (s *Service) AddMembersNamed(ctx context.Context, viewer store.User, convID int64, typed string) error {
	if err := ownerOf(ctx, s.DB.Queries, convID, viewer.ID); err != nil {
		return err
	}
	ids, err := s.UserIDsByName(ctx, "user_ids", typed)
	if err != nil {
		return err
	}
	return s.addMembers(ctx, viewer, convID, slices.DeleteFunc(ids, func(id int64) bool { return id == viewer.ID }))
}

// errTooMany refuses a group of more than MaxMembers.
var errTooMany = problem.Field("user_ids", fmt.Sprintf("A group has at most %d members.", MaxMembers))

func (s *Service) addMembers(ctx context.Context, viewer store.User, convID int64, ids []int64) error {
	if len(ids) == 0 {
		return problem.Field("user_ids", "Choose at least one person to add.")
	}
	var members []store.Membership
	now := s.now()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		if err := ownerOf(ctx, tx, convID, viewer.ID); err != nil {
			return err
		}
		c, err := tx.ConversationByID(ctx, convID)
		if err != nil {
			return err
		}
		current, err := tx.Memberships(ctx, convID)
		if err != nil {
			return err
		}
		n := len(current)
		for _, uid := range ids {
			if !slices.Contains(memberIDs(current), uid) {
				n++
			}
		}
		if n > MaxMembers {
			return errTooMany // nothing written: the transaction rolls back
		}
		for _, uid := range ids {
			if _, err := tx.AddParticipant(ctx, convID, uid, "member", c.LastMessageID, now); err != nil {
				return err
			}
		}
		members, err = tx.Memberships(ctx, convID)
		return err
	})
	if err != nil {
		return err
	}
	s.send(ctx, memberIDs(members), conversationUpdated(convID))
	return nil
}

// RemoveMember takes a member out of a group; the owner only (to leave, use Leave).
func (s *Service) RemoveMember(ctx context.Context, viewer store.User, convID, userID int64) error {
	if userID == viewer.ID {
		return problem.ErrForbidden
	}
	return s.endMembership(ctx, convID, userID, func(tx *store.Queries) error {
		return ownerOf(ctx, tx, convID, viewer.ID)
	})
}

// Leave ends the viewer's membership of a group. When the owner leaves, the longest
// standing member becomes the owner. A direct conversation cannot be left.
func (s *Service) Leave(ctx context.Context, viewer store.User, convID int64) error {
	return s.endMembership(ctx, convID, viewer.ID, func(tx *store.Queries) error {
		if _, err := tx.Membership(ctx, convID, viewer.ID); err != nil {
			return err
		}
		c, err := tx.ConversationByID(ctx, convID)
		if err != nil {
			return err
		}
		if c.Kind != "group" {
			return problem.ErrForbidden
		}
		return nil
	})
}

func (s *Service) endMembership(ctx context.Context, convID, userID int64, check func(tx *store.Queries) error) error {
	var before, after []store.Membership
	now := s.now()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		if err := check(tx); err != nil {
			return err
		}
		gone, err := tx.Membership(ctx, convID, userID)
		if err != nil {
			return err
		}
		if before, err = tx.Memberships(ctx, convID); err != nil {
			return err
		}
		if err := tx.LeaveConversation(ctx, convID, userID, now); err != nil {
			return err
		}
		if after, err = tx.Memberships(ctx, convID); err != nil {
			return err
		}
		if gone.Role == "owner" && len(after) > 0 {
			if err := tx.SetParticipantRole(ctx, convID, after[0].UserID, "owner"); err != nil {
				return err
			}
			after[0].Role = "owner"
		}
		// The one who left may have held receipts back.
		return tx.RecomputeStatuses(ctx, convID, gone.LastDelivered, gone.LastRead)
	})
	if err != nil {
		return err
	}
	s.send(ctx, memberIDs(before), conversationUpdated(convID))
	s.announceReceipts(ctx, convID, after, 0)
	s.pushUnread(ctx, userID)
	return nil
}

func memberIDs(ms []store.Membership) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.UserID
	}
	return out
}

// Unread is the user's total of unread messages (the navigation badge).
//
// Every page shows it, so it is cached; pushUnread, which every change to a user's
// counters calls, forgets it first. A change that missed that is corrected within
// unreadLife.
func (s *Service) Unread(ctx context.Context, userID int64) (int, error) {
	if s.Cache == nil {
		return s.DB.UnreadMessages(ctx, userID)
	}
	return cache.Load(ctx, s.Cache, unreadKey(userID), unreadLife, func(ctx context.Context) (int, error) {
		return s.DB.UnreadMessages(ctx, userID)
	})
}

const unreadLife = 30 * time.Second

func unreadKey(userID int64) string { return "chat-unread:" + strconv.FormatInt(userID, 10) }

// Directory lists the people one can chat with (active users but the viewer), by
// username; q narrows it by username or name prefixes.
func (s *Service) Directory(ctx context.Context, viewerID int64, q string, limit, offset int) ([]store.ChatUser, int, error) {
	fts := ""
	if strings.TrimSpace(q) != "" {
		if fts = text.FTSQuery(q); fts == "" {
			return nil, 0, nil
		}
	}
	n, err := s.DB.CountChatUsers(ctx, fts, viewerID)
	if err != nil || n == 0 {
		return nil, n, err
	}
	users, err := s.DB.ListChatUsers(ctx, fts, viewerID, limit, offset)
	return users, n, err
}

// Online reports whether a user has an open socket.
func (s *Service) Online(userID int64) bool {
	return s.Presence != nil && s.Presence.Online(userID)
}

// Status returns a user's presence; ErrNotFound for an unknown or inactive user.
func (s *Service) Status(ctx context.Context, userID int64) (store.User, bool, error) {
	u, err := s.DB.UserByID(ctx, userID)
	if err != nil {
		return store.User{}, false, err
	}
	if !u.IsActive {
		return store.User{}, false, ErrNotFound
	}
	return u, s.Online(userID), nil
}

// Blocks in the chat: a block stops direct messages both ways — the blocked person
// cannot start a conversation with, or write in the direct conversation of, the one who
// blocked them, and the blocker cannot write to them either until they unblock (so a
// conversation is never one-sided). Groups are left alone: a group is its owner's, and
// a block there would silence one member for everyone.

// Messages of the refusals, said to the sender.
const (
	blockedByText = "You cannot message this person: they have blocked you."
	blockingText  = "You have blocked this person. Unblock them (Settings › Blocked people) to send a message."
)

// blockedBetween refuses a direct message from sender to peer when either blocks the
// other.
func (s *Service) blockedBetween(ctx context.Context, senderID, peerID int64) error {
	by, err := s.DB.Blocks(ctx, peerID, senderID)
	if err != nil {
		return err
	}
	if by {
		return problem.Forbidden(blockedByText)
	}
	blocking, err := s.DB.Blocks(ctx, senderID, peerID)
	if err != nil {
		return err
	}
	if blocking {
		return problem.Forbidden(blockingText)
	}
	return nil
}

// directBlocked refuses a message in a direct conversation between blocked people.
func (s *Service) directBlocked(ctx context.Context, convID, senderID int64) error {
	peer, err := s.DB.DirectPeer(ctx, convID, senderID)
	if err != nil || peer == 0 {
		return err
	}
	return s.blockedBetween(ctx, senderID, peer)
}
