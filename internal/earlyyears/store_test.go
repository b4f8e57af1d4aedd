package earlyyears_test

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/earlyyears"
)

var d = date.Of

// Education Act 1996 s8(2): a child begins to be of compulsory school age on
// their fifth birthday if it is a prescribed day, otherwise on the next
// prescribed day after it; the prescribed days are 31 August, 31 December and
// 31 March (Education (Start of Compulsory School Age) Order 1998, SI 1998/1607).
func TestCompulsorySchoolAgeFollowsTheprescribedDays(t *testing.T) {
	for _, c := range []struct {
		why      string
		dob, csa date.Date
	}{
		{"fifth birthday on 31 August, a prescribed day", d(2021, 8, 31), d(2026, 8, 31)},
		{"fifth birthday the day after: the next prescribed day is 31 December", d(2021, 9, 1), d(2026, 12, 31)},
		{"fifth birthday on 31 December, a prescribed day", d(2021, 12, 31), d(2026, 12, 31)},
		{"fifth birthday on 1 January: 31 March", d(2022, 1, 1), d(2027, 3, 31)},
		{"fifth birthday on 31 March, a prescribed day", d(2022, 3, 31), d(2027, 3, 31)},
		{"fifth birthday on 1 April: 31 August", d(2022, 4, 1), d(2027, 8, 31)},
		{"summer born: 15 June to 31 August", d(2021, 6, 15), d(2026, 8, 31)},
		{"born on 29 February: the fifth birthday is in a common year, then 31 March", d(2020, 2, 29), d(2025, 3, 31)},
	} {
		if got := earlyyears.CompulsorySchoolAge(c.dob); got != c.csa {
			t.Errorf("%s: born %s, compulsory school age from %s, want %s", c.why, c.dob, got, c.csa)
		}
		if !earlyyears.UnderCompulsorySchoolAge(c.dob, c.csa.AddDays(-1)) || earlyyears.UnderCompulsorySchoolAge(c.dob, c.csa) {
			t.Errorf("%s: under compulsory school age must end on %s exactly", c.why, c.csa)
		}
	}
}

// world is the tiny demo at 22 November 2026 with Tom's speech and language
// therapy team (Severn Vale Community Health NHS Trust), a community
// paediatrician of another trust, Amira of the council's SEND team, the DCO.
type world struct {
	t                        *testing.T
	d                        *db.DB
	tom, paed, amira, dco    access.Actor
	salt, paeds              string
	used                     map[string]bool
	ctx                      context.Context
	one                      func(q string, args ...any) string
	councilEmail, tomTrustID string
}

var today = d(2026, 11, 22)

