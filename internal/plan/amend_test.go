package plan_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/plan"
)

// eachWorld runs f in a new world on each database.
func eachWorld(t *testing.T, f func(t *testing.T, w world)) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) { f(t, newWorld(t, dbx)) })
}

func countRows(w world, q string, args ...any) int {
	w.t.Helper()
	return dbtest.Count(w.t, w.d, q, args...)
}

// finalPlan takes the world's child through the draft (issued Monday 23
// November 2026) to the final plan naming the school (8 December, R5's 15
// days later), as TestLifecycle does, and leaves the clock on 8 December.
func (w world) finalPlan() plan.Plan {
	w.t.Helper()
	ctx := context.Background()
	w.at(d(2026, 11, 23))
	if _, err := plan.Start(ctx, w.d, w.amira, w.child, plan.Draft); err != nil {
		w.t.Fatal(err)
	}
	w.complete()
	if _, err := plan.IssueDraft(ctx, w.d, w.amira, w.child, "post"); err != nil {
		w.t.Fatal(err)
	}
	w.at(d(2026, 12, 8))
	if _, err := plan.Start(ctx, w.d, w.amira, w.child, plan.Final); err != nil {
		w.t.Fatal(err)
	}
	if err := plan.SavePlacement(ctx, w.d, w.amira, w.child, "Mainstream primary school", w.school); err != nil {
		w.t.Fatal(err)
	}
	fin, _, err := plan.IssueFinal(ctx, w.d, w.amira, w.child, plan.Notice{Method: "email", Adviser: demo.MediationAdviser})
	if err != nil {
		w.t.Fatal(err)
	}
	return fin
}

// deadline is the case's deadline under rule from the day given.
func (w world) deadline(rule string, from date.Date) (due, notBefore date.Date, status string) {
	w.t.Helper()
	c, err := casework.Get(context.Background(), w.d, w.amira, w.child, access.CaseView)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, dl := range c.Deadlines {
		if dl.Rule == rule && dl.From == from {
			return dl.Due, dl.NotBefore, string(dl.Status)
		}
	}
	w.t.Fatalf("no %s from %s in %+v", rule, from, c.Deadlines)
	return
}

// Proposed amendments start as a copy of the final plan in force (every
// section and the setting named), need a reason, are one at a time, and
// are the council's alone; the family does not see them before the notice
// (reg 22(2)(a): they are sent with it).
func TestProposeAmendments(t *testing.T) {
	eachWorld(t, func(t *testing.T, w world) {
		ctx := context.Background()
		if _, err := plan.ProposeAmendments(ctx, w.d, w.amira, w.child, "Following the annual review"); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("amendments with no final plan: %v", err)
		}
		fin := w.finalPlan()
		w.at(d(2027, 3, 1))
		before := w.count()
		for _, c := range []struct {
			name, reason string
			as           access.Actor
			code         apperr.Code
			fields       string
		}{
			{"no reason", " ", w.amira, apperr.Invalid, "reason"},
			{"a reason too short to say anything", "review", w.amira, apperr.Invalid, "reason"},
			{"another team's child", "Following the annual review", w.stranger, apperr.NotFound, ""},
			{"a health professional", "Following the annual review", w.tom, apperr.Forbidden, ""},
			{"the parent", "Following the annual review", w.parent, apperr.Forbidden, ""},
		} {
			_, err := plan.ProposeAmendments(ctx, w.d, c.as, w.child, c.reason)
			if apperr.CodeOf(err) != c.code && !(c.code == apperr.Forbidden && apperr.CodeOf(err) == apperr.NotFound) {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
			if got := strings.Join(fields(err), " "); got != c.fields {
				t.Errorf("%s: fields %q, want %q", c.name, got, c.fields)
			}
		}
		if w.count() != before {
			t.Error("a refused proposal stored something")
		}
		pl, err := plan.ProposeAmendments(ctx, w.d, w.amira, w.child, "The annual review on 22 February 2027 found new needs")
		if err != nil {
			t.Fatal(err)
		}
		v, err := plan.Get(ctx, w.d, w.amira, w.child, access.CaseView)
		if err != nil {
			t.Fatal(err)
		}
		p := v.Proposal()
		if p == nil || p.ID != pl.ID || p.Version != 3 || p.Amendment.AmendsVersion != fin.Version || p.Amendment.Sent() || v.Working() != p {
			t.Fatalf("the proposal: %+v", p)
		}
		if p.Title() != "Proposed amendments to the EHC plan" || v.Current().ID != fin.ID {
			t.Errorf("title %q, current %s: the final plan stays in force", p.Title(), v.Current().ID)
		}
		if p.SettingID != w.school || len(p.In("F")) != 1 || p.In("F")[0] != v.Amended().In("F")[0] || len(v.ProposedChanges()) != 0 {
			t.Errorf("not a copy of the final plan: %+v, changes %+v", p, v.ProposedChanges())
		}
		if _, err := plan.ProposeAmendments(ctx, w.d, w.amira, w.child, "A second set of amendments"); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("a second proposal while one is written: %v", err)
		}
		if _, _, err := plan.IssueFinal(ctx, w.d, w.amira, w.child, plan.Notice{Method: "email", Adviser: demo.MediationAdviser}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("proposed amendments issued as a final plan, without their notice: %v", err)
		}
		fv, err := plan.Get(ctx, w.d, w.parent, w.child, access.FamilyView)
		if err != nil || fv.Proposal() != nil || fv.Current() == nil || fv.Current().ID != fin.ID {
			t.Errorf("the parent sees proposed amendments not yet sent: %d versions, %v", len(fv.Versions), err)
		}
		if _, err := plan.AddComment(ctx, w.d, w.parent, w.child, "F", "A comment on amendments not sent"); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("a comment before the notice: %v", err)
		}
	})
}

