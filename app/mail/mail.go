// Package mail sends the site's mail. Every message is first written to the outbox
// table, so an admin can always read what was sent; when SMTP is configured it is then
// delivered in the background and the outcome recorded on the row.
package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"sync"
	"time"

	"eplatform/app/store"
)

// SMTPConfig is where mail goes; an empty Host keeps mail in the outbox only.
type SMTPConfig struct {
	Host, Username, Password, From string
	Port                           int
}

// Mailer writes mail to the outbox and delivers it over SMTP when configured.
type Mailer struct {
	db   *store.DB
	smtp SMTPConfig
	log  *slog.Logger
	now  func() time.Time
	wg   sync.WaitGroup
}

// New returns a Mailer.
func New(db *store.DB, cfg SMTPConfig, log *slog.Logger, now func() time.Time) *Mailer {
	return &Mailer{db: db, smtp: cfg, log: log, now: now}
}

// Configured reports whether mail leaves the machine.
func (m *Mailer) Configured() bool { return m.smtp.Host != "" }

// Message is a mail with extra header fields (e.g. List-Unsubscribe). Header values
// must be single lines; the outbox keeps To, Subject and Body only.
type Message struct {
	To, Subject, Body string
	Headers           [][2]string
}

// Queued is a message written to the outbox by Queue, to hand to Dispatch once the
// transaction that wrote it has committed.
type Queued struct {
	id  int64
	msg Message
}

// Send stores the message and, with SMTP, delivers it asynchronously so that a slow
// mail server never holds up a request.
func (m *Mailer) Send(ctx context.Context, to, subject, body string) error {
	var q Queued
	err := m.db.WithTx(ctx, func(tx *store.Queries) error {
		var err error
		q, err = m.Queue(ctx, tx, Message{To: to, Subject: subject, Body: body})
		return err
	})
	if err != nil {
		return err
	}
	m.Dispatch(q)
	return nil
}

// Queue writes msg to the outbox inside the caller's transaction, so that the mail
// exists exactly when the caller's other writes do (the digest remembers it was sent in
// the same transaction). Hand the result to Dispatch after the commit.
func (m *Mailer) Queue(ctx context.Context, tx *store.Queries, msg Message) (Queued, error) {
	for _, h := range msg.Headers {
		if strings.ContainsAny(h[0]+h[1], "\r\n") {
			return Queued{}, fmt.Errorf("mail: header %q spans lines", h[0])
		}
	}
	id, err := tx.InsertMail(ctx, store.Mail{To: msg.To, Subject: msg.Subject, Body: msg.Body, CreatedAt: m.now()})
	return Queued{id: id, msg: msg}, err
}

// Dispatch delivers a committed outbox message in the background when SMTP is
// configured; without SMTP the outbox row is the delivery.
func (m *Mailer) Dispatch(q Queued) {
	if !m.Configured() || q.id == 0 {
		return
	}
	id, to := q.id, q.msg.To
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		sendErr := m.deliver(q.msg)
		msg, sentAt := "", m.now()
		if sendErr != nil {
			msg, sentAt = sendErr.Error(), time.Time{}
			m.log.Warn("mail delivery failed", "to", to, "err", sendErr)
		}
		if err := m.db.WithTx(ctx, func(tx *store.Queries) error {
			return tx.MarkMailSent(ctx, id, sentAt, msg)
		}); err != nil {
			m.log.Error("record mail delivery", "err", err)
		}
	}()
}

// Wait blocks until background deliveries finish (used on shutdown).
func (m *Mailer) Wait() { m.wg.Wait() }

// format is the message as sent over SMTP, with CRLF line ends.
func (m *Mailer) format(from *mail.Address, q Message) string {
	var msg strings.Builder
	fmt.Fprintf(&msg, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\n",
		from.String(), q.To, mime.QEncoding.Encode("utf-8", q.Subject), m.now().Format(time.RFC1123Z))
	for _, h := range q.Headers {
		fmt.Fprintf(&msg, "%s: %s\r\n", h[0], h[1])
	}
	msg.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	msg.WriteString(strings.ReplaceAll(q.Body, "\n", "\r\n"))
	return msg.String()
}

func (m *Mailer) deliver(q Message) error {
	from, err := mail.ParseAddress(m.smtp.From)
	if err != nil {
		return fmt.Errorf("smtp-from %q: %w", m.smtp.From, err)
	}
	to := q.To
	var msg strings.Builder
	msg.WriteString(m.format(from, q))

	addr := net.JoinHostPort(m.smtp.Host, strconv.Itoa(m.smtp.Port))
	var auth smtp.Auth
	if m.smtp.Username != "" {
		auth = smtp.PlainAuth("", m.smtp.Username, m.smtp.Password, m.smtp.Host)
	}
	if m.smtp.Port == 465 { // implicit TLS
		conn, err := tls.Dial("tcp", addr, &tls.Config{ServerName: m.smtp.Host})
		if err != nil {
			return err
		}
		c, err := smtp.NewClient(conn, m.smtp.Host)
		if err != nil {
			return err
		}
		defer c.Close()
		if auth != nil {
			if err := c.Auth(auth); err != nil {
				return err
			}
		}
		if err := c.Mail(from.Address); err != nil {
			return err
		}
		if err := c.Rcpt(to); err != nil {
			return err
		}
		w, err := c.Data()
		if err != nil {
			return err
		}
		if _, err := w.Write([]byte(msg.String())); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		return c.Quit()
	}
	// SendMail upgrades with STARTTLS when the server offers it.
	return smtp.SendMail(addr, auth, from.Address, []string{to}, []byte(msg.String()))
}
