package casework_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"joinedup/internal/access"
	"joinedup/internal/casework"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
)

// TestCaseloadPagesFollowTheClock: pages cut in SQL on the stored next_due
// give, joined up, every case once, in the order of the next date the clock
// computes from each case's full history (casework.Get), nothing due last,
// with the same total on every page; each row's next deadline, open count
// and state, read from the stored open deadlines, are the clock's; for a
// coordinator, her team manager, and "due this week".
func TestCaseloadPagesFollowTheClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		ctx := context.Background()
		w := newWorld(t, dbx)
		for _, tc := range []struct {
			name string
			who  func() (string, casework.Filter)
		}{
			{"a coordinator's own cases", func() (string, casework.Filter) { return "amira", casework.Filter{} }},
			{"her manager's team view", func() (string, casework.Filter) { return "daniel", casework.Filter{Team: true} }},
			{"due this week", func() (string, casework.Filter) { return "amira", casework.Filter{DueThisWeek: true} }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				who, f := tc.who()
				a := w.amira
				if who == "daniel" {
					a = w.daniel
				}
				all, total, err := casework.Caseload(ctx, dbx, a, f, 10000)
				if err != nil {
					t.Fatal(err)
				}
				if total != len(all) || total < 3 {
					t.Fatalf("%d rows, total %d: too few to page", len(all), total)
				}
				var paged []casework.Row
				const size = 3
				for off := 0; off < total+size; off += size {
					f.Offset = off
					page, n, err := casework.Caseload(ctx, dbx, a, f, size)
					if err != nil {
						t.Fatal(err)
					}
					if n != total {
						t.Errorf("offset %d: total %d, want %d", off, n, total)
					}
					paged = append(paged, page...)
				}
				if !slices.EqualFunc(paged, all, func(x, y casework.Row) bool { return x.CaseID == y.CaseID }) {
					t.Errorf("pages of %d joined give %d rows, not the %d of one read", size, len(paged), len(all))
				}
				for i, r := range all {
					c, err := casework.Get(ctx, dbx, a, r.ChildID, access.CaseView)
					if err != nil {
						t.Fatal(err)
					}
					var due string
					o := c.Open()
					if len(o) > 0 {
						due = o[0].Due.String()
						n := r.Next
						if n.Rule != o[0].Rule || n.Duty != o[0].Duty || n.From != o[0].From || n.Status != o[0].Status {
							t.Errorf("%s: caseload says next %s %q from %s %s, the clock %s %q from %s %s", r.ChildName,
								n.Rule, n.Duty, n.From, n.Status, o[0].Rule, o[0].Duty, o[0].From, o[0].Status)
						}
					}
					if r.Next.Due.String() != due && !(due == "" && r.Next.Due.IsZero()) {
						t.Errorf("%s: caseload says next due %s, the clock over its events %s", r.ChildName, r.Next.Due, due)
					}
					if r.Open != len(o) || r.State != casework.StateOf(o, c.Today) {
						t.Errorf("%s: caseload says %d open, %v; the clock %d open, %v", r.ChildName, r.Open, r.State, len(o), casework.StateOf(o, c.Today))
					}
					if i > 0 {
						p := all[i-1]
						if p.Next.Due.IsZero() && !r.Next.Due.IsZero() || !p.Next.Due.IsZero() && !r.Next.Due.IsZero() && r.Next.Due.Before(p.Next.Due) {
							t.Errorf("row %d (%s, due %s) after row %d (due %s)", i, r.ChildName, r.Next.Due, i-1, p.Next.Due)
						}
					}
					if f.DueThisWeek && (r.Next.Due.IsZero() || r.Next.Due.After(d(2026, 11, 29))) {
						t.Errorf("due this week lists %s due %s", r.ChildName, r.Next.Due)
					}
				}
			})
		}
	})
}

// TestRefreshRecomputesTheNextDueDate: a stored next_due the clock would not
// give (a rulebook changed, a database from before it was kept) is put right
// at start-up, once per rulebook; a current one is left alone.
func TestRefreshRecomputesTheNextDueDate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		ctx := context.Background()
		newWorld(t, dbx)
		snapshot := func() string {
			rows, err := dbx.Query("SELECT id, COALESCE(CAST(next_due AS TEXT), '-') FROM ehc_cases ORDER BY id")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var b strings.Builder
			for rows.Next() {
				var id, due string
				if err := rows.Scan(&id, &due); err != nil {
					t.Fatal(err)
				}
				b.WriteString(id + "=" + due + "\n")
			}
			return b.String()
		}
		if n, err := casework.Refresh(ctx, dbx); err != nil || n != 0 {
			t.Fatalf("a freshly loaded demo: %d rows recomputed, %v", n, err)
		}
		want := snapshot()
		withDue := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM ehc_cases WHERE next_due IS NOT NULL")
		if withDue == 0 {
			t.Fatal("no case has anything due")
		}
		if _, err := dbx.Exec("UPDATE ehc_cases SET next_due = NULL"); err != nil {
			t.Fatal(err)
		}
		if n, err := casework.Refresh(ctx, dbx); err != nil || n != 0 {
			t.Errorf("the same rulebook: %d rows recomputed, %v (want none)", n, err)
		}
		if _, err := dbx.Exec("UPDATE derived_versions SET version = 'an older rulebook'"); err != nil {
			t.Fatal(err)
		}
		if n, err := casework.Refresh(ctx, dbx); err != nil || n != withDue {
			t.Errorf("another rulebook: %d rows recomputed, %v (want %d)", n, err, withDue)
		}
		if got := snapshot(); got != want {
			t.Error("the recomputed next_due differs from the one written with the events")
		}
	})
}
