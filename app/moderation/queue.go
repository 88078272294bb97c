package moderation

import (
	"context"
	"errors"
	"slices"

	"eplatform/app/auth"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// ContextMessages is how many messages the queue shows on each side of a reported one.
const ContextMessages = 2

// Group is one reported item with its open reports and the content in context.
type Group struct {
	Item    store.ReportedItem
	Reports []store.Report // open, oldest first
	// Gone: the content no longer exists (deleted by its author meanwhile); the
	// reports' excerpt is all that is left.
	Gone bool
	// Post is the reported post, or the post of a reported comment.
	Post *store.Post
	// Comment is the reported comment.
	Comment *store.Comment
	// Messages are the reported message with a few around it, oldest first;
	// Conversation is theirs.
	Messages     []store.Message
	Conversation *store.Conversation
	AuthorID     int64 // 0 when the account is gone
}

// Reasons counts the group's reports per reason, in the order of Reasons.
func (g Group) Reasons() []ReasonCount {
	var out []ReasonCount
	for _, r := range Reasons {
		n := 0
		for _, rep := range g.Reports {
			if rep.Reason == r.Value {
				n++
			}
		}
		if n > 0 {
			out = append(out, ReasonCount{r, n})
		}
	}
	return out
}

// ReasonCount is how many reports of a group gave a reason.
type ReasonCount struct {
	Reason
	N int
}

// ReportID names the group in URLs: its oldest open report.
func (g Group) ReportID() int64 { return g.Reports[0].ID }

// Queue returns a page of reported items, the longest waiting first, with their open
// reports and content, and how many items wait in all. Admins only.
func (s *Service) Queue(ctx context.Context, admin store.User, limit, offset int) ([]Group, int, error) {
	if !auth.IsAdmin(admin) {
		return nil, 0, problem.ErrForbidden
	}
	n, err := s.DB.CountOpenReportedItems(ctx)
	if err != nil {
		return nil, 0, err
	}
	items, err := s.DB.OpenReportedItems(ctx, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	reports, err := s.DB.OpenReportsOf(ctx, items)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Group, 0, len(items))
	for _, it := range items {
		g := Group{Item: it, Reports: reports[it]}
		if len(g.Reports) == 0 {
			continue // closed between the two reads
		}
		g.AuthorID = g.Reports[0].AuthorID
		if err := s.content(ctx, &g); err != nil {
			return nil, 0, err
		}
		out = append(out, g)
	}
	return out, n, nil
}

// Group returns the reported item of one report with its open reports (admins only);
// a report already handled is a 409.
func (s *Service) Group(ctx context.Context, admin store.User, reportID int64) (Group, error) {
	if !auth.IsAdmin(admin) {
		return Group{}, problem.ErrForbidden
	}
	rep, err := s.DB.ReportByID(ctx, reportID)
	if err != nil {
		return Group{}, err
	}
	if rep.Status != "open" {
		return Group{}, errHandled
	}
	it := store.ReportedItem{ItemType: rep.ItemType, ItemID: rep.ItemID}
	reports, err := s.DB.OpenReportsOf(ctx, []store.ReportedItem{it})
	if err != nil {
		return Group{}, err
	}
	g := Group{Item: it, Reports: reports[it], AuthorID: rep.AuthorID}
	if len(g.Reports) == 0 {
		return Group{}, errHandled
	}
	return g, s.content(ctx, &g)
}

var errHandled = problem.Conflict("These reports were already handled.")

// content fills in the group's content and its context.
func (s *Service) content(ctx context.Context, g *Group) error {
	gone := func(err error) error {
		if errors.Is(err, store.ErrNotFound) {
			g.Gone = true
			return nil
		}
		return err
	}
	switch g.Item.ItemType {
	case "post":
		p, err := s.DB.PostByID(ctx, g.Item.ItemID)
		if err != nil {
			return gone(err)
		}
		g.Post = &p
	case "comment":
		c, err := s.DB.CommentByID(ctx, g.Item.ItemID)
		if err != nil {
			return gone(err)
		}
		p, err := s.DB.PostByID(ctx, c.PostID)
		if err != nil {
			return gone(err)
		}
		g.Comment, g.Post = &c, &p
	case "message":
		m, err := s.DB.MessageByID(ctx, g.Item.ItemID)
		if err != nil {
			return gone(err)
		}
		c, err := s.DB.ConversationByID(ctx, m.ConversationID)
		if err != nil {
			return gone(err)
		}
		before, err := s.DB.Messages(ctx, store.MessageQuery{ConversationID: c.ID, BeforeID: m.ID, Limit: ContextMessages})
		if err != nil {
			return err
		}
		after, err := s.DB.Messages(ctx, store.MessageQuery{ConversationID: c.ID, AfterID: m.ID, Ascending: true, Limit: ContextMessages})
		if err != nil {
			return err
		}
		slices.Reverse(before)
		g.Messages = append(append(before, m), after...)
		g.Conversation = &c
		g.Gone = m.IsDeleted
	}
	return nil
}

// Outcome is what an action did.
type Outcome struct {
	Group     Group
	Status    string  // the reports' new status
	Reporters []int64 // whose reports were closed
}

// Act takes action on the reported item of report reportID: resolve (the content was
// dealt with, or is fine after all but the report was right to ask), dismiss (nothing
// wrong), delete the content, or deactivate its author. Each closes every open report
// of the item in the same transaction as the action itself. Admins only; an unknown
// action is a 400 naming action, a handled report a 409.
//
// The reporters are not notified: the notifications table's CHECK lists the kinds it
// takes and adding one means rebuilding the table (as 0006 did), which other work on
// notifications (preferences, deletion) was changing at the same time; reporters see
// the outcome of their reports in their list of reports instead (MyReports).
func (s *Service) Act(ctx context.Context, admin store.User, reportID int64, action string) (Outcome, error) {
	status, ok := Actions[action]
	if !ok {
		return Outcome{}, problem.Field("action", "Choose resolve, dismiss, delete or deactivate.")
	}
	g, err := s.Group(ctx, admin, reportID)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{Group: g, Status: status}
	closeAll := func(tx *store.Queries) error {
		out.Reporters, err = tx.CloseReports(ctx, g.Item, status, admin.ID, s.Now())
		if err == nil && len(out.Reporters) == 0 {
			return errHandled // another admin was quicker
		}
		return err
	}
	switch {
	case action == "delete" && !g.Gone:
		switch g.Item.ItemType {
		case "post":
			err = s.Feed.DeletePostWith(ctx, admin, g.Item.ItemID, closeAll)
		case "comment":
			_, err = s.Feed.DeleteCommentWith(ctx, admin, g.Item.ItemID, closeAll)
		default:
			_, err = s.Chat.ModeratorDelete(ctx, admin, g.Item.ItemID, closeAll)
		}
	case action == "deactivate":
		if g.AuthorID == 0 {
			return Outcome{}, problem.Conflict("The author's account no longer exists.")
		}
		_, err = s.Auth.ChangeActiveWith(ctx, admin, g.AuthorID, false, closeAll)
	default: // resolve, dismiss, or delete what is already gone
		err = s.DB.WithTx(ctx, closeAll)
	}
	if err != nil {
		return Outcome{}, err
	}
	return out, nil
}

// Authors returns the authors of the groups' content, by id, in one query.
func (s *Service) Authors(ctx context.Context, groups []Group) (map[int64]store.UserMini, error) {
	ids := make([]int64, 0, len(groups))
	for _, g := range groups {
		if g.AuthorID != 0 {
			ids = append(ids, g.AuthorID)
		}
	}
	return s.DB.UsersByIDs(ctx, ids)
}
