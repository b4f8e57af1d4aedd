package cli

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"joinedup/internal/account"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/offer/remind"
)

// offerRemind is `joinedup offer remind`: the review reminders due today
// (or on --today) written to the outbox, one line per reminder. Running it
// again sends nothing new (internal/offer/remind).
func offerRemind(ctx context.Context, env Env, args []string) error {
	var dsn, baseURL string
	fs := subFlags("remind", env, &dsn)
	todayOf := dayFlag(fs, env, "today", "the date reminders are judged on")
	fs.StringVar(&baseURL, "base-url", "", "the address providers sign in at, e.g. https://send.example.gov.uk, for the link in the email (default: no link)")
	pos, err := parseSub(fs, env, args, "offer remind [--today YYYY-MM-DD] [--base-url URL]")
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q (see joinedup offer remind --help)", pos[0])}
	}
	today, err := todayOf()
	if err != nil {
		return err
	}
	d, err := openCurrent(ctx, dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	sent, err := remind.Run(ctx, d, remind.Options{Today: today, BaseURL: strings.TrimRight(baseURL, "/")})
	for _, s := range sent {
		fmt.Fprintf(env.Stdout, "%s\t%s\treview by %s\t%d recipients\t%s\n", s.Kind, s.ServiceID, s.ReviewBy, s.Recipients, s.Service)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "joinedup: %d review reminders written to the outbox for %s\n", len(sent), today)
	return nil
}

// startReminders runs the review reminders at start and then every few
// hours until ctx ends, so each day's are written within hours of midnight.
// Every instance may run them: the reminders table sends each at most once.
// The function returned waits for a run under way to end, once ctx has.
func startReminders(ctx context.Context, d *db.DB, env Env, logger *slog.Logger) (wait func()) {
	const every = 6 * time.Hour
	run := func() {
		today := date.Today(env.now())
		sent, err := remind.Run(ctx, d, remind.Options{Today: today, BaseURL: account.Settings.BaseURL})
		if err != nil && ctx.Err() == nil {
			logger.Error("the Local Offer review reminders failed", "error", err)
		}
		if len(sent) > 0 {
			logger.Info("Local Offer review reminders written to the outbox", "reminders", len(sent), "day", today.String())
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		run()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				run()
			}
		}
	}()
	return func() { <-done }
}
