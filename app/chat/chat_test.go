package chat_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"eplatform/app/apptest"
	"eplatform/app/chat"
	"eplatform/app/form"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
)

// The chat's rules, called as the handlers call them, on a running app: a real
// database, the real hub, and real sockets (dialled like a client's) to see what is
// delivered live.

func setup(t *testing.T, names ...string) (*apptest.App, *chat.Service, []store.User) {
	t.Helper()
	return setupWith(t, apptest.StartRelaxed(t), names...)
}

func setupWith(t *testing.T, app *apptest.App, names ...string) (*apptest.App, *chat.Service, []store.User) {
	t.Helper()
	users := make([]store.User, len(names))
	for i, n := range names {
		users[i] = app.Account(n, "student")
	}
	return app, app.State.Chat, users
}

func wantKind(t *testing.T, what string, err error, k problem.Kind) *problem.Error {
	t.Helper()
	p, ok := problem.As(err)
	if !ok || p.Kind != k {
		t.Fatalf("%s: got %v, want a %v problem", what, err, k)
	}
	return p
}

// wantField checks that err is an invalid input naming field with a message
// containing msg.
func wantField(t *testing.T, what string, err error, field, msg string) {
	t.Helper()
	p := wantKind(t, what, err, problem.KindInvalid)
	if got := strings.Join(p.Fields[field], " "); !strings.Contains(got, msg) {
		t.Errorf("%s: %s error %q, want %q (all: %v)", what, field, got, msg, p.Fields)
	}
}

func direct(t *testing.T, s *chat.Service, a, b store.User) int64 {
	t.Helper()
	res, err := s.StartDirect(context.Background(), a, b.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	return res.ConversationID
}

func send(t *testing.T, s *chat.Service, from store.User, conv int64, content string) store.Message {
	t.Helper()
	m, err := s.Send(context.Background(), from, conv, content, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func status(t *testing.T, app *apptest.App, id int64) string {
	t.Helper()
	m, err := app.State.DB.MessageByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m.Status
}

func listed(t *testing.T, s *chat.Service, u store.User) []int64 {
	t.Helper()
	ctx := context.Background()
	items, err := s.Conversations(ctx, u.ID, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.CountConversations(ctx, u.ID)
	if err != nil || n != len(items) {
		t.Fatalf("count %d (%v) for %d listed", n, err, len(items))
	}
	var ids []int64
	for _, it := range items {
		ids = append(ids, it.Conversation.ID)
	}
	return ids
}

func pngBytes() []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4)))
	return b.Bytes()
}

// ---- sockets --------------------------------------------------------------------------

// socket is a user's open socket; a goroutine keeps every frame it receives.
type socket struct {
	t    *testing.T
	conn *websocket.Conn
	mu   sync.Mutex
	got  []map[string]any
	wake chan struct{}
}

// connect opens a socket for u with an API token, as a mobile client does.
func connect(t *testing.T, app *apptest.App, u store.User) *socket {
	t.Helper()
	access, _ := app.Token(u.Username)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(app.URL, "http")+"/ws/?access_token="+access, nil)
	if err != nil {
		t.Fatalf("dial as %s: %v", u.Username, err)
	}
	s := &socket{t: t, conn: conn, wake: make(chan struct{}, 1)}
	t.Cleanup(func() { conn.CloseNow() })
	go func() {
		for {
			var f map[string]any
			if err := wsjson.Read(context.Background(), conn, &f); err != nil {
				return // closed
			}
			s.mu.Lock()
			s.got = append(s.got, f)
			s.mu.Unlock()
			select {
			case s.wake <- struct{}{}:
			default:
			}
		}
	}()
	s.next("unread_count") // the hooks ran: the socket is registered and online
	return s
}

func (s *socket) send(v any) {
	s.t.Helper()
	var err error
	if raw, ok := v.(string); ok {
		err = s.conn.Write(context.Background(), websocket.MessageText, []byte(raw))
	} else {
		err = wsjson.Write(context.Background(), s.conn, v)
	}
	if err != nil {
		s.t.Fatalf("write %v: %v", v, err)
	}
}

// next waits for the first frame of type typ not taken yet, and takes it.
func (s *socket) next(typ string) map[string]any {
	s.t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		for i, f := range s.got {
			if f["type"] == typ {
				s.got = slices.Delete(s.got, i, i+1)
				s.mu.Unlock()
				return f
			}
		}
		s.mu.Unlock()
		select {
		case <-s.wake:
		case <-deadline.C:
			s.t.Fatalf("no %s frame within 10 s", typ)
		}
	}
}

// take waits until everything sent to the socket so far has arrived (the answer to a
// ping comes after it) and takes the frames of type typ.
func (s *socket) take(typ string) []map[string]any {
	s.t.Helper()
	s.send(map[string]any{"type": "ping"})
	s.next("pong")
	s.mu.Lock()
	defer s.mu.Unlock()
	var out, keep []map[string]any
	for _, f := range s.got {
		if f["type"] == typ {
			out = append(out, f)
		} else {
			keep = append(keep, f)
		}
	}
	s.got = keep
	return out
}

// refused sends a frame and returns the message of the error frame it gets.
func (s *socket) refused(v any) string {
	s.t.Helper()
	s.send(v)
	msg, _ := s.next("error")["message"].(string)
	return msg
}

func msgID(f map[string]any) int64 {
	m, _ := f["message"].(map[string]any)
	id, _ := m["id"].(float64)
	return int64(id)
}

// ---- starting conversations -------------------------------------------------------------

