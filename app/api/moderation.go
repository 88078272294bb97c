package api

import (
	"net/http"
	"strconv"
	"time"

	"eplatform/app/moderation"
	"eplatform/app/notify"
	"eplatform/app/store"
)

// ReportJSON is the API's Report.
type ReportJSON struct {
	ID        int64   `json:"id"`
	ItemType  string  `json:"item_type"`
	ItemID    int64   `json:"item_id"`
	Reason    string  `json:"reason"`
	Note      string  `json:"note"`
	Status    string  `json:"status"`
	Excerpt   string  `json:"excerpt"`
	CreatedAt string  `json:"created_at"`
	ClosedAt  *string `json:"closed_at"`
}

func reportJSON(r store.Report) ReportJSON {
	out := ReportJSON{ID: r.ID, ItemType: r.ItemType, ItemID: r.ItemID, Reason: r.Reason, Note: r.Note, Status: r.Status,
		Excerpt: r.Excerpt, CreatedAt: iso(r.Created)}
	if !r.Closed.IsZero() {
		s := iso(r.Closed)
		out.ClosedAt = &s
	}
	return out
}

func (a *API) createReport(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	in := moderation.ReportInput{ItemType: f.str("item_type"), ItemID: f.int("item_id"), Reason: f.str("reason"), Note: f.str("note")}
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return
	}
	rep, err := a.st.Moderation.Report(r.Context(), viewer(r), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, reportJSON(rep))
}

func (a *API) myReports(w http.ResponseWriter, r *http.Request) {
	pg, errs := readPaging(r, defaultPageSize)
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	list, n, err := a.st.Moderation.MyReports(r.Context(), viewer(r), pg.Size, pg.offset())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]ReportJSON, len(list))
	for i, rep := range list {
		out[i] = reportJSON(rep)
	}
	writeJSON(w, http.StatusOK, a.newListPage(r, pg, n, out))
}

// BlockJSON is one blocked person.
type BlockJSON struct {
	User      notify.UserMini `json:"user"`
	CreatedAt string          `json:"created_at"`
}

func (a *API) listBlocks(w http.ResponseWriter, r *http.Request) {
	list, err := a.st.Moderation.Blocked(r.Context(), viewer(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]BlockJSON, len(list))
	for i, b := range list {
		out[i] = BlockJSON{User: notify.Mini(b.User), CreatedAt: iso(b.At)}
	}
	writeJSON(w, http.StatusOK, listPage{Count: len(out), Results: out})
}

func (a *API) createBlock(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	id := f.int("user_id")
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return
	}
	if id <= 0 {
		fieldErrors(w, map[string][]string{"user_id": {"A user id is required."}})
		return
	}
	u, err := a.st.Moderation.Block(r.Context(), viewer(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, BlockJSON{User: notify.Mini(u), CreatedAt: iso(a.st.Now())})
}

