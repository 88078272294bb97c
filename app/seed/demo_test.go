package seed

import (
	"database/sql"
	"fmt"
	"slices"
	"testing"

	_ "modernc.org/sqlite"
)

// demoSnapshot reads the demo's chats, FAQ, appointments, contact messages and mail
// with plain SQL, one line per row.
func demoSnapshot(t *testing.T, path string) map[string][]string {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	out := map[string][]string{}
	for name, q := range map[string]string{
		"conversations": `SELECT kind || ' ' || title || ' ' || (SELECT count(*) FROM conversation_participants p WHERE p.conversation_id = c.id) FROM conversations c ORDER BY id`,
		"messages":      `SELECT conversation_id || ' ' || sender_id || ' ' || delivery_status || ' ' || content FROM messages ORDER BY id`,
		"unread":        `SELECT p.conversation_id || ' ' || p.user_id || ' ' || p.unread_count FROM conversation_participants p ORDER BY p.conversation_id, p.user_id`,
		"faqs":          `SELECT category || ' ' || question FROM faqs ORDER BY id`,
		"appointments":  `SELECT status || ' ' || appointment_date || ' ' || appointment_time FROM appointments ORDER BY id`,
		"contacts":      `SELECT subject || ' ' || (handled_at IS NOT NULL) FROM contact_messages ORDER BY id`,
		"mail":          `SELECT to_addr || ' ' || subject FROM mail_outbox ORDER BY id`,
		"admin":         `SELECT first_name || ' ' || last_name FROM users WHERE user_type = 'admin'`,
	} {
		rows, err := conn.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out[name] = append(out[name], s)
		}
		rows.Close()
	}
	return out
}

// The demo opens no page empty: a 1:1 chat and a group with read and unread messages,
// the FAQ, an appointment in every state, contact messages (one handled) and their
// mail in the outbox; the admin is called Site Admin. The same seed gives the same.
func TestDemoContent(t *testing.T) {
	o := small(3)
	o.Users, o.Posts = 40, 60
	db := openDB(t)
	res := run(t, db, o)
	got := demoSnapshot(t, db.Path())
	if res.Demo.Conversations != 2 || len(got["conversations"]) != 2 || got["conversations"][0][:6] != "direct" || got["conversations"][1] != "group Study group 5" {
		t.Errorf("conversations: %v (%+v)", got["conversations"], res.Demo)
	}
	if len(got["messages"]) != res.Demo.Messages || res.Demo.Messages < 6 {
		t.Errorf("messages: %d, result %d", len(got["messages"]), res.Demo.Messages)
	}
	var read, unread int
	for _, u := range got["unread"] {
		var c, p, n int
		fmt.Sscanf(u, "%d %d %d", &c, &p, &n)
		if n == 0 {
			read++
		} else {
			unread++
		}
	}
	if read == 0 || unread == 0 {
		t.Errorf("read states: %v; want some members with unread messages and some without", got["unread"])
	}
	if len(got["faqs"]) != len(demoFAQ) {
		t.Errorf("faqs: %v", got["faqs"])
	}
	var states []string
	for _, a := range got["appointments"] {
		states = append(states, a[:len(a)-len(" 2026-11-26 10:00")])
	}
	slices.Sort(states)
	if !slices.Equal(states, []string{"approved", "cancelled", "completed", "pending", "rejected"}) {
		t.Errorf("appointment states: %v", states)
	}
	if len(got["contacts"]) != 3 || got["contacts"][0] != "Guest access for parents 1" || got["contacts"][1][len(got["contacts"][1])-1] != '0' {
		t.Errorf("contacts: %v", got["contacts"])
	}
	if len(got["mail"]) < 3 {
		t.Errorf("outbox: %v", got["mail"])
	}
	if !slices.Equal(got["admin"], []string{"Site Admin"}) {
		t.Errorf("admin's name: %v", got["admin"])
	}

	again := openDB(t)
	run(t, again, o)
	if other := demoSnapshot(t, again.Path()); fmt.Sprint(other) != fmt.Sprint(got) {
		t.Errorf("not deterministic:\n%v\n%v", got, other)
	}
}
