package plan_test

import (
	"strings"
	"testing"

	"joinedup/internal/plan"
)

// complete is a version whose sections B, E and F Check accepts, so that
// only section I decides: kind and Amendment as given, section I empty.
func complete(kind string, amended bool) plan.Plan {
	p := plan.Plan{Kind: kind, Status: plan.Editing, Items: map[string][]plan.Item{
		"B": {{Body: "Speech, language and communication needs"}},
		"E": {{Body: "Follows three-step instructions", ByWhen: d(2027, 7, 16), Steps: "Two-step by Easter"}},
		"F": {{Body: "Language group", Who: "Teaching assistant", HowOften: "3 times a week", HowLong: "A year"}},
	}}
	if amended {
		p.Amendment = &plan.Amendment{Amends: "v1", AmendsVersion: 1, Reason: "Following the annual review"}
	}
	return p
}

// Section I against the Children and Families Act 2014: a draft must not
// name a school or other institution (s38(5)(a)) nor specify a type of one
// (s38(5)(b)); the final plan names one or specifies its type, either being
// enough (s40(2)); an amended plan is a final plan (SEND Regulations 2014 reg
// 12(1)(i)). Each refusal is the one field section-I with the Act's words;
// nothing else in the table is wrong, so any other field is a failure.
func TestCheckSectionI(t *testing.T) {
	const school, name, typ = "org-1", "Oak Primary School", "Special school"
	for _, c := range []struct {
		name           string
		kind           string
		amended        bool
		setting, typ   string
		want, wantCite string // the message, "" for none; the part of the Act it cites
	}{
		{"s38(5)(a): a draft naming a school", plan.Draft, false, school, "", plan.DraftPlacementRefused, "s38(5)"},
		{"s38(5)(b): a draft specifying a type", plan.Draft, false, "", typ, plan.DraftPlacementRefused, "s38(5)"},
		{"s38(5)(a) and (b): a draft naming a school and its type", plan.Draft, false, school, typ, plan.DraftPlacementRefused, "s38(5)"},
		{"s38(5)(b): a draft whose type is only spaces is empty", plan.Draft, false, "", "   ", "", ""},
		{"s38(5): a draft leaving section I empty", plan.Draft, false, "", "", "", ""},
		{"s40(2): a final plan naming a school only", plan.Final, false, school, "", "", ""},
		{"s40(2): a final plan specifying a type only", plan.Final, false, "", typ, "", ""},
		{"s40(2): a final plan naming a school and its type", plan.Final, false, school, typ, "", ""},
		{"s40(2): a final plan doing neither", plan.Final, false, "", "", plan.FinalPlacementMissing, "s40(2)"},
		{"s40(2): a final plan whose type is only spaces", plan.Final, false, "", "  ", plan.FinalPlacementMissing, "s40(2)"},
		{"reg 12(1)(i): an amended plan naming a school only", plan.Final, true, school, "", "", ""},
		{"reg 12(1)(i): an amended plan specifying a type only", plan.Final, true, "", typ, "", ""},
		{"reg 12(1)(i): an amended plan naming a school and its type", plan.Final, true, school, typ, "", ""},
		{"reg 12(1)(i): an amended plan doing neither", plan.Final, true, "", "", plan.FinalPlacementMissing, "s40(2)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := complete(c.kind, c.amended)
			p.PlacementType = c.typ
			if c.setting != "" {
				p.SettingID, p.Setting = c.setting, name
			}
			fs := plan.Check(p)
			if c.want == "" {
				if len(fs) != 0 {
					t.Errorf("refused: %+v", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Name != "section-I" || fs[0].Message != c.want {
				t.Fatalf("got %+v, want section-I: %q", fs, c.want)
			}
			if !strings.Contains(fs[0].Message, "Children and Families Act 2014 "+c.wantCite) {
				t.Errorf("%q does not cite the Act's %s", fs[0].Message, c.wantCite)
			}
		})
	}
	// The words: a draft's refusal names both the name and the type; the final plan's, either.
	for msg, parts := range map[string][]string{
		plan.DraftPlacementRefused: {"draft plan must not name a school or other institution", "or specify a type of one", "s38(5)"},
		plan.FinalPlacementMissing: {"must name the school or other institution", "or specify its type", "s40(2)"},
	} {
		for _, p := range parts {
			if !strings.Contains(msg, p) {
				t.Errorf("%q lacks %q", msg, p)
			}
		}
	}
}
