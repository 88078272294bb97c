package chat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"eplatform/app/auth"
	"eplatform/app/chat"
	"eplatform/app/form"
	"eplatform/app/limit"
	"eplatform/app/media"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// frames records what the service published, per user.
type frames struct {
	mu  sync.Mutex
	got map[int64][]map[string]any
}

func (f *frames) Send(_ context.Context, users []int64, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range users {
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		f.got[u] = append(f.got[u], m)
	}
	return nil
}

// take returns and forgets the frames of type typ sent to user.
func (f *frames) take(user int64, typ string) []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out, keep []map[string]any
	for _, m := range f.got[user] {
		if m["type"] == typ {
			out = append(out, m)
		} else {
			keep = append(keep, m)
		}
	}
	f.got[user] = keep
	return out
}

type online map[int64]bool

func (o online) Online(id int64) bool { return o[id] }

type fixture struct {
	svc    *chat.Service
	pub    *frames
	online online
	users  map[string]store.User
	dir    string
}

func setup(t *testing.T, names ...string) *fixture {
	t.Helper()
	schema, err := os.ReadFile("../../schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db, err := store.Open(context.Background(), store.Options{Path: filepath.Join(dir, "t.db"), Schema: string(schema)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{pub: &frames{got: map[int64][]map[string]any{}}, online: online{}, users: map[string]store.User{}, dir: dir}
	f.svc = &chat.Service{DB: db, Pub: f.pub, Presence: f.online, Media: media.Store{Root: filepath.Join(dir, "media")},
		Limiter: limit.NewMemory(limit.MemoryOptions{}), Rule: limit.Rule{Name: "chat", Burst: 10, Every: 3 * time.Second},
		BaseURL: "http://site", Now: time.Now}
	for _, n := range names {
		err := db.WithTx(context.Background(), func(tx *store.Queries) error {
			id, err := tx.CreateUser(context.Background(), store.NewUser{Username: n, Email: n + "@x.org", PasswordHash: "x", FirstName: strings.ToUpper(n[:1]) + n[1:], UserType: "student", Now: time.Now()})
			if err != nil {
				return err
			}
			f.users[n], err = tx.UserByID(context.Background(), id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *fixture) direct(t *testing.T, a, b string) int64 {
	t.Helper()
	res, errs, err := f.svc.StartDirect(context.Background(), f.users[a], f.users[b].ID, "")
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	return res.ConversationID
}

func (f *fixture) send(t *testing.T, from string, conv int64, text string) store.Message {
	t.Helper()
	m, errs, err := f.svc.Send(context.Background(), f.users[from], conv, text, nil, "")
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	return m
}

func (f *fixture) status(t *testing.T, id int64) string {
	t.Helper()
	m, err := f.svc.DB.MessageByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m.Status
}

func TestStartDirectOnceAndFirstMessageLive(t *testing.T) {
	f := setup(t, "ada", "bob")
	ctx := context.Background()
	ada, bob := f.users["ada"], f.users["bob"]
	res, errs, err := f.svc.StartDirect(ctx, ada, bob.ID, "hello bob")
	if err != nil || len(errs) > 0 || !res.Created || res.Message == nil {
		t.Fatalf("start: %+v %v %v", res, errs, err)
	}
	if got := f.pub.take(bob.ID, "chat_message"); len(got) != 1 {
		t.Fatalf("bob got %d chat_message frames", len(got))
	}
	if got := f.pub.take(bob.ID, "unread_count"); len(got) != 1 || got[0]["messages_unread"] != float64(1) {
		t.Fatalf("bob's unread_count frames %v", got)
	}
	again, _, err := f.svc.StartDirect(ctx, bob, ada.ID, "")
	if err != nil || again.Created || again.ConversationID != res.ConversationID {
		t.Fatalf("reopen: %+v %v", again, err)
	}
	if _, errs, _ := f.svc.StartDirect(ctx, ada, ada.ID, ""); !errs.Has(form.NonField) {
		t.Errorf("chat with yourself: %v", errs)
	}
	if _, errs, _ := f.svc.StartDirect(ctx, ada, 999, ""); !errs.Has("user_id") {
		t.Errorf("unknown user: %v", errs)
	}
}

// TestDeliveryStates: pending while bob is offline, delivered on his connect, read
// when he opens the conversation, with the sender told each time.
func TestDeliveryStates(t *testing.T) {
	f := setup(t, "ada", "bob")
	ctx := context.Background()
	ada, bob := f.users["ada"], f.users["bob"]
	conv := f.direct(t, "ada", "bob")
	m1 := f.send(t, "ada", conv, "one")
	m2 := f.send(t, "ada", conv, "two")
	if f.status(t, m1.ID) != "pending" {
		t.Fatal("offline recipient: not pending")
	}
	f.pub.take(ada.ID, "messages_delivered")

	// Bob connects: both arrive oldest first and turn delivered.
	sock := &fakeSocket{user: bob, ctx: ctx}
	f.online[bob.ID] = true
	f.svc.Connected(ctx, sock, true)
	if len(sock.sent) != 2 || sock.sent[0]["message"].(map[string]any)["id"] != float64(m1.ID) {
		t.Fatalf("pending delivered: %v", sock.sent)
	}
	if f.status(t, m1.ID) != "delivered" || f.status(t, m2.ID) != "delivered" {
		t.Fatal("not delivered after connect")
	}
	if got := f.pub.take(ada.ID, "messages_delivered"); len(got) != 1 || got[0]["up_to_id"] != float64(m2.ID) {
		t.Fatalf("ada's delivery receipts %v", got)
	}
	// Online: a new message is delivered at once.
	m3 := f.send(t, "ada", conv, "three")
	if f.status(t, m3.ID) != "delivered" || m3.Status != "delivered" {
		t.Fatalf("online recipient: %s", f.status(t, m3.ID))
	}
	if n, _ := f.svc.Unread(ctx, bob.ID); n != 3 {
		t.Fatalf("bob's unread %d", n)
	}
	n, err := f.svc.MarkRead(ctx, bob.ID, conv)
	if err != nil || n != 3 || f.status(t, m3.ID) != "read" {
		t.Fatalf("mark read: %d %v %s", n, err, f.status(t, m3.ID))
	}
	if got := f.pub.take(ada.ID, "messages_read"); len(got) != 1 || got[0]["reader_id"] != float64(bob.ID) || got[0]["up_to_id"] != float64(m3.ID) {
		t.Fatalf("ada's read receipts %v", got)
	}
	if n, _ := f.svc.MarkRead(ctx, bob.ID, conv); n != 0 {
		t.Errorf("second mark read: %d", n)
	}
	// A stranger learns nothing.
	f2 := f.users["ada"]
	f2.ID = 12345
	if _, err := f.svc.MarkRead(ctx, f2.ID, conv); !errors.Is(err, chat.ErrNotFound) {
		t.Errorf("stranger's mark read: %v", err)
	}
}

type fakeSocket struct {
	user store.User
	ctx  context.Context
	mu   sync.Mutex
	sent []map[string]any
}

func (s *fakeSocket) UserID() int64            { return s.user.ID }
func (s *fakeSocket) Identity() auth.Identity  { return auth.Identity{User: s.user} }
func (s *fakeSocket) Context() context.Context { return s.ctx }
func (s *fakeSocket) Send(v any) error {
	raw, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	s.mu.Lock()
	s.sent = append(s.sent, m)
	s.mu.Unlock()
	return nil
}

// TestPendingWithoutLimit: a backlog larger than one batch is delivered completely,
// in order, in batches.
func TestPendingWithoutLimit(t *testing.T) {
	f := setup(t, "ada", "bob")
	f.svc.Rule = limit.Rule{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	conv := f.direct(t, "ada", "bob")
	for i := range 75 {
		f.send(t, "ada", conv, "message "+string(rune('A'+i%26)))
	}
	sock := &fakeSocket{user: f.users["bob"], ctx: ctx}
	f.svc.Connected(ctx, sock, false)
	deadline := time.Now().Add(5 * time.Second)
	for {
		sock.mu.Lock()
		n := len(sock.sent)
		sock.mu.Unlock()
		if n == 75 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	sock.mu.Lock()
	defer sock.mu.Unlock()
	if len(sock.sent) != 75 {
		t.Fatalf("delivered %d of 75", len(sock.sent))
	}
	last := 0.0
	for _, fr := range sock.sent {
		id := fr["message"].(map[string]any)["id"].(float64)
		if id <= last {
			t.Fatal("not oldest first")
		}
		last = id
	}
}

func TestGroupMembershipRules(t *testing.T) {
	names := []string{"owner", "ann", "ben", "cat"}
	f := setup(t, names...)
	ctx := context.Background()
	o, ann, ben, cat := f.users["owner"], f.users["ann"], f.users["ben"], f.users["cat"]
	if _, errs, _ := f.svc.CreateGroup(ctx, o, " ", nil); !errs.Has("title") || !errs.Has("user_ids") {
		t.Fatalf("empty group: %v", errs)
	}
	if _, errs, _ := f.svc.CreateGroup(ctx, o, "G", []int64{ann.ID, 9999}); !errs.Has("user_ids") {
		t.Fatalf("unknown member: %v", errs)
	}
	g, errs, err := f.svc.CreateGroup(ctx, o, "  Study   group ", []int64{ann.ID, ben.ID, ann.ID, o.ID})
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	s, _ := f.svc.Conversation(ctx, o.ID, g)
	if s.Conversation.Title != "Study group" || len(s.Members) != 3 || !s.IsOwner() {
		t.Fatalf("group %+v", s)
	}
	// Only the owner adds and removes.
	if _, err := f.svc.AddMembers(ctx, ann, g, []int64{cat.ID}); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("member adds: %v", err)
	}
	if _, err := f.svc.AddMembers(ctx, cat, g, []int64{cat.ID}); !errors.Is(err, chat.ErrNotFound) {
		t.Errorf("stranger adds: %v", err)
	}
	if err := f.svc.RemoveMember(ctx, ann, g, ben.ID); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("member removes: %v", err)
	}
	m := f.send(t, "ann", g, "hi all")
	if errs, err := f.svc.AddMembers(ctx, o, g, []int64{cat.ID}); err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	if n, _ := f.svc.Unread(ctx, cat.ID); n != 0 {
		t.Errorf("newcomer has %d unread", n)
	}
	// ben has not read; when he is removed, the message is read by everyone left.
	f.svc.MarkRead(ctx, o.ID, g)
	if f.status(t, m.ID) == "read" {
		t.Fatal("read before ben")
	}
	if err := f.svc.RemoveMember(ctx, o, g, ben.ID); err != nil {
		t.Fatal(err)
	}
	if f.status(t, m.ID) != "read" {
		t.Errorf("after ben left: %s", f.status(t, m.ID))
	}
	if _, _, err := f.svc.Send(ctx, ben, g, "still here?", nil, ""); !errors.Is(err, chat.ErrNotFound) {
		t.Errorf("removed member sends: %v", err)
	}
	if _, _, err := f.svc.History(ctx, ben.ID, store.MessageQuery{ConversationID: g}); !errors.Is(err, chat.ErrNotFound) {
		t.Errorf("removed member reads: %v", err)
	}
	// The owner leaves: the longest-standing member takes over.
	if err := f.svc.Leave(ctx, o, g); err != nil {
		t.Fatal(err)
	}
	s, _ = f.svc.Conversation(ctx, ann.ID, g)
	if !s.IsOwner() {
		t.Errorf("ann did not become the owner: %+v", s.Me)
	}
	// A direct conversation cannot be left.
	d := f.direct(t, "ann", "cat")
	if err := f.svc.Leave(ctx, ann, d); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("leaving a direct conversation: %v", err)
	}
}

func TestGroupSizeLimit(t *testing.T) {
	names := []string{"owner"}
	for i := range chat.MaxMembers {
		names = append(names, "u"+string(rune('a'+i/26))+string(rune('a'+i%26)))
	}
	f := setup(t, names...)
	ctx := context.Background()
	var ids []int64
	for _, n := range names[1:] {
		ids = append(ids, f.users[n].ID)
	}
	if _, errs, _ := f.svc.CreateGroup(ctx, f.users["owner"], "Big", ids); !errs.Has("user_ids") {
		t.Fatalf("51 members accepted: %v", errs)
	}
	g, errs, err := f.svc.CreateGroup(ctx, f.users["owner"], "Big", ids[:chat.MaxMembers-1])
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	if errs, _ := f.svc.AddMembers(ctx, f.users["owner"], g, ids[chat.MaxMembers-1:]); !errs.Has("user_ids") {
		t.Fatalf("51st member added: %v", errs)
	}
}

func pngBytes() []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4)))
	return b.Bytes()
}

