package web

import (
	"context"
	"database/sql"
	"net/url"
	"strings"
	"testing"

	"joinedup/internal/access"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/people"
	"joinedup/internal/record"
)

// fresh fills {tid} with a new pending transfer of Leo, proposed by Daniel to
// another casework team, and {aid} with a new unreviewed break-glass alert of
// his council, so each request of the access matrix has one to act on
// whatever the request before it did.
func (w matrixPeople) fresh(t *testing.T, d *db.DB, path string) string {
	t.Helper()
	ctx := context.Background()
	load := func(id string) access.Actor {
		a, err := access.LoadActor(ctx, d, id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if strings.Contains(path, "{tid}") {
		daniel := load(w.daniel)
		pending, err := access.PendingTransfer(ctx, d, w.leo)
		if err == nil && pending != "" {
			_, err = record.RevokeTransfer(ctx, d, daniel, pending)
		}
		if err != nil {
			t.Fatal(err)
		}
		to, err := access.Receivers(ctx, d, w.leo)
		if err != nil || len(to) == 0 {
			t.Fatalf("no team can take Leo's case: %v", err)
		}
		tr, err := record.ProposeTransfer(ctx, d, daniel, w.leo, to[0].ID, "The family is moving house at the end of the month.")
		if err != nil {
			t.Fatal(err)
		}
		path = strings.ReplaceAll(path, "{tid}", tr.ID)
	}
	if strings.Contains(path, "{aid}") {
		var alert string
		err := d.Transact(ctx, func(tx *sql.Tx) error {
			l, err := access.BreakGlassAccess(ctx, tx, load(w.amira), w.glass, "carer phoned in crisis out of hours", db.Now())
			if err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, "SELECT id FROM access_alerts WHERE care_team_id = $1", l.ID).Scan(&alert)
		})
		if err != nil {
			t.Fatal(err)
		}
		path = strings.ReplaceAll(path, "{aid}", alert)
	}
	return path
}

// A transfer is there only for the managers of the two organisations it
// involves: to a manager of another council it looks exactly like one that
// does not exist, whatever they try to do to it.
func TestTransferHiddenLooksMissing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		h, w := matrixServer(t, d)
		s := &people.Store{DB: d}
		council, err := s.CreateOrganisation(ctx, people.Organisation{Kind: people.Council, Name: "Elsewhere Council"})
		if err != nil {
			t.Fatal(err)
		}
		elsa, err := s.CreatePerson(ctx, people.Person{Kind: people.Staff, GivenName: "Elsa", FamilyName: "Testperson", OrganisationID: council.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Transact(ctx, func(tx *sql.Tx) error {
			return access.GrantRole(ctx, tx, elsa.ID, "send_manager", "", "test", db.Now())
		}); err != nil {
			t.Fatal(err)
		}
		tid := w.fresh(t, d, "{tid}")
		missing := "00000000-0000-4000-8000-000000000000"
		accept := url.Values{"decision": {"accept"}, "coordinator": {w.amira}}
		for _, c := range []struct {
			who, method, path string
			form              url.Values
			want              int
		}{
			{elsa.ID, "GET", "/staff/transfers/" + tid, nil, 404},
			{w.daniel, "GET", "/staff/transfers/" + missing, nil, 404},
			{elsa.ID, "POST", "/staff/transfers/" + tid, accept, 404},
			{w.daniel, "POST", "/staff/transfers/" + missing, accept, 404},
			{elsa.ID, "POST", "/staff/transfers/" + tid + "/revoke", nil, 404},
			{w.daniel, "POST", "/staff/transfers/" + missing + "/revoke", nil, 404},
			{elsa.ID, "GET", "/staff/children/" + w.leo + "/transfer", nil, 404},
			{w.daniel, "GET", "/staff/transfers/" + tid, nil, 200},
		} {
			if got := request(t, h, d, c.method, c.path, c.who, c.form); got != c.want {
				t.Errorf("%s %s as %s: %d, want %d", c.method, c.path, c.who, got, c.want)
			}
		}
		if got, _ := access.PendingTransfer(ctx, d, w.leo); got != tid {
			t.Errorf("the transfer changed: pending %q, want %q", got, tid)
		}
	})
}