func TestStartDirect(t *testing.T) {
	app, s, u := setup(t, "ada", "bob", "eve")
	ada, bob, eve := u[0], u[1], u[2]
	ctx := context.Background()
	bw := connect(t, app, bob)

	// "Message" on bob's profile: the conversation exists, but is listed for nobody
	// and bob hears nothing of it until a first message (issue 14).
	res, err := s.StartDirect(ctx, ada, bob.ID, "")
	if err != nil || !res.Created || res.Message != nil {
		t.Fatalf("start: %+v %v", res, err)
	}
	if got := listed(t, s, ada); len(got) != 0 {
		t.Errorf("an empty conversation is listed for ada: %v", got)
	}
	if got := listed(t, s, bob); len(got) != 0 {
		t.Errorf("an empty conversation is listed for bob: %v", got)
	}
	if got := bw.take("conversation_updated"); len(got) != 0 {
		t.Errorf("bob heard of an empty conversation: %v", got)
	}
	if id, err := s.ExistingDirect(ctx, bob.ID, ada.ID); err != nil || id != res.ConversationID {
		t.Errorf("existing for bob: %d %v", id, err)
	}
	if id, err := s.ExistingDirect(ctx, ada.ID, eve.ID); err != nil || id != 0 {
		t.Errorf("none with eve: %d %v", id, err)
	}
	// Either side opens the same one.
	again, err := s.StartDirect(ctx, bob, ada.ID, "")
	if err != nil || again.Created || again.ConversationID != res.ConversationID {
		t.Fatalf("reopen: %+v %v", again, err)
	}
	// The first message lists it for both and reaches bob live.
	m := send(t, s, ada, res.ConversationID, "hello")
	if got := listed(t, s, bob); !slices.Equal(got, []int64{res.ConversationID}) {
		t.Errorf("bob's list after the first message: %v", got)
	}
	if got := listed(t, s, ada); !slices.Equal(got, []int64{res.ConversationID}) {
		t.Errorf("ada's list after the first message: %v", got)
	}
	if f := bw.next("chat_message"); msgID(f) != m.ID {
		t.Errorf("bob's frame %v", f)
	}
	if n, err := s.Unread(ctx, bob.ID); err != nil || n != 1 {
		t.Errorf("bob's unread: %d %v", n, err)
	}

	// Starting with a first message: created, listed and delivered at once.
	ew := connect(t, app, eve)
	withMsg, err := s.StartDirect(ctx, ada, eve.ID, "  hi eve  ")
	if err != nil || !withMsg.Created || withMsg.Message == nil || withMsg.Message.Content != "hi eve" {
		t.Fatalf("start with a message: %+v %v", withMsg, err)
	}
	if got := ew.take("conversation_updated"); len(got) != 1 {
		t.Errorf("eve's conversation_updated frames: %v", got)
	}
	if f := ew.next("new_message_notification"); msgID(f) != withMsg.Message.ID {
		t.Errorf("eve's notification %v", f)
	}
	if withMsg.Message.Status != "delivered" {
		t.Errorf("eve is online, the first message is %s", withMsg.Message.Status)
	}

	// Refusals: yourself (the whole request), unknown or deactivated people and bad
	// first messages (naming the field). None writes anything.
	p := wantKind(t, "yourself", mustFail(s.StartDirect(ctx, ada, ada.ID, "")), problem.KindInvalid)
	if !strings.Contains(p.Message, "yourself") || len(p.Fields) != 0 {
		t.Errorf("yourself: %+v", p)
	}
	wantField(t, "unknown", mustFail(s.StartDirect(ctx, ada, 999999, "")), "user_id", "does not exist")
	wantField(t, "no id", mustFail(s.StartDirect(ctx, ada, 0, "")), "user_id", "does not exist")
	carl := app.Account("carl", "student")
	if err := app.State.Auth.SetActive(ctx, carl.ID, false); err != nil {
		t.Fatal(err)
	}
	wantField(t, "deactivated", mustFail(s.StartDirect(ctx, ada, carl.ID, "")), "user_id", "does not exist")
	wantField(t, "NUL message", mustFail(s.StartDirect(ctx, bob, eve.ID, "\x00hi")), "message", "control character U+0000")
	wantField(t, "long message", mustFail(s.StartDirect(ctx, bob, eve.ID, strings.Repeat("é", chat.MaxContent+1))), "message", "no more than 5000")
	if id, err := s.ExistingDirect(ctx, bob.ID, eve.ID); err != nil || id != 0 {
		t.Errorf("a refused start created a conversation: %d %v", id, err)
	}
}

func mustFail[T any](_ T, err error) error { return err }

// TestStartDirectRace: both people press "Message" at once, many times: one
// conversation, created once.
func TestStartDirectRace(t *testing.T) {
	_, s, u := setup(t, "ada", "bob")
	var wg sync.WaitGroup
	results := make([]chat.StartResult, 8)
	errs := make([]error, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			from, to := u[i%2], u[1-i%2]
			results[i], errs[i] = s.StartDirect(context.Background(), from, to.ID, "hi")
		}()
	}
	wg.Wait()
	created := 0
	for i, r := range results {
		if errs[i] != nil || r.ConversationID != results[0].ConversationID || r.Message == nil {
			t.Fatalf("start %d: %+v %v", i, r, errs[i])
		}
		if r.Created {
			created++
		}
	}
	if created != 1 {
		t.Fatalf("created %d times", created)
	}
	n, err := s.CountHistory(context.Background(), u[0].ID, store.MessageQuery{ConversationID: results[0].ConversationID})
	if err != nil || n != 8 {
		t.Fatalf("%d first messages kept (%v), want 8", n, err)
	}
}

// ---- messages -------------------------------------------------------------------------

func TestSendValidatesContent(t *testing.T) {
	_, s, u := setup(t, "ada", "bob")
	ada := u[0]
	ctx := context.Background()
	conv := direct(t, s, ada, u[1])
	for _, tc := range []struct{ name, content, field, msg string }{
		{"blank", "  \n\t ", form.NonField, "either content or a file"},
		{"too long", strings.Repeat("é", chat.MaxContent+1), "content", "no more than 5000 characters (it has 5001)"},
		{"NUL first", "\x00hello", "content", "control character U+0000"},
		{"escape", "red \x1b[31m", "content", "control character U+001B"},
		{"C1", "a\u0085b", "content", "control character U+0085"},
		{"invalid UTF-8", "a\xffb", "content", "not valid UTF-8"},
	} {
		_, err := s.Send(ctx, ada, conv, tc.content, nil, "")
		wantField(t, tc.name, err, tc.field, tc.msg)
	}
	// Exactly the limit, counted in characters; Windows line ends become newlines.
	m, err := s.Send(ctx, ada, conv, strings.Repeat("é", chat.MaxContent-4)+"\r\na\tb", nil, "")
	if err != nil || strings.Contains(m.Content, "\r") || !strings.HasSuffix(m.Content, "\na\tb") {
		t.Fatalf("a message of exactly the limit: %v", err)
	}
	if n, err := s.CountHistory(ctx, ada.ID, store.MessageQuery{ConversationID: conv}); err != nil || n != 1 {
		t.Fatalf("only the valid message was written: %d %v", n, err)
	}
	// Strangers and missing conversations: not found, before any rule is applied.
	stranger := store.User{ID: 999999, Username: "nobody"}
	wantKind(t, "stranger", mustFail(s.Send(ctx, stranger, conv, "let me in", nil, "")), problem.KindNotFound)
	wantKind(t, "no conversation", mustFail(s.Send(ctx, ada, 999999, "hello?", nil, "")), problem.KindNotFound)
}

