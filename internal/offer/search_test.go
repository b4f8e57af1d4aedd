package offer_test

import (
	"context"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/offer"
)

// families is a three-service directory for families' search: a swimming
// session in Worcester, a hearing clinic in Kidderminster (about 21.7 km
// north of it) and a helpline with no place. ids maps names and codes to ids.
type families struct {
	ids       map[string]string
	worcester offer.Point
}

func loadFamilies(t *testing.T, d *db.DB) families {
	t.Helper()
	f := families{ids: map[string]string{}, worcester: offer.Point{Latitude: 52.195, Longitude: -2.220}}
	id := func(name string) string {
		if f.ids[name] == "" {
			f.ids[name] = uuid.NewString()
		}
		return f.ids[name]
	}
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	cats := offer.Taxonomy{ID: id("categories"), Name: "Service categories", Description: "What a service does", TaxonomyTerms: []offer.TaxonomyTerm{
		{ID: id("health"), Name: "Health", Description: "Health", Code: "health"},
		{ID: id("hearing-and-sight"), Name: "Hearing and sight", Description: "Hearing and sight", Code: "hearing-and-sight", ParentID: id("health")},
	}}
	cost := offer.Taxonomy{ID: id("cost"), Name: "Cost", Description: "Whether it costs money", TaxonomyTerms: []offer.TaxonomyTerm{
		{ID: id("free"), Name: "Free", Description: "Free", Code: "free"},
		{ID: id("paid"), Name: "Paid", Description: "Paid", Code: "paid"},
	}}
	term := func(tax offer.Taxonomy, code string) offer.Attribute {
		for i, x := range tax.TaxonomyTerms {
			if x.Code == code {
				return offer.Attribute{ID: uuid.NewString(), TaxonomyTermID: x.ID, TaxonomyTerm: &tax.TaxonomyTerms[i]}
			}
		}
		t.Fatalf("no term %s", code)
		return offer.Attribute{}
	}
	org := offer.Organization{ID: id("org"), Name: "Severn Families", Description: "A charity"}
	place := func(name, town string, lat, lon float64) offer.Location {
		return offer.Location{ID: id(name), LocationType: offer.Physical, Name: name, Latitude: &lat, Longitude: &lon,
			Addresses: []offer.Address{{ID: uuid.NewString(), Address1: "1 High Street", City: town, StateProvince: "Worcestershire",
				PostalCode: "WR1 1AA", Country: "GB", AddressType: offer.Physical}}}
	}
	pool, clinic := place("Riverside Pool", "Worcester", 52.200, -2.220), place("Kidderminster Clinic", "Kidderminster", 52.390, -2.233)
	online := offer.Location{ID: id("online"), LocationType: offer.Virtual, Name: "Online"}
	four, eleven, zero, sixteen := 4, 11, 0, 16
	at := func(l offer.Location) []offer.ServiceAtLocation {
		return []offer.ServiceAtLocation{{ID: uuid.NewString(), LocationID: l.ID, Location: &l}}
	}
	weekly := func(days, opens, closes string) []offer.Schedule {
		return []offer.Schedule{{ID: uuid.NewString(), Freq: "WEEKLY", Interval: 1, ByDay: days, OpensAt: opens, ClosesAt: closes}}
	}
	err := d.Load(context.Background(), func(l *db.Loader) error {
		for _, x := range []offer.Taxonomy{cats, cost} {
			if err := offer.LoadTaxonomy(l, x); err != nil {
				return err
			}
		}
		if err := offer.LoadOrganization(l, org, now); err != nil {
			return err
		}
		for _, loc := range []offer.Location{pool, clinic, online} {
			if err := offer.LoadLocation(l, loc, now); err != nil {
				return err
			}
		}
		if err := offer.LoadPostcode(l, "WR1 1AA", f.worcester.Latitude, f.worcester.Longitude); err != nil {
			return err
		}
		for _, s := range []offer.Service{
			{ID: id("swim"), Name: "Riverside swimming", Description: "Quiet sessions in the pool", MinimumAge: &four, MaximumAge: &eleven,
				ServiceAtLocations: at(pool), Schedules: weekly("SA", "09:00:00", "11:00:00"), Attributes: []offer.Attribute{term(cost, "paid")}},
			{ID: id("clinic"), Name: "Hearing clinic", Description: "Hearing tests for children", MinimumAge: &zero, MaximumAge: &sixteen,
				ServiceAtLocations: at(clinic), Schedules: weekly("MO", "13:00:00", "16:00:00"),
				Attributes: []offer.Attribute{term(cost, "free"), term(cats, "hearing-and-sight")}},
			{ID: id("helpline"), Name: "Parent helpline", Description: "Talk to another parent",
				ServiceAtLocations: at(online), Schedules: weekly("MO,TU,WE,TH,FR", "09:00:00", "17:00:00"), Attributes: []offer.Attribute{term(cost, "free")}},
		} {
			s.Organization, s.LastModified, s.LastChecked = &org, now, now
			if err := offer.LoadService(l, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Families' search: each filter on its own and together, on both databases,
// with the order the search page promises for distance.
func TestFamiliesSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := loadFamilies(t, d)
		st := &offer.Store{DB: d}
		age := func(n int) *int { return &n }
		near := &f.worcester
		for _, tc := range []struct {
			name   string
			filter offer.Filter
			want   []string // names in order
		}{
			{"nothing asked: everything by name", offer.Filter{}, []string{"clinic", "helpline", "swim"}},
			{"a parent category finds its children's services", offer.Filter{Terms: []string{f.ids["health"]}}, []string{"clinic"}},
			{"a child category", offer.Filter{Terms: []string{f.ids["hearing-and-sight"]}}, []string{"clinic"}},
			{"free", offer.Filter{Terms: []string{f.ids["free"]}}, []string{"clinic", "helpline"}},
			{"two terms must both hold", offer.Filter{Terms: []string{f.ids["free"], f.ids["health"]}}, []string{"clinic"}},
			// Age: a service is for a child whose age lies within its range; no range is every age.
			{"age 3", offer.Filter{Age: age(3)}, []string{"clinic", "helpline"}},
			{"age 4, the swimming's youngest", offer.Filter{Age: age(4)}, []string{"clinic", "helpline", "swim"}},
			{"age 25", offer.Filter{Age: age(25)}, []string{"helpline"}},
			// Times: open for some of the part of the day asked for, on the day asked for (one schedule).
			{"Saturday", offer.Filter{Day: "SA"}, []string{"swim"}},
			{"mornings", offer.Filter{OpenFrom: "00:00:00", OpenUntil: "12:00:00"}, []string{"helpline", "swim"}},
			{"Monday afternoons", offer.Filter{Day: "MO", OpenFrom: "12:00:00", OpenUntil: "17:00:00"}, []string{"clinic", "helpline"}},
			{"Monday evenings: closing at 5pm is not open after it", offer.Filter{Day: "MO", OpenFrom: "17:00:00", OpenUntil: "23:59:59"}, nil},
			// Distance: places nearest first, then the services with no place.
			{"near Worcester", offer.Filter{Near: near}, []string{"swim", "clinic", "helpline"}},
			{"within 5 km of Worcester: the clinic is 21 km away", offer.Filter{Near: near, Within: 5000}, []string{"swim", "helpline"}},
			{"within 25 km", offer.Filter{Near: near, Within: 25000}, []string{"swim", "clinic", "helpline"}},
			{"words and distance", offer.Filter{Search: "hearing", Near: near, Within: 25000}, []string{"clinic"}},
			{"a shortlist's ids", offer.Filter{IDs: []string{f.ids["helpline"], f.ids["swim"]}}, []string{"helpline", "swim"}},
			{"an empty shortlist is nothing, not everything", offer.Filter{IDs: []string{}}, nil},
		} {
			l, err := st.Search(context.Background(), tc.filter, offer.Page{Number: 1, Size: 10})
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			var got []string
			for _, h := range l.Items {
				for k, v := range f.ids {
					if v == h.ID {
						got = append(got, k)
					}
				}
			}
			if !slices.Equal(got, tc.want) || l.Total != len(tc.want) {
				t.Errorf("%s: %v (total %d), want %v", tc.name, got, l.Total, tc.want)
			}
		}
	})
}

// A result carries what the list shows: its terms, its places with their
// towns, and the distance to its nearest place (nil for one with no place).
func TestFamiliesSearchResultDetails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := loadFamilies(t, d)
		st := &offer.Store{DB: d}
		l, err := st.Search(context.Background(), offer.Filter{Near: &f.worcester}, offer.Page{Number: 1, Size: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Items) != 2 || l.Total != 3 {
			t.Fatalf("%d items of %d, want 2 of 3", len(l.Items), l.Total)
		}
		swim, clinic := l.Items[0], l.Items[1]
		// The pool is 0.005° of latitude north: 556 m (6371.0088 km × π/180 × 0.005).
		if swim.Distance == nil || math.Abs(*swim.Distance-556) > 1 {
			t.Errorf("swimming's distance %v, want 556 m", swim.Distance)
		}
		if clinic.Distance == nil || math.Abs(*clinic.Distance-21740) > 200 {
			t.Errorf("the clinic's distance %v, want about 21.7 km", clinic.Distance)
		}
		if n := len(clinic.Attributes); n != 2 || clinic.Attributes[0].TaxonomyTermID == "" {
			t.Errorf("the clinic has %d terms, want 2 (free, hearing and sight)", n)
		}
		if len(swim.ServiceAtLocations) != 1 || swim.ServiceAtLocations[0].Location.Addresses[0].City != "Worcester" {
			t.Errorf("swimming's places: %+v", swim.ServiceAtLocations)
		}
		if swim.LastChecked.IsZero() {
			t.Error("the last checked date is not read")
		}
		last, err := st.Search(context.Background(), offer.Filter{Near: &f.worcester}, offer.Page{Number: 2, Size: 2})
		if err != nil || len(last.Items) != 1 || last.Items[0].ID != f.ids["helpline"] || last.Items[0].Distance != nil {
			t.Errorf("page 2: %+v, %v; want the helpline with no distance", last.Items, err)
		}
	})
}

