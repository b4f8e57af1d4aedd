package pdf

// A reader for what Write produces, for the tests: pdfcpu parses and validates the file
// (strict mode) and walks the object graph; the content streams are read by the small
// tokenizer below, which knows only the operators the tests look at.

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/text/encoding/charmap"
)

// parsed is a written file read back.
type parsed struct {
	ctx   *model.Context
	pages []parsedPage
	root  *node // the structure tree's root element (Document)
}

// span is one marked-content sequence: its tag, MCID (-1 for artifacts), properties and
// the text shown in it.
type span struct {
	tag      string
	mcid     int
	artifact string // for artifacts, "Type/Subtype" ("/" for a bare Artifact BMC)
	actual   *string
	shows    []show
}

// show is one Tj: font resource, size, position and the bytes shown.
type show struct {
	font       string
	size, x, y float64
	text       []byte
}

// decoded is the Unicode text shown in the span.
func (s span) decoded() string {
	var b strings.Builder
	for _, sh := range s.shows {
		b.WriteString(winAnsiToUTF8(sh.text))
	}
	return b.String()
}

// read is the text a reader gets from the span: its ActualText if it has one.
func (s span) read() string {
	if s.actual != nil {
		return *s.actual
	}
	return s.decoded()
}

type parsedPage struct {
	obj           int
	structParents int
	spans         []span
}

// node is a structure element read back: its tag, attributes and kids in order.
type node struct {
	obj   int
	tag   string
	attrs types.Dict
	kids  []*node
	mcrs  []mcr // marked content kids, in order among kids (kids and mcrs interleave: see order)
	order []any // *node or mcr, in K order
}

type mcr struct{ page, mcid int } // page is the page's object number

func winAnsiToUTF8(b []byte) string {
	s, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		panic(err)
	}
	return string(s)
}

// readBack parses and validates b strictly and reads its pages and structure tree.
func readBack(t testing.TB, b []byte) *parsed {
	t.Helper()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationStrict
	ctx, err := api.ReadContext(bytes.NewReader(b), conf)
	if err != nil {
		t.Fatalf("pdfcpu cannot read the file: %v", err)
	}
	if err := api.ValidateContext(ctx); err != nil {
		t.Fatalf("pdfcpu strict validation: %v", err)
	}
	p := &parsed{ctx: ctx}
	xt := ctx.XRefTable
	for i := 1; i <= xt.PageCount; i++ {
		d, ref, _, err := xt.PageDict(i, false)
		if err != nil {
			t.Fatal(err)
		}
		content, err := xt.PageContent(d, i)
		if err != nil {
			t.Fatal(err)
		}
		sp, ok := d["StructParents"].(types.Integer)
		if !ok {
			t.Fatalf("page %d has no /StructParents", i)
		}
		spans, err := parseContent(content)
		if err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		p.pages = append(p.pages, parsedPage{obj: ref.ObjectNumber.Value(), structParents: sp.Value(), spans: spans})
	}
	cat, err := xt.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	str := dict(t, xt, cat["StructTreeRoot"])
	k := str["K"]
	if a, ok := k.(types.Array); ok {
		if len(a) != 1 {
			t.Fatalf("StructTreeRoot /K has %d elements, want one Document", len(a))
		}
		k = a[0]
	}
	p.root = readNode(t, xt, k, nil)
	return p
}

func dict(t testing.TB, xt *model.XRefTable, o types.Object) types.Dict {
	t.Helper()
	d, err := xt.DereferenceDict(o)
	if err != nil || d == nil {
		t.Fatalf("not a dictionary: %v (%v)", o, err)
	}
	return d
}

func objNr(o types.Object) int {
	if r, ok := o.(types.IndirectRef); ok {
		return r.ObjectNumber.Value()
	}
	return 0
}

// readNode reads a structure element and its subtree, checking each kid's /P points back.
func readNode(t testing.TB, xt *model.XRefTable, o types.Object, parent *node) *node {
	t.Helper()
	d := dict(t, xt, o)
	if d.Type() == nil || *d.Type() != "StructElem" {
		t.Fatalf("object %v is not a StructElem: %v", o, d)
	}
	n := &node{obj: objNr(o), tag: d["S"].(types.Name).Value(), attrs: d}
	if parent != nil && objNr(d["P"]) != parent.obj {
		t.Errorf("%s (obj %d): /P is %v, want its parent %d", n.tag, n.obj, d["P"], parent.obj)
	}
	pg := objNr(d["Pg"])
	var kids types.Array
	switch k := d["K"].(type) {
	case types.Array:
		kids = k
	case nil:
	default:
		kids = types.Array{k}
	}
	for _, k := range kids {
		switch k := k.(type) {
		case types.Integer:
			if pg == 0 {
				t.Fatalf("%s has an MCID kid but no /Pg", n.tag)
			}
			m := mcr{pg, k.Value()}
			n.mcrs = append(n.mcrs, m)
			n.order = append(n.order, m)
		case types.Dict:
			if k.Type() == nil || *k.Type() != "MCR" {
				t.Fatalf("%s: a direct kid that is not an MCR: %v", n.tag, k)
			}
			m := mcr{objNr(k["Pg"]), k["MCID"].(types.Integer).Value()}
			n.mcrs = append(n.mcrs, m)
			n.order = append(n.order, m)
		case types.IndirectRef:
			c := readNode(t, xt, k, n)
			n.kids = append(n.kids, c)
			n.order = append(n.order, c)
		default:
			t.Fatalf("%s: unexpected kid %T %v", n.tag, k, k)
		}
	}
	return n
}

