package api

import (
	"net/http"

	"eplatform/app/notify"
)

// NotifyPrefsJSON is the API's NotificationPreferences.
type NotifyPrefsJSON struct {
	Kinds           map[string]string `json:"kinds"`
	DigestFrequency string            `json:"digest_frequency"`
}

func (a *API) getNotifyPrefs(w http.ResponseWriter, r *http.Request) {
	p, err := a.st.Notify.Preferences(r.Context(), viewer(r).ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, NotifyPrefsJSON{Kinds: p.Kinds, DigestFrequency: p.DigestFrequency})
}

func (a *API) putNotifyPrefs(w http.ResponseWriter, r *http.Request) {
	if a.limited(w, r, a.st.Limits.NotifyPrefs) {
		return
	}
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	in := notify.PreferencesUpdate{Kinds: map[string]string{}}
	if f.has("kinds") {
		kinds, isObj := f.m["kinds"].(map[string]any)
		if !isObj {
			f.errs.Add("kinds", "Send an object of kind: live, digest or off.")
		}
		for k, v := range kinds {
			s, isStr := v.(string)
			if !isStr {
				f.errs.Add("kinds", "Choose live, digest or off for each kind.")
				continue
			}
			in.Kinds[k] = s
		}
	}
	if f.has("digest_frequency") {
		v := f.str("digest_frequency")
		in.DigestFrequency = &v
	}
	if errs := f.merge(nil); len(errs) > 0 {
		fieldErrors(w, errs)
		return
	}
	p, err := a.st.Notify.SetPreferences(r.Context(), viewer(r).ID, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, NotifyPrefsJSON{Kinds: p.Kinds, DigestFrequency: p.DigestFrequency})
}
