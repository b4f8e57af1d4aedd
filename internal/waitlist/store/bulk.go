package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/waitlist"
)

// MaxBulk is the most referrals one bulk transfer moves: a commissioner's batch
// for one provider, small enough that one transaction stays short.
const MaxBulk = 500

// BulkTransfer moves the chosen referrals to an independent provider as a
// commissioned transfer (the clock goes on) dated on, in one transaction: every
// referral must be one the actor may manage and one the engine accepts the
// transfer on, or nothing is moved and the error names the first that is not
// (referrals[i]). Each child's transfer is audited as AddEvent audits it.
func BulkTransfer(ctx context.Context, d *db.DB, a access.Actor, referralIDs []string, provider string, on, census date.Date) (int, error) {
	var fs apperr.Fields
	provider = strings.TrimSpace(provider)
	ids := slices.Compact(slices.Sorted(slices.Values(referralIDs)))
	switch {
	case len(ids) == 0:
		fs.Add("referrals", "choose at least one child to transfer")
	case len(ids) > MaxBulk:
		fs.Add("referrals", fmt.Sprintf("%d chosen: transfer at most %d at a time", len(ids), MaxBulk))
	}
	if provider == "" {
		fs.Add("provider", "enter the independent provider the children are transferred to")
	}
	if on.IsZero() {
		fs.Add("date", "enter the date of the transfer")
	} else if on.After(census) {
		fs.Add("date", fmt.Sprintf("%s is after today (%s): record a transfer that has happened", on, census))
	}
	if err := fs.Err("the transfer"); err != nil {
		return 0, err
	}
	now := db.Now()
	e := waitlist.Event{Kind: waitlist.Transfer, Date: on, Transfer: waitlist.Commissioned, Provider: provider}
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		for i, id := range ids {
			if _, _, err := addEventTx(ctx, d, tx, a, id, e, census, now); err != nil {
				var ae *apperr.Error
				if !errors.As(err, &ae) {
					return err
				}
				msg := ae.Message
				for _, f := range ae.Fields {
					msg += "; " + f.Name + ": " + f.Message
				}
				return &apperr.Error{Code: apperr.Invalid, Message: "no child was transferred",
					Fields: []apperr.Field{{Name: fmt.Sprintf("referrals[%d]", i), Message: "referral " + id + ": " + msg}}}
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(ids), nil
}

// Problem is one thing wrong with a waiting list that validation found.
type Problem struct {
	Kind       string // duplicate, moved_away, seen_elsewhere
	ReferralID string
	ChildID    string
	Name       string
	Detail     string
}

// Checks validates a pathway's waiting list, of the children the actor may see
// still waiting at census:
//   - duplicate: two records on the list for one child (the same NHS number, or
//     the same name and date of birth);
//   - moved_away: the child's postcode district is not in the partnership's
//     area (areaDistricts); no postcode at all is reported too;
//   - seen_elsewhere: the clock still runs though the child was seen after a
//     transfer to another provider, or had an assessment completed on another
//     of the team's lists.
//
// The read is audited once, as viewing the list is.
func Checks(ctx context.Context, d *db.DB, a access.Actor, pathwayID string, census date.Date) (Pathway, []Problem, error) {
	if _, ok := a.Can(access.CaseView); !ok || a.Kind != access.Staff {
		return Pathway{}, nil, apperr.Errorf(apperr.Forbidden, "your role does not include waiting lists")
	}
	now := db.Now()
	var p Pathway
	var out []Problem
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		out = nil
		var err error
		if p, err = pathway(ctx, tx, pathwayID); err != nil {
			return err
		}
		waiting, err := measured(ctx, tx, a, p, census, Filter{}, waitlist.Waiting, now)
		if err != nil {
			return err
		}
		if len(waiting) == 0 {
			_, err := audit.Append(ctx, d, tx, listEvent(a, "waitlist.check", p, now))
			return err
		}
		at := map[string]*Entry{}
		for i := range waiting {
			at[waiting[i].ReferralID] = &waiting[i]
		}
		districts, err := areaDistricts(ctx, tx)
		if err != nil {
			return err
		}
		// The children on the list, through the predicate again.
		cond, args := access.Predicate(a, access.CaseView, "r.child_id", now, 2)
		rows, err := tx.QueryContext(ctx, `SELECT r.id, r.child_id, c.given_name, c.family_name, c.date_of_birth, COALESCE(c.nhs_number, ''), COALESCE(c.postcode, '')
			FROM waitlist_referrals r JOIN children c ON c.id = r.child_id WHERE r.pathway_id = $1 AND `+cond+` ORDER BY c.family_name, c.given_name, r.id`,
			append([]any{p.ID}, args...)...)
		if err != nil {
			return err
		}
		type kid struct {
			ref, child, name, nhs, postcode string
			dob                             date.Date
		}
		var kids []kid
		for rows.Next() {
			var k kid
			var given, family string
			if err := rows.Scan(&k.ref, &k.child, &given, &family, &k.dob, &k.nhs, &k.postcode); err != nil {
				rows.Close()
				return err
			}
			if at[k.ref] == nil {
				continue // not waiting
			}
			k.name = given + " " + family
			kids = append(kids, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		byNHS, byNameDOB := map[string][]kid{}, map[string][]kid{}
		for _, k := range kids {
			if k.nhs != "" {
				byNHS[k.nhs] = append(byNHS[k.nhs], k)
			}
			key := strings.ToLower(k.name) + "|" + k.dob.String()
			byNameDOB[key] = append(byNameDOB[key], k)
		}
		dup := map[string]bool{}
		for _, group := range []map[string][]kid{byNHS, byNameDOB} {
			for _, ks := range group {
				if len(ks) < 2 {
					continue
				}
				for _, k := range ks {
					if dup[k.ref] {
						continue
					}
					dup[k.ref] = true
					out = append(out, Problem{"duplicate", k.ref, k.child, k.name,
						fmt.Sprintf("%d records on this list share this child's NHS number, or name and date of birth", len(ks))})
				}
			}
		}
		for _, k := range kids {
			switch {
			case k.postcode == "":
				out = append(out, Problem{"moved_away", k.ref, k.child, k.name, "no postcode is recorded: check where the child lives"})
			case !districts[district(k.postcode)]:
				out = append(out, Problem{"moved_away", k.ref, k.child, k.name, fmt.Sprintf("lives at %s, outside the partnership's area", k.postcode)})
			}
		}
		for _, k := range kids {
			events, err := eventsOf(ctx, tx, k.ref)
			if err != nil {
				return err
			}
			var transferred date.Date
			var provider string
			for _, e := range events {
				if e.Kind == waitlist.Transfer && !e.Date.After(census) {
					transferred, provider = e.Date, e.Provider
				}
				if e.Kind == waitlist.AppointmentAttended && !transferred.IsZero() && !e.Date.Before(transferred) && !e.Date.After(census) {
					out = append(out, Problem{"seen_elsewhere", k.ref, k.child, k.name,
						fmt.Sprintf("seen on %s after the transfer to %s, but the clock has not been stopped", e.Date.Time().Format("2 January 2006"), provider)})
					break
				}
			}
		}
		// Assessed on another of the team's lists.
		rows, err = tx.QueryContext(ctx, `SELECT r.child_id, o.name, e.happened_on FROM waitlist_referrals r
			JOIN waitlist_pathways o ON o.id = r.pathway_id JOIN waitlist_events e ON e.referral_id = r.id
			WHERE o.team_id = $1 AND o.id <> $2 AND e.type = 'clock_stop' AND e.reason = 'assessment_complete' AND e.happened_on <= $3
			AND r.child_id IN (SELECT child_id FROM waitlist_referrals WHERE pathway_id = $2)`, p.TeamID, p.ID, census)
		if err != nil {
			return err
		}
		assessed := map[string]string{}
		for rows.Next() {
			var child, name string
			var on date.Date
			if err := rows.Scan(&child, &name, &on); err != nil {
				rows.Close()
				return err
			}
			assessed[child] = fmt.Sprintf("assessment completed on the %s list on %s", name, on.Time().Format("2 January 2006"))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, k := range kids {
			if s, ok := assessed[k.child]; ok {
				out = append(out, Problem{"seen_elsewhere", k.ref, k.child, k.name, s})
			}
		}
		_, err = audit.Append(ctx, d, tx, listEvent(a, "waitlist.check", p, now))
		return err
	})
	if err != nil {
		return Pathway{}, nil, err
	}
	return p, out, nil
}

// areaDistricts are the postcode districts of the partnership's area: those
// where one of its organisations is, or where at least areaMinimum of its
// children live. A child alone in a district elsewhere has most likely moved.
func areaDistricts(ctx context.Context, tx *sql.Tx) (map[string]bool, error) {
	in := map[string]bool{}
	rows, err := tx.QueryContext(ctx, "SELECT postcode FROM organisations WHERE postcode IS NOT NULL")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var pc string
		if err := rows.Scan(&pc); err != nil {
			rows.Close()
			return nil, err
		}
		in[district(pc)] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	children := map[string]int{}
	rows, err = tx.QueryContext(ctx, "SELECT postcode FROM children WHERE postcode IS NOT NULL")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pc string
		if err := rows.Scan(&pc); err != nil {
			return nil, err
		}
		d := district(pc)
		children[d]++
		if children[d] >= areaMinimum {
			in[d] = true
		}
	}
	return in, rows.Err()
}

// areaMinimum is how many children must live in a district for it to count as
// part of the area without an organisation there.
const areaMinimum = 3

// district is a postcode's outward code ("WR11 4AB" is "WR11").
func district(postcode string) string {
	pc := strings.ToUpper(strings.TrimSpace(postcode))
	if i := strings.IndexByte(pc, ' '); i > 0 {
		return pc[:i]
	}
	if len(pc) > 3 {
		return pc[:len(pc)-3]
	}
	return pc
}
