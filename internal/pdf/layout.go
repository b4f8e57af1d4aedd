package pdf

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// A4 in points, and the text box inside the margins (20 mm at the sides and top; the
// foot leaves room for the page number).
const (
	pageW        = 595.28
	pageH        = 841.89
	marginLeft   = 56.7
	marginRight  = 56.7
	marginTop    = 56.7
	marginBottom = 70
	footerY      = 36
	textW        = pageW - marginLeft - marginRight
	bodyH        = pageH - marginTop - marginBottom
)

// style is a font at a size with its line height.
type style struct {
	f          *font
	size, lead float64
}

var (
	bodyStyle    = style{regular, 11, 15}
	headStyles   = [4]style{{}, {bold, 18, 23}, {bold, 15, 19.5}, {bold, 12.5, 16.5}}
	headBefore   = [4]float64{0, 14, 12, 10}
	captionStyle = style{bold, 11, 15}
	thStyle      = style{bold, 10, 13}
	tdStyle      = style{regular, 10, 13}
	footerStyle  = style{regular, 9, 12}
)

const (
	headAfter  = 6
	paraAfter  = 8
	itemGap    = 3
	listIndent = 18 // the item's text starts this far in; the bullet sits before it
	cellPadX   = 4
	// minCell is the narrowest column's text: room for the widest thing drawn for one
	// character at the table's 10 pt (an em, or the 11.7 pt of "<=" drawn for "≤").
	minCell     = 12
	cellPadY    = 3
	captionGap  = 4
	tableAfter  = 12
	bulletShift = 4
)

// maxColumns is how many columns of at least minCell fit across the page (24).
var maxColumns = int(math.Floor(textW / (minCell + 2*cellPadX)))

// elem is a structure element: a tag, its attributes, and kids in reading order.
type elem struct {
	tag    string
	attrs  string // extra dictionary entries, e.g. the TH's /A
	parent *elem
	kids   []kid
	obj    int // object number, given when written
}

// kid is a child element, or marked content (MCID on a page) when e is nil.
type kid struct {
	e          *elem
	page, mcid int
}

func (e *elem) add(tag string) *elem {
	c := &elem{tag: tag, parent: e}
	e.kids = append(e.kids, kid{e: c})
	return c
}

// page is one page's content stream and, by MCID, the element each marked content belongs to.
type page struct {
	content bytes.Buffer
	parents []*elem
}

// layout places blocks top to bottom, starting new pages as needed.
type layout struct {
	pages []*page
	y     float64 // the top of the next thing placed
	fresh bool    // nothing placed on this page yet
	// glued: the last thing placed is a heading, which made room for the start of
	// what follows; that start must not move to the next page without it.
	glued bool
	marks []mark
}

// mark is a heading's place, for the document outline (bookmarks).
type mark struct {
	level int
	title string
	page  int
	top   float64
}

// layOut lays blocks out and returns the structure tree's Document element, the pages
// and the headings' places.
func layOut(blocks []Block) (*elem, []*page, []mark) {
	l := &layout{}
	l.newPage()
	doc := &elem{tag: "Document"}
	for i, b := range blocks {
		switch b := b.(type) {
		case Heading:
			l.heading(doc, b, blocks[i+1:])
		case Paragraph:
			l.paragraph(doc, b)
		case List:
			l.list(doc, b)
		case Table:
			l.table(doc, b)
		}
	}
	for i, p := range l.pages {
		s := fmt.Sprintf("Page %d of %d", i+1, len(l.pages))
		x := pageW - marginRight - footerStyle.f.width([]byte(s), footerStyle.size)
		artifactText(&p.content, "/Type /Pagination /Subtype /Footer", footerStyle, x, footerY, []byte(s))
	}
	return doc, l.pages, l.marks
}

func (l *layout) newPage() {
	l.pages = append(l.pages, &page{})
	l.y = pageH - marginTop
	l.fresh = true
}

func (l *layout) page() *page { return l.pages[len(l.pages)-1] }

// room says whether h more points fit above the bottom margin.
func (l *layout) room(h float64) bool { return l.y-h >= marginBottom-1e-9 }

// ensure starts a new page unless h fits or the page is still empty.
func (l *layout) ensure(h float64) {
	if !l.room(h) && !l.fresh {
		l.newPage()
	}
}

