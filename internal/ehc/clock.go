package ehc

import (
	"strings"

	"joinedup/internal/date"
)

// Status is where a deadline stands.
type Status string

const (
	Met      Status = "met"      // done on or before the due date, or not before the not-before date
	Missed   Status = "missed"   // done after the due date
	Excused  Status = "excused"  // missed or overdue, with a qualifying exception
	Overdue  Status = "overdue"  // not done, and the due date has passed
	Pending  Status = "pending"  // not done, not yet due (or, for a minimum period, not yet done)
	Breached Status = "breached" // done before the minimum period ended
)

// Deadline is one statutory time limit applied to a case.
type Deadline struct {
	Rule        string    `json:"rule"`
	Duty        string    `json:"duty"`
	Basis       string    `json:"basis"`
	From        date.Date `json:"from"`
	Due         date.Date `json:"due,omitzero"`
	NotBefore   date.Date `json:"not_before,omitzero"`
	Status      Status    `json:"status"`
	Done        date.Date `json:"done,omitzero"`
	Contributor string    `json:"contributor,omitempty"`
	ExcusedBy   string    `json:"excused_by,omitempty"` // the reason of the exception that excuses it

	// ExcusableFrom is, for a deadline not done, the first day on which
	// it would count as excused were it overdue (zero: no exception
	// excuses it). Unlike Status it does not depend on today, so it can be
	// stored with the due date and the status worked out on any day
	// (StatusOn).
	ExcusableFrom date.Date `json:"-"`
}

// StatusOn is the status on today of a deadline not done: what the clock
// would say on that day, from the deadline's due date and ExcusableFrom.
func (d Deadline) StatusOn(today date.Date) Status {
	switch {
	case !today.After(d.Due):
		return Pending
	case !d.ExcusableFrom.IsZero() && !today.Before(d.ExcusableFrom):
		return Excused
	default:
		return Overdue
	}
}

// Deadlines computes the deadlines of one case's events as of today under the
// rules joinedup applies (Current). See Rules.AppendDeadlines.
func Deadlines(events []Event, today date.Date) ([]Deadline, error) {
	return Current.AppendDeadlines(make([]Deadline, 0, len(events)), events, today)
}

// AppendDeadlines appends to dst every deadline the events give rise to, as of
// today, under the version of each rule in force on the day the deadline is
// measured from. The events may come in any order and are not changed; the
// deadlines come ordered by the day they fall on (due or not before), then by rule
// number, then by start, contributor and done. Invalid events are refused with
// an error naming the first (index and field), and dst is returned as it was.
func (rs *Rules) AppendDeadlines(dst []Deadline, events []Event, today date.Date) ([]Deadline, error) {
	if err := Validate(events); err != nil {
		return dst, err
	}
	h := histories.Get().(*history)
	defer h.release()
	h.load(events)
	c := clock{rules: rs, today: today, h: h, out: dst}
	c.assessment()
	c.advice()
	c.reviews()
	c.amendments()
	c.transfers()
	h.sort(c.out[len(dst):])
	return c.out, nil
}

type clock struct {
	rules *Rules
	today date.Date
	h     *history
	out   []Deadline
}

// assessment: R2, R4, R6 for each request (or the council becoming responsible),
// counted until the next one; R5 for each draft, met by the request's final plan
// (one issued before the draft is a breach, not nothing).
func (c *clock) assessment() {
	for i, s := range c.h.starts {
		var end date.Date
		if i+1 < len(c.h.starts) {
			end = c.h.starts[i+1]
		}
		c.add("R2", s, c.h.first(AssessmentDecision, s, end, nil), "")
		if refused := c.h.first(NoPlanDecision, s, end, nil); !refused.IsZero() {
			c.add("R4", s, refused, "")
		} else if !c.h.first(AssessmentDecision, s, end, hasCode(Assess)).IsZero() {
			c.add("R6", s, c.h.first(FinalPlanIssued, s, end, nil), "")
		}
	}
	for _, i := range c.h.of(DraftPlanIssued) {
		d := c.h.at(i)
		c.add("R5", d.Date, c.h.first(FinalPlanIssued, c.h.lastStart(d.Date), c.h.nextStart(d.Date), nil), "")
	}
}

