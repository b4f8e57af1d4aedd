package waitlist

import (
	"fmt"

	"joinedup/internal/apperr"
	"joinedup/internal/date"
)

// Regime is the set of waiting-time rules a pathway is measured under.
type Regime uint8

const (
	RTT Regime = iota + 1 // consultant-led: Referral To Treatment rules (first-appointment DNAs nullify)
	CHS                   // community health services
	numRegimes
)

var regimeNames = [numRegimes]string{RTT: "rtt", CHS: "chs"}

// Kind is what an event records.
type Kind uint8

const (
	ReferralReceived    Kind = iota + 1 // the referral arrived: the clock starts
	FirstAppointmentDNA                 // the child did not attend an appointment; Rebooked is when a new one was booked
	AppointmentAttended                 // an appointment was held; the first one ends the chance of nullifying
	ClockStop                           // treatment or assessment done, discharge, not treated, declined, active monitoring
	Transfer                            // to another provider: commissioned (the clock goes on) or a Right to Choose new_referral
	numKinds
)

var kindNames = [numKinds]string{
	ReferralReceived:    "referral_received",
	FirstAppointmentDNA: "first_appointment_dna",
	AppointmentAttended: "appointment_attended",
	ClockStop:           "clock_stop",
	Transfer:            "transfer",
}

// Reason is why a clock stopped.
type Reason uint8

const (
	Treatment          Reason = iota + 1 // first definitive treatment
	AssessmentComplete                   // the assessment (for example autism) was completed
	Discharged
	NotTreated // a clinical decision not to treat
	Declined   // the family declined
	ActiveMonitoring
	numReasons
)

var reasonNames = [numReasons]string{
	Treatment:          "treatment",
	AssessmentComplete: "assessment_complete",
	Discharged:         "discharged",
	NotTreated:         "not_treated",
	Declined:           "declined",
	ActiveMonitoring:   "active_monitoring",
}

// TransferKind says who arranged a transfer, which decides what happens to the clock.
type TransferKind uint8

const (
	Commissioned TransferKind = iota + 1 // the commissioner moved the child (e.g. to an independent provider): the clock goes on
	NewReferral                          // Right to Choose: a new referral to another provider, with a new clock
	numTransferKinds
)

var transferNames = [numTransferKinds]string{Commissioned: "commissioned", NewReferral: "new_referral"}

func (r Regime) String() string       { return name(regimeNames[:], int(r), "Regime") }
func (k Kind) String() string         { return name(kindNames[:], int(k), "Kind") }
func (r Reason) String() string       { return name(reasonNames[:], int(r), "Reason") }
func (k TransferKind) String() string { return name(transferNames[:], int(k), "TransferKind") }

func name(names []string, i int, typ string) string {
	if i > 0 && i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%s(%d)", typ, i)
}

// parse returns the index of s in names (from 1), or 0.
func parse(names []string, s string) int {
	for i := 1; i < len(names); i++ {
		if names[i] == s {
			return i
		}
	}
	return 0
}

func choices(names []string) string {
	s := ""
	for i := 1; i < len(names); i++ {
		if i > 1 {
			s += ", "
		}
		s += names[i]
	}
	return s
}

// Event is one dated thing on a pathway. Each kind uses some of the fields.
type Event struct {
	Kind     Kind
	Date     date.Date
	Rebooked date.Date    // first_appointment_dna: the day the new appointment was booked; zero if not (yet)
	Reason   Reason       // clock_stop
	Transfer TransferKind // transfer
	Provider string       // transfer: where the child went
}

// Pathway is one child's referral to one service, with everything that happened since.
type Pathway struct {
	ID     string
	Regime Regime
	Events []Event
}

// Dates outside these years are typing mistakes, not a child's wait.
var earliest, latest = date.Of(1900, 1, 1), date.Of(2999, 12, 31)

func outOfRange(d date.Date) string {
	if d.Before(earliest) || d.After(latest) {
		return fmt.Sprintf("%s is not between %s and %s", d.Time().Format("2006-01-02"), earliest, latest)
	}
	return ""
}

// check returns the first problem with e on its own: the field and what is wrong.
func (e *Event) check() (field, problem string) {
	if e.Kind == 0 || e.Kind >= numKinds {
		return "type", "missing"
	}
	if e.Date.IsZero() {
		return "date", "missing"
	}
	if p := outOfRange(e.Date); p != "" {
		return "date", p
	}
	switch e.Kind {
	case FirstAppointmentDNA:
		if !e.Rebooked.IsZero() {
			if p := outOfRange(e.Rebooked); p != "" {
				return "rebooked", p
			}
			if e.Rebooked.Before(e.Date) {
				return "rebooked", fmt.Sprintf("%s is before the appointment that was missed (%s)", e.Rebooked, e.Date)
			}
		}
	case ClockStop:
		if e.Reason == 0 || e.Reason >= numReasons {
			return "reason", "missing"
		}
	case Transfer:
		if e.Transfer == 0 || e.Transfer >= numTransferKinds {
			return "kind", "missing"
		}
		if e.Provider == "" {
			return "provider", "missing"
		}
	}
	return "", ""
}

// pathwayError names the pathway (by index, if i >= 0, and id), the event (if
// event >= 0) and its field.
func pathwayError(i int, id string, event int, field, problem string) error {
	var path string
	if i >= 0 {
		path = fmt.Sprintf("pathways[%d]", i)
	}
	if event >= 0 {
		if path != "" {
			path += "."
		}
		path += fmt.Sprintf("events[%d]", event)
	}
	if field != "" {
		if path != "" {
			path += "."
		}
		path += field
	}
	msg := "invalid pathway"
	if id != "" {
		msg = fmt.Sprintf("invalid pathway %q", id)
	}
	return &apperr.Error{Code: apperr.Invalid, Message: msg, Fields: []apperr.Field{{Name: path, Message: problem}}}
}

// ParseRegime, ParseKind, ParseReason and ParseTransferKind read the names the
// JSON contract and the database use; false for anything else.
func ParseRegime(s string) (Regime, bool) { r := Regime(parse(regimeNames[:], s)); return r, r != 0 }
func ParseKind(s string) (Kind, bool)     { k := Kind(parse(kindNames[:], s)); return k, k != 0 }
func ParseReason(s string) (Reason, bool) { r := Reason(parse(reasonNames[:], s)); return r, r != 0 }
func ParseTransferKind(s string) (TransferKind, bool) {
	k := TransferKind(parse(transferNames[:], s))
	return k, k != 0
}
