package session_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/people"
	"joinedup/internal/session"
)

func TestSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
		defer func(old func() time.Time) { db.Now = old }(db.Now)
		db.Now = func() time.Time { return clock }
		s := &people.Store{DB: d}
		council, err := s.CreateOrganisation(ctx, people.Organisation{Kind: people.Council, Name: "Test Council"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.CreatePerson(ctx, people.Person{Kind: people.Staff, GivenName: "Amira", FamilyName: "Test", OrganisationID: council.ID})
		if err != nil {
			t.Fatal(err)
		}
		tm := session.StaffTimeouts
		start := func() string {
			secret, _, err := session.Create(ctx, d, p.ID, "demo", "Mozilla/5.0 \xff broken", tm)
			if err != nil {
				t.Fatal(err)
			}
			return secret
		}
		live := func(secret string) bool {
			_, err := session.Lookup(ctx, d, secret, tm)
			if err != nil && err != session.ErrNoSession {
				t.Fatal(err)
			}
			return err == nil
		}

		// Fixation: each sign-in gets a fresh secret; one chosen by an attacker is never accepted.
		a, b := start(), start()
		if a == b || len(a) != session.SecretLen {
			t.Fatalf("secrets %q and %q", a, b)
		}
		planted := strings.Repeat("A", session.SecretLen)
		if live(planted) {
			t.Error("a secret nobody was given is accepted")
		}
		var stored int
		d.QueryRow("SELECT COUNT(*) FROM sessions WHERE secret_hash = $1 OR secret_hash = $2", a, b).Scan(&stored)
		if stored != 0 {
			t.Error("the database holds a session secret in the clear")
		}

		// Malformed and oversized cookies are simply not sessions.
		for _, bad := range []string{"", "short", strings.Repeat("x", 5000), a + "x", strings.Repeat("!", session.SecretLen)} {
			if live(bad) {
				t.Errorf("cookie %.20q… accepted", bad)
			}
		}

		// Idle timeout: 29 minutes of use keep it alive; 30 idle minutes end it.
		for range 10 {
			clock = clock.Add(29 * time.Minute)
			if !live(a) {
				t.Fatalf("session ended while in use at %s", clock)
			}
		}
		if live(b) {
			t.Error("a session idle for 290 minutes is still live")
		}
		// Absolute timeout: 10 hours after sign-in, however busy.
		for clock.Before(time.Date(2026, 11, 22, 18, 59, 0, 0, time.UTC)) {
			clock = clock.Add(20 * time.Minute)
			live(a)
		}
		clock = time.Date(2026, 11, 22, 19, 0, 0, 0, time.UTC)
		if live(a) {
			t.Error("a session is live 10 hours after sign-in")
		}

		// Sign out everywhere ends them all.
		c, e := start(), start()
		list, err := session.Live(ctx, d, p.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("live sessions: %d, %v", len(list), err)
		}
		if n, err := session.EndAll(ctx, d, p.ID, "signed out everywhere"); err != nil || n != 2 {
			t.Fatalf("EndAll = %d, %v", n, err)
		}
		if live(c) || live(e) {
			t.Error("a session survived sign out everywhere")
		}

		// Disabling the account ends its sessions at once, and new ones are refused.
		f := start()
		if err := session.Disable(ctx, d, p.ID); err != nil {
			t.Fatal(err)
		}
		if live(f) {
			t.Error("a disabled account's session is live")
		}
		if live(start()) {
			t.Error("a disabled account can start a session")
		}
	})
}
