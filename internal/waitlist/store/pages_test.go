package store_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/waitlist"
	"joinedup/internal/waitlist/store"
)

// Paging the list: the pages, laid end to end, are the whole list longest first;
// a weeks band and a locality narrow it as they say; each page view is audited.
func TestPageBandAndLocality(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := tinyDemo(t, d)
		tom, salt := w.persona("Tom Nguyen"), w.salt()
		_, all, total, err := store.List(ctx, d, tom, salt, census, store.Filter{}, 100000)
		if err != nil || total < 3 {
			t.Fatalf("the whole list: %d, %v", total, err)
		}
		var paged []store.Entry
		for off := 0; off < total; off += 2 {
			_, page, n, err := store.Page(ctx, d, tom, salt, census, store.Filter{}, off, 2)
			if err != nil || n != total {
				t.Fatalf("page at %d: %d, %v", off, n, err)
			}
			paged = append(paged, page...)
		}
		if len(paged) != len(all) {
			t.Fatalf("%d paged, %d in all", len(paged), len(all))
		}
		for i := range all {
			if paged[i].ReferralID != all[i].ReferralID || paged[i].Name == "" {
				t.Fatalf("entry %d: %s paged, %s in the list", i, paged[i].Name, all[i].Name)
			}
		}
		if _, page, _, err := store.Page(ctx, d, tom, salt, census, store.Filter{}, total+10, 50); err != nil || len(page) != 0 {
			t.Errorf("past the end: %d, %v", len(page), err)
		}
		// Bands: "18-36" is bands 19 to 36, that is 127 to 252 days (issue 7: band = ceil(days/7)).
		_, band, _, err := store.Page(ctx, d, tom, salt, census, store.Filter{Band: "18-36"}, 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, e := range all {
			if e.Wait.DaysWaited > 126 && e.Wait.DaysWaited <= 252 {
				want++
			}
		}
		if len(band) != want || want == 0 {
			t.Errorf("band 18-36: %d, want %d", len(band), want)
		}
		for _, e := range band {
			if e.Wait.WeeksBand <= 18 || e.Wait.WeeksBand > 36 {
				t.Errorf("%s in band %d", e.Name, e.Wait.WeeksBand)
			}
		}
		// A locality is the outward code of the child's postcode.
		leo := w.one("SELECT id FROM children WHERE given_name = 'Leo' AND family_name = 'Bennett'")
		pc := w.one("SELECT postcode FROM children WHERE id = $1", leo)
		outward := strings.Fields(pc)[0]
		_, local, _, err := store.Page(ctx, d, tom, salt, census, store.Filter{Locality: strings.ToLower(outward)}, 0, 100000)
		if err != nil || len(local) == 0 {
			t.Fatalf("locality %s: %d, %v", outward, len(local), err)
		}
		for _, e := range local {
			if got := w.one("SELECT postcode FROM children WHERE id = $1", e.ChildID); !strings.HasPrefix(got, outward+" ") {
				t.Errorf("%s lives at %s, not in %s", e.Name, got, outward)
			}
		}
		for _, f := range []store.Filter{{Band: "3-4"}, {Locality: "not a postcode"}} {
			if _, _, _, err := store.Page(ctx, d, tom, salt, census, f, 0, 10); apperr.CodeOf(err) != apperr.Invalid {
				t.Errorf("%+v: %v, want Invalid", f, err)
			}
		}
	})
}

