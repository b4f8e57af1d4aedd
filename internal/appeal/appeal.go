// Package appeal is the arithmetic of disagreement with an EHC decision: the
// last day to appeal to the First-tier Tribunal (SEND), the three working days
// a mediation adviser has to issue a certificate, when a notice is deemed
// received, and the deadlines a tribunal order sets. It is pure, like
// internal/ehc: dates in, dates out, every answer naming its legal basis.
package appeal

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"time"

	_ "time/tzdata" // Europe/London for the 4.30pm rule, on hosts without a zone database

	"joinedup/internal/date"
)

//go:embed holidays.csv
var holidaysCSV []byte

// holidays are England and Wales bank holidays by year, from holidays.csv.
var holidays, firstYear, lastYear = loadHolidays(holidaysCSV)

func loadHolidays(b []byte) (map[date.Date]bool, int, int) {
	out := map[date.Date]bool{}
	first, last := 0, 0
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || strings.HasPrefix(line, "year,") {
			continue
		}
		year, days, ok := strings.Cut(line, ",")
		if !ok {
			panic("appeal: holidays.csv: bad line " + line)
		}
		var y int
		if _, err := fmt.Sscan(year, &y); err != nil {
			panic("appeal: holidays.csv: bad year " + year)
		}
		for _, s := range strings.Fields(days) {
			d, err := date.Parse(s)
			if err != nil || d.Year() != y {
				panic("appeal: holidays.csv: bad date " + s)
			}
			out[d] = true
		}
		if first == 0 || y < first {
			first = y
		}
		last = max(last, y)
	}
	return out, first, last
}

// Covered reports whether the holiday list covers d's year: outside it a
// working day cannot be known, and the functions below refuse to guess.
func Covered(d date.Date) bool { return d.Year() >= firstYear && d.Year() <= lastYear }

func covered(d date.Date) error {
	if !Covered(d) {
		return fmt.Errorf("appeal: no bank holidays listed for %d (holidays.csv covers %d-%d)", d.Year(), firstYear, lastYear)
	}
	return nil
}

// WorkingDay reports whether d is a working day: not a Saturday, Sunday or
// England and Wales bank holiday. CPR 6.2(b)'s "business day" is the same set
// in England (Christmas Day and Good Friday are bank holidays there too).
func WorkingDay(d date.Date) bool {
	switch d.Time().Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return !holidays[d]
}

// AddWorkingDays is the nth working day after d (d itself never counts).
func AddWorkingDays(d date.Date, n int) (date.Date, error) {
	for n > 0 {
		d = d.AddDays(1)
		if err := covered(d); err != nil {
			return date.Date{}, err
		}
		if WorkingDay(d) {
			n--
		}
	}
	return d, nil
}

// nextWorkingDay is d if it is a working day, else the first one after it.
func nextWorkingDay(d date.Date) (date.Date, error) {
	if err := covered(d); err != nil {
		return date.Date{}, err
	}
	if WorkingDay(d) {
		return d, nil
	}
	return AddWorkingDays(d, 1)
}

// A Deadline is a date with the rule and regulation that set it.
type Deadline struct {
	Rule  string // the rule's id in ../shared/standards/sen2/statutory-timescales.csv
	Duty  string
	Basis string
	Due   date.Date
}

// AppealBy is the last day to register an appeal with the First-tier
// Tribunal (SEND) against a decision whose notice is dated notice (R24,
// Tribunal Procedure (First-tier Tribunal) (HESC) Rules 2008 r20(1)(c)): two
// months after the notice or, if later, one month after the mediation
// certificate (zero when none was issued). Months are counted by the
// corresponding-date rule, clamped to the month's end, as the clock does.
func AppealBy(notice, certificate date.Date) Deadline {
	d := Deadline{Rule: "R24", Duty: "Register an appeal with the First-tier Tribunal (SEND)",
		Basis: "Tribunal Procedure (First-tier Tribunal) (HESC) Rules 2008 r20(1)(c); CFA 2014 s51",
		Due:   notice.AddMonths(2)}
	if !certificate.IsZero() {
		if c := certificate.AddMonths(1); c.After(d.Due) {
			d.Due = c
		}
	}
	return d
}

// CertificateBy is the last day a mediation adviser may issue the certificate
// to a parent or young person who has said they do not want mediation, or
// after mediation ends (R22, CFA 2014 s55; SEND Regs 2014 regs 33 and 39:
// within 3 working days).
func CertificateBy(told date.Date) (Deadline, error) {
	due, err := AddWorkingDays(told, 3)
	return Deadline{Rule: "R22", Duty: "Issue the mediation certificate", Basis: "CFA 2014 s55; SEND Regs 2014 reg 33, reg 39", Due: due}, err
}

// Methods a notice can be sent by.
const (
	Email  = "email"
	Post   = "post"
	Portal = "portal"
	Hand   = "hand"
)

// Methods lists them in the order forms offer them.
var Methods = []string{Email, Post, Portal, Hand}

// London is where the 4.30pm of CPR 6.26 is read.
var London = date.England

// DeemedReceived is the day a notice sent by method at sent is deemed received.
// The SEND Regulations do not say; we take CPR 6.26 (documents other than a
// claim form), which the tribunal's own practice follows:
//   - post (first class): the second day after posting if that is a business
//     day, otherwise the next business day after it;
//   - email, and the portal (an "other electronic method"): the day sent if a
//     business day and before 4.30pm, otherwise the next business day;
//   - hand (personal service or leaving it at the address): the same 4.30pm
//     rule as email. The family is told by email as well whatever the method.
func DeemedReceived(method string, sent time.Time) (date.Date, error) {
	local := sent.In(London)
	day := date.Of(local.Year(), local.Month(), local.Day())
	if err := covered(day); err != nil {
		return date.Date{}, err
	}
	switch method {
	case Post:
		return nextWorkingDay(day.AddDays(2))
	case Email, Portal, Hand:
		if WorkingDay(day) && (local.Hour() < 16 || (local.Hour() == 16 && local.Minute() < 30)) {
			return day, nil
		}
		return AddWorkingDays(day, 1)
	}
	return date.Date{}, fmt.Errorf("appeal: unknown method %q", method)
}