// advice: R3 for each body asked, met by that body's next advice. A request
// withdrawn before its advice came asks nothing any more, so it has no
// deadline: each withdrawal takes back the earliest request to that body
// still awaiting advice on its date (advice on the withdrawal's own day may
// have come after it, so it does not count as before).
func (c *clock) advice() {
	asked := c.h.of(AdviceRequested)
	answered := func(i int32) date.Date {
		a := c.h.at(i)
		return c.h.first(AdviceReceived, a.Date, date.Date{}, func(e *Event) bool { return e.Contributor == a.Contributor })
	}
	var withdrawn []bool // by index in asked; nil in the usual history, with no withdrawal
	if ws := c.h.of(AdviceWithdrawn); len(ws) > 0 {
		withdrawn = make([]bool, len(asked))
		for _, w := range ws {
			x := c.h.at(w)
			for k, i := range asked {
				a := c.h.at(i)
				if done := answered(i); !withdrawn[k] && a.Contributor == x.Contributor && !a.Date.After(x.Date) && (done.IsZero() || !done.Before(x.Date)) {
					withdrawn[k] = true
					break
				}
			}
		}
	}
	for k, i := range asked {
		if withdrawn != nil && withdrawn[k] {
			continue
		}
		a := c.h.at(i)
		from := a.Received
		if from.IsZero() {
			from = a.Date
		}
		c.add("R3", from, answered(i), a.Contributor)
	}
}

// reviews: R10 cycles from the final plan and then from each review decision (a
// decision to cease opens none; a new final plan closes the open cycle and starts
// again); R13 and R14 for each meeting, met by a report or decision before the next.
func (c *clock) reviews() {
	finals, decisions := c.h.of(FinalPlanIssued), c.h.of(ReviewDecision)
	var from date.Date // the open cycle's start; zero when none is open
	started := false
	for len(finals) > 0 || len(decisions) > 0 {
		var p *Event // the next point: a final plan before a decision on the same day
		if len(decisions) == 0 || len(finals) > 0 && !c.h.at(finals[0]).Date.After(c.h.at(decisions[0]).Date) {
			p, finals = c.h.at(finals[0]), finals[1:]
		} else {
			p, decisions = c.h.at(decisions[0]), decisions[1:]
			if !started {
				continue // a decision on a plan this history does not hold
			}
		}
		started = true
		if !from.IsZero() {
			c.add("R10", from, p.Date, "")
		}
		from = p.Date
		if p.Type == ReviewDecision && p.Code == Cease {
			from = date.Date{}
		}
	}
	if !from.IsZero() {
		c.add("R10", from, date.Date{}, "")
	}
	meetings := c.h.of(ReviewMeeting)
	for _, i := range meetings {
		m := c.h.at(i)
		next := c.h.after(meetings, m.Date)
		c.add("R13", m.Date, c.h.first(ReviewReportSent, m.Date, next, nil), "")
		c.add("R14", m.Date, c.h.first(ReviewDecision, m.Date, next, nil), "")
	}
}

// amendments: R15 and R16 for each notice, met by the amended plan or the
// decision not to amend (reg 22(3)-(4)), whichever is first before the next
// notice. A decision not to amend makes no amended plan, so R15, which keeps
// the amended plan back until the family's 15 days are over, is met by it
// whatever its date.
func (c *clock) amendments() {
	notices := c.h.of(AmendmentNotice)
	for _, i := range notices {
		n := c.h.at(i)
		next := c.h.after(notices, n.Date)
		issued := c.h.first(AmendedPlanIssued, n.Date, next, nil)
		decided := c.h.first(NoAmendmentDecision, n.Date, next, nil)
		done := earlier(issued, decided)
		c.add("R15", n.Date, done, "")
		if k := len(c.out) - 1; done == decided && k >= 0 && c.out[k].Rule == "R15" && c.out[k].Status == Breached {
			c.out[k].Status = Met // no amended plan was made, so none too early
		}
		c.add("R16", n.Date, done, "")
	}
}

var transferRule = map[string]string{"school": "R17", "post16": "R18", "post16_other": "R19"}

