package offer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/offer"
	"joinedup/internal/oruk"
)

var importNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// tinyDemo loads the tiny demo partnership (40 services) into d.
func tinyDemo(t testing.TB, d *db.DB) {
	t.Helper()
	if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
		t.Fatal(err)
	}
}

func exportNDJSON(t testing.TB, d *db.DB) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := (&offer.Store{DB: d}).ExportNDJSON(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func importFeed(t testing.TB, d *db.DB, feed []byte, apply bool) offer.ImportReport {
	t.Helper()
	items, err := offer.ReadFeed(bytes.NewReader(feed))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := offer.Import(context.Background(), d, items, offer.ImportOptions{Apply: apply, Now: importNow})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// orukGet answers an ORUK request from d's directory, as the API would.
func orukGet(t testing.TB, d *db.DB, target string) string {
	t.Helper()
	api := oruk.New(&offer.Store{DB: d}, nil)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /services", api.Services)
	mux.HandleFunc("GET /services/{id}", api.Service)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, w.Code, w.Body)
	}
	return w.Body.String()
}

func count(t testing.TB, d *db.DB, table string) int {
	return dbtest.Count(t, d, "SELECT COUNT(*) FROM "+table)
}

// The demo directory exported as ndjson and imported into an empty database
// answers /oruk/services the same, page by page and service by service; the
// same feed again changes nothing.
func TestNDJSONRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tinyDemo(t, d)
		feed := exportNDJSON(t, d)
		var empty *db.DB
		if d.Dialect == db.Postgres {
			empty = dbtest.Postgres(t)
		} else {
			empty = dbtest.SQLite(t)
		}
		dry := importFeed(t, empty, feed, false)
		if len(dry.New) != 40 || len(dry.Changed)+len(dry.Unchanged) != 0 || dry.Applied || count(t, empty, "offer_services") != 0 {
			t.Fatalf("dry run: %d new, %d changed, %d unchanged, applied %v, %d stored", len(dry.New), len(dry.Changed), len(dry.Unchanged), dry.Applied, count(t, empty, "offer_services"))
		}
		rep := importFeed(t, empty, feed, true)
		if len(rep.New) != 40 || !rep.Applied {
			t.Fatalf("%d new, applied %v", len(rep.New), rep.Applied)
		}
		for _, q := range []string{"/services?per_page=7&page=1", "/services?per_page=7&page=3", "/services?per_page=100",
			"/services?search=swimming", "/services?per_page=100&taxonomy_id=" + firstTaxonomy(t, d)} {
			if a, b := orukGet(t, d, q), orukGet(t, empty, q); a != b {
				t.Errorf("GET %s differs:\nsource   %s\nimported %s", q, a, b)
			}
		}
		// Full services match too, but for the parents of terms: a feed
		// carries a service's terms, not their parents, so a parent the
		// empty directory lacks is left off (see import.go).
		var first offer.Service
		json.Unmarshal(feed[:bytes.IndexByte(feed, '\n')], &first)
		if a, b := orukGet(t, d, "/services/"+first.ID), orukGet(t, empty, "/services/"+first.ID); withoutParents(a) != b {
			t.Errorf("GET /services/%s differs:\nsource   %s\nimported %s", first.ID, a, b)
		}
		if withoutParents(string(feed)) != string(exportNDJSON(t, empty)) {
			t.Error("the imported directory's ndjson export differs from the feed")
		}
		again := importFeed(t, empty, feed, true)
		if len(again.Unchanged) != 40 || len(again.New)+len(again.Changed) != 0 || again.Locations != (offer.Counts{}) ||
			again.Organizations != (offer.Counts{}) || again.Terms != (offer.Counts{}) {
			t.Errorf("the same feed again: %+v", again)
		}
	})
}

var parentID = regexp.MustCompile(`"parent_id":"[0-9a-f-]{36}",`)

func withoutParents(s string) string { return parentID.ReplaceAllString(s, "") }

