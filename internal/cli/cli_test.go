package cli_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"joinedup/internal/cli"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
)

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, environ map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	env := cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return environ[k] }}
	code := cli.Main(context.Background(), env, args)
	return result{code, out.String(), errOut.String()}
}

// oneLine asserts the failure was told in exactly one line that says want.
func oneLine(t *testing.T, r result, code int, want string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d (stderr %q)", r.code, code, r.stderr)
	}
	if lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n"); len(lines) != 1 || !strings.Contains(lines[0], want) {
		t.Errorf("stderr = %q, want one line saying %q", r.stderr, want)
	}
}

func TestHelpListsEveryCommandAndFlag(t *testing.T) {
	r := run(t, nil, "help")
	for _, c := range []string{"serve", "migrate", "demo", "version", "sar", "clock", "waits"} {
		if !strings.Contains(r.stdout, "  "+c+" ") {
			t.Errorf("help does not list %s:\n%s", c, r.stdout)
		}
	}
	flags := map[string][]string{
		"serve":   {"--addr", "--db", "--demo", "--demo-scale", "--demo-seed", "--metrics-addr", "JOINEDUP_METRICS_ADDR"},
		"demo":    {"--db", "--scale", "--seed", "--today", "JOINEDUP_SCALE"},
		"migrate": {"--db", "JOINEDUP_DB"},
		"sar":     {"--db", "--subject", "--as", "--reason", "--out", "JOINEDUP_SUBJECT"},
		"clock":   {"--today", "JOINEDUP_TODAY"},
		"waits":   {"--census", "JOINEDUP_CENSUS"},
	}
	for cmd, want := range flags {
		r := run(t, nil, cmd, "--help")
		if r.code != cli.ExitOK {
			t.Errorf("%s --help: exit %d", cmd, r.code)
		}
		for _, f := range want {
			if !strings.Contains(r.stdout, f) {
				t.Errorf("%s --help does not document %s:\n%s", cmd, f, r.stdout)
			}
		}
	}
}

func TestBadInputIsOneClearLine(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	os.WriteFile(file, []byte("x"), 0o600)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()

	cases := []struct {
		name    string
		environ map[string]string
		args    []string
		code    int
		says    string
	}{
		{"unknown command", nil, []string{"serv"}, cli.ExitUsage, `there is no command "serv"`},
		{"unknown flag", nil, []string{"serve", "--port", "80"}, cli.ExitUsage, "flag provided but not defined: -port"},
		{"stray argument", nil, []string{"migrate", "now"}, cli.ExitUsage, `unexpected argument "now"`},
		{"bad value in the environment", map[string]string{"JOINEDUP_SEED": "abc"}, []string{"demo", "--db", filepath.Join(dir, "d.db")}, cli.ExitUsage, "JOINEDUP_SEED"},
		{"unknown demo scale", nil, []string{"demo", "--scale", "huge", "--db", filepath.Join(dir, "d.db")}, cli.ExitUsage, `scale "huge"`},
		{"bad demo date", nil, []string{"serve", "--demo-today", "22/11/2026", "--db", filepath.Join(dir, "d.db")}, cli.ExitUsage, "YYYY-MM-DD"},
		{"unwritable data directory", nil, []string{"migrate", "--db", filepath.Join(file, "data", "joinedup.db")}, cli.ExitFailure, "cannot create the data directory"},
		{"unreachable database", nil, []string{"migrate", "--db", "postgres://joinedup@127.0.0.1:1/joinedup?connect_timeout=2"}, cli.ExitFailure, "cannot reach the database at 127.0.0.1:1/joinedup: connection refused"},
		{"bad trusted proxy", nil, []string{"serve", "--trusted-proxies", "10.0.0.0/8, proxy.local", "--db", filepath.Join(dir, "s.db")}, cli.ExitUsage, `"proxy.local" is neither an IP address nor a CIDR range`},
		{"port taken", nil, []string{"serve", "--addr", taken.Addr().String(), "--db", filepath.Join(dir, "s.db")}, cli.ExitFailure, "cannot listen on " + taken.Addr().String()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, c.environ, c.args...)
			oneLine(t, r, c.code, c.says)
		})
	}
	// Nothing was created by any of them.
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("bad commands left files behind: %v", entries)
	}
}

