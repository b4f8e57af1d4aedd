package cli_test

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"joinedup/internal/cli"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
)

// sarWorld loads the tiny demo through the command and finds the people the tests use.
type sarWorld struct {
	dsn, daniel, amira, leo, leoNHS, stranger string
}

func newSARWorld(t *testing.T, dsn string) sarWorld {
	t.Helper()
	if r := run(t, nil, "demo", "--scale", "tiny", "--today", "2026-11-22", "--db", dsn); r.code != cli.ExitOK {
		t.Fatalf("demo: %s", r.stderr)
	}
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	one := func(q string, args ...any) string {
		t.Helper()
		var s string
		if err := d.QueryRow(q, args...).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s
	}
	w := sarWorld{dsn: dsn}
	w.daniel = one("SELECT id FROM people WHERE given_name = 'Daniel' AND family_name = 'Okafor'")
	w.amira = one("SELECT id FROM people WHERE given_name = 'Amira' AND family_name = 'Hussain'")
	w.leo = one("SELECT id FROM children WHERE given_name = 'Leo' AND family_name = 'Bennett'")
	w.leoNHS = one("SELECT nhs_number FROM children WHERE id = $1", w.leo)
	w.stranger = one(`SELECT c.id FROM children c WHERE c.sen_provision = 'sen_support' AND NOT EXISTS (
		SELECT 1 FROM care_team ct WHERE ct.child_id = c.id AND ct.organisation_id IN (
		SELECT o.id FROM organisations o JOIN people p ON p.organisation_id = o.id OR p.organisation_id = o.parent_id WHERE p.id = $1)) ORDER BY c.id LIMIT 1`, w.daniel)
	return w
}

// The export runs as the named manager, writes the archive owner-readable
// only, and is audited; on both databases.
func TestSARExport(t *testing.T) {
	for name, dsn := range map[string]func() string{
		"sqlite":   func() string { return filepath.Join(t.TempDir(), "j.db") },
		"postgres": func() string { return dbtest.NewPostgresDatabase(t) },
	} {
		t.Run(name, func(t *testing.T) {
			w := newSARWorld(t, dsn())
			out := filepath.Join(t.TempDir(), "leo.zip")
			r := run(t, map[string]string{"JOINEDUP_REASON": "SAR-2026-0142, letter from the family"},
				"sar", "export", "--db", w.dsn, "--subject", w.leoNHS, "--as", w.daniel, "--out", out)
			if r.code != cli.ExitOK || !strings.Contains(r.stdout, "wrote "+out) {
				t.Fatalf("export: exit %d, %q %q", r.code, r.stdout, r.stderr)
			}
			if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("the archive: %v, %v (want mode 0600)", fi, err)
			}
			z, err := zip.OpenReader(out)
			if err != nil {
				t.Fatal(err)
			}
			defer z.Close()
			if len(z.File) < 3 || z.File[0].Name != "manifest.json" {
				t.Errorf("the archive starts with %s, %d files", z.File[0].Name, len(z.File))
			}
			d, _ := db.Open(context.Background(), w.dsn)
			defer d.Close()
			if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events WHERE action = 'sar.export' AND actor_id = $1 AND child_id = $2 AND request_id = 'cli-sar-export'",
				w.daniel, w.leo); n != 1 {
				t.Errorf("%d audit rows for the export, want 1", n)
			}
		})
	}
}

func TestSARExportBadInput(t *testing.T) {
	w := newSARWorld(t, filepath.Join(t.TempDir(), "j.db"))
	dir := t.TempDir()
	taken := filepath.Join(dir, "taken.zip")
	os.WriteFile(taken, []byte("x"), 0o600)
	reason := "SAR-2026-0142, letter from the family"
	out := filepath.Join(dir, "out.zip")
	base := func(extra ...string) []string {
		return append([]string{"sar", "export", "--db", w.dsn}, extra...)
	}
	cases := []struct {
		name string
		args []string
		code int
		says string
	}{
		{"no action", []string{"sar"}, cli.ExitUsage, "joinedup sar export"},
		{"missing flags", base("--subject", w.leo), cli.ExitUsage, "give --as, --reason, --out"},
		{"short reason", base("--subject", w.leo, "--as", w.daniel, "--reason", "SAR", "--out", out), cli.ExitUsage, "--reason: Enter the reason for the export, such as the request's reference, in at least 10 characters"},
		{"file exists", base("--subject", w.leo, "--as", w.daniel, "--reason", reason, "--out", taken), cli.ExitUsage, "exists already"},
		{"unknown exporter", base("--subject", w.leo, "--as", "nobody", "--reason", reason, "--out", out), cli.ExitUsage, `--as: there is no person with the id "nobody"`},
		{"no role to export", base("--subject", w.leo, "--as", w.amira, "--reason", reason, "--out", out), cli.ExitFailure, "no role of yours allows sar.export"},
		{"a child out of reach", base("--subject", w.stranger, "--as", w.daniel, "--reason", reason, "--out", out), cli.ExitFailure, "there is no record Daniel Okafor may export"},
		{"no such child", base("--subject", "999 000 0018", "--as", w.daniel, "--reason", reason, "--out", out), cli.ExitFailure, "there is no record Daniel Okafor may export"},
		{"unwritable file", base("--subject", w.leo, "--as", w.daniel, "--reason", reason, "--out", filepath.Join(taken, "x.zip")), cli.ExitFailure, "--out: cannot create"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			oneLine(t, run(t, nil, c.args...), c.code, c.says)
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused export left a file behind")
	}
}
