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
	TeamID    string
	Team      string
	Provider  string // the NHS provider the team belongs to
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
// last 12 months by provider and team, and the advice overdue now. Its
// figures name no child.
type Dashboard struct {
	Months     []Month // by month (newest first), then provider and team
	OverdueNow []Month // by provider and team: requests open past their 6 weeks today, whenever received
	Today      date.Date
}

// DashboardMonths is how far back the month-by-month figures go.
const DashboardMonths = 12

// Timeliness computes the dashboard as of today (advice.qa).
func Timeliness(ctx context.Context, d *db.DB, a access.Actor) (Dashboard, error) {
	if !a.May(access.AdviceQA) || a.Disabled || a.Kind != access.Staff {
		return Dashboard{}, apperr.Errorf(apperr.Forbidden, "only the Designated Clinical Officer sees the health advice dashboard")
	}
	today := date.Today(db.Now())
	first := date.Of(today.Year(), today.Month(), 1).AddMonths(-(DashboardMonths - 1))
	rows, err := d.QueryContext(ctx, `SELECT o.id, o.name, COALESCE(p.name, ''), r.received_on, r.due_on, r.status, f.submitted_at
		FROM advice_requests r JOIN organisations o ON o.id = r.team_id LEFT JOIN organisations p ON p.id = o.parent_id
		LEFT JOIN advice_submissions f ON f.request_id = r.id AND f.version = 1
		WHERE r.received_on >= $1 OR (r.status = $2 AND r.due_on < $3)`, first, Open, today)
	if err != nil {
		return Dashboard{}, err
	}
	defer rows.Close()
	months := map[[2]string]*Month{}
	overdue := map[string]*Month{}
	for rows.Next() {
		var t Month
		var status string
		var received, due date.Date
		var returned sql.NullTime
		if err := rows.Scan(&t.TeamID, &t.Team, &t.Provider, &received, &due, &status, &returned); err != nil {
			return Dashboard{}, err
		}
		if status == Open && today.After(due) {
			m := overdue[t.TeamID]
			if m == nil {
				m = &t
				overdue[t.TeamID] = m
			}
			m.Overdue++
		}
		if received.Before(first) {
			continue
		}
		key := [2]string{received.Time().Format("2006-01"), t.TeamID}
		m := months[key]
		if m == nil {
			m = &Month{TeamID: t.TeamID, Team: t.Team, Provider: t.Provider, Month: key[0]}
			months[key] = m
		}
		m.Received++
		switch {
		case status == Withdrawn:
			m.Withdrawn++
		case returned.Valid:
			on := date.Today(returned.Time)
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
	slices.SortFunc(out.Months, func(x, y Month) int { return cmp.Or(-cmp.Compare(x.Month, y.Month), byTeam(x, y)) })
	for _, m := range overdue {
		out.OverdueNow = append(out.OverdueNow, *m)
	}
	slices.SortFunc(out.OverdueNow, byTeam)
	return out, nil
}

// byTeam orders figures by provider, team and the team's id (two providers may name a team alike).
func byTeam(x, y Month) int {
	return cmp.Or(cmp.Compare(x.Provider, y.Provider), cmp.Compare(x.Team, y.Team), cmp.Compare(x.TeamID, y.TeamID))
}

// Tally is how many times one criterion was rated red, amber and green.
type Tally struct{ Red, Amber, Green int }

// Total is the ratings counted.
func (t Tally) Total() int { return t.Red + t.Amber + t.Green }

func (t *Tally) add(rating string) {
	switch rating {
	case "red":
		t.Red++
	case "amber":
		t.Amber++
	case "green":
		t.Green++
	}
}

// Quality is the DCO's quality assurance in one month for one team (or, in
// QualityFigures.All, every team together: TeamID ""). Reviews are those
// recorded in the month, with their ratings by criterion; Resubmitted counts
// the versions after the first submitted in the month, and AfterRed those of
// them whose version before was rated red on some criterion.
type Quality struct {
	Month                  string // YYYY-MM
	TeamID, Team, Provider string
	Reviews                int
	Ratings                []Tally // by criterion, in the order of QualityFigures.Rubric
	Resubmitted, AfterRed  int
}

// Overall is the month's ratings over every criterion.
func (q Quality) Overall() Tally {
	var t Tally
	for _, r := range q.Ratings {
		t.Red, t.Amber, t.Green = t.Red+r.Red, t.Amber+r.Amber, t.Green+r.Green
	}
	return t
}

// QualityFigures are the DCO's ratings over time, month by month for the
// last 12 months: by provider and team, and every team together. They name no child.
type QualityFigures struct {
	Rubric []Criterion // the criteria in use and any other rated in the period, in the rubric's order
	ByTeam []Quality   // newest month first, then provider and team
	All    []Quality   // newest month first
	Today  date.Date
}

// QualityByMonth computes the quality figures as of today (advice.qa).
func QualityByMonth(ctx context.Context, d *db.DB, a access.Actor) (QualityFigures, error) {
	if !a.May(access.AdviceQA) || a.Disabled || a.Kind != access.Staff {
		return QualityFigures{}, apperr.Errorf(apperr.Forbidden, "only the Designated Clinical Officer sees the health advice dashboard")
	}
	today := date.Today(db.Now())
	out := QualityFigures{Today: today}
	since := date.Of(today.Year(), today.Month(), 1).AddMonths(-(DashboardMonths - 1)).Time()
	type key struct{ month, team string }
	teams := map[key]*Quality{}
	at := func(on time.Time, teamID, team, provider string) *Quality {
		k := key{on.UTC().Format("2006-01"), teamID}
		q := teams[k]
		if q == nil {
			q = &Quality{Month: k.month, TeamID: teamID, Team: team, Provider: provider}
			teams[k] = q
		}
		return q
	}
	// Every rating of every review in the period, a review's ratings together.
	type rated struct {
		review, teamID, team, provider, criterion, rating string
		at                                                time.Time
	}
	var ratings []rated
	rows, err := d.QueryContext(ctx, `SELECT v.id, v.reviewed_at, o.id, o.name, COALESCE(p.name, ''), g.criterion_id, g.rating
		FROM advice_reviews v JOIN advice_submissions s ON s.id = v.submission_id JOIN advice_requests r ON r.id = s.request_id
		JOIN organisations o ON o.id = r.team_id LEFT JOIN organisations p ON p.id = o.parent_id
		JOIN advice_ratings g ON g.review_id = v.id
		WHERE v.reviewed_at >= $1 ORDER BY v.id`, since)
	if err != nil {
		return out, err
	}
	used := map[string]bool{}
	for rows.Next() {
		var x rated
		if err := rows.Scan(&x.review, &x.at, &x.teamID, &x.team, &x.provider, &x.criterion, &x.rating); err != nil {
			rows.Close()
			return out, err
		}
		used[x.criterion] = true
		ratings = append(ratings, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	rows, err = d.QueryContext(ctx, "SELECT id, title, description, active FROM advice_rubric ORDER BY position, id")
	if err != nil {
		return out, err
	}
	column := map[string]int{}
	for rows.Next() {
		var c Criterion
		var active bool
		if err := rows.Scan(&c.ID, &c.Title, &c.Description, &active); err != nil {
			rows.Close()
			return out, err
		}
		if active || used[c.ID] {
			column[c.ID] = len(out.Rubric)
			out.Rubric = append(out.Rubric, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	for i, x := range ratings {
		q := at(x.at, x.teamID, x.team, x.provider)
		if q.Ratings == nil {
			q.Ratings = make([]Tally, len(out.Rubric))
		}
		if i == 0 || ratings[i-1].review != x.review {
			q.Reviews++
		}
		q.Ratings[column[x.criterion]].add(x.rating)
	}
	// Re-submissions in the period, and whether the version before had a red.
	rows, err = d.QueryContext(ctx, `SELECT s.submitted_at, o.id, o.name, COALESCE(p.name, ''),
			CASE WHEN EXISTS (SELECT 1 FROM advice_submissions b JOIN advice_reviews bv ON bv.submission_id = b.id
				JOIN advice_ratings bg ON bg.review_id = bv.id
				WHERE b.request_id = s.request_id AND b.version = s.version - 1 AND bg.rating = 'red') THEN 1 ELSE 0 END
		FROM advice_submissions s JOIN advice_requests r ON r.id = s.request_id
		JOIN organisations o ON o.id = r.team_id LEFT JOIN organisations p ON p.id = o.parent_id
		WHERE s.version > 1 AND s.submitted_at >= $1`, since)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var on time.Time
		var teamID, team, provider string
		var afterRed int
		if err := rows.Scan(&on, &teamID, &team, &provider, &afterRed); err != nil {
			return out, err
		}
		q := at(on, teamID, team, provider)
		q.Resubmitted++
		q.AfterRed += afterRed
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	all := map[string]*Quality{}
	for _, q := range teams {
		if q.Ratings == nil {
			q.Ratings = make([]Tally, len(out.Rubric))
		}
		out.ByTeam = append(out.ByTeam, *q)
		m := all[q.Month]
		if m == nil {
			m = &Quality{Month: q.Month, Team: "All teams", Ratings: make([]Tally, len(out.Rubric))}
			all[q.Month] = m
		}
		m.Reviews, m.Resubmitted, m.AfterRed = m.Reviews+q.Reviews, m.Resubmitted+q.Resubmitted, m.AfterRed+q.AfterRed
		for i, t := range q.Ratings {
			m.Ratings[i].Red, m.Ratings[i].Amber, m.Ratings[i].Green = m.Ratings[i].Red+t.Red, m.Ratings[i].Amber+t.Amber, m.Ratings[i].Green+t.Green
		}
	}
	for _, m := range all {
		out.All = append(out.All, *m)
	}
	slices.SortFunc(out.ByTeam, func(x, y Quality) int {
		return cmp.Or(-cmp.Compare(x.Month, y.Month), cmp.Compare(x.Provider, y.Provider), cmp.Compare(x.Team, y.Team), cmp.Compare(x.TeamID, y.TeamID))
	})
	slices.SortFunc(out.All, func(x, y Quality) int { return -cmp.Compare(x.Month, y.Month) })
	return out, nil
}
