package ehc_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"joinedup/internal/ehc"
)

// A case: the events, the day they are judged on, and the deadlines of the rules
// named (space-separated) that must come out, in order. Every expected date was
// worked out by hand from the regulation the case names.
type clockCase struct {
	name   string
	rules  string
	today  string
	events []string
	want   []string
}

func runCases(t *testing.T, cases []clockCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ehc.Deadlines(decode(t, c.events), day(t, c.today))
			if err != nil {
				t.Fatal(err)
			}
			if b := briefs(got, c.rules); !slices.Equal(b, c.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(b, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}

// SEND Regulations 2014 regs 5, 8, 10 and 13: the 20-week process.
func TestAssessmentDeadlines(t *testing.T) {
	runCases(t, []clockCase{
		// reg 5(1): decide whether to assess within 6 weeks of the request; 8 January + 42 days.
		{"reg 5(1) R2 decided on the last day is met", "R2", "2024-06-01",
			[]string{request("2024-01-08"), decision("2024-02-19", "assess")},
			[]string{"R2 from 2024-01-08 due 2024-02-19 met done 2024-02-19"}},
		{"reg 5(1) R2 decided a day late is missed", "R2", "2024-06-01",
			[]string{request("2024-01-08"), decision("2024-02-20", "refuse")},
			[]string{"R2 from 2024-01-08 due 2024-02-19 missed done 2024-02-20"}},
		{"reg 5(1) R2 undecided on the due day is pending", "R2", "2024-02-19",
			[]string{request("2024-01-08")},
			[]string{"R2 from 2024-01-08 due 2024-02-19 pending"}},
		{"reg 5(1) R2 undecided the day after is overdue", "R2", "2024-02-20",
			[]string{request("2024-01-08")},
			[]string{"R2 from 2024-01-08 due 2024-02-19 overdue"}},
		{"reg 5(1), s24 R2 runs from the council becoming responsible", "R2", "2024-06-01",
			[]string{ev("la_responsible", "2024-03-04")},
			[]string{"R2 from 2024-03-04 due 2024-04-15 overdue"}},
		{"reg 5(1) R2 a request and responsibility on one day are one clock", "R2", "2024-06-01",
			[]string{request("2024-01-08"), ev("la_responsible", "2024-01-08"), decision("2024-02-01", "assess")},
			[]string{"R2 from 2024-01-08 due 2024-02-19 met done 2024-02-01"}},
		{"reg 5(1) R2 a new request after a refusal starts its own clock", "R2", "2024-06-01",
			[]string{request("2023-01-09"), decision("2023-02-06", "refuse"), request("2024-01-08"), decision("2024-03-01", "assess")},
			[]string{"R2 from 2023-01-09 due 2023-02-20 met done 2023-02-06", "R2 from 2024-01-08 due 2024-02-19 missed done 2024-03-01"}},

		// reg 8(1): each body gives its advice within 6 weeks of receiving the request.
		{"reg 8(1) R3 runs from the day the body received the request", "R3", "2024-06-01",
			[]string{ev("advice_requested", "2024-02-13", "contributor", "health", "received", "2024-02-15"), advice("2024-03-28", "health")},
			[]string{"R3 from 2024-02-15 due 2024-03-28 met done 2024-03-28 contributor health"}},
		{"reg 8(1) R3 received defaults to the day asked; a day late is missed", "R3", "2024-06-01",
			[]string{asked("2024-02-13", "educational_psychology"), advice("2024-03-27", "educational_psychology")},
			[]string{"R3 from 2024-02-13 due 2024-03-26 missed done 2024-03-27 contributor educational_psychology"}},
		{"reg 8(1) R3 another body's advice does not answer it", "R3", "2024-04-01",
			[]string{asked("2024-02-13", "health"), asked("2024-02-13", "social_care"), advice("2024-03-01", "social_care")},
			[]string{"R3 from 2024-02-13 due 2024-03-26 overdue contributor health", "R3 from 2024-02-13 due 2024-03-26 met done 2024-03-01 contributor social_care"}},
		{"reg 8(1) R3 advice given before it was asked for does not answer it", "R3", "2024-03-26",
			[]string{advice("2024-01-10", "health"), asked("2024-02-13", "health")},
			[]string{"R3 from 2024-02-13 due 2024-03-26 pending contributor health"}},

		// reg 8(1) asks a body for advice the council requested: a request the
		// council withdrew asks nothing, so it has no deadline; each withdrawal
		// takes back only the earliest request to that body still awaiting advice.
		{"reg 8(1) R3 a withdrawn request has no deadline", "R3", "2024-06-01",
			[]string{asked("2024-02-13", "health"), ev("advice_withdrawn", "2024-02-20", "contributor", "health")},
			nil},
		{"reg 8(1) R3 withdrawing one body's request leaves another's", "R3", "2024-04-01",
			[]string{asked("2024-02-13", "health"), asked("2024-02-13", "social_care"), ev("advice_withdrawn", "2024-02-20", "contributor", "social_care")},
			[]string{"R3 from 2024-02-13 due 2024-03-26 overdue contributor health"}},
		{"reg 8(1) R3 a request made again after a withdrawal has its own 6 weeks", "R3", "2024-04-01",
			[]string{asked("2024-02-13", "health"), ev("advice_withdrawn", "2024-02-20", "contributor", "health"), asked("2024-03-01", "health")},
			[]string{"R3 from 2024-03-01 due 2024-04-12 pending contributor health"}},
		{"reg 8(1) R3 a withdrawal after the advice came takes nothing back", "R3", "2024-06-01",
			[]string{asked("2024-02-13", "health"), advice("2024-03-01", "health"), ev("advice_withdrawn", "2024-03-05", "contributor", "health")},
			[]string{"R3 from 2024-02-13 due 2024-03-26 met done 2024-03-01 contributor health"}},
		{"reg 8(1) R3 one withdrawal takes back one of two requests to a body", "R3", "2024-04-01",
			[]string{asked("2024-02-13", "health"), asked("2024-02-27", "health"), ev("advice_withdrawn", "2024-03-01", "contributor", "health")},
			[]string{"R3 from 2024-02-27 due 2024-04-09 pending contributor health"}},
		{"reg 8(1) R3 advice on the withdrawal's own day may have come after it", "R3", "2024-04-01",
			[]string{asked("2024-02-13", "health"), ev("advice_withdrawn", "2024-03-01", "contributor", "health"), advice("2024-03-01", "health")},
			nil},

		// reg 10(1): a decision not to issue a plan within 16 weeks of the request; only when there is one.
		{"reg 10(1) R4 notified on the last day is met, and there is no R6", "R4 R6", "2024-06-01",
			[]string{request("2024-01-08"), decision("2024-02-12", "assess"), ev("no_plan_decision", "2024-04-29")},
			[]string{"R4 from 2024-01-08 due 2024-04-29 met done 2024-04-29"}},
		{"reg 10(1) R4 notified late is missed", "R4", "2024-06-01",
			[]string{request("2024-01-08"), decision("2024-02-12", "assess"), ev("no_plan_decision", "2024-04-30")},
			[]string{"R4 from 2024-01-08 due 2024-04-29 missed done 2024-04-30"}},

		// reg 13(1): the family has at least 15 days, beginning with the day the draft was served.
		{"reg 13(1) R5 final on draft + 15 days is met", "R5", "2024-06-01",
			[]string{draft("2024-04-29"), final("2024-05-14")},
			[]string{"R5 from 2024-04-29 not_before 2024-05-14 met done 2024-05-14"}},
		{"reg 13(1) R5 final on draft + 14 days is a breach", "R5", "2024-06-01",
			[]string{draft("2024-04-29"), final("2024-05-13")},
			[]string{"R5 from 2024-04-29 not_before 2024-05-14 breached done 2024-05-13"}},
		{"reg 13(1) R5 before any final it is pending", "R5", "2024-06-01",
			[]string{draft("2024-04-29")},
			[]string{"R5 from 2024-04-29 not_before 2024-05-14 pending"}},
		{"reg 13(1) R5 a final plan issued before its draft is a breach", "R5", "2024-06-01",
			[]string{request("2024-01-08"), final("2024-04-20"), draft("2024-04-29")},
			[]string{"R5 from 2024-04-29 not_before 2024-05-14 breached done 2024-04-20"}},
		{"reg 13(1) R5 a final plan for an earlier request does not count", "R5", "2024-06-01",
			[]string{request("2023-01-09"), final("2023-05-01"), request("2024-01-08"), draft("2024-04-29")},
			[]string{"R5 from 2024-04-29 not_before 2024-05-14 pending"}},
		{"reg 13(1) R5 a revised draft gives the family its own 15 days", "R5", "2024-06-01",
			[]string{draft("2024-04-01"), draft("2024-04-29"), final("2024-05-10")},
			[]string{"R5 from 2024-04-01 not_before 2024-04-16 met done 2024-05-10", "R5 from 2024-04-29 not_before 2024-05-14 breached done 2024-05-10"}},

		// reg 13(2): the final plan within 20 weeks of the request, once the council decided to assess.
		{"reg 13(2) R6 issued on the last day is met", "R6", "2024-06-01",
			[]string{request("2024-01-08"), decision("2024-02-12", "assess"), final("2024-05-27")},
			[]string{"R6 from 2024-01-08 due 2024-05-27 met done 2024-05-27"}},
		{"reg 13(2) R6 issued a day late is missed", "R6", "2024-06-01",
			[]string{request("2024-01-08"), decision("2024-02-12", "assess"), final("2024-05-28")},
			[]string{"R6 from 2024-01-08 due 2024-05-27 missed done 2024-05-28"}},
		{"reg 13(2) R6 not issued on the due day is pending", "R6", "2024-05-27",
			[]string{request("2024-01-08"), decision("2024-02-12", "assess")},
			[]string{"R6 from 2024-01-08 due 2024-05-27 pending"}},
		{"reg 13(2) R6 not issued after the due day is overdue", "R6", "2024-05-28",
			[]string{request("2024-01-08"), decision("2024-02-12", "assess")},
			[]string{"R6 from 2024-01-08 due 2024-05-27 overdue"}},
		{"reg 13(2) R6 there is no final-plan deadline after a refusal to assess", "R4 R6", "2024-06-01",
			[]string{request("2024-01-08"), decision("2024-02-12", "refuse")},
			[]string{}},
	})
}

// Children and Families Act 2014 s44 and SEND Regulations 2014 regs 18-22: plans in force.
func TestPlanDeadlines(t *testing.T) {
	runCases(t, []clockCase{
		// s44(1): a review within 12 months of the plan, then of each review.
		{"s44(1) R10 a cycle per review and the next one pending", "R10", "2026-01-01",
			[]string{final("2023-03-10"), reviewed("2024-03-08", "maintain"), reviewed("2025-03-20", "amend")},
			[]string{"R10 from 2023-03-10 due 2024-03-10 met done 2024-03-08", "R10 from 2024-03-08 due 2025-03-08 missed done 2025-03-20", "R10 from 2025-03-20 due 2026-03-20 pending"}},
		{"s44(1) R10 the next review overdue", "R10", "2026-03-21",
			[]string{final("2023-03-10"), reviewed("2024-03-08", "maintain"), reviewed("2025-03-20", "amend")},
			[]string{"R10 from 2023-03-10 due 2024-03-10 met done 2024-03-08", "R10 from 2024-03-08 due 2025-03-08 missed done 2025-03-20", "R10 from 2025-03-20 due 2026-03-20 overdue"}},
		{"s44(1) R10 a plan made on 29 February is reviewed by 28 February", "R10", "2025-03-01",
			[]string{final("2024-02-29")},
			[]string{"R10 from 2024-02-29 due 2025-02-28 overdue"}},
		{"s44(1) R10 month end: 31 May to 31 May", "R10", "2025-01-01",
			[]string{final("2023-05-31"), reviewed("2024-05-31", "maintain")},
			[]string{"R10 from 2023-05-31 due 2024-05-31 met done 2024-05-31", "R10 from 2024-05-31 due 2025-05-31 pending"}},
		{"s44(1) R10 a decision to cease opens no further cycle", "R10", "2026-01-01",
			[]string{final("2023-03-10"), reviewed("2024-03-01", "cease")},
			[]string{"R10 from 2023-03-10 due 2024-03-10 met done 2024-03-01"}},
		{"s44(1) R10 a review decision before any plan is not a cycle", "R10", "2023-06-01",
			[]string{reviewed("2022-06-01", "maintain"), final("2023-03-10")},
			[]string{"R10 from 2023-03-10 due 2024-03-10 pending"}},

		// reg 20(7): the review report within 2 weeks of the meeting.
		{"reg 20(7) R13 sent on the last day is met", "R13", "2025-06-01",
			[]string{meeting("2025-03-03"), ev("review_report_sent", "2025-03-17")},
			[]string{"R13 from 2025-03-03 due 2025-03-17 met done 2025-03-17"}},
		{"reg 20(7) R13 sent a day late is missed", "R13", "2025-06-01",
			[]string{meeting("2025-03-03"), ev("review_report_sent", "2025-03-18")},
			[]string{"R13 from 2025-03-03 due 2025-03-17 missed done 2025-03-18"}},
		{"reg 20(7) R13 a report after the next meeting belongs to that meeting", "R13", "2026-04-01",
			[]string{meeting("2025-03-03"), meeting("2026-03-02"), ev("review_report_sent", "2026-03-10")},
			[]string{"R13 from 2025-03-03 due 2025-03-17 overdue", "R13 from 2026-03-02 due 2026-03-16 met done 2026-03-10"}},

		// reg 20(10) / 21(8) and Devon: the decision within 4 weeks of the meeting.
		{"reg 20(10) R14 decided on the last day is met", "R14", "2025-06-01",
			[]string{meeting("2025-03-03"), reviewed("2025-03-31", "maintain")},
			[]string{"R14 from 2025-03-03 due 2025-03-31 met done 2025-03-31"}},
		{"reg 20(10) R14 decided a day late is missed", "R14", "2025-06-01",
			[]string{meeting("2025-03-03"), reviewed("2025-04-01", "amend")},
			[]string{"R14 from 2025-03-03 due 2025-03-31 missed done 2025-04-01"}},
		{"reg 20(10) R14 not decided after the due day is overdue", "R14", "2025-04-01",
			[]string{meeting("2025-03-03")},
			[]string{"R14 from 2025-03-03 due 2025-03-31 overdue"}},

		// reg 22(2)(c): at least 15 days to comment on proposed amendments.
		{"reg 22(2)(c) R15 amended plan on notice + 14 days is a breach", "R15", "2025-06-01",
			[]string{notice("2025-04-01"), amended("2025-04-15")},
			[]string{"R15 from 2025-04-01 not_before 2025-04-16 breached done 2025-04-15"}},
		{"reg 22(2)(c) R15 amended plan on notice + 15 days is met", "R15", "2025-06-01",
			[]string{notice("2025-04-01"), amended("2025-04-16")},
			[]string{"R15 from 2025-04-01 not_before 2025-04-16 met done 2025-04-16"}},

		// reg 22(3): the amended plan within 8 weeks of the notice.
		{"reg 22(3) R16 issued on the last day is met", "R16", "2025-06-01",
			[]string{notice("2025-04-01"), amended("2025-05-27")},
			[]string{"R16 from 2025-04-01 due 2025-05-27 met done 2025-05-27"}},
		{"reg 22(3) R16 issued a day late is missed", "R16", "2025-06-01",
			[]string{notice("2025-04-01"), amended("2025-05-28")},
			[]string{"R16 from 2025-04-01 due 2025-05-27 missed done 2025-05-28"}},
		{"reg 22(3) R16 one per notice; a plan after the next notice answers that one", "R16", "2026-06-01",
			[]string{notice("2025-04-01"), notice("2026-04-01"), amended("2026-05-01")},
			[]string{"R16 from 2025-04-01 due 2025-05-27 overdue", "R16 from 2026-04-01 due 2026-05-27 met done 2026-05-01"}},

		// reg 22(4): a decision not to amend, notified with its reasons, ends the
		// notice instead of the amended plan, within the same 8 weeks (the
		// regulation's own time limit is not in what we hold: R16's note says the
		// text was truncated; we apply R16's, reg 22(3)).
		{"reg 22(4) R16 decided not to amend on the last day is met", "R16", "2025-06-01",
			[]string{notice("2025-04-01"), noAmend("2025-05-27")},
			[]string{"R16 from 2025-04-01 due 2025-05-27 met done 2025-05-27"}},
		{"reg 22(4) R16 decided not to amend a day late is missed", "R16", "2025-06-01",
			[]string{notice("2025-04-01"), noAmend("2025-05-28")},
			[]string{"R16 from 2025-04-01 due 2025-05-27 missed done 2025-05-28"}},
		{"reg 22(3)-(4) R16 neither amended nor decided, on the due day, is pending", "R16", "2025-05-27",
			[]string{notice("2025-04-01")},
			[]string{"R16 from 2025-04-01 due 2025-05-27 pending"}},
		{"reg 22(3)-(4) R16 neither amended nor decided, the day after, is overdue", "R16", "2025-05-28",
			[]string{notice("2025-04-01")},
			[]string{"R16 from 2025-04-01 due 2025-05-27 overdue"}},
		{"reg 22(4) R15 a decision not to amend within the 15 days is no amended plan too early", "R15 R16", "2025-06-01",
			[]string{notice("2025-04-01"), noAmend("2025-04-10")},
			[]string{"R15 from 2025-04-01 not_before 2025-04-16 met done 2025-04-10", "R16 from 2025-04-01 due 2025-05-27 met done 2025-04-10"}},
		{"reg 22(3)-(4) R16 a decision not to amend answers its own notice, the next is answered by its plan", "R16", "2026-06-01",
			[]string{notice("2025-04-01"), noAmend("2025-04-20"), notice("2026-04-01"), amended("2026-05-01")},
			[]string{"R16 from 2025-04-01 due 2025-05-27 met done 2025-04-20", "R16 from 2026-04-01 due 2026-05-27 met done 2026-05-01"}},
		{"reg 22(4) R16 a decision after the next notice does not answer the first", "R16", "2026-06-01",
			[]string{notice("2025-04-01"), notice("2026-04-01"), noAmend("2026-04-20")},
			[]string{"R16 from 2025-04-01 due 2025-05-27 overdue", "R16 from 2026-04-01 due 2026-05-27 met done 2026-04-20"}},
	})
}

// SEND Regulations 2014 reg 18: phase transfers.
func TestPhaseTransferDeadlines(t *testing.T) {
	runCases(t, []clockCase{
		// reg 18(1)(b): school phases, before 15 February of the year of transfer.
		{"reg 18(1)(b) R17 amended on 14 February is met", "R17", "2027-06-01",
			[]string{transfer("2027-09-01", "school"), amended("2027-02-14")},
			[]string{"R17 from 2027-09-01 due 2027-02-14 met done 2027-02-14"}},
		{"reg 18(1)(b) R17 a decision to maintain in the 12 months before meets it", "R17", "2027-06-01",
			[]string{transfer("2027-09-01", "school"), reviewed("2026-10-01", "maintain")},
			[]string{"R17 from 2027-09-01 due 2027-02-14 met done 2026-10-01"}},
		{"reg 18(1)(b) R17 a decision to amend does not", "R17", "2027-03-01",
			[]string{transfer("2027-09-01", "school"), reviewed("2026-10-01", "amend")},
			[]string{"R17 from 2027-09-01 due 2027-02-14 overdue"}},
		{"reg 18(1)(b) R17 the 12 months begin on 1 September of the year before", "R17", "2027-06-01",
			[]string{transfer("2027-09-01", "school"), amended("2026-08-31"), amended("2026-09-01")},
			[]string{"R17 from 2027-09-01 due 2027-02-14 met done 2026-09-01"}},
		{"reg 18(1)(b) R17 amended after 14 February is missed", "R17", "2027-06-01",
			[]string{transfer("2027-09-01", "school"), amended("2027-03-01")},
			[]string{"R17 from 2027-09-01 due 2027-02-14 missed done 2027-03-01"}},
		{"reg 18(1)(b) R17 an amendment on the day of transfer is too late to count", "R17", "2027-09-02",
			[]string{transfer("2027-09-01", "school"), amended("2027-09-01")},
			[]string{"R17 from 2027-09-01 due 2027-02-14 overdue"}},
		{"reg 18(1)(b) R17 pending on 14 February", "R17", "2027-02-14",
			[]string{transfer("2027-09-01", "school")},
			[]string{"R17 from 2027-09-01 due 2027-02-14 pending"}},

		// reg 18(1)(a): secondary to post-16, before 31 March of the year of transfer.
		{"reg 18(1)(a) R18 amended on 30 March is met", "R18", "2027-06-01",
			[]string{transfer("2027-09-01", "post16"), amended("2027-03-30")},
			[]string{"R18 from 2027-09-01 due 2027-03-30 met done 2027-03-30"}},
		{"reg 18(1)(a) R18 amended on 31 March is missed (leap year too)", "R18", "2028-06-01",
			[]string{transfer("2028-09-04", "post16"), amended("2028-03-31")},
			[]string{"R18 from 2028-09-04 due 2028-03-30 missed done 2028-03-31"}},

		// reg 18(2): other post-16 transfers, at least five months before.
		{"reg 18(2) R19 five months before 15 January is 15 August", "R19", "2026-09-01",
			[]string{transfer("2027-01-15", "post16_other"), reviewed("2026-08-15", "maintain")},
			[]string{"R19 from 2027-01-15 due 2026-08-15 met done 2026-08-15"}},
		{"reg 18(2) R19 five months before 31 July is 28 February", "R19", "2027-03-01",
			[]string{transfer("2027-07-31", "post16_other")},
			[]string{"R19 from 2027-07-31 due 2027-02-28 overdue"}},
		{"reg 18(2) R19 five months before 31 July 2028 is 29 February", "R19", "2028-03-01",
			[]string{transfer("2028-07-31", "post16_other"), amended("2028-03-01")},
			[]string{"R19 from 2028-07-31 due 2028-02-29 missed done 2028-03-01"}},
		{"reg 18(2) R19 five months before 31 December is 31 July", "R19", "2026-07-31",
			[]string{transfer("2026-12-31", "post16_other")},
			[]string{"R19 from 2026-12-31 due 2026-07-31 pending"}},
	})
}

// Regs 5(4), 8(2), 10(4) and 13(3): exceptions excuse a late deadline; they never move it.
// A request on 8 January 2024: R2 due 19 February, R4 due 29 April, R6 due 27 May.
func TestExceptions(t *testing.T) {
	req, assess := request("2024-01-08"), decision("2024-02-12", "assess")
	runCases(t, []clockCase{
		{"reg 5(4)(d) absence from the area for 28 days excuses R2", "R2", "2024-06-01",
			[]string{req, exception("absent_from_area", "2024-02-01", "2024-02-28")},
			[]string{"R2 from 2024-01-08 due 2024-02-19 excused excused_by absent_from_area"}},
		{"reg 5(4)(d) absence for 27 days does not", "R2", "2024-06-01",
			[]string{req, exception("absent_from_area", "2024-02-01", "2024-02-27")},
			[]string{"R2 from 2024-01-08 due 2024-02-19 overdue"}},
		{"reg 5(4)(a) a setting closed 28 days excuses R2", "R2", "2024-06-01",
			[]string{req, decision("2024-03-01", "refuse"), exception("setting_closure", "2023-12-20", "2024-01-16")},
			[]string{"R2 from 2024-01-08 due 2024-02-19 excused done 2024-03-01 excused_by setting_closure"}},
		{"reg 5(4)(a) a setting closed 27 days does not", "R2", "2024-06-01",
			[]string{req, decision("2024-03-01", "refuse"), exception("setting_closure", "2023-12-20", "2024-01-15")},
			[]string{"R2 from 2024-01-08 due 2024-02-19 missed done 2024-03-01"}},
		{"reg 8(2) a closure does not excuse a body's advice (R3), reg 13(3) it excuses R6", "R3 R6", "2024-06-01",
			[]string{req, assess, asked("2024-02-13", "health"), exception("setting_closure", "2024-02-20", "2024-04-30")},
			[]string{"R3 from 2024-02-13 due 2024-03-26 overdue contributor health", "R6 from 2024-01-08 due 2024-05-27 excused excused_by setting_closure"}},
		{"reg 8(2)(c) a missed appointment excuses only that body's R3, and not R6", "R3 R6", "2024-06-01",
			[]string{req, assess, asked("2024-02-13", "health"), asked("2024-02-13", "educational_psychology"),
				exception("missed_appointment", "2024-03-01", "2024-03-01", "contributor", "health")},
			[]string{"R3 from 2024-02-13 due 2024-03-26 overdue contributor educational_psychology", "R3 from 2024-02-13 due 2024-03-26 excused contributor health excused_by missed_appointment", "R6 from 2024-01-08 due 2024-05-27 overdue"}},
		{"reg 8(2)(a) personal circumstances excuse late advice (R3)", "R3", "2024-06-01",
			[]string{asked("2024-02-13", "social_care"), advice("2024-04-01", "social_care"), exception("personal_circumstances", "2024-03-01", "2024-03-05")},
			[]string{"R3 from 2024-02-13 due 2024-03-26 excused done 2024-04-01 contributor social_care excused_by personal_circumstances"}},
		{"reg 8(2)(b) absence for 28 days excuses R3", "R3", "2024-06-01",
			[]string{asked("2024-02-13", "social_care"), exception("absent_from_area", "2024-03-20", "2024-04-16")},
			[]string{"R3 from 2024-02-13 due 2024-03-26 excused contributor social_care excused_by absent_from_area"}},
		{"reg 10(4)(c) personal circumstances excuse a late R4", "R4", "2024-06-01",
			[]string{req, assess, ev("no_plan_decision", "2024-05-01"), exception("personal_circumstances", "2024-04-01", "2024-04-10")},
			[]string{"R4 from 2024-01-08 due 2024-04-29 excused done 2024-05-01 excused_by personal_circumstances"}},
		{"reg 13(3) absence excuses a late R6; the due date stays 27 May", "R6", "2024-07-01",
			[]string{req, assess, final("2024-06-10"), exception("absent_from_area", "2024-03-01", "2024-04-15")},
			[]string{"R6 from 2024-01-08 due 2024-05-27 excused done 2024-06-10 excused_by absent_from_area"}},
		{"an exception does not touch a deadline that was met", "R2", "2024-06-01",
			[]string{req, assess, exception("absent_from_area", "2024-01-10", "2024-03-10")},
			[]string{"R2 from 2024-01-08 due 2024-02-19 met done 2024-02-12"}},
		{"an exception does not touch a deadline not yet due", "R2", "2024-02-01",
			[]string{req, exception("personal_circumstances", "2024-01-15", "")},
			[]string{"R2 from 2024-01-08 due 2024-02-19 pending"}},
		{"an exception that begins after the due date does not overlap", "R2", "2024-06-01",
			[]string{req, exception("personal_circumstances", "2024-02-20", "2024-03-01")},
			[]string{"R2 from 2024-01-08 due 2024-02-19 overdue"}},
		{"an exception that ends the day before the start does not overlap", "R2", "2024-06-01",
			[]string{req, exception("personal_circumstances", "2023-12-01", "2024-01-07")},
			[]string{"R2 from 2024-01-08 due 2024-02-19 overdue"}},
		{"an exception that ends on the start day overlaps", "R2", "2024-06-01",
			[]string{req, exception("personal_circumstances", "2023-12-01", "2024-01-08")},
			[]string{"R2 from 2024-01-08 due 2024-02-19 excused excused_by personal_circumstances"}},
		{"an exception that begins on the due day overlaps", "R2", "2024-06-01",
			[]string{req, exception("personal_circumstances", "2024-02-19", "2024-02-19")},
			[]string{"R2 from 2024-01-08 due 2024-02-19 excused excused_by personal_circumstances"}},
		// An open absence lasts until today: 10 January to 6 February is 28 days, to 5 February 27.
		{"reg 5(4)(d) an open absence of 28 days to today qualifies", "R2", "2024-02-06",
			[]string{request("2023-12-01"), exception("absent_from_area", "2024-01-10", "")},
			[]string{"R2 from 2023-12-01 due 2024-01-12 excused excused_by absent_from_area"}},
		{"reg 5(4)(d) an open absence of 27 days to today does not", "R2", "2024-02-05",
			[]string{request("2023-12-01"), exception("absent_from_area", "2024-01-10", "")},
			[]string{"R2 from 2023-12-01 due 2024-01-12 overdue"}},
		{"s44(1) has no exceptions: absence does not excuse R10, nor reg 20 R13", "R10 R13", "2025-06-01",
			[]string{final("2024-01-15"), meeting("2024-12-02"), exception("absent_from_area", "2024-11-01", "2025-02-01")},
			[]string{"R13 from 2024-12-02 due 2024-12-16 overdue", "R10 from 2024-01-15 due 2025-01-15 overdue"}},
	})
}

// A full history with every kind of event.
func fullHistory() []string {
	return []string{
		request("2023-01-09"), decision("2023-02-06", "refuse"),
		request("2024-01-08"), decision("2024-02-12", "assess"),
		asked("2024-02-13", "health"), asked("2024-02-13", "educational_psychology"), asked("2024-02-14", "social_care"),
		ev("advice_requested", "2024-02-13", "contributor", "setting", "received", "2024-02-16"),
		advice("2024-03-20", "health"), advice("2024-04-02", "educational_psychology"), advice("2024-03-01", "setting"),
		exception("missed_appointment", "2024-03-05", "2024-03-05", "contributor", "educational_psychology"),
		exception("absent_from_area", "2024-04-01", ""),
		draft("2024-05-01"), final("2024-05-20"),
		meeting("2025-04-28"), ev("review_report_sent", "2025-05-20"), reviewed("2025-05-19", "amend"),
		notice("2025-05-19"), amended("2025-07-01"),
		meeting("2026-04-20"), reviewed("2026-05-01", "maintain"),
		transfer("2026-09-01", "school"), transfer("2027-09-06", "post16"),
	}
}

// The order events arrive in changes nothing.
func TestEventOrderDoesNotMatter(t *testing.T) {
	events := fullHistory()
	today := day(t, "2026-11-22")
	want, err := ehc.Deadlines(decode(t, events), today)
	if err != nil || len(want) < 15 {
		t.Fatalf("%d deadlines, %v", len(want), err)
	}
	r := rand.New(rand.NewPCG(4, 22))
	for i := 0; i < 50; i++ {
		r.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
		got, err := ehc.Deadlines(decode(t, events), today)
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("shuffled:\n  %s\nwant\n  %s", strings.Join(briefs(got, ""), "\n  "), strings.Join(briefs(want, ""), "\n  "))
		}
	}
}

// Regs 5(4), 8(2), 10(4), 13(3) excuse; they do not pause. Adding every kind of exception
// over the whole history changes statuses from missed or overdue to excused, and nothing else.
func TestExcusalNeverMovesADate(t *testing.T) {
	today := day(t, "2026-11-22")
	plain := fullHistory()[:11]
	without, _ := ehc.Deadlines(decode(t, plain), today)
	with, err := ehc.Deadlines(decode(t, append(plain,
		exception("absent_from_area", "2023-01-01", "2026-11-01"),
		exception("personal_circumstances", "2023-01-01", ""),
		exception("setting_closure", "2023-01-01", "2026-01-01"),
		exception("missed_appointment", "2024-03-05", "", "contributor", "health"))), today)
	if err != nil || len(with) != len(without) {
		t.Fatalf("%d deadlines with exceptions, %d without (%v)", len(with), len(without), err)
	}
	excused := 0
	for i, w := range with {
		o := without[i]
		if w.Due != o.Due || w.NotBefore != o.NotBefore || w.From != o.From || w.Done != o.Done || w.Rule != o.Rule {
			t.Errorf("an exception moved a deadline:\n  %s\nwas\n  %s", brief(w), brief(o))
		}
		switch {
		case w.Status == o.Status:
		case w.Status == ehc.Excused && (o.Status == ehc.Missed || o.Status == ehc.Overdue):
			excused++
		default:
			t.Errorf("%s: status %s became %s", o.Rule, o.Status, w.Status)
		}
	}
	if excused == 0 {
		t.Error("nothing was excused: the history should have late deadlines")
	}
}
