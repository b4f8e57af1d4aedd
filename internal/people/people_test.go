package people_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/people"
)

var today = date.Of(2026, 11, 22)

func validChild() people.Child {
	return people.Child{GivenName: "Amira", FamilyName: "Okafor", DateOfBirth: date.Of(2015, 4, 1),
		NHSNumber: "999 000 0018", SENProvision: people.SENSupport, PrimaryNeed: "SLCN"}
}

// Each case breaks one rule and must be refused with the field named.
func TestChildValidation(t *testing.T) {
	cases := []struct {
		name   string
		change func(*people.Child)
		field  string
		says   string
	}{
		{"no given name", func(c *people.Child) { c.GivenName = "  " }, "given name", "is required"},
		{"no family name", func(c *people.Child) { c.FamilyName = "" }, "family name", "is required"},
		{"no date of birth", func(c *people.Child) { c.DateOfBirth = date.Date{} }, "date of birth", "is required"},
		{"born tomorrow", func(c *people.Child) { c.DateOfBirth = today.AddDays(1) }, "date of birth", "in the future"},
		// SEND duties end at 25 (Children and Families Act 2014 s83(2)): 26 on the day is too old...
		{"26 today", func(c *people.Child) { c.DateOfBirth = date.Of(2000, 11, 22) }, "date of birth", "older than 25"},
		{"NHS number with a wrong check digit", func(c *people.Child) { c.NHSNumber = "9990000019" }, "NHS number", "check digit"},
		{"NHS number all zeros", func(c *people.Child) { c.NHSNumber = "0000000000" }, "NHS number", ""},
		{"UPN too short", func(c *people.Child) { c.UPN = "A00012345678" }, "UPN", "13 characters"},
		{"ULN starting with 0", func(c *people.Child) { c.ULN = "0123456789" }, "ULN", ""},
		{"unknown provision", func(c *people.Child) { c.SENProvision = "plan" }, "SEN provision", "must be"},
		{"unknown primary need", func(c *people.Child) { c.PrimaryNeed = "ADHD" }, "primary need", "SEN2 codes"},
		{"a name of 201 characters", func(c *people.Child) { c.GivenName = strings.Repeat("a", 201) }, "name", "longer than 200"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch := validChild()
			c.change(&ch)
			err := ch.Validate(today)
			e, ok := err.(*apperr.Error)
			if !ok || e.Code != apperr.Invalid {
				t.Fatalf("Validate = %v, want an Invalid apperr", err)
			}
			for _, f := range e.Fields {
				if f.Name == c.field && strings.Contains(f.Message, c.says) {
					return
				}
			}
			t.Fatalf("no field %q saying %q in %v", c.field, c.says, e)
		})
	}
}

func TestChildValidationNormalises(t *testing.T) {
	ch := validChild()
	ch.DateOfBirth = date.Of(2001, 11, 23) // 25 today, one day short of 26: still served
	ch.UPN = "b801200005001"
	if err := ch.Validate(today); err != nil {
		t.Fatal(err)
	}
	if ch.NHSNumber != "9990000018" || ch.UPN != "B801200005001" {
		t.Errorf("normalised to %q, %q", ch.NHSNumber, ch.UPN)
	}
	ch = people.Child{GivenName: "A", FamilyName: "B", DateOfBirth: today}
	if err := ch.Validate(today); err != nil || ch.SENProvision != people.NoProvision {
		t.Errorf("born today with no provision: %v, provision %q", err, ch.SENProvision)
	}
}

func TestOrganisationAndPersonValidation(t *testing.T) {
	cases := []struct {
		name string
		err  error
		says string
	}{
		{"school with a 5-digit URN", (&people.Organisation{Kind: people.School, Name: "Brookfield Primary", URN: "12345"}).Validate(), "URN"},
		{"college with a UKPRN not starting 1", (&people.Organisation{Kind: people.College, Name: "Vale College", UKPRN: "20000000"}).Validate(), "UKPRN"},
		{"team with no parent", (&people.Organisation{Kind: people.CouncilTeam, Name: "SEND North"}).Validate(), "parent"},
		{"unknown kind", (&people.Organisation{Kind: "club", Name: "X"}).Validate(), "kind"},
		{"staff with no organisation", (&people.Person{Kind: people.Staff, GivenName: "Sam", FamilyName: "Reed"}).Validate(), "organisation"},
		{"bad email", (&people.Person{Kind: people.ParentCarer, GivenName: "Sam", FamilyName: "Reed", Email: "sam at home"}).Validate(), "email"},
		{"link with unknown relationship", (&people.FamilyLink{ChildID: "c", PersonID: "p", Relationship: "uncle-ish"}).Validate(), "relationship"},
	}
	for _, c := range cases {
		if c.err == nil || apperr.CodeOf(c.err) != apperr.Invalid || !strings.Contains(c.err.Error(), c.says) {
			t.Errorf("%s: got %v, want an Invalid error naming %s", c.name, c.err, c.says)
		}
	}
}

func TestStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &people.Store{DB: d}
		if _, err := s.ThePartnership(ctx); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("ThePartnership on an empty database: %v", err)
		}
		school, err := s.CreateOrganisation(ctx, people.Organisation{Kind: people.School, Name: "Brookfield Primary School", Phase: "primary", URN: "990001"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateOrganisation(ctx, people.Organisation{Kind: people.School, Name: "Another", URN: "990001"}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("duplicate URN: %v, want Conflict", err)
		}
		ch := validChild()
		ch.SettingID = school.ID
		ch, err = s.CreateChild(ctx, ch, today)
		if err != nil {
			t.Fatal(err)
		}
		twin := validChild()
		twin.GivenName = "Someone else"
		_, err = s.CreateChild(ctx, twin, today)
		if apperr.CodeOf(err) != apperr.Conflict || !strings.Contains(err.Error(), "NHS number") {
			t.Errorf("second child with the same NHS number: %v, want a Conflict naming the NHS number", err)
		}
		bad := validChild()
		bad.NHSNumber, bad.DateOfBirth = "", today.AddDays(3)
		if _, err := s.CreateChild(ctx, bad, today); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("invalid child stored: %v", err)
		}
		parent, err := s.CreatePerson(ctx, people.Person{Kind: people.ParentCarer, GivenName: "Grace", FamilyName: "Okafor", Email: "Grace.Okafor@example.invalid"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreatePerson(ctx, people.Person{Kind: people.ParentCarer, GivenName: "G", FamilyName: "O", Email: "grace.okafor@example.invalid"}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("same email twice (case differs): %v, want Conflict", err)
		}
		link := people.FamilyLink{ChildID: ch.ID, PersonID: parent.ID, Relationship: "mother", ParentalResponsibility: true, LivesWithChild: true}
		if err := s.LinkFamily(ctx, link); err != nil {
			t.Fatal(err)
		}
		if err := s.LinkFamily(ctx, link); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("same link twice: %v", err)
		}
		var pr bool
		if err := d.QueryRowContext(ctx, "SELECT parental_responsibility FROM family_links WHERE child_id = $1", ch.ID).Scan(&pr); err != nil || !pr {
			t.Errorf("parental responsibility read back as %v, %v", pr, err)
		}
		c, err := s.TakeCensus(ctx)
		if err != nil || c != (people.Census{Organisations: 1, SENSupport: 1, Children: 1}) {
			t.Errorf("census = %+v, %v", c, err)
		}
	})
}

func TestCensusCacheServesTheSameFiguresUntilTheyExpire(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	s := &people.Store{DB: d}
	clock := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	defer func(old func() time.Time) { db.Now = old }(db.Now)
	db.Now = func() time.Time { return clock }
	cc := &people.CensusCache{Store: s, TTL: time.Minute}
	first, at, err := cc.Census(ctx)
	if err != nil || first.Children != 0 || !at.Equal(clock) {
		t.Fatalf("first census: %+v at %v, %v", first, at, err)
	}
	if _, err := s.CreateChild(ctx, validChild(), today); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(59 * time.Second)
	if c, at, _ := cc.Census(ctx); c.Children != 0 || !at.Equal(clock.Add(-59*time.Second)) {
		t.Errorf("within the minute: %+v counted at %v, want the cached figures", c, at)
	}
	clock = clock.Add(time.Second)
	if c, at, _ := cc.Census(ctx); c.Children != 1 || c.SENSupport != 1 || !at.Equal(clock) {
		t.Errorf("after the minute: %+v counted at %v, want a fresh count", c, at)
	}
}
