package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/offer"
)

// offerCmd is `joinedup offer <subcommand>`: the Local Offer directory's
// bulk work. Subcommands sit in offerCommands so another is one line more.
func offerCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" || args[0] == "help" {
		fmt.Fprintln(env.Stdout, "Usage: joinedup offer <subcommand> [flags]    (joinedup offer <subcommand> --help lists its flags)")
		fmt.Fprintln(env.Stdout, "\nSubcommands:")
		names := make([]string, 0, len(offerCommands))
		for n := range offerCommands {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(env.Stdout, "  %-8s %s\n", n, offerCommands[n].summary)
		}
		if len(args) == 0 {
			return usageError{"say what to do: joinedup offer import … or joinedup offer export …"}
		}
		return flag.ErrHelp
	}
	sub, ok := offerCommands[args[0]]
	if !ok {
		return usageError{fmt.Sprintf("there is no subcommand %q (run joinedup offer --help to list them)", args[0])}
	}
	return sub.run(ctx, env, args[1:])
}

var offerCommands map[string]command

func init() {
	offerCommands = map[string]command{
		"import":           {"import: FILE|URL: an ORUK 3.0 feed or a CSV in the documented layout; a dry run unless --apply", offerImport},
		"export":           {"export: every service as CSV (the import layout) or ORUK ndjson", offerExport},
		"import-postcodes": {"import-postcodes FILE: postcode centroids for distance search, from an ONS Postcode Directory CSV (pcds, lat, long)", offerImportPostcodes},
		"remind":           {"remind: email providers whose entries are due for review (2 weeks before) or overdue, once each per review cycle", offerRemind},
	}
}

// subFlags makes the flag set of `offer <name>`, with --db.
func subFlags(name string, env Env, dsn *string) *flag.FlagSet {
	fs := newFlags("offer "+name, env)
	dbFlag(fs, dsn)
	return fs
}

// parseSub parses a subcommand's flags and its positional arguments, which
// may come before, between or after the flags; environment variables fill
// flags not given, as for every command.
func parseSub(fs *flag.FlagSet, env Env, args []string, usage string) ([]string, error) {
	var pos []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprintf(env.Stdout, "Usage: joinedup %s\n\nFlags:\n", usage)
				fs.VisitAll(func(f *flag.Flag) {
					def := ""
					if f.DefValue != "" && f.DefValue != "false" {
						def = fmt.Sprintf(" (default %q)", f.DefValue)
					}
					fmt.Fprintf(env.Stdout, "  --%s\n        %s%s [%s]\n", f.Name, f.Usage, def, envName(f.Name))
				})
				return nil, err
			}
			return nil, usageError{fmt.Sprintf("%v (see joinedup %s --help)", err, fs.Name())}
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if v := getenv(env, envName(f.Name)); !given[f.Name] && err == nil && v != "" {
			if e := fs.Set(f.Name, v); e != nil {
				err = usageError{fmt.Sprintf("%s=%q: %v", envName(f.Name), v, e)}
			}
		}
	})
	return pos, err
}

func getenv(env Env, k string) string {
	if env.Getenv == nil {
		return ""
	}
	return env.Getenv(k)
}

// openCurrent opens the database and refuses one whose schema is behind.
func openCurrent(ctx context.Context, dsn string) (*db.DB, error) {
	d, err := db.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if current, known, err := d.SchemaVersions(ctx); err != nil || current < known {
		d.Close()
		return nil, fmt.Errorf("the database schema is not current; run joinedup migrate first")
	}
	return d, nil
}

func offerImport(ctx context.Context, env Env, args []string) error {
	var dsn, format string
	var apply bool
	fs := subFlags("import", env, &dsn)
	fs.BoolVar(&apply, "apply", false, "write the changes; without it the import is a dry run that only reports them")
	fs.StringVar(&format, "format", "", "oruk (a page, an array or ndjson of ORUK 3.0 services) or csv (the layout in docs/local-offer-import.md); default csv for a .csv name, else oruk")
	pos, err := parseSub(fs, env, args, "offer import [--apply] [--format oruk|csv] FILE|URL")
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"give one file or http(s) URL to import (see joinedup offer import --help)"}
	}
	src := pos[0]
	isURL := strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://")
	if format == "" {
		format = "oruk"
		if strings.EqualFold(filepath.Ext(strings.SplitN(src, "?", 2)[0]), ".csv") {
			format = "csv"
		}
	}
	if format != "oruk" && format != "csv" {
		return usageError{fmt.Sprintf("--format %q: choose oruk or csv", format)}
	}
	d, err := openCurrent(ctx, dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	now := env.now()
	var items []offer.FeedItem
	switch {
	case isURL && format == "oruk":
		items, err = offer.FetchFeed(ctx, &http.Client{Timeout: 2 * time.Minute}, src)
	default:
		var r io.ReadCloser
		r, err = openSource(ctx, env, src, isURL)
		if err != nil {
			return err
		}
		defer r.Close()
		if format == "csv" {
			items, err = offer.ReadCSV(ctx, &offer.Store{DB: d}, r, now)
		} else {
			items, err = offer.ReadFeed(r)
		}
	}
	if err == nil && len(items) == 0 {
		err = apperr.Errorf(apperr.Invalid, "%s holds no services", src)
	}
	var rep offer.ImportReport
	if err == nil {
		rep, err = offer.Import(ctx, d, items, offer.ImportOptions{Apply: apply, Now: now})
	}
	if err != nil {
		return importFailure(env, err)
	}
	printReport(env.Stdout, rep)
	return nil
}

