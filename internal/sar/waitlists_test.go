package sar_test

import (
	"context"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/sar"
)

// A child's export holds the waiting lists they are on and what happened on
// them: Leo has waited for speech and language therapy since 15 February 2026
// (the demo refers him 280 days before 22 November) and went to his first
// appointment on 16 May.
func TestExportHoldsTheWaitingLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setUp(t, d)
		ar, err := sar.Export(context.Background(), d, w.daniel, w.leo, reason)
		must(t, err)
		a := unzip(t, ar)
		lists := a.rows(t, "waiting_lists")
		if !has(lists, map[string]any{"waiting_list": "Speech and language therapy", "rules": "chs", "received": "2026-02-15",
			"referred_by": "school", "priority": "routine", "child": "Leo Bennett"}) {
			t.Errorf("waiting lists: %v", lists)
		}
		events := a.rows(t, "waiting_list_events")
		if !has(events, map[string]any{"waiting_list": "Speech and language therapy", "event": "appointment_attended",
			"happened_on": "2026-05-16", "recorded_by": "demo"}) {
			t.Errorf("waiting list events: %v", events)
		}
		// A parent's own export has no such sections: the lists are the child's.
		parent, err := sar.Export(context.Background(), d, w.daniel, w.sarah.PersonID, reason)
		must(t, err)
		for _, n := range []string{"waiting_lists", "waiting_list_events"} {
			if _, ok := unzip(t, parent).section(t, n); ok {
				t.Errorf("a parent's export has a %s section", n)
			}
		}
	})
}
