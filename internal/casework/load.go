package casework

import (
	"fmt"
	"time"

	"joinedup/internal/db"
	"joinedup/internal/ehc"
)

// Check runs on a whole history the checks Add runs before storing an event:
// the clock's validation and the order rules. A bulk load calls it, so
// loaded histories obey what the forms do.
func Check(events []ehc.Event) error {
	if err := ehc.Validate(events); err != nil {
		return err
	}
	if i, err := checkOrder(events); err != nil {
		return fmt.Errorf("event %d (%s): %w", i, events[i].Type, err)
	}
	return nil
}

// Loaded is a case as a bulk load (the demo, an import) writes it: its
// events in the order they were recorded, all recorded by RecordedBy at At.
type Loaded struct {
	ID, ChildID, TeamID string
	RecordedBy          string // a person id
	At                  time.Time
	Events              []Event
}

var caseColumns = []string{"id", "child_id", "team_id", "opened_on", "stage", "clock", "next_due", "open_deadlines", "created_at"}

// Load checks a case's history and queues the case and its events in a bulk load.
func Load(ld *db.Loader, k Loaded) error {
	evs := clockEvents(k.Events)
	if len(evs) == 0 || (evs[0].Type != ehc.RequestReceived && evs[0].Type != ehc.LAResponsible) {
		return fmt.Errorf("case %s: a case opens with a request or the council becoming responsible", k.ID)
	}
	if err := Check(evs); err != nil {
		return fmt.Errorf("case %s: %w", k.ID, err)
	}
	o, _, err := outlookOf(evs, nil)
	if err != nil {
		return fmt.Errorf("case %s: %w", k.ID, err)
	}
	if err := ld.Add("ehc_cases", caseColumns, k.ID, k.ChildID, k.TeamID, evs[0].Date, StageOf(evs), pack(evs), o.next, o.open, k.At.UTC()); err != nil {
		return err
	}
	for i, e := range k.Events {
		e.Seq, e.RecordedAt = i+1, k.At
		if err := ld.Add("ehc_events", EventColumns, e.row(k.ID, k.RecordedBy)...); err != nil {
			return err
		}
	}
	return nil
}
