package record_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/record"
)

// transferWorld is the tiny demo seen from a transfer between two of the
// council's casework teams: Daniel manages South, which holds Leo's case;
// Samantha manages North, where Lucy is a coordinator.
type transferWorld struct {
	demoWorld
	daniel, samantha, amira, lucy, marcus access.Actor
	south, north                          string
	leo, kai                              string
	southKids                             []string // other children whose case South holds
}

const handoverNote = "Leo's annual review is due in March; his mother prefers phone calls after 3pm."

func newTransferWorld(t *testing.T, d *db.DB) transferWorld {
	w := transferWorld{demoWorld: tinyDemo(t, d)}
	w.daniel, w.amira, w.marcus = w.persona("Daniel Okafor"), w.persona("Amira Hussain"), w.persona("Marcus Reid")
	w.south = w.daniel.TeamID
	w.north = w.one("SELECT id FROM organisations WHERE name = 'SEND Casework Team – North Worcestershire'")
	staffIn := func(org, role string) access.Actor {
		return w.actor(w.one(`SELECT p.id FROM people p JOIN role_grants g ON g.person_id = p.id AND g.role = $2
			WHERE p.organisation_id = $1 ORDER BY p.id LIMIT 1`, org, role))
	}
	w.samantha, w.lucy = staffIn(w.north, "send_manager"), staffIn(w.north, "ehcp_coordinator")
	w.leo = w.one("SELECT id FROM children WHERE given_name = 'Leo' AND family_name = 'Bennett'")
	w.kai = w.one("SELECT c.id FROM children c JOIN people p ON p.id = c.person_id WHERE p.given_name = 'Kai' AND p.family_name = 'Thompson'")
	rows, err := d.Query(`SELECT child_id FROM care_team WHERE organisation_id = $1 AND reason = 'owner' AND child_id <> $2
		ORDER BY child_id LIMIT 8`, w.south, w.leo)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		rows.Scan(&id)
		w.southKids = append(w.southKids, id)
	}
	if len(w.southKids) < 8 {
		t.Fatalf("only %d children held by South", len(w.southKids))
	}
	return w
}

func (w transferWorld) propose(child string) access.Transfer {
	w.t.Helper()
	tr, err := record.ProposeTransfer(context.Background(), w.d, w.daniel, child, w.north, handoverNote)
	if err != nil {
		w.t.Fatalf("propose: %v", err)
	}
	return tr
}

// Bad proposals are refused, naming the field or the reason, and leave nothing behind.
func TestTransferProposalsRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newTransferWorld(t, d)
		cases := []struct {
			name      string
			who       access.Actor
			child, to string
			note      string
			code      apperr.Code
			field     string
		}{
			{"a coordinator may not transfer", w.amira, w.leo, w.north, handoverNote, apperr.Forbidden, ""},
			{"out of reach looks missing", w.marcus, w.leo, w.north, handoverNote, apperr.NotFound, ""},
			{"no such child", w.daniel, "00000000-0000-4000-8000-000000000000", w.north, handoverNote, apperr.NotFound, ""},
			{"a short note", w.daniel, w.leo, w.north, "see file", apperr.Invalid, "note"},
			{"no team", w.daniel, w.leo, "", handoverNote, apperr.Invalid, "organisation"},
			{"the team holding it", w.daniel, w.leo, w.south, handoverNote, apperr.Invalid, "organisation"},
			{"a team with no coordinators", w.daniel, w.leo, w.marcus.TeamID, handoverNote, apperr.Invalid, "organisation"},
			{"a school", w.daniel, w.leo, w.one("SELECT id FROM organisations WHERE name = 'Brookfield Primary School'"), handoverNote, apperr.Invalid, "organisation"},
		}
		for _, c := range cases {
			_, err := record.ProposeTransfer(ctx, d, c.who, c.child, c.to, c.note)
			if apperr.CodeOf(err) != c.code || (c.field != "" && !strings.Contains(err.Error(), c.field+":")) {
				t.Errorf("%s: %v, want %s naming %q", c.name, err, c.code, c.field)
			}
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM transfers") + dbtest.Count(t, d, "SELECT COUNT(*) FROM care_team WHERE status = 'pending'"); n != 0 {
			t.Errorf("refused proposals left %d rows", n)
		}
		w.propose(w.leo)
		if _, err := record.ProposeTransfer(ctx, d, w.daniel, w.leo, w.one("SELECT id FROM organisations WHERE name = 'SEND Casework Team – Wyre Forest'"), handoverNote); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("a second transfer while one waits: %v, want Conflict", err)
		}
	})
}