func TestSendFiles(t *testing.T) {
	app, s, u := setup(t, "ada", "bob", "eve")
	ada, bob, eve := u[0], u[1], u[2]
	ctx := context.Background()
	conv := direct(t, s, ada, bob)
	mp4 := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), make([]byte, 64)...)
	for _, tc := range []struct {
		name, file string
		data       []byte
		typ, ctype string
	}{
		{"image", "dot.png", pngBytes(), "image", "image/png"},
		{"audio", "song.mp3", append([]byte("ID3\x03\x00\x00\x00\x00\x00\x00"), make([]byte, 64)...), "audio", "audio/mpeg"},
		{"video", "clip.mp4", mp4, "video", "video/mp4"},
		{"pdf", "notes.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"), "document", "application/pdf"},
		{"text", "notes.txt", []byte("plain notes\n"), "document", "text/plain; charset=utf-8"},
	} {
		m, err := s.Send(ctx, bob, conv, "", &chat.Upload{Name: tc.file, Data: tc.data}, "")
		if err != nil || m.File == nil || m.File.Type != tc.typ || m.File.ContentType != tc.ctype {
			t.Fatalf("%s: %+v %v", tc.name, m.File, err)
		}
		if chat.IsInline(tc.typ) != (tc.typ != "document") {
			t.Errorf("%s: inline %v", tc.name, chat.IsInline(tc.typ))
		}
		// Served to members by the stored name only.
		name := m.File.Path[strings.LastIndex(m.File.Path, "/")+1:]
		if f, err := s.FileOf(ctx, ada.ID, m.ID, name); err != nil || f.Name != tc.file {
			t.Errorf("%s for ada: %+v %v", tc.name, f, err)
		}
		wantKind(t, tc.name+" for a stranger", mustFail(s.FileOf(ctx, eve.ID, m.ID, name)), problem.KindNotFound)
		wantKind(t, tc.name+" by another name", mustFail(s.FileOf(ctx, ada.ID, m.ID, "x"+name)), problem.KindNotFound)
		j := s.MessageOf(m, ada.ID, 0)
		if j.FileURL == nil || *j.FileURL != app.URL+chat.FileURL(m.ID, m.File.Path) || *j.FileType != tc.typ || *j.FileSize != int64(len(tc.data)) {
			t.Errorf("%s as JSON: %+v", tc.name, j)
		}
	}
	text := send(t, s, ada, conv, "no file")
	wantKind(t, "file of a message without one", mustFail(s.FileOf(ctx, bob.ID, text.ID, "x.png")), problem.KindNotFound)

	// Refused by their content, as the field's error; the text's error comes along.
	for _, tc := range []struct {
		name, file, content string
		data                []byte
		msg                 string
	}{
		{"executable", "run.exe", "", []byte("MZ\x90\x00\x03binary"), "Send an image, a video"},
		{"fake image", "x.png", "", []byte("\x89PNG\r\n\x1a\nnot really"), "image"},
		{"html", "page.html", "", []byte("<!DOCTYPE html><script>alert(1)</script>"), "Send an image"},
		{"empty", "empty.txt", "", nil, "The file is empty."},
		{"with bad text", "run.exe", "\x00", []byte("MZ\x90\x00"), "Send an image"},
	} {
		_, err := s.Send(ctx, bob, conv, tc.content, &chat.Upload{Name: tc.file, Data: tc.data}, "")
		wantField(t, tc.name, err, "file_attachment", tc.msg)
		if tc.content != "" {
			wantField(t, tc.name, err, "content", "control character")
		}
	}
	big := make([]byte, chat.MaxFileBytes+1)
	copy(big, pngBytes())
	wantKind(t, "over 5 MB", mustFail(s.Send(ctx, bob, conv, "", &chat.Upload{Name: "big.png", Data: big}, "")), problem.KindTooLarge)
	if n, _ := s.CountHistory(ctx, ada.ID, store.MessageQuery{ConversationID: conv}); n != 6 {
		t.Errorf("%d messages written, want the 6 valid ones", n)
	}
}

