package pdf

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// plan is a document shaped like an EHC plan: sections of headings, paragraphs, lists
// and tables (every name invented).
func plan(sections int) Document {
	d := Document{Title: "EHC plan for Amira Okonkwo-Hughes", Lang: "en-GB", Author: "Ashdown SEND Service", Subject: "Education, health and care plan"}
	d.Blocks = append(d.Blocks, Heading{1, "Education, health and care plan"})
	for s := 1; s <= sections; s++ {
		d.Blocks = append(d.Blocks,
			Heading{2, fmt.Sprintf("Section %d: what is important to Amira", s)},
			Paragraph{strings.Repeat("Amira enjoys drawing, swimming on Saturdays and spending time with her grandmother. She finds loud rooms hard and needs time to settle when plans change. ", 3)},
			Heading{3, "Outcomes"},
			List{[]string{
				"By the end of Key Stage 2, Amira will read a short text aloud and answer questions about it.",
				"Amira will ask an adult for help when she feels overwhelmed, using her card, on four days out of five.",
				"Amira will travel to her swimming club with her peers and a support worker.",
			}},
			Table{
				Caption: "Provision",
				Header:  []string{"Need", "Provision", "Who", "How often"},
				Rows: [][]string{
					{"Speech, language and communication", "Small group language sessions using visual supports", "Speech and language therapist", "Twice a week, 30 minutes"},
					{"Sensory processing", "A quiet space and movement breaks planned into the timetable", "Class teacher and teaching assistant", "Daily"},
					{"Social interaction", "Lunchtime club with structured games", "Teaching assistant", "Three times a week"},
				},
			})
	}
	return d
}

func write(t testing.TB, d Document) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, d); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return b.Bytes()
}

// The AFM widths, checked by hand against Helvetica.afm and Helvetica-Bold.afm:
// H 722, e 556, l 222 (bold 278), o 556 (bold 611), space 278, W 944 (bold 944), é 556.
func TestWidthsFromAFM(t *testing.T) {
	cases := []struct {
		f    *font
		text string
		size float64
		want float64
	}{
		{regular, "Hello", 11, (722 + 556 + 222 + 222 + 556) * 11.0 / 1000}, // 25.058
		{bold, "Hello", 11, (722 + 556 + 278 + 278 + 611) * 11.0 / 1000},    // 26.895
		{regular, "Hello World", 10, (2278 + 278 + 944 + 556 + 333 + 222 + 556) * 10.0 / 1000},
		{regular, "é€", 12, (556 + 556) * 12.0 / 1000}, // WinAnsi 0xE9 and 0x80
		{bold, "()", 10, (333 + 333) * 10.0 / 1000},
	}
	for _, c := range cases {
		var drawn []byte
		for _, g := range toGlyphs(c.text) {
			drawn = append(drawn, g.drawn...)
		}
		if got := c.f.width(drawn, c.size); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s %q at %g pt: width %g, want %g", c.f.base, c.text, c.size, got, c.want)
		}
	}
}

// Bad input is refused with the block and field named, and nothing is written.
func TestBadInput(t *testing.T) {
	good := Paragraph{"fine"}
	cases := []struct {
		name string
		d    Document
		want string
	}{
		{"empty title", Document{Title: "  ", Blocks: []Block{good}}, "Title is empty"},
		{"bad language", Document{Title: "T", Lang: "not a language!", Blocks: []Block{good}}, "Lang"},
		{"heading level 0", Document{Title: "T", Blocks: []Block{good, Heading{0, "x"}}}, "block 1 (Heading): Level 0"},
		{"heading level 4", Document{Title: "T", Blocks: []Block{Heading{4, "x"}}}, "block 0 (Heading): Level 4"},
		{"empty heading", Document{Title: "T", Blocks: []Block{Heading{2, " "}}}, "block 0 (Heading): Text is empty"},
		{"short row", Document{Title: "T", Blocks: []Block{good, good, Table{Header: []string{"a", "b"}, Rows: [][]string{{"1", "2"}, {"3"}}}}}, "block 2 (Table): Rows[1] has 1 cells but Header has 2"},
		{"long row", Document{Title: "T", Blocks: []Block{Table{Header: []string{"a"}, Rows: [][]string{{"1", "2"}}}}}, "block 0 (Table): Rows[0] has 2 cells"},
		{"no header", Document{Title: "T", Blocks: []Block{Table{Rows: [][]string{{"1"}}}}}, "block 0 (Table): Header is empty"},
		{"too many columns", Document{Title: "T", Blocks: []Block{Table{Header: make([]string, 25)}}}, "block 0 (Table): Header has 25 columns; at most 24 fit"},
		{"empty list", Document{Title: "T", Blocks: []Block{List{}}}, "block 0 (List): Items is empty"},
		{"nil block", Document{Title: "T", Blocks: []Block{good, nil}}, "block 1 is nil"},
	}
	for _, c := range cases {
		var b bytes.Buffer
		err := Write(&b, c.d)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
		if b.Len() != 0 {
			t.Errorf("%s: %d bytes written despite the error", c.name, b.Len())
		}
	}
}