// openSource opens a file, stdin ("-"), or a CSV at a URL.
func openSource(ctx context.Context, env Env, src string, isURL bool) (io.ReadCloser, error) {
	switch {
	case src == "-":
		return io.NopCloser(env.Stdin), nil
	case isURL:
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
		if err != nil {
			return nil, usageError{fmt.Sprintf("%q is not a URL: %v", src, err)}
		}
		resp, err := (&http.Client{Timeout: 2 * time.Minute}).Do(req)
		if err != nil {
			return nil, fmt.Errorf("fetching %s: %w", src, err)
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, usageError{fmt.Sprintf("GET %s answered %s", src, resp.Status)}
		}
		return resp.Body, nil
	}
	f, err := os.Open(src)
	if err != nil {
		return nil, usageError{fmt.Sprintf("cannot read %s: %v", src, errors.Unwrap(err))}
	}
	return f, nil
}

// importFailure prints every problem of a bad feed on its own line and
// makes the failure a usage error (exit 2): the input was wrong.
func importFailure(env Env, err error) error {
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.Invalid {
		return err
	}
	for _, f := range e.Fields {
		fmt.Fprintf(env.Stderr, "  %s: %s\n", f.Name, f.Message)
	}
	return usageError{e.Message}
}

func printReport(w io.Writer, rep offer.ImportReport) {
	var b bytes.Buffer
	if rep.Applied {
		b.WriteString("Imported.\n")
	} else {
		b.WriteString("Dry run: nothing was written. Run again with --apply to make these changes.\n")
	}
	fmt.Fprintf(&b, "Services: %d new, %d changed, %d unchanged\n", len(rep.New), len(rep.Changed), len(rep.Unchanged))
	fmt.Fprintf(&b, "Organisations: %d new, %d changed\n", rep.Organizations.New, rep.Organizations.Changed)
	fmt.Fprintf(&b, "Locations: %d new, %d changed\n", rep.Locations.New, rep.Locations.Changed)
	fmt.Fprintf(&b, "Taxonomy terms: %d new, %d changed (%d new taxonomies)\n", rep.Terms.New, rep.Terms.Changed, rep.Taxonomies.New)
	for _, part := range []struct {
		title string
		items []offer.FeedItem
	}{{"New services", rep.New}, {"Changed services", rep.Changed}} {
		if len(part.items) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s:\n", part.title)
		for _, it := range part.items {
			fmt.Fprintf(&b, "  %s  %s  (%s)\n", it.Service.ID, it.Service.Name, it.Where)
		}
	}
	w.Write(b.Bytes())
}

func offerExport(ctx context.Context, env Env, args []string) error {
	var dsn, format, out string
	fs := subFlags("export", env, &dsn)
	fs.StringVar(&format, "format", "", "csv (the import layout, formulas neutralised) or ndjson (ORUK 3.0, as /oruk/services?format=ndjson)")
	fs.StringVar(&out, "out", "", "the file to write (replaced whole once the export is done); default standard output")
	pos, err := parseSub(fs, env, args, "offer export --format csv|ndjson [--out FILE]")
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q (see joinedup offer export --help)", pos[0])}
	}
	if format != "csv" && format != "ndjson" {
		return usageError{fmt.Sprintf("--format %q: choose csv or ndjson", format)}
	}
	d, err := openCurrent(ctx, dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	st := &offer.Store{DB: d}
	write := st.ExportNDJSON
	if format == "csv" {
		write = st.ExportCSV
	}
	if out == "" {
		_, err := write(ctx, env.Stdout)
		return err
	}
	// A temporary file beside out, renamed over it when complete: a failed
	// export leaves no half-written file.
	tmp, err := os.CreateTemp(filepath.Dir(out), ".export-*")
	if err != nil {
		return usageError{fmt.Sprintf("--out: cannot write beside %s: %v", out, errors.Unwrap(err))}
	}
	defer os.Remove(tmp.Name())
	n, err := write(ctx, tmp)
	if err == nil {
		err = tmp.Chmod(0o644) // the directory is public: readable like any export
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), out)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "joinedup offer export: %d services written to %s\n", n, out)
	return nil
}

// offerImportPostcodes loads the postcode centroids the Local Offer's
// distance search uses, from the ONS Postcode Directory CSV (columns pcds,
// lat, long). A file with a bad row changes nothing.
func offerImportPostcodes(ctx context.Context, env Env, args []string) error {
	var dsn string
	fs := subFlags("import-postcodes", env, &dsn)
	pos, err := parseSub(fs, env, args, "offer import-postcodes FILE")
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"give the CSV file to import: joinedup offer import-postcodes FILE"}
	}
	file := pos[0]
	f, err := os.Open(file)
	if err != nil {
		return usageError{fmt.Sprintf("cannot read %s: %v", file, err)}
	}
	defer f.Close()
	d, err := openMigrated(ctx, dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	got, err := offer.ImportPostcodes(ctx, d, f)
	if apperr.CodeOf(err) == apperr.Invalid {
		return fmt.Errorf("%s: %w", file, err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "joinedup: %d postcodes imported from %s (%d rows read, %d without a location skipped)\n",
		got.Written, file, got.Rows, got.Skipped)
	return nil
}
