package earlyyears_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/web/browsertest"
)

// BenchmarkEarlyYearsPages: the council's queue (/staff/early-years, page 1
// of the county's ~700 notifications, unacknowledged first, each read audited
// once) as Amira, and the DCO's totals (/staff/early-years/summary, 36 months
// by provider) as Grace, on county data, 32 concurrent clients on loopback
// (internal/loadgen), the real `joinedup serve`.
func BenchmarkEarlyYearsPages(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			srv, d := browsertest.County(b, kind)
			ids := map[string]string{}
			for _, p := range demo.Personas() {
				var id string
				if err := d.QueryRow("SELECT id FROM people WHERE email = $1", p.Email).Scan(&id); err == nil {
					ids[p.Name] = id
				}
			}
			total := dbtest.Count(b, d, "SELECT COUNT(*) FROM early_years_notifications")
			for _, page := range []struct{ who, path, must string }{
				{"Amira Hussain", "/staff/early-years", `href="/staff/early-years/`},
				{"Grace Whitfield", "/staff/early-years/summary", "By health provider"},
			} {
				header := browsertest.StaffSession(b, d, ids[page.who])
				url := srv.URL + page.path
				req, _ := http.NewRequest("GET", url, nil)
				req.Header = header
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.Contains(string(body), page.must) {
					b.Fatalf("%s: %d", page.path, resp.StatusCode)
				}
				last := browsertest.Measure(b, []string{url}, header, 1000)
				b.Logf("%s %s, %d notifications: %v", kind, page.path, total, last)
			}
		})
	}
}
