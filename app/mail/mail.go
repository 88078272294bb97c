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

// Send stores the message and, with SMTP, delivers it asynchronously so that a slow
// mail server never holds up a request.
func (m *Mailer) Send(ctx context.Context, to, subject, body string) error {
	var id int64
	err := m.db.WithTx(ctx, func(tx *store.Queries) error {
		var err error
		id, err = tx.InsertMail(ctx, store.Mail{To: to, Subject: subject, Body: body, CreatedAt: m.now()})
		return err
	})
	if err != nil {
		return err
	}
	if !m.Configured() {
		return nil
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		sendErr := m.deliver(to, subject, body)
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
	return nil
}

// Wait blocks until background deliveries finish (used on shutdown).
func (m *Mailer) Wait() { m.wg.Wait() }

func (m *Mailer) deliver(to, subject, body string) error {
	from, err := mail.ParseAddress(m.smtp.From)
	if err != nil {
		return fmt.Errorf("smtp-from %q: %w", m.smtp.From, err)
	}
	var msg strings.Builder
	fmt.Fprintf(&msg, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
		from.String(), to, mime.QEncoding.Encode("utf-8", subject), m.now().Format(time.RFC1123Z))
	msg.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))

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
