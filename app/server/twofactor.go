package server

import (
	"net/http"
	"strings"

	"eplatform/app/auth"
	"eplatform/app/httpx"
	"eplatform/app/web"
)

// twoFactorOpen are the paths an admin who must set up a second factor
// (-require-2fa-admins) may still use: its set-up page and API, signing out, and what
// those pages load.
var twoFactorOpen = []string{
	web.TwoFactorSetupPath, "/api/auth/2fa/", "/logout/", "/api/auth/logout/", "/api/auth/profile/",
	"/static/", "/favicon.ico", "/robots.txt", "/healthz", "/media/profile_pictures/", "/api/openapi.json",
}

// requireTwoFactor keeps an admin without a second factor on its set-up page while the
// site requires one: pages redirect there, the API answers 403 saying so.
func (s *Server) requireTwoFactor(next http.Handler) http.Handler {
	if !s.st.Config.Require2FAAdmins {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := auth.FromContext(r.Context())
		if !ok || !auth.IsAdmin(id.User) || twoFactorAllowed(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		need, err := s.Web.NeedsTwoFactor(r, id.User)
		if err != nil {
			// The cache and the database both failed: refuse rather than let an admin
			// past the requirement.
			s.st.Log.ErrorContext(r.Context(), "two-factor requirement", "err", err)
			httpx.Detail(w, http.StatusServiceUnavailable, "Please try again in a moment.")
			return
		}
		if !need {
			next.ServeHTTP(w, r)
			return
		}
		if isAPI(r) || strings.HasPrefix(r.URL.Path, "/ws") {
			httpx.Detail(w, http.StatusForbidden, "This site requires administrators to use two-factor authentication: set it up first (/api/auth/2fa/enrol/).")
			return
		}
		status := http.StatusFound
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			status = http.StatusSeeOther
		}
		http.Redirect(w, r, web.TwoFactorSetupPath, status)
	})
}

func twoFactorAllowed(path string) bool {
	for _, p := range twoFactorOpen {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}
