package record_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/record"
)

func TestRecordReadsAreFilteredAndAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := tinyDemo(t, d)
		actor := w.persona
		amira, marcus, sarah, kai := actor("Amira Hussain"), actor("Marcus Reid"), actor("Sarah Bennett"), actor("Kai Thompson")

		list, total, err := record.Caseload(ctx, d, amira, 500)
		if err != nil || total == 0 || len(list) != total {
			t.Fatalf("Amira's caseload: %d of %d, %v", len(list), total, err)
		}
		var leo string
		for _, s := range list {
			if s.Name == "Leo Bennett" {
				leo = s.ID
			}
		}
		if leo == "" {
			t.Fatal("Leo is not on his coordinator's caseload")
		}
		if _, _, err := record.Caseload(ctx, d, marcus, 500); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("Local Offer editor's caseload: %v, want Forbidden", err)
		}

		before := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events")
		r, err := record.Child(ctx, d, amira, leo, access.CaseView)
		if err != nil {
			t.Fatal(err)
		}
		if r.Name != "Leo Bennett" || r.Access != "allocated worker" || len(r.CareTeam) < 2 || len(r.Carers) == 0 {
			t.Errorf("Leo's record: %+v", r)
		}
		var action, reason, req string
		if err := d.QueryRow("SELECT action, reason, request_id FROM audit_events WHERE child_id = $1 ORDER BY seq DESC LIMIT 1", leo).Scan(&action, &reason, &req); err != nil ||
			action != "child.view" || reason != "allocated worker" || req != "test-Amira" {
			t.Errorf("audit row: %s %q %s, %v", action, reason, req, err)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events"); n != before+1 {
			t.Errorf("one read wrote %d audit rows", n-before)
		}

		// Hidden and missing look the same, and a refused read is not a read.
		for _, id := range []string{leo, "00000000-0000-4000-8000-000000000000"} {
			if _, err := record.Child(ctx, d, marcus, id, access.CaseView); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("Local Offer editor reading %s: %v, want NotFound", id, err)
			}
		}
		if _, err := record.Child(ctx, d, kai, leo, access.FamilyView); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another family reading Leo: %v, want NotFound", err)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events"); n != before+1 {
			t.Errorf("refused reads wrote audit rows: %d", n-before-1)
		}

		// Leo's mother sees him, and who has looked: the council, the role, the date; no staff names unless the partnership shows them.
		kids, err := record.FamilyChildren(ctx, d, sarah)
		if err != nil || len(kids) == 0 || kids[0].Name != "Leo Bennett" {
			t.Fatalf("Sarah's children: %+v, %v", kids, err)
		}
		log, err := record.AccessLog(ctx, d, sarah, leo, false, 50)
		if err != nil {
			t.Fatal(err)
		}
		var sawAmira bool
		for _, l := range log {
			if l.Role == "EHCP coordinator" && l.What == "Looked at the record" {
				sawAmira = true
				if strings.Contains(l.Who, "Amira") {
					t.Errorf("staff name shown although the partnership does not show names: %q", l.Who)
				}
			}
		}
		if !sawAmira {
			t.Errorf("the access log does not show the coordinator's look: %+v", log)
		}
		named, _ := record.AccessLog(ctx, d, sarah, leo, true, 50)
		if !strings.Contains(fmtLooks(named), "Amira Hussain") {
			t.Errorf("names not shown when the partnership shows them: %+v", named)
		}
		if _, err := audit.Verify(ctx, d); err != nil {
			t.Errorf("audit chain after reads: %v", err)
		}
	})
}

func fmtLooks(ls []record.Look) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.Who + ";")
	}
	return b.String()
}

// demoWorld is the tiny demo partnership at a fixed time, for the record tests.
type demoWorld struct {
	t *testing.T
	d *db.DB
}

// tinyDemo loads the tiny demo into d and fixes db.Now for the rest of the test.
func tinyDemo(t *testing.T, d *db.DB) demoWorld {
	t.Helper()
	if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
		t.Fatal(err)
	}
	old := db.Now
	t.Cleanup(func() { db.Now = old })
	db.Now = func() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) }
	return demoWorld{t, d}
}

// one returns the single value a query finds.
func (w demoWorld) one(q string, args ...any) string {
	w.t.Helper()
	var s string
	if err := w.d.QueryRow(q, args...).Scan(&s); err != nil {
		w.t.Fatalf("%s: %v", q, err)
	}
	return s
}

// actor loads the person with id as an actor.
func (w demoWorld) actor(id string) access.Actor {
	w.t.Helper()
	a, err := access.LoadActor(context.Background(), w.d, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

// persona is the demo person called name, as an actor whose requests are tagged with their first name.
func (w demoWorld) persona(name string) access.Actor {
	w.t.Helper()
	for _, p := range demo.Personas() {
		if p.Name == name {
			a := w.actor(w.one("SELECT id FROM people WHERE email = $1", p.Email))
			a.RequestID = "test-" + strings.Fields(name)[0]
			return a
		}
	}
	w.t.Fatalf("no persona %s", name)
	return access.Actor{}
}
