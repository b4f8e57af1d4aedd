package plan_test

import (
	"strings"
	"testing"

	"joinedup/internal/plan"
)

// The family's message when the final or the final amended plan is issued,
// and the final plan letter's standard reasons, say what section I gives:
// the setting named, or only its type, plainly.
func TestIssuedWordsForSectionI(t *testing.T) {
	for _, c := range []struct {
		name          string
		amended       bool
		setting, typ  string
		want, notWant []string // in the message and the reasons
	}{
		{"final, named", false, "Oak Primary School", "", []string{"final EHC plan, naming Oak Primary School.", "at Oak Primary School (section I)"}, []string{"type"}},
		{"final, named with its type", false, "Oak Primary School", "Mainstream primary school", []string{"naming Oak Primary School.", "at Oak Primary School (section I)"}, nil},
		{"final, a type only", false, "", "Special school",
			[]string{"final EHC plan. It says the type of school or other institution Sam should go to, “Special school”, without naming a particular one. It was sent",
				"at a school or other institution of the type section I gives, “Special school”."},
			[]string{"naming ,", "naming .", "at  (section I)", "at (section I)"}},
		{"amended, a type only", true, "", "Special school",
			[]string{"final amended EHC plan. It says the type of school or other institution Sam should go to, “Special school”, without naming a particular one. It was sent"},
			[]string{"naming ,", "naming ."}},
		{"amended, named", true, "Elm Academy", "", []string{"final amended EHC plan, naming Elm Academy. It was sent"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := complete(plan.Final, c.amended)
			p.Status, p.ID, p.Method, p.IssuedOn, p.DeemedOn = plan.Issued, "p1", "email", d(2026, 12, 8), d(2026, 12, 8)
			p.PlacementType = c.typ
			if c.setting != "" {
				p.SettingID, p.Setting = "org-1", c.setting
			}
			m := plan.IssuedMessage("Sam", p)
			got := m.WhatChanged
			if !c.amended {
				got += "\n" + plan.FinalReasons("Sam", p)
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("want %q in\n%s", w, got)
				}
			}
			for _, w := range c.notWant {
				if strings.Contains(got, w) {
					t.Errorf("do not want %q in\n%s", w, got)
				}
			}
		})
	}
}
