package offer

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"joinedup/internal/csvsafe"
)

// ExportNDJSON writes every service, fully nested, one JSON object a line:
// the same bytes as GET /oruk/services?format=ndjson, which an import reads back.
func (st *Store) ExportNDJSON(ctx context.Context, w io.Writer) (int, error) {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw) // as internal/oruk's stream encodes
	n := 0
	err := st.EachService(ctx, Filter{}, func(s Service) error {
		n++
		return enc.Encode(s)
	})
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}

// ExportCSV writes every service as a row of the CSV layout (csv.go), with
// a header row, formula-like cells neutralised. Import reads it back unchanged.
func (st *Store) ExportCSV(ctx context.Context, w io.Writer) (int, error) {
	names, err := st.termNames(ctx)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("\ufeff") // spreadsheets take a file with a BOM as UTF-8
	cw := csv.NewWriter(bw)
	// Lines end in LF, which spreadsheets read: with UseCRLF the writer
	// would drop a lone CR inside a cell, and the file would not read back.
	if err := cw.Write(csvColumns); err != nil {
		return 0, err
	}
	n := 0
	err = st.EachService(ctx, Filter{}, func(s Service) error {
		n++
		row := csvRowOf(s, names)
		for i := range row {
			row[i] = csvsafe.Cell(row[i])
		}
		return cw.Write(row)
	})
	if err != nil {
		return n, err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, err
	}
	return n, bw.Flush()
}
