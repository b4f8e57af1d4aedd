package plan_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/advice"
	"joinedup/internal/apperr"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/plan"
)

var d = date.Of

// world is the tiny demo on 22 November 2026 with a child whose EHC needs
// assessment is under way (request 1 October, decision to assess 20
// October) and whose speech and language therapy advice came back; Amira
// coordinates, a coordinator of no relation to the child, the child's parent.
type world struct {
	t                                 *testing.T
	d                                 *db.DB
	child, school                     string
	amira, stranger, parent, tom, dco access.Actor
	now                               *time.Time
}

func newWorld(t *testing.T, dbx *db.DB) world {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Generate(ctx, dbx, demo.Options{Scale: demo.Tiny, Seed: 1, Today: d(2026, 11, 22)}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	old := db.Now
	t.Cleanup(func() { db.Now = old })
	db.Now = func() time.Time { return now }
	w := world{t: t, d: dbx, now: &now}
	one := func(q string, args ...any) string {
		t.Helper()
		var s string
		if err := dbx.QueryRow(q, args...).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s
	}
	actor := func(id string) access.Actor {
		a, err := access.LoadActor(ctx, dbx, id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	persona := func(name string) access.Actor {
		for _, p := range demo.Personas() {
			if p.Name == name {
				return actor(one("SELECT id FROM people WHERE email = $1", p.Email))
			}
		}
		t.Fatalf("no persona %s", name)
		return access.Actor{}
	}
	w.amira, w.tom, w.dco = persona("Amira Hussain"), persona("Tom Nguyen"), persona("Grace Whitfield")
	w.stranger = actor(one(`SELECT p.id FROM people p JOIN role_grants g ON g.person_id = p.id
		WHERE g.role = 'ehcp_coordinator' AND p.id <> $1 ORDER BY p.id LIMIT 1`, w.amira.PersonID))
	w.child = one(`SELECT c.id FROM children c WHERE c.sen_provision = 'sen_support'
		AND NOT EXISTS (SELECT 1 FROM ehc_cases k WHERE k.child_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM care_team ct LEFT JOIN organisations o ON o.id = ct.organisation_id
			WHERE ct.child_id = c.id AND (ct.person_id IS NOT NULL OR o.kind = 'nhs_team'))
		AND EXISTS (SELECT 1 FROM family_links fl JOIN people p ON p.id = fl.person_id
			WHERE fl.child_id = c.id AND fl.parental_responsibility = $1 AND p.email IS NOT NULL)
		AND c.young_person_decides_from IS NULL ORDER BY c.id LIMIT 1`, true)
	w.parent = actor(one(`SELECT p.id FROM family_links fl JOIN people p ON p.id = fl.person_id
		WHERE fl.child_id = $1 AND fl.parental_responsibility = $2 AND p.email IS NOT NULL ORDER BY p.id LIMIT 1`, w.child, true))
	w.school = one("SELECT id FROM organisations WHERE kind = 'school' ORDER BY name, id LIMIT 1")
	council := one("SELECT organisation_id FROM people WHERE id = $1", w.amira.PersonID)
	err := dbx.Transact(ctx, func(tx *sql.Tx) error {
		start := now.Add(-24 * time.Hour)
		if _, err := access.AddLink(ctx, tx, access.Link{ChildID: w.child, OrganisationID: council, Reason: access.Owner,
			Purpose: "EHC needs assessment casework", GrantedBy: "test", StartsAt: start}); err != nil {
			return err
		}
		_, err := access.AddLink(ctx, tx, access.Link{ChildID: w.child, PersonID: w.amira.PersonID, Reason: access.Allocated,
			Purpose: access.NamedContact, GrantedBy: "test", StartsAt: start})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []casework.Input{{Type: "request_received", Date: d(2026, 10, 1), Code: "parent", Channel: "letter"},
		{Type: "assessment_decision", Date: d(2026, 10, 20), Code: "assess"}} {
		if _, err := casework.Add(ctx, dbx, w.amira, w.child, in); err != nil {
			t.Fatal(err)
		}
	}
	r, err := advice.Ask(ctx, dbx, w.amira, w.child, advice.RequestInput{TeamID: w.tom.TeamID,
		Question: "Advice on the child's speech, language and communication needs", Consent: "Mother agreed by phone on 21 October",
		Sent: d(2026, 10, 22)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := advice.Submit(ctx, dbx, w.tom, r.ID, advice.SubmissionInput{Statements: []advice.Statement{
		{Section: advice.Need, Body: "Finds it hard to follow instructions of more than two steps.", Source: "SLT assessment, 3 November 2026"},
		{Section: advice.Provision, Body: "Direct speech and language therapy on following instructions", Who: "Speech and language therapist",
			HowOften: "30 minutes weekly", HowLong: "Two school terms", Source: "SLT assessment, 3 November 2026"},
		{Section: advice.Outcome, Body: "Follows three-step instructions in class.", Source: "Agreed with the class teacher"},
		{Section: advice.View, Body: "Likes it when the teacher shows pictures.", Source: "Conversation, 3 November 2026"},
	}}); err != nil {
		t.Fatal(err)
	}
	return w
}

// at moves the clock to a day, 10 in the morning.
func (w world) at(day date.Date) { *w.now = day.Time().Add(10 * time.Hour) }

// complete fills the sections a draft needs with SMART outcomes and quantified provision.
func (w world) complete() {
	w.t.Helper()
	ctx := context.Background()
	for code, items := range map[string][]plan.Item{
		"A": {{Body: "I like drawing and football. I want to be a vet."}},
		"B": {{Body: "Speech, language and communication needs: understanding instructions of more than two steps."}},
		"E": {{Body: "Follows three-step instructions in class", ByWhen: d(2027, 7, 16), Steps: "Two-step by Easter, three-step by summer"}},
		"F": {{Body: "Small-group language sessions", Who: "Teaching assistant trained by the therapist", HowOften: "3 times a week, 20 minutes", HowLong: "Until the annual review"}},
	} {
		if err := plan.SaveSection(ctx, w.d, w.amira, w.child, code, items); err != nil {
			w.t.Fatalf("section %s: %v", code, err)
		}
	}
}

func (w world) count() int {
	w.t.Helper()
	return dbtest.Count(w.t, w.d, `SELECT (SELECT COUNT(*) FROM ehc_plans) + (SELECT COUNT(*) FROM ehc_plan_items)
		+ (SELECT COUNT(*) FROM ehc_events) + (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM audit_events)`)
}

func fields(err error) []string {
	var out []string
	if e, ok := err.(*apperr.Error); ok {
		for _, f := range e.Fields {
			out = append(out, f.Name)
		}
	}
	return out
}

// The first draft starts from the health advice the case holds: needs in C
// and provision in G, each row keeping its source, and K listing the advice;
// A, B, D to J start empty for the coordinator.
func TestDraftStartsFromTheAdvice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		ctx := context.Background()
		w := newWorld(t, dbx)
		pl, err := plan.Start(ctx, dbx, w.amira, w.child, plan.Draft)
		if err != nil {
			t.Fatal(err)
		}
		v, err := plan.Get(ctx, dbx, w.amira, w.child, access.CaseView)
		if err != nil {
			t.Fatal(err)
		}
		got := v.Working()
		if got == nil || got.ID != pl.ID || got.Version != 1 || got.Kind != plan.Draft {
			t.Fatalf("working version: %+v", got)
		}
		var team string
		if err := dbx.QueryRow("SELECT name FROM organisations WHERE id = $1", w.tom.TeamID).Scan(&team); err != nil {
			t.Fatal(err)
		}
		src := "From the " + team + " advice, 22 November 2026"
		if c := got.In("C"); len(c) != 1 || c[0].Source != src || !strings.Contains(c[0].Body, "two steps") {
			t.Errorf("section C: %+v, want the need with source %q", c, src)
		}
		if g := got.In("G"); len(g) != 1 || g[0].Who != "Speech and language therapist" || g[0].HowOften != "30 minutes weekly" || g[0].Source != src {
			t.Errorf("section G: %+v", g)
		}
		if k := got.In("K"); len(k) != 1 || k[0].Who != team || k[0].Given != d(2026, 11, 22) {
			t.Errorf("section K: %+v", k)
		}
		for _, code := range []string{"A", "B", "D", "E", "F", "H1", "H2", "J"} {
			if len(got.In(code)) != 0 {
				t.Errorf("section %s starts with %+v", code, got.In(code))
			}
		}
		if _, err := plan.Start(ctx, dbx, w.amira, w.child, plan.Draft); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("a second version while one is written: %v", err)
		}
		// Hidden and missing look the same; the family cannot see a draft being written.
		if _, err := plan.Get(ctx, dbx, w.stranger, w.child, access.CaseView); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("a coordinator with no relation to the child reads the plan: %v", err)
		}
		if v, err := plan.Get(ctx, dbx, w.parent, w.child, access.FamilyView); err != nil || len(v.Versions) != 0 {
			t.Errorf("the parent sees a draft not yet issued: %+v %v", v.Versions, err)
		}
		if _, err := plan.Start(ctx, dbx, w.tom, w.child, plan.Draft); apperr.CodeOf(err) == "" {
			t.Error("a health professional started a plan")
		}
		if n := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM audit_events WHERE action = 'plan.start' AND child_id = $1", w.child); n != 1 {
			t.Errorf("%d audit rows for the start", n)
		}
	})
}

// A draft is refused, naming every problem and storing nothing, without
// sections B, E and F (reg 12 [to verify]), with an outcome lacking a date
// or steps (SMART, CoP 9.69 [to verify]), with provision not quantified
// (who, how often, how long); and a draft's section I stays empty (CFA
// 2014 s38(5)): a school named or a type given is refused when saved, with
// Check's words, and nothing is stored.
func TestIssueDraftRefusesAnIncompletePlan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		ctx := context.Background()
		w := newWorld(t, dbx)
		if _, err := plan.Start(ctx, dbx, w.amira, w.child, plan.Draft); err != nil {
			t.Fatal(err)
		}
		before := w.count()
		_, err := plan.IssueDraft(ctx, dbx, w.amira, w.child, "email")
		if got := strings.Join(fields(err), " "); got != "section-B section-E section-F" {
			t.Errorf("empty draft: fields %q (%v)", got, err)
		}
		if err := plan.SaveSection(ctx, dbx, w.amira, w.child, "E", []plan.Item{{Body: "Reads simple sentences"}}); err != nil {
			t.Fatal(err)
		}
		if err := plan.SaveSection(ctx, dbx, w.amira, w.child, "F", []plan.Item{{Body: "Reading support", Who: "Teaching assistant"}}); err != nil {
			t.Fatal(err)
		}
		if err := plan.SaveSection(ctx, dbx, w.amira, w.child, "G", []plan.Item{{Body: "Physiotherapy", HowOften: "Weekly", HowLong: "A year"}}); err != nil {
			t.Fatal(err)
		}
		before = w.count()
		_, err = plan.IssueDraft(ctx, dbx, w.amira, w.child, "")
		want := "section-B E-0-by E-0-steps F-0-often F-0-long G-0-who method"
		if got := strings.Join(fields(err), " "); got != want {
			t.Errorf("incomplete draft: fields %q, want %q (%v)", got, want, err)
		}
		if w.count() != before {
			t.Error("a refused draft stored something")
		}
		before = w.count()
		for _, c := range []struct{ name, typ, setting, field string }{
			{"a draft names a school (s38(5)(a))", "", w.school, "setting"},
			{"a draft specifies a type (s38(5)(b))", "Mainstream primary school", "", "type"},
			{"a draft names a school and its type", "Mainstream primary school", w.school, "setting"},
		} {
			err := plan.SavePlacement(ctx, dbx, w.amira, w.child, c.typ, c.setting)
			if e, ok := err.(*apperr.Error); !ok || len(e.Fields) != 1 || e.Fields[0].Name != c.field || e.Fields[0].Message != plan.DraftPlacementRefused {
				t.Errorf("%s: %v, want %s refused with %q", c.name, err, c.field, plan.DraftPlacementRefused)
			}
		}
		if w.count() != before {
			t.Error("a refused section I stored something")
		}
		if err := plan.SavePlacement(ctx, dbx, w.amira, w.child, "", ""); err != nil {
			t.Errorf("a draft's section I saved empty: %v", err)
		}
		// A row with details but no main text is named; blank rows are dropped.
		err = plan.SaveSection(ctx, dbx, w.amira, w.child, "F", []plan.Item{{}, {Who: "Teacher"}})
		if got := strings.Join(fields(err), " "); got != "F-1-body" {
			t.Errorf("provision without what: %q", got)
		}
		if err := plan.SaveSection(ctx, dbx, w.amira, w.child, "I", nil); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("section I saved as rows: %v", err)
		}
	})
}

