package access_test

import (
	"context"
	"database/sql"
	"maps"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/people"
)

// world is a small partnership: a council with two SEND teams, an NHS
// therapy team, staff in each, a family, and three children.
type world struct {
	d                                           *db.DB
	council, team1, team2, nhs, therapy         string
	coordinator, manager, otherCoord, therapist string
	mother, fosterCarer, youngPerson            string
	leo, mia, kai                               string
}

var now = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func build(t *testing.T, d *db.DB) *world {
	t.Helper()
	ctx := context.Background()
	s := &people.Store{DB: d}
	w := &world{d: d}
	org := func(kind, name, parent string) string {
		o, err := s.CreateOrganisation(ctx, people.Organisation{Kind: kind, Name: name, ParentID: parent})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	person := func(kind, given, orgID string) string {
		p, err := s.CreatePerson(ctx, people.Person{Kind: kind, GivenName: given, FamilyName: "Testperson", OrganisationID: orgID})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	child := func(given string, born date.Date, personID string) string {
		c, err := s.CreateChild(ctx, people.Child{GivenName: given, FamilyName: "Testchild", DateOfBirth: born, SENProvision: people.EHCPlan, PersonID: personID}, date.Today(now))
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	w.council = org(people.Council, "Test County Council", "")
	w.team1 = org(people.CouncilTeam, "SEND North", w.council)
	w.team2 = org(people.CouncilTeam, "SEND South", w.council)
	w.nhs = org(people.NHSProvider, "Test Health NHS Trust", "")
	w.therapy = org(people.NHSTeam, "Speech and language therapy", w.nhs)
	w.coordinator = person(people.Staff, "Cora", w.team1)
	w.otherCoord = person(people.Staff, "Otto", w.team2)
	w.manager = person(people.Staff, "Mani", w.team1)
	w.therapist = person(people.Staff, "Thea", w.therapy)
	w.mother = person(people.ParentCarer, "Maya", "")
	w.fosterCarer = person(people.ParentCarer, "Fern", "")
	w.youngPerson = person(people.YoungPerson, "Kai", "")
	w.leo = child("Leo", date.Of(2017, 3, 4), "")
	w.mia = child("Mia", date.Of(2012, 9, 30), "")
	w.kai = child("Kai", date.Of(2008, 1, 15), w.youngPerson)
	must(t, s.LinkFamily(ctx, people.FamilyLink{ChildID: w.leo, PersonID: w.mother, Relationship: "mother", ParentalResponsibility: true, LivesWithChild: true}))
	must(t, s.LinkFamily(ctx, people.FamilyLink{ChildID: w.mia, PersonID: w.fosterCarer, Relationship: "foster_carer", ParentalResponsibility: false, LivesWithChild: true}))
	tx(t, d, func(tx *sql.Tx) error {
		for _, g := range []struct {
			p, role string
		}{{w.coordinator, "ehcp_coordinator"}, {w.otherCoord, "ehcp_coordinator"}, {w.manager, "send_manager"}, {w.therapist, "health_professional"}} {
			if err := access.GrantRole(context.Background(), tx, g.p, g.role, "", "test", now); err != nil {
				return err
			}
		}
		for _, l := range []access.Link{
			{ChildID: w.leo, OrganisationID: w.team1, Reason: access.Owner},
			{ChildID: w.leo, PersonID: w.coordinator, Reason: access.Allocated},
			{ChildID: w.mia, OrganisationID: w.team2, Reason: access.Owner},
			{ChildID: w.mia, PersonID: w.otherCoord, Reason: access.Allocated},
			{ChildID: w.kai, OrganisationID: w.team2, Reason: access.Owner},
		} {
			l.Purpose, l.GrantedBy, l.StartsAt = "EHC needs assessment", "test", now.Add(-time.Hour)
			if _, err := access.AddLink(context.Background(), tx, l); err != nil {
				return err
			}
		}
		return nil
	})
	return w
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func tx(t *testing.T, d *db.DB, fn func(*sql.Tx) error) {
	t.Helper()
	must(t, d.Transact(context.Background(), fn))
}

// visible lists, by SQL predicate, the children the actor may do p to.
// Predicate's two forms, the list and the test of each row, must choose the same children.
func visible(t *testing.T, d *db.DB, a access.Actor, p access.Permission, at time.Time) map[string]bool {
	t.Helper()
	read := func(predicate func(access.Actor, access.Permission, string, time.Time, int) (string, []any)) map[string]bool {
		cond, args := predicate(a, p, "c.id", at, 1)
		rows, err := d.Query("SELECT c.id FROM children c WHERE "+cond, args...)
		must(t, err)
		defer rows.Close()
		out := map[string]bool{}
		for rows.Next() {
			var id string
			must(t, rows.Scan(&id))
			out[id] = true
		}
		must(t, rows.Err())
		return out
	}
	list, each := read(access.Predicate), read(access.PredicateEach)
	if !maps.Equal(list, each) {
		t.Errorf("%s %s at %s: the list predicate chooses %v, the row test %v", a.Name, p, at, keys(list), keys(each))
	}
	return list
}

// The SQL predicate and Decide must agree for every actor, child and
// permission, through every change of relationship: the predicate filters
// what a query reads, Decide gives the reason, and neither may be wider.
func TestPredicateAgreesWithDecide(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := build(t, d)
		actors := map[string]string{"coordinator": w.coordinator, "other coordinator": w.otherCoord, "manager": w.manager,
			"therapist": w.therapist, "mother": w.mother, "foster carer": w.fosterCarer, "young person": w.youngPerson}
		children := map[string]string{"Leo": w.leo, "Mia": w.mia, "Kai": w.kai}
		perms := []access.Permission{access.CaseView, access.CaseEdit, access.CaseReassign, access.AdviceSubmit, access.WaitlistManage, access.FamilyView, access.SARExport}

		// check asserts agreement and returns who may view which child, as "actor/child".
		check := func(at time.Time) map[string]bool {
			can := map[string]bool{}
			for an, pid := range actors {
				a, err := access.LoadActor(ctx, d, pid)
				must(t, err)
				for _, p := range perms {
					vis := visible(t, d, a, p, at)
					for cn, cid := range children {
						dec, err := access.Check(ctx, d, a, p, cid, at)
						must(t, err)
						if dec.Allow != vis[cid] {
							t.Errorf("%s %s %s: Decide %+v but predicate %v", an, p, cn, dec, vis[cid])
						}
						// Require refuses exactly what Check does, with the decision's own error.
						if _, err := access.Require(ctx, d, a, p, cid, at); (err == nil) != dec.Allow ||
							(err != nil && apperr.CodeOf(err) != apperr.CodeOf(dec.Err())) {
							t.Errorf("%s %s %s: Require says %v for %+v", an, p, cn, err, dec)
						}
						if dec.Allow && (p == access.CaseView || p == access.FamilyView) {
							can[an+"/"+cn] = true
						}
					}
				}
			}
			return can
		}
		want := func(can map[string]bool, pairs ...string) {
			t.Helper()
			if len(can) != len(pairs) {
				t.Errorf("views allowed %v, want exactly %v", keys(can), pairs)
			}
			for _, p := range pairs {
				if !can[p] {
					t.Errorf("%s should be allowed; allowed: %v", p, keys(can))
				}
			}
		}

		// At the start: each coordinator their allocated child, the manager
		// (organisation scope) all three, the mother Leo, the young person himself.
		// The foster carer holds no parental responsibility: nothing.
		want(check(now), "coordinator/Leo", "other coordinator/Mia", "manager/Leo", "manager/Mia", "manager/Kai", "mother/Leo", "young person/Kai")

		// The mother consents to share Leo's record with the therapy team.
		var consent access.Consent
		tx(t, d, func(tx *sql.Tx) (err error) {
			consent, err = access.RecordConsent(ctx, tx, access.Consent{ChildID: w.leo, GivenBy: w.mother, OrganisationID: w.therapy,
				Information: []string{"health", "education"}, Purpose: "speech and language advice", Evidence: "signed form", GivenAt: now}, w.coordinator)
			return err
		})
		later := now.Add(time.Minute)
		want(check(later), "coordinator/Leo", "other coordinator/Mia", "manager/Leo", "manager/Mia", "manager/Kai", "mother/Leo", "young person/Kai", "therapist/Leo")

		// She withdraws it: the therapist loses Leo at once.
		tx(t, d, func(tx *sql.Tx) error { return access.WithdrawConsent(ctx, tx, consent.ID, w.mother, later) })
		want(check(later.Add(time.Second)), "coordinator/Leo", "other coordinator/Mia", "manager/Leo", "manager/Mia", "manager/Kai", "mother/Leo", "young person/Kai")

		// Break-glass: the coordinator sees Mia for 24 hours, and a manager is alerted.
		a, _ := access.LoadActor(ctx, d, w.coordinator)
		tx(t, d, func(tx *sql.Tx) error {
			_, err := access.BreakGlassAccess(ctx, tx, a, w.mia, "Mia's carer phoned in crisis out of hours", later)
			return err
		})
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM access_alerts WHERE kind = 'break_glass'"); n != 1 {
			t.Errorf("break-glass raised %d alerts, want 1", n)
		}
		want(check(later.Add(time.Hour)), "coordinator/Leo", "coordinator/Mia", "other coordinator/Mia", "manager/Leo", "manager/Mia", "manager/Kai", "mother/Leo", "young person/Kai")
		want(check(later.Add(access.BreakGlassFor+time.Second)), "coordinator/Leo", "other coordinator/Mia", "manager/Leo", "manager/Mia", "manager/Kai", "mother/Leo", "young person/Kai")

		// The manager's account is disabled: they see nothing, at once.
		must(t, func() error {
			_, err := d.Exec("UPDATE people SET disabled_at = $1 WHERE id = $2", now, w.manager)
			return err
		}())
		want(check(later.Add(2*time.Hour)), "coordinator/Leo", "coordinator/Mia", "other coordinator/Mia", "mother/Leo", "young person/Kai")
	})
}

func TestLinksRefuseWhatTheLawRequires(t *testing.T) {
	d := dbtest.SQLite(t)
	w := build(t, d)
	ctx := context.Background()
	cases := []struct {
		name string
		l    access.Link
		says string
	}{
		{"safeguarding without a lawful basis", access.Link{ChildID: w.leo, OrganisationID: w.therapy, Reason: access.Safeguarding, Purpose: "p", GrantedBy: "x", Note: "risk"}, "lawful basis"},
		{"break-glass without a reason", access.Link{ChildID: w.leo, PersonID: w.therapist, Reason: access.BreakGlassed, Purpose: "p", GrantedBy: "x", EndsAt: now.Add(time.Hour)}, "written reason"},
		{"consent share without a consent", access.Link{ChildID: w.leo, OrganisationID: w.therapy, Reason: access.ConsentShare, Purpose: "p", GrantedBy: "x"}, "consent it rests on"},
		{"both a person and a team", access.Link{ChildID: w.leo, PersonID: w.therapist, OrganisationID: w.therapy, Reason: access.Referral, Purpose: "p", GrantedBy: "x"}, "not both"},
		{"a parent as a care-team reason", access.Link{ChildID: w.leo, PersonID: w.mother, Reason: access.Parent, Purpose: "p", GrantedBy: "x"}, "not a care-team reason"},
	}
	for _, c := range cases {
		err := d.Transact(ctx, func(tx *sql.Tx) error { _, err := access.AddLink(ctx, tx, c.l); return err })
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want it to say %q", c.name, err, c.says)
		}
	}
	// A foster carer without parental responsibility cannot give consent.
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		_, err := access.RecordConsent(ctx, tx, access.Consent{ChildID: w.mia, GivenBy: w.fosterCarer, OrganisationID: w.therapy,
			Information: []string{"health"}, Purpose: "advice", Evidence: "call", GivenAt: now}, w.otherCoord)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "parental responsibility") {
		t.Errorf("consent from a foster carer without parental responsibility: %v", err)
	}
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM care_team"); n != 5 {
		t.Errorf("refused links left rows: %d in the care team, want the 5 built", n)
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
