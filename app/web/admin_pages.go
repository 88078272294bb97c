package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"eplatform/app/backup"
	"eplatform/app/cache"
	"eplatform/app/desk"
	"eplatform/app/form"
	"eplatform/app/store"
	"eplatform/views"
)

// The admin area beyond the outbox: every page is GET behind requireAdmin and every
// action a POST form that redirects back with a flash.

func (h *Web) registerAdmin(mux *http.ServeMux) {
	a := h.requireAdmin
	mux.HandleFunc("GET /admin/outbox/{$}", a(h.adminOutbox))
	mux.HandleFunc("GET /admin/users/{$}", a(h.adminUsers))
	mux.HandleFunc("POST /admin/users/{id}/role/{$}", a(h.adminSetRole))
	mux.HandleFunc("POST /admin/users/{id}/deactivate/{$}", a(h.adminSetActive(false)))
	mux.HandleFunc("POST /admin/users/{id}/activate/{$}", a(h.adminSetActive(true)))
	mux.HandleFunc("POST /admin/users/{id}/reset/{$}", a(h.adminSendReset))
	mux.HandleFunc("GET /admin/moderation/{$}", a(h.adminModeration))
	mux.HandleFunc("POST /admin/moderation/post/{id}/delete/{$}", a(h.adminDeletePost))
	mux.HandleFunc("POST /admin/moderation/comment/{id}/delete/{$}", a(h.adminDeleteComment))
	mux.HandleFunc("GET /admin/subjects/{$}", a(h.adminSubjects))
	mux.HandleFunc("GET /admin/faq/{$}", a(h.adminFAQ))
	mux.HandleFunc("POST /admin/faq/{$}", a(h.adminSaveFAQ))
	mux.HandleFunc("POST /admin/faq/{id}/{$}", a(h.adminSaveFAQ))
	mux.HandleFunc("POST /admin/faq/{id}/delete/{$}", a(h.adminDeleteFAQ))
	mux.HandleFunc("GET /admin/contact/{$}", a(h.adminContacts))
	mux.HandleFunc("POST /admin/contact/{id}/handled/{$}", a(h.adminContactHandled))
	mux.HandleFunc("GET /admin/appointments/{$}", a(h.adminAppointments))
	mux.HandleFunc("GET /admin/system/{$}", a(h.adminSystem))
	mux.HandleFunc("POST /admin/system/backup/{$}", a(h.adminBackup))
	mux.HandleFunc("GET /admin/audit/{$}", a(h.adminAudit))
	mux.HandleFunc("GET /admin/audit/audit.csv", a(h.adminAuditCSV))
}

// AdminPages lists the admin area's pages (for the authorisation tests).
var AdminPages = []string{"/admin/", "/admin/users/", "/admin/import/", "/admin/moderation/", "/admin/subjects/", "/admin/faq/",
	"/admin/contact/", "/admin/appointments/", "/admin/system/", "/admin/reports/", "/admin/audit/", "/admin/audit/audit.csv"}

func (h *Web) back(w http.ResponseWriter, r *http.Request, to, kind, msg string) {
	h.flash(w, r, kind, msg)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (h *Web) adminUsers(w http.ResponseWriter, r *http.Request) {
	me, _ := identity(r.Context())
	q := r.URL.Query().Get("q")
	users, err := h.st.Auth.Users(r.Context(), me, q)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	rows := make([]views.AdminUserRow, len(users))
	for i, u := range users {
		rows[i] = views.AdminUserRow{ID: u.ID, Username: u.Username, Name: u.DisplayName(),
			Email: u.Email, Role: u.UserType, Active: u.IsActive, Joined: stamp(r.Context(), u.DateJoined), Self: u.ID == me.ID}
	}
	if err := h.deletionDates(r, rows); err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.render(w, r, http.StatusOK, views.AdminUsers(h.page(w, r, "Users · Admin", "admin"), q, rows))
}

// adminUserAction runs an account action on the user {id} and returns to the users
// page with the outcome; a refusal (yourself, an unknown role) is flashed there.
func (h *Web) adminUserAction(act func(r *http.Request, me store.User, id int64) (store.User, error), done func(u store.User) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := h.id(w, r, "id")
		if !ok || !h.parseForm(w, r, 4<<10) {
			return
		}
		me, _ := identity(r.Context())
		u, err := act(r, me, id)
		if err != nil {
			h.fail(w, r, err, "/admin/users/")
			return
		}
		h.back(w, r, "/admin/users/?q="+urlQueryEscape(u.Username), "success", done(u))
	}
}