// TestDeliveryAndReadStates: pending while bob is offline, delivered when he
// connects (oldest first, deleted ones skipped), at once while he is online, read when
// he reads; ada hears of each change.
func TestDeliveryAndReadStates(t *testing.T) {
	app, s, u := setup(t, "ada", "bob", "eve")
	ada, bob, eve := u[0], u[1], u[2]
	ctx := context.Background()
	conv := direct(t, s, ada, bob)
	aw := connect(t, app, ada)
	m1 := send(t, s, ada, conv, "one")
	gone := send(t, s, ada, conv, "a typo")
	m2 := send(t, s, ada, conv, "two")
	if status(t, app, m1.ID) != "pending" || m1.Status != "pending" {
		t.Fatal("offline recipient: not pending")
	}
	if _, err := s.Delete(ctx, ada, gone.ID); err != nil {
		t.Fatal(err)
	}
	aw.take("messages_delivered")
	aw.take("chat_message") // her own tabs' copies

	// Bob connects: the two arrive oldest first; both turn delivered, and so does the
	// deleted one between them, so ada's receipt covers up to the last.
	bw := connect(t, app, bob)
	if f := bw.next("chat_message"); msgID(f) != m1.ID {
		t.Fatalf("first pending frame %v", f)
	}
	if f := bw.next("chat_message"); msgID(f) != m2.ID {
		t.Fatalf("second pending frame %v", f)
	}
	if d := aw.next("messages_delivered"); int64(d["up_to_id"].(float64)) != m2.ID {
		t.Fatalf("ada's delivery receipt %v", d)
	}
	if status(t, app, m1.ID) != "delivered" || status(t, app, m2.ID) != "delivered" {
		t.Fatal("not delivered after connecting")
	}
	if got := bw.take("chat_message"); len(got) != 0 {
		t.Errorf("the deleted message was handed over: %v", got)
	}
	// Online: delivered at once; the sender's tabs get the temp_id back.
	m3, err := s.Send(ctx, ada, conv, "three", nil, `"t-1"`)
	if err != nil || m3.Status != "delivered" {
		t.Fatalf("online recipient: %+v %v", m3, err)
	}
	echo := aw.next("chat_message")
	if echo["temp_id"] != "t-1" || msgID(echo) != m3.ID {
		t.Errorf("echo %v", echo)
	}
	if f := bw.next("chat_message"); f["temp_id"] != nil {
		t.Errorf("bob got ada's temp_id: %v", f)
	}
	// temp_ids: any short JSON value comes back as it was; other text as a string;
	// anything long is dropped.
	for temp, want := range map[string]any{`7`: float64(7), `not json`: "not json", strings.Repeat("x", 70): nil} {
		if _, err := s.Send(ctx, ada, conv, "temp", nil, temp); err != nil {
			t.Fatal(err)
		}
		if got := aw.next("chat_message")["temp_id"]; got != want {
			t.Errorf("temp_id %q came back as %v", temp, got)
		}
	}
	if u := bw.take("unread_count"); len(u) == 0 || u[len(u)-1]["messages_unread"] != float64(6) {
		t.Errorf("bob's unread_count frames %v", u)
	}

	// Bob reads: ada's ticks turn to read, bob's other tabs drop the badge.
	n, err := s.MarkRead(ctx, bob.ID, conv)
	if err != nil || n != 6 || status(t, app, m3.ID) != "read" {
		t.Fatalf("mark read: %d %v %s", n, err, status(t, app, m3.ID))
	}
	r := aw.next("messages_read")
	if int64(r["reader_id"].(float64)) != bob.ID || r["up_to_id"] == nil {
		t.Errorf("ada's read receipt %v", r)
	}
	if u := bw.next("unread_count"); u["messages_unread"] != float64(0) {
		t.Errorf("bob's badge after reading: %v", u)
	}
	if n, err := s.MarkRead(ctx, bob.ID, conv); err != nil || n != 0 {
		t.Errorf("second mark read: %d %v", n, err)
	}
	wantKind(t, "stranger marks read", mustFail(s.MarkRead(ctx, eve.ID, conv)), problem.KindNotFound)

	// How each side sees the messages.
	msgs, me, err := s.History(ctx, ada.ID, store.MessageQuery{ConversationID: conv, Limit: 100})
	if err != nil || len(msgs) != 7 || msgs[0].ID <= msgs[1].ID {
		t.Fatalf("history: %d %v", len(msgs), err)
	}
	if j := s.MessageOf(msgs[0], ada.ID, me.LastRead); !j.IsRead || j.DeliveryStatus != "read" || *j.Sender != ada.ID || j.SenderName != "Ada Tester" {
		t.Errorf("ada's view of her read message: %+v", j)
	}
	older, _, err := s.History(ctx, bob.ID, store.MessageQuery{ConversationID: conv, BeforeID: m2.ID, Ascending: true})
	if err != nil || len(older) != 2 || older[0].ID != m1.ID || !older[1].IsDeleted {
		t.Errorf("before m2: %+v %v", older, err)
	}
	if n, err := s.CountHistory(ctx, bob.ID, store.MessageQuery{ConversationID: conv, AfterID: m2.ID}); err != nil || n != 4 {
		t.Errorf("after m2: %d %v", n, err)
	}
	wantKind(t, "stranger's history", mustFail(s.CountHistory(ctx, eve.ID, store.MessageQuery{ConversationID: conv})), problem.KindNotFound)
	_, _, err = s.History(ctx, eve.ID, store.MessageQuery{ConversationID: conv})
	wantKind(t, "stranger's history", err, problem.KindNotFound)
}

// TestPendingBacklog: a backlog bigger than a batch reaches a socket whole, in order.
func TestPendingBacklog(t *testing.T) {
	app, s, u := setup(t, "ada", "bob")
	conv := direct(t, s, u[0], u[1])
	var ids []int64
	for i := range 75 {
		ids = append(ids, send(t, s, u[0], conv, "message "+text.Itoa(int64(i))).ID)
	}
	aw := connect(t, app, u[0])
	bw := connect(t, app, u[1])
	for i, id := range ids {
		if f := bw.next("chat_message"); msgID(f) != id {
			t.Fatalf("frame %d is message %d, want %d", i, msgID(f), id)
		}
	}
	// The watermark follows each batch; ada hears when it reaches the last.
	for {
		if d := aw.next("messages_delivered"); int64(d["up_to_id"].(float64)) == ids[74] {
			break
		}
	}
	for _, id := range []int64{ids[0], ids[74]} {
		if st := status(t, app, id); st != "delivered" {
			t.Errorf("message %d is %s", id, st)
		}
	}
}

