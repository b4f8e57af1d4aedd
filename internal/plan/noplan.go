package plan

import (
	"context"
	"database/sql"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/ehc"
)

// NoPlanInput is the council's decision not to issue an EHC plan after the
// assessment: its reasons, as the family will read them, how its letter is
// sent and the mediation adviser the letter names.
type NoPlanInput struct {
	Reasons, Method, Adviser string
}

// DecideNoPlan records the council's decision not to issue an EHC plan
// (plan.issue): the clock's no_plan_decision dated today, the day it is
// notified (rule R4: within 16 weeks of the request, SEND Regs 2014 reg
// 10(1)-(3)), through casework.AddIn, and its decision letter with the right
// of appeal (CFA 2014 s51(2)(b)) through casework.IssueLetterIn, in one
// transaction. It is refused unless the assessment is under way and no final
// plan has been issued; every problem with the input is named at once, and
// nothing is stored. A version being written stays as it was, and can no
// longer be changed or issued.
func DecideNoPlan(ctx context.Context, d *db.DB, a access.Actor, childID string, in NoPlanInput) (casework.Event, casework.Letter, error) {
	var ev casework.Event
	var letter casework.Letter
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		// Access first: a child out of reach is missing, whatever the input.
		if _, err := access.Require(ctx, tx, a, access.PlanIssue, childID, now); err != nil {
			return err
		}
		v, err := read(ctx, tx, a, access.CaseEdit, childID, now)
		if err != nil {
			return err
		}
		if !v.CaseExists || v.Stage != casework.Assessing && v.Stage != casework.Draft {
			return apperr.Errorf(apperr.Conflict, "A decision not to issue an EHC plan is made after the council has decided to assess, and before the final plan is issued")
		}
		in.Reasons, in.Adviser = clean(in.Reasons), clean(in.Adviser)
		fs := apperr.Fields(casework.CheckLetterText(in.Reasons, in.Adviser))
		if !validMethod(in.Method) {
			fs.Add("method", "Choose how the letter is sent to the family")
		}
		if err := fs.Err("the decision cannot be recorded"); err != nil {
			return err
		}
		if ev, err = casework.AddIn(ctx, d, tx, a, childID, casework.Input{Type: ehc.NoPlanDecision.String(), Date: date.Today(now),
			Note: in.Reasons}); err != nil {
			return err
		}
		letter, err = casework.IssueLetterIn(ctx, d, tx, a, childID, casework.LetterInput{EventID: ev.ID, Method: in.Method,
			Adviser: in.Adviser, Reasons: in.Reasons, SentAt: now})
		return err
	})
	if err != nil {
		return casework.Event{}, casework.Letter{}, err
	}
	return ev, letter, nil
}
