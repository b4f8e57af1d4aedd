package demo

import (
	"fmt"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/advice"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/ehc"
)

// isHealthLead reports whether a health team job is its lead's (healthServices'
// lead titles), who assigns the team's requests for advice (issue 5).
func isHealthLead(job string) bool {
	for _, s := range healthServices {
		if job == s.lead {
			return true
		}
	}
	return false
}

// healthBody is the name ehc.go gives health advice; healthAdvice gives it to a real team.
const healthBody = "Health (community paediatrics)"

// Which team is asked for health advice (paediatrics most often, then speech
// and language therapy), and the shares behind the advice the demo returns.
var (
	adviceTeamWeights = map[string]float64{"paediatrics": 0.40, "salt": 0.25, "ot": 0.10, "physio": 0.05, "camhs": 0.10,
		"health_visiting": 0.05, "school_nursing": 0.05}
	missedAppointmentShare = 0.35 // late or overdue health advice excused by a missed appointment (reg 8(2))
	assignedShare          = 0.75 // open requests a team lead has given to someone
	reviewedShare          = 0.70 // advice the DCO has rated, of that older than 4 weeks
	reusedShare            = 0.10 // advice already held and sufficient (reg 6(4))
)

// Invented advice, by section, in the plain words the plan needs.
var (
	adviceNeeds = []string{"Finds it hard to understand instructions of more than two steps, especially in a noisy room.",
		"Has low muscle tone and tires quickly when writing or standing for long.",
		"Becomes very anxious at transitions and may refuse to enter the classroom.",
		"Speech is hard for unfamiliar adults to understand; uses gestures to fill the gaps.",
		"Has difficulty with fine motor tasks such as fastening buttons and using scissors."}
	adviceProvision = [][3]string{{"Speech and language therapist", "30 minutes weekly", "two school terms, then reviewed"},
		{"Occupational therapist", "a programme set up in school, reviewed each half term", "one year"},
		{"Teaching assistant trained by the therapist", "10 minutes daily", "the school year"},
		{"CAMHS practitioner", "fortnightly sessions", "12 weeks"},
		{"Physiotherapist", "a block of 6 sessions and a home programme", "six months"}}
	adviceWhat     = []string{"Direct therapy on understanding language", "Sensory and motor programme", "Daily practice of the therapy targets", "Support to manage anxiety", "Strengthening programme"}
	adviceOutcomes = []string{"By the end of the school year, follows three-step instructions in class without prompting.",
		"Within six months, writes for 10 minutes without a rest.",
		"By the end of next term, enters the classroom calmly with a familiar adult on most days."}
	adviceViews = []string{"Says they like it when the teacher shows pictures.", "Mother says mornings are the hardest part of the day.",
		"Says they want to play football with friends at break."}
	adviceFeedback = []string{"Clear and specific; thank you.", "Please say how often the provision is needed, in hours or sessions.",
		"Avoid 'receptive language': say what the child finds hard.", "The child's own views are missing; please add them."}
)

// healthAdvice is what the health advice of an area's cases is drawn from:
// its own random stream, the teams asked, their staff and the DCOs.
type healthAdvice struct {
	a       *area
	r       *rng
	teams   []*org
	pick    weighted
	members map[string][]*staffMember
	dcos    []*staffMember
}

func (a *area) healthAdvice() *healthAdvice {
	h := &healthAdvice{a: a, r: a.rng("health advice"), members: map[string][]*staffMember{}}
	var weights []float64
	for i, s := range healthServices {
		if w, ok := adviceTeamWeights[s.key]; ok {
			h.teams, weights = append(h.teams, a.healthTeams[i]), append(weights, w)
		}
	}
	h.pick = newWeighted(weights)
	for _, s := range a.staff {
		h.members[s.org.id] = append(h.members[s.org.id], s)
		if s.org == a.dco && s.role == "Designated Clinical Officer" {
			h.dcos = append(h.dcos, s)
		}
	}
	return h
}

