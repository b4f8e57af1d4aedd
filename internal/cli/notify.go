package cli

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"time"

	"joinedup/internal/db"
	"joinedup/internal/notify"
)

// notifyFlags choose how the outbox's messages are sent: by SMTP, or by
// GOV.UK Notify. With neither, messages wait in the outbox until one is set.
type notifyFlags struct {
	smtpAddr, smtpFrom, smtpUser, smtpPassword string
	notifyKey, notifyTemplate, notifyURL       string
	contact                                    string
}

func (f *notifyFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.smtpAddr, "smtp-addr", "", "send email through this SMTP server, host:port")
	fs.StringVar(&f.smtpFrom, "smtp-from", "", "the From address of email sent by SMTP")
	fs.StringVar(&f.smtpUser, "smtp-username", "", "SMTP user name, if the server needs one")
	fs.StringVar(&f.smtpPassword, "smtp-password", "", "SMTP password (prefer the JOINEDUP_SMTP_PASSWORD variable)")
	fs.StringVar(&f.notifyKey, "notify-api-key", "", "send email through GOV.UK Notify with this API key (prefer JOINEDUP_NOTIFY_API_KEY)")
	fs.StringVar(&f.notifyTemplate, "notify-template-id", "", "the GOV.UK Notify email template, with ((subject)) and ((body))")
	fs.StringVar(&f.notifyURL, "notify-url", notify.NotifyBaseURL, "GOV.UK Notify's API address")
	fs.StringVar(&f.contact, "contact", "", "how families reach the SEND team, printed at the foot of every message")
}

// sender returns the configured sender, nil when there is none.
func (f *notifyFlags) sender() (notify.Sender, error) {
	switch {
	case f.smtpAddr != "" && f.notifyKey != "":
		return nil, usageError{"choose one way to send email: --smtp-addr or --notify-api-key, not both"}
	case f.smtpAddr != "":
		if f.smtpFrom == "" {
			return nil, usageError{"--smtp-addr needs --smtp-from"}
		}
		return &notify.SMTPSender{Addr: f.smtpAddr, From: f.smtpFrom, Username: f.smtpUser, Password: f.smtpPassword}, nil
	case f.notifyKey != "":
		s := &notify.NotifySender{BaseURL: f.notifyURL, APIKey: f.notifyKey, TemplateID: f.notifyTemplate}
		if err := s.Check(); err != nil {
			return nil, usageError{err.Error()}
		}
		return s, nil
	}
	return nil, nil
}

// startOutbox runs the outbox worker until ctx ends. Every instance runs one;
// claims in the database keep them from sending a message twice.
func startOutbox(ctx context.Context, d *db.DB, f *notifyFlags, logger *slog.Logger) error {
	s, err := f.sender()
	if err != nil {
		return err
	}
	if f.contact != "" {
		notify.Footer = f.contact
	}
	if s == nil {
		logger.Warn("no email sender is configured (--smtp-addr or --notify-api-key): messages to families wait in the outbox")
		return nil
	}
	w := &notify.Worker{DB: d, Sender: s, Logger: logger}
	go func() {
		if err := w.Run(ctx, 10*time.Second); err != nil && !errors.Is(err, context.Canceled) {
			logger.Error("the outbox worker stopped", "error", err)
		}
	}()
	return nil
}