// Each way a transfer can go, and what can no longer be done to it after.
func TestTransferLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newTransferWorld(t, d)
		accept := func(a access.Actor, coordinator string) func(string) error {
			return func(id string) error { _, err := record.AcceptTransfer(ctx, d, a, id, coordinator); return err }
		}
		reject := func(reason string) func(string) error {
			return func(id string) error { _, err := record.RejectTransfer(ctx, d, w.samantha, id, reason); return err }
		}
		revoke := func(a access.Actor) func(string) error {
			return func(id string) error { _, err := record.RevokeTransfer(ctx, d, a, id); return err }
		}
		type step struct {
			what string
			do   func(id string) error
			want apperr.Code // "" for success
		}
		const because = "The family has not moved: the address was entered in error."
		cases := []struct {
			name   string
			steps  []step
			status string
			link   string // the receiving owner link's status at the end
		}{
			{"proposed, then accepted", []step{
				{"accept with no coordinator", accept(w.samantha, ""), apperr.Invalid},
				{"accept naming a coordinator of the sending team", accept(w.samantha, w.amira.PersonID), apperr.Invalid},
				{"a coordinator accepts", accept(w.amira, w.lucy.PersonID), apperr.NotFound},
				{"someone with no say revokes", revoke(w.marcus), apperr.NotFound},
				{"accept", accept(w.samantha, w.lucy.PersonID), ""},
				{"accept twice", accept(w.samantha, w.lucy.PersonID), apperr.Conflict},
				{"revoke after acceptance", revoke(w.daniel), apperr.Conflict},
				{"reject after acceptance", reject(because), apperr.Conflict},
			}, access.TransferAccepted, "active"},
			{"proposed, then rejected", []step{
				{"reject without a reason", reject("no"), apperr.Invalid},
				{"reject", reject(because), ""},
				{"accept after rejection", accept(w.samantha, w.lucy.PersonID), apperr.Conflict},
				{"revoke after rejection", revoke(w.daniel), apperr.Conflict},
			}, access.TransferRejected, "rejected"},
			{"proposed, then revoked", []step{
				{"revoke", revoke(w.daniel), ""},
				{"accept after revocation", accept(w.samantha, w.lucy.PersonID), apperr.Conflict},
				{"revoke twice", revoke(w.daniel), apperr.Conflict},
			}, access.TransferRevoked, "ended"},
		}
		for i, c := range cases {
			child := w.southKids[i]
			if i == 0 {
				child = w.leo
			}
			tr := w.propose(child)
			for _, s := range c.steps {
				if err := s.do(tr.ID); apperr.CodeOf(err) != s.want && !(s.want == "" && err == nil) {
					t.Errorf("%s: %s: %v, want %q", c.name, s.what, err, s.want)
				}
			}
			status := w.one("SELECT status FROM transfers WHERE id = $1", tr.ID)
			link := w.one("SELECT status FROM care_team WHERE id = $1", tr.LinkID)
			if status != c.status || link != c.link {
				t.Errorf("%s: transfer %s with its link %s, want %s and %s", c.name, status, link, c.status, c.link)
			}
		}
		// Once a transfer is revoked or rejected, the case can be offered again.
		w.propose(w.southKids[2])
		if _, err := audit.Verify(ctx, d); err != nil {
			t.Error(err)
		}
	})
}

