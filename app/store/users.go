package store

import (
	"context"
	"database/sql"
	"time"
)

// User is a row of users.
type User struct {
	ID             int64
	Username       string
	Email          string
	PasswordHash   string
	FirstName      string
	LastName       string
	UserType       string // student | instructor | admin
	Birthdate      string // YYYY-MM-DD or ""
	ProfilePicture string // path under the media root or ""
	IsActive       bool
	DateJoined     time.Time
	LastLogin      time.Time // zero when never
	LastSeenAt     time.Time // zero when never
	TimeZone       string    // IANA name (app/zone) or "" when not set
}

// DisplayName is the full name, or the username (UserMini.DisplayName).
func (u User) DisplayName() string {
	return UserMini{Username: u.Username, FirstName: u.FirstName, LastName: u.LastName}.DisplayName()
}

const userColumns = `id, username, email, password_hash, first_name, last_name, user_type,
	coalesce(birthdate, ''), profile_picture, is_active, date_joined, last_login, last_seen_at, time_zone`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var joined int64
	var lastLogin, lastSeen sql.NullInt64
	err := row.Scan(&u.ID, &u.Username, &u.Email, &u.PasswordHash, &u.FirstName, &u.LastName,
		&u.UserType, &u.Birthdate, &u.ProfilePicture, &u.IsActive, &joined, &lastLogin, &lastSeen, &u.TimeZone)
	if err != nil {
		return User{}, scanOne(err)
	}
	u.DateJoined = FromMillis(joined)
	if lastLogin.Valid {
		u.LastLogin = FromMillis(lastLogin.Int64)
	}
	if lastSeen.Valid {
		u.LastSeenAt = FromMillis(lastSeen.Int64)
	}
	return u, nil
}

// NewUser is what CreateUser inserts.
type NewUser struct {
	Username, Email, PasswordHash, FirstName, LastName, UserType, Birthdate string
	Now                                                                     time.Time
}

// CreateUser inserts a user. A taken username or email gives a *ConflictError naming
// users.username or users.email (both unique case-insensitively).
func (s *Queries) CreateUser(ctx context.Context, n NewUser) (int64, error) {
	var birth any
	if n.Birthdate != "" {
		birth = n.Birthdate
	}
	id, err := s.insertID(ctx, `INSERT INTO users
		(username, email, password_hash, first_name, last_name, user_type, birthdate, date_joined)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		n.Username, n.Email, n.PasswordHash, n.FirstName, n.LastName, n.UserType, birth, millis(n.Now))
	if err != nil {
		return 0, wrapf(err, "store: create user %q", n.Username)
	}
	return id, nil
}

// UserByID returns a user, active or not.
func (s *Queries) UserByID(ctx context.Context, id int64) (User, error) {
	return scanUser(s.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
}

// UserByUsername looks a user up case-insensitively.
func (s *Queries) UserByUsername(ctx context.Context, username string) (User, error) {
	return scanUser(s.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = ?`, username))
}

// UserByEmail looks a user up case-insensitively.
func (s *Queries) UserByEmail(ctx context.Context, email string) (User, error) {
	return scanUser(s.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email))
}

// UsernameTaken reports whether a username exists (case-insensitively).
func (s *Queries) UsernameTaken(ctx context.Context, username string) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM users WHERE username = ?`, username).Scan(&n)
	return n > 0, translate(err)
}

// EmailTaken reports whether an email exists (case-insensitively), ignoring user
// exceptID (pass 0 to check all).
func (s *Queries) EmailTaken(ctx context.Context, email string, exceptID int64) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM users WHERE email = ? AND id != ?`, email, exceptID).Scan(&n)
	return n > 0, translate(err)
}

// RecordLogin stamps last_login.
func (s *Queries) RecordLogin(ctx context.Context, userID int64, now time.Time) error {
	_, err := s.exec(ctx, `UPDATE users SET last_login = ? WHERE id = ?`, millis(now), userID)
	return wrapf(err, "store: record login")
}

// SetPasswordHash replaces a user's password hash.
func (s *Queries) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	return s.updateOne(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
}

// SetUserType changes a user's role.
func (s *Queries) SetUserType(ctx context.Context, userID int64, userType string) error {
	return s.updateOne(ctx, `UPDATE users SET user_type = ? WHERE id = ?`, userType, userID)
}

// SetUserActive activates or deactivates a user.
func (s *Queries) SetUserActive(ctx context.Context, userID int64, active bool) error {
	return s.updateOne(ctx, `UPDATE users SET is_active = ? WHERE id = ?`, active, userID)
}

// UserUpdate holds the account fields a user may change themselves.
type UserUpdate struct {
	Email, FirstName, LastName, Birthdate string
	TimeZone                              string // checked by the caller (zone.Check)
}

// UpdateUser writes the self-editable account fields.
func (s *Queries) UpdateUser(ctx context.Context, userID int64, u UserUpdate) error {
	var birth any
	if u.Birthdate != "" {
		birth = u.Birthdate
	}
	return s.updateOne(ctx, `UPDATE users SET email = ?, first_name = ?, last_name = ?, birthdate = ?, time_zone = ?
		WHERE id = ?`, u.Email, u.FirstName, u.LastName, birth, u.TimeZone, userID)
}

// SetProfilePicture records the stored picture path ("" removes it).
func (s *Queries) SetProfilePicture(ctx context.Context, userID int64, path string) error {
	return s.updateOne(ctx, `UPDATE users SET profile_picture = ? WHERE id = ?`, path, userID)
}

// CountUsers returns the number of users.
func (s *Queries) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, translate(err)
}

// updateOne runs an UPDATE that must touch exactly one row.
func (s *Queries) updateOne(ctx context.Context, query string, args ...any) error {
	res, err := s.exec(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// FirstUserOfRole returns the active user of a role with the smallest id (the demo's
// first admin, instructor and student); ErrNotFound when there is none.
func (s *Queries) FirstUserOfRole(ctx context.Context, role string) (User, error) {
	return scanUser(s.queryRow(ctx, `SELECT `+userColumns+` FROM users
		WHERE user_type = ? AND is_active = 1 ORDER BY id LIMIT 1`, role))
}
