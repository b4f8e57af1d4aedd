package offertest_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"joinedup/internal/date"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/offer"
	"joinedup/internal/offer/offertest"
)

// A scaled feed of the tiny demo's 40 services, 100 long, is the 40 as they
// are and 60 copies the import takes as new (every id its own: the import
// refuses a repeated one), and the same every time.
func TestScaledFeedImports(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	if _, err := demo.Generate(ctx, d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
		t.Fatal(err)
	}
	var export bytes.Buffer
	if _, err := (&offer.Store{DB: d}).ExportNDJSON(ctx, &export); err != nil {
		t.Fatal(err)
	}
	base, err := offertest.Read(export.Bytes())
	if err != nil || len(base) != 40 {
		t.Fatalf("%d services read: %v", len(base), err)
	}
	feed, err := offertest.Scaled(base, 100)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := offertest.Scaled(base, 100); !bytes.Equal(feed, again) {
		t.Error("two feeds of the same size differ")
	}
	items, err := offer.ReadFeed(bytes.NewReader(feed))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := offer.Import(ctx, d, items, offer.ImportOptions{Now: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.New) != 60 || len(rep.Unchanged) != 40 || len(rep.Changed) != 0 {
		t.Errorf("%d new, %d changed, %d unchanged; want 60, 0, 40", len(rep.New), len(rep.Changed), len(rep.Unchanged))
	}
	if rep.New[59].Service.Name != base[19].Name+" (2)" {
		t.Errorf("the last copy is called %q", rep.New[59].Service.Name)
	}
}
