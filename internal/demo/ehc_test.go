package demo_test

import (
	"database/sql"
	"strings"
	"testing"

	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/ehc"
)

// The demo's EHC histories: one case for every child with a plan, each a
// history a coordinator's form would accept, and between them every status
// the clock gives (on time, late, excused by an exception, overdue, still to
// come), refusals, amendments and phase transfers, so dashboards have
// something true to show.
func TestEHCHistories(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		sum := generate(t, d, demo.Tiny, 1)
		if sum.EHCCases < sum.EHCPlans || sum.EHCEvents < 5*sum.EHCCases {
			t.Errorf("%d cases with %d events for %d plans", sum.EHCCases, sum.EHCEvents, sum.EHCPlans)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM children c WHERE c.sen_provision = 'ehc_plan'
			AND NOT EXISTS (SELECT 1 FROM ehc_cases k WHERE k.child_id = c.id AND k.stage = 'plan')`); n != 0 {
			t.Errorf("%d children with a plan have no case with a plan", n)
		}
		cases := map[string][]ehc.Event{}
		rows, err := d.Query("SELECT case_id, type, event_date, end_date, received_on, COALESCE(code, ''), COALESCE(contributor, '') FROM ehc_events ORDER BY case_id, seq")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, typ string
			var e ehc.Event
			var to, received sql.Null[date.Date]
			if err := rows.Scan(&id, &typ, &e.Date, &to, &received, &e.Code, &e.Contributor); err != nil {
				t.Fatal(err)
			}
			e.Type, _ = ehc.ParseType(typ)
			e.To, e.Received = to.V, received.V
			cases[id] = append(cases[id], e)
		}
		rows.Close()
		// The packed copy the caseload reads has every event of each case.
		packed, err := d.Query("SELECT id, clock FROM ehc_cases")
		if err != nil {
			t.Fatal(err)
		}
		for packed.Next() {
			var id, clock string
			packed.Scan(&id, &clock)
			if n := strings.Count(clock, "\x1e") + 1; n != len(cases[id]) {
				t.Errorf("case %s: %d packed events, %d rows", id, n, len(cases[id]))
			}
		}
		packed.Close()
		seen := map[string]int{}
		for id, evs := range cases {
			if err := casework.Check(evs); err != nil {
				t.Errorf("case %s: %v", id, err)
			}
			ds, err := ehc.Deadlines(evs, today)
			if err != nil {
				t.Fatal(err)
			}
			for _, dl := range ds {
				seen[string(dl.Status)]++
				seen[dl.Rule]++
			}
			for _, e := range evs {
				seen[e.Type.String()+":"+e.Code]++
			}
			seen[casework.StageOf(evs)]++
		}
		t.Logf("tiny demo: %d cases; %v", len(cases), seen)
		for _, want := range []string{"met", "missed", "excused", "overdue", "pending", "R2", "R3", "R5", "R6", "R10", "R13", "R14", "R16",
			"review_decision:amend", "review_decision:maintain", "phase_transfer:school", "phase_transfer:post16",
			"exception:personal_circumstances"} {
			if seen[want] == 0 {
				t.Errorf("no %s in the tiny demo's histories", want)
			}
		}
	})
}
