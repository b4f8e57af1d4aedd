package waitlist_test

import (
	"slices"
	"strings"
	"testing"

	"joinedup/internal/waitlist"
)

const census = "2026-11-22"

type want struct {
	status   waitlist.Status
	start    string // clock_start; "" when there is no clock
	days     int
	band     int
	breaches []string
	total    int
}

var (
	none   = []string{}
	b18    = []string{"18"}
	b36    = []string{"18", "36"}
	b52    = []string{"18", "36", "52"}
	b104   = []string{"18", "36", "52", "104"}
	rtt    = waitlist.RTT
	chs    = waitlist.CHS
	commis = waitlist.Commissioned
	rtc    = waitlist.NewReferral
)

type waitCase struct {
	name   string
	census string // "" is census
	regime waitlist.Regime
	events []evf
	want   want
}

// The rules of issue 7 §2, one case (or a pair across a boundary) each. Census 22 November 2026 unless said.
var waitCases = []waitCase{
	// Clock start and days waited: the referral day is day 0; weeks band ceil(days/7), at least 1.
	{"referred on the census day: day 0, band 1", "", chs, []evf{referral("2026-11-22")}, want{waitlist.Waiting, "2026-11-22", 0, 1, none, 0}},
	{"1 day: band 1", "", chs, []evf{referral("2026-11-21")}, want{waitlist.Waiting, "2026-11-21", 1, 1, none, 1}},
	{"7 days: band 1 (>0 to 1 week)", "", chs, []evf{referral("2026-11-15")}, want{waitlist.Waiting, "2026-11-15", 7, 1, none, 7}},
	{"8 days: band 2", "", chs, []evf{referral("2026-11-14")}, want{waitlist.Waiting, "2026-11-14", 8, 2, none, 8}},
	{"14 days: band 2", "", rtt, []evf{referral("2026-11-08")}, want{waitlist.Waiting, "2026-11-08", 14, 2, none, 14}},
	{"15 days: band 3", "", rtt, []evf{referral("2026-11-07")}, want{waitlist.Waiting, "2026-11-07", 15, 3, none, 15}},
	// Breaches: over 18 weeks = more than 126 days; 36 > 252; 52 > 364; 104 > 728.
	{"126 days: not over 18 weeks", "", chs, []evf{referral("2026-07-19")}, want{waitlist.Waiting, "2026-07-19", 126, 18, none, 126}},
	{"127 days: over 18 weeks", "", chs, []evf{referral("2026-07-18")}, want{waitlist.Waiting, "2026-07-18", 127, 19, b18, 127}},
	{"252 days: not over 36 weeks", "", chs, []evf{referral("2026-03-15")}, want{waitlist.Waiting, "2026-03-15", 252, 36, b18, 252}},
	{"253 days: over 36 weeks", "", chs, []evf{referral("2026-03-14")}, want{waitlist.Waiting, "2026-03-14", 253, 37, b36, 253}},
	{"364 days: not over 52 weeks", "", rtt, []evf{referral("2025-11-23")}, want{waitlist.Waiting, "2025-11-23", 364, 52, b36, 364}},
	{"365 days: over 52 weeks", "", rtt, []evf{referral("2025-11-22")}, want{waitlist.Waiting, "2025-11-22", 365, 53, b52, 365}},
	{"728 days: not over 104 weeks", "", rtt, []evf{referral("2024-11-24")}, want{waitlist.Waiting, "2024-11-24", 728, 104, b52, 728}},
	{"729 days: over 104 weeks", "", rtt, []evf{referral("2024-11-23")}, want{waitlist.Waiting, "2024-11-23", 729, 105, b104, 729}},
	// Leap years: a year to the day is 365 days across 29 February, 364 short of it in a common year.
	{"1 Mar 2023 to 29 Feb 2024 is 365 days: over 52", "2024-02-29", rtt, []evf{referral("2023-03-01")}, want{waitlist.Waiting, "2023-03-01", 365, 53, b52, 365}},
	{"1 Mar 2022 to 28 Feb 2023 is 364 days: not over 52", "2023-02-28", rtt, []evf{referral("2022-03-01")}, want{waitlist.Waiting, "2022-03-01", 364, 52, b36, 364}},
	{"29 Feb 2024 to 28 Feb 2025 is 365 days", "2025-02-28", chs, []evf{referral("2024-02-29")}, want{waitlist.Waiting, "2024-02-29", 365, 53, b52, 365}},

	// Clock stops: at the first of treatment, assessment complete, discharge, not treated,
	// declined, active monitoring; days and breaches at the stop date.
	{"treatment after 126 days: stopped, no breach", "", chs, []evf{referral("2025-09-01"), stop("2026-01-05", waitlist.Treatment)}, want{waitlist.Stopped, "2025-09-01", 126, 18, none, 126}},
	{"assessment complete after 127 days: breached 18 at the stop", "", rtt, []evf{referral("2025-09-01"), stop("2026-01-06", waitlist.AssessmentComplete)}, want{waitlist.Stopped, "2025-09-01", 127, 19, b18, 127}},
	{"discharged", "", chs, []evf{referral("2026-01-05"), stop("2026-04-15", waitlist.Discharged)}, want{waitlist.Stopped, "2026-01-05", 100, 15, none, 100}},
	{"not treated", "", chs, []evf{referral("2026-01-05"), stop("2026-04-15", waitlist.NotTreated)}, want{waitlist.Stopped, "2026-01-05", 100, 15, none, 100}},
	{"declined", "", rtt, []evf{referral("2026-01-05"), stop("2026-04-15", waitlist.Declined)}, want{waitlist.Stopped, "2026-01-05", 100, 15, none, 100}},
	{"active monitoring", "", rtt, []evf{referral("2026-01-05"), stop("2026-04-15", waitlist.ActiveMonitoring)}, want{waitlist.Stopped, "2026-01-05", 100, 15, none, 100}},
	{"stopped the day of referral: 0 days, band 1", "", chs, []evf{referral("2026-04-15"), stop("2026-04-15", waitlist.Treatment)}, want{waitlist.Stopped, "2026-04-15", 0, 1, none, 0}},
	{"the first stop counts, a later one changes nothing", "", chs, []evf{referral("2026-01-05"), stop("2026-04-15", waitlist.AssessmentComplete), stop("2026-06-01", waitlist.Treatment)}, want{waitlist.Stopped, "2026-01-05", 100, 15, none, 100}},
	{"an attended appointment does not stop the clock", "", chs, []evf{referral("2026-01-05"), attended("2026-02-01")}, want{waitlist.Waiting, "2026-01-05", 321, 46, b36, 321}},
	{"a stop after the census has not happened yet: days to the census", "2026-04-15", chs, []evf{referral("2026-01-05"), stop("2026-05-01", waitlist.Treatment)}, want{waitlist.Waiting, "2026-01-05", 100, 15, none, 100}},
	{"a stop on the census day counts", "2026-04-15", chs, []evf{referral("2026-01-05"), stop("2026-04-15", waitlist.Treatment)}, want{waitlist.Stopped, "2026-01-05", 100, 15, none, 100}},

	// RTT: a DNA at the first appointment nullifies the clock; a new one starts the day the
	// new appointment is booked. Total wait still counts from the referral.
	{"rtt first-appointment DNA, rebooked: new clock from the rebooking", "", rtt, []evf{referral("2026-01-05"), dna("2026-03-02", "2026-03-09"), attended("2026-06-01")}, want{waitlist.Waiting, "2026-03-09", 258, 37, b36, 321}},
	{"rtt first-appointment DNA, not rebooked: nullified, no clock", "", rtt, []evf{referral("2026-01-05"), dna("2026-03-02", "")}, want{waitlist.Nullified, "", 0, 0, none, 56}},
	{"rtt rebooked after the census: still nullified at the census", "2026-03-05", rtt, []evf{referral("2026-01-05"), dna("2026-03-02", "2026-03-09")}, want{waitlist.Nullified, "", 0, 0, none, 56}},
	{"rtt rebooked on the census day: a new clock at day 0", "2026-03-09", rtt, []evf{referral("2026-01-05"), dna("2026-03-02", "2026-03-09")}, want{waitlist.Waiting, "2026-03-09", 0, 1, none, 63}},
	{"rtt DNA after an attended first appointment: the clock runs on", "", rtt, []evf{referral("2026-01-05"), attended("2026-02-02"), dna("2026-03-02", "2026-03-09")}, want{waitlist.Waiting, "2026-01-05", 321, 46, b36, 321}},
	{"rtt DNA at the rebooked appointment: not the first, the clock runs on", "", rtt, []evf{referral("2026-01-05"), dna("2026-02-02", "2026-02-09"), dna("2026-03-02", "2026-03-09")}, want{waitlist.Waiting, "2026-02-09", 286, 41, b36, 321}},
	{"rtt discharged after a DNA without rebooking: nullified", "", rtt, []evf{referral("2026-01-05"), dna("2026-03-02", ""), stop("2026-03-16", waitlist.Discharged)}, want{waitlist.Nullified, "", 0, 0, none, 56}},
	{"rtt rebooked then treated: days from the rebooking to the stop", "", rtt, []evf{referral("2026-01-05"), dna("2026-03-02", "2026-03-09"), stop("2026-06-17", waitlist.Treatment)}, want{waitlist.Stopped, "2026-03-09", 100, 15, none, 163}},
	{"rtt rebooked and treated the same day: 0 days", "", rtt, []evf{referral("2026-01-05"), dna("2026-03-02", "2026-03-09"), stop("2026-03-09", waitlist.Treatment)}, want{waitlist.Stopped, "2026-03-09", 0, 1, none, 63}},
	{"rtt DNA after the clock stopped: stays stopped", "", rtt, []evf{referral("2026-01-05"), stop("2026-04-15", waitlist.ActiveMonitoring), dna("2026-05-01", "")}, want{waitlist.Stopped, "2026-01-05", 100, 15, none, 100}},
	{"chs first-appointment DNA: the clock runs on (nullifying is rtt only)", "", chs, []evf{referral("2026-01-05"), dna("2026-03-02", "2026-03-09")}, want{waitlist.Waiting, "2026-01-05", 321, 46, b36, 321}},
	{"chs DNA without rebooking: still waiting", "", chs, []evf{referral("2026-01-05"), dna("2026-03-02", "")}, want{waitlist.Waiting, "2026-01-05", 321, 46, b36, 321}},

	// Transfers: a commissioned one continues the clock; a Right to Choose new referral
	// closes the old pathway and starts a new clock, total wait from the first referral.
	{"commissioned transfer: the clock goes on, 104-week breach kept", "", rtt, []evf{referral("2024-11-23"), transfer("2026-06-01", commis, "Independent Assessments Ltd")}, want{waitlist.Waiting, "2024-11-23", 729, 105, b104, 729}},
	{"commissioned transfer then assessed: stopped on the original clock", "", chs, []evf{referral("2025-09-01"), transfer("2025-11-01", commis, "Independent Assessments Ltd"), stop("2026-01-06", waitlist.AssessmentComplete)}, want{waitlist.Stopped, "2025-09-01", 127, 19, b18, 127}},
	{"Right to Choose: a new clock, total from the first referral", "", rtt, []evf{referral("2024-11-23"), transfer("2026-03-14", rtc, "Choice Neuro CIC")}, want{waitlist.Waiting, "2026-03-14", 253, 37, b36, 729}},
	{"Right to Choose, then assessed: stopped on the new clock", "", rtt, []evf{referral("2024-11-23"), transfer("2026-01-05", rtc, "Choice Neuro CIC"), stop("2026-04-15", waitlist.AssessmentComplete)}, want{waitlist.Stopped, "2026-01-05", 100, 15, none, 508}},
	{"Right to Choose after a nullification: a new clock", "", rtt, []evf{referral("2026-01-05"), dna("2026-02-02", ""), transfer("2026-03-14", rtc, "Choice Neuro CIC")}, want{waitlist.Waiting, "2026-03-14", 253, 37, b36, 321}},
	{"Right to Choose, then a DNA at the new provider's first appointment: nullified", "", rtt, []evf{referral("2025-01-06"), attended("2025-03-03"), transfer("2026-01-05", rtc, "Choice Neuro CIC"), dna("2026-03-02", "")}, want{waitlist.Nullified, "", 0, 0, none, 420}},
	{"Right to Choose after a stop: a new referral, a new clock", "", chs, []evf{referral("2025-01-06"), stop("2025-06-02", waitlist.Declined), transfer("2026-03-14", rtc, "Choice Neuro CIC")}, want{waitlist.Waiting, "2026-03-14", 253, 37, b36, 685}},
	{"commissioned transfer while nullified: still nullified", "", rtt, []evf{referral("2026-01-05"), dna("2026-03-02", ""), transfer("2026-04-01", commis, "Independent Assessments Ltd")}, want{waitlist.Nullified, "", 0, 0, none, 56}},
}

