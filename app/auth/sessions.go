package auth

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/sessions"

	"eplatform/app/cache"
	"eplatform/app/store"
)

// SessionName is the cookie name of browser sessions.
const SessionName = "eplatform_session"

// Session lifetimes. A remembered session lasts 14 days from the last visit; any other
// is a browser-session cookie that the server also forgets after a day of inactivity.
const (
	RememberLife = 14 * 24 * time.Hour
	BrowserLife  = 24 * time.Hour
	// touchEvery bounds how often a visit slides the expiry (one write per session
	// per interval, not one per request).
	touchEvery = 5 * time.Minute
)

// Keys of session values.
const (
	keyUserID   = "uid"
	keyRemember = "remember"
)

// SessionStore is a gorilla/sessions Store whose cookie carries only a random token;
// the values live in the sessions table, found by the token's SHA-256, and are read
// through the cache.
type SessionStore struct {
	svc    *Service
	secure bool
}

// NewSessionStore returns the store; secure sets the Secure cookie flag (HTTPS).
func (s *Service) NewSessionStore(secure bool) *SessionStore {
	gob.Register(int64(0))
	gob.Register([]any{}) // gorilla keeps flashes as []any
	return &SessionStore{svc: s, secure: secure}
}

var _ sessions.Store = (*SessionStore)(nil)

// Get returns the request's session, loading it once per request.
func (st *SessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(st, name)
}

// cachedSession is what the cache keeps of a row.
type cachedSession struct {
	UserID     int64
	Data       []byte
	Remember   bool
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// New loads the session named by the request's cookie, or starts an empty one.
func (st *SessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	s := sessions.NewSession(st, name)
	s.Options = st.options(false)
	s.IsNew = true
	c, err := r.Cookie(name)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return s, nil
	}
	ctx := r.Context()
	hash := hashToken(c.Value)
	row, err := cache.Load(ctx, st.svc.Cache, sessionKey(hash), time.Minute, func(ctx context.Context) (cachedSession, error) {
		ss, err := st.svc.DB.SessionByHash(ctx, hash, st.svc.Now())
		if err != nil {
			return cachedSession{}, err
		}
		return cachedSession{UserID: ss.UserID, Data: ss.Data, Remember: ss.Remember, LastSeenAt: ss.LastSeenAt, ExpiresAt: ss.ExpiresAt}, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return s, nil // unknown or expired: a fresh session
	}
	if err != nil {
		return s, err
	}
	now := st.svc.Now()
	if !now.Before(row.ExpiresAt) {
		return s, nil
	}
	if len(row.Data) > 0 {
		if err := gob.NewDecoder(bytes.NewReader(row.Data)).Decode(&s.Values); err != nil {
			return sessions.NewSession(st, name), nil // unreadable: start over
		}
	}
	s.ID = c.Value
	s.IsNew = false
	s.Values[keyUserID] = row.UserID
	s.Values[keyRemember] = row.Remember
	s.Options = st.options(row.Remember)
	if now.Sub(row.LastSeenAt) > touchEvery {
		life := lifetime(row.Remember)
		if err := st.svc.DB.WithTx(ctx, func(tx *store.Queries) error {
			return tx.TouchSession(ctx, hash, now, now.Add(life))
		}); err != nil {
			// The session stays valid until its old expiry; the next visit tries again.
			st.svc.Log.WarnContext(ctx, "touch session", "err", err)
		} else {
			st.svc.forget(ctx, sessionKey(hash))
		}
	}
	return s, nil
}

func lifetime(remember bool) time.Duration {
	if remember {
		return RememberLife
	}
	return BrowserLife
}

func (st *SessionStore) options(remember bool) *sessions.Options {
	o := &sessions.Options{Path: "/", HttpOnly: true, Secure: st.secure, SameSite: http.SameSiteLaxMode}
	if remember {
		o.MaxAge = int(RememberLife / time.Second)
	}
	return o
}

// Save writes the session row and sets the cookie; MaxAge < 0 deletes both.
func (st *SessionStore) Save(r *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	ctx := r.Context()
	if s.Options != nil && s.Options.MaxAge < 0 {
		if s.ID != "" {
			hash := hashToken(s.ID)
			if err := st.svc.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.DeleteSession(ctx, hash) }); err != nil {
				return err
			}
			st.svc.forget(ctx, sessionKey(hash))
		}
		http.SetCookie(w, sessions.NewCookie(s.Name(), "", &sessions.Options{Path: "/", MaxAge: -1, HttpOnly: true, Secure: st.secure, SameSite: http.SameSiteLaxMode}))
		return nil
	}
	uid, _ := s.Values[keyUserID].(int64)
	remember, _ := s.Values[keyRemember].(bool)
	values := make(map[any]any, len(s.Values))
	for k, v := range s.Values {
		if k != keyUserID && k != keyRemember { // those have their own columns
			values[k] = v
		}
	}
	data := []byte{} // the column is NOT NULL; nil would bind as NULL
	if len(values) > 0 {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(values); err != nil {
			return err
		}
		data = buf.Bytes()
	}
	created := st.svc.Now()
	if s.ID == "" {
		s.ID, _ = newToken()
	}
	hash := hashToken(s.ID)
	now := st.svc.Now()
	err := st.svc.DB.WithTx(ctx, func(tx *store.Queries) error {
		return tx.SaveSession(ctx, store.Session{
			IDHash: hash, UserID: uid, Data: data, Remember: remember,
			UserAgent: truncate(r.UserAgent(), 300), IP: truncate(r.RemoteAddr, 100),
			CreatedAt: created, LastSeenAt: now, ExpiresAt: now.Add(lifetime(remember)),
		})
	})
	if err != nil {
		return err
	}
	st.svc.forget(ctx, sessionKey(hash))
	s.Options = st.options(remember)
	http.SetCookie(w, sessions.NewCookie(s.Name(), s.ID, s.Options))
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// UserID returns the signed-in user of a session, or 0.
func UserID(s *sessions.Session) int64 {
	id, _ := s.Values[keyUserID].(int64)
	return id
}

// LogIn signs a user into the browser: the old session (if any) is deleted and a new
// token issued, so a token planted before login is worthless after it (session
// fixation). Flash messages carry over.
func (st *SessionStore) LogIn(w http.ResponseWriter, r *http.Request, userID int64, remember bool) error {
	s, err := st.Get(r, SessionName)
	if err != nil {
		return err
	}
	flashes := s.Flashes()
	if s.ID != "" {
		ctx := r.Context()
		hash := hashToken(s.ID)
		if err := st.svc.DB.WithTx(ctx, func(tx *store.Queries) error { return tx.DeleteSession(ctx, hash) }); err != nil {
			return err
		}
		st.svc.forget(ctx, sessionKey(hash))
	}
	s.ID = ""
	s.Values = map[any]any{keyUserID: userID, keyRemember: remember}
	for _, f := range flashes {
		s.AddFlash(f)
	}
	return st.Save(r, w, s)
}

// LogOut deletes the request's session and its cookie, and leaves the request with a
// fresh anonymous session, so a flash added afterwards ("You have been logged out")
// is saved in a new session rather than lost with the deleted one.
func (st *SessionStore) LogOut(w http.ResponseWriter, r *http.Request) error {
	s, err := st.Get(r, SessionName)
	if err != nil {
		return err
	}
	s.Options = &sessions.Options{MaxAge: -1}
	if err := st.Save(r, w, s); err != nil {
		return err
	}
	s.ID, s.IsNew = "", true
	s.Values = map[any]any{}
	s.Options = st.options(false)
	return nil
}
