// Package advice is health advice for EHC needs assessments (issue 5): a
// coordinator's request lands in an NHS provider team's queue, never one
// person's inbox, so nothing is lost when someone leaves; the team lead
// assigns it; a clinician answers in the shape of the plan (health needs for
// section C, provision for section G with who, what, how often and for how
// long, outcomes, the child's and family's views, the source of each
// statement); and the Designated Clinical Officer rates each submission
// against a rubric kept as data, with feedback the author can act on.
//
// The statutory clock is casework's: a request and the advice_requested
// event, and the first submission and the advice_received event, are written
// in one transaction through casework.AddIn, so they stand or fall together.
// The 6-week date (SEND Regulations 2014 reg 8, rule R3) is what internal/ehc
// computes for that event; it is kept with the request for the queue's order
// because the law never moves it (exceptions excuse, they do not pause).
//
// Access: the request gives the team a purpose-limited referral link to the
// child (access.Referral: view and advice only), ended on withdrawal. Team
// members reach a request only through their own team; a coordinator through
// the child's record (case.view, case.edit to request or withdraw). The DCO's
// role is partnership-wide quality assurance of health advice, so advice.qa is
// checked on the role, and the audit row says so.
package advice

import (
	"time"

	"joinedup/internal/date"
)

// Statuses of a request.
const (
	Open      = "open"      // in the team's queue
	Submitted = "submitted" // advice returned (possibly re-submitted since)
	Withdrawn = "withdrawn" // the coordinator withdrew it; the team's view of the child ended
)

// Sections of a statement, as the plan has them.
const (
	Need      = "need"      // section C: health needs, in plain language
	Provision = "provision" // section G: who, what, how often, for how long
	Outcome   = "outcome"   // what the provision works towards
	View      = "view"      // the child's and family's views, as heard
)

// Sections lists them in the plan's order.
var Sections = []string{Need, Provision, Outcome, View}

// Statuses of a submission.
const (
	AwaitingQA = "awaiting_qa"
	Reviewed   = "reviewed"
)

// Ratings the DCO gives each criterion.
var Ratings = []string{"red", "amber", "green"}

// Request is a request for advice in a team's queue, with the child's details.
type Request struct {
	ID          string
	ChildID     string
	ChildName   string
	DateOfBirth date.Date
	NHSNumber   string
	TeamID      string
	Team        string
	Contributor string // the body's name on the clock's events
	Question    string
	Consent     string
	Sent        date.Date
	Received    date.Date
	Due         date.Date // R3: 6 weeks from Received, from internal/ehc
	Status      string
	AssignedTo  string // a person's id; "" while the team holds it unassigned
	Assignee    string // their name
	RequestedBy string
	RequestedAt time.Time
	Withdrawn   string // the reason, once withdrawn
	Submissions []Submission
	Today       date.Date
	Access      string // why the reader may see it, as audited
}

// Overdue reports whether the advice is still awaited after its 6 weeks.
func (r Request) Overdue() bool { return r.Status == Open && r.Today.After(r.Due) }

// DaysLeft is the days until the 6-week date (negative once past).
func (r Request) DaysLeft() int { return r.Due.DaysSince(r.Today) }

// Latest is the newest submission, or nil.
func (r Request) Latest() *Submission {
	if len(r.Submissions) == 0 {
		return nil
	}
	return &r.Submissions[len(r.Submissions)-1]
}

// RequestInput is a coordinator's request for advice.
type RequestInput struct {
	TeamID   string
	Question string
	Consent  string    // how and when the family agreed
	Sent     date.Date // the day the request went
	Received date.Date // the day the team received it; Sent if zero
}

// Statement is one line of advice with its source.
type Statement struct {
	Section  string
	Body     string // the need, the provision (what), the outcome or the view
	Who      string // provision: who provides it
	HowOften string // provision
	HowLong  string // provision
	Source   string // where the statement comes from: an assessment, a report, a conversation
}

// Attachment is a PDF report sent with the advice.
type Attachment struct {
	Name    string
	Content []byte
}

// AttachmentInfo is an attachment as lists show it: never its content.
type AttachmentInfo struct {
	ID, Name, SHA256 string
	Size             int
}

// SubmissionInput is a clinician's advice.
type SubmissionInput struct {
	Attachments    []Attachment
	Statements     []Statement
	Reused         bool   // already known and sufficient (reg 6(4))
	ReuseAgreement string // how the family, the council and the body agreed
}

// Submission is one version of a team's advice.
type Submission struct {
	ID             string
	RequestID      string
	Version        int
	Reused         bool
	ReuseAgreement string
	Status         string
	SubmittedBy    string // a name
	SubmittedAt    time.Time
	Statements     []Statement
	Attachments    []AttachmentInfo
	Review         *Review
}

// In returns the statements of one section.
func (s Submission) In(section string) []Statement {
	var out []Statement
	for _, st := range s.Statements {
		if st.Section == section {
			out = append(out, st)
		}
	}
	return out
}

// Criterion is one line of the DCO's rubric.
type Criterion struct {
	ID, Title, Description string
}

// Rating is one criterion's red, amber or green.
type Rating struct {
	CriterionID, Criterion, Rating string
}

// Review is the DCO's quality assurance of one submission.
type Review struct {
	Feedback   string
	ReviewedBy string
	ReviewedAt time.Time
	Ratings    []Rating
}

// ReviewInput is the DCO's ratings (criterion id to red, amber or green) and feedback.
type ReviewInput struct {
	Ratings  map[string]string
	Feedback string
}

// Awaiting is a submission waiting for the DCO.
type Awaiting struct {
	SubmissionID, RequestID string
	ChildName, Team         string
	Version                 int
	SubmittedAt             time.Time
	Due                     date.Date
	OnTime                  bool // the first version arrived by the 6-week date
}
