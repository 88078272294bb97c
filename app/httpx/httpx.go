// Package httpx holds the HTTP plumbing shared by the pages (app/web) and the JSON
// API (app/api): request ids, abandoned requests, and the one JSON error writer. It
// knows nothing of either surface, so neither has to import the other.
package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"eplatform/app/form"
	"eplatform/app/problem"
)

// StatusClientClosed is recorded (as nginx does) when the client went away before the
// answer was ready: not a server error, and nobody is left to read a page.
const StatusClientClosed = 499

// ClientGone reports whether err only says that the request was abandoned.
func ClientGone(r *http.Request, err error) bool {
	return r.Context().Err() != nil && errors.Is(err, context.Canceled)
}

type requestIDKey struct{}

// RequestID returns the request's id ("" outside a request).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// RequestIDs gives every request an id: a sane incoming X-Request-ID (from a proxy)
// is kept, otherwise a random one is made. It is echoed in the response and logs.
func RequestIDs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if len(id) == 0 || len(id) > 64 || strings.ContainsFunc(id, func(c rune) bool {
			return !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
		}) {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// WriteJSON writes v with status; API answers are never cached by intermediaries.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v) // the status is sent; a failed write means the client left
	}
}

// Detail writes {"detail": msg}, the shape of every non-validation error.
func Detail(w http.ResponseWriter, status int, msg string) {
	WriteJSON(w, status, map[string]string{"detail": msg})
}

// SetRetryAfter sets Retry-After to the wait in whole seconds.
func SetRetryAfter(w http.ResponseWriter, d time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(RetrySeconds(d)))
}

// RetrySeconds rounds a wait up, to at least 1, so that a client that waits the
// advertised time is admitted rather than refused once more.
func RetrySeconds(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
}

// WriteError is the JSON API's one error writer. A *problem.Error is answered with
// its kind's status: invalid input as {"field": [...]} (or {"non_field_errors": [...]}),
// everything else as {"detail": message}. Any other error is a 500 that says nothing
// and is logged with the request id.
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	p, ok := problem.As(err)
	if !ok || p.Kind == problem.KindInternal {
		ServerError(w, r, log, err)
		return
	}
	if p.Kind == problem.KindRateLimited {
		SetRetryAfter(w, p.RetryAfter)
	}
	if p.Kind == problem.KindInvalid {
		fields := p.Fields
		if len(fields) == 0 {
			fields = form.Errors{form.NonField: {p.Message}}
		}
		WriteJSON(w, http.StatusBadRequest, fields)
		return
	}
	Detail(w, p.Kind.Status(), p.Message)
}

// ServerError logs err with the request id and answers a bare 500 (499 when the
// client had already gone).
func ServerError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	if ClientGone(r, err) {
		w.WriteHeader(StatusClientClosed)
		return
	}
	LogFailure(r, log, err)
	Detail(w, http.StatusInternalServerError, "Internal server error.")
}

// LogFailure logs an unexpected error with the request's id and path.
func LogFailure(r *http.Request, log *slog.Logger, err error) {
	log.ErrorContext(r.Context(), "handler failed", "id", RequestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
}

// Accepts reports whether the request's Accept-Encoding takes enc with a weight above
// zero.
func Accepts(r *http.Request, enc string) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), enc) {
			continue
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if w, err := strconv.ParseFloat(v, 64); err == nil && w == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// ETagMatch reports whether an If-None-Match header names etag (weak comparison).
func ETagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
