package auth

import (
	"context"
	"errors"

	"eplatform/app/problem"
	"eplatform/app/store"
)

// The admin area's account actions. Each checks that by is an admin and acting on
// someone else: an admin who demoted or deactivated themself could lock the site out
// of its own administration.

// Users finds users by username, name or email prefix (at most 100), for admins.
func (s *Service) Users(ctx context.Context, by store.User, q string) ([]store.User, error) {
	if !IsAdmin(by) {
		return nil, problem.ErrForbidden
	}
	return s.DB.SearchUsers(ctx, q, 100)
}

// User returns any user, for admins.
func (s *Service) User(ctx context.Context, by store.User, id int64) (store.User, error) {
	if !IsAdmin(by) {
		return store.User{}, problem.ErrForbidden
	}
	return s.DB.UserByID(ctx, id)
}

// target returns the user an admin acts on; acting on oneself is refused with what
// (e.g. "change your own role").
func (s *Service) target(ctx context.Context, by store.User, id int64, what string) (store.User, error) {
	u, err := s.User(ctx, by, id)
	if err != nil {
		return u, err
	}
	if u.ID == by.ID {
		return store.User{}, problem.Invalid("You cannot " + what + ".")
	}
	return u, nil
}

// ChangeRole gives another user a role; an unknown role is a problem naming user_type.
func (s *Service) ChangeRole(ctx context.Context, by store.User, id int64, role string) (store.User, error) {
	u, err := s.target(ctx, by, id, "change your own role")
	if err != nil {
		return u, err
	}
	if err := s.setRole(ctx, by, u, role); err != nil {
		return store.User{}, err
	}
	return s.DB.UserByID(ctx, u.ID)
}

// ChangeActive activates or deactivates another user (deactivation ends their
// sessions and tokens at once).
func (s *Service) ChangeActive(ctx context.Context, by store.User, id int64, active bool) (store.User, error) {
	return s.ChangeActiveWith(ctx, by, id, active, nil)
}

// ChangeActiveWith is ChangeActive that also runs also (when not nil) in the same
// transaction.
func (s *Service) ChangeActiveWith(ctx context.Context, by store.User, id int64, active bool, also func(tx *store.Queries) error) (store.User, error) {
	u, err := s.target(ctx, by, id, "deactivate or activate yourself")
	if err != nil {
		return u, err
	}
	if err := s.setActive(ctx, by, u, active, also); err != nil {
		return store.User{}, err
	}
	return s.DB.UserByID(ctx, u.ID)
}

// MailReset mails a user a password reset link now; an inactive account is refused.
// It is recorded in the audit log with the reset itself (sendPasswordReset).
func (s *Service) MailReset(ctx context.Context, by store.User, id int64) (store.User, error) {
	u, err := s.User(ctx, by, id)
	if err != nil {
		return u, err
	}
	return u, s.sendPasswordReset(ctx, by, u)
}

// DemoAccounts returns the first active admin, instructor and student (those that
// exist), for the demo's one-click sign-in buttons. Only a server started with -demo
// shows them: anywhere else they would name accounts to strangers.
func (s *Service) DemoAccounts(ctx context.Context) ([]store.User, error) {
	var out []store.User
	for _, role := range []string{"admin", "instructor", "student"} {
		u, err := s.DB.FirstUserOfRole(ctx, role)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}