// The lifecycle: the draft issued records draft_plan_issued on the clock and
// tells the family (how it was sent, when it is deemed received, CPR 6.26 as
// appeal has it); the family comments and asks for a setting; the council
// consults it (15 days to answer [to verify]); the final plan must name the
// setting and waits for R5's 15 days (reg 13(1)); it records
// final_plan_issued, which the decision letter with appeal rights follows.
func TestLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		ctx := context.Background()
		w := newWorld(t, dbx)
		w.at(d(2026, 11, 23)) // a Monday
		if _, err := plan.Start(ctx, dbx, w.amira, w.child, plan.Draft); err != nil {
			t.Fatal(err)
		}
		w.complete()
		if _, err := plan.IssueDraft(ctx, dbx, w.stranger, w.child, "post"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("a stranger issues the draft: %v", err)
		}
		dr, err := plan.IssueDraft(ctx, dbx, w.amira, w.child, "post")
		if err != nil {
			t.Fatal(err)
		}
		if dr.IssuedOn != d(2026, 11, 23) || dr.DeemedOn != d(2026, 11, 25) { // posted Monday: the second day after, a business day
			t.Errorf("issued %s, deemed %s", dr.IssuedOn, dr.DeemedOn)
		}
		c, err := casework.Get(ctx, dbx, w.amira, w.child, access.CaseView)
		if err != nil {
			t.Fatal(err)
		}
		if c.Stage != casework.Draft || c.Events[len(c.Events)-1].Type.String() != "draft_plan_issued" {
			t.Errorf("the clock: stage %s, events %+v", c.Stage, c.Events)
		}
		if n := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM outbox WHERE reference = $1 AND what_changed LIKE '%counts as received on 25 November 2026%'", "ehc-plan:"+dr.ID); n < 1 {
			t.Error("the family was not told of the draft, how it was sent and when it counts as received")
		}
		// The family reads the draft, comments and asks for the school.
		v, err := plan.Get(ctx, dbx, w.parent, w.child, access.FamilyView)
		if err != nil || v.OpenDraft() == nil || v.OpenDraft().ID != dr.ID {
			t.Fatalf("the parent reads the draft: %+v %v", v, err)
		}
		if _, err := plan.AddComment(ctx, dbx, w.parent, w.child, "F", "Please say which days the sessions happen."); err != nil {
			t.Fatal(err)
		}
		if _, err := plan.AddComment(ctx, dbx, w.parent, w.child, "Z", ""); strings.Join(fields(err), " ") != "section comment" {
			t.Errorf("a bad comment: %v", err)
		}
		req, err := plan.RequestSetting(ctx, dbx, w.parent, w.child, w.school, "It is near home and her brother goes there.")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := plan.RequestSetting(ctx, dbx, w.parent, w.child, w.school, ""); strings.Join(fields(err), " ") != "setting" {
			t.Errorf("the same school twice: %v", err)
		}
		if _, err := plan.AddComment(ctx, dbx, w.amira, w.child, "F", "A coordinator's comment"); apperr.CodeOf(err) == "" {
			t.Error("staff commented as the family")
		}
		// Consultation: an answer before the request is refused; the response is due 15 days after it was sent.
		if err := plan.Consult(ctx, dbx, w.amira, w.child, req.ID, d(2026, 11, 23), d(2026, 11, 22), "Yes"); strings.Join(fields(err), " ") != "answered" {
			t.Errorf("an answer before the consultation: %v", err)
		}
		if err := plan.Consult(ctx, dbx, w.amira, w.child, req.ID, d(2026, 11, 23), date.Date{}, ""); err != nil {
			t.Fatal(err)
		}
		v, _ = plan.Get(ctx, dbx, w.amira, w.child, access.CaseView)
		if len(v.Settings) != 1 || v.Settings[0].ResponseDue != d(2026, 12, 8) || len(v.Comments) != 1 || v.Comments[0].Section != "F" {
			t.Errorf("the coordinator sees %+v and %+v", v.Settings, v.Comments)
		}
		if v.FinalNotBefore != d(2026, 12, 8) {
			t.Errorf("R5 not before %s, want 8 December 2026 (15 days beginning with 23 November)", v.FinalNotBefore)
		}
		w.at(d(2026, 12, 1))
		if err := plan.Consult(ctx, dbx, w.amira, w.child, req.ID, d(2026, 11, 23), d(2026, 11, 30), "The school can meet her needs."); err != nil {
			t.Fatal(err)
		}
		if _, err := plan.Start(ctx, dbx, w.amira, w.child, plan.Final); err != nil {
			t.Fatal(err)
		}
		notice := plan.Notice{Method: "email", Adviser: demo.MediationAdviser}
		// Everything the final plan and its letter lack is named at once: the setting and the mediation adviser.
		_, _, err = plan.IssueFinal(ctx, dbx, w.amira, w.child, plan.Notice{Method: "email"})
		if got := strings.Join(fields(err), " "); got != "section-I adviser" {
			t.Errorf("a final plan without a setting or an adviser: %q (%v)", got, err)
		}
		if err := plan.SavePlacement(ctx, dbx, w.amira, w.child, "Mainstream primary school", w.school); err != nil {
			t.Fatal(err)
		}
		before := w.count()
		_, _, err = plan.IssueFinal(ctx, dbx, w.amira, w.child, notice)
		if got := strings.Join(fields(err), " "); got != "issued" || !strings.Contains(err.(*apperr.Error).Fields[0].Message, "before 8 December 2026") {
			t.Errorf("a final plan before R5's 15 days: %q (%v)", got, err)
		}
		if w.count() != before {
			t.Error("a refused final plan stored something")
		}
		w.at(d(2026, 12, 8))
		before = w.count()
		if _, _, err := plan.IssueFinal(ctx, dbx, w.amira, w.child, plan.Notice{Method: "email", Adviser: demo.MediationAdviser, Reasons: "Because."}); strings.Join(fields(err), " ") != "reasons" {
			t.Errorf("a final plan whose letter gives no reasons: %v", err)
		}
		if w.count() != before {
			t.Error("a final plan refused for its letter stored something")
		}
		if _, _, err := plan.IssueFinal(ctx, dbx, w.tom, w.child, notice); apperr.CodeOf(err) == "" {
			t.Error("a health professional issued the final plan")
		}
		fin, letter, err := plan.IssueFinal(ctx, dbx, w.amira, w.child, notice)
		if err != nil {
			t.Fatal(err)
		}
		c, _ = casework.Get(ctx, dbx, w.amira, w.child, access.CaseView)
		ev := c.Events[len(c.Events)-1]
		if c.Stage != casework.Plan || ev.Type.String() != "final_plan_issued" || ev.Date != d(2026, 12, 8) {
			t.Errorf("the clock after the final plan: %s %+v", c.Stage, ev)
		}
		// The final plan's decision letter (CFA 2014 s51(2)(c)) was sent with it: none is left to send by hand.
		if got := casework.Appealable(c, c.Letters); len(got) != 0 {
			t.Errorf("the final plan's decision letter is still to be sent: %+v", got)
		}
		if len(c.Letters) != 1 || c.Letters[0].ID != letter.ID || fin.LetterID != letter.ID {
			t.Fatalf("the letters %+v, the plan's %q, want the one issued %q", c.Letters, fin.LetterID, letter.ID)
		}
		// Emailed on Tuesday 8 December 2026 at 10am: received that day (CPR 6.26); appeal within two months (r20(1)(c)).
		l := c.Letters[0]
		if l.EventID != ev.ID || l.Kind != casework.FinalPlanLetter || l.Method != "email" || l.DeemedOn != d(2026, 12, 8) ||
			l.AppealBy.Due != d(2027, 2, 8) || l.Adviser != demo.MediationAdviser || !strings.Contains(l.Reasons, "section F") {
			t.Errorf("the final plan's letter: %+v", l)
		}
		if n := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM outbox WHERE reference = $1", "ehc-letter:"+letter.ID); n < 1 {
			t.Error("the family was not told of the letter")
		}
		if n := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM audit_events WHERE action = 'ehc.letter.issue' AND record_id = $1", letter.ID); n != 1 {
			t.Errorf("%d audit rows for the letter, want 1", n)
		}
		for _, dl := range c.Deadlines {
			if dl.Rule == "R5" && dl.Status != "met" {
				t.Errorf("R5 %s", dl.Status)
			}
		}
		v, _ = plan.Get(ctx, dbx, w.parent, w.child, access.FamilyView)
		if cur := v.Current(); cur == nil || cur.ID != fin.ID || cur.Setting == "" || v.OpenDraft() != nil {
			t.Errorf("the parent reads %+v", cur)
		}
		if _, err := plan.AddComment(ctx, dbx, w.parent, w.child, "F", "Too late"); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("a comment after the final plan: %v", err)
		}
		if n := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM audit_events WHERE action = 'plan.issue' AND child_id = $1", w.child); n != 2 {
			t.Errorf("%d audit rows for issuing, want 2", n)
		}
	})
}

