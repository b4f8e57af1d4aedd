package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddr is the address a request came from, for rate limits. Behind a
// TLS proxy every request arrives from the proxy, so a limit keyed on
// RemoteAddr would be shared by every family at once. When the request comes
// from a trusted proxy, the address is the right-most one in X-Forwarded-For
// that is not itself a trusted proxy: each proxy appends the address it
// received from, so anything further left may be forged by the client.
func (s *server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(addr) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return addr.String() // a malformed chain: fall back to the proxy itself
		}
		if !s.trusted(hop) {
			return hop.Unmap().String()
		}
		addr = hop
	}
	return addr.String()
}

// fromTrustedProxy reports whether r arrived from one of the trusted proxies.
func (s *server) fromTrustedProxy(r *http.Request) bool {
	if len(s.trustedProxies) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && s.trusted(addr)
}

func (s *server) trusted(a netip.Addr) bool {
	for _, p := range s.trustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}
