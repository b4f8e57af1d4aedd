package pdf

import (
	"strings"
	"unicode"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// font is one of the two standard fonts used, with its AFM widths.
type font struct {
	name   string // resource name in the page's /Font dictionary
	base   string // BaseFont
	widths *[224]uint16
	// descriptor holds the FontDescriptor's metrics, from the AFM file's header.
	descriptor string
}

var (
	regular = &font{name: "F1", base: "Helvetica", widths: &helveticaWidths,
		descriptor: "/FontBBox [-166 -225 1000 931] /ItalicAngle 0 /Ascent 718 /Descent -207 /CapHeight 718 /XHeight 523 /StemV 88"}
	bold = &font{name: "F2", base: "Helvetica-Bold", widths: &helveticaBoldWidths,
		descriptor: "/FontBBox [-170 -228 1003 962] /ItalicAngle 0 /Ascent 718 /Descent -207 /CapHeight 718 /XHeight 532 /StemV 140"}
)

// width is the advance width of WinAnsi bytes s at size points.
func (f *font) width(s []byte, size float64) float64 {
	units := 0
	for _, b := range s {
		units += f.unit(b)
	}
	return float64(units) * size / 1000
}

// unit is the width of one WinAnsi code in 1/1000 em.
func (f *font) unit(b byte) int {
	if b < 32 {
		return 0
	}
	return int(f.widths[b-32])
}

// glyph is one character of the original text and the WinAnsi bytes drawn for it.
type glyph struct {
	r     rune
	drawn string // WinAnsi bytes; a one-byte string costs no allocation
}

// substituted says whether what is drawn is not the character itself.
func (g glyph) substituted() bool {
	return len(g.drawn) != 1 || !isWinAnsi(g.r) || encode(g.r) != g.drawn[0]
}

// line is one line of text as laid out: the bytes drawn, and the original text when it differs.
type line struct {
	glyphs []glyph
	drawn  []byte
	actual string // the original text of the line when something was substituted, else ""
}

// toGlyphs converts s to glyphs, choosing what to draw for each character.
func toGlyphs(s string) []glyph {
	gs := make([]glyph, 0, len(s))
	for _, r := range s {
		gs = append(gs, glyph{r: r, drawn: draw(r)})
	}
	return gs
}

// isWinAnsi says whether r has a code in WinAnsiEncoding that draws it.
func isWinAnsi(r rune) bool {
	if r < 0x20 || r == 0x7f {
		return false
	}
	_, ok := charmap.Windows1252.EncodeRune(r)
	if !ok {
		return false
	}
	switch r { // codes Windows-1252 passes through but WinAnsiEncoding leaves unused
	case 0x81, 0x8d, 0x8f, 0x90, 0x9d:
		return false
	}
	return true
}

func encode(r rune) byte {
	b, _ := charmap.Windows1252.EncodeRune(r)
	return b
}

// similar holds letters that do not decompose to a base letter but have an obvious one.
var similar = map[rune]string{
	'Ł': "L", 'ł': "l", 'Đ': "D", 'đ': "d", 'Ħ': "H", 'ħ': "h", 'ı': "i", 'Ŀ': "L", 'ŀ': "l",
	'ŧ': "t", 'Ŧ': "T", 'ŋ': "n", 'Ŋ': "N", 'ĸ': "k", 'ʼ': "'", '‐': "-", '‑': "-", '‒': "-",
	'―': "-", '−': "-", '⁄': "/", '′': "'", '″': "\"", '→': "->", '←': "<-",
	'✓': "v", '✔': "v", '✗': "x", '✘': "x", '≤': "<=", '≥': ">=", '≠': "!=",
}

// draw returns the WinAnsi bytes to draw for r: r itself if WinAnsi has it, else its
// closest form (compatibility decomposition without accents, or a small table), else '?'.
func draw(r rune) string {
	if isWinAnsi(r) {
		return string([]byte{encode(r)}) // not string(byte), which would be UTF-8
	}
	if s, ok := similar[r]; ok {
		return s // ASCII only
	}
	var out []byte
	for _, d := range norm.NFKD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue // a combining accent
		}
		if !isWinAnsi(d) {
			return "?"
		}
		out = append(out, encode(d))
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}

// isSpace says whether r separates words. A no-break space does not.
func isSpace(r rune) bool {
	return r != '\u00a0' && r != '\u202f' && r != '\u2007' && unicode.IsSpace(r)
}

// wrap breaks s into lines no wider than max at size points: at spaces, and inside a
// word only when the word alone is wider than a line. "\n" always starts a new line.
// A line that ends at a space or "\n" keeps one space at its end (past the width, and
// invisible), so the lines joined are the text with its white space collapsed, which
// is what screen readers and copy and paste get. Blank text gives no lines.
func wrap(s string, f *font, size, max float64) []line {
	var lines []line
	space := glyph{r: ' ', drawn: " "}
	spaceW := f.width([]byte{' '}, size)
	for _, para := range strings.Split(s, "\n") {
		words := splitWords(toGlyphs(para))
		if len(words) == 0 {
			continue
		}
		if len(lines) > 0 { // the "\n" before this part of the text
			last := &lines[len(lines)-1]
			*last = makeLine(append(last.glyphs[:len(last.glyphs):len(last.glyphs)], space))
		}
		var cur []glyph
		curW := 0.0
		flush := func() {
			lines = append(lines, makeLine(cur))
			cur, curW = nil, 0
		}
		for _, w := range words {
			ww := glyphsWidth(w, f, size)
			if len(cur) > 0 && curW+spaceW+ww <= max {
				cur = append(append(cur, space), w...)
				curW += spaceW + ww
				continue
			}
			if len(cur) > 0 {
				cur = append(cur, space)
				flush()
			}
			// The word starts a line; break it if it is wider than a line.
			for ww > max {
				n, nw := fit(w, f, size, max)
				cur = w[:n]
				curW = nw
				flush()
				w = w[n:]
				ww -= nw
			}
			cur, curW = append([]glyph(nil), w...), ww
		}
		if len(cur) > 0 {
			flush()
		}
	}
	return lines
}

// fit returns how many glyphs of w fit in max (at least one, so a line always advances) and their width.
func fit(w []glyph, f *font, size, max float64) (int, float64) {
	total := 0.0
	for i := range w {
		gw := glyphsWidth(w[i:i+1], f, size)
		if i > 0 && total+gw > max {
			return i, total
		}
		total += gw
	}
	return len(w), total
}

func splitWords(gs []glyph) [][]glyph {
	var words [][]glyph
	start := -1
	for i, g := range gs {
		if isSpace(g.r) {
			if start >= 0 {
				words = append(words, gs[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		words = append(words, gs[start:])
	}
	return words
}

func glyphsWidth(gs []glyph, f *font, size float64) float64 {
	units := 0
	for _, g := range gs {
		for i := 0; i < len(g.drawn); i++ {
			units += f.unit(g.drawn[i])
		}
	}
	return float64(units) * size / 1000
}

func makeLine(gs []glyph) line {
	l := line{glyphs: gs}
	var orig strings.Builder
	sub := false
	for _, g := range gs {
		l.drawn = append(l.drawn, g.drawn...)
		orig.WriteRune(g.r)
		if g.substituted() {
			sub = true
		}
	}
	if sub {
		l.actual = orig.String()
	}
	return l
}
