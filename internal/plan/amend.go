package plan

// Amending a final plan (issue 4, point 4). The law we cite is the two rows
// of ../shared/standards/sen2/statutory-timescales.csv:
//
//	R15 "Proposed amendments: representations / school request", ">= 15 days",
//	    "beginning with day notice served", reg 22(2)(c)
//	R16 "Final amended plan", "<= 8 weeks", "date LA sent copy of plan + notice
//	    of proposed amendments (reg 22(2)(a))", reg 22(3); its note: "reg 22(4):
//	    decision not to amend after representations - notify with reasons (time
//	    limit text truncated in source; verify)"
//
// The coordinator proposes amendments as a new version copied from the final
// plan and edited section by section as drafts are; sending the notice
// records amendment_notice on the clock (casework.AddIn, in the same
// transaction) and opens the proposal to the family, who see what changes
// against the final plan and may comment and ask for a setting as with a
// draft; the amended plan is refused before the clock's R15 not-before date
// (read, never recomputed here) and, when issued, records amended_plan_issued
// and becomes the current final plan, its decision letter made in the same
// transaction. Before the notice the coordinator may withdraw the proposal
// (WithdrawAmendments), telling nobody: the family has not seen it. Once the
// notice is sent, the council may instead decide not to amend
// (DecideNotToAmend, reg 22(4)): the clock's no_amendment_decision,
// the proposal withdrawn and the decision letter, in one transaction; we
// hold the decision to R16's 8 weeks, reg 22(4)'s own words being truncated
// in what we hold [to verify]. R16's 8 weeks are shown, not enforced: a late
// plan or decision is a missed deadline, not a refusal. A proposal withdrawn
// keeps its row ('editing' in ehc_plans, withdrawn_at in its amendment,
// migration 00033) and reads as Withdrawn; the plan it would have amended
// stays in force.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/ehc"
	"joinedup/internal/notify"
)

// Amendment is what a version of proposed amendments holds beyond its sections.
type Amendment struct {
	Amends         string // the id of the final plan it amends
	AmendsVersion  int
	Reason         string    // why the plan is to be amended, as the coordinator gave it
	NoticeEventID  string    // the clock's amendment_notice, "" until the notice is sent
	NoticeOn       date.Date // that event's date, from the clock
	NoticeMethod   string
	NoticeDeemedOn date.Date
	Changes        []Change  // against the plan it amends, section by section
	NotBefore, Due date.Date // the clock's R15 and R16 for the notice, while sent and not issued
	// Withdrawn: before the notice, or by the decision not to amend after it (reg 22(4)).
	WithdrawnAt      time.Time // zero while not withdrawn
	WithdrawnBy      string    // a name
	WithdrawnReason  string    // the coordinator's reason, or the decision's reasons as the letter gives them
	DecisionEventID  string    // the clock's no_amendment_decision, when the notice had been sent
	DecidedOn        date.Date // that event's date, from the clock
	DecisionLetterID string    // its decision letter
}

// Withdrawn is the status of proposed amendments taken back, before the
// notice or by a decision not to amend after it. The version's row keeps
// 'editing' (migration 00033): Status is set from its amendment on every read.
const Withdrawn = "withdrawn"

// Decided reports whether the council decided not to amend after the notice (reg 22(4)).
func (am *Amendment) Decided() bool { return am != nil && am.DecisionEventID != "" }

// Sent reports whether the family has been sent the notice of the proposed amendments.
func (am *Amendment) Sent() bool { return am != nil && am.NoticeEventID != "" }

// Proposal is the proposed amendments not yet issued as the amended plan, or nil.
func (v View) Proposal() *Plan {
	if n := len(v.Versions); n > 0 && v.Versions[n-1].Amendment != nil && v.Versions[n-1].Status == Editing {
		return &v.Versions[n-1]
	}
	return nil
}

// OpenAmendment is the proposal once its notice is sent: the family may comment on it.
func (v View) OpenAmendment() *Plan {
	if p := v.Proposal(); p != nil && p.Amendment.Sent() {
		return p
	}
	return nil
}