// outline is the structure tree as text: tags with their children, and each leaf's text.
func (p *parsed) outline(t testing.TB, n *node) string {
	if len(n.kids) == 0 {
		return n.tag + "[" + p.text(t, n) + "]"
	}
	var parts []string
	for _, k := range n.kids {
		parts = append(parts, p.outline(t, k))
	}
	return n.tag + "(" + strings.Join(parts, " ") + ")"
}

// wantOutline is the outline the blocks should give, built from the blocks alone.
func wantOutline(d Document) string {
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	var parts []string
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case Heading:
			parts = append(parts, fmt.Sprintf("H%d[%s]", b.Level, norm(b.Text)))
		case Paragraph:
			if norm(b.Text) != "" {
				parts = append(parts, "P["+norm(b.Text)+"]")
			}
		case List:
			var items []string
			for _, it := range b.Items {
				items = append(items, "LI(Lbl[•] LBody["+norm(it)+"])")
			}
			parts = append(parts, "L("+strings.Join(items, " ")+")")
		case Table:
			var rows []string
			if norm(b.Caption) != "" {
				rows = append(rows, "Caption["+norm(b.Caption)+"]")
			}
			row := func(tag string, cells []string) string {
				var cs []string
				for _, c := range cells {
					cs = append(cs, tag+"["+norm(c)+"]")
				}
				return "TR(" + strings.Join(cs, " ") + ")"
			}
			rows = append(rows, row("TH", b.Header))
			for _, r := range b.Rows {
				rows = append(rows, row("TD", r))
			}
			parts = append(parts, "Table("+strings.Join(rows, " ")+")")
		}
	}
	return "Document(" + strings.Join(parts, " ") + ")"
}

// posEps allows for positions being written to 1/1000 pt.
const posEps = 0.001