func (h *Web) adminSetRole(w http.ResponseWriter, r *http.Request) {
	h.adminUserAction(func(r *http.Request, me store.User, id int64) (store.User, error) {
		return h.st.Auth.ChangeRole(r.Context(), me, id, r.PostFormValue("role"))
	}, func(u store.User) string { return u.Username + " is now " + u.UserType + "." })(w, r)
}

func (h *Web) adminSetActive(active bool) http.HandlerFunc {
	return h.adminUserAction(func(r *http.Request, me store.User, id int64) (store.User, error) {
		return h.st.Auth.ChangeActive(r.Context(), me, id, active)
	}, func(u store.User) string {
		if active {
			return u.Username + " is active again."
		}
		return u.Username + " is deactivated; their sessions and tokens have ended."
	})
}

func (h *Web) adminSendReset(w http.ResponseWriter, r *http.Request) {
	h.adminUserAction(func(r *http.Request, me store.User, id int64) (store.User, error) {
		return h.st.Auth.MailReset(r.Context(), me, id)
	}, func(u store.User) string { return "A reset link was sent to " + u.Email + " (also in the outbox)." })(w, r)
}

func modRows(ctx context.Context, items []store.ModItem) []views.AdminModRow {
	out := make([]views.AdminModRow, len(items))
	for i, m := range items {
		name := m.AuthorName
		if name == "" {
			name = m.Author
		}
		out[i] = views.AdminModRow{ID: m.ID, PostID: m.PostID, Author: name, Username: m.Author, Content: m.Content, Created: stamp(ctx, m.CreatedAt)}
	}
	return out
}

func (h *Web) adminModeration(w http.ResponseWriter, r *http.Request) {
	me, _ := identity(r.Context())
	posts, comments, err := h.st.Desk.ModerationQueue(r.Context(), me, 50)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.render(w, r, http.StatusOK, views.AdminModeration(h.page(w, r, "Moderation · Admin", "admin"), modRows(r.Context(), posts), modRows(r.Context(), comments)))
}

func (h *Web) adminDeletePost(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	me, _ := identity(r.Context())
	if err := h.st.Feed.DeletePost(r.Context(), me, id); err != nil {
		h.fail(w, r, err, "/admin/moderation/")
		return
	}
	h.back(w, r, "/admin/moderation/", "success", "The post was deleted.")
}

func (h *Web) adminDeleteComment(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	me, _ := identity(r.Context())
	if _, err := h.st.Feed.DeleteComment(r.Context(), me, id); err != nil {
		h.fail(w, r, err, "/admin/moderation/")
		return
	}
	h.back(w, r, "/admin/moderation/", "success", "The comment was deleted.")
}

func (h *Web) adminSubjects(w http.ResponseWriter, r *http.Request) {
	me, _ := identity(r.Context())
	list, err := h.st.Desk.Subjects(r.Context(), me)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	rows := make([]views.AdminSubjectRow, len(list))
	for i, s := range list {
		rows[i] = views.AdminSubjectRow{ID: s.ID, Name: s.Name, Code: s.Code, Instructor: s.Instructor, Active: s.IsActive, Students: s.Students}
	}
	h.render(w, r, http.StatusOK, views.AdminSubjects(h.page(w, r, "Subjects · Admin", "admin"), rows))
}

func faqFields(f store.FAQ, errs form.Errors) []views.Field {
	return []views.Field{
		{Name: "question", Label: "Question", Value: f.Question, MaxLength: 255, Required: true, Errors: errs["question"]},
		{Name: "answer", Label: "Answer", Type: "textarea", Rows: 5, Value: f.Answer, MaxLength: 5000, Required: true, Errors: errs["answer"]},
		{Name: "category", Label: "Category", Value: f.Category, MaxLength: 100, Optional: true, Errors: errs["category"]},
		{Name: "position", Label: "Position", Type: "number", Value: strconv.Itoa(f.Position), Errors: errs["position"], Attrs: map[string]any{"min": "0"}},
		{Name: "is_active", Label: "Shown", Type: "select", Value: strconv.FormatBool(f.IsActive), Errors: errs["is_active"],
			Options: []views.Option{{Value: "true", Label: "Shown on the contact page"}, {Value: "false", Label: "Hidden"}}},
	}
}

func (h *Web) renderAdminFAQ(w http.ResponseWriter, r *http.Request, status int, editing int64, f store.FAQ, errs form.Errors) {
	me, _ := identity(r.Context())
	list, err := h.st.Desk.AllFAQs(r.Context(), me)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	items := make([]views.FAQView, len(list))
	for i, f := range list {
		items[i] = faqView(f)
	}
	if errs == nil {
		errs = form.Errors{}
	}
	h.render(w, r, status, views.AdminFAQ(h.page(w, r, "FAQ · Admin", "admin"), items, editing, faqFields(f, errs), errs[form.NonField]))
}

