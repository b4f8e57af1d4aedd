package casework_test

import (
	"testing"
	"time"

	"joinedup/internal/casework"
	"joinedup/internal/ehc"
)

// The state a caseload shows: red when a duty is overdue with no excuse,
// amber when one is due within two weeks or overdue but excused (regs 5(4),
// 8(2), 10(4), 13(3) excuse; they never pause), green otherwise.
func TestStateOf(t *testing.T) {
	today := d(2026, 11, 22)
	dl := func(due int, s ehc.Status) ehc.Deadline {
		return ehc.Deadline{Rule: "R6", Due: today.AddDays(due), Status: s}
	}
	for _, c := range []struct {
		name   string
		open   []ehc.Deadline
		colour string
	}{
		{"nothing open", nil, "green"},
		{"due in 15 days", []ehc.Deadline{dl(15, ehc.Pending)}, "green"},
		{"due in 14 days", []ehc.Deadline{dl(14, ehc.Pending)}, "amber"},
		{"due today", []ehc.Deadline{dl(0, ehc.Pending)}, "amber"},
		{"overdue", []ehc.Deadline{dl(-1, ehc.Overdue)}, "red"},
		{"overdue but excused", []ehc.Deadline{dl(-1, ehc.Excused), dl(30, ehc.Pending)}, "amber"},
		{"one excused, a later one overdue", []ehc.Deadline{dl(-9, ehc.Excused), dl(-1, ehc.Overdue)}, "red"},
	} {
		if got := casework.StateOf(c.open, today); got.Colour != c.colour || got.Words == "" {
			t.Errorf("%s: %+v, want %s", c.name, got, c.colour)
		}
	}
}

func TestStageOf(t *testing.T) {
	ev := func(typ ehc.Type, m, day int, code string) ehc.Event {
		return ehc.Event{Type: typ, Date: d(2026, time.Month(m), day), Code: code}
	}
	req := ev(ehc.RequestReceived, 1, 5, "parent")
	for _, c := range []struct {
		name   string
		events []ehc.Event
		want   string
	}{
		{"a request", []ehc.Event{req}, casework.Requested},
		{"refused", []ehc.Event{req, ev(ehc.AssessmentDecision, 2, 1, "refuse")}, casework.NotAssessed},
		{"refused, then asked again", []ehc.Event{ev(ehc.RequestReceived, 6, 1, "setting"), req, ev(ehc.AssessmentDecision, 2, 1, "refuse")}, casework.Requested},
		{"assessing", []ehc.Event{req, ev(ehc.AssessmentDecision, 2, 1, ehc.Assess)}, casework.Assessing},
		{"decision and draft on one day, recorded backwards", []ehc.Event{ev(ehc.DraftPlanIssued, 2, 1, ""), req, ev(ehc.AssessmentDecision, 2, 1, ehc.Assess)}, casework.Draft},
		{"no plan", []ehc.Event{req, ev(ehc.AssessmentDecision, 2, 1, ehc.Assess), ev(ehc.NoPlanDecision, 4, 1, "")}, casework.NoPlan},
		{"final", []ehc.Event{req, ev(ehc.AssessmentDecision, 2, 1, ehc.Assess), ev(ehc.DraftPlanIssued, 4, 1, ""), ev(ehc.FinalPlanIssued, 5, 1, "")}, casework.Plan},
		{"ceased at review", []ehc.Event{req, ev(ehc.FinalPlanIssued, 5, 1, ""), ev(ehc.ReviewDecision, 12, 1, ehc.Cease)}, casework.Ceased},
	} {
		if got := casework.StageOf(c.events); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