// baseline is where text of style s sits in a line whose top is top.
func baseline(s style, top float64) float64 {
	return top - (s.lead-s.size)/2 - s.size*0.8
}

// text draws one line as marked content belonging to e.
func (l *layout) text(e *elem, s style, x, top float64, ln line) {
	p := l.page()
	mcid := len(p.parents)
	p.parents = append(p.parents, e)
	e.kids = append(e.kids, kid{page: len(l.pages) - 1, mcid: mcid})
	fmt.Fprintf(&p.content, "/%s <</MCID %d>> BDC\n", e.tag, mcid)
	if ln.actual != "" {
		// ActualText in marked content goes on a Span (ISO 32000-1 §14.9.4), which is
		// also the only place some readers (poppler) look for it.
		fmt.Fprintf(&p.content, "/Span <</ActualText %s>> BDC\n", textString(ln.actual))
	}
	showText(&p.content, s, x, baseline(s, top), ln.drawn)
	if ln.actual != "" {
		p.content.WriteString("EMC\n")
	}
	p.content.WriteString("EMC\n")
	l.fresh = false
	l.glued = false
}

// artifactText draws text that is page furniture, not content.
func artifactText(b *bytes.Buffer, props string, s style, x, y float64, drawn []byte) {
	fmt.Fprintf(b, "/Artifact <<%s>> BDC\n", props)
	showText(b, s, x, y, drawn)
	b.WriteString("EMC\n")
}

func showText(b *bytes.Buffer, s style, x, y float64, drawn []byte) {
	fmt.Fprintf(b, "BT /%s %s Tf 1 0 0 1 %s %s Tm %s Tj ET\n", s.f.name, num(s.size), num(x), num(y), byteString(drawn))
}

// rule draws a horizontal line as an artifact.
func (l *layout) rule(x1, x2, y, width, gray float64) {
	fmt.Fprintf(&l.page().content, "/Artifact BMC\nq %s w %s G %s %s m %s %s l S Q\nEMC\n",
		num(width), num(gray), num(x1), num(y), num(x2), num(y))
}

func (l *layout) heading(doc *elem, h Heading, rest []Block) {
	s := headStyles[h.Level]
	lines := wrap(h.Text, s.f, s.size, textW)
	height := float64(len(lines))*s.lead + headAfter
	// Never leave a heading alone at the foot of a page: it goes with the start of what
	// follows (unless a heading just before it already made room for both).
	if !l.glued {
		l.ensure(headBefore[h.Level] + height + firstHeight(rest))
	}
	if !l.fresh {
		l.y -= headBefore[h.Level]
	}
	e := doc.add("H" + strconv.Itoa(h.Level))
	l.marks = append(l.marks, mark{h.Level, strings.Join(strings.Fields(h.Text), " "), len(l.pages) - 1, l.y})
	for _, ln := range lines {
		l.text(e, s, marginLeft, l.y, ln)
		l.y -= s.lead
	}
	l.y -= headAfter
	l.glued = true
}

// firstHeight is the height of the first piece of what follows a heading, which must
// share the heading's page: a line, a table's start, or a heading and what follows it.
func firstHeight(rest []Block) float64 {
	for i, b := range rest {
		switch b := b.(type) {
		case Heading:
			s := headStyles[b.Level]
			return headBefore[b.Level] + float64(len(wrap(b.Text, s.f, s.size, textW)))*s.lead + headAfter + firstHeight(rest[i+1:])
		case Paragraph:
			if blank(b.Text) {
				continue // not drawn
			}
			return bodyStyle.lead
		case List:
			return bodyStyle.lead
		case Table:
			return prepareTable(b).startHeight()
		}
	}
	return 0
}

func (l *layout) paragraph(doc *elem, p Paragraph) {
	lines := wrap(p.Text, bodyStyle.f, bodyStyle.size, textW)
	if len(lines) == 0 {
		return // nothing to read
	}
	e := doc.add("P")
	l.lines(e, bodyStyle, marginLeft, lines)
	l.y -= paraAfter
}

// lines draws lines one under another, moving to a new page when one does not fit.
func (l *layout) lines(e *elem, s style, x float64, lines []line) {
	for _, ln := range lines {
		l.ensure(s.lead)
		l.text(e, s, x, l.y, ln)
		l.y -= s.lead
	}
}

