package casework

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/access"
	"joinedup/internal/appeal"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/ehc"
	"joinedup/internal/notify"
)

// Letter kinds: every decision a family may appeal to the First-tier
// Tribunal (SEND) under CFA 2014 s51(2), as LetterBasis cites it: (a) not
// to assess, (b) not to issue a plan after the assessment, (c) the needs,
// provision and school or institution a plan names, (e) not to amend a plan
// following a review or re-assessment, (f) ceasing a plan. A decision not to
// amend after proposing amendments (reg 22(4)) is given the right of appeal
// under (e) whatever led to the proposal [to verify: (e) names a review or
// re-assessment under s44; most proposals follow one, and the tribunal, not
// the council, decides what it may hear].
const (
	RefuseAssessment = "refuse_assessment" // s51(2)(a); SEND Regs reg 5(3)
	NoPlanLetter     = "no_plan"           // s51(2)(b); reg 10(2)
	FinalPlanLetter  = "final_plan"        // s51(2)(c), when first finalised (s51(3)(a)); reg 13
	AmendedLetter    = "amended_plan"      // s51(2)(c), following an amendment (s51(3)(b)); reg 22(3)
	NoAmendLetter    = "no_amendment"      // s51(2)(e); reg 22(4)
	CeaseLetter      = "cease"             // s51(2)(f); regs 31-32
)

// LetterWords are each kind's decision, as the letter states it.
var LetterWords = map[string]string{
	RefuseAssessment: "not to carry out an EHC needs assessment",
	NoPlanLetter:     "not to issue an EHC plan after the assessment",
	FinalPlanLetter:  "to issue the final EHC plan, with the needs, provision and school or other institution it describes",
	AmendedLetter:    "to issue the amended EHC plan, with the needs, provision and school or other institution it describes",
	NoAmendLetter:    "not to amend the EHC plan after proposing amendments to it: the plan stays as it was",
	CeaseLetter:      "to stop maintaining the EHC plan",
}

// LetterBasis is each kind's legal basis for the right of appeal, with the
// rule of ../shared/standards/sen2/statutory-timescales.csv that requires
// the notice (R1, R4, R21) where there is one.
var LetterBasis = map[string]string{
	RefuseAssessment: "R1: CFA 2014 s36(5) and s51(2)(a); SEND Regs 2014 reg 5(3)",
	NoPlanLetter:     "R4: CFA 2014 s51(2)(b); SEND Regs 2014 reg 10(2)",
	FinalPlanLetter:  "CFA 2014 s51(2)(c); SEND Regs 2014 reg 13",
	AmendedLetter:    "CFA 2014 s51(2)(c) and s51(3)(b); SEND Regs 2014 reg 22(3)",
	NoAmendLetter:    "R16: CFA 2014 s51(2)(e); SEND Regs 2014 reg 22(4)",
	CeaseLetter:      "R21: CFA 2014 s45 and s51(2)(f); SEND Regs 2014 reg 31",
}

// letterKind is the kind of letter an event's decision needs, "" for none.
func letterKind(e ehc.Event) string {
	switch {
	case e.Type == ehc.AssessmentDecision && e.Code != ehc.Assess:
		return RefuseAssessment
	case e.Type == ehc.NoPlanDecision:
		return NoPlanLetter
	case e.Type == ehc.FinalPlanIssued:
		return FinalPlanLetter
	case e.Type == ehc.AmendedPlanIssued:
		return AmendedLetter
	case e.Type == ehc.NoAmendmentDecision:
		return NoAmendLetter
	case e.Type == ehc.ReviewDecision && e.Code == ehc.Cease:
		return CeaseLetter
	}
	return ""
}

// Appealable are a case's events that need a decision letter, with those
// already sent marked, for the form.
func Appealable(c Case, sent []Letter) []Event {
	var out []Event
	for _, e := range c.Events {
		if letterKind(e.Event) != "" && !slices.ContainsFunc(sent, func(l Letter) bool { return l.EventID == e.ID }) {
			out = append(out, e)
		}
	}
	return out
}

