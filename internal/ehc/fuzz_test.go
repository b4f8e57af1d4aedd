package ehc_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/ehc"
)

// FuzzClock feeds the clock any input, as `joinedup clock` would: it must never
// panic, and whatever it accepts must give deadlines that marshal and read back
// the same, each well formed. Run it with go test -fuzz FuzzClock ./internal/ehc.
func FuzzClock(f *testing.F) {
	f.Add(`{"events": [`+strings.Join(fullHistory(), ",")+`]}`, int16(0))
	f.Add(`{"events": [`+strings.Join(fullHistory(), ",")+`]}`, int16(-900))
	f.Add(`{"events": [`+request("2024-02-29")+`,`+final("2024-02-29")+`,`+transfer("2028-07-31", "post16_other")+`]}`, int16(700))
	f.Add(`{"events": [`+exception("missed_appointment", "2024-03-01", "", "contributor", "x")+`]}`, int16(1))
	f.Add(`{"events": [{"type": "review_decision", "date": "2025-01-01", "outcome": "cease"}, null]}`, int16(0))
	f.Add(`{"events": []}`, int16(0))
	f.Add(`{`, int16(0))
	base := date.Of(2026, 11, 22)
	f.Fuzz(func(t *testing.T, input string, offset int16) {
		events, err := ehc.Decode(strings.NewReader(input))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("a multi-line error: %q", err)
			}
			return
		}
		ds, err := ehc.Deadlines(events, base.AddDays(int(offset)))
		if err != nil {
			t.Fatalf("decoded events refused: %v", err)
		}
		out, err := json.Marshal(ds)
		if err != nil {
			t.Fatalf("the deadlines do not marshal: %v", err)
		}
		var back []ehc.Deadline
		if err := json.Unmarshal(out, &back); err != nil || !slices.Equal(back, ds) {
			t.Fatalf("the deadlines do not read back (%v):\n%s", err, out)
		}
		again, _ := json.Marshal(back)
		if !bytes.Equal(again, out) {
			t.Fatalf("re-marshalled differently:\n%s\n%s", out, again)
		}
		for i, d := range ds {
			wellFormed(t, d)
			if i > 0 && on(ds[i-1]).After(on(d)) {
				t.Fatalf("not in date order: %s before %s", brief(ds[i-1]), brief(d))
			}
		}
	})
}

func on(d ehc.Deadline) date.Date {
	if d.Due.IsZero() {
		return d.NotBefore
	}
	return d.Due
}

// wellFormed checks what every deadline must say, whatever the input.
func wellFormed(t *testing.T, d ehc.Deadline) {
	t.Helper()
	bad := func(why string) { t.Fatalf("%s: %s", why, brief(d)) }
	if !slices.Contains(ruleIDs, d.Rule) || d.Duty == "" || d.Basis == "" || d.From.IsZero() {
		bad("rule, duty, basis and from are always there")
	}
	if d.Due.IsZero() == d.NotBefore.IsZero() {
		bad("exactly one of due and not_before")
	}
	done, late := !d.Done.IsZero(), d.Done.After(on(d))
	ok := false
	switch d.Status {
	case ehc.Met:
		ok = done && (d.Due.IsZero() || !late) && (d.NotBefore.IsZero() || !d.Done.Before(d.NotBefore))
	case ehc.Breached:
		ok = done && !d.NotBefore.IsZero() && d.Done.Before(d.NotBefore)
	case ehc.Missed:
		ok = done && !d.Due.IsZero() && late
	case ehc.Overdue, ehc.Pending:
		ok = !done
	case ehc.Excused:
		ok = !d.Due.IsZero() && d.ExcusedBy != "" && (!done || late)
	}
	if !ok || (d.ExcusedBy != "") != (d.Status == ehc.Excused) {
		bad("status does not fit the dates")
	}
}
