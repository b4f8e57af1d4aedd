package offer

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
)

// Importing postcode centroids from the ONS Postcode Directory (open data,
// Office for National Statistics): a CSV file with a header row, of which we
// read three columns: pcds (the postcode as printed), lat and long (WGS84).
// The file is checked whole before anything is written, and written in one
// transaction, so a file with a bad row changes nothing.

// noLocation is how the ONS Postcode Directory marks a postcode with no grid
// reference (its user guide: latitude 99.999999, longitude 0.000000); such
// rows are skipped, not refused.
const noLocation = 99.999999

// maxPostcodeErrors bounds the bad rows reported: a wrong file has millions.
const maxPostcodeErrors = 20

// PostcodeImport says what an import did.
type PostcodeImport struct {
	Rows    int // data rows read
	Written int // postcodes written (new or updated)
	Skipped int // rows the directory marks as having no location
}

type postcodeRow struct {
	postcode string
	lat, lon float64
}

// ImportPostcodes reads an ONS Postcode Directory CSV from r and writes its
// postcodes' centroids, replacing those already known. Bad rows are an
// apperr Invalid error listing each with its line and field (up to 20), and
// nothing is written.
func ImportPostcodes(ctx context.Context, d *db.DB, r io.Reader) (PostcodeImport, error) {
	var out PostcodeImport
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return out, apperr.Errorf(apperr.Invalid, "line 1: cannot read the header row: %v", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	var missing []string
	for _, c := range []string{"pcds", "lat", "long"} {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return out, apperr.Errorf(apperr.Invalid, "line 1: the header has no column %s (an ONS Postcode Directory CSV has pcds, lat and long)",
			strings.Join(missing, ", "))
	}
	var rows []postcodeRow
	seen := map[string]int{} // a postcode twice: the later row wins (one statement may not write a row twice)
	var bad []string
	fail := func(line int, field, msg string) {
		if len(bad) < maxPostcodeErrors {
			bad = append(bad, fmt.Sprintf("line %d, %s: %s", line, field, msg))
		} else if len(bad) == maxPostcodeErrors {
			bad = append(bad, "and more")
		}
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			fail(line, "row", "not valid CSV: "+err.Error())
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				continue
			}
			break // the rest cannot be read reliably
		}
		line, _ := cr.FieldPos(0)
		out.Rows++
		get := func(c string) string {
			if i := col[c]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		pc, ok := NormalisePostcode(get("pcds"))
		if !ok {
			fail(line, "pcds", fmt.Sprintf("%q is not a postcode", clip(get("pcds"))))
		}
		lat, errLat := strconv.ParseFloat(get("lat"), 64)
		lon, errLon := strconv.ParseFloat(get("long"), 64)
		switch {
		case errLat != nil || lat < -90 || lat > 90 && lat != noLocation:
			fail(line, "lat", fmt.Sprintf("%q is not a latitude in degrees", clip(get("lat"))))
		case errLon != nil || lon < -180 || lon > 180:
			fail(line, "long", fmt.Sprintf("%q is not a longitude in degrees", clip(get("long"))))
		case !ok:
		case lat == noLocation:
			out.Skipped++
		default:
			if i, dup := seen[pc]; dup {
				rows[i] = postcodeRow{pc, lat, lon}
			} else {
				seen[pc] = len(rows)
				rows = append(rows, postcodeRow{pc, lat, lon})
			}
		}
	}
	if len(bad) > 0 {
		return out, apperr.Errorf(apperr.Invalid, "nothing was imported: %s", strings.Join(bad, "; "))
	}
	err = d.Transact(ctx, func(tx *sql.Tx) error {
		const batch = 200 // rows a statement: 600 parameters
		for i := 0; i < len(rows); i += batch {
			part := rows[i:min(i+batch, len(rows))]
			var b strings.Builder
			args := make([]any, 0, 3*len(part))
			b.WriteString("INSERT INTO postcodes (postcode, latitude, longitude) VALUES ")
			for j, r := range part {
				if j > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "($%d, $%d, $%d)", 3*j+1, 3*j+2, 3*j+3)
				args = append(args, r.postcode, r.lat, r.lon)
			}
			b.WriteString(" ON CONFLICT (postcode) DO UPDATE SET latitude = excluded.latitude, longitude = excluded.longitude")
			if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		out.Written = len(rows)
	}
	return out, err
}

// clip shortens a bad value for a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
