package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/advice"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/fhir"
	"joinedup/internal/ident"
	"joinedup/internal/session"
)

// The FHIR routes join the advice matrix: exporting is reading the request
// (Amira and Daniel through the child, Tom through his team); importing is
// giving advice, for Tom's team only, and {} is refused naming the path.
func init() {
	states := func(def int, sets ...any) map[string]int {
		out := map[string]int{"": def}
		for i := 0; i < len(sets); i += 2 {
			for _, s := range strings.Split(sets[i].(string), "|") {
				out[s] = sets[i+1].(int)
			}
		}
		return out
	}
	const amira = "allocated coordinator|coordinator, no relationship|coordinator, break-glass"
	const tom = "therapist, referral accepted|therapist, referral revoked|therapist, consent withdrawn"
	const signedOut = "anonymous|disabled account"
	maps.Copy(adviceMatrix, map[string]map[string]int{
		"GET /api/v1/advice/{rid}/fhir":  states(403, signedOut, 401, amira, 200, "manager, owning team", 200, tom, 200),
		"POST /api/v1/advice/{rid}/fhir": states(403, signedOut, 401, tom, 422),
		"POST /staff/advice/{rid}/fhir":  states(403, tom, 422),
	})
}

// fhirAdvice is the advice the round trip sends: needs before provision, so
// the provision is item 1 of the QuestionnaireResponse.
var fhirAdvice = advice.SubmissionInput{Statements: []advice.Statement{
	{Section: advice.Need, Body: "Finds it hard to follow instructions of more than two steps in a noisy room.", Source: "Clinic assessment, 3 November 2026"},
	{Section: advice.Provision, Body: "Direct therapy on understanding language", Who: "Speech and language therapist",
		HowOften: "30 minutes weekly", HowLong: "two school terms, then reviewed", Source: "Clinic assessment, 3 November 2026"},
	{Section: advice.Outcome, Body: "By the end of the school year, follows three-step instructions in class without prompting.", Source: "Agreed with the mother"},
	{Section: advice.View, Body: "Says they like it when the teacher shows pictures.", Source: "Conversation in clinic, 3 November 2026"},
}, Attachments: []advice.Attachment{{Name: "Speech and language report.pdf", Content: []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n")}}}

// The round trip on both databases: a request exported as FHIR validates and
// carries the child's NHS number; advice built from the export is refused
// whole, naming the JSON pointer, when the NHS number's check digit is wrong,
// when it is another child's, or when the provision is not quantified (advice's
// own rule); the good bundle is submitted and reads back as sent, a second
// import (the answer page's upload) is version 2; and every request of the
// demo exports and validates.
func TestAdviceFHIRRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h, w := matrixServer(t, d)
		ctx := context.Background()
		sp := loadAPISpec(t, h)
		child := adviceChild(t, d, w.amira)
		amira, _ := access.LoadActor(ctx, d, w.amira)
		tom, _ := access.LoadActor(ctx, d, w.tom)
		req, err := advice.Ask(ctx, d, amira, child, advice.RequestInput{TeamID: tom.TeamID, Question: "Advice on communication needs",
			Consent: "Mother agreed by phone on 21 October", Sent: date.Of(2026, 10, 22)})
		if err != nil {
			t.Fatal(err)
		}
		var nhs string
		if err := d.QueryRow("SELECT COALESCE(nhs_number, '') FROM children WHERE id = $1", child).Scan(&nhs); err != nil || nhs == "" {
			t.Fatalf("the child's NHS number: %q %v", nhs, err)
		}
		send := func(person, method, path, contentType string, body []byte) *httptest.ResponseRecorder {
			t.Helper()
			r := httptest.NewRequest(method, path, bytes.NewReader(body))
			if contentType != "" {
				r.Header.Set("Content-Type", contentType)
			}
			secret, _, err := session.Create(ctx, d, person, "test", "fhir", session.StaffTimeouts)
			if err != nil {
				t.Fatal(err)
			}
			r.AddCookie(&http.Cookie{Name: "joinedup", Value: secret})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
				sp.check(t, r, rec)
			}
			return rec
		}
		path := "/api/v1/advice/" + req.ID + "/fhir"

		// The export: audited as reading the request.
		views := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events WHERE actor_id = $1 AND action = 'advice.view' AND child_id = $2", w.amira, child)
		got := send(w.amira, "GET", path, "", nil)
		if got.Code != 200 || got.Header().Get("Content-Type") != fhir.MediaType {
			t.Fatalf("export: %d %s %s", got.Code, got.Header().Get("Content-Type"), got.Body)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events WHERE actor_id = $1 AND action = 'advice.view' AND child_id = $2", w.amira, child); n != views+1 {
			t.Errorf("the export wrote %d advice.view audit rows, want 1", n-views)
		}
		if ps, err := fhir.Validate(got.Body.Bytes()); err != nil || len(ps) > 0 {
			t.Fatalf("the export does not validate: %v %v", ps, err)
		}
		// The response is built from what the export says, as a clinical system would.
		var exported fhir.Bundle
		if err := json.Unmarshal(got.Body.Bytes(), &exported); err != nil {
			t.Fatal(err)
		}
		var patient fhir.Patient
		var sr fhir.ServiceRequest
		json.Unmarshal(exported.Entry[0].Resource, &patient)
		json.Unmarshal(exported.Entry[1].Resource, &sr)
		if len(exported.Entry) != 3 || patient.Identifier[0].Value != nhs || sr.ID != req.ID || sr.OccurrencePeriod.End != req.Due.String() {
			t.Fatalf("the export: %d entries, NHS number %s, request %s due %s", len(exported.Entry), patient.Identifier[0].Value, sr.ID, sr.OccurrencePeriod.End)
		}
		asked := advice.Request{ID: sr.ID, ChildID: patient.ID, ChildName: patient.Name[0].Text, NHSNumber: patient.Identifier[0].Value}
		asked.DateOfBirth, _ = date.Parse(patient.BirthDate)
		build := func(in advice.SubmissionInput, nhsNumber string) []byte {
			t.Helper()
			r := asked
			r.NHSNumber = nhsNumber
			doc, err := fhir.AdviceBundle(r, in, "Tom Nguyen", time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			return doc
		}

		stored := func() int {
			return dbtest.Count(t, d, `SELECT (SELECT COUNT(*) FROM advice_submissions) + (SELECT COUNT(*) FROM advice_statements)
				+ (SELECT COUNT(*) FROM advice_attachments) + (SELECT COUNT(*) FROM ehc_events)`)
		}
		before := stored()
		wrongDigit := nhs[:9] + string('0'+(nhs[9]-'0'+1)%10)
		other := "4010232137" // a valid number (NHS Data Dictionary check digit), not the child's
		if _, err := ident.NHSNumber(other); err != nil || other == nhs {
			t.Fatal("the other NHS number must be valid and not the child's")
		}
		unquantified := fhirAdvice
		unquantified.Statements = append([]advice.Statement(nil), fhirAdvice.Statements...)
		unquantified.Statements[1].Who = ""
		for _, c := range []struct {
			name, person, contentType string
			body                      []byte
			status                    int
			field, words              string
		}{
			{"a wrong NHS number check digit", w.tom, fhir.MediaType, build(fhirAdvice, wrongDigit), 422, "/entry/0/resource/identifier/0/value", "the check digit is wrong"},
			{"another child's NHS number", w.tom, fhir.MediaType, build(fhirAdvice, other), 422, "/entry/0/resource/identifier/0/value", "is not the NHS number of the child"},
			{"provision without who gives it (advice's own rule)", w.tom, "application/json", build(unquantified, nhs), 422, "/entry/1/resource/item/1/item/1", "Say who provides provision 1"},
			{"not sent as JSON", w.tom, "text/plain", build(fhirAdvice, nhs), 415, "", ""},
			{"larger than three 10 MB reports", w.tom, fhir.MediaType, make([]byte, fhirBodyLimit+1), 413, "", ""},
			{"the coordinator, who does not give advice", w.amira, fhir.MediaType, build(fhirAdvice, nhs), 403, "", ""},
		} {
			got := send(c.person, "POST", path, c.contentType, c.body)
			if got.Code != c.status {
				t.Errorf("%s: %d, want %d: %s", c.name, got.Code, c.status, got.Body)
			}
			if c.field != "" {
				var e apiErrorBody
				json.Unmarshal(got.Body.Bytes(), &e)
				if e.Error == nil || len(e.Error.Fields) == 0 || e.Error.Fields[0].Name != c.field || !strings.Contains(e.Error.Fields[0].Message, c.words) {
					t.Errorf("%s: %s, want %q at %s", c.name, got.Body, c.words, c.field)
				}
			}
			if n := stored(); n != before {
				t.Errorf("%s: %d rows kept", c.name, n-before)
			}
		}

		got = send(w.tom, "POST", path, fhir.MediaType, build(fhirAdvice, nhs))
		var v apiAdviceVersion
		json.Unmarshal(got.Body.Bytes(), &v)
		sum := sha256.Sum256(fhirAdvice.Attachments[0].Content)
		if got.Code != 201 || v.Version != 1 || v.Statements != 4 || len(v.Attachments) != 1 || v.Attachments[0].SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("import: %d %s", got.Code, got.Body)
		}
		// The answer page's upload is the same import: a refusal in the page's summary, then version 2.
		upload := func(doc []byte) *httptest.ResponseRecorder {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			fw, _ := mw.CreateFormFile("fhir", "advice.json")
			fw.Write(doc)
			mw.Close()
			return send(w.tom, "POST", "/staff/advice/"+req.ID+"/fhir", mw.FormDataContentType(), buf.Bytes())
		}
		before = stored()
		if got := upload(build(fhirAdvice, wrongDigit)); got.Code != 422 || !strings.Contains(got.Body.String(), `href="#fhir"`) ||
			!strings.Contains(got.Body.String(), "In the file at /entry/0/resource/identifier/0/value: NHS number: the check digit is wrong") {
			t.Errorf("a bad upload: %d", got.Code)
		}
		if got := upload(nil); got.Code != 422 || !strings.Contains(got.Body.String(), "Choose the FHIR JSON file") {
			t.Errorf("an empty upload: %d", got.Code)
		}
		if n := stored(); n != before {
			t.Errorf("bad uploads kept %d rows", n-before)
		}
		if got := upload(build(fhirAdvice, nhs)); got.Code != 303 || got.Header().Get("Location") != "/staff/advice/"+req.ID {
			t.Errorf("a good upload: %d %s", got.Code, got.Header().Get("Location"))
		}
		read, err := advice.Get(ctx, d, amira, req.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(read.Submissions) != 2 || read.Status != advice.Submitted {
			t.Fatalf("%d versions, status %s", len(read.Submissions), read.Status)
		}
		for _, s := range read.Submissions {
			if !reflect.DeepEqual(s.Statements, fhirAdvice.Statements) || s.Reused ||
				len(s.Attachments) != 1 || s.Attachments[0].Name != "Speech and language report.pdf" || s.Attachments[0].SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("version %d reads back as %+v", s.Version, s)
			}
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM ehc_events e JOIN ehc_cases k ON k.id = e.case_id WHERE k.child_id = $1 AND e.type = 'advice_received'", child); n != 1 {
			t.Errorf("%d advice_received events, want 1 (the first version's)", n)
		}

		// Every request in the demo exports, and the export validates (RequestBundle refuses otherwise).
		var dco string
		if err := d.QueryRow("SELECT person_id FROM role_grants WHERE role = 'designated_clinical_officer' ORDER BY person_id LIMIT 1").Scan(&dco); err != nil {
			t.Fatal(err)
		}
		rows, err := d.Query("SELECT id FROM advice_requests ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for rows.Next() {
			var id string
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		if len(ids) < 10 {
			t.Fatalf("only %d requests for advice in the demo", len(ids))
		}
		for _, id := range ids {
			got := send(dco, "GET", "/api/v1/advice/"+id+"/fhir", "", nil)
			if got.Code != 200 {
				t.Errorf("exporting %s: %d %s", id, got.Code, got.Body)
				continue
			}
			if ps, err := fhir.Validate(got.Body.Bytes()); err != nil || len(ps) > 0 {
				t.Errorf("exporting %s: %v %v", id, ps, err)
			}
		}
	})
}