func TestEditAndDelete(t *testing.T) {
	app, s, u := setup(t, "ada", "bob", "eve")
	ada, bob, eve := u[0], u[1], u[2]
	ctx := context.Background()
	conv := direct(t, s, ada, bob)
	bw := connect(t, app, bob)
	m, err := s.Send(ctx, ada, conv, "look", &chat.Upload{Name: "pic.png", Data: pngBytes()}, "")
	if err != nil {
		t.Fatal(err)
	}
	// Only the sender edits and deletes; strangers do not even see it.
	wantKind(t, "bob edits", mustFail(s.Edit(ctx, bob, m.ID, "hijack")), problem.KindForbidden)
	wantKind(t, "eve edits", mustFail(s.Edit(ctx, eve, m.ID, "hijack")), problem.KindNotFound)
	wantKind(t, "bob deletes", mustFail(s.Delete(ctx, bob, m.ID)), problem.KindForbidden)
	wantKind(t, "eve deletes", mustFail(s.Delete(ctx, eve, m.ID)), problem.KindNotFound)
	wantKind(t, "eve reads", mustFail(s.Message(ctx, eve.ID, m.ID)), problem.KindNotFound)
	wantKind(t, "missing", mustFail(s.Edit(ctx, ada, 999999, "x")), problem.KindNotFound)
	// The text's rules, naming the field.
	for _, tc := range []struct{ name, content, msg string }{
		{"blank", "   ", "may not be blank"},
		{"NUL", "\x00", "control character U+0000"},
		{"too long", strings.Repeat("a", chat.MaxContent+1), "no more than 5000"},
	} {
		wantField(t, tc.name, mustFail(s.Edit(ctx, ada, m.ID, tc.content)), "content", tc.msg)
	}
	edited, err := s.Edit(ctx, ada, m.ID, "look at this")
	if err != nil || !edited.IsEdited || edited.Content != "look at this" || edited.File == nil {
		t.Fatalf("edit: %+v %v", edited, err)
	}
	if f := bw.next("message_updated"); msgID(f) != m.ID || f["message"].(map[string]any)["content"] != "look at this" {
		t.Errorf("bob's update frame %v", f)
	}
	mv, err := s.Message(ctx, bob.ID, m.ID)
	if err != nil || mv.Group || mv.Message.Content != "look at this" || mv.Me.UserID != bob.ID {
		t.Errorf("bob's view: %+v %v", mv, err)
	}

	// Deleting blanks the text and the file, everywhere, and takes the file off disk.
	del, err := s.Delete(ctx, ada, m.ID)
	if err != nil || !del.IsDeleted || del.Content != "" || del.File != nil {
		t.Fatalf("delete: %+v %v", del, err)
	}
	if f, err := app.State.Media.Open(m.File.Path); err == nil {
		f.Close()
		t.Error("the deleted message's file is still stored")
	}
	if f := bw.next("message_updated"); f["message"].(map[string]any)["is_deleted"] != true {
		t.Errorf("bob's delete frame %v", f)
	}
	if n, err := s.Unread(ctx, bob.ID); err != nil || n != 0 {
		t.Errorf("the deleted unread message still counts: %d %v", n, err)
	}
	if u := bw.take("unread_count"); len(u) == 0 || u[len(u)-1]["messages_unread"] != float64(0) {
		t.Errorf("bob's badge after the delete: %v", u)
	}
	wantField(t, "edit a deleted message", mustFail(s.Edit(ctx, ada, m.ID, "again")), "content", "deleted message cannot be edited")
	if again, err := s.Delete(ctx, ada, m.ID); err != nil || !again.IsDeleted {
		t.Errorf("deleting twice: %+v %v", again, err)
	}
}

// TestSendingIsRateLimited: one bucket per user for every way of sending.
func TestSendingIsRateLimited(t *testing.T) {
	app := apptest.Start(t, apptest.Options{Args: []string{"-limits",
		strings.Replace(apptest.RelaxedLimits[1], "chat=100000/1m", "chat=3/1m", 1)}})
	_, s, u := setupWith(t, app, "ada", "bob", "cy")
	ada, bob := u[0], u[1]
	ctx := context.Background()
	first, err := s.StartDirect(ctx, ada, bob.ID, "hello") // a first message takes a token
	if err != nil {
		t.Fatal(err)
	}
	conv := first.ConversationID
	send(t, s, ada, conv, "two")
	aw := connect(t, app, ada)
	aw.send(map[string]any{"type": "chat_message", "conversation_id": conv, "content": "three"})
	aw.next("chat_message")
	p := wantKind(t, "fourth", mustFail(s.Send(ctx, ada, conv, "four", nil, "")), problem.KindRateLimited)
	if p.RetryAfter <= 0 || !strings.Contains(p.Message, "too quickly") {
		t.Errorf("refusal %+v", p)
	}
	wantKind(t, "start with a message", mustFail(s.StartDirect(ctx, ada, u[2].ID, "hi")), problem.KindRateLimited)
	if msg := aw.refused(map[string]any{"type": "chat_message", "conversation_id": conv, "content": "five"}); !strings.Contains(msg, "too quickly") {
		t.Errorf("socket over the limit: %q", msg)
	}
	// Opening a conversation without a message is not sending; bob's bucket is his.
	if _, err := s.StartDirect(ctx, ada, u[2].ID, ""); err != nil {
		t.Errorf("start without a message: %v", err)
	}
	send(t, s, bob, conv, "fine")
	// The bucket refills with time.
	app.Clock.Advance(time.Minute)
	send(t, s, ada, conv, "later")
}

// ---- groups ---------------------------------------------------------------------------

