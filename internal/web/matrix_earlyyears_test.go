package web

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/earlyyears"
)

// earlyYearsMatrix is the access matrix of the early-years notification pages
// (issue 5, point 6). {nid} is an open notification Tom's team sent about a
// child under compulsory school age (freshEarlyYears), so every state's actor
// meets the same one: Amira and Daniel are the council's SEND team it was sent
// to (earlyyears.manage, on the role, whatever their link to the {id} child);
// Tom is the team that sent it (earlyyears.notify, through his team's
// referral); families and the signed-out are refused by the route's
// permission. An empty form is refused naming what is missing; recording what
// the council did before acknowledging is a conflict. Only Daniel (the SEND
// manager) holds earlyyears.report here.
var earlyYearsMatrix = func() map[string]map[string]int {
	amira := []string{"allocated coordinator", "coordinator, no relationship", "coordinator, break-glass"}
	tom := []string{"therapist, referral accepted", "therapist, referral revoked", "therapist, consent withdrawn"}
	daniel := []string{"manager, owning team"}
	m := func(def int, get bool, sets ...any) map[string]int {
		out := map[string]int{"": def}
		if get {
			out["anonymous"], out["disabled account"] = 303, 303
		}
		for i := 0; i < len(sets); i += 2 {
			for _, s := range sets[i].([]string) {
				out[s] = sets[i+1].(int)
			}
		}
		return out
	}
	return map[string]map[string]int{
		"GET /staff/early-years/notify":             m(403, true, tom, 200),
		"POST /staff/early-years/notify":            m(403, false, tom, 422),
		"GET /staff/early-years":                    m(403, true, amira, 200, daniel, 200),
		"GET /staff/early-years/summary":            m(403, true, daniel, 200),
		"GET /staff/early-years/summary.csv":        m(403, true, daniel, 200),
		"GET /staff/early-years/{nid}":              m(403, true, amira, 200, daniel, 200, tom, 200),
		"POST /staff/early-years/{nid}/acknowledge": m(403, false, amira, 422, daniel, 422),
		"POST /staff/early-years/{nid}/record":      m(403, false, amira, 409, daniel, 409),
		"GET /family/children/{id}/early-years": {"": 403, "anonymous": 303, "disabled account": 303, "parent of the child": 200,
			"parent, another child": 404, "young person, own record": 200, "young person, another child": 404},
	}
}()

// freshEarlyYears fills {nid} with the open notification from Tom's team, made once.
func (w matrixPeople) freshEarlyYears(t *testing.T, d *db.DB, path string) string {
	t.Helper()
	if !strings.Contains(path, "{nid}") {
		return path
	}
	ctx := context.Background()
	tom, err := access.LoadActor(ctx, d, w.tom)
	if err != nil {
		t.Fatal(err)
	}
	var nid string
	err = d.QueryRow("SELECT id FROM early_years_notifications WHERE notified_by = $1 AND status = 'open' ORDER BY id LIMIT 1", w.tom).Scan(&nid)
	if errors.Is(err, sql.ErrNoRows) {
		_, nhs := earlyYearsChild(t, d, tom.TeamID)
		n, err2 := earlyyears.Notify(ctx, d, tom, earlyyears.Input{NHSNumber: nhs, Needs: "Few words at two and a half years old",
			ParentInformed: true, ParentInformedOn: date.Today(db.Now()), ParentInformedHow: "At the clinic", ParentWantsDiscussion: "no"})
		nid, err = n.ID, err2
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(path, "{nid}", nid)
}

// earlyYearsChild is a child under four with an NHS number, no notification
// and no health team's link, now referred to team.
func earlyYearsChild(t *testing.T, d *db.DB, team string) (id, nhs string) {
	t.Helper()
	ctx := context.Background()
	today := date.Today(db.Now())
	if err := d.QueryRow(`SELECT c.id, c.nhs_number FROM children c WHERE c.nhs_number IS NOT NULL AND c.date_of_birth > $1
		AND NOT EXISTS (SELECT 1 FROM early_years_notifications n WHERE n.child_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM care_team ct JOIN organisations o ON o.id = ct.organisation_id WHERE ct.child_id = c.id AND o.kind = 'nhs_team')
		ORDER BY c.id LIMIT 1`, today.AddMonths(-48)).Scan(&id, &nhs); err != nil {
		t.Fatal(err)
	}
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		_, err := access.AddLink(ctx, tx, access.Link{ChildID: id, OrganisationID: team, Reason: access.Referral,
			Purpose: "early years health care", GrantedBy: "test", StartsAt: db.Now().Add(-48 * time.Hour)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id, nhs
}
