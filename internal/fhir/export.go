package fhir

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/advice"
)

// Words the ServiceRequest carries. No SNOMED CT concept for "statutory
// health advice for an EHC needs assessment" was found in the UK Core
// material here, so they are text, which R4 allows wherever a code is.
const (
	categoryText = "EHC needs assessment - request for health advice (SEND Regulations 2014 reg 6(1)(c))"
	codeText     = "Statutory health advice for an EHC needs assessment"
	reasonText   = "Education, health and care needs assessment (Children and Families Act 2014 s36)"
	dueText      = "Due within 6 weeks of receipt of the request (SEND Regulations 2014 reg 8(1))."
	consentRule  = "Agreement to ask for health advice for an EHC needs assessment and to share it with the council (SEND Regulations 2014 reg 6)"
)

// requestStatus is our request's status as a ServiceRequest's.
var requestStatus = map[string]string{advice.Open: "active", advice.Submitted: "completed", advice.Withdrawn: "revoked"}

func urn(id string) string { return "urn:uuid:" + id }

// consentID is the Consent's id: the same for the same request on every export.
func consentID(requestID string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(RequestSystem+"/"+requestID+"/consent")).String()
}

// patient is the child as a UK Core-style Patient. joinedup does not trace
// NHS numbers against the Personal Demographics Service, so the number's
// verification status is 02, "present but not traced".
func patient(r advice.Request) Patient {
	p := Patient{resourceHead: resourceHead{ResourceType: "Patient", ID: r.ChildID, Meta: &Meta{Profile: []string{PatientProfile}}},
		Name: []HumanName{{Use: "official", Text: r.ChildName}}}
	if !r.DateOfBirth.IsZero() {
		p.BirthDate = r.DateOfBirth.String()
	}
	if r.NHSNumber != "" {
		p.Identifier = []Identifier{{System: NHSNumberSystem, Value: r.NHSNumber, Extension: []Extension{{URL: VerificationURL,
			ValueCodeableConcept: &CodeableConcept{Coding: []Coding{{System: VerificationSystem, Code: "02", Display: "Number present but not traced"}}}}}}}
	}
	return p
}

func organisation(name, ods string) *Reference {
	ref := &Reference{Display: name}
	if ods != "" {
		ref.Identifier = &Identifier{System: ODSSystem, Value: ods}
	}
	return ref
}

// RequestBundle is request r as a collection Bundle: the Patient, the
// ServiceRequest and, when r records the family's agreement, the Consent.
// The result is checked against the schema before it is returned: joinedup
// never sends a resource it would refuse.
func RequestBundle(r advice.Request, parties advice.Parties, at time.Time) ([]byte, error) {
	team := parties.Team
	if parties.Provider != "" {
		team += ", " + parties.Provider
	}
	sr := ServiceRequest{resourceHead: resourceHead{ResourceType: "ServiceRequest", ID: r.ID, Meta: &Meta{Profile: []string{RequestProfile}}},
		Identifier: []Identifier{{System: RequestSystem, Value: r.ID}},
		Status:     requestStatus[r.Status], Intent: "order", Priority: "routine",
		Category:   []CodeableConcept{{Text: categoryText}},
		Code:       &CodeableConcept{Text: codeText},
		ReasonCode: []CodeableConcept{{Text: reasonText}},
		Subject:    Reference{Reference: urn(r.ChildID)},
		AuthoredOn: r.RequestedAt.UTC().Format(time.RFC3339),
		// R3 runs from the day the team received the request (reg 8(1)).
		OccurrencePeriod: &Period{Start: r.Received.String(), End: r.Due.String()},
		Requester:        organisation(parties.Council, parties.CouncilODS),
		Performer:        []Reference{*organisation(team, parties.ProviderODS)},
		Note:             []Annotation{{Text: r.Question}, {Text: dueText}},
	}
	entries := []any{patient(r), sr}
	urls := []string{urn(r.ChildID), urn(r.ID)}
	if r.Consent != "" {
		cid := consentID(r.ID)
		sr.SupportingInfo = []Reference{{Reference: urn(cid), Display: "The family's agreement"}}
		entries[1] = sr
		c := Consent{resourceHead: resourceHead{ResourceType: "Consent", ID: cid, Meta: &Meta{Profile: []string{ConsentProfile}}},
			Status:   "active",
			Scope:    CodeableConcept{Coding: []Coding{{System: "http://terminology.hl7.org/CodeSystem/consentscope", Code: "patient-privacy", Display: "Privacy Consent"}}},
			Category: []CodeableConcept{{Coding: []Coding{{System: "http://loinc.org", Code: "59284-0", Display: "Patient Consent"}}}},
			Patient:  Reference{Reference: urn(r.ChildID)}, DateTime: r.RequestedAt.UTC().Format(time.RFC3339),
			PolicyRule: &CodeableConcept{Text: consentRule},
			// The coordinator's own words: how and when the family agreed.
			SourceAttachment: &Attachment{ContentType: "text/plain; charset=utf-8", Data: b64([]byte(r.Consent)), Title: "How and when the family agreed"},
			Provision: &struct {
				Type string `json:"type,omitempty"`
			}{"permit"}}
		entries = append(entries, c)
		urls = append(urls, urn(cid))
	}
	return bundle(&Identifier{System: RequestSystem, Value: r.ID}, at, urls, entries)
}

