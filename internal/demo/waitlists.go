package demo

import (
	"math"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/waitlist"
	waitstore "joinedup/internal/waitlist/store"
)

// A pathway the demo gives a health team, with its share of the area's
// referrals and the shape of its waits: days waited are maxDays × u^shape (u
// uniform), so a smaller shape is a fatter tail of long waits.
type pathwaySpec struct {
	team, service, name string
	regime              waitlist.Regime
	share               float64
	maxDays             int
	shape               float64
}

// The seeds: autism and ADHD waits past 104 weeks after referrals tripled;
// therapy waits of 36 weeks and more.
var pathwaySpecs = []pathwaySpec{
	{"neurodevelopmental", "autism", "Autism assessment", waitlist.CHS, 0.30, 1150, 1.2},
	{"neurodevelopmental", "adhd", "ADHD assessment", waitlist.RTT, 0.15, 1000, 1.3},
	{"salt", "salt", "Speech and language therapy", waitlist.CHS, 0.20, 420, 1.2},
	{"ot", "ot", "Occupational therapy", waitlist.CHS, 0.08, 360, 1.3},
	{"physio", "physio", "Physiotherapy", waitlist.CHS, 0.05, 200, 1.5},
	{"camhs", "camhs", "CAMHS", waitlist.CHS, 0.12, 500, 1.4},
	{"paediatrics", "paediatrics", "Community paediatrics", waitlist.RTT, 0.10, 400, 1.4},
}

// countyReferrals is the size of Worcestershire's lists (open and completed in
// the last year); other areas scale it by their plans.
const countyReferrals = 3500

// Invented providers: the independent provider the commissioner buys assessments
// from (the seeds' 900), and those families choose under Right to Choose.
var (
	commissionedProvider = "Brightpath Assessment Services Ltd"
	choiceProviders      = []string{"Choice Neurodiversity Partners", "Meadowlark Neurodevelopmental Clinic"}
)

var priorityReasons = map[string][]string{
	"routine": {"meets the referral criteria; no immediate risk", "difficulties at home and school, managing at present"},
	"soon":    {"struggling to attend school", "family under strain; school reports escalating difficulties"},
	"urgent":  {"risk of school placement breaking down", "referrer reports risk to the child's safety"},
}

