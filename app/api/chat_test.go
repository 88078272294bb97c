package api_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

type chatMessageOut struct {
	ID             int64
	Conversation   int64
	Sender         *int64
	SenderName     string `json:"sender_name"`
	Content        string
	IsRead         bool    `json:"is_read"`
	DeliveryStatus string  `json:"delivery_status"`
	IsEdited       bool    `json:"is_edited"`
	IsDeleted      bool    `json:"is_deleted"`
	FileURL        *string `json:"file_url"`
	FileType       *string `json:"file_type"`
	FileName       *string `json:"file_name"`
	FileSize       *int64  `json:"file_size"`
}

type conversationOut struct {
	ID           int64
	Kind         string
	Title        string
	Participants []struct {
		ID       int64
		Username string
	}
	LastMessage *chatMessageOut `json:"last_message"`
	UnreadCount int             `json:"unread_count"`
}

func uid(t *testing.T, app *apptest.App, name string) int64 {
	t.Helper()
	u, err := app.State.DB.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func chatSend(t *testing.T, c *apptest.Client, token string, conv int64, content string) chatMessageOut {
	t.Helper()
	r := c.JSON("POST", fmt.Sprintf("/api/chat/conversations/%d/add_message/", conv), map[string]string{"content": content}, token)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("add_message: %d %s", r.StatusCode, r.Body)
	}
	var m chatMessageOut
	r.JSON(t, &m)
	return m
}