func newWorld(t *testing.T, dbx *db.DB) *world {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Generate(ctx, dbx, demo.Options{Scale: demo.Tiny, Seed: 1, Today: today}); err != nil {
		t.Fatal(err)
	}
	old := db.Now
	t.Cleanup(func() { db.Now = old })
	db.Now = func() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) }
	w := &world{t: t, d: dbx, ctx: ctx, used: map[string]bool{}}
	w.one = func(q string, args ...any) string {
		t.Helper()
		var s string
		if err := dbx.QueryRow(q, args...).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s
	}
	actor := func(id string) access.Actor {
		a, err := access.LoadActor(ctx, dbx, id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	persona := func(name string) access.Actor {
		for _, p := range demo.Personas() {
			if p.Name == name {
				return actor(w.one("SELECT id FROM people WHERE email = $1", p.Email))
			}
		}
		t.Fatalf("no persona %s", name)
		return access.Actor{}
	}
	w.tom, w.amira, w.dco = persona("Tom Nguyen"), persona("Amira Hussain"), persona("Grace Whitfield")
	w.salt = w.tom.TeamID
	w.paeds = w.one("SELECT id FROM organisations WHERE kind = 'nhs_team' AND name = 'Community Paediatrics'")
	w.paed = actor(w.one(`SELECT p.id FROM people p JOIN role_grants g ON g.person_id = p.id
		WHERE p.organisation_id = $1 AND g.role = 'health_professional' ORDER BY p.id LIMIT 1`, w.paeds))
	if w.paed.OrganisationID == w.tom.OrganisationID {
		t.Fatal("the paediatrician must work for another trust than Tom's")
	}
	w.councilEmail = w.one("SELECT email FROM organisations WHERE kind = 'council'")
	return w
}

// child is a child of the demo with an NHS number, no notification and no
// health team's link, born on dob and known to the given teams (a referral).
func (w *world) child(dob date.Date, teams ...string) (id, nhs string) {
	w.t.Helper()
	rows, err := w.d.Query(`SELECT c.id, c.nhs_number FROM children c WHERE c.nhs_number IS NOT NULL
		AND EXISTS (SELECT 1 FROM family_links fl JOIN people p ON p.id = fl.person_id WHERE fl.child_id = c.id AND fl.parental_responsibility = $1 AND p.email IS NOT NULL)
		AND NOT EXISTS (SELECT 1 FROM early_years_notifications n WHERE n.child_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM care_team ct JOIN organisations o ON o.id = ct.organisation_id WHERE ct.child_id = c.id AND o.kind = 'nhs_team')
		ORDER BY c.id`, true)
	if err != nil {
		w.t.Fatal(err)
	}
	for rows.Next() {
		if err := rows.Scan(&id, &nhs); err != nil {
			w.t.Fatal(err)
		}
		if !w.used[id] {
			break
		}
	}
	rows.Close()
	if w.used[id] || id == "" {
		w.t.Fatal("no child left to use")
	}
	w.used[id] = true
	err = w.d.Transact(w.ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec("UPDATE children SET date_of_birth = $1 WHERE id = $2", dob, id); err != nil {
			return err
		}
		for _, team := range teams {
			if _, err := access.AddLink(w.ctx, tx, access.Link{ChildID: id, OrganisationID: team, Reason: access.Referral,
				Purpose: "early years health care", GrantedBy: "test", StartsAt: today.AddDays(-60).Time()}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return id, nhs
}

func good(nhs string) earlyyears.Input {
	return earlyyears.Input{NHSNumber: nhs, Needs: "Few words at two and a half and does not yet join two words together",
		ParentInformed: true, ParentInformedOn: today.AddDays(-3), ParentInformedHow: "At the clinic appointment",
		ParentWantsDiscussion: "yes", Voluntary: "Chatterbox Speech and Language Support"}
}

// count is the rows of every table a notification or the council's record of it writes.
func (w *world) count() string {
	w.t.Helper()
	var out []string
	for _, tb := range []string{"early_years_notifications", "early_years_outcomes", "outbox", "audit_events"} {
		out = append(out, tb+"="+strconv.Itoa(dbtest.Count(w.t, w.d, "SELECT COUNT(*) FROM "+tb)))
	}
	out = append(out, "open="+strconv.Itoa(dbtest.Count(w.t, w.d, "SELECT COUNT(*) FROM early_years_notifications WHERE status <> 'closed'")))
	return strings.Join(out, " ")
}

func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	if e, ok := err.(*apperr.Error); ok {
		for _, f := range e.Fields {
			out[f.Name] = f.Message
		}
	}
	return out
}

// A notification about a child under compulsory school age is stored with
// its audit row (with the reason access allowed it), an email to the
// council's SEND team and one to each parent with parental responsibility.
func TestNotifyWritesTheNotificationItsAuditAndTheMessages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		w := newWorld(t, dbx)
		child, nhs := w.child(d(2023, 5, 10), w.salt)
		parents := dbtest.Count(t, dbx, `SELECT COUNT(*) FROM family_links fl JOIN people p ON p.id = fl.person_id
			WHERE fl.child_id = $1 AND fl.parental_responsibility = $2 AND p.email IS NOT NULL`, child, true)
		n, err := earlyyears.Notify(w.ctx, dbx, w.tom, good(nhs))
		if err != nil {
			t.Fatal(err)
		}
		if n.ChildID != child || n.Status != earlyyears.Open || n.NotifiedOn != today || n.Provider != "Severn Vale Community Health NHS Trust" {
			t.Errorf("stored %+v", n)
		}
		if got := w.one("SELECT reason FROM audit_events WHERE action = 'earlyyears.notify' AND record_id = $1 AND child_id = $2", n.ID, child); got != "accepted referral (via team)" {
			t.Errorf("audit reason %q", got)
		}
		if got := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM outbox WHERE reference = $1 AND recipient = $2", "early-years:"+n.ID, w.councilEmail); got != 1 {
			t.Errorf("%d messages to the council's SEND team, want 1", got)
		}
		if got := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM outbox WHERE reference = $1 AND recipient <> $2", "early-years:"+n.ID, w.councilEmail); got != parents || parents == 0 {
			t.Errorf("%d messages to parents, want %d (and at least one)", got, parents)
		}
	})
}

