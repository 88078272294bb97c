package web

import (
	"net/http"
	"strconv"

	"eplatform/app/moderation"
	"eplatform/app/store"
	"eplatform/app/zone"
	"eplatform/views"
)

// Reports and blocks: the report form of a post, comment or message (linked from
// their menus; a plain form, so it works without scripts), the "blocked people"
// settings page with the block and unblock actions, and the admin's queue of reports.

func (h *Web) registerModeration(mux *http.ServeMux) {
	mux.HandleFunc("GET /home/report/{type}/{id}/{$}", h.requireLogin(h.reportForm))
	mux.HandleFunc("POST /home/report/{type}/{id}/{$}", h.requireLogin(h.report))
	mux.HandleFunc("GET /home/me/blocked/{$}", h.requireLogin(h.blockedPage))
	mux.HandleFunc("POST /home/me/blocked/{$}", h.requireLogin(h.block))
	mux.HandleFunc("POST /home/me/blocked/{id}/delete/{$}", h.requireLogin(h.unblock))
	mux.HandleFunc("GET /admin/reports/{$}", h.requireAdmin(h.adminReports))
	mux.HandleFunc("POST /admin/reports/{id}/{action}/{$}", h.requireAdmin(h.adminReportAction))
}

// ModerationPages are the signed-in pages of reports and blocks (for the
// authorisation tests); AdminPages lists /admin/reports/ with the admin area.
var ModerationPages = []string{"/home/me/blocked/"}

func reasonOptions() []views.Option {
	out := []views.Option{{Value: "", Label: "Choose a reason"}}
	for _, r := range moderation.Reasons {
		out = append(out, views.Option{Value: r.Value, Label: r.Label})
	}
	return out
}

func (h *Web) reportForm(w http.ResponseWriter, r *http.Request) {
	h.renderReportForm(w, r, http.StatusOK, "", "", nil)
}

func (h *Web) renderReportForm(w http.ResponseWriter, r *http.Request, status int, reason, note string, errs map[string][]string) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	me, _ := identity(r.Context())
	it, err := h.st.Moderation.Reportable(r.Context(), me, r.PathValue("type"), id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	d := views.ReportFormData{ItemType: it.ItemType, ItemID: it.ItemID, Excerpt: it.Excerpt, Author: person(it.Author).Name,
		Back: it.Back, Reasons: reasonOptions(), Reason: reason, Note: note, Errors: errs}
	h.render(w, r, status, views.ReportForm(h.page(w, r, "Report · "+it.ItemType, ""), d))
}

func (h *Web) report(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok || !h.parseForm(w, r, 16<<10) {
		return
	}
	me, _ := identity(r.Context())
	in := moderation.ReportInput{ItemType: r.PathValue("type"), ItemID: id, Reason: r.PostFormValue("reason"), Note: r.PostFormValue("note")}
	back := safeNext(r.PostFormValue("next"))
	if back == "" {
		back = "/home/"
	}
	if _, err := h.st.Moderation.Report(r.Context(), me, in); err != nil {
		if errs, ok := invalidFields(r, err); ok {
			h.renderReportForm(w, r, http.StatusBadRequest, in.Reason, in.Note, errs)
			return
		}
		h.fail(w, r, err, back)
		return
	}
	h.back(w, r, back, "success", "Thank you. The admins will look at your report.")
}

func (h *Web) blockedPage(w http.ResponseWriter, r *http.Request) {
	me, _ := identity(r.Context())
	list, err := h.st.Moderation.Blocked(r.Context(), me)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	reports, _, err := h.st.Moderation.MyReports(r.Context(), me, 50, 0)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	var d views.BlockedData
	for _, b := range list {
		d.People = append(d.People, views.BlockedView{Person: person(b.User), Since: zone.In(r.Context(), b.At).Format("2 Jan 2006")})
	}
	for _, rep := range reports {
		d.Reports = append(d.Reports, views.MyReportView{What: rep.ItemType, Excerpt: excerpt(rep.Excerpt, 120),
			Reason: moderation.ReasonLabel(rep.Reason), Status: rep.Status, Created: stamp(r.Context(), rep.Created)})
	}
	h.render(w, r, http.StatusOK, views.BlockedPage(h.page(w, r, "Blocked people", "profile"), d))
}