// check writes d, reads it back and checks everything that must hold of any document:
// strict validity, the catalog's tagging entries, the structure tree against the
// blocks, the ParentTree against the content, ActualText, the margins, page numbers
// and headings kept with what follows. It returns the parsed file for more checks.
func check(t *testing.T, d Document) *parsed {
	t.Helper()
	b := write(t, d)
	p := readBack(t, b)
	xt := p.ctx.XRefTable

	cat, err := xt.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	if mi := dict(t, xt, cat["MarkInfo"]); mi["Marked"] != types.Boolean(true) {
		t.Errorf("catalog /MarkInfo %v, want /Marked true", mi)
	}
	lang := d.Lang
	if lang == "" {
		lang = "en-GB"
	}
	if got, _ := xt.DereferenceText(cat["Lang"]); got != lang {
		t.Errorf("catalog /Lang %q, want %q", got, lang)
	}
	if vp := dict(t, xt, cat["ViewerPreferences"]); vp["DisplayDocTitle"] != types.Boolean(true) {
		t.Errorf("/ViewerPreferences %v, want /DisplayDocTitle true", vp)
	}
	info := dict(t, xt, *xt.Info)
	if got, _ := xt.DereferenceText(info["Title"]); got != d.Title {
		t.Errorf("Info /Title %q, want %q", got, d.Title)
	}
	md, _, err := xt.DereferenceStreamDict(cat["Metadata"])
	if err != nil || md == nil {
		t.Fatalf("catalog /Metadata: %v", err)
	}
	if err := md.Decode(); err != nil {
		t.Fatal(err)
	}
	x := string(md.Content)
	var escTitle bytes.Buffer
	xml.EscapeText(&escTitle, []byte(d.Title))
	if !strings.Contains(x, `<dc:title><rdf:Alt><rdf:li xml:lang="x-default">`+escTitle.String()+`</rdf:li>`) {
		t.Errorf("XMP has no dc:title %q:\n%s", d.Title, x)
	}
	if strings.Contains(x, "pdfuaid") {
		t.Error("XMP claims PDF/UA (pdfuaid), but the fonts are not embedded")
	}

	if got, want := p.outline(t, p.root), wantOutline(d); got != want {
		t.Errorf("structure tree in reading order:\n got %s\nwant %s", got, want)
	}

	// Every MCID on every page is in the ParentTree under the element that holds it, and back.
	holder := map[mcr]*node{}
	var walk func(n *node)
	walk = func(n *node) {
		for _, m := range n.mcrs {
			if holder[m] != nil {
				t.Errorf("MCID %d on page obj %d belongs to two elements", m.mcid, m.page)
			}
			holder[m] = n
		}
		for _, k := range n.kids {
			walk(k)
		}
	}
	walk(p.root)
	str := dict(t, xt, cat["StructTreeRoot"])
	nums := dict(t, xt, str["ParentTree"])["Nums"].(types.Array)
	parentTree := map[int]types.Array{}
	for i := 0; i+1 < len(nums); i += 2 {
		a, err := xt.DereferenceArray(nums[i+1])
		if err != nil {
			t.Fatal(err)
		}
		parentTree[nums[i].(types.Integer).Value()] = a
	}
	seen := 0
	for i, pg := range p.pages {
		pd, _, _, _ := xt.PageDict(i+1, false)
		if pd["Tabs"] != types.Name("S") {
			t.Errorf("page %d: /Tabs %v, want /S", i+1, pd["Tabs"])
		}
		arr, ok := parentTree[pg.structParents]
		if !ok {
			t.Errorf("page %d: /StructParents %d is not in the ParentTree", i+1, pg.structParents)
		}
		next := 0
		for _, s := range pg.spans {
			if s.mcid < 0 {
				if s.tag != "Artifact" {
					t.Errorf("page %d: %s content without an MCID", i+1, s.tag)
				}
				if s.actual != nil {
					t.Errorf("page %d: artifact with ActualText", i+1)
				}
				continue
			}
			if s.mcid != next {
				t.Errorf("page %d: MCID %d, want %d (in order, no gaps)", i+1, s.mcid, next)
			}
			next++
			seen++
			h := holder[mcr{pg.obj, s.mcid}]
			switch {
			case h == nil:
				t.Errorf("page %d: MCID %d is in no structure element", i+1, s.mcid)
			case s.mcid >= len(arr) || objNr(arr[s.mcid]) != h.obj:
				t.Errorf("page %d: ParentTree entry for MCID %d is not its element %s (obj %d)", i+1, s.mcid, h.tag, h.obj)
			case h.tag != s.tag:
				t.Errorf("page %d: MCID %d is tagged %s in the content but belongs to %s", i+1, s.mcid, s.tag, h.tag)
			}
			// ActualText only where what is drawn is not the text itself.
			if s.actual != nil && *s.actual == s.decoded() {
				t.Errorf("page %d: ActualText %q on text drawn as itself", i+1, *s.actual)
			}
		}
		if len(arr) != next {
			t.Errorf("page %d: ParentTree has %d entries, content has %d MCIDs", i+1, len(arr), next)
		}
	}
	if seen != len(holder) {
		t.Errorf("structure tree has %d marked-content references, pages have %d MCIDs", len(holder), seen)
	}

	// Nothing crosses the margins; every page is numbered.
	for i, pg := range p.pages {
		footers := 0
		for _, s := range pg.spans {
			for _, sh := range s.shows {
				f := regular
				if sh.font == "F2" {
					f = bold
				}
				// A line ending at a space keeps it, for readers; it is not seen.
				w := f.width(bytes.TrimRight(sh.text, " "), sh.size)
				if sh.x < marginLeft-posEps || sh.x+w > pageW-marginRight+posEps {
					t.Errorf("page %d: %q at x %g, width %g, leaves the text box", i+1, sh.text, sh.x, w)
				}
				if s.artifact != "Pagination/Footer" && sh.y < marginBottom {
					t.Errorf("page %d: %q below the bottom margin (y %g)", i+1, sh.text, sh.y)
				}
			}
			if s.artifact == "Pagination/Footer" {
				footers++
				if got, want := s.decoded(), fmt.Sprintf("Page %d of %d", i+1, len(p.pages)); got != want {
					t.Errorf("page %d: footer %q, want %q", i+1, got, want)
				}
			}
		}
		if footers != 1 {
			t.Errorf("page %d: %d page-number artifacts, want 1", i+1, footers)
		}
	}

	// A table cell's text stays inside its column: left of the next column's text, less the padding.
	for _, tbl := range p.root.kids {
		if tbl.tag != "Table" {
			continue
		}
		for _, tr := range tbl.kids {
			for ci, cell := range tr.kids {
				right := pageW - marginRight - cellPadX
				if ci+1 < len(tr.kids) && len(tr.kids[ci+1].mcrs) > 0 {
					m := tr.kids[ci+1].mcrs[0]
					right = p.spanAt(m.page, m.mcid).shows[0].x - 2*cellPadX
				}
				for _, m := range cell.mcrs {
					sh := p.spanAt(m.page, m.mcid).shows[0]
					f := map[string]*font{"F1": regular, "F2": bold}[sh.font]
					if w := f.width(bytes.TrimRight(sh.text, " "), sh.size); sh.x+w > right+posEps {
						t.Errorf("%s %q ends at %g, past its column's edge %g", cell.tag, sh.text, sh.x+w, right)
					}
				}
			}
		}
	}

	// A table's caption and header row are on the page where its first row starts.
	for _, tbl := range p.root.kids {
		if tbl.tag != "Table" || len(tbl.kids) < 2 || tbl.kids[len(tbl.kids)-1].kids[0].tag == "TH" {
			continue // no rows
		}
		var head, first []mcr
		for _, k := range tbl.kids {
			for _, c := range k.kids {
				if c.tag == "TH" {
					head = append(head, c.mcrs...)
				}
			}
			if k.tag == "Caption" {
				head = append(head, k.mcrs...)
			}
			if len(k.kids) > 0 && k.kids[0].tag == "TD" && first == nil {
				for _, c := range k.kids {
					if len(c.mcrs) > 0 {
						first = append(first, c.mcrs[0])
					}
				}
			}
		}
		for _, h := range head {
			for _, f := range first {
				if h.page != f.page {
					t.Errorf("table %q: its caption or header is on page obj %d, its first row starts on %d", p.text(t, tbl)[:20], h.page, f.page)
				}
			}
		}
	}

	// The outline has a bookmark for each heading, in order, under the nearest heading
	// before it of a higher level, going to the heading's page.
	var headings []*node
	for _, n := range p.root.kids {
		if strings.HasPrefix(n.tag, "H") {
			headings = append(headings, n)
		}
	}
	type bookmark struct {
		title       string
		parent, obj int
		page        int
	}
	var marks []bookmark
	if o, ok := cat["Outlines"]; ok {
		var walk func(first types.Object, parent int)
		walk = func(first types.Object, parent int) {
			for it := first; it != nil; {
				d := dict(t, xt, it)
				title, _ := xt.DereferenceText(d["Title"])
				dest, _ := xt.DereferenceArray(d["Dest"])
				marks = append(marks, bookmark{title, parent, objNr(it), objNr(dest[0])})
				if objNr(d["Parent"]) != parent {
					t.Errorf("bookmark %q: /Parent %v, want %d", title, d["Parent"], parent)
				}
				if k, ok := d["First"]; ok {
					walk(k, objNr(it))
				}
				it = d["Next"]
			}
		}
		walk(dict(t, xt, o)["First"], objNr(o))
	}
	if len(marks) != len(headings) {
		t.Errorf("%d bookmarks for %d headings", len(marks), len(headings))
	} else {
		for i, h := range headings {
			want := p.text(t, h)
			parent := objNr(cat["Outlines"])
			for j := i - 1; j >= 0; j-- {
				if headings[j].tag < h.tag { // H1 < H2 < H3
					parent = marks[j].obj
					break
				}
			}
			if m := marks[i]; m.title != want || m.parent != parent || m.page != h.mcrs[0].page {
				t.Errorf("bookmark %d: %q under %d to page obj %d, want %q under %d to %d", i, m.title, m.parent, m.page, want, parent, h.mcrs[0].page)
			}
		}
	}

	// A heading is followed on its page by the start of what follows it.
	pageIndex := map[int]int{}
	for i, pg := range p.pages {
		pageIndex[pg.obj] = i
	}
	for hi, h := range p.root.kids {
		if !strings.HasPrefix(h.tag, "H") || hi == len(p.root.kids)-1 {
			continue
		}
		last := h.mcrs[len(h.mcrs)-1]
		pg := p.pages[pageIndex[last.page]]
		after := false
		for _, s := range pg.spans {
			if s.mcid > last.mcid {
				after = true
			}
		}
		if !after {
			t.Errorf("heading %q is alone at the foot of page %d", p.text(t, h), pageIndex[last.page]+1)
		}
	}
	return p
}

