package demo_test

import (
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/waitlist"
)

// checkWaitingLists holds the county's waiting lists to the backlog issue 7
// describes: ~3,500 referrals; neurodevelopmental waits past 104 weeks; therapy
// waits past 36; first-appointment DNAs (nullifying under rtt), commissioned
// transfers and Right to Choose referrals; every referral readable by its team.
func checkWaitingLists(t *testing.T, d *db.DB) {
	t.Helper()
	n := dbtest.Count(t, d, "SELECT COUNT(*) FROM waitlist_referrals")
	if n < 3300 || n > 3501 {
		t.Errorf("%d referrals, want about 3,500", n)
	}
	if k := dbtest.Count(t, d, `SELECT COUNT(*) FROM waitlist_referrals r JOIN waitlist_pathways p ON p.id = r.pathway_id
		WHERE NOT EXISTS (SELECT 1 FROM care_team ct WHERE ct.child_id = r.child_id AND ct.organisation_id = p.team_id AND ct.reason = 'referral')`); k != 0 {
		t.Errorf("%d referrals their team cannot read", k)
	}
	for _, q := range []struct {
		what, q string
		min     int
	}{
		{"first-appointment DNAs", "SELECT COUNT(*) FROM waitlist_events WHERE type = 'first_appointment_dna'", 100},
		{"commissioned transfers", "SELECT COUNT(*) FROM waitlist_events WHERE kind = 'commissioned'", 100},
		{"Right to Choose referrals", "SELECT COUNT(*) FROM waitlist_events WHERE kind = 'new_referral'", 30},
	} {
		if k := dbtest.Count(t, d, q.q); k < q.min {
			t.Errorf("%d %s, want at least %d", k, q.what, q.min)
		}
	}

	// Measure every referral with the engine, as the pages will.
	rows, err := d.Query(`SELECT r.id, p.service, p.regime, r.received_on, e.type, e.happened_on, e.rebooked_on, e.reason, e.kind, e.provider
		FROM waitlist_referrals r JOIN waitlist_pathways p ON p.id = r.pathway_id LEFT JOIN waitlist_events e ON e.referral_id = r.id
		ORDER BY r.id, e.seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type key struct {
		service string
		status  waitlist.Status
		breach  int
	}
	got := map[key]int{}
	var cur waitlist.Pathway
	var service string
	measure := func() {
		if cur.ID == "" {
			return
		}
		w, err := waitlist.Measure(&cur, today)
		if err != nil {
			t.Fatal(err)
		}
		got[key{service, w.Status, len(w.Breaches)}]++
	}
	for rows.Next() {
		var id, svc, regime string
		var received, on, rebooked date.Date
		var typ, reason, kind, provider *string
		if err := rows.Scan(&id, &svc, &regime, &received, &typ, &on, &rebooked, &reason, &kind, &provider); err != nil {
			t.Fatal(err)
		}
		if id != cur.ID {
			measure()
			r, _ := waitlist.ParseRegime(regime)
			cur = waitlist.Pathway{ID: id, Regime: r, Events: []waitlist.Event{{Kind: waitlist.ReferralReceived, Date: received}}}
			service = svc
		}
		if typ == nil {
			continue
		}
		e := waitlist.Event{Date: on, Rebooked: rebooked}
		e.Kind, _ = waitlist.ParseKind(*typ)
		if reason != nil {
			e.Reason, _ = waitlist.ParseReason(*reason)
		}
		if kind != nil {
			e.Transfer, _ = waitlist.ParseTransferKind(*kind)
			e.Provider = *provider
		}
		cur.Events = append(cur.Events, e)
	}
	measure()
	count := func(service string, status waitlist.Status, minBreaches int) int {
		n := 0
		for k, v := range got {
			if k.service == service && k.status == status && k.breach >= minBreaches {
				n += v
			}
		}
		return n
	}
	for _, c := range []struct {
		service  string
		breaches int // 4: over 104 weeks; 2: over 36
		min      int
	}{
		{"autism", 4, 100},
		{"adhd", 4, 30},
		{"salt", 2, 100},
	} {
		if n := count(c.service, waitlist.Waiting, c.breaches); n < c.min {
			t.Errorf("%s: %d waiting past the %d-th threshold, want at least %d", c.service, n, c.breaches, c.min)
		}
	}
	if n := count("adhd", waitlist.Nullified, 0) + count("paediatrics", waitlist.Nullified, 0); n == 0 {
		t.Error("no rtt pathway was nullified by a first-appointment DNA")
	}
	if n := count("autism", waitlist.Stopped, 0); n < 100 {
		t.Errorf("%d autism assessments completed in the last year", n)
	}
	t.Logf("waiting lists (service, status, breaches): %v", got)
}
