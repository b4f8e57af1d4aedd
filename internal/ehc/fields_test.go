package ehc

import (
	"encoding/json"
	"strings"
	"testing"
)

// Fields describes exactly what Decode (the clock's own JSON) accepts: an
// event of every type with every field Fields lists decodes, without an
// optional one it still decodes, without a required one it is refused naming
// it, and a field Fields does not list is refused.
func TestFieldsAreWhatDecodeAccepts(t *testing.T) {
	decode := func(obj map[string]string) error {
		b, _ := json.Marshal(map[string]any{"events": []any{obj}})
		_, err := Decode(strings.NewReader(string(b)))
		return err
	}
	if len(Types()) != 17 {
		t.Fatalf("%d types, want the 15 of issue 4's table, advice_withdrawn and no_amendment_decision", len(Types()))
	}
	for _, typ := range Types() {
		full := map[string]string{"type": typ.String()}
		for _, f := range typ.Fields() {
			switch {
			case f.Date:
				full[f.Name] = "2026-03-02"
			case f.Codes != nil:
				full[f.Name] = f.Codes[0]
			default:
				full[f.Name] = "Educational psychology service"
			}
		}
		if typ == Exception { // the first reason is setting_closure, which names no contributor
			delete(full, "contributor")
		}
		if err := decode(full); err != nil {
			t.Errorf("%s with every field: %v", typ, err)
		}
		for _, f := range typ.Fields() {
			less := map[string]string{}
			for k, v := range full {
				if k != f.Name {
					less[k] = v
				}
			}
			err := decode(less)
			if f.Optional && err != nil {
				t.Errorf("%s without the optional %s: %v", typ, f.Name, err)
			}
			if !f.Optional && (err == nil || !strings.Contains(err.Error(), "events[0]."+f.Name)) {
				t.Errorf("%s without the required %s: %v", typ, f.Name, err)
			}
		}
		full["recieved"] = "2026-03-02"
		if err := decode(full); err == nil || !strings.Contains(err.Error(), "recieved") {
			t.Errorf("%s with a field it does not have: %v", typ, err)
		}
	}
	if Type(0).Fields() != nil || numTypes.Fields() != nil {
		t.Error("a type that does not exist has fields")
	}
}
