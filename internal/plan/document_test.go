package plan_test

import (
	"bytes"
	"strings"
	"testing"

	"joinedup/internal/pdf"
	"joinedup/internal/plan"
)

// The PDF of a plan has a heading for every section A to K in the plan's
// order (reg 12 [to verify]; DOMAIN.md), provision as a table with its
// caption and four columns (what, who, how often, for how long), an empty
// cell said as "Not given", and a draft says section I is left empty (CFA
// 2014 s38(5)); pdf.Write accepts it.
func TestDocumentHasEverySection(t *testing.T) {
	p := plan.Plan{Version: 2, Kind: plan.Draft, Status: plan.Editing, Items: map[string][]plan.Item{
		"B": {{Body: "Speech, language and communication needs"}},
		"E": {{Body: "Follows three-step instructions", ByWhen: d(2027, 7, 16), Steps: "Two-step by Easter"}},
		"F": {{Body: "Language group", Who: "Teaching assistant", HowOften: "3 times a week"}},
		"K": {{Body: "Health advice", Who: "Speech and Language Therapy", Given: d(2026, 11, 3)}},
	}}
	doc := plan.Document(p, "Maya Example", "SEND North")
	var headings []string
	var provision *pdf.Table
	var paragraphs []string
	for _, b := range doc.Blocks {
		switch b := b.(type) {
		case pdf.Heading:
			if b.Level == 2 {
				headings = append(headings, strings.SplitN(b.Text, ":", 2)[0])
			}
		case pdf.Table:
			if strings.HasPrefix(b.Caption, "Section F") {
				provision = &b
			}
		case pdf.Paragraph:
			paragraphs = append(paragraphs, b.Text)
		}
	}
	want := "Section A,Section B,Section C,Section D,Section E,Section F,Section G,Section H1,Section H2,Section I,Section J,Section K"
	if got := strings.Join(headings, ","); got != want {
		t.Errorf("headings %s, want %s", got, want)
	}
	if provision == nil || len(provision.Header) != 4 || len(provision.Rows) != 1 || provision.Rows[0][3] != "Not given" {
		t.Errorf("section F's table: %+v", provision)
	}
	if !strings.Contains(strings.Join(paragraphs, "|"), plan.DraftPlacement) || strings.Contains(strings.Join(paragraphs, "|"), "Name:") {
		t.Errorf("section I of a draft: %q", paragraphs)
	}
	if doc.Title != "Draft EHC plan (version 2) for Maya Example" || doc.Lang != "en-GB" {
		t.Errorf("title %q, lang %q", doc.Title, doc.Lang)
	}
	var b bytes.Buffer
	if err := pdf.Write(&b, doc); err != nil || !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
		t.Errorf("pdf.Write: %v", err)
	}
}

// Section I of a final plan in the PDF gives the type and the name, saying
// which one it leaves out, as either is enough (CFA 2014 s40(2)).
func TestDocumentSectionI(t *testing.T) {
	for _, c := range []struct{ name, typ, setting, want string }{
		{"a type only", "Special school", "", "Type of school or other institution: Special school|Name: Not named: the plan gives the type of school or other institution"},
		{"a name only", "", "Oak Primary School", "Type of school or other institution: Not specified: the plan names the school or other institution|Name: Oak Primary School"},
		{"both", "Mainstream primary school", "Oak Primary School", "Type of school or other institution: Mainstream primary school|Name: Oak Primary School"},
		{"neither, being written", "", "", "Type of school or other institution: Not given|Name: Not named yet"},
	} {
		p := plan.Plan{Version: 3, Kind: plan.Final, Status: plan.Issued, IssuedOn: d(2026, 12, 8), PlacementType: c.typ, Setting: c.setting}
		if c.setting != "" {
			p.SettingID = "org-1"
		}
		var i []string
		in := false
		for _, b := range plan.Document(p, "Maya Example", "SEND North").Blocks {
			switch b := b.(type) {
			case pdf.Heading:
				in = strings.HasPrefix(b.Text, "Section I:")
			case pdf.Paragraph:
				if in {
					i = append(i, b.Text)
				}
			}
		}
		if got := strings.Join(i, "|"); got != c.want {
			t.Errorf("%s: section I %q, want %q", c.name, got, c.want)
		}
	}
}
