package ehc_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/ehc"
)

// ev is one event as the CLI reads it: its type, its day ("from" for an
// exception), then field and value pairs.
func ev(typ, day string, kv ...string) string {
	m := map[string]string{"type": typ}
	if typ == "exception" {
		m["from"] = day
	} else {
		m["date"] = day
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// The events of a case, briefly.
func request(d string) string           { return ev("request_received", d, "source", "parent") }
func decision(d, outcome string) string { return ev("assessment_decision", d, "outcome", outcome) }
func asked(d, who string) string        { return ev("advice_requested", d, "contributor", who) }
func advice(d, who string) string       { return ev("advice_received", d, "contributor", who) }
func draft(d string) string             { return ev("draft_plan_issued", d) }
func final(d string) string             { return ev("final_plan_issued", d) }
func meeting(d string) string           { return ev("review_meeting", d) }
func reviewed(d, outcome string) string { return ev("review_decision", d, "outcome", outcome) }
func notice(d string) string            { return ev("amendment_notice", d) }
func amended(d string) string           { return ev("amended_plan_issued", d) }
func noAmend(d string) string           { return ev("no_amendment_decision", d) }
func transfer(d, kind string) string    { return ev("phase_transfer", d, "kind", kind) }
func exception(reason, from, to string, kv ...string) string {
	if to != "" {
		kv = append(kv, "to", to)
	}
	return ev("exception", from, append([]string{"reason", reason}, kv...)...)
}

func decode(t *testing.T, events []string) []ehc.Event {
	t.Helper()
	in := `{"events": [` + strings.Join(events, ",") + `]}`
	es, err := ehc.Decode(strings.NewReader(in))
	if err != nil {
		t.Fatalf("decoding %s: %v", in, err)
	}
	return es
}

func day(t testing.TB, s string) date.Date {
	t.Helper()
	d, err := date.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// brief is a deadline in one line, e.g. "R2 from 2024-01-08 due 2024-02-19 met done 2024-02-12".
func brief(d ehc.Deadline) string {
	s := fmt.Sprintf("%s from %s", d.Rule, d.From)
	if !d.Due.IsZero() {
		s += " due " + d.Due.String()
	}
	if !d.NotBefore.IsZero() {
		s += " not_before " + d.NotBefore.String()
	}
	s += " " + string(d.Status)
	if !d.Done.IsZero() {
		s += " done " + d.Done.String()
	}
	if d.Contributor != "" {
		s += " contributor " + d.Contributor
	}
	if d.ExcusedBy != "" {
		s += " excused_by " + d.ExcusedBy
	}
	return s
}

// briefs are the deadlines of the rules listed ("R3 R6"; all if empty), in the engine's order.
func briefs(ds []ehc.Deadline, rules string) []string {
	out := []string{}
	for _, d := range ds {
		if rules == "" || slices.Contains(strings.Fields(rules), d.Rule) {
			out = append(out, brief(d))
		}
	}
	return out
}
