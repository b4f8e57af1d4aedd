package offer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"joinedup/internal/apperr"
)

// What the editors' import pages need beside Import: the field-level
// differences a dry run shows, the fingerprint that ties an apply to the dry
// run it follows, and the check that a feed is UTF-8.

// FieldChange is one field of a service an import changes, in words.
type FieldChange struct {
	Field, Before, After string
}

// serviceFields are a service's fields as ORUK names them, in its order.
var serviceFields = []string{"name", "organization", "description", "status", "url", "email", "fees", "accreditations",
	"minimum_age", "maximum_age", "assured_date", "assurer_email", "alert", "contacts", "cost_options", "schedules",
	"service_at_locations", "service_areas", "attributes"}

// maxChangeText bounds a value shown in a list of changes.
const maxChangeText = 300

// Changes lists how the report's i-th changed service differs from the
// stored one, field by field, as the import compares them (canonical).
func (r ImportReport) Changes(i int) []FieldChange {
	before, after := r.Was[i], r.Changed[i].Service
	b, a := fieldsOf(canonical(before)), fieldsOf(canonical(after))
	var out []FieldChange
	for _, f := range serviceFields {
		if bytes.Equal(b[f], a[f]) {
			continue
		}
		c := FieldChange{Field: f, Before: describe(b[f]), After: describe(a[f])}
		if f == "attributes" { // terms by name, not by id
			c.Before, c.After = termNamesOf(before), termNamesOf(after)
		}
		out = append(out, c)
	}
	return out
}

func fieldsOf(s Service) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	raw, err := json.Marshal(s)
	if err == nil {
		err = json.Unmarshal(raw, &m)
	}
	if err != nil {
		panic("offer: a service does not encode: " + err.Error())
	}
	return m
}

func termNamesOf(s Service) string {
	var names []string
	for _, a := range s.Attributes {
		if a.TaxonomyTerm != nil && a.TaxonomyTerm.Name != "" {
			names = append(names, a.TaxonomyTerm.Name)
		} else {
			names = append(names, a.TaxonomyTermID)
		}
	}
	slices.Sort(names)
	return shorten(strings.Join(names, "; "))
}

// describe writes a JSON value as a person reads it: its values without ids
// or keys, an object's joined by commas, a list's items by semicolons.
func describe(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return shorten(flatten(dec))
}

// flatten reads the value dec is at; it stops quietly on anything odd,
// since the value came from json.Marshal.
func flatten(dec *json.Decoder) string {
	tok, err := dec.Token()
	if err != nil {
		return ""
	}
	var parts []string
	switch t := tok.(type) {
	case json.Delim:
		for dec.More() {
			if t == '{' {
				k, _ := dec.Token()
				if key, _ := k.(string); key == "id" || strings.HasSuffix(key, "_id") {
					var skip json.RawMessage
					dec.Decode(&skip)
					continue
				}
			}
			if s := flatten(dec); s != "" {
				parts = append(parts, s)
			}
		}
		dec.Token() // the closing ] or }
		if t == '[' {
			return strings.Join(parts, "; ")
		}
		return strings.Join(parts, ", ")
	case string:
		return t
	case json.Number:
		return t.String()
	case bool:
		return map[bool]string{true: "yes", false: "no"}[t]
	}
	return ""
}

func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxChangeText {
		return s
	}
	r := []rune(s)
	return string(r[:maxChangeText-1]) + "…"
}

// fingerprint hashes the stored records a plan compared the feed with:
// the feed's services as stored, and the organisations, locations, terms
// and taxonomies they name. The same feed against the same fingerprint
// makes the same plan, so an import applied after a dry run can be refused
// when anything it read has changed in between.
func fingerprint(svcs map[string]Service, orgs map[string]Organization, locs map[string]Location,
	terms map[string]TaxonomyTerm, taxes map[string]string) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	write := func(kind string, ids []string, v func(string) any) {
		for _, id := range ids {
			io.WriteString(h, kind)
			if err := enc.Encode(v(id)); err != nil {
				panic("offer: a stored record does not encode: " + err.Error())
			}
		}
	}
	write("service", keys(svcs), func(id string) any { return canonical(svcs[id]) })
	write("organization", keys(orgs), func(id string) any { return orgs[id] })
	write("location", keys(locs), func(id string) any { return canonicalLocation(locs[id]) })
	write("term", keys(terms), func(id string) any { return terms[id] })
	write("taxonomy", keys(taxes), func(id string) any { return id + " " + taxes[id] })
	return hex.EncodeToString(h.Sum(nil))
}

// CheckUTF8 refuses a file that is not UTF-8 (a byte-order mark is fine),
// naming the lines at fault: decoding would otherwise replace each bad byte
// with U+FFFD and import the damage silently.
func CheckUTF8(data []byte) error {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return apperr.Errorf(apperr.Invalid, "the file is UTF-16: save it as UTF-8 (in a spreadsheet, as CSV UTF-8)")
	}
	if utf8.Valid(data) {
		return nil
	}
	var p problems
	for n, line := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(line) {
			p.add(fmt.Sprintf("line %d", n+1), "", "is not UTF-8 (perhaps Windows-1252 or Latin-1): save the file as UTF-8")
		}
	}
	e := p.err().(*apperr.Error)
	e.Message = strings.Replace(e.Message, "the feed has", "the file has", 1)
	return e
}
