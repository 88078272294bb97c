package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"

	"eplatform/app/audit"
	"eplatform/app/auth"
	"eplatform/app/backup"
	"eplatform/app/cache"
	"eplatform/app/config"
	"eplatform/app/feed"
	"eplatform/app/frag"
	"eplatform/app/limit"
	"eplatform/app/live"
	"eplatform/app/mail"
	"eplatform/app/media"
	"eplatform/app/notify"
	"eplatform/app/store"
)

// Options are what Open needs besides the configuration.
type Options struct {
	Schema         string // schema.sql
	PostgresSchema string // schema_postgres.sql
	Static         fs.FS  // views/static
	Log            *slog.Logger
	// Now is the clock (time.Now when nil); tests pass a fake one.
	Now func() time.Time
	// PasswordParams are the argon2id costs (auth.DefaultParams when zero).
	PasswordParams auth.Params
	// Version is the app version recorded in backup manifests.
	Version string
}

// StoreOptions are the database options the configuration gives: the SQLite file in
// the data directory, or PostgreSQL with -db (and its -db-replica).
func StoreOptions(cfg *config.Config, schema, postgresSchema string) store.Options {
	return store.Options{Path: cfg.DatabasePath(), URL: cfg.DB, Replicas: cfg.DBReplicas,
		ReplicaMaxLag: cfg.DBReplicaMaxLag, Schema: schema, PostgresSchema: postgresSchema, Synchronous: cfg.Synchronous}
}

