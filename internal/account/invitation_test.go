package account_test

import (
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"joinedup/internal/account"
	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/people"
)

// invite sends an invitation from a member of staff, as record.InviteCarer does.
func (w *world) invite(personID, staffID string) error {
	return w.d.Transact(w.ctx, func(tx *sql.Tx) error {
		return account.Invite(w.ctx, tx, account.Invitation{PersonID: personID, InvitedBy: staffID, Team: "SEND Team, Testshire Council",
			Child: "Leo"}, w.clock)
	})
}

func (w *world) staff() string {
	w.t.Helper()
	o, err := (&people.Store{DB: w.d}).CreateOrganisation(w.ctx, people.Organisation{Kind: "council", Name: "Testshire Council"})
	if err != nil {
		w.t.Fatal(err)
	}
	p, err := (&people.Store{DB: w.d}).CreatePerson(w.ctx, people.Person{Kind: people.Staff, GivenName: "Amira", FamilyName: "Test",
		Email: "amira@testshire.example", OrganisationID: o.ID})
	if err != nil {
		w.t.Fatal(err)
	}
	return p.ID
}

// An invitation is the only way a family's account is made: the link comes to
// the address the team holds, so following it confirms that address at once.
func TestInvitation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		staff := w.staff()
		parent := w.person(people.ParentCarer, "jo.parent@example.org")
		if err := w.invite(parent, staff); err != nil {
			t.Fatal(err)
		}
		m := w.latest("account-invitation:")
		if m.To != "jo.parent@example.org" || !strings.Contains(m.WhatChanged, "SEND Team, Testshire Council has invited you") ||
			!strings.Contains(m.WhatToDo, "within 14 days") {
			t.Errorf("the invitation says %+v", m)
		}
		page, secret := linkIn(t, m)
		if page != baseURL+"/account/invitation" {
			t.Errorf("the link goes to %s", page)
		}
		email, err := account.CheckInvitation(w.ctx, d, secret)
		if err != nil || email != "jo.parent@example.org" {
			t.Fatalf("checking the link: %q, %v", email, err)
		}

		// A password that breaks the rules leaves the link usable.
		_, err = account.AcceptInvitation(w.ctx, d, secret, "short")
		if e := new(apperr.Error); apperr.CodeOf(err) != apperr.Invalid || !errors.As(err, &e) || e.Fields[0].Name != "password" {
			t.Fatalf("a short password: %v", err)
		}
		id, err := account.AcceptInvitation(w.ctx, d, secret, pw)
		if err != nil || id != parent {
			t.Fatalf("accepting: %q, %v", id, err)
		}
		if got, err := w.signIn("Jo.Parent@example.org ", pw); err != nil || got != parent {
			t.Errorf("signing in straight after: %q, %v (no confirmation email is needed)", got, err)
		}
		_, err = account.AcceptInvitation(w.ctx, d, secret, pw)
		refusedAs(t, "the link used again", err, account.ErrBadToken, "already been used")
		if err := w.invite(parent, staff); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("inviting someone with an account: %v, want Conflict", err)
		}
	})
}

func TestInvitationRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		staff := w.staff()
		noEmail := w.person(people.ParentCarer, "")
		cases := []struct {
			name   string
			person string
			by     string
			want   apperr.Code
		}{
			{"a member of staff: they sign in through their organisation", staff, staff, apperr.Invalid},
			{"a parent with no email address", noEmail, staff, apperr.Invalid},
			{"nobody", "no-such-person", staff, apperr.NotFound},
		}
		for _, c := range cases {
			if err := w.invite(c.person, c.by); apperr.CodeOf(err) != c.want {
				t.Errorf("%s: %v, want %s", c.name, err, c.want)
			}
		}
		if err := w.invite(noEmail, ""); err == nil {
			t.Error("an invitation from nobody was sent")
		}

		// Links expire after 14 days; at most 3 invitations an hour reach one person.
		parent := w.person(people.ParentCarer, "kim.parent@example.org")
		if err := w.invite(parent, staff); err != nil {
			t.Fatal(err)
		}
		_, old := linkIn(t, w.latest("account-invitation:"))
		w.advance(account.InviteFor + time.Second)
		_, err := account.AcceptInvitation(w.ctx, d, old, pw)
		refusedAs(t, "an expired invitation", err, account.ErrBadToken, "expired")
		for i := range 3 {
			w.advance(time.Minute)
			if err := w.invite(parent, staff); err != nil {
				t.Fatalf("invitation %d: %v", i+1, err)
			}
		}
		if err := w.invite(parent, staff); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("a fourth invitation within the hour: %v, want Conflict", err)
		}
		// A reset link is not an invitation, nor the other way round.
		_, fresh := linkIn(t, w.latest("account-invitation:"))
		if err := account.CheckResetToken(w.ctx, d, fresh); err == nil {
			t.Error("an invitation link was accepted as a reset link")
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM local_accounts WHERE person_id = $1", parent); n != 0 {
			t.Errorf("%d accounts made by refused attempts", n)
		}
	})
}
