package waitlist_test

import (
	"slices"
	"strings"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/waitlist"
)

// A small list worked by hand, week by week.
//
// Start Sunday 22 November 2026. Four children have waited 371, 360, 300 and 20
// days. One referral a week; capacity 1.5 a week, so 1, 2, 1, 2, 1, 2 children are
// seen in weeks 1–6 (floor(1.5k) − floor(1.5(k−1))). Clock starts, in days from
// Start: −371, −360, −300, −20. At Start one child (371 days) is over 52 weeks.
//
//	week 1 (ends 29 Nov, day 7):  see −371; referral joins at 0.  List −360 (367 days, over 52),
//	                              −300 (307), −20 (27), 0 (7): 4 waiting, 1 over 52.
//	week 2 (ends 6 Dec, day 14):  see −360, −300; referral at 7.  List −20 (34), 0 (14), 7 (7): 3, none over.
//	week 3 (ends 13 Dec, day 21): see −20; referral at 14.        List 0, 7, 14: 3.
//	week 4 (ends 20 Dec, day 28): see 0, 7; referral at 21.       List 14, 21: 2.
//	week 5 (ends 27 Dec, day 35): see 14; referral at 28.         List 21, 28: 2.
//	week 6 (ends 3 Jan, day 42):  see 21, 28; referral at 35.     List 35 (7 days): 1.
//
// Over 52 weeks ends from week 2 (6 December 2026); no one ever waited over 104,
// so that is clear from Start. After the horizon (capacity 1.5 > referrals 1): the
// one child left waited 7 days, and a new referral waits at most 7 × 1/1.5 days,
// so nothing comes back. Months: November is read at week 1, December at week 5
// (27 Dec), January at week 6.
func TestProjectHandWorked(t *testing.T) {
	start := d(t, "2026-11-22")
	pr, err := waitlist.Project([]int{20, 371, 300, 360}, waitlist.Plan{Start: start, ReferralsPerWeek: 1, CapacityPerWeek: 1.5, Weeks: 6})
	if err != nil {
		t.Fatal(err)
	}
	wantWeeks := []waitlist.Week{
		{Ending: d(t, "2026-11-29"), Referred: 1, Seen: 1, Waiting: 4, Over52: 1},
		{Ending: d(t, "2026-12-06"), Referred: 1, Seen: 2, Waiting: 3},
		{Ending: d(t, "2026-12-13"), Referred: 1, Seen: 1, Waiting: 3},
		{Ending: d(t, "2026-12-20"), Referred: 1, Seen: 2, Waiting: 2},
		{Ending: d(t, "2026-12-27"), Referred: 1, Seen: 1, Waiting: 2},
		{Ending: d(t, "2027-01-03"), Referred: 1, Seen: 2, Waiting: 1},
	}
	if !slices.Equal(pr.Weeks, wantWeeks) {
		t.Errorf("weeks\n got %+v\nwant %+v", pr.Weeks, wantWeeks)
	}
	wantMonths := []waitlist.Month{
		{Month: "2026-11", Ending: d(t, "2026-11-29"), Waiting: 4, Over52: 1},
		{Month: "2026-12", Ending: d(t, "2026-12-27"), Waiting: 2},
		{Month: "2027-01", Ending: d(t, "2027-01-03"), Waiting: 1},
	}
	if !slices.Equal(pr.Months, wantMonths) {
		t.Errorf("months\n got %+v\nwant %+v", pr.Months, wantMonths)
	}
	if want := (waitlist.Clearance{Within: true, On: d(t, "2026-12-06")}); pr.Over52 != want {
		t.Errorf("over 52: %+v, want %+v", pr.Over52, want)
	}
	if want := (waitlist.Clearance{Within: true, On: start}); pr.Over104 != want {
		t.Errorf("over 104: %+v, want %+v", pr.Over104, want)
	}
}

// Purchased assessments are spread evenly over their weeks: 5 over 2 weeks is 2 then 3
// (floor(5k/2) − floor(5(k−1)/2)), on top of the team's own 1 a week.
func TestProjectPurchased(t *testing.T) {
	pr, err := waitlist.Project(make([]int, 10), waitlist.Plan{Start: d(t, "2026-11-22"), CapacityPerWeek: 1, Purchased: 5, PurchasedWeeks: 2, Weeks: 3})
	if err != nil {
		t.Fatal(err)
	}
	var seen []int
	for _, w := range pr.Weeks {
		seen = append(seen, w.Seen)
	}
	if !slices.Equal(seen, []int{3, 4, 1}) {
		t.Errorf("seen %v, want [3 4 1]", seen)
	}
}

