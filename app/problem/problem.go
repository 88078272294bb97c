// Package problem is the one error type of the domain. A *Error says what kind of
// failure happened (so each surface — the JSON API, the pages, the WebSocket — can
// answer with the right status), carries a message a person can read, and optionally
// per-field messages. The domain returns them; exactly one writer per surface turns
// them into a response. Any error that is not a *Error is a bug or an outage: a 500,
// logged with the request id, never shown.
//
// Sentences are messages, not sentinels: callers branch on Kind (problem.Is), and a
// package that needs to recognise one particular refusal keeps a *Error variable and
// compares with errors.Is, which matches that value only.
package problem

import (
	"errors"
	"net/http"
	"time"

	"eplatform/app/form"
)

// Kind classifies a failure by what the caller can do about it.
type Kind uint8

// The kinds, each with the HTTP status it is answered with.
const (
	KindInternal     Kind = iota // not the caller's fault: 500
	KindInvalid                  // the input breaks a rule: 400
	KindUnauthorized             // not signed in, or bad credentials for a protected call: 401
	KindForbidden                // signed in but not allowed: 403
	KindNotFound                 // no such thing, or the caller may not know it exists: 404
	KindConflict                 // the state does not allow it now (finished, taken, raced): 409
	KindTooLarge                 // a body or upload over its limit: 413
	KindUnsupported              // a body of a media type we do not read: 415
	KindRateLimited              // slow down: 429 with Retry-After
	KindUnavailable              // a dependency is down; try again later: 503
)

var statuses = [...]int{
	KindInternal:     http.StatusInternalServerError,
	KindInvalid:      http.StatusBadRequest,
	KindUnauthorized: http.StatusUnauthorized,
	KindForbidden:    http.StatusForbidden,
	KindNotFound:     http.StatusNotFound,
	KindConflict:     http.StatusConflict,
	KindTooLarge:     http.StatusRequestEntityTooLarge,
	KindUnsupported:  http.StatusUnsupportedMediaType,
	KindRateLimited:  http.StatusTooManyRequests,
	KindUnavailable:  http.StatusServiceUnavailable,
}

// Status is the HTTP status of the kind.
func (k Kind) Status() int {
	if int(k) < len(statuses) {
		return statuses[k]
	}
	return http.StatusInternalServerError
}

func (k Kind) String() string { return http.StatusText(k.Status()) }

// Error is a failure the caller can be told about.
type Error struct {
	Kind Kind
	// Message is shown to people as it is: a full sentence, no internals.
	Message string
	// Fields holds per-field messages of an Invalid input (nil otherwise).
	Fields form.Errors
	// RetryAfter tells a RateLimited caller when to come back.
	RetryAfter time.Duration
	// Err is the underlying cause, for logs only.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + " (" + e.Err.Error() + ")"
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// New returns a problem of kind k with message msg.
func New(k Kind, msg string) *Error { return &Error{Kind: k, Message: msg} }

// Invalid is a 400 with a form-wide message.
func Invalid(msg string) *Error { return New(KindInvalid, msg) }

// Fields is a 400 listing what is wrong with which field; its message is the first.
func Fields(errs form.Errors) *Error {
	return &Error{Kind: KindInvalid, Message: errs.First(), Fields: errs}
}

// Field is a 400 about one field.
func Field(name, msg string) *Error { return Fields(form.Errors{name: {msg}}) }

// Forbidden is a 403.
func Forbidden(msg string) *Error { return New(KindForbidden, msg) }

// NotFound is a 404.
func NotFound(msg string) *Error { return New(KindNotFound, msg) }

// Conflict is a 409.
func Conflict(msg string) *Error { return New(KindConflict, msg) }

// TooLarge is a 413.
func TooLarge(msg string) *Error { return New(KindTooLarge, msg) }

// RateLimited is a 429; retryAfter says when the next try may succeed.
func RateLimited(msg string, retryAfter time.Duration) *Error {
	return &Error{Kind: KindRateLimited, Message: msg, RetryAfter: retryAfter}
}

// Unavailable is a 503 wrapping the cause.
func Unavailable(msg string, cause error) *Error {
	return &Error{Kind: KindUnavailable, Message: msg, Err: cause}
}

// WithField returns a copy of e that names the field its message is about (an upload
// refused by the media rules is about whichever field carried the file).
func (e *Error) WithField(name string) *Error {
	c := *e
	c.Fields = form.Errors{name: {e.Message}}
	return &c
}

// ErrForbidden is the usual refusal of an action the caller may not take; rules with
// something more helpful to say return their own Forbidden.
var ErrForbidden = Forbidden("You do not have permission to do that.")

// As returns the *Error in err's chain.
func As(err error) (*Error, bool) {
	var p *Error
	ok := errors.As(err, &p)
	return p, ok
}

// KindOf is the kind of err: Internal for anything that is not a *Error.
func KindOf(err error) Kind {
	if p, ok := As(err); ok {
		return p.Kind
	}
	return KindInternal
}

// Is reports whether err is a problem of kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }
