package cli

import (
	"context"

	"joinedup/internal/ehc"
)

// clockCmd is `joinedup clock`: a case's events as JSON on stdin, its statutory
// deadlines as JSON on stdout. Bad input is a usage error naming the event and field.
func clockCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlags("clock", env)
	todayOf := dayFlag(fs, env, "today", "the date deadlines are judged on")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	today, err := todayOf()
	if err != nil {
		return err
	}
	events, err := ehc.Decode(env.Stdin)
	if err != nil {
		return usageError{err.Error()}
	}
	deadlines, err := ehc.Deadlines(events, today)
	if err != nil {
		return usageError{err.Error()}
	}
	return writeJSON(env, struct {
		Deadlines []ehc.Deadline `json:"deadlines"`
	}{deadlines})
}
