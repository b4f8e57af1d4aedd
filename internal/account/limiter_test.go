package account_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"joinedup/internal/account"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
)

// Two instances (two separate handles on one database) share one limit.
func TestLimiter(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "shared.db")
			if kind == "postgres" {
				dsn = dbtest.NewPostgresDatabase(t)
			}
			a, b := dbtest.Open(t, dsn), dbtest.Open(t, dsn)
			ctx := context.Background()
			clock := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
			defer func(old func() time.Time) { db.Now = old }(db.Now)
			db.Now = func() time.Time { return clock }
			la, lb := &account.Limiter{DB: a}, &account.Limiter{DB: b}
			allow := func(l *account.Limiter, key string) (bool, time.Duration) {
				t.Helper()
				ok, retry, err := l.Allow(ctx, key)
				if err != nil {
					t.Fatal(err)
				}
				return ok, retry
			}

			// 20 attempts, 10 seconds apart, alternating between the two instances.
			start := clock
			for i := range 20 {
				l := la
				if i%2 == 1 {
					l = lb
				}
				if ok, _ := allow(l, "203.0.113.7"); !ok {
					t.Fatalf("attempt %d refused", i+1)
				}
				clock = clock.Add(10 * time.Second)
			}
			// The 21st is refused on either, until the first leaves the 10-minute window.
			for _, l := range []*account.Limiter{la, lb} {
				ok, retry := allow(l, "203.0.113.7")
				if want := start.Add(10 * time.Minute).Sub(clock); ok || retry != want {
					t.Errorf("21st: allowed %v, retry after %s; want refused, retry after %s", ok, retry, want)
				}
			}
			// Another source is not held back.
			if ok, _ := allow(la, "198.51.100.1"); !ok {
				t.Error("another source refused")
			}
			// Nor is the same source in another scope.
			if ok, _ := allow(&account.Limiter{DB: a, Scope: "reset"}, "203.0.113.7"); !ok {
				t.Error("the same source refused in another scope")
			}
			// Once the first attempt is 10 minutes old, one more is let in, then refused again.
			clock = start.Add(10 * time.Minute)
			if ok, _ := allow(lb, "203.0.113.7"); !ok {
				t.Error("refused after the first attempt left the window")
			}
			if ok, retry := allow(la, "203.0.113.7"); ok || retry != 10*time.Second {
				t.Errorf("the next: allowed %v, retry after %s; want refused for 10s", ok, retry)
			}
			// After a whole window without attempts, a full allowance again.
			clock = clock.Add(10 * time.Minute)
			for i := range 20 {
				if ok, _ := allow(la, "203.0.113.7"); !ok {
					t.Fatalf("after the window, attempt %d refused", i+1)
				}
			}
			// Keys are stored hashed.
			if n := dbtest.Count(t, a, "SELECT COUNT(*) FROM signin_attempts WHERE key_hash LIKE '%203.0.113.7%'"); n != 0 {
				t.Error("the key is stored in the clear")
			}
			// Prune leaves only what the window still needs.
			clock = clock.Add(10 * time.Minute)
			if err := la.Prune(ctx); err != nil {
				t.Fatal(err)
			}
			if n := dbtest.Count(t, a, "SELECT COUNT(*) FROM signin_attempts") + dbtest.Count(t, a, "SELECT COUNT(*) FROM signin_sources"); n != 0 {
				t.Errorf("%d rows left after pruning", n)
			}
		})
	}
}

// Many attempts at once from two instances let exactly the limit through.
func TestLimiterUnderConcurrency(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "shared.db")
			if kind == "postgres" {
				dsn = dbtest.NewPostgresDatabase(t)
			}
			a, b := dbtest.Open(t, dsn), dbtest.Open(t, dsn)
			ctx := context.Background()
			var mu sync.Mutex
			allowed := 0
			var wg sync.WaitGroup
			for i := range 60 {
				d := a
				if i%2 == 1 {
					d = b
				}
				wg.Go(func() {
					ok, _, err := (&account.Limiter{DB: d}).Allow(ctx, "192.0.2.50")
					if err != nil {
						t.Error(err)
						return
					}
					if ok {
						mu.Lock()
						allowed++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if allowed != account.DefaultLimit {
				t.Errorf("%d of 60 concurrent attempts allowed, want %d", allowed, account.DefaultLimit)
			}
		})
	}
}