// After the horizon, the closed form.
func TestProjectBeyondTheHorizon(t *testing.T) {
	start := d(t, "2026-11-22")
	forty := make([]int, 40)
	cases := []struct {
		name            string
		waits           []int
		plan            waitlist.Plan
		over52, over104 waitlist.Clearance
	}{
		// Referrals 2 a week, capacity 1: the list grows by one a week without end, so every wait passes
		// 52 and 104 weeks in the end, though none has yet.
		{"referrals outpace capacity", []int{10}, waitlist.Plan{ReferralsPerWeek: 2, CapacityPerWeek: 1, Weeks: 4},
			waitlist.Clearance{Never: true}, waitlist.Clearance{Never: true}},
		// 40 children at day 0; 0.5 referrals and 0.5 seen a week: the list stays at 40, so each new
		// referral waits 40 / 0.5 = 80 weeks (560 days): over 52 for ever, never over 104.
		{"capacity equal to referrals, list longer than 52 weeks' capacity", forty, waitlist.Plan{ReferralsPerWeek: 0.5, CapacityPerWeek: 0.5, Weeks: 4},
			waitlist.Clearance{Never: true}, waitlist.Clearance{Within: true, On: start}},
		// 20 children have waited 400 days; 2 seen and 1 referred a week; 4 weeks. At the horizon
		// (day 28) 12 of them are left (428 days), then 4 referrals. They are seen 2 a week in weeks
		// 5–10 (the 12th, at position 11, 11/2 = 5.5 weeks after the horizon), so over 52 ends by the
		// end of week 10 (4 + floor(5.5) + 1), 31 January 2027. None reaches 104 weeks: the last waits
		// 428 + 7 × 5.5 = 466.5 days.
		{"clears after the horizon", slices.Repeat([]int{400}, 20), waitlist.Plan{ReferralsPerWeek: 1, CapacityPerWeek: 2, Weeks: 4},
			waitlist.Clearance{By: d(t, "2027-01-31")}, waitlist.Clearance{Within: true, On: start}},
		// No one over 52 yet, but one child has waited 350 days at the end of a 1-week horizon,
		// behind 29 others at 360 days, 1 seen a week: it will pass 364 days. By: its position 29
		// is seen 29 weeks after the horizon, so by week 1 + 29 + 1 = 31.
		{"none over yet, but some will be", append(slices.Repeat([]int{353}, 30), 343), waitlist.Plan{ReferralsPerWeek: 0, CapacityPerWeek: 1, Weeks: 1},
			waitlist.Clearance{By: start.AddDays(7 * 31)}, waitlist.Clearance{Within: true, On: start}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.plan.Start = start
			pr, err := waitlist.Project(c.waits, c.plan)
			if err != nil {
				t.Fatal(err)
			}
			if pr.Over52 != c.over52 || pr.Over104 != c.over104 {
				t.Errorf("over 52 %+v, over 104 %+v\nwant     %+v,          %+v", pr.Over52, pr.Over104, c.over52, c.over104)
			}
		})
	}
}

// The closed form agrees with simulating further: a 4-week plan's estimate is the
// week a 60-week simulation of the same plan clears (integer capacities, where the
// fluid picture is exact for the list left at the horizon).
func TestProjectEstimateMatchesALongerRun(t *testing.T) {
	start := d(t, "2026-11-22")
	for _, c := range []struct {
		waits    []int
		r, capac float64
	}{
		{slices.Repeat([]int{400}, 20), 1, 2},
		{slices.Repeat([]int{300, 360, 700, 720}, 10), 2, 3},
		{slices.Repeat([]int{360}, 30), 0, 1},
	} {
		short, err := waitlist.Project(c.waits, waitlist.Plan{Start: start, ReferralsPerWeek: c.r, CapacityPerWeek: c.capac, Weeks: 4})
		if err != nil {
			t.Fatal(err)
		}
		long, err := waitlist.Project(c.waits, waitlist.Plan{Start: start, ReferralsPerWeek: c.r, CapacityPerWeek: c.capac, Weeks: 60})
		if err != nil {
			t.Fatal(err)
		}
		if short.Over52.Within || short.Over52.By.IsZero() || !long.Over52.Within || long.Over52.On != short.Over52.By {
			t.Errorf("%v: 4 weeks say %+v, 60 weeks say %+v", c, short.Over52, long.Over52)
		}
	}
}

// A weekly referral rate is the mean over the 26 weeks ending on the census day.
func TestReferralRate(t *testing.T) {
	census := d(t, "2026-11-22")
	received := []date.Date{
		census,               // counts
		census.AddDays(-181), // the window's first day: counts
		census.AddDays(-182), // 26 weeks before: outside
		census.AddDays(1),    // after the census: outside
	}
	if got := waitlist.ReferralRate(received, census); got != 2.0/26 {
		t.Errorf("rate %v, want 2/26", got)
	}
}

// Bad plans: a clear message naming the field, and no projection.
func TestProjectRefuses(t *testing.T) {
	start := d(t, "2026-11-22")
	cases := []struct {
		name  string
		waits []int
		plan  waitlist.Plan
		says  string
	}{
		{"zero capacity", nil, waitlist.Plan{Start: start, ReferralsPerWeek: 1}, "capacity_per_week: 0: must be more than 0"},
		{"negative capacity", nil, waitlist.Plan{Start: start, CapacityPerWeek: -3}, "capacity_per_week: -3: must be more than 0"},
		{"negative referrals", nil, waitlist.Plan{Start: start, CapacityPerWeek: 1, ReferralsPerWeek: -1}, "referrals_per_week: -1: must be 0 or more"},
		{"no start", nil, waitlist.Plan{CapacityPerWeek: 1}, "start: missing"},
		{"horizon too long", nil, waitlist.Plan{Start: start, CapacityPerWeek: 1, Weeks: 5000}, "weeks: 5000: must be from 1 to 520"},
		{"negative purchase", nil, waitlist.Plan{Start: start, CapacityPerWeek: 1, Purchased: -900}, "purchased: -900: must be 0 or more"},
		{"purchase with no weeks", nil, waitlist.Plan{Start: start, CapacityPerWeek: 1, Purchased: 900}, "purchased_weeks: must be 1 or more"},
		{"purchase beyond the horizon", nil, waitlist.Plan{Start: start, CapacityPerWeek: 1, Purchased: 900, PurchasedWeeks: 200}, "purchased_weeks: 200: must be from 0 to the horizon, 156 weeks"},
		{"negative wait", []int{3, -2}, waitlist.Plan{Start: start, CapacityPerWeek: 1}, "waits[1]: -2 days: a wait cannot be negative"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pr, err := waitlist.Project(c.waits, c.plan)
			if err == nil || pr.Weeks != nil || !strings.Contains(err.Error(), c.says) {
				t.Errorf("error %v, want one saying %q", err, c.says)
			}
		})
	}
}
