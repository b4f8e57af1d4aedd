package browsertest

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Check clicks a radio button or checkbox (CSS selector) on the tab's page.
func (tab *Tab) Check(t testing.TB, selector string) {
	t.Helper()
	ctx, stop := context.WithTimeout(tab.ctx, tabTimeout)
	defer stop()
	if err := chromedp.Do(ctx, chromedp.Click(selector)); err != nil {
		t.Fatalf("%s: clicking %s: %v", tab.URL, selector, err)
	}
}

// Fill types value into the field matching selector.
func (tab *Tab) Fill(t testing.TB, selector, value string) {
	t.Helper()
	ctx, stop := context.WithTimeout(tab.ctx, tabTimeout)
	defer stop()
	if err := chromedp.Do(ctx, chromedp.SetValue(selector, value)); err != nil {
		t.Fatalf("%s: filling %s: %v", tab.URL, selector, err)
	}
}

// Submit clicks the button matching selector, as a person would, waits for
// the page it leads to, and records that page's address and status on the tab.
func (tab *Tab) Submit(t testing.TB, selector string) {
	t.Helper()
	ctx, stop := context.WithTimeout(tab.ctx, tabTimeout)
	defer stop()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(selector))
	if err != nil {
		t.Fatalf("%s: submitting with %s: %v", tab.URL, selector, err)
	}
	if resp != nil {
		tab.Status = int(resp.Status)
	}
	if tab.URL, err = chromedp.Run(ctx, chromedp.Location()); err != nil {
		t.Fatal(err)
	}
}

// SignInAsDemo signs this browser in as a demo person (served with --demo),
// through the sign-in page like a person would, and returns where it landed.
// Every tab of the browser shares the session afterwards.
func (b *Browser) SignInAsDemo(t testing.TB, baseURL, email string) string {
	t.Helper()
	tab := b.Open(t, baseURL+"/sign-in")
	tab.Check(t, `input[name="persona"][value="`+email+`"]`)
	tab.Submit(t, `form[action="/sign-in/demo"] button[type="submit"]`)
	if tab.Status != 200 || strings.HasSuffix(tab.URL, "/sign-in") {
		t.Fatalf("signing in as %s: landed on %s with status %s", email, tab.URL, strconv.Itoa(tab.Status))
	}
	return strings.TrimPrefix(tab.URL, baseURL)
}

// Upload chooses the file at path (on this machine) in the file input matching selector.
func (tab *Tab) Upload(t testing.TB, selector, path string) {
	t.Helper()
	ctx, stop := context.WithTimeout(tab.ctx, tabTimeout)
	defer stop()
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(selector, []string{path})); err != nil {
		t.Fatalf("%s: choosing %s in %s: %v", tab.URL, path, selector, err)
	}
}
