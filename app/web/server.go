package web

import (
	"net/http"

	"eplatform/app/auth"
	"eplatform/app/state"
)

// Web is the HTML side of the site.
type Web struct {
	st       *state.State
	sessions *auth.SessionStore
	assets   *Assets
}

// New builds the HTML handlers.
func New(st *state.State, sessions *auth.SessionStore) (*Web, error) {
	assets, err := LoadAssets(st.Static)
	if err != nil {
		return nil, err
	}
	return &Web{st: st, sessions: sessions, assets: assets}, nil
}

// Assets returns the static file server (also used to resolve asset URLs).
func (h *Web) Assets() *Assets { return h.assets }

// Register adds the HTML routes to mux. Every page is listed here, so this is where to
// look for a URL's handler.
func (h *Web) Register(mux *http.ServeMux) {
	mux.Handle("GET /static/", h.assets)
	mux.HandleFunc("GET /favicon.ico", h.favicon)
	mux.HandleFunc("GET /robots.txt", h.robots)
	mux.HandleFunc("GET /healthz", h.healthz)

	mux.HandleFunc("GET /{$}", h.root)
	mux.HandleFunc("GET /login/", h.loginForm)
	mux.HandleFunc("POST /login/", h.login)
	mux.HandleFunc("GET /signup/", h.signupForm)
	mux.HandleFunc("POST /signup/", h.signup)
	mux.HandleFunc("POST /logout/", h.logout)
	mux.HandleFunc("POST /logout/all/", h.requireLogin(h.logoutEverywhere))
	mux.HandleFunc("GET /password_reset/", h.resetRequestForm)
	mux.HandleFunc("POST /password_reset/", h.resetRequest)
	mux.HandleFunc("GET /password_reset/done/", h.resetSent)
	mux.HandleFunc("GET /reset/{token}/", h.resetConfirmForm)
	mux.HandleFunc("POST /reset/{token}/", h.resetConfirm)
	mux.HandleFunc("GET /reset/done/", h.resetDone)

	mux.HandleFunc("GET /home/{$}", h.requireLogin(h.home))
	mux.HandleFunc("POST /home/{$}", h.requireLogin(h.createPost))
	mux.HandleFunc("GET /home/post/{id}/{$}", h.requireLogin(h.postPage))
	mux.HandleFunc("GET /home/post/{id}/card/{$}", h.requireLogin(h.postCard))
	mux.HandleFunc("POST /home/post/{id}/like/{$}", h.requireLogin(h.likePost))
	mux.HandleFunc("POST /home/post/{id}/comment/{$}", h.requireLogin(h.commentOnPost))
	mux.HandleFunc("POST /home/post/{id}/edit/{$}", h.requireLogin(h.editPost))
	mux.HandleFunc("POST /home/post/{id}/delete/{$}", h.requireLogin(h.deletePost))
	mux.HandleFunc("GET /home/comment/{id}/{$}", h.requireLogin(h.commentFragment))
	mux.HandleFunc("POST /home/comment/{id}/edit/{$}", h.requireLogin(h.editComment))
	mux.HandleFunc("POST /home/comment/{id}/delete/{$}", h.requireLogin(h.deleteComment))
	mux.HandleFunc("GET /home/notifications/{$}", h.requireLogin(h.notificationsPage))
	mux.HandleFunc("POST /home/notifications/{id}/read/{$}", h.requireLogin(h.markNotificationRead))
	mux.HandleFunc("POST /home/notifications/read-all/{$}", h.requireLogin(h.markAllNotificationsRead))

	mux.HandleFunc("GET /admin/{$}", h.requireAdmin(h.adminHome))

	h.registerChat(mux)
	h.registerLearn(mux)
	h.registerPeople(mux)
	h.registerQuiz(mux)
	h.registerCoursework(mux)
	h.registerDesk(mux)
	h.registerCalendar(mux)
	h.registerRoster(mux)
	h.registerModeration(mux)
	h.registerMyData(mux)
	h.registerTwoFactor(mux)
	h.registerNotifyPrefs(mux)
	h.registerLegacy(mux)

	// Everything else: a friendly 404 page (the API has its own JSON 404).
	mux.HandleFunc("/", h.notFound)
}