// The parent is told first (CFA 2014 s23(2)): the confirmation and the date
// are required, the date may not be after the notification (today) nor
// before the child was born; compulsory school age on the day refuses the
// notification naming the date of birth (Education Act 1996 s8). Nothing is
// stored when refused.
func TestNotifyRefusesWhatSection23DoesNotAllow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		w := newWorld(t, dbx)
		_, young := w.child(d(2023, 5, 10), w.salt)
		_, schoolAge := w.child(d(2021, 8, 31), w.salt)  // of compulsory school age since 31 August 2026
		_, notYet := w.child(d(2021, 9, 1), w.salt)      // five on 1 September 2026, of school age from 31 December 2026
		_, fiveToday := w.child(d(2021, 11, 22), w.salt) // five today, of school age from 31 December 2026
		_, unknown := w.child(d(2023, 5, 10))            // no link to Tom's team: hidden
		_, otherTeam := w.child(d(2023, 5, 10), w.paeds) // known to paediatrics, not to Tom's team
		for _, c := range []struct {
			why   string
			in    func(earlyyears.Input) earlyyears.Input
			field string
			says  string
		}{
			{"no confirmation that the parent was told first (s23(2))", func(in earlyyears.Input) earlyyears.Input { in.ParentInformed = false; return in }, "parent-informed", "section 23(2)"},
			{"told the parent tomorrow: after the notification", func(in earlyyears.Input) earlyyears.Input { in.ParentInformedOn = today.AddDays(1); return in }, "informed-on", "today or earlier"},
			{"no date the parent was told", func(in earlyyears.Input) earlyyears.Input { in.ParentInformedOn = date.Date{}; return in }, "informed-on", "Enter the date"},
			{"told the parent before the child was born", func(in earlyyears.Input) earlyyears.Input { in.ParentInformedOn = d(2023, 5, 9); return in }, "informed-on", "before the child was born"},
			{"no needs in words", func(in earlyyears.Input) earlyyears.Input { in.Needs = "SLCN"; return in }, "needs", "plain words"},
			{"no answer about discussion (s23(3))", func(in earlyyears.Input) earlyyears.Input { in.ParentWantsDiscussion = ""; return in }, "discussion", "section 23(3)"},
			{"how the parent was told left out", func(in earlyyears.Input) earlyyears.Input { in.ParentInformedHow = " "; return in }, "informed-how", "how you told"},
			{"not an NHS number", func(in earlyyears.Input) earlyyears.Input { in.NHSNumber = "123"; return in }, "nhs-number", "10 digits"},
			{"of compulsory school age since 31 August 2026", func(in earlyyears.Input) earlyyears.Input { in.NHSNumber = schoolAge; return in }, "nhs-number", "born on 31 August 2021"},
			{"a child out of the team's reach looks like no child", func(in earlyyears.Input) earlyyears.Input { in.NHSNumber = unknown; return in }, "nhs-number", "No child with this NHS number"},
			{"a child known to another team looks like no child", func(in earlyyears.Input) earlyyears.Input { in.NHSNumber = otherTeam; return in }, "nhs-number", "No child with this NHS number"},
			{"a valid NHS number nobody has looks the same", func(in earlyyears.Input) earlyyears.Input { in.NHSNumber = "9990000018"; return in }, "nhs-number", "No child with this NHS number"},
		} {
			before := w.count()
			_, err := earlyyears.Notify(w.ctx, dbx, w.tom, c.in(good(young)))
			if msg := fieldsOf(err)[c.field]; !strings.Contains(msg, c.says) {
				t.Errorf("%s: %v (field %s: %q)", c.why, err, c.field, msg)
			}
			if after := w.count(); after != before {
				t.Errorf("%s: stored something: %s, then %s", c.why, before, after)
			}
		}
		for _, c := range []struct {
			why string
			nhs string
			on  date.Date
		}{
			{"five on 1 September 2026, under compulsory school age until 31 December", notYet, today},
			{"five today, under compulsory school age until 31 December", fiveToday, today},
			{"the parent told today, the day of the notification", young, today},
		} {
			in := good(c.nhs)
			in.ParentInformedOn = c.on
			if _, err := earlyyears.Notify(w.ctx, dbx, w.tom, in); err != nil {
				t.Errorf("%s: %v", c.why, err)
			}
		}
	})
}

