package web

import (
	"context"
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
