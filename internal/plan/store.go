package plan

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/access"
	"joinedup/internal/advice"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/ehc"
)

// MaxText is the longest paragraph or field accepted.
const MaxText = 10000

// Get reads a child's plans for p (access.CaseView for staff, FamilyView for
// families, who see issued versions only), audited. A child out of reach is
// NotFound; one in reach without a plan gives a View with no versions.
func Get(ctx context.Context, d *db.DB, a access.Actor, childID string, p access.Permission) (View, error) {
	var v View
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		dec, err := access.Require(ctx, tx, a, p, childID, now)
		if err != nil {
			return err
		}
		if v, err = read(ctx, tx, a, p, childID, now); err != nil {
			return err
		}
		v.Access = dec.Reason
		id := childID
		if c := v.Current(); c != nil {
			id = c.ID
		}
		return write(ctx, d, tx, a, "plan.view", id, childID, dec.Reason, now)
	})
	return v, err
}

// read loads the child's plans, comments and setting requests through the predicate.
func read(ctx context.Context, tx *sql.Tx, a access.Actor, p access.Permission, childID string, now time.Time) (View, error) {
	v := View{ChildID: childID, Today: date.Today(now)}
	c, err := casework.GetIn(ctx, tx, a, childID, p)
	if err != nil {
		return v, err
	}
	v.ChildName, v.Stage, v.Team, v.CaseExists = c.ChildName, c.Stage, c.Team, c.Exists()
	for _, dl := range c.Deadlines {
		if dl.Rule == "R5" {
			v.FinalNotBefore = dl.NotBefore // the latest draft's, as the clock orders them
		}
	}
	cond, args := access.Predicate(a, p, "pl.child_id", now, 2)
	issuedOnly := ""
	if p == access.FamilyView || p == access.FamilyContribute {
		// Families see issued versions, and proposed amendments once the notice is sent (reg 22(2)).
		issuedOnly = " AND (pl.status = 'issued' OR am.notice_event_id IS NOT NULL)"
	}
	rows, err := tx.QueryContext(ctx, `SELECT pl.id, pl.case_id, pl.version, pl.kind, pl.status, COALESCE(pl.placement_type, ''),
		COALESCE(pl.setting_id, ''), COALESCE(o.name, ''), pl.issued_on, pl.deemed_on, COALESCE(pl.method, ''),
		cp.given_name || ' ' || cp.family_name, COALESCE(ip.given_name || ' ' || ip.family_name, ''), pl.created_at,
		COALESCE(pl.issued_event_id, ''), COALESCE(am.amends_id, ''), COALESCE(am.reason, ''), COALESCE(am.notice_event_id, ''), COALESCE(am.notice_method, ''), am.notice_deemed_on,
		am.withdrawn_at, COALESCE(wp.given_name || ' ' || wp.family_name, ''), COALESCE(am.withdrawn_reason, ''), COALESCE(am.decision_event_id, '')
		FROM ehc_plans pl JOIN people cp ON cp.id = pl.created_by LEFT JOIN people ip ON ip.id = pl.issued_by
		LEFT JOIN organisations o ON o.id = pl.setting_id LEFT JOIN ehc_plan_amendments am ON am.plan_id = pl.id
		LEFT JOIN people wp ON wp.id = am.withdrawn_by
		WHERE pl.child_id = $1 AND `+cond+issuedOnly+` ORDER BY pl.version`, append([]any{childID}, args...)...)
	if err != nil {
		return v, err
	}
	for rows.Next() {
		pl := Plan{ChildID: childID, Items: map[string][]Item{}}
		var issued, deemed, noticeDeemed sql.Null[date.Date]
		var withdrawnAt sql.NullTime
		var am Amendment
		if err := rows.Scan(&pl.ID, &pl.CaseID, &pl.Version, &pl.Kind, &pl.Status, &pl.PlacementType, &pl.SettingID, &pl.Setting,
			&issued, &deemed, &pl.Method, &pl.CreatedBy, &pl.IssuedBy, &pl.CreatedAt, &pl.EventID,
			&am.Amends, &am.Reason, &am.NoticeEventID, &am.NoticeMethod, &noticeDeemed,
			&withdrawnAt, &am.WithdrawnBy, &am.WithdrawnReason, &am.DecisionEventID); err != nil {
			rows.Close()
			return v, err
		}
		pl.IssuedOn, pl.DeemedOn = issued.V, deemed.V
		if am.Amends != "" {
			am.NoticeDeemedOn, am.WithdrawnAt = noticeDeemed.V, withdrawnAt.Time
			pl.Amendment = &am
		}
		v.Versions = append(v.Versions, pl)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return v, err
	}
	for i := range v.Versions {
		pl := &v.Versions[i]
		if err := readItems(ctx, tx, pl); err != nil {
			return v, err
		}
		if pl.Kind == Final && pl.EventID != "" {
			if pl.LetterID, err = casework.LetterFor(ctx, tx, pl.EventID); err != nil {
				return v, err
			}
		}
	}
	if err := v.amendmentDates(ctx, tx, c); err != nil {
		return v, err
	}
	if v.Comments, err = readComments(ctx, tx, childID); err != nil {
		return v, err
	}
	v.Settings, err = readSettings(ctx, tx, childID)
	return v, err
}

