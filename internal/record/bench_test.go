package record_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/loadgen"
	"joinedup/internal/record"
)

// BenchmarkCaseload: a coordinator's caseload on county data, through the
// access predicate, with its audit row, one request at a time. Target (issue 3):
// p99 under 5 ms on SQLite and PostgreSQL for a caseload of about 150.
func BenchmarkCaseload(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			d := record.CountyDB(b, kind)
			ctx := context.Background()
			// The coordinator whose caseload is nearest 150 children.
			var id string
			var size int
			err := d.QueryRow(`SELECT ct.person_id, COUNT(*) FROM care_team ct JOIN role_grants g ON g.person_id = ct.person_id
				WHERE g.role = 'ehcp_coordinator' AND ct.reason = 'allocated'
				GROUP BY ct.person_id ORDER BY ABS(COUNT(*) - 150), ct.person_id LIMIT 1`).Scan(&id, &size)
			if err != nil {
				b.Fatal(err)
			}
			a, err := access.LoadActor(ctx, d, id)
			if err != nil {
				b.Fatal(err)
			}
			times := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				list, total, err := record.Caseload(ctx, d, a, 500)
				times = append(times, time.Since(t0))
				if err != nil || total != size || len(list) != size {
					b.Fatalf("caseload of %d, listed %d, %v; want %d", total, len(list), err, size)
				}
			}
			b.StopTimer()
			slices.Sort(times)
			b.ReportMetric(float64(size), "children")
			b.ReportMetric(float64(loadgen.Percentile(times, 50).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(loadgen.Percentile(times, 99).Microseconds())/1000, "p99-ms")
		})
	}
}
