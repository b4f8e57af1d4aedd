// Package pdf writes small tagged PDF documents: headings, paragraphs, lists and tables in reading order.
//
// The output is tagged PDF (ISO 32000-1 §14.8): a structure tree (Document, H1–H3, P,
// L/LI/Lbl/LBody, Table/Caption/TR/TH/TD) in the order of the blocks, every piece of
// text in marked content with an MCID reachable from the ParentTree, page furniture
// (page numbers, repeated table headers, rules) as Artifacts, /Lang, a title shown by
// viewers, XMP metadata, and bookmarks for the headings. It is not PDF/UA and does not claim to be (no pdfuaid in the
// XMP): the text uses the standard 14 fonts Helvetica and Helvetica-Bold, which are not
// embedded, and PDF/UA requires embedded fonts.
//
// Layout: A4, Helvetica 11 pt body text wrapped with the fonts' AFM widths (widths.go,
// generated from Adobe's Core 14 AFM files by gen_widths.go); a word wider than a line
// is broken. A heading never ends a page: it moves with the start of what follows. A
// table row that does not fit moves whole to the next page under a repeat of the header
// row; a row taller than a page is split. Tables have at most 24 columns.
//
// Text is Unicode. What WinAnsiEncoding cannot draw is drawn in its closest form
// (accents stripped, compatibility forms such as ligatures decomposed, '?' otherwise)
// and the original is kept in /ActualText on that line's marked content, so screen
// readers and copy and paste get the real text. Runs of white space become one space,
// except that "\n" in a paragraph, list item or cell starts a new line.
//
// The same Document always gives the same bytes: there is no timestamp unless
// Document.Created is set, and the file identifier is a hash of the content.
package pdf

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"golang.org/x/text/language"
)

// Document is what Write lays out: metadata and blocks in reading order.
type Document struct {
	Title   string // the document's title: Info /Title and XMP dc:title, shown by viewers (DisplayDocTitle)
	Lang    string // natural language, e.g. "en-GB" (catalog /Lang); "" means "en-GB"
	Author  string
	Subject string
	Blocks  []Block

	// Created is the creation date for the Info dictionary and the XMP; the zero
	// time leaves it out, so the same document gives the same bytes.
	Created time.Time
}

// Block is one of Heading, Paragraph, List, Table.
type Block interface{ block() }

// Heading is a heading of level 1 to 3: H1, H2, H3.
type Heading struct {
	Level int // 1 to 3: H1, H2, H3
	Text  string
}

// Paragraph is a paragraph of text: P.
type Paragraph struct{ Text string }

// List is a bulleted list: L, LI, Lbl, LBody.
type List struct{ Items []string }

// Table is a table with one header row: Table, Caption, TR, TH, TD.
type Table struct {
	Caption string     // Caption
	Header  []string   // TH cells (Scope Column)
	Rows    [][]string // TD cells; every row as long as Header
}

func (Heading) block()   {}
func (Paragraph) block() {}
func (List) block()      {}
func (Table) block()     {}

// Write lays the document out on A4 pages and writes it to w.
// A document that is not valid is refused with an error naming the block and field,
// and nothing is written.
func Write(w io.Writer, d Document) error {
	if err := validate(&d); err != nil {
		return err
	}
	doc, pages, marks := layOut(d.Blocks)
	var buf bytes.Buffer
	if err := serialize(&buf, d, doc, pages, marks); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// validate checks d and fills in the default language.
func validate(d *Document) error {
	if blank(d.Title) {
		return fmt.Errorf("pdf: Title is empty: a tagged document needs a title")
	}
	if d.Lang == "" {
		d.Lang = "en-GB"
	}
	if _, err := language.Parse(d.Lang); err != nil {
		return fmt.Errorf("pdf: Lang %q is not a language tag such as en-GB", d.Lang)
	}
	for i, b := range d.Blocks {
		switch b := b.(type) {
		case Heading:
			if b.Level < 1 || b.Level > 3 {
				return fmt.Errorf("pdf: block %d (Heading): Level %d is not 1, 2 or 3", i, b.Level)
			}
			if blank(b.Text) {
				return fmt.Errorf("pdf: block %d (Heading): Text is empty", i)
			}
		case Paragraph:
		case List:
			if len(b.Items) == 0 {
				return fmt.Errorf("pdf: block %d (List): Items is empty", i)
			}
		case Table:
			if len(b.Header) == 0 {
				return fmt.Errorf("pdf: block %d (Table): Header is empty: every column needs a header cell", i)
			}
			if len(b.Header) > maxColumns {
				return fmt.Errorf("pdf: block %d (Table): Header has %d columns; at most %d fit across an A4 page", i, len(b.Header), maxColumns)
			}
			for r, row := range b.Rows {
				if len(row) != len(b.Header) {
					return fmt.Errorf("pdf: block %d (Table): Rows[%d] has %d cells but Header has %d", i, r, len(row), len(b.Header))
				}
			}
		case nil:
			return fmt.Errorf("pdf: block %d is nil", i)
		default:
			return fmt.Errorf("pdf: block %d: unknown block type %T", i, b)
		}
	}
	return nil
}

// blank says whether s has nothing to read.
func blank(s string) bool {
	for _, r := range s {
		if !isSpace(r) {
			return false
		}
	}
	return true
}
