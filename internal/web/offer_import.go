package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/offer"
	"joinedup/internal/offer/imports"
)

// The Local Offer editors' bulk import and export (issue 6, point 7). An
// editor gives a file (ORUK JSON or ndjson, or CSV in the documented layout)
// or an address the partnership publishes its feed at; the first step is
// always a dry run saying what would be added and changed, field by field,
// or every problem with its line and field; "Apply this import" then writes
// exactly what was checked, or says the directory has changed and checks
// again. The work is internal/offer's and internal/offer/imports'.
//
// Permission: offer.moderate. An import writes the live directory directly,
// with no editor between the file and families: the same power as approving
// providers' edits, which is offer.moderate's (offer.edit names no route).

func (s *server) offerImports() *imports.Store { return &imports.Store{DB: s.db} }

// offerImportLimit is the most an upload or a fetched feed may hold: the
// import's own limit, so the page and the command line take the same files.
// A variable so that a test can send "1 GB" without 256 MiB of memory.
var offerImportLimit int64 = offer.MaxFeedBytes

// offerImportTime bounds an import's requests (a large upload, a dry run or
// an import of 20,000 services, an export) beyond the server's 30 s read and
// 60 s write limits for ordinary pages.
const offerImportTime = 10 * time.Minute

// offerFetchTime bounds fetching a feed from an address, all its pages.
const offerFetchTime = 5 * time.Minute

// previewItems is how many new and changed services a dry run lists.
const previewItems = 50

// offerImportHistory is how many past imports the page lists.
const offerImportHistory = 20

// importPage is the form: a file or an address, the exports and the history.
type importPage struct {
	Limit   string
	History []imports.Import
	URL     string
	Format  string
	Errors  []apperr.Field
}

func (s *server) offerImportPage(w http.ResponseWriter, r *http.Request) {
	s.offerImportForm(w, r, http.StatusOK, importPage{Format: imports.ORUK})
}

// offerImportForm draws the form under its own title, whichever route shows it.
func (s *server) offerImportForm(w http.ResponseWriter, r *http.Request, status int, p importPage) {
	hist, err := s.offerImports().History(r.Context(), offerImportHistory)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.History, p.Limit = hist, sizeWords(offerImportLimit)
	if p.Format == "" {
		p.Format = imports.ORUK
	}
	s.renderTitled(w, r, status, "offer-import.html", s.titles["GET /staff/offer/import"], p, p.Errors)
}

// renderTitled renders a page under title ("Error: " before it when errs).
func (s *server) renderTitled(w http.ResponseWriter, r *http.Request, status int, name, title string, page any, errs []apperr.Field) {
	v, err := s.view(r, page)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Title = title
	if len(errs) > 0 {
		v.Title = "Error: " + title
	}
	s.render(w, r, status, name, v)
}

// sizeWords says a size limit as people read it: 256 MB.
func sizeWords(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", max(n>>10, 1))
}

// previewPage is a dry run: what the feed would change, or what is wrong with it.
type previewPage struct {
	Source      imports.Source
	Counts      imports.Counts
	New         []offer.FeedItem // the first previewItems
	MoreNew     int
	Changed     []changedService // the first previewItems
	MoreChanged int
	Message     string // the refusal, when the feed has problems
	Problems    []importProblem
	Errors      []apperr.Field // the error summary: one line, linking to the table of problems
	Token       string         // applies the feed; "" when it cannot be applied
	Again       bool           // checked again because the directory changed since the first check
	ExpiresAt   time.Time
}

type changedService struct {
	ID, Name, Where string
	Changes         []fieldChange
}

type fieldChange struct{ Label, Before, After string }

// importProblem is one problem of a feed: where, which field, what.
type importProblem struct{ Where, Field, Message string }

// orukFieldLabels name a service's ORUK fields in the editors' words.
var orukFieldLabels = map[string]string{"name": "Name", "organization": "Organisation", "description": "Description",
	"status": "Status", "url": "Website", "email": "Email", "fees": "Fees", "accreditations": "Accreditations",
	"minimum_age": "Minimum age", "maximum_age": "Maximum age", "assured_date": "Assured on", "assurer_email": "Assured by",
	"alert": "Alert", "contacts": "Contacts and phone numbers", "cost_options": "Costs", "schedules": "Times",
	"service_at_locations": "Places", "service_areas": "Areas served", "attributes": "Categories (taxonomy terms)"}

