package server_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"eplatform/app/apptest"
	"eplatform/app/text"
)

// chatLimits are the relaxed limits with a small chat bucket, so that the rate limit
// is reached in a few frames.
func chatLimits(chat string) apptest.Options {
	return apptest.Options{Args: []string{"-limits", strings.Replace(apptest.RelaxedLimits[1], "chat=100000/1m", "chat="+chat, 1)}}
}

func send(t *testing.T, conn *websocket.Conn, v any) {
	t.Helper()
	var err error
	if s, ok := v.(string); ok {
		err = conn.Write(context.Background(), websocket.MessageText, []byte(s))
	} else {
		err = wsjson.Write(context.Background(), conn, v)
	}
	if err != nil {
		t.Fatalf("write %v: %v", v, err)
	}
}

// errorFrame sends v and expects an error frame whose message contains want; then a
// ping proves the socket is still open.
func errorFrame(t *testing.T, conn *websocket.Conn, v any, want string) {
	t.Helper()
	send(t, conn, v)
	f := next(t, conn, "error")
	if msg, _ := f["message"].(string); !strings.Contains(msg, want) {
		t.Errorf("%v: error %q, want %q", v, msg, want)
	}
	send(t, conn, map[string]any{"type": "ping"})
	next(t, conn, "pong")
}

// quiet checks that nothing but the pong comes back to a ping: conn received no frame
// of the listed types meanwhile.
func quiet(t *testing.T, conn *websocket.Conn, types ...string) {
	t.Helper()
	send(t, conn, map[string]any{"type": "ping"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		var f map[string]any
		if err := wsjson.Read(ctx, conn, &f); err != nil {
			t.Fatalf("waiting for pong: %v", err)
		}
		if f["type"] == "pong" {
			return
		}
		for _, typ := range types {
			if f["type"] == typ {
				t.Errorf("unexpected frame %v", f)
			}
		}
	}
}

func start(t *testing.T, c *apptest.Client, userID int64, message string) int64 {
	t.Helper()
	r := c.JSON("POST", "/api/chat/conversations/start/", map[string]any{"user_id": userID, "message": message}, "")
	if r.StatusCode != http.StatusCreated && r.StatusCode != http.StatusOK {
		t.Fatalf("start: %d %s", r.StatusCode, r.Body)
	}
	var out struct{ ID int64 }
	r.JSON(t, &out)
	return out.ID
}

func userID(t *testing.T, app *apptest.App, name string) int64 {
	t.Helper()
	u, err := app.State.DB.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func pngFile() []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 8, 8)))
	return b.Bytes()
}