// A new referral: stored with a referral link for the team and audited; a
// second for the same child and list is refused naming the first; bad fields
// are named, and nothing is stored.
func TestRefer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := tinyDemo(t, d)
		tom, amira, salt := w.persona("Tom Nguyen"), w.persona("Amira Hussain"), w.salt()
		leo := w.one("SELECT id FROM children WHERE given_name = 'Leo' AND family_name = 'Bennett'")
		// A child on no waiting list whom Tom's team may see once the family consents to share.
		kid := w.one(`SELECT c.id FROM children c WHERE c.date_of_birth > $1 AND NOT EXISTS (SELECT 1 FROM waitlist_referrals r WHERE r.child_id = c.id)
			AND NOT EXISTS (SELECT 1 FROM care_team ct WHERE ct.child_id = c.id AND ct.organisation_id = $2) ORDER BY c.id LIMIT 1`, census.AddDays(-15*365), tom.TeamID)
		parent := w.one("SELECT person_id FROM family_links WHERE child_id = $1 ORDER BY person_id LIMIT 1", kid)
		err := d.Transact(ctx, func(tx *sql.Tx) error {
			_, err := access.RecordConsent(ctx, tx, access.Consent{ChildID: kid, GivenBy: parent, OrganisationID: tom.TeamID,
				Information: []string{"health"}, Purpose: "speech and language therapy", Evidence: "signed form", GivenAt: db.Now().Add(-time.Hour)}, amira.PersonID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		count := func() int { return dbtest.Count(t, d, "SELECT COUNT(*) FROM waitlist_referrals") }
		before := count()
		good := store.Referral{PathwayID: salt, ChildID: kid, Source: "school", Received: census.AddDays(-3), Priority: "soon", PriorityReason: "struggling to be understood in class"}
		for _, c := range []struct {
			name  string
			a     access.Actor
			r     store.Referral
			code  apperr.Code
			field string
		}{
			{"the same child and list again", tom, func() store.Referral { r := good; r.ChildID = leo; return r }(), apperr.Invalid, "pathway"},
			{"another team's list", tom, func() store.Referral {
				r := good
				r.PathwayID = w.one("SELECT id FROM waitlist_pathways WHERE service = 'autism'")
				return r
			}(), apperr.Invalid, "pathway"},
			{"received after today", tom, func() store.Referral { r := good; r.Received = census.AddDays(1); return r }(), apperr.Invalid, "received"},
			{"no date", tom, func() store.Referral { r := good; r.Received = date.Date{}; return r }(), apperr.Invalid, "received"},
			{"no source", tom, func() store.Referral { r := good; r.Source = ""; return r }(), apperr.Invalid, "source"},
			{"no reason for the priority", tom, func() store.Referral { r := good; r.PriorityReason = "  "; return r }(), apperr.Invalid, "priority_reason"},
			{"a coordinator keeps no waiting list", amira, good, apperr.Forbidden, ""},
		} {
			_, err := store.Refer(ctx, d, c.a, c.r, census)
			if apperr.CodeOf(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
				continue
			}
			var ae *apperr.Error
			if c.field != "" && (!errors.As(err, &ae) || !slices.ContainsFunc(ae.Fields, func(f apperr.Field) bool { return f.Name == c.field })) {
				t.Errorf("%s: %v does not name %s", c.name, err, c.field)
			}
			if c.name == "the same child and list again" && !strings.Contains(err.Error(), "already on the Speech and language therapy list") {
				t.Errorf("the duplicate's message: %v", err)
			}
		}
		if count() != before {
			t.Fatalf("refused referrals stored %d rows", count()-before)
		}
		r, err := store.Refer(ctx, d, tom, good, census)
		if err != nil {
			t.Fatal(err)
		}
		if count() != before+1 || dbtest.Count(t, d, "SELECT COUNT(*) FROM care_team WHERE child_id = $1 AND organisation_id = $2 AND reason = 'referral'", kid, tom.TeamID) != 1 {
			t.Errorf("the referral or its link is missing")
		}
		if dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events WHERE action = 'waitlist.referral.add' AND record_id = $1 AND child_id = $2", r.ID, kid) != 1 {
			t.Errorf("the referral is not audited")
		}
		// Now on the list, with the wait measured from the day received.
		_, refs, err := store.ChildReferrals(ctx, d, tom, kid, access.CaseView, census)
		if err != nil || len(refs) != 1 || refs[0].Wait.DaysWaited != 3 || refs[0].Wait.Status != waitlist.Waiting {
			t.Errorf("the child's referrals: %+v, %v", refs, err)
		}
		if _, err := store.Refer(ctx, d, tom, good, census); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("the same referral twice: %v", err)
		}
	})
}

