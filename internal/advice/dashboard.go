package advice

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
)

// Month is one team's figures for the requests it received in one month.
// Returned counts the requests answered (their first version); OnTime those
// answered by the 6-week date (reg 8); Open those still awaited, of which
// Overdue are past it; Withdrawn are not counted against the team.
type Month struct {
	Team      string
	Month     string // YYYY-MM, the month the team received the requests
	Received  int
	Returned  int
	OnTime    int
	Open      int
	Overdue   int
	Withdrawn int
	DaysTotal int // days from receipt to return, summed over Returned, for the average
}

// AverageDays is the mean days from receipt to the first version, 0 when none returned.
func (m Month) AverageDays() float64 {
	if m.Returned == 0 {
		return 0
	}
	return float64(m.DaysTotal) / float64(m.Returned)
}

// OnTimePercent is the share of returned advice that came within 6 weeks.
func (m Month) OnTimePercent() int {
	if m.Returned == 0 {
		return 0
	}
	return (m.OnTime*100 + m.Returned/2) / m.Returned
}

// Dashboard is health advice timeliness for the DCO: month by month for the
// last 12 months by team, and the advice overdue now. Its figures name no child.
type Dashboard struct {
	Months     []Month // by month (newest first), then team
	OverdueNow []Month // by team: requests open past their 6 weeks today, whenever received
	Today      date.Date
}

// DashboardMonths is how far back the month-by-month figures go.
const DashboardMonths = 12

// Timeliness computes the dashboard as of today (advice.qa).
func Timeliness(ctx context.Context, d *db.DB, a access.Actor) (Dashboard, error) {
	if !a.May(access.AdviceQA) || a.Disabled || a.Kind != access.Staff {
		return Dashboard{}, apperr.Errorf(apperr.Forbidden, "only the Designated Clinical Officer sees the health advice dashboard")
	}
	today := date.FromTime(db.Now())
	first := date.Of(today.Year(), today.Month(), 1).AddMonths(-(DashboardMonths - 1))
	rows, err := d.QueryContext(ctx, `SELECT o.name, r.received_on, r.due_on, r.status, f.submitted_at
		FROM advice_requests r JOIN organisations o ON o.id = r.team_id
		LEFT JOIN advice_submissions f ON f.request_id = r.id AND f.version = 1
		WHERE r.received_on >= $1 OR (r.status = $2 AND r.due_on < $3)`, first, Open, today)
	if err != nil {
		return Dashboard{}, err
	}
	defer rows.Close()
	months := map[[2]string]*Month{}
	overdue := map[string]*Month{}
	for rows.Next() {
		var team, status string
		var received, due date.Date
		var returned sql.NullTime
		if err := rows.Scan(&team, &received, &due, &status, &returned); err != nil {
			return Dashboard{}, err
		}
		if status == Open && today.After(due) {
			m := overdue[team]
			if m == nil {
				m = &Month{Team: team}
				overdue[team] = m
			}
			m.Overdue++
		}
		if received.Before(first) {
			continue
		}
		key := [2]string{received.Time().Format("2006-01"), team}
		m := months[key]
		if m == nil {
			m = &Month{Team: team, Month: key[0]}
			months[key] = m
		}
		m.Received++
		switch {
		case status == Withdrawn:
			m.Withdrawn++
		case returned.Valid:
			on := date.FromTime(returned.Time.In(time.UTC))
			m.Returned++
			m.DaysTotal += on.DaysSince(received)
			if !on.After(due) {
				m.OnTime++
			}
		default:
			m.Open++
			if today.After(due) {
				m.Overdue++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return Dashboard{}, err
	}
	out := Dashboard{Today: today}
	for _, m := range months {
		out.Months = append(out.Months, *m)
	}
	slices.SortFunc(out.Months, func(x, y Month) int { return cmp.Or(-cmp.Compare(x.Month, y.Month), cmp.Compare(x.Team, y.Team)) })
	for _, m := range overdue {
		out.OverdueNow = append(out.OverdueNow, *m)
	}
	slices.SortFunc(out.OverdueNow, func(x, y Month) int { return cmp.Compare(x.Team, y.Team) })
	return out, nil
}
