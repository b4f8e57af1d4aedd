package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// AxeTags are the rule sets every page must pass: WCAG 2.0, 2.1 and 2.2 at A and AA.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// tabTimeout bounds one page: loading, axe and reading it.
const tabTimeout = 60 * time.Second

// Browser is a headless Chromium with a fresh profile, closed when the test ends.
type Browser struct {
	ctx context.Context
}

// NewBrowser starts Chromium: $JOINEDUP_CHROMIUM, else /usr/bin/chromium or
// the first chromium on $PATH. It fails the test, saying what to install, when
// there is none; JOINEDUP_BROWSER=off skips the test instead.
func NewBrowser(t testing.TB) *Browser {
	t.Helper()
	if os.Getenv("JOINEDUP_BROWSER") == "off" {
		t.Skip("JOINEDUP_BROWSER=off: browser tests skipped")
	}
	exe := chromiumPath()
	if exe == "" {
		t.Fatal("Chromium is not installed, and the browser tests need it: apt-get install chromium " +
			"(or set JOINEDUP_CHROMIUM to its path; JOINEDUP_BROWSER=off skips these tests)")
	}
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("Chromium is not at %s (%v): apt-get install chromium, or set JOINEDUP_CHROMIUM to its path "+
			"(JOINEDUP_BROWSER=off skips these tests)", exe, err)
	}
	axeSource(t) // fail early and clearly when axe-core is missing
	var output buffer
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // containers and CI run as root
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), // /dev/shm is small in containers
		chromedp.Flag("hide-scrollbars", true),       // screenshots without a scrollbar
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(&output),
	)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no timeout (see chromedp.Run)
		t.Fatalf("cannot start Chromium (%s): %v\n%s", exe, err, output.String())
	}
	return &Browser{ctx: ctx}
}

func chromiumPath() string {
	if p := os.Getenv("JOINEDUP_CHROMIUM"); p != "" {
		return p // checked by the caller, so a wrong setting says so
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

var axe struct {
	once sync.Once
	src  string
	err  error
}

// axeSource reads node_modules/axe-core/axe.min.js at the module root, found
// from this file's place in the source tree.
func axeSource(t testing.TB) string {
	t.Helper()
	axe.once.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		p := filepath.Join(filepath.Dir(file), "..", "..", "..", "node_modules", "axe-core", "axe.min.js")
		b, err := os.ReadFile(p)
		axe.src, axe.err = string(b), err
	})
	if axe.err != nil {
		t.Fatalf("axe-core is missing (%v): run `npm ci` (or `make assets`) at the top of the repository", axe.err)
	}
	return axe.src
}

// OpenOption changes how Open loads a page.
type OpenOption func(*openConfig)

type openConfig struct {
	noScript      bool
	width, height int64
}

// WithoutJavaScript loads the page with script execution off, as for a
// reader whose browser runs none.
func WithoutJavaScript() OpenOption { return func(c *openConfig) { c.noScript = true } }

// WithViewport sets the size of the window in CSS pixels, for example 375 wide for a phone.
func WithViewport(width, height int64) OpenOption {
	return func(c *openConfig) { c.width, c.height = width, height }
}

// Tab is one page loaded in its own tab; it closes when the test ends.
type Tab struct {
	URL    string
	Status int // the HTTP status of the page itself

	ctx      context.Context
	mu       sync.Mutex
	problems []string // console errors, exceptions, failed loads and CSP violations, in order
}

// cspListener records Content-Security-Policy violations where Problems can
// read them. The browser adds it to each document before the page's own
// scripts; the page's CSP does not apply to it.
const cspListener = `document.addEventListener('securitypolicyviolation', e => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber)
})`

// Open loads url in a new tab and waits until it has loaded.
func (b *Browser) Open(t testing.TB, url string, opts ...OpenOption) *Tab {
	t.Helper()
	var cfg openConfig
	for _, o := range opts {
		o(&cfg)
	}
	tabCtx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	tab := &Tab{URL: url, ctx: tabCtx}
	if err := chromedp.Do(tabCtx); err != nil { // opens the tab
		t.Fatalf("opening a tab for %s: %v", url, err)
	}
	if err := chromedp.Listen(tabCtx, tab.listen); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithTimeout(tabCtx, tabTimeout)
	defer stop()
	setup := []chromedp.Action[chromedp.Void]{
		chromedp.Func(func(ctx context.Context, tt *chromedp.Target) error {
			if cfg.noScript {
				_, err := cdp.Call(ctx, tt, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
				return err
			}
			_, err := cdp.Call(ctx, tt, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspListener})
			return err
		}),
	}
	if cfg.width > 0 {
		setup = append(setup, chromedp.EmulateViewport(cfg.width, cfg.height))
	}
	if err := chromedp.Do(ctx, setup...); err != nil {
		t.Fatalf("preparing the tab for %s: %v", url, err)
	}
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("loading %s: %v", url, err)
	}
	if resp != nil {
		tab.Status = int(resp.Status)
	}
	return tab
}

