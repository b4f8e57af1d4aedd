package web_test

import (
	"net/url"
	"testing"
	"time"

	"joinedup/internal/offer/offertest"
	"joinedup/internal/web/browsertest"
)

// BenchmarkSearch20k: the Local Offer's searches on a directory of 20,000
// services, 32 concurrent clients on loopback, the real `joinedup serve`:
// the county demo's 800 services and 24 copies of them imported beside it
// (offertest.Scaled: ids of their own, the same organisations, places and
// terms), so each search finds 25 times what it finds in the county. The
// sixteen searches of BenchmarkPublicSearch, on the public page
// (/services?q=…) and on ORUK (/oruk/services?search=…, their words only).
// Target (issue 6): p99 under 50 ms on SQLite and PostgreSQL. Run with
// -benchtime 1x: loading the directory takes a minute or more.
func BenchmarkSearch20k(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			srv, d := browsertest.County(b, kind)
			took := offertest.Grow(b, d, 20000)
			b.Logf("%s: the county's services grown to 20,000 in %v", kind, took.Round(time.Millisecond))
			var public, open []string
			for _, s := range familySearches {
				public = append(public, srv.URL+"/services?"+s)
				q, _ := url.ParseQuery(s)
				open = append(open, srv.URL+"/oruk/services?search="+url.QueryEscape(q.Get("q")))
			}
			for _, page := range []struct {
				name string
				urls []string
			}{{"oruk", open}, {"public", public}} {
				b.Run(page.name, func(b *testing.B) {
					r := browsertest.Measure(b, page.urls, nil, 5000)
					b.Logf("%s %s on 20,000 services: %v", kind, page.name, r)
				})
			}
		})
	}
}
