package fhir

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"joinedup/internal/advice"
	"joinedup/internal/apperr"
	"joinedup/internal/ident"
)

// MaxBundle is the largest advice bundle accepted: advice's own limit on
// reports (3 PDFs of 10 MB) as base64 (4 bytes for every 3) and 1 MB for the
// words and the resources around them.
const MaxBundle = advice.MaxAttachments*(advice.MaxAttachmentSize+2)/3*4 + 1<<20

// Advice is an advice bundle as advice.Submit takes it, with where each part
// came from, so Submit's own refusals (which name its form's fields) can be
// pointed back at the bundle.
type Advice struct {
	Input advice.SubmissionInput
	paths map[string]string // advice's field name (provision-1-who) to a JSON pointer
	qr    string            // the QuestionnaireResponse's pointer
}

// ParseAdvice reads an advice bundle for request r and checks it: the R4
// schema, then our rules (see the package documentation). Any problem refuses
// the whole bundle with an apperr.Invalid naming each JSON pointer.
func ParseAdvice(doc []byte, r advice.Request) (Advice, error) {
	var adv Advice
	if len(doc) > MaxBundle {
		return adv, Problems{{"", fmt.Sprintf("is larger than %d MB: attach at most %d reports of %d MB", MaxBundle>>20, advice.MaxAttachments, advice.MaxAttachmentSize>>20)}}.Err(refused)
	}
	ps, err := Validate(doc)
	if err != nil {
		return adv, err
	}
	if len(ps) > 0 {
		return adv, ps.Err(refused + ": it does not follow the FHIR R4 schema")
	}
	var head resourceHead
	if err := json.Unmarshal(doc, &head); err != nil {
		return adv, err
	}
	if head.ResourceType != "Bundle" {
		return adv, Problems{{"/resourceType", "must be Bundle: send the advice as a Bundle holding the Patient, the QuestionnaireResponse and its DocumentReferences"}}.Err(refused)
	}
	var b Bundle
	if err := json.Unmarshal(doc, &b); err != nil {
		return adv, err
	}
	ps = adv.read(b, r)
	return adv, ps.Err(refused)
}

const refused = "the advice bundle is refused and nothing was kept"

// read applies our rules to a bundle the schema accepted.
func (adv *Advice) read(b Bundle, r advice.Request) Problems {
	var ps Problems
	add := func(path, format string, args ...any) { ps = append(ps, Problem{path, fmt.Sprintf(format, args...)}) }
	if b.Type != "collection" {
		add("/type", "must be collection")
	}
	adv.paths = map[string]string{}
	var patientAt, patientURL, patientID string
	var qr *QuestionnaireResponse
	var docs []int
	for i, e := range b.Entry {
		at := fmt.Sprintf("/entry/%d/resource", i)
		var head resourceHead
		json.Unmarshal(e.Resource, &head) // the schema checked it is an object with a known resourceType
		switch head.ResourceType {
		case "Patient":
			if patientAt != "" {
				add(at, "there must be one Patient, the child; %s is another", patientAt)
				continue
			}
			var p Patient
			if err := json.Unmarshal(e.Resource, &p); err != nil {
				add(at, "cannot be read: %v", err)
				continue
			}
			patientAt, patientURL, patientID = at, e.FullURL, p.ID
			ps = append(ps, nhsNumber(p, at, r.NHSNumber)...)
		case "QuestionnaireResponse":
			if qr != nil {
				add(at, "there must be one QuestionnaireResponse, the advice; %s is another", adv.qr)
				continue
			}
			qr = &QuestionnaireResponse{}
			if err := json.Unmarshal(e.Resource, qr); err != nil {
				add(at, "cannot be read: %v", err)
				continue
			}
			adv.qr = at
		case "DocumentReference":
			docs = append(docs, i)
		default:
			add(at+"/resourceType", "an advice bundle holds a Patient, a QuestionnaireResponse and DocumentReferences, not a %s", head.ResourceType)
		}
	}
	if patientAt == "" {
		add("/entry", "must hold the child as a Patient with the NHS number")
	}
	if qr == nil {
		add("/entry", "must hold the advice as a QuestionnaireResponse")
		return ps
	}
	ps = append(ps, adv.response(qr, r, patientURL, patientID)...)
	for _, i := range docs {
		ps = append(ps, adv.document(b.Entry[i].Resource, fmt.Sprintf("/entry/%d/resource", i))...)
	}
	if len(adv.Input.Attachments) > 0 {
		adv.paths["attachment"] = fmt.Sprintf("/entry/%d/resource", docs[0])
	}
	return ps
}