// listen runs in the tab's event loop: it only records.
func (tab *Tab) listen(ev any) {
	var p string
	switch ev := ev.(type) {
	case *cdpruntime.EventConsoleAPICalled:
		if ev.Type != cdpruntime.ConsoleAPICalledTypeError && ev.Type != cdpruntime.ConsoleAPICalledTypeAssert {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			var s string
			if json.Unmarshal(a.Value, &s) == nil {
				parts = append(parts, s)
			} else {
				parts = append(parts, a.Description)
			}
		}
		p = "console." + string(ev.Type) + ": " + strings.Join(parts, " ")
	case *cdpruntime.EventExceptionThrown:
		d := ev.ExceptionDetails
		p = "uncaught exception: " + d.Text
		if d.Exception != nil {
			p += " " + d.Exception.Description
		}
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level != cdplog.EntryLevelError {
			return
		}
		p = fmt.Sprintf("browser %s error: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
	default:
		return
	}
	tab.mu.Lock()
	tab.problems = append(tab.problems, p)
	tab.mu.Unlock()
}

// Problems are the console errors, uncaught exceptions, failed loads and
// Content-Security-Policy violations the page has caused so far.
func (tab *Tab) Problems() []string {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	return slices.Clone(tab.problems)
}

// Text is the text of the first element matching a CSS selector, with its
// white space collapsed, and whether there is one. It is read through the
// DevTools protocol, which works also in a tab opened WithoutJavaScript.
func (tab *Tab) Text(t testing.TB, selector string) (string, bool) {
	t.Helper()
	return tab.read(t, selector, `e.textContent.replace(/\s+/g, ' ').trim()`)
}

// Attribute is the value of an attribute of the first element matching a
// CSS selector, "" when there is no such element or attribute.
func (tab *Tab) Attribute(t testing.TB, selector, name string) string {
	t.Helper()
	n, _ := json.Marshal(name)
	v, _ := tab.read(t, selector, `e.getAttribute(`+string(n)+`) || ''`)
	return v
}

// read evaluates expr with e bound to the first element matching selector.
func (tab *Tab) read(t testing.TB, selector, expr string) (string, bool) {
	t.Helper()
	sel, _ := json.Marshal(selector)
	type result struct {
		Found bool   `json:"found"`
		Value string `json:"value"`
	}
	script := `(() => { const e = document.querySelector(` + string(sel) + `); return e ? {found: true, value: ` + expr + `} : {found: false} })()`
	ctx, stop := context.WithTimeout(tab.ctx, tabTimeout)
	defer stop()
	r, err := chromedp.Run(ctx, chromedp.EvaluateAsDevTools[result](script))
	if err != nil {
		t.Fatalf("%s: reading %s: %v", tab.URL, selector, err)
	}
	return r.Value, r.Found
}

// Violation is one axe-core rule a page breaks, with the elements that break it.
type Violation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
}

// Axe runs axe-core on the page with AxeTags and returns what it finds.
// It needs JavaScript, so it cannot run on a tab opened WithoutJavaScript.
func (tab *Tab) Axe(t testing.TB) []Violation {
	t.Helper()
	ctx, stop := context.WithTimeout(tab.ctx, tabTimeout)
	defer stop()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axeSource(t))); err != nil {
		t.Fatalf("%s: loading axe-core: %v", tab.URL, err)
	}
	tagList, _ := json.Marshal(AxeTags)
	script := `axe.run(document, {runOnly: {type: 'tag', values: ` + string(tagList) + `}, resultTypes: ['violations']})
		.then(r => r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
			targets: v.nodes.map(n => n.target.join(' '))})))`
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](script, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: running axe-core: %v", tab.URL, err)
	}
	return vs
}

// Screenshot saves a PNG of the whole page to path.
func (tab *Tab) Screenshot(t testing.TB, path string) {
	t.Helper()
	png, err := chromedp.Run(tab.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("%s: screenshot: %v", tab.URL, err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// CheckPage is the standard check for a page, to run on every page there is:
// it fails the test with every problem PageProblems finds.
func (b *Browser) CheckPage(t testing.TB, url string, wantStatus int) {
	t.Helper()
	for _, p := range b.PageProblems(t, url, wantStatus) {
		t.Errorf("%s: %s", url, p)
	}
}

// PageProblems loads url and lists what is wrong with it, nothing when the page:
//   - answers wantStatus,
//   - has a <title> and an h1,
//   - causes no console error, script exception, failed load or CSP violation,
//   - ran our JavaScript (app.js marks the body govuk-frontend-supported),
//   - has no axe-core violations of WCAG 2.2 AA (AxeTags),
//   - and, loaded again with JavaScript off, still shows the same h1 in main.
func (b *Browser) PageProblems(t testing.TB, url string, wantStatus int) []string {
	t.Helper()
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	tab := b.Open(t, url)
	if tab.Status != wantStatus {
		add("status %d, want %d", tab.Status, wantStatus)
	}
	if title, _ := tab.Text(t, "head > title"); title == "" {
		add("no <title>")
	}
	h1, _ := tab.Text(t, "h1")
	if h1 == "" {
		add("no h1")
	}
	if !strings.Contains(" "+tab.Attribute(t, "body", "class")+" ", " govuk-frontend-supported ") {
		add("our JavaScript did not run (the body lacks the class govuk-frontend-supported)")
	}
	for _, v := range tab.Axe(t) {
		add("accessibility: %s", v)
	}
	for _, p := range tab.Problems() {
		// The browser logs the page's own error status as a failed load; that one was asked for.
		if wantStatus >= 400 && strings.Contains(p, fmt.Sprintf("status of %d", wantStatus)) && strings.HasSuffix(p, "("+url+")") {
			continue
		}
		add("%s", p)
	}

	noJS := b.Open(t, url, WithoutJavaScript())
	if noJS.Status != wantStatus {
		add("without JavaScript: status %d, want %d", noJS.Status, wantStatus)
	}
	if got, _ := noJS.Text(t, "main h1"); got == "" || got != h1 {
		add("without JavaScript: main h1 %q, want %q", got, h1)
	}
	if strings.Contains(noJS.Attribute(t, "body", "class"), "govuk-frontend-supported") {
		add("JavaScript ran although it was switched off, so the no-JavaScript check proves nothing")
	}
	return problems
}
