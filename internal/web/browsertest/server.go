// Package browsertest runs the real joinedup and drives a real browser at it:
// headless Chromium through chromedp, with axe-core checking accessibility.
// The web front's own browser test uses it, and so should every later page:
//
//	srv := browsertest.Start(t)               // joinedup serve on a fresh database
//	b := browsertest.NewBrowser(t)            // headless Chromium
//	b.CheckPage(t, srv.URL+"/family", 200)    // loads it, runs axe, checks h1, title, CSP, no-JS
//
// A missing Chromium or axe-core fails the test with what to install; set
// JOINEDUP_BROWSER=off to skip browser tests on a machine without them.
package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"joinedup/internal/cli"
)

// Server is a joinedup serving on loopback for the length of a test.
type Server struct {
	URL  string // http://127.0.0.1:port, no trailing slash
	DB   string // the SQLite file it serves
	logs *buffer
}

// Start runs `joinedup serve` through cli.Main, exactly as the binary does,
// on a new SQLite database in the test's temporary directory and a free
// loopback port, with args added to the command line (for example "--demo",
// "--demo-scale", "tiny"). Args come last, so they override: "--db", "postgres://…"
// serves a PostgreSQL database instead. The server stops when the test ends.
func Start(t testing.TB, args ...string) *Server {
	t.Helper()
	return StartWithEnv(t, nil, args...)
}

// StartWithEnv is Start with environment variables for the server to read
// (for example a client secret a configuration file names); it never reads
// the machine's own.
func StartWithEnv(t testing.TB, environ map[string]string, args ...string) *Server {
	t.Helper()
	s := &Server{DB: filepath.Join(t.TempDir(), "joinedup.db"), logs: &buffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	env := cli.Env{
		Stdout: s.logs, Stderr: s.logs,
		Getenv: func(k string) string { return environ[k] }, // never the machine's JOINEDUP_* settings
		Ready:  func(addr string) { ready <- addr },
	}
	argv := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", s.DB}, args...)
	go func() { done <- cli.Main(ctx, env, argv) }()
	select {
	case addr := <-ready:
		s.URL = "http://" + addr
	case code := <-done:
		cancel()
		t.Fatalf("joinedup %v exited with status %d before serving:\n%s", argv, code, s.logs)
	case <-time.After(5 * time.Minute):
		cancel()
		t.Fatalf("joinedup %v did not start serving within 5 minutes:\n%s", argv, s.logs)
	}
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("joinedup serve ended with status %d:\n%s", code, s.logs)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("joinedup serve did not stop within 30 seconds of being asked")
		}
		if t.Failed() {
			t.Logf("joinedup output:\n%s", s.logs)
		}
	})
	return s
}

// Logs is everything the server wrote: its startup lines and its JSON request log.
func (s *Server) Logs() string { return s.logs.String() }

// buffer is a bytes.Buffer the server's goroutines and the test can share.
type buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var _ fmt.Stringer = (*buffer)(nil)
