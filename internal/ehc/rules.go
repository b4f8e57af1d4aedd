package ehc

import (
	"crypto/sha256"
	_ "embed"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"joinedup/internal/date"
)

//go:embed rules.csv
var rulesCSV string

// Current is the rulebook joinedup applies: rules.csv, embedded.
var Current = func() *Rules {
	rs, err := ParseRules(strings.NewReader(rulesCSV))
	if err != nil {
		panic("ehc: rules.csv: " + err.Error())
	}
	return rs
}()

// clockRevision is the clock's own version: raise it with any change to the
// clock that can move a due date, so stored answers are recomputed.
const clockRevision = "1"

// Revision names the rulebook and the clock together. Whatever stores an
// answer of the clock (casework's next_due) stores it with this and
// recomputes when a new release brings another.
var Revision = func() string {
	sum := sha256.Sum256([]byte(rulesCSV))
	return clockRevision + "-" + hex.EncodeToString(sum[:6])
}()

// Rule is one version of a statutory time limit.
type Rule struct {
	ID        string    // R2, R3, … as in the SEN2 standards' statutory-timescales table
	Effective date.Date // the version applies to deadlines measured from this day on
	Basis     string    // the legislation that sets it
	Duty      string    // what must be done, in plain English
	measure   measure
	excusals  map[string]int // reason → the continuous days it must last (0: any)
}

// measure turns the day a deadline is measured from into its due (or not-before) day.
type measure struct {
	notBefore bool       // a minimum period: the event may not come earlier
	n         int        // days or months to add; negative for "before"
	months    bool       // n counts months (corresponding dates), else days
	month     time.Month // a fixed day of the year (in the year measured from), when set
	day       int
}

func (m measure) on(from date.Date) date.Date {
	switch {
	case m.month != 0:
		return date.Of(from.Year(), m.month, m.day)
	case m.months:
		return from.AddMonths(m.n)
	}
	return from.AddDays(m.n)
}

// Rules is a rulebook: every version of every rule.
type Rules struct {
	byNumber [1000][]*Rule // by the number in the id, newest first
}

// InForce returns the version of rule id in force on day on, or nil if none was
// (the SEND Regulations 2014 apply from 1 September 2014).
func (rs *Rules) InForce(id string, on date.Date) *Rule {
	n := number(id)
	if n < 0 {
		return nil
	}
	for _, r := range rs.byNumber[n] {
		if !on.Before(r.Effective) {
			return r
		}
	}
	return nil
}

// ParseRules reads a rulebook in the form of rules.csv.
func ParseRules(in io.Reader) (*Rules, error) {
	cr := csv.NewReader(in)
	cr.Comment = '#'
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != "rule,effective_from,measure,excused_by,basis,duty" {
		return nil, fmt.Errorf("the header must be rule,effective_from,measure,excused_by,basis,duty")
	}
	rs := &Rules{}
	for i, row := range rows[1:] {
		r, err := parseRule(row)
		if err != nil {
			return nil, fmt.Errorf("row %d (%s): %v", i+1, row[0], err)
		}
		vs := append(rs.byNumber[number(r.ID)], r)
		slices.SortFunc(vs, func(a, b *Rule) int { return b.Effective.Compare(a.Effective) })
		for i := 1; i < len(vs); i++ {
			if vs[i].Effective == vs[i-1].Effective {
				return nil, fmt.Errorf("%s has two versions effective from %s", r.ID, vs[i].Effective)
			}
		}
		rs.byNumber[number(r.ID)] = vs
	}
	return rs, nil
}

// number is n for a rule id "Rn" (n below 1000, no leading zero), else -1.
func number(id string) int {
	if len(id) < 2 || len(id) > 4 || id[0] != 'R' || id[1] == '0' && len(id) > 2 {
		return -1
	}
	n := 0
	for _, c := range id[1:] {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func parseRule(row []string) (*Rule, error) {
	id, effective, m, excused, basis, duty := row[0], row[1], row[2], row[3], row[4], row[5]
	r := &Rule{ID: id, Basis: basis, Duty: duty, excusals: map[string]int{}}
	if number(id) < 0 || basis == "" || duty == "" {
		return nil, fmt.Errorf("a rule needs an id R1…R999, a basis and a duty")
	}
	var err error
	if r.Effective, err = date.Parse(effective); err != nil {
		return nil, fmt.Errorf("effective_from: %v", err)
	}
	if r.measure, err = parseMeasure(m); err != nil {
		return nil, fmt.Errorf("measure %q: %v", m, err)
	}
	for _, x := range strings.Fields(excused) {
		reason, days, _ := strings.Cut(x, ":")
		if !slices.Contains(reasons, reason) {
			return nil, fmt.Errorf("excused_by: %q is not an exception reason", reason)
		}
		if days != "" {
			if r.excusals[reason], err = strconv.Atoi(days); err != nil {
				return nil, fmt.Errorf("excused_by: %q: %v", x, err)
			}
		} else {
			r.excusals[reason] = 0
		}
	}
	return r, nil
}

// parseMeasure reads "due 6 weeks after", "due 5 months before", "not_before 15 days after"
// or "due 14 February".
func parseMeasure(s string) (measure, error) {
	f := strings.Fields(s)
	if len(f) == 3 && f[0] == "due" {
		t, err := time.Parse("2 January", f[1]+" "+f[2])
		if err != nil {
			return measure{}, fmt.Errorf("not a day of the year")
		}
		return measure{month: t.Month(), day: t.Day()}, nil
	}
	if len(f) != 4 || (f[0] != "due" && f[0] != "not_before") || (f[3] != "after" && f[3] != "before") {
		return measure{}, fmt.Errorf("not a measure the clock knows")
	}
	n, err := strconv.Atoi(f[1])
	if err != nil || n < 0 {
		return measure{}, fmt.Errorf("not a count of days, weeks or months")
	}
	m := measure{notBefore: f[0] == "not_before"}
	switch f[2] {
	case "days":
	case "weeks":
		n *= 7
	case "months":
		m.months = true
	default:
		return measure{}, fmt.Errorf("the unit must be days, weeks or months")
	}
	if f[3] == "before" {
		n = -n
	}
	m.n = n
	return m, nil
}
