package notify

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"eplatform/app/mail"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/zone"
)

// Digest periods: a digest goes out at most once per period of its frequency.
const (
	DailyPeriod  = 24 * time.Hour
	WeeklyPeriod = 7 * 24 * time.Hour
)

// digestMax is how many notifications one digest lists; it says how many more wait,
// counting up to digestCount.
const (
	digestMax   = 30
	digestCount = 1000
)

// Online tells whether a person has a tab open (live.Presence).
type Online interface {
	Online(userID int64) bool
}

// Digester mails each person who was away a digest of their unread notifications of
// the kinds they chose Digest for. Run looks every Every; a person gets at most one
// digest per period of their frequency, never one listing a read notification or one
// that came before their last visit or last digest, never one while they are online,
// and never one when deactivated.
type Digester struct {
	DB       *store.DB
	Mail     *mail.Mailer
	Presence Online // nil: nobody counts as online (CLI, tests without a hub)
	Now      func() time.Time
	BaseURL  string
	Every    time.Duration // 0: no scheduled digests
	Log      *slog.Logger
}

func (d *Digester) rules() store.DigestRules {
	return store.DigestRules{DefaultFrequency: DefaultFrequency, DigestByDefault: digestByDefault(),
		Daily: DailyPeriod, Weekly: WeeklyPeriod}
}

// Run sends digests every Every until ctx ends.
func (d *Digester) Run(ctx context.Context) {
	if d.Every <= 0 {
		return
	}
	t := time.NewTicker(d.Every)
	defer t.Stop()
	for {
		if _, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil {
			d.Log.Error("notification digest", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce sends the digests due now and returns how many went to the outbox.
func (d *Digester) RunOnce(ctx context.Context) (int, error) {
	sent := 0
	var after int64
	for {
		due, err := d.DB.DigestDue(ctx, d.Now(), d.rules(), after, 100)
		if err != nil {
			return sent, err
		}
		for _, r := range due {
			after = r.ID
			if d.Presence != nil && d.Presence.Online(r.ID) {
				continue // they see their notifications on the site
			}
			ok, err := d.send(ctx, r.ID)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
		if len(due) < 100 {
			return sent, nil
		}
	}
}

// send writes one person's digest to the outbox and remembers it was sent, in one
// transaction that first checks again that the digest is due (another process may have
// sent it, or they read everything meanwhile).
func (d *Digester) send(ctx context.Context, userID int64) (bool, error) {
	now := d.Now()
	var q mail.Queued
	var sent bool
	err := d.DB.WithTx(ctx, func(tx *store.Queries) error {
		sent = false
		due, err := tx.DigestDue(ctx, now, d.rules(), userID-1, 1)
		if err != nil || len(due) == 0 || due[0].ID != userID {
			return err
		}
		r := due[0]
		items, err := tx.DigestItems(ctx, userID, r.Since, d.rules(), digestCount)
		if err != nil || len(items) == 0 {
			return err
		}
		fresh := make([]byte, 32)
		_, _ = rand.Read(fresh) // crypto/rand.Read never fails (it panics first)
		key, err := tx.UnsubscribeKey(ctx, userID, fresh, DefaultFrequency)
		if err != nil {
			return err
		}
		if q, err = d.Mail.Queue(ctx, tx, d.message(r, items, key)); err != nil {
			return err
		}
		sent = true
		return tx.MarkDigestSent(ctx, userID, now, DefaultFrequency)
	})
	if err != nil {
		return false, err
	}
	if sent {
		d.Mail.Dispatch(q)
	}
	return sent, nil
}

// message is the digest mail: its notifications with links, where to change the
// choices, and the one-click unsubscribe link (RFC 8058).
func (d *Digester) message(r store.DigestRecipient, items []store.Notification, key []byte) mail.Message {
	total := len(items)
	base := strings.TrimRight(d.BaseURL, "/")
	unsub := base + UnsubscribePath + "?t=" + UnsubscribeToken(r.ID, key)
	shown := min(len(items), digestMax)
	var b strings.Builder
	name := r.FirstName
	if name == "" {
		name = r.Username
	}
	fmt.Fprintf(&b, "Hello %s,\n\nhere is what happened on E-Platform while you were away.\n\n", name)
	loc, _ := zone.Location(r.TimeZone) // UTC when none is set
	for _, n := range items[:shown] {
		who := "E-Platform"
		if n.Sender != nil {
			who = n.Sender.DisplayName() + ", @" + n.Sender.Username
		}
		fmt.Fprintf(&b, "- %s (%s, %s)\n", DisplayText(n), who, n.CreatedAt.In(loc).Format("2 Jan 15:04 MST"))
		if n.Preview != "" {
			fmt.Fprintf(&b, "  “%s”\n", n.Preview)
		}
		fmt.Fprintf(&b, "  %s%s\n", base, n.URL)
	}
	if more := total - shown; more > 0 {
		fmt.Fprintf(&b, "\n…and %d more: %s/home/notifications/?filter=unread\n", more, base)
	}
	fmt.Fprintf(&b, "\nYou get this %s digest because of your notification settings: %s%s\n", r.Frequency, base, SettingsPath)
	fmt.Fprintf(&b, "Stop these emails with one click: %s\n", unsub)
	subject := "E-Platform: " + strconv.Itoa(total) + " unread notification"
	if total != 1 {
		subject += "s"
	}
	return mail.Message{To: r.Email, Subject: subject, Body: b.String(), Headers: [][2]string{
		{"List-Unsubscribe", "<" + unsub + ">"},
		{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
	}}
}

// Paths the digest links to (app/web serves them).
const (
	SettingsPath    = "/home/me/notifications/"
	UnsubscribePath = "/notifications/unsubscribe/"
)

// UnsubscribeToken is the signed token of a person's unsubscribe link:
// "<user id>.<HMAC-SHA256 of the id under their key>". It works without signing in;
// only the holder of the mail has it.
func UnsubscribeToken(userID int64, key []byte) string {
	id := strconv.FormatInt(userID, 10)
	return id + "." + base64.RawURLEncoding.EncodeToString(sign(key, id))
}

func sign(key []byte, id string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("digest-unsubscribe:" + id))
	return m.Sum(nil)
}

// errBadLink is every refusal of an unsubscribe token: a forged, mangled or voided
// link are told apart by nobody.
var errBadLink = problem.NotFound("This unsubscribe link is not valid. Sign in and change your notification settings instead.")

// Unsubscribe turns the digest off for the person a valid token names.
func (s *Service) Unsubscribe(ctx context.Context, token string) error {
	userID, err := s.unsubscriber(ctx, token)
	if err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.SetDigestFrequency(ctx, userID, Never) })
}

// UnsubscribeValid tells whether a token is a valid unsubscribe link (the page shows
// its button only then).
func (s *Service) UnsubscribeValid(ctx context.Context, token string) bool {
	_, err := s.unsubscriber(ctx, token)
	return err == nil
}

// unsubscriber returns the person a valid token names.
func (s *Service) unsubscriber(ctx context.Context, token string) (int64, error) {
	id, mac, ok := strings.Cut(token, ".")
	userID, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || userID <= 0 || strconv.FormatInt(userID, 10) != id {
		return 0, errBadLink
	}
	got, err := base64.RawURLEncoding.DecodeString(mac)
	if err != nil {
		return 0, errBadLink
	}
	key, err := s.DB.StoredUnsubscribeKey(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return 0, errBadLink
	}
	if err != nil {
		return 0, err
	}
	if !hmac.Equal(got, sign(key, id)) {
		return 0, errBadLink
	}
	return userID, nil
}