// Open builds the State from a finished configuration: the database (migrated), the
// cache, the limiter (Redis when -redis is set), the mailer and the account service.
func Open(ctx context.Context, cfg *config.Config, o Options) (*State, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PasswordParams == (auth.Params{}) {
		o.PasswordParams = auth.DefaultParams
	}
	overrides, err := config.ParseLimits(cfg.Limits)
	if err != nil {
		return nil, err
	}
	trusted, err := limit.ParseTrusted(cfg.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("-trusted-proxies: %w", err)
	}
	db, err := store.Open(ctx, StoreOptions(cfg, o.Schema, o.PostgresSchema))
	if err != nil {
		return nil, err
	}
	// One memory budget (-cache-mb) for the in-process caches: half for data (unused
	// when the data cache is Redis), 3/8 for rendered fragments, 1/8 for whole
	// anonymous pages.
	budget := int64(cfg.CacheMB) << 20
	c, err := cache.Open(cfg.Cache, budget/2)
	if err != nil {
		db.Close()
		return nil, err
	}
	if cfg.Cache != "memory" {
		// With replicas, a user's write on one process is read back on another.
		db.ShareWritePositions(c)
	}
	if len(db.Replicas()) > 0 {
		cache.SetFillContext(store.PrimaryReads) // cached values come from the primary
	}
	fragments, err := frag.NewStore(budget * 3 / 8)
	if err != nil {
		db.Close()
		c.Close()
		return nil, err
	}
	pages, err := cache.NewLocal[*frag.Page](budget/8, 32<<10)
	if err != nil {
		db.Close()
		c.Close()
		fragments.Close()
		return nil, err
	}
	var limiter limit.Limiter
	var broker live.Broker
	var redisClient *redis.Client
	if cfg.Redis != "" {
		opts, err := redis.ParseURL(cfg.Redis)
		if err != nil {
			db.Close()
			c.Close()
			fragments.Close()
			return nil, fmt.Errorf("-redis: %w", err)
		}
		client := redis.NewClient(opts)
		redisClient = client
		pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := client.Ping(pingCtx).Err(); err != nil {
			db.Close()
			c.Close()
			fragments.Close()
			client.Close()
			return nil, fmt.Errorf("-redis %s: %w", cfg.Redis, err)
		}
		limiter = closing{limit.NewRedis(client, "eplatform:limit:", o.Now), client.Close}
		broker = live.NewRedisBroker(client, "") // shares the client; closed before it
	} else {
		limiter = limit.NewMemory(limit.MemoryOptions{Now: o.Now})
		broker = live.NewMemoryBroker()
	}
	limits := DefaultLimits(overrides)
	mailer := mail.New(db, mail.SMTPConfig{
		Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Username: cfg.SMTP.Username,
		Password: cfg.SMTP.Password, From: cfg.SMTP.From,
	}, o.Log, o.Now)
	st := &State{
		Config: cfg, DB: db, Cache: c, Limiter: limiter, Mail: mailer, Log: o.Log, Now: o.Now,
		Limits: limits, Static: o.Static, ClientIP: limit.ClientIP{Trusted: trusted},
		Media: mediaStore(cfg, db), Fragments: fragments, Pages: pages,
		Version: o.Version, Started: o.Now(),
	}
	st.Auth = &auth.Service{
		DB: db, Cache: c, Limiter: limiter, Mail: mailer, Media: st.Media,
		Log: o.Log, Now: o.Now, Params: o.PasswordParams,
		Rules: auth.Rules{Login: limits.Login, LoginUser: limits.LoginUser, LoginAccount: limits.LoginAccount,
			LoginDevice: limits.LoginDevice, Signup: limits.Signup, Reset: limits.Reset},
		InstructorCode: cfg.InstructorCode, AdminCode: cfg.AdminCode, BaseURL: cfg.BaseURL,
	}
	st.Backups = &backup.Scheduler{
		Source: backup.Source{DataDir: cfg.DataDir, Version: o.Version, Now: o.Now, Postgres: cfg.DB},
		Dir:    cfg.BackupDir, Every: cfg.BackupEvery, Keep: cfg.BackupKeep, Log: o.Log,
	}
	st.AuditPruner = &audit.Pruner{DB: db, Keep: cfg.AuditKeep, Now: o.Now, Log: o.Log}
	site, _ := url.Parse(cfg.BaseURL) // validated by config.Finish
	st.Broker = broker
	st.Hub = live.NewHub(broker, live.Options{Log: o.Log, Now: o.Now, AllowedOrigins: []string{site.Host},
		MaxSocketsPerUser: cfg.SocketsPerUser})
	st.Presence = st.Hub
	var shared *live.RedisPresence
	if redisClient != nil {
		// With several processes, "online" means a tab on any of them. These hooks are
		// registered before the features' own, so a feature's disconnect hook already
		// sees this process's claim withdrawn.
		shared = live.NewRedisPresence(redisClient, st.Hub, o.Now)
		st.Presence = shared
		st.Hub.OnConnect(func(ctx context.Context, c *live.Client) {
			if c.FirstForUser() {
				shared.Claim(ctx, c.UserID())
			}
		})
		st.Hub.OnDisconnect(func(ctx context.Context, c *live.Client, last bool) {
			if last {
				shared.Release(ctx, c.UserID())
			}
		})
	}
	st.Notify = &notify.Service{DB: db, Cache: c, Pub: st.Hub, Log: o.Log, BaseURL: cfg.BaseURL,
		DependsOn: []string{feed.HeadsNamespace, auth.PeopleNamespace}}
	st.Digest = &notify.Digester{DB: db, Mail: mailer, Presence: st.Presence, Now: o.Now, BaseURL: cfg.BaseURL,
		Every: 15 * time.Minute, Log: o.Log}
	st.Feed = &feed.Service{DB: db, Cache: c, Notify: st.Notify, Pub: st.Hub, Media: st.Media, Log: o.Log, Now: o.Now}
	// Signing out everywhere also closes the user's open sockets on every process.
	st.Auth.OnSessionsEnded = func(ctx context.Context, userID int64) {
		if err := st.Hub.Disconnect(ctx, []int64{userID}); err != nil {
			o.Log.WarnContext(ctx, "close the sockets of a user signed out everywhere", "user", userID, "err", err)
		}
	}
	st.registerLive()
	st.openChat()
	st.openLearn()
	st.openPeople()
	st.openQuiz()
	st.openCoursework()
	st.openDesk()
	st.openCalendar()
	st.openRoster()
	st.openModeration()
	st.openMyData()

	// The hub runs as long as the State: the domain publishes through it even when no
	// HTTP server is running (tests, CLI).
	hubCtx, stop := context.WithCancel(context.Background())
	st.stopHub, st.hubDone = stop, make(chan struct{})
	go func() {
		defer close(st.hubDone)
		if shared != nil {
			go shared.Run(hubCtx)
		}
		if err := st.Hub.Run(hubCtx); err != nil {
			o.Log.Error("live hub", "err", err)
		}
	}()
	return st, nil
}