func readItems(ctx context.Context, tx *sql.Tx, pl *Plan) error {
	rows, err := tx.QueryContext(ctx, `SELECT section, body, COALESCE(who, ''), COALESCE(how_often, ''), COALESCE(how_long, ''),
		by_when, COALESCE(steps, ''), given_on, COALESCE(source, '') FROM ehc_plan_items WHERE plan_id = $1 ORDER BY section, seq`, pl.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var it Item
		var by, given sql.Null[date.Date]
		if err := rows.Scan(&code, &it.Body, &it.Who, &it.HowOften, &it.HowLong, &by, &it.Steps, &given, &it.Source); err != nil {
			return err
		}
		it.ByWhen, it.Given = by.V, given.V
		pl.Items[code] = append(pl.Items[code], it)
	}
	return rows.Err()
}

// working loads the version being edited and the audit reason for p, or a
// Conflict naming what to do first.
func working(ctx context.Context, tx *sql.Tx, a access.Actor, p access.Permission, childID string, now time.Time) (Plan, string, error) {
	dec, err := access.Require(ctx, tx, a, p, childID, now)
	if err != nil {
		return Plan{}, "", err
	}
	v, err := read(ctx, tx, a, access.CaseEdit, childID, now)
	if err != nil {
		return Plan{}, "", err
	}
	w := v.Working()
	switch {
	case w == nil:
		return Plan{}, "", apperr.Errorf(apperr.Conflict, "There is no plan being written for this child: start a draft or the final plan first")
	case v.Stage == casework.NoPlan: // the version written before the decision stays as it was
		return Plan{}, "", apperr.Errorf(apperr.Conflict, "The council decided not to issue an EHC plan: the plan being written can no longer be changed or issued")
	}
	return *w, dec.Reason, nil
}