func TestEditAndDeleteOwnOnly(t *testing.T) {
	f := setup(t, "ada", "bob", "eve")
	ctx := context.Background()
	ada, bob, eve := f.users["ada"], f.users["bob"], f.users["eve"]
	conv := f.direct(t, "ada", "bob")
	m, errs, err := f.svc.Send(ctx, ada, conv, "look", &chat.Upload{Name: "pic.png", Data: pngBytes()}, "")
	if err != nil || len(errs) > 0 || m.File == nil || m.File.Type != "image" {
		t.Fatalf("send with image: %+v %v %v", m, errs, err)
	}
	full := filepath.Join(f.dir, "media", filepath.FromSlash(m.File.Path))
	if _, err := os.Stat(full); err != nil {
		t.Fatal("file not stored:", err)
	}
	if _, _, err := f.svc.Edit(ctx, bob, m.ID, "hijack"); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("bob edits ada's: %v", err)
	}
	if _, _, err := f.svc.Edit(ctx, eve, m.ID, "hijack"); !errors.Is(err, chat.ErrNotFound) {
		t.Errorf("stranger edits: %v", err)
	}
	if _, err := f.svc.Delete(ctx, bob, m.ID); !errors.Is(err, problem.ErrForbidden) {
		t.Errorf("bob deletes ada's: %v", err)
	}
	if _, err := f.svc.FileOf(ctx, eve.ID, m.ID, filepath.Base(m.File.Path)); !errors.Is(err, chat.ErrNotFound) {
		t.Errorf("stranger's file: %v", err)
	}
	if _, err := f.svc.FileOf(ctx, bob.ID, m.ID, filepath.Base(m.File.Path)); err != nil {
		t.Errorf("member's file: %v", err)
	}
	edited, errs, err := f.svc.Edit(ctx, ada, m.ID, "look at this")
	if err != nil || len(errs) > 0 || !edited.IsEdited || edited.Content != "look at this" {
		t.Fatalf("edit: %+v %v %v", edited, errs, err)
	}
	if got := f.pub.take(bob.ID, "message_updated"); len(got) != 1 {
		t.Errorf("bob's update frames %v", got)
	}
	del, err := f.svc.Delete(ctx, ada, m.ID)
	if err != nil || !del.IsDeleted || del.Content != "" || del.File != nil {
		t.Fatalf("delete: %+v %v", del, err)
	}
	if _, err := os.Stat(full); !os.IsNotExist(err) {
		t.Errorf("file still on disk: %v", err)
	}
	if n, _ := f.svc.Unread(ctx, bob.ID); n != 0 {
		t.Errorf("deleted unread message still counted: %d", n)
	}
	if _, errs, _ := f.svc.Edit(ctx, ada, m.ID, "again"); !errs.Has("content") {
		t.Errorf("editing a deleted message: %v", errs)
	}
	// Validation.
	if _, errs, _ := f.svc.Send(ctx, ada, conv, "   ", nil, ""); !errs.Has(form.NonField) {
		t.Errorf("empty message: %v", errs)
	}
	if _, errs, _ := f.svc.Send(ctx, ada, conv, strings.Repeat("é", chat.MaxContent+1), nil, ""); !errs.Has("content") {
		t.Errorf("oversize message: %v", errs)
	}
	if _, errs, _ := f.svc.Send(ctx, ada, conv, "", &chat.Upload{Name: "x.exe", Data: []byte("MZ\x90\x00binary")}, ""); !errs.Has("file_attachment") {
		t.Errorf("executable accepted: %v", errs)
	}
	_, _, err = f.svc.Send(ctx, ada, conv, "", &chat.Upload{Name: "big.png", Data: make([]byte, chat.MaxFileBytes+1)}, "")
	if ue, ok := media.IsUploadError(err); !ok || !(ue.Kind == problem.KindTooLarge) {
		t.Errorf("oversize file: %v", err)
	}
}