// preview makes the dry run's page from its report.
func preview(src imports.Source, rep offer.ImportReport, token string, expires time.Time) previewPage {
	p := previewPage{Source: src, Token: token, ExpiresAt: expires, Counts: imports.Counts{New: len(rep.New), Changed: len(rep.Changed),
		Unchanged: len(rep.Unchanged), Organizations: rep.Organizations, Locations: rep.Locations, Terms: rep.Terms, Taxonomies: rep.Taxonomies.New}}
	p.New = rep.New[:min(len(rep.New), previewItems)]
	p.MoreNew = len(rep.New) - len(p.New)
	for i, it := range rep.Changed[:min(len(rep.Changed), previewItems)] {
		c := changedService{ID: it.Service.ID, Name: it.Service.Name, Where: it.Where}
		for _, fc := range rep.Changes(i) {
			c.Changes = append(c.Changes, fieldChange{Label: orukFieldLabels[fc.Field], Before: fc.Before, After: fc.After})
		}
		p.Changed = append(p.Changed, c)
	}
	p.MoreChanged = len(rep.Changed) - len(p.Changed)
	return p
}

// problemsPage is the dry run of a feed with problems: each with its place
// and field, and nothing to apply.
func problemsPage(src imports.Source, e *apperr.Error) previewPage {
	p := previewPage{Source: src, Message: e.Message}
	for _, f := range e.Fields {
		where, field, ok := strings.Cut(f.Name, ": ")
		if !ok && !strings.HasPrefix(f.Name, "line ") && !strings.Contains(f.Name, "[") {
			where, field = "", f.Name
		}
		p.Problems = append(p.Problems, importProblem{Where: where, Field: field, Message: f.Message})
	}
	p.Errors = []apperr.Field{{Name: "problems", Message: upperFirst(e.Message)}}
	return p
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// showPreview draws a dry run: 200 when it can be applied, 422 with its problems.
func (s *server) showPreview(w http.ResponseWriter, r *http.Request, p previewPage) {
	status := http.StatusOK
	if p.Problems != nil || p.Message != "" {
		status = http.StatusUnprocessableEntity
	}
	s.renderTitled(w, r, status, "offer-import-check.html", s.titles["POST /staff/offer/import"], p, p.Errors)
}

// longRequest lets an import's request read and write for offerImportTime.
func longRequest(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	deadline := time.Now().Add(offerImportTime)
	rc.SetReadDeadline(deadline)  // an error only means the connection has none to extend
	rc.SetWriteDeadline(deadline) // (httptest's recorder)
}

// offerImportCheck is step 1: read the file or fetch the address, check
// it, and show the dry run, keeping the checked feed for step 2.
func (s *server) offerImportCheck(w http.ResponseWriter, r *http.Request) {
	longRequest(w)
	ctx := r.Context()
	now := db.Now()
	src, items, form, err := s.readImport(w, r, now)
	if fs := invalidFields(err); fs != nil && form {
		s.offerImportForm(w, r, http.StatusUnprocessableEntity, importPage{URL: src.Name, Format: src.Format, Errors: fs})
		return
	}
	var rep offer.ImportReport
	if err == nil {
		rep, err = offer.Import(ctx, s.db, items, offer.ImportOptions{Now: now})
	}
	var e *apperr.Error
	if errors.As(err, &e) && e.Code == apperr.Invalid {
		s.showPreview(w, r, problemsPage(src, e))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !changes(rep) { // nothing to apply, so nothing to keep
		s.showPreview(w, r, preview(src, rep, "", time.Time{}))
		return
	}
	a, _ := actorOf(ctx)
	token, err := s.offerImports().Stage(ctx, a, sessionOf(ctx), src, items, rep.Fingerprint, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showPreview(w, r, preview(src, rep, token, now.Add(imports.Expiry)))
}

// changes says whether applying rep would change the directory.
func changes(rep offer.ImportReport) bool {
	return len(rep.New)+len(rep.Changed)+rep.Organizations.New+rep.Organizations.Changed+rep.Locations.New+
		rep.Locations.Changed+rep.Terms.New+rep.Terms.Changed+rep.Taxonomies.New > 0
}

// readImport reads what the form gives: a file (multipart) or an address.
// form is true when an error is about the form itself (no file, too large,
// not an address), to be shown on the form; otherwise it is the feed's.
func (s *server) readImport(w http.ResponseWriter, r *http.Request, now time.Time) (src imports.Source, items []offer.FeedItem, form bool, err error) {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, offerImportLimit+64<<10) // the file and the form around it
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			return src, nil, true, fieldErr("url", "The form could not be read: try again")
		}
		return s.fetchImport(ctx, strings.TrimSpace(r.PostFormValue("url")), r.PostFormValue("format"), now)
	}
	name, data, err := readUpload(r)
	if err != nil {
		return src, nil, true, err
	}
	format := formatOf(name, data)
	src = imports.SourceOf(name, format, data)
	items, err = imports.Read(ctx, s.db, format, data, now)
	return src, items, false, err
}

