package strictjson

import (
	"strings"
	"testing"
)

func TestList(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string // "" for no error, else a part of the message
	}{
		{`{"events": []}`, 0, ""},
		{`{"events": [{"type": "a"}, 1, "x"]}`, 3, ""},
		{` {"events":[{}]} ` + "\n", 1, ""},
		{``, 0, `the input is not {"events": [...]}: EOF`},
		{`[]`, 0, `the input is not {"events": [...]}`},
		{`{"events": [}`, 0, `the input is not {"events": [...]}: invalid character`},
		{`{"events": []} {"events": []}`, 0, `the input has more after {"events": [...]}`},
		{`{"events": [], "evnts": []}`, 0, `unknown field "evnts"`},
		{`{"b": 1, "a": 2}`, 0, `unknown field "a"`}, // named in order, whatever the map's
		{`{}`, 0, "events: missing"},
		{`{"events": null}`, 0, "events: missing"},
		{`{"events": 5}`, 0, `the input is not {"events": [...]}: json: cannot unmarshal number`},
	} {
		list, err := List(strings.NewReader(c.in), "events")
		switch {
		case c.want == "" && (err != nil || len(list) != c.n):
			t.Errorf("%q: %d items, %v; want %d", c.in, len(list), err, c.n)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%q: %v; want an error saying %q", c.in, err, c.want)
		}
	}
}