// transfers: R17, R18 or R19 for each phase transfer, met by the first amended plan
// or decision to maintain in the 12 months before the transfer.
func (c *clock) transfers() {
	for _, i := range c.h.of(PhaseTransfer) {
		t := c.h.at(i)
		since := t.Date.AddMonths(-12)
		done := earlier(c.h.first(AmendedPlanIssued, since, t.Date, nil), c.h.first(ReviewDecision, since, t.Date, hasCode(Maintain)))
		c.add(transferRule[t.Code], t.Date, done, "")
	}
}

// add applies the rule in force on from, if any, to a deadline started on from and
// done on done (zero: not done).
func (c *clock) add(id string, from, done date.Date, contributor string) {
	r := c.rules.InForce(id, from)
	if r == nil {
		return
	}
	d := Deadline{Rule: id, Duty: r.Duty, Basis: r.Basis, From: from, Done: done, Contributor: contributor}
	on := r.measure.on(from)
	if r.measure.notBefore {
		d.NotBefore, d.Status = on, Pending
		if !done.IsZero() {
			d.Status = Met
			if done.Before(on) {
				d.Status = Breached
			}
		}
		c.out = append(c.out, d)
		return
	}
	d.Due = on
	switch {
	case !done.IsZero() && !done.After(on):
		d.Status = Met
	case !done.IsZero():
		d.Status = Missed
	case c.today.After(on):
		d.Status = Overdue
	default:
		d.Status = Pending
	}
	if d.Status == Missed || d.Status == Overdue {
		if reason := c.excuse(r, &d); reason != "" {
			d.Status, d.ExcusedBy = Excused, reason
		}
	}
	if done.IsZero() {
		for _, i := range c.h.of(Exception) {
			d.ExcusableFrom = earlier(d.ExcusableFrom, excusableFrom(r, &d, c.h.at(i)))
		}
	}
	c.out = append(c.out, d)
}

// excuse returns the reason of the first exception that excuses d under r
// by today.
func (c *clock) excuse(r *Rule, d *Deadline) string {
	for _, i := range c.h.of(Exception) {
		if e := c.h.at(i); excusesBy(r, d, e, c.today) {
			return e.Code
		}
	}
	return ""
}

// excusesBy reports whether e excuses d under r by today: an exception r
// names, lasting long enough, overlapping the days from d's start to its due
// date. An exception without an end lasts until today.
func excusesBy(r *Rule, d *Deadline, e *Event, today date.Date) bool {
	from := excusableFrom(r, d, e)
	if from.IsZero() {
		return false
	}
	return !e.To.IsZero() || !today.Before(from) // an ended one does not wait for today
}

// excusableFrom is the first day by which e excuses d under r, zero if never.
// An ended exception excuses from its start or never; one without an end
// excuses once it has lasted long enough and the deadline has begun, and
// never if it began after the due date.
func excusableFrom(r *Rule, d *Deadline, e *Event) date.Date {
	minDays, ok := r.excusals[e.Code]
	if !ok || e.Code == MissedAppointment && e.Contributor != d.Contributor || e.Date.After(d.Due) {
		return date.Date{}
	}
	if !e.To.IsZero() {
		if e.To.Before(e.Date) || e.To.DaysSince(e.Date)+1 < minDays || e.To.Before(d.From) {
			return date.Date{}
		}
		return e.Date
	}
	from := e.Date.AddDays(max(minDays-1, 0)) // lasting minDays days, counting the first
	if from.Before(d.From) {
		from = d.From
	}
	return from
}

// compareDeadlines orders deadlines by the day they fall on, rule number, start,
// contributor and done.
func compareDeadlines(a, b *Deadline) int {
	if n := on(a).Compare(on(b)); n != 0 {
		return n
	}
	if n := number(a.Rule) - number(b.Rule); n != 0 {
		return n
	}
	if n := a.From.Compare(b.From); n != 0 {
		return n
	}
	if n := strings.Compare(a.Contributor, b.Contributor); n != 0 {
		return n
	}
	return a.Done.Compare(b.Done)
}

// on is the day a deadline falls on: due, or not before.
func on(d *Deadline) date.Date {
	if d.Due.IsZero() {
		return d.NotBefore
	}
	return d.Due
}

func hasCode(code string) func(*Event) bool { return func(e *Event) bool { return e.Code == code } }

// earlier is the earlier of two days, either of which may be zero (none).
func earlier(a, b date.Date) date.Date {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}
