package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

// SMTPSender sends through a mail server (a relay such as Microsoft 365,
// Postfix, or a council's gateway). It uses STARTTLS whenever the server
// offers it, and sends a password only over TLS or to this machine.
type SMTPSender struct {
	Addr     string // host:port, e.g. smtp.example.gov.uk:587
	From     string // the From address, e.g. send-team@example.gov.uk
	Username string // empty for no authentication
	Password string

	// RequireTLS refuses to send when the server does not offer STARTTLS.
	RequireTLS bool
	// TLS configures STARTTLS; nil verifies the server against the system's
	// roots under the host name of Addr. Tests give their own roots.
	TLS *tls.Config
	// Hello is the name given in EHLO; default "localhost".
	Hello string
}

// Send delivers e. A 5xx reply from the server is a permanent failure; a
// 4xx reply, a lost connection or a timeout is worth retrying.
func (s *SMTPSender) Send(ctx context.Context, e Email) (string, error) {
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return "", Permanent(fmt.Errorf("smtp: the server address %q is not host:port", s.Addr))
	}
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return "", Permanent(fmt.Errorf("smtp: the From address is not valid: %v", err))
	}
	msgID := messageID(e.ID, from.Address)
	data, err := compose(from, e, msgID, time.Now())
	if err != nil {
		return "", Permanent(err)
	}

	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return "", fmt.Errorf("smtp: connect: %w", err)
	}
	// net/smtp knows nothing of contexts: a deadline bounds every read and
	// write, and ending ctx closes the connection.
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	} else {
		conn.SetDeadline(time.Now().Add(2 * time.Minute))
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return "", classify(ctx, "greeting", err)
	}
	defer c.Close()
	if err := c.Hello(cmp(s.Hello, "localhost")); err != nil {
		return "", classify(ctx, "EHLO", err)
	}
	secure := false
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := s.TLS
		if cfg == nil {
			cfg = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		} else if cfg.ServerName == "" {
			cfg = cfg.Clone()
			cfg.ServerName = host
		}
		if err := c.StartTLS(cfg); err != nil {
			return "", classify(ctx, "STARTTLS", err)
		}
		secure = true
	} else if s.RequireTLS {
		return "", fmt.Errorf("smtp: the server does not offer STARTTLS, and TLS is required")
	}
	if s.Username != "" {
		if !secure && !isLocal(host) {
			return "", Permanent(errors.New("smtp: refusing to send the password over a connection without TLS"))
		}
		if ok, _ := c.Extension("AUTH"); !ok {
			return "", Permanent(errors.New("smtp: the server does not offer authentication"))
		}
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return "", classify(ctx, "AUTH", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return "", classify(ctx, "MAIL FROM", err)
	}
	if err := c.Rcpt(e.To); err != nil {
		return "", classify(ctx, "RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return "", classify(ctx, "DATA", err)
	}
	if _, err := w.Write(data); err != nil {
		return "", classify(ctx, "DATA", err)
	}
	if err := w.Close(); err != nil {
		return "", classify(ctx, "end of DATA", err)
	}
	// The server has taken the message; a failed QUIT changes nothing.
	c.Quit()
	return msgID, nil
}

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// isLocal reports whether host names this machine in the way net/smtp's
// PlainAuth accepts for sending a password without TLS.
func isLocal(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// classify turns an SMTP reply into a permanent (5xx) or retryable error.
func classify(ctx context.Context, step string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("smtp %s: %w", step, ctx.Err())
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		e := fmt.Errorf("smtp %s: %d %s", step, te.Code, te.Msg)
		if te.Code >= 500 && te.Code < 600 {
			return Permanent(e)
		}
		return e
	}
	return fmt.Errorf("smtp %s: %w", step, err)
}

// messageID is the Message-ID of outbox message id: stable across retries,
// so a message sent twice can be recognised as one.
func messageID(id, from string) string {
	domain := "joinedup.invalid"
	if at := strings.LastIndexByte(from, '@'); at >= 0 && at < len(from)-1 {
		domain = from[at+1:]
	}
	return "<" + id + "@" + domain + ">"
}

// compose writes the message: plain text, UTF-8, quoted-printable, so long
// lines and any character arrive intact.
func compose(from *mail.Address, e Email, msgID string, now time.Time) ([]byte, error) {
	for _, v := range []string{e.To, e.Subject, e.Reference} {
		if strings.ContainsAny(v, "\r\n") {
			return nil, errors.New("smtp: a header value holds a line break")
		}
	}
	var b bytes.Buffer
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", from.String())
	h("To", e.To)
	h("Subject", mime.QEncoding.Encode("utf-8", e.Subject))
	h("Date", now.Format(time.RFC1123Z))
	h("Message-ID", msgID)
	if e.Reference != "" {
		h("X-Joinedup-Reference", e.Reference)
	}
	h("Auto-Submitted", "auto-generated")
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body := strings.ReplaceAll(strings.ReplaceAll(e.Body, "\r\n", "\n"), "\n", "\r\n")
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
