package notify_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"eplatform/app/apptest"
	"eplatform/app/auth"
	"eplatform/app/notify"
	"eplatform/app/problem"
	"eplatform/app/store"

	"github.com/coder/websocket"
)

// The digest, run with the test's clock: once per period, only unread notifications
// of digest kinds that came after the person's last visit and last digest, never to
// someone online, deactivated or unsubscribed.

type digestWorld struct {
	t   *testing.T
	app *apptest.App
	d   *notify.Digester
}

func newDigestWorld(t *testing.T) *digestWorld {
	app := apptest.StartRelaxed(t)
	st := app.State
	d := &notify.Digester{DB: st.DB, Mail: st.Mail, Presence: st.Presence, Now: st.Now, BaseURL: app.URL, Log: st.Log}
	return &digestWorld{t: t, app: app, d: d}
}

// run runs the job once and returns the digests it put in the outbox, by address.
func (w *digestWorld) run() map[string]store.Mail {
	w.t.Helper()
	before, err := w.app.State.DB.RecentMail(context.Background(), 0, 1)
	if err != nil {
		w.t.Fatal(err)
	}
	var last int64
	if len(before) > 0 {
		last = before[0].ID
	}
	n, err := w.d.RunOnce(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	mails, err := w.app.State.DB.RecentMail(context.Background(), 0, 100)
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]store.Mail{}
	for _, m := range mails {
		if m.ID > last {
			out[m.To] = m
		}
	}
	if len(out) != n {
		w.t.Fatalf("RunOnce said %d, the outbox has %d new", n, len(out))
	}
	return out
}

func (w *digestWorld) mention(by store.User, who ...string) {
	w.t.Helper()
	if _, err := w.app.State.Feed.CreatePost(context.Background(), by, "hello @"+strings.Join(who, " @"), nil); err != nil {
		w.t.Fatal(err)
	}
}

