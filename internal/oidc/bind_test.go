package oidc_test

import (
	"context"
	"errors"
	"testing"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/oidc"
	"joinedup/internal/people"
)

// Binding an identity to a member of staff: by email address on the first
// sign-in, only within the provider's organisation; by issuer and subject
// ever after.
func TestBind(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		store := &people.Store{DB: d}
		org := func(kind, name, parent string) string {
			o, err := store.CreateOrganisation(ctx, people.Organisation{Kind: kind, Name: name, ParentID: parent})
			if err != nil {
				t.Fatal(err)
			}
			return o.ID
		}
		person := func(kind, email, orgID string) string {
			p, err := store.CreatePerson(ctx, people.Person{Kind: kind, GivenName: "Sam", FamilyName: "Test", Email: email, OrganisationID: orgID})
			if err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		council := org("council", "Testshire Council", "")
		team := org("council_team", "SEND Assessment Team", council)
		trust := org("nhs_provider", "Testshire Health NHS Trust", "")
		amira := person(people.Staff, "amira@testshire.example", team)
		nurse := person(people.Staff, "nurse@testshire-health.example", trust)
		person(people.ParentCarer, "parent@example.org", "")

		const issuer = "https://login.testshire.example/v2.0"
		id := func(subject, email string) oidc.Identity {
			return oidc.Identity{ProviderID: "council", OrganisationID: council, Issuer: issuer, Subject: subject, Email: email}
		}
		for _, c := range []struct {
			name string
			id   oidc.Identity
			want string // the person, or "" for a refusal
		}{
			{"someone in a team of the provider's organisation, by email, any case", id("sub-amira", "Amira@Testshire.example"), amira},
			{"the same subject again, though its email address changed", id("sub-amira", "amira.h@testshire.example"), amira},
			{"a second subject claiming the bound person's email address", id("sub-copy", "amira@testshire.example"), ""},
			{"staff of another organisation: the council's provider cannot vouch for them", id("sub-nurse", "nurse@testshire-health.example"), ""},
			{"a parent's email address: families do not sign in this way", id("sub-parent", "parent@example.org"), ""},
			{"no email address to match on first sign-in", id("sub-none", ""), ""},
			{"an unknown email address", id("sub-new", "new.starter@testshire.example"), ""},
			{"an email address the provider says is unverified", oidc.Identity{ProviderID: "council", OrganisationID: council, Issuer: "https://other.example",
				Subject: "sub-x", Email: "amira@testshire.example", EmailDisowned: true}, ""},
		} {
			got, err := oidc.Bind(ctx, d, c.id)
			switch {
			case c.want != "" && (err != nil || got != c.want):
				t.Errorf("%s: %q, %v; want %q", c.name, got, err, c.want)
			case c.want == "" && (err == nil || !errors.Is(err, oidc.ErrNoStaffMember) || apperr.CodeOf(err) != apperr.Forbidden):
				t.Errorf("%s: %q, %v; want a Forbidden ErrNoStaffMember refusal", c.name, got, err)
			}
		}
		// The trust's own provider signs its nurse in.
		got, err := oidc.Bind(ctx, d, oidc.Identity{ProviderID: "trust", OrganisationID: trust, Issuer: "https://trust.example", Subject: "n1",
			Email: "nurse@testshire-health.example"})
		if err != nil || got != nurse {
			t.Errorf("the trust's provider: %q, %v", got, err)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM staff_identities"); n != 2 {
			t.Errorf("%d identities bound, want 2", n)
		}
	})
}