// paragraphLines is the text of each line of each P element, in order.
func (p *parsed) paragraphLines(t *testing.T) [][]string {
	var out [][]string
	for _, n := range p.root.kids {
		if n.tag != "P" {
			continue
		}
		var lines []string
		for _, m := range n.mcrs {
			lines = append(lines, p.spanAt(m.page, m.mcid).decoded())
		}
		out = append(out, lines)
	}
	return out
}

func TestPlanIsTagged(t *testing.T) {
	d := plan(12)
	p := check(t, d)
	if len(p.pages) < 5 {
		t.Errorf("a 12-section plan fits on %d pages; want several, so page breaks are tested", len(p.pages))
	}
	// Lines are filled greedily: no line could have taken the next line's first word.
	for _, lines := range p.paragraphLines(t) {
		for i, ln := range lines {
			ln = strings.TrimRight(ln, " ")
			if w := regular.width([]byte(ln), bodyStyle.size); w > textW+1e-6 {
				t.Errorf("line %q is %g wide, the text box %g", ln, w, textW)
			}
			if i+1 < len(lines) {
				next := strings.Fields(lines[i+1])[0]
				if w := regular.width([]byte(ln+" "+next), bodyStyle.size); w <= textW {
					t.Errorf("line %q ends early: %q would fit (%g <= %g)", ln, next, w, textW)
				}
			}
		}
	}
	// TH cells carry the table attributes.
	for _, n := range p.root.kids {
		if n.tag != "Table" {
			continue
		}
		for _, tr := range n.kids {
			for _, c := range tr.kids {
				if c.tag != "TH" {
					continue
				}
				a := dict(t, p.ctx.XRefTable, c.attrs["A"])
				if a["O"] != types.Name("Table") || a["Scope"] != types.Name("Column") {
					t.Errorf("TH %q: /A %v, want /O /Table /Scope /Column", p.text(t, c), a)
				}
			}
		}
	}
}

