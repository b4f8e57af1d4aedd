package demo_test

import (
	"bufio"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
)

// BenchmarkCountySQLite loads the county demo into a fresh SQLite file b.N times.
func BenchmarkCountySQLite(b *testing.B) {
	var total time.Duration
	var sum demo.Summary
	for range b.N {
		b.StopTimer()
		d := dbtest.SQLite(b)
		b.StartTimer()
		start := time.Now()
		var err error
		sum, err = demo.Generate(context.Background(), d, demo.Options{Scale: demo.County, Seed: 1, Today: today})
		if err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		b.StopTimer()
		d.Close()
		b.StartTimer()
	}
	secs := total.Seconds() / float64(b.N)
	b.ReportMetric(secs, "s/load")
	b.ReportMetric(float64(sum.Rows())/secs, "rows/s")
}

// BenchmarkNationalPostgres loads the national demo (~150 areas, ~700,000
// plans) into PostgreSQL. It takes minutes: set JOINEDUP_BENCH_NATIONAL=1.
func BenchmarkNationalPostgres(b *testing.B) {
	if os.Getenv("JOINEDUP_BENCH_NATIONAL") != "1" {
		b.Skip("set JOINEDUP_BENCH_NATIONAL=1 to load the national demo into PostgreSQL (minutes)")
	}
	for range b.N {
		b.StopTimer()
		d := dbtest.Postgres(b)
		b.StartTimer()
		start := time.Now()
		sum, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.National, Seed: 1, Today: today})
		if err != nil {
			b.Fatal(err)
		}
		el := time.Since(start)
		b.Logf("national into PostgreSQL in %s: %+v", el.Round(time.Second), sum)
		b.ReportMetric(el.Seconds(), "s/load")
		b.ReportMetric(float64(sum.Rows())/el.Seconds(), "rows/s")
		b.ReportMetric(float64(peakRSS(b))/(1<<20), "peak-RSS-MiB")
		b.StopTimer()
		d.Close()
		b.StartTimer()
	}
}

// peakRSS is the process's peak resident set size in bytes (VmHWM).
func peakRSS(b *testing.B) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Logf("peak RSS: %v", err)
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