// A second notification from the same body about the same child, while the
// first is open, is refused with a clear message; another body may notify,
// and once the council has recorded what it did the same body may again.
func TestDuplicateNotificationsAreRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		w := newWorld(t, dbx)
		_, nhs := w.child(d(2023, 5, 10), w.salt, w.paeds)
		first, err := earlyyears.Notify(w.ctx, dbx, w.tom, good(nhs))
		if err != nil {
			t.Fatal(err)
		}
		before := w.count()
		_, err = earlyyears.Notify(w.ctx, dbx, w.tom, good(nhs))
		if msg := fieldsOf(err)["nhs-number"]; !strings.Contains(msg, "already told the council") || !strings.Contains(msg, "22 November 2026") {
			t.Errorf("a duplicate: %v (%q)", err, msg)
		}
		if after := w.count(); after != before {
			t.Errorf("a duplicate stored something: %s, then %s", before, after)
		}
		if _, err := earlyyears.Notify(w.ctx, dbx, w.paed, good(nhs)); err != nil {
			t.Errorf("another trust's notification: %v", err)
		}
		if err := earlyyears.Acknowledge(w.ctx, dbx, w.amira, first.ID, today); err != nil {
			t.Fatal(err)
		}
		if _, err = earlyyears.Notify(w.ctx, dbx, w.tom, good(nhs)); err == nil {
			t.Error("acknowledged but not closed: a duplicate was accepted")
		}
		if err := earlyyears.Record(w.ctx, dbx, w.amira, first.ID, earlyyears.Decision{Outcomes: []string{earlyyears.AdviceGiven},
			AdviceNote: "Area SENCO visited the nursery"}); err != nil {
			t.Fatal(err)
		}
		if _, err := earlyyears.Notify(w.ctx, dbx, w.tom, good(nhs)); err != nil {
			t.Errorf("after the council closed the first: %v", err)
		}
	})
}

