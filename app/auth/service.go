package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"eplatform/app/audit"
	"eplatform/app/cache"
	"eplatform/app/form"
	"eplatform/app/limit"
	"eplatform/app/media"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// Mailer sends mail (app/mail.Mailer).
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
	Configured() bool
}

// Rules are the rate limits the account flows apply (see login.go for the sign-in
// limits).
type Rules struct {
	Login        limit.Rule // failed sign-ins per client address
	LoginUser    limit.Rule // failed sign-ins per account and client address
	LoginAccount limit.Rule // failed sign-ins per account from devices it never signed in from
	LoginDevice  limit.Rule // failed sign-ins per account from one of its devices
	Signup       limit.Rule // per client address
	Reset        limit.Rule // per client address and, separately, per email address
}

// Service implements the account flows.
type Service struct {
	DB      *store.DB
	Cache   cache.Cache
	Limiter limit.Limiter
	Mail    Mailer
	Media   media.Store
	Log     *slog.Logger
	Now     func() time.Time
	Params  Params
	Rules   Rules
	// InstructorCode and AdminCode gate signing up with those roles.
	InstructorCode, AdminCode string
	// BaseURL prefixes links in mail, e.g. https://learn.example.org.
	BaseURL string

	// OnSessionsEnded, when set, is told after EndAllSessions (e.g. to close the
	// user's open sockets).
	OnSessionsEnded func(ctx context.Context, userID int64)

	dummyOnce sync.Once
	dummy     string

	resets resetWorker
}

// Errors returned by the flows.
var (
	// ErrInvalidCredentials covers unknown users, wrong passwords and inactive
	// accounts alike, so a login reveals nothing about which accounts exist.
	ErrInvalidCredentials = problem.Invalid("Invalid username or password.")
	// ErrInvalidToken is returned for unknown, expired or revoked API tokens.
	ErrInvalidToken = problem.New(problem.KindUnauthorized, "Token is invalid or expired.")
)

// SignupInput is what a person submits to create an account.
type SignupInput struct {
	Username, Email, FirstName, LastName string
	Password1, Password2                 string
	Birthdate                            string // YYYY-MM-DD
	UserType                             string // "" means student
	AccessCode                           string
}

// Signup validates in and creates the account. Invalid input is a problem.Fields
// keyed by field (username, email, first_name, last_name, password1, password2,
// birthdate, user_type, access_code).
func (s *Service) Signup(ctx context.Context, in SignupInput) (store.User, error) {
	in.Username = strings.TrimSpace(in.Username)
	in.Email = NormalizeEmail(in.Email)
	in.FirstName, in.LastName = strings.TrimSpace(in.FirstName), strings.TrimSpace(in.LastName)
	if in.UserType == "" {
		in.UserType = Student
	}
	if errs := s.validateSignup(in, true); len(errs) > 0 {
		return store.User{}, problem.Fields(errs)
	}
	return s.createUser(ctx, in, false)
}

// CreateUserAdmin creates an account from the command line: the same field rules,
// but no access code (whoever runs the binary owns the site).
func (s *Service) CreateUserAdmin(ctx context.Context, in SignupInput) (store.User, error) {
	in.Password2 = in.Password1
	errs := s.validateSignup(in, false)
	// The CLI may create staff of any age without a birthdate.
	if in.UserType != Student && in.Birthdate == "" {
		delete(errs, "birthdate")
	}
	if len(errs) > 0 {
		return store.User{}, problem.Fields(errs)
	}
	return s.createUser(ctx, in, true)
}

func (s *Service) validateSignup(in SignupInput, needCode bool) form.Errors {
	errs := form.Errors{}
	now := s.Now()
	if m := CheckUsername(in.Username); m != "" {
		errs.Add("username", m)
	}
	if m := CheckEmail(in.Email); m != "" {
		errs.Add("email", m)
	}
	if m := CheckName(in.FirstName); m != "" {
		errs.Add("first_name", m)
	}
	if m := CheckName(in.LastName); m != "" {
		errs.Add("last_name", m)
	}
	if !ValidRole(in.UserType) {
		errs.Add("user_type", roleChoice)
	} else if needCode {
		switch in.UserType {
		case Instructor:
			if !codeMatches(in.AccessCode, s.InstructorCode) {
				errs.Add("access_code", "Invalid instructor access code.")
			}
		case Admin:
			if !codeMatches(in.AccessCode, s.AdminCode) {
				errs.Add("access_code", "Invalid admin access code.")
			}
		}
	}
	if m := checkBirthdate(in.Birthdate, in.UserType, now); m != "" {
		errs.Add("birthdate", m)
	}
	if in.Password1 == "" {
		errs.Add("password1", "This field is required.")
	} else {
		for _, m := range CheckPasswordStrength(in.Password1, in.Username, in.Email, in.FirstName, in.LastName) {
			errs.Add("password1", m)
		}
	}
	if in.Password2 == "" {
		errs.Add("password2", "This field is required.")
	} else if in.Password1 != in.Password2 {
		errs.Add("password2", "The two password fields didn't match.")
	}
	return errs
}

