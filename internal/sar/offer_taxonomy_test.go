package sar_test

import (
	"context"
	"testing"
	"time"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/sar"
)

// A member of staff's export holds the changes they made to the Local
// Offer's taxonomies, and nobody else's.
func TestExportTaxonomyChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setUp(t, d)
		at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{"INSERT INTO offer_taxonomies (id, name, description) VALUES ($1, 'Collections', 'Services gathered')", []any{"5b2f1e4a-1d2c-4e5f-8a9b-0c1d2e3f4a5b"}},
			{`INSERT INTO offer_taxonomy_terms (id, taxonomy_id, code, name, description) VALUES ($1, $2, 'short-breaks', 'Short breaks', 'Breaks')`,
				[]any{"6c3a2f5b-2e3d-4f6a-9b0c-1d2e3f4a5b6c", "5b2f1e4a-1d2c-4e5f-8a9b-0c1d2e3f4a5b"}},
			{`INSERT INTO offer_taxonomy_term_changes (id, term_id, action, after_json, changed_by, changed_by_name, changed_at)
				VALUES ('7d4b3a6c-3f4e-4a7b-8c1d-2e3f4a5b6c7d', $1, 'added', '{"name":"Short breaks"}', $2, 'Amira Hussain', $3)`,
				[]any{"6c3a2f5b-2e3d-4f6a-9b0c-1d2e3f4a5b6c", w.amira.PersonID, at}},
		} {
			if _, err := d.Exec(q.sql, q.args...); err != nil {
				t.Fatal(err)
			}
		}
		ar, err := sar.Export(context.Background(), d, w.daniel, w.amira.PersonID, reason)
		must(t, err)
		if r := unzip(t, ar).rows(t, "local_offer_taxonomy_changes"); len(r) != 1 || r[0]["term"] != "Short breaks" || r[0]["action"] != "added" {
			t.Errorf("Amira's taxonomy changes: %v", r)
		}
		ar, err = sar.Export(context.Background(), d, w.daniel, w.daniel.PersonID, reason)
		must(t, err)
		if s, ok := unzip(t, ar).section(t, "local_offer_taxonomy_changes"); ok && len(s.Rows) != 0 {
			t.Errorf("Daniel's export holds another's changes: %v", s.Rows)
		}
	})
}
