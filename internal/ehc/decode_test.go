package ehc_test

import (
	"strings"
	"testing"

	"joinedup/internal/apperr"
	"joinedup/internal/ehc"
)

// Bad input is refused with the first problem: the event's index (from 0) and field.
func TestDecodeNamesTheEventAndField(t *testing.T) {
	ok := request("2024-01-08")
	cases := []struct {
		name, input, says string
	}{
		{"not JSON", `{"events": [`, `the input is not {"events": [...]}`},
		{"no events", `{}`, `events: missing`},
		{"something else besides", `{"events": [], "case": 1}`, `unknown field "case"`},
		{"two documents", `{"events": []} {}`, `more after`},
		{"not an object", `{"events": [` + ok + `, 3]}`, `events[1]: is not a JSON object`},
		{"no type", `{"events": [{"date": "2024-01-08"}]}`, `events[0].type: missing`},
		{"unknown type", `{"events": [` + ok + `,` + ev("plan_lost", "2024-01-08") + `]}`, `events[1].type: "plan_lost" is not an event type`},
		{"bad date", `{"events": [` + ok + `,` + ok + `,` + final("2024-02-30") + `]}`, `events[2].date: "2024-02-30" is not a date in the form YYYY-MM-DD`},
		{"date not a string", `{"events": [{"type": "final_plan_issued", "date": 20240201}]}`, `events[0].date: must be a string`},
		{"missing date", `{"events": [{"type": "final_plan_issued"}]}`, `events[0].date: missing`},
		{"missing source", `{"events": [{"type": "request_received", "date": "2024-01-08"}]}`, `events[0].source: missing`},
		{"null is missing", `{"events": [{"type": "request_received", "date": null, "source": "parent"}]}`, `events[0].date: missing`},
		{"outcome not allowed", `{"events": [` + ok + `,` + decision("2024-02-01", "maybe") + `]}`, `events[1].outcome: "maybe" is not allowed: choose assess, refuse`},
		{"review outcome not allowed", `{"events": [` + reviewed("2024-02-01", "refuse") + `]}`, `events[0].outcome: "refuse" is not allowed: choose maintain, amend, cease`},
		{"unknown field", `{"events": [` + ev("advice_requested", "2024-02-01", "contributor", "health", "recieved", "2024-02-02") + `]}`, `events[0].recieved: advice_requested events have no such field`},
		{"odd field name", `{"events": [{"type": "la_responsible", "date": "2024-01-08", "a\nb": 1}]}`, `events[0]."a\nb"`},
		{"received before asked", `{"events": [` + ev("advice_requested", "2024-02-01", "contributor", "health", "received", "2024-01-31") + `]}`, `events[0].received: is before date`},
		{"exception ends before it begins", `{"events": [` + exception("absent_from_area", "2024-02-01", "2024-01-31") + `]}`, `events[0].to: is before from`},
		{"missed appointment without a body", `{"events": [` + exception("missed_appointment", "2024-02-01", "") + `]}`, `events[0].contributor: missing`},
		{"a body on another exception", `{"events": [` + exception("absent_from_area", "2024-02-01", "", "contributor", "health") + `]}`, `events[0].contributor: only a missed_appointment`},
		{"unknown reason", `{"events": [` + exception("holiday", "2024-02-01", "") + `]}`, `events[0].reason: "holiday" is not allowed`},
		{"unknown transfer", `{"events": [` + transfer("2024-09-01", "university") + `]}`, `events[0].kind: "university" is not allowed`},
		{"an implausible year", `{"events": [` + final("0001-01-01") + `]}`, `events[0].date: 0001-01-01 is not between 1900-01-01 and 2999-12-31`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			events, err := ehc.Decode(strings.NewReader(c.input))
			if err == nil || !strings.Contains(err.Error(), c.says) || events != nil {
				t.Fatalf("Decode(%s) = %v, %v; want an error saying %q", c.input, events, err, c.says)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("the error is not one line: %q", err)
			}
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Errorf("code %s, want invalid", apperr.CodeOf(err))
			}
		})
	}
}

func TestDecodeReadsEveryField(t *testing.T) {
	events := decode(t, []string{
		ev("advice_requested", "2024-02-01", "contributor", "health", "received", "2024-02-03"),
		exception("missed_appointment", "2024-03-01", "2024-03-02", "contributor", "health"),
		request("2024-01-08"),
	})
	want := []ehc.Event{
		{Type: ehc.AdviceRequested, Date: day(t, "2024-02-01"), Received: day(t, "2024-02-03"), Contributor: "health"},
		{Type: ehc.Exception, Date: day(t, "2024-03-01"), To: day(t, "2024-03-02"), Code: "missed_appointment", Contributor: "health"},
		{Type: ehc.RequestReceived, Date: day(t, "2024-01-08"), Code: "parent"},
	}
	for i := range want {
		if events[i] != want[i] {
			t.Errorf("event %d: %+v, want %+v", i, events[i], want[i])
		}
	}
}

// Events built in Go are checked as strictly as JSON.
func TestDeadlinesRefusesInvalidEvents(t *testing.T) {
	_, err := ehc.Deadlines([]ehc.Event{{Type: ehc.FinalPlanIssued, Date: day(t, "2024-01-01")}, {Type: ehc.ReviewDecision, Date: day(t, "2025-01-01")}}, day(t, "2025-06-01"))
	if err == nil || !strings.Contains(err.Error(), "events[1].outcome: missing") {
		t.Errorf("got %v", err)
	}
}
