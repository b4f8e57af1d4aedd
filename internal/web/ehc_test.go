package web

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/session"
)

// Recording an event through the form: a date that does not exist and a date
// in the future come back as 422 naming the date, with nothing stored; a
// good one is stored and leads back to the case.
func TestEHCRecordForm(t *testing.T) {
	d := dbtest.SQLite(t)
	h, w := matrixServer(t, d)
	secret, _, err := session.Create(context.Background(), d, w.amira, "test", "form", session.StaffTimeouts)
	if err != nil {
		t.Fatal(err)
	}
	post := func(form url.Values) (int, string) {
		r := httptest.NewRequest("POST", "/staff/children/"+w.leo+"/ehc/record", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.AddCookie(&http.Cookie{Name: "joinedup", Value: secret})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Code, rec.Body.String()
	}
	events := func() int { return dbtest.Count(t, d, "SELECT COUNT(*) FROM ehc_events") }
	before := events()
	now := db.Now()
	for _, c := range []struct {
		name       string
		day, month string
		year       string
		want       int
		says       string
	}{
		{"30 February", "30", "2", "2026", 422, "that month has no day 30"},
		{"not a number", "x", "2", "2026", 422, "Enter a real date"},
		{"tomorrow", "23", "11", "2099", 422, "cannot be in the future"},
		{"today", strconv.Itoa(now.Day()), strconv.Itoa(int(now.Month())), strconv.Itoa(now.Year()), 303, ""},
	} {
		status, body := post(url.Values{"type": {"review_meeting"}, "date-day": {c.day}, "date-month": {c.month}, "date-year": {c.year}})
		if status != c.want || !strings.Contains(body, c.says) {
			t.Errorf("%s: %d, want %d saying %q", c.name, status, c.want, c.says)
		}
		if c.want == 422 && (!strings.Contains(body, `govuk-error-summary`) || !strings.Contains(body, `href="#date"`) || events() != before) {
			t.Errorf("%s: the summary does not link to the date, or something was stored", c.name)
		}
	}
	if events() != before+1 {
		t.Errorf("%d events stored, want 1", events()-before)
	}
}

// The caseload comes a page at a time: the team view of the tiny demo runs
// past one page, each page links to the others keeping its filters, a page
// past the end says so and links back, and a page that cannot exist is refused
// naming it.
func TestEHCCaseloadPages(t *testing.T) {
	d := dbtest.SQLite(t)
	h, w := matrixServer(t, d)
	secret, _, err := session.Create(context.Background(), d, w.daniel, "test", "pages", session.StaffTimeouts)
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) (int, string) {
		r := httptest.NewRequest("GET", path, nil)
		r.AddCookie(&http.Cookie{Name: "joinedup", Value: secret})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Code, rec.Body.String()
	}
	total := dbtest.Count(t, d, "SELECT COUNT(*) FROM ehc_cases")
	if total <= ehcCasesPerPage {
		t.Fatalf("the tiny demo has %d cases: too few for a second page", total)
	}
	rows := func(body string) int { return strings.Count(body, `href="/staff/children/`) }
	code, first := get("/staff/ehc")
	if code != 200 || rows(first) != ehcCasesPerPage || !strings.Contains(first, "1 to 50 are shown") ||
		!strings.Contains(first, `href="/staff/ehc?page=2" rel="next"`) {
		t.Errorf("page 1: %d, %d rows, or no link to page 2", code, rows(first))
	}
	last := (total + ehcCasesPerPage - 1) / ehcCasesPerPage
	code, end := get("/staff/ehc?page=" + strconv.Itoa(last))
	if want := total - (last-1)*ehcCasesPerPage; code != 200 || rows(end) != want || strings.Contains(end, `rel="next"`) {
		t.Errorf("page %d: %d, %d rows (want %d), or a next link", last, code, rows(end), want)
	}
	if code, body := get("/staff/ehc?due=week&page=2"); code != 200 || strings.Contains(body, `rel="next"`) && !strings.Contains(body, "due=week&amp;page=3") {
		t.Errorf("due this week, page 2: %d, or its links lose the filter", code)
	}
	code, past := get("/staff/ehc?page=" + strconv.Itoa(last+1))
	if code != 200 || rows(past) != 0 || !strings.Contains(past, "There are no more on this page") || !strings.Contains(past, `href="/staff/ehc"`) {
		t.Errorf("past the last page: %d, %d rows", code, rows(past))
	}
	for _, bad := range []string{"0", "-1", "two", "1e3"} {
		if code, body := get("/staff/ehc?page=" + bad); code != 422 || !strings.Contains(body, "There is no page") {
			t.Errorf("page=%s: %d, want a 422 naming the page", bad, code)
		}
	}
}

// The event form does not record the plan's own events, which go with a
// plan document or a decision letter (draft and final plans, reg 13; a
// decision not to issue one, reg 10 and CFA 2014 s51(2)(b); proposed
// amendments and the amended plan, reg 22): the chooser does not offer
// them, and a form posted with one comes back naming the type and the plan
// page to use, storing nothing.
func TestEHCRecordFormRefusesThePlansOwnEvents(t *testing.T) {
	d := dbtest.SQLite(t)
	h, w := matrixServer(t, d)
	secret, _, err := session.Create(context.Background(), d, w.amira, "test", "form", session.StaffTimeouts)
	if err != nil {
		t.Fatal(err)
	}
	do := func(method string, form url.Values) (int, string) {
		r := httptest.NewRequest(method, "/staff/children/"+w.leo+"/ehc/record", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.AddCookie(&http.Cookie{Name: "joinedup", Value: secret})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Code, rec.Body.String()
	}
	events := func() int { return dbtest.Count(t, d, "SELECT COUNT(*) FROM ehc_events") }
	_, chooser := do("GET", nil)
	past := db.Now().AddDate(0, 0, -3)
	for _, c := range []struct{ typ, says string }{
		{"draft_plan_issued", "issue the draft plan from the child's EHC plan page"},
		{"final_plan_issued", "issue the final plan and its decision letter from the child's EHC plan page"},
		{"no_plan_decision", "decide not to issue a plan, with its decision letter"},
		{"amendment_notice", "send the proposed amendments from the child's EHC plan page"},
		{"amended_plan_issued", "issue the amended plan and its decision letter from the child's EHC plan page"},
	} {
		if strings.Contains(chooser, `value="`+c.typ+`"`) {
			t.Errorf("the chooser offers %s", c.typ)
		}
		before := events()
		status, body := do("POST", url.Values{"type": {c.typ}, "date-day": {strconv.Itoa(past.Day())}, "date-month": {strconv.Itoa(int(past.Month()))},
			"date-year": {strconv.Itoa(past.Year())}, "note": {"Recorded from the old system"}})
		if status != 422 || !strings.Contains(body, `href="#type"`) || !strings.Contains(body, html.EscapeString(c.says)) || !strings.Contains(body, "/staff/children/"+w.leo+"/ehc/plan") {
			t.Errorf("%s: %d, want 422 naming the type and the plan page (%q)", c.typ, status, c.says)
		}
		if events() != before {
			t.Errorf("%s: refused, yet stored", c.typ)
		}
	}
}