// The council acknowledges (not before the notification, not in the future)
// and records what it did in one go; every refusal names the field and
// stores nothing; each change is audited with the council's reason.
func TestCouncilAcknowledgesAndRecordsWhatItDid(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		w := newWorld(t, dbx)
		child, nhs := w.child(d(2023, 5, 10), w.salt)
		n, err := earlyyears.Notify(w.ctx, dbx, w.tom, good(nhs))
		if err != nil {
			t.Fatal(err)
		}
		before := w.count()
		if err := earlyyears.Record(w.ctx, dbx, w.amira, n.ID, earlyyears.Decision{Outcomes: []string{earlyyears.AdviceGiven}, AdviceNote: "Advice to the nursery"}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("recording before acknowledging: %v", err)
		}
		for _, c := range []struct {
			on   date.Date
			says string
		}{{today.AddDays(1), "today or earlier"}, {today.AddDays(-1), "before the notification was sent on 22 November 2026"}, {date.Date{}, "Enter the date"}} {
			err := earlyyears.Acknowledge(w.ctx, dbx, w.amira, n.ID, c.on)
			if msg := fieldsOf(err)["acknowledged-on"]; !strings.Contains(msg, c.says) {
				t.Errorf("acknowledged on %s: %v (%q)", c.on, err, msg)
			}
		}
		if err := earlyyears.Acknowledge(w.ctx, dbx, w.tom, n.ID, today); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("the notifier acknowledging: %v", err)
		}
		if after := w.count(); after != before {
			t.Errorf("refusals stored something: %s, then %s", before, after)
		}
		if err := earlyyears.Acknowledge(w.ctx, dbx, w.amira, n.ID, today); err != nil {
			t.Fatal(err)
		}
		if err := earlyyears.Acknowledge(w.ctx, dbx, w.amira, n.ID, today); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("acknowledged twice: %v", err)
		}
		before = w.count()
		for _, c := range []struct {
			why   string
			in    earlyyears.Decision
			field string
		}{
			{"nothing chosen", earlyyears.Decision{}, "outcomes"},
			{"no action with an action", earlyyears.Decision{Outcomes: []string{earlyyears.NoAction, earlyyears.AdviceGiven}, NoActionReason: "Needs met by the setting", AdviceNote: "Advice to the nursery"}, "outcomes"},
			{"no action without its reason", earlyyears.Decision{Outcomes: []string{earlyyears.NoAction}}, "no-action-reason"},
			{"advice without saying what", earlyyears.Decision{Outcomes: []string{earlyyears.AdviceGiven}}, "advice-note"},
			{"support without saying what", earlyyears.Decision{Outcomes: []string{earlyyears.EarlyYearsSupport}}, "support-note"},
			{"an outcome not in the list", earlyyears.Decision{Outcomes: []string{"referred_to_tribunal"}}, "outcomes"},
			{"another child's EHC request", earlyyears.Decision{Outcomes: []string{earlyyears.AssessmentRequested}, EHCRequestID: "not-a-request"}, "ehc-request"},
		} {
			err := earlyyears.Record(w.ctx, dbx, w.amira, n.ID, c.in)
			if _, ok := fieldsOf(err)[c.field]; !ok {
				t.Errorf("%s: %v, want the field %s named", c.why, err, c.field)
			}
		}
		if after := w.count(); after != before {
			t.Errorf("refusals stored something: %s, then %s", before, after)
		}
		if err := earlyyears.Record(w.ctx, dbx, w.amira, n.ID, earlyyears.Decision{Outcomes: []string{earlyyears.AdviceGiven, earlyyears.AssessmentRequested},
			AdviceNote: "Area SENCO advised the nursery on visual supports"}); err != nil {
			t.Fatal(err)
		}
		if err := earlyyears.Record(w.ctx, dbx, w.amira, n.ID, earlyyears.Decision{Outcomes: []string{earlyyears.AdviceGiven}, AdviceNote: "Advice again please"}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("recorded twice: %v", err)
		}
		got, err := earlyyears.Get(w.ctx, dbx, w.amira, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != earlyyears.Closed || got.AcknowledgedOn != today || got.AcknowledgedBy != w.amira.Name || len(got.Outcomes) != 2 ||
			got.Outcomes[0].Outcome != earlyyears.AdviceGiven || got.Outcomes[1].Outcome != earlyyears.AssessmentRequested {
			t.Errorf("read back %+v", got)
		}
		for _, action := range []string{"earlyyears.acknowledge", "earlyyears.record", "earlyyears.view"} {
			if r := w.one("SELECT reason FROM audit_events WHERE action = $1 AND record_id = $2 AND child_id = $3", action, n.ID, child); r != earlyyears.CouncilReason {
				t.Errorf("%s audited with %q", action, r)
			}
		}
	})
}

// Who reads a notification: the council it was sent to and the team that
// sent it; anyone else (the DCO, another team, another council's worker, a
// parent) finds nothing, as if it did not exist. The family reads it on its
// own child's page with what the council did.
func TestWhoReadsANotification(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		w := newWorld(t, dbx)
		child, nhs := w.child(d(2023, 5, 10), w.salt)
		n, err := earlyyears.Notify(w.ctx, dbx, w.tom, good(nhs))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := earlyyears.Get(w.ctx, dbx, w.tom, n.ID); err != nil {
			t.Errorf("the team that sent it: %v", err)
		}
		parent, err := access.LoadActor(w.ctx, dbx, w.one(`SELECT person_id FROM family_links WHERE child_id = $1 AND parental_responsibility = $2
			ORDER BY person_id LIMIT 1`, child, true))
		if err != nil {
			t.Fatal(err)
		}
		for who, a := range map[string]access.Actor{"the DCO": w.dco, "another trust's paediatrician": w.paed, "a parent": parent} {
			if _, err := earlyyears.Get(w.ctx, dbx, a, n.ID); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("%s: %v, want not found", who, err)
			}
		}
		if _, err := earlyyears.Get(w.ctx, dbx, w.amira, "no-such-id"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("a missing notification: %v", err)
		}
		if err := earlyyears.Acknowledge(w.ctx, dbx, w.amira, n.ID, today); err != nil {
			t.Fatal(err)
		}
		if err := earlyyears.Record(w.ctx, dbx, w.amira, n.ID, earlyyears.Decision{Outcomes: []string{earlyyears.NoAction},
			NoActionReason: "The nursery already meets these needs from its own resources"}); err != nil {
			t.Fatal(err)
		}
		got, err := earlyyears.ForFamily(w.ctx, dbx, parent, child)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != n.ID || len(got[0].Outcomes) != 1 || !strings.Contains(got[0].Outcomes[0].Note, "own resources") {
			t.Errorf("the family sees %+v", got)
		}
		other := w.one(`SELECT child_id FROM family_links WHERE child_id <> $1 AND person_id <> $2 ORDER BY child_id LIMIT 1`, child, parent.PersonID)
		if _, err := earlyyears.ForFamily(w.ctx, dbx, parent, other); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another family's child: %v", err)
		}
	})
}

