package mail

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"eplatform/app/store"
)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	schema, err := os.ReadFile("../../schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), store.Options{Path: filepath.Join(t.TempDir(), "m.db"), Schema: string(schema)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOutboxWithoutSMTP(t *testing.T) {
	db := openDB(t)
	m := New(db, SMTPConfig{}, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	if err := m.Send(context.Background(), "a@example.com", "Hi", "Body"); err != nil {
		t.Fatal(err)
	}
	mails, err := db.RecentMail(context.Background(), 0, 10)
	if err != nil || len(mails) != 1 || mails[0].To != "a@example.com" || !mails[0].SentAt.IsZero() {
		t.Fatalf("outbox = %+v, %v", mails, err)
	}
}

// smtpSink is a minimal SMTP server on loopback that records one message; it stands in
// for the mail server of a deployment.
type smtpSink struct {
	ln   net.Listener
	mu   sync.Mutex
	data string
	rcpt string
}

func startSink(t *testing.T) *smtpSink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpSink{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpSink) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { io.WriteString(c, line+"\r\n") }
	say("220 sink ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 sink")
		case strings.HasPrefix(cmd, "MAIL FROM"):
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO"):
			s.mu.Lock()
			s.rcpt = strings.TrimSpace(line[len("RCPT TO:"):])
			s.mu.Unlock()
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			s.mu.Lock()
			s.data = b.String()
			s.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func TestDeliversOverSMTPAndRecordsIt(t *testing.T) {
	db := openDB(t)
	sink := startSink(t)
	host, port, _ := net.SplitHostPort(sink.ln.Addr().String())
	p, _ := strconv.Atoi(port)
	m := New(db, SMTPConfig{Host: host, Port: p, From: "E-Platform <noreply@example.org>"},
		slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	if err := m.Send(context.Background(), "bob@example.com", "Réinitialiser", "line one\nline two"); err != nil {
		t.Fatal(err)
	}
	m.Wait()
	sink.mu.Lock()
	data, rcpt := sink.data, sink.rcpt
	sink.mu.Unlock()
	if rcpt != "<bob@example.com>" || !strings.Contains(data, "line one\r\nline two") || !strings.Contains(data, "Subject: =?utf-8?q?R=C3=A9initialiser?=") {
		t.Fatalf("rcpt %q, data:\n%s", rcpt, data)
	}
	mails, _ := db.RecentMail(context.Background(), 0, 1)
	if len(mails) != 1 || mails[0].SentAt.IsZero() || mails[0].Error != "" {
		t.Fatalf("delivery not recorded: %+v", mails)
	}
}

func TestFailedDeliveryIsRecorded(t *testing.T) {
	db := openDB(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close() // nothing listens there now
	m := New(db, SMTPConfig{Host: "127.0.0.1", Port: addr.Port, From: "noreply@example.org"},
		slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	if err := m.Send(context.Background(), "bob@example.com", "S", "B"); err != nil {
		t.Fatal(err) // the request never fails because of the mail server
	}
	m.Wait()
	mails, _ := db.RecentMail(context.Background(), 0, 1)
	if len(mails) != 1 || !mails[0].SentAt.IsZero() || mails[0].Error == "" {
		t.Fatalf("failure not recorded: %+v", mails)
	}
}

// A message queued in a transaction carries its extra headers (the digest's
// List-Unsubscribe) to the mail server; one whose transaction rolls back is neither in
// the outbox nor sent; a header value spanning lines is refused.
func TestQueuedMessageKeepsHeaders(t *testing.T) {
	db := openDB(t)
	sink := startSink(t)
	host, port, _ := net.SplitHostPort(sink.ln.Addr().String())
	p, _ := strconv.Atoi(port)
	m := New(db, SMTPConfig{Host: host, Port: p, From: "noreply@example.org"},
		slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	ctx := context.Background()
	msg := Message{To: "bob@example.com", Subject: "Digest", Body: "B",
		Headers: [][2]string{{"List-Unsubscribe", "<https://example.org/u?t=x>"}, {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}}}
	var q Queued
	if err := db.WithTx(ctx, func(tx *store.Queries) error {
		var err error
		q, err = m.Queue(ctx, tx, msg)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	m.Dispatch(q)
	m.Wait()
	sink.mu.Lock()
	data := sink.data
	sink.mu.Unlock()
	if !strings.Contains(data, "\r\nList-Unsubscribe: <https://example.org/u?t=x>\r\n") ||
		!strings.Contains(data, "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n") {
		t.Fatalf("headers missing:\n%s", data)
	}
	bad := msg
	bad.Headers = [][2]string{{"X-Evil", "a\r\nBcc: eve@example.com"}}
	err := db.WithTx(ctx, func(tx *store.Queries) error {
		_, err := m.Queue(ctx, tx, bad)
		return err
	})
	if err == nil {
		t.Fatal("a header spanning lines was queued")
	}
	if mails, _ := db.RecentMail(ctx, 0, 10); len(mails) != 1 {
		t.Fatalf("outbox holds %d mails, want 1", len(mails))
	}
}