// Start begins a new version (case.edit): the first draft once the council
// has decided to assess, built from the health advice the case holds
// (sections C, G and K, each row keeping its source); a later draft, or the
// final plan, as a copy of the draft last issued. Only one version is
// written at a time.
func Start(ctx context.Context, d *db.DB, a access.Actor, childID, kind string) (Plan, error) {
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
		if kind != Draft && kind != Final {
			return (apperr.Fields{{Name: "kind", Message: "Choose a draft or the final plan"}}).Err("the plan cannot be started")
		}
		if v.Working() != nil {
			return apperr.Errorf(apperr.Conflict, "%s is already being written: finish and issue it first", v.Working().Title())
		}
		last := v.Current()
		switch {
		case !v.CaseExists || v.Stage != casework.Assessing && v.Stage != casework.Draft:
			return apperr.Errorf(apperr.Conflict, "A plan is written once the council has decided to carry out an EHC needs assessment, and before the final plan is issued")
		case kind == Final && (last == nil || last.Kind != Draft):
			return apperr.Errorf(apperr.Conflict, "The final plan follows a draft the family has seen: issue a draft first")
		}
		c, err := casework.GetIn(ctx, tx, a, childID, access.CaseEdit)
		if err != nil {
			return err
		}
		pl = Plan{ID: uuid.NewString(), ChildID: childID, CaseID: c.ID, Version: len(v.Versions) + 1, Kind: kind, Status: Editing,
			Items: map[string][]Item{}, CreatedBy: a.Name, CreatedAt: now}
		if last != nil {
			pl.Items = last.Items
			if kind == Final { // a draft's section I starts empty (CFA 2014 s38(5)), even after a draft issued with a type before Check refused one
				pl.PlacementType, pl.SettingID = last.PlacementType, last.SettingID
			}
		} else if pl.Items, err = fromAdvice(ctx, tx, childID); err != nil {
			return err
		}
		if err := insertVersion(ctx, tx, pl, a.PersonID); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "plan.start", pl.ID, childID, dec.Reason, now,
			audit.Change{Field: "version", New: fmt.Sprint(pl.Version)}, audit.Change{Field: "kind", New: kind})
	})
	return pl, err
}

// insertVersion stores a new version being written, with its rows.
func insertVersion(ctx context.Context, tx *sql.Tx, pl Plan, personID string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO ehc_plans (id, child_id, case_id, version, kind, status, placement_type, setting_id,
		created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, pl.ID, pl.ChildID, pl.CaseID, pl.Version, pl.Kind, Editing,
		null(pl.PlacementType), null(pl.SettingID), personID, pl.CreatedAt.UTC()); err != nil {
		return err
	}
	for _, s := range Sections {
		if err := insertItems(ctx, tx, pl.ID, s.Code, pl.Items[s.Code]); err != nil {
			return err
		}
	}
	return nil
}

// fromAdvice is a first draft's rows from the health advice returned: needs
// into C, provision into G, and each team's advice listed in K.
func fromAdvice(ctx context.Context, tx *sql.Tx, childID string) (map[string][]Item, error) {
	got, err := advice.AdviceForPlan(ctx, tx, childID)
	if err != nil {
		return nil, err
	}
	items := map[string][]Item{}
	for _, f := range got {
		source := fmt.Sprintf("From the %s advice, %s", f.Team, words(f.Given))
		for _, st := range f.Statements {
			switch st.Section {
			case advice.Need:
				items["C"] = append(items["C"], Item{Body: st.Body, Source: source})
			case advice.Provision:
				items["G"] = append(items["G"], Item{Body: st.Body, Who: st.Who, HowOften: st.HowOften, HowLong: st.HowLong, Source: source})
			}
		}
		items["K"] = append(items["K"], Item{Body: "Health advice for the EHC needs assessment", Who: f.Team, Given: f.Given})
	}
	return items, nil
}

func insertItems(ctx context.Context, tx *sql.Tx, planID, code string, items []Item) error {
	for i, it := range items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ehc_plan_items (plan_id, section, seq, body, who, how_often, how_long, by_when,
			steps, given_on, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, planID, code, i+1, it.Body, null(it.Who),
			null(it.HowOften), null(it.HowLong), nullDate(it.ByWhen), null(it.Steps), nullDate(it.Given), null(it.Source)); err != nil {
			return err
		}
	}
	return nil
}

// SaveSection replaces a section's rows in the version being written
// (case.edit). Blank rows are dropped; a row with anything in it needs its
// main text. Whether the plan is complete is checked when it is issued.
func SaveSection(ctx context.Context, d *db.DB, a access.Actor, childID, code string, items []Item) error {
	_, err := WriteSection(ctx, d, a, childID, code, items)
	return err
}