// registerLive connects the notification frames of the socket protocol: the unread
// count on connect, mark_read and mark_all_read.
func (s *State) registerLive() {
	// Only the new tab lacks the count: sending it to every tab of the user made a
	// user's frames grow with the square of their tabs.
	s.Hub.OnConnect(func(ctx context.Context, c *live.Client) {
		if f, err := s.Notify.UnreadFrame(ctx, c.UserID()); err == nil {
			_ = c.Send(f) // a client too slow for it is being dropped
		}
	})
	s.Hub.Handle("mark_read", func(ctx context.Context, c *live.Client, data json.RawMessage) error {
		var f struct {
			NotificationID int64 `json:"notification_id"`
		}
		if json.Unmarshal(data, &f) != nil || f.NotificationID <= 0 {
			return live.ClientError("notification_id is required for mark_read")
		}
		if _, err := s.Notify.MarkRead(ctx, c.UserID(), f.NotificationID); errors.Is(err, store.ErrNotFound) {
			return live.ClientError(fmt.Sprintf("Notification %d not found or not authorized", f.NotificationID))
		} else if err != nil {
			return err
		}
		return nil // MarkRead pushes the new unread_count to every tab
	})
	s.Hub.Handle("mark_all_read", func(ctx context.Context, c *live.Client, _ json.RawMessage) error {
		_, err := s.Notify.MarkAllRead(ctx, c.UserID())
		return err
	})
}

// closing adds the Redis client's Close to a limiter that does not own it.
type closing struct {
	limit.Limiter
	closeClient func() error
}

func (c closing) Close() error { return errors.Join(c.Limiter.Close(), c.closeClient()) }

// Close stops the hub (closing sockets, running their disconnect hooks), waits for
// background mail and closes everything, the database last.
func (s *State) Close() error {
	s.stopHub()
	<-s.hubDone
	s.Auth.Wait() // reset mails being prepared, before the mailer's deliveries
	s.Mail.Wait()
	s.Fragments.Close()
	s.Pages.Close()
	return errors.Join(s.Broker.Close(), s.Limiter.Close(), s.Cache.Close(), s.DB.Close())
}

// Janitor deletes expired sessions, login devices and API tokens every interval until
// ctx ends.
func (s *State) Janitor(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := s.Now()
		err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
			if _, err := tx.DeleteExpiredSessions(ctx, now); err != nil {
				return err
			}
			if _, err := tx.DeleteExpiredDevices(ctx, now); err != nil {
				return err
			}
			// Keep revoked refresh tokens a while past expiry for reuse detection.
			_, err := tx.DeleteExpiredAPITokens(ctx, now.Add(-24*time.Hour))
			return err
		})
		if err != nil && ctx.Err() == nil {
			s.Log.Warn("janitor", "err", err)
		}
		// Accounts whose deletion grace period is over (app/mydata).
		if _, err := s.MyData.RemoveDue(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("janitor: account deletions", "err", err)
		}
	}
}

// mediaStore keeps uploads as files in the data directory, or in PostgreSQL with
// -media db (see media.Store).
func mediaStore(cfg *config.Config, db *store.DB) media.Store {
	if cfg.Media == "db" {
		return media.Store{Root: cfg.MediaDir(), DB: db}
	}
	return media.Store{Root: cfg.MediaDir()}
}