// Letter is a decision letter, how it was served, and what followed it.
type Letter struct {
	ID, ChildID, EventID, Kind string
	DecisionOn                 date.Date // the date of the notice: the appeal period runs from it
	Reasons, Adviser, Method   string
	SentAt                     time.Time
	DeemedOn                   date.Date
	IssuedBy                   string
	Steps                      []Step
	// Worked out from the above on every read, never stored.
	AppealBy     appeal.Deadline
	Certificate  date.Date        // the mediation certificate's date, when one was issued
	CertDue      *appeal.Deadline // when the adviser has been told and no certificate is issued yet
	Compliance   []appeal.Deadline
	Order        string
	AppealLodged bool
}

// LetterInput is what staff send to issue a letter.
type LetterInput struct {
	EventID, Method, Adviser, Reasons string
	SentAt                            time.Time
}

// IssueLetter writes the decision letter for one of the case's appealable
// events, records how it was sent and when it is deemed received, and
// writes an email to everyone who decides for the child in the same
// transaction: the family is always told, whatever the method.
func IssueLetter(ctx context.Context, d *db.DB, a access.Actor, childID string, in LetterInput) (Letter, error) {
	var l Letter
	err := d.Transact(ctx, func(tx *sql.Tx) (err error) {
		l, err = IssueLetterIn(ctx, d, tx, a, childID, in)
		return err
	})
	if err != nil {
		return Letter{}, err
	}
	return l, nil
}