// nhsNumber checks the Patient's NHS number (UK Core: the identifier with the
// system https://fhir.nhs.uk/Id/nhs-number) and that it is the child's.
func nhsNumber(p Patient, at, want string) Problems {
	var ps Problems
	found := false
	for j, id := range p.Identifier {
		if id.System != NHSNumberSystem {
			continue
		}
		path := fmt.Sprintf("%s/identifier/%d/value", at, j)
		found = true
		n, err := ident.NHSNumber(id.Value)
		switch {
		case err != nil:
			ps = append(ps, Problem{path, err.Error()})
		case n != want:
			ps = append(ps, Problem{path, "is not the NHS number of the child this request for advice is about"})
		}
	}
	if !found && want != "" {
		ps = append(ps, Problem{at + "/identifier", "must hold the child's NHS number, with the system " + NHSNumberSystem})
	}
	return ps
}

// refersTo reports whether ref names the resource with fullUrl url or id id of type typ.
func refersTo(ref, typ, url, id string) bool {
	return ref != "" && (ref == url || (id != "" && (ref == typ+"/"+id || ref == urn(id))))
}

// response reads the QuestionnaireResponse into adv.Input.
func (adv *Advice) response(qr *QuestionnaireResponse, r advice.Request, patientURL, patientID string) Problems {
	var ps Problems
	at := adv.qr
	add := func(path, format string, args ...any) { ps = append(ps, Problem{path, fmt.Sprintf(format, args...)}) }
	if qr.Status != "completed" && qr.Status != "amended" {
		add(at+"/status", "must be completed (or amended): only finished advice can be submitted")
	}
	based := false
	for _, ref := range qr.BasedOn {
		based = based || refersTo(ref.Reference, "ServiceRequest", "", r.ID) ||
			(ref.Identifier != nil && ref.Identifier.System == RequestSystem && ref.Identifier.Value == r.ID)
	}
	if !based {
		add(at+"/basedOn", "must refer to the ServiceRequest this advice answers (ServiceRequest/%s, urn:uuid:%s, or the identifier %s|%s)", r.ID, r.ID, RequestSystem, r.ID)
	}
	if qr.Subject == nil || !refersTo(qr.Subject.Reference, "Patient", patientURL, patientID) {
		add(at+"/subject", "must refer to the bundle's Patient")
	}
	count := map[string]int{}
	for k, it := range qr.Item {
		path := fmt.Sprintf("%s/item/%d", at, k)
		switch it.LinkID {
		case advice.Need, advice.Provision, advice.Outcome, advice.View:
			st, bad := statement(it, path)
			ps = append(ps, bad...)
			if strings.TrimSpace(st.Body+st.Who+st.HowOften+st.HowLong+st.Source) != "" {
				count[st.Section]++ // numbered as advice numbers them: rows with something in
				name := fmt.Sprintf("%s-%d", st.Section, count[st.Section])
				adv.paths[name] = path
				for _, sub := range []string{"body", "who", "how-often", "how-long", "source"} {
					adv.paths[name+"-"+sub] = path
				}
				for j, c := range it.Item {
					adv.paths[name+"-"+field(c.LinkID)] = fmt.Sprintf("%s/item/%d", path, j)
				}
			}
			adv.Input.Statements = append(adv.Input.Statements, st)
		case linkReused:
			if len(it.Answer) != 1 || it.Answer[0].ValueBoolean == nil {
				add(path+"/answer", "must be one valueBoolean")
				continue
			}
			adv.Input.Reused = *it.Answer[0].ValueBoolean
		case linkReuseAgreement:
			s, ok := onlyString(it)
			if !ok {
				add(path+"/answer", "must be one valueString")
			}
			adv.Input.ReuseAgreement = s
			adv.paths["reuse-agreement"] = path
		default:
			add(path+"/linkId", "%q is not an item of the advice questionnaire (need, provision, outcome, view, reused, reuse-agreement)", it.LinkID)
		}
	}
	for _, s := range advice.Sections {
		adv.paths[s+"-1-body"] = cmp.Or(adv.paths[s+"-1-body"], at+"/item")
	}
	adv.paths["reuse-agreement"] = cmp.Or(adv.paths["reuse-agreement"], at+"/item")
	return ps
}

// field is advice's name for a part of a statement (Submit's field suffix).
func field(linkID string) string {
	_, f, _ := strings.Cut(linkID, ".")
	if f == "text" || f == "what" {
		return "body"
	}
	return f
}

