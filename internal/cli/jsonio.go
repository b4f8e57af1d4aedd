package cli

import (
	"bytes"
	"encoding/json"
	"flag"

	"joinedup/internal/date"
)

// dayFlag adds a YYYY-MM-DD flag to fs whose default is today in England;
// the function it returns reads it once fs is parsed.
func dayFlag(fs *flag.FlagSet, env Env, name, usage string) func() (date.Date, error) {
	var s string
	fs.StringVar(&s, name, "", usage+", YYYY-MM-DD (default today in England)")
	return func() (date.Date, error) {
		if s == "" {
			return date.Today(env.now()), nil
		}
		d, err := date.Parse(s)
		if err != nil {
			return d, usageError{name + ": " + err.Error()}
		}
		return d, nil
	}
}

// writeJSON writes v to stdout as indented JSON, all or nothing: stdout stays
// empty if it cannot be encoded.
func writeJSON(env Env, v any) error {
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := env.Stdout.Write(out.Bytes())
	return err
}
