package cli

import (
	"context"

	"joinedup/internal/waitlist"
)

// waitsCmd is `joinedup waits --census YYYY-MM-DD`: pathways' events as JSON on
// stdin, each child's wait at the census as JSON on stdout. Bad input is a usage
// error naming the pathway, the event and the field, with nothing on stdout.
func waitsCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlags("waits", env)
	censusOf := dayFlag(fs, env, "census", "the census date waits are measured at")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	census, err := censusOf()
	if err != nil {
		return err
	}
	pathways, err := waitlist.Decode(env.Stdin)
	if err != nil {
		return usageError{err.Error()}
	}
	waits, err := waitlist.MeasureAll(pathways, census)
	if err != nil {
		return usageError{err.Error()}
	}
	return writeJSON(env, struct {
		Pathways []waitlist.Wait `json:"pathways"`
	}{waits})
}