// Open is what the family may comment on: the issued draft, or the
// proposed amendments sent; nil when there is neither.
func (v View) Open() *Plan {
	if dr := v.OpenDraft(); dr != nil {
		return dr
	}
	return v.OpenAmendment()
}

// Amended is the final plan the proposal amends, or nil.
func (v View) Amended() *Plan {
	p := v.Proposal()
	if p == nil {
		return nil
	}
	for i := range v.Versions {
		if v.Versions[i].ID == p.Amendment.Amends {
			return &v.Versions[i]
		}
	}
	return nil
}

// ProposedChanges are the proposal's changes against the final plan it amends.
func (v View) ProposedChanges() []Change {
	if p := v.Proposal(); p != nil {
		return p.Amendment.Changes
	}
	return nil
}

// LatestAmendment is the last version that amends a final plan, proposed or issued, or nil.
func (v View) LatestAmendment() *Plan {
	for i := len(v.Versions) - 1; i >= 0; i-- {
		if v.Versions[i].Amendment != nil {
			return &v.Versions[i]
		}
	}
	return nil
}

// amendmentDates fills each amendment's version number, its changes, its
// notice date, whether it was withdrawn (its Status) and the decision not to
// amend with its letter, and the proposal's R15 and R16 dates, from the
// case's events and the clock's deadlines: the R15 and R16 measured from the
// notice's own event.
func (v *View) amendmentDates(ctx context.Context, tx *sql.Tx, c casework.Case) error {
	byID := map[string]Plan{}
	for _, pl := range v.Versions {
		byID[pl.ID] = pl
	}
	dateOf := func(id string) date.Date {
		for _, e := range c.Events {
			if e.ID == id {
				return e.Date
			}
		}
		return date.Date{}
	}
	for i := range v.Versions {
		pl := &v.Versions[i]
		am := pl.Amendment
		if am == nil {
			continue
		}
		was := byID[am.Amends]
		am.AmendsVersion, am.Changes = was.Version, Changes(was, *pl)
		if !am.WithdrawnAt.IsZero() {
			pl.Status = Withdrawn
		}
		if am.DecisionEventID != "" {
			if am.DecidedOn = dateOf(am.DecisionEventID); am.DecidedOn.IsZero() {
				return fmt.Errorf("plan %s: its no_amendment_decision %s is not in the case", pl.ID, am.DecisionEventID)
			}
			var err error
			if am.DecisionLetterID, err = casework.LetterFor(ctx, tx, am.DecisionEventID); err != nil {
				return err
			}
		}
		if am.NoticeEventID == "" {
			continue
		}
		if am.NoticeOn = dateOf(am.NoticeEventID); am.NoticeOn.IsZero() {
			return fmt.Errorf("plan %s: its amendment_notice %s is not in the case", pl.ID, am.NoticeEventID)
		}
	}
	if p := v.Proposal(); p != nil && p.Amendment.Sent() {
		for _, dl := range c.Deadlines {
			switch {
			case dl.Rule == "R15" && dl.From == p.Amendment.NoticeOn:
				v.AmendNotBefore, p.Amendment.NotBefore = dl.NotBefore, dl.NotBefore
			case dl.Rule == "R16" && dl.From == p.Amendment.NoticeOn:
				v.AmendDue, p.Amendment.Due = dl.Due, dl.Due
			}
		}
		if v.AmendNotBefore.IsZero() {
			return fmt.Errorf("plan %s: the clock has no R15 for the notice of %s", p.ID, p.Amendment.NoticeOn)
		}
	}
	return nil
}

// Change is what proposed amendments change in one section: the rows of the
// final plan they take out, and the rows they put in (a row changed is both).
type Change struct {
	Section        Section
	Removed, Added []string
}