// A database whose schema is newer than the binary is refused and left as it is.
func TestMigrateRefusesANewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	d, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	future := fstest.MapFS{"99999_future.sql": {Data: []byte("-- +goose Up\nCREATE TABLE from_the_future (id TEXT);\n")}}
	if _, err := d.MigrateFrom(context.Background(), future); err != nil {
		t.Fatal(err)
	}
	d.Close()
	r := run(t, nil, "migrate", "--db", path)
	oneLine(t, r, cli.ExitFailure, "newer than this joinedup knows")
	d, _ = db.Open(context.Background(), path)
	defer d.Close()
	if _, err := d.Exec("SELECT 1 FROM partnership"); err == nil {
		t.Error("migrate changed a database it refused")
	}
}

func TestMigrateOnBothDatabases(t *testing.T) {
	for name, dsn := range map[string]func() string{
		"sqlite":   func() string { return filepath.Join(t.TempDir(), "new", "j.db") },
		"postgres": func() string { return dbtest.NewPostgresDatabase(t) },
	} {
		t.Run(name, func(t *testing.T) {
			target := dsn()
			for i := 0; i < 2; i++ { // the second run finds nothing to do
				r := run(t, nil, "migrate", "--db", target)
				if r.code != cli.ExitOK || !strings.Contains(r.stdout, "is at version") {
					t.Fatalf("migrate run %d: exit %d, %q %q", i+1, r.code, r.stdout, r.stderr)
				}
			}
		})
	}
}

// serve listens, answers, keeps metrics off the public port, and stops cleanly.
func TestServeStartsAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	var out bytes.Buffer
	env := cli.Env{Stdout: &out, Stderr: io.Discard, Getenv: func(string) string { return "" }, Ready: func(a string) { ready <- a }}
	done := make(chan int, 1)
	go func() {
		done <- cli.Main(ctx, env, []string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "j.db")})
	}()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("serve exited %d before it was ready", code)
	case <-time.After(30 * time.Second):
		t.Fatal("serve not ready after 30s")
	}
	get := func(url string) int {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := get("http://" + addr + "/healthz"); s != http.StatusOK {
		t.Errorf("/healthz = %d", s)
	}
	if s := get("http://" + addr + "/metrics"); s != http.StatusNotFound {
		t.Errorf("/metrics on the public port = %d, want 404", s)
	}
	// The metrics listener is its own port (printed before Ready, so safe to read now).
	metrics := ""
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.Contains(line, "metrics on http://") {
			metrics = strings.Fields(line)[3]
		}
	}
	if metrics == "" {
		t.Fatalf("serve did not print its metrics address: %q", out.String())
	}
	resp, err := http.Get(metrics)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "go_sql_open_connections") {
		t.Errorf("metrics listener does not serve database pool metrics")
	}
	cancel()
	select {
	case code := <-done:
		if code != cli.ExitOK {
			t.Errorf("serve exited %d after shutdown", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestAuditVerify(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	if r := run(t, nil, "migrate", "--db", path); r.code != cli.ExitOK {
		t.Fatal(r.stderr)
	}
	r := run(t, nil, "audit", "verify", "--db", path)
	if r.code != cli.ExitOK || !strings.Contains(r.stdout, "intact: 0 rows") {
		t.Fatalf("empty log: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	d, _ := db.Open(context.Background(), path)
	d.Exec("UPDATE audit_chain SET seq = 3")
	d.Close()
	oneLine(t, run(t, nil, "audit", "verify", "--db", path), cli.ExitFailure, "audit row 1: is missing")
	oneLine(t, run(t, nil, "audit", "check"), cli.ExitUsage, "joinedup audit verify")
}
