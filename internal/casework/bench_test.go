package casework_test

import (
	"testing"

	"joinedup/internal/web/browsertest"
)

// BenchmarkCaseloadPage: /staff/ehc, the coordinator's EHC caseload ordered
// by next statutory date, for the demo coordinator whose caseload is nearest
// 150 cases, on county data, 32 concurrent clients on loopback
// (internal/loadgen), the real `joinedup serve`. Every request finds the
// cases through the access predicate in the order of their stored next date,
// judges the first page's stored open deadlines on today, and writes its
// audit row. cpu-ms/req is this process's CPU (with SQLite's,
// without PostgreSQL's server). Target (issue 4): p99
// under 50 ms on SQLite and PostgreSQL.
func BenchmarkCaseloadPage(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			srv, d := browsertest.County(b, kind)
			id, cases := browsertest.CoordinatorNear(b, d, 150)
			last := browsertest.Measure(b, []string{srv.URL + "/staff/ehc"}, browsertest.StaffSession(b, d, id), 2000)
			b.ReportMetric(float64(cases), "cases")
			b.Logf("%s, %d cases: %v", kind, cases, last)
		})
	}
}