func TestMeasure(t *testing.T) {
	for _, c := range waitCases {
		t.Run(c.name, func(t *testing.T) {
			day := c.census
			if day == "" {
				day = census
			}
			p := pathway(t, c.regime, c.events...)
			check := func(p waitlist.Pathway) {
				t.Helper()
				w, err := waitlist.Measure(&p, d(t, day))
				if err != nil {
					t.Fatal(err)
				}
				got := want{w.Status, w.ClockStart.String(), w.DaysWaited, w.WeeksBand, w.Breaches, w.TotalWaitDays}
				if got.status != c.want.status || got.start != c.want.start || got.days != c.want.days || got.band != c.want.band ||
					!slices.Equal(got.breaches, c.want.breaches) || got.total != c.want.total {
					t.Errorf("got  %+v\nwant %+v", got, c.want)
				}
			}
			check(p)
			// The events' order never matters.
			slices.Reverse(p.Events)
			check(p)
		})
	}
}

// Measure does not change the events it is given.
func TestMeasureLeavesTheEventsAlone(t *testing.T) {
	p := pathway(t, rtt, stop("2026-06-17", waitlist.Treatment), dna("2026-03-02", "2026-03-09"), referral("2026-01-05"))
	before := slices.Clone(p.Events)
	if _, err := waitlist.Measure(&p, d(t, census)); err != nil || !slices.Equal(p.Events, before) {
		t.Errorf("err %v; events changed: %v", err, p.Events)
	}
}