func TestSendingIsRateLimited(t *testing.T) {
	f := setup(t, "ada", "bob")
	ctx := context.Background()
	conv := f.direct(t, "ada", "bob")
	for range 10 {
		f.send(t, "ada", conv, "burst")
	}
	_, _, err := f.svc.Send(ctx, f.users["ada"], conv, "one too many", nil, "")
	if p, ok := problem.As(err); !ok || p.Kind != problem.KindRateLimited || p.RetryAfter <= 0 {
		t.Fatalf("11th message: %v", err)
	}
	// bob has his own bucket.
	f.send(t, "bob", conv, "fine")
}

func TestTypingAndPresenceReachMembersOnly(t *testing.T) {
	f := setup(t, "ada", "bob", "eve")
	ctx := context.Background()
	ada, bob, eve := f.users["ada"], f.users["bob"], f.users["eve"]
	conv := f.direct(t, "ada", "bob")
	sock := &fakeSocket{user: ada, ctx: ctx}
	if err := f.svc.HandleTyping(ctx, sock, json.RawMessage(`{"type":"typing","conversation_id":`+itoa(conv)+`,"is_typing":true}`)); err != nil {
		t.Fatal(err)
	}
	if got := f.pub.take(bob.ID, "typing_indicator"); len(got) != 1 || got[0]["is_typing"] != true || got[0]["user_id"] != float64(ada.ID) {
		t.Fatalf("bob's typing frames %v", got)
	}
	if len(f.pub.take(ada.ID, "typing_indicator")) != 0 || len(f.pub.take(eve.ID, "typing_indicator")) != 0 {
		t.Fatal("typing went to the typist or a stranger")
	}
	evesock := &fakeSocket{user: eve, ctx: ctx}
	var fe *chat.FrameError
	if err := f.svc.HandleTyping(ctx, evesock, json.RawMessage(`{"type":"typing","conversation_id":`+itoa(conv)+`}`)); !errors.As(err, &fe) {
		t.Fatalf("stranger typing: %v", err)
	}
	f.svc.Connected(ctx, sock, true)
	if got := f.pub.take(bob.ID, "user_status"); len(got) != 1 || got[0]["status"] != true {
		t.Fatalf("bob's presence frames %v", got)
	}
	f.svc.Disconnected(ctx, ada.ID, true)
	if got := f.pub.take(bob.ID, "user_status"); len(got) != 1 || got[0]["status"] != false || got[0]["last_seen"] == nil {
		t.Fatalf("bob's offline frames %v", got)
	}
	if len(f.pub.take(eve.ID, "user_status")) != 0 {
		t.Fatal("a stranger saw ada's presence")
	}
	u, _ := f.svc.DB.UserByID(ctx, ada.ID)
	if u.LastSeenAt.IsZero() {
		t.Fatal("last seen not stored")
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
