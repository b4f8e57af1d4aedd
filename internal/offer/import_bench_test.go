package offer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/loadgen"
	"joinedup/internal/offer"
)

// feed20k is an ORUK ndjson feed of 20,000 services: the tiny demo's 40,
// each copied 500 times with ids of its own (the organisations, places and
// terms stay shared, as in a real directory).
func feed20k(b *testing.B) []byte {
	b.Helper()
	src := dbtest.SQLite(b)
	tinyDemo(b, src)
	var base []offer.Service
	for _, line := range bytes.Split(bytes.TrimSpace(exportNDJSON(b, src)), []byte("\n")) {
		var s offer.Service
		if err := json.Unmarshal(line, &s); err != nil {
			b.Fatal(err)
		}
		base = append(base, s)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	for copyN := range 20000 / len(base) {
		ns := uuid.NewSHA1(uuid.NameSpaceOID, []byte(fmt.Sprint(copyN)))
		id := func(old string) string { return uuid.NewSHA1(ns, []byte(old)).String() }
		for _, s := range base {
			s := s
			s.ID, s.Name = id(s.ID), fmt.Sprintf("%s (%d)", s.Name, copyN)
			s.ServiceAtLocations = renumber(s.ServiceAtLocations, func(x *offer.ServiceAtLocation) { x.ID, x.ServiceID = id(x.ID), s.ID })
			s.Schedules = renumber(s.Schedules, func(x *offer.Schedule) {
				x.ID, x.ServiceID = id(x.ID), s.ID
				if x.ServiceAtLocationID != "" {
					x.ServiceAtLocationID = id(x.ServiceAtLocationID)
				}
			})
			s.ServiceAreas = renumber(s.ServiceAreas, func(x *offer.ServiceArea) { x.ID = id(x.ID) })
			s.CostOptions = renumber(s.CostOptions, func(x *offer.CostOption) { x.ID = id(x.ID) })
			s.Contacts = renumber(s.Contacts, func(x *offer.Contact) {
				x.ID = id(x.ID)
				x.Phones = renumber(x.Phones, func(p *offer.Phone) { p.ID = id(p.ID) })
			})
			s.Attributes = renumber(s.Attributes, func(x *offer.Attribute) { x.ID, x.LinkID = id(x.ID), s.ID })
			if err := enc.Encode(s); err != nil {
				b.Fatal(err)
			}
		}
	}
	return out.Bytes()
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

func renumber[T any](xs []T, fix func(*T)) []T {
	out := make([]T, len(xs))
	copy(out, xs)
	for i := range out {
		fix(&out[i])
	}
	return out
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
