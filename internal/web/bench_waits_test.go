package web_test

import (
	"testing"

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
			srv, d := browsertest.County(b, kind)
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
			last := browsertest.Measure(b, []string{srv.URL + "/staff/waits?pathway=" + pathway}, browsertest.StaffSession(b, d, id), 2000)
			b.ReportMetric(float64(referrals), "referrals")
			b.Logf("%s: %v", kind, last)
		})
	}
}
