package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/record"
	"joinedup/internal/waitlist"
	"joinedup/internal/waitlist/store"
)

var census = date.Of(2026, 11, 22)

// world is the tiny demo partnership at a fixed time.
type world struct {
	t *testing.T
	d *db.DB
}

func tinyDemo(t *testing.T, d *db.DB) world {
	t.Helper()
	if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: census}); err != nil {
		t.Fatal(err)
	}
	old := db.Now
	t.Cleanup(func() { db.Now = old })
	db.Now = func() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) }
	return world{t, d}
}

func (w world) one(q string, args ...any) string {
	w.t.Helper()
	var s string
	if err := w.d.QueryRow(q, args...).Scan(&s); err != nil {
		w.t.Fatalf("%s: %v", q, err)
	}
	return s
}

func (w world) persona(name string) access.Actor {
	w.t.Helper()
	for _, p := range demo.Personas() {
		if p.Name == name {
			a, err := access.LoadActor(context.Background(), w.d, w.one("SELECT id FROM people WHERE email = $1", p.Email))
			if err != nil {
				w.t.Fatal(err)
			}
			a.RequestID = "test-" + strings.Fields(name)[0]
			return a
		}
	}
	w.t.Fatalf("no persona %s", name)
	return access.Actor{}
}

func (w world) salt() string {
	return w.one("SELECT p.id FROM waitlist_pathways p JOIN organisations o ON o.id = p.team_id WHERE p.service = 'salt' AND o.name LIKE 'Children''s Speech%'")
}

// A team's waiting list: only children the reader may see (filtered in SQL),
// measured by the engine, longest wait first, one audit row per view.
func TestListIsFilteredMeasuredAndAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := tinyDemo(t, d)
		tom, amira, marcus := w.persona("Tom Nguyen"), w.persona("Amira Hussain"), w.persona("Marcus Reid")
		salt := w.salt()

		ps, err := store.Pathways(ctx, d)
		if err != nil || len(ps) != 7 {
			t.Fatalf("pathways: %d, %v", len(ps), err)
		}

		before := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events")
		p, list, total, err := store.List(ctx, d, tom, salt, census, store.Filter{}, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if p.Regime != waitlist.CHS || p.Service != "salt" || total != len(list) || total == 0 {
			t.Fatalf("Tom's list: %+v, %d of %d", p, len(list), total)
		}
		var leo *store.Entry
		for i, e := range list {
			if e.Wait.Status != waitlist.Waiting {
				t.Errorf("%s is %s on the waiting list", e.Name, e.Wait.Status)
			}
			if i > 0 && list[i-1].Wait.DaysWaited < e.Wait.DaysWaited {
				t.Errorf("not longest first: %d then %d days", list[i-1].Wait.DaysWaited, e.Wait.DaysWaited)
			}
			if e.Name == "Leo Bennett" {
				leo = &list[i]
			}
		}
		// Leo was referred 280 days ago: band 40, over 18 and 36 weeks (> 252 days), not 52.
		if leo == nil || leo.Wait.DaysWaited != 280 || leo.Wait.WeeksBand != 40 || !slices.Equal(leo.Wait.Breaches, []string{"18", "36"}) {
			t.Fatalf("Leo on the SALT list: %+v", leo)
		}
		var action, reason, req string
		if err := d.QueryRow("SELECT action, reason, request_id FROM audit_events ORDER BY seq DESC LIMIT 1").Scan(&action, &reason, &req); err != nil ||
			action != "waitlist.view" || !strings.Contains(reason, "Speech and language therapy") || req != "test-Tom" {
			t.Errorf("audit row: %s %q %s, %v", action, reason, req, err)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events"); n != before+1 {
			t.Errorf("one list view wrote %d audit rows", n-before)
		}

		// Every referral on Tom's team's list, in whichever status, and nothing else.
		seen := 0
		for _, s := range []waitlist.Status{waitlist.Waiting, waitlist.Stopped, waitlist.Nullified} {
			_, l, _, err := store.List(ctx, d, tom, salt, census, store.Filter{Status: s}, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range l {
				if e.Wait.Status != s {
					t.Errorf("asked for %s, got %s", s, e.Wait.Status)
				}
			}
			seen += len(l)
		}
		if all := dbtest.Count(t, d, "SELECT COUNT(*) FROM waitlist_referrals WHERE pathway_id = $1", salt); seen != all {
			t.Errorf("Tom's team sees %d of its %d referrals", seen, all)
		}

		// A coordinator (own scope) sees only her own children on it: Leo is one.
		_, mine, _, err := store.List(ctx, d, amira, salt, census, store.Filter{}, 1000)
		if err != nil || len(mine) == 0 || len(mine) >= len(list) {
			t.Fatalf("Amira's view of the SALT list: %d of %d, %v", len(mine), len(list), err)
		}
		for _, e := range mine {
			if dbtest.Count(t, d, "SELECT COUNT(*) FROM care_team WHERE child_id = $1 AND person_id = $2", e.ChildID, amira.PersonID) == 0 {
				t.Errorf("Amira sees %s, who is not hers", e.Name)
			}
		}

		// No case view, no list; an unknown list looks missing.
		if _, _, _, err := store.List(ctx, d, marcus, salt, census, store.Filter{}, 10); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("Local Offer editor: %v, want Forbidden", err)
		}
		if _, _, _, err := store.List(ctx, d, tom, "no-such-list", census, store.Filter{}, 10); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("unknown list: %v, want NotFound", err)
		}
	})
}

func TestListFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := tinyDemo(t, d)
		tom := w.persona("Tom Nguyen")
		autism := w.one("SELECT id FROM waitlist_pathways WHERE service = 'autism'")
		// The autism pathway's lead sees it through the neurodevelopmental team: use a partnership-wide reader instead.
		dco := w.persona("Grace Whitfield") // organisation scope at the ICB: sees none of the provider's children
		if _, l, _, err := store.List(ctx, d, dco, autism, census, store.Filter{}, 100); err != nil || len(l) != 0 {
			t.Errorf("the DCO sees %d children on a provider's list, %v", len(l), err)
		}
		salt := w.salt()
		_, all, _, err := store.List(ctx, d, tom, salt, census, store.Filter{}, 1000)
		if err != nil {
			t.Fatal(err)
		}
		_, over36, total, err := store.List(ctx, d, tom, salt, census, store.Filter{Breach: "36"}, 2)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, e := range all {
			if e.Wait.DaysWaited > 252 {
				want++
			}
		}
		if total != want || len(over36) != min(2, want) {
			t.Errorf("over 36 weeks: %d (showing %d), want %d", total, len(over36), want)
		}
		_, routine, _, err := store.List(ctx, d, tom, salt, census, store.Filter{Priority: "routine"}, 1000)
		if err != nil || len(routine) == 0 {
			t.Fatalf("routine: %d, %v", len(routine), err)
		}
		for _, e := range routine {
			if e.Priority != "routine" {
				t.Errorf("%s is %s", e.Name, e.Priority)
			}
		}
		for _, f := range []struct {
			f    store.Filter
			says string
		}{
			{store.Filter{Breach: "26"}, `breach: "26" is not allowed`},
			{store.Filter{Priority: "whenever"}, `priority: "whenever" is not allowed`},
			{store.Filter{Status: "lost"}, `status: "lost" is not allowed`},
		} {
			if _, _, _, err := store.List(ctx, d, tom, salt, census, f.f, 10); apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(err.Error(), f.says) {
				t.Errorf("%+v: %v, want %q", f.f, err, f.says)
			}
		}
	})
}

// One child's history: read through the access check, audited with its reason;
// hidden and missing look the same and a refused read is not audited.
func TestHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := tinyDemo(t, d)
		tom, marcus := w.persona("Tom Nguyen"), w.persona("Marcus Reid")
		leo := w.one(`SELECT r.id FROM waitlist_referrals r JOIN children c ON c.id = r.child_id JOIN waitlist_pathways p ON p.id = r.pathway_id
			WHERE c.given_name = 'Leo' AND c.family_name = 'Bennett' AND p.service = 'salt'`)
		before := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events")
		h, err := store.History(ctx, d, tom, leo, census)
		if err != nil {
			t.Fatal(err)
		}
		if h.Name != "Leo Bennett" || h.Pathway.Service != "salt" || h.Source != "school" || len(h.Events) != 1 ||
			h.Events[0].Kind != waitlist.AppointmentAttended || h.Wait.DaysWaited != 280 || h.Access == "" {
			t.Errorf("Leo's SALT history: %+v", h)
		}
		var action, reason, child string
		if err := d.QueryRow("SELECT action, reason, child_id FROM audit_events ORDER BY seq DESC LIMIT 1").Scan(&action, &reason, &child); err != nil ||
			action != "waitlist.referral.view" || reason != h.Access || child != h.ChildID {
			t.Errorf("audit row: %s %q %s, %v", action, reason, child, err)
		}
		for _, id := range []string{leo, "00000000-0000-4000-8000-000000000000"} {
			if _, err := store.History(ctx, d, marcus, id, census); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("Local Offer editor reading %s: %v, want NotFound", id, err)
			}
		}
		if _, err := store.History(ctx, d, tom, "00000000-0000-4000-8000-000000000000", census); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("a missing referral: %v, want NotFound", err)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events"); n != before+1 {
			t.Errorf("refused reads wrote audit rows: %d", n-before-1)
		}
	})
}

