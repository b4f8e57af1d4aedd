package casework

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/ehc"
)

// Input is a new event as a form or an API sends it. Field names in errors
// are the clock's JSON names (date, from, to, received, source, outcome,
// reason, kind, contributor) and channel and note.
type Input struct {
	Type        string
	Date        date.Date // an exception's first day ("from")
	To          date.Date // an exception's last day, if known
	Received    date.Date // the day a body received an advice request, if not Date
	Code        string    // source, outcome, reason or kind
	Contributor string
	Channel     string
	Note        string
}

// Channels a request can arrive by.
var Channels = []string{"letter", "phone", "email", "in_person", "online"}

// codeField is the name of each type's coded field, as the clock's JSON has it.
var codeField = map[ehc.Type]string{ehc.RequestReceived: "source", ehc.AssessmentDecision: "outcome",
	ehc.Exception: "reason", ehc.ReviewDecision: "outcome", ehc.PhaseTransfer: "kind"}

// dateField is the name of the date field: an exception's is "from".
func dateField(t ehc.Type) string {
	if t == ehc.Exception {
		return "from"
	}
	return "date"
}

// event turns an input into the clock's event, or says which field is wrong.
func (in Input) event() (ehc.Event, error) {
	t, ok := ehc.ParseType(in.Type)
	if !ok {
		return ehc.Event{}, invalid("type", "Choose what happened")
	}
	e := ehc.Event{Type: t, Date: in.Date, Code: cleanText(in.Code), Contributor: cleanText(strings.ReplaceAll(in.Contributor, "\n", " "))}
	switch t {
	case ehc.Exception:
		e.To = in.To
	case ehc.AdviceRequested:
		e.Received = in.Received
	}
	if t != ehc.AdviceRequested && t != ehc.AdviceReceived && t != ehc.AdviceWithdrawn && !(t == ehc.Exception && e.Code == ehc.MissedAppointment) {
		e.Contributor = ""
	}
	if _, coded := codeField[t]; !coded {
		e.Code = ""
	}
	if err := ehc.Validate([]ehc.Event{e}); err != nil {
		return e, clockError(err)
	}
	return e, nil
}

// clockError renames the clock's "events[0].field" to the field itself and
// says its problem as a sentence.
func clockError(err error) error {
	var ae *apperr.Error
	if !errors.As(err, &ae) || len(ae.Fields) == 0 {
		return err
	}
	f := ae.Fields[0]
	name := f.Name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	msg := f.Message
	if msg == "missing" {
		msg = "is required"
	}
	return invalid(name, fieldWords(name)+" "+msg)
}

func fieldWords(name string) string {
	switch name {
	case "date", "from":
		return "The date"
	case "to":
		return "The last day"
	case "received":
		return "The day the body received the request"
	}
	return "The " + name
}

func invalid(field, msg string) error {
	return &apperr.Error{Code: apperr.Invalid, Message: "the event cannot be recorded", Fields: []apperr.Field{{Name: field, Message: msg}}}
}

// checkInput refuses what the workflow needs beyond the clock: reasons for a
// refusal, evidence for an exception, how a request arrived, and no dates in
// the future except a transfer's (which is planned) and an exception's end.
func checkInput(in Input, e ehc.Event, today date.Date) error {
	if e.Date.After(today) && e.Type != ehc.PhaseTransfer {
		return invalid(dateField(e.Type), fmt.Sprintf("The date cannot be in the future (today is %s)", words(today)))
	}
	if e.Received.After(today) {
		return invalid("received", "The day the body received the request cannot be in the future")
	}
	note := strings.TrimSpace(in.Note)
	switch {
	case e.Type == ehc.RequestReceived && !slices.Contains(Channels, in.Channel):
		return invalid("channel", "Say how the request arrived")
	case e.Type == ehc.AssessmentDecision && e.Code != ehc.Assess && len(note) < 10:
		return invalid("note", "Give the reasons for the decision not to assess, as the family will be told them")
	case e.Type == ehc.NoPlanDecision && len(note) < 10:
		return invalid("note", "Give the reasons for the decision not to issue a plan, as the family will be told them")
	case e.Type == ehc.NoAmendmentDecision && len(note) < 10:
		return invalid("note", "Give the reasons for the decision not to amend the plan, as the family will be told them")
	case e.Type == ehc.Exception && len(note) < 10:
		return invalid("note", "Describe the evidence for the exception")
	}
	if in.Channel != "" && !slices.Contains(Channels, in.Channel) {
		return invalid("channel", "Choose how the request arrived")
	}
	return nil
}

