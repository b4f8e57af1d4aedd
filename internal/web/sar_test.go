package web

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/session"
)

// The subject access request export downloads as an attachment that is never
// cached; a wrong form comes back with its errors; a child out of reach is
// 404 like a child who does not exist; the record page offers the export to
// managers only.
func TestSubjectAccessRequestExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := demo.Generate(ctx, d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
			t.Fatal(err)
		}
		h, err := New(Config{DB: d, Demo: true})
		if err != nil {
			t.Fatal(err)
		}
		w := matrixWorld(t, d)
		do := func(method, path, person string, form url.Values) *httptest.ResponseRecorder {
			t.Helper()
			r := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
			if method == http.MethodPost {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			secret, _, err := session.Create(ctx, d, person, "test", "sar", session.StaffTimeouts)
			if err != nil {
				t.Fatal(err)
			}
			r.AddCookie(&http.Cookie{Name: "joinedup", Value: secret})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			return rec
		}
		reason := "SAR-2026-0001, letter from Leo's mother"

		res := do("POST", "/staff/sar", w.daniel, url.Values{"subject": {w.leo}, "reason": {reason}})
		if res.Code != 200 || res.Header().Get("Content-Type") != "application/zip" ||
			!strings.HasPrefix(res.Header().Get("Content-Disposition"), `attachment; filename="subject-access-request-`) ||
			res.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("export: %d %v", res.Code, res.Header())
		}
		z, err := zip.NewReader(bytes.NewReader(res.Body.Bytes()), int64(res.Body.Len()))
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]bool{}
		for _, f := range z.File {
			names[f.Name] = true
		}
		if !names["manifest.json"] || !names["subject-access-request.html"] || !names["access_log.json"] {
			t.Errorf("archive holds %v", names)
		}
		if strings.Contains(res.Header().Get("Content-Disposition"), "Leo") {
			t.Error("the file name carries the child's name")
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events WHERE action = 'sar.export' AND child_id = $1 AND actor_id = $2 AND reason LIKE $3",
			w.leo, w.daniel, "%"+reason); n != 1 {
			t.Errorf("%d audit rows for the export, want 1", n)
		}

		// Wrong input: the form again, its errors naming the fields.
		res = do("POST", "/staff/sar", w.daniel, url.Values{"subject": {w.leo}, "reason": {"asked"}})
		if body := res.Body.String(); res.Code != 422 || !strings.Contains(body, "govuk-error-summary") || !strings.Contains(body, `href="#reason"`) ||
			!strings.Contains(body, "<title>Error: Subject access request export") {
			t.Errorf("a short reason: %d\n%s", res.Code, body)
		}
		// Hidden and missing: both 404, with the same words.
		var bodies []string
		for _, subject := range []string{w.stranger, "00000000-0000-4000-8000-000000000000"} {
			res = do("POST", "/staff/sar", w.daniel, url.Values{"subject": {subject}, "reason": {reason}})
			if res.Code != 404 || !strings.Contains(res.Body.String(), `href="#subject"`) {
				t.Errorf("subject %s: %d", subject, res.Code)
			}
			bodies = append(bodies, res.Body.String()[strings.Index(res.Body.String(), "govuk-error-summary"):])
		}
		if len(bodies) == 2 && bodies[0][:500] != bodies[1][:500] {
			t.Error("a hidden child and a missing one are told apart")
		}

		// The form is filled in from the record page's link; only managers see the link.
		if res = do("GET", "/staff/sar?subject="+w.leo, w.daniel, nil); res.Code != 200 || !strings.Contains(res.Body.String(), `value="`+w.leo+`"`) {
			t.Errorf("the form from a record's link: %d", res.Code)
		}
		link := `href="/staff/sar?subject=` + w.leo + `"`
		if res = do("GET", "/staff/children/"+w.leo, w.daniel, nil); !strings.Contains(res.Body.String(), link) {
			t.Error("the manager's view of the record has no export link")
		}
		if res = do("GET", "/staff/children/"+w.leo, w.amira, nil); res.Code != 200 || strings.Contains(res.Body.String(), "/staff/sar") {
			t.Errorf("the coordinator's view of the record offers the export (%d)", res.Code)
		}
	})
}
