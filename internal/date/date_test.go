package date

import (
	"testing"
	"time"
)

func TestParseRejectsAnythingButISODates(t *testing.T) {
	for _, s := range []string{"", "2024-2-1", "01/02/2024", "2023-02-29", "2024-13-01", "2024-01-01T00:00:00Z"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
	d, err := Parse("2024-02-29")
	if err != nil || d.String() != "2024-02-29" {
		t.Fatalf("Parse(2024-02-29) = %v, %v", d, err)
	}
}

func TestYearsOn(t *testing.T) {
	cases := []struct {
		born, on string
		want     int
	}{
		{"2010-06-15", "2026-06-14", 15}, // the day before the 16th birthday
		{"2010-06-15", "2026-06-15", 16}, // on the birthday
		{"2008-02-29", "2024-02-28", 15}, // leap-day birthday, leap year, day before
		{"2008-02-29", "2025-02-28", 16}, // common year: the birthday is not reached on 28 February
		{"2008-02-29", "2025-03-01", 17}, // ...it is reached on 1 March
	}
	for _, c := range cases {
		b, _ := Parse(c.born)
		o, _ := Parse(c.on)
		if got := b.YearsOn(o); got != c.want {
			t.Errorf("%s on %s: %d years, want %d", c.born, c.on, got, c.want)
		}
	}
}

func TestScanAcceptsBothDatabases(t *testing.T) {
	var d Date
	for _, src := range []any{"2025-03-01", "2025-03-01 00:00:00+00:00", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), []byte("2025-03-01")} {
		if err := d.Scan(src); err != nil || d.String() != "2025-03-01" {
			t.Errorf("Scan(%v) = %v, %v", src, d, err)
		}
	}
	if err := d.Scan(nil); err != nil || !d.IsZero() {
		t.Errorf("Scan(nil) = %v, %v", d, err)
	}
	if err := d.Scan(42); err == nil {
		t.Error("Scan(42) accepted")
	}
}

func TestAddMonthsKeepsTheDayOrTakesTheMonthsLast(t *testing.T) {
	cases := []struct {
		from   string
		months int
		want   string
	}{
		{"2025-03-10", 12, "2026-03-10"}, // the same day a year later
		{"2024-02-29", 12, "2025-02-28"}, // no 29 February in 2025: the last day of February
		{"2024-02-29", 48, "2028-02-29"}, // a leap year again
		{"2025-08-31", 1, "2025-09-30"},  // September has 30 days
		{"2025-12-15", 2, "2026-02-15"},  // across the year end
		{"2027-07-31", -5, "2027-02-28"}, // five months before 31 July
		{"2028-07-31", -5, "2028-02-29"}, // ...in a leap year
		{"2027-09-01", -12, "2026-09-01"},
		{"2026-01-31", -13, "2024-12-31"},
	}
	for _, c := range cases {
		d, _ := Parse(c.from)
		if got := d.AddMonths(c.months).String(); got != c.want {
			t.Errorf("%s + %d months = %s, want %s", c.from, c.months, got, c.want)
		}
	}
}

func TestAddDaysAgreesWithTheCalendar(t *testing.T) {
	start := Of(1899, 12, 25)
	for _, n := range []int{-200_000, -99_999, -366, -1, 0, 1, 28, 42, 365, 366, 99_999, 100_000, 250_000} {
		want := Date{start.t.AddDate(0, 0, n)}
		if got := start.AddDays(n); got != want {
			t.Errorf("%s + %d days = %s, want %s", start, n, got, want)
		}
	}
	for d := start; d.Year() < 2101; d = d.AddDays(1) { // every day, across leap years and DST changes
		if next := d.AddDays(1); next != Of(d.Year(), d.Month(), d.Day()+1) {
			t.Fatalf("the day after %s is %s", d, next)
		}
	}
}

func TestAddMonthsAgreesWithTheCalendar(t *testing.T) {
	for d := Of(1896, 1, 1); d.Year() < 2105; d = d.AddDays(1) {
		for _, n := range []int{-25, -12, -5, -1, 1, 5, 12, 13, 48} {
			got := d.AddMonths(n)
			first := d.t.AddDate(0, n, 1-d.Day()) // the first of the target month
			last := first.AddDate(0, 1, -1).Day()
			if want := Of(first.Year(), first.Month(), min(d.Day(), last)); got != want {
				t.Fatalf("%s + %d months = %s, want %s", d, n, got, want)
			}
		}
	}
}

// TestTodayIsTheDayInEngland: a step taken just after midnight in British
// Summer Time is dated that day, though UTC is still on the day before; in
// winter (GMT) the two agree. The clocks change at 01:00 UTC on the last
// Sunday of March and of October (Summer Time Act 1972, as amended by SI
// 2002/262): in 2026, 29 March and 25 October.
func TestTodayIsTheDayInEngland(t *testing.T) {
	for _, c := range []struct {
		utc  string
		want Date
	}{
		{"2026-07-01T23:30:00Z", Of(2026, 7, 2)},   // BST: 00:30 on 2 July
		{"2026-07-01T22:59:59Z", Of(2026, 7, 1)},   // BST: 23:59:59 on 1 July
		{"2026-12-01T23:30:00Z", Of(2026, 12, 1)},  // GMT: the same as UTC
		{"2026-03-29T00:30:00Z", Of(2026, 3, 29)},  // GMT still: 00:30
		{"2026-03-28T23:30:00Z", Of(2026, 3, 28)},  // the night before the change
		{"2026-10-24T23:30:00Z", Of(2026, 10, 25)}, // BST's last night: 00:30 on the 25th
		{"2026-10-25T23:30:00Z", Of(2026, 10, 25)}, // GMT again
	} {
		at, err := time.Parse(time.RFC3339, c.utc)
		if err != nil {
			t.Fatal(err)
		}
		if got := Today(at); got != c.want {
			t.Errorf("Today(%s) = %s, want %s", c.utc, got, c.want)
		}
		if got := Today(at.In(time.FixedZone("elsewhere", -5*3600))); got != c.want {
			t.Errorf("Today(%s, read in another zone) = %s, want %s", c.utc, got, c.want)
		}
	}
}