// Changes compares a proposal (after) with the final plan (before), section
// by section in the plan's order, each row as Line writes it; a section with
// no change is left out. Rows are matched as a multiset, so moving a row
// within a section is no change.
func Changes(before, after Plan) []Change {
	var out []Change
	for _, s := range Sections {
		var was, now []string
		if s.Shape == Placement {
			was, now = placementLines(before), placementLines(after)
		} else {
			for _, it := range before.In(s.Code) {
				was = append(was, Line(s.Shape, it))
			}
			for _, it := range after.In(s.Code) {
				now = append(now, Line(s.Shape, it))
			}
		}
		removed, added := without(was, now), without(now, was)
		if len(removed) > 0 || len(added) > 0 {
			out = append(out, Change{Section: s, Removed: removed, Added: added})
		}
	}
	return out
}

// without is the lines of a not matched, one for one, by a line of b.
func without(a, b []string) []string {
	left := map[string]int{}
	for _, l := range b {
		left[l]++
	}
	var out []string
	for _, l := range a {
		if left[l] > 0 {
			left[l]--
			continue
		}
		out = append(out, l)
	}
	return out
}

// placementLines is section I as one line to compare: the type and the name,
// either of which a final plan may leave out (CFA 2014 s40(2)); none when
// section I is empty.
func placementLines(p Plan) []string {
	if p.PlacementType == "" && p.SettingID == "" {
		return nil
	}
	name, typ := p.Setting, p.PlacementType
	if name == "" {
		name = p.SettingID
	}
	if name == "" {
		name = "none named"
	}
	if typ == "" {
		typ = "not specified"
	}
	return []string{fmt.Sprintf("Type: %s. Name: %s", typ, name)}
}

// Line writes a row of a section of the given shape as one line, with every
// field people compare: what, by when, who, how often, how long, when given.
func Line(shape string, it Item) string {
	switch shape {
	case Outcome:
		by := "no date"
		if !it.ByWhen.IsZero() {
			by = words(it.ByWhen)
		}
		return fmt.Sprintf("%s (by %s; steps: %s)", it.Body, by, orNot(it.Steps))
	case Provision:
		return fmt.Sprintf("%s (who: %s; how often: %s; for how long: %s)", it.Body, orNot(it.Who), orNot(it.HowOften), orNot(it.HowLong))
	case Advice:
		given := "no date"
		if !it.Given.IsZero() {
			given = words(it.Given)
		}
		return fmt.Sprintf("%s (given by %s, %s)", it.Body, orNot(it.Who), given)
	}
	return it.Body
}

func orNot(s string) string {
	if s == "" {
		return "not given"
	}
	return s
}

// proposal loads the proposed amendments being written, the child's plans
// and the audit reason for p, or a Conflict naming what to do first.
func proposal(ctx context.Context, tx *sql.Tx, a access.Actor, p access.Permission, childID string, now time.Time) (View, Plan, string, error) {
	pl, reason, err := working(ctx, tx, a, p, childID, now)
	if err != nil {
		return View{}, Plan{}, "", err
	}
	if pl.Amendment == nil {
		return View{}, Plan{}, "", apperr.Errorf(apperr.Conflict, "The version being written is %s, not proposed amendments", strings.ToLower(pl.Title()))
	}
	v, err := read(ctx, tx, a, access.CaseEdit, childID, now)
	return v, pl, reason, err
}

