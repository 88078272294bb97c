package chat

import (
	"context"
	"eplatform/app/auth"
	"path"

	"eplatform/app/form"
	"eplatform/app/media"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// Send posts a message (text, a file, or both) to a conversation the viewer is a
// member of, and delivers it live: chat_message to every tab of every member (the
// sender's with tempID echoed), new_message_notification and a fresh unread_count to
// the others. Members with an open socket have it delivered at once.
//
// Problems with the input are a problem naming the field (content, file_attachment;
// a message with neither is refused as a whole); a non-member gets ErrNotFound, an
// exhausted bucket a RateLimited problem, a file over the limit a TooLarge one.
func (s *Service) Send(ctx context.Context, viewer store.User, convID int64, content string, up *Upload, tempID string) (store.Message, error) {
	content, msg := CheckContent(content)
	errs := form.Errors{}
	if msg != "" {
		errs.Add("content", msg)
	}
	var checked checkedFile
	if up != nil {
		var err error
		checked, err = CheckFile(up.Name, up.Data)
		if p, ok := problem.As(err); ok && p.Kind == problem.KindInvalid {
			errs.Add("file_attachment", p.Message)
		} else if err != nil {
			return store.Message{}, err // too large, or not the user's doing
		}
	}
	if len(errs) == 0 && content == "" && up == nil {
		errs.Add(form.NonField, "Message must have either content or a file attachment.")
	}
	if len(errs) > 0 {
		return store.Message{}, problem.Fields(errs)
	}
	// Membership first, so a stranger neither learns anything from the limiter nor
	// leaves a file behind.
	if _, err := s.DB.Membership(ctx, convID, viewer.ID); err != nil {
		return store.Message{}, err
	}
	if err := s.directBlocked(ctx, convID, viewer.ID); err != nil {
		return store.Message{}, err
	}
	if err := s.allow(ctx, s.Rule, viewer.ID); err != nil {
		return store.Message{}, err
	}
	var file *store.ChatFile
	if up != nil {
		path, err := s.Media.Save("chat", checked.Ext, up.Data)
		if err != nil {
			return store.Message{}, err
		}
		file = &store.ChatFile{Path: path, Name: media.CleanName(up.Name), Size: int64(len(up.Data)), Type: checked.Type, ContentType: checked.ContentType}
	}
	var m store.Message
	var members []store.Membership
	now := s.now()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		if _, err := tx.Membership(ctx, convID, viewer.ID); err != nil {
			return err
		}
		id, err := tx.InsertMessage(ctx, store.NewMessage{ConversationID: convID, SenderID: viewer.ID, Content: content, File: file, Now: now})
		if err != nil {
			return err
		}
		if m, err = tx.MessageByID(ctx, id); err != nil {
			return err
		}
		members, err = tx.Memberships(ctx, convID)
		return err
	})
	if err != nil {
		if file != nil {
			s.removeFile(ctx, file.Path)
		}
		return store.Message{}, err
	}
	return s.published(ctx, m, members, tempID), nil
}

// removeFile deletes a stored attachment that no message refers to any more. A
// failure leaves an orphan file behind, which costs disk but no one can reach it
// (files are served by message), so it is logged rather than returned.
func (s *Service) removeFile(ctx context.Context, path string) {
	if err := s.Media.Remove(path); err != nil {
		s.log().WarnContext(ctx, "chat: remove file", "path", path, "err", err)
	}
}

// message loads a message the viewer may see: ErrNotFound unless they are a member of
// its conversation.
func (s *Service) message(ctx context.Context, q *store.Queries, viewerID, messageID int64) (store.Message, store.Membership, error) {
	m, err := q.MessageByID(ctx, messageID)
	if err != nil {
		return store.Message{}, store.Membership{}, err
	}
	me, err := q.Membership(ctx, m.ConversationID, viewerID)
	if err != nil {
		return store.Message{}, store.Membership{}, err
	}
	return m, me, nil
}

// MessageView is one message as a member of its conversation sees it.
type MessageView struct {
	Message store.Message
	Me      store.Membership // the viewer's membership: their read watermark
	Group   bool             // in a group, where senders are named
}

// Message returns one message for a member of its conversation (ErrNotFound for
// anyone else).
func (s *Service) Message(ctx context.Context, viewerID, messageID int64) (MessageView, error) {
	m, me, err := s.message(ctx, s.DB.Queries, viewerID, messageID)
	if err != nil {
		return MessageView{}, err
	}
	c, err := s.DB.ConversationByID(ctx, m.ConversationID)
	if err != nil {
		return MessageView{}, err
	}
	return MessageView{Message: m, Me: me, Group: c.Kind == "group"}, nil
}

// errEditDeleted refuses to edit a deleted message.
var errEditDeleted = problem.Field("content", "A deleted message cannot be edited.")

