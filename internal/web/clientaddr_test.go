package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// The client's address for rate limits: X-Forwarded-For is believed only
// from a trusted proxy, and only as far left as the chain of trusted proxies
// goes (RFC 7239 section 5.2 describes the same walk for Forwarded).
func TestClientAddr(t *testing.T) {
	s := &server{trustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::1/128")}}
	for _, c := range []struct {
		name, remote string
		xff          []string
		want         string
	}{
		{"no proxy", "203.0.113.7:5123", nil, "203.0.113.7"},
		{"an untrusted peer's header is ignored", "203.0.113.7:5123", []string{"198.51.100.1"}, "203.0.113.7"},
		{"a trusted proxy names the client", "10.1.2.3:443", []string{"198.51.100.1"}, "198.51.100.1"},
		{"the client's forged entry on the left is skipped", "10.1.2.3:443", []string{"1.2.3.4, 198.51.100.1"}, "198.51.100.1"},
		{"two trusted proxies in a row", "10.1.2.3:443", []string{"198.51.100.1, 10.9.9.9"}, "198.51.100.1"},
		{"headers repeated are one list", "10.1.2.3:443", []string{"1.2.3.4", "198.51.100.1"}, "198.51.100.1"},
		{"an IPv6 proxy", "[2001:db8::1]:443", []string{"2001:db8::99"}, "2001:db8::99"},
		{"a trusted proxy without the header", "10.1.2.3:443", nil, "10.1.2.3"},
		{"a malformed entry: the proxy itself", "10.1.2.3:443", []string{"1.2.3.4, not-an-address"}, "10.1.2.3"},
		{"only trusted addresses: the left-most", "10.1.2.3:443", []string{"10.4.4.4"}, "10.4.4.4"},
	} {
		r := httptest.NewRequest("POST", "/sign-in/family", nil)
		r.RemoteAddr = c.remote
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := s.clientAddr(r); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