// checkBirthdate applies the birthdate rules of a role: a real past date, and for
// students an age of 17 to 40.
func checkBirthdate(s, role string, now time.Time) string {
	birth, m := ParseBirthdate(s, now)
	if m != "" {
		return m
	}
	if age := Age(birth, now); role == Student && (age < MinStudentAge || age > MaxStudentAge) {
		return fmt.Sprintf("Students must be between %d and %d years old.", MinStudentAge, MaxStudentAge)
	}
	return ""
}

// roleChoice is the message for an unknown role.
const roleChoice = "Select a valid choice: student, instructor or admin."

// createUser makes the account; byCommandLine records it in the audit log (a signup
// is no administrative action).
func (s *Service) createUser(ctx context.Context, in SignupInput, byCommandLine bool) (store.User, error) {
	// Hash outside the transaction: it takes tens of milliseconds of CPU.
	hash, err := HashPassword(in.Password1, s.Params)
	if err != nil {
		return store.User{}, err
	}
	var user store.User
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		id, err := tx.CreateUser(ctx, store.NewUser{
			Username: in.Username, Email: in.Email, PasswordHash: hash,
			FirstName: in.FirstName, LastName: in.LastName, UserType: in.UserType,
			Birthdate: in.Birthdate, Now: s.Now(),
		})
		if err != nil {
			return err
		}
		if user, err = tx.UserByID(ctx, id); err != nil || !byCommandLine {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.Now(), Action: audit.UserCreate, Target: audit.User(user),
			After: map[string]any{"user_type": user.UserType, "email": user.Email}})
	})
	var conflict *store.ConflictError
	if errors.As(err, &conflict) {
		switch conflict.Constraint {
		case "users.username":
			return store.User{}, problem.Field("username", "A user with that username already exists.")
		case "users.email":
			return store.User{}, problem.Field("email", "A user with that email already exists.")
		}
	}
	if err != nil {
		return store.User{}, err
	}
	s.peopleChanged(ctx)
	return user, nil
}

// Authenticate checks a username and password, without the sign-in limits (SignIn
// applies them). Every failure is ErrInvalidCredentials; the password is hashed even
// for unknown users so timing does not tell which usernames exist.
func (s *Service) Authenticate(ctx context.Context, username, password string) (store.User, error) {
	u, _, err := s.authenticate(ctx, username, password, nil)
	return u, err
}

// deviceArg is the device of a sign-in: the token the client sent ("" for none),
// whether it is trusted for the account signing in, and whether a client without a
// known token is given a new one.
type deviceArg struct {
	sent           string
	trusted, issue bool
}

// authenticate checks the credentials and records the sign-in. With a device (SignIn)
// it also records the client's device as the user's and returns the token to keep.
func (s *Service) authenticate(ctx context.Context, username, password string, dev *deviceArg) (store.User, string, error) {
	u, newHash, err := s.checkCredentials(ctx, username, password)
	if err != nil {
		return store.User{}, "", err
	}
	device, err := s.recordSignIn(ctx, u, newHash, dev, true)
	if err != nil {
		return store.User{}, "", err
	}
	return u, device, nil
}

// checkCredentials checks a username and password; newHash is the password hashed
// with the current parameters when the stored hash is older ("" otherwise).
func (s *Service) checkCredentials(ctx context.Context, username, password string) (u store.User, newHash string, err error) {
	username = strings.TrimSpace(username)
	if username == "" || password == "" || len(password) > 4*MaxPassword {
		return store.User{}, "", ErrInvalidCredentials
	}
	u, err = s.DB.UserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		// Same work as a wrong password; the outcome cannot differ.
		if _, _, err := CheckPassword(s.dummyHash(), password, s.Params); err != nil {
			s.Log.ErrorContext(ctx, "dummy password hash", "err", err)
		}
		return store.User{}, "", ErrInvalidCredentials
	}
	if err != nil {
		return store.User{}, "", err
	}
	if u.PasswordHash == UnusablePassword {
		// An invited account before its owner chose a password: the same work as a
		// wrong password, and no "unreadable hash" in the log.
		if _, _, err := CheckPassword(s.dummyHash(), password, s.Params); err != nil {
			s.Log.ErrorContext(ctx, "dummy password hash", "err", err)
		}
		return store.User{}, "", ErrInvalidCredentials
	}
	ok, rehash, err := CheckPassword(u.PasswordHash, password, s.Params)
	if err != nil {
		s.Log.Error("unreadable password hash", "user", u.ID, "err", err)
		return store.User{}, "", ErrInvalidCredentials
	}
	if !ok || !u.IsActive {
		return store.User{}, "", ErrInvalidCredentials
	}
	if rehash {
		if newHash, err = HashPassword(password, s.Params); err != nil {
			// The old hash still works; upgrading it can wait for the next sign-in.
			s.Log.WarnContext(ctx, "rehash password", "user", u.ID, "err", err)
		}
	}
	return u, newHash, nil
}

