package web

import (
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"eplatform/app/chat"
	"eplatform/app/form"
	"eplatform/app/media"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/views"
)

// Chat pages. Every form works without JavaScript (a post, then a redirect). chat.js
// sends the message form and the edit form as fragment requests (X-Fragment: 1,
// answered with the message's HTML; see FragmentRoutes), and marks read and deletes
// through the chat API (/api/chat/…).

const (
	chatListSize  = 50 // conversations in the sidebar per page
	chatUsersPage = 20 // people per page of the directory
	// chatUploadLimit is the largest message form: the attachment plus room for text.
	chatUploadLimit = chat.MaxFileBytes + 1<<20
)

func conversationPath(id int64) string {
	return "/chat/conversation/" + strconv.FormatInt(id, 10) + "/"
}

func (h *Web) chatHome(w http.ResponseWriter, r *http.Request) {
	h.renderChat(w, r, http.StatusOK, 0, 0, "", nil)
}

func (h *Web) chatConversation(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	before := queryID(r, "before_id")
	if before == 0 {
		// Opening the conversation reads it (the original's page did the same).
		u, _ := identity(r.Context())
		if _, err := h.st.Chat.MarkRead(r.Context(), u.ID, id); err != nil {
			h.fail(w, r, err, "")
			return
		}
	}
	h.renderChat(w, r, http.StatusOK, id, before, "", nil)
}

// queryID reads an optional id from the query string: 0 when it is missing or not an
// id, which every caller takes as "none" (the newest page, no conversation open).
func queryID(r *http.Request, name string) int64 {
	n, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// renderChat renders the chat page with the list and, when openID is set, that
// conversation's messages before the id before (0: the newest). With X-Fragment: 1 it
// renders the messages only (chat.js loading older ones).
func (h *Web) renderChat(w http.ResponseWriter, r *http.Request, status int, openID, before int64, draft string, errs form.Errors) {
	ctx := r.Context()
	u, _ := identity(ctx)
	var open *views.ChatConversationView
	if openID != 0 {
		sum, err := h.st.Chat.Conversation(ctx, u.ID, openID)
		if err != nil {
			h.fail(w, r, err, "")
			return
		}
		msgs, _, err := h.st.Chat.History(ctx, u.ID, store.MessageQuery{ConversationID: openID, BeforeID: before, Limit: chat.HistoryPage + 1})
		if err != nil {
			h.fail(w, r, err, "")
			return
		}
		c := h.conversationView(r.Context(), sum, u.ID)
		if len(msgs) > chat.HistoryPage {
			msgs = msgs[:chat.HistoryPage]
			c.OlderURL = conversationPath(openID) + "?before_id=" + strconv.FormatInt(msgs[len(msgs)-1].ID, 10)
		}
		slices.Reverse(msgs)
		c.Messages = h.messageViews(r.Context(), msgs, u.ID, sum.IsGroup(), "")
		if before != 0 {
			c.LatestURL = conversationPath(openID)
		}
		c.Draft, c.Errors = draft, formErrors(errs)
		open = &c
		if wantsFragment(r) {
			h.renderFragment(w, r, status, views.ChatMessages(views.Page{Viewer: viewerOf(u), Asset: h.assets.URL}, c))
			return
		}
	}
	page := pageNumber(r)
	sums, err := h.st.Chat.Conversations(ctx, u.ID, chatListSize+1, (page-1)*chatListSize)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	d := views.ChatPageData{Open: open, MaxContent: chat.MaxContent, MaxFile: chat.MaxFileBytes}
	if len(sums) > chatListSize {
		sums = sums[:chatListSize]
		d.MoreURL = "/chat/?page=" + strconv.Itoa(page+1)
	}
	for _, s := range sums {
		d.Items = append(d.Items, h.chatItem(r.Context(), s, u.ID, openID))
	}
	if d.UnreadTotal, err = h.st.Chat.Unread(ctx, u.ID); err != nil {
		h.fail(w, r, err, "")
		return
	}
	title := "Chat"
	if open != nil {
		title = open.Title + " · Chat"
	}
	h.render(w, r, status, views.ChatPage(h.page(w, r, title, "chat"), d))
}

// chatListItem answers GET /chat/conversation/{id}/item/: one line of the list, for
// chat.js to insert or refresh.
func (h *Web) chatListItem(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	sum, err := h.st.Chat.Conversation(r.Context(), u.ID, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	item := h.chatItem(r.Context(), sum, u.ID, queryID(r, "active"))
	h.renderFragment(w, r, http.StatusOK, views.ChatListItemView(views.Page{Viewer: viewerOf(u), Asset: h.assets.URL}, item))
}

// messageFragment answers with one message as the viewer sees it, without a day
// separator (chat.js lays those out).
func (h *Web) messageFragment(w http.ResponseWriter, r *http.Request, status int, id int64) {
	u, _ := identity(r.Context())
	mv, err := h.st.Chat.Message(r.Context(), u.ID, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	v := h.messageViews(r.Context(), []store.Message{mv.Message}, u.ID, mv.Group, "-")[0]
	h.renderFragment(w, r, status, views.ChatMessage(views.Page{Viewer: viewerOf(u), Asset: h.assets.URL}, v))
}

// chatMessageFragment answers GET /chat/message/{id}/ with the message's HTML, for
// members only: chat.js shows live messages with it.
func (h *Web) chatMessageFragment(w http.ResponseWriter, r *http.Request) {
	if id, ok := h.id(w, r, "id"); ok {
		h.messageFragment(w, r, http.StatusOK, id)
	}
}

// errFileTooLarge refuses an attachment over the limit (the API says the same).
var errFileTooLarge = problem.TooLarge("File exceeds maximum size of 5MB.")

// readMessageForm reads the message form: content and an optional file_attachment.
// It answers errors itself.
func (h *Web) readMessageForm(w http.ResponseWriter, r *http.Request) (string, *chat.Upload, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, chatUploadLimit)
	err := r.ParseMultipartForm(1 << 20)
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm()
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.fail(w, r, errFileTooLarge, "")
		} else {
			h.fail(w, r, problem.Invalid("The form could not be read. Please try again."), "")
		}
		return "", nil, false
	}
	var up *chat.Upload
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["file_attachment"] {
			if fh.Size == 0 && fh.Filename == "" {
				continue // an empty file input
			}
			if fh.Size > chat.MaxFileBytes {
				h.fail(w, r, errFileTooLarge, "")
				return "", nil, false
			}
			data, err := readUpload(fh)
			if err != nil {
				h.fail(w, r, err, "")
				return "", nil, false
			}
			up = &chat.Upload{Name: fh.Filename, Data: data}
			break
		}
	}
	return r.FormValue("content"), up, true
}

