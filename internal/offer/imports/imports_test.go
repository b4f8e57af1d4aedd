package imports_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/offer"
	"joinedup/internal/offer/imports"
	"joinedup/internal/offer/taxonomy"

	"github.com/google/uuid"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// demoEditor loads the tiny demo into d and returns its Local Offer editor, Marcus Reid.
func demoEditor(t *testing.T, d *db.DB) access.Actor {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Generate(ctx, d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
		t.Fatal(err)
	}
	for _, p := range demo.Personas() {
		if p.Name == "Marcus Reid" {
			var id string
			if err := d.QueryRow("SELECT id FROM people WHERE email = $1", p.Email).Scan(&id); err != nil {
				t.Fatal(err)
			}
			a, err := access.LoadActor(ctx, d, id)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
	}
	t.Fatal("no Marcus Reid in the demo")
	return access.Actor{}
}

// A checked feed is kept for the person and session that checked it, comes
// back as it was kept (places in the file, a CSV's bytes), applies once with
// a row saying who imported what, and is refused once the directory has
// changed, with nothing written.
func TestStageThenApply(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		marcus := demoEditor(t, d)
		var export bytes.Buffer
		if _, err := (&offer.Store{DB: d}).ExportNDJSON(ctx, &export); err != nil {
			t.Fatal(err)
		}
		feed := bytes.Replace(export.Bytes(), []byte(`"status":"active"`), []byte(`"status":"inactive"`), 1)
		items, err := imports.Read(ctx, d, imports.ORUK, feed, now)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := offer.Import(ctx, d, items, offer.ImportOptions{Now: now})
		if err != nil || len(rep.Changed) != 1 {
			t.Fatalf("the dry run: %d changed, %v", len(rep.Changed), err)
		}
		st := &imports.Store{DB: d}
		src := imports.SourceOf("feed.ndjson", imports.ORUK, feed)
		token, err := st.Stage(ctx, marcus, "session-1", src, items, rep.Fingerprint, now)
		if err != nil {
			t.Fatal(err)
		}
		other := access.Actor{PersonID: "someone-else"}
		for _, c := range []struct {
			who          access.Actor
			session, tok string
			at           time.Time
		}{
			{other, "session-1", token, now},
			{marcus, "session-2", token, now},
			{marcus, "session-1", tampered(token), now},
			{marcus, "session-1", "not a token", now},
			{marcus, "session-1", token, now.Add(imports.Expiry + time.Second)},
		} {
			if _, err := st.Load(ctx, c.who, c.session, c.tok, c.at); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("Load(%s, %s, %.8s…, %v): %v, want NotFound", c.who.PersonID, c.session, c.tok, c.at, err)
			}
		}
		sg, err := st.Load(ctx, marcus, "session-1", token, now.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if len(sg.Items) != 40 || sg.Items[7].Where != "line 8" || sg.Items[7].Service.Name != items[7].Service.Name ||
			sg.Fingerprint != rep.Fingerprint || sg.SHA256 != src.SHA256 || sg.Size != len(feed) || sg.CSV != nil {
			t.Fatalf("the kept feed: %d items, %+v", len(sg.Items), sg.Source)
		}

		// The directory changes: refused, nothing written.
		if _, err := d.Exec("UPDATE offer_services SET name = name || ' (renamed)' WHERE id = $1", items[3].Service.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.Apply(ctx, marcus, sg, now); !errors.Is(err, imports.Changed) {
			t.Fatalf("applying after a change: %v", err)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_services WHERE status = 'inactive'"); n != 0 {
			t.Fatalf("the refused import was written")
		}
		rep, err = offer.Import(ctx, d, sg.Items, offer.ImportOptions{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Restage(ctx, &sg, sg.Items, rep.Fingerprint, now); err != nil {
			t.Fatal(err)
		}
		im, applied, err := st.Apply(ctx, marcus, sg, now)
		if err != nil || !applied.Applied {
			t.Fatalf("applying: %v", err)
		}
		want := imports.Counts{Changed: 2, Unchanged: 38}
		if im.Report != want || im.ImportedBy != marcus.PersonID || im.Source != "feed.ndjson" {
			t.Errorf("the import: %+v, want counts %+v", im, want)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_services WHERE status = 'inactive'"); n != 1 {
			t.Errorf("%d inactive services after the import, want 1", n)
		}
		same := func(a, b imports.Import) bool { // times by instant: a driver may give another *Location
			at := a.ImportedAt.Equal(b.ImportedAt)
			a.ImportedAt, b.ImportedAt = time.Time{}, time.Time{}
			return at && a == b
		}
		if got, err := st.Get(ctx, im.ID); err != nil || !same(got, im) {
			t.Errorf("Get: %+v, %v; want %+v", got, err, im)
		}
		if hist, err := st.History(ctx, 10); err != nil || len(hist) != 1 || !same(hist[0], im) {
			t.Errorf("History: %+v, %v", hist, err)
		}
		if _, err := st.Load(ctx, marcus, "session-1", token, now); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("an applied feed loads again: %v", err)
		}
		if _, err := st.Get(ctx, "no-such-import"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("Get of a missing import: %v", err)
		}

		// A CSV's own bytes come back, to be read again.
		csv := []byte("name,organisation\nSaturday sensory swim,Kingfisher Leisure Trust\n")
		citems, err := imports.Read(ctx, d, imports.CSV, csv, now)
		if err != nil {
			t.Fatal(err)
		}
		ctoken, err := st.Stage(ctx, marcus, "session-1", imports.SourceOf("swim.csv", imports.CSV, csv), citems, "fp", now)
		if err != nil {
			t.Fatal(err)
		}
		csg, err := st.Load(ctx, marcus, "session-1", ctoken, now)
		if err != nil || !bytes.Equal(csg.CSV, csv) || len(csg.Items) != 1 || csg.Items[0].Service.ID != citems[0].Service.ID {
			t.Errorf("the kept CSV: %q, %d items, %v", csg.CSV, len(csg.Items), err)
		}
	})
}

// A retired term stays on the services it tags but tags no more
// (docs/local-offer-taxonomies.md): the dry run refuses a row that would
// give it to another service, in a feed or a CSV, naming the line, the field
// and the term, while the directory as exported, which keeps the term where
// it is, imports again unchanged.
func TestRetiredTermRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		marcus := demoEditor(t, d)
		one := func(q string, args ...any) string {
			t.Helper()
			var s string
			if err := d.QueryRow(q, args...).Scan(&s); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return s
		}
		// The most used term without narrower terms, retired as an editor does it.
		term := one(`SELECT a.taxonomy_term_id FROM offer_attributes a WHERE NOT EXISTS
			(SELECT 1 FROM offer_taxonomy_terms c WHERE c.parent_id = a.taxonomy_term_id)
			GROUP BY a.taxonomy_term_id ORDER BY COUNT(*) DESC, a.taxonomy_term_id LIMIT 1`)
		name, taxonomyName := one("SELECT name FROM offer_taxonomy_terms WHERE id = $1", term),
			one("SELECT x.name FROM offer_taxonomy_terms t JOIN offer_taxonomies x ON x.id = t.taxonomy_id WHERE t.id = $1", term)
		untagged := one(`SELECT MIN(s.id) FROM offer_services s WHERE NOT EXISTS
			(SELECT 1 FROM offer_attributes a WHERE a.service_id = s.id AND a.taxonomy_term_id = $1)`, term)
		if err := (&taxonomy.Store{DB: d}).Retire(ctx, marcus, term); err != nil {
			t.Fatal(err)
		}
		st := &offer.Store{DB: d}
		var feed, sheet bytes.Buffer
		if _, err := st.ExportNDJSON(ctx, &feed); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ExportCSV(ctx, &sheet); err != nil {
			t.Fatal(err)
		}

		// The untagged service's line of the feed, given the retired term.
		tagFeed := func() ([]byte, string) {
			lines := strings.Split(strings.TrimSuffix(feed.String(), "\n"), "\n")
			for i, line := range lines {
				var s map[string]any
				if err := json.Unmarshal([]byte(line), &s); err != nil {
					t.Fatal(err)
				}
				if s["id"] != untagged {
					continue
				}
				attrs, _ := s["attributes"].([]any)
				s["attributes"] = append(attrs, map[string]any{"id": uuid.NewString(), "taxonomy_term_id": term})
				b, err := json.Marshal(s)
				if err != nil {
					t.Fatal(err)
				}
				lines[i] = string(b)
				return []byte(strings.Join(lines, "\n") + "\n"), fmt.Sprintf("line %d", i+1)
			}
			t.Fatalf("the feed has no service %s", untagged)
			return nil, ""
		}
		// The CSV's row for service id (or a new row, with id ""), with the
		// retired term added to its categories.
		tagSheet := func(id string) ([]byte, string) {
			r := csv.NewReader(bytes.NewReader(sheet.Bytes()))
			rows, err := r.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			col := map[string]int{}
			for i, h := range rows[0] {
				col[h] = i
			}
			at := -1
			for i, row := range rows[1:] {
				if row[col["id"]] == untagged {
					at = i + 1
				}
			}
			if at < 0 {
				t.Fatalf("the CSV has no row for %s", untagged)
			}
			if id == "" { // a new service: the row again, without its id
				rows = append(rows, slices.Clone(rows[at]))
				at = len(rows) - 1
				rows[at][col["id"]] = ""
				rows[at][col["name"]] = "A new service tagged with a retired term"
			}
			rows[at][col["categories"]] = strings.TrimPrefix(rows[at][col["categories"]]+"; "+taxonomyName+": "+name, "; ")
			var out bytes.Buffer
			w := csv.NewWriter(&out)
			if err := w.WriteAll(rows); err != nil {
				t.Fatal(err)
			}
			// Lines as a reader counts them: a quoted cell may hold a newline.
			r = csv.NewReader(bytes.NewReader(out.Bytes()))
			for i := 0; ; i++ {
				if _, err := r.Read(); err != nil {
					t.Fatal(err)
				}
				if i == at {
					line, _ := r.FieldPos(0)
					return out.Bytes(), fmt.Sprintf("line %d", line)
				}
			}
		}
		feedTagged, feedLine := tagFeed()
		sheetTagged, sheetLine := tagSheet(untagged)
		sheetNew, newLine := tagSheet("")
		for _, c := range []struct {
			what, format string
			data         []byte
			field        string // "" if the dry run should pass
		}{
			{"the feed as exported, the term kept where it is", imports.ORUK, feed.Bytes(), ""},
			{"the CSV as exported, the term kept where it is", imports.CSV, sheet.Bytes(), ""},
			{"a feed giving the term to another service", imports.ORUK, feedTagged, feedLine + ": attributes.taxonomy_term_id"},
			{"a CSV giving the term to another service", imports.CSV, sheetTagged, sheetLine + ": categories"},
			{"a CSV giving the term to a new service", imports.CSV, sheetNew, newLine + ": categories"},
		} {
			items, err := imports.Read(ctx, d, c.format, c.data, now)
			var rep offer.ImportReport
			if err == nil {
				rep, err = offer.Import(ctx, d, items, offer.ImportOptions{Now: now})
			}
			var e *apperr.Error
			switch {
			case c.field == "" && err != nil:
				t.Errorf("%s: %v", c.what, err)
			case c.field == "" && len(rep.New)+len(rep.Changed) != 0:
				t.Errorf("%s: %d new and %d changed, want none", c.what, len(rep.New), len(rep.Changed))
			case c.field == "":
			case !errors.As(err, &e) || len(e.Fields) != 1:
				t.Errorf("%s: %v, want one problem at %s", c.what, err, c.field)
			case e.Fields[0].Name != c.field || !strings.Contains(e.Fields[0].Message, name) || !strings.Contains(e.Fields[0].Message, "retired"):
				t.Errorf("%s: %s: %s; want %s naming the retired term %q", c.what, e.Fields[0].Name, e.Fields[0].Message, c.field, name)
			}
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_attributes WHERE taxonomy_term_id = $1 AND service_id = $2", term, untagged); n != 0 {
			t.Errorf("the retired term was given to the service")
		}
	})
}

// tampered is token with its last character changed: always changed (a
// token already ending in "A" once made this test pass it as tampered,
// one run in 64).
func tampered(token string) string {
	last := "A"
	if strings.HasSuffix(token, last) {
		last = "B"
	}
	return token[:len(token)-1] + last
}
