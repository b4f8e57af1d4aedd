// Package storetest builds waiting lists for benchmarks and tests beside the demo's own.
package storetest

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"joinedup/internal/access"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/waitlist"
	"joinedup/internal/waitlist/store"
)

// AddList gives the neurodevelopmental team a combined pathway with n children
// on it (their team may read each), and returns the pathway and the team: a list of
// the size issue 7 measures its page at, beside the county demo's own. Its
// referrals span three years, a third seen once and some transferred.
func AddList(b testing.TB, d *db.DB, n int, census date.Date) (pathway, team string) {
	ctx := context.Background()
	if err := d.QueryRow("SELECT team_id FROM waitlist_pathways WHERE service = 'autism'").Scan(&team); err != nil {
		b.Fatal(err)
	}
	rows, err := d.Query("SELECT id FROM children WHERE date_of_birth > $1 ORDER BY id LIMIT $2", census.AddDays(-17*365), n)
	if err != nil {
		b.Fatal(err)
	}
	var kids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		kids = append(kids, id)
	}
	rows.Close()
	if len(kids) != n {
		b.Fatalf("%d children under 17", len(kids))
	}
	pathway = "00000000-0000-4000-8000-00000000c0de"
	r := rand.New(rand.NewPCG(7, 3000))
	now := db.Now()
	err = d.Load(ctx, func(ld *db.Loader) error {
		if err := store.LoadPathway(ld, store.Pathway{ID: pathway, TeamID: team, Service: "neurodevelopmental", Regime: waitlist.CHS, Name: "Neurodevelopmental assessment (combined)"}, now); err != nil {
			return err
		}
		for i, c := range kids {
			received := census.AddDays(-1 - int(1100*math.Pow(r.Float64(), 1.2)))
			ref := store.Referral{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), PathwayID: pathway, ChildID: c, Source: "school",
				Received: received, Priority: "routine", PriorityReason: "meets the referral criteria"}
			if span := census.DaysSince(received); span > 60 && i%3 == 0 {
				ref.Events = append(ref.Events, waitlist.Event{Kind: waitlist.AppointmentAttended, Date: received.AddDays(30)})
				if i%9 == 0 {
					ref.Events = append(ref.Events, waitlist.Event{Kind: waitlist.Transfer, Date: received.AddDays(60), Transfer: waitlist.Commissioned, Provider: "Brightpath Assessment Services Ltd"})
				}
			}
			if err := store.LoadReferral(ld, ref, waitlist.CHS, census, "bench", now); err != nil {
				return err
			}
			if err := access.LoadLink(ld, access.Link{ChildID: c, OrganisationID: team, Reason: access.Referral, Purpose: "waiting list", GrantedBy: "bench", StartsAt: received.Time()}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return pathway, team
}
