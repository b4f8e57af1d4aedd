package web_test

import (
	"context"
	"net/http"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/loadgen"
	"joinedup/internal/session"
	"joinedup/internal/web/browsertest"
)

// BenchmarkAPICaseload: GET /api/v1/ehc/cases, the JSON of the caseload
// page (BenchmarkCaseloadPage in casework), for the demo coordinator whose
// caseload is nearest 150 cases, on county data, 32 concurrent clients on
// loopback, the real `joinedup serve`. Each request reads the cases through
// the access predicate, runs the clock over every case and writes its audit
// row. Target (issue 4's caseload): p99 under 50 ms on SQLite and PostgreSQL.
func BenchmarkAPICaseload(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			var args []string
			var dsn string
			if kind == "postgres" {
				dsn = dbtest.NewPostgresDatabase(b)
				args = []string{"--db", dsn}
			}
			srv := browsertest.Start(b, append(args, "--demo", "--demo-scale", "county", "--demo-today", "2026-11-22")...)
			if dsn == "" {
				dsn = srv.DB
			}
			ctx := context.Background()
			d, err := db.Open(ctx, dsn)
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			var id string
			var cases int
			if err := d.QueryRow(`SELECT ct.person_id, COUNT(*) FROM care_team ct JOIN ehc_cases k ON k.child_id = ct.child_id
				WHERE ct.reason = 'allocated' AND ct.purpose = 'named EHCP coordinator' AND ct.status = 'active'
				GROUP BY ct.person_id ORDER BY ABS(COUNT(*) - 150), ct.person_id LIMIT 1`).Scan(&id, &cases); err != nil {
				b.Fatal(err)
			}
			secret, _, err := session.Create(ctx, d, id, "bench", "loadgen", session.StaffTimeouts)
			if err != nil {
				b.Fatal(err)
			}
			header := http.Header{"Cookie": {"joinedup=" + secret}}
			urls := []string{srv.URL + "/api/v1/ehc/cases?limit=500"}
			if r := loadgen.RunAs(ctx, urls, header, 32, 200); r.Failures > 0 { // warm up, and signed in
				b.Fatalf("warm-up: %v (%s)", r, r.FirstError)
			}
			b.ResetTimer()
			var last loadgen.Result
			for range b.N {
				last = loadgen.RunAs(ctx, urls, header, 32, 2000)
			}
			b.StopTimer()
			if last.Failures > 0 {
				b.Fatalf("failures: %v (%s)", last, last.FirstError)
			}
			b.ReportMetric(float64(cases), "cases")
			b.ReportMetric(float64(last.P99.Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(last.P50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(last.PerSecond, "req/s")
			b.Logf("%s, %d cases: %v", kind, cases, last)
		})
	}
}