// ProposeAmendments starts proposed amendments to the child's final plan
// (case.edit): a new version copied from it, every section and the setting
// named, written section by section as a draft is (SaveSection,
// SavePlacement). It is refused while another version is being written and
// when the child has no final plan in force; reason, why the plan is to be
// amended, is needed.
func ProposeAmendments(ctx context.Context, d *db.DB, a access.Actor, childID, reason string) (Plan, error) {
	var pl Plan
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		dec, err := access.Require(ctx, tx, a, access.CaseEdit, childID, now)
		if err != nil {
			return err
		}
		v, err := read(ctx, tx, a, access.CaseEdit, childID, now)
		if err != nil {
			return err
		}
		if w := v.Working(); w != nil {
			return apperr.Errorf(apperr.Conflict, "%s is already being written: finish and issue it first", w.Title())
		}
		cur := v.Current()
		if cur == nil || cur.Kind != Final || v.Stage != casework.Plan {
			return apperr.Errorf(apperr.Conflict, "Amendments are proposed to a final plan in force: this child has none")
		}
		reason = clean(reason)
		switch {
		case len(reason) < 10:
			return (apperr.Fields{{Name: "reason", Message: "Say why the plan is to be amended, for example what the annual review found"}}).Err("the proposed amendments")
		case len(reason) > MaxText:
			return (apperr.Fields{{Name: "reason", Message: "The reason must be 10,000 characters or fewer"}}).Err("the proposed amendments")
		}
		pl = Plan{ID: uuid.NewString(), ChildID: childID, CaseID: cur.CaseID, Version: len(v.Versions) + 1, Kind: Final, Status: Editing,
			Items: cur.Items, PlacementType: cur.PlacementType, SettingID: cur.SettingID, Setting: cur.Setting, CreatedBy: a.Name, CreatedAt: now,
			Amendment: &Amendment{Amends: cur.ID, AmendsVersion: cur.Version, Reason: reason}}
		if err := insertVersion(ctx, tx, pl, a.PersonID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO ehc_plan_amendments (plan_id, amends_id, reason) VALUES ($1, $2, $3)",
			pl.ID, cur.ID, reason); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "plan.amend.start", pl.ID, childID, dec.Reason, now,
			audit.Change{Field: "version", New: fmt.Sprint(pl.Version)}, audit.Change{Field: "amends", New: fmt.Sprint(cur.Version)},
			audit.Change{Field: "reason", New: reason})
	})
	return pl, err
}

