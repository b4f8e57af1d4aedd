package cli_test

import (
	"path/filepath"
	"strings"
	"testing"
)

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
	oneLine(t, run(t, env, "offer"), 2, "say what to do: joinedup offer import-postcodes")
}
