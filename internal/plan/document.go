package plan

import (
	"fmt"

	"joinedup/internal/pdf"
)

// Document is a version of the plan as a tagged PDF's blocks, in the HTML
// document's order and words: a heading per section, paragraphs for A-D and
// J, tables with captions and column headers for E, F, G, H1, H2 and K, and
// section I's type and name. A cell with nothing in it says "Not given".
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
			name := p.Setting
			if name == "" && p.Kind == Draft {
				name = "Not named in a draft plan"
			}
			blocks = append(blocks, pdf.Paragraph{Text: "Type of school or other institution: " + or(p.PlacementType)},
				pdf.Paragraph{Text: "Name: " + or(name)})
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
