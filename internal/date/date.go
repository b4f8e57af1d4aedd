// Package date is a calendar date with no time of day or zone: the unit of
// statutory deadlines, dates of birth and census dates.
package date

import (
	"database/sql/driver"
	"fmt"
	"time"
	_ "time/tzdata" // Europe/London on hosts without a zone database
)

// Date is a day in the proleptic Gregorian calendar. The zero value is "no date".
type Date struct {
	t time.Time // always midnight UTC; zero when unset
}

const layout = "2006-01-02"

// Of returns the date of y-m-d, normalising out-of-range values as time.Date does.
func Of(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// FromTime returns the calendar date of t in t's own location.
func FromTime(t time.Time) Date { return Of(t.Year(), t.Month(), t.Day()) }

// England is the zone the partnership's days are counted in.
var England = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err) // time/tzdata is embedded, so only a broken build gets here
	}
	return l
}()

// Today is the date in England at the instant t: the day a step taken at t
// is dated and the day deadlines are read on. From midnight to 1am in
// summer time UTC is still on the day before.
func Today(t time.Time) Date { return FromTime(t.In(England)) }

// Parse reads an ISO 8601 calendar date (YYYY-MM-DD), and nothing else.
func Parse(s string) (Date, error) {
	t, err := time.Parse(layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

func (d Date) IsZero() bool         { return d.t.IsZero() }
func (d Date) Year() int            { return d.t.Year() }
func (d Date) Month() time.Month    { return d.t.Month() }
func (d Date) Day() int             { return d.t.Day() }
func (d Date) Time() time.Time      { return d.t }
func (d Date) Before(e Date) bool   { return d.t.Before(e.t) }
func (d Date) After(e Date) bool    { return d.t.After(e.t) }
func (d Date) DaysSince(e Date) int { return int(d.t.Sub(e.t).Hours() / 24) }
func (d Date) Compare(e Date) int   { return d.t.Compare(e.t) }

// AddDays returns the date n days later (earlier for negative n). Every day is
// 24 hours at midnight UTC, so adding hours is exact, and much faster than AddDate,
// which the statutory clock would otherwise spend a fifth of its time in.
func (d Date) AddDays(n int) Date {
	if n > -100_000 && n < 100_000 { // within time.Duration's ±292 years
		return Date{d.t.Add(time.Duration(n) * 24 * time.Hour)}
	}
	return Date{d.t.AddDate(0, 0, n)}
}

// AddMonths returns the corresponding date n months later (earlier for negative n):
// the same day of the month or, where the month has no such day, its last day. This
// is how "within 12 months" and "five months before" are read in law, so 29 February
// 2024 plus 12 months is 28 February 2025 and 31 July minus 5 months is the end of February.
func (d Date) AddMonths(n int) Date {
	y, m, day := d.t.Date()
	months := int(m) - 1 + n
	y, months = y+months/12, months%12
	if months < 0 {
		y, months = y-1, months+12
	}
	target := time.Month(months + 1)
	return Of(y, target, min(day, daysIn(target, y)))
}

func daysIn(m time.Month, year int) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(layout)
}

// YearsOn is the age in whole years on day on of someone born on d
// (a 29 February birthday falls on 1 March in common years).
func (d Date) YearsOn(on Date) int {
	years := on.Year() - d.Year()
	if on.Month() < d.Month() || (on.Month() == d.Month() && on.Day() < d.Day()) {
		years--
	}
	return years
}

func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Value stores a date as midnight UTC, which both SQLite and PostgreSQL DATE columns accept.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.t, nil
}

// Scan reads what either database returns for a DATE column.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = FromTime(v.UTC())
	case string:
		return d.scanString(v)
	case []byte:
		return d.scanString(string(v))
	default:
		return fmt.Errorf("date: cannot scan %T", src)
	}
	return nil
}

func (d *Date) scanString(s string) error {
	if len(s) < len(layout) {
		return fmt.Errorf("date: cannot scan %q", s)
	}
	p, err := Parse(s[:len(layout)])
	if err != nil {
		return err
	}
	*d = p
	return nil
}
