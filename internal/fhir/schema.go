package fhir

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"joinedup/internal/apperr"
)

// schemaGz is HL7's FHIR R4 (4.0.1) JSON Schema, gzipped: the bytes of
// ../shared/standards/fhir/fhir.r4-4.0.1.schema.json (sha256 in that folder's
// README; a test holds them equal). HL7 publishes the FHIR specification
// under CC0, so it is embedded: the server never reads ../shared.
//
//go:embed fhir.r4-4.0.1.schema.json.gz
var schemaGz []byte

// schemaURL names the schema inside the compiler; nothing is fetched from it.
const schemaURL = "https://hl7.org/fhir/R4/fhir.schema.json"

// Types are the resources joinedup sends and accepts, each compiled from its
// own definition (#/definitions/Patient...) so an error names the resource's
// own element rather than every one of R4's 147 resource types a Bundle
// entry could be.
var Types = []string{"Bundle", "Patient", "ServiceRequest", "Consent", "QuestionnaireResponse", "DocumentReference"}

var (
	compileOnce sync.Once
	compiled    map[string]*jsonschema.Schema
	compileErr  error
)

// SchemaJSON returns the embedded schema's bytes, decompressed.
func SchemaJSON() ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(schemaGz))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return io.ReadAll(zr)
}

// Compile compiles the schema for Types once (about a second); every later
// call returns at once. `joinedup serve` calls it in the background at
// start-up so the first bundle does not wait.
func Compile() error {
	compileOnce.Do(func() {
		raw, err := SchemaJSON()
		if err != nil {
			compileErr = fmt.Errorf("fhir: the embedded schema: %w", err)
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			compileErr = fmt.Errorf("fhir: the embedded schema: %w", err)
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft6)
		if err := c.AddResource(schemaURL, doc); err != nil {
			compileErr = err
			return
		}
		out := map[string]*jsonschema.Schema{}
		for _, t := range Types {
			if out[t], err = c.Compile(schemaURL + "#/definitions/" + t); err != nil {
				compileErr = fmt.Errorf("fhir: compiling %s: %w", t, err)
				return
			}
		}
		compiled = out
	})
	return compileErr
}

// Problem is one way an instance breaks the schema or our rules: where (a
// JSON pointer into the document, "" for the whole) and what.
type Problem struct {
	Path    string
	Message string
}

// Problems is every problem found; as an error it is apperr.Invalid with one
// field per problem, named by its JSON pointer, so the API's 422 names the path.
type Problems []Problem

func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "at '%s': %s", p.Path, p.Message)
	}
	return b.String()
}

// Err is nil for no problems, else an apperr.Invalid naming each path.
func (ps Problems) Err(what string) error {
	if len(ps) == 0 {
		return nil
	}
	var fs apperr.Fields
	for _, p := range ps {
		fs.Add(p.Path, p.Message)
	}
	return &apperr.Error{Code: apperr.Invalid, Message: what, Fields: fs}
}

var english = message.NewPrinter(language.English)

// maxProblems caps what one document can report: enough to fix, not a flood.
const maxProblems = 20

// validate checks one resource (already decoded by jsonschema.UnmarshalJSON
// or encoding/json with UseNumber) against its type's definition; paths are
// prefixed with at (the resource's own place in a bundle).
func validate(typ string, v any, at string) (Problems, error) {
	if err := Compile(); err != nil {
		return nil, err
	}
	sch, ok := compiled[typ]
	if !ok {
		return Problems{{at + "/resourceType", fmt.Sprintf("must be one of %s", strings.Join(Types[1:], ", "))}}, nil
	}
	err := sch.Validate(v)
	if err == nil {
		return nil, nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return nil, err
	}
	var out Problems
	leaves(ve, func(e *jsonschema.ValidationError) {
		out = append(out, Problem{Path: at + pointer(e.InstanceLocation), Message: e.ErrorKind.LocalizedString(english)})
	})
	slices.SortStableFunc(out, func(a, b Problem) int { return strings.Compare(a.Path, b.Path) })
	out = slices.Compact(out)
	if len(out) > maxProblems {
		out = out[:maxProblems]
	}
	return out, nil
}

// leaves calls f on the errors with no causes: the specific ones ("additional
// property", "must be one of"), not "doesn't validate with #/definitions/...".
func leaves(e *jsonschema.ValidationError, f func(*jsonschema.ValidationError)) {
	if len(e.Causes) == 0 {
		f(e)
		return
	}
	for _, c := range e.Causes {
		leaves(c, f)
	}
}

// pointer writes tokens as a JSON pointer (RFC 6901).
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(t))
	}
	return b.String()
}

// Validate checks one resource, as JSON, against the R4 schema for its
// resourceType (one of Types). A Bundle's entries are each checked against
// their own type, with paths from the bundle's root (/entry/1/resource/...).
func Validate(doc []byte) (Problems, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return Problems{{"", "is not JSON: " + err.Error()}}, nil
	}
	return validateValue(v)
}

func validateValue(v any) (Problems, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return Problems{{"", "must be a JSON object (a FHIR resource)"}}, nil
	}
	typ, _ := obj["resourceType"].(string)
	if typ != "Bundle" {
		return validate(typ, v, "")
	}
	// The Bundle without its entries' resources (so its own shape is checked
	// without R4's 147-way oneOf), then each resource against its own type.
	entries, _ := obj["entry"].([]any)
	shell := make(map[string]any, len(obj))
	for k, x := range obj {
		shell[k] = x
	}
	var resources []any
	if entries != nil {
		bare := make([]any, len(entries))
		for i, e := range entries {
			eo, ok := e.(map[string]any)
			if !ok {
				bare[i] = e
				resources = append(resources, nil)
				continue
			}
			c := make(map[string]any, len(eo))
			for k, x := range eo {
				if k != "resource" {
					c[k] = x
				}
			}
			bare[i] = c
			resources = append(resources, eo["resource"])
		}
		shell["entry"] = bare
	}
	out, err := validate("Bundle", shell, "")
	if err != nil {
		return nil, err
	}
	for i, r := range resources {
		at := fmt.Sprintf("/entry/%d/resource", i)
		ro, ok := r.(map[string]any)
		if !ok {
			if _, isObj := entries[i].(map[string]any); isObj {
				out = append(out, Problem{at, "each entry must hold a resource (a JSON object)"})
			}
			continue
		}
		rt, _ := ro["resourceType"].(string)
		if rt == "Bundle" {
			out = append(out, Problem{at + "/resourceType", "a Bundle inside a Bundle is not accepted"})
			continue
		}
		ps, err := validate(rt, ro, at)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
		if len(out) >= maxProblems {
			return out[:maxProblems], nil
		}
	}
	return out, nil
}