// statement reads one group item (need, provision, outcome, view).
func statement(it Item, path string) (advice.Statement, Problems) {
	var ps Problems
	st := advice.Statement{Section: it.LinkID}
	if len(it.Answer) > 0 {
		ps = append(ps, Problem{path + "/answer", "a " + it.LinkID + " is a group: give its parts as items, not answers"})
	}
	parts := map[string]*string{".source": &st.Source}
	if it.LinkID == advice.Provision {
		parts[".what"], parts[".who"], parts[".how-often"], parts[".how-long"] = &st.Body, &st.Who, &st.HowOften, &st.HowLong
	} else {
		parts[".text"] = &st.Body
	}
	seen := map[string]bool{}
	for j, c := range it.Item {
		cp := fmt.Sprintf("%s/item/%d", path, j)
		suffix, ok := strings.CutPrefix(c.LinkID, it.LinkID)
		into := parts[suffix]
		if !ok || into == nil {
			ps = append(ps, Problem{cp + "/linkId", fmt.Sprintf("%q is not a part of a %s (%s)", c.LinkID, it.LinkID, partNames(it.LinkID))})
			continue
		}
		if seen[suffix] {
			ps = append(ps, Problem{cp + "/linkId", fmt.Sprintf("%q is given twice in this %s", c.LinkID, it.LinkID)})
			continue
		}
		seen[suffix] = true
		s, ok := onlyString(c)
		if !ok {
			ps = append(ps, Problem{cp + "/answer", "must be one valueString"})
		}
		*into = s
	}
	return st, ps
}

func partNames(section string) string {
	if section == advice.Provision {
		return "provision.what, provision.who, provision.how-often, provision.how-long, provision.source"
	}
	return section + ".text, " + section + ".source"
}

// onlyString is an item's one valueString answer; no answer is "" (a blank
// the advice's own checks then name).
func onlyString(it Item) (string, bool) {
	switch {
	case len(it.Item) > 0:
		return "", false
	case len(it.Answer) == 0:
		return "", true
	case len(it.Answer) == 1 && it.Answer[0].ValueString != nil:
		return *it.Answer[0].ValueString, true
	}
	return "", false
}

// document reads one DocumentReference's reports into adv.Input.
func (adv *Advice) document(raw json.RawMessage, at string) Problems {
	var ps Problems
	var d DocumentReference
	if err := json.Unmarshal(raw, &d); err != nil {
		return Problems{{at, "cannot be read: " + err.Error()}}
	}
	if d.Status != "current" {
		ps = append(ps, Problem{at + "/status", "must be current"})
	}
	for j, c := range d.Content {
		path := fmt.Sprintf("%s/content/%d/attachment", at, j)
		a := c.Attachment
		if a.ContentType != "application/pdf" {
			ps = append(ps, Problem{path + "/contentType", "must be application/pdf: reports are PDF files"})
			continue
		}
		if a.Data == "" {
			ps = append(ps, Problem{path + "/data", "must hold the PDF itself as base64 (joinedup does not fetch a url)"})
			continue
		}
		if base64.StdEncoding.DecodedLen(len(a.Data)) > advice.MaxAttachmentSize+3 {
			ps = append(ps, Problem{path + "/data", fmt.Sprintf("is larger than %d MB", advice.MaxAttachmentSize>>20)})
			continue
		}
		content, err := base64.StdEncoding.DecodeString(a.Data)
		if err != nil {
			ps = append(ps, Problem{path + "/data", "is not base64: " + err.Error()})
			continue
		}
		switch {
		case len(content) > advice.MaxAttachmentSize:
			ps = append(ps, Problem{path + "/data", fmt.Sprintf("is larger than %d MB", advice.MaxAttachmentSize>>20)})
		case !bytes.HasPrefix(content, []byte("%PDF-")):
			ps = append(ps, Problem{path + "/data", "is not a PDF (it does not start with %PDF-), whatever its contentType says"})
		case a.Size != 0 && a.Size != len(content):
			ps = append(ps, Problem{path + "/size", fmt.Sprintf("says %d bytes but the data holds %d", a.Size, len(content))})
		default:
			name := a.Title
			if name == "" {
				name = "report.pdf"
			}
			adv.Input.Attachments = append(adv.Input.Attachments, advice.Attachment{Name: name, Content: content})
		}
	}
	return ps
}

// Locate points advice.Submit's refusal, which names its form's fields
// (provision-1-who), at the bundle's JSON pointers, keeping each message;
// any other error is returned as it is.
func (adv Advice) Locate(err error) error {
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.Invalid {
		return err
	}
	var fs apperr.Fields
	for _, f := range e.Fields {
		path, ok := adv.paths[f.Name]
		if !ok {
			path = adv.qr
		}
		fs.Add(path, f.Message)
	}
	return &apperr.Error{Code: e.Code, Message: refused, Fields: fs}
}