var bullet = line{drawn: []byte{0x95}} // • in WinAnsiEncoding

func (l *layout) list(doc *elem, list List) {
	s := bodyStyle
	e := doc.add("L")
	for i, item := range list.Items {
		if i > 0 {
			l.y -= itemGap
		}
		li := e.add("LI")
		lines := wrap(item, s.f, s.size, textW-listIndent)
		l.ensure(s.lead)
		l.text(li.add("Lbl"), s, marginLeft+bulletShift, l.y, bullet)
		body := li.add("LBody")
		if len(lines) == 0 {
			l.y -= s.lead
			continue
		}
		l.text(body, s, marginLeft+listIndent, l.y, lines[0])
		l.y -= s.lead
		l.lines(body, s, marginLeft+listIndent, lines[1:])
	}
	l.y -= paraAfter
}

// table is a Table with its cells wrapped to its column widths.
type table struct {
	caption []line
	widths  []float64
	header  [][]line
	rows    [][][]line
}

func prepareTable(t Table) *table {
	pt := &table{caption: wrap(t.Caption, captionStyle.f, captionStyle.size, textW)}
	pt.widths = columnWidths(t)
	pt.header = wrapRow(t.Header, thStyle, pt.widths)
	for _, r := range t.Rows {
		pt.rows = append(pt.rows, wrapRow(r, tdStyle, pt.widths))
	}
	return pt
}

func wrapRow(cells []string, s style, widths []float64) [][]line {
	row := make([][]line, len(cells))
	for i, c := range cells {
		row[i] = wrap(c, s.f, s.size, widths[i]-2*cellPadX)
	}
	return row
}

func (t *table) captionHeight() float64 {
	if len(t.caption) == 0 {
		return 0
	}
	return float64(len(t.caption))*captionStyle.lead + captionGap
}

// startHeight is what a table needs on the page it starts on: caption, header and
// first row, or only the first row's first line when the three are taller than a page.
func (t *table) startHeight() float64 {
	h := t.captionHeight() + t.rowHeight(t.header)
	if len(t.rows) == 0 {
		return h
	}
	if r := t.rowHeight(t.rows[0]); h+r <= bodyH {
		return h + r
	}
	return h + tdStyle.lead + 2*cellPadY
}

func (t *table) rowHeight(row [][]line) float64 {
	n := 1
	for _, c := range row {
		n = max(n, len(c))
	}
	return float64(n)*tdStyle.lead + 2*cellPadY
}

// columnWidths shares the text width between columns as browsers lay out tables: each
// column gets at least its longest word and the rest in proportion to how much more its
// longest cell would like; if even the longest words do not fit, in proportion to them.
func columnWidths(t Table) []float64 {
	n := len(t.Header)
	minW := make([]float64, n)
	maxW := make([]float64, n)
	measure := func(c int, text string, s style) {
		for _, para := range strings.Split(text, "\n") {
			words := splitWords(toGlyphs(para))
			total := 0.0
			for i, w := range words {
				ww := glyphsWidth(w, s.f, s.size)
				minW[c] = max(minW[c], ww+2*cellPadX)
				total += ww
				if i > 0 {
					total += s.f.width([]byte{' '}, s.size)
				}
			}
			maxW[c] = max(maxW[c], total+2*cellPadX)
		}
	}
	for c, h := range t.Header {
		measure(c, h, thStyle)
	}
	for _, r := range t.Rows {
		for c, cell := range r {
			measure(c, cell, tdStyle)
		}
	}
	sumMin, sumMax := 0.0, 0.0
	floor := minCell + 2.0*cellPadX
	for c := range n {
		minW[c] = max(minW[c], floor)
		maxW[c] = max(maxW[c], minW[c])
		sumMin += minW[c]
		sumMax += maxW[c]
	}
	w := make([]float64, n)
	for c := range n {
		switch {
		case sumMax <= textW:
			w[c] = maxW[c] * textW / sumMax
		case sumMin <= textW && sumMax > sumMin:
			w[c] = minW[c] + (textW-sumMin)*(maxW[c]-minW[c])/(sumMax-sumMin)
		default: // words will be broken; every column keeps at least floor
			w[c] = floor + (textW-float64(n)*floor)*(minW[c]-floor)/(sumMin-float64(n)*floor)
		}
	}
	return w
}