// readUpload reads an attachment of the message form.
func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, problem.Invalid("The file could not be read.")
	}
	defer f.Close() // read only: closing cannot lose anything
	data, err := media.ReadLimited(f, chat.MaxFileBytes)
	if errors.Is(err, media.ErrTooLarge) {
		return nil, errFileTooLarge
	}
	if err != nil {
		return nil, problem.Invalid("The file could not be read.")
	}
	return data, nil
}

func (h *Web) chatSend(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	content, up, ok := h.readMessageForm(w, r)
	if !ok || (up != nil && !h.allow(w, r, h.st.Limits.Upload)) {
		return
	}
	u, _ := identity(r.Context())
	m, err := h.st.Chat.Send(r.Context(), u, id, content, up, "")
	if fields, ok := invalidFields(r, err); ok {
		h.renderChat(w, r, http.StatusOK, id, 0, content, fields)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if wantsFragment(r) {
		h.messageFragment(w, r, http.StatusCreated, m.ID)
		return
	}
	http.Redirect(w, r, conversationPath(id)+"#message-"+strconv.FormatInt(m.ID, 10), http.StatusSeeOther)
}

func (h *Web) chatRead(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	if _, err := h.st.Chat.MarkRead(r.Context(), u.ID, id); err != nil {
		h.fail(w, r, err, "")
		return
	}
	http.Redirect(w, r, conversationPath(id), http.StatusSeeOther)
}

func (h *Web) chatEdit(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok || !h.parseForm(w, r, formLimit) {
		return
	}
	u, _ := identity(r.Context())
	// The message first: strangers get a 404, and a refused edit goes back to its
	// conversation with the reason.
	cur, err := h.st.Chat.Message(r.Context(), u.ID, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	m, err := h.st.Chat.Edit(r.Context(), u, id, r.PostForm.Get("content"))
	if err != nil {
		h.fail(w, r, err, conversationPath(cur.Message.ConversationID))
		return
	}
	if wantsFragment(r) {
		h.messageFragment(w, r, http.StatusOK, m.ID)
		return
	}
	http.Redirect(w, r, conversationPath(m.ConversationID)+"#message-"+strconv.FormatInt(m.ID, 10), http.StatusSeeOther)
}

func (h *Web) chatDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	m, err := h.st.Chat.Delete(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	http.Redirect(w, r, conversationPath(m.ConversationID)+"#message-"+strconv.FormatInt(m.ID, 10), http.StatusSeeOther)
}

func (h *Web) chatUsers(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	q := r.URL.Query().Get("q")
	if len(q) > 100 {
		q = q[:100]
	}
	page := pageNumber(r)
	users, total, err := h.st.Chat.Directory(r.Context(), u.ID, q, chatUsersPage, (page-1)*chatUsersPage)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	now := h.st.Now()
	d := views.ChatUsersData{Query: q, Total: total, Page: page, Pages: (total + chatUsersPage - 1) / chatUsersPage}
	for _, cu := range users {
		d.Users = append(d.Users, views.ChatUserView{Person: person(cu.UserMini), Online: h.st.Chat.Online(cu.ID), LastSeen: lastSeen(r.Context(), cu.LastSeenAt, now)})
	}
	link := func(n int) string {
		v := url.Values{"page": {strconv.Itoa(n)}}
		if q != "" {
			v.Set("q", q)
		}
		return "/chat/users/?" + v.Encode()
	}
	if page > 1 {
		d.PrevURL = link(page - 1)
	}
	if page < d.Pages {
		d.NextURL = link(page + 1)
	}
	h.render(w, r, http.StatusOK, views.ChatUsersPage(h.page(w, r, "Find people · Chat", "chat"), d))
}

// chatStartForm: GET /chat/start/{user_id}/ goes to the existing conversation, or
// shows a button that starts it (a GET must not create anything).
func (h *Web) chatStartForm(w http.ResponseWriter, r *http.Request) {
	uid, ok := h.id(w, r, "user_id")
	if !ok {
		return
	}
	h.renderChatStart(w, r, http.StatusOK, uid, "", nil)
}

// renderChatStart answers the compose page of a conversation that does not exist yet,
// or redirects to the one that does. Nothing is written until the first message is
// sent, so "Message" on a profile never leaves an empty conversation behind.
func (h *Web) renderChatStart(w http.ResponseWriter, r *http.Request, status int, uid int64, draft string, errs []string) {
	u, _ := identity(r.Context())
	if uid == u.ID {
		h.flash(w, r, "error", "You cannot start a conversation with yourself.")
		http.Redirect(w, r, "/chat/", http.StatusSeeOther)
		return
	}
	if id, err := h.st.Chat.ExistingDirect(r.Context(), u.ID, uid); err != nil {
		h.fail(w, r, err, "")
		return
	} else if id != 0 {
		http.Redirect(w, r, conversationPath(id), http.StatusSeeOther)
		return
	}
	other, online, err := h.st.Chat.Status(r.Context(), uid)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	mini := store.UserMini{ID: other.ID, Username: other.Username, FirstName: other.FirstName, LastName: other.LastName, UserType: other.UserType, ProfilePicture: other.ProfilePicture}
	d := views.ChatStartData{User: views.ChatUserView{Person: person(mini), Online: online, LastSeen: lastSeen(r.Context(), other.LastSeenAt, h.st.Now())},
		Draft: draft, Errors: errs, MaxContent: chat.MaxContent}
	h.render(w, r, status, views.ChatStartPage(h.page(w, r, "Message "+d.User.Name, "chat"), d))
}

// errNoFirstMessage refuses starting a conversation without writing anything.
const errNoFirstMessage = "Write a message to start the conversation."

// chatStart: POST /chat/start/{user_id}/ with the first message creates the
// conversation and sends it; without one it only shows the compose page (or goes to
// the existing conversation).
func (h *Web) chatStart(w http.ResponseWriter, r *http.Request) {
	uid, ok := h.id(w, r, "user_id")
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, problem.Invalid("The form could not be read. Please try again."), "")
		return
	}
	u, _ := identity(r.Context())
	first := r.PostFormValue("message")
	if strings.TrimSpace(first) == "" {
		status := http.StatusOK
		var errs []string
		if r.PostForm.Has("message") {
			status, errs = http.StatusBadRequest, []string{errNoFirstMessage}
		}
		h.renderChatStart(w, r, status, uid, "", errs)
		return
	}
	res, err := h.st.Chat.StartDirect(r.Context(), u, uid, first)
	if fields, ok := invalidFields(r, err); ok {
		if fields.Has("user_id") {
			h.fail(w, r, store.ErrNotFound, "") // the person in the address does not exist
			return
		}
		h.renderChatStart(w, r, http.StatusBadRequest, uid, first, fields["message"])
		return
	}
	if err != nil {
		h.fail(w, r, err, "/chat/")
		return
	}
	http.Redirect(w, r, conversationPath(res.ConversationID), http.StatusSeeOther)
}

