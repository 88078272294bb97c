package web

import (
	"net/http"
	"net/url"

	"eplatform/app/form"
	"eplatform/app/httpx"
	"eplatform/app/limit"
	"eplatform/app/problem"
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

// fail is the pages' one error writer. A refusal of the rules (a *problem.Error) is
// answered with its kind's status: a missing or hidden thing with the 404 page, an
// invalid or conflicting action on a form with its message flashed back on the page
// it came from (back, when not ""), anything else with the error page and the
// message. A fragment request gets the API's error JSON instead. Any other error is a
// 500 logged with the request id.
func (h *Web) fail(w http.ResponseWriter, r *http.Request, err error, back string) {
	p, ok := problem.As(err)
	if !ok || p.Kind == problem.KindInternal {
		h.serverError(w, r, err)
		return
	}
	if p.Kind == problem.KindRateLimited {
		httpx.SetRetryAfter(w, p.RetryAfter)
	}
	status := p.Kind.Status()
	switch {
	case wantsFragment(r):
		httpx.WriteError(w, r, h.st.Log, p)
	case p.Kind == problem.KindNotFound:
		h.notFound(w, r)
	case (p.Kind == problem.KindInvalid || p.Kind == problem.KindConflict) && back != "":
		h.flash(w, r, "error", p.Message)
		http.Redirect(w, r, back, http.StatusSeeOther)
	default:
		h.errorPage(w, r, status, "", p.Message)
	}
}

// invalidFields returns the field errors of an invalid input, for a handler that shows
// its form again with them — unless r asks for a fragment, whose script reads the
// errors from fail's JSON instead.
func invalidFields(r *http.Request, err error) (form.Errors, bool) {
	p, ok := problem.As(err)
	if !ok || p.Kind != problem.KindInvalid || len(p.Fields) == 0 || wantsFragment(r) {
		return nil, false
	}
	return p.Fields, true
}

// serverError logs err and shows a 500 page that gives the request id to quote.
func (h *Web) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if httpx.ClientGone(r, err) {
		w.WriteHeader(httpx.StatusClientClosed)
		return
	}
	h.st.Log.ErrorContext(r.Context(), "handler failed", "id", RequestID(r.Context()), "path", r.URL.Path, "err", err)
	h.errorPage(w, r, http.StatusInternalServerError, "", "Please try again. If it keeps happening, tell an admin this code: "+RequestID(r.Context()))
}

// PanicPage is the response for a recovered panic.
func (h *Web) PanicPage(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, http.StatusInternalServerError, "", "Please try again. If it keeps happening, tell an admin this code: "+RequestID(r.Context()))
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
