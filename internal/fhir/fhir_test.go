package fhir

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"joinedup/internal/advice"
	"joinedup/internal/apperr"
	"joinedup/internal/date"
)

const shared = "../../../shared/standards/fhir/"

// The embedded schema is HL7's file as the shared folder holds it: the same
// bytes as the file beside the README, and the sha256 the README records.
func TestEmbeddedSchemaIsTheSharedOne(t *testing.T) {
	got, err := SchemaJSON()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(shared + "README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("sha256 `([0-9a-f]{64})`").FindSubmatch(readme)
	if m == nil {
		t.Fatal("the shared README records no sha256")
	}
	sum := sha256.Sum256(got)
	if hex.EncodeToString(sum[:]) != string(m[1]) {
		t.Errorf("the embedded schema's sha256 is %x, the README says %s", sum, m[1])
	}
	file, err := os.ReadFile(shared + "fhir.r4-4.0.1.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, file) {
		t.Error("the embedded schema differs from the shared file")
	}
}

// The shared illustrative fixtures: the five good ones validate; the bad
// Patient fails at the three places the shared README shows.
func TestSharedFixtures(t *testing.T) {
	for _, f := range []string{"patient", "servicerequest", "qr", "docref", "consent"} {
		doc, err := os.ReadFile(shared + "examples-send/" + f + ".json")
		if err != nil {
			t.Fatal(err)
		}
		if ps, err := Validate(doc); err != nil || len(ps) > 0 {
			t.Errorf("%s: %v %v", f, ps, err)
		}
	}
	doc, err := os.ReadFile(shared + "examples-send/bad_patient.json")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := Validate(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"": "'identifer' not allowed", "/birthDate": "does not match pattern", "/gender": "must be one of"}
	if len(ps) != len(want) {
		t.Errorf("bad_patient: %v, want 3 problems", ps)
	}
	for _, p := range ps {
		if !strings.Contains(p.Message, want[p.Path]) || want[p.Path] == "" {
			t.Errorf("bad_patient: unexpected %q at %q", p.Message, p.Path)
		}
	}
}

// The request testdata/advice-bundle.json answers (Alex is invented; the NHS
// number is the shared fixture's, a valid check digit).
var alex = advice.Request{ID: "5b0c7a52-3f7e-4c59-9d3a-0c1f4b8e2a11", ChildID: "0e9d2c4b-6a71-4f3e-8b25-7d4c1a9e3f60",
	ChildName: "Alex Smith", DateOfBirth: date.Of(2016, 3, 2), NHSNumber: "9434765919"}

var pdf = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n")

// alexAdvice is what testdata/advice-bundle.json says, written out by hand.
var alexAdvice = advice.SubmissionInput{Statements: []advice.Statement{
	{Section: "need", Body: "Finds it hard to follow instructions of more than two steps in a noisy room.", Source: "Clinic assessment, 3 November 2026"},
	{Section: "provision", Body: "Direct therapy on understanding language", Who: "Speech and language therapist", HowOften: "30 minutes weekly",
		HowLong: "two school terms, then reviewed", Source: "Clinic assessment, 3 November 2026"},
	{Section: "outcome", Body: "By the end of the school year, follows three-step instructions in class without prompting.", Source: "Agreed with Alex's mother"},
	{Section: "view", Body: "Alex says he likes it when the teacher shows pictures.", Source: "Conversation with Alex, 3 November 2026"},
}, Attachments: []advice.Attachment{{Name: "Speech and language report.pdf", Content: pdf}}}

func fixture(t testing.TB) map[string]any {
	t.Helper()
	doc, err := os.ReadFile("testdata/advice-bundle.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// at walks a JSON pointer to the container holding its last token.
func at(t *testing.T, m any, ptr string) (parent any, last string) {
	t.Helper()
	toks := strings.Split(ptr, "/")[1:]
	for _, tok := range toks[:len(toks)-1] {
		switch v := m.(type) {
		case map[string]any:
			m = v[tok]
		case []any:
			i, _ := strconv.Atoi(tok)
			m = v[i]
		}
	}
	if m == nil {
		t.Fatalf("%s: no such place in the fixture", ptr)
	}
	return m, toks[len(toks)-1]
}

func set(ptr string, v any) func(*testing.T, map[string]any) {
	return func(t *testing.T, m map[string]any) {
		p, last := at(t, m, ptr)
		switch c := p.(type) {
		case map[string]any:
			c[last] = v
		case []any:
			i, _ := strconv.Atoi(last)
			c[i] = v
		}
	}
}

func del(ptr string) func(*testing.T, map[string]any) {
	return func(t *testing.T, m map[string]any) {
		p, last := at(t, m, ptr)
		delete(p.(map[string]any), last)
	}
}

func appendEntry(resource map[string]any) func(*testing.T, map[string]any) {
	return func(t *testing.T, m map[string]any) {
		m["entry"] = append(m["entry"].([]any), map[string]any{"fullUrl": "urn:uuid:3f1d8c2e-9b47-4a05-8e6f-2c7b5d9a1e04", "resource": resource})
	}
}

// Each case is the good fixture with one thing wrong (SEND Regulations 2014
// reg 6-8 advice, UK Core Patient, FHIR R4), and the path and words the
// refusal must carry.
func TestParseAdvice(t *testing.T) {
	big := base64.StdEncoding.EncodeToString(append([]byte("%PDF-1.4\n"), make([]byte, advice.MaxAttachmentSize)...))
	cases := []struct {
		name       string
		change     func(*testing.T, map[string]any)
		path, want string // "" path and want: accepted
	}{
		{"the good fixture", nil, "", ""},
		{"basedOn as a relative reference", set("/entry/1/resource/basedOn/0", map[string]any{"reference": "ServiceRequest/" + alex.ID}), "", ""},
		{"basedOn as our identifier", set("/entry/1/resource/basedOn/0", map[string]any{"identifier": map[string]any{"system": RequestSystem, "value": alex.ID}}), "", ""},
		{"the NHS number with spaces", set("/entry/0/resource/identifier/0/value", "943 476 5919"), "", ""},
		{"a wrong NHS number check digit (NHS Data Dictionary: modulus 11)", set("/entry/0/resource/identifier/0/value", "9434765918"),
			"/entry/0/resource/identifier/0/value", "NHS number: the check digit is wrong (expected 9)"},
		{"NHS number 0000000000", set("/entry/0/resource/identifier/0/value", "0000000000"), "/entry/0/resource/identifier/0/value", "cannot be all zeros"},
		{"NHS number with a remainder of 10", set("/entry/0/resource/identifier/0/value", "1000000010"), "/entry/0/resource/identifier/0/value", "no NHS number starts with these 9 digits"},
		{"another child's (valid) NHS number", set("/entry/0/resource/identifier/0/value", "4010232137"), "/entry/0/resource/identifier/0/value", "is not the NHS number of the child"},
		{"no NHS number", del("/entry/0/resource/identifier"), "/entry/0/resource/identifier", "must hold the child's NHS number"},
		{"an unknown property", set("/entry/1/resource/itme", []any{}), "/entry/1/resource", "additional properties 'itme' not allowed"},
		{"an unknown property in an item", set("/entry/1/resource/item/0/answer", []any{map[string]any{"valueText": "x"}}), "/entry/1/resource/item/0/answer/0", "additional properties 'valueText' not allowed"},
		{"a DocumentReference without its required content", del("/entry/2/resource/content"), "/entry/2/resource", "missing property 'content'"},
		{"an item without its linkId (R4 1..1; not in the JSON schema)", del("/entry/1/resource/item/2/linkId"), "/entry/1/resource/item/2/linkId", `"" is not an item`},
		{"a status R4 does not have", set("/entry/1/resource/status", "done"), "/entry/1/resource/status", "must be one of"},
		{"advice still in progress", set("/entry/1/resource/status", "in-progress"), "/entry/1/resource/status", "must be completed"},
		{"a birth date in the wrong format", set("/entry/0/resource/birthDate", "02/03/2016"), "/entry/0/resource/birthDate", "does not match pattern"},
		{"a reference to another request", set("/entry/1/resource/basedOn/0/reference", "ServiceRequest/ehcna-health-advice-req-1"), "/entry/1/resource/basedOn", "must refer to the ServiceRequest"},
		{"no basedOn", del("/entry/1/resource/basedOn"), "/entry/1/resource/basedOn", "must refer to the ServiceRequest"},
		{"a subject that is not the bundle's Patient", set("/entry/1/resource/subject/reference", "Patient/child-1"), "/entry/1/resource/subject", "must refer to the bundle's Patient"},
		{"a non-PDF attachment by its type", set("/entry/2/resource/content/0/attachment/contentType", "application/msword"), "/entry/2/resource/content/0/attachment/contentType", "must be application/pdf"},
		{"a non-PDF attachment by its bytes", set("/entry/2/resource/content/0/attachment/data", base64.StdEncoding.EncodeToString([]byte("PK\x03\x04 a zip"))),
			"/entry/2/resource/content/0/attachment/data", "is not a PDF"},
		{"an attachment by url only", del("/entry/2/resource/content/0/attachment/data"), "/entry/2/resource/content/0/attachment/data", "does not fetch a url"},
		{"an oversize attachment (advice: 10 MB)", set("/entry/2/resource/content/0/attachment/data", big), "/entry/2/resource/content/0/attachment/data", "larger than 10 MB"},
		{"a size that is not the data's", set("/entry/2/resource/content/0/attachment/size", 7), "/entry/2/resource/content/0/attachment/size", "says 7 bytes"},
		{"an unknown item", set("/entry/1/resource/item/3/linkId", "wishes"), "/entry/1/resource/item/3/linkId", `"wishes" is not an item`},
		{"an unknown part of a provision", set("/entry/1/resource/item/1/item/1/linkId", "provision.by"), "/entry/1/resource/item/1/item/1/linkId", "is not a part of a provision"},
		{"a number for a text", set("/entry/1/resource/item/0/item/0/answer/0", map[string]any{"valueInteger": 3}), "/entry/1/resource/item/0/item/0/answer", "must be one valueString"},
		{"a group answered as a question", set("/entry/1/resource/item/0/answer", []any{map[string]any{"valueString": "x"}}), "/entry/1/resource/item/0/answer", "is a group"},
		{"a resource type an advice bundle does not hold", appendEntry(map[string]any{"resourceType": "Consent", "scope": map[string]any{"text": "x"}, "category": []any{map[string]any{"text": "x"}}}),
			"/entry/3/resource/resourceType", "not a Consent"},
		{"a resource type joinedup does not read", appendEntry(map[string]any{"resourceType": "Observation"}), "/entry/3/resource/resourceType", "must be one of"},
		{"an entry without a resource", set("/entry/0", map[string]any{"fullUrl": "urn:uuid:x"}), "/entry/0/resource", "must hold a resource"},
		{"no Patient", func(t *testing.T, m map[string]any) { m["entry"] = m["entry"].([]any)[1:] }, "/entry", "must hold the child as a Patient"},
		{"a second QuestionnaireResponse", func(t *testing.T, m map[string]any) {
			m["entry"] = append(m["entry"].([]any), m["entry"].([]any)[1])
		}, "/entry/3/resource", "there must be one QuestionnaireResponse"},
		{"a transaction", set("/type", "transaction"), "/type", "must be collection"},
		{"a Patient sent alone", func(t *testing.T, m map[string]any) {
			p := m["entry"].([]any)[0].(map[string]any)["resource"].(map[string]any)
			clear(m)
			for k, v := range p {
				m[k] = v
			}
		}, "/resourceType", "must be Bundle"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := fixture(t)
			if c.change != nil {
				c.change(t, m)
			}
			doc, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			adv, err := ParseAdvice(doc, alex)
			if c.path == "" && c.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if !reflect.DeepEqual(adv.Input, alexAdvice) {
					t.Errorf("read\n%+v\nwant\n%+v", adv.Input, alexAdvice)
				}
				return
			}
			var e *apperr.Error
			if !errors.As(err, &e) || e.Code != apperr.Invalid {
				t.Fatalf("got %v, want a refusal at %s", err, c.path)
			}
			for _, f := range e.Fields {
				if f.Name == c.path && strings.Contains(f.Message, c.want) {
					return
				}
			}
			t.Errorf("refused with %v; want %q at %s", e.Fields, c.want, c.path)
		})
	}
}

// A child with no NHS number on our record: a Patient without one is
// accepted (the export sends none), and one with a number is not the child's.
func TestParseAdviceForAChildWithoutAnNHSNumber(t *testing.T) {
	none := alex
	none.NHSNumber = ""
	doc, err := AdviceBundle(none, alexAdvice, "", time.Date(2026, 11, 10, 15, 30, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseAdvice(doc, none); err != nil {
		t.Errorf("no NHS number on either side: %v", err)
	}
	file, _ := os.ReadFile("testdata/advice-bundle.json")
	_, err = ParseAdvice(file, none)
	var e *apperr.Error
	if !errors.As(err, &e) || e.Fields[0].Name != "/entry/0/resource/identifier/0/value" || !strings.Contains(e.Fields[0].Message, "is not the NHS number") {
		t.Errorf("an NHS number for a child we hold none for: %v", err)
	}
}

// Not JSON, or too large to read, is refused before anything else.
func TestParseAdviceRefusesWhatIsNotABundle(t *testing.T) {
	for _, c := range []struct {
		name string
		doc  []byte
		want string
	}{
		{"not JSON", []byte(`{"resourceType": "Bundle",`), "is not JSON"},
		{"two documents", []byte(`{"resourceType": "Bundle", "type": "collection"} {}`), "is not JSON"},
		{"an array", []byte(`[]`), "must be a JSON object"},
		{"larger than three 10 MB reports", make([]byte, MaxBundle+1), "is larger than"},
	} {
		_, err := ParseAdvice(c.doc, alex)
		var e *apperr.Error
		if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Name != "" || !strings.Contains(e.Fields[0].Message, c.want) {
			t.Errorf("%s: %v, want %q at the root", c.name, err, c.want)
		}
	}
}

// Advice's own refusals (Submit names its form's fields) point at the item.
func TestLocate(t *testing.T) {
	m := fixture(t)
	set("/entry/1/resource/item/1/item/1/answer", []any{})(t, m) // provision.who left blank
	doc, _ := json.Marshal(m)
	adv, err := ParseAdvice(doc, alex)
	if err != nil {
		t.Fatal(err)
	}
	if adv.Input.Statements[1].Who != "" {
		t.Fatalf("who: %q", adv.Input.Statements[1].Who)
	}
	submitted := &apperr.Error{Code: apperr.Invalid, Message: "the advice cannot be submitted", Fields: []apperr.Field{
		{Name: "provision-1-who", Message: "Say who provides provision 1"}, {Name: "view-1-body", Message: "Write at least one view"},
		{Name: "attachment", Message: "x.pdf is larger than 10 MB"}}}
	var e *apperr.Error
	if !errors.As(adv.Locate(submitted), &e) {
		t.Fatal("not an apperr")
	}
	want := []apperr.Field{{Name: "/entry/1/resource/item/1/item/1", Message: "Say who provides provision 1"},
		{Name: "/entry/1/resource/item/3/item/0", Message: "Write at least one view"},
		{Name: "/entry/2/resource", Message: "x.pdf is larger than 10 MB"}}
	if !reflect.DeepEqual(e.Fields, want) {
		t.Errorf("located %v, want %v", e.Fields, want)
	}
	other := errors.New("disk full")
	if adv.Locate(other) != other {
		t.Error("an error that is not a refusal must pass through")
	}
}

// What we build is what we read: AdviceBundle and ParseAdvice are inverses,
// reused advice included, and the fixture is AdviceBundle's output.
func TestAdviceBundleRoundTrip(t *testing.T) {
	reused := advice.SubmissionInput{Statements: alexAdvice.Statements[:1], Reused: true,
		ReuseAgreement: "Agreed at the meeting on 2 November 2026 with Alex's mother and the council"}
	for _, in := range []advice.SubmissionInput{alexAdvice, reused} {
		doc, err := AdviceBundle(alex, in, "Dr Ada Invented", time.Date(2026, 11, 10, 15, 30, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		adv, err := ParseAdvice(doc, alex)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(adv.Input, in) {
			t.Errorf("read back\n%+v\nwant\n%+v", adv.Input, in)
		}
	}
	doc, _ := AdviceBundle(alex, alexAdvice, "Dr Ada Invented, Speech and Language Therapist", time.Date(2026, 11, 10, 15, 30, 0, 0, time.UTC))
	file, _ := os.ReadFile("testdata/advice-bundle.json")
	if !bytes.Equal(doc, file) {
		t.Error("testdata/advice-bundle.json is not what AdviceBundle writes for Alex's advice")
	}
}

// The request as a Bundle: the Patient with the NHS number, the
// ServiceRequest naming the question, the 6-week date, the council and the
// team, and the Consent only when the family's agreement is recorded.
func TestRequestBundle(t *testing.T) {
	r := alex
	r.Question, r.Consent, r.Status = "Advice on communication needs", "Mother agreed by phone on 21 October", advice.Open
	r.Received, r.Due, r.RequestedAt = date.Of(2026, 10, 22), date.Of(2026, 12, 3), time.Date(2026, 10, 22, 9, 0, 0, 0, time.UTC)
	parties := advice.Parties{Council: "Worcestershire County Council", Team: "Speech and Language Therapy", Provider: "Invented Health NHS Trust", ProviderODS: "ZZ901"}
	for _, withConsent := range []bool{true, false} {
		if !withConsent {
			r.Consent = ""
		}
		doc, err := RequestBundle(r, parties, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		var b Bundle
		if err := json.Unmarshal(doc, &b); err != nil {
			t.Fatal(err)
		}
		if b.Type != "collection" || b.Identifier.Value != r.ID || len(b.Entry) != map[bool]int{true: 3, false: 2}[withConsent] {
			t.Fatalf("bundle %s with %d entries", b.Type, len(b.Entry))
		}
		var p Patient
		var sr ServiceRequest
		json.Unmarshal(b.Entry[0].Resource, &p)
		json.Unmarshal(b.Entry[1].Resource, &sr)
		if p.Identifier[0].System != NHSNumberSystem || p.Identifier[0].Value != "9434765919" || p.BirthDate != "2016-03-02" ||
			p.Identifier[0].Extension[0].URL != VerificationURL {
			t.Errorf("patient %+v", p)
		}
		if sr.ID != r.ID || sr.Intent != "order" || sr.Status != "active" || sr.Subject.Reference != b.Entry[0].FullURL ||
			sr.OccurrencePeriod.End != "2026-12-03" || sr.Note[0].Text != r.Question || sr.Requester.Display != parties.Council ||
			sr.Performer[0].Display != "Speech and Language Therapy, Invented Health NHS Trust" || sr.Performer[0].Identifier.Value != "ZZ901" {
			t.Errorf("service request %+v", sr)
		}
		if withConsent {
			var c Consent
			json.Unmarshal(b.Entry[2].Resource, &c)
			words, _ := base64.StdEncoding.DecodeString(c.SourceAttachment.Data)
			if c.Patient.Reference != b.Entry[0].FullURL || string(words) != "Mother agreed by phone on 21 October" ||
				len(sr.SupportingInfo) != 1 || sr.SupportingInfo[0].Reference != b.Entry[2].FullURL {
				t.Errorf("consent %+v", c)
			}
		} else if len(sr.SupportingInfo) != 0 {
			t.Error("a consent referred to without one")
		}
	}
	r.Status = advice.Withdrawn
	doc, _ := RequestBundle(r, parties, time.Now())
	if !bytes.Contains(doc, []byte(`"status": "revoked"`)) {
		t.Error("a withdrawn request is not revoked")
	}
}
