package demo

import (
	"time"

	"joinedup/internal/access"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/ehc"
	"joinedup/internal/people"
)

// Shares behind the EHC histories, from the seeds: 59% of plans issued within
// 20 weeks locally (46.4% nationally); review decisions within 4 weeks in
// about 44% of cases nationally. The rest are the generator's own guesses.
const (
	onTimePlanShare      = 0.59
	lateDecisionShare    = 0.10 // decisions whether to assess after 6 weeks
	lateAdviceShare      = 0.25 // a body's advice after its 6 weeks
	excusedShare         = 0.15 // late plans with an exception that excuses them
	reviewDecisionOnTime = 0.44
	amendShare           = 0.35 // review decisions to amend the plan
	missedReviewShare    = 0.08 // plans whose last review is overdue
	// requestShare of children on SEN support have a request in progress or
	// refused in the last 30 weeks: about 1,500 requests a year in a county.
	requestShare = 0.025
	refuseShare  = 0.25 // decisions not to assess
)

// adviceBodies are the bodies asked for advice (reg 6(1)), by the names staff use.
var adviceBodies = []string{"Educational psychology", "Health (community paediatrics)", "Social care", "School or setting"}

// ehcCases gives every child with an EHC plan the history that led to it and
// followed it (request, decision, advice, draft, final, annual reviews,
// amendments, phase transfers; some on time, some late, some excused), and a
// few children on SEN support a request in progress or refused, with the
// casework team and a coordinator linked to them. Every history passes the
// checks a coordinator's form does (casework.Check).
func ehcCases(a *area) error {
	r := a.rng("ehc cases")
	today := a.g.today
	at := today.Time().AddDate(0, 0, -1)
	coordinators := map[string][]*staffMember{} // by casework team
	for _, s := range a.staff {
		if s.role == "EHCP coordinator" {
			coordinators[s.org.id] = append(coordinators[s.org.id], s)
		}
	}
	next := map[string]int{}
	health := a.healthAdvice() // health advice in the teams' queues (advice.go)
	for _, c := range a.children {
		team := a.casework[c.locality]
		coords := coordinators[team.id]
		if len(coords) == 0 {
			continue
		}
		coord := coords[next[team.id]%len(coords)]
		next[team.id]++
		var events []casework.Event
		switch {
		case c.SENProvision == people.EHCPlan:
			events = planHistory(r, c, today)
		case c.SENProvision == people.SENSupport && r.chance(requestShare):
			if coord.persona != "" { // the persona's caseload stays as the tests know it
				continue
			}
			events = requestHistory(r, c, today)
			// The casework team owns the request and a coordinator is its named contact.
			for _, l := range []access.Link{
				{ChildID: c.ID, OrganisationID: team.id, Reason: access.Owner, Purpose: "EHC needs assessment casework"},
				{ChildID: c.ID, PersonID: coord.id, Reason: access.Allocated, Purpose: access.NamedContact},
			} {
				l.ID, l.GrantedBy, l.StartsAt = r.id(), "demo", events[0].Date.Time()
				if err := access.LoadLink(a.g.l, l); err != nil {
					return err
				}
			}
		}
		if len(events) == 0 {
			continue
		}
		for i := range events {
			events[i].ID = r.id()
		}
		var err error
		if events, err = health.add(c, events, coord, today); err != nil {
			return err
		}
		if err := casework.Load(a.g.l, casework.Loaded{ID: r.id(), ChildID: c.ID, TeamID: team.id, RecordedBy: coord.id, At: at, Events: events}); err != nil {
			return err
		}
		a.g.sum.EHCCases++
		a.g.sum.EHCEvents += len(events)
	}
	return nil
}

// history builds a case's events in the order they happen.
type history struct {
	r      *rng
	events []casework.Event
}

func (h *history) add(t ehc.Type, d date.Date, code, contributor, note string) {
	h.events = append(h.events, casework.Event{Event: ehc.Event{Type: t, Date: d, Code: code, Contributor: contributor}, Note: note})
}

var sources = []string{"parent", "parent", "parent", "setting", "setting", "young_person", "health", "social_care", "other"}
var channels = []string{"letter", "email", "email", "online", "phone"}

// assessment adds a request, the decision to assess, advice from some bodies
// and, when done, the draft: it returns the day after the last of them.
// A plan's assessment (finish) has every advice by until.
func (h *history) assessment(start date.Date, until date.Date, refuse, finish bool) (date.Date, bool) {
	r := h.r
	h.events = append(h.events, casework.Event{Event: ehc.Event{Type: ehc.RequestReceived, Date: start, Code: pick(r, sources)}, Channel: pick(r, channels)})
	decided := start.AddDays(r.between(21, 42))
	if r.chance(lateDecisionShare) {
		decided = start.AddDays(r.between(43, 63))
	}
	if decided.After(until) {
		return start, false
	}
	if refuse {
		h.add(ehc.AssessmentDecision, decided, "refuse", "", "The evidence shows the school can meet the needs from its own resources with the SEN support now in place.")
		return decided, false
	}
	h.add(ehc.AssessmentDecision, decided, ehc.Assess, "", "")
	last := decided
	bodies := adviceBodies[:r.between(2, len(adviceBodies))]
	for _, b := range bodies {
		asked := decided.AddDays(r.between(1, 5))
		if asked.After(until) {
			continue
		}
		h.add(ehc.AdviceRequested, asked, "", b, "")
		got := asked.AddDays(r.between(20, 42))
		if r.chance(lateAdviceShare) {
			got = asked.AddDays(r.between(43, 80))
		}
		if got.After(until) {
			if !finish {
				continue
			}
			got = until
		}
		h.add(ehc.AdviceReceived, got, "", b, "")
		if got.After(last) {
			last = got
		}
	}
	draft := last.AddDays(r.between(3, 21))
	if draft.After(until) {
		return last, false
	}
	h.add(ehc.DraftPlanIssued, draft, "", "", "")
	return draft, true
}