// upload sends a message with a file through the API's multipart form.
func upload(t *testing.T, c *apptest.Client, conv int64, name string, data []byte) map[string]any {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("content", "see the file")
	w, _ := mw.CreateFormFile("file_attachment", name)
	w.Write(data)
	mw.Close()
	r := c.Do("POST", "/api/chat/conversations/"+text.Itoa(conv)+"/add_message/", &b, http.Header{"Content-Type": {mw.FormDataContentType()}})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.StatusCode, r.Body)
	}
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// TestChatSocketProtocol drives every client frame of the chat over real sockets:
// valid frames, bad JSON, unknown types, foreign conversations, empty and oversize
// content, the rate limit. Errors come back as error frames and the socket stays open;
// a stranger's socket sees nothing of the conversation.
func TestChatSocketProtocol(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, chatLimits("6/1m"))
	ada, bob, eve := app.User("ada", "student"), app.User("bob", "student"), app.User("eve", "student")
	adaID, bobID := userID(t, app, "ada"), userID(t, app, "bob")
	conv := start(t, ada, bobID, "")
	aw, bw, ew := dial(t, app, ada, "/ws/"), dial(t, app, bob, "/ws/chat/"), dial(t, app, eve, "/ws/")
	for _, c := range []*websocket.Conn{aw, bw, ew} {
		next(t, c, "unread_count")
	}

	// chat_message: the sender's tabs get it back with temp_id, the recipient gets it,
	// a notification and a new unread count; bob is online, so ada hears "delivered".
	send(t, aw, map[string]any{"type": "chat_message", "conversation_id": conv, "content": "hi <b>bob</b>", "temp_id": "t-1"})
	echo := next(t, aw, "chat_message")
	msg := echo["message"].(map[string]any)
	if echo["temp_id"] != "t-1" || msg["content"] != "hi <b>bob</b>" || msg["sender"] != float64(adaID) {
		t.Fatalf("echo %v", echo)
	}
	got := next(t, bw, "chat_message")
	if got["temp_id"] != nil || got["message"].(map[string]any)["id"] != msg["id"] {
		t.Fatalf("bob's frame %v", got)
	}
	next(t, bw, "new_message_notification")
	if u := next(t, bw, "unread_count"); u["messages_unread"] != float64(1) {
		t.Errorf("bob's unread_count %v", u)
	}
	if d := next(t, aw, "messages_delivered"); d["up_to_id"] != msg["id"] {
		t.Errorf("delivery receipt %v", d)
	}
	quiet(t, ew, "chat_message", "new_message_notification", "messages_delivered")

	// read_messages: ada's ticks turn to read.
	send(t, bw, map[string]any{"type": "read_messages", "conversation_id": conv})
	if r := next(t, aw, "messages_read"); r["reader_id"] != float64(bobID) || r["up_to_id"] != msg["id"] {
		t.Errorf("read receipt %v", r)
	}

	// typing goes to the others only.
	send(t, aw, map[string]any{"type": "typing", "conversation_id": conv, "is_typing": true})
	if ty := next(t, bw, "typing_indicator"); ty["user_id"] != float64(adaID) || ty["is_typing"] != true {
		t.Errorf("typing %v", ty)
	}
	send(t, aw, map[string]any{"type": "typing", "conversation_id": conv, "is_typing": false})
	if ty := next(t, bw, "typing_indicator"); ty["is_typing"] != false {
		t.Errorf("typing stopped %v", ty)
	}
	quiet(t, aw, "typing_indicator")
	quiet(t, ew, "typing_indicator")

	// file_message_sent after an upload: the file message went out live already, and
	// is sent to the others again.
	file := upload(t, ada, conv, "dot.png", pngFile())
	if f := next(t, bw, "chat_message"); f["message"].(map[string]any)["file_type"] != "image" {
		t.Fatalf("file frame %v", f)
	}
	send(t, aw, map[string]any{"type": "file_message_sent", "conversation_id": conv, "message_id": file["id"]})
	if f := next(t, bw, "chat_message"); f["message"].(map[string]any)["id"] != file["id"] {
		t.Errorf("file_message_sent frame %v", f)
	}

	// Refusals, each answered with an error frame on an open socket.
	long := strings.Repeat("x", 5001)
	for _, c := range []struct {
		conn  *websocket.Conn
		frame any
		want  string
	}{
		{aw, `{"type": "chat_message", "conversation_id": `, "Invalid message format"},
		{aw, `[1, 2]`, "Invalid message format"},
		{aw, map[string]any{"type": "chat_mesage"}, "Unknown message type: chat_mesage"},
		{aw, map[string]any{"type": "chat_message", "content": "no conversation"}, "conversation_id is required"},
		{aw, map[string]any{"type": "chat_message", "conversation_id": "7", "content": "x"}, "conversation_id has the wrong type"},
		{aw, map[string]any{"type": "chat_message", "conversation_id": conv, "content": "   "}, "Message must have content"},
		{aw, map[string]any{"type": "chat_message", "conversation_id": conv, "content": long}, "content: Ensure this field has no more than 5000 characters"},
		{aw, map[string]any{"type": "chat_message", "conversation_id": conv, "content": "\x00hi"}, "content: Remove the control character U+0000"},
		{ew, map[string]any{"type": "chat_message", "conversation_id": conv, "content": "let me in"}, "Conversation not found"},
		{ew, map[string]any{"type": "chat_message", "conversation_id": 999999, "content": "hello?"}, "Conversation not found"},
		{ew, map[string]any{"type": "read_messages", "conversation_id": conv}, "Conversation not found"},
		{aw, map[string]any{"type": "read_messages"}, "conversation_id is required"},
		{ew, map[string]any{"type": "typing", "conversation_id": conv, "is_typing": true}, "Conversation not found"},
		{aw, map[string]any{"type": "typing", "conversation_id": conv, "is_typing": "yes"}, "is_typing has the wrong type"},
		{ew, map[string]any{"type": "file_message_sent", "conversation_id": conv, "message_id": file["id"]}, "Conversation not found"},
		{bw, map[string]any{"type": "file_message_sent", "conversation_id": conv, "message_id": file["id"]}, "Message not found"},
		{aw, map[string]any{"type": "file_message_sent", "conversation_id": conv}, "message_id is required"},
	} {
		errorFrame(t, c.conn, c.frame, c.want)
	}
	quiet(t, bw, "chat_message") // none of the refused frames reached bob

	// The bucket (6 here) is shared with the API: ada sent 1 frame, 1 upload and 1
	// file_message_sent; three more pass, the next is refused, and the socket stays.
	for i := range 3 {
		send(t, aw, map[string]any{"type": "chat_message", "conversation_id": conv, "content": "burst", "temp_id": i})
		next(t, aw, "chat_message")
	}
	errorFrame(t, aw, map[string]any{"type": "chat_message", "conversation_id": conv, "content": "one too many"}, "too quickly")
	if r := ada.JSON("POST", "/api/chat/conversations/"+text.Itoa(conv)+"/add_message/", map[string]string{"content": "via the API"}, ""); r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Errorf("API send over the limit: %d %v", r.StatusCode, r.Header)
	}
	// bob's bucket is his own.
	send(t, bw, map[string]any{"type": "chat_message", "conversation_id": conv, "content": "still fine"})
	next(t, aw, "chat_message")
	quiet(t, ew, "chat_message", "new_message_notification", "typing_indicator", "messages_read", "messages_delivered", "user_status")
}