// Characters WinAnsiEncoding cannot draw are drawn in their closest form and kept in
// ActualText; characters it can draw are drawn as themselves with no ActualText.
func TestUnicodeAndActualText(t *testing.T) {
	cases := []struct {
		text, drawn string
		actual      bool
	}{
		{"Zoë Brontë-Ainsworth", "Zoë Brontë-Ainsworth", false}, // ë is WinAnsi 0xEB
		{"Costs £40 or €45 – “agreed”", "Costs £40 or €45 – “agreed”", false},
		{"Łucja Wiśniewska", "Lucja Wisniewska", true}, // Ł by table, ś by stripping the accent
		{"Nguyễn Thị", "Nguyen Thi", true},             // two stacked accents (NFKD)
		{"ﬁle", "file", true},                          // a ligature decomposed
		{"x ≤ y", "x <= y", true},
		{"smile 🙂", "smile ?", true},      // nothing close: '?'
		{"Ἀθῆναι", "??????", true},        // Greek: no WinAnsi form, so one ? a letter
		{"(a) \\ b)", "(a) \\ b)", false}, // escaped in the content stream
	}
	d := Document{Title: "Unicode"}
	for _, c := range cases {
		d.Blocks = append(d.Blocks, Paragraph{c.text})
	}
	p := check(t, d)
	for i, n := range p.root.kids {
		c := cases[i]
		if len(n.mcrs) != 1 {
			t.Fatalf("%q: %d lines, want 1", c.text, len(n.mcrs))
		}
		s := p.spanAt(n.mcrs[0].page, n.mcrs[0].mcid)
		if got := s.decoded(); got != c.drawn {
			t.Errorf("%q drawn as %q, want %q", c.text, got, c.drawn)
		}
		switch {
		case c.actual && (s.actual == nil || *s.actual != c.text):
			t.Errorf("%q: ActualText %v, want the original", c.text, s.actual)
		case !c.actual && s.actual != nil:
			t.Errorf("%q: ActualText %q where nothing was substituted", c.text, *s.actual)
		}
	}
}

