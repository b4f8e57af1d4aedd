// Package conformance checks an Open Referral UK 3.0 API the way the ORUK
// validator does, and more: it crawls the API over HTTP, validates every
// answer against the UK profile's compiled JSON schemas (Draft 2020-12, with
// formats asserted), checks the paging envelope's arithmetic on first, middle
// and last pages, resolves every listed id, expects 404 for unknown ids and
// CORS on every answer. With Options.Filters it also round-trips every filter
// from a real record, checks that two filters narrow the results, reads the
// ndjson export and probes bad input (400 or an empty page, never a 500).
//
// It is ordinary code, not a test helper, so a later increment can offer it
// as a command that checks any partnership's feed. The schemas are the files
// in ../shared/standards/oruk, read at run time: they are CC BY-SA 4.0 and
// are not copied into this repository.
package conformance

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Schemas are the compiled response schemas, by what they describe.
type Schemas struct {
	APIDetails        *jsonschema.Schema // GET /
	Page              *jsonschema.Schema // the envelope of every list
	ServiceListItem   *jsonschema.Schema
	Service           *jsonschema.Schema // GET /services/{id}, and each ndjson line
	SALListItem       *jsonschema.Schema
	ServiceAtLocation *jsonschema.Schema
	Taxonomy          *jsonschema.Schema // list items and GET /taxonomies/{id}
	TaxonomyTerm      *jsonschema.Schema
}

// pageSchema is the envelope's shape. ORUK's OpenAPI lists these fields
// without requiring them; a consumer needs every one, so we do.
const pageSchema = `{
  "type": "object",
  "required": ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"],
  "properties": {
    "total_items": {"type": "integer", "minimum": 0},
    "total_pages": {"type": "integer", "minimum": 0},
    "page_number": {"type": "integer", "minimum": 1},
    "size": {"type": "integer", "minimum": 0},
    "first_page": {"type": "boolean"},
    "last_page": {"type": "boolean"},
    "empty": {"type": "boolean"},
    "contents": {"type": "array"}
  }
}`

// StandardsDir finds ../shared/standards/oruk beside the repository (or
// $JOINEDUP_ORUK_STANDARDS), walking up from the working directory to go.mod.
func StandardsDir() (string, error) {
	if d := os.Getenv("JOINEDUP_ORUK_STANDARDS"); d != "" {
		return d, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(dir, "..", "shared", "standards", "oruk")
			if _, err := os.Stat(d); err != nil {
				return "", fmt.Errorf("the ORUK standards are not at %s (set JOINEDUP_ORUK_STANDARDS to their folder)", d)
			}
			return d, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("no go.mod above the working directory, so no ../shared/standards/oruk beside it")
		}
		dir = up
	}
}

// LoadSchemas compiles the schemas from the ORUK standards folder: the UK
// profile's compiled schemas, its taxonomy schemas, and the validator's
// api_details schema (the profile's OpenAPI describes GET / inline, with no
// required fields).
func LoadSchemas(standards string) (*Schemas, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	page, err := jsonschema.UnmarshalJSON(strings.NewReader(pageSchema))
	if err != nil {
		return nil, err
	}
	if err := c.AddResource("urn:joinedup:oruk-page", page); err != nil {
		return nil, err
	}
	profile := filepath.Join(standards, "oruk-3.0-uk-profile", "schema")
	var s Schemas
	var errs []error
	compile := func(into **jsonschema.Schema, path string) {
		if !strings.HasPrefix(path, "urn:") {
			abs, err := filepath.Abs(path)
			if err != nil {
				errs = append(errs, err)
				return
			}
			path = abs
		}
		sch, err := c.Compile(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("schema %s: %w", path, err))
		}
		*into = sch
	}
	compile(&s.APIDetails, filepath.Join(standards, "validator", "tpximpact-validator-schemas", "V3.0-UK", "api_details.json"))
	compile(&s.Page, "urn:joinedup:oruk-page")
	compile(&s.ServiceListItem, filepath.Join(profile, "compiled", "service_list.json"))
	compile(&s.Service, filepath.Join(profile, "compiled", "service.json"))
	compile(&s.SALListItem, filepath.Join(profile, "compiled", "service_at_location_list.json"))
	// The profile's OpenAPI gives /service_at_locations/{id} the service
	// schema by mistake (README, known quirks); this is the right one.
	compile(&s.ServiceAtLocation, filepath.Join(profile, "compiled", "service_at_location.json"))
	compile(&s.Taxonomy, filepath.Join(profile, "taxonomy.json"))
	compile(&s.TaxonomyTerm, filepath.Join(profile, "taxonomy_term.json"))
	return &s, errors.Join(errs...)
}