func TestGroupRules(t *testing.T) {
	app, s, u := setup(t, "owner", "ann", "ben", "cat")
	o, ann, ben, cat := u[0], u[1], u[2], u[3]
	ctx := context.Background()

	// Problems with the title and the members come back together.
	err := mustFail(s.CreateGroup(ctx, o, " ", nil))
	wantField(t, "empty group", err, "title", "Give the group a name")
	wantField(t, "empty group", err, "user_ids", "at least one other member")
	err = mustFail(s.CreateGroup(ctx, o, "\x00G", []int64{ann.ID, 999999}))
	wantField(t, "NUL title", err, "title", "control character U+0000")
	wantField(t, "unknown member", err, "user_ids", "User 999999 does not exist")
	wantField(t, "long title", mustFail(s.CreateGroup(ctx, o, strings.Repeat("é", chat.MaxTitle+1), []int64{ann.ID})), "title", "no more than 100")
	wantField(t, "only me", mustFail(s.CreateGroup(ctx, o, "Me", []int64{o.ID})), "user_ids", "at least one other member")

	ow, aw, cw := connect(t, app, o), connect(t, app, ann), connect(t, app, cat)
	g, err := s.CreateGroup(ctx, o, "  Study \n  group ", []int64{ann.ID, ben.ID, ann.ID, o.ID})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := s.Conversation(ctx, o.ID, g)
	if err != nil || sum.Conversation.Title != "Study group" || len(sum.Members) != 3 || !sum.IsOwner() || sum.Title(o.ID) != "Study group" {
		t.Fatalf("group %+v %v", sum, err)
	}
	// An empty group is listed (someone chose its members), and its members hear of it.
	if got := listed(t, s, ann); !slices.Equal(got, []int64{g}) {
		t.Errorf("ann's list %v", got)
	}
	if f := aw.next("conversation_updated"); int64(f["conversation_id"].(float64)) != g {
		t.Errorf("ann's frame %v", f)
	}
	ow.next("conversation_updated")

	// Only the owner adds, removes and renames; a stranger learns nothing.
	wantKind(t, "member adds", s.AddMembers(ctx, ann, g, []int64{cat.ID}), problem.KindForbidden)
	wantKind(t, "stranger adds", s.AddMembers(ctx, cat, g, []int64{cat.ID}), problem.KindNotFound)
	wantKind(t, "stranger adds by name", s.AddMembersNamed(ctx, cat, g, "cat"), problem.KindNotFound)
	wantKind(t, "member removes", s.RemoveMember(ctx, ann, g, ben.ID), problem.KindForbidden)
	wantKind(t, "member renames", s.RenameGroup(ctx, ann, g, "Mine"), problem.KindForbidden)
	wantKind(t, "owner removes self", s.RemoveMember(ctx, o, g, o.ID), problem.KindForbidden)
	wantField(t, "rename to NUL", s.RenameGroup(ctx, o, g, "\x00"), "title", "control character")
	wantField(t, "add nobody", s.AddMembers(ctx, o, g, nil), "user_ids", "Choose at least one")
	wantField(t, "add unknown", s.AddMembers(ctx, o, g, []int64{999999}), "user_ids", "does not exist")
	wantField(t, "add myself by name", s.AddMembersNamed(ctx, o, g, "@Owner"), "user_ids", "Choose at least one")
	wantField(t, "add unknown names", s.AddMembersNamed(ctx, o, g, "cat, nobody"), "user_ids", "No user is called nobody.")
	wantField(t, "add a NUL name", s.AddMembersNamed(ctx, o, g, "cat\x00"), "user_ids", "control character")

	m := send(t, s, ann, g, "hi all")
	if err := s.AddMembersNamed(ctx, o, g, "@Cat;ann"); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Unread(ctx, cat.ID); err != nil || n != 0 {
		t.Errorf("a newcomer has %d unread (%v)", n, err)
	}
	if f := cw.next("conversation_updated"); int64(f["conversation_id"].(float64)) != g {
		t.Errorf("cat's frame %v", f)
	}
	if err := s.RenameGroup(ctx, o, g, "Physics"); err != nil {
		t.Fatal(err)
	}
	if sum, err := s.Conversation(ctx, cat.ID, g); err != nil || sum.Title(cat.ID) != "Physics" || sum.IsOwner() {
		t.Errorf("after rename: %+v %v", sum, err)
	}
	// ben has not read; when he is removed, the message is read by everyone left.
	if _, err := s.MarkRead(ctx, o.ID, g); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkRead(ctx, cat.ID, g); err != nil {
		t.Fatal(err)
	}
	if status(t, app, m.ID) == "read" {
		t.Fatal("read before ben")
	}
	if err := s.RemoveMember(ctx, o, g, ben.ID); err != nil {
		t.Fatal(err)
	}
	if status(t, app, m.ID) != "read" {
		t.Errorf("after ben left: %s", status(t, app, m.ID))
	}
	if r := aw.take("messages_read"); len(r) == 0 || int64(r[len(r)-1]["up_to_id"].(float64)) != m.ID {
		t.Errorf("ann's read receipts %v", r)
	}
	wantKind(t, "removed member sends", mustFail(s.Send(ctx, ben, g, "still here?", nil, "")), problem.KindNotFound)
	wantKind(t, "removed member reads", mustFail(s.Conversation(ctx, ben.ID, g)), problem.KindNotFound)
	wantKind(t, "removed twice", s.RemoveMember(ctx, o, g, ben.ID), problem.KindNotFound)

	// The owner leaves: the longest-standing member takes over.
	if err := s.Leave(ctx, o, g); err != nil {
		t.Fatal(err)
	}
	if sum, err := s.Conversation(ctx, ann.ID, g); err != nil || !sum.IsOwner() || len(sum.Members) != 2 {
		t.Errorf("ann did not become the owner: %+v %v", sum.Me, err)
	}
	wantKind(t, "leave twice", s.Leave(ctx, o, g), problem.KindNotFound)
	// A direct conversation cannot be left, nor managed.
	d := direct(t, s, ann, cat)
	wantKind(t, "leave a direct conversation", s.Leave(ctx, ann, d), problem.KindForbidden)
	wantKind(t, "rename a direct conversation", s.RenameGroup(ctx, ann, d, "Us"), problem.KindForbidden)
}

func TestCreateGroupByNames(t *testing.T) {
	_, s, u := setup(t, "owner", "ann", "ben")
	ctx := context.Background()
	err := mustFail(s.CreateGroupNamed(ctx, u[0], "", "ann, nobody"))
	wantField(t, "both wrong", err, "user_ids", "No user is called nobody.")
	wantField(t, "both wrong", err, "title", "Give the group a name")
	wantField(t, "NUL in the names", mustFail(s.CreateGroupNamed(ctx, u[0], "G", "ann\x00")), "user_ids", "control character U+0000")
	many := ""
	for i := range chat.MaxMembers + 1 {
		many += "u" + text.Itoa(int64(i)) + ","
	}
	wantField(t, "too many names", mustFail(s.CreateGroupNamed(ctx, u[0], "G", many)), "user_ids", "at most 50 members")
	g, err := s.CreateGroupNamed(ctx, u[0], "Readers", "@Ann\r\nben; ann")
	if err != nil {
		t.Fatal(err)
	}
	if sum, err := s.Conversation(ctx, u[2].ID, g); err != nil || len(sum.Members) != 3 || !sum.IsGroup() {
		t.Fatalf("group %+v %v", sum, err)
	}
}

