package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"joinedup/internal/apperr"
	"joinedup/internal/offer"
)

// offerCmd is `joinedup offer import-postcodes FILE`: the postcode centroids
// the Local Offer's distance search uses, from the ONS Postcode Directory
// CSV (columns pcds, lat, long). A file with a bad row changes nothing.
func offerCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlags("offer", env)
	var dsn string
	dbFlag(fs, &dsn)
	if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
		args = []string{"import-postcodes", "--help"}
	}
	if len(args) == 0 || args[0] != "import-postcodes" {
		return usageError{"say what to do: joinedup offer import-postcodes [--db …] FILE (an ONS Postcode Directory CSV)"}
	}
	args = args[1:]
	var file string
	if n := len(args); n > 0 && !strings.HasPrefix(args[n-1], "-") {
		file, args = args[n-1], args[:n-1]
	}
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if file == "" {
		return usageError{"give the CSV file to import: joinedup offer import-postcodes FILE"}
	}
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
