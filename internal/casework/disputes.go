package casework

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/google/uuid"

	"joinedup/internal/access"
	"joinedup/internal/appeal"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/date"
	"joinedup/internal/db"
)

// Steps after a decision letter, in the order they come (CFA 2014 ss51-55;
// SEND Regs 2014 Part 3 (mediation) and reg 44 (orders)).
const (
	AdviserContacted  = "adviser_contacted"  // the family told the mediation adviser whether they want mediation (s55(2))
	MediationHeld     = "mediation_held"     // with its outcome
	CertificateIssued = "certificate_issued" // the mediation certificate (s55(4)-(5))
	AppealRegistered  = "appeal_registered"  // the tribunal registered the appeal
	Hearing           = "hearing"            // the tribunal hearing
	TribunalDecision  = "tribunal_decision"  // the decision, with the order's kind (internal/appeal)
)

// StepWords name the steps.
var StepWords = map[string]string{
	AdviserContacted: "Family contacted the mediation adviser", MediationHeld: "Mediation held",
	CertificateIssued: "Mediation certificate issued", AppealRegistered: "Appeal registered by the tribunal",
	Hearing: "Tribunal hearing", TribunalDecision: "Tribunal decision",
}

// Steps lists them in order.
var Steps = []string{AdviserContacted, MediationHeld, CertificateIssued, AppealRegistered, Hearing, TribunalDecision}

// Outcomes each step may carry, in words.
var Outcomes = map[string][]Choice{
	AdviserContacted: {{"wants_mediation", "They want mediation"}, {"declined", "They do not want mediation"}},
	MediationHeld:    {{"agreed", "Agreement reached"}, {"partly_agreed", "Agreement on some issues"}, {"not_agreed", "No agreement"}},
}

// Choice is a coded value and its words.
type Choice struct{ Value, Text string }

func init() {
	for _, o := range appeal.Orders {
		Outcomes[TribunalDecision] = append(Outcomes[TribunalDecision], Choice{o.Kind, o.Words})
	}
}

// Step is one recorded step after a letter.
type Step struct {
	ID, LetterID  string
	Seq           int
	Step          string
	Date          date.Date
	Outcome, Note string
	RecordedBy    string
}

// StepInput is a new step as a form sends it.
type StepInput struct {
	Step, Outcome, Note string
	Date                date.Date
}

// needs says which earlier step each step needs.
var needs = map[string]string{MediationHeld: AdviserContacted, Hearing: AppealRegistered, TribunalDecision: AppealRegistered}

// AddStep records a step after the decision letter letterID. The field with
// a problem is named and nothing is stored.
func AddStep(ctx context.Context, d *db.DB, a access.Actor, childID, letterID string, in StepInput) (Step, error) {
	var s Step
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		dec, err := access.Require(ctx, tx, a, access.CaseEdit, childID, now)
		if err != nil {
			return err
		}
		letters, err := readLetters(ctx, tx, childID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(letters, func(l Letter) bool { return l.ID == letterID })
		if i < 0 {
			return apperr.Errorf(apperr.NotFound, "there is no such letter")
		}
		l := letters[i]
		if err := checkStep(l, in, date.Today(now)); err != nil {
			return err
		}
		s = Step{ID: uuid.NewString(), LetterID: l.ID, Seq: len(l.Steps) + 1, Step: in.Step, Date: in.Date, Outcome: in.Outcome,
			Note: cleanText(in.Note), RecordedBy: a.Name}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ehc_disputes (id, letter_id, child_id, seq, step, step_date, outcome, note, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, s.ID, l.ID, childID, s.Seq, s.Step, s.Date, null(s.Outcome), null(s.Note),
			a.PersonID, now.UTC()); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "ehc.dispute.add", "ehc_dispute", s.ID, childID, dec.Reason, now,
			audit.Change{Field: s.Step, New: strings.TrimSpace(words(s.Date) + " " + s.Outcome)})
	})
	if err != nil {
		return Step{}, err
	}
	return s, nil
}

// checkStep refuses a step that is unknown, undated, in the future, before the
// letter, before the step it follows, repeated, or with an outcome its kind
// does not have.
func checkStep(l Letter, in StepInput, today date.Date) error {
	bad := func(field, msg string) error {
		return &apperr.Error{Code: apperr.Invalid, Message: "the step cannot be recorded", Fields: []apperr.Field{{Name: field, Message: msg}}}
	}
	if !slices.Contains(Steps, in.Step) {
		return bad("step", "Choose what happened")
	}
	switch {
	case in.Date.IsZero():
		return bad("date", "Enter the date it happened")
	case in.Date.After(today):
		return bad("date", "The date cannot be in the future")
	case in.Date.Before(l.DecisionOn):
		return bad("date", "The date cannot be before the decision letter of "+words(l.DecisionOn))
	}
	if slices.ContainsFunc(l.Steps, func(s Step) bool { return s.Step == in.Step }) {
		return bad("step", StepWords[in.Step]+" is already recorded for this letter")
	}
	if need, ok := needs[in.Step]; ok {
		i := slices.IndexFunc(l.Steps, func(s Step) bool { return s.Step == need })
		if i < 0 || l.Steps[i].Date.After(in.Date) {
			return bad("date", StepWords[in.Step]+" needs "+strings.ToLower(StepWords[need][:1])+StepWords[need][1:]+" on or before its date")
		}
	}
	if in.Step == AppealRegistered && l.Kind != FinalPlanLetter && l.Kind != AmendedLetter && l.Certificate.IsZero() {
		// Only an appeal about section I (the school or other institution
		// named, the type specified, or that none is named: CFA 2014
		// s51(2)(c)(iii)-(iv)) may go without a certificate (s55).
		return bad("step", "An appeal against this decision needs a mediation certificate first (CFA 2014 s55): record the certificate")
	}
	if len(in.Note) > 2000 {
		return bad("note", "The note must be 2,000 characters or fewer")
	}
	opts, coded := Outcomes[in.Step]
	if coded && !slices.ContainsFunc(opts, func(c Choice) bool { return c.Value == in.Outcome }) {
		return bad("outcome", "Choose the outcome")
	}
	if !coded && in.Outcome != "" {
		return bad("outcome", StepWords[in.Step]+" has no outcome to choose")
	}
	return nil
}

// readSteps is every step after a child's letters, in order.
func readSteps(ctx context.Context, tx *sql.Tx, childID string) ([]Step, error) {
	rows, err := tx.QueryContext(ctx, `SELECT s.id, s.letter_id, s.seq, s.step, s.step_date, COALESCE(s.outcome, ''), COALESCE(s.note, ''),
		p.given_name || ' ' || p.family_name FROM ehc_disputes s JOIN people p ON p.id = s.recorded_by
		WHERE s.child_id = $1 ORDER BY s.letter_id, s.seq`, childID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Step
	for rows.Next() {
		var s Step
		if err := rows.Scan(&s.ID, &s.LetterID, &s.Seq, &s.Step, &s.Date, &s.Outcome, &s.Note, &s.RecordedBy); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
