package earlyyears

import (
	"cmp"
	"context"
	"database/sql"
	"slices"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
)

// Row is the figures for the notifications one health provider sent in one
// month (or, with Month "", over the whole period). AckWithin counts those
// acknowledged within the chosen number of days of being sent; Outcomes
// counts the notifications where the council recorded each action (one
// notification may have several). No row names a child.
type Row struct {
	Month        string // YYYY-MM of the notification; "" for the period
	Provider     string
	Notified     int
	Acknowledged int
	AckWithin    int
	Unacked      int // not yet acknowledged
	Closed       int // what the council did is recorded
	Outcomes     map[string]int
}

// Outcome is the row's count for one outcome (templates cannot index a map by a constant).
func (r Row) Outcome(o string) int { return r.Outcomes[o] }

// Totals are the early-years notifications of the last TotalsMonths months.
type Totals struct {
	From, Today date.Date
	Within      int
	Months      []Row // newest month first, then provider
	Providers   []Row // the whole period, by provider
	All         Row   // the whole period, everyone
}

// TotalsMonths is how far back the totals go: the demo's three years.
const TotalsMonths = 36

// Within bounds: acknowledged within 1 to 90 days; 14 unless chosen.
const (
	DefaultWithin = 14
	MaxWithin     = 90
)

// Summarise computes the totals (earlyyears.report). within is the days
// within which an acknowledgement counts as prompt.
func Summarise(ctx context.Context, d *db.DB, a access.Actor, within int) (Totals, error) {
	if a.Disabled || a.Kind != access.Staff || !a.May(access.EarlyYearsReport) {
		return Totals{}, apperr.Errorf(apperr.Forbidden, "only the Designated Clinical Officer and the SEND manager see these totals")
	}
	if within < 1 || within > MaxWithin {
		return Totals{}, &apperr.Error{Code: apperr.Invalid, Message: "the totals cannot be counted",
			Fields: apperr.Fields{{Name: "within", Message: "Enter a number of days from 1 to 90"}}}
	}
	today := date.Today(db.Now())
	t := Totals{Today: today, Within: within, From: date.Of(today.Year(), today.Month(), 1).AddMonths(-(TotalsMonths - 1)),
		All: Row{Outcomes: map[string]int{}}}
	rows, err := d.QueryContext(ctx, `SELECT n.id, p.name, n.notified_on, n.acknowledged_on, n.status FROM early_years_notifications n
		JOIN organisations p ON p.id = n.provider_id WHERE n.notified_on >= $1`, t.From)
	if err != nil {
		return Totals{}, err
	}
	defer rows.Close()
	months := map[[2]string]*Row{}
	providers := map[string]*Row{}
	where := map[string][]*Row{} // notification id: the rows it counts in
	for rows.Next() {
		var id, provider, status string
		var on date.Date
		var ack sql.Null[date.Date]
		if err := rows.Scan(&id, &provider, &on, &ack, &status); err != nil {
			return Totals{}, err
		}
		key := [2]string{on.Time().Format("2006-01"), provider}
		m := months[key]
		if m == nil {
			m = &Row{Month: key[0], Provider: provider, Outcomes: map[string]int{}}
			months[key] = m
		}
		p := providers[provider]
		if p == nil {
			p = &Row{Provider: provider, Outcomes: map[string]int{}}
			providers[provider] = p
		}
		for _, r := range []*Row{m, p, &t.All} {
			r.Notified++
			switch {
			case ack.Valid:
				r.Acknowledged++
				if ack.V.DaysSince(on) <= within {
					r.AckWithin++
				}
			default:
				r.Unacked++
			}
			if status == Closed {
				r.Closed++
			}
		}
		where[id] = []*Row{m, p, &t.All}
	}
	if err := rows.Err(); err != nil {
		return Totals{}, err
	}
	rows.Close()
	orows, err := d.QueryContext(ctx, `SELECT o.notification_id, o.outcome FROM early_years_outcomes o
		JOIN early_years_notifications n ON n.id = o.notification_id WHERE n.notified_on >= $1`, t.From)
	if err != nil {
		return Totals{}, err
	}
	defer orows.Close()
	for orows.Next() {
		var id, o string
		if err := orows.Scan(&id, &o); err != nil {
			return Totals{}, err
		}
		for _, r := range where[id] {
			r.Outcomes[o]++
		}
	}
	if err := orows.Err(); err != nil {
		return Totals{}, err
	}
	for _, m := range months {
		t.Months = append(t.Months, *m)
	}
	slices.SortFunc(t.Months, func(x, y Row) int { return cmp.Or(-cmp.Compare(x.Month, y.Month), cmp.Compare(x.Provider, y.Provider)) })
	for _, p := range providers {
		t.Providers = append(t.Providers, *p)
	}
	slices.SortFunc(t.Providers, func(x, y Row) int { return cmp.Compare(x.Provider, y.Provider) })
	return t, nil
}