// The notice (reg 22(2)): refused, storing nothing, when it changes nothing,
// leaves the plan incomplete or says not how it is sent; sent, it records
// amendment_notice on the clock with how it was sent and when it is deemed
// received, R15's not-before date is the notice + 15 days ("at least 15
// days, beginning with day notice served") and R16's due date the notice +
// 8 weeks (reg 22(3)); the family is told, sees each change against the
// final plan, comments and asks for a setting (R15: "representations /
// school request").
func TestAmendmentNotice(t *testing.T) {
	eachWorld(t, func(t *testing.T, w world) {
		ctx := context.Background()
		w.finalPlan()
		w.at(d(2027, 3, 1)) // a Monday
		if _, err := plan.SendAmendmentNotice(ctx, w.d, w.amira, w.child, "email"); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("a notice with nothing proposed: %v", err)
		}
		if _, err := plan.ProposeAmendments(ctx, w.d, w.amira, w.child, "The annual review found new needs"); err != nil {
			t.Fatal(err)
		}
		before := w.count()
		for _, c := range []struct {
			name, method, fields string
			change               func()
		}{
			{"no change and no method", "", "changes method", nil},
			{"section B emptied", "email", "section-B", func() {
				if err := plan.SaveSection(ctx, w.d, w.amira, w.child, "B", nil); err != nil {
					t.Fatal(err)
				}
			}},
			{"an unknown method", "pigeon", "method", func() {
				if err := plan.SaveSection(ctx, w.d, w.amira, w.child, "B", []plan.Item{{Body: "Speech, language and communication needs, and now dyslexia."}}); err != nil {
					t.Fatal(err)
				}
			}},
		} {
			if c.change != nil {
				c.change()
				before = w.count()
			}
			_, err := plan.SendAmendmentNotice(ctx, w.d, w.amira, w.child, c.method)
			if got := strings.Join(fields(err), " "); got != c.fields {
				t.Errorf("%s: fields %q, want %q (%v)", c.name, got, c.fields, err)
			}
			if w.count() != before {
				t.Errorf("%s: a refused notice stored something", c.name)
			}
		}
		if err := plan.SaveSection(ctx, w.d, w.amira, w.child, "F", []plan.Item{
			{Body: "Small-group language sessions", Who: "Teaching assistant trained by the therapist", HowOften: "3 times a week, 20 minutes", HowLong: "Until the annual review"},
			{Body: "Structured literacy programme", Who: "Specialist teacher", HowOften: "2 sessions a week, 30 minutes", HowLong: "One school year"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := plan.SendAmendmentNotice(ctx, w.d, w.stranger, w.child, "post"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another team's coordinator sends the notice: %v", err)
		}
		pl, err := plan.SendAmendmentNotice(ctx, w.d, w.amira, w.child, "post")
		if err != nil {
			t.Fatal(err)
		}
		am := pl.Amendment
		if am.NoticeOn != d(2027, 3, 1) || am.NoticeMethod != "post" || am.NoticeDeemedOn != d(2027, 3, 3) { // posted Monday: the second business day after
			t.Errorf("the notice: %+v", am)
		}
		c, _ := casework.Get(ctx, w.d, w.amira, w.child, access.CaseView)
		if ev := c.Events[len(c.Events)-1]; ev.Type.String() != "amendment_notice" || ev.Date != d(2027, 3, 1) || ev.ID != am.NoticeEventID {
			t.Errorf("the clock's last event: %+v", ev)
		}
		if _, nb, st := w.deadline("R15", d(2027, 3, 1)); nb != d(2027, 3, 16) || st != "pending" {
			t.Errorf("R15 not before %s (%s), want 16 March 2027", nb, st)
		}
		if due, _, _ := w.deadline("R16", d(2027, 3, 1)); due != d(2027, 4, 26) {
			t.Errorf("R16 due %s, want 26 April 2027 (8 weeks)", due)
		}
		v, _ := plan.Get(ctx, w.d, w.amira, w.child, access.CaseView)
		if v.AmendNotBefore != d(2027, 3, 16) || v.AmendDue != d(2027, 4, 26) {
			t.Errorf("the plan reads R15 %s and R16 %s from the clock", v.AmendNotBefore, v.AmendDue)
		}
		if n := countRows(w, "SELECT COUNT(*) FROM outbox WHERE reference = $1 AND what_to_do LIKE '%cannot issue the amended plan before 16 March 2027%'", "ehc-plan:"+pl.ID); n < 1 {
			t.Error("the family was not told of the proposed amendments and their 15 days")
		}
		if _, err := plan.SendAmendmentNotice(ctx, w.d, w.amira, w.child, "post"); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("the notice sent twice: %v", err)
		}
		// The family sees what changes, section by section, and replies.
		fv, err := plan.Get(ctx, w.d, w.parent, w.child, access.FamilyView)
		if err != nil || fv.OpenAmendment() == nil || fv.Open() != fv.OpenAmendment() {
			t.Fatalf("the parent reads the proposed amendments: %d versions, %v", len(fv.Versions), err)
		}
		var got []string
		for _, ch := range fv.ProposedChanges() {
			got = append(got, ch.Section.Code)
			if ch.Section.Code == "F" && (len(ch.Removed) != 0 || len(ch.Added) != 1 || !strings.Contains(ch.Added[0], "Structured literacy programme (who: Specialist teacher")) {
				t.Errorf("section F's change: %+v", ch)
			}
		}
		if !slices.Equal(got, []string{"B", "F"}) {
			t.Errorf("the family sees changes in sections %v, want B and F", got)
		}
		if _, err := plan.AddComment(ctx, w.d, w.parent, w.child, "F", "Which days will the literacy sessions be?"); err != nil {
			t.Fatal(err)
		}
		if _, err := plan.RequestSetting(ctx, w.d, w.parent, w.child, w.school, ""); err != nil {
			t.Errorf("a school request on proposed amendments: %v", err)
		}
		v, _ = plan.Get(ctx, w.d, w.amira, w.child, access.CaseView)
		if len(v.Comments) != 1 || v.Comments[0].PlanID != pl.ID {
			t.Errorf("the coordinator sees comments %+v", v.Comments)
		}
	})
}

// Issuing the amended plan: refused before the clock's R15 date (reg
// 22(2)(c)), when incomplete (the final plan's checks), with no method, with
// no mediation adviser or reasons too short for its letter, before the
// notice, for another team's child (404) and for a role that may not issue
// plans, storing nothing; then it records amended_plan_issued (meeting R15
// and R16, reg 22(3)), becomes the plan in force for staff and the family,
// closes the comments, and its decision letter with the right of appeal
// against the plan as amended (CFA 2014 s51(2)(c)) is made with it, in the
// standard words when none are given: none is left to send by hand.
func TestIssueAmended(t *testing.T) {
	eachWorld(t, func(t *testing.T, w world) {
		ctx := context.Background()
		w.finalPlan()
		w.at(d(2027, 3, 1))
		if _, err := plan.ProposeAmendments(ctx, w.d, w.amira, w.child, "The annual review found new needs"); err != nil {
			t.Fatal(err)
		}
		if err := plan.SaveSection(ctx, w.d, w.amira, w.child, "J", []plan.Item{{Body: "A personal budget of £1,200 a year for after-school activities."}}); err != nil {
			t.Fatal(err)
		}
		ok := plan.Notice{Method: "email", Adviser: demo.MediationAdviser}
		cases := []struct {
			name   string
			on     date.Date
			as     access.Actor
			n      plan.Notice
			before func()
			code   apperr.Code
			fields string
		}{
			{name: "before the notice", on: d(2027, 3, 1), as: w.amira, n: ok, code: apperr.Conflict},
			{name: "the 15th day of the 15", on: d(2027, 3, 15), as: w.amira, n: ok, code: apperr.Invalid, fields: "issued",
				before: func() {
					if _, err := plan.SendAmendmentNotice(ctx, w.d, w.amira, w.child, "email"); err != nil {
						t.Fatal(err)
					}
				}},
			{name: "incomplete: provision not quantified", on: d(2027, 3, 16), as: w.amira, n: ok, code: apperr.Invalid, fields: "F-0-often F-0-long",
				before: func() {
					if err := plan.SaveSection(ctx, w.d, w.amira, w.child, "F", []plan.Item{{Body: "Small-group language sessions", Who: "Teaching assistant"}}); err != nil {
						t.Fatal(err)
					}
				}},
			{name: "no method, no adviser", on: d(2027, 3, 16), as: w.amira, code: apperr.Invalid, fields: "method adviser",
				before: func() {
					if err := plan.SaveSection(ctx, w.d, w.amira, w.child, "F", []plan.Item{{Body: "Small-group language sessions", Who: "Teaching assistant",
						HowOften: "3 times a week", HowLong: "A year"}}); err != nil {
						t.Fatal(err)
					}
				}},
			{name: "reasons too short to tell the family anything", on: d(2027, 3, 16), as: w.amira, code: apperr.Invalid, fields: "reasons",
				n: plan.Notice{Method: "post", Adviser: demo.MediationAdviser, Reasons: "Amended."}},
			{name: "another team's child", on: d(2027, 3, 16), as: w.stranger, n: ok, code: apperr.NotFound},
			{name: "a health professional", on: d(2027, 3, 16), as: w.tom, n: ok, code: apperr.Forbidden},
		}
		for _, c := range cases {
			w.at(d(2027, 3, 1))
			if c.before != nil {
				c.before()
			}
			w.at(c.on)
			before, letters := w.count(), countRows(w, "SELECT COUNT(*) FROM ehc_letters")
			_, _, err := plan.IssueAmended(ctx, w.d, c.as, w.child, c.n)
			if code := apperr.CodeOf(err); code != c.code && !(c.code == apperr.Forbidden && code == apperr.NotFound) {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
			if got := strings.Join(fields(err), " "); got != c.fields {
				t.Errorf("%s: fields %q, want %q", c.name, got, c.fields)
			}
			if c.fields == "issued" && !strings.Contains(err.(*apperr.Error).Fields[0].Message, "before 16 March 2027") {
				t.Errorf("%s: %v does not name the R15 date", c.name, err)
			}
			if w.count() != before || countRows(w, "SELECT COUNT(*) FROM ehc_letters") != letters {
				t.Errorf("%s: a refused amended plan stored something", c.name)
			}
		}
		w.at(d(2027, 3, 16))
		am, letter, err := plan.IssueAmended(ctx, w.d, w.amira, w.child, ok)
		if err != nil {
			t.Fatal(err)
		}
		if am.Title() != "Final amended EHC plan" || am.IssuedOn != d(2027, 3, 16) {
			t.Errorf("the amended plan: %q issued %s", am.Title(), am.IssuedOn)
		}
		c, _ := casework.Get(ctx, w.d, w.amira, w.child, access.CaseView)
		ev := c.Events[len(c.Events)-1]
		if ev.Type.String() != "amended_plan_issued" || ev.Date != d(2027, 3, 16) || c.Stage != casework.Plan {
			t.Errorf("the clock after the amended plan: %s %+v", c.Stage, ev)
		}
		for _, rule := range []string{"R15", "R16"} {
			if _, _, st := w.deadline(rule, d(2027, 3, 1)); st != "met" {
				t.Errorf("%s %s, want met", rule, st)
			}
		}
		// The letter was made with the plan, sent the same way, in the standard words.
		var first string
		if err := w.d.QueryRow("SELECT given_name FROM children WHERE id = $1", w.child).Scan(&first); err != nil {
			t.Fatal(err)
		}
		wantReasons := "The council has amended " + first + "'s EHC plan: The annual review found new needs. The amendments change sections F and J, as proposed to you on 1 March 2027."
		if letter.Kind != casework.AmendedLetter || letter.EventID != ev.ID || letter.Method != "email" || letter.DecisionOn != d(2027, 3, 16) ||
			letter.Adviser != demo.MediationAdviser || !strings.HasPrefix(letter.Reasons, wantReasons) || am.LetterID != letter.ID {
			t.Errorf("the amended plan's letter: %+v, plan's letter %q", letter, am.LetterID)
		}
		if casework.LetterBasis[letter.Kind] != "CFA 2014 s51(2)(c) and s51(3)(b); SEND Regs 2014 reg 22(3)" || letter.AppealBy.Due != d(2027, 5, 16) {
			t.Errorf("the letter's basis %q and appeal by %s: two months from the notice", casework.LetterBasis[letter.Kind], letter.AppealBy.Due)
		}
		if got := casework.Appealable(c, c.Letters); slices.ContainsFunc(got, func(e casework.Event) bool { return e.ID == ev.ID }) {
			t.Errorf("the amended plan's decision letter is left to send by hand: %+v", got)
		}
		if n := countRows(w, "SELECT COUNT(*) FROM outbox WHERE reference = $1", "ehc-letter:"+letter.ID); n < 1 {
			t.Error("the family was not sent the decision letter")
		}
		for _, as := range []struct {
			who access.Actor
			p   access.Permission
		}{{w.amira, access.CaseView}, {w.parent, access.FamilyView}} {
			v, err := plan.Get(ctx, w.d, as.who, w.child, as.p)
			if cur := v.Current(); err != nil || cur == nil || cur.ID != am.ID || v.Proposal() != nil || len(cur.In("J")) != 1 || cur.LetterID != letter.ID {
				t.Errorf("%s reads %+v (%v): want the amended plan in force", as.p, cur, err)
			}
		}
		if _, err := plan.AddComment(ctx, w.d, w.parent, w.child, "J", "Too late"); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("a comment after the amended plan: %v", err)
		}
		if _, _, err := plan.IssueAmended(ctx, w.d, w.amira, w.child, ok); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("the amended plan issued twice: %v", err)
		}
		if n := countRows(w, "SELECT COUNT(*) FROM outbox WHERE reference = $1 AND subject LIKE '%amended EHC plan'", "ehc-plan:"+am.ID); n < 1 {
			t.Error("the family was not told of the amended plan")
		}
		// The amended plan is the one a further amendment starts from.
		if _, err := plan.ProposeAmendments(ctx, w.d, w.amira, w.child, "A change of school at the family's request"); err != nil {
			t.Fatal(err)
		}
		v, _ := plan.Get(ctx, w.d, w.amira, w.child, access.CaseView)
		if v.Amended() == nil || v.Amended().ID != am.ID || len(v.Proposal().In("J")) != 1 {
			t.Errorf("a second amendment starts from %+v", v.Amended())
		}
	})
}

