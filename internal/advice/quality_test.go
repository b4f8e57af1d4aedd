package advice_test

import (
	"context"
	"testing"

	"joinedup/internal/advice"
	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
)

// The DCO's ratings over time (issue 5, points 3 and 4), figured by hand:
// on 22 November 2026 Tom's team returns its advice (version 1), the DCO
// rates it (needs red, provision amber, the rest green), the team sends
// version 2 (a re-submission after a red), the DCO rates it all green, and
// the team sends version 3 (a re-submission, the version before all green).
// November's figures for the team, and for every team together, change by
// 2 reviews; needs 1 red and 1 green; provision 1 amber and 1 green; each
// other criterion 2 green; 2 re-submissions, 1 after a red. Measured as the
// differences from the demo's own figures.
func TestQualityOverTime(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		ctx := context.Background()
		w := newWorld(t, dbx)
		w.assess()
		figures := func() advice.QualityFigures {
			t.Helper()
			q, err := advice.QualityByMonth(ctx, dbx, w.dco)
			if err != nil {
				t.Fatal(err)
			}
			return q
		}
		november := func(qs []advice.Quality, team string) advice.Quality {
			for _, q := range qs {
				if q.Month == "2026-11" && q.TeamID == team {
					return q
				}
			}
			return advice.Quality{Month: "2026-11", Ratings: make([]advice.Tally, 6)}
		}
		before := figures()
		r := w.ask()
		if _, err := advice.Submit(ctx, dbx, w.tom, r.ID, goodAdvice()); err != nil {
			t.Fatal(err)
		}
		first := map[string]string{"needs": "red", "provision": "amber", "outcomes": "green", "jargon": "green", "voice": "green", "timeliness": "green"}
		if err := advice.Assure(ctx, dbx, w.dco, r.ID, 1, advice.ReviewInput{Ratings: first, Feedback: "Say what Maya finds hard, in plain words."}); err != nil {
			t.Fatal(err)
		}
		if _, err := advice.Submit(ctx, dbx, w.tom, r.ID, goodAdvice()); err != nil {
			t.Fatal(err)
		}
		second := map[string]string{"needs": "green", "provision": "green", "outcomes": "green", "jargon": "green", "voice": "green", "timeliness": "green"}
		if err := advice.Assure(ctx, dbx, w.dco, r.ID, 2, advice.ReviewInput{Ratings: second, Feedback: "Clear and specific; thank you."}); err != nil {
			t.Fatal(err)
		}
		if _, err := advice.Submit(ctx, dbx, w.tom, r.ID, goodAdvice()); err != nil {
			t.Fatal(err)
		}
		after := figures()
		ids := []string{"needs", "provision", "outcomes", "jargon", "voice", "timeliness"}
		if len(after.Rubric) != len(ids) {
			t.Fatalf("the rubric: %+v", after.Rubric)
		}
		for i, c := range after.Rubric {
			if c.ID != ids[i] {
				t.Errorf("criterion %d is %s, want %s (the rubric's order)", i+1, c.ID, ids[i])
			}
		}
		want := map[string]advice.Tally{"needs": {Red: 1, Green: 1}, "provision": {Amber: 1, Green: 1}, "outcomes": {Green: 2},
			"jargon": {Green: 2}, "voice": {Green: 2}, "timeliness": {Green: 2}}
		for _, c := range []struct {
			name          string
			before, after advice.Quality
		}{
			{"Tom's team", november(before.ByTeam, w.salt), november(after.ByTeam, w.salt)},
			{"every team", november(before.All, ""), november(after.All, "")},
		} {
			a, b := c.after, c.before
			if a.Reviews-b.Reviews != 2 || a.Resubmitted-b.Resubmitted != 2 || a.AfterRed-b.AfterRed != 1 {
				t.Errorf("%s, November 2026: reviews +%d, re-submissions +%d, after a red +%d; want +2, +2, +1", c.name,
					a.Reviews-b.Reviews, a.Resubmitted-b.Resubmitted, a.AfterRed-b.AfterRed)
			}
			for i, id := range ids {
				got := advice.Tally{Red: a.Ratings[i].Red - b.Ratings[i].Red, Amber: a.Ratings[i].Amber - b.Ratings[i].Amber,
					Green: a.Ratings[i].Green - b.Ratings[i].Green}
				if got != want[id] {
					t.Errorf("%s, November 2026, %s: %+v, want %+v", c.name, id, got, want[id])
				}
			}
		}
		if q := november(after.ByTeam, w.salt); q.Team != r.Team || q.Provider == "" {
			t.Errorf("the team's row is not named with its provider: %+v", q)
		}
		// Every team together is the sum of the teams, month by month.
		for _, m := range after.All {
			var sum advice.Quality
			sum.Ratings = make([]advice.Tally, len(after.Rubric))
			for _, q := range after.ByTeam {
				if q.Month == m.Month {
					sum.Reviews, sum.Resubmitted, sum.AfterRed = sum.Reviews+q.Reviews, sum.Resubmitted+q.Resubmitted, sum.AfterRed+q.AfterRed
					for i := range q.Ratings {
						sum.Ratings[i].Red += q.Ratings[i].Red
						sum.Ratings[i].Amber += q.Ratings[i].Amber
						sum.Ratings[i].Green += q.Ratings[i].Green
					}
				}
			}
			if sum.Reviews != m.Reviews || sum.Resubmitted != m.Resubmitted || sum.AfterRed != m.AfterRed || sum.Overall() != m.Overall() {
				t.Errorf("%s: every team %+v, the teams add up to %+v", m.Month, m, sum)
			}
			if m.Overall().Total() != m.Reviews*len(ids) {
				t.Errorf("%s: %d ratings for %d reviews of %d criteria", m.Month, m.Overall().Total(), m.Reviews, len(ids))
			}
		}
		if _, err := advice.QualityByMonth(ctx, dbx, w.tom); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("a clinician's quality figures: %v", err)
		}
	})
}
