package sar_test

import (
	"context"
	"testing"
	"time"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/sar"
)

// A Local Offer editor's subject access request holds the imports they
// applied (UK GDPR Art. 15: who did what is data about them); nobody
// else's export does.
func TestExportHoldsLocalOfferImports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setUp(t, d)
		var marcus string
		for _, p := range demo.Personas() {
			if p.Name == "Marcus Reid" {
				must(t, d.QueryRow("SELECT id FROM people WHERE email = $1", p.Email).Scan(&marcus))
			}
		}
		_, err := d.Exec(`INSERT INTO offer_imports (id, imported_by, imported_by_name, imported_at, source, format, sha256, size,
			services_new, services_changed, services_unchanged, organizations_new, organizations_changed, locations_new,
			locations_changed, terms_new, terms_changed, taxonomies_new)
			VALUES ('1b7c1a52-5f59-4c43-9d55-2f1f2d9e6a01', $1, 'Marcus Reid', $2, 'swimming-clubs.csv', 'csv',
			'9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 2048, 3, 2, 35, 1, 0, 1, 0, 0, 0, 0)`,
			marcus, time.Date(2026, 11, 20, 14, 30, 0, 0, time.UTC))
		must(t, err)
		ar, err := sar.Export(context.Background(), d, w.daniel, marcus, reason)
		must(t, err)
		if r := unzip(t, ar).rows(t, "offer_imports"); len(r) != 1 || !has(r, map[string]any{"source": "swimming-clubs.csv",
			"format": "csv", "services_new": float64(3), "services_changed": float64(2)}) {
			t.Errorf("the editor's imports: %v", r)
		}
		ar, err = sar.Export(context.Background(), d, w.daniel, w.amira.PersonID, reason)
		must(t, err)
		if r := unzip(t, ar).rows(t, "offer_imports"); len(r) != 0 {
			t.Errorf("a coordinator's export holds imports: %v", r)
		}
	})
}