// Changes names what proposed amendments change, section by section: a row
// added, one taken out, one changed (both), a row moved (none), the setting named.
func TestChanges(t *testing.T) {
	sessions := plan.Item{Body: "Language sessions", Who: "Teaching assistant", HowOften: "Weekly", HowLong: "A year"}
	reading := plan.Item{Body: "Reading support", Who: "Teacher", HowOften: "Daily", HowLong: "A term"}
	before := plan.Plan{Items: map[string][]plan.Item{"A": {{Body: "I like football."}}, "F": {sessions, reading}},
		PlacementType: "Mainstream primary school", SettingID: "s1", Setting: "Oak Primary"}
	for _, c := range []struct {
		name  string
		after func(p *plan.Plan)
		want  string // section: removed / added, each section separated by " | "
	}{
		{"no change", func(p *plan.Plan) {}, ""},
		{"rows moved within a section", func(p *plan.Plan) { p.Items["F"] = []plan.Item{reading, sessions} }, ""},
		{"a row added", func(p *plan.Plan) { p.Items["B"] = []plan.Item{{Body: "Dyslexia"}} }, "B:  / Dyslexia"},
		{"a row taken out", func(p *plan.Plan) { p.Items["A"] = nil }, "A: I like football. /"},
		{"provision changed: how often", func(p *plan.Plan) {
			more := sessions
			more.HowOften = "Twice a week"
			p.Items["F"] = []plan.Item{more, reading}
		}, "F: Language sessions (who: Teaching assistant; how often: Weekly; for how long: A year) / Language sessions (who: Teaching assistant; how often: Twice a week; for how long: A year)"},
		{"a new school named", func(p *plan.Plan) { p.SettingID, p.Setting = "s2", "Elm Academy" },
			"I: Type: Mainstream primary school. Name: Oak Primary / Type: Mainstream primary school. Name: Elm Academy"},
		// The final plan may give the type only, or the name only (CFA 2014 s40(2)).
		{"the name taken out, the type kept", func(p *plan.Plan) { p.SettingID, p.Setting = "", "" },
			"I: Type: Mainstream primary school. Name: Oak Primary / Type: Mainstream primary school. Name: none named"},
		{"the type taken out, the name kept", func(p *plan.Plan) { p.PlacementType = "" },
			"I: Type: Mainstream primary school. Name: Oak Primary / Type: not specified. Name: Oak Primary"},
	} {
		after := before
		after.Items = map[string][]plan.Item{}
		for k, v := range before.Items {
			after.Items[k] = slices.Clone(v)
		}
		c.after(&after)
		var got []string
		for _, ch := range plan.Changes(before, after) {
			got = append(got, strings.TrimSpace(ch.Section.Code+": "+strings.Join(ch.Removed, "; ")+" / "+strings.Join(ch.Added, "; ")))
		}
		if s := strings.Join(got, " | "); s != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, s, c.want)
		}
	}
}