// The title and metadata keep their Unicode (UTF-16 in Info, UTF-8 in the XMP), escaped.
func TestUnicodeTitle(t *testing.T) {
	check(t, Document{Title: "Plan for Łucja & <Zoë> (draft)", Author: "Ynys Môn", Subject: "Cynllun", Lang: "cy", Blocks: []Block{Paragraph{"Helo"}}})
}

// A 200-row table runs over pages; its header row is in the structure once, and is
// repeated at the top of each later page as an Artifact.
func TestLongTableRepeatsHeaderAsArtifact(t *testing.T) {
	header := []string{"Date", "Event", "Regulation", "By"}
	var rows [][]string
	for i := range 200 {
		rows = append(rows, []string{fmt.Sprintf("2026-%02d-%02d", 1+i%12, 1+i%28), fmt.Sprintf("Event %d: advice requested from the health team", i+1), "Reg 8(1)", "Case officer"})
	}
	d := Document{Title: "Case history", Blocks: []Block{Heading{1, "Case history"}, Table{Caption: "Every event", Header: header, Rows: rows}}}
	p := check(t, d)
	if len(p.pages) < 4 {
		t.Fatalf("200 rows on %d pages, want at least 4", len(p.pages))
	}
	table := p.root.kids[1]
	if got := len(table.kids); got != 1+1+200 {
		t.Errorf("Table has %d kids, want Caption, the header TR and 200 TRs", got)
	}
	ths := 0
	for _, tr := range table.kids {
		for _, c := range tr.kids {
			if c.tag == "TH" {
				ths++
			}
		}
	}
	if ths != len(header) {
		t.Errorf("%d TH elements, want %d (the repeats are artifacts)", ths, len(header))
	}
	// Each row stays on one page.
	for i, tr := range table.kids[2:] {
		pg := 0
		for _, c := range tr.kids {
			for _, m := range c.mcrs {
				if pg != 0 && m.page != pg {
					t.Errorf("row %d is split between pages", i)
				}
				pg = m.page
			}
		}
	}
	for i, pg := range p.pages[1:] {
		var repeated []string
		for _, s := range pg.spans {
			if s.mcid >= 0 {
				break
			}
			if s.artifact == "Pagination/Header" {
				repeated = append(repeated, s.decoded())
			}
		}
		if strings.Join(repeated, "|") != strings.Join(header, "|") {
			t.Errorf("page %d starts with header artifacts %q, want %q", i+2, repeated, header)
		}
	}
}

// Words longer than a line are broken, never run past the margin, and lose nothing;
// a table cell too tall for a page is split between pages.
func TestLongWordsAndTallCells(t *testing.T) {
	long := strings.Repeat("Supercalifragilistic", 40)
	tall := strings.TrimSpace(strings.Repeat("A long observation from the assessment that goes on. ", 400))
	d := Document{Title: "Long", Blocks: []Block{
		Heading{1, long},
		Paragraph{"Before " + long + " after"},
		List{[]string{long, "short"}},
		Table{Header: []string{"Key", long}, Rows: [][]string{{long, "x"}, {"tall", tall}, {"last", "row"}}},
	}}
	p := check(t, d)
	if len(p.pages) < 3 {
		t.Errorf("a 400-sentence cell fits on %d pages", len(p.pages))
	}
}

// The most columns that fit, with long words and wide substitutions in them, stay inside their columns.
func TestWidestTable(t *testing.T) {
	header := make([]string, maxColumns)
	row := make([]string, maxColumns)
	for i := range header {
		header[i] = fmt.Sprintf("WWW%d", i)
		row[i] = "≤≥≠ Mmmmmmmmmmm ——— x"
	}
	row[0] = strings.Repeat("Wide", 30)
	check(t, Document{Title: "Wide", Blocks: []Block{Table{Caption: "Every column", Header: header, Rows: [][]string{row, row}}}})
}