// TestChatAPI walks the Chat section of API.md with bearer tokens, including its fixes.
func TestChatAPI(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	app.User("ada", "student")
	app.User("bob", "student")
	app.User("eve", "student")
	c := app.Client()
	ada, _ := app.Token("ada")
	bob, _ := app.Token("bob")
	eve, _ := app.Token("eve")
	adaID, bobID := uid(t, app, "ada"), uid(t, app, "bob")

	// start: 201 when created, 200 when it existed; the rules' refusals are 400.
	r := c.JSON("POST", "/api/chat/conversations/start/", map[string]any{"user_id": bobID, "message": "hello bob"}, ada)
	var conv conversationOut
	r.JSON(t, &conv)
	if r.StatusCode != http.StatusCreated || conv.Kind != "direct" || len(conv.Participants) != 2 || conv.LastMessage == nil || conv.LastMessage.Content != "hello bob" {
		t.Fatalf("start: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("POST", "/api/chat/conversations/start/", map[string]any{"user_id": adaID}, bob); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, fmt.Sprintf(`"id":%d`, conv.ID)) {
		t.Errorf("reopen: %d %s", r.StatusCode, r.Body)
	}
	for body, want := range map[string]string{
		fmt.Sprintf(`{"user_id": %d}`, adaID): "yourself",
		`{"user_id": 999999}`:                 "User does not exist",
		`{"user_id": "x"}`:                    "valid integer",
		`{}`:                                  "required",
	} {
		if r := c.JSON("POST", "/api/chat/conversations/start/", body, ada); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, want) {
			t.Errorf("start %s: %d %s", body, r.StatusCode, r.Body)
		}
	}

	// add_message: JSON (the original's own client sent JSON and got 415) and multipart.
	m := chatSend(t, c, ada, conv.ID, "second")
	if m.Sender == nil || *m.Sender != adaID || m.DeliveryStatus != "pending" || m.IsRead || m.SenderName != "Ada Tester" {
		t.Errorf("message %+v", m)
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	w, _ := mw.CreateFormFile("file_attachment", "diagram.png")
	w.Write(pngBytes(t, 10, 10))
	mw.Close()
	r = c.Do("POST", fmt.Sprintf("/api/chat/conversations/%d/add_message/", conv.ID), &b, http.Header{"Content-Type": {mw.FormDataContentType()}, "Authorization": {"Bearer " + bob}})
	var file chatMessageOut
	r.JSON(t, &file)
	if r.StatusCode != http.StatusCreated || file.FileURL == nil || !strings.HasPrefix(*file.FileURL, app.URL+"/chat/files/") || *file.FileType != "image" || *file.FileName != "diagram.png" || *file.FileSize == 0 {
		t.Fatalf("file message: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("POST", fmt.Sprintf("/api/chat/conversations/%d/add_message/", conv.ID), map[string]string{"content": " "}, ada); r.StatusCode != http.StatusBadRequest {
		t.Errorf("empty message: %d", r.StatusCode)
	}
	if r := c.JSON("POST", fmt.Sprintf("/api/chat/conversations/%d/add_message/", conv.ID), map[string]string{"content": strings.Repeat("a", 5001)}, ada); r.StatusCode != http.StatusBadRequest {
		t.Errorf("long message: %d", r.StatusCode)
	}
	b.Reset()
	mw = multipart.NewWriter(&b)
	w, _ = mw.CreateFormFile("file_attachment", "huge.png")
	w.Write(make([]byte, 5<<20+10))
	mw.Close()
	if r := c.Do("POST", fmt.Sprintf("/api/chat/conversations/%d/add_message/", conv.ID), &b, http.Header{"Content-Type": {mw.FormDataContentType()}, "Authorization": {"Bearer " + bob}}); r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("5 MB + 10 bytes: %d", r.StatusCode)
	}

	// The list: last message and unread count per conversation, and the total.
	var list struct {
		Count   int
		Results []conversationOut
	}
	c.JSON("GET", "/api/chat/conversations/", nil, bob).JSON(t, &list)
	if list.Count != 1 || list.Results[0].UnreadCount != 2 || list.Results[0].LastMessage == nil {
		t.Fatalf("bob's list %+v", list)
	}
	var unread struct {
		UnreadCount int `json:"unread_count"`
	}
	c.JSON("GET", "/chat/api/unread-count/", nil, bob).JSON(t, &unread) // the /chat/api/ alias
	if unread.UnreadCount != 2 {
		t.Errorf("bob's unread %d", unread.UnreadCount)
	}

	// Messages newest first, keyset by id, paging; listing reads the conversation.
	for i := range 6 {
		chatSend(t, c, ada, conv.ID, fmt.Sprintf("m%d", i))
	}
	var page struct {
		Count   int
		Next    *string
		Results []chatMessageOut
	}
	c.JSON("GET", fmt.Sprintf("/api/chat/conversations/%d/messages/?page_size=3", conv.ID), nil, bob).JSON(t, &page)
	if page.Count != 9 || len(page.Results) != 3 || page.Results[0].Content != "m5" || page.Next == nil {
		t.Fatalf("page 1: %+v", page)
	}
	before := page.Results[2].ID
	c.JSON("GET", fmt.Sprintf("/api/chat/conversations/%d/messages/?before_id=%d", conv.ID, before), nil, bob).JSON(t, &page)
	if page.Count != 6 || page.Results[0].ID >= before || page.Results[len(page.Results)-1].Content != "hello bob" {
		t.Errorf("before_id: %+v", page)
	}
	c.JSON("GET", fmt.Sprintf("/api/chat/conversations/%d/messages/?after_id=%d", conv.ID, before), nil, bob).JSON(t, &page)
	if page.Count != 2 {
		t.Errorf("after_id: %+v", page)
	}
	if r := c.JSON("GET", fmt.Sprintf("/api/chat/conversations/%d/messages/?before_id=x", conv.ID), nil, bob); r.StatusCode != http.StatusBadRequest {
		t.Errorf("bad before_id: %d", r.StatusCode)
	}
	c.JSON("GET", "/api/chat/unread-count/", nil, bob).JSON(t, &unread)
	if unread.UnreadCount != 0 {
		t.Errorf("unread after listing: %d", unread.UnreadCount)
	}
	c.JSON("GET", fmt.Sprintf("/api/chat/conversations/%d/messages/", conv.ID), nil, ada).JSON(t, &page)
	if !page.Results[0].IsRead || page.Results[0].DeliveryStatus != "read" {
		t.Errorf("ada's view after bob read: %+v", page.Results[0])
	}
	// mark_read answers {success, marked_read}.
	chatSend(t, c, ada, conv.ID, "one more")
	if r := c.JSON("POST", fmt.Sprintf("/api/chat/conversations/%d/mark_read/", conv.ID), nil, bob); r.StatusCode != 200 || strings.TrimSpace(r.Body) != `{"marked_read":1,"success":true}` {
		t.Errorf("mark_read: %d %s", r.StatusCode, r.Body)
	}

	// Edit and delete: own only; a deleted message is blanked with its file.
	if r := c.JSON("PUT", fmt.Sprintf("/api/chat/messages/%d/edit/", m.ID), map[string]string{"content": "edited"}, bob); r.StatusCode != http.StatusForbidden {
		t.Errorf("bob edits ada's: %d", r.StatusCode)
	}
	if r := c.JSON("PATCH", fmt.Sprintf("/api/chat/messages/%d/edit/", m.ID), map[string]string{"content": "edited"}, ada); r.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("PATCH edit: %d", r.StatusCode)
	}
	r = c.JSON("PUT", fmt.Sprintf("/api/chat/messages/%d/edit/", m.ID), map[string]string{"content": "edited"}, ada)
	var edited chatMessageOut
	r.JSON(t, &edited)
	if r.StatusCode != 200 || !edited.IsEdited || edited.Content != "edited" {
		t.Errorf("edit: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("DELETE", fmt.Sprintf("/api/chat/messages/%d/delete/", file.ID), nil, ada); r.StatusCode != http.StatusForbidden {
		t.Errorf("ada deletes bob's: %d", r.StatusCode)
	}
	if r := c.JSON("DELETE", fmt.Sprintf("/api/chat/messages/%d/delete/", file.ID), nil, bob); r.StatusCode != 200 {
		t.Errorf("delete: %d %s", r.StatusCode, r.Body)
	}
	c.JSON("GET", fmt.Sprintf("/api/chat/conversations/%d/messages/?page_size=100", conv.ID), nil, ada).JSON(t, &page)
	for _, x := range page.Results {
		if x.ID == file.ID && (!x.IsDeleted || x.Content != "" || x.FileURL != nil || x.FileName != nil) {
			t.Errorf("deleted message not blanked: %+v", x)
		}
	}
	if r := c.JSON("PUT", fmt.Sprintf("/api/chat/messages/%d/edit/", file.ID), map[string]string{"content": "revive"}, bob); r.StatusCode != http.StatusBadRequest {
		t.Errorf("edit a deleted message: %d", r.StatusCode)
	}

	// Strangers: 404 for the conversation and its messages, never content.
	for _, rq := range [][2]string{
		{"GET", fmt.Sprintf("/api/chat/conversations/%d/", conv.ID)},
		{"GET", fmt.Sprintf("/api/chat/conversations/%d/messages/", conv.ID)},
		{"POST", fmt.Sprintf("/api/chat/conversations/%d/mark_read/", conv.ID)},
		{"POST", fmt.Sprintf("/api/chat/conversations/%d/add_message/", conv.ID)},
		{"PUT", fmt.Sprintf("/api/chat/messages/%d/edit/", m.ID)},
		{"DELETE", fmt.Sprintf("/api/chat/messages/%d/delete/", m.ID)},
		{"POST", fmt.Sprintf("/api/chat/conversations/%d/leave/", conv.ID)},
	} {
		if r := c.JSON(rq[0], rq[1], map[string]string{"content": "x"}, eve); r.StatusCode != http.StatusNotFound || strings.Contains(r.Body, "hello") {
			t.Errorf("eve %s %s: %d %s", rq[0], rq[1], r.StatusCode, r.Body)
		}
	}
	c.JSON("GET", "/api/chat/conversations/", nil, eve).JSON(t, &list)
	if list.Count != 0 {
		t.Errorf("eve's list %+v", list)
	}
	if r := c.JSON("GET", "/api/chat/conversations/", nil, ""); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", r.StatusCode)
	}

	// Users and status.
	var users struct {
		Count   int
		Results []struct {
			Username     string
			OnlineStatus bool `json:"online_status"`
		}
	}
	c.JSON("GET", "/api/chat/users/", nil, ada).JSON(t, &users)
	if users.Count != 2 {
		t.Errorf("users: %+v", users)
	}
	c.JSON("GET", "/api/chat/users/?q=bo", nil, ada).JSON(t, &users)
	if users.Count != 1 || users.Results[0].Username != "bob" {
		t.Errorf("users ?q=bo: %+v", users)
	}
	if r := c.JSON("GET", fmt.Sprintf("/api/chat/users/%d/status/", bobID), nil, ada); r.StatusCode != 200 || !strings.Contains(r.Body, `"is_online":false`) {
		t.Errorf("status: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("GET", "/api/chat/users/999999/status/", nil, ada); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown user's status: %d", r.StatusCode)
	}
}