// AmendedReasons are the amended plan's letter's words when the coordinator
// gives none: why, which sections change, and that the plan as amended is
// what the family may appeal (CFA 2014 s51(2)(c)); within a letter's 10,000
// characters even when the reason given is as long as it may be.
func TestAmendedReasons(t *testing.T) {
	sec := func(codes ...string) []plan.Change {
		var out []plan.Change
		for _, c := range codes {
			s, _ := plan.SectionOf(c)
			out = append(out, plan.Change{Section: s})
		}
		return out
	}
	long := strings.Repeat("The review found more. ", plan.MaxText/23)
	for _, c := range []struct {
		name   string
		am     plan.Amendment
		prefix string
	}{
		{"one section", plan.Amendment{Reason: "The annual review found new needs.", NoticeOn: d(2027, 3, 1), Changes: sec("F")},
			"The council has amended Mia's EHC plan: The annual review found new needs. The amendments change section F, as proposed to you on 1 March 2027. "},
		{"three sections", plan.Amendment{Reason: "A new school", NoticeOn: d(2027, 3, 1), Changes: sec("B", "F", "I")},
			"The council has amended Mia's EHC plan: A new school. The amendments change sections B, F and I, as proposed"},
		{"a reason too long to repeat", plan.Amendment{Reason: long, NoticeOn: d(2027, 3, 1), Changes: sec("J")},
			"The council has amended Mia's EHC plan. The amendments change section J"},
	} {
		got := plan.AmendedReasons("Mia", &c.am)
		if !strings.HasPrefix(got, c.prefix) || len(got) > plan.MaxText || !strings.Contains(got, "as they now stand") {
			t.Errorf("%s: %q", c.name, got)
		}
	}
}