// A final plan may specify the type of school or other institution without
// naming one (CFA 2014 s40(2)): issued so, the family's message and the
// decision letter's standard reasons give the type, and name no setting. A
// later draft does not inherit section I from a draft issued with a type
// before the rule was checked (s38(5)(b)).
func TestFinalPlanOfATypeOnly(t *testing.T) {
	eachWorld(t, func(t *testing.T, w world) {
		ctx := context.Background()
		w.at(d(2026, 11, 23))
		if _, err := plan.Start(ctx, w.d, w.amira, w.child, plan.Draft); err != nil {
			t.Fatal(err)
		}
		w.complete()
		dr, err := plan.IssueDraft(ctx, w.d, w.amira, w.child, "post")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.d.Exec("UPDATE ehc_plans SET placement_type = $1 WHERE id = $2", "Mainstream primary school", dr.ID); err != nil {
			t.Fatal(err)
		}
		if dr2, err := plan.Start(ctx, w.d, w.amira, w.child, plan.Draft); err != nil || dr2.PlacementType != "" || dr2.SettingID != "" {
			t.Fatalf("draft 2 starts with section I %q %q (%v)", dr2.PlacementType, dr2.SettingID, err)
		}
		if _, err := plan.IssueDraft(ctx, w.d, w.amira, w.child, "post"); err != nil {
			t.Fatal(err)
		}
		w.at(d(2026, 12, 8))
		if _, err := plan.Start(ctx, w.d, w.amira, w.child, plan.Final); err != nil {
			t.Fatal(err)
		}
		notice := plan.Notice{Method: "email", Adviser: demo.MediationAdviser}
		_, _, err = plan.IssueFinal(ctx, w.d, w.amira, w.child, notice)
		if e, ok := err.(*apperr.Error); !ok || len(e.Fields) != 1 || e.Fields[0].Name != "section-I" || e.Fields[0].Message != plan.FinalPlacementMissing {
			t.Fatalf("a final plan with section I empty: %v", err)
		}
		if err := plan.SavePlacement(ctx, w.d, w.amira, w.child, "Special school", ""); err != nil {
			t.Fatal(err)
		}
		fin, letter, err := plan.IssueFinal(ctx, w.d, w.amira, w.child, notice)
		if err != nil {
			t.Fatalf("a final plan of a type only: %v", err)
		}
		if fin.PlacementType != "Special school" || fin.SettingID != "" {
			t.Errorf("section I %q %q", fin.PlacementType, fin.SettingID)
		}
		var name string
		if err := w.d.QueryRow("SELECT given_name FROM children WHERE id = $1", w.child).Scan(&name); err != nil {
			t.Fatal(err)
		}
		want := "The council has issued " + name + "'s final EHC plan. It says the type of school or other institution " + name +
			" should go to, “Special school”, without naming a particular one. It was sent by email"
		var said string
		if err := w.d.QueryRow("SELECT what_changed FROM outbox WHERE reference = $1 ORDER BY id LIMIT 1", "ehc-plan:"+fin.ID).Scan(&said); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(said, want) {
			t.Errorf("the family is told %q, want it to begin %q", said, want)
		}
		if !strings.Contains(letter.Reasons, "to be made at a school or other institution of the type section I gives, “Special school”.") ||
			strings.Contains(letter.Reasons, "(section I)") {
			t.Errorf("the letter's reasons: %q", letter.Reasons)
		}
	})
}