// add gives a case's health advice to one of the area's provider
// teams: the clock's events carry the team's name, the request is in the
// team's queue (advice_requests) with the date the clock gives, the team has
// a referral link to the child, and advice received comes with a version the
// DCO may have rated. Some late or overdue advice is excused by a missed
// appointment, the only exception a body's advice may rely on besides
// personal circumstances. It draws on its own stream r, never the case's.
func (h *healthAdvice) add(c *child, events []casework.Event, coord *staffMember, today date.Date) ([]casework.Event, error) {
	a, r, teams, members := h.a, h.r, h.teams, h.members
	n := len(events)
	for i := range n {
		asked := &events[i]
		if asked.Type != ehc.AdviceRequested || asked.Contributor != healthBody {
			continue
		}
		ds, err := ehc.Deadlines([]ehc.Event{asked.Event}, today)
		if err != nil {
			return nil, fmt.Errorf("demo: %+v: %w", asked.Event, err)
		}
		if len(ds) != 1 { // asked before the SEND Regulations 2014 set the 6 weeks
			continue
		}
		team := teams[h.pick.draw(r)]
		var got *casework.Event
		for j := i + 1; j < n; j++ {
			if events[j].Type == ehc.AdviceReceived && events[j].Contributor == healthBody {
				got = &events[j]
				break
			}
		}
		asked.Contributor = team.name
		if got != nil {
			got.Contributor = team.name
		}
		from, due := ds[0].From, ds[0].Due
		late := (got != nil && got.Date.After(due)) || (got == nil && today.After(due))
		if late && r.chance(missedAppointmentShare) {
			missed := from.AddDays(r.between(7, 35))
			if missed.After(today) {
				missed = today
			}
			events = append(events, casework.Event{Event: ehc.Event{Type: ehc.Exception, Date: missed, To: missed,
				Code: ehc.MissedAppointment, Contributor: team.name}, ID: r.id(),
				Note: "The family did not attend the clinic appointment offered on " + missed.Time().Format("2 January 2006")})
		}
		link := access.Link{ID: r.id(), ChildID: c.ID, OrganisationID: team.id, Reason: access.Referral, Purpose: advice.LinkPurpose,
			GrantedBy: coord.id, StartsAt: asked.Date.Time()}
		if err := access.LoadLink(a.g.l, link); err != nil {
			return nil, err
		}
		var assignee any = coord.id // who returned it, where the team has nobody
		if staff := members[team.id]; len(staff) > 0 && (got != nil || r.chance(assignedShare)) {
			assignee = pick(r, staff).id
		} else if got == nil {
			assignee = nil // still unassigned in the team's queue
		}
		status := advice.Open
		if got != nil {
			status = advice.Submitted
		}
		id := r.id()
		if err := a.g.l.Add("advice_requests", adviceRequestCols, id, c.ID, link.OrganisationID, asked.Contributor,
			"Health advice for the EHC needs assessment: needs, provision and outcomes", "The family agreed on the request form",
			asked.Date, from, due, status, assignee, link.ID, asked.ID, coord.id, asked.Date.Time().Add(10*time.Hour)); err != nil {
			return nil, err
		}
		if got == nil {
			continue
		}
		if err := h.version(id, got, assignee, today); err != nil {
			return nil, err
		}
	}
	return events, nil
}

var adviceRequestCols = []string{"id", "child_id", "team_id", "contributor", "question", "consent", "sent_on", "received_on", "due_on",
	"status", "assigned_to", "link_id", "requested_event_id", "requested_by", "requested_at"}

// adviceVersion loads the first version of a team's advice, returned on the
// day the clock's advice_received says, and perhaps the DCO's rating of it.
func (h *healthAdvice) version(request string, got *casework.Event, by any, today date.Date) error {
	a, r, dcos := h.a, h.r, h.dcos
	id, at := r.id(), got.Date.Time().Add(14*time.Hour)
	reused := r.chance(reusedShare)
	var agreement any
	if reused {
		agreement = "Agreed with the family and the coordinator that the team's report of last year is still accurate"
	}
	status := advice.AwaitingQA
	// The DCO has caught up with everything older than 4 months, and most of the rest older than 4 weeks.
	age := today.DaysSince(got.Date)
	reviewed := len(dcos) > 0 && (age > 120 || (age > 28 && r.chance(reviewedShare)))
	if reviewed {
		status = advice.Reviewed
	}
	if err := a.g.l.Add("advice_submissions", []string{"id", "request_id", "version", "reused", "reuse_agreement", "status",
		"received_event_id", "submitted_by", "submitted_at"}, id, request, 1, reused, agreement, status, got.ID, by, at); err != nil {
		return err
	}
	k := r.IntN(len(adviceProvision))
	rows := [][]any{{advice.Need, pick(r, adviceNeeds), nil, nil, nil, "Clinic assessment"}}
	if !reused {
		p := adviceProvision[k]
		rows = append(rows, []any{advice.Provision, adviceWhat[k], p[0], p[1], p[2], "Clinic assessment"},
			[]any{advice.Outcome, pick(r, adviceOutcomes), nil, nil, nil, "Agreed with the family"},
			[]any{advice.View, pick(r, adviceViews), nil, nil, nil, "Conversation at the appointment"})
	}
	for i, row := range rows {
		if err := a.g.l.Add("advice_statements", []string{"submission_id", "seq", "section", "body", "who", "how_often", "how_long", "source"},
			append([]any{id, i + 1}, row...)...); err != nil {
			return err
		}
	}
	if !reviewed {
		return nil
	}
	rid := r.id()
	if err := a.g.l.Add("advice_reviews", []string{"id", "submission_id", "feedback", "reviewed_by", "reviewed_at"},
		rid, id, pick(r, adviceFeedback), pick(r, dcos).id, at.AddDate(0, 0, r.between(3, 20))); err != nil {
		return err
	}
	for _, c := range []string{"needs", "provision", "outcomes", "jargon", "voice", "timeliness"} {
		rating := pick(r, []string{"green", "green", "green", "amber", "amber", "red"})
		if err := a.g.l.Add("advice_ratings", []string{"review_id", "criterion_id", "rating"}, rid, c, rating); err != nil {
			return err
		}
	}
	return nil
}
