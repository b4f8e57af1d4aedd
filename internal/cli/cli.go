// Package cli is the joinedup command: it parses flags and environment,
// wires the parts together and turns failures into one clear line and an
// exit status. cmd/joinedup only calls Main, so tests run the real thing.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// Exit statuses.
const (
	ExitOK      = 0
	ExitFailure = 1 // the command could not do its work
	ExitUsage   = 2 // the command line or the input was wrong
)

// Env is what a command reads and writes besides its arguments.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Ready, if set, is told the address serve listens on (tests use port 0).
	Ready func(addr string)
	// Now, if set, replaces the real clock (tests fix the day).
	Now func() time.Time
}

func (env Env) now() time.Time {
	if env.Now != nil {
		return env.Now()
	}
	return time.Now()
}

// OSEnv is the process's own environment.
func OSEnv() Env {
	return Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

type command struct {
	summary string
	run     func(ctx context.Context, env Env, args []string) error
}

var commands map[string]command

func init() { // in init: the commands refer back to the table for their --help
	commands = map[string]command{
		"serve":   {"serve the web front, the API and the health checks", serve},
		"migrate": {"bring the database schema up to date, then exit", migrate},
		"demo":    {"load a synthetic demo partnership into an empty database", demoCmd},
		"version": {"print the version", version},
		"audit":   {"audit verify: check that the audit log's hash chain is intact", auditCmd},
		"sar":     {"sar export: write a subject access request export (a ZIP file) about a child, young person or adult", sarCmd},
		"clock":   {`print a case's statutory deadlines: {"events": [...]} on stdin, {"deadlines": [...]} on stdout`, clockCmd},
		"waits":   {`print children's health waits at a census date: {"pathways": [...]} on stdin, each one's wait on stdout`, waitsCmd},
		"offer":   {"offer import|export|import-postcodes: load services into the Local Offer from an ORUK feed or CSV (a dry run unless --apply), export them, or load postcode centroids from an ONS Postcode Directory CSV", offerCmd},
	}
}

// Main runs the command named by args[0] and returns the exit status.
func Main(ctx context.Context, env Env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return Main(ctx, env, []string{args[1], "--help"})
		}
		usage(env.Stdout)
		return ExitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "joinedup: there is no command %q (run joinedup help to list them)\n", args[0])
		return ExitUsage
	}
	err := cmd.run(ctx, env, args[1:])
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, new(usageError)):
		fmt.Fprintf(env.Stderr, "joinedup %s: %v\n", args[0], err)
		return ExitUsage
	default:
		fmt.Fprintf(env.Stderr, "joinedup %s: %v\n", args[0], err)
		return ExitFailure
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "joinedup joins up the SEND work of a Local Area Partnership.")
	fmt.Fprintln(w, "\nUsage: joinedup <command> [flags]    (joinedup <command> --help lists its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nEvery flag can also be set by an environment variable: --db is JOINEDUP_DB, --metrics-addr is JOINEDUP_METRICS_ADDR.")
}

// usageError is a mistake in the command line rather than a failure of the work.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// newFlags makes a quiet flag set: parse reports its errors in one line.
func newFlags(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// help lists every flag of a command with its environment variable.
func help(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintf(w, "Usage: joinedup %s [flags]\n\n%s.\n\nFlags:\n", fs.Name(), commands[fs.Name()].summary)
	fs.VisitAll(func(f *flag.Flag) {
		def := ""
		if f.DefValue != "" && f.DefValue != "false" {
			def = fmt.Sprintf(" (default %q)", f.DefValue)
		}
		fmt.Fprintf(w, "  --%s\n        %s%s [%s]\n", f.Name, f.Usage, def, envName(f.Name))
	})
}

// parse reads args, then fills every flag not given on the command line from
// its JOINEDUP_* variable. Positional arguments are refused.
func parse(fs *flag.FlagSet, env Env, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			help(fs, env.Stdout)
			return err
		}
		return usageError{fmt.Sprintf("%v (see joinedup %s --help)", err, fs.Name())}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q (see joinedup %s --help)", fs.Arg(0), fs.Name())}
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil || env.Getenv == nil {
			return
		}
		if v := env.Getenv(envName(f.Name)); v != "" {
			if e := fs.Set(f.Name, v); e != nil {
				err = usageError{fmt.Sprintf("%s=%q: %v", envName(f.Name), v, e)}
			}
		}
	})
	return err
}

func envName(flagName string) string {
	return "JOINEDUP_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}