// The decision not to issue a plan after the assessment (rule R4: notified
// within 16 weeks of the request, SEND Regs 2014 reg 10(1)-(3)) is recorded
// on the clock with its decision letter and the right of appeal (CFA 2014
// s51(2)(b)) in one change: refused out of reach (404, as missing), without
// plan.issue, and naming every missing part with nothing stored; afterwards
// the draft being written can no longer be changed or issued, and the
// decision cannot be made twice.
func TestDecideNoPlan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		ctx := context.Background()
		w := newWorld(t, dbx)
		w.at(d(2026, 11, 24)) // a Tuesday; the request came on 1 October
		if _, err := plan.Start(ctx, dbx, w.amira, w.child, plan.Draft); err != nil {
			t.Fatal(err)
		}
		good := plan.NoPlanInput{Method: "post", Adviser: demo.MediationAdviser,
			Reasons: "The assessment found that the child's needs can be met from the provision the school makes for SEN support."}
		before := w.count()
		if _, _, err := plan.DecideNoPlan(ctx, dbx, w.stranger, w.child, good); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("a coordinator with no relation to the child: %v", err)
		}
		if _, _, err := plan.DecideNoPlan(ctx, dbx, w.tom, w.child, good); apperr.CodeOf(err) == "" || apperr.CodeOf(err) == apperr.Invalid {
			t.Errorf("a health professional decided: %v", err)
		}
		_, _, err := plan.DecideNoPlan(ctx, dbx, w.amira, w.child, plan.NoPlanInput{Reasons: "No."})
		if got := strings.Join(fields(err), " "); got != "reasons adviser method" {
			t.Errorf("an empty decision: fields %q (%v)", got, err)
		}
		if w.count() != before {
			t.Error("a refused decision stored something")
		}
		audited := func(action string) int {
			return dbtest.Count(t, dbx, "SELECT COUNT(*) FROM audit_events WHERE action = $1 AND child_id = $2 AND actor_id = $3", action, w.child, w.amira.PersonID)
		}
		events, letters := audited("ehc.event.add"), audited("ehc.letter.issue")
		ev, l, err := plan.DecideNoPlan(ctx, dbx, w.amira, w.child, good)
		if err != nil {
			t.Fatal(err)
		}
		c, err := casework.Get(ctx, dbx, w.amira, w.child, access.CaseView)
		if err != nil {
			t.Fatal(err)
		}
		if c.Stage != casework.NoPlan || ev.Type.String() != "no_plan_decision" || ev.Date != d(2026, 11, 24) || ev.Note != good.Reasons {
			t.Errorf("the clock: stage %s, event %+v", c.Stage, ev)
		}
		var r4 bool
		for _, dl := range c.Deadlines {
			switch dl.Rule {
			case "R4": // 16 weeks from 1 October 2026 is 21 January 2027; notified on 24 November
				r4 = dl.Due == d(2027, 1, 21) && dl.Status == "met" && dl.Done == d(2026, 11, 24)
			case "R6":
				t.Errorf("the final plan's deadline stands after a decision not to issue one: %+v", dl)
			}
		}
		if !r4 {
			t.Errorf("R4 not met on 24 November 2026: %+v", c.Deadlines)
		}
		// Posted on Tuesday 24 November: received on Thursday 26 (CPR 6.26); appeal by 24 January 2027 (r20(1)(c)).
		if len(c.Letters) != 1 || c.Letters[0].ID != l.ID || l.Kind != casework.NoPlanLetter || l.EventID != ev.ID ||
			l.DeemedOn != d(2026, 11, 26) || l.AppealBy.Due != d(2027, 1, 24) || l.Reasons != good.Reasons {
			t.Errorf("the letter %+v among %+v", l, c.Letters)
		}
		if n := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM outbox WHERE reference = $1", "ehc-letter:"+l.ID); n < 1 {
			t.Error("the family was not told of the decision")
		}
		if audited("ehc.event.add") != events+1 || audited("ehc.letter.issue") != letters+1 {
			t.Errorf("audit rows: %d events and %d letters added, want 1 each", audited("ehc.event.add")-events, audited("ehc.letter.issue")-letters)
		}
		// The draft written before the decision stays, and can no longer be changed or issued; nor can the decision be made twice.
		if err := plan.SaveSection(ctx, dbx, w.amira, w.child, "B", []plan.Item{{Body: "Needs"}}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("a section saved after the decision: %v", err)
		}
		if _, err := plan.IssueDraft(ctx, dbx, w.amira, w.child, "post"); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("a draft issued after the decision: %v", err)
		}
		if _, _, err := plan.DecideNoPlan(ctx, dbx, w.amira, w.child, good); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("the decision made twice: %v", err)
		}
	})
}
