package auth

import (
	"context"
	"fmt"
	"time"

	"eplatform/app/store"
)

// Invitations: accounts made for people (a class list) have no password yet. They get
// a set-password link, which is a password reset token (reset.go) with a longer life:
// a reset is asked for by the person and used at once, an invitation waits in a mailbox
// until the term starts. A week covers that; an expired invitation is no dead end, as
// "Forgot password" with the same email mails a fresh (one-hour) link.

// InviteTokenLife is how long a set-password link of an invitation is valid.
const InviteTokenLife = 7 * 24 * time.Hour

// UnusablePassword is the password hash of an account whose owner has not chosen a
// password yet: no password matches it (it is no argon2id hash), so signing in is
// impossible until the invitation link is used.
const UnusablePassword = "!"

// CheckBirthdate applies the birthdate rules of a role (a real past date; for students
// the 17–40 registration rule) and returns a message, "" when it is fine.
func CheckBirthdate(s, role string, now time.Time) string { return checkBirthdate(s, role, now) }

// RoleChoice is the message for an unknown role.
const RoleChoice = roleChoice

// InviteTx stores an invitation token for the user inside the caller's transaction (so
// an import that rolls back leaves no token) and returns the set-password link.
func (s *Service) InviteTx(ctx context.Context, tx *store.Queries, userID int64, now time.Time) (string, error) {
	token, hash := newToken()
	err := tx.InsertPasswordReset(ctx, store.PasswordReset{
		TokenHash: hash, UserID: userID, CreatedAt: now, ExpiresAt: now.Add(InviteTokenLife),
	})
	if err != nil {
		return "", err
	}
	return s.BaseURL + "/reset/" + token + "/", nil
}

// MailInvite mails the user their set-password link (to the outbox, and over SMTP when
// it is configured).
func (s *Service) MailInvite(ctx context.Context, u store.User, link string) error {
	body := fmt.Sprintf(`Hello %s,

An account on E-Platform was made for you. Your username is "%s".
Open this link within 7 days to choose your password:

%s

Afterwards sign in at %s/login/. If the link has expired, use "Forgot password"
on the sign-in page with this email address.
`, displayName(u), u.Username, link, s.BaseURL)
	return s.Mail.Send(ctx, u.Email, "Your E-Platform account", body)
}

// PeopleChanged tells cached views that people were added (after a bulk import).
func (s *Service) PeopleChanged(ctx context.Context) { s.peopleChanged(ctx) }