// TestGroupSizeLimit: at most MaxMembers, also when the owner adds from two tabs at
// once.
func TestGroupSizeLimit(t *testing.T) {
	names := []string{"owner"}
	for i := range chat.MaxMembers + 2 {
		names = append(names, "u"+string(rune('a'+i/26))+string(rune('a'+i%26)))
	}
	_, s, u := setup(t, names...)
	o := u[0]
	ctx := context.Background()
	var ids []int64
	for _, x := range u[1:] {
		ids = append(ids, x.ID)
	}
	wantField(t, "51 members", mustFail(s.CreateGroup(ctx, o, "Big", ids[:chat.MaxMembers])), "user_ids", "at most 50")
	g, err := s.CreateGroup(ctx, o, "Big", ids[:chat.MaxMembers-3]) // 48 with the owner
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.AddMembers(ctx, o, g, ids[chat.MaxMembers-3+2*i:chat.MaxMembers-1+2*i])
		}()
	}
	wg.Wait()
	failed := 0
	for _, err := range errs {
		if err != nil {
			wantField(t, "the second add", err, "user_ids", "at most 50")
			failed++
		}
	}
	sum, err := s.Conversation(ctx, o.ID, g)
	if failed != 1 || err != nil || len(sum.Members) != chat.MaxMembers {
		t.Fatalf("%d adds refused, %d members (%v)", failed, len(sum.Members), err)
	}
}

// ---- the socket's frames ------------------------------------------------------------------

func TestSocketFrames(t *testing.T) {
	app, s, u := setup(t, "ada", "bob", "eve")
	ada, bob := u[0], u[1]
	ctx := context.Background()
	conv := direct(t, s, ada, bob)
	aw, bw, ew := connect(t, app, ada), connect(t, app, bob), connect(t, app, u[2])

	aw.send(map[string]any{"type": "chat_message", "conversation_id": conv, "content": " hi bob ", "temp_id": "x1"})
	if f := aw.next("chat_message"); f["temp_id"] != "x1" || f["message"].(map[string]any)["content"] != "hi bob" {
		t.Errorf("echo %v", f)
	}
	sent := bw.next("chat_message")
	bw.send(map[string]any{"type": "read_messages", "conversation_id": conv})
	if r := aw.next("messages_read"); r["up_to_id"] != sent["message"].(map[string]any)["id"] {
		t.Errorf("read receipt %v", r)
	}

	// Typing reaches the others, up to a burst; stopping always does.
	for range 12 {
		aw.send(map[string]any{"type": "typing", "conversation_id": conv, "is_typing": true})
	}
	aw.send(map[string]any{"type": "typing_indicator", "conversation_id": conv, "is_typing": false})
	aw.take("pong") // ada's frames were all handled
	typing := bw.take("typing_indicator")
	if len(typing) != 11 || typing[0]["is_typing"] != true || typing[10]["is_typing"] != false || int64(typing[0]["user_id"].(float64)) != ada.ID {
		t.Errorf("bob got %d typing frames: %v", len(typing), typing)
	}
	if got := aw.take("typing_indicator"); len(got) != 0 {
		t.Errorf("the typist got her own typing: %v", got)
	}

	// file_message_sent: the uploaded message goes to the others again.
	file, err := s.Send(ctx, ada, conv, "", &chat.Upload{Name: "p.png", Data: pngBytes()}, "")
	if err != nil {
		t.Fatal(err)
	}
	bw.next("chat_message")
	aw.send(map[string]any{"type": "file_message_sent", "conversation_id": conv, "message_id": file.ID})
	if f := bw.next("chat_message"); msgID(f) != file.ID {
		t.Errorf("file frame %v", f)
	}

	// Refusals: an error frame naming the problem; the socket stays open.
	for _, c := range []struct {
		sock  *socket
		frame any
		want  string
	}{
		{aw, map[string]any{"type": "chat_message", "conversation_id": conv, "content": "\x00hi"}, "content: Remove the control character U+0000"},
		{aw, map[string]any{"type": "chat_message", "conversation_id": conv, "content": strings.Repeat("x", 5001)}, "content: Ensure this field has no more than 5000"},
		{aw, map[string]any{"type": "chat_message", "conversation_id": conv, "content": " \n "}, "Message must have content."},
		{aw, map[string]any{"type": "chat_message", "content": "where?"}, "conversation_id is required."},
		{aw, map[string]any{"type": "chat_message", "conversation_id": "1", "content": "x"}, "conversation_id has the wrong type."},
		{aw, `{"type": "chat_message", "conversation_id": 1, "content": 5`, "Invalid message format"},
		{ew, map[string]any{"type": "chat_message", "conversation_id": conv, "content": "let me in"}, "Conversation not found."},
		{ew, map[string]any{"type": "read_messages", "conversation_id": conv}, "Conversation not found."},
		{aw, map[string]any{"type": "read_messages"}, "conversation_id is required."},
		{aw, map[string]any{"type": "read_messages", "conversation_id": []int{1}}, "conversation_id has the wrong type."},
		{ew, map[string]any{"type": "typing", "conversation_id": conv, "is_typing": true}, "Conversation not found."},
		{aw, map[string]any{"type": "typing", "is_typing": true}, "conversation_id is required."},
		{aw, map[string]any{"type": "typing", "conversation_id": conv, "is_typing": "yes"}, "is_typing has the wrong type."},
		{ew, map[string]any{"type": "file_message_sent", "conversation_id": conv, "message_id": file.ID}, "Conversation not found."},
		{bw, map[string]any{"type": "file_message_sent", "conversation_id": conv, "message_id": file.ID}, "Message not found."},
		{aw, map[string]any{"type": "file_message_sent", "conversation_id": conv, "message_id": 999999}, "Message not found."},
		{aw, map[string]any{"type": "file_message_sent", "conversation_id": conv}, "message_id is required."},
		{aw, map[string]any{"type": "file_message_sent", "message_id": file.ID}, "conversation_id is required."},
		{aw, map[string]any{"type": "file_message_sent", "conversation_id": conv, "message_id": "x"}, "message_id has the wrong type."},
	} {
		if got := c.sock.refused(c.frame); !strings.HasPrefix(got, c.want) {
			t.Errorf("%v: error %q, want %q", c.frame, got, c.want)
		}
	}
	if got := bw.take("chat_message"); len(got) != 0 {
		t.Errorf("refused frames reached bob: %v", got)
	}
	for _, typ := range []string{"chat_message", "new_message_notification", "typing_indicator", "messages_read"} {
		if got := ew.take(typ); len(got) != 0 {
			t.Errorf("eve got %s frames: %v", typ, got)
		}
	}
	if got := s.FrameTypes(); len(got) != 5 || got["typing_indicator"] == nil {
		t.Errorf("frame types %v", got)
	}
}

