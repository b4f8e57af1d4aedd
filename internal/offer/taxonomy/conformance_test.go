package taxonomy_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/offer/taxonomy"
	"joinedup/internal/oruk/conformance"
	"joinedup/internal/web"
)

// The ORUK conformance suite, every check and filter, still passes once an
// editor has added, renamed, moved and retired terms (retired terms tag
// services but are left out of the lists), on both databases.
func TestConformanceAfterEdits(t *testing.T) {
	dir, err := conformance.StandardsDir()
	if err != nil {
		t.Fatal(err)
	}
	s, err := conformance.LoadSchemas(dir)
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setup(t, d)
		if _, err := w.st.Add(ctx, w.marcus, w.categories, taxonomy.Form{Name: "Sensory rooms", Description: "Rooms to explore.", ParentID: w.health}); err != nil {
			t.Fatal(err)
		}
		cur, _, err := w.st.Term(ctx, w.marcus, w.autism)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.st.Update(ctx, w.marcus, w.autism, taxonomy.Form{Name: "Autism", Code: cur.Code, Description: cur.Description, ParentID: w.health}); err != nil {
			t.Fatal(err)
		}
		var tagged []string // every term of Service categories that tags a service, but one per parent
		rows, err := d.Query(`SELECT t.id FROM offer_taxonomy_terms t WHERE t.parent_id IS NOT NULL AND t.taxonomy_id = $1
			AND EXISTS (SELECT 1 FROM offer_attributes a WHERE a.taxonomy_term_id = t.id) ORDER BY t.id LIMIT 5`, w.categories)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			tagged = append(tagged, id)
		}
		rows.Close()
		for _, id := range tagged {
			if err := w.st.Retire(ctx, w.marcus, id); err != nil {
				t.Fatal(err)
			}
		}
		if len(tagged) < 3 {
			t.Fatalf("only %d tagged terms to retire", len(tagged))
		}
		h, err := web.New(web.Config{DB: d})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		rep := conformance.Run(ctx, s, conformance.Options{BaseURL: srv.URL + "/oruk", PerPage: 7, Filters: true})
		for _, f := range rep.Failures {
			t.Error(f)
		}
		t.Logf("%d requests, %d checks, %d failures with %d terms retired", rep.Requests, rep.Checks, len(rep.Failures), len(tagged))
	})
}
