package ehc_test

import (
	"encoding/csv"
	"os"
	"slices"
	"strings"
	"testing"

	"joinedup/internal/ehc"
)

var ruleIDs = []string{"R2", "R3", "R4", "R5", "R6", "R10", "R13", "R14", "R15", "R16", "R17", "R18", "R19"}

// The embedded rules keep the standards table's ids and legal basis word for word.
func TestRulesKeepTheStandardsBasis(t *testing.T) {
	f, err := os.Open("../../../shared/standards/sen2/statutory-timescales.csv")
	if err != nil {
		t.Skip("the shared standards are not beside this checkout:", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	basis := map[string]string{}
	for _, row := range rows[1:] {
		basis[row[0]] = row[4] // id, …, legal_basis
	}
	for _, id := range ruleIDs {
		r := ehc.Current.InForce(id, day(t, "2014-09-01"))
		if r == nil {
			t.Errorf("%s is not in force from 1 September 2014", id)
			continue
		}
		if r.Basis != basis[id] {
			t.Errorf("%s basis %q, the standards say %q", id, r.Basis, basis[id])
		}
	}
}

// The SEND Regulations 2014 came into force on 1 September 2014: nothing is due under them before.
func TestNoRuleBeforeTheRegulations(t *testing.T) {
	for _, id := range ruleIDs {
		if r := ehc.Current.InForce(id, day(t, "2014-08-31")); r != nil {
			t.Errorf("%s in force on 31 August 2014", id)
		}
	}
	got, err := ehc.Deadlines(decode(t, []string{request("2014-08-29"), request("2014-09-01")}), day(t, "2015-01-01"))
	if err != nil || !slices.Equal(briefs(got, ""), []string{"R2 from 2014-09-01 due 2014-10-13 overdue"}) {
		t.Errorf("got %v, %v", briefs(got, ""), err)
	}
}

// A made-up reform: from 2027 the final plan is due in 16 weeks, not 20, and closure no
// longer excuses it. Each request is measured by the version in force on the day it was made.
const reform = `rule,effective_from,measure,excused_by,basis,duty
R6,2014-09-01,due 20 weeks after,setting_closure:28,reg 13(2),Issue the final EHC plan
R6,2027-01-01,due 16 weeks after,,Imaginary Regs 2026 reg 1,Issue the final EHC plan (reformed)
`

func TestTheVersionInForceOnTheDayMeasuredFromApplies(t *testing.T) {
	rules, err := ehc.ParseRules(strings.NewReader(reform))
	if err != nil {
		t.Fatal(err)
	}
	closed := exception("setting_closure", "2027-01-01", "2027-03-01")
	for _, c := range []struct {
		request string
		want    string
	}{
		{"2026-12-31", "R6 from 2026-12-31 due 2027-05-20 excused excused_by setting_closure"}, // 20 weeks
		{"2027-01-01", "R6 from 2027-01-01 due 2027-04-23 overdue"},                            // 16 weeks, no closure excusal
	} {
		got, err := rules.AppendDeadlines(nil, decode(t, []string{request(c.request), decision(c.request, "assess"), closed}), day(t, "2027-06-01"))
		if err != nil || !slices.Equal(briefs(got, "R6"), []string{c.want}) {
			t.Errorf("request on %s: got %v, want %s (%v)", c.request, briefs(got, "R6"), c.want, err)
		}
		if b := got[len(got)-1].Basis; c.request == "2027-01-01" && b != "Imaginary Regs 2026 reg 1" {
			t.Errorf("basis %q, want the reform's", b)
		}
	}
}

func TestParseRulesRefusesNonsense(t *testing.T) {
	header := "rule,effective_from,measure,excused_by,basis,duty\n"
	for _, bad := range []string{
		"rule,measure\n",
		header + "R6,2014-09-01,due 20 fortnights after,,reg 13(2),x\n",
		header + "R6,2014-09-01,due 31 February,,reg 13(2),x\n",
		header + "R6,2014-09-01,due 20 weeks after,holiday,reg 13(2),x\n",
		header + "R6,1 Sept 2014,due 20 weeks after,,reg 13(2),x\n",
		header + "R6,2014-09-01,due 20 weeks after,,reg 13(2),x\nR6,2014-09-01,due 16 weeks after,,reg 13(2),x\n",
	} {
		if _, err := ehc.ParseRules(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