// requestHistory is a request made in the last 30 weeks: in progress, refused,
// or ended with a decision not to issue a plan.
func requestHistory(r *rng, c *child, today date.Date) []casework.Event {
	h := &history{r: r}
	start := today.AddDays(-r.between(3, 210))
	draft, drafted := h.assessment(start, today, r.chance(refuseShare), false)
	if drafted && r.chance(0.5) { // a plan not yet final is a draft; some end with no plan instead
		h.events = h.events[:len(h.events)-1]
		if d := draft.AddDays(-r.between(0, 3)); !d.After(today) && start.AddDays(16*7).After(d) {
			h.add(ehc.NoPlanDecision, d, "", "", "The assessment found the needs can be met at SEN support with the advice given.")
		}
	}
	return h.events
}

// planHistory is the whole history of a plan: the assessment that led to it,
// then annual reviews, amendments and phase transfers up to today.
func planHistory(r *rng, c *child, today date.Date) []casework.Event {
	h := &history{r: r}
	// The plan is up to ten years old, and not older than the child less two years, nor the 2014 reforms.
	years := min(max(c.age-2, 0), 10)
	final := today.AddDays(-r.between(30, 30+365*years))
	if first := date.Of(2015, time.March, 1); final.Before(first) {
		final = first.AddDays(r.between(0, 300))
	}
	weeks := r.between(13, 20)
	if !r.chance(onTimePlanShare) {
		weeks = r.between(21, 40)
	}
	start := final.AddDays(-7 * weeks)
	if c.SENProvision == people.EHCPlan && r.chance(0.03) {
		h.add(ehc.LAResponsible, start, "", "", "Moved into the area with a plan from another council")
		h.add(ehc.AssessmentDecision, start.AddDays(r.between(5, 30)), ehc.Assess, "", "")
		h.add(ehc.DraftPlanIssued, final.AddDays(-r.between(15, 25)), "", "", "")
	} else {
		if _, drafted := h.assessment(start, final.AddDays(-15), false, true); !drafted {
			h.add(ehc.DraftPlanIssued, final.AddDays(-r.between(15, 25)), "", "", "")
		}
	}
	if weeks > 20 && r.chance(excusedShare) {
		from := start.AddDays(r.between(7, 60))
		h.events = append(h.events, casework.Event{Event: ehc.Event{Type: ehc.Exception, Date: from, To: from.AddDays(r.between(28, 70)), Code: pick(r, []string{"personal_circumstances", "absent_from_area"})},
			Note: "Letter from the family explaining their circumstances, on file"})
	}
	h.add(ehc.FinalPlanIssued, final, "", "", "")

	// Annual reviews: each cycle runs 12 months from the plan or the last review decision.
	from := final
	for cycle := 0; ; cycle++ {
		due := from.AddMonths(12)
		meeting := due.AddDays(-r.between(14, 60))
		if r.chance(0.15) {
			meeting = due.AddDays(r.between(-10, 50))
		}
		decided := meeting.AddDays(r.between(10, 28))
		if !r.chance(reviewDecisionOnTime) {
			decided = meeting.AddDays(r.between(29, 70))
		}
		lastDue := !due.After(today) && due.AddMonths(12).After(today)
		if lastDue && r.chance(missedReviewShare) { // the review is overdue: no meeting yet
			break
		}
		if decided.After(today) {
			if !meeting.After(today) {
				h.add(ehc.ReviewMeeting, meeting, "", "", "")
			}
			break
		}
		h.add(ehc.ReviewMeeting, meeting, "", "", "")
		if sent := meeting.AddDays(r.between(5, 20)); !sent.After(today) {
			h.add(ehc.ReviewReportSent, sent, "", "", "")
		}
		outcome := ehc.Maintain
		if r.chance(amendShare) {
			outcome = "amend"
		}
		h.add(ehc.ReviewDecision, decided, outcome, "", "")
		if outcome == "amend" {
			notice := decided.AddDays(r.between(0, 14))
			if !notice.After(today) {
				h.add(ehc.AmendmentNotice, notice, "", "", "")
				if issued := notice.AddDays(r.between(20, 75)); !issued.After(today) {
					h.add(ehc.AmendedPlanIssued, issued, "", "", "")
				}
			}
		}
		from = decided
	}

	// Phase transfers: to secondary school in the September the child is 11,
	// to post-16 in the September they are 16; past ones since the plan, and
	// the next one if it is within a year.
	for _, move := range []struct {
		age  int
		kind string
	}{{11, "school"}, {16, "post16"}} {
		y := c.DateOfBirth.Year() + move.age
		if c.DateOfBirth.Month() >= time.September {
			y++
		}
		on := date.Of(y, time.September, 1)
		// A past move is recorded where the plan was reviewed for it (R17, R18), a coming one always.
		if on.After(final) && on.Before(today.AddMonths(12)) && (on.After(today) || h.reviewedBefore(on)) {
			h.add(ehc.PhaseTransfer, on, move.kind, "", "")
		}
	}
	return h.events
}

// reviewedBefore reports whether the plan was kept or amended in the 12 months before a move.
func (h *history) reviewedBefore(on date.Date) bool {
	for _, e := range h.events {
		if !e.Date.Before(on.AddMonths(-12)) && e.Date.Before(on) &&
			((e.Type == ehc.ReviewDecision && e.Code == ehc.Maintain) || e.Type == ehc.AmendedPlanIssued) {
			return true
		}
	}
	return false
}
