package web

import (
	"net/http"
	"strings"
)

// RobotsDisallowed are the signed-in areas (and the API and uploaded media) that
// crawlers are asked to leave alone; the login, signup and password pages stay open.
var RobotsDisallowed = []string{"/home/", "/chat/", "/admin/", "/ai/", "/api/", "/media/"}

var robotsTxt = func() string {
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	for _, p := range RobotsDisallowed {
		b.WriteString("Disallow: " + p + "\n")
	}
	return b.String()
}()

// robots answers /robots.txt.
func (h *Web) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write([]byte(robotsTxt))
}
