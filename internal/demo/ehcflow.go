package demo

import (
	"strings"
	"time"

	"joinedup/internal/appeal"
	"joinedup/internal/casework"
	"joinedup/internal/date"
)

// MediationAdviser is the demo partnership's mediation adviser (invented).
const MediationAdviser = "Kingsbridge SEND Mediation Service (independent of the council): 0300 000 0421, mediation@kingsbridge-mediation.example.org"

// Shares behind the workflow around the clock: the generator's own guesses.
const (
	letterShare       = 0.6  // appealable decisions with their letter recorded here
	disagreeShare     = 0.2  // letters after which the family contacts the mediation adviser
	wantsMediation    = 0.45 // of those, the share who want mediation (the rest ask for a certificate)
	appealShare       = 0.5  // of those with a certificate, the share who appeal
	askAgainShare     = 0.3  // refused requests followed by a new request made online, waiting
	flowEarliestYear  = 2018 // letters need working days, which appeal/holidays.csv has from here
	requestWaitMaxAge = 10   // days a new request has waited at most
)

// ehcFlow adds the workflow around the clock to the area's cases: the
// online requests behind requests that came in online (accepted), new
// requests waiting after a refusal, decision letters with how each was sent,
// and the mediation and tribunal steps after some of them. The personas'
// children are left as the tests know them.
func ehcFlow(a *area) error {
	if err := a.g.l.Flush(); err != nil { // the cases must be readable
		return err
	}
	r := a.rng("ehc flow")
	tx := a.g.l.Tx()
	today := a.g.today
	var emails []string
	for _, p := range personas {
		emails = append(emails, p.email())
	}
	inArea := map[string]bool{}
	for _, c := range a.children {
		inArea[c.ID] = true
	}
	// Every event that matters here, with the child's first parent with
	// parental responsibility: this area's cases only, found through their
	// teams, so a national load reads each case once, not once an area.
	teams := make([]string, len(a.casework))
	for i, t := range a.casework {
		teams[i] = t.id
	}
	rows, err := tx.QueryContext(a.g.ctx, `SELECT e.id, k.id, k.child_id, k.team_id, k.stage, e.type, e.event_date, COALESCE(e.code, ''),
		COALESCE(e.channel, ''), COALESCE(e.note, ''), e.recorded_by,
		COALESCE((SELECT MIN(fl.person_id) FROM family_links fl WHERE fl.child_id = k.child_id AND fl.parental_responsibility = $1), '')
		FROM ehc_events e JOIN ehc_cases k ON k.id = e.case_id
		WHERE k.team_id IN ('`+strings.Join(teams, "', '")+`')
		AND e.type IN ('request_received', 'assessment_decision', 'no_plan_decision', 'final_plan_issued', 'amended_plan_issued', 'review_decision')
		AND NOT EXISTS (SELECT 1 FROM family_links fl JOIN people p ON p.id = fl.person_id WHERE fl.child_id = k.child_id
			AND p.email IN ('`+strings.Join(emails, "', '")+`'))
		AND NOT EXISTS (SELECT 1 FROM children ch JOIN people p ON p.id = ch.person_id WHERE ch.id = k.child_id
			AND p.email IN ('`+strings.Join(emails, "', '")+`'))
		ORDER BY k.child_id, e.event_date, e.seq`, true)
	if err != nil {
		return err
	}
	type row struct {
		event, caseID, child, team, stage, typ, code, channel, note, by, parent string
		on                                                                      date.Date
	}
	var all []row
	for rows.Next() {
		var x row
		if err := rows.Scan(&x.event, &x.caseID, &x.child, &x.team, &x.stage, &x.typ, &x.on, &x.code, &x.channel, &x.note, &x.by, &x.parent); err != nil {
			rows.Close()
			return err
		}
		if inArea[x.child] {
			all = append(all, x)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	lastRefusal := map[string]row{}
	for _, x := range all {
		at := x.on.Time().Add(10*time.Hour + time.Duration(r.between(0, 360))*time.Minute)
		switch {
		case x.typ == "request_received" && x.channel == "online" && x.code == "parent" && x.parent != "":
			if err := a.g.l.Add("ehc_requests", requestCols, r.id(), x.child, x.team, "parent", onlineReasons[r.IntN(len(onlineReasons))],
				x.parent, at.UTC(), x.on, nil, nil, casework.Accepted, x.event, x.by, at.Add(26*time.Hour).UTC()); err != nil {
				return err
			}
		case x.typ == "assessment_decision" && x.code == "refuse":
			lastRefusal[x.child] = x
		}
		kind := letterKinds[x.typ+"/"+x.code]
		if kind == "" {
			kind = letterKinds[x.typ]
		}
		if kind == "" || x.on.Year() < flowEarliestYear || !r.chance(letterShare) {
			continue
		}
		sentAt := time.Date(x.on.Year(), x.on.Month(), x.on.Day(), r.between(9, 17), r.between(0, 59), 0, 0, appeal.London)
		method := pick(r, []string{appeal.Email, appeal.Email, appeal.Email, appeal.Post, appeal.Post, appeal.Portal, appeal.Hand})
		deemed, err := appeal.DeemedReceived(method, sentAt)
		if err != nil {
			return err
		}
		reasons := x.note
		if len(reasons) < 20 {
			reasons = letterReasons[kind]
		}
		letter := r.id()
		if err := a.g.l.Add("ehc_letters", letterCols, letter, x.child, x.caseID, x.event, kind, x.on, reasons, MediationAdviser, method,
			sentAt.UTC(), deemed, x.by, sentAt.UTC()); err != nil {
			return err
		}
		if !r.chance(disagreeShare) {
			continue
		}
		// The steps after the letter, as far as they have gone by today.
		if err := func() error {
			seq := 0
			step := func(s string, on date.Date, outcome string) (bool, error) {
				if on.After(today) {
					return false, nil
				}
				seq++
				var out any
				if outcome != "" {
					out = outcome
				}
				return true, a.g.l.Add("ehc_disputes", stepCols, r.id(), letter, x.child, seq, s, on, out, nil, x.by, on.Time().Add(15*time.Hour).UTC())
			}
			contacted := x.on.AddDays(r.between(7, 40))
			wants := r.chance(wantsMediation)
			outcome := "declined"
			if wants {
				outcome = "wants_mediation"
			}
			ok, err := step(casework.AdviserContacted, contacted, outcome)
			if !ok || err != nil {
				return err
			}
			from := contacted
			if wants {
				held := contacted.AddDays(r.between(14, 30))
				if ok, err = step(casework.MediationHeld, held, pick(r, []string{"agreed", "partly_agreed", "not_agreed", "not_agreed"})); !ok || err != nil {
					return err
				}
				from = held
			}
			cert, err := appeal.AddWorkingDays(from, r.between(1, 3))
			if err != nil {
				return nil // beyond the holiday list: stop here rather than guess
			}
			if ok, err = step(casework.CertificateIssued, cert, ""); !ok || err != nil || !r.chance(appealShare) {
				return err
			}
			registered := cert.AddDays(r.between(5, 25))
			if ok, err = step(casework.AppealRegistered, registered, ""); !ok || err != nil {
				return err
			}
			hearing := registered.AddDays(r.between(100, 150))
			if ok, err = step(casework.Hearing, hearing, ""); !ok || err != nil {
				return err
			}
			if _, err = step(casework.TribunalDecision, hearing.AddDays(r.between(7, 21)), pick(r, orderFor[kind])); err != nil {
				return err
			}
			return nil
		}(); err != nil {
			return err
		}
	}
	// Some families ask again online after a refusal: a request waiting with the team.
	for _, x := range all {
		last, ok := lastRefusal[x.child]
		if !ok || last.event != x.event || x.stage != casework.NotAssessed || x.parent == "" || today.DaysSince(x.on) < 56 || !r.chance(askAgainShare) {
			continue
		}
		on := today.AddDays(-r.between(0, requestWaitMaxAge))
		at := on.Time().Add(time.Duration(r.between(8*60, 21*60)) * time.Minute)
		if err := a.g.l.Add("ehc_requests", requestCols, r.id(), x.child, x.team, "parent", onlineReasons[r.IntN(len(onlineReasons))],
			x.parent, at.UTC(), on, nil, nil, casework.Waiting, nil, nil, nil); err != nil {
			return err
		}
	}
	return nil
}

var (
	requestCols = []string{"id", "child_id", "team_id", "source", "reasons", "made_by", "made_at", "received_on", "consent_given_by",
		"consent_given_on", "status", "event_id", "accepted_by", "accepted_at"}
	letterCols = []string{"id", "child_id", "case_id", "event_id", "kind", "decision_on", "reasons", "adviser", "method", "sent_at",
		"deemed_on", "issued_by", "issued_at"}
	stepCols = []string{"id", "letter_id", "child_id", "seq", "step", "step_date", "outcome", "note", "recorded_by", "recorded_at"}
)

var letterKinds = map[string]string{
	"assessment_decision/refuse": casework.RefuseAssessment, "no_plan_decision": casework.NoPlanLetter,
	"final_plan_issued": casework.FinalPlanLetter, "amended_plan_issued": casework.AmendedLetter, "review_decision/cease": casework.CeaseLetter,
}

var letterReasons = map[string]string{
	casework.RefuseAssessment: "The evidence shows the school can meet the needs from its own resources with the SEN support now in place.",
	casework.NoPlanLetter:     "The assessment found needs the school can meet with the support it has planned, without an EHC plan.",
	casework.FinalPlanLetter:  "The plan sets out the needs the assessment found and the provision to meet each of them, after the family's comments on the draft.",
	casework.AmendedLetter:    "The plan is amended as proposed after the annual review, with the changes the family asked for where the council agreed.",
	casework.CeaseLetter:      "The outcomes in the plan have been met and the young person's needs can now be met without an EHC plan.",
}

// orderFor are the orders a tribunal might make on each kind of appeal.
var orderFor = map[string][]string{
	casework.RefuseAssessment: {"assess", "assess", "dismissed"},
	casework.NoPlanLetter:     {"issue_plan", "dismissed"},
	casework.FinalPlanLetter:  {"amend_contents", "amend_placement", "dismissed"},
	casework.AmendedLetter:    {"amend_contents", "amend_placement", "dismissed"},
	casework.CeaseLetter:      {"continue_plan", "dismissed"},
}

// onlineReasons are requests in a parent's own words (invented).
var onlineReasons = []string{
	"My son is falling further behind every term and the school says it has done all it can with SEN support.",
	"She has stopped going into school most mornings and the support plan has not helped with her anxiety.",
	"His speech therapist and the school both think he needs more help than the school can give on its own.",
	"We have had three years of support plans and her reading age is still four years behind.",
}