// A referral the engine refuses is not loaded, nor any of its events; a second
// referral of the same child to the same pathway is refused by the database.
func TestLoadReferralRefuses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := tinyDemo(t, d)
		salt := w.salt()
		leo := w.one("SELECT id FROM children WHERE given_name = 'Leo' AND family_name = 'Bennett'")
		other := w.one("SELECT c.id FROM children c WHERE NOT EXISTS (SELECT 1 FROM waitlist_referrals r WHERE r.child_id = c.id) ORDER BY c.id LIMIT 1")
		ok := store.Referral{ID: "00000000-0000-4000-8000-00000000000a", PathwayID: salt, ChildID: other, Source: "gp",
			Received: date.Of(2026, 5, 1), Priority: "soon", PriorityReason: "struggling to attend school"}
		cases := []struct {
			name string
			edit func(*store.Referral)
			says string
		}{
			{"an event before the referral", func(r *store.Referral) {
				r.Events = []waitlist.Event{{Kind: waitlist.AppointmentAttended, Date: date.Of(2026, 4, 30)}}
			}, "events[1].date: 2026-04-30 is before the referral was received (2026-05-01)"},
			{"a stop without a reason", func(r *store.Referral) {
				r.Events = []waitlist.Event{{Kind: waitlist.ClockStop, Date: date.Of(2026, 6, 1)}}
			}, "events[1].reason: missing"},
			{"a referral after the census", func(r *store.Referral) { r.Received = date.Of(2026, 12, 1) }, "after the census date"},
			{"an unknown priority", func(r *store.Referral) { r.Priority = "asap" }, `priority: "asap" is not allowed`},
			{"no reason for the priority", func(r *store.Referral) { r.PriorityReason = " " }, "priority_reason: missing"},
			{"an unknown source", func(r *store.Referral) { r.Source = "website" }, `source: "website" is not allowed`},
			{"a second referral_received", func(r *store.Referral) {
				r.Events = []waitlist.Event{{Kind: waitlist.ReferralReceived, Date: date.Of(2026, 6, 1)}}
			}, "events[0].type: the referral is received once"},
		}
		count := func() int {
			return dbtest.Count(t, d, "SELECT COUNT(*) FROM waitlist_referrals") + dbtest.Count(t, d, "SELECT COUNT(*) FROM waitlist_events")
		}
		before := count()
		for _, c := range cases {
			r := ok
			c.edit(&r)
			err := d.Load(ctx, func(ld *db.Loader) error { return store.LoadReferral(ld, r, waitlist.CHS, census, "test", db.Now()) })
			if err == nil || !strings.Contains(err.Error(), c.says) {
				t.Errorf("%s: %v, want %q", c.name, err, c.says)
			}
		}
		if n := count(); n != before {
			t.Errorf("refused referrals left %d rows", n-before)
		}
		dup := ok
		dup.ID, dup.ChildID = "00000000-0000-4000-8000-00000000000b", leo
		if err := d.Load(ctx, func(ld *db.Loader) error { return store.LoadReferral(ld, dup, waitlist.CHS, census, "test", db.Now()) }); err == nil {
			t.Error("a second SALT referral for Leo was loaded")
		}
		if err := d.Load(ctx, func(ld *db.Loader) error { return store.LoadReferral(ld, ok, waitlist.CHS, census, "test", db.Now()) }); err != nil {
			t.Errorf("a good referral: %v", err)
		}
	})
}