// A bulk transfer is all or nothing: one referral the engine refuses (already
// transferred after the date asked) or out of reach, and no child moves.
func TestBulkTransfer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := tinyDemo(t, d)
		tom, salt := w.persona("Tom Nguyen"), w.salt()
		_, long, _, err := store.Page(ctx, d, tom, salt, census, store.Filter{Breach: "18"}, 0, 3)
		if err != nil || len(long) != 3 {
			t.Fatalf("long waiters: %d, %v", len(long), err)
		}
		ids := []string{long[0].ReferralID, long[1].ReferralID, long[2].ReferralID}
		events := func() int { return dbtest.Count(t, d, "SELECT COUNT(*) FROM waitlist_events WHERE type = 'transfer'") }
		before := events()
		autism := w.one(`SELECT r.id FROM waitlist_referrals r WHERE r.pathway_id = (SELECT id FROM waitlist_pathways WHERE service = 'autism')
			AND NOT EXISTS (SELECT 1 FROM care_team ct WHERE ct.child_id = r.child_id AND ct.organisation_id = $1) ORDER BY r.id LIMIT 1`, tom.TeamID)
		for _, c := range []struct {
			name  string
			ids   []string
			field string
		}{
			{"one out of reach", append(slices.Clone(ids), autism), "referrals["},
			{"one unknown", append(slices.Clone(ids), "no-such-referral"), "referrals["},
			{"none chosen", nil, "referrals"},
		} {
			_, err := store.BulkTransfer(ctx, d, tom, c.ids, "Brightpath Assessment Services Ltd", census.AddDays(-1), census)
			if apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(err.Error(), c.field) {
				t.Errorf("%s: %v", c.name, err)
			}
			if events() != before {
				t.Fatalf("%s: %d transfers stored", c.name, events()-before)
			}
		}
		if _, err := store.BulkTransfer(ctx, d, tom, ids, "", census.AddDays(1), census); apperr.CodeOf(err) != apperr.Invalid ||
			!strings.Contains(err.Error(), "provider") || !strings.Contains(err.Error(), "date") {
			t.Errorf("no provider, a future date: %v", err)
		}
		n, err := store.BulkTransfer(ctx, d, tom, append(ids, ids[0]), "Brightpath Assessment Services Ltd", census.AddDays(-1), census)
		if err != nil || n != 3 || events() != before+3 {
			t.Fatalf("transfer: %d, %v; %d stored", n, err, events()-before)
		}
		// The clock goes on (a commissioned transfer), and the list says where each child went.
		_, after, _, err := store.Page(ctx, d, tom, salt, census, store.Filter{Breach: "18"}, 0, 3)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range after {
			if e.ReferralID != long[i].ReferralID || e.Wait.DaysWaited != long[i].Wait.DaysWaited || e.Wait.Provider != "Brightpath Assessment Services Ltd" {
				t.Errorf("after the transfer: %s waited %d at %q", e.Name, e.Wait.DaysWaited, e.Wait.Provider)
			}
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events WHERE action = 'waitlist.event.add' AND actor_id = $1", tom.PersonID); n != 3 {
			t.Errorf("%d audit rows for 3 transfers", n)
		}
	})
}