func (h *Web) chatGroupForm(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.ChatGroupPage(h.page(w, r, "New group · Chat", "chat"), views.ChatGroupForm{}))
}

func (h *Web) chatCreateGroup(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, formLimit) {
		return
	}
	u, _ := identity(r.Context())
	f := views.ChatGroupForm{Title: r.PostForm.Get("title"), Members: r.PostForm.Get("members")}
	id, err := h.st.Chat.CreateGroupNamed(r.Context(), u, f.Title, f.Members)
	if fields, ok := invalidFields(r, err); ok {
		f.Errors = formErrors(fields)
		h.render(w, r, http.StatusOK, views.ChatGroupPage(h.page(w, r, "New group · Chat", "chat"), f))
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "The group is ready.")
	http.Redirect(w, r, conversationPath(id), http.StatusSeeOther)
}

func (h *Web) chatMembers(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	h.renderMembers(w, r, id, "", nil)
}

func (h *Web) renderMembers(w http.ResponseWriter, r *http.Request, id int64, add string, errs form.Errors) {
	u, _ := identity(r.Context())
	sum, err := h.st.Chat.Conversation(r.Context(), u.ID, id)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	if !sum.IsGroup() {
		http.Redirect(w, r, conversationPath(id), http.StatusSeeOther)
		return
	}
	now := h.st.Now()
	d := views.ChatMembersData{Conversation: h.conversationView(r.Context(), sum, u.ID), Add: add, Errors: formErrors(errs)}
	for _, m := range sum.Members {
		if m.ID == u.ID {
			d.Me = chatPerson(r.Context(), m, true, now)
		}
	}
	h.render(w, r, http.StatusOK, views.ChatMembersPage(h.page(w, r, "Members of "+d.Conversation.Title, "chat"), d))
}

