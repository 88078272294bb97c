package limit

import (
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// ClientIP finds the address of the client behind a request. Proxy headers are
// believed only when the TCP peer is one of the Trusted proxies; anyone else could
// put any address in them to dodge limits or to get someone else limited.
type ClientIP struct {
	Trusted []netip.Prefix
}

// Addr returns the client address, or the zero Addr if even the TCP peer cannot be
// parsed (e.g. a Unix socket). For a trusted peer it walks X-Forwarded-For from the
// right, because each proxy appends the address it saw: the first untrusted entry is
// the one our outermost proxy saw. Entries to its left are client-supplied and
// ignored. A malformed entry reached before that ends the walk, and then X-Real-IP
// (set by the proxy itself) or finally the peer is used.
func (c ClientIP) Addr(r *http.Request) netip.Addr {
	peer := parseHostAddr(r.RemoteAddr)
	if !peer.IsValid() || !c.trusted(peer) {
		return peer
	}
	if a, ok := c.fromForwardedFor(r.Header.Values("X-Forwarded-For")); ok {
		return a
	}
	if a := parseHostAddr(strings.TrimSpace(r.Header.Get("X-Real-IP"))); a.IsValid() {
		return a
	}
	return peer
}

// fromForwardedFor returns the rightmost untrusted hop. Several header lines count
// as one list in order, as RFC 9110 specifies for repeated fields.
func (c ClientIP) fromForwardedFor(lines []string) (netip.Addr, bool) {
	for i := len(lines) - 1; i >= 0; i-- {
		hops := strings.Split(lines[i], ",")
		for j := len(hops) - 1; j >= 0; j-- {
			a := parseHostAddr(strings.TrimSpace(hops[j]))
			if !a.IsValid() {
				return netip.Addr{}, false
			}
			if !c.trusted(a) {
				return a, true
			}
		}
	}
	return netip.Addr{}, false
}

func (c ClientIP) trusted(a netip.Addr) bool {
	for _, p := range c.Trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseHostAddr accepts "ip", "ip:port" and "[ipv6]:port", and returns the address
// without zone and with IPv4-mapped IPv6 unmapped so it matches IPv4 prefixes.
func parseHostAddr(s string) netip.Addr {
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return netip.Addr{}
		}
		a = ap.Addr()
	}
	return a.Unmap().WithZone("")
}

// ParseTrusted parses a comma-separated list of CIDR prefixes and bare addresses,
// such as a --trusted-proxies flag value "127.0.0.1, ::1, 10.0.0.0/8".
func ParseTrusted(list string) ([]netip.Prefix, error) {
	var prefixes []netip.Prefix
	for item := range strings.SplitSeq(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if strings.Contains(item, "/") {
			p, err := netip.ParsePrefix(item)
			if err != nil {
				return nil, fmt.Errorf("limit: trusted proxy %q: %w", item, err)
			}
			if p.Addr().Is4In6() && p.Bits() >= 96 {
				// Peers are unmapped before matching, so match them as IPv4.
				p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
			}
			prefixes = append(prefixes, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("limit: trusted proxy %q: %w", item, err)
		}
		a = a.Unmap().WithZone("")
		prefixes = append(prefixes, netip.PrefixFrom(a, a.BitLen()))
	}
	return prefixes, nil
}

// IPKey turns an address into a limiter key: IPv4 as is, IPv6 as its /64 prefix,
// because one host (one subscriber line) usually owns a whole /64 and could rotate
// through it to get a fresh bucket per request. The zero Addr gives "".
func IPKey(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}

// UserKey is the limiter key of a signed-in user's buckets.
func UserKey(id int64) string { return "user:" + strconv.FormatInt(id, 10) }
