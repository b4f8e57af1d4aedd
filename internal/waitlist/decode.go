package waitlist

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

// The JSON fields each event type has besides "type" and "date".
var eventFields = [numKinds][]string{
	ReferralReceived:    nil,
	FirstAppointmentDNA: {"rebooked"},
	AppointmentAttended: nil,
	ClockStop:           {"reason"},
	Transfer:            {"kind", "provider"},
}

// Decode reads {"pathways": [{"id", "regime", "events": [...]}]} and returns the
// pathways, or an error naming the first with a problem (pathways[i], its id), the
// event (events[j]) and the field. Fields that are not in the contract are refused,
// so a misspelt "rebookd" is not silently ignored; so is an id used twice.
func Decode(in io.Reader) ([]Pathway, error) {
	list, err := strictjson.List(in, "pathways")
	if err != nil {
		return nil, err
	}
	ps := make([]Pathway, len(list))
	ids := make(map[string]int, len(ps))
	for i, raw := range list {
		p := &ps[i]
		if pr := decodePathway(raw, p); pr != nil {
			return nil, pathwayError(i, p.ID, pr.event, pr.field, pr.msg)
		}
		if j, dup := ids[p.ID]; dup {
			return nil, pathwayError(i, p.ID, -1, "id", fmt.Sprintf("%q is also pathways[%d]: one pathway per child and service", p.ID, j))
		}
		ids[p.ID] = i
	}
	return ps, nil
}

func decodePathway(raw json.RawMessage, p *Pathway) *problem {
	obj, ok := object(raw)
	if !ok {
		return &problem{-1, "", "is not a JSON object"}
	}
	for k := range obj {
		if k != "id" && k != "regime" && k != "events" {
			return &problem{-1, fieldName(k), "a pathway has only id, regime and events"}
		}
	}
	var err string
	if p.ID, err = text(obj, "id"); err != "" {
		return &problem{-1, "id", err}
	}
	regime, err := text(obj, "regime")
	if err != "" {
		return &problem{-1, "regime", err}
	}
	if p.Regime = Regime(parse(regimeNames[:], regime)); p.Regime == 0 {
		return &problem{-1, "regime", fmt.Sprintf("%q is not allowed: choose %s", regime, choices(regimeNames[:]))}
	}
	v, ok := obj["events"]
	if !ok || isNull(v) {
		return &problem{-1, "events", "missing"}
	}
	var events []json.RawMessage
	if json.Unmarshal(v, &events) != nil {
		return &problem{-1, "events", "must be a list"}
	}
	p.Events = make([]Event, len(events))
	for j, raw := range events {
		if f, msg := decodeEvent(raw, &p.Events[j]); msg != "" {
			return &problem{j, f, msg}
		}
		if f, msg := p.Events[j].check(); msg != "" {
			return &problem{j, f, msg}
		}
	}
	return nil
}

// decodeEvent fills e from one JSON object, or says which field is wrong.
func decodeEvent(raw json.RawMessage, e *Event) (field, problem string) {
	obj, ok := object(raw)
	if !ok {
		return "", "is not a JSON object"
	}
	typ, err := text(obj, "type")
	if err != "" {
		return "type", err
	}
	if e.Kind = Kind(parse(kindNames[:], typ)); e.Kind == 0 {
		return "type", fmt.Sprintf("%q is not an event type: choose %s", typ, choices(kindNames[:]))
	}
	for k := range obj {
		if k != "type" && k != "date" && !slices.Contains(eventFields[e.Kind], k) {
			return unknownField(obj, e.Kind)
		}
	}
	if e.Date, err = day(obj, "date", true); err != "" {
		return "date", err
	}
	switch e.Kind {
	case FirstAppointmentDNA:
		if e.Rebooked, err = day(obj, "rebooked", false); err != "" {
			return "rebooked", err
		}
	case ClockStop:
		reason, err := text(obj, "reason")
		if err != "" {
			return "reason", err
		}
		if e.Reason = Reason(parse(reasonNames[:], reason)); e.Reason == 0 {
			return "reason", fmt.Sprintf("%q is not allowed: choose %s", reason, choices(reasonNames[:]))
		}
	case Transfer:
		kind, err := text(obj, "kind")
		if err != "" {
			return "kind", err
		}
		if e.Transfer = TransferKind(parse(transferNames[:], kind)); e.Transfer == 0 {
			return "kind", fmt.Sprintf("%q is not allowed: choose %s", kind, choices(transferNames[:]))
		}
		if e.Provider, err = text(obj, "provider"); err != "" {
			return "provider", err
		}
	}
	return "", ""
}

// unknownField names the first field (in sorted order) that kind does not have.
func unknownField(obj map[string]json.RawMessage, kind Kind) (string, string) {
	var unknown []string
	for k := range obj {
		if k != "type" && k != "date" && !slices.Contains(eventFields[kind], k) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	return fieldName(unknown[0]), fmt.Sprintf("%s events have no such field", kind)
}

func object(raw json.RawMessage) (map[string]json.RawMessage, bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return nil, false
	}
	return obj, true
}

// text reads a required, non-empty string field.
func text(obj map[string]json.RawMessage, k string) (string, string) {
	v, ok := obj[k]
	if !ok || isNull(v) {
		return "", "missing"
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return "", "must be a string"
	}
	if s == "" {
		return "", "missing"
	}
	return s, ""
}

// day reads a date field YYYY-MM-DD; an optional one may be absent or null.
func day(obj map[string]json.RawMessage, k string, required bool) (date.Date, string) {
	v, ok := obj[k]
	if !ok || isNull(v) {
		if required {
			return date.Date{}, "missing"
		}
		return date.Date{}, ""
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return date.Date{}, "must be a string"
	}
	d, err := date.Parse(s)
	if err != nil {
		return date.Date{}, err.Error()
	}
	if p := outOfRange(d); p != "" {
		return date.Date{}, p
	}
	return d, ""
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
