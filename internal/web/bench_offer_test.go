package web_test

import (
	"context"
	"net/url"
	"testing"

	"joinedup/internal/db/dbtest"
	"joinedup/internal/loadgen"
	"joinedup/internal/web/browsertest"
)

// familySearches are what families type into the Local Offer's search page,
// some with the filters they pick (the same words as the ORUK benchmark).
var familySearches = []string{"q=autism", "q=swimming", "q=speech+and+language", "q=short+breaks", "q=parent+support+group",
	"q=sensory&cost=free", "q=ADHD", "q=holiday+play+scheme&age=9", "q=football", "q=sleep", "q=deaf&need=hearing-impairment",
	"q=Worcester", "q=wheelchair", "q=dance&day=SA", "q=occupational+therapy", "q=siblings"}

// BenchmarkPublicSearch: the public search page (/services?q=…) on the
// county demo (800 services), 32 concurrent clients on loopback, the real
// `joinedup serve`. Target (issue 6): p99 under 20 ms on SQLite and PostgreSQL.
func BenchmarkPublicSearch(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			var args []string
			if kind == "postgres" {
				args = []string{"--db", dbtest.NewPostgresDatabase(b)}
			}
			srv := browsertest.Start(b, append(args, "--demo", "--demo-scale", "county", "--demo-today", "2026-11-22")...)
			var urls []string
			for _, s := range familySearches {
				urls = append(urls, srv.URL+"/services?"+s)
			}
			if _, err := url.Parse(urls[0]); err != nil {
				b.Fatal(err)
			}
			loadgen.Run(context.Background(), urls, 32, 2000) // warm up
			b.ResetTimer()
			var last loadgen.Result
			for range b.N {
				last = loadgen.Run(context.Background(), urls, 32, 20000)
			}
			b.StopTimer()
			if last.Failures > 0 {
				b.Fatalf("failures: %v (%s)", last, last.FirstError)
			}
			b.ReportMetric(float64(last.P99.Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(last.P50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(last.PerSecond, "req/s")
			b.Logf("%s: %v", kind, last)
		})
	}
}