func (h *Web) adminFAQ(w http.ResponseWriter, r *http.Request) {
	f := store.FAQ{IsActive: true}
	var editing int64
	if v := r.URL.Query().Get("edit"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			h.notFound(w, r) // like an id nobody has
			return
		}
		me, _ := identity(r.Context())
		got, err := h.st.Desk.FAQ(r.Context(), me, id)
		if err != nil {
			h.fail(w, r, err, "")
			return
		}
		f, editing = got, id
	}
	h.renderAdminFAQ(w, r, http.StatusOK, editing, f, nil)
}

func (h *Web) adminSaveFAQ(w http.ResponseWriter, r *http.Request) {
	var id int64
	if r.PathValue("id") != "" {
		var ok bool
		if id, ok = h.id(w, r, "id"); !ok {
			return
		}
	}
	if !h.parseForm(w, r, 32<<10) {
		return
	}
	errs := form.Errors{}
	pos := 0
	if v := strings.TrimSpace(r.PostFormValue("position")); v != "" {
		var err error
		if pos, err = strconv.Atoi(v); err != nil {
			errs.Add("position", "A valid integer is required.")
		}
	}
	active := true // shown unless the form says otherwise
	switch r.PostFormValue("is_active") {
	case "", "true", "on", "1":
	case "false", "off", "0":
		active = false
	default:
		errs.Add("is_active", "Select a valid choice: true or false.")
	}
	in := desk.FAQInput{Question: r.PostFormValue("question"), Answer: r.PostFormValue("answer"),
		Category: r.PostFormValue("category"), Position: pos, Active: active}
	draft := store.FAQ{Question: in.Question, Answer: in.Answer, Category: in.Category, Position: pos, IsActive: in.Active}
	if len(errs) > 0 {
		h.renderAdminFAQ(w, r, http.StatusBadRequest, id, draft, errs)
		return
	}
	me, _ := identity(r.Context())
	_, err := h.st.Desk.SaveFAQ(r.Context(), me, id, in)
	if fields, ok := invalidFields(r, err); ok {
		h.renderAdminFAQ(w, r, http.StatusBadRequest, id, draft, fields)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.back(w, r, "/admin/faq/", "success", "The question was saved.")
}

func (h *Web) adminDeleteFAQ(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	me, _ := identity(r.Context())
	if err := h.st.Desk.DeleteFAQ(r.Context(), me, id); err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.back(w, r, "/admin/faq/", "success", "The question was deleted.")
}

func (h *Web) adminContacts(w http.ResponseWriter, r *http.Request) {
	me, _ := identity(r.Context())
	all := r.URL.Query().Get("all") == "1"
	list, err := h.st.Desk.Contacts(r.Context(), me, !all)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	rows := make([]views.AdminContactRow, len(list))
	for i, c := range list {
		rows[i] = views.AdminContactRow{ID: c.ID, Name: c.Name, Email: c.Email, Subject: c.Subject, Message: c.Message, Created: stamp(r.Context(), c.CreatedAt)}
		if !c.HandledAt.IsZero() {
			rows[i].Handled = stamp(r.Context(), c.HandledAt)
		}
	}
	h.render(w, r, http.StatusOK, views.AdminContacts(h.page(w, r, "Contact inbox · Admin", "admin"), rows, all))
}

func (h *Web) adminContactHandled(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	me, _ := identity(r.Context())
	if err := h.st.Desk.MarkHandled(r.Context(), me, id); err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.back(w, r, "/admin/contact/", "success", "Marked handled.")
}

func (h *Web) adminAppointments(w http.ResponseWriter, r *http.Request) {
	me, _ := identity(r.Context())
	list, err := h.st.Desk.AllAppointments(r.Context(), me, r.URL.Query().Get("status"))
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	rows := make([]views.AppointmentView, len(list))
	for i, a := range list {
		rows[i] = h.appointmentView(r.Context(), me, a)
	}
	h.render(w, r, http.StatusOK, views.AdminAppointments(h.page(w, r, "Appointments · Admin", "admin"), rows))
}

// dirSize sums the sizes of the regular files under dir (0 when it does not exist).
// A file that vanishes while walking (a deleted upload) is left out; any other error
// ends the walk and is returned with the sum so far.
func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// SystemStats gathers the system page's figures.
func (h *Web) SystemStats(r *http.Request) (views.AdminSystem, error) {
	me, _ := identity(r.Context())
	counts, err := h.st.Desk.SiteCounts(r.Context(), me)
	if err != nil {
		return views.AdminSystem{}, err
	}
	media, err := dirSize(h.st.Config.MediaDir())
	if err != nil {
		// The page still shows what could be counted.
		h.st.Log.WarnContext(r.Context(), "media size", "err", err)
	}
	cs := h.st.Cache.Stats()
	ls := h.st.Limiter.Stats()
	s := views.AdminSystem{
		DatabaseSize: humanBytes(counts.DatabaseBytes), MediaSize: humanBytes(media),
		CacheHits: cs.Hits, CacheMisses: cs.Misses, CacheHitRate: "—",
		LimitAllowed: ls.Allowed, LimitRejected: ls.Rejected,
		Users: counts.Users, OpenContacts: counts.OpenContacts,
	}
	if h.st.Hub != nil {
		s.Sockets = h.st.Hub.Sockets()
	}
	s.Backups = backupStatus(r.Context(), h.st.Backups.Status())
	s.Backups.Schedule = h.st.Config.BackupSchedule()
	s.CacheHitRate = hitRate(cs.Hits, cs.Misses)
	backend := "in process"
	if h.st.Config.Cache != "memory" {
		backend = "Redis"
	}
	s.Caches = []views.AdminCache{{Name: "data", Purpose: "rows and counters, " + backend,
		Hits: cs.Hits, Misses: cs.Misses, HitRate: hitRate(cs.Hits, cs.Misses), Bytes: "—", Evicted: "—"}}
	for _, c := range []struct {
		name, purpose string
		stats         cache.LocalStats
	}{{"fragments", "rendered cards, rows and page shells", h.st.Fragments.Stats()}, {"pages", "whole pages for visitors not signed in", h.st.Pages.Stats()}} {
		s.Caches = append(s.Caches, views.AdminCache{Name: c.name, Purpose: c.purpose, Hits: c.stats.Hits, Misses: c.stats.Misses,
			HitRate: hitRate(c.stats.Hits, c.stats.Misses), Bytes: humanBytes(c.stats.Bytes), Evicted: strconv.FormatUint(c.stats.Evictions, 10)})
	}
	s.Posts, err = h.st.Feed.PostCount(r.Context())
	return s, err
}

// hitRate is hits as a share of lookups, "—" before the first.
func hitRate(hits, misses uint64) string {
	if hits+misses == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(hits)/float64(hits+misses))
}