func (l *layout) table(doc *elem, tb Table) {
	t := prepareTable(tb)
	e := doc.add("Table")
	headerH := t.rowHeight(t.header)
	// The caption, header and first row start together: on this page, or the next. After a
	// heading that made room for them they stay here, and an oversized first row is split.
	glued := l.glued
	if !glued {
		l.ensure(t.startHeight())
	}
	if len(t.caption) > 0 {
		c := e.add("Caption")
		l.lines(c, captionStyle, marginLeft, t.caption)
		l.y -= captionGap
	}
	l.rule(marginLeft, marginLeft+textW, l.y, 0.75, 0)
	tr := e.add("TR")
	ths := make([]*elem, len(t.header))
	for i := range ths {
		ths[i] = tr.add("TH")
		ths[i].attrs = "/A <</O /Table /Scope /Column>>"
	}
	// A header taller than a third of the page is not repeated: it would crowd out the rows.
	repeat := headerH <= bodyH/3
	l.row(t, t.header, ths, thStyle, 0.75, false)
	for i, r := range t.rows {
		tr := e.add("TR")
		tds := make([]*elem, len(r))
		for i := range tds {
			tds[i] = tr.add("TD")
		}
		h := t.rowHeight(r)
		// A row that does not fit goes to the next page whole, if it fits there, unless it is
		// the first row, which never leaves its header (and heading) behind.
		first := i == 0 && (glued || t.startHeight() < t.captionHeight()+headerH+h)
		if !first && !l.room(h) && (!repeat && h <= bodyH || repeat && h <= bodyH-headerH) {
			l.newTablePage(t, repeat)
		}
		l.row(t, r, tds, tdStyle, 0.25, repeat)
	}
	l.y -= tableAfter
}

// newTablePage starts a new page in the middle of a table and repeats its header row
// there as an artifact: the header is in the structure once, on the first page.
func (l *layout) newTablePage(t *table, repeat bool) {
	l.newPage()
	if !repeat {
		return
	}
	l.rule(marginLeft, marginLeft+textW, l.y, 0.75, 0)
	x := marginLeft
	for c, cell := range t.header {
		top := l.y - cellPadY
		for _, ln := range cell {
			artifactText(&l.page().content, "/Type /Pagination /Subtype /Header", thStyle, x+cellPadX, baseline(thStyle, top), ln.drawn)
			top -= thStyle.lead
		}
		x += t.widths[c]
	}
	l.y -= t.rowHeight(t.header)
	l.rule(marginLeft, marginLeft+textW, l.y, 0.75, 0)
}

// row draws a table row into cells' elements. A row taller than the room left on a
// fresh page is split between pages, line by line.
func (l *layout) row(t *table, row [][]line, cells []*elem, s style, ruleW float64, repeat bool) {
	next := make([]int, len(row)) // the next line of each cell to draw
	for {
		n := int(math.Floor((l.y - marginBottom - 2*cellPadY + 1e-9) / s.lead))
		left := 0
		for c := range row {
			left = max(left, len(row[c])-next[c])
		}
		if n < 1 && !l.fresh {
			l.newTablePage(t, repeat)
			continue
		}
		n = max(n, 1)
		drawn := 0
		x := marginLeft
		for c := range row {
			top := l.y - cellPadY
			k := 0
			for ; k < n && next[c] < len(row[c]); k++ {
				l.text(cells[c], s, x+cellPadX, top, row[c][next[c]])
				next[c]++
				top -= s.lead
			}
			drawn = max(drawn, k)
			x += t.widths[c]
		}
		l.fresh = false
		l.y -= float64(max(drawn, 1))*s.lead + 2*cellPadY
		gray := 0.6
		if ruleW > 0.5 {
			gray = 0
		}
		l.rule(marginLeft, marginLeft+textW, l.y, ruleW, gray)
		if left <= n {
			return
		}
		l.newTablePage(t, repeat)
	}
}

// num formats a coordinate with at most three decimals.
func num(f float64) string {
	f = math.Round(f*1000) / 1000
	if f == 0 {
		return "0"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
