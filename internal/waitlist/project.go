package waitlist

import (
	"fmt"
	"math"
	"slices"

	"joinedup/internal/apperr"
	"joinedup/internal/date"
)

// Plan is what a commissioner plans for one waiting list.
type Plan struct {
	Start            date.Date // the census the list was measured at
	ReferralsPerWeek float64   // new referrals a week: the mean of the last 26 weeks (ReferralRate)
	CapacityPerWeek  float64   // children the team itself takes off the list a week (assessed or treated)
	Purchased        int       // independent-sector assessments bought, spread evenly over the first PurchasedWeeks
	PurchasedWeeks   int
	Weeks            int // the horizon; 0 means DefaultWeeks
}

// DefaultWeeks is the horizon of a projection: three years, as the recovery programme runs.
const DefaultWeeks = 156

// MaxWeeks bounds a horizon: ten years of weeks.
const MaxWeeks = 520

// Week is the list at the end of one simulated week.
type Week struct {
	Ending                   date.Date
	Referred, Seen           int
	Waiting, Over52, Over104 int
}

// Month is the list at the end of the last simulated week that ends in the month.
type Month struct {
	Month                    string // YYYY-MM
	Ending                   date.Date
	Waiting, Over52, Over104 int
}

// Clearance says when the waits over a threshold end.
type Clearance struct {
	// Within is true when none waits over the threshold from On to the horizon's end,
	// and the closed-form check finds none will after it.
	Within bool
	On     date.Date // the first week end (or Start) from which none does; zero unless Within
	// Never is true when at this capacity such waits never end: referrals outpace the
	// capacity after the purchases, or match it with a list longer than the threshold.
	Never bool
	// By, when neither, is the closed-form estimate of the week end by which they end, after the horizon.
	By date.Date
}

// Projection is a plan's list week by week and month by month, and when its long waits end.
type Projection struct {
	Weeks           []Week
	Months          []Month
	Over52, Over104 Clearance
}

// ReferralRate is the mean number of referrals a week over the 26 weeks (182 days)
// that end on the census day: those received after census − 182 days and on or before it.
func ReferralRate(received []date.Date, census date.Date) float64 {
	from := census.AddDays(-182)
	n := 0
	for _, d := range received {
		if d.After(from) && !d.After(census) {
			n++
		}
	}
	return float64(n) / 26
}

func (p *Plan) check(waits []int) error {
	var fs apperr.Fields
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	if p.Start.IsZero() {
		fs.Add("start", "missing")
	}
	switch {
	case !finite(p.CapacityPerWeek):
		fs.Add("capacity_per_week", "must be a number")
	case p.CapacityPerWeek <= 0:
		fs.Add("capacity_per_week", fmt.Sprintf("%g: must be more than 0, or no child is ever seen", p.CapacityPerWeek))
	}
	if !finite(p.ReferralsPerWeek) || p.ReferralsPerWeek < 0 {
		fs.Add("referrals_per_week", fmt.Sprintf("%g: must be 0 or more", p.ReferralsPerWeek))
	}
	weeks := p.weeks()
	if weeks < 1 || weeks > MaxWeeks {
		fs.Add("weeks", fmt.Sprintf("%d: must be from 1 to %d", p.Weeks, MaxWeeks))
	}
	switch {
	case p.Purchased < 0:
		fs.Add("purchased", fmt.Sprintf("%d: must be 0 or more", p.Purchased))
	case p.Purchased > 0 && p.PurchasedWeeks < 1:
		fs.Add("purchased_weeks", "must be 1 or more when assessments are purchased")
	case p.PurchasedWeeks < 0 || p.PurchasedWeeks > weeks:
		fs.Add("purchased_weeks", fmt.Sprintf("%d: must be from 0 to the horizon, %d weeks", p.PurchasedWeeks, weeks))
	}
	for i, w := range waits {
		if w < 0 {
			fs.Add(fmt.Sprintf("waits[%d]", i), fmt.Sprintf("%d days: a wait cannot be negative", w))
			break
		}
	}
	return fs.Err("the plan")
}

func (p *Plan) weeks() int {
	if p.Weeks == 0 {
		return DefaultWeeks
	}
	return p.Weeks
}

// cohort is n children whose clocks started on the same day (days from Start; negative before it).
type cohort struct{ start, n int }

