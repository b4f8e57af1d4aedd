package ehc

import (
	"slices"
	"strings"

	"joinedup/internal/date"
)

// history is a case's events grouped by type, each group in date order.
// Equal events sort on every field, so the input's order cannot change an answer.
type history struct {
	byType [numTypes][]Event
	starts []date.Date // distinct days of requests and of the council becoming responsible
}

func newHistory(events []Event) *history {
	h := &history{}
	var at [numTypes + 1]int // counting sort by type into one copy
	for _, e := range events {
		at[e.Type+1]++
	}
	for t := 1; t <= int(numTypes); t++ {
		at[t] += at[t-1]
	}
	all := make([]Event, len(events))
	next := at
	for _, e := range events {
		all[next[e.Type]] = e
		next[e.Type]++
	}
	for t := range h.byType {
		h.byType[t] = all[at[t]:at[t+1]:at[t+1]]
		slices.SortFunc(h.byType[t], compareEvents)
	}
	for _, t := range []Type{RequestReceived, LAResponsible} {
		for _, e := range h.byType[t] {
			h.starts = append(h.starts, e.Date)
		}
	}
	slices.SortFunc(h.starts, date.Date.Compare)
	h.starts = slices.Compact(h.starts)
	return h
}

func compareEvents(a, b Event) int {
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

func (h *history) of(t Type) []Event { return h.byType[t] }

// first returns the day of the earliest event of type t dated from from until
// before until (zero: no end) that ok accepts (nil: any), or zero if none.
func (h *history) first(t Type, from, until date.Date, ok func(*Event) bool) date.Date {
	for i := range h.byType[t] {
		e := &h.byType[t][i]
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

// nextStart is the first request (or council becoming responsible) after day d, or zero.
func (h *history) nextStart(d date.Date) date.Date {
	for _, s := range h.starts {
		if s.After(d) {
			return s
		}
	}
	return date.Date{}
}

// after is the first day after d among events (in date order), or zero.
func after(events []Event, d date.Date) date.Date {
	for _, e := range events {
		if e.Date.After(d) {
			return e.Date
		}
	}
	return date.Date{}
}
