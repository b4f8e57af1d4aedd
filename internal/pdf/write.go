package pdf

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
)

// Object numbers fixed ahead, so that objects can refer forward; pages, their
// contents and then the structure elements follow.
const (
	objCatalog = 1 + iota
	objPages
	objRegular
	objBold
	objInfo
	objMetadata
	objStructRoot
	objRegularDescriptor
	objBoldDescriptor
	objFirstPage
)

// objects writes numbered objects and remembers where each starts, for the xref table.
type objects struct {
	buf     *bytes.Buffer
	offsets map[int]int
}

func (o *objects) begin(n int) {
	o.offsets[n] = o.buf.Len()
	fmt.Fprintf(o.buf, "%d 0 obj\n", n)
}

func (o *objects) end() { o.buf.WriteString("\nendobj\n") }

func (o *objects) dict(n int, format string, args ...any) {
	o.begin(n)
	fmt.Fprintf(o.buf, format, args...)
	o.end()
}

func (o *objects) stream(n int, extra string, data []byte) {
	o.begin(n)
	fmt.Fprintf(o.buf, "<<%s /Length %d>>\nstream\n", extra, len(data))
	o.buf.Write(data)
	o.buf.WriteString("\nendstream")
	o.end()
}

func ref(n int) string { return fmt.Sprintf("%d 0 R", n) }