func firstTaxonomy(t testing.TB, d *db.DB) string {
	var id string
	if err := d.QueryRow("SELECT id FROM offer_taxonomies ORDER BY name LIMIT 1").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// A service in the feed replaces the stored one entirely, nested rows too;
// services the feed leaves out stay; only content counts as a change.
func TestImportReplacesWholeServices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tinyDemo(t, d)
		ctx := context.Background()
		st := &offer.Store{DB: d}
		lines := bytes.SplitAfter(exportNDJSON(t, d), []byte("\n"))
		var a, b, c offer.Service
		json.Unmarshal(lines[0], &a)
		json.Unmarshal(lines[1], &b)
		json.Unmarshal(lines[2], &c)
		a.Name = "Renamed by the provider"
		a.Contacts = nil // the replacement has no contacts: the stored ones go
		b.LastModified = b.LastModified.Add(48 * time.Hour)
		feed := ndjson(t, a, b, c)
		rep := importFeed(t, d, feed, true)
		if ids(rep.Changed) != a.ID || ids(rep.Unchanged) != b.ID+" "+c.ID || len(rep.New) != 0 {
			t.Fatalf("changed %s, unchanged %s, new %d", ids(rep.Changed), ids(rep.Unchanged), len(rep.New))
		}
		got, err := st.Service(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != a.Name || len(got.Contacts) != 0 || dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_contacts WHERE service_id = $1", a.ID) != 0 {
			t.Errorf("after the import: %q with %d contacts", got.Name, len(got.Contacts))
		}
		if l, _ := st.Services(ctx, offer.Filter{Search: "renamed provider"}, offer.Page{Number: 1, Size: 5}); len(l.Items) != 1 {
			t.Errorf("search does not find the new name: %v", l.Items)
		}
		if n := count(t, d, "offer_services"); n != 40 {
			t.Errorf("%d services after the import, want the same 40", n)
		}
		// An unchanged service is not rewritten: its last_modified stays.
		if got, _ := st.Service(ctx, b.ID); !got.LastModified.Equal(b.LastModified.Add(-48 * time.Hour)) {
			t.Errorf("an unchanged service was rewritten: last_modified %v", got.LastModified)
		}
	})
}

func ndjson(t testing.TB, svcs ...offer.Service) []byte {
	var b bytes.Buffer
	for _, s := range svcs {
		line, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(append(line, '\n'))
	}
	return b.Bytes()
}

func ids(items []offer.FeedItem) string {
	var out []string
	for _, it := range items {
		out = append(out, it.Service.ID)
	}
	return strings.Join(out, " ")
}

// Organisations, locations and terms are upserted: a renamed organisation
// reaches the summaries of its services the feed leaves out.
func TestImportUpdatesOrganisations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tinyDemo(t, d)
		lines := bytes.SplitAfter(exportNDJSON(t, d), []byte("\n"))
		var a offer.Service
		json.Unmarshal(lines[0], &a)
		a.Organization.Name = "Renamed Trust"
		rep := importFeed(t, d, ndjson(t, a), true)
		if rep.Organizations.Changed != 1 || len(rep.Changed) != 1 {
			t.Fatalf("%+v", rep)
		}
		others := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_services WHERE organization_id = $1 AND id <> $2", a.OrganizationID, a.ID)
		stale := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_services WHERE organization_id = $1 AND summary NOT LIKE '%Renamed Trust%'", a.OrganizationID)
		if stale != 0 {
			t.Errorf("%d of the organisation's services (%d others) still show the old name", stale, others)
		}
	})
}

