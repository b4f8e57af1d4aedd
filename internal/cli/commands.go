package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"joinedup/internal/account"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/demo"
	"joinedup/internal/fhir"
	"joinedup/internal/people"
	"joinedup/internal/web"
)

const defaultDB = "data/joinedup.db"

func dbFlag(fs interface {
	StringVar(*string, string, string, string)
}, p *string) {
	fs.StringVar(p, "db", defaultDB, "the database: a SQLite file path, or a postgres:// URL")
}

// openMigrated opens the database and brings its schema up to date.
func openMigrated(ctx context.Context, dsn string) (*db.DB, error) {
	d, err := db.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	if _, err := refreshDerived(ctx, d); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// refreshDerived brings what the database keeps of the code's answers (each
// EHC case's next statutory date) up to the running release's rulebook.
func refreshDerived(ctx context.Context, d *db.DB) (int, error) {
	n, err := casework.Refresh(ctx, d)
	if err != nil {
		return n, fmt.Errorf("recomputing the EHC cases' next statutory dates: %w", err)
	}
	return n, nil
}

func migrate(ctx context.Context, env Env, args []string) error {
	fs := newFlags("migrate", env)
	var dsn string
	dbFlag(fs, &dsn)
	if err := parse(fs, env, args); err != nil {
		return err
	}
	d, err := db.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	v, err := d.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "joinedup: the schema of %s is at version %d\n", d.Where, v)
	if n, err := refreshDerived(ctx, d); err != nil {
		return err
	} else if n > 0 {
		fmt.Fprintf(env.Stdout, "joinedup: %d EHC cases' next statutory dates recomputed for the current rulebook\n", n)
	}
	return nil
}

// demoFlags are shared by demo and serve --demo.
type demoFlags struct {
	scale string
	seed  int64
	today string
}

// register adds the flags, named with prefix ("demo-" on serve, none on demo).
func (f *demoFlags) register(fs interface {
	StringVar(*string, string, string, string)
	Int64Var(*int64, string, int64, string)
}, prefix string) {
	fs.StringVar(&f.scale, prefix+"scale", demo.County, "demo size: tiny, county or national")
	fs.Int64Var(&f.seed, prefix+"seed", 1, "seed for the demo generator: the same seed gives the same partnership")
	fs.StringVar(&f.today, prefix+"today", "", "the date the demo is generated as of, YYYY-MM-DD (default today)")
}

func (f *demoFlags) options() (demo.Options, error) {
	switch f.scale {
	case demo.Tiny, demo.County, demo.National:
	default:
		return demo.Options{}, usageError{fmt.Sprintf("scale %q: choose tiny, county or national", f.scale)}
	}
	today := date.Today(time.Now())
	if f.today != "" {
		t, err := date.Parse(f.today)
		if err != nil {
			return demo.Options{}, usageError{"today: " + err.Error()}
		}
		today = t
	}
	return demo.Options{Scale: f.scale, Seed: f.seed, Today: today}, nil
}

func demoCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlags("demo", env)
	var dsn string
	var df demoFlags
	dbFlag(fs, &dsn)
	df.register(fs, "")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	opts, err := df.options()
	if err != nil {
		return err
	}
	d, err := openMigrated(ctx, dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	start := time.Now()
	if opts.Scale == demo.National {
		opts.Progress = func(area string, done, of int) {
			fmt.Fprintf(env.Stderr, "joinedup: %s generated (%d of %d areas, %s)\n", area, done, of, time.Since(start).Round(time.Second))
		}
	}
	sum, err := demo.Generate(ctx, d, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "joinedup: loaded the %s demo (seed %d) into %s in %s: %d areas, %d organisations, %d staff, %d parents and carers, %d children and young people (%d with EHC plans, %d on SEN support)\n",
		opts.Scale, opts.Seed, d.Where, time.Since(start).Round(time.Millisecond), sum.Areas, sum.Organisations, sum.Staff, sum.ParentCarers, sum.Children, sum.EHCPlans, sum.SENSupport)
	return nil
}

func version(ctx context.Context, env Env, args []string) error {
	fs := newFlags("version", env)
	if err := parse(fs, env, args); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "joinedup", Version())
	return nil
}

// Version is the module version and the commit it was built from.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v, rev, dirty := info.Main.Version, "", ""
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+changes"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		return fmt.Sprintf("%s (%s%s)", v, rev, dirty)
	}
	return v
}