// Deciding not to amend after the notice (SEND Regulations 2014 reg 22(4):
// the council must tell the family, with its reasons): refused before the
// notice (there is nothing to tell them: the proposal is withdrawn instead),
// without its reasons, method or mediation adviser, for another team's
// child (404) and a role that may not issue plans, storing nothing. Made,
// it records no_amendment_decision, which meets R16 when within 8 weeks of
// the notice (reg 22(3)) and ends R15; the proposal is withdrawn and the
// final plan stays in force for staff and family; the decision letter with
// the right of appeal (CFA 2014 s51(2)(e)) and a message go to the family,
// who read the reasons; new amendments can then be proposed. A decision
// made after the 8 weeks misses R16.
func TestDecideNotToAmend(t *testing.T) {
	eachWorld(t, func(t *testing.T, w world) {
		ctx := context.Background()
		fin := w.finalPlan()
		w.at(d(2027, 3, 1))
		if _, err := plan.ProposeAmendments(ctx, w.d, w.amira, w.child, "The annual review found new needs"); err != nil {
			t.Fatal(err)
		}
		if err := plan.SaveSection(ctx, w.d, w.amira, w.child, "J", []plan.Item{{Body: "A personal budget of £1,200 a year for after-school activities."}}); err != nil {
			t.Fatal(err)
		}
		good := plan.NoAmendInput{Reasons: "Having read your comments, the council agrees the plan already meets the needs the review found.",
			Method: "email", Adviser: demo.MediationAdviser}
		if _, _, err := plan.DecideNotToAmend(ctx, w.d, w.amira, w.child, good); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("a decision before the notice: %v", err)
		}
		if _, err := plan.SendAmendmentNotice(ctx, w.d, w.amira, w.child, "email"); err != nil {
			t.Fatal(err)
		}
		w.at(d(2027, 3, 20))
		for _, c := range []struct {
			name   string
			as     access.Actor
			in     plan.NoAmendInput
			code   apperr.Code
			fields string
		}{
			{"nothing given", w.amira, plan.NoAmendInput{}, apperr.Invalid, "reasons adviser method"},
			{"reasons too short for the family to understand", w.amira, plan.NoAmendInput{Reasons: "Not needed.", Method: "post", Adviser: demo.MediationAdviser}, apperr.Invalid, "reasons"},
			{"another team's child", w.stranger, good, apperr.NotFound, ""},
			{"a health professional", w.tom, good, apperr.Forbidden, ""},
			{"the parent", w.parent, good, apperr.Forbidden, ""},
		} {
			before, letters := w.count(), countRows(w, "SELECT COUNT(*) FROM ehc_letters")
			_, _, err := plan.DecideNotToAmend(ctx, w.d, c.as, w.child, c.in)
			if code := apperr.CodeOf(err); code != c.code && !(c.code == apperr.Forbidden && code == apperr.NotFound) {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
			if got := strings.Join(fields(err), " "); got != c.fields {
				t.Errorf("%s: fields %q, want %q", c.name, got, c.fields)
			}
			if w.count() != before || countRows(w, "SELECT COUNT(*) FROM ehc_letters") != letters {
				t.Errorf("%s: a refused decision stored something", c.name)
			}
		}
		pl, letter, err := plan.DecideNotToAmend(ctx, w.d, w.amira, w.child, good)
		if err != nil {
			t.Fatal(err)
		}
		am := pl.Amendment
		if pl.Status != plan.Withdrawn || !am.Decided() || am.DecidedOn != d(2027, 3, 20) || am.WithdrawnReason != good.Reasons || am.DecisionLetterID != letter.ID {
			t.Errorf("the proposal after the decision: %s %+v", pl.Status, am)
		}
		c, _ := casework.Get(ctx, w.d, w.amira, w.child, access.CaseView)
		if ev := c.Events[len(c.Events)-1]; ev.Type.String() != "no_amendment_decision" || ev.Date != d(2027, 3, 20) || ev.ID != am.DecisionEventID || c.Stage != casework.Plan {
			t.Errorf("the clock's last event: %s %+v", c.Stage, ev)
		}
		if _, _, st := w.deadline("R16", d(2027, 3, 1)); st != "met" {
			t.Errorf("R16 %s, want met: decided within 8 weeks (reg 22(3)-(4))", st)
		}
		if _, _, st := w.deadline("R15", d(2027, 3, 1)); st != "met" {
			t.Errorf("R15 %s, want met: no amended plan was made", st)
		}
		if letter.Kind != casework.NoAmendLetter || letter.EventID != am.DecisionEventID || letter.Reasons != good.Reasons ||
			casework.LetterBasis[letter.Kind] != "R16: CFA 2014 s51(2)(e); SEND Regs 2014 reg 22(4)" || letter.AppealBy.Due != d(2027, 5, 20) {
			t.Errorf("the decision letter: %+v", letter)
		}
		if n := countRows(w, "SELECT COUNT(*) FROM outbox WHERE reference = $1 AND subject LIKE '%will not be changed' AND what_changed LIKE '%proposed on 1 March 2027%'", "ehc-plan:"+pl.ID); n < 1 {
			t.Error("the family was not told the plan stays as it was")
		}
		if n := countRows(w, "SELECT COUNT(*) FROM outbox WHERE reference = $1", "ehc-letter:"+letter.ID); n < 1 {
			t.Error("the family was not sent the decision letter")
		}
		for _, as := range []struct {
			who access.Actor
			p   access.Permission
		}{{w.amira, access.CaseView}, {w.parent, access.FamilyView}} {
			v, err := plan.Get(ctx, w.d, as.who, w.child, as.p)
			if err != nil || v.Current() == nil || v.Current().ID != fin.ID || v.Proposal() != nil || v.Open() != nil || v.Working() != nil {
				t.Errorf("%s: the final plan is not the one in force, or a proposal is still open (%v)", as.p, err)
			}
			if la := v.LatestAmendment(); la == nil || la.ID != pl.ID || la.Status != plan.Withdrawn || la.Amendment.DecisionLetterID != letter.ID {
				t.Errorf("%s reads the latest amendment as %+v", as.p, la)
			}
		}
		fc, _ := casework.Get(ctx, w.d, w.parent, w.child, access.FamilyView)
		if ev := fc.Events[len(fc.Events)-1]; ev.Note != good.Reasons {
			t.Errorf("the family does not read the decision's reasons: %q", ev.Note)
		}
		if _, err := plan.AddComment(ctx, w.d, w.parent, w.child, "J", "Too late"); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("a comment after the decision: %v", err)
		}
		if _, _, err := plan.IssueAmended(ctx, w.d, w.amira, w.child, plan.Notice{Method: "email", Adviser: demo.MediationAdviser}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("the amended plan issued after the decision not to amend: %v", err)
		}
		if _, _, err := plan.DecideNotToAmend(ctx, w.d, w.amira, w.child, good); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("the decision made twice: %v", err)
		}

		// New amendments start again from the final plan; decided after 8 weeks, R16 is missed.
		w.at(d(2027, 6, 1))
		next, err := plan.ProposeAmendments(ctx, w.d, w.amira, w.child, "A change of school at the family's request")
		if err != nil {
			t.Fatal(err)
		}
		if next.Version != pl.Version+1 || len(next.In("J")) != 0 {
			t.Errorf("new amendments: version %d with %d rows in J, want %d copied from the final plan", next.Version, len(next.In("J")), pl.Version+1)
		}
		if err := plan.SaveSection(ctx, w.d, w.amira, w.child, "A", []plan.Item{{Body: "I like drawing and football. I want to be a vet or a keeper."}}); err != nil {
			t.Fatal(err)
		}
		if _, err := plan.SendAmendmentNotice(ctx, w.d, w.amira, w.child, "post"); err != nil {
			t.Fatal(err)
		}
		w.at(d(2027, 7, 28)) // R16: 1 June + 8 weeks is 27 July
		if _, _, err := plan.DecideNotToAmend(ctx, w.d, w.amira, w.child, good); err != nil {
			t.Fatal(err)
		}
		if due, _, st := w.deadline("R16", d(2027, 6, 1)); due != d(2027, 7, 27) || st != "missed" {
			t.Errorf("R16 due %s %s, want missed: decided a day after the 8 weeks", due, st)
		}
	})
}

