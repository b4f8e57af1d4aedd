package appeal

import (
	"fmt"

	"joinedup/internal/date"
)

// An Order is what the First-tier Tribunal (SEND) ordered the council to do,
// or what the council must do when it does not oppose an appeal.
type Order struct {
	Kind  string
	Words string
	// Deadlines the council must meet, in weeks from the date of the order
	// (or of telling the tribunal it will not oppose), with their rule.
	steps []step
}

type step struct {
	rule, duty, basis string
	weeks             int
}

// Orders are the kinds of order and their compliance deadlines, from rules
// R25-R27 of ../shared/standards/sen2/statutory-timescales.csv (SEND Regs
// 2014 reg 44 for orders, reg 45 for unopposed appeals, as amended by SI
// 2015/359). The placement-only and refusal-to-issue figures come from the
// standard's notes, which name a secondary source: check them before relying
// on them in a letter.
var Orders = []Order{
	{"assess", "Carry out an EHC needs assessment", []step{
		{"R25", "Tell the family the council will carry out the assessment", "SEND Regs 2014 reg 44(2); reg 45(3)", 2}}},
	{"issue_plan", "Make and maintain an EHC plan", []step{
		{"R27", "Issue a draft EHC plan", "SEND Regs 2014 reg 44(2); reg 45 (as amended by SI 2015/359)", 5},
		{"R27", "Issue the final EHC plan", "SEND Regs 2014 reg 44(2); reg 45 (as amended by SI 2015/359)", 11}}},
	{"amend_contents", "Amend the plan's description of needs or provision", []step{
		{"R27", "Issue the amended EHC plan", "SEND Regs 2014 reg 44(2); reg 45(4)", 5}}},
	{"amend_placement", "Amend the school or other institution named in the plan", []step{
		{"R27", "Issue the amended EHC plan naming the school or institution", "SEND Regs 2014 reg 44(2); reg 45(4)", 2}}},
	{"reassess_no_plan", "Decide again after a new assessment", []step{
		{"R26", "Tell the family the decision not to issue a plan, if that is the decision", "SEND Regs 2014 reg 45(3A)", 10},
		{"R26", "Issue the final EHC plan, if one is to be issued", "SEND Regs 2014 reg 45(3A)", 14}}},
	{"continue_plan", "Keep the plan (a decision to end it is overturned)", nil},
	{"dismissed", "Appeal dismissed: the council's decision stands", nil},
}

// OrderNamed returns the order of a kind.
func OrderNamed(kind string) (Order, bool) {
	for _, o := range Orders {
		if o.Kind == kind {
			return o, true
		}
	}
	return Order{}, false
}

// Compliance is every deadline an order dated on sets.
func Compliance(kind string, on date.Date) ([]Deadline, error) {
	o, ok := OrderNamed(kind)
	if !ok {
		return nil, fmt.Errorf("appeal: unknown order %q", kind)
	}
	var out []Deadline
	for _, s := range o.steps {
		out = append(out, Deadline{Rule: s.rule, Duty: s.duty, Basis: s.basis, Due: on.AddDays(7 * s.weeks)})
	}
	return out, nil
}