// recordSignIn stores what a successful sign-in changes: an upgraded password hash,
// the client's device (when dev is given; its token is returned) and, with login, the
// time of the last login.
func (s *Service) recordSignIn(ctx context.Context, u store.User, newHash string, dev *deviceArg, login bool) (string, error) {
	var err error
	device := ""
	if dev != nil {
		device = dev.sent
		if !dev.trusted {
			if device, err = s.deviceFor(ctx, dev.sent, dev.issue); err != nil {
				return "", err
			}
		}
	}
	now := s.Now()
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		if newHash != "" {
			if err := tx.SetPasswordHash(ctx, u.ID, newHash); err != nil {
				return err
			}
		}
		if device != "" {
			if err := tx.TrustDevice(ctx, hashToken(device), u.ID, now, now.Add(DeviceLife)); err != nil {
				return err
			}
		}
		if !login {
			return nil
		}
		return tx.RecordLogin(ctx, u.ID, now)
	})
	if err != nil {
		return "", err
	}
	if login || newHash != "" {
		s.ForgetUser(ctx, u.ID)
	}
	return device, nil
}

// dummyHash is hashed against for unknown usernames, computed once with the
// service's parameters.
func (s *Service) dummyHash() string {
	s.dummyOnce.Do(func() {
		var err error
		if s.dummy, err = HashPassword("dummy password for timing", s.Params); err != nil {
			s.Log.Error("dummy password hash", "err", err) // CheckPassword then fails fast: timing differs, nothing else
		}
	})
	return s.dummy
}

// CheckSignup applies the signup rate limit per client address.
func (s *Service) CheckSignup(ctx context.Context, ipKey string) error {
	return s.check(ctx, s.Rules.Signup, "ip:"+ipKey)
}

// CheckReset applies the password-reset rate limits per client address and per email
// address.
func (s *Service) CheckReset(ctx context.Context, ipKey, email string) error {
	if err := s.check(ctx, s.Rules.Reset, "ip:"+ipKey); err != nil {
		return err
	}
	if email = strings.ToLower(NormalizeEmail(email)); email != "" {
		return s.check(ctx, s.Rules.Reset, "email:"+email)
	}
	return nil
}

// check spends a token of one bucket; a refusal is a RateLimited problem. A limiter
// that fails lets the request through (limit.Check), logged.
func (s *Service) check(ctx context.Context, rule limit.Rule, key string) error {
	d, err := s.Limiter.Allow(ctx, rule, key)
	if err != nil {
		s.Log.WarnContext(ctx, "rate limiter unavailable", "rule", rule.Name, "err", err)
		return nil
	}
	if !d.Allowed {
		return limit.Refusal(d)
	}
	return nil
}

// UserByID returns a user through the cache.
func (s *Service) UserByID(ctx context.Context, id int64) (store.User, error) {
	return cache.Load(ctx, s.Cache, userCacheKey(id), 5*time.Minute, func(ctx context.Context) (store.User, error) {
		return s.DB.UserByID(ctx, id)
	})
}

// PeopleNamespace is the cache namespace whose version moves whenever what is shown of
// a person may change (name, picture, role, active) or someone joins (an @name in old
// posts becomes a link). Cached views that show people put its version in their keys.
const PeopleNamespace = "people"

// ForgetUser drops a user from the cache after a change, and moves PeopleNamespace on.
// A cache that fails here would keep serving the old user, so it is logged loudly.
func (s *Service) ForgetUser(ctx context.Context, id int64) {
	if err := cache.Forget(ctx, s.Cache, userCacheKey(id)); err != nil {
		s.Log.ErrorContext(ctx, "forget user in the cache", "user", id, "err", err)
	}
	s.peopleChanged(ctx)
}

