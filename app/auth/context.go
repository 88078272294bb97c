package auth

import (
	"context"

	"eplatform/app/store"
)

// Identity is who is making a request.
type Identity struct {
	User store.User
	// TokenFamily is set when the request authenticated with a bearer token.
	TokenFamily int64
}

type identityKey struct{}

// WithIdentity returns ctx carrying id.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// FromContext returns the request's identity; ok is false for anonymous requests.
func FromContext(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok
}

// IsAdmin reports whether u may use the admin area and moderate anything. Unlike the
// original, the role alone decides: there is no separate staff flag to forget.
func IsAdmin(u store.User) bool { return u.IsActive && u.UserType == Admin }

// IsInstructor reports whether u teaches (instructors and admins create subjects and
// quizzes).
func IsInstructor(u store.User) bool {
	return u.IsActive && (u.UserType == Instructor || u.UserType == Admin)
}