// excerpt is s cut to at most n characters.
func excerpt(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func (h *Web) block(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, 4<<10) {
		return
	}
	back := safeNext(r.PostFormValue("next"))
	if back == "" {
		back = "/home/me/blocked/"
	}
	id, err := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, store.ErrNotFound, "")
		return
	}
	me, _ := identity(r.Context())
	u, err := h.st.Moderation.Block(r.Context(), me, id)
	if err != nil {
		h.fail(w, r, err, back)
		return
	}
	h.back(w, r, back, "success", "You blocked "+person(u).Name+". Unblock them under Settings › Blocked people.")
}

func (h *Web) unblock(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok || !h.parseForm(w, r, 4<<10) {
		return
	}
	back := safeNext(r.PostFormValue("next"))
	if back == "" {
		back = "/home/me/blocked/"
	}
	me, _ := identity(r.Context())
	u, err := h.st.Moderation.Unblock(r.Context(), me, id)
	if err != nil {
		h.fail(w, r, err, back)
		return
	}
	h.back(w, r, back, "success", "You unblocked "+person(u).Name+".")
}

var actionLabels = []views.Option{{Value: "resolve", Label: "Resolve"}, {Value: "dismiss", Label: "Dismiss"},
	{Value: "delete", Label: "Delete the content"}, {Value: "deactivate", Label: "Deactivate the author"}}

func (h *Web) adminReports(w http.ResponseWriter, r *http.Request) {
	me, _ := identity(r.Context())
	groups, total, err := h.st.Moderation.Queue(r.Context(), me, 50, 0)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	authors, err := h.st.Moderation.Authors(r.Context(), groups)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	out := make([]views.AdminReportGroup, len(groups))
	for i, g := range groups {
		v := views.AdminReportGroup{ReportID: g.ReportID(), ItemType: g.Item.ItemType, Gone: g.Gone, Excerpt: g.Reports[0].Excerpt,
			Author: person(authors[g.AuthorID]), Actions: actionLabels}
		if g.AuthorID == 0 {
			v.Author = views.Person{Name: "deleted user"}
		}
		for _, rc := range g.Reasons() {
			v.Reasons = append(v.Reasons, rc.Label+" × "+strconv.Itoa(rc.N))
		}
		for _, rep := range g.Reports {
			v.Reports = append(v.Reports, views.AdminReportLine{Reporter: rep.Reporter.DisplayName() + " (@" + rep.Reporter.Username + ")", Reason: moderation.ReasonLabel(rep.Reason),
				Note: rep.Note, Created: stamp(r.Context(), rep.Created)})
		}
		if g.Post != nil {
			v.PostURL, v.PostText = "/home/post/"+strconv.FormatInt(g.Post.ID, 10)+"/", g.Post.Content
		}
		if g.Comment != nil {
			v.CommentID, v.CommentText = g.Comment.ID, g.Comment.Content
		}
		if g.Conversation != nil {
			v.Conversation = "a direct conversation"
			if g.Conversation.Kind == "group" {
				v.Conversation = "the group “" + g.Conversation.Title + "”"
			}
			for _, m := range g.Messages {
				cm := views.AdminContextMessage{Sender: "deleted user", Text: m.Content, Time: stamp(r.Context(), m.CreatedAt), Reported: m.ID == g.Item.ItemID}
				if m.Sender != nil {
					cm.Sender = m.Sender.DisplayName() + " (@" + m.Sender.Username + ")"
				}
				if m.IsDeleted {
					cm.Text = "(deleted)"
				} else if m.File != nil && m.Content == "" {
					cm.Text = "[file: " + m.File.Name + "]"
				}
				v.Messages = append(v.Messages, cm)
			}
		}
		out[i] = v
	}
	h.render(w, r, http.StatusOK, views.AdminReports(h.page(w, r, "Reports · Admin", "admin"), out, total))
}

func (h *Web) adminReportAction(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok || !h.parseForm(w, r, 4<<10) {
		return
	}
	me, _ := identity(r.Context())
	out, err := h.st.Moderation.Act(r.Context(), me, id, r.PathValue("action"))
	if err != nil {
		h.fail(w, r, err, "/admin/reports/")
		return
	}
	h.back(w, r, "/admin/reports/", "success", "Done: "+strconv.Itoa(len(out.Reporters))+" report(s) "+out.Status+".")
}
