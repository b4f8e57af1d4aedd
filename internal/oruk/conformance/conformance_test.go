package conformance_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"joinedup/internal/oruk/conformance"
)

func schemas(t *testing.T) (*conformance.Schemas, string) {
	t.Helper()
	dir, err := conformance.StandardsDir()
	if err != nil {
		t.Fatal(err)
	}
	s, err := conformance.LoadSchemas(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

// mockFeed serves one of the ORUK validator's mock feeds as an API: each list
// endpoint answers its list file (whatever the page), each {id} endpoint its
// record file if the id is the record's, and 404 otherwise.
func mockFeed(t *testing.T, dir string) string {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("mock feed: %v", err)
		}
		return b
	}
	files := map[string]string{"/": "api_details.json", "/services": "service_list.json", "/service_at_locations": "service_at_location_list.json",
		"/taxonomies": "taxonomy_list.json", "/taxonomy_terms": "taxonomy_term_list.json"}
	records := map[string]string{"services": "service_full.json", "service_at_locations": "service_at_location_full.json",
		"taxonomies": "taxonomy.json", "taxonomy_terms": "taxonomy_term.json"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Content-Type", "application/json")
		if f, ok := files[r.URL.Path]; ok {
			w.Write(read(f))
			return
		}
		list, id, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if f, ok := records[list]; ok {
			b := read(f)
			var rec struct{ ID string }
			if json.Unmarshal(b, &rec) == nil && rec.ID == id {
				w.Write(b)
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"message":"not found"}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// The validator's own fixtures are the suite's self-test: the Default feed
// passes, the Fail feed fails, for the reasons it was made to fail.
func TestValidatorMocks(t *testing.T) {
	s, dir := schemas(t)
	mocks := filepath.Join(dir, "validator", "oruk-validator-mocks")

	t.Run("Default passes", func(t *testing.T) {
		rep := conformance.Run(context.Background(), s, conformance.Options{BaseURL: mockFeed(t, filepath.Join(mocks, "V3.0-UK-Default"))})
		for _, f := range rep.Failures {
			t.Error(f)
		}
		if rep.Checks < 30 {
			t.Errorf("only %d checks made", rep.Checks)
		}
	})

	t.Run("Fail fails", func(t *testing.T) {
		rep := conformance.Run(context.Background(), s, conformance.Options{BaseURL: mockFeed(t, filepath.Join(mocks, "V3.0-UK-Fail"))})
		if rep.Passed() {
			t.Fatal("the Fail feed passed")
		}
		found := map[string]bool{}
		for _, f := range rep.Failures {
			t.Log(f)
			found[f.Check] = true
		}
		// What the Fail fixtures break: GET / lacks profile and a URI; service
		// list items lack a name and have a bad url and email; the service at
		// location pages disagree with their envelope; a listed taxonomy term
		// does not resolve.
		for _, want := range []string{"schema api_details", "schema services item 0", "paging", "resolve"} {
			if !found[want] {
				t.Errorf("no %q failure", want)
			}
		}
	})
}