// Validation finds a duplicate record, a child living outside the area, and
// one seen after a transfer whose clock still runs, and names nobody else.
func TestChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := tinyDemo(t, d)
		tom, salt := w.persona("Tom Nguyen"), w.salt()
		_, list, _, err := store.Page(ctx, d, tom, salt, census, store.Filter{}, 0, 4)
		if err != nil || len(list) != 4 {
			t.Fatalf("%d, %v", len(list), err)
		}
		a, b, moved, seen := list[0], list[1], list[2], list[3]
		mustExec(t, d, `UPDATE children SET given_name = (SELECT given_name FROM children WHERE id = $1), family_name = (SELECT family_name FROM children WHERE id = $1),
			date_of_birth = (SELECT date_of_birth FROM children WHERE id = $1) WHERE id = $2`, a.ChildID, b.ChildID)
		mustExec(t, d, "UPDATE children SET postcode = 'ZZ99 9ZZ' WHERE id = $1", moved.ChildID)
		if _, err := store.BulkTransfer(ctx, d, tom, []string{seen.ReferralID}, "Brightpath Assessment Services Ltd", census.AddDays(-10), census); err != nil {
			t.Fatal(err)
		}
		if _, err := store.AddEvent(ctx, d, tom, seen.ReferralID, waitlist.Event{Kind: waitlist.AppointmentAttended, Date: census.AddDays(-2)}, census); err != nil {
			t.Fatal(err)
		}
		_, problems, err := store.Checks(ctx, d, tom, salt, census)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, p := range problems {
			got[p.Kind] = append(got[p.Kind], p.ReferralID)
		}
		slices.Sort(got["duplicate"])
		wantDup := []string{a.ReferralID, b.ReferralID}
		slices.Sort(wantDup)
		if !slices.Equal(got["duplicate"], wantDup) {
			t.Errorf("duplicates: %v, want %v", got["duplicate"], wantDup)
		}
		if !slices.Equal(got["moved_away"], []string{moved.ReferralID}) {
			t.Errorf("moved away: %v, want %s", got["moved_away"], moved.ReferralID)
		}
		if !slices.Contains(got["seen_elsewhere"], seen.ReferralID) {
			t.Errorf("seen elsewhere: %v, want %s among them", got["seen_elsewhere"], seen.ReferralID)
		}
	})
}

// The typical wait is the median of the total waits of the referrals whose clock
// stopped (assessed or treated) in the year before census, checked by hand here.
func TestTypicalWait(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := tinyDemo(t, d)
		salt := w.salt()
		rows, err := d.Query(`SELECT r.received_on, e.happened_on FROM waitlist_referrals r JOIN waitlist_events e ON e.referral_id = r.id
			WHERE r.pathway_id = $1 AND e.type = 'clock_stop' AND e.reason IN ('treatment', 'assessment_complete') AND e.happened_on > $2 AND e.happened_on <= $3`,
			salt, census.AddDays(-365), census)
		if err != nil {
			t.Fatal(err)
		}
		var days []int
		for rows.Next() {
			var received, stop date.Date
			if err := rows.Scan(&received, &stop); err != nil {
				t.Fatal(err)
			}
			days = append(days, stop.DaysSince(received))
		}
		rows.Close()
		median, n, err := store.TypicalWait(ctx, d, salt, census)
		if err != nil {
			t.Fatal(err)
		}
		// SALT has no DNAs that nullify (chs) nor Right to Choose: the total wait is stop − received.
		slices.Sort(days)
		if n != len(days) || n == 0 {
			t.Fatalf("%d completions, want %d", n, len(days))
		}
		want := days[n/2]
		if n%2 == 0 {
			want = (days[n/2-1] + days[n/2]) / 2
		}
		if median != want {
			t.Errorf("median %d days, want %d", median, want)
		}
	})
}

