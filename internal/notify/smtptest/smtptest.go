// Package smtptest runs a small SMTP server on loopback for tests: it
// records the messages it accepts, can offer STARTTLS and AUTH PLAIN, and can
// be told to refuse the next messages with a chosen reply.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one message the server accepted.
type Message struct {
	From     string
	To       []string
	Data     []byte // as received, dot-unstuffed, CRLF line ends
	TLS      bool   // whether it came over STARTTLS
	AuthUser string // the user that authenticated, if any
}

// Options configure a Server.
type Options struct {
	Host     string // the loopback address to listen on; default 127.0.0.1
	TLS      bool   // offer STARTTLS with a certificate made for Host
	Username string // offer AUTH PLAIN and accept only this user and password
	Password string
}

// Server is a running test server.
type Server struct {
	Addr string

	opts   Options
	ln     net.Listener
	tlsCfg *tls.Config
	roots  *x509.CertPool

	mu       sync.Mutex
	messages []Message
	fails    map[string][]reply // by stage: "RCPT", "DATA"
	wg       sync.WaitGroup
}

type reply struct {
	code int
	text string
}

// Start runs a server until t ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Host == "" {
		opts.Host = "127.0.0.1"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(opts.Host, "0"))
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s := &Server{Addr: ln.Addr().String(), opts: opts, ln: ln, fails: map[string][]reply{}}
	if opts.TLS {
		if err := s.makeCert(); err != nil {
			ln.Close()
			t.Fatalf("smtptest: certificate: %v", err)
		}
	}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.Close)
	return s
}

// Close stops the server and waits for its connections to end.
func (s *Server) Close() {
	s.ln.Close()
	s.wg.Wait()
}

// ClientTLS is the configuration a client needs to trust the server's certificate.
func (s *Server) ClientTLS() *tls.Config {
	return &tls.Config{RootCAs: s.roots, ServerName: s.opts.Host, MinVersion: tls.VersionTLS12}
}

// FailNext makes the next n messages get reply code and text at stage: "RCPT"
// (the recipient is refused) or "DATA" (the message is refused once sent).
func (s *Server) FailNext(stage string, n, code int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.fails[stage] = append(s.fails[stage], reply{code, text})
	}
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

func (s *Server) failure(stage string) (reply, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.fails[stage]
	if len(q) == 0 {
		return reply{}, false
	}
	s.fails[stage] = q[1:]
	return q[0], true
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			c.SetDeadline(time.Now().Add(30 * time.Second))
			s.session(c)
		}()
	}
}

type session struct {
	conn     net.Conn
	text     *textproto.Conn
	tls      bool
	authUser string
	from     string
	to       []string
	hello    bool
}