func TestChatGroupsAPI(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	for _, n := range []string{"ada", "bob", "cy", "dee"} {
		app.User(n, "student")
	}
	c := app.Client()
	ada, _ := app.Token("ada")
	bob, _ := app.Token("bob")
	dee, _ := app.Token("dee")
	bobID, cyID, deeID := uid(t, app, "bob"), uid(t, app, "cy"), uid(t, app, "dee")
	r := c.JSON("POST", "/api/chat/groups/", map[string]any{"title": "Maths", "user_ids": []int64{bobID, cyID}}, ada)
	var g conversationOut
	r.JSON(t, &g)
	if r.StatusCode != http.StatusCreated || g.Kind != "group" || g.Title != "Maths" || len(g.Participants) != 3 {
		t.Fatalf("create group: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("POST", "/api/chat/groups/", map[string]any{"title": "", "user_ids": "x"}, ada); r.StatusCode != http.StatusBadRequest {
		t.Errorf("bad group: %d %s", r.StatusCode, r.Body)
	}
	chatSend(t, c, bob, g.ID, "hi group")
	if r := c.JSON("POST", fmt.Sprintf("/api/chat/conversations/%d/members/", g.ID), map[string]any{"user_ids": []int64{deeID}}, bob); r.StatusCode != http.StatusForbidden {
		t.Errorf("member adds: %d", r.StatusCode)
	}
	if r := c.JSON("POST", fmt.Sprintf("/api/chat/conversations/%d/members/", g.ID), map[string]any{"user_ids": []int64{deeID}}, ada); r.StatusCode != 200 || !strings.Contains(r.Body, `"username":"dee"`) {
		t.Errorf("owner adds: %d %s", r.StatusCode, r.Body)
	}
	var unread struct {
		UnreadCount int `json:"unread_count"`
	}
	c.JSON("GET", "/api/chat/unread-count/", nil, dee).JSON(t, &unread)
	if unread.UnreadCount != 0 {
		t.Errorf("newcomer's unread %d", unread.UnreadCount)
	}
	if r := c.JSON("DELETE", fmt.Sprintf("/api/chat/conversations/%d/members/%d/", g.ID, deeID), nil, ada); r.StatusCode != http.StatusNoContent {
		t.Errorf("remove: %d", r.StatusCode)
	}
	if r := c.JSON("GET", fmt.Sprintf("/api/chat/conversations/%d/", g.ID), nil, dee); r.StatusCode != http.StatusNotFound {
		t.Errorf("removed member reads: %d", r.StatusCode)
	}
	if r := c.JSON("POST", fmt.Sprintf("/api/chat/conversations/%d/leave/", g.ID), nil, bob); r.StatusCode != http.StatusNoContent {
		t.Errorf("leave: %d", r.StatusCode)
	}
}

// TestChatAPITextRules: text with control characters is a 400 naming the field, on
// every chat endpoint that takes text, and nothing is written.
func TestChatAPITextRules(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	app.User("ada", "student")
	app.User("bob", "student")
	c := app.Client()
	ada, _ := app.Token("ada")
	bobID := uid(t, app, "bob")
	r := c.JSON("POST", "/api/chat/conversations/start/", map[string]any{"user_id": bobID, "message": "\x00hello"}, ada)
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, `{"message":["Remove the control character U+0000 from this text."]}`) {
		t.Errorf("start with a NUL message: %d %s", r.StatusCode, r.Body)
	}
	var list struct{ Count int }
	c.JSON("GET", "/api/chat/conversations/", nil, ada).JSON(t, &list)
	if list.Count != 0 {
		t.Errorf("a refused start is listed: %+v", list)
	}
	r = c.JSON("POST", "/api/chat/conversations/start/", map[string]any{"user_id": bobID, "message": "hello"}, ada)
	var conv conversationOut
	r.JSON(t, &conv)
	m := chatSend(t, c, ada, conv.ID, "fine")
	for _, rq := range []struct{ method, path, field string }{
		{"POST", fmt.Sprintf("/api/chat/conversations/%d/add_message/", conv.ID), "content"},
		{"PUT", fmt.Sprintf("/api/chat/messages/%d/edit/", m.ID), "content"},
	} {
		r := c.JSON(rq.method, rq.path, map[string]string{"content": "\x00" + "x"}, ada)
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, `"`+rq.field+`":["Remove the control character U+0000`) {
			t.Errorf("%s %s: %d %s", rq.method, rq.path, r.StatusCode, r.Body)
		}
	}
	r = c.JSON("POST", "/api/chat/groups/", map[string]any{"title": "Maths\u0007", "user_ids": []int64{bobID}}, ada)
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, `"title":["Remove the control character U+0007`) {
		t.Errorf("group title with BEL: %d %s", r.StatusCode, r.Body)
	}
	var page struct{ Count int }
	c.JSON("GET", fmt.Sprintf("/api/chat/conversations/%d/messages/", conv.ID), nil, ada).JSON(t, &page)
	if page.Count != 2 {
		t.Errorf("%d messages, want the 2 valid ones", page.Count)
	}
}