// Withdrawing proposed amendments before the notice: the coordinator
// changes their mind (SEND Regulations 2014 reg 22: the family has not been
// sent them, so nothing runs on the clock and nobody is told). Refused with
// no reason, for another team's child (404) and roles that may not change
// the case, storing nothing; withdrawn, it is audited with the reason, the
// final plan stays in force, the family sees nothing of it, and the
// sections can no longer be changed; new amendments can be proposed. Once
// their notice is sent they cannot be withdrawn quietly: the family must be
// told of the decision not to amend (reg 22(4)).
func TestWithdrawAmendments(t *testing.T) {
	eachWorld(t, func(t *testing.T, w world) {
		ctx := context.Background()
		fin := w.finalPlan()
		w.at(d(2027, 3, 1))
		if _, err := plan.WithdrawAmendments(ctx, w.d, w.amira, w.child, "Nothing was proposed"); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("withdrawing with nothing proposed: %v", err)
		}
		pl, err := plan.ProposeAmendments(ctx, w.d, w.amira, w.child, "The annual review found new needs")
		if err != nil {
			t.Fatal(err)
		}
		if err := plan.SaveSection(ctx, w.d, w.amira, w.child, "J", []plan.Item{{Body: "A personal budget of £1,200 a year for after-school activities."}}); err != nil {
			t.Fatal(err)
		}
		reason := "The family and school agreed at the review that the plan can stay as it is"
		for _, c := range []struct {
			name, reason string
			as           access.Actor
			code         apperr.Code
			fields       string
		}{
			{"no reason", " ", w.amira, apperr.Invalid, "reason"},
			{"another team's child", reason, w.stranger, apperr.NotFound, ""},
			{"a health professional", reason, w.tom, apperr.Forbidden, ""},
			{"the parent", reason, w.parent, apperr.Forbidden, ""},
		} {
			before := w.count()
			_, err := plan.WithdrawAmendments(ctx, w.d, c.as, w.child, c.reason)
			if code := apperr.CodeOf(err); code != c.code && !(c.code == apperr.Forbidden && code == apperr.NotFound) {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
			if got := strings.Join(fields(err), " "); got != c.fields {
				t.Errorf("%s: fields %q, want %q", c.name, got, c.fields)
			}
			if w.count() != before {
				t.Errorf("%s: a refused withdrawal stored something", c.name)
			}
		}
		events, messages := countRows(w, "SELECT COUNT(*) FROM ehc_events"), countRows(w, "SELECT COUNT(*) FROM outbox")
		wd, err := plan.WithdrawAmendments(ctx, w.d, w.amira, w.child, reason)
		if err != nil {
			t.Fatal(err)
		}
		if wd.ID != pl.ID || wd.Status != plan.Withdrawn || wd.Amendment.WithdrawnReason != reason || wd.Amendment.WithdrawnBy != "Amira Hussain" || wd.Amendment.Decided() {
			t.Errorf("the withdrawn proposal: %s %+v", wd.Status, wd.Amendment)
		}
		if countRows(w, "SELECT COUNT(*) FROM ehc_events") != events || countRows(w, "SELECT COUNT(*) FROM outbox") != messages {
			t.Error("withdrawing amendments the family never saw put something on the clock or told someone")
		}
		if n := countRows(w, "SELECT COUNT(*) FROM audit_events WHERE action = 'plan.amend.withdraw' AND record_id = $1 AND actor_id = $2", pl.ID, w.amira.PersonID); n != 1 {
			t.Errorf("%d audit rows for the withdrawal, want 1", n)
		}
		v, _ := plan.Get(ctx, w.d, w.amira, w.child, access.CaseView)
		if v.Current() == nil || v.Current().ID != fin.ID || v.Proposal() != nil || v.Working() != nil || v.LatestAmendment().ID != pl.ID {
			t.Errorf("after the withdrawal: the final plan is not the one in force, or a proposal is still open")
		}
		fv, _ := plan.Get(ctx, w.d, w.parent, w.child, access.FamilyView)
		if fv.LatestAmendment() != nil || fv.Current().ID != fin.ID {
			t.Errorf("the family sees amendments they were never sent: %+v", fv.LatestAmendment())
		}
		if err := plan.SaveSection(ctx, w.d, w.amira, w.child, "J", nil); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("a section of withdrawn amendments changed: %v", err)
		}
		if _, err := plan.SendAmendmentNotice(ctx, w.d, w.amira, w.child, "email"); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("withdrawn amendments sent: %v", err)
		}
		if _, err := plan.WithdrawAmendments(ctx, w.d, w.amira, w.child, reason); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("withdrawn twice: %v", err)
		}

		// New amendments can follow; once sent, they are not withdrawn quietly.
		next, err := plan.ProposeAmendments(ctx, w.d, w.amira, w.child, "A change of school at the family's request")
		if err != nil || next.Version != pl.Version+1 || len(next.In("J")) != 0 {
			t.Fatalf("new amendments after the withdrawal: %+v, %v", next, err)
		}
		if err := plan.SaveSection(ctx, w.d, w.amira, w.child, "J", []plan.Item{{Body: "A personal budget for holiday schemes."}}); err != nil {
			t.Fatal(err)
		}
		if _, err := plan.SendAmendmentNotice(ctx, w.d, w.amira, w.child, "email"); err != nil {
			t.Fatal(err)
		}
		before := w.count()
		if _, err := plan.WithdrawAmendments(ctx, w.d, w.amira, w.child, reason); apperr.CodeOf(err) != apperr.Conflict || !strings.Contains(err.Error(), "decide not to amend") {
			t.Errorf("amendments withdrawn after their notice: %v, want a Conflict naming the decision not to amend", err)
		}
		if w.count() != before {
			t.Error("a refused withdrawal stored something")
		}
	})
}
