package demo

import (
	"time"

	"joinedup/internal/access"
	"joinedup/internal/date"
	"joinedup/internal/earlyyears"
)

// Early-years notifications (CFA 2014 s23): about 700 over three years in
// the county (the seeds' ~700 pre-school children known this way), scaled by
// area size, spread over the health teams that meet young children most.
var (
	earlyYearsCounty       = 700
	earlyYearsTeamWeights  = map[string]float64{"health_visiting": 0.40, "paediatrics": 0.30, "salt": 0.18, "neurodevelopmental": 0.07, "physio": 0.05}
	earlyYearsOutcomeShare = map[string]float64{earlyyears.AdviceGiven: 0.50, earlyyears.EarlyYearsSupport: 0.40, earlyyears.AssessmentRequested: 0.15}
	earlyYearsNoAction     = 0.10 // of those closed, no action was needed
	earlyYearsLostShare    = 0.03 // older notifications never acknowledged: the DCO's totals should show them
	earlyYearsKnownShare   = 0.10 // young children a team knows but has not (yet) notified, so the form has someone to find
	earlyYearsNeeds        = []string{"Few words at 2 years 6 months and does not yet put two words together; understanding seems limited.",
		"Not yet walking at 20 months, low muscle tone; may need support to join in at nursery.",
		"Limited eye contact and play, distressed by changes in routine; possible social communication needs.",
		"Born prematurely; development across all areas is about a year behind.",
		"Hearing loss diagnosed at newborn screening; will need support with communication."}
	earlyYearsHow = []string{"Face to face at the two-year review", "At the clinic appointment", "By phone, then by letter", "At a home visit"}
	earlyYearsNot = []string{"The child's development has caught up and the setting is meeting their needs.",
		"The family moved out of the area before the council could act."}
)

var earlyYearsCols = []string{"id", "child_id", "council_id", "team_id", "provider_id", "notified_by", "notified_on", "needs",
	"parent_informed_on", "parent_informed_how", "parent_wants_discussion", "voluntary_suggested", "status", "acknowledged_on",
	"acknowledged_by", "closed_by", "closed_at", "created_at"}

// earlyYears gives some of the area's young children an s23 notification
// from one of its health teams, made while they were under compulsory school
// age in the last three years, with a referral link from that team, and the
// council's acknowledgement and what it did as time allowed. A few more young
// children are known to a team without a notification.
func earlyYears(a *area) error {
	r := a.rng("early years")
	today := a.g.today
	from := today.AddMonths(-36)
	var teams []*org
	var weights []float64
	members := map[string][]*staffMember{}
	var council []*staffMember
	for _, s := range a.staff {
		members[s.org.id] = append(members[s.org.id], s)
		for _, c := range a.casework {
			if s.org == c {
				council = append(council, s)
			}
		}
	}
	for i, s := range healthServices {
		if w, ok := earlyYearsTeamWeights[s.key]; ok && len(members[a.healthTeams[i].id]) > 0 {
			teams, weights = append(teams, a.healthTeams[i]), append(weights, w)
		}
	}
	if len(teams) == 0 || len(council) == 0 {
		return nil
	}
	pickTeam := newWeighted(weights)
	trust := map[string]string{} // team id: the id of the trust that runs it (organisations' own rule)
	_, home := trustsFor(a.spec)
	for i := range healthServices {
		trust[a.healthTeams[i].id] = a.trusts[home[i]].id
	}
	// Under compulsory school age at some day of the window, and at least six months old by it.
	type window struct {
		c        *child
		lo, last date.Date
	}
	var young []window
	for _, c := range a.children {
		lo := c.DateOfBirth.AddMonths(6)
		if lo.Before(from) {
			lo = from
		}
		last := earlyyears.CompulsorySchoolAge(c.DateOfBirth).AddDays(-1)
		if last.After(today) {
			last = today
		}
		if !last.Before(lo) {
			young = append(young, window{c, lo, last})
		}
	}
	want := max(12, int(float64(earlyYearsCounty)*a.spec.sizing+0.5))
	r.Shuffle(len(young), func(i, j int) { young[i], young[j] = young[j], young[i] })
	for k, y := range young {
		if k >= want {
			if r.chance(earlyYearsKnownShare) {
				t := teams[pickTeam.draw(r)]
				if err := access.LoadLink(a.g.l, access.Link{ID: r.id(), ChildID: y.c.ID, OrganisationID: t.id, Reason: access.Referral,
					Purpose: "early years health care", GrantedBy: "demo", StartsAt: y.lo.Time()}); err != nil {
					return err
				}
			}
			continue
		}
		t := teams[pickTeam.draw(r)]
		by := pick(r, members[t.id])
		on := y.lo.AddDays(r.IntN(y.last.DaysSince(y.lo) + 1))
		told := on.AddDays(-r.between(0, 14))
		if told.Before(y.c.DateOfBirth) {
			told = y.c.DateOfBirth
		}
		if err := access.LoadLink(a.g.l, access.Link{ID: r.id(), ChildID: y.c.ID, OrganisationID: t.id, Reason: access.Referral,
			Purpose: "early years health care", GrantedBy: "demo", StartsAt: told.AddDays(-30).Time()}); err != nil {
			return err
		}
		var voluntary any
		if len(a.voluntary) > 0 && r.chance(0.5) {
			voluntary = pick(r, a.voluntary).name
		}
		status := earlyyears.Open
		var ackOn, ackBy, closedBy, closedAt any
		ack := on.AddDays(r.between(1, 25))
		if !ack.After(today) && !(today.DaysSince(on) > 60 && r.chance(earlyYearsLostShare)) {
			status, ackOn, ackBy = earlyyears.Acknowledged, ack, pick(r, council).id
			if closed := ack.AddDays(r.between(10, 60)); !closed.After(today) {
				status, closedBy, closedAt = earlyyears.Closed, ackBy, closed.Time().Add(15*time.Hour)
			}
		}
		id := r.id()
		if err := a.g.l.Add("early_years_notifications", earlyYearsCols, id, y.c.ID, a.council.id, t.id, trust[t.id], by.id, on,
			pick(r, earlyYearsNeeds), told, pick(r, earlyYearsHow), r.chance(0.4), voluntary, status, ackOn, ackBy, closedBy, closedAt,
			on.Time().Add(11*time.Hour)); err != nil {
			return err
		}
		if status != earlyyears.Closed {
			continue
		}
		if r.chance(earlyYearsNoAction) {
			if err := a.g.l.Add("early_years_outcomes", []string{"notification_id", "outcome", "note", "ehc_request_id"},
				id, earlyyears.NoAction, pick(r, earlyYearsNot), nil); err != nil {
				return err
			}
			continue
		}
		var did []string
		for _, o := range earlyyears.Outcomes[:3] {
			if r.chance(earlyYearsOutcomeShare[o]) {
				did = append(did, o)
			}
		}
		if len(did) == 0 {
			did = []string{earlyyears.AdviceGiven} // the least the council does
		}
		for _, o := range did {
			var note any
			switch o {
			case earlyyears.AdviceGiven:
				note = "Area SENCO advised the nursery on visual supports and small-group work."
			case earlyyears.EarlyYearsSupport:
				note = "Early years inclusion funding agreed for extra adult support at nursery."
			}
			if err := a.g.l.Add("early_years_outcomes", []string{"notification_id", "outcome", "note", "ehc_request_id"}, id, o, note, nil); err != nil {
				return err
			}
		}
	}
	return nil
}