// IssueLetterIn is IssueLetter inside a transaction the caller holds, for a
// change whose decision letter must stand or fall with it (package plan: the
// final plan and its letter, a decision not to issue one and its letter). On
// an error the caller must roll back.
func IssueLetterIn(ctx context.Context, d *db.DB, tx *sql.Tx, a access.Actor, childID string, in LetterInput) (Letter, error) {
	var l Letter
	err := func() error {
		now := db.Now()
		dec, err := access.Require(ctx, tx, a, access.CaseEdit, childID, now)
		if err != nil {
			return err
		}
		c, err := read(ctx, tx, a, access.CaseEdit, childID, now)
		if err != nil {
			return err
		}
		var bad []apperr.Field
		i := slices.IndexFunc(c.Events, func(e Event) bool { return e.ID == in.EventID })
		var ev Event
		if i < 0 || letterKind(c.Events[i].Event) == "" {
			bad = append(bad, apperr.Field{Name: "event", Message: "Choose the decision the letter is about"})
		} else {
			ev = c.Events[i]
		}
		if !slices.Contains(appeal.Methods, in.Method) {
			bad = append(bad, apperr.Field{Name: "method", Message: "Choose how the letter is sent"})
		}
		switch {
		case in.SentAt.IsZero():
			bad = append(bad, apperr.Field{Name: "sent", Message: "Enter the date the letter is sent"})
		case in.SentAt.After(now.Add(time.Minute)):
			bad = append(bad, apperr.Field{Name: "sent", Message: "The date sent cannot be in the future"})
		case ev.ID != "" && date.Today(in.SentAt).Before(ev.Date):
			bad = append(bad, apperr.Field{Name: "sent", Message: "The letter cannot be sent before the decision, made on " + words(ev.Date)})
		case !appeal.Covered(date.Today(in.SentAt)):
			bad = append(bad, apperr.Field{Name: "sent", Message: "joinedup has no bank holidays for that year, so cannot say when it is received"})
		}
		reasons, adviser := cleanText(in.Reasons), cleanText(in.Adviser)
		bad = append(bad, CheckLetterText(reasons, adviser)...)
		if len(bad) > 0 {
			return &apperr.Error{Code: apperr.Invalid, Message: "the letter cannot be sent", Fields: bad}
		}
		var exists int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM ehc_letters WHERE event_id = $1", ev.ID).Scan(&exists); err != nil {
			return err
		}
		if exists > 0 {
			return apperr.Errorf(apperr.Conflict, "a letter for this decision has already been sent")
		}
		deemed, err := appeal.DeemedReceived(in.Method, in.SentAt)
		if err != nil {
			return err
		}
		l = Letter{ID: uuid.NewString(), ChildID: childID, EventID: ev.ID, Kind: letterKind(ev.Event), DecisionOn: date.Today(in.SentAt),
			Reasons: reasons, Adviser: adviser, Method: in.Method, SentAt: in.SentAt, DeemedOn: deemed, IssuedBy: a.Name}
		l.work()
		to, err := familyEmails(ctx, tx, childID)
		if err != nil {
			return err
		}
		if len(to) == 0 && (in.Method == appeal.Email || in.Method == appeal.Portal) {
			return &apperr.Error{Code: apperr.Invalid, Message: "the letter cannot be sent", Fields: []apperr.Field{{Name: "method",
				Message: "Nobody who decides for the child has an email address: send the letter by post or by hand, so they are told"}}}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ehc_letters (id, child_id, case_id, event_id, kind, decision_on, reasons, adviser, method,
			sent_at, deemed_on, issued_by, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			l.ID, childID, c.ID, ev.ID, l.Kind, l.DecisionOn, reasons, adviser, in.Method, in.SentAt.UTC(), deemed, a.PersonID, now.UTC()); err != nil {
			return err
		}
		first, _, _ := strings.Cut(c.ChildName, " ")
		for _, addr := range to {
			if _, err := notify.Enqueue(ctx, tx, notify.Message{
				To:      addr,
				Subject: fmt.Sprintf("The council's decision about %s's special educational needs", first),
				WhatChanged: fmt.Sprintf("The council has decided %s for %s. The letter giving the reasons was sent %s on %s and says how to appeal.",
					LetterWords[l.Kind], first, methodWords[in.Method], words(l.DecisionOn)),
				WhatToDo: fmt.Sprintf("If you disagree, you can appeal to the First-tier Tribunal (SEND) until %s. Before appealing you must contact the mediation adviser (unless the appeal is only about the school or other institution the plan names, the type it specifies, or that it names none): %s.",
					words(l.AppealBy.Due), adviser),
				Reference: "ehc-letter:" + l.ID,
			}); err != nil {
				return err
			}
		}
		return write(ctx, d, tx, a, "ehc.letter.issue", "ehc_letter", l.ID, childID, dec.Reason, now,
			audit.Change{Field: "kind", New: l.Kind}, audit.Change{Field: "method", New: in.Method},
			audit.Change{Field: "deemed_on", New: words(deemed)}, audit.Change{Field: "messages", New: fmt.Sprint(len(to))})
	}()
	if err != nil {
		return Letter{}, err
	}
	return l, nil
}

// CheckLetterText names what is wrong with a letter's reasons and its
// mediation adviser (fields "reasons" and "adviser"), for a caller that
// checks them with its own input before issuing the letter in its change.
func CheckLetterText(reasons, adviser string) []apperr.Field {
	var bad []apperr.Field
	if len(strings.TrimSpace(reasons)) < 20 {
		bad = append(bad, apperr.Field{Name: "reasons", Message: "Give the reasons for the decision, as the family will read them"})
	} else if len(reasons) > 10000 {
		bad = append(bad, apperr.Field{Name: "reasons", Message: "The reasons must be 10,000 characters or fewer"})
	}
	if len(strings.TrimSpace(adviser)) < 10 || len(adviser) > 500 {
		bad = append(bad, apperr.Field{Name: "adviser", Message: "Give the mediation adviser's name and how to contact them, in 500 characters or fewer"})
	}
	return bad
}