func (a *API) deleteBlock(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if _, err := a.st.Moderation.Unblock(r.Context(), viewer(r), id); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ReportGroupJSON is one reported item in the admins' queue.
type ReportGroupJSON struct {
	ReportID int64            `json:"report_id"`
	ItemType string           `json:"item_type"`
	ItemID   int64            `json:"item_id"`
	Gone     bool             `json:"gone"`
	Author   *notify.UserMini `json:"author"`
	Reasons  map[string]int   `json:"reasons"`
	Reports  []ReportLineJSON `json:"reports"`
	Context  ContextJSON      `json:"context"`
}

// ReportLineJSON is one reporter's report in a group.
type ReportLineJSON struct {
	ID        int64           `json:"id"`
	Reporter  notify.UserMini `json:"reporter"`
	Reason    string          `json:"reason"`
	Note      string          `json:"note"`
	CreatedAt string          `json:"created_at"`
}

// ContextJSON is the reported content in context.
type ContextJSON struct {
	Excerpt  string               `json:"excerpt"`
	Post     *ContextPostJSON     `json:"post"`
	Comment  *ContextPostJSON     `json:"comment"`
	Messages []ContextMessageJSON `json:"messages"`
}

// ContextPostJSON is a post or comment shown in context.
type ContextPostJSON struct {
	ID        int64  `json:"id"`
	Content   string `json:"content"`
	URL       string `json:"url"`
	CreatedAt string `json:"created_at"`
}

// ContextMessageJSON is a message around (or being) the reported one.
type ContextMessageJSON struct {
	ID        int64   `json:"id"`
	Sender    *string `json:"sender"`
	Content   string  `json:"content"`
	IsDeleted bool    `json:"is_deleted"`
	Reported  bool    `json:"reported"`
	Timestamp string  `json:"timestamp"`
}

func postURLOf(postID int64) string { return "/home/post/" + strconv.FormatInt(postID, 10) + "/" }

func (a *API) groupJSON(g moderation.Group, authors map[int64]store.UserMini) ReportGroupJSON {
	out := ReportGroupJSON{ReportID: g.ReportID(), ItemType: g.Item.ItemType, ItemID: g.Item.ItemID, Gone: g.Gone,
		Reasons: map[string]int{}, Reports: []ReportLineJSON{}, Context: ContextJSON{Excerpt: g.Reports[0].Excerpt, Messages: []ContextMessageJSON{}}}
	if u, ok := authors[g.AuthorID]; ok {
		m := notify.Mini(u)
		out.Author = &m
	}
	for _, rc := range g.Reasons() {
		out.Reasons[rc.Value] = rc.N
	}
	for _, rep := range g.Reports {
		out.Reports = append(out.Reports, ReportLineJSON{ID: rep.ID, Reporter: notify.Mini(rep.Reporter), Reason: rep.Reason, Note: rep.Note,
			CreatedAt: iso(rep.Created)})
	}
	at := func(t time.Time) string { return iso(t) }
	if g.Post != nil {
		out.Context.Post = &ContextPostJSON{ID: g.Post.ID, Content: g.Post.Content, URL: postURLOf(g.Post.ID), CreatedAt: at(g.Post.CreatedAt)}
	}
	if g.Comment != nil {
		out.Context.Comment = &ContextPostJSON{ID: g.Comment.ID, Content: g.Comment.Content,
			URL: postURLOf(g.Comment.PostID) + "#comment-" + strconv.FormatInt(g.Comment.ID, 10), CreatedAt: at(g.Comment.CreatedAt)}
	}
	for _, m := range g.Messages {
		cm := ContextMessageJSON{ID: m.ID, Content: m.Content, IsDeleted: m.IsDeleted, Reported: m.ID == g.Item.ItemID, Timestamp: at(m.CreatedAt)}
		if m.Sender != nil {
			name := m.Sender.Username
			cm.Sender = &name
		}
		out.Context.Messages = append(out.Context.Messages, cm)
	}
	return out
}

func (a *API) adminReports(w http.ResponseWriter, r *http.Request) {
	pg, errs := readPaging(r, defaultPageSize)
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	groups, n, err := a.st.Moderation.Queue(r.Context(), viewer(r), pg.Size, pg.offset())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	authors, err := a.st.Moderation.Authors(r.Context(), groups)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]ReportGroupJSON, len(groups))
	for i, g := range groups {
		out[i] = a.groupJSON(g, authors)
	}
	writeJSON(w, http.StatusOK, a.newListPage(r, pg, n, out))
}

// ReportOutcomeJSON is what an action did.
type ReportOutcomeJSON struct {
	Action string `json:"action"`
	Status string `json:"status"`
	Closed int    `json:"closed"`
}

func (a *API) adminReportAction(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	action := f.str("action")
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return
	}
	out, err := a.st.Moderation.Act(r.Context(), viewer(r), id, action)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ReportOutcomeJSON{Action: action, Status: out.Status, Closed: len(out.Reporters)})
}
