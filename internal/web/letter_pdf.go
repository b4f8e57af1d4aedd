package web

import (
	"fmt"
	"net/http"
	"time"

	"joinedup/internal/casework"
	"joinedup/internal/pdf"
)

// ehcLetterPDF serves a decision letter as a tagged PDF to keep or print: the words of
// the HTML letter (ehc-letter.html), read with the same permission and the same audit
// row (casework.Get), so hidden and missing letters are the same 404.
func (s *server) ehcLetterPDF(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	c, err := casework.Get(r.Context(), s.db, a, r.PathValue("id"), readPermission(a))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := c.FindLetter(r.PathValue("lid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sendPDF(w, r, letterDocument(c, l), "decision-letter-"+l.DecisionOn.Time().Format("2006-01-02")+".pdf")
}

// letterDocument is the decision letter in the blocks of a PDF, in the HTML letter's order and words.
func letterDocument(c casework.Case, l casework.Letter) pdf.Document {
	sentAt := ehcFuncs["ehcTime"].(func(time.Time) string)
	methodWords := ehcFuncs["ehcMethodWords"].(func(string) string)
	outcomeWords := ehcFuncs["ehcOutcomeWords"].(func(string, string) string)
	p := func(format string, args ...any) pdf.Block { return pdf.Paragraph{Text: fmt.Sprintf(format, args...)} }
	h2 := func(text string) pdf.Block { return pdf.Heading{Level: 2, Text: text} }

	last := "or one month from the date of a mediation certificate if that is later"
	if !l.Certificate.IsZero() {
		last = fmt.Sprintf("or one month from your mediation certificate of %s, whichever is later", dateWords(l.Certificate))
	}
	blocks := []pdf.Block{
		pdf.Heading{Level: 1, Text: "Decision letter"},
		p("%s", c.ChildName),
		p("%s, %s", c.Team, dateWords(l.DecisionOn)),
		h2("The decision"),
		p("The council has decided %s for %s.", casework.LetterWords[l.Kind], c.ChildName),
		h2("Why"),
		p("%s", l.Reasons),
		h2("If you disagree"),
		p("You have the right to appeal against this decision to the First-tier Tribunal (Special Educational Needs and Disability) (%s).", casework.LetterBasis[l.Kind]),
		p("Before you appeal you must contact a mediation adviser, who will tell you about mediation; you do not have to take part in mediation, " +
			"and the adviser will give you a certificate within 3 working days (Children and Families Act 2014 section 55). " +
			"You do not need to contact the adviser if your appeal is only about the school or other institution named in the plan, " +
			"the type of school or institution it specifies, or that it names none."),
		p("The mediation adviser: %s", l.Adviser),
		p("The last day to appeal is %s: two months from the date of this letter, %s (%s: %s). The tribunal can allow an appeal made later.",
			dateWords(l.AppealBy.Due), last, l.AppealBy.Rule, l.AppealBy.Basis),
		h2("How this letter was sent"),
		p("Sent %s on %s; treated as received on %s (Civil Procedure Rules 6.26).", methodWords(l.Method), sentAt(l.SentAt), dateWords(l.DeemedOn)),
	}
	if len(l.Steps) > 0 {
		t := pdf.Table{Caption: "Mediation and appeal", Header: []string{"Date", "What happened", "Outcome", "Note"}}
		for _, st := range l.Steps {
			outcome := ""
			if st.Outcome != "" {
				outcome = outcomeWords(st.Step, st.Outcome)
			}
			t.Rows = append(t.Rows, []string{dateWords(st.Date), casework.StepWords[st.Step], outcome, st.Note})
		}
		blocks = append(blocks, h2("Mediation and appeal"), t)
	}
	if d := l.CertDue; d != nil {
		blocks = append(blocks, p("The mediation adviser must issue the certificate by %s (%s: %s).", dateWords(d.Due), d.Rule, d.Basis))
	}
	if len(l.Compliance) > 0 {
		var items []string
		for _, d := range l.Compliance {
			items = append(items, fmt.Sprintf("%s: by %s (%s: %s)", d.Duty, dateWords(d.Due), d.Rule, d.Basis))
		}
		blocks = append(blocks, h2("What the tribunal ordered, and by when"), pdf.List{Items: items})
	}
	return pdf.Document{
		Title:   "Decision letter for " + c.ChildName,
		Lang:    "en-GB",
		Author:  c.Team,
		Subject: "Decision letter: " + casework.LetterWords[l.Kind],
		Blocks:  blocks,
		Created: l.SentAt,
	}
}
