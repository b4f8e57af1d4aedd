// Package fhir carries health advice between joinedup and a clinical system
// as HL7 FHIR R4 JSON (issue 5): a request for advice goes out as a Bundle
// holding the child as a UK Core-style Patient (with the NHS number), the
// ServiceRequest and, when the request records the family's agreement, a
// Consent; the advice comes back as a Bundle holding the Patient, one
// QuestionnaireResponse and the PDF reports as DocumentReferences.
//
// Everything is checked against HL7's R4 JSON Schema (embedded, compiled
// once; see schema.go), resource by resource so an error names the element,
// and then against our rules, which the schema cannot express: UK Core's NHS
// number (the identifier system https://fhir.nhs.uk/Id/nhs-number, a valid
// check digit, never 0000000000), the number being the child's, basedOn
// naming the ServiceRequest we sent, and the reports being PDFs within
// advice's limits. Every problem is reported with its JSON pointer
// (/entry/1/resource/item/2/answer/0), and a bundle with any problem is
// refused whole.
//
// Both bundles are of type collection: they carry resources between two
// systems that each keep their own record, and ask the receiver to store
// nothing on our behalf (a transaction would; a message would need a
// MessageHeader and an event code no one has agreed). References between
// entries are their urn:uuid: fullUrls; the ServiceRequest's id is our
// request's id.
//
// # The advice Questionnaire
//
// The QuestionnaireResponse answers https://joinedup.example/fhir/Questionnaire/ehcna-health-advice
// (version 1), whose items map one to one onto advice.SubmissionInput, in the
// order the statements are given. Every text answer is a valueString.
//
//	linkId                  item     repeats  advice.SubmissionInput
//	need                    group    yes      a Statement with Section need (section C)
//	  need.text             string   no         Body: the health need, in plain language
//	  need.source           string   no         Source: where it comes from
//	provision               group    yes      a Statement with Section provision (section G)
//	  provision.what        string   no         Body: what the provision is
//	  provision.who         string   no         Who: who provides it
//	  provision.how-often   string   no         HowOften
//	  provision.how-long    string   no         HowLong
//	  provision.source      string   no         Source
//	outcome                 group    yes      a Statement with Section outcome
//	  outcome.text          string   no         Body
//	  outcome.source        string   no         Source
//	view                    group    yes      a Statement with Section view (the child's and family's views)
//	  view.text             string   no         Body
//	  view.source           string   no         Source
//	reused                  boolean  no       Reused: advice already held is sufficient (reg 6(4))
//	reuse-agreement         string   no       ReuseAgreement: how the family, council and body agreed
//
// Each content of a DocumentReference (status current) is one
// advice.Attachment: its attachment with contentType application/pdf, the PDF
// inline as base64 data (a url is not fetched), and its title as the file's
// name. At most advice.MaxAttachments in all, each within advice.MaxAttachmentSize.
package fhir

import (
	"encoding/base64"
	"encoding/json"
)

// Systems and profiles named in the bundles.
const (
	NHSNumberSystem    = "https://fhir.nhs.uk/Id/nhs-number"
	ODSSystem          = "https://fhir.nhs.uk/Id/ods-organization-code"
	VerificationURL    = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus"
	VerificationSystem = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
	PatientProfile     = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
	RequestProfile     = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-ServiceRequest"
	ResponseProfile    = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-QuestionnaireResponse"
	DocumentProfile    = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-DocumentReference"
	ConsentProfile     = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Consent"
	// RequestSystem is the namespace of our request ids (a placeholder a
	// partnership replaces with its own URL when it agrees one with its trusts).
	RequestSystem = "https://joinedup.example/fhir/Id/advice-request"
	Questionnaire = "https://joinedup.example/fhir/Questionnaire/ehcna-health-advice|1"
	// MediaType is FHIR's JSON media type (R4 http.html#mime-type).
	MediaType = "application/fhir+json"
)

// The Questionnaire's linkIds (see the package documentation).
const (
	linkReused         = "reused"
	linkReuseAgreement = "reuse-agreement"
)

// Bundle and the elements below are the parts of R4 joinedup writes and
// reads; the schema has already refused anything else, so decoding into them
// loses nothing we accept.
type Bundle struct {
	ResourceType string      `json:"resourceType"`
	Meta         *Meta       `json:"meta,omitempty"`
	Identifier   *Identifier `json:"identifier,omitempty"`
	Type         string      `json:"type"`
	Timestamp    string      `json:"timestamp,omitempty"`
	Entry        []Entry     `json:"entry,omitempty"`
}

