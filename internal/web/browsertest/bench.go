package browsertest

import (
	"context"
	"net/http"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/loadgen"
	"joinedup/internal/session"
)

// The page benchmarks share one harness: the real `joinedup serve` on the
// county demo, a member of staff signed in, 32 clients on loopback.

// County starts the real server on the county demo in a database of kind
// ("sqlite" or "postgres"), and opens that database beside it.
func County(b *testing.B, kind string) (*Server, *db.DB) {
	b.Helper()
	var args []string
	dsn := ""
	if kind == "postgres" {
		dsn = dbtest.NewPostgresDatabase(b)
		args = []string{"--db", dsn}
	}
	srv := Start(b, append(args, "--demo", "--demo-scale", "county", "--demo-today", "2026-11-22")...)
	if dsn == "" {
		dsn = srv.DB
	}
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	return srv, d
}

// StaffSession signs a member of staff in and gives the header that carries their session.
func StaffSession(b *testing.B, d *db.DB, personID string) http.Header {
	b.Helper()
	secret, _, err := session.Create(context.Background(), d, personID, "bench", "loadgen", session.StaffTimeouts)
	if err != nil {
		b.Fatal(err)
	}
	return http.Header{"Cookie": {"joinedup=" + secret}}
}

// Measure warms up with 200 requests, then sends requests GETs over urls
// from 32 clients b.N times, fails on any failure, and reports the last
// run's p50 and p99, requests a second, and this process's CPU a request
// (with SQLite's, without a PostgreSQL server's).
func Measure(b *testing.B, urls []string, h http.Header, requests int) loadgen.Result {
	b.Helper()
	return MeasureAt(b, 32, urls, h, requests)
}

// MeasureAt is Measure from the given number of concurrent clients: a page's
// latency against load, where an issue names no concurrency.
func MeasureAt(b *testing.B, clients int, urls []string, h http.Header, requests int) loadgen.Result {
	b.Helper()
	ctx := context.Background()
	if r := loadgen.RunAs(ctx, urls, h, clients, 200); r.Failures > 0 {
		b.Fatalf("warm-up: %v (%s)", r, r.FirstError)
	}
	b.ResetTimer()
	var last loadgen.Result
	cpu := loadgen.CPUTime()
	for range b.N {
		last = loadgen.RunAs(ctx, urls, h, clients, requests)
	}
	cpu = loadgen.CPUTime() - cpu
	b.StopTimer()
	if last.Failures > 0 {
		b.Fatalf("failures: %v (%s)", last, last.FirstError)
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N*requests), "cpu-ms/req")
	b.ReportMetric(float64(last.P99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(last.P50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(last.PerSecond, "req/s")
	return last
}

// CoordinatorNear is the demo's EHC coordinator whose caseload is nearest n
// cases, and how many they hold.
func CoordinatorNear(b *testing.B, d *db.DB, n int) (string, int) {
	b.Helper()
	var id string
	var cases int
	if err := d.QueryRow(`SELECT ct.person_id, COUNT(*) FROM care_team ct JOIN ehc_cases k ON k.child_id = ct.child_id
		WHERE ct.reason = 'allocated' AND ct.purpose = 'named EHCP coordinator' AND ct.status = 'active'
		GROUP BY ct.person_id ORDER BY ABS(COUNT(*) - $1), ct.person_id LIMIT 1`, n).Scan(&id, &cases); err != nil {
		b.Fatal(err)
	}
	return id, cases
}