// serialize writes the whole file: objects, cross-reference table and trailer.
func serialize(buf *bytes.Buffer, d Document, doc *elem, pages []*page, marks []mark) error {
	buf.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	o := &objects{buf: buf, offsets: map[int]int{}}
	pageObj := func(i int) int { return objFirstPage + 2*i }

	// Structure elements in preorder, numbered after the pages.
	var elems []*elem
	var number func(e *elem)
	number = func(e *elem) {
		e.obj = objFirstPage + 2*len(pages) + len(elems)
		elems = append(elems, e)
		for _, k := range e.kids {
			if k.e != nil {
				number(k.e)
			}
		}
	}
	number(doc)
	// The outline's root and items, one for each heading, come last.
	objOutlines := objFirstPage + 2*len(pages) + len(elems)
	size := objOutlines
	outline := ""
	if len(marks) > 0 {
		size += 1 + len(marks)
		outline = fmt.Sprintf(" /Outlines %s /PageMode /UseOutlines", ref(objOutlines))
	}

	o.dict(objCatalog, "<</Type /Catalog /Pages %s /MarkInfo <</Marked true>> /StructTreeRoot %s /Lang %s"+
		" /ViewerPreferences <</DisplayDocTitle true>> /Metadata %s%s>>",
		ref(objPages), ref(objStructRoot), textString(d.Lang), ref(objMetadata), outline)

	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = ref(pageObj(i))
	}
	o.dict(objPages, "<</Type /Pages /Kids [%s] /Count %d>>", strings.Join(kids, " "), len(pages))
	// ISO 32000-1 §9.6.2.2 deprecates leaving out the widths and descriptor of a standard
	// 14 font, so they are given, from the same AFM metrics; the font is not embedded.
	for _, f := range []struct {
		n, desc int
		f       *font
	}{{objRegular, objRegularDescriptor, regular}, {objBold, objBoldDescriptor, bold}} {
		w := make([]string, len(f.f.widths))
		for i, u := range f.f.widths {
			w[i] = fmt.Sprint(u)
		}
		o.dict(f.n, "<</Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 255 /Widths [%s] /FontDescriptor %s>>",
			f.f.base, strings.Join(w, " "), ref(f.desc))
		o.dict(f.desc, "<</Type /FontDescriptor /FontName /%s /Flags 32 %s>>", f.f.base, f.f.descriptor)
	}

	info := "<</Title " + textString(d.Title)
	if d.Author != "" {
		info += " /Author " + textString(d.Author)
	}
	if d.Subject != "" {
		info += " /Subject " + textString(d.Subject)
	}
	info += " /Producer (joinedup)"
	if !d.Created.IsZero() {
		info += " /CreationDate " + textString(pdfDate(d.Created))
	}
	o.dict(objInfo, "%s>>", info)
	o.stream(objMetadata, " /Type /Metadata /Subtype /XML", xmp(d))

	// The ParentTree maps each page's StructParents key to its MCIDs' elements.
	var nums strings.Builder
	for i, p := range pages {
		fmt.Fprintf(&nums, " %d [", i)
		for j, e := range p.parents {
			if j > 0 {
				nums.WriteByte(' ')
			}
			nums.WriteString(ref(e.obj))
		}
		nums.WriteString("]")
	}
	o.dict(objStructRoot, "<</Type /StructTreeRoot /K %s /ParentTree <</Nums [%s]>> /ParentTreeNextKey %d>>",
		ref(doc.obj), strings.TrimSpace(nums.String()), len(pages))

	var z bytes.Buffer
	zw := zlib.NewWriter(&z) // one compressor for every page: each costs about a megabyte
	for i, p := range pages {
		o.dict(pageObj(i), "<</Type /Page /Parent %s /MediaBox [0 0 %s %s] /Resources <</Font <</F1 %s /F2 %s>>>>"+
			" /Contents %s /StructParents %d /Tabs /S>>",
			ref(objPages), num(pageW), num(pageH), ref(objRegular), ref(objBold), ref(pageObj(i)+1), i)
		z.Reset()
		zw.Reset(&z)
		if _, err := zw.Write(p.content.Bytes()); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		o.stream(pageObj(i)+1, " /Filter /FlateDecode", z.Bytes())
	}

	for _, e := range elems {
		parent := ref(objStructRoot)
		if e.parent != nil {
			parent = ref(e.parent.obj)
		}
		pg := -1 // the page of the element's first marked content, its /Pg
		var k []string
		for _, c := range e.kids {
			switch {
			case c.e != nil:
				k = append(k, ref(c.e.obj))
			case pg < 0 || c.page == pg:
				pg = c.page
				k = append(k, fmt.Sprint(c.mcid))
			default:
				k = append(k, fmt.Sprintf("<</Type /MCR /Pg %s /MCID %d>>", ref(pageObj(c.page)), c.mcid))
			}
		}
		s := fmt.Sprintf("<</Type /StructElem /S /%s /P %s", e.tag, parent)
		if pg >= 0 {
			s += " /Pg " + ref(pageObj(pg))
		}
		if e.attrs != "" {
			s += " " + e.attrs
		}
		o.dict(e.obj, "%s /K [%s]>>", s, strings.Join(k, " "))
	}

	if len(marks) > 0 {
		writeOutline(o, objOutlines, marks, pageObj)
	}

	// The file identifier is a hash of everything before it: the same content, the same ID.
	id := sha256.Sum256(buf.Bytes())
	xref := buf.Len()
	fmt.Fprintf(buf, "xref\n0 %d\n0000000000 65535 f \n", size)
	for n := 1; n < size; n++ {
		fmt.Fprintf(buf, "%010d 00000 n \n", o.offsets[n])
	}
	h := hex.EncodeToString(id[:16])
	fmt.Fprintf(buf, "trailer\n<</Size %d /Root %s /Info %s /ID [<%s> <%s>]>>\nstartxref\n%d\n%%%%EOF\n",
		size, ref(objCatalog), ref(objInfo), h, h, xref)
	return nil
}