// WriteSection is SaveSection returning the version as it is now stored,
// read in the same transaction (for the API's answer).
func WriteSection(ctx context.Context, d *db.DB, a access.Actor, childID, code string, items []Item) (Plan, error) {
	s, ok := SectionOf(code)
	if !ok || s.Shape == Placement {
		return Plan{}, apperr.Errorf(apperr.NotFound, "there is no such section")
	}
	var saved Plan
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		pl, reason, err := working(ctx, tx, a, access.CaseEdit, childID, now)
		if err != nil {
			return err
		}
		var keep []Item
		var fs apperr.Fields
		for i, it := range items {
			it = tidy(it)
			if it == (Item{Source: it.Source}) {
				continue
			}
			if it.Body == "" {
				fs.Add(rowField(code, i, "body"), fmt.Sprintf("Section %s, row %d: %s", code, i+1, bodyWords[s.Shape]))
			}
			for _, f := range []struct{ name, value string }{{"body", it.Body}, {"who", it.Who}, {"often", it.HowOften},
				{"long", it.HowLong}, {"steps", it.Steps}} {
				if len(f.value) > MaxText {
					fs.Add(rowField(code, i, f.name), fmt.Sprintf("Section %s, row %d: must be 10,000 characters or fewer", code, i+1))
				}
			}
			keep = append(keep, it)
		}
		if err := fs.Err("section " + code); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM ehc_plan_items WHERE plan_id = $1 AND section = $2", pl.ID, code); err != nil {
			return err
		}
		if err := insertItems(ctx, tx, pl.ID, code, keep); err != nil {
			return err
		}
		if err := write(ctx, d, tx, a, "plan.section.save", pl.ID, childID, reason, now,
			audit.Change{Field: "section " + code, Old: fmt.Sprintf("%d rows", len(pl.Items[code])), New: fmt.Sprintf("%d rows", len(keep))}); err != nil {
			return err
		}
		saved, err = reread(ctx, tx, a, childID, pl.ID, now)
		return err
	})
	return saved, err
}

// reread is the version id as now stored, read in the caller's transaction
// after the change it has audited.
func reread(ctx context.Context, tx *sql.Tx, a access.Actor, childID, id string, now time.Time) (Plan, error) {
	v, err := read(ctx, tx, a, access.CaseEdit, childID, now)
	if err != nil {
		return Plan{}, err
	}
	for _, pl := range v.Versions {
		if pl.ID == id {
			return pl, nil
		}
	}
	return Plan{}, fmt.Errorf("plan %s: not found after its change", id)
}

var bodyWords = map[string]string{Text: "write the text", Outcome: "say what the outcome is",
	Provision: "say what the provision is", Advice: "say what the advice or information was"}

func tidy(it Item) Item {
	for _, s := range []*string{&it.Body, &it.Who, &it.HowOften, &it.HowLong, &it.Steps, &it.Source} {
		*s = clean(*s)
	}
	return it
}

// clean drops control characters (but newlines and tabs) and outer space.
func clean(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s))
}

// SavePlacement sets section I of the version being written (case.edit): for
// the final plan (first or amended), the type of school or other institution,
// the school or college named, or both. A draft's section I stays empty (CFA
// 2014 s38(5)): a name or a type given for a draft is refused, naming the
// field, with Check's words, and nothing is stored; saving it empty clears it.
func SavePlacement(ctx context.Context, d *db.DB, a access.Actor, childID, placementType, settingID string) error {
	_, err := WritePlacement(ctx, d, a, childID, placementType, settingID)
	return err
}