// A heading that would fall at the foot of a page moves to the next with what follows it.
func TestHeadingKeptWithNext(t *testing.T) {
	// Vary the filler so that a heading lands at each possible height near the foot.
	for n := 30; n < 50; n++ {
		d := Document{Title: "Keep"}
		for i := range n {
			d.Blocks = append(d.Blocks, Paragraph{fmt.Sprintf("Line %d.", i)})
		}
		d.Blocks = append(d.Blocks, Heading{2, "Section"}, Heading{3, "Subsection"}, Table{Caption: "c", Header: []string{"a"}, Rows: [][]string{{"1"}}}, Heading{2, "Section"}, Paragraph{"Text."})
		check(t, d)
	}
	// A table whose first row is most of a page, after a heading and without one; a
	// heading followed by a blank paragraph; a table whose first row is taller than a page.
	tallRow := strings.TrimSpace(strings.Repeat("Observed in class over several weeks. ", 120))
	huge := strings.TrimSpace(strings.Repeat("Observed in class over several weeks. ", 400))
	for n := 0; n < 50; n += 7 {
		for _, tail := range [][]Block{
			{Heading{2, "Provision"}, Table{Caption: "Provision in detail", Header: []string{"Need", "Provision"}, Rows: [][]string{{"Communication", tallRow}, {"b", "c"}}}},
			{Table{Caption: "Provision in detail", Header: []string{"Need", "Provision"}, Rows: [][]string{{"Communication", tallRow}}}},
			{Heading{2, "Views"}, Paragraph{"  "}, Heading{3, "Amira's views"}, Paragraph{"She likes school."}},
			{Heading{2, "History"}, Table{Header: []string{"Notes"}, Rows: [][]string{{huge}, {"after"}}}},
		} {
			d := Document{Title: "Keep"}
			for i := range n {
				d.Blocks = append(d.Blocks, Paragraph{fmt.Sprintf("Line %d.", i)})
			}
			d.Blocks = append(d.Blocks, tail...)
			check(t, d)
		}
	}
}

// The same document gives the same bytes; a different one, a different file ID.
func TestDeterministic(t *testing.T) {
	a, b := write(t, plan(2)), write(t, plan(2))
	if !bytes.Equal(a, b) {
		t.Fatal("two writes of the same document differ")
	}
	d := plan(2)
	d.Blocks = append(d.Blocks, Paragraph{"one more"})
	c := write(t, d)
	id := func(b []byte) string { i := bytes.LastIndex(b, []byte("/ID [")); return string(b[i : i+40]) }
	if id(a) == id(c) {
		t.Error("different documents have the same /ID")
	}
	if bytes.Contains(a, []byte("CreationDate")) {
		t.Error("a CreationDate without Document.Created")
	}
	d.Created = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	p := readBack(t, write(t, d))
	info := dict(t, p.ctx.XRefTable, *p.ctx.XRefTable.Info)
	if got, _ := p.ctx.XRefTable.DereferenceText(info["CreationDate"]); got != "D:20261122093000+00'00" {
		t.Errorf("CreationDate %q", got)
	}
}

// Every line of every paragraph, read page by page, is a line wrap gives, in order.
func TestPagesHoldTheWrappedLines(t *testing.T) {
	d := plan(6)
	p := check(t, d)
	var want []string
	for _, b := range d.Blocks {
		if para, ok := b.(Paragraph); ok {
			for _, ln := range wrap(para.Text, regular, bodyStyle.size, textW) {
				want = append(want, string(ln.drawn))
			}
		}
	}
	var got []string
	pagesWithText := 0
	for _, pg := range p.pages {
		n := len(got)
		for _, s := range pg.spans {
			if s.tag == "P" {
				got = append(got, s.decoded())
			}
		}
		if len(got) > n {
			pagesWithText++
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("paragraph lines read page by page:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if pagesWithText < 2 {
		t.Errorf("paragraphs on %d pages, want several", pagesWithText)
	}
}

// BenchmarkWrite writes a plan-sized document of 12 pages.
func BenchmarkWrite(b *testing.B) {
	d := plan(22)
	var buf bytes.Buffer
	if err := Write(&buf, d); err != nil {
		b.Fatal(err)
	}
	pages := bytes.Count(buf.Bytes(), []byte("/Type /Page "))
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(pages), "pages")
}
