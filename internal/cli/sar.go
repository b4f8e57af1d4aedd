package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/sar"
)

// sarCmd is `joinedup sar export`: a subject access request export, run as
// a named member of staff so that their access decides and the audit log
// names them, exactly as on the web.
func sarCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlags("sar", env)
	var dsn, subject, as, reason, out string
	dbFlag(fs, &dsn)
	fs.StringVar(&subject, "subject", "", "whom the request is about: a child's record id or NHS number, or a person's id")
	fs.StringVar(&as, "as", "", "the person id of the member of staff making the export: their access applies and the audit log names them")
	fs.StringVar(&reason, "reason", "", fmt.Sprintf("why: the request's reference, at least %d characters; kept in the audit log", sar.MinReason))
	fs.StringVar(&out, "out", "", "the ZIP file to write; it must not exist yet")
	if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
		args = []string{"export", "--help"}
	}
	if len(args) == 0 || args[0] != "export" {
		return usageError{"say what to do: joinedup sar export --subject … --as … --reason … --out …"}
	}
	if err := parse(fs, env, args[1:]); err != nil {
		return err
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"subject", subject}, {"as", as}, {"reason", reason}, {"out", out}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, "--"+f.name)
		}
	}
	if len(missing) > 0 {
		return usageError{fmt.Sprintf("give %s (see joinedup sar --help)", strings.Join(missing, ", "))}
	}
	if _, err := os.Stat(out); err == nil {
		return usageError{fmt.Sprintf("--out: %s exists already: choose a new file name", out)}
	}
	d, err := db.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	if current, known, err := d.SchemaVersions(ctx); err != nil || current < known {
		return fmt.Errorf("the database schema is not current; run joinedup migrate first")
	}
	a, err := access.LoadActor(ctx, d, as)
	if apperr.CodeOf(err) == apperr.NotFound {
		return usageError{fmt.Sprintf("--as: there is no person with the id %q", as)}
	}
	if err != nil {
		return err
	}
	if a.Kind != access.Staff {
		return usageError{"--as: exports are made by members of staff, and this person is not one"}
	}
	a.RequestID = "cli-sar-export"
	ar, err := sar.Export(ctx, d, a, subject, reason)
	if e := new(apperr.Error); errors.As(err, &e) && e.Code == apperr.Invalid {
		msgs := make([]string, len(e.Fields))
		for i, f := range e.Fields {
			msgs[i] = "--" + f.Name + ": " + f.Message
		}
		return usageError{strings.Join(msgs, "; ")}
	}
	switch apperr.CodeOf(err) {
	case apperr.NotFound:
		return fmt.Errorf("--subject: there is no record %s may export with the id or NHS number %q", a.Name, subject)
	case apperr.Forbidden:
		return fmt.Errorf("--as: %v", err)
	}
	if err != nil {
		return err
	}
	if err := writeNew(out, ar); err != nil {
		return err
	}
	rows := 0
	for _, s := range ar.Manifest.Sections {
		rows += s.Rows
	}
	fmt.Fprintf(env.Stdout, "joinedup: wrote %s: a subject access request export of %d sections, %d rows; the export is recorded in the audit log\n",
		out, len(ar.Manifest.Sections), rows)
	return nil
}

// writeNew writes the archive to a new file readable by its owner only: it
// holds a person's whole record. A half-written file is removed.
func writeNew(path string, ar *sar.Archive) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("--out: cannot create %s: %v", path, errors.Unwrap(err))
	}
	err = ar.WriteZip(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("writing %s: %v", path, err)
	}
	return nil
}
