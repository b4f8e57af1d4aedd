package oruk_test

import (
	"context"
	"net/url"
	"testing"

	"joinedup/internal/db/dbtest"
	"joinedup/internal/loadgen"
	"joinedup/internal/web/browsertest"
)

// searches are what families and apps type, from one word to a phrase.
var searches = []string{"autism", "swimming", "speech and language", "short breaks", "parent support group", "sensory",
	"ADHD", "holiday play scheme", "football", "sleep", "deaf", "Worcester", "wheelchair", "dance", "occupational therapy", "siblings"}

// BenchmarkSearch: /oruk/services?search=… on the county demo (800
// services), 32 concurrent clients on loopback (internal/loadgen), the real
// `joinedup serve`. Target (issue 6): p99 under 20 ms on SQLite and PostgreSQL.
func BenchmarkSearch(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			var args []string
			if kind == "postgres" {
				args = []string{"--db", dbtest.NewPostgresDatabase(b)}
			}
			srv := browsertest.Start(b, append(args, "--demo", "--demo-scale", "county", "--demo-today", "2026-11-22")...)
			var urls []string
			for _, s := range searches {
				urls = append(urls, srv.URL+"/oruk/services?search="+url.QueryEscape(s))
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
