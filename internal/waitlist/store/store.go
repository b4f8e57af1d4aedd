// Package store keeps children's health waiting lists: the pathways provider
// teams run, each child's referral and its events. Every read takes the actor,
// is filtered in SQL by access.Predicate (a child out of reach is never read)
// and is audited with the reason in the same transaction. Weeks waited and
// breaches are never stored: each read measures the events with the pure
// engine in internal/waitlist, at the census date it is given.
package store

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/waitlist"
)

// The services a pathway can be (migration 00014).
var Services = []string{"autism", "adhd", "neurodevelopmental", "salt", "ot", "physio", "camhs", "paediatrics"}

// Sources, priorities: what a referral records (migration 00014).
var (
	Sources    = []string{"gp", "school", "health_visitor", "paediatrician", "parent", "social_care", "other"}
	Priorities = []string{"urgent", "soon", "routine"}
)

// Pathway is a waiting list one provider team runs.
type Pathway struct {
	ID      string
	TeamID  string
	Team    string // the team's name (read only)
	Service string
	Regime  waitlist.Regime
	Name    string
}

// Referral is one child's referral to one pathway and everything since.
type Referral struct {
	ID             string
	PathwayID      string
	ChildID        string
	Source         string
	Received       date.Date
	Priority       string
	PriorityReason string
	// Events are those after the referral, in the order recorded; never a referral_received.
	Events []waitlist.Event
}

// history is the referral as the engine reads it: the referral first, then its events.
func (r *Referral) history(regime waitlist.Regime) waitlist.Pathway {
	events := make([]waitlist.Event, 0, len(r.Events)+1)
	events = append(events, waitlist.Event{Kind: waitlist.ReferralReceived, Date: r.Received})
	return waitlist.Pathway{ID: r.ID, Regime: regime, Events: append(events, r.Events...)}
}

var (
	pathwayCols  = []string{"id", "team_id", "service", "regime", "name", "created_at"}
	referralCols = []string{"id", "pathway_id", "child_id", "source", "received_on", "priority", "priority_reason", "created_at", "wait_status", "clock_start"}
	eventCols    = []string{"referral_id", "seq", "type", "happened_on", "rebooked_on", "reason", "kind", "provider", "recorded_by", "recorded_at"}
)

// LoadPathway validates p and queues it in a bulk load (the demo, imports).
func LoadPathway(ld *db.Loader, p Pathway, at time.Time) error {
	var fs apperr.Fields
	if p.ID == "" {
		fs.Add("id", "missing")
	}
	if p.TeamID == "" {
		fs.Add("team", "missing")
	}
	if !slices.Contains(Services, p.Service) {
		fs.Add("service", fmt.Sprintf("%q is not allowed: choose %s", p.Service, strings.Join(Services, ", ")))
	}
	if p.Regime != waitlist.RTT && p.Regime != waitlist.CHS {
		fs.Add("regime", "missing")
	}
	if strings.TrimSpace(p.Name) == "" {
		fs.Add("name", "missing")
	}
	if err := fs.Err("the pathway"); err != nil {
		return err
	}
	return ld.Add("waitlist_pathways", pathwayCols, p.ID, p.TeamID, p.Service, p.Regime.String(), p.Name, at.UTC())
}

// LoadReferral validates r (its fields, and its events with the engine as they
// stand at census) and queues it and its events in a bulk load. A referral the
// engine refuses is not loaded at all.
func LoadReferral(ld *db.Loader, r Referral, regime waitlist.Regime, census date.Date, by string, at time.Time) error {
	if err := r.check(regime, census); err != nil {
		return err
	}
	status, start, err := r.queue(regime)
	if err != nil {
		return err
	}
	if err := ld.Add("waitlist_referrals", referralCols, r.ID, r.PathwayID, r.ChildID, r.Source, r.Received,
		r.Priority, r.PriorityReason, at.UTC(), status, start); err != nil {
		return err
	}
	for i := range r.Events {
		if err := ld.Add("waitlist_events", eventCols, eventRow(r.ID, i+1, &r.Events[i], by, at)...); err != nil {
			return err
		}
	}
	return nil
}

func (r *Referral) check(regime waitlist.Regime, census date.Date) error {
	var fs apperr.Fields
	for _, f := range []struct{ name, v string }{{"id", r.ID}, {"pathway", r.PathwayID}, {"child", r.ChildID}} {
		if f.v == "" {
			fs.Add(f.name, "missing")
		}
	}
	if !slices.Contains(Sources, r.Source) {
		fs.Add("source", fmt.Sprintf("%q is not allowed: choose %s", r.Source, strings.Join(Sources, ", ")))
	}
	if !slices.Contains(Priorities, r.Priority) {
		fs.Add("priority", fmt.Sprintf("%q is not allowed: choose %s", r.Priority, strings.Join(Priorities, ", ")))
	}
	if strings.TrimSpace(r.PriorityReason) == "" {
		fs.Add("priority_reason", "missing: say why the referral has its priority")
	}
	for i, e := range r.Events {
		if e.Kind == waitlist.ReferralReceived {
			fs.Add(fmt.Sprintf("events[%d].type", i), "the referral is received once, on the referral itself")
		}
	}
	if err := fs.Err("the referral"); err != nil {
		return err
	}
	p := r.history(regime)
	_, err := waitlist.Measure(&p, census)
	return err
}

func eventRow(referralID string, seq int, e *waitlist.Event, by string, at time.Time) []any {
	var rebooked, reason, kind, provider any
	if !e.Rebooked.IsZero() {
		rebooked = e.Rebooked
	}
	if e.Kind == waitlist.ClockStop {
		reason = e.Reason.String()
	}
	if e.Kind == waitlist.Transfer {
		kind, provider = e.Transfer.String(), e.Provider
	}
	return []any{referralID, seq, e.Kind.String(), e.Date, rebooked, reason, kind, provider, by, at.UTC()}
}