// SendAmendmentNotice sends the family the proposed amendments (plan.issue):
// the clock's amendment_notice is recorded with it, so R15's 15 days and
// R16's 8 weeks start (reg 22(2)-(3)), with how it was sent and when it is
// deemed received, and the family is told what they can do and by when.
// Refused, naming every problem and storing nothing, when the proposal
// changes nothing, when it would leave the plan incomplete (Check), or with
// no method; a Conflict when there is no proposal or it was sent already.
func SendAmendmentNotice(ctx context.Context, d *db.DB, a access.Actor, childID, method string) (Plan, error) {
	var pl Plan
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		today := date.Today(now)
		v, p, reason, err := proposal(ctx, tx, a, access.PlanIssue, childID, now)
		if err != nil {
			return err
		}
		pl = p
		if pl.Amendment.Sent() {
			return apperr.Errorf(apperr.Conflict, "The proposed amendments were sent to the family on %s: issue the amended plan once their 15 days have passed",
				words(pl.Amendment.NoticeOn))
		}
		fs := Check(pl)
		if len(v.ProposedChanges()) == 0 {
			fs.Add("changes", "The proposed amendments change nothing in the final plan: change a section before sending them")
		}
		if !validMethod(method) {
			fs.Add("method", "Choose how the proposed amendments are sent to the family")
		}
		if err := fs.Err("the proposed amendments cannot be sent"); err != nil {
			return err
		}
		ev, err := casework.AddIn(ctx, d, tx, a, childID, casework.Input{Type: ehc.AmendmentNotice.String(), Date: today,
			Note: "Proposed amendments sent from the plan document: " + pl.Amendment.Reason})
		if err != nil {
			return err
		}
		deemed, err := deemedReceived(method, now)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE ehc_plan_amendments SET notice_event_id = $1, notice_method = $2, notice_deemed_on = $3,
			notice_by = $4, notice_at = $5 WHERE plan_id = $6 AND notice_event_id IS NULL`, ev.ID, method, deemed, a.PersonID, now.UTC(), pl.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return apperr.Errorf(apperr.Conflict, "The proposed amendments were sent meanwhile by someone else")
		}
		if v, err = read(ctx, tx, a, access.CaseEdit, childID, now); err != nil { // the clock's R15 and R16 for this notice
			return err
		}
		pl = *v.Proposal()
		n, err := tellFamily(ctx, tx, childID, func(first string) notify.Message { return noticeMessage(first, pl, v.AmendNotBefore) })
		if err != nil {
			return err
		}
		return write(ctx, d, tx, a, "plan.amend.notice", pl.ID, childID, reason, now, audit.Change{Field: "method", New: method},
			audit.Change{Field: "deemed_on", New: words(deemed)}, audit.Change{Field: "not_before", New: words(v.AmendNotBefore)},
			audit.Change{Field: "messages", New: fmt.Sprint(n)})
	})
	if err != nil {
		return Plan{}, err
	}
	return pl, nil
}

// noticeMessage tells the family of the proposed amendments and their 15 days.
func noticeMessage(first string, pl Plan, notBefore date.Date) notify.Message {
	am := pl.Amendment
	return notify.Message{Reference: "ehc-plan:" + pl.ID,
		Subject: fmt.Sprintf("Proposed changes to %s's EHC plan", first),
		WhatChanged: fmt.Sprintf("The council proposes to amend %s's EHC plan: %s. The proposed changes were sent %s on %s and count as received on %s.",
			first, am.Reason, methodWords[am.NoticeMethod], words(am.NoticeOn), words(am.NoticeDeemedOn)),
		WhatToDo: fmt.Sprintf("You have at least 15 days, to the end of %s, to comment on the changes and to ask for a school or college to be named; "+
			"the council cannot issue the amended plan before %s. Sign in to joinedup to see each change and reply.", words(notBefore.AddDays(-1)), words(notBefore)),
	}
}

// AmendedReasons are the reasons an amended plan's letter gives unless the
// coordinator writes their own: why the plan was amended, the sections the
// amendments change, and what the amended plan now decides. The coordinator's
// reason is left out if, with it, the words would be too long for a letter.
func AmendedReasons(first string, am *Amendment) string {
	var codes []string
	for _, c := range am.Changes {
		codes = append(codes, c.Section.Code)
	}
	changed := "The amendments change the plan"
	switch {
	case len(codes) == 1:
		changed = "The amendments change section " + codes[0]
	case len(codes) > 1:
		changed = "The amendments change sections " + strings.Join(codes[:len(codes)-1], ", ") + " and " + codes[len(codes)-1]
	}
	rest := fmt.Sprintf("%s, as proposed to you on %s. The amended plan sets out %s's special educational needs (section B), "+
		"the special educational provision to meet them (section F) and the school or other institution named (section I) as they now stand.",
		changed, words(am.NoticeOn), first)
	why := ": " + strings.TrimSuffix(am.Reason, ".")
	if len(why)+len(rest) > MaxText-100 {
		why = ""
	}
	return fmt.Sprintf("The council has amended %s's EHC plan%s. %s", first, why, rest)
}

// IssueAmended issues the amended plan (plan.issue): refused, naming every
// problem, while Check finds any (as for the final plan), with no method,
// with no mediation adviser or reasons too long for its letter, or before
// the clock's R15 not-before date; a Conflict before the notice is sent. It
// records amended_plan_issued (which meets R15 and R16, reg 22(3)) and
// becomes the current final plan; its decision letter with the right of
// appeal against the plan's contents as amended (CFA 2014 s51(2)(c)) is made
// through casework.IssueLetterIn in the same transaction and sent the same
// way at the same moment, as the final plan's is: n is read as for
// IssueFinal, its reasons AmendedReasons' words when empty. A refusal stores
// nothing.
func IssueAmended(ctx context.Context, d *db.DB, a access.Actor, childID string, n Notice) (Plan, casework.Letter, error) {
	var pl Plan
	var letter casework.Letter
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		v, p, reason, err := proposal(ctx, tx, a, access.PlanIssue, childID, now)
		if err != nil {
			return err
		}
		pl = p
		if !pl.Amendment.Sent() {
			return apperr.Errorf(apperr.Conflict, "Send the family the proposed amendments first: they have at least 15 days to comment (reg 22(2)(c))")
		}
		fs := Check(pl)
		if !validMethod(n.Method) {
			fs.Add("method", "Choose how the plan is sent to the family")
		}
		first, err := firstName(ctx, tx, childID)
		if err != nil {
			return err
		}
		n.Reasons, n.Adviser = clean(n.Reasons), clean(n.Adviser)
		if n.Reasons == "" {
			n.Reasons = AmendedReasons(first, pl.Amendment)
		}
		fs = append(fs, casework.CheckLetterText(n.Reasons, n.Adviser)...)
		if err := fs.Err("the amended plan cannot be issued"); err != nil {
			return err
		}
		if today := date.Today(now); today.Before(v.AmendNotBefore) {
			return (apperr.Fields{{Name: "issued", Message: fmt.Sprintf(
				"The family has at least 15 days to comment on the proposed amendments (reg 22(2)(c), rule R15): the amended plan cannot be issued before %s",
				words(v.AmendNotBefore))}}).Err("the amended plan cannot be issued")
		}
		letter, err = markIssuedWithLetter(ctx, d, tx, a, &pl, childID, ehc.AmendedPlanIssued, n, reason, now)
		return err
	})
	if err != nil {
		return Plan{}, casework.Letter{}, err
	}
	return pl, letter, nil
}

// WithdrawAmendments takes back proposed amendments not yet sent to the
// family (case.edit), with the coordinator's reason: audited, the plan in
// force stays the final plan, nothing goes on the clock and nobody is told,
// the family never having seen them; new amendments can be proposed
// afterwards. Refused naming the reason when there is none; a Conflict when
// nothing is proposed, or the notice was sent: then the family must be told
// of the decision not to amend, with its reasons and their right of appeal
// (reg 22(4): DecideNotToAmend).
func WithdrawAmendments(ctx context.Context, d *db.DB, a access.Actor, childID, reason string) (Plan, error) {
	var pl Plan
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		_, p, why, err := proposal(ctx, tx, a, access.CaseEdit, childID, now)
		if err != nil {
			return err
		}
		pl = p
		if pl.Amendment.Sent() {
			return apperr.Errorf(apperr.Conflict, "The family was sent the proposed amendments on %s: decide not to amend the plan instead, so they are told why, "+
				"with their right of appeal (reg 22(4))", words(pl.Amendment.NoticeOn))
		}
		reason = clean(reason)
		switch {
		case len(reason) < 10:
			return (apperr.Fields{{Name: "reason", Message: "Say why the proposed amendments are withdrawn"}}).Err("the proposed amendments cannot be withdrawn")
		case len(reason) > MaxText:
			return (apperr.Fields{{Name: "reason", Message: "The reason must be 10,000 characters or fewer"}}).Err("the proposed amendments cannot be withdrawn")
		}
		if err := withdraw(ctx, tx, a, pl.ID, reason, "", now); err != nil {
			return err
		}
		if pl, err = reread(ctx, tx, a, childID, pl.ID, now); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "plan.amend.withdraw", pl.ID, childID, why, now, audit.Change{Field: "status", Old: Editing, New: Withdrawn},
			audit.Change{Field: "reason", New: reason})
	})
	if err != nil {
		return Plan{}, err
	}
	return pl, nil
}

// NoAmendInput is the council's decision not to amend the plan after the
// family was sent the proposed amendments: its reasons, as the family will
// read them, how its letter is sent and the mediation adviser it names.
type NoAmendInput struct {
	Reasons, Method, Adviser string
}

// DecideNotToAmend records the council's decision not to amend the plan
// after all, once the family has the notice of proposed amendments
// (plan.issue; SEND Regulations 2014 reg 22(4): it must tell them, with its
// reasons). In one transaction: the clock's no_amendment_decision dated
// today (which meets R16, due 8 weeks from the notice, and ends R15), the
// proposal withdrawn, its decision letter with the right of appeal (CFA
// 2014 s51(2)(e)) through casework.IssueLetterIn, and a message telling the
// family the plan stays as it was. The plan in force stays the one it would
// have amended, and new amendments can be proposed. Refused, naming every
// problem with the reasons, the method and the adviser and storing nothing;
// a Conflict when nothing is proposed, or the notice is not sent (withdraw
// the proposal instead: WithdrawAmendments).
func DecideNotToAmend(ctx context.Context, d *db.DB, a access.Actor, childID string, in NoAmendInput) (Plan, casework.Letter, error) {
	var pl Plan
	var letter casework.Letter
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		_, p, reason, err := proposal(ctx, tx, a, access.PlanIssue, childID, now)
		if err != nil {
			return err
		}
		pl = p
		if !pl.Amendment.Sent() {
			return apperr.Errorf(apperr.Conflict, "The family has not been sent the proposed amendments: withdraw them instead, with your reason")
		}
		in.Reasons, in.Adviser = clean(in.Reasons), clean(in.Adviser)
		fs := apperr.Fields(casework.CheckLetterText(in.Reasons, in.Adviser))
		if !validMethod(in.Method) {
			fs.Add("method", "Choose how the letter is sent to the family")
		}
		if err := fs.Err("the decision not to amend cannot be recorded"); err != nil {
			return err
		}
		ev, err := casework.AddIn(ctx, d, tx, a, childID, casework.Input{Type: ehc.NoAmendmentDecision.String(), Date: date.Today(now), Note: in.Reasons})
		if err != nil {
			return err
		}
		if err := withdraw(ctx, tx, a, pl.ID, in.Reasons, ev.ID, now); err != nil {
			return err
		}
		if letter, err = casework.IssueLetterIn(ctx, d, tx, a, childID, casework.LetterInput{EventID: ev.ID, Method: in.Method,
			Adviser: in.Adviser, Reasons: in.Reasons, SentAt: now}); err != nil {
			return err
		}
		v, err := read(ctx, tx, a, access.CaseEdit, childID, now)
		if err != nil {
			return err
		}
		for _, x := range v.Versions {
			if x.ID == pl.ID {
				pl = x
			}
		}
		cur := v.Current()
		n, err := tellFamily(ctx, tx, childID, func(first string) notify.Message { return noAmendMessage(first, pl, *cur) })
		if err != nil {
			return err
		}
		return write(ctx, d, tx, a, "plan.amend.no_amendment", pl.ID, childID, reason, now, audit.Change{Field: "status", Old: Editing, New: Withdrawn},
			audit.Change{Field: "reasons", New: in.Reasons}, audit.Change{Field: "method", New: in.Method},
			audit.Change{Field: "letter", New: letter.ID}, audit.Change{Field: "messages", New: fmt.Sprint(n)})
	})
	if err != nil {
		return Plan{}, casework.Letter{}, err
	}
	return pl, letter, nil
}

// withdraw marks the proposal id withdrawn by a, with its reason and, for a
// decision not to amend, the clock's event; a Conflict if someone else
// withdrew it meanwhile.
func withdraw(ctx context.Context, tx *sql.Tx, a access.Actor, id, reason, eventID string, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE ehc_plan_amendments SET withdrawn_at = $1, withdrawn_by = $2, withdrawn_reason = $3, decision_event_id = $4
		WHERE plan_id = $5 AND withdrawn_at IS NULL`, now.UTC(), a.PersonID, reason, null(eventID), id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return apperr.Errorf(apperr.Conflict, "The proposed amendments were withdrawn meanwhile by someone else")
	}
	return nil
}

// noAmendMessage tells the family the council will not make the changes it
// proposed, and that the plan in force stays as it was.
func noAmendMessage(first string, pl, cur Plan) notify.Message {
	am := pl.Amendment
	return notify.Message{Reference: "ehc-plan:" + pl.ID,
		Subject: fmt.Sprintf("%s's EHC plan will not be changed", first),
		WhatChanged: fmt.Sprintf("The council has decided not to make the changes to %s's EHC plan it proposed on %s. %s's plan stays as it was when issued on %s.",
			first, words(am.NoticeOn), first, words(cur.IssuedOn)),
		WhatToDo: "The decision letter, sent to you separately, gives the council's reasons and says how to appeal if you disagree. " +
			"Sign in to joinedup to read it and your child's plan.",
	}
}