// waitingLists gives the area's health teams their waiting lists and refers
// children to them: ~3,500 referrals in the county, seven in ten still waiting
// (the backlog), the rest seen in the last year. Some miss their first
// appointment, some are moved to an independent provider the commissioner pays,
// some choose another provider under Right to Choose. Each child's team can
// read its referral (a care-team link, reason referral).
func waitingLists(a *area) error {
	r := a.rng("waiting lists")
	now := db.Now()
	today := a.g.today
	kids := make([]*child, 0, len(a.children))
	for _, c := range a.children {
		if c.age < 18 {
			kids = append(kids, c)
		}
	}
	if len(kids) == 0 {
		return nil
	}
	total := int(math.Round(countyReferrals * a.spec.sizing))
	for _, ps := range pathwaySpecs {
		team := a.healthTeam(ps.team)
		if team == nil {
			continue
		}
		p := waitstore.Pathway{ID: r.id(), TeamID: team.id, Service: ps.service, Regime: ps.regime, Name: ps.name}
		if err := waitstore.LoadPathway(a.g.l, p, now); err != nil {
			return err
		}
		referred := map[string]bool{}
		n := int(math.Round(float64(total) * ps.share))
		for range n {
			c := pick(r, kids)
			leo := a.personas && ps.service == "salt" && c.GivenName == "Leo" && c.FamilyName == personaByKey("parent").family
			if referred[c.ID] || leo {
				continue // one referral per child and pathway; Leo's is made below
			}
			referred[c.ID] = true
			ref := a.referral(r, ps, p, c, today)
			if err := a.loadReferral(r, ref, ps, team, now); err != nil {
				return err
			}
		}
		if a.personas && ps.service == "salt" {
			if leo := a.childNamed("Leo", personaByKey("parent").family); leo != nil {
				// Leo has waited 40 weeks (280 days) for speech and language therapy, and went to his first appointment.
				ref := waitstore.Referral{ID: a.rng("waiting lists: Leo").id(), PathwayID: p.ID, ChildID: leo.ID, Source: "school",
					Received: today.AddDays(-280), Priority: "routine", PriorityReason: priorityReasons["routine"][1],
					Events: []waitlist.Event{{Kind: waitlist.AppointmentAttended, Date: today.AddDays(-190)}}}
				if err := a.loadReferral(r, ref, ps, team, now); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (a *area) childNamed(given, family string) *child {
	for _, c := range a.children {
		if c.GivenName == given && c.FamilyName == family {
			return c
		}
	}
	return nil
}

func (a *area) loadReferral(r *rng, ref waitstore.Referral, ps pathwaySpec, team *org, now time.Time) error {
	if err := waitstore.LoadReferral(a.g.l, ref, ps.regime, a.g.today, "demo", now); err != nil {
		return err
	}
	return access.LoadLink(a.g.l, access.Link{ID: r.id(), ChildID: ref.ChildID, OrganisationID: team.id, Reason: access.Referral,
		Purpose: ps.name + " waiting list", GrantedBy: "demo", StartsAt: ref.Received.Time()})
}

// referral makes one child's referral and its history up to today.
func (a *area) referral(r *rng, ps pathwaySpec, p waitstore.Pathway, c *child, today date.Date) waitstore.Referral {
	waited := func() int { return 1 + int(float64(ps.maxDays)*math.Pow(r.Float64(), ps.shape)) }
	end := today // the last day anything happens: today, or the day the clock stopped
	stopped := r.chance(0.3)
	if stopped {
		end = today.AddDays(-r.between(1, 365))
	}
	received := end.AddDays(-waited())
	priority := choose(r, priorities, []float64{0.03, 0.12, 0.85})
	ref := waitstore.Referral{ID: r.id(), PathwayID: p.ID, ChildID: c.ID, Received: received, Priority: priority,
		PriorityReason: pick(r, priorityReasons[priority])}
	switch {
	case c.age < 4:
		ref.Source = choose(r, []string{"health_visitor", "gp", "paediatrician", "parent"}, []float64{4, 3, 2, 1})
	default:
		ref.Source = choose(r, []string{"school", "gp", "paediatrician", "parent", "social_care", "other"}, []float64{5, 4, 1, 2, 1, 1})
	}
	span := end.DaysSince(received)
	day := received
	// later returns a day from lo to hi days after the last event, or false if that passes the end.
	later := func(lo, hi int) (date.Date, bool) {
		d := day.AddDays(r.between(lo, hi))
		if d.After(end) {
			return date.Date{}, false
		}
		day = d
		return d, true
	}
	nullified := false
	if r.chance(0.08) {
		if d, ok := later(20, min(120, max(20, span))); ok {
			e := waitlist.Event{Kind: waitlist.FirstAppointmentDNA, Date: d}
			if r.chance(0.75) {
				if rb, ok := later(1, 14); ok {
					e.Rebooked = rb
				}
			}
			nullified = e.Rebooked.IsZero() && ps.regime == waitlist.RTT
			ref.Events = append(ref.Events, e)
		}
	}
	if !nullified && r.chance(0.4) {
		if d, ok := later(20, 150); ok {
			ref.Events = append(ref.Events, waitlist.Event{Kind: waitlist.AppointmentAttended, Date: d})
		}
	}
	neuro := ps.team == "neurodevelopmental"
	if neuro && !nullified && span > 365 {
		switch x := r.Float64(); {
		case x < 0.20: // bought from the independent sector to clear the backlog: the clock goes on
			if d, ok := later(30, 300); ok {
				ref.Events = append(ref.Events, waitlist.Event{Kind: waitlist.Transfer, Date: d, Transfer: waitlist.Commissioned, Provider: commissionedProvider})
			}
		case x < 0.26: // Right to Choose: a new referral elsewhere, a new clock
			if d, ok := later(60, 400); ok {
				ref.Events = append(ref.Events, waitlist.Event{Kind: waitlist.Transfer, Date: d, Transfer: waitlist.NewReferral, Provider: pick(r, choiceProviders)})
			}
		}
	}
	if stopped && (!nullified || r.chance(0.5)) {
		reason := waitlist.AssessmentComplete
		if neuro {
			reason = choose(r, []waitlist.Reason{waitlist.AssessmentComplete, waitlist.Discharged, waitlist.Declined, waitlist.NotTreated}, []float64{85, 5, 5, 5})
		} else {
			reason = choose(r, []waitlist.Reason{waitlist.Treatment, waitlist.ActiveMonitoring, waitlist.Discharged, waitlist.Declined, waitlist.NotTreated}, []float64{70, 10, 10, 5, 5})
		}
		if nullified {
			reason = waitlist.Discharged // after a missed first appointment and no rebooking
		}
		ref.Events = append(ref.Events, waitlist.Event{Kind: waitlist.ClockStop, Date: end, Reason: reason})
	}
	return ref
}

// priorities are the triage priorities, most urgent first.
var priorities = []string{"urgent", "soon", "routine"}