// WritePlacement is SavePlacement returning the version as it is now stored,
// read in the same transaction (for the API's answer).
func WritePlacement(ctx context.Context, d *db.DB, a access.Actor, childID, placementType, settingID string) (Plan, error) {
	var saved Plan
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		pl, reason, err := working(ctx, tx, a, access.CaseEdit, childID, now)
		if err != nil {
			return err
		}
		placementType = clean(placementType)
		var fs apperr.Fields
		var name string
		switch {
		case pl.Kind == Draft && settingID != "":
			fs.Add("setting", DraftPlacementRefused)
		case pl.Kind == Draft && placementType != "":
			fs.Add("type", DraftPlacementRefused)
		default:
			if len(placementType) > 500 {
				fs.Add("type", "The type of setting must be 500 characters or fewer")
			}
			if settingID != "" {
				if name, err = settingName(ctx, tx, settingID); err != nil {
					return err
				} else if name == "" {
					fs.Add("setting", "Choose a school or college from the list")
				}
			}
		}
		if err := fs.Err("section I"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE ehc_plans SET placement_type = $1, setting_id = $2 WHERE id = $3",
			null(placementType), null(settingID), pl.ID); err != nil {
			return err
		}
		if err := write(ctx, d, tx, a, "plan.section.save", pl.ID, childID, reason, now,
			audit.Change{Field: "placement", Old: pl.PlacementType + " " + pl.Setting, New: placementType + " " + name}); err != nil {
			return err
		}
		saved, err = reread(ctx, tx, a, childID, pl.ID, now)
		return err
	})
	return saved, err
}