func TestDigestOncePerPeriod(t *testing.T) {
	w := newDigestWorld(t)
	ctx := context.Background()
	ada, bob := w.app.Account("ada", "student"), w.app.Account("bob", "student")
	w.app.Clock.Advance(time.Hour)
	w.mention(bob, "ada")
	if got := w.run(); len(got) != 0 {
		t.Fatalf("a digest before a day since joining: %v", got)
	}
	w.app.Clock.Advance(24 * time.Hour)
	got := w.run()
	m, ok := got["ada@example.com"]
	if len(got) != 1 || !ok || !strings.Contains(m.Body, "hello @ada") || !strings.Contains(m.Subject, "1 unread notification") {
		t.Fatalf("first digest: %+v", got)
	}
	if !strings.Contains(m.Body, w.app.URL+"/home/post/") || !strings.Contains(m.Body, w.app.URL+notify.UnsubscribePath+"?t=") {
		t.Fatalf("links missing:\n%s", m.Body)
	}
	// People are named as on the site, with the username beside the name.
	if !strings.Contains(m.Body, "- Bob Tester mentioned you in a post (Bob Tester, @bob, ") {
		t.Fatalf("the sender is not named by display name:\n%s", m.Body)
	}
	// Times are in the recipient's zone, named: UTC without one, Tokyo's once chosen.
	if !strings.Contains(m.Body, "25 Nov 13:00 UTC") {
		t.Errorf("the mention's time (UTC) is not in\n%s", m.Body)
	}
	zone := "Asia/Tokyo"
	if _, err := w.app.State.Auth.UpdateAccount(ctx, ada.ID, auth.AccountUpdate{TimeZone: &zone}); err != nil {
		t.Fatal(err)
	}
	// Once per period: another run, and a new mention within the day, send nothing.
	w.app.Clock.Advance(time.Hour)
	w.mention(bob, "ada")
	if got := w.run(); len(got) != 0 {
		t.Fatalf("second digest within the day: %v", got)
	}
	// A day after the last digest, only what came after it.
	w.app.Clock.Advance(24 * time.Hour)
	got = w.run()
	if m := got["ada@example.com"]; len(got) != 1 || strings.Count(m.Body, "hello @ada") != 1 || !strings.Contains(m.Subject, "1 unread") {
		t.Fatalf("next day's digest: %+v", got)
	} else if !strings.Contains(m.Body, "26 Nov 23:00 JST") {
		t.Errorf("the mention's time (Tokyo) is not in\n%s", m.Body)
	}
	// Read notifications never go out: a mention read before the period ends is not mailed.
	w.mention(bob, "ada")
	if _, err := w.app.State.Notify.MarkAllRead(ctx, ada.ID); err != nil {
		t.Fatal(err)
	}
	w.app.Clock.Advance(25 * time.Hour)
	if got := w.run(); len(got) != 0 {
		t.Fatalf("a digest of read notifications: %+v", got)
	}
	// Likes are live only by default: they alone make no digest.
	post, err := w.app.State.Feed.CreatePost(ctx, ada, "like me", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.app.State.Feed.ToggleLike(ctx, bob, post.ID); err != nil {
		t.Fatal(err)
	}
	w.app.Clock.Advance(25 * time.Hour)
	if got := w.run(); len(got) != 0 {
		t.Fatalf("a digest of a like: %+v", got)
	}
}

func TestDigestWeeklyNeverAndDeactivated(t *testing.T) {
	w := newDigestWorld(t)
	ctx := context.Background()
	bob := w.app.Account("bob", "student")
	weekly, never := w.app.Account("wendy", "student"), w.app.Account("nina", "student")
	gone := w.app.Account("gus", "student")
	for u, f := range map[int64]string{weekly.ID: notify.Weekly, never.ID: notify.Never} {
		if _, err := w.app.State.Notify.SetPreferences(ctx, u, notify.PreferencesUpdate{DigestFrequency: &f}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.app.State.Auth.SetActive(ctx, gone.ID, false); err != nil {
		t.Fatal(err)
	}
	w.app.Clock.Advance(time.Hour)
	w.mention(bob, "wendy", "nina", "gus")
	w.app.Clock.Advance(2 * 24 * time.Hour)
	if got := w.run(); len(got) != 0 {
		t.Fatalf("weekly after two days, never, or deactivated got mail: %v", got)
	}
	w.app.Clock.Advance(6 * 24 * time.Hour)
	if got := w.run(); len(got) != 1 || got["wendy@example.com"].ID == 0 {
		t.Fatalf("after a week only wendy: %v", got)
	}
}

// TestDigestNotForOnlineOrReturnedPeople: someone with a tab open gets no digest, and
// after they close it, what came before is not mailed (they were on the site).
func TestDigestNotForOnlineOrReturnedPeople(t *testing.T) {
	w := newDigestWorld(t)
	bob := w.app.Account("bob", "student")
	ada := w.app.Account("ada", "student")
	w.app.Clock.Advance(time.Hour)
	w.mention(bob, "ada")
	w.app.Clock.Advance(25 * time.Hour)
	// Due now; ada signs in and opens a tab.
	c := w.app.Client()
	c.LogIn("ada", apptest.Password)

	h := http.Header{"Origin": {w.app.URL}}
	u, _ := url.Parse(w.app.URL)
	for _, ck := range c.Jar.Cookies(u) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(w.app.URL, "http")+"/ws/", &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := conn.Read(ctx); err != nil { // the unread count: the hub holds the socket
		t.Fatal(err)
	}
	w.app.Clock.Advance(time.Minute)
	w.mention(bob, "ada") // newer than every request of hers: only her open tab holds it back
	w.app.Clock.Advance(time.Minute)
	if got := w.run(); len(got) != 0 {
		t.Fatalf("a digest to someone online: %v", got)
	}
	conn.Close(websocket.StatusNormalClosure, "")
	deadline := time.Now().Add(5 * time.Second)
	for w.app.State.Presence.Online(ada.ID) {
		if time.Now().After(deadline) {
			t.Fatal("still online after closing the socket")
		}
		time.Sleep(10 * time.Millisecond)
	}
	w.app.Clock.Advance(time.Minute)
	if got := w.run(); len(got) != 0 {
		t.Fatalf("a digest of what came while they were online: %v", got)
	}
	w.app.Clock.Advance(time.Minute)
	w.mention(bob, "ada")
	if got := w.run(); len(got) != 1 {
		t.Fatalf("what came after they left: %v", got)
	}
}

var linkRe = regexp.MustCompile(`\?t=([0-9]+\.[A-Za-z0-9_-]+)`)

func TestUnsubscribeLink(t *testing.T) {
	w := newDigestWorld(t)
	ctx := context.Background()
	ada, bob := w.app.Account("ada", "student"), w.app.Account("bob", "student")
	w.app.Clock.Advance(time.Hour)
	w.mention(bob, "ada")
	w.mention(ada, "bob")
	w.app.Clock.Advance(25 * time.Hour)
	got := w.run()
	tokens := map[string]string{}
	for to, m := range got {
		mt := linkRe.FindStringSubmatch(m.Body)
		if mt == nil {
			t.Fatalf("no link in\n%s", m.Body)
		}
		tokens[to] = mt[1]
	}
	adaTok, bobTok := tokens["ada@example.com"], tokens["bob@example.com"]
	if adaTok == "" || bobTok == "" {
		t.Fatalf("digests %v", got)
	}
	_, bobMAC, _ := strings.Cut(bobTok, ".")
	_, adaMAC, _ := strings.Cut(adaTok, ".")
	forged := []string{
		"", "x", adaTok + "x", strings.Replace(adaTok, adaMAC[:4], "AAAA", 1),
		itoa(ada.ID) + "." + bobMAC, // bob's signature on ada's id
		"0" + adaTok,                // another spelling of the id
		itoa(ada.ID+100) + "." + adaMAC,
	}
	for _, tok := range forged {
		apptest.WantKind(t, "forged "+tok, w.app.State.Notify.Unsubscribe(ctx, tok), problem.KindNotFound)
	}
	if p, _ := w.app.State.Notify.Preferences(ctx, ada.ID); p.DigestFrequency != notify.Daily {
		t.Fatalf("a forged link changed ada's digest: %+v", p)
	}
	if err := w.app.State.Notify.Unsubscribe(ctx, adaTok); err != nil {
		t.Fatal(err)
	}
	if p, _ := w.app.State.Notify.Preferences(ctx, ada.ID); p.DigestFrequency != notify.Never {
		t.Fatalf("after unsubscribing: %+v", p)
	}
	if p, _ := w.app.State.Notify.Preferences(ctx, bob.ID); p.DigestFrequency != notify.Daily {
		t.Fatalf("ada's link changed bob: %+v", p)
	}
	w.app.Clock.Advance(time.Minute)
	w.mention(bob, "ada")
	w.mention(ada, "bob")
	w.app.Clock.Advance(25 * time.Hour)
	if got := w.run(); len(got) != 1 || got["bob@example.com"].ID == 0 {
		t.Fatalf("after ada unsubscribed: %v", got)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
