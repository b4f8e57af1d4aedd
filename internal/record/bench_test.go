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
// p99 under 5 ms on SQLite and PostgreSQL for a caseload of 150. Every demo
// coordinator holds about 230, so "150" ends the rest of one coordinator's
// links first; "demo" measures a whole demo caseload as well.
func BenchmarkCaseload(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		d := record.CountyDB(b, kind)
		ctx := context.Background()
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
		for _, caseload := range []string{"demo", "150"} {
			b.Run(kind+"/"+caseload, func(b *testing.B) {
				if caseload == "150" && size > 150 {
					if _, err := d.Exec(`UPDATE care_team SET status = 'ended', ends_at = $2 WHERE id IN (SELECT id FROM care_team
						WHERE person_id = $1 AND reason = 'allocated' AND status = 'active' ORDER BY child_id LIMIT $3)`,
						id, time.Now().UTC(), size-150); err != nil {
						b.Fatal(err)
					}
					size = 150
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
}
