// Package strictjson reads the one-list JSON documents the command-line
// contracts take on stdin ({"events": [...]}, {"pathways": [...]}): the whole
// input must be that object and nothing more, so a misspelt key or a second
// document is refused rather than ignored.
package strictjson

import (
	"encoding/json"
	"io"
	"maps"
	"slices"

	"joinedup/internal/apperr"
)

// List reads {"<key>": [...]} from in and returns the list's items undecoded,
// for the caller to decode one by one and name the item with a problem.
func List(in io.Reader, key string) ([]json.RawMessage, error) {
	shape := `{"` + key + `": [...]}`
	var doc map[string]json.RawMessage
	dec := json.NewDecoder(in)
	if err := dec.Decode(&doc); err != nil {
		return nil, apperr.Errorf(apperr.Invalid, "the input is not %s: %v", shape, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, apperr.Errorf(apperr.Invalid, "the input has more after %s", shape)
	}
	for _, k := range slices.Sorted(maps.Keys(doc)) {
		if k != key {
			return nil, apperr.Errorf(apperr.Invalid, "the input is not %s: json: unknown field %q", shape, k)
		}
	}
	var list *[]json.RawMessage
	if raw, ok := doc[key]; ok {
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, apperr.Errorf(apperr.Invalid, "the input is not %s: %v", shape, err)
		}
	}
	if list == nil {
		return nil, &apperr.Error{Code: apperr.Invalid, Message: "invalid " + key, Fields: []apperr.Field{{Name: key, Message: "missing"}}}
	}
	return *list, nil
}
