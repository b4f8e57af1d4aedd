package offer_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/loadgen"
	"joinedup/internal/offer"
	"joinedup/internal/offer/offertest"
)

// feed20k is an ORUK ndjson feed of 20,000 services: the tiny demo's 40
// and copies of them with ids of their own (the organisations, places and
// terms stay shared, as in a real directory).
func feed20k(b *testing.B) []byte {
	b.Helper()
	src := dbtest.SQLite(b)
	tinyDemo(b, src)
	base, err := offertest.Read(exportNDJSON(b, src))
	if err != nil {
		b.Fatal(err)
	}
	feed, err := offertest.Scaled(base, 20000)
	if err != nil {
		b.Fatal(err)
	}
	return feed
}

// procCPU is the CPU (user and system) process pid has used, from
// /proc/<pid>/stat in clock ticks (100 a second on Linux).
func procCPU(b *testing.B, pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatalf("the PostgreSQL backend's CPU: %v (the server must run on this machine)", err)
	}
	fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+2:]))
	utime, _ := strconv.Atoi(fields[11]) // fields 14 and 15 of stat, after pid and comm
	stime, _ := strconv.Atoi(fields[12])
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// Reading, checking, comparing and writing a 20,000-service feed into an
// empty directory, and the same feed again (all unchanged). Issue 6: under
// 30 s. Run with -benchtime=1x -count=N: one import is seconds long.
func BenchmarkImport20k(b *testing.B) {
	feed := feed20k(b)
	b.Logf("feed: %d MiB", len(feed)>>20)
	ctx := context.Background()
	for _, kind := range []string{"sqlite", "postgres"} {
		var server func() time.Duration // the PostgreSQL backend's CPU, read from /proc
		open := func() *db.DB {
			if kind != "postgres" {
				server = func() time.Duration { return 0 }
				return dbtest.SQLite(b)
			}
			d := dbtest.Postgres(b)
			d.SetMaxOpenConns(1) // one backend does all the import's work
			var pid int
			if err := d.QueryRow("SELECT pg_backend_pid()").Scan(&pid); err != nil {
				b.Fatal(err)
			}
			server = func() time.Duration { return procCPU(b, pid) }
			return d
		}
		run := func(b *testing.B, d *db.DB, wantNew int) {
			items, err := offer.ReadFeed(bytes.NewReader(feed))
			if err != nil {
				b.Fatal(err)
			}
			rep, err := offer.Import(ctx, d, items, offer.ImportOptions{Apply: true, Now: importNow})
			if err != nil {
				b.Fatal(err)
			}
			if len(rep.New) != wantNew || len(rep.New)+len(rep.Unchanged) != 20000 {
				b.Fatalf("%d new, %d unchanged", len(rep.New), len(rep.Unchanged))
			}
		}
		b.Run(kind+"/empty", func(b *testing.B) {
			var cpu, serverCPU time.Duration
			for range b.N {
				b.StopTimer()
				d := open()
				b.StartTimer()
				before, sBefore := loadgen.CPUTime(), server()
				run(b, d, 20000)
				cpu += loadgen.CPUTime() - before
				serverCPU += server() - sBefore
			}
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(serverCPU.Seconds()/float64(b.N), "server-cpu-s/op")
		})
		b.Run(kind+"/unchanged", func(b *testing.B) {
			d := open()
			run(b, d, 20000)
			b.ResetTimer()
			before := loadgen.CPUTime()
			for range b.N {
				run(b, d, 0)
			}
			b.ReportMetric((loadgen.CPUTime()-before).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}
