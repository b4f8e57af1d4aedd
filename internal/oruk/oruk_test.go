package oruk_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/offer"
	"joinedup/internal/oruk"
	"joinedup/internal/oruk/conformance"
	"joinedup/internal/web"
)

// serve starts the whole web front on 127.0.0.1 over the tiny demo and
// returns the ORUK API's base URL.
func serve(t *testing.T, d *db.DB) string {
	t.Helper()
	if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Config{DB: d})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL + "/oruk"
}

// The conformance suite, every check and filter, against our own API on
// both databases: small pages so first, middle and last pages all differ.
func TestConformance(t *testing.T) {
	dir, err := conformance.StandardsDir()
	if err != nil {
		t.Fatal(err)
	}
	s, err := conformance.LoadSchemas(dir)
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		rep := conformance.Run(context.Background(), s, conformance.Options{BaseURL: serve(t, d), PerPage: 7, Filters: true})
		for _, f := range rep.Failures {
			t.Error(f)
		}
		t.Logf("%d requests, %d checks, %d failures", rep.Requests, rep.Checks, len(rep.Failures))
	})
}

func getJSON(t *testing.T, u string, into any) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	return resp.StatusCode
}

// A bad request names every parameter that is wrong, in one 400.
func TestBadInputNamesEachParameter(t *testing.T) {
	base := serve(t, dbtest.SQLite(t))
	var e struct {
		Message string
		Fields  []struct{ Field, Message string }
	}
	status := getJSON(t, base+"/services?page=0&per_page=100000&minimum_age=old&day=funday&start_time=9am&taxonomy_id=x", &e)
	if status != http.StatusBadRequest {
		t.Fatalf("status %d", status)
	}
	got := map[string]bool{}
	for _, f := range e.Fields {
		got[f.Field] = f.Message != ""
	}
	for _, want := range []string{"page", "per_page", "minimum_age", "day", "start_time", "taxonomy_id"} {
		if !got[want] {
			t.Errorf("no message for %s in %+v", want, e)
		}
	}
}

// From a postcode, nearest first; with a proximity, nothing further away and nothing online.
func TestDistanceFromAPostcode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := serve(t, d)
		var pc string
		var from offer.Point
		if err := d.QueryRow("SELECT postcode, latitude, longitude FROM postcodes ORDER BY postcode LIMIT 1").Scan(&pc, &from.Latitude, &from.Longitude); err != nil {
			t.Fatal(err)
		}
		type page = oruk.Envelope[offer.ServiceAtLocation]
		var all, near page
		getJSON(t, base+"/service_at_locations?per_page=500&postcode="+url.QueryEscape(pc), &all)
		getJSON(t, base+"/service_at_locations?per_page=500&proximity=5000&postcode="+url.QueryEscape(pc), &near)
		last, virtual := -1.0, false
		for _, s := range all.Contents {
			if s.Location.Latitude == nil {
				virtual = true
				continue
			}
			if virtual {
				t.Fatalf("%s comes after a place with no location", s.Location.Name)
			}
			dist := offer.Distance(from, offer.Point{Latitude: *s.Location.Latitude, Longitude: *s.Location.Longitude})
			if dist < last-0.01 {
				t.Errorf("%s at %.0f m comes after one at %.0f m", s.Location.Name, dist, last)
			}
			last = dist
		}
		if near.TotalItems == 0 || near.TotalItems >= all.TotalItems {
			t.Errorf("within 5 km: %d of %d", near.TotalItems, all.TotalItems)
		}
		for _, s := range near.Contents {
			if s.Location.Latitude == nil {
				t.Errorf("%s has no place but is within 5 km", s.Location.Name)
			} else if dist := offer.Distance(from, offer.Point{Latitude: *s.Location.Latitude, Longitude: *s.Location.Longitude}); dist > 5000 {
				t.Errorf("%s is %.0f m away", s.Location.Name, dist)
			}
		}
	})
}
