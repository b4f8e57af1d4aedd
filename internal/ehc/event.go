package ehc

import (
	"fmt"
	"slices"
	"strings"

	"joinedup/internal/apperr"
	"joinedup/internal/date"
)

// Type is what kind of thing an event records.
type Type uint8

// The event types, in the order a case usually meets them.
const (
	RequestReceived     Type = iota + 1 // a request for an EHC needs assessment received
	LAResponsible                       // the council became responsible for the child: starts the same clocks as a request
	AssessmentDecision                  // the decision whether to assess notified
	AdviceRequested                     // a body asked for advice; its clock runs from Received
	AdviceReceived                      // that body's advice arrived
	NoPlanDecision                      // the decision not to issue a plan notified
	DraftPlanIssued                     // the draft plan served
	FinalPlanIssued                     // the final plan issued
	Exception                           // an evidenced reason a deadline need not be met
	ReviewMeeting                       // an annual review meeting held
	ReviewReportSent                    // the review report circulated
	ReviewDecision                      // the council's decision after a review notified: the review's date
	AmendmentNotice                     // the plan sent with proposed amendments
	AmendedPlanIssued                   // the final amended plan issued
	PhaseTransfer                       // a transfer between phases, on Date
	AdviceWithdrawn                     // a request for advice withdrawn before the body answered
	NoAmendmentDecision                 // the decision not to amend the plan after the notice, notified (reg 22(4)) (last: packed clocks store the number)
	numTypes
)

// Coded values the clock itself looks at.
const (
	Assess            = "assess"
	Maintain          = "maintain"
	Cease             = "cease"
	SettingClosure    = "setting_closure"
	MissedAppointment = "missed_appointment"
)

var reasons = []string{SettingClosure, "personal_circumstances", "absent_from_area", MissedAppointment}

// Event is one dated thing in a case's history. Each type uses some of the fields;
// the engine ignores the others.
type Event struct {
	Type        Type
	Date        date.Date // the day it happened; an exception's first day (JSON "from")
	To          date.Date // an exception's last day; zero while it lasts
	Received    date.Date // the day a body received an advice request; zero means Date
	Code        string    // the type's coded field: source, outcome, reason or kind
	Contributor string    // the body asked for advice, or whose appointment was missed
}

// field is one JSON field of an event type, read into one of Event's fields.
type field struct {
	name     string
	slot     slot
	optional bool
	codes    []string // the values a coded field allows
}

type slot uint8

const (
	inDate slot = iota
	inTo
	inReceived
	inCode
	inContributor
)

var (
	dated    = field{name: "date", slot: inDate}
	fromDate = field{name: "from", slot: inDate}
	contrib  = field{name: "contributor", slot: inContributor}
	types    = [numTypes]struct {
		name   string
		fields []field
	}{
		RequestReceived:     {"request_received", []field{dated, {name: "source", slot: inCode, codes: []string{"parent", "young_person", "setting", "health", "social_care", "other"}}}},
		LAResponsible:       {"la_responsible", []field{dated}},
		AssessmentDecision:  {"assessment_decision", []field{dated, {name: "outcome", slot: inCode, codes: []string{Assess, "refuse"}}}},
		AdviceRequested:     {"advice_requested", []field{dated, contrib, {name: "received", slot: inReceived, optional: true}}},
		AdviceReceived:      {"advice_received", []field{dated, contrib}},
		NoPlanDecision:      {"no_plan_decision", []field{dated}},
		DraftPlanIssued:     {"draft_plan_issued", []field{dated}},
		FinalPlanIssued:     {"final_plan_issued", []field{dated}},
		Exception:           {"exception", []field{{name: "reason", slot: inCode, codes: reasons}, fromDate, {name: "to", slot: inTo, optional: true}, {name: "contributor", slot: inContributor, optional: true}}},
		ReviewMeeting:       {"review_meeting", []field{dated}},
		ReviewReportSent:    {"review_report_sent", []field{dated}},
		ReviewDecision:      {"review_decision", []field{dated, {name: "outcome", slot: inCode, codes: []string{Maintain, "amend", Cease}}}},
		AmendmentNotice:     {"amendment_notice", []field{dated}},
		AmendedPlanIssued:   {"amended_plan_issued", []field{dated}},
		PhaseTransfer:       {"phase_transfer", []field{dated, {name: "kind", slot: inCode, codes: []string{"school", "post16", "post16_other"}}}},
		AdviceWithdrawn:     {"advice_withdrawn", []field{dated, contrib}},
		NoAmendmentDecision: {"no_amendment_decision", []field{dated}},
	}
)

