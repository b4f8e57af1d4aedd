package demo_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/ident"
)

// census day, January 2025: the day the benchmarks count plans on.
var today = date.Of(2025, 1, 16)

func generate(t testing.TB, d *db.DB, scale string, seed int64) demo.Summary {
	t.Helper()
	sum, err := demo.Generate(context.Background(), d, demo.Options{Scale: scale, Seed: seed, Today: today})
	if err != nil {
		t.Fatalf("Generate %s: %v", scale, err)
	}
	return sum
}

type childRow struct {
	id, provision     string
	need              sql.NullString
	dob               date.Date
	nhs, upn, uln     sql.NullString
	setting, personID sql.NullString
	phase             sql.NullString
}

func readChildren(t *testing.T, d *db.DB) []childRow {
	t.Helper()
	rows, err := d.Query(`SELECT c.id, c.sen_provision, c.primary_need, c.date_of_birth, c.nhs_number, c.upn, c.uln,
		c.setting_id, c.person_id, o.phase FROM children c LEFT JOIN organisations o ON o.id = c.setting_id ORDER BY c.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []childRow
	for rows.Next() {
		var c childRow
		if err := rows.Scan(&c.id, &c.provision, &c.need, &c.dob, &c.nhs, &c.upn, &c.uln, &c.setting, &c.personID, &c.phase); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTiny(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		sum := generate(t, d, demo.Tiny, 1)

		// Counts by kind.
		byKind := map[string]int{}
		rows, err := d.Query("SELECT kind, COUNT(*) FROM organisations GROUP BY kind")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			var n int
			rows.Scan(&k, &n)
			byKind[k] = n
		}
		rows.Close()
		want := map[string]int{"council": 1, "council_team": 6, "icb": 1, "nhs_provider": 3, "nhs_team": 9, "voluntary": 6,
			"school": 14, "college": 2, "early_years": 3}
		for k, n := range want {
			if byKind[k] != n {
				t.Errorf("%s organisations: %d, want %d", k, byKind[k], n)
			}
		}
		counts := []struct {
			q    string
			want int
		}{
			{"SELECT COUNT(*) FROM partnership", 1},
			{"SELECT COUNT(*) FROM partnership WHERE name = 'Worcestershire Local Area Partnership' AND area = 'Worcestershire'", 1},
			{"SELECT COUNT(*) FROM organisations", sum.Organisations},
			{"SELECT COUNT(*) FROM organisations WHERE kind = 'council' AND name = 'Worcestershire County Council'", 1},
			{"SELECT COUNT(*) FROM organisations WHERE kind = 'icb' AND name = 'NHS Herefordshire and Worcestershire'", 1},
			{"SELECT COUNT(*) FROM children", 300},
			{"SELECT COUNT(*) FROM children WHERE sen_provision = 'ehc_plan'", 100},
			{"SELECT COUNT(*) FROM children WHERE sen_provision = 'sen_support'", 200},
			{"SELECT COUNT(*) FROM people WHERE kind = 'staff'", sum.Staff},
			{"SELECT COUNT(*) FROM people WHERE kind = 'parent_carer'", sum.ParentCarers},
			{"SELECT COUNT(*) FROM people WHERE kind = 'young_person'", sum.YoungPeople},
			{"SELECT COUNT(*) FROM family_links", sum.FamilyLinks},
			// a SENCO in every school, a coordinator in every casework team
			{"SELECT COUNT(*) FROM organisations o WHERE kind = 'school' AND NOT EXISTS (SELECT 1 FROM people p WHERE p.organisation_id = o.id AND p.job_title = 'SENCO')", 0},
			{"SELECT COUNT(*) FROM organisations o WHERE name LIKE 'SEND Casework Team%' AND NOT EXISTS (SELECT 1 FROM people p WHERE p.organisation_id = o.id AND p.job_title = 'EHCP coordinator')", 0},
			// staff belong somewhere; nobody else does
			{"SELECT COUNT(*) FROM people WHERE (kind = 'staff') <> (organisation_id IS NOT NULL)", 0},
			// every address is at the invented domain, every phone in Ofcom's drama ranges
			{"SELECT COUNT(*) FROM people WHERE email IS NOT NULL AND email NOT LIKE '%.demo.joinedup.invalid'", 0},
			{"SELECT COUNT(*) FROM people WHERE phone IS NOT NULL AND phone NOT LIKE '07700 900___'", 0},
			{"SELECT COUNT(*) FROM organisations WHERE phone NOT LIKE '01632 960___'", 0},
			// URNs and UKPRNs in ranges no real school or college uses
			{"SELECT COUNT(*) FROM organisations WHERE urn IS NOT NULL AND urn NOT LIKE '9_____'", 0},
			{"SELECT COUNT(*) FROM organisations WHERE kind IN ('school', 'early_years') AND urn IS NULL", 0},
			{"SELECT COUNT(*) FROM organisations WHERE kind = 'college' AND (ukprn IS NULL OR ukprn NOT LIKE '1999____')", 0},
			// every child has a family; foster carers never hold parental responsibility
			{"SELECT COUNT(*) FROM children c WHERE NOT EXISTS (SELECT 1 FROM family_links f WHERE f.child_id = c.id)", 0},
			{"SELECT COUNT(*) FROM family_links WHERE relationship = 'foster_carer' AND parental_responsibility", 0},
			{"SELECT COUNT(*) FROM family_links WHERE relationship = 'step_parent' AND parental_responsibility", 0},
			{"SELECT COUNT(*) FROM family_links f JOIN people p ON p.id = f.person_id WHERE p.kind <> 'parent_carer'", 0},
			// a young person's own record is a young person's
			{"SELECT COUNT(*) FROM children c JOIN people p ON p.id = c.person_id WHERE p.kind <> 'young_person'", 0},
			{"SELECT COUNT(*) FROM people p WHERE kind = 'young_person' AND NOT EXISTS (SELECT 1 FROM children c WHERE c.person_id = p.id)", 0},
		}
		for _, c := range counts {
			if n := dbtest.Count(t, d, c.q); n != c.want {
				t.Errorf("%s: %d, want %d", c.q, n, c.want)
			}
		}
		if sum.Children != 300 || sum.EHCPlans != 100 || sum.SENSupport != 200 || sum.Areas != 1 {
			t.Errorf("summary %+v", sum)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM family_links WHERE relationship = 'foster_carer'"); n == 0 {
			t.Error("no foster carers: the foster-carer rule is not being exercised")
		}

		// Links by child: who has parental responsibility.
		hasPR := map[string]bool{}
		rows, err = d.Query("SELECT child_id FROM family_links WHERE parental_responsibility")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			rows.Scan(&id)
			hasPR[id] = true
		}
		rows.Close()

		seen := map[string]map[string]bool{"nhs": {}, "upn": {}, "uln": {}}
		unique := func(kind, v string) {
			if seen[kind][v] {
				t.Errorf("%s %s is held by two children", kind, v)
			}
			seen[kind][v] = true
		}
		aug31 := date.Of(2024, 8, 31)
		own := 0
		for _, c := range readChildren(t, d) {
			age := c.dob.YearsOn(today)
			if age < 0 || age > 25 || c.dob.After(today) {
				t.Errorf("child %s is %d on %s", c.id, age, today)
			}
			if c.provision == "ehc_plan" && !c.nhs.Valid {
				t.Errorf("child %s has a plan but no NHS number", c.id)
			}
			if c.nhs.Valid {
				if n, err := ident.NHSNumber(c.nhs.String); err != nil || n != c.nhs.String || !strings.HasPrefix(n, "999") {
					t.Errorf("NHS number %q: %v", c.nhs.String, err)
				}
				unique("nhs", c.nhs.String)
			}
			ageAug := c.dob.YearsOn(aug31)
			if ageAug >= 5 && ageAug <= 15 && !c.upn.Valid {
				t.Errorf("child %s of school age (%d) has no UPN", c.id, ageAug)
			}
			if c.upn.Valid {
				if n, err := ident.UPN(c.upn.String); err != nil || n != c.upn.String || c.upn.String[1:4] != "000" {
					t.Errorf("UPN %q: %v", c.upn.String, err)
				}
				unique("upn", c.upn.String)
			}
			if age >= 14 && !c.uln.Valid {
				t.Errorf("child %s aged %d has no ULN", c.id, age)
			}
			if c.uln.Valid {
				if n, err := ident.ULN(c.uln.String); err != nil || n != c.uln.String {
					t.Errorf("ULN %q: %v", c.uln.String, err)
				}
				unique("uln", c.uln.String)
			}
			if c.personID.Valid {
				own++
				if age < 18 || c.provision != "ehc_plan" {
					t.Errorf("child %s has their own record at %d (%s)", c.id, age, c.provision)
				}
			}
			if !hasPR[c.id] && !(age >= 18 && c.personID.Valid) {
				t.Errorf("child %s (%d) has nobody with parental responsibility", c.id, age)
			}
			// A setting fit for their age.
			ok := true
			switch c.phase.String {
			case "nursery":
				ok = ageAug < 4
			case "primary":
				ok = ageAug >= 4 && ageAug <= 10
			case "secondary":
				ok = ageAug >= 11 && ageAug <= 17
			case "special":
				ok = ageAug >= 4 && ageAug <= 18
			case "alternative":
				ok = ageAug >= 6 && ageAug <= 15
			case "post16":
				ok = ageAug >= 16
			case "":
				ok = c.provision == "ehc_plan" // SEN support is recorded by a setting
			}
			if !ok {
				t.Errorf("child %s aged %d (%d at the start of the school year) attends a %q setting (%s)", c.id, age, ageAug, c.phase.String, c.provision)
			}
		}
		if own == 0 || own != sum.YoungPeople {
			t.Errorf("%d young people with their own record, summary says %d", own, sum.YoungPeople)
		}

		// The personas exist as named.
		for _, p := range demo.Personas() {
			var kind, name string
			var org sql.NullString
			err := d.QueryRow(`SELECT p.kind, p.given_name || ' ' || p.family_name, o.name FROM people p
				LEFT JOIN organisations o ON o.id = p.organisation_id WHERE p.email = $1`, p.Email).Scan(&kind, &name, &org)
			if err != nil {
				t.Errorf("persona %s <%s>: %v", p.Name, p.Email, err)
				continue
			}
			if name != p.Name {
				t.Errorf("persona %s is called %s", p.Name, name)
			}
			switch kind {
			case "staff":
				if !org.Valid {
					t.Errorf("persona %s works nowhere", p.Name)
				}
			case "parent_carer":
				if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM family_links f JOIN people p ON p.id = f.person_id
					JOIN children c ON c.id = f.child_id WHERE p.email = $1 AND f.parental_responsibility AND c.sen_provision = 'ehc_plan'`, p.Email); n != 1 {
					t.Errorf("parent persona has parental responsibility for %d children with plans, want 1", n)
				}
			case "young_person":
				var dob date.Date
				if err := d.QueryRow(`SELECT c.date_of_birth FROM children c JOIN people p ON p.id = c.person_id WHERE p.email = $1`, p.Email).Scan(&dob); err != nil {
					t.Errorf("young person persona has no child record: %v", err)
				} else if dob.YearsOn(today) < 17 {
					t.Errorf("young person persona is %d", dob.YearsOn(today))
				}
			}
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM people p JOIN organisations o ON o.id = p.organisation_id
			WHERE p.email = 'rachel.evans@worcestershire.demo.joinedup.invalid' AND o.name = 'Brookfield Primary School' AND p.job_title = 'SENCO'`); n != 1 {
			t.Error("the SENCO persona is not the SENCO of Brookfield Primary School")
		}
	})
}

// digest hashes every table's rows in id order.
func digest(t *testing.T, d *db.DB) string {
	t.Helper()
	h := sha256.New()
	for _, q := range []string{
		"SELECT * FROM partnership ORDER BY id",
		"SELECT * FROM organisations ORDER BY id",
		"SELECT * FROM people ORDER BY id",
		"SELECT * FROM children ORDER BY id",
		"SELECT * FROM family_links ORDER BY child_id, person_id",
		"SELECT * FROM offer_services ORDER BY id",
		"SELECT * FROM postcodes ORDER BY postcode",
		"SELECT * FROM ehc_cases ORDER BY id",
		"SELECT * FROM ehc_events ORDER BY id",
	} {
		rows, err := d.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(h, "%v\x1f", v)
			}
			h.Write([]byte{'\n'})
			n++
		}
		rows.Close()
		if n == 0 {
			t.Fatalf("%s: no rows", q)
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestSameSeedSameData(t *testing.T) {
	// created_at comes from db.Now, the wall clock; pin it so the comparison covers everything else.
	saved := db.Now
	db.Now = func() time.Time { return time.Date(2025, 1, 16, 9, 0, 0, 0, time.UTC) }
	t.Cleanup(func() { db.Now = saved })

	one, two, other := dbtest.SQLite(t), dbtest.SQLite(t), dbtest.SQLite(t)
	generate(t, one, demo.Tiny, 7)
	generate(t, two, demo.Tiny, 7)
	generate(t, other, demo.Tiny, 8)
	a, b, c := digest(t, one), digest(t, two), digest(t, other)
	if a != b {
		t.Errorf("same seed, different data: %s vs %s", a, b)
	}
	if a == c {
		t.Error("different seeds gave the same data")
	}
	// Not just a different order: the ids themselves differ.
	var id1, id2 string
	one.QueryRow("SELECT MIN(id) FROM children").Scan(&id1)
	other.QueryRow("SELECT MIN(id) FROM children").Scan(&id2)
	if id1 == id2 {
		t.Errorf("seeds 7 and 8 share the child id %s", id1)
	}
}

func TestRefusesADatabaseWithAPartnership(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		generate(t, d, demo.Tiny, 1)
		count := func() string {
			return fmt.Sprint(dbtest.Count(t, d, "SELECT COUNT(*) FROM partnership"), dbtest.Count(t, d, "SELECT COUNT(*) FROM organisations"),
				dbtest.Count(t, d, "SELECT COUNT(*) FROM people"), dbtest.Count(t, d, "SELECT COUNT(*) FROM children"),
				dbtest.Count(t, d, "SELECT COUNT(*) FROM family_links"))
		}
		before := count()
		_, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.Tiny, Seed: 2, Today: today})
		if !errors.Is(err, demo.ErrNotEmpty) {
			t.Fatalf("second Generate: %v, want ErrNotEmpty", err)
		}
		if after := count(); after != before {
			t.Errorf("rows changed: %s, then %s", before, after)
		}
	})
}

func TestRejectsBadOptions(t *testing.T) {
	d := dbtest.SQLite(t)
	if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: "galactic", Seed: 1, Today: today}); err == nil {
		t.Error("unknown scale accepted")
	}
	if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.Tiny, Seed: 1}); err == nil {
		t.Error("no Today accepted")
	}
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM organisations"); n != 0 {
		t.Errorf("a refused Generate left %d organisations", n)
	}
}

// Worcestershire, January 2025 (DfE EHC plans 2025, primary_need_all_plans.csv, time period 202425).
var worcestershirePlans = map[string]int{"ASD": 1356, "HI": 57, "MLD": 1143, "MSI": 29, "OTH": 279, "PD": 227, "PMLD": 128,
	"SEMH": 1595, "SLCN": 1790, "SLD": 178, "SPLD": 139, "VI": 49}

const worcestershireTotal = 6970

func TestCountyMatchesWorcestershire(t *testing.T) {
	if testing.Short() {
		t.Skip("county scale takes seconds")
	}
	d := dbtest.SQLite(t)
	start := time.Now()
	sum := generate(t, d, demo.County, 1)
	t.Logf("county into SQLite in %s: %+v", time.Since(start).Round(time.Millisecond), sum)

	plans := dbtest.Count(t, d, "SELECT COUNT(*) FROM children WHERE sen_provision = 'ehc_plan'")
	if math.Abs(float64(plans-worcestershireTotal)) > 0.02*worcestershireTotal {
		t.Errorf("%d plans, want within 2%% of %d", plans, worcestershireTotal)
	}
	for need, n := range worcestershirePlans {
		got := dbtest.Count(t, d, "SELECT COUNT(*) FROM children WHERE sen_provision = 'ehc_plan' AND primary_need = $1", need)
		share, want := 100*float64(got)/float64(plans), 100*float64(n)/worcestershireTotal
		if math.Abs(share-want) > 1 {
			t.Errorf("%s: %.2f%% of plans, Worcestershire has %.2f%%", need, share, want)
		}
	}
	// The Local Offer's directory, the size the issue asks for (issue 6).
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_services"); n != 800 {
		t.Errorf("%d services in the Local Offer, want 800", n)
	}
	support := dbtest.Count(t, d, "SELECT COUNT(*) FROM children WHERE sen_provision = 'sen_support'")
	if math.Abs(float64(support-14000)) > 0.02*14000 {
		t.Errorf("%d on SEN support, want about 14,000", support)
	}
	// SLCN and SEMH lead SEN support.
	top := map[string]int{}
	for _, need := range []string{"SLCN", "SEMH", "MLD", "SPLD", "ASD"} {
		top[need] = dbtest.Count(t, d, "SELECT COUNT(*) FROM children WHERE sen_provision = 'sen_support' AND primary_need = $1", need)
	}
	if !(top["SLCN"] > top["SEMH"] && top["SEMH"] > top["MLD"] && top["MLD"] > top["SPLD"] && top["SPLD"] > top["ASD"]) {
		t.Errorf("SEN support needs out of the national order: %v", top)
	}

	checkWaitingLists(t, d) // issue 7's backlog (waitlists_test.go)
	checkEarlyYears(t, d)   // issue 5's early-years notifications (earlyyears_test.go)

	// Nobody generated shares a persona's name, so a demo search finds the persona.
	for _, p := range demo.Personas() {
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM people WHERE given_name || ' ' || family_name = $1", p.Name); n != 1 {
			t.Errorf("%d people are called %s", n, p.Name)
		}
	}
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM children WHERE given_name = 'Leo' AND family_name = 'Bennett'"); n != 1 {
		t.Errorf("%d children are called Leo Bennett", n)
	}

	// Ages of plans: 78.0% aged 5-15 nationally (EHC plans 2025); few under 5; some 20-25.
	band := map[string]int{}
	for _, c := range readChildren(t, d) {
		if c.provision != "ehc_plan" {
			continue
		}
		switch age := c.dob.YearsOn(today); {
		case age < 5:
			band["0-4"]++
		case age <= 15:
			band["5-15"]++
		case age <= 19:
			band["16-19"]++
		default:
			band["20-25"]++
		}
	}
	t.Logf("plans by age: %v", band)
	if s := 100 * float64(band["5-15"]) / float64(plans); math.Abs(s-78) > 1.5 {
		t.Errorf("%.1f%% of plans are held by 5-15 year olds, want about 78%%", s)
	}
	if band["0-4"] == 0 || band["20-25"] == 0 || band["0-4"] > band["16-19"] {
		t.Errorf("age bands implausible: %v", band)
	}

	// Placement, against Worcestershire's published shares (caseload.csv 202425):
	// mainstream 46.5%, special 34.2%, further education 11.3%.
	place := map[string]int{}
	rows, err := d.Query(`SELECT COALESCE(o.phase, 'none'), COUNT(*) FROM children c LEFT JOIN organisations o ON o.id = c.setting_id
		WHERE c.sen_provision = 'ehc_plan' GROUP BY COALESCE(o.phase, 'none')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var p string
		var n int
		rows.Scan(&p, &n)
		place[p] = n
	}
	rows.Close()
	pc := func(n int) float64 { return 100 * float64(n) / float64(plans) }
	mainstream := pc(place["primary"] + place["secondary"] + place["all_through"])
	t.Logf("plans by setting: %v; mainstream %.1f%%, special %.1f%%, college %.1f%%", place, mainstream, pc(place["special"]), pc(place["post16"]))
	for _, c := range []struct {
		what      string
		got, want float64
	}{{"mainstream", mainstream, 46.5}, {"special", pc(place["special"]), 34.2}, {"college", pc(place["post16"]), 11.3}} {
		if math.Abs(c.got-c.want) > 3 {
			t.Errorf("%s: %.1f%% of plans, Worcestershire has %.1f%%", c.what, c.got, c.want)
		}
	}
}
