package waitlist_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/waitlist"
)

// FuzzWaits feeds the decoder and engine any input, as `joinedup waits` would:
// never a panic or a multi-line error; whatever is accepted gives waits that fit
// the rules and marshal, whatever order the events come in.
// Run it with go test -fuzz FuzzWaits ./internal/waitlist.
func FuzzWaits(f *testing.F) {
	f.Add(`{"pathways": [{"id": "A", "regime": "rtt", "events": [{"type": "referral_received", "date": "2024-11-23"}, {"type": "first_appointment_dna", "date": "2025-01-06", "rebooked": "2025-01-08"}, {"type": "clock_stop", "date": "2025-06-02", "reason": "assessment_complete"}]}]}`, int16(0))
	f.Add(`{"pathways": [{"id": "B", "regime": "chs", "events": [{"type": "referral_received", "date": "2024-02-29"}, {"type": "transfer", "date": "2025-02-28", "kind": "new_referral", "provider": "X"}, {"type": "transfer", "date": "2025-03-01", "kind": "commissioned", "provider": "Y"}]}]}`, int16(-700))
	f.Add(`{"pathways": [{"id": "C", "regime": "rtt", "events": [{"type": "referral_received", "date": "2026-01-05"}, {"type": "first_appointment_dna", "date": "2026-01-05"}, {"type": "clock_stop", "date": "2026-01-05", "reason": "discharged"}, {"type": "appointment_attended", "date": "2026-01-05"}]}]}`, int16(1))
	f.Add(`{"pathways": [{"id": "D", "regime": "rtt", "events": [null]}]}`, int16(0))
	f.Add(`{"pathways": []}`, int16(0))
	f.Add(`{`, int16(0))
	base := date.Of(2026, 11, 22)
	f.Fuzz(func(t *testing.T, input string, offset int16) {
		ps, err := waitlist.Decode(strings.NewReader(input))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("a multi-line error: %q", err)
			}
			return
		}
		census := base.AddDays(int(offset))
		ws, err := waitlist.MeasureAll(ps, census)
		if err != nil {
			if !strings.Contains(err.Error(), "pathways[") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("an error that does not name the pathway: %q", err)
			}
			return
		}
		if _, err := json.Marshal(ws); err != nil {
			t.Fatal(err)
		}
		for i, w := range ws {
			fits(t, w, census)
			p := ps[i]
			p.Events = slices.Clone(p.Events)
			slices.Reverse(p.Events)
			if again, err := waitlist.Measure(&p, census); err != nil || !same(again, w) {
				t.Fatalf("reversed events gave %+v (%v), not %+v", again, err, w)
			}
		}
	})
}

func same(a, b waitlist.Wait) bool {
	return a.Status == b.Status && a.ClockStart == b.ClockStart && a.DaysWaited == b.DaysWaited && a.WeeksBand == b.WeeksBand &&
		slices.Equal(a.Breaches, b.Breaches) && a.TotalWaitDays == b.TotalWaitDays
}

// fits checks what every wait must say, whatever the input.
func fits(t *testing.T, w waitlist.Wait, census date.Date) {
	t.Helper()
	bad := func(why string) { t.Fatalf("%s: %+v at %s", why, w, census) }
	if w.TotalWaitDays < w.DaysWaited || w.DaysWaited < 0 {
		bad("total wait is at least the clock's, and neither is negative")
	}
	switch w.Status {
	case waitlist.Waiting:
		if w.ClockStart.IsZero() || w.DaysWaited != census.DaysSince(w.ClockStart) || !w.Stop.IsZero() {
			bad("a waiting child has waited from the clock start to the census")
		}
	case waitlist.Stopped:
		if w.ClockStart.IsZero() || w.Stop.After(census) || w.DaysWaited != w.Stop.DaysSince(w.ClockStart) || w.StopReason == 0 {
			bad("a stopped clock counts to its stop, on or before the census")
		}
	case waitlist.Nullified:
		if !w.ClockStart.IsZero() || w.DaysWaited != 0 || w.WeeksBand != 0 || len(w.Breaches) != 0 {
			bad("a nullified pathway has no clock")
		}
		return
	default:
		bad("unknown status")
	}
	if w.WeeksBand != waitlist.WeeksBand(w.DaysWaited) || !slices.Equal(w.Breaches, waitlist.Breaches(w.DaysWaited)) {
		bad("band and breaches follow the days")
	}
}
