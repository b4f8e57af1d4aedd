package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/advice"
	"joinedup/internal/fhir"
	"joinedup/internal/web/browsertest"
)

// Advice from a clinical system in a real browser (issue 5): Tom opens a
// request his team has answered (the link to download it as FHIR is there),
// uploads a bundle whose NHS number has a wrong check digit and is shown the
// path that failed in the error summary, then uploads the good bundle and
// lands on the request with it as the next version. axe-core checks every page.
func TestAdviceFHIRInABrowser(t *testing.T) {
	srv, d, email, _ := startTinyDemo(t)
	ctx := context.Background()
	var tomID, rid string
	if err := d.QueryRow("SELECT id FROM people WHERE email = $1", email["Tom Nguyen"]).Scan(&tomID); err != nil {
		t.Fatal(err)
	}
	if err := d.QueryRow(`SELECT r.id FROM advice_requests r JOIN people p ON p.organisation_id = r.team_id
		WHERE p.id = $1 AND r.status = 'submitted' ORDER BY r.id LIMIT 1`, tomID).Scan(&rid); err != nil {
		t.Fatalf("a request Tom's team has answered: %v", err)
	}
	tom, err := access.LoadActor(ctx, d, tomID)
	if err != nil {
		t.Fatal(err)
	}
	req, err := advice.Get(ctx, d, tom, rid)
	if err != nil || req.NHSNumber == "" {
		t.Fatalf("the request: %v (NHS number %q)", err, req.NHSNumber)
	}
	in := advice.SubmissionInput{Statements: []advice.Statement{
		{Section: advice.Need, Body: "Speech is hard for unfamiliar adults to understand.", Source: "Clinic assessment, 3 November 2026"},
		{Section: advice.Provision, Body: "Direct therapy on speech sounds", Who: "Speech and language therapist", HowOften: "30 minutes weekly",
			HowLong: "two school terms", Source: "Clinic assessment, 3 November 2026"},
		{Section: advice.Outcome, Body: "By the summer, is understood by new adults at school most of the time.", Source: "Agreed with the father"},
		{Section: advice.View, Body: "Says they want to be understood by their friends.", Source: "Conversation in clinic"},
	}}
	dir := t.TempDir()
	file := func(name, nhs string) string {
		r := req
		r.NHSNumber = nhs
		doc, err := fhir.AdviceBundle(r, in, "Tom Nguyen", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, doc, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	nhs := req.NHSNumber
	bad := file("bad.json", nhs[:9]+string('0'+(nhs[9]-'0'+1)%10))
	good := file("good.json", nhs)

	b := browsertest.NewBrowser(t)
	b.SignInAsDemo(t, srv.URL, email["Tom Nguyen"])
	request := srv.URL + "/staff/advice/" + rid
	b.CheckPage(t, request, 200)
	tab := b.Open(t, request)
	if href := tab.Attribute(t, `a[download]`, "href"); href != "/api/v1/advice/"+rid+"/fhir" {
		t.Errorf("the download link: %q", href)
	}
	b.CheckPage(t, request+"/answer", 200)
	tab = b.Open(t, request+"/answer")
	tab.Upload(t, "#fhir", bad)
	tab.Submit(t, `form[action$="/fhir"] button`)
	summary, _ := tab.Text(t, ".govuk-error-summary")
	if tab.Status != 422 || !strings.Contains(summary, "/entry/0/resource/identifier/0/value") || !strings.Contains(summary, "check digit") {
		t.Errorf("a wrong check digit: %d, summary %q", tab.Status, summary)
	}
	for _, v := range tab.Axe(t) {
		t.Errorf("the answer page with the upload's errors: %s", v)
	}
	tab.Upload(t, "#fhir", good)
	tab.Submit(t, `form[action$="/fhir"] button`)
	if main, _ := tab.Text(t, "main"); tab.Status != 200 || !strings.HasSuffix(tab.URL, "/staff/advice/"+rid) || !strings.Contains(main, fmt.Sprintf("Version %d,", len(req.Submissions)+1)) {
		t.Errorf("the good bundle: landed on %s (%d): %s", tab.URL, tab.Status, main)
	}
}
