package plan

import (
	"fmt"

	"joinedup/internal/pdf"
)

// Document is a version of the plan as a tagged PDF's blocks, in the HTML
// document's order and words: a heading per section, paragraphs for A-D and
// J, tables with captions and column headers for E, F, G, H1, H2 and K, and
// section I's type and name (a draft's, empty, saying so). A cell with
// nothing in it says "Not given".
func Document(p Plan, childName, team string) pdf.Document {
	blocks := []pdf.Block{
		pdf.Heading{Level: 1, Text: p.Title()},
		pdf.Paragraph{Text: childName},
	}
	if p.Status == Issued {
		blocks = append(blocks, pdf.Paragraph{Text: "Issued on " + words(p.IssuedOn) + "."})
	}
	or := func(s string) string {
		if s == "" {
			return "Not given"
		}
		return s
	}
	day := func(d interface{ IsZero() bool }, s string) string {
		if d.IsZero() {
			return "Not given"
		}
		return s
	}
	for _, s := range Sections {
		blocks = append(blocks, pdf.Heading{Level: 2, Text: fmt.Sprintf("Section %s: %s", s.Code, s.Title)})
		rows := p.In(s.Code)
		if len(rows) == 0 && s.Shape != Placement {
			blocks = append(blocks, pdf.Paragraph{Text: "Nothing written."})
			continue
		}
		switch s.Shape {
		case Text:
			for _, it := range rows {
				blocks = append(blocks, pdf.Paragraph{Text: it.Body})
				if it.Source != "" {
					blocks = append(blocks, pdf.Paragraph{Text: it.Source})
				}
			}
		case Outcome:
			t := pdf.Table{Caption: "Outcomes, by when and the steps towards them", Header: []string{"Outcome", "By when", "Steps towards it"}}
			for _, it := range rows {
				t.Rows = append(t.Rows, []string{it.Body, day(it.ByWhen, words(it.ByWhen)), or(it.Steps)})
			}
			blocks = append(blocks, t)
		case Provision:
			t := pdf.Table{Caption: fmt.Sprintf("Section %s provision: what, who delivers it, how often and for how long", s.Code),
				Header: []string{"Provision", "Who delivers it", "How often", "For how long"}}
			for _, it := range rows {
				what := it.Body
				if it.Source != "" {
					what += " (" + it.Source + ")"
				}
				t.Rows = append(t.Rows, []string{what, or(it.Who), or(it.HowOften), or(it.HowLong)})
			}
			blocks = append(blocks, t)
		case Placement:
			blocks = append(blocks, placementBlocks(p)...)
		case Advice:
			t := pdf.Table{Caption: "Advice and information obtained", Header: []string{"Advice or information", "Given by", "Date"}}
			for _, it := range rows {
				t.Rows = append(t.Rows, []string{it.Body, or(it.Who), day(it.Given, words(it.Given))})
			}
			blocks = append(blocks, t)
		}
	}
	return pdf.Document{Title: p.Title() + " for " + childName, Lang: "en-GB", Author: team,
		Subject: "Education, health and care plan", Blocks: blocks}
}

// DraftPlacement is what section I of a draft says: it is empty (CFA 2014 s38(5)).
const DraftPlacement = "Left empty in a draft plan: a draft does not name a school or other institution or give a type of one. " +
	"The final plan names the school or other institution, or gives its type."

// placementBlocks is section I: a draft's says it is empty; a final plan's
// gives the type and the name, saying which one it does not give, as
// either is enough (CFA 2014 s40(2)).
func placementBlocks(p Plan) []pdf.Block {
	typ, name := p.PlacementType, p.Setting
	switch {
	case p.Kind == Draft && typ == "" && name == "":
		return []pdf.Block{pdf.Paragraph{Text: DraftPlacement}}
	case typ == "" && name != "":
		typ = "Not specified: the plan names the school or other institution"
	case name == "" && typ != "":
		name = "Not named: the plan gives the type of school or other institution"
	}
	if typ == "" {
		typ = "Not given"
	}
	if name == "" {
		name = "Not named yet"
	}
	return []pdf.Block{pdf.Paragraph{Text: "Type of school or other institution: " + typ}, pdf.Paragraph{Text: "Name: " + name}}
}
