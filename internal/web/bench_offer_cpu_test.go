package web

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/loadgen"
)

// BenchmarkSearchCPU is the CPU one search costs this process, one request
// at a time through the whole handler without HTTP: the figure to compare
// before and after a change on a machine whose load makes latency under
// concurrency noisy. On PostgreSQL the database's own CPU is not counted
// (wall time per request is, in ns/op). County demo, the same searches as
// BenchmarkPublicSearch and BenchmarkSearch (internal/oruk).
func BenchmarkSearchCPU(b *testing.B) {
	searches := []string{"autism", "swimming", "speech+and+language", "short+breaks", "parent+support+group", "sensory",
		"ADHD", "holiday+play+scheme", "football", "sleep", "deaf", "Worcester", "wheelchair", "dance", "occupational+therapy", "siblings"}
	for kind, open := range map[string]func(testing.TB) *db.DB{"sqlite": dbtest.SQLite, "postgres": dbtest.Postgres} {
		b.Run(kind, func(b *testing.B) { searchCPU(b, open(b), searches) })
	}
}

func searchCPU(b *testing.B, d *db.DB, searches []string) {
	{
		if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.County, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
			b.Fatal(err)
		}
		h, err := New(Config{DB: d, Demo: true, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			b.Fatal(err)
		}
		for _, page := range []struct{ name, prefix string }{{"oruk", "/oruk/services?search="}, {"public", "/services?q="}} {
			b.Run(page.name, func(b *testing.B) {
				get := func(i int) {
					w := httptest.NewRecorder()
					h.ServeHTTP(w, httptest.NewRequest("GET", page.prefix+searches[i%len(searches)], nil))
					if w.Code != 200 {
						b.Fatalf("%s: %d", searches[i%len(searches)], w.Code)
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
}