// Entry is one resource of a Bundle, kept raw until its type is known.
type Entry struct {
	FullURL  string          `json:"fullUrl,omitempty"`
	Resource json.RawMessage `json:"resource,omitempty"`
}

type Meta struct {
	LastUpdated string   `json:"lastUpdated,omitempty"`
	Profile     []string `json:"profile,omitempty"`
}

type Identifier struct {
	Extension []Extension `json:"extension,omitempty"`
	System    string      `json:"system,omitempty"`
	Value     string      `json:"value,omitempty"`
}

type Extension struct {
	URL                  string           `json:"url"`
	ValueCodeableConcept *CodeableConcept `json:"valueCodeableConcept,omitempty"`
}

type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

type Reference struct {
	Reference  string      `json:"reference,omitempty"`
	Identifier *Identifier `json:"identifier,omitempty"`
	Display    string      `json:"display,omitempty"`
}

type HumanName struct {
	Use  string `json:"use,omitempty"`
	Text string `json:"text,omitempty"`
}

type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

type Annotation struct {
	Text string `json:"text"`
}

type Attachment struct {
	ContentType string `json:"contentType,omitempty"`
	Data        string `json:"data,omitempty"` // base64
	URL         string `json:"url,omitempty"`
	Size        int    `json:"size,omitempty"`
	Title       string `json:"title,omitempty"`
	Creation    string `json:"creation,omitempty"`
}

// resourceHead is what every resource starts with.
type resourceHead struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id,omitempty"`
	Meta         *Meta  `json:"meta,omitempty"`
}

type Patient struct {
	resourceHead
	Identifier []Identifier `json:"identifier,omitempty"`
	Name       []HumanName  `json:"name,omitempty"`
	BirthDate  string       `json:"birthDate,omitempty"`
}

type ServiceRequest struct {
	resourceHead
	Identifier       []Identifier      `json:"identifier,omitempty"`
	Status           string            `json:"status"`
	Intent           string            `json:"intent"`
	Category         []CodeableConcept `json:"category,omitempty"`
	Priority         string            `json:"priority,omitempty"`
	Code             *CodeableConcept  `json:"code,omitempty"`
	Subject          Reference         `json:"subject"`
	OccurrencePeriod *Period           `json:"occurrencePeriod,omitempty"`
	AuthoredOn       string            `json:"authoredOn,omitempty"`
	Requester        *Reference        `json:"requester,omitempty"`
	Performer        []Reference       `json:"performer,omitempty"`
	ReasonCode       []CodeableConcept `json:"reasonCode,omitempty"`
	SupportingInfo   []Reference       `json:"supportingInfo,omitempty"`
	Note             []Annotation      `json:"note,omitempty"`
}

type Consent struct {
	resourceHead
	Status           string            `json:"status"`
	Scope            CodeableConcept   `json:"scope"`
	Category         []CodeableConcept `json:"category"`
	Patient          Reference         `json:"patient"`
	DateTime         string            `json:"dateTime,omitempty"`
	PolicyRule       *CodeableConcept  `json:"policyRule,omitempty"`
	SourceAttachment *Attachment       `json:"sourceAttachment,omitempty"`
	Provision        *struct {
		Type string `json:"type,omitempty"`
	} `json:"provision,omitempty"`
}

type QuestionnaireResponse struct {
	resourceHead
	Questionnaire string      `json:"questionnaire,omitempty"`
	BasedOn       []Reference `json:"basedOn,omitempty"`
	Status        string      `json:"status,omitempty"`
	Subject       *Reference  `json:"subject,omitempty"`
	Authored      string      `json:"authored,omitempty"`
	Author        *Reference  `json:"author,omitempty"`
	Item          []Item      `json:"item,omitempty"`
}

// Item is a QuestionnaireResponse item: a group with items, or a question with answers.
type Item struct {
	LinkID string   `json:"linkId"`
	Text   string   `json:"text,omitempty"`
	Answer []Answer `json:"answer,omitempty"`
	Item   []Item   `json:"item,omitempty"`
}

type Answer struct {
	ValueString  *string `json:"valueString,omitempty"`
	ValueBoolean *bool   `json:"valueBoolean,omitempty"`
}

type DocumentReference struct {
	resourceHead
	Status    string           `json:"status"`
	DocStatus string           `json:"docStatus,omitempty"`
	Type      *CodeableConcept `json:"type,omitempty"`
	Subject   *Reference       `json:"subject,omitempty"`
	Date      string           `json:"date,omitempty"`
	Content   []struct {
		Attachment Attachment `json:"attachment"`
	} `json:"content"`
	Context *struct {
		Related []Reference `json:"related,omitempty"`
	} `json:"context,omitempty"`
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