// TestPendingDeliveredOnConnect: more messages than a socket buffer holds wait for an
// offline recipient and all arrive, oldest first, when he connects; the sender's
// ticks turn to delivered.
func TestPendingDeliveredOnConnect(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ada, bob := app.User("ada", "student"), app.User("bob", "student")
	conv := start(t, ada, userID(t, app, "bob"), "first")
	const n = 100
	for i := 1; i < n; i++ {
		if r := ada.JSON("POST", "/api/chat/conversations/"+text.Itoa(conv)+"/add_message/", map[string]string{"content": "m" + text.Itoa(int64(i))}, ""); r.StatusCode != 201 {
			t.Fatalf("send %d: %d", i, r.StatusCode)
		}
	}
	aw := dial(t, app, ada, "/ws/")
	next(t, aw, "unread_count")
	bw := dial(t, app, bob, "/ws/")
	var last float64
	for i := range n {
		f := next(t, bw, "chat_message")
		id := f["message"].(map[string]any)["id"].(float64)
		if id <= last {
			t.Fatalf("frame %d out of order", i)
		}
		last = id
	}
	// ada's ticks: delivered up to the last message, in one or more receipts.
	for {
		if d := next(t, aw, "messages_delivered"); d["up_to_id"] == last {
			break
		}
	}
	send(t, bw, map[string]any{"type": "ping"})
	next(t, bw, "pong")
	var page struct {
		Results []struct {
			DeliveryStatus string `json:"delivery_status"`
		}
	}
	ada.Get("/api/chat/conversations/"+text.Itoa(conv)+"/messages/?page_size=100").JSON(t, &page)
	for _, m := range page.Results {
		if m.DeliveryStatus != "delivered" {
			t.Fatalf("status %q after delivery", m.DeliveryStatus)
		}
	}
}

// TestPresence: online while any tab is open, offline with last_seen when the last
// one closes; only people who share a conversation hear about it.
func TestPresence(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ada, bob, eve := app.User("ada", "student"), app.User("bob", "student"), app.User("eve", "student")
	start(t, ada, userID(t, app, "bob"), "")
	bobID := text.Itoa(userID(t, app, "bob"))
	aw, ew := dial(t, app, ada, "/ws/"), dial(t, app, eve, "/ws/")
	next(t, aw, "unread_count")
	next(t, ew, "unread_count")
	tab1 := dial(t, app, bob, "/ws/")
	if s := next(t, aw, "user_status"); s["status"] != true || text.Itoa(int64(s["user_id"].(float64))) != bobID {
		t.Fatalf("online frame %v", s)
	}
	tab2 := dial(t, app, bob, "/ws/")
	next(t, tab2, "unread_count")
	tab1.Close(websocket.StatusNormalClosure, "")
	quiet(t, aw, "user_status") // a tab is still open
	var st struct {
		IsOnline bool `json:"is_online"`
	}
	ada.Get("/api/chat/users/"+bobID+"/status/").JSON(t, &st)
	if !st.IsOnline {
		t.Error("bob offline with a tab open")
	}
	tab2.Close(websocket.StatusNormalClosure, "")
	if s := next(t, aw, "user_status"); s["status"] != false || s["last_seen"] == nil {
		t.Fatalf("offline frame %v", s)
	}
	quiet(t, ew, "user_status")
	ada.Get("/api/chat/users/"+bobID+"/status/").JSON(t, &st)
	if st.IsOnline {
		t.Error("bob online after closing every tab")
	}
	if r := ada.Get("/api/chat/users/999999/status/"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown user status: %d", r.StatusCode)
	}

}
