package web

import (
	"strings"
	"testing"

	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/ehc"
)

// The caseload's rows are written without html/template (caseloadRows), so
// each value must be escaped for where it goes: a name or duty as text, an id
// in a path, a coordinator in a query, all inside HTML.
func TestCaseloadRowsEscape(t *testing.T) {
	today := date.Of(2026, 11, 23)
	hostile := casework.Row{
		ChildID:       `c/1?x="y"&z`,
		ChildName:     `<script>alert("Ada")</script> O'Neil & Co`,
		Stage:         casework.Plan,
		Coordinator:   `<b>Jo</b>`,
		CoordinatorID: `p 1&due=x"`,
		Next:          ehc.Deadline{Rule: "R10", Duty: `Review <the> plan & "more"`, Due: date.Of(2026, 12, 1)},
		State:         casework.RAG{Colour: "amber", Words: `Due within 2 weeks <soon>`},
	}
	quiet := casework.Row{ChildID: "c2", ChildName: "Bo Ng", Stage: casework.Requested, State: casework.RAG{Colour: "green", Words: "Nothing due"}}
	for _, tc := range []struct {
		name        string
		team, week  bool
		want, never []string
	}{
		{"own caseload", false, false,
			[]string{
				`href="/staff/children/c%2F1%3Fx=%22y%22&amp;z/ehc"`,
				`&lt;script&gt;alert(&#34;Ada&#34;)&lt;/script&gt; O&#39;Neil &amp; Co</a>`,
				`<td class="govuk-table__cell">Review &lt;the&gt; plan &amp; &#34;more&#34; (R10)</td>`,
				`<td class="govuk-table__cell">1 December 2026 (in 8 days)</td>`,
				`govuk-tag--orange">Due within 2 weeks &lt;soon&gt;</strong>`,
				`<td class="govuk-table__cell">Nothing due</td>
      <td class="govuk-table__cell"></td>`,
				`govuk-tag--green">Nothing due</strong>`,
			},
			[]string{"<script>", "<b>", "coordinator=", "<the>"}},
		{"team view", true, false,
			[]string{`href="/staff/ehc?coordinator=p+1%26due%3Dx%22">&lt;b&gt;Jo&lt;/b&gt;<span class="govuk-visually-hidden">: only their cases</span></a>`,
				`<td class="govuk-table__cell">None allocated</td>`},
			[]string{"<b>", "due=week"}},
		{"team view due this week", true, true,
			[]string{`href="/staff/ehc?coordinator=p+1%26due%3Dx%22&amp;due=week">`},
			[]string{"<b>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(caseloadRows([]casework.Row{hostile, quiet}, today, tc.team, tc.week))
			if n := strings.Count(got, "<tr "); n != 2 {
				t.Errorf("%d rows; want 2:\n%s", n, got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %s in:\n%s", w, got)
				}
			}
			for _, n := range tc.never {
				if strings.Contains(got, n) {
					t.Errorf("%s appears in:\n%s", n, got)
				}
			}
		})
	}
}

// A due date is written with how far it is from today, counted in calendar
// days across month and year ends.
func TestDueWords(t *testing.T) {
	today := date.Of(2026, 11, 23)
	for _, c := range []struct {
		due  date.Date
		want string
	}{
		{today, "23 November 2026 (today)"},
		{date.Of(2026, 11, 24), "24 November 2026 (tomorrow)"},
		{date.Of(2026, 11, 22), "22 November 2026 (yesterday)"},
		{date.Of(2026, 12, 4), "4 December 2026 (in 11 days)"},
		{date.Of(2027, 1, 1), "1 January 2027 (in 39 days)"},
		{date.Of(2026, 10, 31), "31 October 2026 (23 days ago)"},
	} {
		if got := dueWords(c.due, today); got != c.want {
			t.Errorf("dueWords(%s) = %q, want %q", c.due, got, c.want)
		}
	}
}
