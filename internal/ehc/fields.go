package ehc

import "slices"

// FieldInfo describes one JSON field of an event type, for readers of the
// events that are not the clock (the JSON API's decoder and its OpenAPI document).
type FieldInfo struct {
	Name     string
	Date     bool     // a YYYY-MM-DD date
	Optional bool     // may be left out
	Codes    []string // the values a coded field allows; nil for free text and dates
}

// Types returns every event type, in the order a case usually meets them.
func Types() []Type {
	out := make([]Type, 0, numTypes-1)
	for t := RequestReceived; t < numTypes; t++ {
		out = append(out, t)
	}
	return out
}

// Fields returns the JSON fields of an event of type t besides "type", or
// nil for a type that does not exist.
func (t Type) Fields() []FieldInfo {
	if t == 0 || t >= numTypes {
		return nil
	}
	var out []FieldInfo
	for _, f := range t.fields() {
		out = append(out, FieldInfo{Name: f.name, Date: f.slot == inDate || f.slot == inTo || f.slot == inReceived,
			Optional: f.optional, Codes: slices.Clone(f.codes)})
	}
	return out
}