func (t Type) String() string {
	if t > 0 && t < numTypes {
		return types[t].name
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// ParseType returns the type named s (as in JSON), or false.
func ParseType(s string) (Type, bool) {
	for t := RequestReceived; t < numTypes; t++ {
		if types[t].name == s {
			return t, true
		}
	}
	return 0, false
}

func (t Type) fields() []field { return types[t].fields }

// date and text return the Event field a JSON field is read into.
func (e *Event) date(f *field) *date.Date {
	switch f.slot {
	case inDate:
		return &e.Date
	case inTo:
		return &e.To
	case inReceived:
		return &e.Received
	}
	return nil
}

func (e *Event) text(f *field) *string {
	if f.slot == inContributor {
		return &e.Contributor
	}
	return &e.Code
}

// Dates outside these years are typing mistakes, not a child's history.
var earliest, latest = date.Of(1900, 1, 1), date.Of(2999, 12, 31)

func outOfRange(d date.Date) string {
	if d.Before(earliest) || d.After(latest) {
		return fmt.Sprintf("%s is not between %s and %s", d.Time().Format("2006-01-02"), earliest, latest)
	}
	return ""
}

// check returns the first problem with e: the JSON field and what is wrong.
func (e *Event) check() (name, problem string) {
	if e.Type == 0 || e.Type >= numTypes {
		return "type", "missing"
	}
	for i := range e.Type.fields() {
		f := &e.Type.fields()[i]
		if d := e.date(f); d != nil {
			if d.IsZero() && !f.optional {
				return f.name, "missing"
			}
			if !d.IsZero() {
				if problem := outOfRange(*d); problem != "" {
					return f.name, problem
				}
			}
			continue
		}
		s := *e.text(f)
		switch {
		case s == "" && !f.optional:
			return f.name, "missing"
		case s != "" && f.codes != nil && !slices.Contains(f.codes, s):
			return f.name, fmt.Sprintf("%q is not allowed: choose %s", s, strings.Join(f.codes, ", "))
		}
	}
	switch e.Type {
	case AdviceRequested:
		if !e.Received.IsZero() && e.Received.Before(e.Date) {
			return "received", "is before date: a body cannot receive a request before it is sent"
		}
	case Exception:
		if !e.To.IsZero() && e.To.Before(e.Date) {
			return "to", "is before from"
		}
		if e.Code == MissedAppointment && e.Contributor == "" {
			return "contributor", "missing: a missed appointment names the body whose appointment it was"
		}
		if e.Code != MissedAppointment && e.Contributor != "" {
			return "contributor", "only a missed_appointment names a contributor"
		}
	}
	return "", ""
}

// invalid is the error that names event i's field and its problem.
func invalid(i int, name, problem string) error {
	path := fmt.Sprintf("events[%d]", i)
	if name != "" {
		path += "." + name
	}
	return &apperr.Error{Code: apperr.Invalid, Message: "invalid events", Fields: []apperr.Field{{Name: path, Message: problem}}}
}

// Validate returns an error naming the first event with a problem, and the field.
func Validate(events []Event) error {
	for i := range events {
		if name, problem := events[i].check(); problem != "" {
			return invalid(i, name, problem)
		}
	}
	return nil
}
