package remind_test

import (
	"context"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/offer/remind"
)

// BenchmarkRun is a day's reminders over the county demo (800 services) on
// SQLite: "first" writes every reminder due (the demo's last confirmations
// are spread over months, so many are due or overdue), "again" is a second
// run the same day, which finds them sent and writes nothing.
func BenchmarkRun(b *testing.B) {
	ctx := context.Background()
	d := dbtest.SQLite(b)
	today := date.Of(2026, 11, 22)
	if _, err := demo.Generate(ctx, d, demo.Options{Scale: demo.County, Seed: 1, Today: today}); err != nil {
		b.Fatal(err)
	}
	b.Run("first", func(b *testing.B) {
		n := 0
		for b.Loop() {
			b.StopTimer()
			if _, err := d.Exec("DELETE FROM offer_review_reminders"); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			sent, err := remind.Run(ctx, d, remind.Options{Today: today})
			if err != nil {
				b.Fatal(err)
			}
			n = len(sent)
		}
		b.ReportMetric(float64(n), "reminders")
	})
	b.Run("again", func(b *testing.B) {
		for b.Loop() {
			if sent, err := remind.Run(ctx, d, remind.Options{Today: today}); err != nil || len(sent) != 0 {
				b.Fatal(len(sent), err)
			}
		}
	})
}
