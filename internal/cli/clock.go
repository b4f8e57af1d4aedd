package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"joinedup/internal/date"
	"joinedup/internal/ehc"
)

// clockCmd is `joinedup clock`: a case's events as JSON on stdin, its statutory
// deadlines as JSON on stdout. Bad input is a usage error naming the event and field.
func clockCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlags("clock", env)
	var todayFlag string
	fs.StringVar(&todayFlag, "today", "", "the date deadlines are judged on, YYYY-MM-DD (default today in England)")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	today := date.FromTime(env.now().In(london))
	if todayFlag != "" {
		t, err := date.Parse(todayFlag)
		if err != nil {
			return usageError{"today: " + err.Error()}
		}
		today = t
	}
	events, err := ehc.Decode(env.Stdin)
	if err != nil {
		return usageError{err.Error()}
	}
	deadlines, err := ehc.Deadlines(events, today)
	if err != nil {
		return usageError{err.Error()}
	}
	var out bytes.Buffer // all or nothing: stdout stays empty on failure
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(struct {
		Deadlines []ehc.Deadline `json:"deadlines"`
	}{deadlines}); err != nil {
		return err
	}
	_, err = env.Stdout.Write(out.Bytes())
	return err
}

// london is where "today" is: a deadline day ends at midnight in England, not in UTC.
var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return l
}()