// Every bad item is reported with its place and field, and nothing of a
// failed import is kept.
func TestBadFeedsAreRefusedWhole(t *testing.T) {
	d := dbtest.SQLite(t)
	tinyDemo(t, d)
	lines := bytes.SplitAfter(exportNDJSON(t, d), []byte("\n"))
	var good offer.Service
	json.Unmarshal(lines[0], &good)
	renamed := good
	renamed.Name = "Changed"
	unknownTerm := good
	unknownTerm.ID = "0d7e7a52-8f0e-4a47-8f62-0a3b3c0b9a11"
	unknownTerm.Schedules, unknownTerm.Contacts, unknownTerm.CostOptions, unknownTerm.ServiceAreas, unknownTerm.ServiceAtLocations = nil, nil, nil, nil, nil
	unknownTerm.Attributes = []offer.Attribute{{ID: "2c1f6a4e-2b55-4a0e-8c3e-3f1f6f4f0b21", TaxonomyTermID: "6f3b1a1e-5d8c-4c1e-9d0a-0a1b2c3d4e5f"}}
	noPlace := good
	noPlace.ID = "9b2e9f0a-1c3d-4e5f-8a9b-0c1d2e3f4a5b"
	noPlace.ServiceAtLocations = []offer.ServiceAtLocation{{ID: "1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b", LocationID: "7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d"}}
	noPlace.Schedules, noPlace.Attributes, noPlace.Contacts, noPlace.CostOptions, noPlace.ServiceAreas = nil, nil, nil, nil, nil
	line := func(s offer.Service) string { return string(ndjson(t, s)) }
	cases := []struct {
		name string
		feed string
		want []string // each a "place: field: message" the error must hold
	}{
		{"malformed JSON on a line", line(renamed) + `{"id": "x", "name": ` + "\n", []string{"line 2: is not valid JSON"}},
		{"a number where text goes, and text where a number goes", line(renamed) + `{"id":"` + good.ID + `","name":7}` + "\n" + `{"minimum_age":"five"}` + "\n",
			[]string{"line 2: name: must be text, not number", "line 3: minimum_age: must be a whole number, not string"}},
		{"ids that are not UUIDs", strings.Replace(line(renamed), good.ID, "service-1", 1), []string{"line 1: id: must be a UUID"}},
		{"the same service twice", line(renamed) + line(renamed), []string{"line 2: id: repeats the service at line 1"}},
		{"a term the directory lacks, with no name", line(renamed) + line(unknownTerm), []string{"line 2: attributes.taxonomy_term: the term 6f3b1a1e-5d8c-4c1e-9d0a-0a1b2c3d4e5f is not in the directory"}},
		{"a location the directory lacks, given only by id", line(noPlace), []string{"line 1: service_at_locations.location: the location 7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d is not in the directory"}},
		{"a JSON array with a bad item", "[\n" + strings.TrimSpace(line(renamed)) + ",\n" + `{"id": "` + good.ID + `", "status": "open"}` + "\n]",
			[]string{"services[1] (line 3): name: is required", "services[1] (line 3): status: must be active"}},
		{"a JSON array with a repeated service", "[\n" + strings.TrimSpace(line(renamed)) + ",\n" + strings.TrimSpace(line(renamed)) + "\n]",
			[]string{"services[1] (line 3): id: repeats the service at services[0] (line 2)"}},
		{"a page with a bad item", `{"total_items": 1, "contents": [{"id": "nope", "name": "X"}]}`, []string{"contents[0] (line 1): id: must be a UUID"}},
		{"an array not closed", "[" + strings.TrimSpace(line(renamed)), []string{"the list of services is not closed"}},
		{"not JSON at all", "id,name\n1,Swim\n", []string{"the feed is not JSON"}},
		{"a line that is not an object", "[1, 2]\n", []string{"services[0] (line 1): is not a service"}},
		{"an empty file", "  \n", []string{"the feed is empty"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			items, err := offer.ReadFeed(strings.NewReader(c.feed))
			if err == nil {
				_, err = offer.Import(context.Background(), d, items, offer.ImportOptions{Apply: true, Now: importNow})
			}
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("got %v, want an invalid-input error", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error does not say %q:\n%v", w, err)
				}
			}
			if got, _ := (&offer.Store{DB: d}).Service(context.Background(), good.ID); got.Name != good.Name {
				t.Errorf("a failed import changed %s to %q", good.ID, got.Name)
			}
		})
	}
}

// A feed larger than the bound is refused without reading it all.
func TestFeedSizeIsBounded(t *testing.T) {
	_, err := offer.ReadFeed(io.LimitReader(endless{}, 1<<30)) // a 1 GB feed
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("larger than %d MiB", offer.MaxFeedBytes>>20)) {
		t.Fatalf("got %v", err)
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// A paged feed at a URL is followed to its last page.
func TestFetchFollowsPages(t *testing.T) {
	src := dbtest.SQLite(t)
	tinyDemo(t, src)
	var all []json.RawMessage
	for _, l := range bytes.Split(bytes.TrimSpace(exportNDJSON(t, src)), []byte("\n")) {
		all = append(all, l)
	}
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.URL.Query().Get("page"))
		n := 1
		fmt.Sscan(r.URL.Query().Get("page"), &n)
		const size = 15
		lo, hi := min((n-1)*size, len(all)), min(n*size, len(all))
		env := oruk.NewEnvelope(all[lo:hi], len(all), offer.Page{Number: n, Size: size})
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(env)
	}))
	defer srv.Close()
	items, err := offer.FetchFeed(context.Background(), srv.Client(), srv.URL+"/services?per_page=15")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 40 || !slices.Equal(asked, []string{"", "2", "3"}) {
		t.Fatalf("%d services from pages %q", len(items), asked)
	}
	if items[20].Where != "page 2 contents[5] (line 1)" {
		t.Errorf("the 21st service is at %q", items[20].Where)
	}
	d := dbtest.SQLite(t)
	if rep, err := offer.Import(context.Background(), d, items, offer.ImportOptions{Apply: true, Now: importNow}); err != nil || len(rep.New) != 40 {
		t.Fatalf("%v, %+v", err, rep)
	}
	for _, bad := range []string{"ftp://example.org/feed", "file:///etc/passwd", "http://"} {
		if _, err := offer.FetchFeed(context.Background(), srv.Client(), bad); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
