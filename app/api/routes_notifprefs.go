package api

// notifyPrefRoutes are the caller's notification preferences: per kind live, digest
// or off, and the digest frequency. Everyone signed in has their own; nobody reads or
// changes another person's.
func (a *API) notifyPrefRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/notifications/preferences/", Tag: "notifications", Summary: "Your notification preferences: per kind live (on the site), digest (on the site and in the email digest) or off (never created), and the digest frequency", Auth: true, Response: "NotificationPreferences", Status: 200, Handler: a.getNotifyPrefs},
		{Method: "PUT", Path: "/api/notifications/preferences/", Tag: "notifications", Summary: "Change your notification preferences: the kinds named in kinds and digest_frequency when sent; the rest keep their choice", Auth: true, Body: "NotificationPreferencesWrite", Response: "NotificationPreferences", Status: 200, Handler: a.putNotifyPrefs},
	}
}
