package web_test

import (
	"fmt"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/waitlist/store/storetest"
	"joinedup/internal/web/browsertest"
)

// BenchmarkWaitingListPage: the first page (50 children) of a 3,000-child
// waiting list added to the county demo (issue 7 measures the page at that
// size), as a health professional of its team reads it: the real `joinedup
// serve`, every request audited, from 1, 8 and 32 concurrent clients on
// loopback (32 is the caseload's convention; issue 7 names no concurrency).
// Target (issue 7): p99 under 50 ms on SQLite and PostgreSQL.
func BenchmarkWaitingListPage(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			srv, d := browsertest.County(b, kind)
			pathway, team := storetest.AddList(b, d, 3000, date.Of(2026, 11, 22))
			if kind == "postgres" {
				// The list was loaded after the demo's own statistics were gathered.
				if _, err := d.Exec("ANALYZE"); err != nil {
					b.Fatal(err)
				}
			}
			var id string
			if err := d.QueryRow(`SELECT g.person_id FROM role_grants g JOIN people s ON s.id = g.person_id
				WHERE s.organisation_id = $1 AND g.role = 'health_professional' ORDER BY g.person_id LIMIT 1`, team).Scan(&id); err != nil {
				b.Fatal(err)
			}
			urls, h := []string{srv.URL + "/staff/waits?pathway=" + pathway}, browsertest.StaffSession(b, d, id)
			for _, clients := range []int{1, 8, 32} {
				b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
					b.Logf("%s, %d clients: %v", kind, clients, browsertest.MeasureAt(b, clients, urls, h, 2000))
				})
			}
		})
	}
}
