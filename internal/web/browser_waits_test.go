package web_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"joinedup/internal/web/browsertest"
)

// The waiting-list pages in a real browser, at a desktop's and a phone's
// width, with axe: the therapist's list, a child's history, the forms (shown
// again with their errors), bulk transfer, checks and the projection; Leo's
// mother's view of his wait. Then a stop recorded through the form, without
// JavaScript, lands in Leo's history.
func TestWaitsInABrowser(t *testing.T) {
	srv, _, email, leo := startTinyDemo(t)
	tom := browsertest.NewBrowser(t)
	tom.SignInAsDemo(t, srv.URL, email["Tom Nguyen"])
	sarah := browsertest.NewBrowser(t)
	sarah.SignInAsDemo(t, srv.URL, email["Sarah Bennett"])
	child := "/staff/children/" + leo + "/waits"
	for _, p := range []struct {
		b      *browsertest.Browser
		path   string
		status int
	}{
		{tom, "/staff/waits", 200},
		{tom, "/staff/waits?breach=18&priority=routine&band=18-36", 200},
		{tom, "/staff/waits?locality=not+a+postcode", 422},
		{tom, child, 200},
		{tom, child + "/event", 200},
		{tom, child + "/refer", 200},
		{tom, "/staff/waits/transfer", 200},
		{tom, "/staff/waits/checks", 200},
		{tom, "/staff/waits/projection", 200},
		{tom, "/staff/waits/projection?capacity_per_week=20&purchased=300&purchased_weeks=52", 200},
		{tom, "/staff/waits/projection?capacity_per_week=0", 422},
		{sarah, "/family/children/" + leo + "/waits", 200},
	} {
		t.Run(p.path, func(t *testing.T) {
			p.b.CheckPage(t, srv.URL+p.path, p.status)
			phone := p.b.Open(t, srv.URL+p.path, browsertest.WithViewport(375, 812))
			for _, v := range phone.Axe(t) {
				t.Errorf("at a phone's width: %s", v)
			}
		})
	}

	// Forms shown again with their errors are accessible too.
	for _, f := range []struct {
		b            *browsertest.Browser
		path, submit string
	}{
		{tom, child + "/event", `form[action$="/waits/event"] button`},
		{tom, child + "/refer", `form[action$="/waits/refer"] button`},
		{tom, "/staff/waits/transfer?breach=18", `form[action="/staff/waits/transfer"][method="post"] button`},
		{sarah, "/family/children/" + leo + "/waits", `form[action$="/waits/changed"] button`},
	} {
		tab := f.b.Open(t, srv.URL+f.path)
		tab.Submit(t, f.submit)
		if msg, _ := tab.Text(t, ".govuk-error-summary"); tab.Status != 422 || msg == "" {
			t.Errorf("%s sent empty: %d, summary %q", f.path, tab.Status, msg)
		}
		for _, v := range tab.Axe(t) {
			t.Errorf("%s with errors: %s", f.path, v)
		}
	}

	// Recording a stop without JavaScript.
	tab := tom.Open(t, srv.URL+child+"/event", browsertest.WithoutJavaScript())
	day := time.Now().AddDate(0, 0, -1)
	tab.Check(t, `input[name="type"][value="clock_stop"]`)
	tab.Check(t, `input[name="reason"][value="treatment"]`)
	tab.Fill(t, "#date", strconv.Itoa(day.Day()))
	tab.Fill(t, "#date-month", strconv.Itoa(int(day.Month())))
	tab.Fill(t, "#date-year", strconv.Itoa(day.Year()))
	tab.Submit(t, `form[action$="/waits/event"] button`)
	if text, _ := tab.Text(t, "main"); tab.Status != 200 || !strings.HasSuffix(tab.URL, "/waits") || !strings.Contains(text, "Clock stopped: first definitive treatment") {
		t.Errorf("recording a stop: %d at %s: %s", tab.Status, tab.URL, text)
	}
}
