package imports_test

import (
	"bytes"
	"context"
	"errors"
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
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// A checked feed is kept for the person and session that checked it, comes
// back as it was kept (places in the file, a CSV's bytes), applies once with
// a row saying who imported what, and is refused once the directory has
// changed, with nothing written.
func TestStageThenApply(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := demo.Generate(ctx, d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
			t.Fatal(err)
		}
		var marcus access.Actor
		for _, p := range demo.Personas() {
			if p.Name == "Marcus Reid" {
				marcus.Name = p.Name
				if err := d.QueryRow("SELECT id FROM people WHERE email = $1", p.Email).Scan(&marcus.PersonID); err != nil {
					t.Fatal(err)
				}
			}
		}
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
			{marcus, "session-1", token[:len(token)-1] + "A", now},
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
