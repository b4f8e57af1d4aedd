package cli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"joinedup/internal/cli"
)

// waits runs joinedup waits with stdin and an optional fixed real time.
func waits(t *testing.T, environ map[string]string, now time.Time, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	env := cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return environ[k] }}
	if !now.IsZero() {
		env.Now = func() time.Time { return now }
	}
	code := cli.Main(context.Background(), env, append([]string{"waits"}, args...))
	return result{code, out.String(), errOut.String()}
}

// Four children on 22 November 2026, one per rule of issue 7 §2 that the output shows.
const fourPathways = `{"pathways": [
	{"id": "ND-0001", "regime": "rtt", "events": [
		{"type": "referral_received", "date": "2024-11-23"},
		{"type": "transfer", "date": "2026-06-01", "kind": "commissioned", "provider": "Independent Assessments Ltd"}
	]},
	{"id": "ND-0002", "regime": "rtt", "events": [
		{"type": "transfer", "date": "2026-03-14", "kind": "new_referral", "provider": "Choice Neuro CIC"},
		{"type": "referral_received", "date": "2024-11-23"}
	]},
	{"id": "SLT-0003", "regime": "chs", "events": [
		{"type": "referral_received", "date": "2025-09-01"},
		{"type": "first_appointment_dna", "date": "2025-10-06", "rebooked": "2025-10-08"},
		{"type": "clock_stop", "date": "2026-01-06", "reason": "treatment"}
	]},
	{"id": "PAED-0004", "regime": "rtt", "events": [
		{"type": "referral_received", "date": "2026-01-05"},
		{"type": "first_appointment_dna", "date": "2026-03-02", "rebooked": null}
	]}
]}`

// The output is exactly the contract's fields, in the input's order.
func TestWaitsPrintsEachPathway(t *testing.T) {
	r := waits(t, nil, time.Time{}, fourPathways, "--census", "2026-11-22")
	if r.code != cli.ExitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	// ND-0001: 23 Nov 2024 to 22 Nov 2026 is 729 days, over 104 weeks (> 728); the commissioned transfer keeps the clock.
	// ND-0002: Right to Choose on 14 Mar 2026: 253 days on the new clock (over 36, > 252), 729 in all.
	// SLT-0003: community (chs): the DNA changes nothing; treated after 127 days, over 18 weeks (> 126) at the stop.
	// PAED-0004: consultant-led (rtt): the first-appointment DNA on 2 Mar 2026 nullified the clock, 56 days after referral.
	want := `{
  "pathways": [
    {
      "id": "ND-0001",
      "status": "waiting",
      "clock_start": "2024-11-23",
      "days_waited": 729,
      "weeks_band": 105,
      "breaches": [
        "18",
        "36",
        "52",
        "104"
      ],
      "total_wait_days": 729
    },
    {
      "id": "ND-0002",
      "status": "waiting",
      "clock_start": "2026-03-14",
      "days_waited": 253,
      "weeks_band": 37,
      "breaches": [
        "18",
        "36"
      ],
      "total_wait_days": 729
    },
    {
      "id": "SLT-0003",
      "status": "stopped",
      "clock_start": "2025-09-01",
      "days_waited": 127,
      "weeks_band": 19,
      "breaches": [
        "18"
      ],
      "total_wait_days": 127
    },
    {
      "id": "PAED-0004",
      "status": "nullified",
      "clock_start": null,
      "days_waited": 0,
      "weeks_band": 0,
      "breaches": [],
      "total_wait_days": 56
    }
  ]
}
`
	if r.stdout != want {
		t.Errorf("got\n%s\nwant\n%s", r.stdout, want)
	}
}

func TestWaitsWithNoPathwaysPrintsAnEmptyList(t *testing.T) {
	r := waits(t, nil, time.Time{}, `{"pathways": []}`, "--census", "2026-11-22")
	if r.code != cli.ExitOK || strings.Join(strings.Fields(r.stdout), "") != `{"pathways":[]}` {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
}

// The census is --census, JOINEDUP_CENSUS or today in England. A referral on
// 19 July 2026 has waited 126 days on 22 November (no breach), 127 on the 23rd.
func TestWaitsCensus(t *testing.T) {
	in := `{"pathways": [{"id": "P", "regime": "chs", "events": [{"type": "referral_received", "date": "2026-07-19"}]}]}`
	halfPastElevenUTC := time.Date(2026, 11, 22, 23, 30, 0, 0, time.UTC) // 23:30 on 22 November in London (GMT)
	cases := []struct {
		name    string
		environ map[string]string
		now     time.Time
		args    []string
		want    string
	}{
		{"--census", nil, time.Time{}, []string{"--census", "2026-11-22"}, `"days_waited":126,"weeks_band":18,"breaches":[]`},
		{"JOINEDUP_CENSUS", map[string]string{"JOINEDUP_CENSUS": "2026-11-23"}, time.Time{}, nil, `"days_waited":127,"weeks_band":19,"breaches":["18"]`},
		{"the flag wins over the variable", map[string]string{"JOINEDUP_CENSUS": "2026-11-23"}, time.Time{}, []string{"--census", "2026-11-22"}, `"days_waited":126`},
		{"today in London", nil, halfPastElevenUTC, nil, `"days_waited":126`},
		{"an hour later is the next day", nil, halfPastElevenUTC.Add(time.Hour), nil, `"days_waited":127`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := waits(t, c.environ, c.now, in, c.args...)
			if compact := strings.Join(strings.Fields(r.stdout), ""); r.code != cli.ExitOK || !strings.Contains(compact, c.want) {
				t.Errorf("exit %d, stdout %s, stderr %q; want %s", r.code, compact, r.stderr, c.want)
			}
		})
	}
}

