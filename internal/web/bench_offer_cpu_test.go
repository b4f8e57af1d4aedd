package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/loadgen"
	"joinedup/internal/offer/offertest"
	"joinedup/internal/web"
)

// BenchmarkSearchCPU is the CPU one search costs this process, one request
// at a time through the whole handler without HTTP: the figure to compare
// before and after a change on a machine whose load makes latency under
// concurrency noisy. On PostgreSQL the database's own CPU is not counted
// (wall time per request is, in ns/op). The county demo, then the same grown
// to 20,000 services (offertest.Grow); the same searches as
// BenchmarkPublicSearch (familySearches, with their filters) and, their
// words only, BenchmarkSearch (internal/oruk).
func BenchmarkSearchCPU(b *testing.B) {
	for kind, open := range map[string]func(testing.TB) *db.DB{"sqlite": dbtest.SQLite, "postgres": dbtest.Postgres} {
		b.Run(kind, func(b *testing.B) {
			d := open(b)
			if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.County, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
				b.Fatal(err)
			}
			// One server throughout, as a directory grows while it is served.
			h, err := web.New(web.Config{DB: d, Demo: true, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				b.Fatal(err)
			}
			b.Run("county", func(b *testing.B) { searchCPU(b, h) })
			offertest.Grow(b, d, 20000)
			b.Run("20k", func(b *testing.B) { searchCPU(b, h) })
		})
	}
}

// searchCPU measures each page's searches through h, in turn.
func searchCPU(b *testing.B, h http.Handler) {
	var public, open []string
	for _, s := range familySearches {
		public = append(public, "/services?"+s)
		q, _ := url.ParseQuery(s)
		open = append(open, "/oruk/services?search="+url.QueryEscape(q.Get("q")))
	}
	for _, page := range []struct {
		name string
		urls []string
	}{{"oruk", open}, {"public", public}} {
		b.Run(page.name, func(b *testing.B) {
			get := func(i int) {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest("GET", page.urls[i%len(page.urls)], nil))
				if w.Code != 200 {
					b.Fatalf("%s: %d", page.urls[i%len(page.urls)], w.Code)
				}
			}
			for i := range 200 { // warm: prepared statements, caches
				get(i)
			}
			before := loadgen.CPUTime()
			b.ResetTimer()
			for i := range b.N {
				get(i)
			}
			b.StopTimer()
			b.ReportMetric(float64((loadgen.CPUTime()-before).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}
