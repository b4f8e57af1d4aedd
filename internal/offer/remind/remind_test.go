package remind_test

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/offer/remind"
)

// KindOn's boundary days: the reminder is due from 14 days before the
// review-by date up to and on it, overdue from the day after.
func TestKindOn(t *testing.T) {
	by := date.Of(2026, 12, 6)
	for _, c := range []struct {
		today date.Date
		want  string
	}{
		{date.Of(2026, 11, 21), ""},            // 15 days before
		{date.Of(2026, 11, 22), remind.Due},    // 14 days before: the first day
		{date.Of(2026, 12, 5), remind.Due},     // the day before
		{date.Of(2026, 12, 6), remind.Due},     // the review-by day itself is not yet passed
		{date.Of(2026, 12, 7), remind.Overdue}, // the day after
		{date.Of(2027, 6, 1), remind.Overdue},  // long after
	} {
		if got := remind.KindOn(by, c.today); got != c.want {
			t.Errorf("review by %s, on %s: %q, want %q", by, c.today, got, c.want)
		}
	}
	// The review-by date is the day of the last confirmation in England plus
	// 3 months (edits.ReviewEvery), by calendar.
	for checked, want := range map[time.Time]date.Date{
		time.Date(2026, 8, 22, 22, 59, 0, 0, time.UTC):  date.Of(2026, 11, 22), // 23:59 on 22 August in British Summer Time
		time.Date(2026, 8, 22, 23, 30, 0, 0, time.UTC):  date.Of(2026, 11, 23), // 00:30 on 23 August in British Summer Time
		time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC): date.Of(2027, 3, 2),   // GMT: still 30 November; 30 February is 2 March
	} {
		if got := remind.ReviewByDate(checked); got != want {
			t.Errorf("checked %s: review by %s, want %s", checked, got, want)
		}
	}
}