// AdviceBundle is advice in as a clinical system would send it back for
// request r: the Patient, the QuestionnaireResponse (items as in the package
// documentation) and a DocumentReference for each report. It is ParseAdvice's
// inverse, used by the tests, the benchmark and anyone writing a client.
func AdviceBundle(r advice.Request, in advice.SubmissionInput, author string, at time.Time) ([]byte, error) {
	qrID := uuid.NewSHA1(uuid.NameSpaceURL, []byte(fmt.Sprintf("%s/%s/advice/%d", RequestSystem, r.ID, at.UnixNano()))).String()
	qr := QuestionnaireResponse{resourceHead: resourceHead{ResourceType: "QuestionnaireResponse", ID: qrID, Meta: &Meta{Profile: []string{ResponseProfile}}},
		Questionnaire: Questionnaire, BasedOn: []Reference{{Reference: urn(r.ID)}}, Status: "completed",
		Subject: &Reference{Reference: urn(r.ChildID)}, Authored: at.UTC().Format(time.RFC3339)}
	if author != "" {
		qr.Author = &Reference{Display: author}
	}
	text := func(link, s string) Item {
		if s == "" { // FHIR has no empty strings: a blank is an item without an answer
			return Item{LinkID: link}
		}
		return Item{LinkID: link, Answer: []Answer{{ValueString: &s}}}
	}
	for _, st := range in.Statements {
		body := ".text"
		if st.Section == advice.Provision {
			body = ".what"
		}
		g := Item{LinkID: st.Section, Item: []Item{text(st.Section+body, st.Body)}}
		if st.Section == advice.Provision {
			g.Item = append(g.Item, text("provision.who", st.Who), text("provision.how-often", st.HowOften), text("provision.how-long", st.HowLong))
		}
		g.Item = append(g.Item, text(st.Section+".source", st.Source))
		qr.Item = append(qr.Item, g)
	}
	if in.Reused {
		yes := true
		qr.Item = append(qr.Item, Item{LinkID: linkReused, Answer: []Answer{{ValueBoolean: &yes}}}, text(linkReuseAgreement, in.ReuseAgreement))
	}
	entries := []any{patient(r), qr}
	urls := []string{urn(r.ChildID), urn(qrID)}
	for i, at := range in.Attachments {
		id := uuid.NewSHA1(uuid.NameSpaceURL, []byte(fmt.Sprintf("%s/report/%d", qrID, i))).String()
		doc := DocumentReference{resourceHead: resourceHead{ResourceType: "DocumentReference", ID: id, Meta: &Meta{Profile: []string{DocumentProfile}}},
			Status: "current", DocStatus: "final", Type: &CodeableConcept{Text: "EHC needs assessment health advice"},
			Subject: &Reference{Reference: urn(r.ChildID)},
			Content: []struct {
				Attachment Attachment `json:"attachment"`
			}{{Attachment{ContentType: "application/pdf", Data: b64(at.Content), Size: len(at.Content), Title: at.Name}}},
			Context: &struct {
				Related []Reference `json:"related,omitempty"`
			}{[]Reference{{Reference: urn(r.ID)}}}}
		entries = append(entries, doc)
		urls = append(urls, urn(id))
	}
	return bundle(nil, at, urls, entries)
}

// bundle writes a collection Bundle of entries and checks it.
func bundle(id *Identifier, at time.Time, urls []string, resources []any) ([]byte, error) {
	b := Bundle{ResourceType: "Bundle", Identifier: id, Type: "collection", Timestamp: at.UTC().Format(time.RFC3339)}
	for i, res := range resources {
		raw, err := json.Marshal(res)
		if err != nil {
			return nil, err
		}
		b.Entry = append(b.Entry, Entry{FullURL: urls[i], Resource: raw})
	}
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return nil, err
	}
	ps, err := Validate(out)
	if err != nil {
		return nil, err
	}
	if len(ps) > 0 {
		return nil, fmt.Errorf("fhir: the bundle joinedup wrote breaks the R4 schema: %w", ps)
	}
	return out, nil
}
