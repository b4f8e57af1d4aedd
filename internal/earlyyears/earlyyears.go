// Package earlyyears is early-years notifications (issue 5, point 6): an NHS
// body that thinks a child under compulsory school age has, or probably has,
// special educational needs must tell the local authority (Children and
// Families Act 2014 s23(2)). Before it does, it must tell the parent and give
// them the chance to discuss the opinion with an officer of the body
// (s23(2)-(3)), and where a voluntary organisation could help, tell the parent
// so (s23(4)).
//
// A health professional (earlyyears.notify, held by health team roles) tells
// the council about a child their team already reaches through access; the
// child is found by NHS number through the access predicate, so a child out
// of reach and one that does not exist look the same. The notification, its
// audit row, an email to the council's SEND team and one to each parent with
// parental responsibility who has an address are written in one transaction.
//
// The council's SEND team (earlyyears.manage) reads the notifications
// addressed to its own council, as the DCO reads health advice: on the role,
// with the reason written in the audit row, because the notification is what
// makes the child known to it. It acknowledges one (the date, by whom) and
// records what it did: advice, early-years support, a request for an EHC
// needs assessment (with the online request if there is one), or no action
// with the reason. The DCO and the SEND manager (earlyyears.report) see
// totals that name no child; the parent sees the notification and what the
// council did on their child's page.
//
// Compulsory school age: a child begins to be of it on the prescribed day
// on or after their fifth birthday (Education Act 1996 s8(2)); the prescribed
// days are 31 August, 31 December and 31 March (Education (Start of
// Compulsory School Age) Order 1998). A child already of that age on the day
// of the notification is refused, with the date of birth and the date named.
package earlyyears

import (
	"time"

	"joinedup/internal/date"
)

// Statuses of a notification.
const (
	Open         = "open"         // not yet acknowledged by the council
	Acknowledged = "acknowledged" // the council has it; what it did not yet recorded
	Closed       = "closed"       // what the council did is recorded
)

// What the council did.
const (
	AdviceGiven         = "advice_given"
	EarlyYearsSupport   = "early_years_support"
	AssessmentRequested = "assessment_requested"
	NoAction            = "no_action"
)

// Outcomes lists them in the order forms and totals show them.
var Outcomes = []string{AdviceGiven, EarlyYearsSupport, AssessmentRequested, NoAction}

// OutcomeWords says each outcome in a family's words.
var OutcomeWords = map[string]string{
	AdviceGiven:         "Gave advice to the family and the child's early years setting",
	EarlyYearsSupport:   "Arranged early years special educational needs support",
	AssessmentRequested: "Requested an education, health and care (EHC) needs assessment",
	NoAction:            "Decided no action was needed",
}

// CompulsorySchoolAge is the day a child born on dob begins to be of
// compulsory school age: their fifth birthday if it is a prescribed day
// (31 August, 31 December, 31 March), otherwise the next prescribed day
// after it (Education Act 1996 s8(2)). A fifth birthday on 29 February
// falls on 28 February in a common year (date.AddMonths); no prescribed day
// lies between, so the answer is 31 March either way.
func CompulsorySchoolAge(dob date.Date) date.Date {
	fifth := dob.AddMonths(60)
	y := fifth.Year()
	for _, p := range []date.Date{date.Of(y, time.March, 31), date.Of(y, time.August, 31), date.Of(y, time.December, 31)} {
		if !p.Before(fifth) {
			return p
		}
	}
	return date.Of(y+1, time.March, 31) // unreachable: 31 December is never before a day of its year
}

// UnderCompulsorySchoolAge reports whether a child born on dob is under
// compulsory school age on day.
func UnderCompulsorySchoolAge(dob, day date.Date) bool {
	return day.Before(CompulsorySchoolAge(dob))
}

// Notification is one s23 notification with what the council did.
type Notification struct {
	ID                    string
	ChildID               string
	ChildName             string // "" where the reader sees no names (the totals never do)
	DateOfBirth           date.Date
	NHSNumber             string
	Council               string
	Team, Provider        string
	NotifiedBy            string
	NotifiedOn            date.Date
	Needs                 string
	ParentInformedOn      date.Date
	ParentInformedHow     string
	ParentWantsDiscussion bool
	Voluntary             string
	Status                string
	AcknowledgedOn        date.Date // zero until acknowledged
	AcknowledgedBy        string
	ClosedBy              string
	ClosedAt              time.Time
	Outcomes              []Outcome
	Access                string // why the reader may see it, as audited
}

// Outcome is one thing the council did.
type Outcome struct {
	Outcome      string
	Note         string
	EHCRequestID string
}

// Words is the outcome in a family's words.
func (o Outcome) Words() string { return OutcomeWords[o.Outcome] }

// Input is what a health professional tells the council.
type Input struct {
	NHSNumber             string
	Needs                 string    // what they think the needs are, in plain words
	ParentInformed        bool      // the required confirmation: the parent was told first (s23(2))
	ParentInformedOn      date.Date // the day they told the parent
	ParentInformedHow     string    // how: in clinic, by phone, by letter…
	ParentWantsDiscussion string    // "yes" or "no": whether the parent wants to discuss it (s23(3))
	Voluntary             string    // voluntary organisations suggested to the parent (s23(4)); may be empty
}

// Decision is what the council did, recorded at once.
type Decision struct {
	Outcomes       []string
	AdviceNote     string // what advice was given
	SupportNote    string // what support was arranged
	EHCRequestID   string // the online EHC request, when assessment_requested and there is one
	NoActionReason string
}
