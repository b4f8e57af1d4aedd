package web_test

import (
	"testing"

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
			srv, d := browsertest.County(b, kind)
			id, cases := browsertest.CoordinatorNear(b, d, 150)
			last := browsertest.Measure(b, []string{srv.URL + "/api/v1/ehc/cases?limit=500"}, browsertest.StaffSession(b, d, id), 2000)
			b.ReportMetric(float64(cases), "cases")
			b.Logf("%s, %d cases: %v", kind, cases, last)
		})
	}
}