// checkOrder refuses a history in which an event needs an earlier one it
// does not have: the SEND Regulations 2014 run in one order (a decision
// follows a request; advice, a draft or a decision not to issue follow a
// decision to assess; a final plan follows its draft; reviews and amendments
// follow a final plan; an amended plan, or a decision not to amend, follows
// the notice of proposed amendments). "Earlier" includes the same day. It names the first
// event with a problem, by its index in events, and its date field.
func checkOrder(events []ehc.Event) (int, error) {
	has := func(before date.Date, ok func(e ehc.Event) bool) bool {
		for _, e := range events {
			if !e.Date.After(before) && ok(e) {
				return true
			}
		}
		return false
	}
	is := func(t ehc.Type) func(ehc.Event) bool { return func(e ehc.Event) bool { return e.Type == t } }
	started := func(e ehc.Event) bool { return e.Type == ehc.RequestReceived || e.Type == ehc.LAResponsible }
	assessed := func(e ehc.Event) bool { return e.Type == ehc.AssessmentDecision && e.Code == ehc.Assess }
	for i, e := range events {
		var need string
		switch e.Type {
		case ehc.AssessmentDecision:
			if !has(e.Date, started) {
				need = "A decision whether to assess needs a request received on or before its date"
			}
		case ehc.AdviceRequested, ehc.NoPlanDecision, ehc.DraftPlanIssued:
			if !has(e.Date, assessed) {
				need = fmt.Sprintf("%s needs a decision to assess on or before its date", strings.ToUpper(TypeWords[e.Type.String()][:1])+TypeWords[e.Type.String()][1:])
			}
		case ehc.AdviceReceived:
			if !has(e.Date, func(r ehc.Event) bool { return r.Type == ehc.AdviceRequested && r.Contributor == e.Contributor }) {
				need = fmt.Sprintf("Advice from %s needs a request to %s for advice on or before its date", e.Contributor, e.Contributor)
			}
		case ehc.AdviceWithdrawn:
			// A request still awaiting advice: asked on or before the
			// withdrawal, with no advice from that body in between (advice
			// on the withdrawal's own day may have come after it).
			awaiting := func(r ehc.Event) bool {
				return r.Type == ehc.AdviceRequested && r.Contributor == e.Contributor && !has(e.Date, func(g ehc.Event) bool {
					return g.Type == ehc.AdviceReceived && g.Contributor == e.Contributor && !g.Date.Before(r.Date) && g.Date.Before(e.Date)
				})
			}
			if !has(e.Date, awaiting) {
				need = fmt.Sprintf("Withdrawing a request to %s needs a request to %s still awaiting its advice on that date", e.Contributor, e.Contributor)
			}
		case ehc.FinalPlanIssued:
			if !has(e.Date, is(ehc.DraftPlanIssued)) {
				need = "A final plan cannot be issued before its draft: record the draft plan first, dated on or before the final"
			}
		case ehc.ReviewMeeting, ehc.AmendmentNotice:
			if !has(e.Date, is(ehc.FinalPlanIssued)) {
				need = "Needs a final plan issued on or before its date"
			}
		case ehc.PhaseTransfer: // planned ahead, so any final plan will do
			if !has(date.Of(2999, 12, 31), is(ehc.FinalPlanIssued)) {
				need = "A phase transfer is planned for a child with a final plan: record the final plan first"
			}
		case ehc.ReviewReportSent, ehc.ReviewDecision:
			if !has(e.Date, is(ehc.ReviewMeeting)) {
				need = "Needs an annual review meeting held on or before its date"
			}
		case ehc.AmendedPlanIssued:
			if !has(e.Date, is(ehc.AmendmentNotice)) {
				need = "An amended plan needs the proposed amendments sent to the family on or before its date"
			}
		case ehc.NoAmendmentDecision:
			if !has(e.Date, is(ehc.AmendmentNotice)) {
				need = "A decision not to amend the plan needs the proposed amendments sent to the family on or before its date"
			}
		}
		if need != "" {
			return i, invalid(dateField(e.Type), need)
		}
	}
	return -1, nil
}

// words writes a date as people read it.
func words(d date.Date) string { return d.Time().Format("2 January 2006") }
