package web

import (
	"net/http"
	"net/url"

	"eplatform/app/limit"
)

// clientKey is the rate-limit key of the request's client address (IPv6 by /64).
func (h *Web) clientKey(r *http.Request) string {
	return limit.IPKey(h.st.ClientIP.Addr(r))
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
