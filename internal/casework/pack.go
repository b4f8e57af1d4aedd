package casework

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"joinedup/internal/date"
	"joinedup/internal/ehc"
)

// A case's events as the clock reads them are also kept packed in one column
// of the case (ehc_cases.clock), rewritten with every event in the same
// transaction. A caseload then reads one short text a case instead of every
// event row, which is most of its cost; ehc_events stays the record (who,
// when, notes, channel). Fields are separated by \x1f and events by \x1e,
// which input never holds (cleanText strips control characters).
const (
	fieldSep = "\x1f"
	eventSep = "\x1e"
)

// pack writes events in the packed form: type number, date, to, received
// (YYYY-MM-DD or empty), code, contributor.
func pack(events []ehc.Event) string {
	var b strings.Builder
	for i, e := range events {
		if i > 0 {
			b.WriteString(eventSep)
		}
		b.WriteString(strconv.Itoa(int(e.Type)))
		for _, d := range []date.Date{e.Date, e.To, e.Received} {
			b.WriteString(fieldSep)
			if !d.IsZero() {
				b.WriteString(d.String())
			}
		}
		b.WriteString(fieldSep + e.Code + fieldSep + e.Contributor)
	}
	return b.String()
}

// unpack appends the events packed in s to dst.
func unpack(s string, dst []ehc.Event) ([]ehc.Event, error) {
	for s != "" {
		var one string
		one, s, _ = strings.Cut(s, eventSep)
		var f [6]string
		for i := range f {
			if i == len(f)-1 {
				f[i] = one
				break
			}
			var ok bool
			if f[i], one, ok = strings.Cut(one, fieldSep); !ok {
				return dst, fmt.Errorf("packed event %q: %d fields, want 6", f[0], i+1)
			}
		}
		t, err := strconv.Atoi(f[0])
		if err != nil || t < 1 || t > 255 {
			return dst, fmt.Errorf("packed event type %q", f[0])
		}
		e := ehc.Event{Type: ehc.Type(t), Code: f[4], Contributor: f[5]}
		for i, into := range []*date.Date{&e.Date, &e.To, &e.Received} {
			if f[i+1] == "" {
				continue
			}
			if *into, err = ymd(f[i+1]); err != nil {
				return dst, err
			}
		}
		dst = append(dst, e)
	}
	return dst, nil
}

// ymd reads YYYY-MM-DD without the generality of time.Parse: a caseload reads thousands.
func ymd(s string) (date.Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return date.Date{}, fmt.Errorf("packed date %q", s)
	}
	n := func(p string) int {
		v := 0
		for _, c := range []byte(p) {
			v = v*10 + int(c-'0')
		}
		return v
	}
	return date.Of(n(s[:4]), time.Month(n(s[5:7])), n(s[8:])), nil
}

// cleanText removes control characters from free text a person typed.
func cleanText(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s))
}
