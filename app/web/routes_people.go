package web

import "net/http"

// registerPeople adds the people pages to mux (see server.go for the rest). The URL
// scheme of profiles is explained in people.go: usernames own /home/profile/{name}/,
// the owner's actions live under /home/me/, and the original's fixed paths under
// /home/profile/ redirect there.
func (h *Web) registerPeople(mux *http.ServeMux) {
	mux.HandleFunc("GET /home/profile/{$}", h.requireLogin(h.ownProfile))
	mux.HandleFunc("GET /home/profile/{username}/{$}", h.profileOrLegacy)
	mux.HandleFunc("GET /home/profile/{username}/projects/{id}/image/{$}", h.projectImage)
	// The original's paths: /home/profile/edit/ (and social-links, privacy-settings,
	// upload-picture) as posts, /home/profile/{kind}/add/, /{kind}/{id}/edit/ and
	// /{kind}/{id}/delete/.
	mux.HandleFunc("POST /home/profile/{name}/{$}", h.legacyAction)
	mux.HandleFunc("/home/profile/{kind}/add/{$}", h.legacyAction)
	mux.HandleFunc("/home/profile/{kind}/{id}/edit/{$}", h.legacyAction)
	mux.HandleFunc("POST /home/profile/{kind}/{id}/delete/{$}", h.legacyAction)

	mux.HandleFunc("GET /home/me/{$}", h.requireLogin(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/home/profile/", http.StatusFound)
	}))
	mux.HandleFunc("GET /home/me/edit/{$}", h.requireLogin(h.profileEditForm))
	mux.HandleFunc("POST /home/me/edit/{$}", h.requireLogin(h.saveInfo))
	mux.HandleFunc("GET /home/me/social-links/{$}", h.requireLogin(redirectTo("/home/me/edit/#social")))
	mux.HandleFunc("POST /home/me/social-links/{$}", h.requireLogin(h.saveSocial))
	mux.HandleFunc("GET /home/me/privacy-settings/{$}", h.requireLogin(redirectTo("/home/me/edit/#privacy")))
	mux.HandleFunc("POST /home/me/privacy-settings/{$}", h.requireLogin(h.savePrivacy))
	mux.HandleFunc("GET /home/me/time-zone/{$}", h.requireLogin(redirectTo("/home/me/edit/#time-zone")))
	mux.HandleFunc("POST /home/me/time-zone/{$}", h.requireLogin(h.saveTimeZone))
	mux.HandleFunc("GET /home/me/picture/{$}", h.requireLogin(redirectTo("/home/me/edit/#picture")))
	mux.HandleFunc("POST /home/me/picture/{$}", h.requireLogin(h.uploadPicture))
	mux.HandleFunc("POST /home/me/picture/remove/{$}", h.requireLogin(h.removePicture))
	mux.HandleFunc("GET /home/me/{kind}/{$}", h.requireLogin(h.kindSection))
	mux.HandleFunc("GET /home/me/{kind}/add/{$}", h.requireLogin(h.entryAddForm))
	mux.HandleFunc("POST /home/me/{kind}/add/{$}", h.requireLogin(h.entryAdd))
	mux.HandleFunc("GET /home/me/{kind}/{id}/edit/{$}", h.requireLogin(h.entryEditForm))
	mux.HandleFunc("POST /home/me/{kind}/{id}/edit/{$}", h.requireLogin(h.entryEdit))
	mux.HandleFunc("POST /home/me/{kind}/{id}/delete/{$}", h.requireLogin(h.entryDelete))
	mux.HandleFunc("POST /home/me/{kind}/{id}/visibility/{$}", h.requireLogin(h.entryVisibility))
	mux.HandleFunc("POST /home/me/{kind}/{id}/move/{$}", h.requireLogin(h.entryMove))

	mux.HandleFunc("GET /home/search/{$}", h.requireLogin(h.search))
}

func redirectTo(path string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, path, http.StatusFound) }
}
