// Package imports is the Local Offer editors' bulk import from their pages
// (issue 6, point 7): a feed (ORUK or CSV, a file or a URL) is read and
// checked by a dry run, kept while the editor looks at what it would change,
// and applied only as it was previewed, with a row saying who imported what.
// The import itself is offer.Import's (one transaction, nothing kept of a
// failed import); this package keeps the feed between the two steps and the
// history (migration 00025).
//
// A checked feed is kept in the database, not in memory or a temporary
// file, so any instance can apply it; the page carries a random token whose
// hash is the key, and only the same person in the same session may apply
// it, within Expiry. What is kept is the feed's services as checked (so a
// CSV's new rows keep the ids the dry run gave them) and the fingerprint of
// the directory the dry run compared them with: if the directory has changed
// since, Apply refuses (Changed) and the page checks the feed again.
//
// Organisational data, not a child's record: the rows say who did what,
// without the audit chain, as in internal/offer/edits.
package imports

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/offer"
	"joinedup/internal/secret"
)

// Expiry is how long a checked feed waits to be applied.
const Expiry = time.Hour

// Formats of a feed.
const (
	ORUK = "oruk" // an ORUK 3.0 page, array or ndjson
	CSV  = "csv"  // the layout of docs/local-offer-import.md
)

// Source is what an editor gave: a file or a URL.
type Source struct {
	Name   string // the file's name or the URL
	Format string // ORUK or CSV
	SHA256 string // of the bytes uploaded or fetched
	Size   int
	CSV    []byte // a CSV as given, to check again against a changed directory
}

// FormatWords says a format as the pages do.
func FormatWords(format string) string {
	if format == CSV {
		return "CSV"
	}
	return "ORUK 3.0"
}

// FormatWords says the source's format.
func (s Source) FormatWords() string { return FormatWords(s.Format) }

// FormatWords says the import's format.
func (im Import) FormatWords() string { return FormatWords(im.Format) }

// SourceOf describes data read from name.
func SourceOf(name, format string, data []byte) Source {
	sum := sha256.Sum256(data)
	src := Source{Name: name, Format: format, SHA256: hex.EncodeToString(sum[:]), Size: len(data)}
	if format == CSV {
		src.CSV = data
	}
	return src
}

// Read reads a feed's services from data and checks each on its own (a
// dry run then checks them against each other and the directory).
func Read(ctx context.Context, d *db.DB, format string, data []byte, now time.Time) ([]offer.FeedItem, error) {
	var items []offer.FeedItem
	var err error
	if format == CSV {
		items, err = offer.ReadCSV(ctx, &offer.Store{DB: d}, bytes.NewReader(data), now)
	} else {
		items, err = offer.ReadFeed(bytes.NewReader(data))
	}
	if err == nil && len(items) == 0 {
		err = apperr.Errorf(apperr.Invalid, "the file holds no services")
	}
	return items, err
}

// Store keeps checked feeds and the history of imports.
type Store struct{ DB *db.DB }

// Staged is a checked feed waiting to be applied.
type Staged struct {
	Source
	Items       []offer.FeedItem
	Fingerprint string
	ExpiresAt   time.Time
	tokenHash   string
}

// Stage keeps a checked feed for the actor's session and returns the token
// that applies it. Expired feeds are cleared on the way.
func (st *Store) Stage(ctx context.Context, a access.Actor, session string, src Source, items []offer.FeedItem,
	fingerprint string, now time.Time) (string, error) {
	services, err := pack(items)
	if err != nil {
		return "", err
	}
	var csv []byte
	if src.CSV != nil {
		if csv, err = gz(func(w io.Writer) error { _, err := w.Write(src.CSV); return err }); err != nil {
			return "", err
		}
	}
	token := secret.New()
	err = st.DB.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM offer_import_uploads WHERE expires_at < $1", now.UTC()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO offer_import_uploads (token_hash, person_id, session_id, source, format, sha256,
			size, services, csv, fingerprint, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			secret.Hash(token), a.PersonID, session, src.Name, src.Format, src.SHA256, src.Size, services, csv, fingerprint,
			now.UTC(), now.Add(Expiry).UTC())
		return err
	})
	return token, err
}

// Load is the feed staged under token, if the actor staged it in this
// session and it has not expired; NotFound otherwise (a token of someone
// else's looks like none).
func (st *Store) Load(ctx context.Context, a access.Actor, session, token string, now time.Time) (Staged, error) {
	gone := apperr.Errorf(apperr.NotFound, "this check of an import has expired or was applied already: choose the file again")
	if !secret.WellFormed(token) {
		return Staged{}, gone
	}
	var s Staged
	var services, csv []byte
	s.tokenHash = secret.Hash(token)
	err := st.DB.QueryRowContext(ctx, `SELECT source, format, sha256, size, services, csv, fingerprint, expires_at
		FROM offer_import_uploads WHERE token_hash = $1 AND person_id = $2 AND session_id = $3 AND expires_at > $4`,
		s.tokenHash, a.PersonID, session, now.UTC()).Scan(&s.Name, &s.Format, &s.SHA256, &s.Size, &services, &csv,
		&s.Fingerprint, &s.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Staged{}, gone
	}
	if err != nil {
		return Staged{}, err
	}
	if s.Items, err = unpack(services); err != nil {
		return Staged{}, err
	}
	if csv != nil {
		if s.CSV, err = gunzip(csv); err != nil {
			return Staged{}, err
		}
	}
	return s, nil
}

