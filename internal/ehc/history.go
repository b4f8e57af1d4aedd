package ehc

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"joinedup/internal/date"
)

// history is a case's events grouped by type, each group in date order. It
// holds indices into the caller's events rather than copies: no pointers for the
// collector to follow, and the caller's slice is left as it was. Equal events
// sort on every field, so the input's order cannot change an answer.
type history struct {
	events []Event
	order  []int32           // indices of events, by type, then date, then every other field
	byType [numTypes][]int32 // order cut by type
	starts []date.Date       // distinct days of requests and of the council becoming responsible
	byDay  []ranked          // scratch for sort
	sorted []Deadline
}

// histories are reused: a caseload or a national run computes many in turn.
var histories = sync.Pool{New: func() any { return new(history) }}

func (h *history) load(events []Event) {
	h.events = events
	var at [numTypes + 1]int32 // a counting sort by type
	for _, e := range events {
		at[e.Type+1]++
	}
	for t := 1; t <= int(numTypes); t++ {
		at[t] += at[t-1]
	}
	h.order = slices.Grow(h.order[:0], len(events))[:len(events)]
	next := at
	for i, e := range events {
		h.order[next[e.Type]] = int32(i)
		next[e.Type]++
	}
	for t := range h.byType {
		h.byType[t] = h.order[at[t]:at[t+1]:at[t+1]]
		slices.SortFunc(h.byType[t], func(a, b int32) int { return compareEvents(&events[a], &events[b]) })
	}
	h.starts = h.starts[:0]
	for _, t := range []Type{RequestReceived, LAResponsible} {
		for _, i := range h.byType[t] {
			h.starts = append(h.starts, events[i].Date)
		}
	}
	slices.SortFunc(h.starts, date.Date.Compare)
	h.starts = slices.Compact(h.starts)
}

func (h *history) release() {
	h.events = nil // keep no reference to the caller's memory
	clear(h.byDay)
	clear(h.sorted)
	histories.Put(h)
}

// sort puts deadlines in order. It sorts pointers, as a Deadline is 192 bytes,
// and compares packed keys, as comparing dates one field at a time is slow.
func (h *history) sort(ds []Deadline) {
	h.byDay = h.byDay[:0]
	for i := range ds {
		h.byDay = append(h.byDay, ranked{rank(&ds[i]), &ds[i]})
	}
	slices.SortFunc(h.byDay, func(a, b ranked) int {
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		return compareDeadlines(a.d, b.d)
	})
	h.sorted = h.sorted[:0]
	for _, r := range h.byDay {
		h.sorted = append(h.sorted, *r.d)
	}
	copy(ds, h.sorted)
}

type ranked struct {
	key uint64 // the day it falls on, rule number and start: compareDeadlines's first three
	d   *Deadline
}

func rank(d *Deadline) uint64 {
	day := func(x date.Date) uint64 { return uint64(x.Time().Unix()/86400 + 1<<20) } // 1899–3000 in 21 bits
	return day(on(d))<<32 | uint64(number(d.Rule))<<22 | day(d.From)
}

func compareEvents(a, b *Event) int {
	if n := a.Date.Compare(b.Date); n != 0 {
		return n
	}
	if n := strings.Compare(a.Code, b.Code); n != 0 {
		return n
	}
	if n := strings.Compare(a.Contributor, b.Contributor); n != 0 {
		return n
	}
	if n := a.Received.Compare(b.Received); n != 0 {
		return n
	}
	return a.To.Compare(b.To)
}

// of returns the events of type t in date order.
func (h *history) of(t Type) []int32 { return h.byType[t] }

func (h *history) at(i int32) *Event { return &h.events[i] }

// first returns the day of the earliest event of type t dated from from until
// before until (zero: no end) that ok accepts (nil: any), or zero if none.
func (h *history) first(t Type, from, until date.Date, ok func(*Event) bool) date.Date {
	for _, i := range h.byType[t] {
		e := &h.events[i]
		if e.Date.Before(from) {
			continue
		}
		if !until.IsZero() && !e.Date.Before(until) {
			break
		}
		if ok == nil || ok(e) {
			return e.Date
		}
	}
	return date.Date{}
}

// lastStart is the last request (or council becoming responsible) on or before day d, or zero.
func (h *history) lastStart(d date.Date) date.Date {
	var last date.Date
	for _, s := range h.starts {
		if s.After(d) {
			break
		}
		last = s
	}
	return last
}

// nextStart is the first request (or council becoming responsible) after day d, or zero.
func (h *history) nextStart(d date.Date) date.Date {
	for _, s := range h.starts {
		if s.After(d) {
			return s
		}
	}
	return date.Date{}
}

// after is the first day after d among events of one type, or zero.
func (h *history) after(list []int32, d date.Date) date.Date {
	for _, i := range list {
		if h.events[i].Date.After(d) {
			return h.events[i].Date
		}
	}
	return date.Date{}
}