func backupStatus(ctx context.Context, b backup.Status) views.AdminBackups {
	var v views.AdminBackups
	run := func(r *backup.Result) *views.AdminBackupRun {
		out := &views.AdminBackupRun{When: stamp(ctx, r.Time), File: r.File, Size: humanBytes(r.Size), Error: r.Error}
		if r.Took > 0 {
			out.Took = r.Took.Round(time.Millisecond).String()
		}
		return out
	}
	if !b.Next.IsZero() {
		v.Next = stamp(ctx, b.Next)
	}
	if b.LastSuccess != nil {
		v.Last = run(b.LastSuccess)
	}
	if f := b.LastFailure; f != nil && (b.LastSuccess == nil || f.Time.After(b.LastSuccess.Time)) {
		v.Failure = run(f)
	}
	return v
}

func (h *Web) adminSystem(w http.ResponseWriter, r *http.Request) {
	s, err := h.SystemStats(r)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.render(w, r, http.StatusOK, views.AdminSystemPage(h.page(w, r, "System · Admin", "admin"), s))
}

// adminBackup streams the same archive as `eplatform backup` (backup.Write): the
// snapshot goes to a temporary file in the data directory, the media are read file by
// file, so memory stays small however large the site is.
func (h *Web) adminBackup(w http.ResponseWriter, r *http.Request) {
	name := backup.FileName(h.st.Now())
	me, _ := identity(r.Context())
	if err := h.st.Desk.BackupDownloaded(r.Context(), me, name); err != nil {
		h.fail(w, r, err, "/admin/system/")
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	// A large site takes longer to send than the server's write timeout allows pages.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{}) // a writer without deadlines keeps none
	cw := &countingWriter{w: w}
	src := h.st.Backups.Source
	if _, err := backup.Write(r.Context(), cw, src); err != nil {
		if cw.n == 0 {
			for _, k := range []string{"Content-Type", "Content-Disposition"} {
				w.Header().Del(k)
			}
			h.serverError(w, r, err)
			return
		}
		// Part of the archive is out: cutting the connection makes the browser report
		// a failed download instead of saving a file that looks complete.
		h.st.Log.ErrorContext(r.Context(), "backup download", "err", err)
		panic(http.ErrAbortHandler)
	}
}

// countingWriter tells whether anything was written yet.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