// A shortlist comes back fully nested in the order it was made, without the
// ids that are not (or no longer) in the directory.
func TestShortlist(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := loadFamilies(t, d)
		st := &offer.Store{DB: d}
		got, err := st.Shortlist(context.Background(), []string{f.ids["helpline"], uuid.NewString(), f.ids["swim"]})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != f.ids["helpline"] || got[1].ID != f.ids["swim"] {
			t.Fatalf("shortlist %v, want the helpline then the swimming", got)
		}
		if len(got[1].Schedules) != 1 || len(got[1].ServiceAtLocations) != 1 || got[1].ServiceAtLocations[0].Location.Addresses == nil {
			t.Errorf("the swimming is not fully nested: %+v", got[1])
		}
		if none, err := st.Shortlist(context.Background(), nil); err != nil || len(none) != 0 {
			t.Errorf("an empty shortlist: %v, %v", none, err)
		}
	})
}

// Facets are every taxonomy by name, parents before their children.
func TestFacets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := loadFamilies(t, d)
		fs, err := (&offer.Store{DB: d}).Facets(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		cats := fs["Service categories"]
		if cats == nil || len(cats.Terms) != 2 || cats.Terms[0].Code != "health" || cats.Terms[1].ParentID != f.ids["health"] {
			t.Fatalf("categories: %+v", cats)
		}
		if tm := fs["Cost"].Term(" FREE "); tm == nil || tm.ID != f.ids["free"] {
			t.Errorf("the term with code free: %+v", tm)
		}
		if fs["Cost"].Term("gratis") != nil || fs["No such taxonomy"].Term("free") != nil {
			t.Error("an unknown code or taxonomy found a term")
		}
	})
}