// Edit changes the text of the viewer's own message. Others' messages are ErrNotFound
// to strangers and problem.ErrForbidden to members; a deleted message cannot be edited.
func (s *Service) Edit(ctx context.Context, viewer store.User, messageID int64, content string) (store.Message, error) {
	content, msg := CheckContent(content)
	if msg == "" && content == "" {
		msg = "This field may not be blank."
	}
	if msg != "" {
		return store.Message{}, problem.Field("content", msg)
	}
	var m store.Message
	var members []store.Membership
	now := s.now()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		cur, _, err := s.message(ctx, tx, viewer.ID, messageID)
		if err != nil {
			return err
		}
		if cur.SenderID() != viewer.ID {
			return problem.ErrForbidden
		}
		if cur.IsDeleted {
			return errEditDeleted
		}
		if err := tx.EditMessage(ctx, messageID, content, now); err != nil {
			return err
		}
		if m, err = tx.MessageByID(ctx, messageID); err != nil {
			return err
		}
		members, err = tx.Memberships(ctx, m.ConversationID)
		return err
	})
	if err != nil {
		return store.Message{}, err
	}
	s.publishUpdate(ctx, m, members)
	return m, nil
}

// Delete blanks the viewer's own message: its text and its file, everywhere; the file
// is removed from disk after the commit.
func (s *Service) Delete(ctx context.Context, viewer store.User, messageID int64) (store.Message, error) {
	return s.deleteMessage(ctx, viewer, messageID, false, nil)
}

// ModeratorDelete blanks a reported message as an admin, who need not be a member of
// its conversation, and runs also in the same transaction (closing its reports).
func (s *Service) ModeratorDelete(ctx context.Context, admin store.User, messageID int64, also func(tx *store.Queries) error) (store.Message, error) {
	if !auth.IsAdmin(admin) {
		return store.Message{}, problem.ErrForbidden
	}
	return s.deleteMessage(ctx, admin, messageID, true, also)
}

func (s *Service) deleteMessage(ctx context.Context, viewer store.User, messageID int64, moderator bool,
	also func(tx *store.Queries) error) (store.Message, error) {
	var m store.Message
	var members []store.Membership
	var path string
	now := s.now()
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		path = ""
		var cur store.Message
		var err error
		if moderator {
			cur, err = tx.MessageByID(ctx, messageID)
		} else {
			cur, _, err = s.message(ctx, tx, viewer.ID, messageID)
		}
		if err != nil {
			return err
		}
		if !moderator && cur.SenderID() != viewer.ID {
			return problem.ErrForbidden
		}
		if !cur.IsDeleted {
			if path, err = tx.DeleteMessage(ctx, messageID, now); err != nil {
				return err
			}
		}
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		if m, err = tx.MessageByID(ctx, messageID); err != nil {
			return err
		}
		members, err = tx.Memberships(ctx, m.ConversationID)
		return err
	})
	if err != nil {
		return store.Message{}, err
	}
	if path != "" {
		s.removeFile(ctx, path)
	}
	s.publishUpdate(ctx, m, members)
	for _, mb := range members {
		if mb.UserID != viewer.ID {
			s.pushUnread(ctx, mb.UserID) // an unread message may have gone
		}
	}
	return m, nil
}

// History returns a page of a conversation's messages for a member, newest first
// unless q.Ascending, with the viewer's membership (their read watermark).
func (s *Service) History(ctx context.Context, viewerID int64, q store.MessageQuery) ([]store.Message, store.Membership, error) {
	me, err := s.DB.Membership(ctx, q.ConversationID, viewerID)
	if err != nil {
		return nil, store.Membership{}, err
	}
	ms, err := s.DB.Messages(ctx, q)
	return ms, me, err
}

// CountHistory counts what q selects for a member.
func (s *Service) CountHistory(ctx context.Context, viewerID int64, q store.MessageQuery) (int, error) {
	if _, err := s.DB.Membership(ctx, q.ConversationID, viewerID); err != nil {
		return 0, err
	}
	return s.DB.CountMessages(ctx, q)
}

// MarkRead marks everything in a conversation read for the viewer and returns how
// many messages were unread. The senders' ticks turn to read live (messages_read), and
// the viewer's other tabs drop the conversation's badge.
func (s *Service) MarkRead(ctx context.Context, viewerID, convID int64) (int, error) {
	// Most calls find nothing unread: answer those from the readers, without taking
	// the write lock.
	me, err := s.DB.Membership(ctx, convID, viewerID)
	if err != nil {
		return 0, err
	}
	c, err := s.DB.ConversationByID(ctx, convID)
	if err != nil {
		return 0, err
	}
	if me.Unread == 0 && me.LastRead >= c.LastMessageID {
		return 0, nil
	}
	var marked int
	var moved bool
	var members []store.Membership
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		var err error
		marked, _, moved, err = tx.MarkConversationRead(ctx, convID, viewerID)
		if err != nil || !moved && marked == 0 {
			return err
		}
		members, err = tx.Memberships(ctx, convID)
		return err
	})
	if err != nil {
		return 0, err
	}
	if moved || marked > 0 {
		s.announceReceipts(ctx, convID, members, viewerID)
		s.pushUnread(ctx, viewerID)
	}
	return marked, nil
}

// FileOf returns a message's attachment for a member of its conversation, checking
// that name is the stored file's; anything else is ErrNotFound.
func (s *Service) FileOf(ctx context.Context, viewerID, messageID int64, name string) (*store.ChatFile, error) {
	m, _, err := s.message(ctx, s.DB.Queries, viewerID, messageID)
	if err != nil {
		return nil, err
	}
	if m.File == nil || name == "" || name != path.Base(m.File.Path) {
		return nil, ErrNotFound
	}
	return m.File, nil
}