func (s *Server) session(c net.Conn) {
	ss := &session{conn: c, text: textproto.NewConn(c)}
	ss.reply(220, s.opts.Host+" smtptest ready")
	for {
		line, err := ss.text.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ss.hello = true
			ss.from, ss.to = "", nil
			ext := []string{s.opts.Host + " hello"}
			if s.opts.TLS && !ss.tls {
				ext = append(ext, "STARTTLS")
			}
			if s.opts.Username != "" {
				ext = append(ext, "AUTH PLAIN")
			}
			ext = append(ext, "8BITMIME")
			for i, e := range ext {
				sep := "-"
				if i == len(ext)-1 {
					sep = " "
				}
				ss.text.PrintfLine("250%s%s", sep, e)
			}
		case "STARTTLS":
			if !s.opts.TLS || ss.tls {
				ss.reply(502, "5.5.1 STARTTLS not available")
				continue
			}
			ss.reply(220, "2.0.0 go ahead")
			tc := tls.Server(c, s.tlsCfg)
			if err := tc.Handshake(); err != nil {
				return
			}
			ss.conn, ss.text, ss.tls, ss.hello = tc, textproto.NewConn(tc), true, false
			ss.from, ss.to, ss.authUser = "", nil, ""
		case "AUTH":
			s.auth(ss, arg)
		case "MAIL":
			if !ss.hello {
				ss.reply(503, "5.5.1 say hello first")
				continue
			}
			if s.opts.Username != "" && ss.authUser == "" {
				ss.reply(530, "5.7.0 authentication required")
				continue
			}
			ss.from, ss.to = addr(arg), nil
			ss.reply(250, "2.1.0 ok")
		case "RCPT":
			if ss.from == "" {
				ss.reply(503, "5.5.1 MAIL first")
				continue
			}
			if r, ok := s.failure("RCPT"); ok {
				ss.reply(r.code, r.text)
				continue
			}
			ss.to = append(ss.to, addr(arg))
			ss.reply(250, "2.1.5 ok")
		case "DATA":
			if len(ss.to) == 0 {
				ss.reply(503, "5.5.1 RCPT first")
				continue
			}
			ss.reply(354, "end with <CRLF>.<CRLF>")
			data, err := ss.text.ReadDotBytes()
			if err != nil {
				return
			}
			if r, ok := s.failure("DATA"); ok {
				ss.reply(r.code, r.text)
			} else {
				s.mu.Lock()
				s.messages = append(s.messages, Message{From: ss.from, To: ss.to, Data: crlf(data), TLS: ss.tls, AuthUser: ss.authUser})
				n := len(s.messages)
				s.mu.Unlock()
				ss.reply(250, fmt.Sprintf("2.0.0 queued as Q%d", n))
			}
			ss.from, ss.to = "", nil
		case "RSET":
			ss.from, ss.to = "", nil
			ss.reply(250, "2.0.0 ok")
		case "NOOP":
			ss.reply(250, "2.0.0 ok")
		case "QUIT":
			ss.reply(221, "2.0.0 bye")
			return
		default:
			ss.reply(502, "5.5.2 command not recognised")
		}
	}
}

func (s *Server) auth(ss *session, arg string) {
	if s.opts.Username == "" {
		ss.reply(502, "5.5.1 AUTH not available")
		return
	}
	mech, resp, _ := strings.Cut(arg, " ")
	if !strings.EqualFold(mech, "PLAIN") {
		ss.reply(504, "5.5.4 only PLAIN")
		return
	}
	if resp == "" {
		ss.text.PrintfLine("334 ")
		line, err := ss.text.ReadLine()
		if err != nil {
			return
		}
		resp = line
	}
	raw, err := base64.StdEncoding.DecodeString(resp)
	if err != nil {
		ss.reply(501, "5.5.2 bad base64")
		return
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 3 || parts[1] != s.opts.Username || parts[2] != s.opts.Password {
		ss.reply(535, "5.7.8 authentication failed")
		return
	}
	ss.authUser = parts[1]
	ss.reply(235, "2.7.0 authenticated")
}

func (ss *session) reply(code int, text string) { ss.text.PrintfLine("%d %s", code, text) }

// addr takes the address out of "FROM:<a@b> SIZE=…" or "TO:<a@b>".
func addr(arg string) string {
	if i := strings.IndexByte(arg, '<'); i >= 0 {
		if j := strings.IndexByte(arg[i:], '>'); j >= 0 {
			return arg[i+1 : i+j]
		}
	}
	_, a, _ := strings.Cut(arg, ":")
	return strings.TrimSpace(a)
}

// crlf restores the CRLF line ends textproto's dot reader turned into LF.
func crlf(b []byte) []byte {
	return []byte(strings.ReplaceAll(string(b), "\n", "\r\n"))
}

func (s *Server) makeCert() error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	if ip := net.ParseIP(s.opts.Host); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{s.opts.Host}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return err
	}
	s.roots = x509.NewCertPool()
	s.roots.AddCert(cert)
	s.tlsCfg = &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}},
		MinVersion:   tls.VersionTLS12,
	}
	return nil
}