func fieldErr(name, message string) error {
	return &apperr.Error{Code: apperr.Invalid, Message: message, Fields: []apperr.Field{{Name: name, Message: message}}}
}

// readUpload reads the form's file, at most offerImportLimit of it, from
// the multipart stream itself: nothing goes to a temporary file.
func readUpload(r *http.Request) (string, []byte, error) {
	tooLarge := fieldErr("file", fmt.Sprintf("The file is larger than %s, the most one import takes: split it into smaller files", sizeWords(offerImportLimit)))
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, fieldErr("file", "The form could not be read: choose the file again")
	}
	var name string
	var data []byte
	found := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", nil, tooLarge
		}
		if err != nil {
			return "", nil, fieldErr("file", "The file could not be read: choose it again")
		}
		if part.FormName() != "file" {
			io.Copy(io.Discard, io.LimitReader(part, 1<<10))
			continue
		}
		found, name = true, path.Base(strings.ReplaceAll(part.FileName(), `\`, "/"))
		data, err = io.ReadAll(io.LimitReader(part, offerImportLimit+1))
		if errors.As(err, &mbe) || int64(len(data)) > offerImportLimit {
			return "", nil, tooLarge
		}
		if err != nil {
			return "", nil, fieldErr("file", "The file could not be read: choose it again")
		}
	}
	switch {
	case !found || (name == "." && len(data) == 0):
		return "", nil, fieldErr("file", "Choose a file to import")
	case len(data) == 0:
		return "", nil, fieldErr("file", "The file is empty")
	}
	return name, data, nil
}

// formatOf decides a file's format by its name, or by its first character:
// ORUK is JSON ({ or [), anything else is read as CSV.
func formatOf(name string, data []byte) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".csv":
		return imports.CSV
	case ".json", ".ndjson", ".jsonl":
		return imports.ORUK
	}
	body := strings.TrimLeft(string(data[:min(len(data), 64)]), "\ufeff \t\r\n")
	if strings.HasPrefix(body, "{") || strings.HasPrefix(body, "[") {
		return imports.ORUK
	}
	return imports.CSV
}

// fetchImport fetches a feed from the address the partnership gives: only
// http and https, within offerFetchTime and offerImportLimit over all pages.
func (s *server) fetchImport(ctx context.Context, addr, format string, now time.Time) (imports.Source, []offer.FeedItem, bool, error) {
	src := imports.Source{Name: addr, Format: format}
	u, err := url.Parse(addr)
	switch {
	case addr == "":
		return src, nil, true, fieldErr("url", "Enter the address of the feed")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return src, nil, true, fieldErr("url", "Enter an address starting with https:// or http://, like https://example.org/oruk/services")
	case format != imports.ORUK && format != imports.CSV:
		return src, nil, true, fieldErr("format", "Choose what the address gives: an ORUK feed or a CSV file")
	}
	ctx, cancel := context.WithTimeout(ctx, offerFetchTime)
	defer cancel()
	tr := &cappedTransport{limit: offerImportLimit, sum: sha256.New()}
	client := &http.Client{Timeout: 2 * time.Minute, Transport: tr}
	var items []offer.FeedItem
	if format == imports.ORUK {
		items, err = offer.FetchFeed(ctx, client, addr)
	} else {
		var data []byte
		if data, err = fetchCSV(ctx, client, addr); err == nil {
			src.CSV = data
			items, err = imports.Read(ctx, s.db, format, data, now)
		}
	}
	src.SHA256, src.Size = hex.EncodeToString(tr.sum.Sum(nil)), int(tr.read)
	if err == nil && len(items) == 0 {
		err = apperr.Errorf(apperr.Invalid, "the address gave no services")
	}
	switch {
	case errors.Is(err, errFeedTooLarge):
		return src, nil, true, fieldErr("url", fmt.Sprintf("The feed at this address is larger than %s, the most one import takes", sizeWords(offerImportLimit)))
	case apperr.CodeOf(err) == apperr.Invalid && len(invalidFields(err)) == 0: // about the answer as a whole
		return src, nil, true, fieldErr("url", "The address did not give a feed: "+err.Error())
	case err != nil && apperr.CodeOf(err) == apperr.Internal:
		return src, nil, true, fieldErr("url", "The feed could not be fetched from this address: "+fetchReason(err))
	}
	return src, items, false, err
}

// fetchCSV gets a CSV file from addr.
func fetchCSV(ctx context.Context, client *http.Client, addr string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, addr, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/csv, text/plain")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, apperr.Errorf(apperr.Invalid, "GET %s answered %s", addr, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// fetchReason says why a fetch failed, without Go's wrapping.
func fetchReason(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "it took too long to answer"
	}
	return err.Error()
}

var errFeedTooLarge = errors.New("the feed is larger than the limit")

// cappedTransport counts and hashes every body it fetches, and stops them
// all once together they pass limit.
type cappedTransport struct {
	limit, read int64
	sum         hash.Hash
}

func (t *cappedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &cappedBody{ReadCloser: resp.Body, t: t}
	return resp, nil
}

type cappedBody struct {
	io.ReadCloser
	t *cappedTransport
}

func (b *cappedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.t.read += int64(n)
	b.t.sum.Write(p[:n])
	if b.t.read > b.t.limit {
		return n, errFeedTooLarge
	}
	return n, err
}

// offerImportApply is step 2: apply the feed as checked, or, if the
// directory has changed since, say so and show the new dry run.
func (s *server) offerImportApply(w http.ResponseWriter, r *http.Request) {
	longRequest(w)
	ctx := r.Context()
	a, _ := actorOf(ctx)
	now := db.Now()
	st := s.offerImports()
	sg, err := st.Load(ctx, a, sessionOf(ctx), r.PostFormValue("token"), now)
	if apperr.CodeOf(err) == apperr.NotFound {
		s.offerImportForm(w, r, http.StatusNotFound, importPage{Errors: []apperr.Field{{Name: "file", Message: upperFirst(err.Error())}}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	im, rep, err := st.Apply(ctx, a, sg, now)
	if errors.Is(err, imports.Changed) {
		// Check again: an ORUK feed against the directory as it is now (the
		// report Apply refused), a CSV read again on top of it.
		if sg.Format == imports.CSV {
			var items []offer.FeedItem
			if items, err = imports.Read(ctx, s.db, imports.CSV, sg.CSV, now); err == nil {
				sg.Items = items
				rep, err = offer.Import(ctx, s.db, items, offer.ImportOptions{Now: now})
			}
		}
		var e *apperr.Error
		if errors.As(err, &e) && e.Code == apperr.Invalid {
			s.showPreview(w, r, problemsPage(sg.Source, e))
			return
		}
		if err == nil || errors.Is(err, imports.Changed) {
			err = st.Restage(ctx, &sg, sg.Items, rep.Fingerprint, now)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		token := r.PostFormValue("token")
		if !changes(rep) {
			token = "" // nothing left to apply: the kept check expires unused
		}
		p := preview(sg.Source, rep, token, sg.ExpiresAt)
		p.Again = true
		s.showPreview(w, r, p)
		return
	}
	var e *apperr.Error
	if errors.As(err, &e) && e.Code == apperr.Invalid { // the directory changed so that the feed no longer fits
		s.showPreview(w, r, problemsPage(sg.Source, e))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/offer/imports/"+url.PathEscape(im.ID)+"?done=applied", http.StatusSeeOther)
}

// importedPage is one import from the history.
type importedPage struct {
	Import  imports.Import
	Applied bool // just now: the banner says so
}

func (s *server) offerImported(w http.ResponseWriter, r *http.Request) {
	im, err := s.offerImports().Get(r.Context(), r.PathValue("iid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.page(w, r, "offer-imported.html", importedPage{Import: im, Applied: r.URL.Query().Get("done") == "applied"})
}

func (s *server) offerExportCSV(w http.ResponseWriter, r *http.Request) {
	s.offerExport(w, r, "text/csv; charset=utf-8", "csv", (*offer.Store).ExportCSV)
}

func (s *server) offerExportNDJSON(w http.ResponseWriter, r *http.Request) {
	s.offerExport(w, r, "application/x-ndjson", "ndjson", (*offer.Store).ExportNDJSON)
}

// offerExport streams every service as it reads them (a hundred at a time),
// never the whole directory in memory. Once bytes are sent a failure can
// only break the download, which the browser shows as failed rather than
// as a complete file.
func (s *server) offerExport(w http.ResponseWriter, r *http.Request, contentType, ext string,
	export func(*offer.Store, context.Context, io.Writer) (int, error)) {
	longRequest(w)
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `attachment; filename="local-offer-`+db.Now().Format("2006-01-02")+"."+ext+`"`)
	cw := &countingWriter{w: w}
	_, err := export(&offer.Store{DB: s.db}, r.Context(), cw)
	switch {
	case err == nil:
	case cw.n == 0:
		h.Del("Content-Disposition")
		s.fail(w, r, err)
	default:
		if !errors.Is(err, context.Canceled) {
			s.logger.ErrorContext(r.Context(), "Local Offer export stopped", "error", err, "request_id", requestID(r.Context()))
		}
		panic(http.ErrAbortHandler)
	}
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
