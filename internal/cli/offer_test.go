package cli_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"joinedup/internal/cli"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
)

// offerDSNs are a database with the tiny demo and an empty migrated one, of one kind.
func offerDSNs(t *testing.T, postgres bool) (full, empty string) {
	t.Helper()
	dsn := func(name string) string {
		if postgres {
			return dbtest.NewPostgresDatabase(t)
		}
		return filepath.Join(t.TempDir(), name)
	}
	full, empty = dsn("full.db"), dsn("empty.db")
	d := dbtest.Open(t, full)
	if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
		t.Fatal(err)
	}
	dbtest.Open(t, empty)
	return full, empty
}

// export → dry run → apply → the same again is unchanged, for ndjson and CSV,
// from files and from a URL, on both databases.
func TestOfferImportExport(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			full, empty := offerDSNs(t, kind == "postgres")
			dir := t.TempDir()
			feed := filepath.Join(dir, "offer.ndjson")
			r := run(t, nil, "offer", "export", "--db", full, "--format", "ndjson", "--out", feed)
			if r.code != cli.ExitOK || !strings.Contains(r.stderr, "40 services written to "+feed) {
				t.Fatalf("export: exit %d, %q", r.code, r.stderr)
			}
			r = run(t, nil, "offer", "import", "--db", empty, feed)
			if r.code != cli.ExitOK || !strings.Contains(r.stdout, "Dry run: nothing was written") || !strings.Contains(r.stdout, "Services: 40 new, 0 changed, 0 unchanged") {
				t.Fatalf("dry run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if n := dbtest.Count(t, dbtest.Open(t, empty), "SELECT COUNT(*) FROM offer_services"); n != 0 {
				t.Fatalf("the dry run wrote %d services", n)
			}
			r = run(t, map[string]string{"JOINEDUP_DB": empty}, "offer", "import", feed, "--apply") // the file before the flag
			if r.code != cli.ExitOK || !strings.HasPrefix(r.stdout, "Imported.") || !strings.Contains(r.stdout, "Services: 40 new") {
				t.Fatalf("apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			// The CSV export of the imported directory reads back unchanged, from a URL.
			r = run(t, nil, "offer", "export", "--db", empty, "--format", "csv")
			if r.code != cli.ExitOK || !strings.HasPrefix(r.stdout, "\ufeffid,name,organisation") {
				t.Fatalf("csv export: exit %d %q", r.code, r.stderr)
			}
			csvFile := r.stdout
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				w.Header().Set("Content-Type", "text/csv")
				w.Write([]byte(csvFile))
			}))
			defer srv.Close()
			r = run(t, nil, "offer", "import", "--db", empty, "--apply", srv.URL+"/offer.csv")
			if r.code != cli.ExitOK || !strings.Contains(r.stdout, "Services: 0 new, 0 changed, 40 unchanged") {
				t.Fatalf("csv import from a URL: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// Bad input exits 2, naming each problem on its own line; nothing is written.
func TestOfferImportBadInput(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "j.db")
	d := dbtest.Open(t, dsn)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o600)
		return p
	}
	bad := write("bad.ndjson", `{"id":"nope","name":"Swim"}`+"\n"+`{"name": 7}`+"\n")
	latin1 := write("latin1.csv", "name,organisation\nCaf\xe9,Club\n")
	cases := []struct {
		args  []string
		lines []string // stderr must hold each
	}{
		{[]string{"import", "--db", dsn, bad}, []string{"  line 1: id: must be a UUID", "  line 2: name: must be text, not number", "joinedup offer: the feed has"}},
		{[]string{"import", "--db", dsn, "--apply", latin1}, []string{"  line 2: not UTF-8; save the file as CSV UTF-8"}},
		{[]string{"import", "--db", dsn, filepath.Join(dir, "missing.json")}, []string{"cannot read"}},
		{[]string{"import", "--db", dsn, "--format", "xml", bad}, []string{`--format "xml": choose oruk or csv`}},
		{[]string{"import", "--db", dsn}, []string{"give one file or http(s) URL"}},
		{[]string{"import", "--db", dsn, "--apply", "ftp://example.org/feed.json"}, []string{"cannot read"}},
		{[]string{"export", "--db", dsn, "--format", "xlsx"}, []string{`--format "xlsx": choose csv or ndjson`}},
		{[]string{"frobnicate"}, []string{`there is no subcommand "frobnicate"`}},
		{nil, []string{"say what to do"}},
	}
	for _, c := range cases {
		r := run(t, nil, append([]string{"offer"}, c.args...)...)
		if r.code != cli.ExitUsage {
			t.Errorf("offer %v: exit %d, want %d (%q)", c.args, r.code, cli.ExitUsage, r.stderr)
		}
		for _, l := range c.lines {
			if !strings.Contains(r.stderr, l) {
				t.Errorf("offer %v: stderr does not say %q:\n%s", c.args, l, r.stderr)
			}
		}
	}
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_services"); n != 0 {
		t.Errorf("%d services after refused imports", n)
	}
}

func TestOfferHelp(t *testing.T) {
	if r := run(t, nil, "help"); !strings.Contains(r.stdout, "  offer ") {
		t.Errorf("help does not list offer:\n%s", r.stdout)
	}
	for sub, want := range map[string][]string{
		"import": {"--apply", "--format", "--db", "JOINEDUP_DB", "FILE|URL"},
		"export": {"--format", "--out", "--db"},
	} {
		r := run(t, nil, "offer", sub, "--help")
		for _, w := range want {
			if r.code != cli.ExitOK || !strings.Contains(r.stdout, w) {
				t.Errorf("offer %s --help: exit %d, does not document %s:\n%s", sub, r.code, w, r.stdout)
			}
		}
	}
	if r := run(t, nil, "offer", "--help"); r.code != cli.ExitOK || !strings.Contains(r.stdout, "import") || !strings.Contains(r.stdout, "export") {
		t.Errorf("offer --help: exit %d\n%s", r.code, r.stdout)
	}
}

var _ = db.SQLite

// joinedup offer import-postcodes FILE: the ONS sample imports; a file with
// bad rows is refused in one line naming each line and field; no file is a usage error.
func TestOfferImportPostcodes(t *testing.T) {
	env := map[string]string{"JOINEDUP_DB": filepath.Join(t.TempDir(), "j.db")}
	r := run(t, env, "offer", "import-postcodes", "../offer/testdata/postcodes.csv")
	if r.code != 0 || !strings.Contains(r.stdout, "5 postcodes imported") || !strings.Contains(r.stdout, "1 without a location skipped") {
		t.Errorf("import: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	oneLine(t, run(t, env, "offer", "import-postcodes", "../offer/testdata/postcodes-bad.csv"), 1,
		`nothing was imported: line 3, pcds: "NOT A POSTCODE" is not a postcode; line 4, lat:`)
	oneLine(t, run(t, env, "offer", "import-postcodes"), 2, "give the CSV file to import")
	oneLine(t, run(t, env, "offer", "import-postcodes", "no-such-file.csv"), 2, "cannot read no-such-file.csv")
}
