package cli_test

import (
	"database/sql"
	"strings"
	"time"

	"context"
	"joinedup/internal/cli"
	"joinedup/internal/notify"
	"joinedup/internal/notify/smtptest"
	"path/filepath"
	"sync"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/loadgen"
	"joinedup/internal/web/browsertest"
)

// startServe runs `joinedup serve` until the test ends and returns its base
// URL; a --db in args overrides the harness's SQLite file (the last flag wins).
func startServe(tb testing.TB, args ...string) string {
	tb.Helper()
	return browsertest.Start(tb, args...).URL
}

// Several instances started together on one empty PostgreSQL database all
// come up, and exactly one demo partnership is loaded.
func TestManyInstancesShareOnePostgres(t *testing.T) {
	dsn := dbtest.NewPostgresDatabase(t)
	const instances = 3
	urls := make([]string, instances)
	var wg sync.WaitGroup
	for i := range instances {
		wg.Go(func() {
			urls[i] = startServe(t, "--db", dsn, "--demo", "--demo-scale", "tiny", "--demo-today", "2026-11-22")
		})
	}
	wg.Wait()
	var pages []string
	for _, u := range urls {
		pages = append(pages, u+"/readyz", u+"/")
	}
	if r := loadgen.Run(context.Background(), pages, 4, 60); r.Failures != 0 {
		t.Fatalf("instances did not all answer: %v (%s)", r, r.FirstError)
	}
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM partnership"); n != 1 {
		t.Errorf("%d partnerships after %d instances started, want 1", n, instances)
	}
}

// BenchmarkLandingPages: the three front doors on county data, 32 concurrent
// clients on loopback (internal/loadgen). Target: p99 under 20 ms.
func BenchmarkLandingPages(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			dsn := filepath.Join(b.TempDir(), "county.db")
			if kind == "postgres" {
				dsn = dbtest.NewPostgresDatabase(b)
			}
			base := startServe(b, "--db", dsn, "--demo", "--demo-scale", "county", "--demo-today", "2026-11-22")
			pages := []string{base + "/", base + "/family", base + "/staff"}
			loadgen.Run(context.Background(), pages, 32, 2000) // warm up
			b.ResetTimer()
			var last loadgen.Result
			for range b.N {
				last = loadgen.Run(context.Background(), pages, 32, 20000)
			}
			b.StopTimer()
			if last.Failures > 0 {
				b.Fatalf("failures: %v (%s)", last, last.FirstError)
			}
			b.ReportMetric(float64(last.P99.Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(last.P50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(last.PerSecond, "req/s")
			b.Logf("%s: %v", kind, last)
		})
	}
}

// serve runs the outbox worker: a message queued before it starts reaches
// the SMTP server it is given.
func TestServeSendsTheOutbox(t *testing.T) {
	smtp := smtptest.Start(t, smtptest.Options{})
	defer func(f string) { notify.Footer = f }(notify.Footer)
	path := filepath.Join(t.TempDir(), "j.db")
	d := dbtest.Open(t, path)
	err := d.Transact(context.Background(), func(tx *sql.Tx) error {
		_, err := notify.Enqueue(context.Background(), tx, notify.Message{To: "parent@example.invalid",
			Subject: "Leo's named contact has changed", WhatChanged: "Katie Webb is now your named contact for Leo's support.",
			WhatToDo: "You do not need to do anything.", Reference: "handover-test"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	startServe(t, "--db", path, "--smtp-addr", smtp.Addr, "--smtp-from", "send@example.invalid",
		"--contact", "Call the SEND team on 01905 000000.")
	deadline := time.Now().Add(20 * time.Second)
	for len(smtp.Messages()) == 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	msgs := smtp.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "parent@example.invalid" || !strings.Contains(string(msgs[0].Data), "Katie Webb is now your named contact") {
		t.Fatalf("sent %d messages: %+v", len(msgs), msgs)
	}
	// A message's footer is fixed when it is queued: --contact is for messages queued from now on.
	if notify.Footer != "Call the SEND team on 01905 000000." {
		t.Errorf("--contact did not set the footer: %q", notify.Footer)
	}
}

func TestServeRefusesTwoSenders(t *testing.T) {
	r := run(t, nil, "serve", "--smtp-addr", "127.0.0.1:25", "--smtp-from", "a@example.invalid", "--notify-api-key", "k", "--db", filepath.Join(t.TempDir(), "j.db"))
	oneLine(t, r, cli.ExitUsage, "choose one way to send email")
}