func serve(ctx context.Context, env Env, args []string) error {
	fs := newFlags("serve", env)
	var dsn, addr, metricsAddr, baseURL, providersFile, proxies string
	var loadDemo, secure, showStaffNames, reminders bool
	var df demoFlags
	var nf notifyFlags
	dbFlag(fs, &dsn)
	nf.register(fs)
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "address the web front listens on")
	fs.StringVar(&metricsAddr, "metrics-addr", "", "address for Prometheus metrics, kept off the public port (empty: no metrics listener)")
	fs.BoolVar(&loadDemo, "demo", false, "load the demo partnership on first start, and enable demo-only conveniences")
	fs.BoolVar(&secure, "secure", false, "joinedup is reached over HTTPS (directly or through a TLS proxy): __Host- Secure cookies and HSTS")
	fs.StringVar(&baseURL, "base-url", "", "the address families and staff use, e.g. https://send.example.gov.uk, for links in emails (default: http:// and the listening address)")
	fs.StringVar(&providersFile, "oidc-providers", "", "a JSON file listing each organisation's OpenID Connect identity provider for staff sign-in (see docs/security.md)")
	fs.StringVar(&proxies, "trusted-proxies", "", "comma-separated addresses or CIDR ranges of the proxies in front of joinedup, whose X-Forwarded-For gives the client's address for rate limits")
	fs.BoolVar(&showStaffNames, "show-staff-names", false, "show families the names, not only the roles, of staff who looked at their child's record")
	fs.BoolVar(&reminders, "offer-reminders", true, "email Local Offer providers when an entry is due for review (at start and every 6 hours; each reminder once)")
	df.register(fs, "demo-")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	opts, err := df.options()
	if err != nil {
		return err
	}
	if _, err := nf.sender(); err != nil {
		return err
	}
	trusted, err := parsePrefixes(proxies)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(env.Stderr, nil))

	// Listen before the slow work, so a taken port fails at once.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v", addr, reason(err))
	}
	defer ln.Close()
	var mln net.Listener
	if metricsAddr != "" {
		if mln, err = net.Listen("tcp", metricsAddr); err != nil {
			return fmt.Errorf("cannot listen for metrics on %s: %v", metricsAddr, reason(err))
		}
		defer mln.Close()
	}

	if baseURL == "" {
		baseURL = "http://" + ln.Addr().String()
	}
	account.Settings.BaseURL = strings.TrimRight(baseURL, "/")

	d, err := openMigrated(ctx, dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	store := &people.Store{DB: d}
	if loadDemo {
		if err := loadDemoOnce(ctx, env, d, store, opts); err != nil {
			return err
		}
	}
	providers, err := loadProviders(ctx, env, d, providersFile)
	if err != nil {
		return err
	}

	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(d.DB, string(d.Dialect)))
	if err := startOutbox(ctx, d, &nf, logger); err != nil {
		return err
	}
	if reminders {
		defer startReminders(ctx, d, env, logger)() // before the database closes
	}
	sweepSignIns(ctx, d, providers, logger)
	handler, err := web.New(web.Config{DB: d, People: store, Logger: logger, Version: Version(), Metrics: registry, Demo: loadDemo,
		Secure: secure, ShowStaffNames: showStaffNames, OIDC: providers, TrustedProxies: trusted})
	if err != nil {
		return err
	}
	// The FHIR R4 schema takes a second or two to compile: now, not on the first advice bundle.
	go func() {
		if err := fhir.Compile(); err != nil {
			logger.Error("the FHIR R4 schema does not compile: advice bundles will be refused", "error", err)
		}
	}()

	// Timeouts bound what a slow or idle client can hold; no page takes a minute.
	servers := []*http.Server{{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}}
	listeners := []net.Listener{ln}
	if mln != nil {
		servers = append(servers, &http.Server{Handler: promhttp.HandlerFor(registry, promhttp.HandlerOpts{}), ReadHeaderTimeout: 10 * time.Second})
		listeners = append(listeners, mln)
		fmt.Fprintf(env.Stdout, "joinedup: metrics on http://%s/metrics\n", mln.Addr())
	}
	errs := make(chan error, len(servers))
	for i, s := range servers {
		go func() { errs <- s.Serve(listeners[i]) }()
	}
	fmt.Fprintf(env.Stdout, "joinedup: serving http://%s (database %s)\n", ln.Addr(), d.Where)
	if env.Ready != nil {
		env.Ready(ln.Addr().String())
	}
	select {
	case <-ctx.Done():
	case err := <-errs:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range servers {
		s.Shutdown(shutdown)
	}
	return nil
}

// loadDemoOnce loads the demo into an empty database and prints how to use it.
// Several instances starting together on one PostgreSQL race safely: the
// load is one transaction with fixed keys, so only one commits.
func loadDemoOnce(ctx context.Context, env Env, d *db.DB, store *people.Store, opts demo.Options) error {
	p, err := store.ThePartnership(ctx)
	if err != nil {
		fmt.Fprintf(env.Stdout, "joinedup: loading the %s demo partnership (first start)...\n", opts.Scale)
		start := time.Now()
		if _, err := demo.Generate(ctx, d, opts); err != nil && !errors.Is(err, demo.ErrNotEmpty) && !db.IsUniqueViolation(err) {
			return fmt.Errorf("loading the demo: %w", err)
		}
		fmt.Fprintf(env.Stdout, "joinedup: demo loaded in %s\n", time.Since(start).Round(time.Millisecond))
		if p, err = store.ThePartnership(ctx); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "joinedup: demo partnership: %s\n", p.Name)
	fmt.Fprintln(env.Stdout, "joinedup: demo people: sign in as any of them at /sign-in")
	for _, per := range demo.Personas() {
		fmt.Fprintf(env.Stdout, "  %s: %s\n", per.Name, per.Role)
	}
	return nil
}

func reason(err error) string {
	var op *net.OpError
	if errors.As(err, &op) {
		return op.Err.Error()
	}
	return err.Error()
}