// Accepting hands the case over at once: the outgoing coordinator can no
// longer see it, the incoming one sees the record and the note, the family
// is told who their new contact is and how to reach them, and each step is
// audited with old and new values.
func TestTransferAcceptedHandsOver(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newTransferWorld(t, d)
		tr := w.propose(w.leo)
		// While it waits, nothing changes: Amira still sees Leo, Lucy does not, nobody is told.
		if _, err := record.Child(ctx, d, w.amira, w.leo, access.CaseView); err != nil {
			t.Errorf("the case moved before acceptance: %v", err)
		}
		if _, err := record.Child(ctx, d, w.lucy, w.leo, access.CaseView); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("the incoming coordinator sees Leo before acceptance: %v", err)
		}
		if got, err := record.Transfer(ctx, d, w.samantha, tr.ID); err != nil || got.Note != handoverNote || !got.Receiving || got.Child != "Leo Bennett" {
			t.Errorf("the receiving manager reads %+v, %v", got, err)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM outbox"); n != 0 {
			t.Errorf("%d messages before acceptance", n)
		}

		if _, err := record.AcceptTransfer(ctx, d, w.samantha, tr.ID, w.lucy.PersonID); err != nil {
			t.Fatal(err)
		}
		if _, err := record.Child(ctx, d, w.amira, w.leo, access.CaseView); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("the outgoing coordinator still sees Leo: %v", err)
		}
		r, err := record.Child(ctx, d, w.lucy, w.leo, access.CaseView)
		if err != nil {
			t.Fatalf("the incoming coordinator cannot see Leo: %v", err)
		}
		var notes, owners []string
		for _, m := range r.CareTeam {
			if m.Note != "" {
				notes = append(notes, m.Note)
			}
			if m.Reason == access.Owner {
				owners = append(owners, m.Name)
			}
		}
		if len(notes) != 1 || notes[0] != handoverNote {
			t.Errorf("the incoming side sees notes %q, want the handover note", notes)
		}
		if strings.Join(owners, ";") != "Brookfield Primary School;SEND Casework Team – North Worcestershire" {
			t.Errorf("Leo's owners are %v", owners)
		}
		// The other services stay: the educational psychologist and the therapy referral.
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM care_team WHERE child_id = $1 AND status = 'active' AND purpose IN ('educational psychology advice', 'speech and language therapy advice')", w.leo); n != 2 {
			t.Errorf("%d of the other services' links are left, want 2", n)
		}

		rows, err := d.Query("SELECT recipient, subject, what_changed, what_to_do, reference FROM outbox ORDER BY recipient")
		if err != nil {
			t.Fatal(err)
		}
		var told []string
		for rows.Next() {
			var to, subject, changed, todo, ref string
			rows.Scan(&to, &subject, &changed, &todo, &ref)
			told = append(told, to)
			for _, want := range []string{"SEND Casework Team – North Worcestershire", w.lucy.Name, "in place of Amira Hussain"} {
				if !strings.Contains(changed, want) {
					t.Errorf("message to %s does not say %q: %q", to, want, changed)
				}
			}
			if !strings.Contains(todo, "email ") || ref != "transfer-"+tr.ID || !strings.Contains(subject, "SEND team") {
				t.Errorf("message to %s: %q / %q / %q", to, subject, todo, ref)
			}
		}
		rows.Close()
		parents := dbtest.Count(t, d, `SELECT COUNT(*) FROM family_links fl JOIN people p ON p.id = fl.person_id
			WHERE fl.child_id = $1 AND fl.parental_responsibility = $2 AND p.email IS NOT NULL`, w.leo, true)
		if len(told) != parents || !strings.Contains(strings.Join(told, " "), "sarah.bennett@") {
			t.Errorf("told %v, want the %d parents with parental responsibility", told, parents)
		}

		var changes string
		if err := d.QueryRow("SELECT changes FROM audit_events WHERE action = 'child.transfer.accept' AND record_id = $1", tr.ID).Scan(&changes); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`"old":"pending","new":"accepted"`, `"old":"SEND Casework Team – South Worcestershire, Worcestershire County Council"`,
			`"old":"Amira Hussain","new":"` + w.lucy.Name + `"`} {
			if !strings.Contains(changes, want) {
				t.Errorf("audited changes %s lack %s", changes, want)
			}
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events WHERE record_id = $1 AND action IN ('child.transfer.propose', 'transfer.view')", tr.ID); n != 2 {
			t.Errorf("%d audit rows for proposing and reading the transfer, want 2", n)
		}

		// A young person who decides for themself is told in their own name.
		kt, err := record.ProposeTransfer(ctx, d, w.samantha, w.kai, w.south, "Kai has moved to Worcester and starts at the college there in January.")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := record.AcceptTransfer(ctx, d, w.daniel, kt.ID, w.amira.PersonID); err != nil {
			t.Fatal(err)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM outbox WHERE reference = $1 AND recipient LIKE 'kai.thompson@%'", "transfer-"+kt.ID); n != 1 {
			t.Errorf("Kai was sent %d messages, want 1", n)
		}
		if _, err := audit.Verify(ctx, d); err != nil {
			t.Error(err)
		}
	})
}