func (s *Service) peopleChanged(ctx context.Context) {
	if err := s.Cache.Bump(ctx, PeopleNamespace); err != nil {
		s.Log.ErrorContext(ctx, "bump the people version", "err", err)
	}
}

// EndAllSessions signs a user out everywhere: every browser session and every API
// token. Used by "log out everywhere", password reset and deactivation.
func (s *Service) EndAllSessions(ctx context.Context, userID int64) error {
	var sessions, tokens [][]byte
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		var err error
		if sessions, err = tx.DeleteUserSessions(ctx, userID); err != nil {
			return err
		}
		tokens, err = tx.RevokeUserTokens(ctx, userID, s.Now())
		return err
	})
	if err != nil {
		return err
	}
	s.forgetHashes(ctx, sessionKey, sessions)
	s.forgetHashes(ctx, tokenKey, tokens)
	if s.OnSessionsEnded != nil {
		s.OnSessionsEnded(ctx, userID)
	}
	return nil
}

func (s *Service) forgetHashes(ctx context.Context, key func([]byte) string, hashes [][]byte) {
	if len(hashes) == 0 {
		return
	}
	keys := make([]string, len(hashes))
	for i, h := range hashes {
		keys[i] = key(h)
	}
	s.forget(ctx, keys...)
}

// forget orphans the cache entries of ended sessions or tokens (cache.Forget: also one a
// request in flight stores afterwards). A cache that cannot forget keeps serving them
// for at most their cache life (a minute), so it is logged.
func (s *Service) forget(ctx context.Context, keys ...string) {
	if err := cache.Forget(ctx, s.Cache, keys...); err != nil {
		s.Log.WarnContext(ctx, "cache delete", "keys", len(keys), "err", err)
	}
}

// SetRole changes a user's role (`eplatform user promote`; the admin area goes
// through ChangeRole). An unknown role is a problem naming user_type.
func (s *Service) SetRole(ctx context.Context, userID int64, role string) error {
	u, err := s.DB.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	return s.setRole(ctx, store.User{}, u, role)
}

// setRole changes u's role and records it for by (the zero User: the command line).
func (s *Service) setRole(ctx context.Context, by, u store.User, role string) error {
	if !ValidRole(role) {
		return problem.Field("user_type", roleChoice)
	}
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		cur, err := tx.UserByID(ctx, u.ID) // "before" as the transaction sees it
		if err != nil {
			return err
		}
		if err := tx.SetUserType(ctx, u.ID, role); err != nil {
			return err
		}
		if role == cur.UserType {
			return nil // nothing changed: nothing to record
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.Now(), Actor: by, Action: audit.UserRole, Target: audit.User(cur),
			Before: map[string]any{"user_type": cur.UserType}, After: map[string]any{"user_type": role}})
	})
	s.ForgetUser(ctx, u.ID)
	return err
}

// SetActive activates or deactivates a user (`eplatform user deactivate`);
// deactivation also ends their sessions and tokens at once.
func (s *Service) SetActive(ctx context.Context, userID int64, active bool) error {
	u, err := s.DB.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	return s.setActive(ctx, store.User{}, u, active, nil)
}

// setActive changes u's active flag as by (nobody: the command line), recorded in the
// audit log, and runs also (when not nil) in the same transaction (a moderator
// deactivating an author closes the reports that led to it).
func (s *Service) setActive(ctx context.Context, by, u store.User, active bool, also func(tx *store.Queries) error) error {
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		cur, err := tx.UserByID(ctx, u.ID)
		if err != nil {
			return err
		}
		if err := tx.SetUserActive(ctx, u.ID, active); err != nil {
			return err
		}
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		if active == cur.IsActive {
			return nil
		}
		action := audit.UserDeactivate
		if active {
			action = audit.UserActivate
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.Now(), Actor: by, Action: action, Target: audit.User(cur),
			Before: map[string]any{"is_active": cur.IsActive}, After: map[string]any{"is_active": active}})
	})
	s.ForgetUser(ctx, u.ID)
	if err != nil || active {
		return err
	}
	return s.EndAllSessions(ctx, u.ID)
}

// newToken returns a random URL-safe token and its SHA-256, which is what is stored.
func newToken() (string, []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	return tok, hashToken(tok)
}

func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

func sessionKey(hash []byte) string { return "sess:" + hex.EncodeToString(hash) }
func tokenKey(hash []byte) string   { return "tok:" + hex.EncodeToString(hash) }

// userCacheKey is where a user's row is cached.
func userCacheKey(id int64) string { return "user:" + strconv.FormatInt(id, 10) }
