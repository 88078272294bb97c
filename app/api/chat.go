package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"eplatform/app/chat"
	"eplatform/app/form"
	"eplatform/app/media"
	"eplatform/app/store"
)

// Page size of message lists (API.md: chat messages default 50).
const messagePageSize = chat.HistoryPage

// pathInt reads a numeric path value; a malformed one is a 404 like a missing row.
func pathInt(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		detail(w, http.StatusNotFound, "Not found.")
		return 0, false
	}
	return id, true
}

// ids reads a list of user ids: a JSON array of integers, or "1,2,3" in a form.
func (f *fields) ids(name string) []int64 {
	var out []int64
	add := func(s string) bool {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return false
		}
		out = append(out, n)
		return true
	}
	switch v := f.m[name].(type) {
	case nil:
	case []any:
		for _, x := range v {
			n, ok := x.(float64)
			if !ok || n != float64(int64(n)) {
				f.errs.Add(name, "A list of user ids is required.")
				return nil
			}
			out = append(out, int64(n))
		}
	case float64:
		out = append(out, int64(v))
	case string:
		for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
			if !add(part) {
				f.errs.Add(name, "A list of user ids is required.")
				return nil
			}
		}
	default:
		f.errs.Add(name, "A list of user ids is required.")
	}
	return out
}

// int reads an integer field (a JSON number or a numeric string); 0 when absent.
func (f *fields) int(name string) int64 {
	switch v := f.m[name].(type) {
	case nil:
		return 0
	case float64:
		if v == float64(int64(v)) {
			return int64(v)
		}
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			return n
		}
	}
	f.errs.Add(name, "A valid integer is required.")
	return 0
}

func (a *API) listConversations(w http.ResponseWriter, r *http.Request) {
	pg, errs := readPaging(r, defaultPageSize)
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	me := viewer(r)
	count, err := a.st.Chat.CountConversations(r.Context(), me.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	results := []chat.ConversationJSON{}
	if pg.offset() < count {
		items, err := a.st.Chat.Conversations(r.Context(), me.ID, pg.Size, pg.offset())
		if err != nil {
			a.fail(w, r, err)
			return
		}
		for _, c := range items {
			results = append(results, a.st.Chat.ConversationOf(c, me.ID))
		}
	}
	writeJSON(w, http.StatusOK, a.newListPage(r, pg, count, results))
}

func (a *API) writeConversation(w http.ResponseWriter, r *http.Request, status int, id int64) {
	me := viewer(r)
	c, err := a.st.Chat.Conversation(r.Context(), me.ID, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, a.st.Chat.ConversationOf(c, me.ID))
}

func (a *API) getConversation(w http.ResponseWriter, r *http.Request) {
	if id, ok := pathID(w, r); ok {
		a.writeConversation(w, r, http.StatusOK, id)
	}
}

func (a *API) startConversation(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	userID := f.int("user_id")
	message := f.str("message")
	errs := f.merge(nil)
	if !f.has("user_id") && !errs.Has("user_id") {
		errs.Add("user_id", "This field is required.")
	}
	if len(errs) > 0 {
		fieldErrors(w, errs)
		return
	}
	res, err := a.st.Chat.StartDirect(r.Context(), viewer(r), userID, message)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
	}
	a.writeConversation(w, r, status, res.ConversationID)
}

func (a *API) conversationMessages(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	pg, errs := readPaging(r, messagePageSize)
	q := store.MessageQuery{ConversationID: id, Limit: pg.Size, Offset: pg.offset()}
	for name, dst := range map[string]*int64{"before_id": &q.BeforeID, "after_id": &q.AfterID} {
		if v := r.URL.Query().Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				errs[name] = []string{"A valid message id is required."}
			}
			*dst = n
		}
	}
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	me := viewer(r)
	if _, err := a.st.Chat.MarkRead(r.Context(), me.ID, id); err != nil {
		a.fail(w, r, err)
		return
	}
	count, err := a.st.Chat.CountHistory(r.Context(), me.ID, q)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	msgs, mine, err := a.st.Chat.History(r.Context(), me.ID, q)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	results := make([]chat.MessageJSON, 0, len(msgs))
	for _, m := range msgs {
		results = append(results, a.st.Chat.MessageOf(m, me.ID, mine.LastRead))
	}
	writeJSON(w, http.StatusOK, a.newListPage(r, pg, count, results))
}