// ---- presence and the directory -------------------------------------------------------

func TestPresence(t *testing.T) {
	app, s, u := setup(t, "ada", "bob", "eve")
	ada, bob, eve := u[0], u[1], u[2]
	ctx := context.Background()
	direct(t, s, ada, bob)
	aw, ew := connect(t, app, ada), connect(t, app, eve)
	if s.Online(bob.ID) {
		t.Fatal("bob online without a socket")
	}
	bw := connect(t, app, bob)
	if f := aw.next("user_status"); f["status"] != true || int64(f["user_id"].(float64)) != bob.ID {
		t.Errorf("ada's online frame %v", f)
	}
	if !s.Online(bob.ID) {
		t.Error("bob offline with a socket")
	}
	got, online, err := s.Status(ctx, bob.ID)
	if err != nil || !online || got.ID != bob.ID {
		t.Fatalf("status: %v %v", online, err)
	}
	if j := s.StatusOf(got, online); !j.IsOnline || j.LastActive == nil || !j.User.OnlineStatus || j.User.Username != "bob" {
		t.Errorf("status JSON %+v", j)
	}
	bw.conn.Close(websocket.StatusNormalClosure, "")
	f := aw.next("user_status")
	if f["status"] != false || f["last_seen"] == nil {
		t.Errorf("ada's offline frame %v", f)
	}
	if got := ew.take("user_status"); len(got) != 0 {
		t.Errorf("a stranger saw bob's presence: %v", got)
	}
	got, online, err = s.Status(ctx, bob.ID)
	if err != nil || online || got.LastSeenAt.IsZero() {
		t.Errorf("after closing: online %v, last seen %v, %v", online, got.LastSeenAt, err)
	}
	if j := s.StatusOf(got, false); j.LastActive == nil || *j.LastActive != chat.ISO(got.LastSeenAt) {
		t.Errorf("offline status JSON %+v", j)
	}
	wantKind(t, "unknown user", mustFail3(s.Status(ctx, 999999)), problem.KindNotFound)
	if err := app.State.Auth.SetActive(ctx, eve.ID, false); err != nil {
		t.Fatal(err)
	}
	wantKind(t, "deactivated user", mustFail3(s.Status(ctx, eve.ID)), problem.KindNotFound)
}

func mustFail3[A, B any](_ A, _ B, err error) error { return err }

func TestDirectoryAndShapes(t *testing.T) {
	_, s, u := setup(t, "ada", "bob", "bea", "cy")
	ada, bob := u[0], u[1]
	ctx := context.Background()
	users, n, err := s.Directory(ctx, ada.ID, "", 10, 0)
	if err != nil || n != 3 || len(users) != 3 {
		t.Fatalf("directory: %d %d %v", n, len(users), err)
	}
	for q, want := range map[string]int{"b": 2, "bo": 1, "Tester": 3, "zz": 0, "!!": 0, "\x00": 0} {
		if users, n, err := s.Directory(ctx, ada.ID, q, 10, 0); err != nil || n != want || len(users) != want {
			t.Errorf("directory %q: %d %d %v", q, n, len(users), err)
		}
	}
	if users, _, err := s.Directory(ctx, ada.ID, "", 2, 2); err != nil || len(users) != 1 {
		t.Errorf("second page: %d %v", len(users), err)
	}

	conv := direct(t, s, ada, bob)
	m := send(t, s, bob, conv, "hi ada")
	items, err := s.Conversations(ctx, ada.ID, 10, 0)
	if err != nil || len(items) != 1 {
		t.Fatal(items, err)
	}
	c := items[0]
	if c.IsGroup() || c.IsOwner() || c.Title(ada.ID) != "Bob Tester" || len(c.Others(ada.ID)) != 1 || c.LastMessage == nil || c.LastMessage.ID != m.ID {
		t.Errorf("summary %+v", c)
	}
	j := s.ConversationOf(c, ada.ID)
	if j.Kind != "direct" || j.Title != "Bob Tester" || len(j.Participants) != 2 || j.UnreadCount != 1 || j.LastMessage == nil ||
		j.LastMessage.IsRead || *j.CreatedBy != ada.ID || j.Role != "member" {
		t.Errorf("conversation JSON %+v", j)
	}
	one, err := s.Conversation(ctx, bob.ID, conv)
	if err != nil || one.LastMessage == nil || one.LastMessage.Content != "hi ada" || one.Title(bob.ID) != "Ada Tester" {
		t.Errorf("one conversation %+v %v", one, err)
	}
	if name := (store.UserMini{Username: "x"}).DisplayName(); name != "x" {
		t.Errorf("display name without a name: %q", name)
	}
	if uj := s.UserOf(store.UserMini{ID: 7, Username: "z", ProfilePicture: "p/z.png"}, time.Time{}); uj.ProfilePicture == nil || *uj.ProfilePicture != "/media/p/z.png" || uj.LastSeen != nil {
		t.Errorf("user JSON %+v", uj)
	}
	if f, err := s.UnreadFrame(ctx, ada.ID); err != nil || f == nil {
		t.Errorf("unread frame %v %v", f, err)
	}
}

// TestCheckFileKinds covers what the attachment rules accept by content.
func TestCheckFileKinds(t *testing.T) {
	if _, err := chat.CheckFile("a.txt", []byte("a\x00b")); !problem.Is(err, problem.KindInvalid) {
		t.Errorf("text with NUL: %v", err)
	}
	if _, err := chat.CheckFile("big.bin", make([]byte, chat.MaxFileBytes+1)); !problem.Is(err, problem.KindTooLarge) {
		t.Errorf("too large: %v", err)
	}
	if _, err := chat.CheckFile("x.wav", append([]byte("RIFF\x24\x00\x00\x00WAVEfmt "), make([]byte, 32)...)); err != nil {
		t.Errorf("wav: %v", err)
	}
	if !errors.Is(chat.ErrNotFound, store.ErrNotFound) {
		t.Error("chat.ErrNotFound is the store's")
	}
}
