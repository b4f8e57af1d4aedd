package demo_test

import (
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/earlyyears"
)

// checkEarlyYears holds the county's early-years notifications to the seeds
// (~700 pre-school children known this way over three years) and to the law
// the pages enforce: each made while the child was under compulsory school
// age (Education Act 1996 s8), after the parent was told (CFA 2014 s23(2)),
// by a team that can read the child; acknowledged on or after it was sent;
// what the council did recorded for each closed one, no action on its own;
// and some not yet acknowledged.
func checkEarlyYears(t *testing.T, d *db.DB) {
	t.Helper()
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM early_years_notifications"); n < 650 || n > 750 {
		t.Errorf("%d early-years notifications, want about 700", n)
	}
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM early_years_notifications WHERE status = 'open'"); n == 0 {
		t.Error("every notification is acknowledged: the queue and the totals should show some waiting")
	}
	if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM early_years_notifications n WHERE NOT EXISTS (SELECT 1 FROM care_team ct
		WHERE ct.child_id = n.child_id AND ct.organisation_id = n.team_id AND ct.reason = 'referral')`); n != 0 {
		t.Errorf("%d notifications from a team that cannot read the child", n)
	}
	if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM early_years_notifications n WHERE (n.status = 'closed') <>
		EXISTS (SELECT 1 FROM early_years_outcomes o WHERE o.notification_id = n.id)`); n != 0 {
		t.Errorf("%d notifications closed without an outcome, or with one but open", n)
	}
	if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM early_years_outcomes o WHERE o.outcome = 'no_action' AND EXISTS (SELECT 1 FROM early_years_outcomes x
		WHERE x.notification_id = o.notification_id AND x.outcome <> 'no_action')`); n != 0 {
		t.Errorf("%d notifications with no action and an action", n)
	}
	rows, err := d.Query(`SELECT c.date_of_birth, n.notified_on, n.parent_informed_on, n.acknowledged_on FROM early_years_notifications n
		JOIN children c ON c.id = n.child_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var dob, on, told date.Date
		var ack *date.Date
		if err := rows.Scan(&dob, &on, &told, &ack); err != nil {
			t.Fatal(err)
		}
		switch {
		case !earlyyears.UnderCompulsorySchoolAge(dob, on):
			t.Errorf("born %s, notified %s: of compulsory school age since %s", dob, on, earlyyears.CompulsorySchoolAge(dob))
		case told.After(on) || told.Before(dob):
			t.Errorf("born %s, parent told %s, notified %s", dob, told, on)
		case ack != nil && ack.Before(on):
			t.Errorf("notified %s, acknowledged %s", on, *ack)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
