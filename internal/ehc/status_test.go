package ehc_test

import (
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/ehc"
)

// A deadline not done carries what its status on any later day needs (its
// due date and ExcusableFrom), so a caseload can store it and judge it on the
// day it is read. StatusOn must say what the clock says on that day, at every
// boundary: the due date, an exception's start, the day an unended one has
// lasted long enough (regs 5(4), 8(2), 10(4), 13(3): 28 continuous days for
// absence and closure), and its end.
func TestStatusOnAgreesWithTheClock(t *testing.T) {
	base := date.Of(2026, 11, 22)
	histories := nationalHistories(1500, base)
	req, assess := request("2024-01-08"), decision("2024-02-12", "assess")
	for _, h := range [][]string{
		{req, exception("absent_from_area", "2024-02-10", "")},       // R2 due 2024-02-19; excused from 2024-03-08
		{req, exception("absent_from_area", "2024-02-20", "")},       // begins after R2's due date: never
		{req, exception("setting_closure", "2023-12-01", "")},        // began before the request: from its start
		{req, exception("personal_circumstances", "2024-05-01", "")}, // no minimum length: from its first day
		{req, assess, asked("2024-02-12", "health"), exception("missed_appointment", "2024-03-01", "", "contributor", "health")},
		{req, assess, asked("2024-02-12", "health"), exception("missed_appointment", "2024-03-01", "", "contributor", "social_care")},
		{req, exception("absent_from_area", "2024-02-01", "2024-02-28")}, // ended, 28 days
		{req, exception("absent_from_area", "2024-02-01", "2024-02-27")}, // ended, 27 days: never
		{req, assess, exception("setting_closure", "2024-03-01", "")},    // R6 excusable, R3 none asked
	} {
		histories = append(histories, decode(t, h))
	}
	checked := map[ehc.Status]int{}
	for n, h := range histories {
		first, err := ehc.Deadlines(h, base)
		if err != nil {
			t.Fatal(err)
		}
		// The days to judge on: around every open deadline's due date and
		// every exception's start, the day it has lasted 28 days, and end.
		days := []date.Date{base.AddDays(-4000), base.AddDays(4000)}
		for _, d := range first {
			if d.Done.IsZero() && !d.Due.IsZero() {
				days = append(days, d.Due.AddDays(-1), d.Due, d.Due.AddDays(1), d.ExcusableFrom.AddDays(-1), d.ExcusableFrom)
			}
		}
		for _, e := range h {
			if e.Type == ehc.Exception {
				days = append(days, e.Date.AddDays(-1), e.Date, e.Date.AddDays(26), e.Date.AddDays(27), e.Date.AddDays(28), e.To, e.To.AddDays(1))
			}
		}
		for _, on := range days {
			if on.IsZero() || on.Year() < 1900 {
				continue
			}
			then, err := ehc.Deadlines(h, on)
			if err != nil {
				t.Fatal(err)
			}
			if len(then) != len(first) {
				t.Fatalf("history %d: %d deadlines on %s, %d on %s", n, len(then), on, len(first), base)
			}
			for i, d := range first {
				if !d.Done.IsZero() || d.Due.IsZero() {
					continue
				}
				if then[i].Rule != d.Rule || then[i].From != d.From || then[i].ExcusableFrom != d.ExcusableFrom {
					t.Fatalf("history %d: deadline %d differs between %s and %s: %+v, %+v", n, i, base, on, d, then[i])
				}
				if got := d.StatusOn(on); got != then[i].Status {
					t.Fatalf("history %d: %s from %s due %s excusable from %s: StatusOn(%s) %s, the clock %s (%s)",
						n, d.Rule, d.From, d.Due, d.ExcusableFrom, on, got, then[i].Status, then[i].ExcusedBy)
				}
				checked[then[i].Status]++
			}
		}
	}
	for _, s := range []ehc.Status{ehc.Pending, ehc.Overdue, ehc.Excused} {
		if checked[s] == 0 {
			t.Errorf("no open deadline was checked while %s: %v", s, checked)
		}
	}
	t.Logf("open deadlines checked by status: %v", checked)
}