// Project simulates a waiting list week by week under a plan. waits is the days
// each child on the list has waited at Start, in any order.
//
// Each week, first come first served: at its start the longest waiters are seen,
// as many as the week's capacity (the team's own plus the purchased, fractions
// carried to later weeks); then that week's referrals join the end of the list,
// received on its first day. At its end (Start + 7 weeks) the list is counted: a
// child waits over 52 weeks when more than 364 days, over 104 when more than 728.
// The loop is bounded by the horizon; what happens after it is a closed-form check
// (see Clearance and clears).
func Project(waits []int, plan Plan) (Projection, error) {
	if err := plan.check(waits); err != nil {
		return Projection{}, err
	}
	weeks := plan.weeks()
	sorted := slices.Clone(waits)
	slices.Sort(sorted)
	q := make([]cohort, 0, len(sorted)+weeks)
	for i := len(sorted) - 1; i >= 0; i-- { // longest waiter (earliest start) first
		if n := len(q); n > 0 && q[n-1].start == -sorted[i] {
			q[n-1].n++
		} else {
			q = append(q, cohort{-sorted[i], 1})
		}
	}
	head, length := 0, len(waits)
	over := func(day, days int) int { // children on the list at day who have waited more than days
		n := 0
		for _, c := range q[head:] {
			if day-c.start <= days {
				break
			}
			n += c.n
		}
		return n
	}
	pr := Projection{Weeks: make([]Week, weeks)}
	last52, last104 := -1, -1 // the last week (0 = Start) anyone waited over 52 or 104 weeks
	if over(0, 364) > 0 {
		last52 = 0
	}
	if over(0, 728) > 0 {
		last104 = 0
	}
	for k := 1; k <= weeks; k++ {
		capacity := spread(plan.CapacityPerWeek, k)
		if k <= plan.PurchasedWeeks {
			capacity += k*plan.Purchased/plan.PurchasedWeeks - (k-1)*plan.Purchased/plan.PurchasedWeeks
		}
		seen := min(capacity, length)
		for left := seen; left > 0; {
			c := &q[head]
			take := min(left, c.n)
			c.n -= take
			left -= take
			if c.n == 0 {
				head++
			}
		}
		referred := spread(plan.ReferralsPerWeek, k)
		if referred > 0 {
			q = append(q, cohort{7 * (k - 1), referred})
		}
		length += referred - seen
		end := 7 * k
		w := Week{Ending: plan.Start.AddDays(end), Referred: referred, Seen: seen, Waiting: length, Over52: over(end, 364), Over104: over(end, 728)}
		if w.Over52 > 0 {
			last52 = k
		}
		if w.Over104 > 0 {
			last104 = k
		}
		pr.Weeks[k-1] = w
		if head > len(q)/2 && head > 1024 { // keep the queue from growing without end
			q = append(q[:0], q[head:]...)
			head = 0
		}
	}
	for i, w := range pr.Weeks {
		if i+1 == len(pr.Weeks) || pr.Weeks[i+1].Ending.Month() != w.Ending.Month() {
			pr.Months = append(pr.Months, Month{Month: w.Ending.Time().Format("2006-01"), Ending: w.Ending, Waiting: w.Waiting, Over52: w.Over52, Over104: w.Over104})
		}
	}
	final := q[head:]
	pr.Over52 = clears(&plan, weeks, last52, final, length, 364)
	pr.Over104 = clears(&plan, weeks, last104, final, length, 728)
	return pr, nil
}

// spread is how many of rate a week fall in week k (from 1): whole children,
// the fractions carried, so k weeks hold floor(k × rate) in all.
func spread(rate float64, k int) int {
	const eps = 1e-9 // 0.1 × 30 is 2.9999999999999996 in floating point
	return int(math.Floor(float64(k)*rate+eps) - math.Floor(float64(k-1)*rate+eps))
}

// clears says when waits over limit days end, from the last week (0 = Start, -1
// none) anyone waited that long and, after the horizon, a closed form: from then
// on the capacity c is the team's own and referrals come at r a week. In that
// fluid picture the child at position i of the final list (longest first, having
// waited w days) is seen i/c weeks later, having waited w + 7i/c days; a child
// referred a weeks after the horizon waits 7(Q − (c − r)a)/c days, Q the final
// list's length, so never more than 7Q/c.
func clears(plan *Plan, weeks, last int, final []cohort, length, limit int) Clearance {
	c, r := plan.CapacityPerWeek, plan.ReferralsPerWeek
	end := 7 * weeks
	limitWeeks := float64(limit) / 7
	arrivalsOver := 7*float64(length)/c > float64(limit)
	if c < r || c == r && arrivalsOver {
		return Clearance{Never: true}
	}
	after := -1.0 // weeks after the horizon when the last child over the limit is seen; -1 none
	i := 0
	for _, co := range final {
		// The cohort's last child is the latest seen of it, and waited the longest when seen.
		lastPos := float64(i + co.n - 1)
		if float64(end-co.start)+7*lastPos/c > float64(limit) {
			after = max(after, lastPos/c)
		}
		i += co.n
	}
	if arrivalsOver { // c > r here
		after = max(after, (float64(length)-c*limitWeeks)/(c-r)+limitWeeks)
	}
	if after < 0 {
		return Clearance{Within: true, On: plan.Start.AddDays(7 * (last + 1))}
	}
	return Clearance{By: plan.Start.AddDays(7 * (weeks + int(math.Floor(after)) + 1))}
}