// Restage replaces a staged feed's services and fingerprint, after it was
// checked again against a directory that had changed.
func (st *Store) Restage(ctx context.Context, s *Staged, items []offer.FeedItem, fingerprint string, now time.Time) error {
	services, err := pack(items)
	if err != nil {
		return err
	}
	s.Items, s.Fingerprint, s.ExpiresAt = items, fingerprint, now.Add(Expiry).UTC()
	return st.DB.Transact(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE offer_import_uploads SET services = $2, fingerprint = $3, expires_at = $4 WHERE token_hash = $1",
			s.tokenHash, services, fingerprint, s.ExpiresAt)
		return err
	})
}

// Changed is Apply's answer when the directory is not the one the feed was
// checked against: nothing was written, and the feed must be checked again.
var Changed = apperr.Errorf(apperr.Conflict, "the Local Offer has changed since this import was checked (an edit approved or another import): nothing was imported; check what it would change now")

// Apply imports a staged feed if the directory is still the one it was
// checked against, and records who imported it and what it changed, in the
// same transaction; the staged feed is then gone. Changed if the directory
// has changed (nothing is written), with the report of what the feed would
// change now.
func (st *Store) Apply(ctx context.Context, a access.Actor, s Staged, now time.Time) (Import, offer.ImportReport, error) {
	im := Import{ID: uuid.NewString(), ImportedBy: a.PersonID, ImportedByName: a.Name, ImportedAt: now.UTC().Truncate(time.Second),
		Source: s.Name, Format: s.Format, SHA256: s.SHA256, Size: s.Size}
	check := func(r offer.ImportReport) error {
		if r.Fingerprint != s.Fingerprint {
			return Changed
		}
		return nil
	}
	rep, err := offer.ImportChecked(ctx, st.DB, s.Items, now, check, func(tx *sql.Tx, r offer.ImportReport) error {
		im.Report = countsOf(r)
		c := im.Report
		if _, err := tx.ExecContext(ctx, `INSERT INTO offer_imports (id, imported_by, imported_by_name, imported_at, source, format,
			sha256, size, services_new, services_changed, services_unchanged, organizations_new, organizations_changed,
			locations_new, locations_changed, terms_new, terms_changed, taxonomies_new)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
			im.ID, im.ImportedBy, im.ImportedByName, im.ImportedAt, im.Source, im.Format, im.SHA256, im.Size,
			c.New, c.Changed, c.Unchanged, c.Organizations.New, c.Organizations.Changed, c.Locations.New, c.Locations.Changed,
			c.Terms.New, c.Terms.Changed, c.Taxonomies); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM offer_import_uploads WHERE token_hash = $1", s.tokenHash)
		return err
	})
	if err != nil {
		return Import{}, rep, err
	}
	return im, rep, nil
}

// Counts are what an import changed, as the history keeps them.
type Counts struct {
	New, Changed, Unchanged int // services
	Organizations           offer.Counts
	Locations               offer.Counts
	Terms                   offer.Counts
	Taxonomies              int // new
}

func countsOf(r offer.ImportReport) Counts {
	return Counts{len(r.New), len(r.Changed), len(r.Unchanged), r.Organizations, r.Locations, r.Terms, r.Taxonomies.New}
}

// Import is one import applied from the editors' pages.
type Import struct {
	ID             string
	ImportedBy     string
	ImportedByName string
	ImportedAt     time.Time
	Source         string
	Format         string
	SHA256         string
	Size           int
	Report         Counts
}

const importCols = `id, imported_by, imported_by_name, imported_at, source, format, sha256, size, services_new, services_changed,
	services_unchanged, organizations_new, organizations_changed, locations_new, locations_changed, terms_new, terms_changed, taxonomies_new`

func scanImport(scan func(...any) error) (Import, error) {
	var im Import
	c := &im.Report
	err := scan(&im.ID, &im.ImportedBy, &im.ImportedByName, &im.ImportedAt, &im.Source, &im.Format, &im.SHA256, &im.Size,
		&c.New, &c.Changed, &c.Unchanged, &c.Organizations.New, &c.Organizations.Changed, &c.Locations.New, &c.Locations.Changed,
		&c.Terms.New, &c.Terms.Changed, &c.Taxonomies)
	return im, err
}

// History is the latest imports, newest first, at most limit.
func (st *Store) History(ctx context.Context, limit int) ([]Import, error) {
	rows, err := st.DB.QueryContext(ctx, "SELECT "+importCols+" FROM offer_imports ORDER BY imported_at DESC, id LIMIT $1", limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Import
	for rows.Next() {
		im, err := scanImport(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, im)
	}
	return out, rows.Err()
}

// Get is one import; NotFound if there is none with id.
func (st *Store) Get(ctx context.Context, id string) (Import, error) {
	im, err := scanImport(st.DB.QueryRowContext(ctx, "SELECT "+importCols+" FROM offer_imports WHERE id = $1", id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return Import{}, apperr.Errorf(apperr.NotFound, "there is no such import")
	}
	return im, err
}

// staged is one service of a checked feed as kept: with its place in the file.
type staged struct {
	Where   string        `json:"where"`
	Service offer.Service `json:"service"`
}

// pack writes items as gzip of ndjson.
func pack(items []offer.FeedItem) ([]byte, error) {
	return gz(func(w io.Writer) error {
		enc := json.NewEncoder(w)
		for _, it := range items {
			if err := enc.Encode(staged{it.Where, it.Service}); err != nil {
				return err
			}
		}
		return nil
	})
}

func unpack(data []byte) ([]offer.FeedItem, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bufio.NewReader(zr))
	var out []offer.FeedItem
	for {
		var s staged
		err := dec.Decode(&s)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("a staged import does not decode: %w", err)
		}
		out = append(out, offer.FeedItem{Where: s.Where, Service: s.Service})
	}
}

func gz(write func(io.Writer) error) ([]byte, error) {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed) // a valid level: no error
	if err := write(zw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func gunzip(data []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