// Recording what happened: through the access check (waitlist.manage within an
// accepted referral), the whole history through the engine, audited with the
// change; a refused or invalid event leaves nothing behind.
func TestAddEvent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := tinyDemo(t, d)
		tom, amira, marcus := w.persona("Tom Nguyen"), w.persona("Amira Hussain"), w.persona("Marcus Reid")
		leo := w.one(`SELECT r.id FROM waitlist_referrals r JOIN children c ON c.id = r.child_id JOIN waitlist_pathways p ON p.id = r.pathway_id
			WHERE c.given_name = 'Leo' AND c.family_name = 'Bennett' AND p.service = 'salt'`)
		rows := func() int {
			return dbtest.Count(t, d, "SELECT COUNT(*) FROM waitlist_events") + dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events")
		}
		before := rows()
		refused := []struct {
			name  string
			actor access.Actor
			id    string
			e     waitlist.Event
			code  apperr.Code
			says  string
		}{
			{"a coordinator who may see Leo but keeps no list", amira, leo, waitlist.Event{Kind: waitlist.AppointmentAttended, Date: census}, apperr.Forbidden, "waitlist.manage"},
			{"someone who may not see Leo", marcus, leo, waitlist.Event{Kind: waitlist.AppointmentAttended, Date: census}, apperr.NotFound, ""},
			{"a referral that does not exist", tom, "00000000-0000-4000-8000-000000000000", waitlist.Event{Kind: waitlist.AppointmentAttended, Date: census}, apperr.NotFound, ""},
			{"after today", tom, leo, waitlist.Event{Kind: waitlist.AppointmentAttended, Date: census.AddDays(1)}, apperr.Invalid, "date: 2026-11-23 is after today"},
			{"before the referral (280 days ago)", tom, leo, waitlist.Event{Kind: waitlist.AppointmentAttended, Date: census.AddDays(-281)}, apperr.Invalid, "date: 2026-02-14 is before the referral was received (2026-02-15)"},
			{"a stop without a reason", tom, leo, waitlist.Event{Kind: waitlist.ClockStop, Date: census}, apperr.Invalid, "reason: missing"},
			{"a transfer to nowhere", tom, leo, waitlist.Event{Kind: waitlist.Transfer, Date: census, Transfer: waitlist.Commissioned}, apperr.Invalid, "provider: missing"},
			{"a second referral", tom, leo, waitlist.Event{Kind: waitlist.ReferralReceived, Date: census}, apperr.Invalid, "type: the referral is received once"},
		}
		for _, c := range refused {
			_, err := store.AddEvent(ctx, d, c.actor, c.id, c.e, census)
			if apperr.CodeOf(err) != c.code || !strings.Contains(err.Error(), c.says) {
				t.Errorf("%s: %v, want %s saying %q", c.name, err, c.code, c.says)
			}
		}
		if n := rows(); n != before {
			t.Errorf("refused events left %d rows", n-before)
		}

		// Leo is assessed and treated: the clock stops at 280 days (over 36 weeks, > 252).
		wt, err := store.AddEvent(ctx, d, tom, leo, waitlist.Event{Kind: waitlist.ClockStop, Date: census, Reason: waitlist.Treatment}, census)
		if err != nil {
			t.Fatal(err)
		}
		if wt.Status != waitlist.Stopped || wt.DaysWaited != 280 || !slices.Equal(wt.Breaches, []string{"18", "36"}) {
			t.Errorf("after the stop: %+v", wt)
		}
		var action, change, reason string
		if err := d.QueryRow("SELECT action, changes, reason FROM audit_events ORDER BY seq DESC LIMIT 1").Scan(&action, &change, &reason); err != nil ||
			action != "waitlist.event.add" || !strings.Contains(change, "clock_stop 2026-11-22, treatment") || !strings.Contains(reason, "referral") {
			t.Errorf("audit row: %s %s %q, %v", action, change, reason, err)
		}
		h, err := store.History(ctx, d, tom, leo, census)
		if err != nil || len(h.Events) != 2 || h.Events[1].Reason != waitlist.Treatment || h.Wait.Status != waitlist.Stopped {
			t.Errorf("Leo's history after the stop: %+v, %v", h, err)
		}
	})
}

// The family's access log says in words who looked at the referral.
func TestHistoryInTheFamilysAccessLog(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	w := tinyDemo(t, d)
	tom, sarah := w.persona("Tom Nguyen"), w.persona("Sarah Bennett")
	leo := w.one("SELECT id FROM children WHERE given_name = 'Leo' AND family_name = 'Bennett'")
	ref := w.one("SELECT r.id FROM waitlist_referrals r JOIN waitlist_pathways p ON p.id = r.pathway_id WHERE r.child_id = $1 AND p.service = 'salt'", leo)
	if _, err := store.History(ctx, d, tom, ref, census); err != nil {
		t.Fatal(err)
	}
	looks, err := record.AccessLog(ctx, d, sarah, leo, false, 5)
	if err != nil || len(looks) == 0 || looks[0].What != "Looked at the child's referral to a health waiting list" {
		t.Errorf("Leo's access log: %+v, %v", looks, err)
	}
}
