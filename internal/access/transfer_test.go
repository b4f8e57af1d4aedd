package access_test

import (
	"context"
	"database/sql"
	"testing"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/people"
)

// A transfer is seen by the managers of the two organisations it involves and
// nobody else (hidden and missing look the same); only the sending side may
// revoke it and only the receiving side may answer it.
func TestTransferSides(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := build(t, d)
		s := &people.Store{DB: d}
		staff := func(given, org, role string, scope access.Scope) access.Actor {
			p, err := s.CreatePerson(ctx, people.Person{Kind: people.Staff, GivenName: given, FamilyName: "Testperson", OrganisationID: org})
			must(t, err)
			tx(t, d, func(tx *sql.Tx) error { return access.GrantRole(ctx, tx, p.ID, role, scope, "test", now) })
			a, err := access.LoadActor(ctx, d, p.ID)
			must(t, err)
			return a
		}
		north := staff("Nora", w.team1, "send_manager", access.ScopeTeam)
		south := staff("Sol", w.team2, "send_manager", access.ScopeTeam)
		otherCouncil, err := s.CreateOrganisation(ctx, people.Organisation{Kind: people.Council, Name: "Elsewhere Council"})
		must(t, err)
		elsewhere := staff("Elsa", otherCouncil.ID, "send_manager", access.ScopeOrganisation)
		load := func(id string) access.Actor {
			a, err := access.LoadActor(ctx, d, id)
			must(t, err)
			return a
		}
		council, therapist := load(w.manager), load(w.therapist)

		var tr access.Transfer
		tx(t, d, func(tx *sql.Tx) (err error) {
			tr, err = access.ProposeTransfer(ctx, tx, north, w.leo, w.team2, "Leo's family has moved to the south of the county.", now)
			return err
		})
		// Who sees it, and from which side.
		for _, c := range []struct {
			name               string
			who                access.Actor
			sending, receiving bool
			code               apperr.Code
		}{
			{"the proposer's team", north, true, false, ""},
			{"the receiving team", south, false, true, ""},
			{"the council's manager", council, true, true, ""},
			{"another council", elsewhere, false, false, apperr.NotFound},
			{"a therapist", therapist, false, false, apperr.NotFound},
		} {
			got, err := access.TransferByID(ctx, d, c.who, tr.ID)
			if apperr.CodeOf(err) != c.code && !(c.code == "" && err == nil) {
				t.Errorf("%s reads the transfer: %v, want %q", c.name, err, c.code)
				continue
			}
			if err == nil && (got.Sending != c.sending || got.Receiving != c.receiving) {
				t.Errorf("%s: sending %v receiving %v, want %v %v", c.name, got.Sending, got.Receiving, c.sending, c.receiving)
			}
			if list, err := access.Transfers(ctx, d, c.who, now); err != nil || (len(list) == 1) != (c.code == "") {
				t.Errorf("%s lists %d transfers, %v", c.name, len(list), err)
			}
		}
		answer := func(who access.Actor, do string) error {
			return d.Transact(ctx, func(tx *sql.Tx) error {
				var err error
				switch do {
				case "accept":
					_, _, err = access.AcceptTransfer(ctx, d, tx, who, tr.ID, w.otherCoord, now)
				case "revoke":
					_, err = access.RevokeTransfer(ctx, d, tx, who, tr.ID, now)
				}
				return err
			})
		}
		for _, c := range []struct {
			who  access.Actor
			do   string
			code apperr.Code
		}{
			{north, "accept", apperr.Forbidden},
			{south, "revoke", apperr.Forbidden},
			{elsewhere, "accept", apperr.NotFound},
			{elsewhere, "revoke", apperr.NotFound},
		} {
			if err := answer(c.who, c.do); apperr.CodeOf(err) != c.code {
				t.Errorf("%s %s: %v, want %s", c.who.Name, c.do, err, c.code)
			}
		}
		must(t, answer(south, "accept"))
		// The case moved: the outgoing coordinator and team no longer reach Leo; the incoming ones do.
		for _, c := range []struct {
			who  string
			sees bool
		}{{w.coordinator, false}, {w.otherCoord, true}} {
			dec, err := access.Check(ctx, d, load(c.who), access.CaseView, w.leo, now.Add(1))
			must(t, err)
			if dec.Allow != c.sees {
				t.Errorf("after the transfer %s: %+v, want allow=%v", c.who, dec, c.sees)
			}
		}
		if dec, _ := access.Check(ctx, d, north, access.CaseView, w.leo, now.Add(1)); dec.Allow {
			t.Errorf("the old team's manager still reaches Leo: %+v", dec)
		}
	})
}
