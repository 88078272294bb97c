// Package web serves the HTML pages, one file per area (login.go, signup.go, ...),
// and holds the HTTP middleware every request passes through. Handlers are thin: they
// parse the request, call the domain service (auth, ...) and render a templ component
// from views.
package web