// settingName is the name of a school or college, "" if id is neither.
func settingName(ctx context.Context, tx *sql.Tx, id string) (string, error) {
	var name string
	err := tx.QueryRowContext(ctx, "SELECT name FROM organisations WHERE id = $1 AND kind IN ('school', 'college')", id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return name, err
}

// Setting is a school or college that can be named.
type Setting struct{ ID, Name, Kind string }

// Settings lists the partnership's schools and colleges by name.
func Settings(ctx context.Context, q access.Querier) ([]Setting, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, name, kind FROM organisations WHERE kind IN ('school', 'college') ORDER BY name, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Setting
	for rows.Next() {
		var s Setting
		if err := rows.Scan(&s.ID, &s.Name, &s.Kind); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Notice is how an issued version reaches the family: how it is sent and,
// for the final plan, what its decision letter says (the plan's contents
// and the setting it names are appealable, CFA 2014 s51(2)(c)).
type Notice struct {
	Method  string // one of appeal.Methods
	Adviser string // final plan: the mediation adviser's name and how to contact them
	Reasons string // final plan: the letter's reasons; "" for FinalReasons' words
}

// FinalReasons are the reasons a final plan's letter gives unless the
// coordinator writes their own: what the plan decides, section by section.
// Section I is the school or other institution named or, where the plan
// only specifies its type (CFA 2014 s40(2)), that type.
func FinalReasons(first string, pl Plan) string {
	at := "at the school or other institution set out in section I"
	switch {
	case pl.Setting != "":
		at = "at " + pl.Setting + " (section I)"
	case strings.TrimSpace(pl.PlacementType) != "":
		at = "at a school or other institution of the type section I gives, “" + pl.PlacementType + "”"
	}
	return fmt.Sprintf("The EHC needs assessment found that %s needs the special educational provision set out in section F of the plan, "+
		"to be made %s. The plan sets out %s's special educational needs (section B) and the outcomes sought (section E), "+
		"from the advice and information listed in section K.", first, at, first)
}

// issue is IssueDraft and IssueFinal: the checks, the clock's event through
// casework.AddIn, the version marked issued with how the family was sent it
// and when it is deemed received, a message to the family and, for the final
// plan, its decision letter through casework.IssueLetterIn, in one
// transaction: a refusal stores nothing.
func issue(ctx context.Context, d *db.DB, a access.Actor, childID, kind string, n Notice) (Plan, casework.Letter, error) {
	var pl Plan
	var letter casework.Letter
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		today := date.Today(now)
		var reason string
		var err error
		if pl, reason, err = working(ctx, tx, a, access.PlanIssue, childID, now); err != nil {
			return err
		}
		var fs apperr.Fields
		switch {
		case kind != Draft && kind != Final:
			return (apperr.Fields{{Name: "kind", Message: "Choose a draft or the final plan"}}).Err("the plan cannot be issued")
		case pl.Kind != kind || pl.Amendment != nil: // proposed amendments are issued by IssueAmended, after their own 15 days
			return apperr.Errorf(apperr.Conflict, "The version being written is %s, not %s", strings.ToLower(pl.Title()), kind)
		case kind == Draft:
			for _, f := range []struct{ name, value string }{{"reasons", n.Reasons}, {"adviser", n.Adviser}} {
				if f.value != "" {
					fs.Add(f.name, "Only the final plan has a decision letter: a draft is not a decision the family can appeal")
				}
			}
		}
		fs = append(fs, Check(pl)...)
		if !validMethod(n.Method) {
			fs.Add("method", "Choose how the plan is sent to the family")
		}
		first, err := firstName(ctx, tx, childID)
		if err != nil {
			return err
		}
		if kind == Final {
			n.Reasons, n.Adviser = clean(n.Reasons), clean(n.Adviser)
			if n.Reasons == "" {
				n.Reasons = FinalReasons(first, pl)
			}
			fs = append(fs, casework.CheckLetterText(n.Reasons, n.Adviser)...)
		}
		if err := fs.Err("the plan cannot be issued"); err != nil {
			return err
		}
		typ := ehc.DraftPlanIssued
		if kind == Final {
			v, err := read(ctx, tx, a, access.CaseEdit, childID, now)
			if err != nil {
				return err
			}
			if !v.FinalNotBefore.IsZero() && today.Before(v.FinalNotBefore) {
				return (apperr.Fields{{Name: "issued", Message: fmt.Sprintf(
					"The family has at least 15 days to comment on the draft (reg 13(1), rule R5): the final plan cannot be issued before %s",
					words(v.FinalNotBefore))}}).Err("the plan cannot be issued")
			}
			typ = ehc.FinalPlanIssued
		}
		if kind == Draft {
			return markIssued(ctx, d, tx, a, &pl, typ, n.Method, reason, now)
		}
		letter, err = markIssuedWithLetter(ctx, d, tx, a, &pl, childID, typ, n, reason, now)
		return err
	})
	if err != nil {
		return Plan{}, casework.Letter{}, err
	}
	return pl, letter, nil
}

// firstName is the child's given name, as messages and letters use it.
func firstName(ctx context.Context, tx *sql.Tx, childID string) (string, error) {
	var first string
	err := tx.QueryRowContext(ctx, "SELECT given_name FROM children WHERE id = $1", childID).Scan(&first)
	return first, err
}

// Issue is IssueDraft or IssueFinal by kind, for a caller that is sent the
// kind (the API): an unknown kind, or a letter's reasons or adviser sent with
// a draft, is named once access is checked.
func Issue(ctx context.Context, d *db.DB, a access.Actor, childID, kind string, n Notice) (Plan, casework.Letter, error) {
	return issue(ctx, d, a, childID, kind, n)
}

// markIssued records the clock's event typ through casework.AddIn, marks
// the version issued with how the family was sent it and when it is deemed
// received, tells the family and audits, in the caller's transaction, once
// the caller has made its checks.
// markIssuedWithLetter is markIssued for a final or amended plan, with the
// decision letter that goes with it, sent the same way at the same moment.
func markIssuedWithLetter(ctx context.Context, d *db.DB, tx *sql.Tx, a access.Actor, pl *Plan, childID string, typ ehc.Type, n Notice, reason string, now time.Time) (casework.Letter, error) {
	if err := markIssued(ctx, d, tx, a, pl, typ, n.Method, reason, now); err != nil {
		return casework.Letter{}, err
	}
	letter, err := casework.IssueLetterIn(ctx, d, tx, a, childID, casework.LetterInput{EventID: pl.EventID, Method: n.Method,
		Adviser: n.Adviser, Reasons: n.Reasons, SentAt: now})
	if err != nil {
		return casework.Letter{}, err
	}
	pl.LetterID = letter.ID
	return letter, nil
}

func markIssued(ctx context.Context, d *db.DB, tx *sql.Tx, a access.Actor, pl *Plan, typ ehc.Type, method, reason string, now time.Time) error {
	today := date.Today(now)
	done := *pl
	done.Status = Issued // "Final amended EHC plan", not the proposal's title
	ev, err := casework.AddIn(ctx, d, tx, a, pl.ChildID, casework.Input{Type: typ.String(), Date: today,
		Note: done.Title() + " issued from the plan document"})
	if err != nil {
		return err
	}
	deemed, err := deemedReceived(method, now)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE ehc_plans SET status = $1, issued_on = $2, issued_event_id = $3, method = $4, deemed_on = $5,
		issued_by = $6, issued_at = $7 WHERE id = $8 AND status = $9`, Issued, today, ev.ID, method, deemed, a.PersonID, now.UTC(), pl.ID, Editing); err != nil {
		return err
	}
	pl.Status, pl.IssuedOn, pl.Method, pl.DeemedOn, pl.IssuedBy, pl.EventID = Issued, today, method, deemed, a.Name, ev.ID
	n, err := tell(ctx, tx, pl.ChildID, *pl)
	if err != nil {
		return err
	}
	kind := pl.Kind
	if pl.Amendment != nil {
		kind = "amended"
	}
	return write(ctx, d, tx, a, "plan.issue", pl.ID, pl.ChildID, reason, now, audit.Change{Field: "status", Old: Editing, New: Issued},
		audit.Change{Field: "kind", New: kind}, audit.Change{Field: "method", New: method},
		audit.Change{Field: "deemed_on", New: words(deemed)}, audit.Change{Field: "messages", New: fmt.Sprint(n)})
}

// IssueDraft issues the draft being written (plan.issue), sent by method:
// refused, naming every problem, while Check finds any; the clock's
// draft_plan_issued is recorded with it (and R5's 15 days start), and the
// family is told.
func IssueDraft(ctx context.Context, d *db.DB, a access.Actor, childID, method string) (Plan, error) {
	pl, _, err := issue(ctx, d, a, childID, Draft, Notice{Method: method})
	return pl, err
}

// IssueFinal issues the final plan being written (plan.issue): it must name
// the school or other institution or specify its type (CFA 2014 s40(2)), and
// is refused before the clock's R5 not-before date. The clock's
// final_plan_issued is recorded with it and its decision letter with the
// right of appeal (CFA 2014 s51(2)(c)) is sent the same way at the same
// moment, all in one transaction: every problem with the plan, the method,
// the adviser and the reasons is named at once, and nothing is stored.
func IssueFinal(ctx context.Context, d *db.DB, a access.Actor, childID string, n Notice) (Plan, casework.Letter, error) {
	return issue(ctx, d, a, childID, Final, n)
}

// write appends the audit row for a read or change of a child's plan.
func write(ctx context.Context, d *db.DB, tx *sql.Tx, a access.Actor, action, id, childID, reason string, now time.Time, changes ...audit.Change) error {
	org := a.OrganisationID
	if org == "" {
		org = a.Kind // families belong to no organisation
	}
	_, err := audit.Append(ctx, d, tx, audit.Event{At: now, RequestID: a.RequestID, ActorID: a.PersonID, ActorOrg: org,
		ActorRole: a.RoleTitle(), Action: action, RecordType: "ehc_plan", RecordID: id, ChildID: childID, Reason: reason, Changes: changes})
	return err
}

func words(d date.Date) string { return d.Time().Format("2 January 2006") }

func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullDate(d date.Date) any {
	if d.IsZero() {
		return nil
	}
	return d
}