// The council's queue: not yet acknowledged first, then newest first, 50 a
// page; only the SEND team has it.
func TestQueueUnacknowledgedFirstThenNewest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		w := newWorld(t, dbx)
		ns, total, open, err := earlyyears.Queue(w.ctx, dbx, w.amira, 1)
		if err != nil {
			t.Fatal(err)
		}
		demoTotal := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM early_years_notifications")
		if total != demoTotal || total == 0 || len(ns) != min(total, earlyyears.PageSize) {
			t.Fatalf("queue: %d of %d (the demo has %d)", len(ns), total, demoTotal)
		}
		for i := 1; i < len(ns); i++ {
			a, b := ns[i-1], ns[i]
			aOpen, bOpen := a.Status == earlyyears.Open, b.Status == earlyyears.Open
			if (!aOpen && bOpen) || (aOpen == bOpen && a.NotifiedOn.Before(b.NotifiedOn)) {
				t.Errorf("out of order at %d: %s %s then %s %s", i, a.Status, a.NotifiedOn, b.Status, b.NotifiedOn)
			}
		}
		if open != dbtest.Count(t, dbx, "SELECT COUNT(*) FROM early_years_notifications WHERE status = 'open'") {
			t.Errorf("%d unacknowledged", open)
		}
		if _, _, _, err := earlyyears.Queue(w.ctx, dbx, w.tom, 1); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("Tom's queue: %v", err)
		}
	})
}

// The DCO's totals count by month and provider, acknowledgements within the
// chosen days, and outcomes; they agree with the rows, whoever's they are.
func TestTotalsAgreeWithTheRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		w := newWorld(t, dbx)
		tot, err := earlyyears.Summarise(w.ctx, dbx, w.dco, 14)
		if err != nil {
			t.Fatal(err)
		}
		if want := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM early_years_notifications WHERE notified_on >= $1", tot.From); tot.All.Notified != want || want == 0 {
			t.Errorf("notified %d, want %d", tot.All.Notified, want)
		}
		var within int
		rows, err := dbx.Query("SELECT notified_on, acknowledged_on FROM early_years_notifications WHERE acknowledged_on IS NOT NULL AND notified_on >= $1", tot.From)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var on, ack date.Date
			if err := rows.Scan(&on, &ack); err != nil {
				t.Fatal(err)
			}
			if ack.DaysSince(on) <= 14 {
				within++
			}
		}
		rows.Close()
		if tot.All.AckWithin != within {
			t.Errorf("acknowledged within 14 days: %d, want %d", tot.All.AckWithin, within)
		}
		sum := 0
		for _, m := range tot.Months {
			sum += m.Notified
		}
		if sum != tot.All.Notified {
			t.Errorf("months add to %d, not %d", sum, tot.All.Notified)
		}
		if want := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM early_years_outcomes WHERE outcome = 'no_action'"); tot.All.Outcome(earlyyears.NoAction) != want {
			t.Errorf("no action %d, want %d", tot.All.Outcome(earlyyears.NoAction), want)
		}
		if _, err := earlyyears.Summarise(w.ctx, dbx, w.tom, 14); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("Tom: %v", err)
		}
		if _, err := earlyyears.Summarise(w.ctx, dbx, w.dco, 0); fieldsOf(err)["within"] == "" {
			t.Errorf("within 0 days: %v", err)
		}
	})
}
