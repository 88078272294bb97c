package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func tx(t *testing.T, db *DB, fn func(q *Queries) error) {
	t.Helper()
	if err := db.WithTx(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// group creates a conversation with the given members (the first one owns a group).
func makeConversation(t *testing.T, db *DB, kind string, users ...int64) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	tx(t, db, func(q *Queries) error {
		n := NewConversation{Kind: kind, CreatedBy: users[0], Now: time.Now()}
		if kind == "direct" {
			n.DirectKey = DirectKey(users[0], users[1])
		} else {
			n.Title = "Study group"
		}
		var err error
		if id, err = q.CreateConversation(ctx, n); err != nil {
			return err
		}
		for i, u := range users {
			role := "member"
			if i == 0 && kind == "group" {
				role = "owner"
			}
			if _, err := q.AddParticipant(ctx, id, u, role, 0, time.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	return id
}

func send(t *testing.T, db *DB, conv, sender int64, content string) int64 {
	t.Helper()
	var id int64
	tx(t, db, func(q *Queries) error {
		var err error
		id, err = q.InsertMessage(context.Background(), NewMessage{ConversationID: conv, SenderID: sender, Content: content, Now: time.Now()})
		return err
	})
	return id
}

func status(t *testing.T, db *DB, id int64) string {
	t.Helper()
	m, err := db.MessageByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m.Status
}

func unread(t *testing.T, db *DB, conv, user int64) int {
	t.Helper()
	m, err := db.Membership(context.Background(), conv, user)
	if err != nil {
		t.Fatal(err)
	}
	return m.Unread
}

func TestDirectConversationExistsOnce(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	a, b := mustCreateUser(t, db, "ada"), mustCreateUser(t, db, "bob")
	id := makeConversation(t, db, "direct", a, b)
	err := db.WithTx(ctx, func(q *Queries) error {
		_, err := q.CreateConversation(ctx, NewConversation{Kind: "direct", DirectKey: DirectKey(b, a), Now: time.Now()})
		return err
	})
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.Constraint != "conversations.direct_key" {
		t.Fatalf("second direct conversation: %v", err)
	}
	c, err := db.DirectConversation(ctx, b, a)
	if err != nil || c.ID != id || c.Kind != "direct" {
		t.Fatalf("DirectConversation = %+v, %v", c, err)
	}
	if _, err := db.Membership(ctx, id, mustCreateUser(t, db, "eve")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("stranger's membership: %v", err)
	}
}

// TestDeliveryAndReadWatermarks walks a group message through pending → delivered →
// read as each member's watermarks move, with the unread counters alongside.
func TestDeliveryAndReadWatermarks(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	a, b, c := mustCreateUser(t, db, "ada"), mustCreateUser(t, db, "bob"), mustCreateUser(t, db, "cy")
	g := makeConversation(t, db, "group", a, b, c)
	m1 := send(t, db, g, a, "one")
	m2 := send(t, db, g, a, "two")
	m3 := send(t, db, g, b, "three")
	if got := status(t, db, m1); got != "pending" {
		t.Fatalf("new message %q", got)
	}
	if unread(t, db, g, b) != 2 || unread(t, db, g, c) != 3 || unread(t, db, g, a) != 1 {
		t.Fatalf("unread a=%d b=%d c=%d", unread(t, db, g, a), unread(t, db, g, b), unread(t, db, g, c))
	}
	if n, _ := db.UnreadMessages(ctx, c); n != 3 {
		t.Fatalf("total unread of c = %d", n)
	}
	// Pending for c: all three, oldest first; for a: only b's message.
	if p, _ := db.PendingMessages(ctx, c, 10); len(p) != 3 || p[0].ID != m1 || p[2].ID != m3 {
		t.Fatalf("pending for c: %+v", p)
	}
	if p, _ := db.PendingMessages(ctx, a, 10); len(p) != 1 || p[0].ID != m3 {
		t.Fatalf("pending for a: %+v", p)
	}
	// A live message does not jump b's watermark over the backlog still on its way.
	tx(t, db, func(q *Queries) error {
		moved, err := q.MarkDelivered(ctx, g, b, m3, true)
		if moved {
			t.Error("watermark jumped over pending messages")
		}
		return err
	})
	tx(t, db, func(q *Queries) error { _, err := q.MarkDelivered(ctx, g, b, m2, false); return err })
	if got := status(t, db, m1); got != "pending" {
		t.Fatalf("delivered to b only: %q", got)
	}
	tx(t, db, func(q *Queries) error { _, err := q.MarkDelivered(ctx, g, c, m3, false); return err })
	if status(t, db, m1) != "delivered" || status(t, db, m2) != "delivered" || status(t, db, m3) != "pending" {
		t.Fatalf("after both: %s %s %s", status(t, db, m1), status(t, db, m2), status(t, db, m3))
	}
	// Moving back is a no-op.
	tx(t, db, func(q *Queries) error {
		moved, err := q.MarkDelivered(ctx, g, c, m1, false)
		if moved {
			t.Error("watermark moved back")
		}
		return err
	})
	var marked int
	tx(t, db, func(q *Queries) error {
		var err error
		marked, _, _, err = q.MarkConversationRead(ctx, g, c)
		return err
	})
	if marked != 3 || unread(t, db, g, c) != 0 || status(t, db, m1) != "delivered" {
		t.Fatalf("c read: marked %d unread %d status %s", marked, unread(t, db, g, c), status(t, db, m1))
	}
	tx(t, db, func(q *Queries) error { _, _, _, err := q.MarkConversationRead(ctx, g, b); return err })
	if status(t, db, m1) != "read" || status(t, db, m2) != "read" {
		t.Fatalf("everyone read: %s %s", status(t, db, m1), status(t, db, m2))
	}
	// b's own message waits for a.
	if status(t, db, m3) != "pending" {
		t.Fatalf("m3 = %s (c read it, a has not received it)", status(t, db, m3))
	}
	tx(t, db, func(q *Queries) error { _, _, _, err := q.MarkConversationRead(ctx, g, a); return err })
	if status(t, db, m3) != "read" {
		t.Fatalf("m3 after a read = %s", status(t, db, m3))
	}
	// Reading again marks nothing.
	tx(t, db, func(q *Queries) error {
		n, _, moved, err := q.MarkConversationRead(ctx, g, a)
		if n != 0 || moved {
			t.Errorf("second read: %d %v", n, moved)
		}
		return err
	})
}

// TestLeavingReleasesReceipts: the member who held the read receipt back leaves, and
// the message becomes read; a rejoining member starts with nothing unread.
func TestLeavingReleasesReceipts(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	a, b, c := mustCreateUser(t, db, "ada"), mustCreateUser(t, db, "bob"), mustCreateUser(t, db, "cy")
	g := makeConversation(t, db, "group", a, b, c)
	m := send(t, db, g, a, "hello")
	tx(t, db, func(q *Queries) error { _, _, _, err := q.MarkConversationRead(ctx, g, b); return err })
	gone, _ := db.Membership(ctx, g, c)
	tx(t, db, func(q *Queries) error {
		if err := q.LeaveConversation(ctx, g, c, time.Now()); err != nil {
			return err
		}
		return q.RecomputeStatuses(ctx, g, gone.LastDelivered, gone.LastRead)
	})
	if status(t, db, m) != "read" {
		t.Fatalf("after the holdout left: %s", status(t, db, m))
	}
	if _, err := db.Membership(ctx, g, c); !errors.Is(err, ErrNotFound) {
		t.Fatalf("former member: %v", err)
	}
	if n, _ := db.UnreadMessages(ctx, c); n != 0 {
		t.Fatalf("former member's unread %d", n)
	}
	send(t, db, g, a, "while away")
	last := send(t, db, g, a, "still away")
	tx(t, db, func(q *Queries) error {
		ok, err := q.AddParticipant(ctx, g, c, "member", last, time.Now())
		if !ok {
			t.Error("rejoin did nothing")
		}
		again, err2 := q.AddParticipant(ctx, g, c, "member", last, time.Now())
		if again {
			t.Error("adding an active member changed something")
		}
		return errors.Join(err, err2)
	})
	if unread(t, db, g, c) != 0 {
		t.Fatalf("rejoined member has %d unread", unread(t, db, g, c))
	}
	if p, _ := db.PendingMessages(ctx, c, 10); len(p) != 0 {
		t.Fatalf("rejoined member has pending %v", p)
	}
}

func TestDeleteBlanksAndUncounts(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	a, b := mustCreateUser(t, db, "ada"), mustCreateUser(t, db, "bob")
	d := makeConversation(t, db, "direct", a, b)
	var id int64
	tx(t, db, func(q *Queries) error {
		var err error
		id, err = q.InsertMessage(ctx, NewMessage{ConversationID: d, SenderID: a, Content: "secret",
			File: &ChatFile{Path: "chat/x.png", Name: "x.png", Size: 3, Type: "image", ContentType: "image/png"}, Now: time.Now()})
		return err
	})
	send(t, db, d, a, "second")
	if unread(t, db, d, b) != 2 {
		t.Fatal("two unread expected")
	}
	tx(t, db, func(q *Queries) error {
		path, err := q.DeleteMessage(ctx, id, time.Now())
		if path != "chat/x.png" {
			t.Errorf("removed path %q", path)
		}
		return err
	})
	m, _ := db.MessageByID(ctx, id)
	if !m.IsDeleted || m.Content != "" || m.File != nil || m.DeletedAt.IsZero() {
		t.Fatalf("deleted message %+v", m)
	}
	if unread(t, db, d, b) != 1 {
		t.Fatalf("unread after delete = %d", unread(t, db, d, b))
	}
	tx(t, db, func(q *Queries) error {
		if _, err := q.DeleteMessage(ctx, id, time.Now()); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleting twice: %v", err)
		}
		if err := q.EditMessage(ctx, id, "x", time.Now()); !errors.Is(err, ErrNotFound) {
			t.Errorf("editing a deleted message: %v", err)
		}
		return nil
	})
}

// TestConversationListIsTwoQueries: the list with last messages and the members of
// every line cost the same statements for 2 and for 30 conversations.
func TestConversationListIsTwoQueries(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	me := mustCreateUser(t, db, "me")
	measure := func() (int, int) {
		c, qc := WithQueryCounter(ctx)
		items, err := db.ListConversations(c, me, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(items))
		for i, it := range items {
			ids[i] = it.ID
			if it.LastMessage == nil || it.LastMessage.Sender == nil {
				t.Fatalf("line %d lacks its last message", it.ID)
			}
		}
		members, err := db.MembersOf(c, ids)
		if err != nil || len(members) != len(items) {
			t.Fatalf("members %v %v", members, err)
		}
		return len(items), qc.Count()
	}
	add := func(from, to int) {
		for i := from; i < to; i++ {
			other := mustCreateUser(t, db, "u"+string(rune('a'+i/26))+string(rune('a'+i%26)))
			conv := makeConversation(t, db, "direct", me, other)
			send(t, db, conv, other, "hi")
		}
	}
	add(0, 2)
	n1, q1 := measure()
	add(2, 30)
	n2, q2 := measure()
	if n1 != 2 || n2 != 30 || q1 != q2 || q2 != 2 {
		t.Fatalf("%d lines: %d queries; %d lines: %d queries", n1, q1, n2, q2)
	}
	items, _ := db.ListConversations(ctx, me, 1, 0)
	if items[0].Me.Unread != 1 {
		t.Fatalf("unread of the newest line = %d", items[0].Me.Unread)
	}
}

// TestEmptyDirectConversationsAreNotListed: a 1:1 conversation joins the list (and
// its count) with its first message; a group from its creation.
func TestEmptyDirectConversationsAreNotListed(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	me, other, third := mustCreateUser(t, db, "me"), mustCreateUser(t, db, "other"), mustCreateUser(t, db, "third")
	d := makeConversation(t, db, "direct", me, other)
	g := makeConversation(t, db, "group", me, third)
	lines := func() []int64 {
		items, err := db.ListConversations(ctx, me, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		n, err := db.CountConversations(ctx, me)
		if err != nil || n != len(items) {
			t.Fatalf("count %d (%v) for %d lines", n, err, len(items))
		}
		var ids []int64
		for _, it := range items {
			ids = append(ids, it.ID)
		}
		return ids
	}
	if got := lines(); len(got) != 1 || got[0] != g {
		t.Fatalf("before the first message: %v, want only the group %d", got, g)
	}
	send(t, db, d, other, "hi")
	if got := lines(); len(got) != 2 || got[0] != d {
		t.Fatalf("after the first message: %v, want %d first", got, d)
	}
}