// Invalid input: exit 2, one line on stderr naming the pathway, event and field; nothing on stdout.
func TestWaitsRefusesBadInput(t *testing.T) {
	ref := `{"type": "referral_received", "date": "2026-01-05"}`
	one := func(regime string, events ...string) string {
		return `{"pathways": [{"id": "OK", "regime": "chs", "events": [` + ref + `]}, {"id": "ND-9", "regime": "` + regime + `", "events": [` + strings.Join(events, ", ") + `]}]}`
	}
	cases := []struct {
		name, stdin string
		args        []string
		says        string
	}{
		{"event before the referral", one("rtt", ref, `{"type": "appointment_attended", "date": "2026-01-04"}`), nil, `invalid pathway "ND-9": pathways[1].events[1].date: 2026-01-04 is before the referral was received (2026-01-05)`},
		{"stop before the start", one("rtt", `{"type": "clock_stop", "date": "2025-12-24", "reason": "treatment"}`, ref), nil, `invalid pathway "ND-9": pathways[1].events[0].date: 2025-12-24 is before the referral`},
		{"unknown regime", one("nhs", ref), nil, `invalid pathway "ND-9": pathways[1].regime: "nhs" is not allowed: choose rtt, chs`},
		{"unknown reason", one("chs", ref, `{"type": "clock_stop", "date": "2026-02-01", "reason": "cured"}`), nil, `pathways[1].events[1].reason: "cured" is not allowed: choose treatment, assessment_complete, discharged, not_treated, declined, active_monitoring`},
		{"unknown transfer kind", one("chs", ref, `{"type": "transfer", "date": "2026-02-01", "kind": "private", "provider": "X"}`), nil, `pathways[1].events[1].kind: "private" is not allowed: choose commissioned, new_referral`},
		{"unknown event type", one("chs", ref, `{"type": "seen", "date": "2026-02-01"}`), nil, `pathways[1].events[1].type: "seen" is not an event type`},
		{"bad date", one("chs", ref, `{"type": "appointment_attended", "date": "2026-02-30"}`), nil, `pathways[1].events[1].date: "2026-02-30" is not a date in the form YYYY-MM-DD`},
		{"bad rebooked", one("rtt", ref, `{"type": "first_appointment_dna", "date": "2026-02-03", "rebooked": "3/2/2026"}`), nil, `pathways[1].events[1].rebooked: "3/2/2026" is not a date`},
		{"missing date", one("chs", ref, `{"type": "appointment_attended"}`), nil, `pathways[1].events[1].date: missing`},
		{"missing provider", one("chs", ref, `{"type": "transfer", "date": "2026-02-01", "kind": "commissioned"}`), nil, `pathways[1].events[1].provider: missing`},
		{"missing reason", one("chs", ref, `{"type": "clock_stop", "date": "2026-02-01"}`), nil, `pathways[1].events[1].reason: missing`},
		{"a field the type does not have", one("chs", ref, `{"type": "appointment_attended", "date": "2026-02-01", "reason": "treatment"}`), nil, `pathways[1].events[1].reason: appointment_attended events have no such field`},
		{"no referral", one("chs", `{"type": "appointment_attended", "date": "2026-02-01"}`), nil, `pathways[1].events: no referral_received`},
		{"two referrals", one("chs", ref, ref), nil, `pathways[1].events[1].type: a second referral_received`},
		{"referral after the census", one("chs", ref), []string{"--census", "2026-01-04"}, `pathways[0].events[0].date: 2026-01-05 is after the census date 2026-01-04`},
		{"duplicate id", `{"pathways": [{"id": "A", "regime": "chs", "events": [` + ref + `]}, {"id": "A", "regime": "rtt", "events": [` + ref + `]}]}`, nil, `invalid pathway "A": pathways[1].id: "A" is also pathways[0]`},
		{"missing id", `{"pathways": [{"regime": "chs", "events": [` + ref + `]}]}`, nil, `invalid pathway: pathways[0].id: missing`},
		{"missing events", `{"pathways": [{"id": "A", "regime": "chs"}]}`, nil, `pathways[0].events: missing`},
		{"a pathway field not in the contract", `{"pathways": [{"id": "A", "regime": "chs", "team": "x", "events": []}]}`, nil, `pathways[0].team: a pathway has only id, regime and events`},
		{"not JSON", `pathways: none`, nil, `the input is not {"pathways": [...]}`},
		{"no input", ``, nil, `the input is not {"pathways": [...]}`},
		{"no pathways", `{}`, nil, `pathways: missing`},
		{"more after the document", `{"pathways": []} {}`, nil, `the input has more after`},
		{"bad --census", `{"pathways": []}`, []string{"--census", "22/11/2026"}, `census: "22/11/2026" is not a date in the form YYYY-MM-DD`},
		{"stray argument", `{"pathways": []}`, []string{"list.json"}, `unexpected argument "list.json"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := c.args
			if args == nil {
				args = []string{"--census", "2026-11-22"}
			}
			r := waits(t, nil, time.Time{}, c.stdin, args...)
			oneLine(t, r, cli.ExitUsage, c.says)
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
		})
	}
}