// readChatUpload reads a multipart message: content and at most one file_attachment.
// It answers errors itself.
func readChatUpload(w http.ResponseWriter, r *http.Request) (string, *chat.Upload, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, chat.MaxFileBytes+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			detail(w, http.StatusRequestEntityTooLarge, "File exceeds maximum size of 5MB.")
		} else {
			detail(w, http.StatusBadRequest, "The upload could not be read.")
		}
		return "", nil, false
	}
	files := r.MultipartForm.File["file_attachment"]
	if len(files) > 1 {
		fieldErrors(w, form.Errors{"file_attachment": {"Attach one file per message."}})
		return "", nil, false
	}
	var up *chat.Upload
	if len(files) == 1 {
		fh := files[0]
		if fh.Size > chat.MaxFileBytes {
			detail(w, http.StatusRequestEntityTooLarge, "File exceeds maximum size of 5MB.")
			return "", nil, false
		}
		f, err := fh.Open()
		if err != nil {
			detail(w, http.StatusBadRequest, "The upload could not be read.")
			return "", nil, false
		}
		data, err := media.ReadLimited(f, chat.MaxFileBytes)
		f.Close()
		if err != nil {
			detail(w, http.StatusRequestEntityTooLarge, "File exceeds maximum size of 5MB.")
			return "", nil, false
		}
		up = &chat.Upload{Name: fh.Filename, Data: data}
	}
	return r.FormValue("content"), up, true
}

func (a *API) addMessage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	var content string
	var up *chat.Upload
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if content, up, ok = readChatUpload(w, r); !ok {
			return
		}
		if up != nil && a.limited(w, r, a.st.Limits.Upload) {
			return
		}
	} else {
		f, ok := readFields(w, r)
		if !ok {
			return
		}
		content = f.str("content")
		if f.has("file_attachment") && f.m["file_attachment"] != nil {
			f.errs.Add("file_attachment", "Send files as multipart/form-data.")
		}
		if errs := f.typeErrors(); errs != nil {
			fieldErrors(w, errs)
			return
		}
	}
	me := viewer(r)
	m, err := a.st.Chat.Send(r.Context(), me, id, content, up, "")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, a.st.Chat.MessageOf(m, me.ID, 0))
}

func (a *API) markConversationRead(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	n, err := a.st.Chat.MarkRead(r.Context(), viewer(r).ID, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "marked_read": n})
}

func (a *API) createGroup(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	title := f.str("title")
	ids := f.ids("user_ids")
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return
	}
	id, err := a.st.Chat.CreateGroup(r.Context(), viewer(r), title, ids)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeConversation(w, r, http.StatusCreated, id)
}

func (a *API) addMembers(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	ids := f.ids("user_ids")
	if errs := f.typeErrors(); errs != nil {
		fieldErrors(w, errs)
		return
	}
	if err := a.st.Chat.AddMembers(r.Context(), viewer(r), id, ids); err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeConversation(w, r, http.StatusOK, id)
}

func (a *API) removeMember(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	uid, ok := pathInt(w, r, "user_id")
	if !ok {
		return
	}
	if err := a.st.Chat.RemoveMember(r.Context(), viewer(r), id, uid); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) leaveConversation(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if err := a.st.Chat.Leave(r.Context(), viewer(r), id); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) chatUsers(w http.ResponseWriter, r *http.Request) {
	pg, errs := readPaging(r, defaultPageSize)
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	users, count, err := a.st.Chat.Directory(r.Context(), viewer(r).ID, r.URL.Query().Get("q"), pg.Size, pg.offset())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	results := make([]chat.UserJSON, 0, len(users))
	for _, u := range users {
		results = append(results, a.st.Chat.UserOf(u.UserMini, u.LastSeenAt))
	}
	writeJSON(w, http.StatusOK, a.newListPage(r, pg, count, results))
}

func (a *API) userStatus(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	u, online, err := a.st.Chat.Status(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.st.Chat.StatusOf(u, online))
}

// ownStatus is the original's POST users/status/update/, kept for its clients: it
// answers the caller's presence. The body's is_online is not stored; whether someone is
// online follows their open sockets, which a client cannot claim otherwise.
func (a *API) ownStatus(w http.ResponseWriter, r *http.Request) {
	u, online, err := a.st.Chat.Status(r.Context(), viewer(r).ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.st.Chat.StatusOf(u, online))
}

func (a *API) chatUnreadCount(w http.ResponseWriter, r *http.Request) {
	n, err := a.st.Chat.Unread(r.Context(), viewer(r).ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"unread_count": n})
}

func (a *API) editMessage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	content, ok := contentField(w, r, true)
	if !ok {
		return
	}
	me := viewer(r)
	m, err := a.st.Chat.Edit(r.Context(), me, id, content)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.st.Chat.MessageOf(m, me.ID, 0))
}

func (a *API) deleteMessage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if _, err := a.st.Chat.Delete(r.Context(), viewer(r), id); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"message": "Message deleted successfully.", "id": id})
}
