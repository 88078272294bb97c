// Package state holds what every part of the running application shares: the
// database, the cache, the rate limiter, the mailer, the account service, the clock and
// the configuration. One State is built by main and passed explicitly; there are no
// globals.
package state

import (
	"io/fs"
	"log/slog"
	"time"

	"eplatform/app/audit"
	"eplatform/app/auth"
	"eplatform/app/backup"
	"eplatform/app/cache"
	"eplatform/app/calendar"
	"eplatform/app/chat"
	"eplatform/app/config"
	"eplatform/app/coursework"
	"eplatform/app/desk"
	"eplatform/app/feed"
	"eplatform/app/frag"
	"eplatform/app/learn"
	"eplatform/app/limit"
	"eplatform/app/live"
	"eplatform/app/mail"
	"eplatform/app/media"
	"eplatform/app/moderation"
	"eplatform/app/mydata"
	"eplatform/app/notify"
	"eplatform/app/people"
	"eplatform/app/quiz"
	"eplatform/app/roster"
	"eplatform/app/store"
)

// State is the application's shared parts.
type State struct {
	Config *config.Config
	DB     *store.DB
	Cache  cache.Cache
	// Fragments keeps rendered pieces of pages (post cards…) in this process, keyed by
	// the versions they show.
	Fragments *frag.Store
	// Pages keeps whole pages for anonymous visitors (app/web AnonymousPages).
	Pages   *cache.Local[*frag.Page]
	Limiter limit.Limiter
	Mail    *mail.Mailer
	// Media is where uploaded files live (under the data directory).
	Media  media.Store
	Auth   *auth.Service
	Notify *notify.Service
	Feed   *feed.Service
	People *people.Service
	Chat   *chat.Service
	Learn  *learn.Service
	Quiz   *quiz.Service
	// Coursework is hand-ins for assignments, their grading and the gradebook.
	Coursework *coursework.Service
	Desk       *desk.Service
	// MyData is a person's data export and account deletion.
	MyData *mydata.Service
	// Calendar gathers each person's dates (month page, iCalendar feed).
	Calendar *calendar.Service
	// Roster brings class lists in: accounts from a CSV file, enrollment lists.
	Roster *roster.Service
	// Moderation is reports to the admins and people blocking people.
	Moderation *moderation.Service
	// Broker fans live events out between processes; Hub holds this process's
	// sockets and is how the domain publishes (notify.Publisher).
	Broker live.Broker
	Hub    *live.Hub
	// Presence tells whether a user has a tab open on any process.
	Presence live.Presence
	stopHub  func()
	hubDone  chan struct{}
	Log      *slog.Logger
	Now      func() time.Time
	Limits   Limits
	// Static is views/static, embedded by the root package.
	Static fs.FS
	// ClientIP tells the client's address, believing proxies only when trusted.
	ClientIP limit.ClientIP
	// Backups makes the scheduled backups (main runs it) and the admin download's
	// archive, and remembers the last scheduled outcome.
	Backups *backup.Scheduler
	// AuditPruner deletes audit log entries older than -audit-keep (main runs it).
	AuditPruner *audit.Pruner
	// Digest mails the notification digests (main runs it every 15 minutes).
	Digest *notify.Digester
	// Version is the build's version and Started when Open ran (the admin dashboard's
	// health figures).
	Version string
	Started time.Time
}

// Limits are the named rate limits of every write path. Defaults below; each can be
// overridden with -limits name=N/period.
type Limits struct {
	Login, Signup, Reset             limit.Rule
	Post, Comment, Like, Upload      limit.Rule
	Chat, Search, API, Contact, Book limit.Rule
	// Quiz guards the writes of quiz builders and graders (quizzes, questions,
	// grades), Answer the answers saved while taking a quiz (autosave runs on every
	// change), Enroll enrolling and leaving: each its own bucket, so building a quiz
	// does not spend likes.
	Quiz, Answer, Enroll limit.Rule
	// ClassList guards class-list previews, imports and enrollment lists (each costs
	// thousands of lookups).
	ClassList limit.Rule

	// Report guards reports of content, Block blocking and unblocking people.
	Report, Block limit.Rule

	// Export is data downloads (a zip of everything, so a few an hour), DeleteAccount
	// deletion requests and cancellations, per person asking.
	Export, DeleteAccount limit.Rule
	// NotifyPrefs guards saving notification preferences and the unsubscribe links
	// (those per address: they need no sign-in).
	NotifyPrefs limit.Rule

	// More sign-in limits (see Login below and auth/login.go).
	LoginUser, LoginAccount, LoginDevice limit.Rule
}

// DefaultLimits returns the defaults with the overrides applied.
func DefaultLimits(overrides map[string]config.Limit) Limits {
	rule := func(name string, n int, period time.Duration) limit.Rule {
		if o, ok := overrides[name]; ok {
			n, period = o.N, o.Period
		}
		return limit.PerPeriod(name, n, period)
	}
	return Limits{
		Login:   rule("login", 100, 15*time.Minute),
		Signup:  rule("signup", 10, time.Hour),
		Reset:   rule("reset", 5, 5*time.Minute),
		Post:    rule("post", 10, time.Minute),
		Comment: rule("comment", 30, time.Minute),
		Like:    rule("like", 120, time.Minute),
		Upload:  rule("upload", 20, time.Hour),
		Chat:    chatRule(overrides),
		Search:  rule("search", 60, time.Minute),
		API:     rule("api", 600, time.Minute),
		Contact: rule("contact", 5, time.Hour),
		Book:    rule("appointment", 10, time.Hour),
		Quiz:    rule("quiz", 120, time.Minute),
		Answer:  rule("answer", 300, time.Minute),
		Enroll:  rule("enroll", 30, time.Minute),
		Report:  rule("report", 20, time.Hour),
		Block:   rule("block", 30, time.Hour),

		ClassList:   rule("class_list", 30, time.Hour),
		NotifyPrefs: rule("notification_prefs", 30, time.Minute),

		Export:        rule("export", 3, time.Hour),
		DeleteAccount: rule("delete_account", 10, time.Hour),

		// Sign-ins count failures only (successes are refunded). A school signs in from
		// one address: Login allows 100 failures per address in 15 minutes (then one
		// every 9 s), far more mistyping than a class produces, and still stops one
		// address from spraying guesses over the accounts. One address spends at most
		// half of an account's allowance (LoginUser), so a guesser there cannot lock the
		// owner out even on a new computer; all unknown devices together get 10 per 15
		// minutes (LoginAccount); the owner's own browser, holding its device cookie,
		// gets its own 10 (LoginDevice), untouched by guessing elsewhere.
		LoginUser:    rule("login_user", 5, 15*time.Minute),
		LoginAccount: rule("login_account", 10, 15*time.Minute),
		LoginDevice:  rule("login_device", 10, 15*time.Minute),
	}
}

// chatRule is a burst of 10, then one message every 3 s, unless overridden.
func chatRule(overrides map[string]config.Limit) limit.Rule {
	if o, ok := overrides["chat"]; ok {
		return limit.PerPeriod("chat", o.N, o.Period)
	}
	return limit.Rule{Name: "chat", Burst: 10, Every: 3 * time.Second}
}