// Postcodes import from an ONS Postcode Directory CSV (testdata: invented
// postcodes in the ONS layout): good rows written, rows the directory marks
// as having no location skipped, a second import replaces; a file with any
// bad row is refused with each line and field, and changes nothing.
func TestImportPostcodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := &offer.Store{DB: d}
		f, err := os.Open("testdata/postcodes.csv")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		got, err := offer.ImportPostcodes(ctx, d, f)
		if err != nil || got != (offer.PostcodeImport{Rows: 6, Written: 5, Skipped: 1}) {
			t.Fatalf("import: %+v, %v; want 6 rows, 5 written, 1 skipped", got, err)
		}
		if p, err := st.Postcode(ctx, "DY10 9ZQ"); err != nil || p.Latitude != 52.388301 || p.Longitude != -2.249102 {
			t.Errorf("DY10 9ZQ: %+v, %v", p, err)
		}
		if _, err := st.Postcode(ctx, "WR14 9ZY"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("a postcode with no location was kept: %v", err)
		}
		again := "pcds,lat,long\nWR1 1ZA,52.5,-2.5\nwr11zb,52.6,-2.6\nWR1 1ZB,52.7,-2.7\n" // the later of two rows wins
		if got, err := offer.ImportPostcodes(ctx, d, strings.NewReader(again)); err != nil || got.Written != 2 {
			t.Fatalf("a second import: %+v, %v", got, err)
		}
		if p, _ := st.Postcode(ctx, "WR1 1ZB"); p.Latitude != 52.7 {
			t.Errorf("WR1 1ZB after the second import: %+v, want latitude 52.7", p)
		}
		before := dbtest.Count(t, d, "SELECT COUNT(*) FROM postcodes")
		for name, tc := range map[string]struct{ file, want string }{
			"bad rows":     {"@testdata/postcodes-bad.csv", `line 3, pcds: "NOT A POSTCODE" is not a postcode; line 4, lat: "north" is not a latitude in degrees; line 5, long: "-200" is not a longitude in degrees; line 6, pcds: "=HYPERLINK(\"http://x\")" is not a postcode`},
			"no columns":   {"postcode,latitude,longitude\nWR1 1ZC,52.1,-2.2\n", "the header has no column pcds, lat, long"},
			"empty":        {"", "line 1: cannot read the header row"},
			"broken quote": {"pcds,lat,long\n\"WR1 1ZC,52.1,-2.2\n", "line 2, row: not valid CSV"},
			"short row":    {"pcds,lat,long\nWR1 1ZC,52.1\n", "line 2, row: not valid CSV"},
		} {
			var r io.Reader = strings.NewReader(tc.file)
			if file, ok := strings.CutPrefix(tc.file, "@"); ok {
				b, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				r = strings.NewReader(string(b))
			}
			_, err := offer.ImportPostcodes(ctx, d, r)
			if apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: %v, want Invalid with %q", name, err, tc.want)
			}
		}
		if after := dbtest.Count(t, d, "SELECT COUNT(*) FROM postcodes"); after != before {
			t.Errorf("refused imports changed the postcodes: %d before, %d after", before, after)
		}
	})
}