// Two managers answering one transfer at once: exactly one wins, the other
// is told it was answered, and the rows agree with the winner.
func TestTransferConcurrentAnswers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newTransferWorld(t, d)
		accept := func(id string) error {
			_, err := record.AcceptTransfer(ctx, d, w.samantha, id, w.lucy.PersonID)
			return err
		}
		revoke := func(id string) error { _, err := record.RevokeTransfer(ctx, d, w.daniel, id); return err }
		reject := func(id string) error {
			_, err := record.RejectTransfer(ctx, d, w.samantha, id, "We cannot take this case on until the family's move is confirmed.")
			return err
		}
		races := []struct {
			name   string
			a, b   func(string) error
			status []string // what the winner leaves
		}{
			{"accept and revoke", accept, revoke, []string{access.TransferAccepted, access.TransferRevoked}},
			{"accept and revoke again", accept, revoke, []string{access.TransferAccepted, access.TransferRevoked}},
			{"accept twice", accept, accept, []string{access.TransferAccepted, access.TransferAccepted}},
			{"accept and reject", accept, reject, []string{access.TransferAccepted, access.TransferRejected}},
			{"reject and revoke", reject, revoke, []string{access.TransferRejected, access.TransferRevoked}},
		}
		for i, r := range races {
			tr := w.propose(w.southKids[3+i])
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make([]error, 2)
			for j, f := range []func(string) error{r.a, r.b} {
				wg.Go(func() {
					<-start
					errs[j] = f(tr.ID)
				})
			}
			close(start)
			wg.Wait()
			won := -1
			for j, err := range errs {
				switch {
				case err == nil && won < 0:
					won = j
				case err == nil:
					t.Errorf("%s: both won", r.name)
				case apperr.CodeOf(err) != apperr.Conflict:
					t.Errorf("%s: the loser got %v, want Conflict", r.name, err)
				}
			}
			if won < 0 {
				t.Errorf("%s: nobody won: %v", r.name, errs)
				continue
			}
			if got := w.one("SELECT status FROM transfers WHERE id = $1", tr.ID); got != r.status[won] {
				t.Errorf("%s: the transfer is %s, the winner made it %s", r.name, got, r.status[won])
			}
			owners := dbtest.Count(t, d, "SELECT COUNT(*) FROM care_team WHERE child_id = $1 AND reason = 'owner' AND status = 'active' AND organisation_id IN ($2, $3)", tr.ChildID, w.south, w.north)
			named := dbtest.Count(t, d, "SELECT COUNT(*) FROM care_team WHERE child_id = $1 AND purpose = $2 AND status = 'active'", tr.ChildID, access.NamedContact)
			if owners != 1 || named != 1 {
				t.Errorf("%s: %d owning teams and %d named contacts, want one of each", r.name, owners, named)
			}
		}
		if _, err := audit.Verify(ctx, d); err != nil {
			t.Error(err)
		}
	})
}
