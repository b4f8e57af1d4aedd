// Package casework is the EHC case and its events as staff and families read
// and change them. Every function takes the actor, checks it with
// access.Decide, reads through access.Predicate so a child out of reach is
// never read, and writes the audit row with the reason in the same
// transaction, as package record does.
//
// Deadlines are never stored: every read computes them with internal/ehc from
// the stored events, so the web, `joinedup clock` and later dashboards agree.
// A new event is refused, and nothing is stored, unless the whole history
// with it passes the clock's own validation and the order rules (rules.go).
//
// The functions take and return plain values, so a JSON API handler is a
// thin wrapper around each.
package casework

import (
	"slices"
	"time"

	"joinedup/internal/date"
	"joinedup/internal/ehc"
)

// Stages of a case, where it stands after its latest event.
const (
	Requested   = "requested"    // a request received (or the council became responsible)
	Assessing   = "assessing"    // a decision to assess: advice, then a draft
	NotAssessed = "not_assessed" // a decision not to assess
	Draft       = "draft"        // a draft plan served
	Plan        = "plan"         // a final plan in place: reviews, amendments, transfers
	NoPlan      = "no_plan"      // a decision not to issue a plan
	Ceased      = "ceased"       // the plan ended after a review decided to cease it
)

// StageWords says a stage for staff and families alike.
var StageWords = map[string]string{
	Requested:   "Request for an EHC needs assessment received",
	Assessing:   "EHC needs assessment under way",
	NotAssessed: "The council decided not to carry out an EHC needs assessment",
	Draft:       "Draft EHC plan sent for the family's comments",
	Plan:        "EHC plan in place",
	NoPlan:      "The council decided not to issue an EHC plan",
	Ceased:      "EHC plan ended",
}

// Event is one recorded event: what the clock reads, and what the workflow adds.
type Event struct {
	ehc.Event
	ID         string
	Seq        int    // the order it was recorded in, from 1
	Channel    string // how a request arrived: letter, phone, email, in_person, online
	Note       string // reasons for a decision, evidence for an exception
	RecordedBy string // who recorded it (a name)
	RecordedAt time.Time
}

// Case is a child's EHC case with every deadline as of today.
type Case struct {
	ID        string
	ChildID   string
	ChildName string
	Team      string // the coordinating team
	// Coordinator is the named contact, with how the family reaches them; "" when none is allocated.
	Coordinator, CoordinatorEmail, CoordinatorPhone string
	Opened                                          date.Date
	Stage                                           string
	Events                                          []Event // by date, then the order recorded
	Deadlines                                       []ehc.Deadline
	Today                                           date.Date
	Access                                          string // why the reader may see it, as audited
	// Online requests, decision letters and what followed them (request.go, letters.go, disputes.go).
	Requests []Request
	Letters  []Letter
}

// Exists reports whether the child has an EHC case at all.
func (c Case) Exists() bool { return c.ID != "" }

// Open returns the deadlines not yet done (pending, overdue, or overdue but
// excused), soonest first: what happens next, and by when.
func (c Case) Open() []ehc.Deadline { return open(c.Deadlines) }

func open(ds []ehc.Deadline) []ehc.Deadline {
	var out []ehc.Deadline
	for _, d := range ds {
		if d.Done.IsZero() && !d.Due.IsZero() {
			out = append(out, d)
		}
	}
	return out
}

// RAG is a case's red, amber or green state, always with words.
type RAG struct {
	Colour string // red, amber, green
	Words  string
}

// Red, amber and green: red when a deadline has passed undone without an
// excuse; amber when one is due within two weeks, or has passed undone but is
// excused; green otherwise.
const amberDays = 14

// StateOf gives the state of a case from its open deadlines as of today.
func StateOf(openDeadlines []ehc.Deadline, today date.Date) RAG {
	if len(openDeadlines) == 0 {
		return RAG{"green", "Nothing due"}
	}
	for _, d := range openDeadlines {
		if d.Status == ehc.Overdue {
			return RAG{"red", "Overdue"}
		}
	}
	for _, d := range openDeadlines {
		if d.Status == ehc.Excused {
			return RAG{"amber", "Overdue, excused"}
		}
	}
	if !openDeadlines[0].Due.After(today.AddDays(amberDays)) {
		return RAG{"amber", "Due within 2 weeks"}
	}
	return RAG{"green", "On track"}
}

// StageOf says where a case stands after its events: the latest event that
// moves it, by date (and, on one day, in the order a case meets them).
func StageOf(events []ehc.Event) string {
	sorted := slices.Clone(events)
	slices.SortStableFunc(sorted, func(a, b ehc.Event) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return int(a.Type) - int(b.Type)
	})
	stage := Requested
	for _, e := range sorted {
		switch e.Type {
		case ehc.RequestReceived, ehc.LAResponsible:
			if stage != Plan && stage != Draft { // a request while a plan is kept changes nothing
				stage = Requested
			}
		case ehc.AssessmentDecision:
			if e.Code == ehc.Assess {
				stage = Assessing
			} else {
				stage = NotAssessed
			}
		case ehc.NoPlanDecision:
			stage = NoPlan
		case ehc.DraftPlanIssued:
			stage = Draft
		case ehc.FinalPlanIssued, ehc.AmendedPlanIssued:
			stage = Plan
		case ehc.ReviewDecision:
			if e.Code == ehc.Cease {
				stage = Ceased
			}
		}
	}
	return stage
}

// MetBy names the events that meet each rule, for "what met it".
var MetBy = map[string]string{
	"R2": "the decision whether to assess", "R3": "the advice received", "R4": "the decision not to issue a plan",
	"R5": "the final plan", "R6": "the final plan", "R10": "the review decision", "R13": "the review report",
	"R14": "the review decision", "R15": "the amended plan or the decision not to amend", "R16": "the amended plan or the decision not to amend",
	"R17": "the amended plan or decision to keep it", "R18": "the amended plan or decision to keep it",
	"R19": "the amended plan or decision to keep it",
}

// StatusWords says a deadline's status in plain English.
var StatusWords = map[ehc.Status]string{
	ehc.Met: "Met", ehc.Missed: "Missed (done late)", ehc.Excused: "Excused", ehc.Overdue: "Overdue",
	ehc.Pending: "Not yet due", ehc.Breached: "Breached (done too early)",
}

// TypeWords names each event type as a person would.
var TypeWords = map[string]string{
	"request_received":      "Request for an assessment received",
	"la_responsible":        "Council became responsible",
	"assessment_decision":   "Decision whether to assess",
	"advice_requested":      "Advice requested",
	"advice_received":       "Advice received",
	"advice_withdrawn":      "Request for advice withdrawn",
	"no_plan_decision":      "Decision not to issue a plan",
	"draft_plan_issued":     "Draft plan issued",
	"final_plan_issued":     "Final plan issued",
	"exception":             "Exception recorded",
	"review_meeting":        "Annual review meeting held",
	"review_report_sent":    "Review report sent",
	"review_decision":       "Decision after the annual review",
	"amendment_notice":      "Proposed amendments sent",
	"amended_plan_issued":   "Amended plan issued",
	"phase_transfer":        "Phase transfer",
	"no_amendment_decision": "Decision not to amend the plan",
}