// textString encodes s as a PDF text string: a literal when it is printable ASCII,
// else UTF-16BE with a byte order mark.
func textString(s string) string {
	ascii := true
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			ascii = false
			break
		}
	}
	if ascii {
		return byteString([]byte(s))
	}
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// byteString writes bytes as a literal string: ( ) \ escaped, anything not printable ASCII in octal.
func byteString(s []byte) string {
	var b strings.Builder
	b.WriteByte('(')
	for _, c := range s {
		switch {
		case c == '(' || c == ')' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c > 0x7e:
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(')')
	return b.String()
}

// pdfDate is a date in the PDF format (ISO 32000-1 §7.9.4, "D:YYYYMMDDHHmmSSOHH'mm"), in UTC.
func pdfDate(t time.Time) string {
	return t.UTC().Format("D:20060102150405") + "+00'00"
}

// xmp is the metadata stream: title, author, subject, language, producer (no pdfuaid: see the package doc).
func xmp(d Document) []byte {
	esc := func(s string) string {
		var b bytes.Buffer
		xml.EscapeText(&b, []byte(s)) // writes to a buffer: cannot fail
		return b.String()
	}
	var b strings.Builder
	b.WriteString("<?xpacket begin=\"\ufeff\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n" +
		"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n" +
		"<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"" +
		" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n" +
		"<dc:format>application/pdf</dc:format>\n")
	fmt.Fprintf(&b, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:title>\n", esc(d.Title))
	if d.Author != "" {
		fmt.Fprintf(&b, "<dc:creator><rdf:Seq><rdf:li>%s</rdf:li></rdf:Seq></dc:creator>\n", esc(d.Author))
	}
	if d.Subject != "" {
		fmt.Fprintf(&b, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:description>\n", esc(d.Subject))
	}
	fmt.Fprintf(&b, "<dc:language><rdf:Bag><rdf:li>%s</rdf:li></rdf:Bag></dc:language>\n", esc(d.Lang))
	b.WriteString("<pdf:Producer>joinedup</pdf:Producer>\n")
	if !d.Created.IsZero() {
		fmt.Fprintf(&b, "<xmp:CreateDate>%s</xmp:CreateDate>\n", d.Created.UTC().Format(time.RFC3339))
	}
	b.WriteString("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>")
	return []byte(b.String())
}

// writeOutline writes the document outline (ISO 32000-1 §12.3.3): a bookmark for each
// heading, nested by level, all open, each going to the heading on its page.
func writeOutline(o *objects, root int, marks []mark, pageObj func(int) int) {
	type item struct {
		mark
		obj, parent int
		kids        []*item
	}
	top := &item{obj: root}
	stack := []*item{top}
	all := make([]*item, len(marks))
	for i, m := range marks {
		for len(stack) > 1 && stack[len(stack)-1].level >= m.level {
			stack = stack[:len(stack)-1]
		}
		it := &item{mark: m, obj: root + 1 + i, parent: stack[len(stack)-1].obj}
		stack[len(stack)-1].kids = append(stack[len(stack)-1].kids, it)
		stack = append(stack, it)
		all[i] = it
	}
	var count func(it *item) int // open items: every descendant is visible
	count = func(it *item) int {
		n := len(it.kids)
		for _, k := range it.kids {
			n += count(k)
		}
		return n
	}
	family := func(it *item) string {
		if len(it.kids) == 0 {
			return ""
		}
		return fmt.Sprintf(" /First %s /Last %s /Count %d", ref(it.kids[0].obj), ref(it.kids[len(it.kids)-1].obj), count(it))
	}
	o.dict(root, "<</Type /Outlines%s>>", family(top))
	siblings := map[int][]*item{root: top.kids}
	for _, it := range all {
		siblings[it.obj] = it.kids
	}
	for _, it := range all {
		s := fmt.Sprintf("<</Title %s /Parent %s", textString(it.title), ref(it.parent))
		sib := siblings[it.parent]
		for j, x := range sib {
			if x != it {
				continue
			}
			if j > 0 {
				s += " /Prev " + ref(sib[j-1].obj)
			}
			if j+1 < len(sib) {
				s += " /Next " + ref(sib[j+1].obj)
			}
		}
		o.dict(it.obj, "%s%s /Dest [%s /XYZ %s %s null]>>", s, family(it), ref(pageObj(it.page)), num(marginLeft), num(it.top))
	}
}
