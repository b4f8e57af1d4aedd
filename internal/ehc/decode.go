package ehc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"

	"joinedup/internal/date"
	"joinedup/internal/strictjson"
)

// Decode reads {"events": [...]} and returns the events, or an error naming the
// first event with a problem (by its index from 0) and the field. Fields an event's
// type does not have are refused, so a misspelt "recieved" is not silently ignored.
func Decode(in io.Reader) ([]Event, error) {
	list, err := strictjson.List(in, "events")
	if err != nil {
		return nil, err
	}
	events := make([]Event, len(list))
	for i, raw := range list {
		name, problem := decodeEvent(raw, &events[i])
		if problem == "" {
			name, problem = events[i].check()
		}
		if problem != "" {
			return nil, invalid(i, name, problem)
		}
	}
	return events, nil
}

// decodeEvent fills e from one JSON object, or says which field is wrong.
func decodeEvent(raw json.RawMessage, e *Event) (name, problem string) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return "", "is not a JSON object"
	}
	var typ string
	if v, ok := obj["type"]; !ok || isNull(v) {
		return "type", "missing"
	} else if json.Unmarshal(v, &typ) != nil {
		return "type", "must be a string"
	}
	t, ok := ParseType(typ)
	if !ok {
		return "type", fmt.Sprintf("%q is not an event type", typ)
	}
	e.Type = t
	for i := range t.fields() {
		f := &t.fields()[i]
		v, ok := obj[f.name]
		if !ok || isNull(v) {
			continue // check says whether it was needed
		}
		var s string
		if json.Unmarshal(v, &s) != nil {
			return f.name, "must be a string"
		}
		if d := e.date(f); d != nil {
			var err error
			if *d, err = date.Parse(s); err != nil {
				return f.name, err.Error()
			}
			if problem := outOfRange(*d); problem != "" {
				return f.name, problem // before check, which would take year 1 for no date
			}
		} else {
			*e.text(f) = s
		}
	}
	var unknown []string
	for k := range obj {
		if k != "type" && !slices.ContainsFunc(t.fields(), func(f field) bool { return f.name == k }) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return fieldName(unknown[0]), fmt.Sprintf("%s events have no such field", t)
	}
	return "", ""
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

// fieldName quotes a field name that is not plain, so a message stays one line.
func fieldName(k string) string {
	for _, r := range k {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return strconv.Quote(k)
		}
	}
	if k == "" {
		return `""`
	}
	return k
}
