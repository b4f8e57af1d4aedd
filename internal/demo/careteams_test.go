package demo_test

import (
	"context"
	"strings"
	"testing"

	"joinedup/internal/access"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
)

// The demo people can each reach what their job gives them, and no more:
// checked through the same predicate and Decide every page uses.
func TestPersonasReachWhatTheirJobsGiveThem(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		generate(t, d, demo.Tiny, 1)
		ctx := context.Background()
		now := today.Time().Add(12 * 3600e9)
		var leo string
		if err := d.QueryRow("SELECT id FROM children WHERE given_name = 'Leo' AND family_name = 'Bennett'").Scan(&leo); err != nil {
			t.Fatal(err)
		}
		reach := func(email string, p access.Permission) (int, access.Decision) {
			var id string
			if err := d.QueryRow("SELECT id FROM people WHERE email = $1", email).Scan(&id); err != nil {
				t.Fatalf("%s: %v", email, err)
			}
			a, err := access.LoadActor(ctx, d, id)
			if err != nil {
				t.Fatal(err)
			}
			cond, args := access.Predicate(a, p, "c.id", now, 1)
			n := dbtest.Count(t, d, "SELECT COUNT(*) FROM children c WHERE "+cond, args...)
			dec, err := access.Check(ctx, d, a, p, leo, now)
			if err != nil {
				t.Fatal(err)
			}
			return n, dec
		}
		byEmail := map[string]string{}
		for _, p := range demo.Personas() {
			byEmail[p.Name] = p.Email
		}
		cases := []struct {
			who       string
			p         access.Permission
			least     int // children reachable, at least
			most      int
			seesLeo   bool
			leoReason string
		}{
			{"Amira Hussain", access.CaseView, 5, 200, true, "allocated worker"},          // an EHCP coordinator's own caseload
			{"Daniel Okafor", access.CaseView, 50, 10000, true, "owning team"},            // the manager: every plan in the council
			{"Tom Nguyen", access.CaseView, 1, 200, true, "accepted referral (via team)"}, // speech and language therapy referrals
			{"Tom Nguyen", access.CaseEdit, 0, 0, false, ""},                              // a referral is a purpose-limited view
			{"Rachel Evans", access.CaseView, 1, 200, true, "owning team"},                // the SENCO: Brookfield's pupils
			{"Marcus Reid", access.CaseView, 0, 0, false, ""},                             // the Local Offer editor sees no child
			{"Joanne Price", access.Safeguard, 1, 1, true, "allocated worker"},            // Leo's social worker may share his record for safeguarding
			{"Sarah Bennett", access.FamilyView, 1, 3, true, "parental responsibility"},   // Leo's mother
			{"Kai Thompson", access.FamilyView, 1, 1, false, ""},                          // the young person: himself only
		}
		for _, c := range cases {
			n, dec := reach(byEmail[c.who], c.p)
			if n < c.least || n > c.most {
				t.Errorf("%s %s: reaches %d children, want %d to %d", c.who, c.p, n, c.least, c.most)
			}
			if dec.Allow != c.seesLeo || (c.seesLeo && !contains(dec.Reason, c.leoReason)) {
				t.Errorf("%s %s Leo: %+v, want allow=%v (%s)", c.who, c.p, dec, c.seesLeo, c.leoReason)
			}
		}
	})
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
