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

// BenchmarkWaitingListPage: the first page (50 children) of the largest
// waiting list of the county demo (autism assessment), as a health
// professional of its team reads it: 32 concurrent clients on loopback, the
// real `joinedup serve`, every request audited. Target (issue 7): p99 under
// 50 ms on SQLite and PostgreSQL.
func BenchmarkWaitingListPage(b *testing.B) {
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
			var id, pathway string
			var referrals int
			if err := d.QueryRow(`SELECT p.id, COUNT(*) FROM waitlist_pathways p JOIN waitlist_referrals r ON r.pathway_id = p.id
				GROUP BY p.id ORDER BY COUNT(*) DESC, p.id LIMIT 1`).Scan(&pathway, &referrals); err != nil {
				b.Fatal(err)
			}
			if err := d.QueryRow(`SELECT g.person_id FROM role_grants g JOIN people s ON s.id = g.person_id
				JOIN waitlist_pathways p ON p.team_id = s.organisation_id WHERE p.id = $1 AND g.role = 'health_professional'
				ORDER BY g.person_id LIMIT 1`, pathway).Scan(&id); err != nil {
				b.Fatal(err)
			}
			secret, _, err := session.Create(ctx, d, id, "bench", "loadgen", session.StaffTimeouts)
			if err != nil {
				b.Fatal(err)
			}
			header := http.Header{"Cookie": {"joinedup=" + secret}}
			urls := []string{srv.URL + "/staff/waits?pathway=" + pathway}
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
			b.ReportMetric(float64(referrals), "referrals")
			b.ReportMetric(float64(last.P99.Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(last.P50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(last.PerSecond, "req/s")
			b.Logf("%s: %v", kind, last)
		})
	}
}
