package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"eplatform/app/limit"
	"eplatform/views"
)

var statusTitles = map[int]string{
	http.StatusBadRequest:            "Bad request",
	http.StatusForbidden:             "Not allowed",
	http.StatusNotFound:              "Page not found",
	http.StatusMethodNotAllowed:      "Method not allowed",
	http.StatusRequestEntityTooLarge: "Too large",
	http.StatusTooManyRequests:       "Slow down",
	http.StatusInternalServerError:   "Something went wrong",
}

// errorPage renders the error page with a status.
func (h *Web) errorPage(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	if title == "" {
		title = statusTitles[status]
	}
	p := h.page(w, r, title, "")
	h.render(w, r, status, views.ErrorPage(p, views.ErrorInfo{Status: status, Title: title, Message: msg}))
}

func (h *Web) notFound(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, http.StatusNotFound, "", "There is nothing at this address. It may have moved or been deleted.")
}

func (h *Web) forbidden(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, http.StatusForbidden, "", "You do not have permission to do that.")
}

// StatusClientClosed is recorded (as nginx does) when the client went away before the
// answer was ready: not a server error, and nobody is left to read a page.
const StatusClientClosed = 499

// ClientGone reports whether err only says that the request was abandoned.
func ClientGone(r *http.Request, err error) bool {
	return r.Context().Err() != nil && errors.Is(err, context.Canceled)
}

// serverError logs err and shows a 500 page that gives the request id to quote.
func (h *Web) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if ClientGone(r, err) {
		w.WriteHeader(StatusClientClosed)
		return
	}
	h.st.Log.ErrorContext(r.Context(), "handler failed", "id", RequestID(r.Context()), "path", r.URL.Path, "err", err)
	h.errorPage(w, r, http.StatusInternalServerError, "", "Please try again. If it keeps happening, tell an admin this code: "+RequestID(r.Context()))
}

// PanicPage is the response for a recovered panic.
func (h *Web) PanicPage(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, http.StatusInternalServerError, "", "Please try again. If it keeps happening, tell an admin this code: "+RequestID(r.Context()))
}

// tooManyRequests renders the friendly 429 page.
func (h *Web) tooManyRequests(w http.ResponseWriter, r *http.Request, d limit.Decision) {
	limit.SetRetryAfter(w, d)
	h.errorPage(w, r, http.StatusTooManyRequests, "", limit.Message(d))
}

// Refuse429 is the limit.Middleware refusal for HTML routes.
func (h *Web) Refuse429(w http.ResponseWriter, r *http.Request, d limit.Decision) {
	h.errorPage(w, r, http.StatusTooManyRequests, "", limit.Message(d))
}

// requireLogin sends anonymous visitors to the login page, remembering where they
// were going.
func (h *Web) requireLogin(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, ok := identity(r.Context()); !ok {
			target := r.URL.RequestURI()
			http.Redirect(w, r, "/login/?next="+url.QueryEscape(target), http.StatusFound)
			return
		}
		next(w, r)
	}
}

// CrossOriginDenied is the response when http.CrossOriginProtection refuses a
// cross-site form post.
func (h *Web) CrossOriginDenied(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, http.StatusForbidden, "Cross-site request refused",
		"This form was sent from another site. For your safety it was not accepted.")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