// A run on both databases: which services are reminded on which day, who
// is told, and that running again, or confirming, sends nothing new.
func TestRun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		today := date.Of(2026, 11, 22)
		if _, err := demo.Generate(ctx, d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: today}); err != nil {
			t.Fatal(err)
		}
		one := func(q string, args ...any) string {
			t.Helper()
			var s string
			if err := d.QueryRow(q, args...).Scan(&s); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return s
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := d.Exec(q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		// Everything confirmed this morning: nothing is due, but what each case sets.
		exec("UPDATE offer_services SET last_checked = $1, status = 'active'", today.Time().Add(8*time.Hour))
		if _, err := d.Exec("DELETE FROM offer_review_reminders"); err != nil {
			t.Fatal(err)
		}
		linkedOrg := one("SELECT MIN(offer_organization_id) FROM offer_provider_members")
		members := dbtest.Count(t, d, `SELECT COUNT(DISTINCT p.id) FROM people p JOIN role_grants g ON g.person_id = p.id AND g.role = 'offer_provider'
			WHERE p.organisation_id IN (SELECT organisation_id FROM offer_provider_members WHERE offer_organization_id = $1)`, linkedOrg)
		if members == 0 {
			t.Fatal("the demo's linked provider has no staff with offer_provider")
		}
		services := func(where string, args ...any) []string {
			t.Helper()
			rows, err := d.Query("SELECT id FROM offer_services WHERE "+where+" ORDER BY id", args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var id string
				rows.Scan(&id)
				out = append(out, id)
			}
			return out
		}
		owned := services("organization_id = $1", linkedOrg)
		unowned := services(`organization_id NOT IN (SELECT offer_organization_id FROM offer_provider_members) AND email IS NOT NULL`)
		if len(owned) == 0 || len(unowned) < 7 {
			t.Fatalf("%d owned and %d unowned services with email in the demo", len(owned), len(unowned))
		}
		// checked sets a service's last confirmation so its review-by date is today+days.
		checked := func(id string, days int) {
			t.Helper()
			at := today.AddDays(days).Time().AddDate(0, -3, 0).Add(10 * time.Hour)
			if got := remind.ReviewByDate(at); got != today.AddDays(days) {
				t.Fatalf("review-by for %d days: %s", days, got)
			}
			exec("UPDATE offer_services SET last_checked = $2 WHERE id = $1", id, at)
		}
		cases := []struct {
			name, id string
			days     int    // review-by date from today
			status   string // "" for active
			want     string // the reminder's kind, "" for none
		}{
			{"15 days away", unowned[0], 15, "", ""},
			{"14 days away", unowned[1], 14, "", remind.Due},
			{"due today", unowned[2], 0, "", remind.Due},
			{"passed yesterday", unowned[3], -1, "", remind.Overdue},
			{"passed long ago, defunct", unowned[4], -40, "defunct", ""},
			{"passed, inactive", unowned[5], -2, "inactive", ""},
			{"passed, temporarily closed", unowned[6], -2, "temporarily closed", remind.Overdue},
			{"owned, 10 days away", owned[0], 10, "", remind.Due},
		}
		for _, c := range cases {
			checked(c.id, c.days)
			if c.status != "" {
				exec("UPDATE offer_services SET status = $2 WHERE id = $1", c.id, c.status)
			}
		}
		outbox := func() int {
			return dbtest.Count(t, d, "SELECT COUNT(*) FROM outbox WHERE reference LIKE 'offer-review:%'")
		}
		sent, err := remind.Run(ctx, d, remind.Options{Today: today, BaseURL: "https://send.example.org"})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]remind.Sent{}
		for _, s := range sent {
			got[s.ServiceID] = s
		}
		wantMessages := 0
		for _, c := range cases {
			s, ok := got[c.id]
			switch {
			case c.want == "" && ok:
				t.Errorf("%s: reminded (%s)", c.name, s.Kind)
			case c.want != "" && (!ok || s.Kind != c.want || s.ReviewBy != today.AddDays(c.days)):
				t.Errorf("%s: %+v, want a %s reminder", c.name, s, c.want)
			}
			if c.want != "" {
				wantMessages += s.Recipients
			}
		}
		if len(sent) != 5 {
			t.Errorf("%d reminders, want the 5 above: %+v", len(sent), sent)
		}
		if n := outbox(); n != wantMessages {
			t.Errorf("%d messages in the outbox, want %d", n, wantMessages)
		}
		// Who: the owned service's provider staff, each once; an unowned one its own email.
		if s := got[owned[0]]; s.Recipients != members {
			t.Errorf("the owned service told %d people, want its %d provider staff", s.Recipients, members)
		}
		email := one("SELECT email FROM offer_services WHERE id = $1", unowned[1])
		body := one("SELECT body FROM outbox WHERE recipient = $1 AND reference LIKE 'offer-review:%'", email)
		if !strings.Contains(body, "reply to this email") || !strings.Contains(body, today.AddDays(14).Time().Format("2 January 2006")) {
			t.Errorf("the unowned service's message: %s", body)
		}
		body = one("SELECT MIN(body) FROM outbox WHERE reference = $1", "offer-review:"+owned[0]+":"+today.AddDays(10).String()+":due")
		if !strings.Contains(body, "https://send.example.org/staff/offer/services/"+owned[0]) {
			t.Errorf("the provider's message has no link to the entry: %s", body)
		}

		// Again the same day: nothing new, however often.
		for range 2 {
			again, err := remind.Run(ctx, d, remind.Options{Today: today})
			if err != nil || len(again) != 0 {
				t.Errorf("a second run on the same day: %+v, %v", again, err)
			}
		}
		if n := outbox(); n != wantMessages {
			t.Errorf("%d messages after running again, want still %d", n, wantMessages)
		}
		// The next day the service due today has passed its date (overdue) and
		// the one 15 days away is 14 days away (due): each once.
		for i, want := range []map[string]string{{unowned[2]: remind.Overdue, unowned[0]: remind.Due}, {}} {
			next, err := remind.Run(ctx, d, remind.Options{Today: today.AddDays(1)})
			kinds := map[string]string{}
			for _, s := range next {
				kinds[s.ServiceID] = s.Kind
			}
			if err != nil || !maps.Equal(kinds, want) {
				t.Errorf("run %d on the next day: %v, %v; want %v", i+1, kinds, err, want)
			}
		}
		// A confirmed service starts a new cycle: nothing until two weeks before its next date.
		confirmed := today.AddDays(1).Time().Add(9 * time.Hour)
		exec("UPDATE offer_services SET last_checked = $2 WHERE id = $1", unowned[3], confirmed)
		next := remind.ReviewByDate(confirmed)
		for _, c := range []struct {
			day  date.Date
			want int
		}{{today.AddDays(1), 0}, {next.AddDays(-15), 0}, {next.AddDays(-14), 1}} {
			got, err := remind.Run(ctx, d, remind.Options{Today: c.day})
			n := 0
			for _, s := range got {
				if s.ServiceID == unowned[3] {
					n++
				}
			}
			if err != nil || n != c.want {
				t.Errorf("the confirmed service on %s: %d reminders (%v), want %d", c.day, n, err, c.want)
			}
		}
	})
}
