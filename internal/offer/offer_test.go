package offer_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/offer"
)

const (
	taxID  = "5c4d79d7-cc55-470e-9f1f-8cad074e4892"
	termID = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
	orgID  = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
	swimID = "ac148810-d857-441c-9679-408f346de14b"
	talkID = "b644a0d2-9e8a-4c33-9390-ae9ee93fc056"
)

// load puts a two-service directory into d.
func load(t *testing.T, d *db.DB) {
	t.Helper()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	term := offer.TaxonomyTerm{ID: termID, Name: "Autism", Description: "Autistic children and young people"}
	two, eleven := 2, 11
	org := offer.Organization{ID: orgID, Name: "Kingfisher Club", Description: "A club"}
	err := d.Load(context.Background(), func(l *db.Loader) error {
		if err := offer.LoadTaxonomy(l, offer.Taxonomy{ID: taxID, Name: "SEND needs", Description: "Needs", TaxonomyTerms: []offer.TaxonomyTerm{term}}); err != nil {
			return err
		}
		if err := offer.LoadOrganization(l, org, now); err != nil {
			return err
		}
		if err := offer.LoadService(l, offer.Service{ID: swimID, Organization: &org, Name: "Relaxed swimming",
			Description: "Quiet sessions in the pool", LastModified: now, MinimumAge: &two, MaximumAge: &eleven,
			Attributes: []offer.Attribute{{ID: "ae58cc39-8b70-4ab1-8aea-786882e5ac8e", TaxonomyTermID: termID, TaxonomyTerm: &term}}}); err != nil {
			return err
		}
		return offer.LoadService(l, offer.Service{ID: talkID, Organization: &org, Name: "Talking together",
			Description: "Speech and language ideas for parents", LastModified: now})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func search(t *testing.T, st *offer.Store, text string) []string {
	t.Helper()
	l, err := st.Services(context.Background(), offer.Filter{Search: text}, offer.Page{Number: 1, Size: 10})
	if err != nil {
		t.Fatalf("search %q: %v", text, err)
	}
	var ids []string
	for _, s := range l.Items {
		ids = append(ids, s.ID)
	}
	if len(ids) != l.Total {
		t.Errorf("search %q: %d items but a total of %d", text, len(ids), l.Total)
	}
	return ids
}

// Search uses each database's own index, finds a service by a word of its
// name, description or taxonomy terms (stemmed), and follows edits and deletes.
func TestSearchFollowsTheDirectory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		load(t, d)
		st := &offer.Store{DB: d}
		for text, want := range map[string]string{"swimming": swimID, "pool": swimID, "autism": swimID, "SPEECH": talkID,
			"parent": talkID, "relaxed swim": swimID, "  Talking,  together! ": talkID} {
			if got := search(t, st, text); len(got) != 1 || got[0] != want {
				t.Errorf("search %q found %v, want %s", text, got, want)
			}
		}
		for _, text := range []string{"zebra", "swimming zebra", `"`, "*", "NEAR(", "自閉症", "!!!"} {
			if got := search(t, st, text); len(got) != 0 {
				t.Errorf("search %q found %v, want nothing", text, got)
			}
		}
		// Edits and deletes reach the index (triggers on SQLite, a generated column on PostgreSQL).
		ctx := context.Background()
		if _, err := d.ExecContext(ctx, "UPDATE offer_services SET name = 'Sensory swimming' WHERE id = $1", talkID); err != nil {
			t.Fatal(err)
		}
		if got := search(t, st, "sensory"); len(got) != 1 || got[0] != talkID {
			t.Errorf("after renaming, sensory found %v", got)
		}
		if got := search(t, st, "talking"); len(got) != 0 {
			t.Errorf("after renaming, the old name still found %v", got)
		}
		if _, err := d.ExecContext(ctx, "DELETE FROM offer_attributes WHERE service_id = $1", swimID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, "DELETE FROM offer_services WHERE id = $1", swimID); err != nil {
			t.Fatal(err)
		}
		if got := search(t, st, "swimming"); len(got) != 1 || got[0] != talkID {
			t.Errorf("after deleting, swimming found %v", got)
		}
	})
}

func TestLoadRefusesABadService(t *testing.T) {
	d := dbtest.SQLite(t)
	err := d.Load(context.Background(), func(l *db.Loader) error {
		five, three := 5, 3
		return offer.LoadService(l, offer.Service{ID: "not-a-uuid", OrganizationID: orgID, Status: "open", MinimumAge: &five, MaximumAge: &three,
			Schedules: []offer.Schedule{{ID: swimID, OpensAt: "9am", ByDay: "MONDAY"}}})
	})
	if err == nil {
		t.Fatal("a bad service loaded")
	}
	for _, want := range []string{"id: must be a UUID", "name: is required", "organization: is required", "status:", "maximum_age: is below", "last_modified: is required", "opens_at", "byday"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}
}

func TestNormalisePostcode(t *testing.T) {
	for in, want := range map[string]string{"wr1 2ab": "WR1 2AB", "WR12AB": "WR1 2AB", " b60  1aa ": "B60 1AA", "SW1A1AA": "SW1A 1AA",
		"EC1A 1BB": "EC1A 1BB", "M1 1AE": "M1 1AE", "xyz": "", "WR1 2A": "", "12345": "", "WR1 2AB; DROP TABLE": ""} {
		got, ok := offer.NormalisePostcode(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalisePostcode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestParseDayAndTime(t *testing.T) {
	for in, want := range map[string]string{"MO": "MO", "mo": "MO", "Monday": "MO", "sat": "SA", "SUNDAY": "SU", "funday": "", "m": "", "": ""} {
		if got, _ := offer.ParseDay(in); got != want {
			t.Errorf("ParseDay(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"09:30": "09:30:00", "17:05:09": "17:05:09", "9am": "", "25:00": "", "": ""} {
		if got, _ := offer.ParseTime(in); got != want {
			t.Errorf("ParseTime(%q) = %q, want %q", in, got, want)
		}
	}
}

// The summary column says what the service's columns say.
func TestSummariesMatchTheColumns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		load(t, d)
		st := &offer.Store{DB: d}
		ctx := context.Background()
		all := offer.Page{Number: 1, Size: 10}
		typed, err := st.Services(ctx, offer.Filter{}, all)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := st.Summaries(ctx, offer.Filter{}, all)
		if err != nil {
			t.Fatal(err)
		}
		if len(raw.Items) != len(typed.Items) || raw.Total != typed.Total || len(raw.Items) != 2 {
			t.Fatalf("%d summaries of %d, %d services of %d", len(raw.Items), raw.Total, len(typed.Items), typed.Total)
		}
		for i, s := range typed.Items {
			want, _ := json.Marshal(s)
			if string(raw.Items[i]) != string(want) {
				t.Errorf("summary\n%s\ncolumns\n%s", raw.Items[i], want)
			}
		}
	})
}