// Why it stopped and where the child went are kept for the pages.
func TestMeasureKeepsTheStopAndProvider(t *testing.T) {
	p := pathway(t, rtt, referral("2025-01-06"), transfer("2025-06-02", commis, "Independent Assessments Ltd"), stop("2025-09-01", waitlist.AssessmentComplete))
	w, err := waitlist.Measure(&p, d(t, census))
	if err != nil || w.Stop != d(t, "2025-09-01") || w.StopReason != waitlist.AssessmentComplete || w.Provider != "Independent Assessments Ltd" {
		t.Errorf("%+v %v", w, err)
	}
}

// Bad input (issue 7, "Bad input"): an error naming the pathway, the event and the field.
func TestMeasureRefuses(t *testing.T) {
	cases := []struct {
		name   string
		regime waitlist.Regime
		events []evf
		says   string
	}{
		{"no referral", rtt, []evf{attended("2026-01-05")}, `pathways[0].events: no referral_received`},
		{"two referrals", rtt, []evf{referral("2026-01-05"), referral("2026-02-05")}, `pathways[0].events[1].type: a second referral_received (the first is events[0])`},
		{"event before the referral", chs, []evf{referral("2026-01-05"), attended("2026-01-04")}, `pathways[0].events[1].date: 2026-01-04 is before the referral was received (2026-01-05)`},
		{"stop before the start", chs, []evf{stop("2025-12-01", waitlist.Treatment), referral("2026-01-05")}, `pathways[0].events[0].date: 2025-12-01 is before the referral was received (2026-01-05)`},
		{"referral after the census", chs, []evf{referral("2026-11-23")}, `pathways[0].events[0].date: 2026-11-23 is after the census date 2026-11-22`},
		{"no regime", 0, []evf{referral("2026-01-05")}, `pathways[0].regime: missing`},
		{"unknown regime", waitlist.Regime(7), []evf{referral("2026-01-05")}, `pathways[0].regime: missing`},
		{"stop without a reason", chs, []evf{referral("2026-01-05"), stop("2026-02-01", 0)}, `pathways[0].events[1].reason: missing`},
		{"unknown reason", chs, []evf{referral("2026-01-05"), stop("2026-02-01", waitlist.Reason(40))}, `pathways[0].events[1].reason: missing`},
		{"transfer without a kind", chs, []evf{referral("2026-01-05"), transfer("2026-02-01", 0, "X")}, `pathways[0].events[1].kind: missing`},
		{"transfer without a provider", chs, []evf{referral("2026-01-05"), transfer("2026-02-01", commis, "")}, `pathways[0].events[1].provider: missing`},
		{"rebooked before the DNA", rtt, []evf{referral("2026-01-05"), dna("2026-02-02", "2026-02-01")}, `pathways[0].events[1].rebooked: 2026-02-01 is before the appointment that was missed (2026-02-02)`},
		{"a stop between a DNA and its rebooking", rtt, []evf{referral("2026-01-05"), dna("2026-02-02", "2026-03-02"), stop("2026-02-16", waitlist.Discharged)}, `pathways[0].events[2].date: the clock was nullified on 2026-02-02 and starts again on 2026-03-02 (events[1].rebooked)`},
		{"the same, with the rebooking after the census", rtt, []evf{referral("2026-01-05"), dna("2026-11-02", "2026-12-02"), stop("2026-11-30", waitlist.Discharged)}, `pathways[0].events[2].date: the clock was nullified`},
		{"a date in 1800", chs, []evf{referral("1800-01-05")}, `pathways[0].events[0].date: 1800-01-05 is not between 1900-01-01 and 2999-12-31`},
		{"no date", chs, []evf{referral("2026-01-05"), attended("")}, `pathways[0].events[1].date: missing`},
		{"no kind", chs, []evf{referral("2026-01-05"), func(testing.TB) waitlist.Event { return waitlist.Event{} }}, `pathways[0].events[1].type: missing`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ok := pathway(t, chs, referral("2026-01-05"))
			ps := []waitlist.Pathway{pathway(t, c.regime, c.events...), ok}
			ws, err := waitlist.MeasureAll(ps, d(t, census))
			if err == nil || ws != nil {
				t.Fatalf("accepted: %+v", ws)
			}
			if got := err.Error(); !strings.HasPrefix(got, `invalid pathway "P1": `) || !strings.Contains(got, c.says) {
				t.Errorf("error %q\nwant it to name the pathway and say %q", got, c.says)
			}
		})
	}
}

func TestWeeksBandAndBreaches(t *testing.T) {
	cases := []struct {
		days     int
		band     int
		breaches []string
	}{
		{0, 1, none}, {1, 1, none}, {7, 1, none}, {8, 2, none}, {126, 18, none}, {127, 19, b18},
		{252, 36, b18}, {253, 37, b36}, {364, 52, b36}, {365, 53, b52}, {728, 104, b52}, {729, 105, b104}, {3650, 522, b104},
	}
	for _, c := range cases {
		if band, br := waitlist.WeeksBand(c.days), waitlist.Breaches(c.days); band != c.band || !slices.Equal(br, c.breaches) {
			t.Errorf("%d days: band %d breaches %v, want %d %v", c.days, band, br, c.band, c.breaches)
		}
	}
}
