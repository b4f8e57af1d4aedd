package casework

import (
	"slices"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/ehc"
)

// The packed events a caseload reads are the events, field for field.
func TestPackRoundTrip(t *testing.T) {
	events := []ehc.Event{
		{Type: ehc.RequestReceived, Date: date.Of(2024, 2, 29), Code: "parent"},
		{Type: ehc.AdviceRequested, Date: date.Of(2024, 3, 1), Received: date.Of(2024, 3, 4), Contributor: "Health | paediatrics; \"Wye\" team"},
		{Type: ehc.Exception, Date: date.Of(2024, 3, 10), To: date.Of(2024, 4, 30), Code: "missed_appointment", Contributor: "Health | paediatrics; \"Wye\" team"},
		{Type: ehc.Exception, Date: date.Of(1999, 12, 31), Code: "absent_from_area"},
		{Type: ehc.PhaseTransfer, Date: date.Of(2999, 9, 1), Code: "post16_other"},
	}
	for n := range len(events) + 1 {
		got, err := unpack(pack(events[:n]), nil)
		if err != nil || !slices.Equal(got, events[:n]) {
			t.Errorf("%d events: %+v, %v", n, got, err)
		}
	}
	for _, bad := range []string{"x\x1f\x1f\x1f\x1f", "1\x1f2024-02-30x\x1f\x1f\x1f\x1f", "1\x1f\x1f"} {
		if _, err := unpack(bad, nil); err == nil {
			t.Errorf("unpack(%q) accepted", bad)
		}
	}
	if got := cleanText(" Health\x1e\x1fteam\x00 "); got != "Healthteam" {
		t.Errorf("cleanText: %q", got)
	}
}
