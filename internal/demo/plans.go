package demo

import (
	"strings"
	"time"

	"joinedup/internal/appeal"
	"joinedup/internal/date"
)

// Invented plan text by primary need (SEN2 codes), in the plan's plain words:
// section B's need, an outcome for E, and a piece of provision for F (what,
// who, how often, for how long).
var planText = map[string][5]string{
	"ASD":  {"Autism: finds changes of routine and busy places hard, and needs help to understand and join in with others.", "By the end of the school year, moves between activities with a visual timetable and no more than one prompt.", "A visual timetable and a quiet space, with daily check-ins", "Class teacher and a trained teaching assistant", "Daily, 10 minutes morning and afternoon"},
	"SLCN": {"Speech, language and communication needs: understanding instructions of more than two steps and being understood by new adults.", "By the end of the school year, follows three-step instructions in class without prompting.", "Small-group language sessions following the therapist's programme", "Teaching assistant trained by the speech and language therapist", "3 times a week, 20 minutes"},
	"SEMH": {"Social, emotional and mental health needs: anxiety at transitions and difficulty managing strong feelings.", "By the end of next term, enters the classroom calmly with a familiar adult on most days.", "A key adult and a planned start to the day", "Named key adult in school", "Every morning, 15 minutes"},
	"MLD":  {"Moderate learning difficulties: learns new skills slowly and needs them broken into small steps.", "Within the year, reads and understands simple sentences about familiar topics.", "Individual reading with precision teaching", "Teaching assistant, planned by the SENCO", "4 times a week, 15 minutes"},
	"PD":   {"Physical disability: tires quickly and needs help with moving around school and with fine motor tasks.", "Within six months, writes for 10 minutes without a rest.", "Motor skills programme set by the occupational therapist", "Teaching assistant trained by the occupational therapist", "Daily, 15 minutes"},
	"":     {"Needs help with learning and with joining in with others, as described in the advice in section K.", "By the next annual review, takes part in group work with the support described.", "Support in class to take part in group work", "Class teacher and teaching assistant", "Daily, in lessons"},
}

var planViews = []string{"I like drawing, football and being with my friends. I want to work with animals when I grow up.",
	"I like music and computers. I find noisy rooms hard. I want to go to the same school as my cousin.",
	"We want our child to be happy at school and to have friends. We hope for independence as an adult."}

// ehcPlans gives every case of the area with a final plan its plan document:
// version 1, final and issued on the day the clock's final_plan_issued says,
// naming the child's setting, with sections built from the primary need.
// Deterministic per seed; the personas' children included, so Sarah can read Leo's.
func ehcPlans(a *area) error {
	if err := a.g.l.Flush(); err != nil { // the cases must be readable
		return err
	}
	r := a.rng("ehc plans")
	byID := map[string]*child{}
	for _, c := range a.children {
		byID[c.ID] = c
	}
	teams := make([]string, len(a.casework))
	for i, t := range a.casework {
		teams[i] = t.id
	}
	if len(teams) == 0 {
		return nil
	}
	rows, err := a.g.l.Tx().QueryContext(a.g.ctx, `SELECT k.id, k.child_id, e.id, e.event_date, e.recorded_by
		FROM ehc_cases k JOIN ehc_events e ON e.case_id = k.id AND e.type = 'final_plan_issued'
		WHERE k.team_id IN ('`+strings.Join(teams, "', '")+`')
		AND e.seq = (SELECT MIN(f.seq) FROM ehc_events f WHERE f.case_id = k.id AND f.type = 'final_plan_issued')
		ORDER BY k.child_id`)
	if err != nil {
		return err
	}
	type final struct {
		caseID, child, event, by string
		on                       date.Date
	}
	var all []final
	for rows.Next() {
		var f final
		if err := rows.Scan(&f.caseID, &f.child, &f.event, &f.on, &f.by); err != nil {
			rows.Close()
			return err
		}
		if byID[f.child] != nil {
			all = append(all, f)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	planCols := []string{"id", "child_id", "case_id", "version", "kind", "status", "placement_type", "setting_id", "issued_on",
		"issued_event_id", "method", "deemed_on", "created_by", "created_at", "issued_by", "issued_at"}
	itemCols := []string{"plan_id", "section", "seq", "body", "who", "how_often", "how_long", "by_when", "steps", "given_on", "source"}
	for _, f := range all {
		c := byID[f.child]
		text, ok := planText[c.PrimaryNeed]
		if !ok {
			text = planText[""]
		}
		id := r.id()
		at := f.on.Time().Add(11 * time.Hour)
		var method, deemed, setting, kind any
		if appeal.Covered(f.on) {
			d, err := appeal.DeemedReceived(appeal.Email, at)
			if err != nil {
				return err
			}
			method, deemed = appeal.Email, d
		}
		placement := "Mainstream school"
		if c.setting != nil {
			setting, kind = c.setting.id, c.setting.kind
			if c.setting.designation != "" {
				placement = "Special school"
			} else if kind == "college" {
				placement = "Further education college"
			}
		}
		if kind != "school" && kind != "college" {
			setting, placement = nil, "Early years setting or other arrangement"
		}
		if err := a.g.l.Add("ehc_plans", planCols, id, f.child, f.caseID, 1, "final", "issued", placement, setting, f.on,
			f.event, method, deemed, f.by, at.Add(-time.Hour).UTC(), f.by, at.UTC()); err != nil {
			return err
		}
		given := f.on.AddDays(-7 * r.between(6, 10))
		items := [][]any{
			{"A", 1, planViews[r.IntN(len(planViews))], nil, nil, nil, nil, nil, nil, nil},
			{"B", 1, text[0], nil, nil, nil, nil, nil, nil, nil},
			{"E", 1, text[1], nil, nil, nil, f.on.AddDays(7 * r.between(26, 52)), "Reviewed each term with the family and the school", nil, nil},
			{"F", 1, text[2], text[3], text[4], "Until the next annual review", nil, nil, nil, nil},
			{"K", 1, "Educational psychology advice", "Educational Psychology Service", nil, nil, nil, nil, given, nil},
			{"K", 2, "The views of the child and family", "The family", nil, nil, nil, nil, given, nil},
		}
		for _, it := range items {
			if err := a.g.l.Add("ehc_plan_items", itemCols, append([]any{id}, it...)...); err != nil {
				return err
			}
		}
	}
	return nil
}