// spanAt finds the marked content with mcid on the page with object number pageObj.
func (p *parsed) spanAt(pageObj, mcid int) *span {
	for i := range p.pages {
		if p.pages[i].obj != pageObj {
			continue
		}
		for j := range p.pages[i].spans {
			if p.pages[i].spans[j].mcid == mcid {
				return &p.pages[i].spans[j]
			}
		}
	}
	return nil
}

// text is what a reader hears for n: its marked content in order (each span's
// ActualText or its text) as it is (a line broken at a space ends with it), and its
// kids' text joined by spaces.
func (p *parsed) text(t testing.TB, n *node) string {
	var parts []string
	var run strings.Builder // consecutive marked content
	for _, o := range n.order {
		switch o := o.(type) {
		case *node:
			if run.Len() > 0 {
				parts = append(parts, run.String())
				run.Reset()
			}
			parts = append(parts, p.text(t, o))
		case mcr:
			s := p.spanAt(o.page, o.mcid)
			if s == nil {
				t.Fatalf("%s: MCID %d on page obj %d is not in the page's content", n.tag, o.mcid, o.page)
			}
			run.WriteString(s.read())
		}
	}
	if run.Len() > 0 {
		parts = append(parts, run.String())
	}
	return strings.Join(parts, " ")
}

// tokens of a content stream.
type (
	tName  string
	tStr   []byte
	tDict  map[string]any
	tOp    string
	tArray []any
)

// parseContent reads the spans of a content stream; text outside marked content is an error.
func parseContent(b []byte) ([]span, error) {
	lx := &lexer{b: b}
	var stack []any
	var spans []span
	depth := 0
	font, size := "", 0.0
	cur := -1
	for {
		tok, err := lx.next()
		if err != nil {
			return nil, err
		}
		if tok == nil {
			break
		}
		op, ok := tok.(tOp)
		if !ok {
			stack = append(stack, tok)
			continue
		}
		switch op {
		case "BDC", "BMC":
			if depth > 0 {
				// Only a Span with ActualText may be nested, inside text with an MCID.
				props, ok := stack[len(stack)-1].(tDict)
				a, has := props["ActualText"]
				if !ok || depth > 1 || stack[0] != tName("Span") || !has || spans[cur].mcid < 0 {
					return nil, fmt.Errorf("nested marked content %v", stack)
				}
				txt := textFromPDF(a.(tStr))
				spans[cur].actual = &txt
				depth++
				break
			}
			depth++
			s := span{tag: string(stack[0].(tName)), mcid: -1}
			if op == "BDC" {
				props := stack[1].(tDict)
				if m, ok := props["MCID"]; ok {
					s.mcid = int(m.(float64))
				}
				if a, ok := props["ActualText"]; ok {
					txt := textFromPDF(a.(tStr))
					s.actual = &txt
				}
				if s.tag == "Artifact" {
					typ, _ := props["Type"].(tName)
					sub, _ := props["Subtype"].(tName)
					s.artifact = string(typ) + "/" + string(sub)
				}
			} else if s.tag == "Artifact" {
				s.artifact = "/"
			}
			spans = append(spans, s)
			cur = len(spans) - 1
		case "EMC":
			depth--
			if depth == 0 {
				cur = -1
			}
		case "Tf":
			font, size = string(stack[0].(tName)), stack[1].(float64)
		case "Tm":
			if len(stack) != 6 {
				return nil, fmt.Errorf("Tm with %d operands", len(stack))
			}
			if cur < 0 {
				return nil, fmt.Errorf("text outside marked content")
			}
			spans[cur].shows = append(spans[cur].shows, show{font: font, size: size, x: stack[4].(float64), y: stack[5].(float64)})
		case "Tj":
			if cur < 0 || len(spans[cur].shows) == 0 {
				return nil, fmt.Errorf("Tj outside marked content or without Tm")
			}
			sh := &spans[cur].shows[len(spans[cur].shows)-1]
			sh.text = append(sh.text, stack[0].(tStr)...)
		case "m", "l", "S", "w", "G", "q", "Q", "BT", "ET":
		default:
			return nil, fmt.Errorf("unexpected operator %s", op)
		}
		stack = stack[:0]
	}
	if depth != 0 {
		return nil, fmt.Errorf("unbalanced marked content")
	}
	return spans, nil
}

