package sar

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strings"
	"time"

	"joinedup/internal/audit"
)

// Format names the layout of the archive, so a reader can tell versions apart.
const Format = "joinedup subject access request export, version 1"

// File names in the archive besides one JSON file per section.
const (
	ManifestFile = "manifest.json"
	DocumentFile = "subject-access-request.html"
)

// Manifest describes an archive: whom it is about, who made it, when and
// why, and each file with its row count and SHA-256.
type Manifest struct {
	Format      string    `json:"format"`
	Subject     Subject   `json:"subject"`
	GeneratedAt time.Time `json:"generated_at"`
	GeneratedBy Exporter  `json:"generated_by"`
	Reason      string    `json:"reason"` // the request's reference, as the exporter gave it
	Access      string    `json:"access"` // why the exporter could export it, as the audit row says
	Sections    []Entry   `json:"sections"`
	Document    FileSum   `json:"document"`
}

// Exporter is who made the archive.
type Exporter struct {
	PersonID     string `json:"person_id"`
	Name         string `json:"name"`
	Organisation string `json:"organisation"`
	Role         string `json:"role"`
}

// Entry is one section's file in the archive.
type Entry struct {
	Name    string `json:"name"`
	Title   string `json:"title"`
	Rows    int    `json:"rows"`
	LeftOut int    `json:"rows_left_out"` // about children outside the exporter's reach: not read
	FileSum
}

// FileSum is a file of the archive and the SHA-256 of its content.
type FileSum struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
}

// Archive is an export: the tables read and the files made of them.
type Archive struct {
	Manifest Manifest
	Tables   []Table
	files    []file // in the order they are zipped, the manifest first
}

type file struct {
	name string
	data []byte
}

// File returns the content of a file of the archive, and whether there is one.
func (ar *Archive) File(name string) ([]byte, bool) {
	for _, f := range ar.files {
		if f.name == name {
			return f.data, true
		}
	}
	return nil, false
}

// FileName is a name to save the archive as: the date and the start of the
// subject's id, never their name.
func (ar *Archive) FileName() string {
	id := ar.Manifest.Subject.ChildID
	if id == "" {
		id = ar.Manifest.Subject.PersonID
	}
	if len(id) > 8 {
		id = id[:8]
	}
	return fmt.Sprintf("subject-access-request-%s-%s.zip", ar.Manifest.GeneratedAt.Format(time.DateOnly), id)
}

// build makes the files: a JSON file per table, the document, then the
// manifest with every file's checksum.
func (ar *Archive) build() error {
	var out []file
	add := func(name string, data []byte) FileSum {
		out = append(out, file{name, data})
		sum := sha256.Sum256(data)
		return FileSum{File: name, SHA256: hex.EncodeToString(sum[:])}
	}
	m := &ar.Manifest
	m.Sections = nil
	for _, t := range ar.Tables {
		data, err := json.MarshalIndent(t, "", "  ")
		if err != nil {
			return fmt.Errorf("sar: section %s: %w", t.Name, err)
		}
		m.Sections = append(m.Sections, Entry{Name: t.Name, Title: t.Title, Rows: len(t.Rows), LeftOut: t.LeftOut,
			FileSum: add(t.Name+".json", append(data, '\n'))})
	}
	var doc bytes.Buffer
	if err := document.Execute(&doc, ar.view()); err != nil {
		return fmt.Errorf("sar: document: %w", err)
	}
	m.Document = add(DocumentFile, doc.Bytes())
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	ar.files = append([]file{{ManifestFile, append(manifest, '\n')}}, out...)
	return nil
}

// WriteZip writes the archive as a ZIP file.
func (ar *Archive) WriteZip(w io.Writer) error {
	z := zip.NewWriter(w)
	for _, f := range ar.files {
		fw, err := z.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: ar.Manifest.GeneratedAt})
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.data); err != nil {
			return err
		}
	}
	return z.Close()
}

// MarshalJSON writes a table as its section's file: each row an object
// whose keys keep the columns' order.
func (t Table) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	head, err := json.Marshal(struct {
		Section string   `json:"section"`
		Title   string   `json:"title"`
		About   string   `json:"about"`
		Columns []string `json:"columns"`
		LeftOut int      `json:"rows_left_out"`
	}{t.Name, t.Title, t.About, t.Columns, t.LeftOut})
	if err != nil {
		return nil, err
	}
	b.Write(head[:len(head)-1])
	b.WriteString(`,"rows":[`)
	for i, row := range t.Rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		for j, v := range row {
			if j > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(t.Columns[j])
			val, err := json.Marshal(v)
			if err != nil {
				return nil, err
			}
			b.Write(k)
			b.WriteByte(':')
			b.Write(val)
		}
		b.WriteByte('}')
	}
	b.WriteString("]}")
	return b.Bytes(), nil
}

//go:embed document.html
var documentHTML string

// document is the readable copy: plain HTML with headings and tables, its
// own small style sheet for screen and print, and no script.
var document = template.Must(template.New("document").Funcs(template.FuncMap{
	"when": func(t time.Time) string { return t.UTC().Format("2 January 2006 at 15:04 UTC") },
}).Parse(documentHTML))

// docView is what the document shows: the manifest and each table as text.
type docView struct {
	Manifest Manifest
	Tables   []docTable
}

type docTable struct {
	Name, Title, About string
	LeftOut            int
	Headings           []string
	Rows               [][]string
}

// view prepares the document. Ids, references and codes are for computers: a
// table of several rows leaves them out (the JSON files keep them), and a
// child's own export leaves out the column naming the child on every row.
func (ar *Archive) view() docView {
	v := docView{Manifest: ar.Manifest}
	for _, t := range ar.Tables {
		dt := docTable{Name: t.Name, Title: t.Title, About: t.About, LeftOut: t.LeftOut}
		var keep []int
		for i, c := range t.Columns {
			id := strings.HasSuffix(c, "_id") || c == "reference" || c == "action" || c == "record_type"
			if len(t.Rows) > 1 && id || c == "child" && ar.Manifest.Subject.Kind == KindChild {
				continue
			}
			keep = append(keep, i)
			dt.Headings = append(dt.Headings, heading(c))
		}
		for _, row := range t.Rows {
			cells := make([]string, len(keep))
			for j, i := range keep {
				cells[j] = cell(row[i])
			}
			dt.Rows = append(dt.Rows, cells)
		}
		v.Tables = append(v.Tables, dt)
	}
	return v
}

// heading turns a column name into a heading: date_of_birth is "Date of birth".
func heading(col string) string {
	s := strings.ReplaceAll(col, "_", " ")
	if strings.HasSuffix(s, " id") {
		s = strings.TrimSuffix(s, " id") + " ID"
	}
	for _, acronym := range []string{"nhs", "upn", "uln", "sen"} {
		if s == acronym || strings.HasPrefix(s, acronym+" ") {
			s = strings.ToUpper(acronym) + s[len(acronym):]
		}
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// code matches the codes joinedup stores (ehc_plan, break_glass), shown as words.
var code = regexp.MustCompile(`^[a-z]+(_[a-z]+)+$`)

// cell writes a value for a person to read.
func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "Yes"
		}
		return "No"
	case time.Time:
		return x.UTC().Format("2 Jan 2006 15:04")
	case string:
		if code.MatchString(x) {
			return strings.ReplaceAll(x, "_", " ")
		}
		return x
	case []audit.Change:
		parts := make([]string, len(x))
		for i, c := range x {
			parts[i] = fmt.Sprintf("%s: %q to %q", c.Field, c.Old, c.New)
		}
		return strings.Join(parts, "; ")
	}
	return fmt.Sprint(v)
}
