package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"joinedup/internal/cli"
	"joinedup/internal/date"
	"joinedup/internal/ehc"
)

// clock runs joinedup clock with stdin and an optional fixed real time.
func clock(t *testing.T, environ map[string]string, now time.Time, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	env := cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return environ[k] }}
	if !now.IsZero() {
		env.Now = func() time.Time { return now }
	}
	code := cli.Main(context.Background(), env, append([]string{"clock"}, args...))
	return result{code, out.String(), errOut.String()}
}

const refusedCase = `{"events": [
	{"type": "assessment_decision", "date": "2024-02-12", "outcome": "refuse"},
	{"type": "request_received", "date": "2024-01-08", "source": "parent"},
	{"type": "draft_plan_issued", "date": "2024-02-20"}
]}`

// The output is exactly {"deadlines": [...]} with the fields the issue names.
func TestClockPrintsTheDeadlines(t *testing.T) {
	r := clock(t, nil, time.Time{}, refusedCase, "--today", "2024-03-01")
	if r.code != cli.ExitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var got map[string][]map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 1 {
		t.Fatalf("stdout is not {\"deadlines\": [...]}: %v\n%s", err, r.stdout)
	}
	rule := func(id string) *ehc.Rule { return ehc.Current.InForce(id, date.Of(2024, 1, 1)) }
	want := []map[string]string{
		// SEND Regs 2014 reg 5(1): 6 weeks from 8 January; decided on 12 February.
		{"rule": "R2", "duty": rule("R2").Duty, "basis": "reg 5(1)-(3)", "from": "2024-01-08", "due": "2024-02-19", "status": "met", "done": "2024-02-12"},
		// reg 13(1): at least 15 days from the draft; no final plan yet.
		{"rule": "R5", "duty": rule("R5").Duty, "basis": "reg 13(1); CFA s38-39", "from": "2024-02-20", "not_before": "2024-03-06", "status": "pending"},
	}
	if !reflect.DeepEqual(got["deadlines"], want) {
		t.Errorf("got  %v\nwant %v", got["deadlines"], want)
	}
}

func TestClockWithNoEventsPrintsAnEmptyList(t *testing.T) {
	r := clock(t, nil, time.Time{}, `{"events": []}`, "--today", "2024-03-01")
	if r.code != cli.ExitOK || strings.Join(strings.Fields(r.stdout), "") != `{"deadlines":[]}` {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
}

// Today is the day in England, from --today, JOINEDUP_TODAY or the real clock.
// A request on 19 May 2024 is due a decision on 30 June (reg 5(1)).
func TestClockToday(t *testing.T) {
	in := `{"events": [{"type": "request_received", "date": "2024-05-19", "source": "setting"}]}`
	status := func(r result) string {
		var out struct{ Deadlines []ehc.Deadline }
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != cli.ExitOK || len(out.Deadlines) != 1 {
			t.Fatalf("exit %d, %v: %q %q", r.code, err, r.stdout, r.stderr)
		}
		return string(out.Deadlines[0].Status)
	}
	halfPastElevenUTC := time.Date(2024, 6, 30, 23, 30, 0, 0, time.UTC) // 00:30 on 1 July in London (BST)
	cases := []struct {
		name    string
		environ map[string]string
		now     time.Time
		args    []string
		want    string
	}{
		{"--today", nil, time.Time{}, []string{"--today", "2024-06-30"}, "pending"},
		{"JOINEDUP_TODAY", map[string]string{"JOINEDUP_TODAY": "2024-07-01"}, time.Time{}, nil, "overdue"},
		{"the flag wins over the variable", map[string]string{"JOINEDUP_TODAY": "2024-07-01"}, time.Time{}, []string{"--today", "2024-06-30"}, "pending"},
		{"the real clock, in London", nil, halfPastElevenUTC, nil, "overdue"},
		{"the real clock, an hour earlier", nil, halfPastElevenUTC.Add(-time.Hour), nil, "pending"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := status(clock(t, c.environ, c.now, in, c.args...)); got != c.want {
				t.Errorf("status %s, want %s", got, c.want)
			}
		})
	}
}

// Events in any order give the same output.
func TestClockEventOrder(t *testing.T) {
	var doc struct{ Events []json.RawMessage }
	json.Unmarshal([]byte(refusedCase), &doc)
	slices.Reverse(doc.Events)
	reversed, _ := json.Marshal(doc)
	a := clock(t, nil, time.Time{}, refusedCase, "--today", "2024-03-01")
	b := clock(t, nil, time.Time{}, strings.Replace(string(reversed), `"Events"`, `"events"`, 1), "--today", "2024-03-01")
	if a.code != cli.ExitOK || a.stdout != b.stdout {
		t.Errorf("reversed events changed the output:\n%s\n%s%s", a.stdout, b.stdout, b.stderr)
	}
}

// Invalid input: exit 2, one line on stderr naming the event and field, nothing on stdout.
func TestClockRefusesBadInput(t *testing.T) {
	req := `{"type": "request_received", "date": "2024-01-08", "source": "parent"}`
	cases := []struct {
		name, stdin string
		environ     map[string]string
		args        []string
		says        string
	}{
		{"unknown type", `{"events": [` + req + `, {"type": "plan_lost", "date": "2024-02-01"}]}`, nil, nil, `events[1].type: "plan_lost" is not an event type`},
		{"bad date", `{"events": [` + req + `, ` + req + `, {"type": "final_plan_issued", "date": "2024-02-30"}]}`, nil, nil, `events[2].date: "2024-02-30" is not a date`},
		{"missing field", `{"events": [{"type": "advice_requested", "date": "2024-02-01"}]}`, nil, nil, `events[0].contributor: missing`},
		{"outcome not allowed", `{"events": [` + req + `, {"type": "review_decision", "date": "2025-01-01", "outcome": "refuse"}]}`, nil, nil, `events[1].outcome: "refuse" is not allowed`},
		{"unknown field", `{"events": [{"type": "final_plan_issued", "date": "2024-05-01", "late": "yes"}]}`, nil, nil, `events[0].late: final_plan_issued events have no such field`},
		{"not JSON", `events: none`, nil, nil, `the input is not {"events": [...]}`},
		{"no input", ``, nil, nil, `the input is not {"events": [...]}`},
		{"bad --today", `{"events": []}`, nil, []string{"--today", "22/11/2026"}, `today: "22/11/2026" is not a date in the form YYYY-MM-DD`},
		{"bad JOINEDUP_TODAY", `{"events": []}`, map[string]string{"JOINEDUP_TODAY": "tomorrow"}, nil, `"tomorrow" is not a date`},
		{"stray argument", `{"events": []}`, nil, []string{"case.json"}, `unexpected argument "case.json"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := clock(t, c.environ, time.Time{}, c.stdin, c.args...)
			oneLine(t, r, cli.ExitUsage, c.says)
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
		})
	}
}