// A family's message lands on the referral, audited; an empty or unknown one is refused.
func TestTellTeam(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := tinyDemo(t, d)
		sarah, tom := w.persona("Sarah Bennett"), w.persona("Tom Nguyen")
		leo := w.one("SELECT id FROM children WHERE given_name = 'Leo' AND family_name = 'Bennett'")
		ref := w.one("SELECT id FROM waitlist_referrals WHERE child_id = $1 AND pathway_id = $2", leo, w.salt())
		for _, c := range []struct{ name, ref, body, field string }{
			{"empty", ref, "  ", "body"},
			{"another list", "no-such-referral", "He has stopped talking at school.", "referral"},
			{"too long", ref, strings.Repeat("a", store.MaxMessage+1), "body"},
		} {
			if err := store.TellTeam(ctx, d, sarah, leo, c.ref, c.body); apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(err.Error(), c.field) {
				t.Errorf("%s: %v", c.name, err)
			}
		}
		if err := store.TellTeam(ctx, d, tom, leo, ref, "staff are not the family"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("staff sending as the family: %v", err)
		}
		if err := store.TellTeam(ctx, d, sarah, leo, ref, "He has stopped talking at school."); err != nil {
			t.Fatal(err)
		}
		_, refs, err := store.ChildReferrals(ctx, d, tom, leo, access.CaseView, census)
		if err != nil || len(refs) != 1 || len(refs[0].Messages) != 1 || refs[0].Messages[0].Body != "He has stopped talking at school." || refs[0].Messages[0].SentBy != "Sarah Bennett" {
			t.Fatalf("the team's view: %+v, %v", refs, err)
		}
		if dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events WHERE action = 'waitlist.message.add' AND actor_id = $1 AND child_id = $2", sarah.PersonID, leo) != 1 {
			t.Error("the message is not audited")
		}
	})
}

func mustExec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// The list's index (wait_status, clock_start) follows each event in its
// transaction, and a row without it (from before migration 00018) makes the
// page measure the whole list, with the same answer.
func TestPageIndexFollowsEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := tinyDemo(t, d)
		tom, salt := w.persona("Tom Nguyen"), w.salt()
		_, first, total, err := store.Page(ctx, d, tom, salt, census, store.Filter{}, 0, 5)
		if err != nil || len(first) != 5 {
			t.Fatalf("%d, %v", len(first), err)
		}
		if _, err := store.AddEvent(ctx, d, tom, first[0].ReferralID, waitlist.Event{Kind: waitlist.ClockStop, Date: census, Reason: waitlist.Treatment}, census); err != nil {
			t.Fatal(err)
		}
		if got := w.one("SELECT wait_status FROM waitlist_referrals WHERE id = $1", first[0].ReferralID); got != "stopped" {
			t.Errorf("after the stop the index says %s", got)
		}
		_, after, n, err := store.Page(ctx, d, tom, salt, census, store.Filter{}, 0, 4)
		if err != nil || n != total-1 {
			t.Fatalf("after the stop: %d waiting, want %d (%v)", n, total-1, err)
		}
		for i, e := range after {
			if e.ReferralID != first[i+1].ReferralID {
				t.Errorf("row %d: %s, want %s", i, e.Name, first[i+1].Name)
			}
		}
		mustExec(t, d, "UPDATE waitlist_referrals SET wait_status = NULL, clock_start = NULL WHERE id = $1", first[1].ReferralID)
		_, slow, m, err := store.Page(ctx, d, tom, salt, census, store.Filter{Breach: "18"}, 0, 4)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, d, "UPDATE waitlist_referrals SET wait_status = 'waiting', clock_start = received_on WHERE id = $1", first[1].ReferralID)
		_, fast, m2, err := store.Page(ctx, d, tom, salt, census, store.Filter{Breach: "18"}, 0, 4)
		if err != nil || m != m2 || len(slow) != len(fast) {
			t.Fatalf("measured %d, indexed %d (%v)", m, m2, err)
		}
		for i := range slow {
			if slow[i].ReferralID != fast[i].ReferralID || slow[i].Wait.DaysWaited != fast[i].Wait.DaysWaited {
				t.Errorf("row %d: measured %s, indexed %s", i, slow[i].Name, fast[i].Name)
			}
		}
	})
}