func (h *Web) chatAddMembers(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok || !h.parseForm(w, r, formLimit) {
		return
	}
	u, _ := identity(r.Context())
	typed := r.PostForm.Get("members")
	err := h.st.Chat.AddMembersNamed(r.Context(), u, id, typed)
	if fields, ok := invalidFields(r, err); ok {
		h.renderMembers(w, r, id, typed, fields)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "Added.")
	http.Redirect(w, r, conversationPath(id)+"members/", http.StatusSeeOther)
}

func (h *Web) chatRemoveMember(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	uid, ok := h.id(w, r, "user_id")
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	if err := h.st.Chat.RemoveMember(r.Context(), u, id, uid); err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "Removed from the group.")
	http.Redirect(w, r, conversationPath(id)+"members/", http.StatusSeeOther)
}

func (h *Web) chatRename(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok || !h.parseForm(w, r, formLimit) {
		return
	}
	u, _ := identity(r.Context())
	err := h.st.Chat.RenameGroup(r.Context(), u, id, r.PostForm.Get("title"))
	if fields, ok := invalidFields(r, err); ok {
		h.renderMembers(w, r, id, "", fields)
		return
	}
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "Renamed.")
	http.Redirect(w, r, conversationPath(id)+"members/", http.StatusSeeOther)
}

func (h *Web) chatLeave(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	u, _ := identity(r.Context())
	if err := h.st.Chat.Leave(r.Context(), u, id); err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.flash(w, r, "success", "You left the group.")
	http.Redirect(w, r, "/chat/", http.StatusSeeOther)
}

// chatFile serves a message's attachment to the members of its conversation only; a
// stranger, an anonymous visitor, a deleted message or a wrong name all get a 404.
// Images, video and audio show inline; other files download under their real name.
func (h *Web) chatFile(w http.ResponseWriter, r *http.Request) {
	u, ok := identity(r.Context())
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if !ok || err != nil {
		h.notFound(w, r)
		return
	}
	f, err := h.st.Chat.FileOf(r.Context(), u.ID, id, r.PathValue("name"))
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", f.ContentType)
	hd.Set("Cache-Control", "private, max-age=86400")
	disposition := "attachment"
	if chat.IsInline(f.Type) {
		disposition = "inline"
	}
	media.SetDisposition(w, disposition, f.Name)
	if err := h.st.Chat.Media.ServeFile(w, r, f.Path); err != nil {
		// The row is there but the file is not (a restore without the media folder).
		h.st.Log.WarnContext(r.Context(), "chat file missing", "message", id, "err", err)
		hd.Del("Content-Disposition")
		hd.Del("Cache-Control")
		h.notFound(w, r)
	}
}
