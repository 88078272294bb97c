// Package moderation holds the rules of reports and blocks: a person reports a post,
// comment or chat message to the admins with a reason; the admins see the reports
// grouped per item with the content in context and resolve, dismiss, delete the
// content or deactivate its author, each in one transaction; a person blocks another,
// who then cannot message or mention them and whose posts and comments leave their
// feed (the chat and feed packages apply those effects).
package moderation

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"eplatform/app/auth"
	"eplatform/app/chat"
	"eplatform/app/feed"
	"eplatform/app/limit"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
)

// Service implements reports and blocks.
type Service struct {
	DB      *store.DB
	Feed    *feed.Service
	Chat    *chat.Service
	Auth    *auth.Service
	Limiter limit.Limiter
	// ReportRule limits reports, BlockRule blocking and unblocking, per person.
	ReportRule, BlockRule limit.Rule
	Log                   *slog.Logger
	Now                   func() time.Time
}

// Item types one can report.
var ItemTypes = []string{"post", "comment", "message"}

// Reason is a category of report.
type Reason struct{ Value, Label string }

// Reasons are the categories a report picks from.
var Reasons = []Reason{
	{"spam", "Spam or advertising"},
	{"harassment", "Harassment or bullying"},
	{"hate", "Hate speech"},
	{"violence", "Violence or threats"},
	{"inappropriate", "Inappropriate or explicit content"},
	{"other", "Something else (say what)"},
}

// ReasonLabel is the label of a reason value (the value itself when unknown).
func ReasonLabel(v string) string {
	for _, r := range Reasons {
		if r.Value == v {
			return r.Label
		}
	}
	return v
}

// Actions an admin takes on a reported item, and the status each leaves its reports in.
var Actions = map[string]string{
	"resolve":    "resolved",
	"dismiss":    "dismissed",
	"delete":     "deleted",
	"deactivate": "deactivated",
}

// ActionNames lists Actions in the order the queue shows them.
var ActionNames = []string{"resolve", "dismiss", "delete", "deactivate"}

// MaxNote is the longest note on a report, in characters.
const MaxNote = 1000

func (s *Service) allow(ctx context.Context, rule limit.Rule, userID int64) error {
	if s.Limiter == nil || rule.Name == "" {
		return nil
	}
	return limit.Check(ctx, s.Limiter, rule, limit.UserKey(userID))
}

// ReportInput is what a person says about an item.
type ReportInput struct {
	ItemType string
	ItemID   int64
	Reason   string
	Note     string
}

// reported is what a report records of its item.
type reported struct {
	authorID, postID int64
	excerpt          string
	author           store.UserMini
	back             string // the item's page
}

// Reportable is an item as its report form shows it.
type Reportable struct {
	ItemType string
	ItemID   int64
	Author   store.UserMini
	Excerpt  string
	// Back is the item's page, where the form returns.
	Back string
}

// Reportable returns what viewer would report: an item they can see (404 otherwise).
func (s *Service) Reportable(ctx context.Context, viewer store.User, kind string, id int64) (Reportable, error) {
	if !slices.Contains(ItemTypes, kind) {
		return Reportable{}, store.ErrNotFound
	}
	it, err := s.item(ctx, viewer, kind, id)
	if err != nil {
		return Reportable{}, err
	}
	if it.authorID == viewer.ID {
		return Reportable{}, errOwn(kind)
	}
	return Reportable{ItemType: kind, ItemID: id, Author: it.author, Excerpt: it.excerpt, Back: it.back}, nil
}

// Report files viewer's report of an item they can see. Unknown types and reasons are
// a 400 naming the field, an item that does not exist or that the viewer cannot see a
// 404, one's own content a 400, a second open report of the same item a 409.
func (s *Service) Report(ctx context.Context, viewer store.User, in ReportInput) (store.Report, error) {
	if !slices.Contains(ItemTypes, in.ItemType) {
		return store.Report{}, problem.Field("item_type", "Choose post, comment or message.")
	}
	if in.ItemID <= 0 {
		return store.Report{}, problem.Field("item_id", "Name the item you report.")
	}
	if !slices.ContainsFunc(Reasons, func(r Reason) bool { return r.Value == in.Reason }) {
		return store.Report{}, problem.Field("reason", "Choose a reason from the list.")
	}
	note, msg := text.Field(in.Note, false, MaxNote)
	if msg == "" && in.Reason == "other" && note == "" {
		msg = "Say what is wrong when the reason is \u201csomething else\u201d."
	}
	if msg != "" {
		return store.Report{}, problem.Field("note", msg)
	}
	it, err := s.item(ctx, viewer, in.ItemType, in.ItemID)
	if err != nil {
		return store.Report{}, err
	}
	if it.authorID == viewer.ID {
		return store.Report{}, errOwn(in.ItemType)
	}
	if err := s.allow(ctx, s.ReportRule, viewer.ID); err != nil {
		return store.Report{}, err
	}
	var rep store.Report
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		id, err := tx.InsertReport(ctx, store.NewReport{ReporterID: viewer.ID, ItemType: in.ItemType, ItemID: in.ItemID,
			AuthorID: it.authorID, PostID: it.postID, Excerpt: it.excerpt, Reason: in.Reason, Note: note, Now: s.Now()})
		if err != nil {
			return err
		}
		rep, err = tx.ReportByID(ctx, id)
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		return store.Report{}, problem.Conflict("You have already reported this " + in.ItemType + "; an admin will look at it.")
	}
	return rep, err
}

// item loads what a report of an item records, as viewer may see it: a message only
// for the members of its conversation.
func (s *Service) item(ctx context.Context, viewer store.User, kind string, id int64) (reported, error) {
	switch kind {
	case "post":
		p, err := s.DB.PostByID(ctx, id)
		if err != nil {
			return reported{}, err
		}
		return reported{p.Author.ID, p.ID, p.Content, p.Author, "/home/post/" + strconv.FormatInt(p.ID, 10) + "/"}, nil
	case "comment":
		c, err := s.DB.CommentByID(ctx, id)
		if err != nil {
			return reported{}, err
		}
		back := "/home/post/" + strconv.FormatInt(c.PostID, 10) + "/#comment-" + strconv.FormatInt(c.ID, 10)
		return reported{c.Author.ID, c.PostID, c.Content, c.Author, back}, nil
	default:
		m, err := s.Chat.Message(ctx, viewer.ID, id)
		if err != nil {
			return reported{}, err
		}
		if m.Message.IsDeleted {
			return reported{}, problem.Invalid("This message was deleted.")
		}
		excerpt := m.Message.Content
		if excerpt == "" && m.Message.File != nil {
			excerpt = "[file: " + m.Message.File.Name + "]"
		}
		var author store.UserMini
		if m.Message.Sender != nil {
			author = *m.Message.Sender
		}
		back := "/chat/conversation/" + strconv.FormatInt(m.Message.ConversationID, 10) + "/"
		return reported{m.Message.SenderID(), 0, excerpt, author, back}, nil
	}
}

// MyReports lists the viewer's reports, newest first, with their outcome.
func (s *Service) MyReports(ctx context.Context, viewer store.User, limit, offset int) ([]store.Report, int, error) {
	n, err := s.DB.CountReportsBy(ctx, viewer.ID)
	if err != nil {
		return nil, 0, err
	}
	rs, err := s.DB.ReportsBy(ctx, viewer.ID, limit, offset)
	return rs, n, err
}

func errOwn(kind string) error { return problem.Invalid("You cannot report your own " + kind + ".") }