// textFromPDF decodes a text string: UTF-16BE with a BOM, or PDFDocEncoding (ASCII here).
func textFromPDF(s tStr) string {
	if len(s) >= 2 && s[0] == 0xfe && s[1] == 0xff {
		u := make([]uint16, 0, len(s)/2)
		for i := 2; i+1 < len(s); i += 2 {
			u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
		}
		return string(utf16.Decode(u))
	}
	return string(s)
}

type lexer struct {
	b []byte
	i int
}

func (lx *lexer) skip() {
	for lx.i < len(lx.b) && strings.IndexByte(" \t\r\n\f\x00", lx.b[lx.i]) >= 0 {
		lx.i++
	}
}

func delim(c byte) bool { return strings.IndexByte(" \t\r\n\f\x00()<>[]{}/%", c) >= 0 }

func (lx *lexer) next() (any, error) {
	lx.skip()
	if lx.i >= len(lx.b) {
		return nil, nil
	}
	c := lx.b[lx.i]
	switch {
	case c == '/':
		lx.i++
		start := lx.i
		for lx.i < len(lx.b) && !delim(lx.b[lx.i]) {
			lx.i++
		}
		return tName(lx.b[start:lx.i]), nil
	case c == '(':
		return lx.literal()
	case c == '<' && lx.i+1 < len(lx.b) && lx.b[lx.i+1] == '<':
		lx.i += 2
		d := tDict{}
		for {
			lx.skip()
			if lx.i+1 < len(lx.b) && lx.b[lx.i] == '>' && lx.b[lx.i+1] == '>' {
				lx.i += 2
				return d, nil
			}
			k, err := lx.next()
			if err != nil {
				return nil, err
			}
			key, ok := k.(tName)
			if !ok {
				return nil, fmt.Errorf("dictionary key %v", k)
			}
			v, err := lx.next()
			if err != nil {
				return nil, err
			}
			d[string(key)] = v
		}
	case c == '<':
		end := bytes.IndexByte(lx.b[lx.i:], '>')
		if end < 0 {
			return nil, fmt.Errorf("unterminated hex string")
		}
		h := strings.Join(strings.Fields(string(lx.b[lx.i+1:lx.i+end])), "")
		lx.i += end + 1
		out := make([]byte, len(h)/2)
		for j := range out {
			v, err := strconv.ParseUint(h[2*j:2*j+2], 16, 8)
			if err != nil {
				return nil, err
			}
			out[j] = byte(v)
		}
		return tStr(out), nil
	case c == '[':
		lx.i++
		var a tArray
		for {
			lx.skip()
			if lx.i < len(lx.b) && lx.b[lx.i] == ']' {
				lx.i++
				return a, nil
			}
			v, err := lx.next()
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	}
	start := lx.i
	for lx.i < len(lx.b) && !delim(lx.b[lx.i]) {
		lx.i++
	}
	w := string(lx.b[start:lx.i])
	if f, err := strconv.ParseFloat(w, 64); err == nil {
		return f, nil
	}
	if w == "" {
		return nil, fmt.Errorf("unexpected %q at %d", c, lx.i)
	}
	return tOp(w), nil
}

// literal reads a (string) with its escapes and balanced parentheses.
func (lx *lexer) literal() (any, error) {
	lx.i++
	var out []byte
	depth := 1
	for lx.i < len(lx.b) {
		c := lx.b[lx.i]
		lx.i++
		switch c {
		case '\\':
			e := lx.b[lx.i]
			lx.i++
			switch {
			case e >= '0' && e <= '7':
				v := int(e - '0')
				for k := 0; k < 2 && lx.b[lx.i] >= '0' && lx.b[lx.i] <= '7'; k++ {
					v = v*8 + int(lx.b[lx.i]-'0')
					lx.i++
				}
				out = append(out, byte(v))
			case e == 'n':
				out = append(out, '\n')
			case e == 'r':
				out = append(out, '\r')
			case e == 't':
				out = append(out, '\t')
			default:
				out = append(out, e)
			}
		case '(':
			depth++
			out = append(out, c)
		case ')':
			depth--
			if depth == 0 {
				return tStr(out), nil
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return nil, fmt.Errorf("unterminated string")
}