var methodWords = map[string]string{appeal.Email: "by email", appeal.Post: "by first class post", appeal.Portal: "on joinedup", appeal.Hand: "by hand"}

// familyEmails are the addresses of everyone who decides for the child: those
// with parental responsibility, and the young person with their own account.
func familyEmails(ctx context.Context, tx *sql.Tx, childID string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT p.email FROM family_links fl JOIN people p ON p.id = fl.person_id
		WHERE fl.child_id = $1 AND fl.parental_responsibility = $2 AND p.email IS NOT NULL AND p.disabled_at IS NULL
		UNION SELECT p.email FROM children c JOIN people p ON p.id = c.person_id WHERE c.id = $1 AND p.email IS NOT NULL ORDER BY 1`, childID, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// work fills in what the stored letter and its steps imply: the appeal
// deadline (later of two months from the notice or one month from the
// certificate), the certificate's 3 working days, and an order's deadlines.
func (l *Letter) work() {
	var told, held date.Date
	for _, s := range l.Steps {
		switch s.Step {
		case AdviserContacted:
			told = s.Date
		case MediationHeld:
			held = s.Date
		case CertificateIssued:
			l.Certificate = s.Date
		case AppealRegistered:
			l.AppealLodged = true
		case TribunalDecision:
			l.Order = s.Outcome
			l.Compliance, _ = appeal.Compliance(s.Outcome, s.Date)
		}
	}
	l.AppealBy = appeal.AppealBy(l.DecisionOn, l.Certificate)
	if l.Certificate.IsZero() {
		from := told
		if !held.IsZero() {
			from = held
		}
		if !from.IsZero() {
			if due, err := appeal.CertificateBy(from); err == nil {
				l.CertDue = &due
			}
		}
	}
}

// readLetters is a child's letters with their steps, newest first.
func readLetters(ctx context.Context, tx *sql.Tx, childID string) ([]Letter, error) {
	rows, err := tx.QueryContext(ctx, `SELECT l.id, l.event_id, l.kind, l.decision_on, l.reasons, l.adviser, l.method, l.sent_at, l.deemed_on,
		p.given_name || ' ' || p.family_name FROM ehc_letters l JOIN people p ON p.id = l.issued_by
		WHERE l.child_id = $1 ORDER BY l.sent_at DESC, l.id`, childID)
	if err != nil {
		return nil, err
	}
	var out []Letter
	for rows.Next() {
		l := Letter{ChildID: childID}
		if err := rows.Scan(&l.ID, &l.EventID, &l.Kind, &l.DecisionOn, &l.Reasons, &l.Adviser, &l.Method, &l.SentAt, &l.DeemedOn, &l.IssuedBy); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	steps, err := readSteps(ctx, tx, childID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		for _, s := range steps {
			if s.LetterID == out[i].ID {
				out[i].Steps = append(out[i].Steps, s)
			}
		}
		out[i].work()
	}
	return out, nil
}

// FindLetter is the letter with id among a case's letters; NotFound otherwise.
func (c Case) FindLetter(id string) (Letter, error) {
	for _, l := range c.Letters {
		if l.ID == id {
			return l, nil
		}
	}
	return Letter{}, apperr.Errorf(apperr.NotFound, "there is no such letter")
}

// readFlow adds a case's online requests and letters to a read in progress;
// a family is not shown staff's own notes on the steps after a letter.
func readFlow(ctx context.Context, tx *sql.Tx, c *Case, p access.Permission) (err error) {
	if c.Requests, err = readRequests(ctx, tx, c.ChildID); err != nil {
		return err
	}
	if c.Letters, err = readLetters(ctx, tx, c.ChildID); err != nil {
		return err
	}
	if p == access.FamilyView {
		for i := range c.Letters {
			for j := range c.Letters[i].Steps {
				c.Letters[i].Steps[j].Note, c.Letters[i].Steps[j].RecordedBy = "", ""
			}
		}
	}
	return nil
}
