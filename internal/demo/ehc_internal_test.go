package demo

import (
	"testing"

	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/ehc"
	"joinedup/internal/people"

	"github.com/google/uuid"
)

// Requests made in the last 30 weeks (few in the tiny demo, so drawn here
// many times): each a history a coordinator's form would accept, between them
// in progress, refused, drafted and ended with no plan.
func TestRequestHistories(t *testing.T) {
	r := newRNG(1, "test", "requests")
	today := date.Of(2026, 11, 22)
	c := &child{Child: people.Child{SENProvision: people.SENSupport, DateOfBirth: date.Of(2017, 5, 4)}, age: 9}
	stages := map[string]int{}
	for range 1000 {
		h := requestHistory(r, c, today)
		evs := make([]ehc.Event, len(h))
		for i := range h {
			evs[i] = h[i].Event
			if h[i].Date.After(today) {
				t.Errorf("an event after today: %+v", h[i])
			}
		}
		if err := casework.Check(evs); err != nil {
			t.Fatalf("%v: %+v", err, evs)
		}
		stages[casework.StageOf(evs)]++
	}
	for _, s := range []string{casework.Requested, casework.Assessing, casework.NotAssessed, casework.Draft, casework.NoPlan} {
		if stages[s] < 10 {
			t.Errorf("%d of 1,000 requests at %s: %v", stages[s], s, stages)
		}
	}
	if stages[casework.NotAssessed] > 400 || stages[casework.Plan] > 0 {
		t.Errorf("stages: %v", stages)
	}
}

// Demo ids are UUIDs of version 8 and the RFC's variant, unique, and in the
// order a stream makes them; the same stream makes the same ones.
func TestIDsAreOrderedUUIDs(t *testing.T) {
	a, b := newRNG(1, "area", "stage"), newRNG(1, "area", "stage")
	prev := ""
	seen := map[string]bool{}
	for i := 0; i < 10000; i++ {
		id := a.id()
		u, err := uuid.Parse(id)
		if err != nil || u.Version() != 8 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("id %d %s: version %d, variant %v, %v", i, id, u.Version(), u.Variant(), err)
		}
		if id <= prev || seen[id] {
			t.Fatalf("id %d %s does not sort after %s", i, id, prev)
		}
		if id != b.id() {
			t.Fatalf("id %d differs between two streams of the same name", i)
		}
		prev, seen[id] = id, true
	}
	if other := newRNG(1, "area", "another stage").id(); other[:8] == prev[:8] {
		t.Errorf("two streams share the prefix %s", other[:8])
	}
}
