package notify

import (
	"context"
	"net"
	"strings"
	"testing"

	"joinedup/internal/notify/smtptest"
)

func TestSMTPUsesSTARTTLSAndAuthenticates(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: true, Username: "joinedup", Password: "s3cret"})
	s := &SMTPSender{Addr: srv.Addr, From: "send@example.gov.uk", Username: "joinedup", Password: "s3cret", TLS: srv.ClientTLS()}
	e := testEmail()
	id, err := s.Send(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 || !got[0].TLS || got[0].AuthUser != "joinedup" {
		t.Fatalf("server got %+v", got)
	}
	r := decode(t, got[0])
	if r.Body != e.Body || r.Subject != e.Subject || r.MessageID != id || id != "<"+e.ID+"@example.gov.uk>" {
		t.Fatalf("received %+v, id %q", r, id)
	}

	// An untrusted certificate is not sent to.
	s.TLS = nil
	if _, err := s.Send(context.Background(), e); err == nil {
		t.Fatal("sent over TLS to a server whose certificate is not trusted")
	}

	// A wrong password is refused by the server: permanent (535).
	s.TLS, s.Password = srv.ClientTLS(), "wrong"
	_, err = s.Send(context.Background(), e)
	if err == nil || !IsPermanent(err) || !strings.Contains(err.Error(), "535") {
		t.Fatalf("wrong password: %v", err)
	}
	if len(srv.Messages()) != 1 {
		t.Fatal("a message got through with a wrong password")
	}
}

// A password goes only over TLS, unless the server is this machine
// (localhost, 127.0.0.1, ::1). 127.0.0.2 is loopback to the kernel but not
// named as this machine, so it stands in for a remote server.
func TestSMTPKeepsThePasswordOffPlainConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no second loopback address here: %v", err)
	}
	ln.Close()
	plain := smtptest.Start(t, smtptest.Options{Host: "127.0.0.2", Username: "joinedup", Password: "s3cret"})
	s := &SMTPSender{Addr: plain.Addr, From: "send@example.gov.uk", Username: "joinedup", Password: "s3cret"}
	_, err = s.Send(context.Background(), testEmail())
	if err == nil || !IsPermanent(err) || !strings.Contains(err.Error(), "without TLS") {
		t.Fatalf("password over a plain connection to a remote server: %v", err)
	}
	if len(plain.Messages()) != 0 {
		t.Fatal("a message was sent")
	}

	secure := smtptest.Start(t, smtptest.Options{Host: "127.0.0.2", TLS: true, Username: "joinedup", Password: "s3cret"})
	s = &SMTPSender{Addr: secure.Addr, From: "send@example.gov.uk", Username: "joinedup", Password: "s3cret", TLS: secure.ClientTLS()}
	if _, err := s.Send(context.Background(), testEmail()); err != nil {
		t.Fatalf("the same server with STARTTLS: %v", err)
	}
	if got := secure.Messages(); len(got) != 1 || !got[0].TLS || got[0].AuthUser != "joinedup" {
		t.Fatalf("server got %+v", got)
	}

	// To this machine a password may go without TLS.
	local := smtptest.Start(t, smtptest.Options{Username: "joinedup", Password: "s3cret"})
	s = &SMTPSender{Addr: local.Addr, From: "send@example.gov.uk", Username: "joinedup", Password: "s3cret"}
	if _, err := s.Send(context.Background(), testEmail()); err != nil {
		t.Fatalf("127.0.0.1 without TLS: %v", err)
	}
}

func TestSMTPRequireTLS(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	s := &SMTPSender{Addr: srv.Addr, From: "send@example.gov.uk", RequireTLS: true}
	if _, err := s.Send(context.Background(), testEmail()); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("RequireTLS without STARTTLS: %v", err)
	}
	if len(srv.Messages()) != 0 {
		t.Fatal("a message was sent without TLS")
	}
}

func TestSMTPRetryableAndPermanentReplies(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	s := &SMTPSender{Addr: srv.Addr, From: "send@example.gov.uk"}
	srv.FailNext("DATA", 1, 451, "4.3.0 try later")
	if _, err := s.Send(context.Background(), testEmail()); err == nil || IsPermanent(err) {
		t.Fatalf("451: %v", err)
	}
	srv.FailNext("RCPT", 1, 550, "5.1.1 no such user")
	if _, err := s.Send(context.Background(), testEmail()); err == nil || !IsPermanent(err) {
		t.Fatalf("550: %v", err)
	}
	// Nobody listening: retry.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	if _, err := (&SMTPSender{Addr: addr, From: "send@example.gov.uk"}).Send(context.Background(), testEmail()); err == nil || IsPermanent(err) {
		t.Fatalf("connection refused: %v", err)
	}
	if len(srv.Messages()) != 0 {
		t.Fatalf("server accepted %d", len(srv.Messages()))
	}
}
