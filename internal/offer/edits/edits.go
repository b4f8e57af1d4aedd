// Package edits is how providers keep the Local Offer fresh (issue 6, point
// 3): a provider's staff edit their own organisation's services; each edit
// waits, as a whole service document beside the live version it was made
// from, until a Local Offer editor approves it (the directory is rewritten in
// the same transaction, through offer.ImportThen) or returns it with
// comments. The live offer_* tables never hold an unapproved edit, so the
// public pages and /oruk show only approved versions. The rows of
// offer_service_edits are the history: who, when, what changed, who decided.
//
// A service has at most one open edit. Editing it again while it waits
// updates it (the editor has not decided, and a second queue entry for the
// same service would make them compare two drafts); editing a returned one
// closes it as resubmitted and starts a new pending edit, so the editor's
// comments stay in the history.
//
// This is organisational data, not a child's record: the child-record audit
// chain does not apply, and the edit rows record who did what.
package edits

import (
	"encoding/json"
	"time"

	"joinedup/internal/db"
	"joinedup/internal/offer"
)

// Statuses of an edit.
const (
	Pending     = "pending"     // waiting for an editor
	Returned    = "returned"    // sent back with comments; the provider may edit again
	Approved    = "approved"    // live
	Resubmitted = "resubmitted" // returned, then replaced by a new edit
)

// Edit is one provider's edit of a service and what became of it.
type Edit struct {
	ID             string
	ServiceID      string
	OrganizationID string
	Status         string
	Before, After  offer.Service // the live service when edited; the service as the provider wants it
	EditedBy       string
	EditedByName   string
	EditedAt       time.Time
	DecidedBy      string
	DecidedByName  string
	DecidedAt      time.Time
	Comments       string // the editor's, when returned
}

// Change is one field an edit changes.
type Change struct {
	Field, Label  string
	Before, After string
}

// Changes are the fields the edit changes, in the form's order.
func (e Edit) Changes() []Change { return Diff(e.Before, e.After) }

// Diff compares two versions of a service field by field, as the provider's
// form shows them, and lists the fields that differ.
func Diff(before, after offer.Service) []Change {
	b, a := FormOf(before), FormOf(after)
	var out []Change
	for _, fd := range Fields {
		if x, y := fd.Value(b), fd.Value(a); x != y {
			out = append(out, Change{Field: fd.Name, Label: fd.Label, Before: x, After: y})
		}
	}
	return out
}

// ReviewEvery is how long a provider's confirmation lasts: a service not
// confirmed for this long is stale and due for review.
const ReviewEvery = 3 // months

// ReviewBy is when a service last confirmed at checked is due for review.
func ReviewBy(checked time.Time) time.Time { return checked.AddDate(0, ReviewEvery, 0) }

func encode(s offer.Service) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic("edits: a service does not encode: " + err.Error())
	}
	return string(b)
}

func decode(doc string) (offer.Service, error) {
	var s offer.Service
	err := json.Unmarshal([]byte(doc), &s)
	return s, err
}

// LoadEdit queues an edit as it stands, for the demo's bulk load.
func LoadEdit(l *db.Loader, e Edit) error {
	var decided any
	if !e.DecidedAt.IsZero() {
		decided = e.DecidedAt.UTC()
	}
	return l.Add("offer_service_edits", []string{"id", "service_id", "organization_id", "status", "before_doc", "after_doc",
		"edited_by", "edited_by_name", "edited_at", "decided_by", "decided_by_name", "decided_at", "comments"},
		e.ID, e.ServiceID, e.OrganizationID, e.Status, encode(e.Before), encode(e.After), e.EditedBy, e.EditedByName,
		e.EditedAt.UTC(), null(e.DecidedBy), null(e.DecidedByName), decided, null(e.Comments))
}

func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}
