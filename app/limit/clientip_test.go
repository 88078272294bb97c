package limit_test

import (
	"net/http/httptest"
	"net/netip"
	"slices"
	"testing"

	"eplatform/app/limit"
)

func TestParseTrusted(t *testing.T) {
	got, err := limit.ParseTrusted(" 127.0.0.1, ::1 ,10.0.0.0/8,, 192.168.1.7/16, ::ffff:172.16.0.0/108")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"127.0.0.1/32", "::1/128", "10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("prefix %d = %s, want %s", i, got[i], want[i])
		}
	}

	if got, err := limit.ParseTrusted(""); err != nil || len(got) != 0 {
		t.Errorf("empty list: %v, %v", got, err)
	}
	for _, bad := range []string{"localhost", "10.0.0.0/33", "1.2.3.4, nope"} {
		if _, err := limit.ParseTrusted(bad); err == nil {
			t.Errorf("ParseTrusted(%q): want error", bad)
		}
	}
}

func TestClientIPAddr(t *testing.T) {
	trusted, err := limit.ParseTrusted("127.0.0.1, ::1, 10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	c := limit.ClientIP{Trusted: trusted}

	tests := []struct {
		name   string
		remote string
		xff    []string
		realIP string
		want   string
	}{
		{name: "direct client", remote: "203.0.113.9:5000", want: "203.0.113.9"},
		{name: "spoofed XFF from untrusted peer", remote: "203.0.113.9:5000", xff: []string{"1.1.1.1"}, realIP: "2.2.2.2", want: "203.0.113.9"},
		{name: "one trusted proxy", remote: "127.0.0.1:40000", xff: []string{"198.51.100.4"}, want: "198.51.100.4"},
		{name: "chain of trusted proxies", remote: "10.0.0.2:1", xff: []string{"198.51.100.4, 10.0.0.9, 10.1.2.3"}, want: "198.51.100.4"},
		{name: "client-prepended hops ignored", remote: "127.0.0.1:1", xff: []string{"6.6.6.6, 7.7.7.7, 198.51.100.4, 10.0.0.9"}, want: "198.51.100.4"},
		{name: "repeated header lines", remote: "127.0.0.1:1", xff: []string{"6.6.6.6", "198.51.100.4, 10.0.0.9"}, want: "198.51.100.4"},
		{name: "hop with port", remote: "127.0.0.1:1", xff: []string{"198.51.100.4:1234"}, want: "198.51.100.4"},
		{name: "IPv6 hop and peer", remote: "[::1]:8080", xff: []string{"2001:db8::7"}, want: "2001:db8::7"},
		{name: "IPv4-mapped peer is trusted", remote: "[::ffff:127.0.0.1]:1", xff: []string{"198.51.100.4"}, want: "198.51.100.4"},
		{name: "X-Real-IP fallback", remote: "127.0.0.1:1", realIP: "198.51.100.5", want: "198.51.100.5"},
		{name: "all hops trusted uses X-Real-IP", remote: "127.0.0.1:1", xff: []string{"10.0.0.5"}, realIP: "198.51.100.5", want: "198.51.100.5"},
		{name: "all hops trusted, no X-Real-IP", remote: "127.0.0.1:1", xff: []string{"10.0.0.5"}, want: "127.0.0.1"},
		{name: "garbage XFF", remote: "127.0.0.1:1", xff: []string{"not an ip"}, want: "127.0.0.1"},
		{name: "garbage before untrusted hop", remote: "127.0.0.1:1", xff: []string{"198.51.100.4, unknown, 10.0.0.9"}, realIP: "198.51.100.5", want: "198.51.100.5"},
		{name: "garbage left of untrusted hop", remote: "127.0.0.1:1", xff: []string{"%%%, 198.51.100.4"}, want: "198.51.100.4"},
		{name: "empty XFF entries", remote: "127.0.0.1:1", xff: []string{",,,"}, want: "127.0.0.1"},
		{name: "garbage X-Real-IP", remote: "127.0.0.1:1", realIP: "999.1.1.1", want: "127.0.0.1"},
		{name: "unparsable peer", remote: "@", xff: []string{"198.51.100.4"}, want: "invalid IP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if tt.realIP != "" {
				r.Header.Set("X-Real-IP", tt.realIP)
			}
			if got := c.Addr(r).String(); got != tt.want {
				t.Errorf("Addr = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestIPKey(t *testing.T) {
	tests := []struct {
		addr string
		want string
	}{
		{"203.0.113.9", "203.0.113.9"},
		{"::ffff:203.0.113.9", "203.0.113.9"},
		{"2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"fe80::1%eth0", "fe80::/64"},
	}
	for _, tt := range tests {
		if got := limit.IPKey(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("IPKey(%s) = %q, want %q", tt.addr, got, tt.want)
		}
	}
	if got := limit.IPKey(netip.Addr{}); got != "" {
		t.Errorf("IPKey(zero) = %q, want empty", got)
	}
}

// FuzzClientIPAddr checks that no header or peer value makes Addr panic, and that an
// untrusted peer is never overridden by headers.
func FuzzClientIPAddr(f *testing.F) {
	f.Add("127.0.0.1:1", "198.51.100.4, 10.0.0.9", "198.51.100.5")
	f.Add("203.0.113.9:1", "1.1.1.1", "2.2.2.2")
	f.Add("[::1]:1", "[2001:db8::1]:80,%zone,,", "::ffff:1.2.3.4")
	f.Add("", "\x00", "[")
	trusted, _ := limit.ParseTrusted("127.0.0.1, ::1, 10.0.0.0/8")
	c := limit.ClientIP{Trusted: trusted}
	f.Fuzz(func(t *testing.T, remote, xff, realIP string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		r.Header.Set("X-Real-IP", realIP)
		got := c.Addr(r)
		if peer, err := netip.ParseAddrPort(remote); err == nil {
			p := peer.Addr().Unmap().WithZone("")
			isTrusted := slices.ContainsFunc(trusted, func(t netip.Prefix) bool { return t.Contains(p) })
			if !isTrusted && got != p {
				t.Fatalf("untrusted peer %s overridden by headers: %s", p, got)
			}
		}
		_ = limit.IPKey(got)
	})
}
