package cli

import (
	"bytes"
	"context"
	"encoding/json"

	"joinedup/internal/date"
	"joinedup/internal/waitlist"
)

// waitsCmd is `joinedup waits --census YYYY-MM-DD`: pathways' events as JSON on
// stdin, each child's wait at the census as JSON on stdout. Bad input is a usage
// error naming the pathway, the event and the field, with nothing on stdout.
func waitsCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlags("waits", env)
	var censusFlag string
	fs.StringVar(&censusFlag, "census", "", "the census date waits are measured at, YYYY-MM-DD (default today in England)")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	census := date.FromTime(env.now().In(london))
	if censusFlag != "" {
		c, err := date.Parse(censusFlag)
		if err != nil {
			return usageError{"census: " + err.Error()}
		}
		census = c
	}
	pathways, err := waitlist.Decode(env.Stdin)
	if err != nil {
		return usageError{err.Error()}
	}
	waits, err := waitlist.MeasureAll(pathways, census)
	if err != nil {
		return usageError{err.Error()}
	}
	var out bytes.Buffer // all or nothing: stdout stays empty on failure
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(struct {
		Pathways []waitlist.Wait `json:"pathways"`
	}{waits}); err != nil {
		return err
	}
	_, err = env.Stdout.Write(out.Bytes())
	return err
}
