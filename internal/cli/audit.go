package cli

import (
	"context"
	"fmt"
	"time"

	"joinedup/internal/audit"
	"joinedup/internal/db"
)

// auditCmd is `joinedup audit verify`: it exits non-zero, naming the first
// broken row, if any audit row was altered, removed or reordered.
func auditCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(env.Stdout, "Usage: joinedup audit verify [--db …]\n\nChecks every row of the audit log against its hash and the row before it.")
			return nil
		}
		return usageError{"say what to do: joinedup audit verify"}
	}
	fs := newFlags("audit", env)
	var dsn string
	dbFlag(fs, &dsn)
	if err := parse(fs, env, args[1:]); err != nil {
		return err
	}
	d, err := db.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	if current, known, err := d.SchemaVersions(ctx); err != nil || current < known {
		return fmt.Errorf("the database schema is not current; run joinedup migrate first")
	}
	start := time.Now()
	n, err := audit.Verify(ctx, d)
	if err != nil {
		return fmt.Errorf("the audit log is NOT intact: %w (%d rows before it are intact)", err, n)
	}
	fmt.Fprintf(env.Stdout, "joinedup: the audit log is intact: %d rows checked in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
